/* smtp.c - one message to an SMTP server through libcurl.
 *
 * smtp:// upgrades with STARTTLS when the server offers it (CURLUSESSL_TRY;
 * CURLUSESSL_ALL when TLS is required); smtps:// is TLS from the start. One
 * curl handle per run, so its connection is reused from message to message.
 *
 * How a failure is classed (what happens to the .eml):
 *   4xx reply, connection refused, name not resolved, time-out, TLS or
 *   login failure                       -> EX_TEMPFAIL: stays in the outbox
 *   5xx reply to MAIL, RCPT or DATA     -> EX_UNAVAILABLE: moved to failed/
 * A failure of the server itself (it cannot be reached, TLS or login fails,
 * 530/534/535/538) also sets *down: the rest of the outbox is deferred
 * without waiting on each message.
 */
#include "mail_internal.h"

#include <curl/curl.h>
#include <pthread.h>
#include <string.h>

struct cr_smtp {
    CURL *curl;
    const cr_mail_transport *t;
    char shown[256]; /* the URL without anything after the host and port */
    char reply[256]; /* the server's last reply line */
    const char *data;
    size_t len, pos;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_started;

static void curl_start(void)
{
    curl_started = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int cr_smtp_open(const cr_mail_transport *t, cr_smtp **out, cr_error *err)
{
    *out = NULL;
    const char *url = t->smtp_url;
    if (!url || (g_ascii_strncasecmp(url, "smtp://", 7) != 0 &&
                 g_ascii_strncasecmp(url, "smtps://", 8) != 0))
        return cr_error_set(err, EX_CONFIG, NULL, 0, 0,
                            "the SMTP server '%s' is not smtp://HOST[:PORT] or smtps://HOST[:PORT]",
                            url ? url : "");
    int rc = cr_mailaddr_check_value("the SMTP URL", url, -1, err);
    if (rc)
        return rc;
    pthread_once(&curl_once, curl_start);
    if (curl_started != CURLE_OK)
        return cr_error_set(err, EX_SOFTWARE, NULL, 0, 0, "cannot start libcurl: %s",
                            curl_easy_strerror(curl_started));
    cr_smtp *s = g_new0(cr_smtp, 1);
    s->t = t;
    s->curl = curl_easy_init();
    if (!s->curl) {
        g_free(s);
        return cr_error_nomem(err);
    }
    /* Messages name the server, never a password written in the URL. */
    const char *host = strstr(url, "://") + 3;
    const char *at = strchr(host, '@'), *end = host + strcspn(host, "/?#");
    if (at && at < end)
        host = at + 1;
    snprintf(s->shown, sizeof s->shown, "%.*s://%.*s", (int)(strstr(url, "://") - url), url,
             (int)(end - host), host);
    *out = s;
    return 0;
}

void cr_smtp_close(cr_smtp *s)
{
    if (!s)
        return;
    curl_easy_cleanup(s->curl);
    g_free(s);
}

/* Streams the message, turning bare LF into CRLF (SMTP's line ending). */
static size_t read_cb(char *buf, size_t size, size_t nitems, void *ctx)
{
    cr_smtp *s = ctx;
    size_t room = size * nitems, n = 0;
    while (n + 1 < room && s->pos < s->len) {
        char c = s->data[s->pos];
        if (c == '\n' && (s->pos == 0 || s->data[s->pos - 1] != '\r'))
            buf[n++] = '\r';
        buf[n++] = c;
        s->pos++;
    }
    return n;
}

/* Keeps the server's last refusal (4xx, 5xx), for the message of a failure. */
static int debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *ctx)
{
    cr_smtp *s = ctx;
    /* Only refusals: the "221 Bye" of the QUIT after one must not hide it. */
    if (type != CURLINFO_HEADER_IN || size < 3 || (data[0] != '4' && data[0] != '5'))
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < size && n + 1 < sizeof s->reply; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c == '\r' || c == '\n')
            break;
        s->reply[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    s->reply[n] = '\0';
    return 0;
}

static bool server_level(CURLcode cc, long code)
{
    switch (cc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_USE_SSL_FAILED:
    case CURLE_LOGIN_DENIED:
    case CURLE_UNSUPPORTED_PROTOCOL:
        return true;
    default:
        return code == 421 || code == 530 || code == 534 || code == 535 || code == 538;
    }
}

int cr_smtp_send(cr_smtp *s, const cr_mail_envelope *env, const char *data, size_t len,
                 bool *down, cr_error *err)
{
    *down = false;
    CURL *c = s->curl;
    const cr_mail_transport *t = s->t;
    long timeout = t->timeout_seconds > 0 ? t->timeout_seconds : 60;
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *rcpt = NULL;
    for (char **r = env->rcpt; *r; r++) {
        char *a = g_strdup_printf("<%s>", *r);
        rcpt = curl_slist_append(rcpt, a);
        g_free(a);
    }
    char *from = g_strdup_printf("<%s>", env->from);
    s->data = data;
    s->len = len;
    s->pos = 0;
    s->reply[0] = '\0';

    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, t->smtp_url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_USE_SSL, (long)(t->require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY));
    if (t->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, t->ca_file);
    if (t->username) {
        curl_easy_setopt(c, CURLOPT_USERNAME, t->username);
        curl_easy_setopt(c, CURLOPT_PASSWORD, t->password ? t->password : "");
    }
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, s);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); /* a library: no SIGALRM */
    curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout < 30 ? timeout : 30L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L); /* into debug_cb only */
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, debug_cb);
    curl_easy_setopt(c, CURLOPT_DEBUGDATA, s);

    CURLcode cc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    int rc = 0;
    if (cc != CURLE_OK || code / 100 != 2) {
        const char *why = s->reply[0] && code >= 400 ? s->reply
                          : errbuf[0]                 ? errbuf
                                                      : curl_easy_strerror(cc);
        *down = server_level(cc, code);
        if (code >= 500 && code < 600 && !*down)
            rc = cr_error_set(err, EX_UNAVAILABLE, NULL, 0, 0, "%s refused the message: %s",
                              s->shown, why);
        else
            rc = cr_error_set(err, EX_TEMPFAIL, NULL, 0, 0,
                              "%s: %s (left in the outbox for the next run)", s->shown, why);
    }
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, NULL);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
    curl_slist_free_all(rcpt);
    g_free(from);
    return rc;
}
