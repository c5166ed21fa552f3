/* fuzz_mail.c - the mail header builder (mailaddr.c checks, cr_mail_queue)
 * on any bytes: the input's lines are From, To, Subject, batch name, and the
 * rest the body. Invariants: a header value accepted by the check holds no
 * CR, LF or NUL; a message with CR or LF in any header value is never
 * queued; a queued .eml's header block has only "Name: value" lines and
 * their folded continuations (no header injected from data), and parsed
 * back, no header value holds CR or LF. */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csmreport/mail.h"
#include "fuzz.h"
#include "mail_internal.h"

static char outbox[80];

static void make_outbox(void)
{
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm"
                    : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(outbox, sizeof outbox, "%.40s/fuzz-mail-XXXXXX", dir);
    FUZZ_CHECK(mkdtemp(outbox) != NULL, "cannot make %s", outbox);
}

static bool has_crlf(const char *s, size_t n)
{
    return memchr(s, '\r', n) || memchr(s, '\n', n);
}

static void check_header_block(const char *eml, size_t len)
{
    const char *end = eml + len, *p = eml;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (n && p[n - 1] == '\r')
            n--;
        if (n == 0)
            return; /* the blank line: the body follows */
        FUZZ_CHECK(!memchr(p, '\r', n), "bare CR in a header line");
        if (p[0] != ' ' && p[0] != '\t') {
            size_t i = 0;
            while (i < n && p[i] > ' ' && p[i] < 127 && p[i] != ':')
                i++;
            FUZZ_CHECK(i > 0 && i < n && p[i] == ':', "not a header line: '%.*s'", (int)n, p);
        }
        if (!nl)
            return;
        p = nl + 1;
    }
}

static void check_parsed(const char *eml, size_t len)
{
    GMimeStream *st = g_mime_stream_mem_new_with_buffer(eml, len);
    GMimeParser *parser = g_mime_parser_new_with_stream(st);
    GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
    FUZZ_CHECK(msg != NULL, "the queued message does not parse");
    GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
    int n = g_mime_header_list_get_count(hl);
    for (int i = 0; i < n; i++) {
        GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
        const char *v = g_mime_header_get_value(h);
        FUZZ_CHECK(!v || !has_crlf(v, strlen(v)), "header %s holds CR or LF",
                   g_mime_header_get_name(h));
    }
    const char *subject = g_mime_message_get_subject(msg);
    FUZZ_CHECK(!subject || !has_crlf(subject, strlen(subject)), "the subject holds CR or LF");
    g_object_unref(msg);
    g_object_unref(parser);
    g_object_unref(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!outbox[0])
        make_outbox();
    /* split into 4 header values and a body, each a C string */
    char *buf = malloc(size + 1), *part[5] = {0};
    size_t plen[5] = {0};
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *p = buf;
    for (int i = 0; i < 5; i++) {
        part[i] = p;
        char *nl = i < 4 ? memchr(p, '\n', (size_t)(buf + size - p)) : NULL;
        plen[i] = nl ? (size_t)(nl - p) : (size_t)(buf + size - p);
        if (nl) {
            *nl = '\0';
            p = nl + 1;
        } else {
            p = buf + size;
        }
    }
    cr_error err;
    bool injected = false;
    for (int i = 0; i < 4; i++) {
        cr_error_clear(&err);
        bool bad = memchr(part[i], '\r', plen[i]) || memchr(part[i], '\0', plen[i]);
        if (cr_mailaddr_check_value("a header", part[i], (long)plen[i], &err) == 0)
            FUZZ_CHECK(!bad, "header value %d with CR or NUL accepted", i);
        else
            FUZZ_CHECK(err.code == EX_DATAERR && err.message[0], "refusal without a message");
        /* a C string ends at the first NUL: only what precedes it is a value */
        injected |= has_crlf(part[i], strlen(part[i]));
    }
    cr_mail_message m = {.from = part[0], .to = part[1], .subject = part[2], .batch = part[3],
                         .body = part[4], .run_date = "2026-10-01", .date = 1790000000};
    cr_mail_queued what = CR_MAIL_QUEUED;
    char name[CR_MAIL_NAME_SIZE];
    cr_error_clear(&err);
    int rc = cr_mail_queue(outbox, &m, &what, name, &err);
    if (rc == 0) {
        FUZZ_CHECK(!injected, "a header value with CR or LF was queued");
        FUZZ_CHECK(name[0] && !strchr(name, '/'), "queued under the name '%s'", name);
        char path[256];
        snprintf(path, sizeof path, "%s/%s", outbox, name);
        if (what == CR_MAIL_QUEUED) {
            gchar *eml = NULL;
            gsize len = 0;
            FUZZ_CHECK(g_file_get_contents(path, &eml, &len, NULL), "cannot read %s", path);
            check_header_block(eml, len);
            check_parsed(eml, len);
            g_free(eml);
        }
        unlink(path);
    } else {
        FUZZ_CHECK(err.code == rc && err.message[0], "failure %d with code %d, message '%s'", rc,
                   err.code, err.message);
    }
    free(buf);
    return 0;
}
