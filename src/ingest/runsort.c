/* runsort.c - external sort of fixed-size records: radix-sorted chunks spilled
 * to one unlinked run file, merged back with a heap of runs. */
#include "csmreport/runsort.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RADIX_BITS 11
#define RADIX_SIZE (1u << RADIX_BITS)

typedef struct run {
    off_t offset;        /* first record in the run file */
    uint64_t count;      /* records in the run */
    uint64_t read;       /* records already read into buf */
    unsigned char *buf;  /* a window of the run */
    size_t have, pos;    /* records in buf, next one */
} run;

struct cr_runsort {
    size_t size;         /* bytes per record */
    size_t chunk;        /* records per chunk */
    unsigned char *buf, *tmp;
    size_t used;         /* records in buf */
    uint64_t total;
    char dir[4096];
    int fd;              /* run file, -1 until the first spill */
    off_t end;
    run *runs;
    size_t run_count, run_cap;
    size_t window;       /* records per run window while merging */
    size_t *heap;        /* run indexes, smallest (key, run) on top */
    size_t heap_count;
    bool merging, in_memory;
    bool advance;        /* the top run's current record was handed out */
    size_t next;         /* in_memory: next record of buf */
};

static uint64_t key_at(const unsigned char *rec)
{
    uint64_t k;
    memcpy(&k, rec, sizeof k);
    return k;
}

cr_runsort *cr_runsort_new(size_t record_size, size_t chunk_records, const char *spill_dir,
                           cr_error *err)
{
    if (record_size < 8 || record_size % 8 || chunk_records == 0) {
        cr_error_set(err, EX_SOFTWARE, NULL, 0, 0, "runsort: bad record size %zu", record_size);
        return NULL;
    }
    cr_runsort *s = calloc(1, sizeof *s);
    if (s)
        s->buf = malloc(record_size * chunk_records);
    if (!s || !s->buf) {
        free(s);
        cr_error_nomem(err);
        return NULL;
    }
    s->size = record_size;
    s->chunk = chunk_records;
    s->fd = -1;
    snprintf(s->dir, sizeof s->dir, "%s", spill_dir && *spill_dir ? spill_dir : ".");
    return s;
}

/* LSD radix sort of buf[0..n) on the key, RADIX_BITS per pass, stable. Only
 * the digits the keys use are sorted, and a digit all keys share is skipped. */
static int sort_chunk(cr_runsort *s, cr_error *err)
{
    size_t n = s->used, size = s->size;
    if (n < 2)
        return 0;
    if (!s->tmp && !(s->tmp = malloc(size * s->chunk)))
        return cr_error_nomem(err);
    uint64_t used_bits = 0;
    for (size_t i = 0; i < n; i++)
        used_bits |= key_at(s->buf + i * size);
    size_t count[RADIX_SIZE];
    unsigned char *src = s->buf, *dst = s->tmp;
    for (unsigned shift = 0; shift < 64 && (used_bits >> shift); shift += RADIX_BITS) {
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++)
            count[(key_at(src + i * size) >> shift) & (RADIX_SIZE - 1)]++;
        size_t at = 0;
        bool one_digit = false;
        for (size_t d = 0; d < RADIX_SIZE; d++) {
            size_t c = count[d];
            one_digit = one_digit || c == n;
            count[d] = at;
            at += c;
        }
        if (one_digit)
            continue;
        for (size_t i = 0; i < n; i++) {
            const unsigned char *rec = src + i * size;
            memcpy(dst + count[(key_at(rec) >> shift) & (RADIX_SIZE - 1)]++ * size, rec, size);
        }
        unsigned char *t = src;
        src = dst;
        dst = t;
    }
    if (src != s->buf) {
        s->tmp = s->buf;
        s->buf = src;
    }
    return 0;
}

static int open_run_file(cr_runsort *s, cr_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/.csmreport-sort-XXXXXX", s->dir);
    s->fd = mkstemp(path);
    if (s->fd < 0)
        return cr_error_set(err, EX_CANTCREAT, path, 0, 0, "cannot create a sort file: %s",
                            strerror(errno));
    unlink(path); /* gone from the directory; the space returns at close */
    return 0;
}

static int write_all(int fd, const unsigned char *p, size_t len, off_t at)
{
    while (len) {
        ssize_t w = pwrite(fd, p, len, at);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
        at += w;
    }
    return 0;
}

