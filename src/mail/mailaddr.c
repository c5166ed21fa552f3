/* mailaddr.c - header values and addresses that may go into a mail (SPEC 9).
 *
 * Checked before anything is built: a value from data that could end a header
 * line (CR, LF, NUL; also the other controls and U+2028/U+2029 that some
 * readers treat as breaks) is refused, never cleaned, so a message is either
 * exactly what the caller gave or not queued at all.
 */
#include "mail_internal.h"

#include <string.h>

static const char *control_name(unsigned c)
{
    switch (c) {
    case '\r': return "a carriage return (CR)";
    case '\n': return "a line feed (LF)";
    case 0: return "a NUL byte";
    default: return "a control character";
    }
}

int cr_mailaddr_check_value(const char *field, const char *value, long len, cr_error *err)
{
    if (!value)
        return cr_error_set(err, EX_DATAERR, NULL, 0, 0, "%s is missing", field);
    size_t n = strlen(value);
    if (len >= 0 && (size_t)len != n)
        return cr_error_set(err, EX_DATAERR, NULL, 0, 0,
                            "%s has a NUL byte at byte %zu: a mail header cannot hold it", field,
                            n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)value[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return cr_error_set(err, EX_DATAERR, NULL, 0, 0,
                                "%s has %s at byte %zu: a mail header cannot hold CR, LF, NUL "
                                "or control characters",
                                field, control_name(c), i + 1);
    }
    const char *bad = NULL;
    if (!g_utf8_validate(value, (gssize)n, &bad))
        return cr_error_set(err, EX_DATAERR, NULL, 0, 0, "%s is not valid UTF-8 at byte %ld",
                            field, (long)(bad - value) + 1);
    for (const char *p = value; *p; p = g_utf8_next_char(p)) {
        gunichar u = g_utf8_get_char(p);
        if ((u >= 0x80 && u <= 0x9f) || u == 0x2028 || u == 0x2029)
            return cr_error_set(err, EX_DATAERR, NULL, 0, 0,
                                "%s has a control or line separator character (U+%04X) at byte "
                                "%ld: a mail header cannot hold it",
                                field, (unsigned)u, (long)(p - value) + 1);
    }
    return 0;
}

static bool atext(int c)
{
    return g_ascii_isalnum(c) || (c && strchr("!#$%&'*+/=?^_`{|}~-", c));
}

/* local@domain, ASCII only: a dot-atom local part and host-name labels. */
bool cr_mailaddr_valid(const char *addr)
{
    const char *at = addr ? strrchr(addr, '@') : NULL;
    if (!at || at == addr || !at[1] || at - addr > 64 || strlen(at + 1) > 253)
        return false;
    for (const char *p = addr; p < at; p++) {
        if (*p == '.') {
            if (p == addr || p + 1 == at || p[1] == '.')
                return false;
        } else if (!atext((unsigned char)*p)) {
            return false;
        }
    }
    const char *label = at + 1;
    for (const char *p = label;; p++) {
        if (*p == '.' || !*p) {
            size_t n = (size_t)(p - label);
            if (n == 0 || n > 63 || label[0] == '-' || p[-1] == '-')
                return false;
            if (!*p)
                break;
            label = p + 1;
        } else if (!g_ascii_isalnum(*p) && *p != '-') {
            return false;
        }
    }
    return true;
}

/* One written address: "addr", "<addr>" or "Name <addr>", parsed by GMime
 * and kept only when GMime read it as written. */
static int parse_one(const char *field, const char *text, InternetAddressList *into, cr_error *err)
{
    InternetAddressList *l = internet_address_list_parse(NULL, text);
    int rc = 0;
    if (!l || internet_address_list_length(l) != 1) {
        rc = cr_error_set(err, EX_DATAERR, NULL, 0, 0, "%s: '%s' is not a mail address", field,
                          text);
        goto out;
    }
    InternetAddress *a = internet_address_list_get_address(l, 0);
    if (!INTERNET_ADDRESS_IS_MAILBOX(a)) {
        rc = cr_error_set(err, EX_DATAERR, NULL, 0, 0,
                          "%s: '%s' is a group, not a mail address", field, text);
        goto out;
    }
    const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
    if (!cr_mailaddr_valid(addr)) {
        rc = cr_error_set(err, EX_DATAERR, NULL, 0, 0,
                          "%s: '%s' is not a mail address this program sends to (ASCII "
                          "local@domain)",
                          field, text);
        goto out;
    }
    /* What GMime repaired ("<a@b", "a@b>", comments) no longer reads as written. */
    size_t tn = strlen(text), an = strlen(addr);
    bool plain = strcmp(text, addr) == 0;
    bool angled = tn >= an + 2 && text[tn - 1] == '>' && text[tn - an - 2] == '<' &&
                  memcmp(text + tn - an - 1, addr, an) == 0;
    if (!plain && !angled) {
        rc = cr_error_set(err, EX_DATAERR, NULL, 0, 0,
                          "%s: '%s' is not a well-formed address (write addr@domain or "
                          "Name <addr@domain>)",
                          field, text);
        goto out;
    }
    if (angled && memchr(text, '<', tn - an - 2)) {
        rc = cr_error_set(err, EX_DATAERR, NULL, 0, 0, "%s: '%s' is not a well-formed address",
                          field, text);
        goto out;
    }
    /* An encoded word in the name decodes to text that must pass too. */
    const char *name = internet_address_get_name(a);
    if (name && (rc = cr_mailaddr_check_value(field, name, -1, err)) != 0)
        goto out;
    internet_address_list_add(into, a);
out:
    if (l)
        g_object_unref(l);
    return rc;
}

int cr_mailaddr_parse(const char *field, const char *value, size_t max,
                      InternetAddressList **out, cr_error *err)
{
    *out = NULL;
    int rc = cr_mailaddr_check_value(field, value, -1, err);
    if (rc)
        return rc;
    cr_gmime_init();
    InternetAddressList *list = internet_address_list_new();
    /* ';' is the recipients column's separator; ',' the header's. A quoted
     * name holding either does not parse whole and is refused. */
    char **parts = g_strsplit_set(value, ";,", -1);
    for (char **p = parts; *p; p++) {
        char *t = g_strstrip(*p);
        if (!*t)
            continue;
        if ((rc = parse_one(field, t, list, err)) != 0)
            goto fail;
    }
    int n = internet_address_list_length(list);
    if (n == 0) {
        rc = cr_error_set(err, EX_DATAERR, NULL, 0, 0, "%s: no mail address", field);
        goto fail;
    }
    if ((size_t)n > max) {
        rc = cr_error_set(err, EX_DATAERR, NULL, 0, 0, "%s: one address expected, not %d",
                          field, n);
        goto fail;
    }
    g_strfreev(parts);
    *out = list;
    return 0;
fail:
    g_strfreev(parts);
    g_object_unref(list);
    return rc;
}
