/* outfile.c - output folders and files published by rename (outfile.h).
 *
 * Everything is done relative to open folder descriptors (mkdirat, openat,
 * renameat), so once a folder is open no later step resolves its name again.
 */
#include "csmreport/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NAME_PART_MAX 96
/* the part of NAME kept in ".NAME.XXXXXX", well under NAME_MAX */
#define TMP_NAME_PART_MAX 200
#define TMP_TRIES 100
#define DIR_PATH_MAX 4096

struct cr_outfile_dir {
    int fd;
    char *path; /* as the user knows it */
};

struct cr_outfile {
    int dirfd;     /* our own copy of the folder's descriptor */
    int fd;        /* the temporary file; -1 once closed */
    FILE *stream;  /* over fd, when asked for */
    char *tmp;     /* the temporary name in the folder */
    char *name;    /* the final name in the folder */
    char *shown;   /* the final file as the user knows it */
    char *folder_shown;
    char *path;    /* reaches the temporary file (cr_outfile_path) */
    char *folder;  /* reaches the folder (cr_outfile_folder) */
};

/* ---------- the one mapping ---------- */

int cr_outfile_exit_code(int errnum)
{
    switch (errnum) {
    case EACCES:
    case EPERM:
    case EROFS:
        return EX_NOPERM;
    case ENOSPC:
    case EDQUOT:
    case EFBIG: /* over the file size limit (ulimit -f): no room, as ENOSPC */
    case EIO:
        return EX_IOERR;
    default:
        return EX_CANTCREAT;
    }
}

/* Fills err with "cannot ACTION WHAT: reason" for errnum; a permission
 * problem also says which folder csmreport needs write access to (need_dir,
 * may be NULL). */
static int fail_errno(cr_error *err, int errnum, const char *action, const char *what,
                      const char *need_dir)
{
    char why[128];
    if (strerror_r(errnum, why, sizeof why) != 0)
        snprintf(why, sizeof why, "error %d", errnum);
    if (why[0] >= 'A' && why[0] <= 'Z') /* messages are lowercase */
        why[0] = (char)(why[0] - 'A' + 'a');
    int code = cr_outfile_exit_code(errnum);
    if (code == EX_NOPERM && need_dir)
        return cr_error_set(err, code, NULL, 0, 0,
                            "cannot %s %s: %s (csmreport needs write access to the folder %s)",
                            action, what, why, need_dir);
    return cr_error_set(err, code, NULL, 0, 0, "cannot %s %s: %s", action, what, why);
}

/* What is at name in dirfd instead of what we want, for a refusal. */
static const char *kind_of(int dirfd, const char *name)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return "it is not a folder";
    if (S_ISLNK(st.st_mode))
        return "it is a symbolic link";
    if (S_ISREG(st.st_mode))
        return "it is a regular file";
    if (S_ISDIR(st.st_mode))
        return "it is a folder";
    return "it is not a regular file";
}

static char *join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *s = malloc(a + b + 2);
    if (s) {
        memcpy(s, dir, a);
        s[a] = '/';
        memcpy(s + a + 1, name, b + 1);
    }
    return s;
}

static bool plain_name(const char *name)
{
    return name && *name && !strchr(name, '/') && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

static bool have_proc(void)
{
    return access("/proc/self/fd", X_OK) == 0;
}

/* ---------- folders ---------- */

static int new_dir(int fd, const char *path, cr_outfile_dir **out, cr_error *err)
{
    cr_outfile_dir *d = malloc(sizeof *d);
    char *copy = strdup(path);
    if (!d || !copy) {
        free(d);
        free(copy);
        close(fd);
        return cr_error_nomem(err);
    }
    d->fd = fd;
    d->path = copy;
    *out = d;
    return 0;
}

int cr_outfile_dir_open(const char *path, cr_outfile_dir **out, cr_error *err)
{
    *out = NULL;
    char buf[DIR_PATH_MAX];
    if (!path || !*path)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "an empty output folder name");
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "output folder name too long");
    for (char *p = buf + 1;; p++) {
        bool end = *p == '\0';
        if (*p != '/' && !end)
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
            int e = errno;
            char parent[DIR_PATH_MAX] = ".";
            const char *slash = strrchr(buf, '/');
            if (slash == buf)
                snprintf(parent, sizeof parent, "/");
            else if (slash)
                snprintf(parent, sizeof parent, "%.*s", (int)(slash - buf), buf);
            return fail_errno(err, e, "create the folder", buf, parent);
        }
        if (end)
            break;
        *p = '/';
    }
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (e == ENOTDIR)
            return cr_error_set(err, EX_CANTCREAT, NULL, 0, 0, "cannot create the folder %s: %s", path,
                                kind_of(AT_FDCWD, path));
        return fail_errno(err, e, "open the folder", path, path);
    }
    return new_dir(fd, path, out, err);
}

