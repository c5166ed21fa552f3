/* mail.c - cr_mail_queue: one checked MIME message published to the outbox.
 *
 * Order matters: every header value and address is checked and every
 * attachment read before the outbox is touched, so a refused message leaves
 * nothing behind; the key is then looked up in the sent log and the outbox
 * under the outbox lock, so two runs never queue one message twice.
 */
#include "mail_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csmreport/sha256.h"

/* An attachment read into memory, with its sha256. */
typedef struct loaded {
    char *data;
    size_t len;
    char sha256[CR_MAIL_KEY_LEN + 1];
    char *filename;
    char *type, *subtype;
} loaded;

static void loaded_free(loaded *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++) {
        g_free(a[i].data);
        g_free(a[i].filename);
        g_free(a[i].type);
        g_free(a[i].subtype);
    }
    g_free(a);
}

static int read_attachment(const char *path, loaded *a, cr_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cr_error_set(err, EX_NOINPUT, NULL, 0, 0, "cannot read attachment %s: %s", path,
                            strerror(errno));
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = cr_error_set(err, EX_NOINPUT, NULL, 0, 0, "attachment %s is not a regular file",
                          path);
        goto out;
    }
    if ((size_t)st.st_size > CR_MAIL_ATTACHMENT_MAX) {
        rc = cr_error_set(err, EX_DATAERR, NULL, 0, 0,
                          "attachment %s is %lld bytes: more than %zu MiB cannot be mailed", path,
                          (long long)st.st_size, CR_MAIL_ATTACHMENT_MAX >> 20);
        goto out;
    }
    a->data = g_malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, a->data + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = cr_error_set(err, EX_NOINPUT, NULL, 0, 0, "cannot read attachment %s: %s",
                              path, n < 0 ? strerror(errno) : "file shrank while read");
            goto out;
        }
        got += (size_t)n;
    }
    a->len = got;
    cr_sha256_hex(a->data, a->len, a->sha256);
out:
    close(fd);
    return rc;
}

static bool token(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!g_ascii_isalnum(s[i]) && !strchr("!#$&^_.+-", s[i]))
            return false;
    return true;
}

/* Checks the file name and the content type of attachment i into a. */
static int check_attachment(const cr_mail_attachment *at, size_t i, loaded *a, cr_error *err)
{
    char field[64];
    if (!at->path)
        return cr_error_set(err, EX_DATAERR, NULL, 0, 0, "attachment %zu has no path", i + 1);
    const char *name = at->filename;
    char *base = NULL;
    if (!name)
        name = base = g_path_get_basename(at->path);
    snprintf(field, sizeof field, "the file name of attachment %zu", i + 1);
    int rc = cr_mailaddr_check_value(field, name, -1, err);
    if (!rc && (!*name || strpbrk(name, "/\\") || strcmp(name, ".") == 0 ||
                strcmp(name, "..") == 0))
        rc = cr_error_set(err, EX_DATAERR, NULL, 0, 0,
                          "%s '%s' is not a plain file name (no folder, no '/' or '\\')", field,
                          name);
    if (rc) {
        g_free(base);
        return rc;
    }
    a->filename = base ? base : g_strdup(name);

    const char *ct = at->content_type;
    if (!ct) {
        const char *dot = strrchr(a->filename, '.');
        if (dot && g_ascii_strcasecmp(dot, ".pdf") == 0)
            ct = "application/pdf";
        else if (dot && g_ascii_strcasecmp(dot, ".xlsx") == 0)
            ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        else if (dot && g_ascii_strcasecmp(dot, ".csv") == 0)
            ct = "text/csv";
        else
            ct = "application/octet-stream";
    }
    const char *slash = strchr(ct, '/');
    if (!slash || !token(ct, (size_t)(slash - ct)) || !token(slash + 1, strlen(slash + 1)))
        return cr_error_set(err, EX_DATAERR, NULL, 0, 0,
                            "the content type of attachment %zu is not TYPE/SUBTYPE", i + 1);
    a->type = g_strndup(ct, (size_t)(slash - ct));
    a->subtype = g_strdup(slash + 1);
    return 0;
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* sha256 over the batch, the run date, the sorted lower-case recipients and
 * the sorted attachment hashes: the same message has the same key whatever
 * the order it was given in. */
static void make_key(const cr_mail_message *m, InternetAddressList *to, const loaded *a,
                     size_t na, char key[CR_MAIL_KEY_LEN + 1])
{
    int n = internet_address_list_length(to);
    char **rcpt = g_new0(char *, (size_t)n + 1);
    for (int i = 0; i < n; i++) {
        InternetAddress *ad = internet_address_list_get_address(to, i);
        rcpt[i] = g_ascii_strdown(
            internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ad)), -1);
    }
    qsort(rcpt, (size_t)n, sizeof *rcpt, by_string);
    const char **sums = g_new0(const char *, na + 1);
    for (size_t i = 0; i < na; i++)
        sums[i] = a[i].sha256;
    qsort(sums, na, sizeof *sums, by_string);

    GString *s = g_string_new("csmreport-mail-key-1\n");
    g_string_append_printf(s, "batch=%s\nrun_date=%s\n", m->batch, m->run_date);
    for (int i = 0; i < n; i++)
        if (i == 0 || strcmp(rcpt[i], rcpt[i - 1]) != 0)
            g_string_append_printf(s, "to=%s\n", rcpt[i]);
    for (size_t i = 0; i < na; i++)
        g_string_append_printf(s, "attachment=%s\n", sums[i]);
    char hex[CR_SHA256_HEX_SIZE];
    cr_sha256_hex(s->str, s->len, hex);
    g_strlcpy(key, hex, CR_MAIL_KEY_LEN + 1);
    g_string_free(s, TRUE);
    g_free(sums);
    g_strfreev(rcpt);
}

