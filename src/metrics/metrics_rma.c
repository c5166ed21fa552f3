/* metrics_rma.c - the headset RMA rate section (SPEC 5.2): "rma".
 *
 * Poly+ Enterprise sets an annual RMA threshold (5 %) for headsets over the
 * installed base under contract. The year runs from 1 January of as-of's year to
 * the end of as-of, local time. The installed base is the headset agreed count
 * after the true-ups (ctx->trueup, so the trueup section runs first), else the
 * headsets of the as-of inventory. The breach and at-risk tests are exact
 * integer comparisons on micro-percent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmreport/db.h"
#include "metrics_internal.h"

#define MICRO 1000000

typedef struct rma_row {
    char *rma_number;
    char *category;
    char *model;
    bool has_price;
    int64_t price_micros;
} rma_row;

typedef struct rma_list {
    rma_row *rows;
    size_t count;
} rma_list;

typedef struct model_count {
    const char *model;
    int64_t count;
} model_count;

static int64_t pow10_i64(int n)
{
    int64_t p = 1;
    while (n-- > 0)
        p *= 10;
    return p;
}

static char *dup_or_null(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);
    if (copy)
        memcpy(copy, s, n);
    return copy;
}

static void rma_list_free(rma_list *list)
{
    for (size_t k = 0; k < list->count; k++) {
        free(list->rows[k].rma_number);
        free(list->rows[k].category);
        free(list->rows[k].model);
    }
    free(list->rows);
    list->rows = NULL;
    list->count = 0;
}

/* The account's RMAs dated in [start, end], most recent first. */
static int load_rmas(cr_metrics_ctx *ctx, int64_t start, int64_t end, rma_list *out, cr_error *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = cr_sql_cached(ctx->db, "metrics_rma.rmas", err);
    if (!st)
        return cr_error_exit_code(err);
    cr_sql_bind_text(st, ":account", ctx->account->account_id);
    cr_sql_bind_int64(st, ":start", start);
    cr_sql_bind_int64(st, ":end", end);
    int rc, code = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        rma_row *grown = realloc(out->rows, (out->count + 1) * sizeof *grown);
        if (!grown) {
            code = cr_error_nomem(err);
            goto out;
        }
        out->rows = grown;
        rma_row *r = &out->rows[out->count++];
        memset(r, 0, sizeof *r);
        const char *category = cr_db_column_text(st, 2);
        r->rma_number = dup_or_null(cr_db_column_text(st, 0));
        r->category = dup_or_null(category ? category : "unknown");
        r->model = dup_or_null(cr_db_column_text(st, 3));
        r->has_price = sqlite3_column_type(st, 4) != SQLITE_NULL;
        r->price_micros = sqlite3_column_int64(st, 4);
        if (!r->rma_number || !r->category || (cr_db_column_text(st, 3) && !r->model)) {
            code = cr_error_nomem(err);
            goto out;
        }
    }
    if (rc != SQLITE_DONE)
        code = cr_db_fail(ctx->db, rc, "cannot read rmas", err);
out:
    cr_sql_release(st);
    if (code)
        rma_list_free(out);
    return code;
}

/* Headset devices in the as-of inventory; *found is false before the first
 * snapshot. */
static int inventory_headsets(cr_metrics_ctx *ctx, bool *found, int64_t *count, cr_error *err)
{
    char snapshot[11];
    bool stale = false;
    cr_error e;
    cr_error_clear(&e);
    *count = 0;
    *found = cr_metrics_month_snapshot(ctx, ctx->period.end.year, ctx->period.end.month,
                                       ctx->period.end, snapshot, &stale, &e);
    if (!*found) {
        if (e.code) {
            *err = e;
            return e.code;
        }
        return 0;
    }
    sqlite3_stmt *st = cr_sql_cached(ctx->db, "metrics_rma.inventory_headsets", err);
    if (!st)
        return cr_error_exit_code(err);
    cr_sql_bind_text(st, ":account", ctx->account->account_id);
    cr_sql_bind_text(st, ":snapshot", snapshot);
    int rc = sqlite3_step(st);
    int code = 0;
    if (rc == SQLITE_ROW)
        *count = sqlite3_column_int64(st, 0);
    else
        code = cr_db_fail(ctx->db, rc, "cannot count headsets", err);
    cr_sql_release(st);
    return code;
}