int cr_outfile_make_dir(const cr_outfile_dir *parent, const char *name, cr_outfile_dir **out,
                        cr_error *err)
{
    *out = NULL;
    char *shown = join(parent->path, name ? name : "");
    if (!shown)
        return cr_error_nomem(err);
    int rc = 0, fd = -1;
    if (!plain_name(name)) {
        rc = cr_error_set(err, EX_CANTCREAT, NULL, 0, 0, "cannot create the folder %s: not a plain name",
                          shown);
        goto out_free_shown;
    }
    if (mkdirat(parent->fd, name, 0777) != 0 && errno != EEXIST) {
        rc = fail_errno(err, errno, "create the folder", shown, parent->path);
        goto out_free_shown;
    }
    /* O_NOFOLLOW: a link there, even one swapped in since mkdirat, is refused */
    fd = openat(parent->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (e == ELOOP || e == ENOTDIR)
            rc = cr_error_set(err, EX_CANTCREAT, NULL, 0, 0, "cannot create the folder %s: %s", shown,
                              kind_of(parent->fd, name));
        else
            rc = fail_errno(err, e, "open the folder", shown, shown);
        goto out_free_shown;
    }
    rc = new_dir(fd, shown, out, err);
out_free_shown:
    free(shown);
    return rc;
}

const char *cr_outfile_dir_path(const cr_outfile_dir *d)
{
    return d->path;
}

void cr_outfile_dir_close(cr_outfile_dir *d)
{
    if (!d)
        return;
    close(d->fd);
    free(d->path);
    free(d);
}

/* ---------- files ---------- */

/* Refuses a final name that is a symbolic link or not a regular file; a
 * missing one is fine. */
static int check_final(int dirfd, const char *name, const char *shown, cr_error *err)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return 0; /* missing, or the rename will say why */
    if (S_ISLNK(st.st_mode))
        return cr_error_set(err, EX_CANTCREAT, NULL, 0, 0,
                            "cannot create %s: it is a symbolic link (not followed, left as it is)",
                            shown);
    if (!S_ISREG(st.st_mode))
        return cr_error_set(err, EX_CANTCREAT, NULL, 0, 0, "cannot create %s: %s", shown,
                            S_ISDIR(st.st_mode) ? "it is a folder" : "it is not a regular file");
    return 0;
}

/* Six characters for a temporary name, different per call and process. */
static void random_suffix(char out[7])
{
    static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static atomic_uint_fast64_t counter;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 40) ^
                 (atomic_fetch_add(&counter, 1) * 0x9E3779B97F4A7C15ull);
    /* splitmix64's finaliser spreads the bits */
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    x ^= x >> 31;
    for (int i = 0; i < 6; i++, x /= 62)
        out[i] = set[x % 62];
    out[6] = '\0';
}

static void free_outfile(cr_outfile *of)
{
    if (of->dirfd >= 0)
        close(of->dirfd);
    free(of->tmp);
    free(of->name);
    free(of->shown);
    free(of->folder_shown);
    free(of->path);
    free(of->folder);
    free(of);
}

