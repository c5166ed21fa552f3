/* values.c - the checks behind "bad row" errors, one per value type. */
#include "csmreport/values.h"

#include <stdio.h>
#include <string.h>

#include "csmreport/tz.h"

#define MICROS 1000000

static void trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

/* Quotes at most 40 bytes of the value for a message. */
static const char *shown(const char *s, size_t len, char *buf, size_t size)
{
    size_t n = len < 40 ? len : 40;
    snprintf(buf, size, "%.*s%s", (int)n, s, len > 40 ? "..." : "");
    return buf;
}

static bool parse_count(const char *s, size_t len, int64_t *out, char *why, size_t why_size)
{
    char v[64];
    int64_t n = 0;
    if (s[0] == '-') {
        snprintf(why, why_size, "negative count '%s'", shown(s, len, v, sizeof v));
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            const char *hint = memchr(s, ',', len) ? " (a decimal comma?)"
                             : memchr(s, '.', len) ? " (a fraction?)" : "";
            snprintf(why, why_size, "'%s' is not a whole number%s", shown(s, len, v, sizeof v), hint);
            return false;
        }
        if (n > (INT64_C(1) << 53) / 10) {
            snprintf(why, why_size, "number '%s' is too large", shown(s, len, v, sizeof v));
            return false;
        }
        n = n * 10 + (s[i] - '0');
    }
    *out = n;
    return true;
}

/* A non-negative decimal with up to 6 decimals, as micro-units. */
static bool parse_decimal(const char *s, size_t len, int64_t *out, char *why, size_t why_size)
{
    char v[64];
    int64_t whole = 0, frac = 0;
    int frac_digits = 0;
    bool dot = false, digits = false;
    if (s[0] == '-') {
        snprintf(why, why_size, "negative amount '%s'", shown(s, len, v, sizeof v));
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '.' && !dot) {
            dot = true;
        } else if (c >= '0' && c <= '9') {
            digits = true;
            if (!dot) {
                if (whole > INT64_C(9000000000000) / 10) {
                    snprintf(why, why_size, "number '%s' is too large", shown(s, len, v, sizeof v));
                    return false;
                }
                whole = whole * 10 + (c - '0');
            } else if (frac_digits < 6) {
                frac = frac * 10 + (c - '0');
                frac_digits++;
            } else if (c != '0') {
                snprintf(why, why_size, "'%s' has more than 6 decimals", shown(s, len, v, sizeof v));
                return false;
            }
        } else {
            const char *hint = c == ',' ? " (a decimal comma? use a point)" : "";
            snprintf(why, why_size, "'%s' is not a number%s", shown(s, len, v, sizeof v), hint);
            return false;
        }
    }
    if (!digits) {
        snprintf(why, why_size, "'%s' is not a number", shown(s, len, v, sizeof v));
        return false;
    }
    while (frac_digits < 6) {
        frac *= 10;
        frac_digits++;
    }
    *out = whole * MICROS + frac;
    return true;
}

static bool is_enum_value(const cr_column *col, const char *s, size_t len)
{
    for (const char *const *e = col->enum_values; *e; e++)
        if (strlen(*e) == len && memcmp(*e, s, len) == 0)
            return true;
    return false;
}

static bool bad_enum(const cr_column *col, const char *s, size_t len, char *why, size_t why_size)
{
    char v[64], allowed[256] = "";
    size_t used = 0;
    for (const char *const *e = col->enum_values; *e && used < sizeof allowed - 32; e++)
        used += (size_t)snprintf(allowed + used, sizeof allowed - used, "%s%s",
                                 used ? ", " : "", *e);
    snprintf(why, why_size, "unknown %s '%s' (expected one of: %s)", col->name,
             shown(s, len, v, sizeof v), allowed);
    return false;
}