static int compare_model_count(const void *a, const void *b)
{
    const model_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->model, y->model);
}

/* [{model, count}] of the headset RMAs, most RMAs first. */
static cr_json *by_model_array(const rma_list *list, bool *ok)
{
    cr_json *array = cr_json_array();
    model_count *counts = calloc(list->count ? list->count : 1, sizeof *counts);
    if (!counts) {
        *ok = false;
        return array;
    }
    size_t n = 0;
    for (size_t k = 0; k < list->count; k++) {
        const rma_row *r = &list->rows[k];
        if (strcmp(r->category, "headset") != 0)
            continue;
        const char *model = r->model ? r->model : "";
        size_t j = 0;
        while (j < n && strcmp(counts[j].model, model) != 0)
            j++;
        if (j == n)
            counts[n++].model = model;
        counts[j].count++;
    }
    qsort(counts, n, sizeof *counts, compare_model_count);
    for (size_t j = 0; j < n; j++) {
        cr_json *item = cr_json_object();
        if (!cr_json_append(array, item)) {
            *ok = false;
            break;
        }
        cr_metrics_put(item, "model", cr_json_string(counts[j].model), ok);
        cr_metrics_put(item, "count", cr_json_int(counts[j].count), ok);
    }
    free(counts);
    return array;
}

