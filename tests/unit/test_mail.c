/* test_mail.c - the mail outbox (mail.h).
 *
 * Without arguments: unit tests. Header injection and malformed addresses are
 * refused with nothing queued; a queued message parsed back with GMime has
 * the right structure, headers, RFC 2047 subject, RFC 2231 file names and
 * attachment bytes; the key ignores recipient order and case and changes with
 * an attachment; a fake sendmail (a shell script) delivers, defers on exit 75
 * and fails on exit 1; the sent log turns a re-queue into ALREADY_SENT; a
 * server that refuses connections defers everything.
 *
 * With arguments it is the driver of tests/e2e/mail.sh:
 *   test_mail queue OUTBOX FROM TO SUBJECT BATCH RUN_DATE EPOCH [PATH[=NAME]]...
 *       prints "queued NAME", "already-sent NAME" or "already-queued NAME";
 *       on error "error: MESSAGE" on stderr and exits with its code
 *   test_mail send OUTBOX (smtp URL | sendmail COMMAND) [TIMEOUT]
 *       prints "sent NAME", "deferred NAME: WHY", "failed NAME: WHY" and
 *       "summary sent=N deferred=N failed=N"
 */
#include "csmreport/mail.h"
#include "mail_internal.h"
#include "unit.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------------------------------------------------------------- driver */

static void print_sent(void *ctx, const char *name, const cr_error *err)
{
    if (!err)
        printf("sent %s\n", name);
    else
        printf("%s %s: %s\n", err->code == EX_TEMPFAIL ? "deferred" : "failed", name,
               err->message);
}

static int driver(int argc, char **argv)
{
    cr_error err;
    if (strcmp(argv[1], "queue") == 0 && argc >= 9) {
        size_t n = (size_t)argc - 9;
        cr_mail_attachment *at = calloc(n ? n : 1, sizeof *at);
        for (size_t i = 0; i < n; i++) {
            char *arg = argv[9 + i], *eq = strchr(arg, '=');
            if (eq)
                *eq = '\0';
            at[i].path = arg;
            at[i].filename = eq ? eq + 1 : NULL;
        }
        const char *body = getenv("MAIL_BODY");
        cr_mail_message m = {argv[3], argv[4], argv[5], body ? body : "Hello.\n", at, n,
                             argv[6], argv[7], strtoll(argv[8], NULL, 10)};
        cr_mail_queued what;
        char name[CR_MAIL_NAME_SIZE];
        int rc = cr_mail_queue(argv[2], &m, &what, name, &err);
        free(at);
        if (rc) {
            fprintf(stderr, "error: %s\n", err.message);
            return rc;
        }
        printf("%s %s\n",
               what == CR_MAIL_QUEUED         ? "queued"
               : what == CR_MAIL_ALREADY_SENT ? "already-sent"
                                              : "already-queued",
               name);
        return 0;
    }
    if (strcmp(argv[1], "send") == 0 && argc >= 5) {
        cr_mail_transport t = {0};
        if (strcmp(argv[3], "smtp") == 0)
            t.smtp_url = argv[4];
        else
            t.sendmail = argv[4];
        t.timeout_seconds = argc > 5 ? atol(argv[5]) : 10;
        /* then: tls=required, ca=FILE (a test CA) */
        for (int i = 6; i < argc; i++) {
            if (strcmp(argv[i], "tls=required") == 0)
                t.require_tls = true;
            else if (strncmp(argv[i], "ca=", 3) == 0)
                t.ca_file = argv[i] + 3;
        }
        cr_mail_summary s;
        int rc = cr_mail_send_outbox(argv[2], &t, print_sent, NULL, &s, &err);
        printf("summary sent=%zu deferred=%zu failed=%zu\n", s.sent, s.deferred, s.failed);
        if (rc)
            fprintf(stderr, "error: %s\n", err.message);
        return rc;
    }
    fprintf(stderr, "usage: test_mail [queue OUTBOX FROM TO SUBJECT BATCH DATE EPOCH FILE...|"
                    "send OUTBOX smtp|sendmail URL|COMMAND [TIMEOUT]]\n");
    return 64;
}

/* ---------------------------------------------------------------- helpers */

static char dir[256], outbox[300], pdf[300], xlsx[300];

static void write_file(const char *path, const void *data, size_t len, int mode)
{
    FILE *f = fopen(path, "wb");
    fwrite(data, 1, len, f);
    fclose(f);
    chmod(path, (mode_t)mode);
}