static bool valid_email(const char *s, size_t len)
{
    const char *at = memchr(s, '@', len);
    if (!at || at == s || at == s + len - 1 || memchr(at + 1, '@', (size_t)(s + len - at - 1)))
        return false;
    const char *domain = at + 1;
    if (!memchr(domain, '.', (size_t)(s + len - domain)))
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c == '<' || c == '>' || c == ',' || c == ';' || c == '"' || c == 0x7f)
            return false;
    }
    return true;
}

/* Checks each ';'-separated item with ok(); empty items are allowed (a trailing ';'). */
static bool check_list(const char *s, size_t len, bool (*ok)(const char *, size_t), size_t *bad_at,
                       size_t *bad_len)
{
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == ';') {
            const char *item = s + start;
            size_t n = i - start;
            trim(&item, &n);
            if (n && !ok(item, n)) {
                *bad_at = (size_t)(item - s);
                *bad_len = n;
                return false;
            }
            start = i + 1;
        }
    }
    return true;
}

static bool valid_option(const char *s, size_t len)
{
    static const char *const options[] = {"onsite", "four_hour", "frurad"};
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
        if (strlen(options[i]) == len && memcmp(options[i], s, len) == 0)
            return true;
    return false;
}

static bool valid_locale(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && s[i] >= 'a' && s[i] <= 'z')
        i++;
    if (i < 2 || i > 3)
        return false;
    while (i < len) {
        if (s[i] != '-' && s[i] != '_')
            return false;
        size_t start = ++i;
        while (i < len && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                           (s[i] >= '0' && s[i] <= '9')))
            i++;
        if (i == start)
            return false;
    }
    return true;
}

/* One UTF-8 character at s (the CSV reader has rejected invalid UTF-8; a
 * stray byte reads as itself). */
static uint32_t next_char(const unsigned char *s, size_t len, size_t *i)
{
    unsigned c = s[*i];
    int n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
    if (*i + (size_t)n >= len) {
        (*i)++;
        return c;
    }
    uint32_t cp = n == 0 ? c : n == 1 ? c & 0x1f : n == 2 ? c & 0x0f : c & 0x07;
    for (int k = 1; k <= n; k++)
        cp = cp << 6 | (s[*i + (size_t)k] & 0x3f);
    *i += (size_t)n + 1;
    return cp;
}

/* ids and names are one line of visible text; other TEXT columns are free text. */
static bool is_name(const cr_column *col)
{
    size_t n = strlen(col->name);
    return col->type == CR_V_ID || strcmp(col->name, "name") == 0 ||
           (n > 5 && strcmp(col->name + n - 5, "_name") == 0);
}

bool cr_value_check_chars(const cr_column *col, const char *s, size_t len, char *why,
                          size_t why_size)
{
    /* most values are printable ASCII: one pass over the bytes settles them */
    size_t plain = 0;
    while (plain < len && (unsigned char)s[plain] >= 0x20 && (unsigned char)s[plain] < 0x7f)
        plain++;
    if (plain == len)
        return true;
    bool name = is_name(col);
    size_t i = 0;
    for (long pos = 1; i < len; pos++) {
        uint32_t c = next_char((const unsigned char *)s, len, &i);
        const char *what = NULL;
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
            if (!name && (c == '\t' || c == '\n' || c == '\r'))
                continue;
            what = "a control character";
        } else if (c == 0xfeff) {
            what = "a byte order mark";
        } else if (c == 0xfffe || c == 0xffff) {
            what = "a noncharacter"; /* neither XML nor pango takes it */
        } else if (name && ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))) {
            what = "a bidirectional override";
        }
        if (what) {
            snprintf(why, why_size, "%s U+%04X at character %ld of the value (not allowed in %s)",
                     what, (unsigned)c, pos, name ? "ids and names" : "text");
            return false;
        }
    }
    return true;
}

/* Length of a group separator at s[i] (1, or 2-3 for a UTF-8 no-break space
 * when the separator is a space), 0 when there is none. */