int cr_metrics_rma(cr_metrics_ctx *ctx, cr_json *root, cr_error *err)
{
    const cr_subject *acct = ctx->account;
    cr_date as_of = ctx->period.end;
    int year = as_of.year;
    int64_t jan1 = cr_days_from_civil(year, 1, 1);
    int64_t as_of_day = cr_days_from_civil(as_of.year, as_of.month, as_of.day);
    int64_t start_utc = cr_calendar_day_start_utc(ctx->calendar, jan1);
    bool ok = true;
    rma_list list;
    int headset = -1;
    for (int k = 0; k < CR_CATEGORY_COUNT; k++)
        if (strcmp(cr_categories[k], "headset") == 0)
            headset = k;

    /* Installed base and threshold. */
    const char *basis;
    int64_t base = 0, pct_micros = 5 * (int64_t)MICRO;
    if (headset >= 0 && ctx->trueup[headset].has_contract) {
        basis = "contract";
        base = ctx->trueup[headset].agreed_now;
        pct_micros = ctx->trueup[headset].rma_threshold_pct_micros;
    } else {
        bool found = false;
        basis = "inventory";
        int rc = inventory_headsets(ctx, &found, &base, err);
        if (rc)
            return rc;
        if (!found) {
            cr_metrics_put(root, "rma", cr_json_null(), &ok);
            cr_metrics_put(root, "rma_reason", cr_json_string("no headset contract line and no inventory"), &ok);
            return ok ? 0 : cr_error_nomem(err);
        }
    }

    int rc = load_rmas(ctx, start_utc, ctx->end_utc, &list, err);
    if (rc)
        return rc;

    int64_t count = 0;
    for (size_t k = 0; k < list.count; k++)
        if (strcmp(list.rows[k].category, "headset") == 0)
            count++;

    /* 100 x count > pct x base, with pct in micro-percent. */
    bool breach = (cr_int128)100 * MICRO * count > (cr_int128)pct_micros * base;
    /* floor(threshold x base) = floor(pct_micros x base / 10^8). */
    int64_t allowed = (int64_t)((cr_int128)pct_micros * base / ((cr_int128)100 * MICRO));
    int64_t excess = count > allowed ? count - allowed : 0;

    /* Exposure: list prices of the excess_count most recent headset RMAs. */
    cr_int128 exposure_micros = 0;
    const char *missing_price = NULL;
    int64_t taken = 0;
    for (size_t k = 0; k < list.count && taken < excess; k++) {
        const rma_row *r = &list.rows[k];
        if (strcmp(r->category, "headset") != 0)
            continue;
        taken++;
        if (r->has_price)
            exposure_micros += r->price_micros;
        else if (!missing_price)
            missing_price = r->model ? r->model : "";
    }

    int days_in_year = cr_is_leap_year(year) ? 366 : 365;
    int64_t days_elapsed = as_of_day - jan1 + 1;
    double projected = (double)count * days_in_year / (double)days_elapsed;

    cr_json *rma = cr_json_object();
    cr_metrics_put(root, "rma", rma, &ok);
    cr_metrics_put(rma, "year", cr_json_int(year), &ok);
    cr_metrics_put(rma, "category", cr_json_string("headset"), &ok);
    cr_metrics_put(rma, "count", cr_json_int(count), &ok);
    cr_metrics_put(rma, "installed_base", cr_json_int(base), &ok);
    cr_metrics_put(rma, "basis", cr_json_string(basis), &ok);
    if (base > 0) {
        cr_metrics_put(rma, "rate", cr_json_number((double)count / (double)base), &ok);
    } else {
        cr_metrics_put(rma, "rate", cr_json_null(), &ok);
        cr_metrics_put(rma, "rate_reason", cr_json_string("installed base is 0"), &ok);
    }
    cr_metrics_put(rma, "threshold", cr_json_number((double)pct_micros / (100.0 * MICRO)), &ok);
    cr_metrics_put(rma, "breach", base > 0 ? cr_json_bool(breach) : cr_json_null(), &ok);
    cr_metrics_put(rma, "applicable", cr_json_bool(acct->billable), &ok);
    cr_metrics_put(rma, "excess_count", cr_json_int(excess), &ok);
    if (missing_price) {
        cr_metrics_put(rma, "exposure", cr_json_null(), &ok);
        char reason[160];
        snprintf(reason, sizeof reason, "no list price for model '%s'", missing_price);
        cr_metrics_put(rma, "exposure_reason", cr_json_string(reason), &ok);
    } else {
        int digits = acct->currency_digits;
        int64_t minor = cr_div_round_half_away(exposure_micros * pow10_i64(digits), MICRO);
        cr_metrics_put(rma, "exposure", cr_json_money(minor, digits), &ok);
    }
    cr_metrics_put(rma, "projected_count", cr_json_number(projected), &ok);
    if (base > 0) {
        /* projected_rate > threshold, exactly:
         * count x days_in_year / days_elapsed / base > pct / 100. */
        bool over = (cr_int128)100 * MICRO * count * days_in_year >
                    (cr_int128)pct_micros * base * days_elapsed;
        cr_metrics_put(rma, "projected_rate", cr_json_number(projected / (double)base), &ok);
        cr_metrics_put(rma, "at_risk", cr_json_bool(!breach && over), &ok);
    } else {
        cr_metrics_put(rma, "projected_rate", cr_json_null(), &ok);
        cr_metrics_put(rma, "at_risk", cr_json_null(), &ok);
    }
    cr_metrics_put(rma, "by_model", by_model_array(&list, &ok), &ok);
    cr_json *others = cr_json_object();
    cr_metrics_put(rma, "other_categories", others, &ok);
    for (int k = 0; k < CR_CATEGORY_COUNT; k++) {
        if (k == headset)
            continue;
        int64_t n = 0;
        for (size_t j = 0; j < list.count; j++)
            if (strcmp(list.rows[j].category, cr_categories[k]) == 0)
                n++;
        cr_metrics_put(others, cr_categories[k], cr_json_int(n), &ok);
    }
    if (base == 0)
        cr_metrics_put(root, "rma_reason", cr_json_string("installed base is 0"), &ok);

    rma_list_free(&list);
    return ok ? 0 : cr_error_nomem(err);
}
