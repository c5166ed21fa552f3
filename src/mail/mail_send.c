/* mail_send.c - cr_mail_send_outbox: every waiting .eml, oldest first.
 *
 * Per message: claim it (a file lock, so two senders never send one file),
 * read its envelope back from its own headers (From, To, X-Csmreport-Key),
 * skip it when its key is already in the sent log, send it, then under the
 * outbox lock record the key in sent.log (synced) before moving the file to
 * sent/. A crash after the log line and before the move is healed by the
 * next run (the key is found, the file moved, nothing sent again).
 */
#include "mail_internal.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void envelope_free(cr_mail_envelope *env)
{
    g_free(env->from);
    g_strfreev(env->rcpt);
    g_free(env->key);
    memset(env, 0, sizeof *env);
}

static bool hex_key(const char *k)
{
    if (!k || strlen(k) != CR_MAIL_KEY_LEN)
        return false;
    for (const char *p = k; *p; p++)
        if (!g_ascii_isxdigit(*p) || g_ascii_isupper(*p))
            return false;
    return true;
}

/* Reads the envelope of a queued message from its headers. EX_DATAERR when
 * it is not one of ours or names no valid address. */
static int read_envelope(const char *data, size_t len, cr_mail_envelope *env, cr_error *err)
{
    memset(env, 0, sizeof *env);
    GMimeStream *st = g_mime_stream_mem_new_with_buffer(data, len);
    GMimeParser *p = g_mime_parser_new_with_stream(st);
    GMimeMessage *msg = g_mime_parser_construct_message(p, NULL);
    int rc = 0;
    if (!msg) {
        rc = cr_error_set(err, EX_DATAERR, NULL, 0, 0, "not a mail message");
        goto out;
    }
    const char *key = g_mime_object_get_header(GMIME_OBJECT(msg), "X-Csmreport-Key");
    if (!hex_key(key)) {
        rc = cr_error_set(err, EX_DATAERR, NULL, 0, 0,
                          "no X-Csmreport-Key header: not a message queued by csmreport");
        goto out;
    }
    env->key = g_strdup(key);
    InternetAddressList *from = g_mime_message_get_from(msg);
    InternetAddressList *to = g_mime_message_get_to(msg);
    if (internet_address_list_length(from) != 1 ||
        !INTERNET_ADDRESS_IS_MAILBOX(internet_address_list_get_address(from, 0))) {
        rc = cr_error_set(err, EX_DATAERR, NULL, 0, 0, "the From header is not one address");
        goto out;
    }
    env->from = g_strdup(internet_address_mailbox_get_addr(
        INTERNET_ADDRESS_MAILBOX(internet_address_list_get_address(from, 0))));
    int n = internet_address_list_length(to);
    env->rcpt = g_new0(char *, (size_t)n + 1);
    for (int i = 0; i < n; i++) {
        InternetAddress *a = internet_address_list_get_address(to, i);
        if (!INTERNET_ADDRESS_IS_MAILBOX(a)) {
            rc = cr_error_set(err, EX_DATAERR, NULL, 0, 0, "the To header holds a group");
            goto out;
        }
        env->rcpt[i] = g_strdup(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)));
        if (!cr_mailaddr_valid(env->rcpt[i])) {
            rc = cr_error_set(err, EX_DATAERR, NULL, 0, 0, "To: '%s' is not a mail address",
                              env->rcpt[i]);
            goto out;
        }
    }
    if (n == 0 || !cr_mailaddr_valid(env->from))
        rc = cr_error_set(err, EX_DATAERR, NULL, 0, 0, "no valid From or To address");
out:
    if (rc)
        envelope_free(env);
    if (msg)
        g_object_unref(msg);
    g_object_unref(p);
    g_object_unref(st);
    return rc;
}

static int read_fd(int fd, char **data, size_t *len, cr_error *err)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return cr_error_set(err, EX_IOERR, NULL, 0, 0, "cannot read: %s", strerror(errno));
    if ((size_t)st.st_size > CR_MAIL_EML_MAX)
        return cr_error_set(err, EX_DATAERR, NULL, 0, 0, "the message is larger than %zu MiB",
                            CR_MAIL_EML_MAX >> 20);
    char *buf = g_malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (got != (size_t)st.st_size) {
        g_free(buf);
        return cr_error_set(err, EX_IOERR, NULL, 0, 0, "cannot read: %s",
                            errno ? strerror(errno) : "short read");
    }
    buf[got] = '\0';
    *data = buf;
    *len = got;
    return 0;
}

/* The transport chosen by t, checked before the outbox is touched. */
typedef struct sender {
    const cr_mail_transport *t;
    cr_smtp *smtp;
    char **argv; /* sendmail */
} sender;

