/* metrics_util.c - helpers the metric sections share: percentiles (SPEC 4),
 * exact half-away-from-zero division, and the named queries of the embedded
 * src/sql/metrics_<section>.sql files.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmreport/db.h"
#include "metrics_internal.h"
#include "csmreport/sql.h"

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

void cr_metrics_put(cr_json *obj, const char *key, cr_json *v, bool *ok)
{
    if (!cr_json_set(obj, key, v))
        *ok = false;
}

int cr_metrics_asof_inventory(const cr_metrics_ctx *ctx, cr_json *root, const char *section,
                              char date[11], bool *stale, cr_error *err)
{
    const cr_date end = ctx->period.end;
    if (cr_metrics_month_snapshot(ctx, end.year, end.month, end, date, stale, err))
        return 1;
    if (err && err->code)
        return -1;
    char reason[64];
    snprintf(reason, sizeof reason, "%s_reason", section);
    cr_json_set(root, section, cr_json_null());
    cr_json_set(root, reason, cr_json_string("no inventory on or before as-of"));
    return 0;
}
