/* test_runsort.c - the external sort (order, stability, spilled and in-memory
 * paths, wide keys) and the string dictionary. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csmreport/runsort.h"
#include "csmreport/strdict.h"
#include "unit.h"

typedef struct rec {
    uint64_t key;
    uint64_t seq; /* push order, to see stability */
} rec;

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Pushes n records with keys rng() & mask through a sorter of the given chunk
 * and checks what comes back: every record once, in key order, equal keys in
 * push order. */
static void sort_case(const char *name, size_t n, size_t chunk, uint64_t mask, size_t want_runs)
{
    cr_error err;
    cr_error_clear(&err);
    cr_runsort *s = cr_runsort_new(sizeof(rec), chunk, "/tmp", &err);
    CHECK(s != NULL, "%s: created", name);
    if (!s)
        return;
    uint64_t key_sum = 0;
    for (size_t i = 0; i < n; i++) {
        rec *r = cr_runsort_push(s, &err);
        if (!r)
            break;
        r->key = rng() & mask;
        r->seq = i;
        key_sum += r->key;
    }
    CHECK_INT((long)cr_runsort_count(s), (long)n, "%s: all pushed", name);
    CHECK(cr_runsort_finish(s, &err) == 0, "%s: finished (%s)", name, err.message);
    CHECK_INT((long)cr_runsort_runs(s), (long)want_runs, "%s: run files", name);
    size_t got = 0, out_of_order = 0;
    uint64_t got_sum = 0;
    rec last = {0, 0};
    const rec *r;
    unsigned char *seen = calloc(n ? n : 1, 1);
    size_t repeats = 0;
    while ((r = cr_runsort_next(s, &err)) != NULL) {
        if (got && (r->key < last.key || (r->key == last.key && r->seq < last.seq)))
            out_of_order++;
        if (r->seq < n && seen[r->seq]++)
            repeats++;
        got_sum += r->key;
        last = *r;
        got++;
    }
    CHECK_INT(err.code, 0, "%s: no read error", name);
    CHECK_INT((long)got, (long)n, "%s: every record back", name);
    CHECK_INT((long)repeats, 0, "%s: none twice", name);
    CHECK(got_sum == key_sum, "%s: same keys", name);
    CHECK_INT((long)out_of_order, 0, "%s: key order, equal keys in push order", name);
    CHECK(cr_runsort_next(s, &err) == NULL, "%s: stays at the end", name);
    free(seen);
    cr_runsort_free(s);
}

static void test_runsort(void)
{
    sort_case("empty", 0, 64, 0xff, 0);
    sort_case("one record", 1, 64, 0xff, 0);
    sort_case("in memory", 5000, 8192, 0xfffff, 0);
    sort_case("many equal keys, spilled", 20000, 1000, 0x7, 20);
    sort_case("partial last chunk", 2500, 1000, 0xffffffff, 3);
    sort_case("64-bit keys", 30000, 4096, ~0ULL, 8);
    sort_case("more runs than the window allows", 3000, 10, 0xffff, 300);

    cr_error err;
    cr_error_clear(&err);
    CHECK(cr_runsort_new(12, 10, "/tmp", &err) == NULL && err.code == EX_SOFTWARE,
          "record size not a multiple of 8 refused");
    cr_error_clear(&err);
    cr_runsort *s = cr_runsort_new(sizeof(rec), 2, "/nonexistent/dir", &err);
    bool failed = false;
    for (int i = 0; i < 5 && !failed; i++) {
        rec *r = cr_runsort_push(s, &err);
        failed = r == NULL;
        if (r)
            *r = (rec){(uint64_t)(5 - i), (uint64_t)i};
    }
    CHECK(failed && err.code == EX_CANTCREAT && strstr(err.file, "/nonexistent/dir"),
          "an unwritable spill directory is an error naming it (%s)", err.file);
    cr_runsort_free(s);
}

static void test_strdict(void)
{
    cr_strdict *d = cr_strdict_new();
    char key[32];
    long bad = 0;
    for (int i = 0; i < 100000; i++) {
        int len = snprintf(key, sizeof key, "SN%07d", i * 7);
        if (cr_strdict_add(d, key, (size_t)len, i * 3) != i)
            bad++;
    }
    CHECK_INT(bad, 0, "100000 keys numbered in order");
    CHECK_INT((long)cr_strdict_count(d), 100000, "count");
    long wrong = 0;
    for (int i = 0; i < 100000; i++) {
        int len = snprintf(key, sizeof key, "SN%07d", i * 7);
        long e = cr_strdict_find(d, key, (size_t)len);
        if (e != i || cr_strdict_value(d, e) != i * 3 || strcmp(cr_strdict_key(d, e), key) != 0)
            wrong++;
        len = snprintf(key, sizeof key, "SN%07d", i * 7 + 1);
        if (cr_strdict_find(d, key, (size_t)len) != -1)
            wrong++;
    }
    CHECK_INT(wrong, 0, "every key found with its value, absent keys not");
    CHECK_INT(cr_strdict_find(d, "SN0000007", 8), -1, "a prefix is another key");
    long e = cr_strdict_add(d, "", 0, -5);
    CHECK(e >= 0 && cr_strdict_find(d, "", 0) == e && cr_strdict_value(d, e) == -5, "empty key");
    CHECK(cr_hash64("abc", 3, 0) != cr_hash64("abc", 3, 1), "seeds give different hashes");
    cr_strdict_free(d);
}

int main(void)
{
    test_runsort();
    test_strdict();
    return unit_exit();
}