static int sender_open(const cr_mail_transport *t, sender *s, cr_error *err)
{
    memset(s, 0, sizeof *s);
    s->t = t;
    if (!t || (!t->smtp_url) == (!t->sendmail))
        return cr_error_set(err, EX_USAGE, NULL, 0, 0,
                            "name exactly one way to send mail: an SMTP server or a sendmail "
                            "command");
    if (t->smtp_url)
        return cr_smtp_open(t, &s->smtp, err);
    return cr_sendmail_parse(t->sendmail, &s->argv, err);
}

static void sender_close(sender *s)
{
    cr_smtp_close(s->smtp);
    g_strfreev(s->argv);
}

static int sender_send(sender *s, const cr_mail_envelope *env, const char *data, size_t len,
                       bool *down, cr_error *err)
{
    *down = false;
    if (s->smtp)
        return cr_smtp_send(s->smtp, env, data, len, down, err);
    return cr_sendmail_send(s->argv, env, data, len, s->t->timeout_seconds, err);
}

/* Records a delivered message: key in the log first, then the move. */
static int record_sent(cr_outbox *ob, const char *key, const char *name, cr_error *err)
{
    int rc = cr_outbox_lock(ob, err);
    if (!rc)
        rc = cr_outbox_log_sent(ob, key, name, err);
    if (!rc)
        rc = cr_outbox_move(ob, name, "sent", err);
    cr_outbox_unlock(ob);
    return rc;
}

int cr_mail_send_outbox(const char *outbox, const cr_mail_transport *t, cr_mail_sent_fn on_sent,
                        void *ctx, cr_mail_summary *summary, cr_error *err)
{
    cr_error_clear(err);
    cr_mail_summary sum = {0, 0, 0};
    cr_gmime_init();
    sender s;
    cr_outbox ob = {NULL, -1, -1};
    char **names = NULL;
    int rc = sender_open(t, &s, err);
    if (rc)
        goto out;
    if ((rc = cr_outbox_open(outbox, &ob, err)) != 0 ||
        (rc = cr_outbox_list(&ob, &names, err)) != 0)
        goto out;

    bool down = false;
    cr_error down_err, one;
    cr_error_clear(&down_err);
    for (char **n = names; *n; n++) {
        cr_error_clear(&one);
        if (down) {
            /* The server cannot be used: the rest waits for the next run. */
            sum.deferred++;
            if (on_sent)
                on_sent(ctx, *n, &down_err);
            continue;
        }
        int fd = -1;
        if ((rc = cr_outbox_claim(&ob, *n, &fd, err)) != 0)
            goto out;
        if (fd < 0)
            continue; /* gone, or another sender has it */
        char *data = NULL;
        size_t len = 0;
        cr_mail_envelope env = {0};
        int mrc = read_fd(fd, &data, &len, &one);
        if (!mrc)
            mrc = read_envelope(data, len, &env, &one);
        if (!mrc) {
            bool sent = false;
            if ((rc = cr_outbox_lock(&ob, err)) != 0 ||
                (rc = cr_outbox_was_sent(&ob, env.key, &sent, err)) != 0 ||
                (sent && (rc = cr_outbox_move(&ob, *n, "sent", err)) != 0)) {
                cr_outbox_unlock(&ob);
                goto next_fatal;
            }
            cr_outbox_unlock(&ob);
            if (sent)
                goto next; /* sent by an earlier run: never again */
            mrc = sender_send(&s, &env, data, len, &down, &one);
            if (!mrc) {
                if ((rc = record_sent(&ob, env.key, *n, err)) != 0) {
                    /* Delivered but not recorded: stop before anything risks a resend. */
                    sum.sent++;
                    goto next_fatal;
                }
                sum.sent++;
                if (on_sent)
                    on_sent(ctx, *n, NULL);
                goto next;
            }
            if (down)
                down_err = one;
        }
        if (mrc == EX_TEMPFAIL) {
            sum.deferred++;
        } else {
            sum.failed++;
            cr_error moved;
            if (cr_outbox_move(&ob, *n, "failed", &moved) != 0) {
                cr_error first = one;
                cr_error_set(&one, first.code, NULL, 0, 0, "%s; and %s", first.message,
                             moved.message);
            }
        }
        if (on_sent)
            on_sent(ctx, *n, &one);
    next:
        envelope_free(&env);
        g_free(data);
        close(fd);
        continue;
    next_fatal:
        envelope_free(&env);
        g_free(data);
        close(fd);
        goto out;
    }
    rc = 0;
out:
    g_strfreev(names);
    cr_outbox_close(&ob);
    sender_close(&s);
    if (summary)
        *summary = sum;
    return rc;
}