static void set_content(GMimePart *part, const char *data, size_t len, GMimeContentEncoding enc)
{
    GMimeStream *st = g_mime_stream_mem_new_with_buffer(data, len);
    GMimeDataWrapper *w = g_mime_data_wrapper_new_with_stream(st, GMIME_CONTENT_ENCODING_DEFAULT);
    g_mime_part_set_content(part, w);
    g_object_unref(w);
    g_object_unref(st);
    g_mime_part_set_content_encoding(part, enc);
}

/* Content-Type TYPE/SUBTYPE; name=... and Content-Disposition: attachment;
 * filename=..., a non-ASCII name as RFC 2231 UTF-8 (GMime would pick a
 * narrower charset of its own). */
static void set_file_name(GMimePart *part, const char *type, const char *subtype,
                          const char *filename)
{
    GMimeContentType *ct = g_mime_content_type_new(type, subtype);
    g_mime_content_type_set_parameter(ct, "name", filename);
    GMimeParam *p = g_mime_param_list_get_parameter(g_mime_content_type_get_parameters(ct), "name");
    g_mime_param_set_charset(p, "UTF-8");
    g_mime_object_set_content_type(GMIME_OBJECT(part), ct);
    g_object_unref(ct);

    GMimeContentDisposition *cd = g_mime_content_disposition_new();
    g_mime_content_disposition_set_disposition(cd, GMIME_DISPOSITION_ATTACHMENT);
    g_mime_content_disposition_set_parameter(cd, "filename", filename);
    p = g_mime_param_list_get_parameter(g_mime_content_disposition_get_parameters(cd), "filename");
    g_mime_param_set_charset(p, "UTF-8");
    g_mime_object_set_content_disposition(GMIME_OBJECT(part), cd);
    g_object_unref(cd);
}

static GMimeMessage *build(const cr_mail_message *m, InternetAddressList *from,
                           InternetAddressList *to, const loaded *a, size_t na, const char *key)
{
    GMimeMessage *msg = g_mime_message_new(TRUE);
    internet_address_list_append(g_mime_message_get_from(msg), from);
    internet_address_list_append(g_mime_message_get_to(msg), to);
    g_mime_message_set_subject(msg, m->subject, "utf-8");

    GDateTime *date = g_date_time_new_from_unix_utc(m->date ? m->date : (int64_t)time(NULL));
    g_mime_message_set_date(msg, date);
    g_date_time_unref(date);

    /* Stable per key: a reader (or a server) sees a resend as the same mail. */
    const char *addr = internet_address_mailbox_get_addr(
        INTERNET_ADDRESS_MAILBOX(internet_address_list_get_address(from, 0)));
    char *id = g_strdup_printf("%s@%s", key, strrchr(addr, '@') + 1);
    g_mime_message_set_message_id(msg, id);
    g_free(id);
    g_mime_object_set_header(GMIME_OBJECT(msg), "X-Csmreport-Key", key, NULL);

    GMimeMultipart *mixed = g_mime_multipart_new_with_subtype("mixed");
    /* The body as given, labelled UTF-8 (g_mime_text_part_set_text would
     * pick a narrower charset of its own). */
    GMimeTextPart *text = g_mime_text_part_new_with_subtype("plain");
    g_mime_text_part_set_charset(text, "utf-8");
    const char *body = m->body ? m->body : "";
    set_content(GMIME_PART(text), body, strlen(body), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
    g_mime_multipart_add(mixed, GMIME_OBJECT(text));
    g_object_unref(text);

    for (size_t i = 0; i < na; i++) {
        GMimePart *part = g_mime_part_new();
        set_content(part, a[i].data, a[i].len, GMIME_CONTENT_ENCODING_BASE64);
        set_file_name(part, a[i].type, a[i].subtype, a[i].filename);
        g_mime_multipart_add(mixed, GMIME_OBJECT(part));
        g_object_unref(part);
    }
    g_mime_message_set_mime_part(msg, GMIME_OBJECT(mixed));
    g_object_unref(mixed);
    return msg;
}

static bool iso_date(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !g_ascii_isdigit(s[i]))
            return false;
    return true;
}