/* Files in folder whose names end with suffix. */
static int count(const char *folder, const char *suffix)
{
    DIR *d = opendir(folder);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name), s = strlen(suffix);
        if (de->d_name[0] != '.' && l >= s && strcmp(de->d_name + l - s, suffix) == 0)
            n++;
    }
    closedir(d);
    return n;
}

static cr_mail_attachment attach[2];

static cr_mail_message base_message(void)
{
    attach[0] = (cr_mail_attachment){pdf, "Éclair QBR 2026-Q3.pdf", NULL};
    attach[1] = (cr_mail_attachment){xlsx, "FR-ECLAIR_qbr_2026-Q3.xlsx", NULL};
    return (cr_mail_message){
        .from = "Customer Success <csm@example.com>",
        .to = "Ann Admin <ann@customer.example>; bob@customer.example",
        .subject = "Rapport trimestriel T3 2026 – Éclair",
        .body = "Bonjour,\nvoici le rapport du T3 2026: adoption 87 %.\n",
        .attachments = attach,
        .attachment_count = 2,
        .batch = "nightly",
        .run_date = "2026-10-01",
        .date = 1790000000,
    };
}

static char *slurp(const char *path, size_t *len)
{
    gchar *data = NULL;
    gsize n = 0;
    if (!g_file_get_contents(path, &data, &n, NULL))
        return NULL;
    *len = n;
    return data;
}

/* ---------------------------------------------------------------- tests */

