/* outbox.c - the outbox folder: .eml names, the sent log, the lock, moves.
 *
 *   OUTBOX/RUNDATE_BATCH_KEY32.eml  waiting (published through outfile.h)
 *   OUTBOX/sent/, OUTBOX/failed/    sent, and refused for good
 *   OUTBOX/sent.log                 "KEY TAB NAME TAB TIME" per sent message
 *   OUTBOX/.lock                    held while queueing or recording a send
 *
 * Everything is done relative to the folder's descriptor with O_NOFOLLOW, so
 * a link planted in the outbox is never written through.
 */
#include "mail_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SENT_LOG "sent.log"
#define LOCK_FILE ".lock"

static int fail_errno(cr_error *err, const cr_outbox *ob, int errnum, const char *action,
                      const char *name)
{
    return cr_error_set(err, cr_outfile_exit_code(errnum), NULL, 0, 0, "cannot %s %s/%s: %s",
                        action, cr_outbox_path(ob), name, strerror(errnum));
}

int cr_outbox_open(const char *path, cr_outbox *ob, cr_error *err)
{
    ob->dir = NULL;
    ob->fd = -1;
    ob->lock_fd = -1;
    int rc = cr_outfile_dir_open(path, &ob->dir, err);
    if (rc)
        return rc;
    /* The folder the user named: links in its path are followed (as
     * cr_outfile_dir_open does); below it, nothing is. */
    ob->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (ob->fd < 0) {
        rc = cr_error_set(err, cr_outfile_exit_code(errno), NULL, 0, 0, "cannot open %s: %s",
                          path, strerror(errno));
        cr_outfile_dir_close(ob->dir);
        ob->dir = NULL;
    }
    return rc;
}

void cr_outbox_close(cr_outbox *ob)
{
    cr_outbox_unlock(ob);
    if (ob->fd >= 0)
        close(ob->fd);
    cr_outfile_dir_close(ob->dir);
    ob->fd = -1;
    ob->dir = NULL;
}

const char *cr_outbox_path(const cr_outbox *ob)
{
    return cr_outfile_dir_path(ob->dir);
}

int cr_outbox_lock(cr_outbox *ob, cr_error *err)
{
    if (ob->lock_fd >= 0)
        return 0;
    int fd = openat(ob->fd, LOCK_FILE, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0)
        return fail_errno(err, ob, errno, "open", LOCK_FILE);
    /* Holders only do short bookkeeping: 30 s is a stuck holder, not a busy one. */
    for (int i = 0; i < 3000; i++) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
            ob->lock_fd = fd;
            return 0;
        }
        if (errno != EWOULDBLOCK && errno != EINTR)
            break;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    int e = errno;
    close(fd);
    if (e == EWOULDBLOCK)
        return cr_error_set(err, EX_TEMPFAIL, NULL, 0, 0,
                            "%s/%s is held by another process for more than 30 s",
                            cr_outbox_path(ob), LOCK_FILE);
    return fail_errno(err, ob, e, "lock", LOCK_FILE);
}

void cr_outbox_unlock(cr_outbox *ob)
{
    if (ob->lock_fd >= 0) {
        close(ob->lock_fd); /* releases the flock */
        ob->lock_fd = -1;
    }
}

void cr_outbox_name(const char *batch, const char *run_date, const char *key, char *out,
                    size_t size)
{
    char safe[CR_OUTFILE_NAME_SIZE];
    cr_outfile_safe_name(batch, safe, sizeof safe);
    snprintf(out, size, "%s_%.48s_%.32s.eml", run_date, safe, key);
}

/* Reads OUTBOX/name whole (NUL-terminated) into *out, g_free'd by the caller;
 * *out NULL when it does not exist. */