/* Writes msg as outbox/name through outfile.h (temporary file, rename). */
static int publish(cr_outbox *ob, const char *name, GMimeMessage *msg, cr_error *err)
{
    cr_outfile *of = NULL;
    int rc = cr_outfile_open(ob->dir, name, &of, err);
    if (rc)
        return rc;
    FILE *fp = cr_outfile_stream(of);
    if (!fp) {
        rc = cr_outfile_fail(of, errno, "write", err);
        cr_outfile_abort(of);
        return rc;
    }
    GMimeStream *st = g_mime_stream_file_new(fp);
    g_mime_stream_file_set_owner(GMIME_STREAM_FILE(st), FALSE);
    GMimeFormatOptions *fo = g_mime_format_options_new();
    g_mime_format_options_set_param_encoding_method(fo, GMIME_PARAM_ENCODING_METHOD_RFC2231);
    ssize_t n = g_mime_object_write_to_stream(GMIME_OBJECT(msg), fo, st);
    int flushed = g_mime_stream_flush(st);
    g_mime_format_options_free(fo);
    g_object_unref(st);
    if (n < 0 || flushed != 0 || ferror(fp)) {
        rc = cr_outfile_fail(of, errno ? errno : EIO, "write", err);
        cr_outfile_abort(of);
        return rc;
    }
    return cr_outfile_commit(of, err);
}

int cr_mail_queue(const char *outbox, const cr_mail_message *m, cr_mail_queued *what,
                  char *eml_name, cr_error *err)
{
    cr_error_clear(err);
    if (eml_name)
        eml_name[0] = '\0';
    cr_gmime_init();
    InternetAddressList *from = NULL, *to = NULL;
    loaded *a = NULL;
    size_t na = m->attachment_count;
    GMimeMessage *msg = NULL;
    cr_outbox ob = {NULL, -1, -1};
    int rc;

    /* 1. every header value, before anything is built */
    if ((rc = cr_mailaddr_check_value("the subject", m->subject, -1, err)) != 0 ||
        (rc = cr_mailaddr_check_value("the batch name", m->batch, -1, err)) != 0)
        goto out;
    if (!*m->batch) {
        rc = cr_error_set(err, EX_DATAERR, NULL, 0, 0, "the batch name is empty");
        goto out;
    }
    if (!iso_date(m->run_date)) {
        rc = cr_error_set(err, EX_DATAERR, NULL, 0, 0, "the run date '%s' is not YYYY-MM-DD",
                          m->run_date ? m->run_date : "");
        goto out;
    }
    if (m->body && !g_utf8_validate(m->body, -1, NULL)) {
        rc = cr_error_set(err, EX_DATAERR, NULL, 0, 0, "the body is not valid UTF-8");
        goto out;
    }
    if ((rc = cr_mailaddr_parse("From", m->from, 1, &from, err)) != 0 ||
        (rc = cr_mailaddr_parse("To", m->to, SIZE_MAX, &to, err)) != 0)
        goto out;
    if (na && !m->attachments) {
        rc = cr_error_set(err, EX_DATAERR, NULL, 0, 0, "%zu attachments announced, none given", na);
        goto out;
    }
    a = g_new0(loaded, na ? na : 1);
    for (size_t i = 0; i < na; i++)
        if ((rc = check_attachment(&m->attachments[i], i, &a[i], err)) != 0)
            goto out;

    /* 2. the attachments, read once: hashed for the key, then attached */
    for (size_t i = 0; i < na; i++)
        if ((rc = read_attachment(m->attachments[i].path, &a[i], err)) != 0)
            goto out;
    char key[CR_MAIL_KEY_LEN + 1], name[CR_MAIL_NAME_SIZE];
    make_key(m, to, a, na, key);
    cr_outbox_name(m->batch, m->run_date, key, name, sizeof name);

    /* 3. sent or waiting already? then write, all under the lock */
    if ((rc = cr_outbox_open(outbox, &ob, err)) != 0 || (rc = cr_outbox_lock(&ob, err)) != 0)
        goto out;
    bool sent = false;
    if ((rc = cr_outbox_was_sent(&ob, key, &sent, err)) != 0)
        goto out;
    if (eml_name)
        g_strlcpy(eml_name, name, CR_MAIL_NAME_SIZE);
    if (sent) {
        *what = CR_MAIL_ALREADY_SENT;
        goto out;
    }
    if (cr_outbox_waiting(&ob, name)) {
        *what = CR_MAIL_ALREADY_QUEUED;
        goto out;
    }
    msg = build(m, from, to, a, na, key);
    if ((rc = publish(&ob, name, msg, err)) != 0) {
        if (eml_name)
            eml_name[0] = '\0';
        goto out;
    }
    *what = CR_MAIL_QUEUED;
out:
    cr_outbox_close(&ob);
    if (msg)
        g_object_unref(msg);
    loaded_free(a, na);
    if (from)
        g_object_unref(from);
    if (to)
        g_object_unref(to);
    return rc;
}