static size_t group_mark(const char *s, size_t len, size_t i, char thousands)
{
    if (s[i] == thousands)
        return 1;
    if (thousands == ' ' && i + 1 < len && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xA0)
        return 2;
    if (thousands == ' ' && i + 2 < len && (unsigned char)s[i] == 0xE2 &&
        (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0xAF)
        return 3;
    return 0;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Rewrites a number written with style's marks into plain form (digits, one
 * '.') in out. A group separator counts only after a digit and before exactly
 * three digits; anything else is left for the parser to refuse, except a '.'
 * when the decimal mark is ',' (it would be misread). Returns false with why. */
static bool plain_number(const char *s, size_t len, const cr_value_style *st, char *out,
                         size_t size, size_t *out_len, char *why, size_t why_size)
{
    char v[64];
    size_t n = 0;
    bool after_decimal = false;
    for (size_t i = 0; i < len; i++) {
        size_t g = st->thousands && !after_decimal ? group_mark(s, len, i, st->thousands) : 0;
        if (g && n && is_digit(out[n - 1]) && i + g + 3 <= len && is_digit(s[i + g]) &&
            is_digit(s[i + g + 1]) && is_digit(s[i + g + 2]) &&
            (i + g + 3 == len || !is_digit(s[i + g + 3]))) {
            i += g - 1;
            continue;
        }
        char c = s[i];
        if (c == st->decimal) {
            c = '.';
            after_decimal = true;
        } else if (c == '.' && st->decimal == ',') {
            snprintf(why, why_size, "'%s' is not a number (the profile's decimal mark is ',')",
                     shown(s, len, v, sizeof v));
            return false;
        }
        if (n + 1 >= size) {
            snprintf(why, why_size, "'%s' is not a number", shown(s, len, v, sizeof v));
            return false;
        }
        out[n++] = c;
    }
    out[n] = '\0';
    *out_len = n;
    return true;
}

/* An id that is wholly a grouped whole number ("2 553") without its marks, in
 * out->buf; false when it is anything else. */
static bool grouped_id(const char *s, size_t len, char thousands, cr_value *out)
{
    size_t n = 0, run = 0;
    bool grouped = false;
    for (size_t i = 0; i < len; i++) {
        size_t g = group_mark(s, len, i, thousands);
        if (g) {
            if (run == 0 || (grouped && run != 3) || run > 3)
                return false;
            grouped = true;
            run = 0;
            i += g - 1;
            continue;
        }
        if (!is_digit(s[i]) || n + 1 >= sizeof out->buf)
            return false;
        out->buf[n++] = s[i];
        run++;
    }
    if (!grouped || run != 3)
        return false;
    out->buf[n] = '\0';
    out->text = out->buf;
    out->len = n;
    return true;
}

/* The date part of a date-and-time format ("%d-%m-%Y" of "%d-%m-%Y %H:%M"),
 * or false when the format has no time part. */
static bool date_part(const char *format, char *out, size_t size)
{
    const char *t = strstr(format, "%H");
    const char *i = strstr(format, "%I");
    if (!t || (i && i < t))
        t = i;
    if (!t)
        return false;
    size_t n = (size_t)(t - format);
    while (n && (format[n - 1] == ' ' || format[n - 1] == 'T' || format[n - 1] == ','))
        n--;
    if (n == 0 || n >= size)
        return false;
    memcpy(out, format, n);
    out[n] = '\0';
    return true;
}

/* A date where a timestamp is expected: 00:00 local time of that day. */
static bool date_as_timestamp(const char *s, size_t len, const char *format, cr_timestamp *ts)
{
    char date_format[64];
    *ts = (cr_timestamp){0};
    if (cr_date_parse(s, len, &ts->date))
        return true;
    return format && date_part(format, date_format, sizeof date_format) &&
           cr_timestamp_parse_format(s, len, date_format, ts);
}

bool cr_value_add_seconds(cr_value *v, const char *raw, size_t len, char *why, size_t why_size)
{
    char shown_buf[64];
    int64_t n = 0;
    trim(&raw, &len);
    size_t whole = len;
    const char *dot = memchr(raw, '.', len);
    if (dot)
        whole = (size_t)(dot - raw);
    if (whole == 0 || whole > 12) {
        snprintf(why, why_size, "'%s' is not a number of seconds", shown(raw, len, shown_buf, sizeof shown_buf));
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (i == whole)
            continue;
        if (!is_digit(raw[i])) {
            snprintf(why, why_size, "'%s' is not a number of seconds",
                     shown(raw, len, shown_buf, sizeof shown_buf));
            return false;
        }
        if (i < whole)
            n = n * 10 + (raw[i] - '0');
    }
    int64_t t = cr_timestamp_local_seconds(&v->ts) + n;
    int64_t day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t sec = t - day * 86400;
    v->ts.date = cr_civil_from_days(day);
    v->ts.hour = (int)(sec / 3600);
    v->ts.minute = (int)(sec / 60 % 60);
    v->ts.second = (int)(sec % 60);
    cr_timestamp_format(&v->ts, v->buf);
    v->text = v->buf;
    v->len = strlen(v->buf);
    return true;
}

bool cr_value_convert(const cr_column *col, const char *raw, size_t len, const char *format,
                      cr_value *out, char *why, size_t why_size)
{
    cr_value_style style = {.format = format};
    return cr_value_convert_styled(col, raw, len, &style, out, why, why_size);
}

bool cr_value_convert_styled(const cr_column *col, const char *raw, size_t len,
                             const cr_value_style *style, cr_value *out, char *why,
                             size_t why_size)
{
    static const cr_value_style iso = {0};
    const cr_value_style *st = style ? style : &iso;
    const char *format = st->format;
    bool localized = (st->decimal && st->decimal != '.') || st->thousands;
    char num[64];
    size_t num_len;
    char v[64];
    out->null = false;
    out->has_number = false;
    out->has_timestamp = false;
    if (col->type != CR_V_TEXT)
        trim(&raw, &len);
    out->text = raw;
    out->len = len;
    if (len == 0) {
        out->null = true;
        return true;
    }
    switch (col->type) {
    case CR_V_TEXT:
        return cr_value_check_chars(col, raw, len, why, why_size);
    case CR_V_ID:
        if (!cr_value_check_chars(col, raw, len, why, why_size))
            return false;
        /* only a space: with '.' or ',' a version number (8.100) would lose its mark */
        if (st->thousands == ' ')
            grouped_id(raw, len, st->thousands, out);
        return true;
    case CR_V_DATE:
        if (format) {
            if (!cr_timestamp_parse_format(raw, len, format, &out->ts)) {
                snprintf(why, why_size, "'%s' is not a date in the format '%s'",
                         shown(raw, len, v, sizeof v), format);
                return false;
            }
        } else {
            out->ts = (cr_timestamp){0};
            if (!cr_date_parse(raw, len, &out->ts.date)) {
                snprintf(why, why_size, "'%s' is not a valid date (YYYY-MM-DD)",
                         shown(raw, len, v, sizeof v));
                return false;
            }
            out->has_timestamp = true; /* strict YYYY-MM-DD is already canonical */
            return true;
        }
        cr_date_format(out->ts.date, out->buf);
        out->text = out->buf;
        out->len = 10;
        out->has_timestamp = true;
        return true;
    case CR_V_TIMESTAMP: {
        bool ok = format ? cr_timestamp_parse_format(raw, len, format, &out->ts)
                         : cr_timestamp_parse_iso(raw, len, &out->ts);
        if (!ok)
            ok = date_as_timestamp(raw, len, format, &out->ts);
        if (!ok) {
            if (format)
                snprintf(why, why_size, "'%s' is not a time in the format '%s'",
                         shown(raw, len, v, sizeof v), format);
            else
                snprintf(why, why_size, "'%s' is not a valid time (YYYY-MM-DD HH:MM[:SS][Z|+HH:MM])",
                         shown(raw, len, v, sizeof v));
            return false;
        }
        cr_timestamp_format(&out->ts, out->buf);
        out->text = out->buf;
        out->len = strlen(out->buf);
        out->has_timestamp = true;
        return true;
    }
    case CR_V_COUNT:
    case CR_V_MONEY:
    case CR_V_PERCENT: {
        const char *s = raw;
        size_t n = len;
        if (localized) {
            if (!plain_number(raw, len, st, num, sizeof num, &num_len, why, why_size))
                return false;
            s = num;
            n = num_len;
        }
        out->has_number = col->type == CR_V_COUNT ? parse_count(s, n, &out->number, why, why_size)
                                                  : parse_decimal(s, n, &out->number, why, why_size);
        if (!out->has_number && localized)
            snprintf(why, why_size, "'%s' is not a %s (decimal mark '%c'%s%s%s)",
                     shown(raw, len, v, sizeof v),
                     col->type == CR_V_COUNT ? "whole number" : "number",
                     st->decimal ? st->decimal : '.', st->thousands ? ", thousands '" : "",
                     st->thousands ? (st->thousands == ' ' ? " " : st->thousands == '.' ? "."
                                      : st->thousands == ',' ? "," : "'") : "",
                     st->thousands ? "'" : "");
        return out->has_number;
    }
    case CR_V_ENUM:
        return is_enum_value(col, raw, len) || bad_enum(col, raw, len, why, why_size);
    case CR_V_PRIORITY:
        if (len == 2 && (raw[0] == 'P' || raw[0] == 'p') && raw[1] >= '1' && raw[1] <= '4') {
            out->buf[0] = 'P';
            out->buf[1] = raw[1];
            out->buf[2] = '\0';
            out->text = out->buf;
            return true;
        }
        snprintf(why, why_size, "unknown priority '%s' (expected P1, P2, P3 or P4; a profile can map others)",
                 shown(raw, len, v, sizeof v));
        return false;
    case CR_V_TIMEZONE: {
        char name[128];
        if (len >= sizeof name) {
            snprintf(why, why_size, "unknown time zone '%s'", shown(raw, len, v, sizeof v));
            return false;
        }
        memcpy(name, raw, len);
        name[len] = '\0';
        if (!cr_tz_valid(name)) {
            snprintf(why, why_size, "unknown time zone '%s' (expected an IANA name such as Europe/Oslo)",
                     shown(raw, len, v, sizeof v));
            return false;
        }
        return true;
    }
    case CR_V_LOCALE:
        if (!valid_locale(raw, len)) {
            snprintf(why, why_size, "'%s' is not a locale (expected e.g. en, fr, nb, ja, en-GB)",
                     shown(raw, len, v, sizeof v));
            return false;
        }
        return true;
    case CR_V_CURRENCY:
        if (len != 3 || raw[0] < 'A' || raw[0] > 'Z' || raw[1] < 'A' || raw[1] > 'Z' ||
            raw[2] < 'A' || raw[2] > 'Z') {
            snprintf(why, why_size, "'%s' is not an ISO 4217 currency code (e.g. EUR)",
                     shown(raw, len, v, sizeof v));
            return false;
        }
        return true;
    case CR_V_EMAILS: {
        size_t at, n;
        if (!check_list(raw, len, valid_email, &at, &n)) {
            snprintf(why, why_size, "'%s' is not an e-mail address", shown(raw + at, n, v, sizeof v));
            return false;
        }
        return true;
    }
    case CR_V_OPTIONS: {
        size_t at, n;
        if (!check_list(raw, len, valid_option, &at, &n)) {
            snprintf(why, why_size, "unknown option '%s' (expected onsite, four_hour, frurad)",
                     shown(raw + at, n, v, sizeof v));
            return false;
        }
        return true;
    }
    }
    return true;
}
