/* unit.h - the smallest test harness: one line per check, tallied by tests/run.sh.
 *
 * CHECK(cond, name-format, ...) prints "PASS name" or "FAIL name (file:line)".
 * A test program returns unit_exit(): non-zero when any check failed.
 */
#ifndef CSMREPORT_UNIT_H
#define CSMREPORT_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failed, unit_passed;

#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (cond) {                                                          \
            unit_passed++;                                                   \
            printf("PASS ");                                                 \
            printf(__VA_ARGS__);                                             \
            printf("\n");                                                    \
        } else {                                                             \
            unit_failed++;                                                   \
            printf("FAIL ");                                                 \
            printf(__VA_ARGS__);                                             \
            printf(" (%s:%d: %s)\n", __FILE__, __LINE__, #cond);             \
        }                                                                    \
    } while (0)

#define CHECK_STR(got, want, ...)                                            \
    do {                                                                     \
        const char *g_ = (got), *w_ = (want);                                \
        int ok_ = (g_ && w_ && strcmp(g_, w_) == 0) || (!g_ && !w_);         \
        CHECK(ok_, __VA_ARGS__);                                             \
        if (!ok_)                                                            \
            printf("     got  '%s'\n     want '%s'\n", g_ ? g_ : "(null)",  \
                   w_ ? w_ : "(null)");                                      \
    } while (0)

#define CHECK_INT(got, want, ...)                                            \
    do {                                                                     \
        long long g_ = (long long)(got), w_ = (long long)(want);             \
        CHECK(g_ == w_, __VA_ARGS__);                                        \
        if (g_ != w_)                                                        \
            printf("     got  %lld\n     want %lld\n", g_, w_);              \
    } while (0)

static inline int unit_exit(void)
{
    fflush(stdout);
    return unit_failed ? 1 : 0;
}

#endif
