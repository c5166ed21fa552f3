/* sendmail.c - one message piped to a sendmail command (posix_spawn, no shell).
 *
 * The child's standard input is one end of a socket pair, so a child that
 * exits without reading gives EPIPE to send(MSG_NOSIGNAL) and never a
 * SIGPIPE to the program. Its output goes to a scratch file whose first
 * line becomes the message of a failure. Every wait is bounded by the
 * transport's time-out; a child still running then is killed.
 */
#include "mail_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static bool runnable(const char *prog)
{
    if (strchr(prog, '/'))
        return access(prog, X_OK) == 0;
    const char *path = getenv("PATH");
    char **dirs = g_strsplit(path && *path ? path : "/usr/bin:/bin", ":", -1);
    bool ok = false;
    for (char **d = dirs; *d && !ok; d++) {
        char *f = g_build_filename(**d ? *d : ".", prog, NULL);
        ok = access(f, X_OK) == 0;
        g_free(f);
    }
    g_strfreev(dirs);
    return ok;
}

int cr_sendmail_parse(const char *command, char ***argv, cr_error *err)
{
    *argv = NULL;
    int rc = cr_mailaddr_check_value("the sendmail command", command, -1, err);
    if (rc)
        return rc;
    GPtrArray *words = g_ptr_array_new();
    char **parts = g_strsplit_set(command, " \t", -1);
    for (char **p = parts; *p; p++)
        if (**p)
            g_ptr_array_add(words, g_strdup(*p));
    g_strfreev(parts);
    g_ptr_array_add(words, NULL);
    char **v = (char **)g_ptr_array_free(words, FALSE);
    if (!v[0]) {
        g_strfreev(v);
        return cr_error_set(err, EX_CONFIG, NULL, 0, 0, "the sendmail command is empty");
    }
    if (!runnable(v[0])) {
        rc = cr_error_set(err, EX_CONFIG, NULL, 0, 0, "cannot run the sendmail command %s: %s",
                          v[0], "not found or not executable");
        g_strfreev(v);
        return rc;
    }
    *argv = v;
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Writes data to fd (non-blocking) until done, the peer closes, or the
 * deadline. Returns 0, or an errno (ETIMEDOUT at the deadline). */
static int feed(int fd, const char *data, size_t len, double deadline)
{
    size_t off = 0;
    while (off < len) {
        double left = deadline - now_s();
        if (left <= 0)
            return ETIMEDOUT;
        struct pollfd p = {fd, POLLOUT, 0};
        int r = poll(&p, 1, (int)(left * 1000) + 1);
        if (r < 0 && errno != EINTR)
            return errno;
        if (r <= 0)
            continue;
        ssize_t n = send(fd, data + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                continue;
            return errno;
        }
        off += (size_t)n;
    }
    return 0;
}

/* Waits for pid until deadline; kills it then. *status as from waitpid;
 * returns false when it had to be killed. */
static bool reap(pid_t pid, double deadline, int *status)
{
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            return true;
        if (now_s() >= deadline)
            break;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    while (waitpid(pid, status, 0) < 0 && errno == EINTR)
        ;
    return false;
}

/* The first line the child wrote, made printable. */
static void first_line(FILE *f, char *out, size_t size)
{
    out[0] = '\0';
    rewind(f);
    if (!fgets(out, (int)size, f))
        return;
    for (char *p = out; *p; p++) {
        if (*p == '\n' || *p == '\r') {
            *p = '\0';
            break;
        }
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    }
}

int cr_sendmail_send(char *const *argv, const cr_mail_envelope *env, const char *data,
                     size_t len, long timeout_seconds, cr_error *err)
{
    double deadline = now_s() + (double)(timeout_seconds > 0 ? timeout_seconds : 60);
    bool has_t = false;
    GPtrArray *args = g_ptr_array_new();
    for (char *const *a = argv; *a; a++) {
        has_t = has_t || strcmp(*a, "-t") == 0;
        g_ptr_array_add(args, *a);
    }
    /* Without -t sendmail takes the recipients as arguments; after "-t" it
     * reads them from the headers. */
    for (char **r = env->rcpt; !has_t && *r; r++)
        g_ptr_array_add(args, *r);
    g_ptr_array_add(args, NULL);

    int sv[2] = {-1, -1};
    FILE *out = tmpfile();
    int rc = 0;
    posix_spawn_file_actions_t fa;
    bool fa_init = false;
    if (!out || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        rc = cr_error_set(err, EX_TEMPFAIL, NULL, 0, 0, "cannot run %s: %s", argv[0],
                          strerror(errno));
        goto out;
    }
    posix_spawn_file_actions_init(&fa);
    fa_init = true;
    posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
    posix_spawn_file_actions_adddup2(&fa, fileno(out), 1);
    posix_spawn_file_actions_adddup2(&fa, fileno(out), 2);
    pid_t pid;
    const char *prog = argv[0];
    int e = strchr(prog, '/')
                ? posix_spawn(&pid, prog, &fa, NULL, (char *const *)args->pdata, environ)
                : posix_spawnp(&pid, prog, &fa, NULL, (char *const *)args->pdata, environ);
    close(sv[1]);
    sv[1] = -1;
    if (e != 0) {
        rc = cr_error_set(err, EX_TEMPFAIL, NULL, 0, 0, "cannot run %s: %s", prog, strerror(e));
        goto out;
    }
    int fe = feed(sv[0], data, len, deadline);
    shutdown(sv[0], SHUT_WR);
    int status = 0;
    bool finished = reap(pid, fe == ETIMEDOUT ? now_s() : deadline, &status);
    char said[200];
    fflush(out);
    first_line(out, said, sizeof said);
    if (!finished) {
        rc = cr_error_set(err, EX_TEMPFAIL, NULL, 0, 0,
                          "%s did not finish within %ld s (left in the outbox)", prog,
                          timeout_seconds > 0 ? timeout_seconds : 60);
    } else if (WIFSIGNALED(status)) {
        rc = cr_error_set(err, EX_TEMPFAIL, NULL, 0, 0,
                          "%s was killed by signal %d (left in the outbox)", prog,
                          WTERMSIG(status));
    } else if (WEXITSTATUS(status) == EX_TEMPFAIL) {
        rc = cr_error_set(err, EX_TEMPFAIL, NULL, 0, 0,
                          "%s exited 75, try again later%s%s (left in the outbox)", prog,
                          said[0] ? ": " : "", said);
    } else if (WEXITSTATUS(status) != 0) {
        rc = cr_error_set(err, EX_UNAVAILABLE, NULL, 0, 0, "%s refused the message (exit %d)%s%s",
                          prog, WEXITSTATUS(status), said[0] ? ": " : "", said);
    } else if (fe != 0) {
        /* It exited 0 without reading everything: not a delivery to trust. */
        rc = cr_error_set(err, EX_TEMPFAIL, NULL, 0, 0,
                          "%s stopped reading the message: %s (left in the outbox)", prog,
                          strerror(fe));
    }
out:
    if (fa_init)
        posix_spawn_file_actions_destroy(&fa);
    if (sv[0] >= 0)
        close(sv[0]);
    if (sv[1] >= 0)
        close(sv[1]);
    if (out)
        fclose(out);
    g_ptr_array_free(args, TRUE);
    return rc;
}
