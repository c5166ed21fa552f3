/* faultshim.c - an LD_PRELOAD shim that fails the Nth call of one family of
 * functions, for the fault-injection tests (tests/e2e/faults.sh).
 *
 *   CR_FAULT_FUNC   malloc (malloc, calloc, realloc), write (write, pwrite,
 *                   pwrite64, writev, fwrite), fsync (fsync, fdatasync) or
 *                   rename (rename, renameat, renameat2)
 *   CR_FAULT_N      the call to fail, 1-based; 0 or unset: fail none (count)
 *   CR_FAULT_REPORT a file that receives "CALLS INJECTED" at exit
 *   CR_FAULT_SCOPE  program: count only calls made by the program's own code
 *                   (not by the libraries it links: GLib, and so pango and
 *                   GMime, abort on a failed allocation by design, so a
 *                   malloc fault inside them tests nothing of ours); unset:
 *                   every call of the process
 *   CR_FAULT_BACKTRACE  set: print the stack of the failed call to stderr
 *                   (to find the code that mishandled it)
 *
 * The failed call returns what the real one returns on failure (NULL, -1,
 * a short fwrite with the stream's error flag set) with errno ENOMEM for
 * malloc, ENOSPC for write, EIO for fsync and rename. Only calls of this
 * process count: a child (sendmail, a fork) neither counts nor fails, and
 * LD_PRELOAD is removed at start so that programs it runs do not load the
 * shim. Allocation goes to glibc's __libc_malloc family, so looking up the
 * other functions (dlsym allocates) never recurses into the shim.
 * Built with plain gcc, used against the normal build (not the sanitizer
 * one, whose allocator would not see this one). glibc only.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

enum { F_NONE, F_MALLOC, F_WRITE, F_FSYNC, F_RENAME };

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static int family = F_NONE;
static unsigned long target;
static atomic_ulong calls;
static atomic_int injected;
static pid_t owner;
static char report[512];
static int program_only;
static uintptr_t text_lo, text_hi; /* the program's executable segments */

/* The first object dl_iterate_phdr reports is the program itself. */
static int find_program(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
            continue;
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
        if (!text_lo || lo < text_lo)
            text_lo = lo;
        if (hi > text_hi)
            text_hi = hi;
    }
    return 1;
}

__attribute__((constructor)) static void shim_start(void)
{
    const char *f = getenv("CR_FAULT_FUNC"), *n = getenv("CR_FAULT_N"), *r = getenv("CR_FAULT_REPORT");
    owner = getpid();
    if (r)
        snprintf(report, sizeof report, "%s", r);
    target = n ? strtoul(n, NULL, 10) : 0;
    if (f && strcmp(f, "malloc") == 0)
        family = F_MALLOC;
    else if (f && strcmp(f, "write") == 0)
        family = F_WRITE;
    else if (f && strcmp(f, "fsync") == 0)
        family = F_FSYNC;
    else if (f && strcmp(f, "rename") == 0)
        family = F_RENAME;
    const char *scope = getenv("CR_FAULT_SCOPE");
    if (scope && strcmp(scope, "program") == 0) {
        program_only = 1;
        dl_iterate_phdr(find_program, NULL);
    }
    unsetenv("LD_PRELOAD");
}

__attribute__((destructor)) static void shim_end(void)
{
    if (!report[0] || getpid() != owner)
        return;
    int fd = open(report, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        dprintf(fd, "%lu %d\n", (unsigned long)atomic_load(&calls), atomic_load(&injected));
        close(fd);
    }
}

/* True when this call of fam, made from code at caller, is the one to fail. */
#define fail_now(fam) fail_call((fam), (uintptr_t)__builtin_return_address(0))
static int fail_call(int fam, uintptr_t caller)
{
    if (fam != family || owner == 0 || getpid() != owner)
        return 0;
    if (program_only && (caller < text_lo || caller >= text_hi))
        return 0;
    unsigned long k = atomic_fetch_add(&calls, 1) + 1;
    if (target == 0 || k != target)
        return 0;
    atomic_store(&injected, 1);
    if (getenv("CR_FAULT_BACKTRACE")) {
        void *frames[64];
        backtrace_symbols_fd(frames, backtrace(frames, 64), 2);
    }
    return 1;
}

static void *next(const char *name)
{
    void *p = dlsym(RTLD_NEXT, name);
    if (!p)
        abort();
    return p;
}

void *malloc(size_t n)
{
    if (fail_now(F_MALLOC)) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t m)
{
    if (fail_now(F_MALLOC)) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
    if (fail_now(F_MALLOC)) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_realloc(p, n);
}

#define FAIL_WITH(fam, err, ret)                                               \
    do {                                                                       \
        if (fail_now(fam)) {                                                   \
            errno = (err);                                                     \
            return (ret);                                                      \
        }                                                                      \
    } while (0)

ssize_t write(int fd, const void *b, size_t n)
{
    static ssize_t (*real)(int, const void *, size_t);
    FAIL_WITH(F_WRITE, ENOSPC, -1);
    if (!real)
        real = next("write");
    return real(fd, b, n);
}

ssize_t pwrite(int fd, const void *b, size_t n, off_t o)
{
    static ssize_t (*real)(int, const void *, size_t, off_t);
    FAIL_WITH(F_WRITE, ENOSPC, -1);
    if (!real)
        real = next("pwrite");
    return real(fd, b, n, o);
}

ssize_t pwrite64(int fd, const void *b, size_t n, off64_t o)
{
    static ssize_t (*real)(int, const void *, size_t, off64_t);
    FAIL_WITH(F_WRITE, ENOSPC, -1);
    if (!real)
        real = next("pwrite64");
    return real(fd, b, n, o);
}

ssize_t writev(int fd, const struct iovec *v, int n)
{
    static ssize_t (*real)(int, const struct iovec *, int);
    FAIL_WITH(F_WRITE, ENOSPC, -1);
    if (!real)
        real = next("writev");
    return real(fd, v, n);
}

size_t fwrite(const void *b, size_t size, size_t n, FILE *fp)
{
    static size_t (*real)(const void *, size_t, size_t, FILE *);
    if (fail_now(F_WRITE)) {
        errno = ENOSPC;
        fp->_flags |= _IO_ERR_SEEN; /* as a failed write leaves the stream */
        return 0;
    }
    if (!real)
        real = next("fwrite");
    return real(b, size, n, fp);
}

int fsync(int fd)
{
    static int (*real)(int);
    FAIL_WITH(F_FSYNC, EIO, -1);
    if (!real)
        real = next("fsync");
    return real(fd);
}

int fdatasync(int fd)
{
    static int (*real)(int);
    FAIL_WITH(F_FSYNC, EIO, -1);
    if (!real)
        real = next("fdatasync");
    return real(fd);
}

int rename(const char *a, const char *b)
{
    static int (*real)(const char *, const char *);
    FAIL_WITH(F_RENAME, EIO, -1);
    if (!real)
        real = next("rename");
    return real(a, b);
}

int renameat(int da, const char *a, int db, const char *b)
{
    static int (*real)(int, const char *, int, const char *);
    FAIL_WITH(F_RENAME, EIO, -1);
    if (!real)
        real = next("renameat");
    return real(da, a, db, b);
}

int renameat2(int da, const char *a, int db, const char *b, unsigned flags)
{
    static int (*real)(int, const char *, int, const char *, unsigned);
    FAIL_WITH(F_RENAME, EIO, -1);
    if (!real)
        real = next("renameat2");
    return real(da, a, db, b, flags);
}