static void test_refused(void)
{
    struct {
        const char *what, *from, *to, *subject, *filename, *batch;
    } bad[] = {
        {"CR LF in the subject", NULL, NULL, "Report\r\nBcc: evil@x.example", NULL, NULL},
        {"LF in the subject", NULL, NULL, "Report\nX: y", NULL, NULL},
        {"U+2028 in the subject", NULL, NULL, "Report\xe2\x80\xa8X: y", NULL, NULL},
        {"invalid UTF-8 subject", NULL, NULL, "Rapport \xc3", NULL, NULL},
        {"LF in the From name", "CSM\nBcc: evil@x.example <csm@example.com>", NULL, NULL, NULL,
         NULL},
        {"CR in a To name", NULL, "Ann\r <ann@customer.example>", NULL, NULL, NULL},
        {"encoded LF in a To name", NULL, "=?utf-8?q?Ann=0ABcc=3A_x?= <ann@customer.example>",
         NULL, NULL, NULL},
        {"CR in a file name", NULL, NULL, NULL, "x\r.pdf", NULL},
        {"a folder in a file name", NULL, NULL, NULL, "../x.pdf", NULL},
        {"LF in the batch", NULL, NULL, NULL, NULL, "nightly\nX: y"},
        {"double @", NULL, "bob@@customer.example", NULL, NULL, NULL},
        {"unclosed angle", NULL, "<bob@customer.example", NULL, NULL, NULL},
        {"stray angle", NULL, "bob@customer.example>", NULL, NULL, NULL},
        {"a comment GMime drops", NULL, "bob(x)@customer.example", NULL, NULL, NULL},
        {"group syntax", NULL, "team: bob@customer.example;", NULL, NULL, NULL},
        {"no address", NULL, "", NULL, NULL, NULL},
        {"only separators", NULL, " ; ,", NULL, NULL, NULL},
        {"a name without angles", NULL, "Bob bob@customer.example", NULL, NULL, NULL},
        {"non-ASCII address", NULL, "åse@customer.example", NULL, NULL, NULL},
        {"one bad among good", NULL, "ann@customer.example; not an address", NULL, NULL, NULL},
        {"no domain", NULL, "bob@", NULL, NULL, NULL},
        {"two From addresses", "a@example.com, b@example.com", NULL, NULL, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_mail_message m = base_message();
        cr_mail_attachment at[2] = {attach[0], attach[1]};
        m.attachments = at;
        if (bad[i].from)
            m.from = bad[i].from;
        if (bad[i].to)
            m.to = bad[i].to;
        if (bad[i].subject)
            m.subject = bad[i].subject;
        if (bad[i].filename)
            at[0].filename = bad[i].filename;
        if (bad[i].batch)
            m.batch = bad[i].batch;
        cr_error err;
        cr_mail_queued what = CR_MAIL_QUEUED;
        char name[CR_MAIL_NAME_SIZE] = "x";
        int rc = cr_mail_queue(outbox, &m, &what, name, &err);
        CHECK_INT(rc, EX_DATAERR, "refused: %s (%s)", bad[i].what, err.message);
        CHECK(strchr(err.message, '\n') == NULL && strchr(err.message, '\r') == NULL,
              "refused: %s: the message itself has no line break", bad[i].what);
        CHECK_INT(count(outbox, ".eml"), 0, "refused: %s: nothing queued", bad[i].what);
    }
    cr_mail_message m = base_message();
    cr_error err;
    cr_mail_queued what;
    m.subject = "Report\r\nBcc: evil@x.example";
    cr_mail_queue(outbox, &m, &what, NULL, &err);
    CHECK(strstr(err.message, "subject") && strstr(err.message, "carriage return"),
          "refused: the message names the field and the character: %s", err.message);

    cr_mail_attachment missing = {"/nonexistent/x.pdf", NULL, NULL};
    m = base_message();
    m.attachments = &missing;
    m.attachment_count = 1;
    CHECK_INT(cr_mail_queue(outbox, &m, &what, NULL, &err), EX_NOINPUT,
              "missing attachment: EX_NOINPUT");
    CHECK_INT(count(outbox, ".eml"), 0, "missing attachment: nothing queued");
}

static GMimeMessage *parse_file(const char *path)
{
    GMimeStream *st = g_mime_stream_fs_open(path, O_RDONLY, 0, NULL);
    if (!st)
        return NULL;
    GMimeParser *p = g_mime_parser_new_with_stream(st);
    GMimeMessage *msg = g_mime_parser_construct_message(p, NULL);
    g_object_unref(p);
    g_object_unref(st);
    return msg;
}

static bool part_bytes_equal(GMimeObject *o, const char *path)
{
    size_t len = 0;
    char *want = slurp(path, &len);
    GMimeStream *mem = g_mime_stream_mem_new();
    g_mime_data_wrapper_write_to_stream(g_mime_part_get_content(GMIME_PART(o)), mem);
    GByteArray *got = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    bool eq = want && got->len == len && memcmp(got->data, want, len) == 0;
    g_object_unref(mem);
    g_free(want);
    return eq;
}

static void test_structure(void)
{
    cr_mail_message m = base_message();
    cr_error err;
    cr_mail_queued what = CR_MAIL_ALREADY_SENT;
    char name[CR_MAIL_NAME_SIZE] = "";
    int rc = cr_mail_queue(outbox, &m, &what, name, &err);
    CHECK_INT(rc, 0, "queue: ok (%s)", err.message);
    CHECK_INT(what, CR_MAIL_QUEUED, "queue: queued");
    CHECK(strncmp(name, "2026-10-01_nightly_", 19) == 0 && strlen(name) == 19 + 32 + 4,
          "queue: name RUNDATE_BATCH_KEY32.eml: %s", name);
    CHECK_INT(count(outbox, ".eml"), 1, "queue: one .eml");
    DIR *d = opendir(outbox);
    int hidden = 0;
    for (struct dirent *de; d && (de = readdir(d));)
        hidden += de->d_name[0] == '.' && strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
                  strcmp(de->d_name, ".lock");
    if (d)
        closedir(d);
    CHECK_INT(hidden, 0, "queue: no temporary file left");

    char path[600];
    snprintf(path, sizeof path, "%s/%s", outbox, name);
    size_t rawlen = 0;
    char *raw = slurp(path, &rawlen);
    CHECK(raw && strstr(raw, "\nSubject: Rapport trimestriel T3 2026 =?UTF-8?"),
          "raw: Subject is RFC 2047 encoded");
    CHECK(raw && strstr(raw, "filename*=UTF-8''%C3%89clair%20QBR%202026-Q3.pdf"),
          "raw: non-ASCII file name is RFC 2231 encoded");
    CHECK(raw && strstr(raw, "MIME-Version: 1.0"), "raw: MIME-Version");
    CHECK(raw && strstr(raw, "Date: Mon, 21 Sep 2026 14:13:20 +0000"), "raw: Date header");
    CHECK(raw && strstr(raw, "Content-Transfer-Encoding: quoted-printable"),
          "raw: body quoted-printable");
    g_free(raw);

    GMimeMessage *msg = parse_file(path);
    CHECK(msg != NULL, "parse back: a message");
    if (!msg)
        return;
    CHECK_STR(g_mime_message_get_subject(msg), m.subject, "parse back: subject decoded");
    const char *key = g_mime_object_get_header(GMIME_OBJECT(msg), "X-Csmreport-Key");
    CHECK(key && strlen(key) == 64 && strncmp(name + 19, key, 32) == 0,
          "parse back: X-Csmreport-Key is the key in the name");
    char want_id[128];
    snprintf(want_id, sizeof want_id, "%s@example.com", key ? key : "");
    CHECK_STR(g_mime_message_get_message_id(msg), want_id, "parse back: Message-ID KEY@from-domain");
    InternetAddressList *to = g_mime_message_get_to(msg);
    CHECK_INT(internet_address_list_length(to), 2, "parse back: two recipients");
    char *to_s = internet_address_list_to_string(to, NULL, FALSE);
    CHECK_STR(to_s, "Ann Admin <ann@customer.example>, bob@customer.example", "parse back: To");
    g_free(to_s);
    char *from_s = internet_address_list_to_string(g_mime_message_get_from(msg), NULL, FALSE);
    CHECK_STR(from_s, "Customer Success <csm@example.com>", "parse back: From");
    g_free(from_s);

    GMimeObject *top = g_mime_message_get_mime_part(msg);
    CHECK(GMIME_IS_MULTIPART(top) &&
              g_mime_content_type_is_type(g_mime_object_get_content_type(top), "multipart", "mixed"),
          "parse back: multipart/mixed");
    if (GMIME_IS_MULTIPART(top) && g_mime_multipart_get_count(GMIME_MULTIPART(top)) == 3) {
        GMimeObject *t = g_mime_multipart_get_part(GMIME_MULTIPART(top), 0);
        GMimeObject *p = g_mime_multipart_get_part(GMIME_MULTIPART(top), 1);
        GMimeObject *x = g_mime_multipart_get_part(GMIME_MULTIPART(top), 2);
        CHECK(g_mime_content_type_is_type(g_mime_object_get_content_type(t), "text", "plain"),
              "part 1: text/plain");
        CHECK_STR(g_mime_object_get_content_type_parameter(t, "charset"), "utf-8",
                  "part 1: charset utf-8");
        char *body = g_mime_text_part_get_text(GMIME_TEXT_PART(t));
        CHECK_STR(body, m.body, "part 1: body decoded");
        g_free(body);
        CHECK(g_mime_content_type_is_type(g_mime_object_get_content_type(p), "application", "pdf"),
              "part 2: application/pdf");
        CHECK_STR(g_mime_part_get_filename(GMIME_PART(p)), "Éclair QBR 2026-Q3.pdf",
                  "part 2: file name");
        CHECK_INT(g_mime_part_get_content_encoding(GMIME_PART(p)), GMIME_CONTENT_ENCODING_BASE64,
                  "part 2: base64");
        CHECK(part_bytes_equal(p, pdf), "part 2: decoded bytes equal the file");
        CHECK(g_mime_content_type_is_type(g_mime_object_get_content_type(x), "application",
                                          "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              "part 3: xlsx content type");
        CHECK_STR(g_mime_part_get_filename(GMIME_PART(x)), "FR-ECLAIR_qbr_2026-Q3.xlsx",
                  "part 3: file name");
        CHECK(part_bytes_equal(x, xlsx), "part 3: decoded bytes equal the file");
        CHECK_STR(g_mime_object_get_disposition(x), "attachment", "part 3: attachment");
    } else {
        CHECK(0, "parse back: three parts");
    }
    g_object_unref(msg);
}

static void test_key(void)
{
    cr_error err;
    cr_mail_queued what;
    char name[CR_MAIL_NAME_SIZE], first[CR_MAIL_NAME_SIZE];
    cr_mail_message m = base_message();
    cr_mail_queue(outbox, &m, &what, first, &err);
    CHECK_INT(what, CR_MAIL_ALREADY_QUEUED, "key: same message again: already queued");

    m.to = "BOB@Customer.Example, Ann <ANN@customer.example>";
    m.subject = "Another subject";
    m.date = 1790000999;
    int rc = cr_mail_queue(outbox, &m, &what, name, &err);
    CHECK(rc == 0 && what == CR_MAIL_ALREADY_QUEUED && strcmp(name, first) == 0,
          "key: recipients reordered, other case and names: same key");
    cr_mail_attachment swapped[2] = {attach[1], attach[0]};
    m.attachments = swapped;
    cr_mail_queue(outbox, &m, &what, name, &err);
    CHECK_INT(what, CR_MAIL_ALREADY_QUEUED, "key: attachments in another order: same key");

    m = base_message();
    m.run_date = "2026-10-02";
    cr_mail_queue(outbox, &m, &what, name, &err);
    CHECK(what == CR_MAIL_QUEUED && strcmp(name, first) != 0, "key: another run date: new key");

    m = base_message();
    m.to = "ann@customer.example";
    cr_mail_queue(outbox, &m, &what, name, &err);
    CHECK_INT(what, CR_MAIL_QUEUED, "key: other recipients: new key");

    char other[300];
    snprintf(other, sizeof other, "%s/other.pdf", dir);
    write_file(other, "%PDF-1.4 other\n", 15, 0644);
    cr_mail_attachment at[2] = {{other, "Éclair QBR 2026-Q3.pdf", NULL}, attach[1]};
    m = base_message();
    m.attachments = at;
    cr_mail_queue(outbox, &m, &what, name, &err);
    CHECK_INT(what, CR_MAIL_QUEUED, "key: other attachment bytes: new key");
    CHECK_INT(count(outbox, ".eml"), 4, "key: four messages waiting");
}

typedef struct tally {
    int sent, deferred, failed;
    char last[CR_ERROR_MSG_MAX];
} tally;

static void on_sent(void *ctx, const char *name, const cr_error *err)
{
    tally *t = ctx;
    if (!err) {
        t->sent++;
        return;
    }
    if (err->code == EX_TEMPFAIL)
        t->deferred++;
    else
        t->failed++;
    snprintf(t->last, sizeof t->last, "%s", err->message);
}

static void test_send(void)
{
    char fake[300], store[300], cmd[700];
    snprintf(store, sizeof store, "%s/store", dir);
    mkdir(store, 0755);
    snprintf(fake, sizeof fake, "%s/sendmail", dir);
    char script[1024];
    int n = snprintf(script, sizeof script,
                     "#!/bin/sh\n[ \"${FAKE_EXIT:-0}\" = 0 ] || { cat >/dev/null; echo try later; "
                     "exit $FAKE_EXIT; }\n"
                     "n=$(ls '%s' | grep -c 'eml$')\ncat > '%s/'$n.eml\n"
                     "echo \"$*\" > '%s/'$n.args\n",
                     store, store, store);
    write_file(fake, script, (size_t)n, 0755);
    snprintf(cmd, sizeof cmd, "%s -t -oi", fake);
    cr_mail_transport t = {.sendmail = cmd, .timeout_seconds = 10};
    cr_mail_summary s;
    cr_error err;
    tally tl = {0};

    /* the transport is checked before anything is touched */
    cr_mail_transport both = {.sendmail = cmd, .smtp_url = "smtp://127.0.0.1:1"};
    CHECK_INT(cr_mail_send_outbox(outbox, &both, NULL, NULL, &s, &err), EX_USAGE,
              "send: two transports: EX_USAGE");
    cr_mail_transport http = {.smtp_url = "http://example.com"};
    CHECK_INT(cr_mail_send_outbox(outbox, &http, NULL, NULL, &s, &err), EX_CONFIG,
              "send: http:// refused: EX_CONFIG");
    cr_mail_transport none = {.sendmail = "/nonexistent/sendmail -t"};
    CHECK_INT(cr_mail_send_outbox(outbox, &none, NULL, NULL, &s, &err), EX_CONFIG,
              "send: missing sendmail: EX_CONFIG");
    CHECK_INT(count(outbox, ".eml"), 4, "send: bad transports touched nothing");

    /* nothing listening: everything deferred, nothing lost */
    cr_mail_transport down = {.smtp_url = "smtp://127.0.0.1:1", .timeout_seconds = 5};
    int rc = cr_mail_send_outbox(outbox, &down, on_sent, &tl, &s, &err);
    CHECK(rc == 0 && s.sent == 0 && s.deferred == 4 && s.failed == 0 && tl.deferred == 4,
          "send: server down: 4 deferred (%s)", tl.last);
    CHECK_INT(count(outbox, ".eml"), 4, "send: server down: all four still waiting");

    /* exit 75: deferred */
    setenv("FAKE_EXIT", "75", 1);
    memset(&tl, 0, sizeof tl);
    rc = cr_mail_send_outbox(outbox, &t, on_sent, &tl, &s, &err);
    CHECK(rc == 0 && s.deferred == 4 && s.sent == 0, "send: sendmail exit 75: deferred");
    CHECK(strstr(tl.last, "75") != NULL, "send: the reason says 75: %s", tl.last);
    CHECK_INT(count(outbox, ".eml"), 4, "send: exit 75: still waiting");

    /* exit 0: sent, logged, moved */
    unsetenv("FAKE_EXIT");
    memset(&tl, 0, sizeof tl);
    rc = cr_mail_send_outbox(outbox, &t, on_sent, &tl, &s, &err);
    CHECK(rc == 0 && s.sent == 4 && s.deferred == 0 && s.failed == 0 && tl.sent == 4,
          "send: sendmail: 4 sent");
    CHECK_INT(count(outbox, ".eml"), 0, "send: outbox empty");
    char sub[800];
    snprintf(sub, sizeof sub, "%s/sent", outbox);
    CHECK_INT(count(sub, ".eml"), 4, "send: four in sent/");
    CHECK_INT(count(store, ".eml"), 4, "send: the fake sendmail got four messages");
    char logp[400];
    snprintf(logp, sizeof logp, "%s/sent.log", outbox);
    size_t len = 0;
    char *log = slurp(logp, &len);
    int lines = 0;
    for (size_t i = 0; log && i < len; i++)
        lines += log[i] == '\n';
    CHECK_INT(lines, 4, "send: four lines in sent.log");
    g_free(log);
    char p0[400];
    snprintf(p0, sizeof p0, "%s/0.args", store);
    char *args = slurp(p0, &len);
    CHECK(args && strcmp(args, "-t -oi\n") == 0, "send: with -t no recipients appended");
    g_free(args);

    /* re-queue after sending: already sent, nothing new */
    cr_mail_message m = base_message();
    cr_mail_queued what;
    rc = cr_mail_queue(outbox, &m, &what, NULL, &err);
    CHECK(rc == 0 && what == CR_MAIL_ALREADY_SENT, "send: re-queue: already sent");
    rc = cr_mail_send_outbox(outbox, &t, on_sent, &tl, &s, &err);
    CHECK(rc == 0 && s.sent == 0 && count(store, ".eml") == 4, "send: re-run sends nothing");

    /* a permanent refusal moves the message to failed/, by name */
    m.run_date = "2026-10-05";
    char name[CR_MAIL_NAME_SIZE];
    cr_mail_queue(outbox, &m, &what, name, &err);
    setenv("FAKE_EXIT", "1", 1);
    memset(&tl, 0, sizeof tl);
    rc = cr_mail_send_outbox(outbox, &t, on_sent, &tl, &s, &err);
    unsetenv("FAKE_EXIT");
    CHECK(rc == 0 && s.failed == 1 && tl.failed == 1, "send: exit 1: failed (%s)", tl.last);
    snprintf(sub, sizeof sub, "%s/failed/%s", outbox, name);
    CHECK(access(sub, F_OK) == 0, "send: failed message in failed/");
    CHECK_INT(count(outbox, ".eml"), 0, "send: failed message not left waiting");

    /* a sendmail without -t gets the recipients as arguments */
    m.run_date = "2026-10-06";
    cr_mail_queue(outbox, &m, &what, name, &err);
    snprintf(cmd, sizeof cmd, "%s -oi", fake);
    rc = cr_mail_send_outbox(outbox, &t, on_sent, &tl, &s, &err);
    snprintf(p0, sizeof p0, "%s/4.args", store);
    args = slurp(p0, &len);
    CHECK(rc == 0 && s.sent == 1 && args &&
              strcmp(args, "-oi ann@customer.example bob@customer.example\n") == 0,
          "send: without -t the recipients are arguments: %s", args ? args : "(none)");
    g_free(args);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return driver(argc, argv);
    snprintf(dir, sizeof dir, "%s/test_mail.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return 1;
    snprintf(outbox, sizeof outbox, "%s/outbox", dir);
    snprintf(pdf, sizeof pdf, "%s/a.pdf", dir);
    snprintf(xlsx, sizeof xlsx, "%s/b.xlsx", dir);
    unsigned char bytes[3000];
    for (size_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (unsigned char)(i * 7 + (i >> 8));
    memcpy(bytes, "%PDF-1.4\n", 9);
    write_file(pdf, bytes, sizeof bytes, 0644);
    for (size_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (unsigned char)(255 - i * 13);
    memcpy(bytes, "PK\3\4", 4);
    write_file(xlsx, bytes, sizeof bytes, 0644);
    cr_gmime_init();

    test_refused();
    test_structure();
    test_key();
    test_send();

    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("note: could not remove %s\n", dir);
    return unit_exit();
}