/* Opens name in the folder dirfd (not taken over) known as folder_shown. */
static int open_in(int dirfd, const char *folder_shown, const char *name, const char *shown,
                   cr_outfile **out, cr_error *err)
{
    *out = NULL;
    if (!plain_name(name))
        return cr_error_set(err, EX_CANTCREAT, NULL, 0, 0, "cannot create %s: not a plain file name",
                            shown);
    int rc = check_final(dirfd, name, shown, err);
    if (rc)
        return rc;
    cr_outfile *of = calloc(1, sizeof *of);
    if (!of)
        return cr_error_nomem(err);
    of->fd = -1;
    of->dirfd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
    if (of->dirfd < 0) {
        rc = fail_errno(err, errno, "create", shown, folder_shown);
        goto out_free;
    }
    of->name = strdup(name);
    of->shown = strdup(shown);
    of->folder_shown = strdup(folder_shown);
    size_t tmp_size = strlen(name) + 16;
    of->tmp = malloc(tmp_size);
    if (!of->name || !of->shown || !of->folder_shown || !of->tmp) {
        rc = cr_error_nomem(err);
        goto out_free;
    }
    int e = EEXIST;
    for (int i = 0; i < TMP_TRIES && of->fd < 0 && e == EEXIST; i++) {
        char suffix[7];
        random_suffix(suffix);
        snprintf(of->tmp, tmp_size, ".%.*s.%s", TMP_NAME_PART_MAX, name, suffix);
        /* 0666: the umask decides, as for any file a program creates */
        of->fd = openat(of->dirfd, of->tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        e = of->fd < 0 ? errno : 0;
    }
    if (of->fd < 0) {
        rc = fail_errno(err, e, "create", shown, folder_shown);
        goto out_free;
    }
    char proc[48];
    if (have_proc()) {
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", of->fd);
        of->path = strdup(proc);
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", of->dirfd);
        of->folder = strdup(proc);
    } else { /* no /proc: the names, as opened above */
        of->path = join(folder_shown, of->tmp);
        of->folder = strdup(folder_shown);
    }
    if (!of->path || !of->folder) {
        rc = cr_error_nomem(err);
        goto out_remove_tmp;
    }
    *out = of;
    return 0;

out_remove_tmp:
    close(of->fd);
    unlinkat(of->dirfd, of->tmp, 0);
out_free:
    free_outfile(of);
    return rc;
}

int cr_outfile_open(const cr_outfile_dir *dir, const char *name, cr_outfile **out, cr_error *err)
{
    char *shown = join(dir->path, name ? name : "");
    if (!shown) {
        *out = NULL;
        return cr_error_nomem(err);
    }
    int rc = open_in(dir->fd, dir->path, name, shown, out, err);
    free(shown);
    return rc;
}

int cr_outfile_open_path(const char *path, cr_outfile **out, cr_error *err)
{
    *out = NULL;
    const char *slash = path ? strrchr(path, '/') : NULL;
    char folder[DIR_PATH_MAX];
    if (!path || !*path)
        return cr_error_set(err, EX_CANTCREAT, NULL, 0, 0, "cannot create an output file without a name");
    int n = !slash ? snprintf(folder, sizeof folder, ".")
            : slash == path ? snprintf(folder, sizeof folder, "/")
                            : snprintf(folder, sizeof folder, "%.*s", (int)(slash - path), path);
    if (n < 0 || (size_t)n >= sizeof folder)
        return cr_error_set(err, EX_CANTCREAT, NULL, 0, 0, "cannot create %s: the name is too long", path);
    int dirfd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return fail_errno(err, errno, "create", path, folder);
    int rc = open_in(dirfd, folder, slash ? slash + 1 : path, path, out, err);
    close(dirfd);
    return rc;
}

FILE *cr_outfile_stream(cr_outfile *of)
{
    if (!of->stream && of->fd >= 0)
        of->stream = fdopen(of->fd, "wb");
    return of->stream;
}

const char *cr_outfile_path(const cr_outfile *of)
{
    return of->path;
}

const char *cr_outfile_folder(const cr_outfile *of)
{
    return of->folder;
}

const char *cr_outfile_name(const cr_outfile *of)
{
    return of->shown;
}

int cr_outfile_fail(const cr_outfile *of, int errnum, const char *action, cr_error *err)
{
    return fail_errno(err, errnum ? errnum : EIO, action, of->shown, of->folder_shown);
}

/* Closes the temporary file (and its stream); returns 0 or an errno. */
static int close_file(cr_outfile *of)
{
    int e = 0;
    if (of->stream) {
        if (fclose(of->stream) != 0)
            e = errno ? errno : EIO;
    } else if (of->fd >= 0 && close(of->fd) != 0) {
        e = errno;
    }
    of->stream = NULL;
    of->fd = -1;
    return e == EINTR ? 0 : e; /* after EINTR the descriptor is closed anyway */
}

/* Everything of a commit but the rename: flush, fsync and close the
 * temporary file, and check that its name is still our file. 0, or an error
 * with the temporary file left for the caller to remove. */
static int finish(cr_outfile *of, cr_error *err)
{
    int rc = 0, e;
    struct stat mine, named;
    errno = 0;
    if (of->stream && (fflush(of->stream) != 0 || ferror(of->stream)))
        rc = cr_outfile_fail(of, errno, "write", err);
    if (!rc && fsync(of->fd) != 0)
        rc = cr_outfile_fail(of, errno, "write", err);
    if (!rc && fstat(of->fd, &mine) != 0)
        rc = cr_outfile_fail(of, errno, "write", err);
    if ((e = close_file(of)) != 0 && !rc)
        rc = cr_outfile_fail(of, e, "write", err);
    /* the name we made must still be our file: it is what the rename publishes */
    if (!rc && (fstatat(of->dirfd, of->tmp, &named, AT_SYMLINK_NOFOLLOW) != 0 ||
                named.st_dev != mine.st_dev || named.st_ino != mine.st_ino || !S_ISREG(named.st_mode)))
        rc = cr_error_set(err, EX_CANTCREAT, NULL, 0, 0, "cannot create %s: its temporary file was replaced",
                          of->shown);
    if (!rc)
        rc = check_final(of->dirfd, of->name, of->shown, err);
    return rc;
}

/* The rename of a finished file, and the fsync of its folder. */
static int publish(cr_outfile *of, cr_error *err)
{
    /* renameat replaces the name itself: a link swapped in since is replaced, never followed */
    if (renameat(of->dirfd, of->tmp, of->dirfd, of->name) != 0)
        return fail_errno(err, errno, "create", of->shown, of->folder_shown);
    /* the rename is durable only once the folder is synced; some file systems
     * cannot sync a folder (EINVAL), which is no failure */
    if (fsync(of->dirfd) != 0 && errno != EINVAL)
        return fail_errno(err, errno, "sync the folder of", of->shown, NULL);
    return 0;
}

int cr_outfile_commit_all(cr_outfile **ofs, size_t n, cr_error *err)
{
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++)
        rc = finish(ofs[i], err);
    size_t published = 0;
    for (; published < n && !rc; published++)
        if ((rc = publish(ofs[published], err)))
            break;
    for (size_t i = 0; i < n; i++) {
        if (i >= published) {
            close_file(ofs[i]);
            unlinkat(ofs[i]->dirfd, ofs[i]->tmp, 0);
        }
        free_outfile(ofs[i]);
        ofs[i] = NULL;
    }
    return rc;
}