/* Sorts the chunk and appends it to the run file as one more run. */
static int spill(cr_runsort *s, cr_error *err)
{
    int rc;
    if ((rc = sort_chunk(s, err)) || (s->fd < 0 && (rc = open_run_file(s, err))))
        return rc;
    if (s->run_count == s->run_cap) {
        size_t cap = s->run_cap ? s->run_cap * 2 : 16;
        run *grown = realloc(s->runs, cap * sizeof *grown);
        if (!grown)
            return cr_error_nomem(err);
        s->runs = grown;
        s->run_cap = cap;
    }
    size_t bytes = s->used * s->size;
    if (write_all(s->fd, s->buf, bytes, s->end) != 0)
        return cr_error_set(err, EX_IOERR, s->dir, 0, 0, "cannot write a sort file: %s",
                            errno ? strerror(errno) : "disk full");
    s->runs[s->run_count++] = (run){.offset = s->end, .count = s->used};
    s->end += (off_t)bytes;
    s->used = 0;
    return 0;
}

void *cr_runsort_push(cr_runsort *s, cr_error *err)
{
    if (s->used == s->chunk && spill(s, err))
        return NULL;
    s->total++;
    return s->buf + s->used++ * s->size;
}

/* Refills the window of run r; false at its end or on a read error (err). */
static bool refill(cr_runsort *s, run *r, cr_error *err)
{
    uint64_t left = r->count - r->read;
    if (left == 0)
        return false;
    size_t n = left < s->window ? (size_t)left : s->window;
    size_t bytes = n * s->size, got = 0;
    off_t at = r->offset + (off_t)(r->read * s->size);
    while (got < bytes) {
        ssize_t k = pread(s->fd, r->buf + got, bytes - got, at + (off_t)got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            cr_error_set(err, EX_IOERR, s->dir, 0, 0, "cannot read a sort file: %s",
                         k < 0 ? strerror(errno) : "truncated");
            return false;
        }
        got += (size_t)k;
    }
    r->read += n;
    r->have = n;
    r->pos = 0;
    return true;
}

/* Heap order: the smaller key, then the earlier run (stability). */
static bool run_before(const cr_runsort *s, size_t a, size_t b)
{
    const run *ra = &s->runs[a], *rb = &s->runs[b];
    uint64_t ka = key_at(ra->buf + ra->pos * s->size), kb = key_at(rb->buf + rb->pos * s->size);
    return ka < kb || (ka == kb && a < b);
}

static void sift_down(cr_runsort *s, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < s->heap_count && run_before(s, s->heap[l], s->heap[m]))
            m = l;
        if (r < s->heap_count && run_before(s, s->heap[r], s->heap[m]))
            m = r;
        if (m == i)
            return;
        size_t t = s->heap[i];
        s->heap[i] = s->heap[m];
        s->heap[m] = t;
        i = m;
    }
}

int cr_runsort_finish(cr_runsort *s, cr_error *err)
{
    int rc;
    s->merging = true;
    if (s->run_count == 0) {
        s->in_memory = true;
        return sort_chunk(s, err);
    }
    if (s->used && (rc = spill(s, err)))
        return rc;
    /* The chunk buffers are done with; the windows share one chunk's worth. */
    free(s->tmp);
    s->tmp = NULL;
    s->window = s->chunk / s->run_count;
    if (s->window < 256)
        s->window = 256;
    if (!(s->heap = malloc(s->run_count * sizeof *s->heap)))
        return cr_error_nomem(err);
    for (size_t i = 0; i < s->run_count; i++) {
        if (!(s->runs[i].buf = malloc(s->window * s->size)))
            return cr_error_nomem(err);
        if (!refill(s, &s->runs[i], err))
            return err->code ? err->code : cr_error_set(err, EX_SOFTWARE, NULL, 0, 0, "empty run");
        s->heap[s->heap_count++] = i;
    }
    free(s->buf);
    s->buf = NULL;
    for (size_t i = s->heap_count / 2; i-- > 0;)
        sift_down(s, i);
    return 0;
}

const void *cr_runsort_next(cr_runsort *s, cr_error *err)
{
    if (s->in_memory)
        return s->next < s->used ? s->buf + s->next++ * s->size : NULL;
    if (!s->merging || s->heap_count == 0)
        return NULL;
    /* The record handed out last stays valid until now: only now does its
     * run move on (and its window get refilled). */
    if (s->advance) {
        run *top = &s->runs[s->heap[0]];
        if (++top->pos == top->have && !refill(s, top, err)) {
            if (err->code)
                return NULL;
            s->heap[0] = s->heap[--s->heap_count];
        }
        if (s->heap_count == 0)
            return NULL;
        sift_down(s, 0);
    }
    s->advance = true;
    const run *top = &s->runs[s->heap[0]];
    return top->buf + top->pos * s->size;
}

uint64_t cr_runsort_count(const cr_runsort *s)
{
    return s->total;
}

size_t cr_runsort_runs(const cr_runsort *s)
{
    return s->run_count;
}

void cr_runsort_free(cr_runsort *s)
{
    if (!s)
        return;
    if (s->fd >= 0)
        close(s->fd);
    for (size_t i = 0; i < s->run_count; i++)
        free(s->runs[i].buf);
    free(s->runs);
    free(s->heap);
    free(s->buf);
    free(s->tmp);
    free(s);
}