static int read_all(const cr_outbox *ob, const char *name, char **out, cr_error *err)
{
    *out = NULL;
    int fd = openat(ob->fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : fail_errno(err, ob, errno, "read", name);
    GString *s = g_string_new(NULL);
    char buf[65536];
    ssize_t n;
    int rc = 0;
    while ((n = read(fd, buf, sizeof buf)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            rc = fail_errno(err, ob, errno, "read", name);
            break;
        }
        g_string_append_len(s, buf, n);
    }
    close(fd);
    if (rc) {
        g_string_free(s, TRUE);
        return rc;
    }
    *out = g_string_free(s, FALSE);
    return 0;
}

int cr_outbox_was_sent(const cr_outbox *ob, const char *key, bool *found, cr_error *err)
{
    *found = false;
    char *log = NULL;
    int rc = read_all(ob, SENT_LOG, &log, err);
    if (rc || !log)
        return rc;
    size_t kn = strlen(key);
    for (const char *line = log; *line;) {
        if (strncmp(line, key, kn) == 0 && line[kn] == '\t') {
            *found = true;
            break;
        }
        const char *nl = strchr(line, '\n');
        if (!nl)
            break;
        line = nl + 1;
    }
    g_free(log);
    return 0;
}

bool cr_outbox_waiting(const cr_outbox *ob, const char *name)
{
    struct stat st;
    return fstatat(ob->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

int cr_outbox_log_sent(const cr_outbox *ob, const char *key, const char *name, cr_error *err)
{
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char *line = g_strdup_printf("%s\t%s\t%s\n", key, name, when);
    int rc = 0;
    int fd = openat(ob->fd, SENT_LOG, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
                    0666);
    if (fd < 0) {
        rc = fail_errno(err, ob, errno, "open", SENT_LOG);
        goto out;
    }
    /* One write: O_APPEND keeps a line whole even with another writer. */
    size_t n = strlen(line);
    ssize_t w = write(fd, line, n);
    if (w != (ssize_t)n)
        rc = fail_errno(err, ob, w < 0 ? errno : EIO, "write", SENT_LOG);
    else if (fsync(fd) != 0)
        rc = fail_errno(err, ob, errno, "sync", SENT_LOG);
    close(fd);
out:
    g_free(line);
    return rc;
}

int cr_outbox_move(const cr_outbox *ob, const char *name, const char *folder, cr_error *err)
{
    /* outfile.h makes the folder (refusing a link there); then it is opened
     * here again, still never through a link. */
    cr_outfile_dir *sub = NULL;
    int rc = cr_outfile_make_dir(ob->dir, folder, &sub, err);
    if (rc)
        return rc;
    cr_outfile_dir_close(sub);
    int fd = openat(ob->fd, folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return fail_errno(err, ob, errno, "open", folder);
    if (renameat(ob->fd, name, fd, name) != 0) {
        char *what = g_strdup_printf("%s to %s/", name, folder);
        rc = fail_errno(err, ob, errno, "move", what);
        g_free(what);
    } else if (fsync(fd) != 0 || fsync(ob->fd) != 0) {
        rc = fail_errno(err, ob, errno, "sync", folder);
    }
    close(fd);
    return rc;
}

typedef struct waiting {
    char *name;
    struct timespec mtime;
} waiting;

static int by_age(const void *a, const void *b)
{
    const waiting *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec)
        return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec)
        return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
    return strcmp(x->name, y->name);
}

int cr_outbox_list(const cr_outbox *ob, char ***names, cr_error *err)
{
    *names = NULL;
    int fd = openat(ob->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return cr_error_set(err, cr_outfile_exit_code(e), NULL, 0, 0, "cannot read %s: %s",
                            cr_outbox_path(ob), strerror(e));
    }
    GArray *list = g_array_new(FALSE, FALSE, sizeof(waiting));
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *n = de->d_name;
        size_t len = strlen(n);
        /* ".NAME.XXXXXX" is a file being written: not yet a message. */
        if (n[0] == '.' || len < 5 || strcmp(n + len - 4, ".eml") != 0)
            continue;
        struct stat st;
        if (fstatat(ob->fd, n, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
            continue;
        waiting w = {g_strdup(n), st.st_mtim};
        g_array_append_val(list, w);
    }
    closedir(d);
    if (list->len > 1) /* an empty GArray may have no data at all */
        qsort(list->data, list->len, sizeof(waiting), by_age);
    char **out = g_new0(char *, list->len + 1);
    for (guint i = 0; i < list->len; i++)
        out[i] = g_array_index(list, waiting, i).name;
    g_array_free(list, TRUE);
    *names = out;
    return 0;
}

int cr_outbox_claim(const cr_outbox *ob, const char *name, int *fd, cr_error *err)
{
    *fd = -1;
    int f = openat(ob->fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (f < 0)
        return errno == ENOENT ? 0 : fail_errno(err, ob, errno, "open", name);
    if (flock(f, LOCK_EX | LOCK_NB) != 0) {
        close(f); /* another sender has it */
        return 0;
    }
    /* A sender that held it before may have moved it since we opened it. */
    struct stat a, b;
    if (fstat(f, &a) != 0 || fstatat(ob->fd, name, &b, AT_SYMLINK_NOFOLLOW) != 0 ||
        a.st_dev != b.st_dev || a.st_ino != b.st_ino || !S_ISREG(a.st_mode)) {
        close(f);
        return 0;
    }
    *fd = f;
    return 0;
}
