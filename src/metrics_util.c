/* metrics_util.c - helpers the metric sections share: percentiles (SPEC 4),
 * exact half-away-from-zero division, and the named queries of the embedded
 * src/sql/metrics_<section>.sql files.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics_internal.h"
#include "csmreport/sqlnamed.h"

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double cr_median(double *v, size_t n)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, compare_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double cr_p90(double *v, size_t n)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, compare_double);
    size_t rank = (9 * n + 9) / 10; /* ceil(0.9 n), in integers */
    return v[rank - 1];
}

int64_t cr_div_round_half_away(cr_int128 a, cr_int128 b)
{
    if (b < 0) {
        a = -a;
        b = -b;
    }
    cr_int128 q = a / b, r = a % b; /* C truncates toward zero */
    if (r < 0)
        r = -r;
    if (2 * r >= b)
        q += a < 0 ? -1 : 1;
    return (int64_t)q;
}

/* ---- named queries: the blocks of the embedded metrics_<section>.sql files ---- */

const char *cr_metrics_sql(const char *name)
{
    char full[128];
    snprintf(full, sizeof full, "metrics_%s", name);
    return cr_sql(full);
}