int cr_outfile_commit(cr_outfile *of, cr_error *err)
{
    return cr_outfile_commit_all(&of, 1, err);
}

void cr_outfile_abort(cr_outfile *of)
{
    if (!of)
        return;
    close_file(of);
    unlinkat(of->dirfd, of->tmp, 0);
    free_outfile(of);
}

/* ---------- names ---------- */

static uint32_t fnv1a32(const char *s)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 16777619u;
    }
    return h;
}

void cr_outfile_safe_name(const char *s, char *out, size_t size)
{
    if (size == 0)
        return;
    /* keep room for "-" and 8 hex digits; CR_OUTFILE_NAME_SIZE has it for 96 */
    size_t max = size > 10 ? size - 10 : 0;
    if (max > NAME_PART_MAX)
        max = NAME_PART_MAX;
    size_t o = 0;
    bool changed = false;
    for (const char *p = s; *p; p++) {
        char ch = *p;
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                  ch == '_' || ch == '-' || (ch == '.' && o > 0);
        if (o >= max) {
            changed = true;
            break;
        }
        out[o++] = ok ? ch : '_';
        changed |= !ok;
    }
    if (o == 0)
        changed = true;
    out[o] = '\0';
    if (changed)
        snprintf(out + o, size - o, "-%08x", (unsigned)fnv1a32(s));
}
