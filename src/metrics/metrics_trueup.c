/* metrics_trueup.c - the true-up section (SPEC 5.4): "trueup", "trueup_summary"
 * and "billable".
 *
 * Per contract category, N starts at agreed_count and every month from the month
 * of term_start through the month of as-of (never past the month of term_end) is
 * checked against the month's inventory: an increase of trueup_pct or more
 * triggers a true-up, charged pro rata to the end of the term, and N becomes the
 * new count. Every comparison and every charge is exact integer arithmetic on
 * micro-units (money) and micro-percent (percentages). The state at as-of is
 * left in ctx->trueup for the rma section's installed base.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmreport/db.h"
#include "metrics_internal.h"

#define MICRO 1000000

typedef struct contract_line {
    char category[16];
    int64_t agreed;
    bool has_price;
    int64_t price_micros;      /* annual unit price, currency micro-units */
    int64_t pct_micros;        /* trueup_pct, micro-percent */
    int64_t rma_pct_micros;
} contract_line;

/* One month of the walk: its inventory snapshot, shared by every category. */
typedef struct walk_month {
    int year, month;
    bool has_snapshot, stale;
    char snapshot[11];
    char month_end[11];
} walk_month;

/* One category's running totals. */
typedef struct walk_total {
    int64_t n;                 /* agreed count in effect */
    bool has_actual;
    int64_t actual;            /* M of the last month walked */
    int64_t events, added;
    int64_t charge_minor;
    bool charge_unknown;       /* a true-up without a price */
} walk_total;

static int64_t pow10_i64(int n)
{
    int64_t p = 1;
    while (n-- > 0)
        p *= 10;
    return p;
}

static int month_index(int year, int month)
{
    return year * 12 + (month - 1);
}

static int category_index(const char *category)
{
    for (int k = 0; k < CR_CATEGORY_COUNT; k++)
        if (strcmp(cr_categories[k], category) == 0)
            return k;
    return -1;
}

/* Adds v under key; remembers an allocation failure in *ok (v is freed then). */
/* Baseline N x (1 + pct/100) in hundredths, half away from zero. */
static int64_t baseline_hundredths(int64_t n, int64_t pct_micros)
{
    return cr_div_round_half_away((cr_int128)n * (100 * (cr_int128)MICRO + pct_micros), MICRO);
}

/* 100 x (M - N) >= pct x N, pct in micro-percent; with N = 0 any device triggers.
 * M > N is required too: "an increase" (it only matters for a trueup_pct of 0). */
static bool is_triggered(int64_t m, int64_t n, int64_t pct_micros)
{
    if (m <= n)
        return false;
    if (n == 0)
        return true;
    return (cr_int128)100 * MICRO * (m - n) >= (cr_int128)pct_micros * n;
}

/* added x annual price x months / 12, in minor units of the currency. */
static int64_t charge_minor(int64_t added, int64_t price_micros, int months, int digits)
{
    cr_int128 num = (cr_int128)added * price_micros * months * pow10_i64(digits);
    return cr_div_round_half_away(num, (cr_int128)12 * MICRO);
}

static int load_contracts(cr_metrics_ctx *ctx, contract_line **out, size_t *count, cr_error *err)
{
    *out = NULL;
    *count = 0;
    sqlite3_stmt *st = cr_sql_cached(ctx->db, "metrics_trueup.contracts", err);
    if (!st)
        return cr_error_exit_code(err);
    cr_sql_bind_text(st, ":account", ctx->account->account_id);
    contract_line *lines = NULL;
    size_t n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        contract_line *grown = realloc(lines, (n + 1) * sizeof *lines);
        if (!grown) {
            free(lines);
            cr_sql_release(st);
            return cr_error_nomem(err);
        }
        lines = grown;
        contract_line *c = &lines[n++];
        memset(c, 0, sizeof *c);
        const char *cat = cr_db_column_text(st, 0);
        snprintf(c->category, sizeof c->category, "%s", cat ? cat : "");
        c->agreed = sqlite3_column_int64(st, 1);
        c->has_price = sqlite3_column_type(st, 2) != SQLITE_NULL;
        c->price_micros = sqlite3_column_int64(st, 2);
        c->pct_micros = sqlite3_column_int64(st, 3);
        c->rma_pct_micros = sqlite3_column_int64(st, 4);
    }
    if (rc != SQLITE_DONE) {
        free(lines);
        int code = cr_db_fail(ctx->db, rc, "cannot read contracts", err);
        cr_sql_release(st);
        return code;
    }
    cr_sql_release(st);
    *out = lines;
    *count = n;
    return 0;
}

/* The months of the walk with their snapshots: month of term_start through
 * min(month of as-of, month of term_end). */
static int load_months(cr_metrics_ctx *ctx, walk_month **out, size_t *count, cr_error *err)
{
    *out = NULL;
    *count = 0;
    cr_date as_of = ctx->period.end;
    int first = month_index(ctx->account->term_start.year, ctx->account->term_start.month);
    int last = month_index(as_of.year, as_of.month);
    int term_last = month_index(ctx->account->term_end.year, ctx->account->term_end.month);
    if (term_last < last)
        last = term_last;
    if (last < first)
        return 0;
    walk_month *months = calloc((size_t)(last - first + 1), sizeof *months);
    if (!months)
        return cr_error_nomem(err);
    size_t n = 0;
    for (int k = first; k <= last; k++) {
        walk_month *w = &months[n++];
        w->year = k / 12;
        w->month = k % 12 + 1;
        cr_date end = {w->year, w->month, cr_days_in_month(w->year, w->month)};
        cr_date_format(end, w->month_end);
        cr_error e;
        cr_error_clear(&e);
        w->has_snapshot = cr_metrics_month_snapshot(ctx, w->year, w->month, as_of,
                                                    w->snapshot, &w->stale, &e);
        if (!w->has_snapshot && e.code) {
            *err = e;
            free(months);
            return e.code;
        }
    }
    *out = months;
    *count = n;
    return 0;
}

/* Devices of one snapshot, category and end-of-service date. */
typedef struct snapshot_count {
    char *snapshot, *category, *eos_date; /* eos_date NULL: no EOS date */
    int64_t count;
} snapshot_count;

typedef struct snapshot_counts {
    snapshot_count *rows;
    size_t count;
} snapshot_counts;

static void counts_free(snapshot_counts *c)
{
    for (size_t k = 0; k < c->count; k++) {
        free(c->rows[k].snapshot);
        free(c->rows[k].category);
        free(c->rows[k].eos_date);
    }
    free(c->rows);
    memset(c, 0, sizeof *c);
}

static char *column_copy(sqlite3_stmt *st, int col)
{
    const char *s = cr_db_column_text(st, col);
    if (!s)
        return NULL;
    size_t len = strlen(s) + 1;
    char *c = malloc(len);
    if (c)
        memcpy(c, s, len);
    return c;
}

/* Reads the device counts of every snapshot the walk's months use. */
static int load_counts(cr_metrics_ctx *ctx, const walk_month *months, size_t month_count,
                       snapshot_counts *out, cr_error *err)
{
    const char *first = NULL, *last = NULL;
    for (size_t k = 0; k < month_count; k++) {
        if (!months[k].has_snapshot)
            continue;
        if (!first || strcmp(months[k].snapshot, first) < 0)
            first = months[k].snapshot;
        if (!last || strcmp(months[k].snapshot, last) > 0)
            last = months[k].snapshot;
    }
    if (!first)
        return 0;
    sqlite3_stmt *st = cr_sql_cached(ctx->db, "metrics_trueup.snapshot_counts", err);
    if (!st)
        return cr_error_exit_code(err);
    cr_sql_bind_text(st, ":account", ctx->account->account_id);
    cr_sql_bind_text(st, ":first", first);
    cr_sql_bind_text(st, ":last", last);
    size_t cap = 0;
    int rc, status = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->count == cap) {
            cap = cap ? cap * 2 : 64;
            snapshot_count *grown = realloc(out->rows, cap * sizeof *grown);
            if (!grown) {
                status = cr_error_nomem(err);
                break;
            }
            out->rows = grown;
        }
        snapshot_count *c = &out->rows[out->count++];
        c->snapshot = column_copy(st, 0);
        c->category = column_copy(st, 1);
        c->eos_date = column_copy(st, 2);
        c->count = sqlite3_column_int64(st, 3);
        if (!c->snapshot || !c->category ||
            (!c->eos_date && sqlite3_column_type(st, 2) != SQLITE_NULL)) {
            status = cr_error_nomem(err);
            break;
        }
    }
    if (!status && rc != SQLITE_DONE)
        status = cr_db_fail(ctx->db, rc, "cannot count devices", err);
    cr_sql_release(st);
    return status;
}

/* M and the EOS count of one category in one snapshot: its devices still in
 * service at the end of the month (no EOS date or one after month_end), and
 * the end-of-service ones (dates compared as text, as SQL does). */
static void month_counts(const snapshot_counts *counts, const char *category, const walk_month *w,
                         int64_t *m, int64_t *eos)
{
    *m = 0;
    *eos = 0;
    for (size_t k = 0; k < counts->count; k++) {
        const snapshot_count *c = &counts->rows[k];
        if (strcmp(c->snapshot, w->snapshot) != 0 || strcmp(c->category, category) != 0)
            continue;
        if (!c->eos_date || strcmp(c->eos_date, w->month_end) > 0)
            *m += c->count;
        else
            *eos += c->count;
    }
}

/* Walks one contract line, appending its rows to rows. */
static int walk_category(cr_metrics_ctx *ctx, const contract_line *c, const walk_month *months,
                         size_t month_count, const snapshot_counts *counts, cr_json *rows,
                         walk_total *t, bool *ok, cr_error *err)
{
    int digits = ctx->account->currency_digits;
    int term_last = month_index(ctx->account->term_end.year, ctx->account->term_end.month);
    memset(t, 0, sizeof *t);
    t->n = c->agreed;
    for (size_t k = 0; k < month_count; k++) {
        const walk_month *w = &months[k];
        if (!w->has_snapshot)
            continue; /* before the first snapshot: no inventory to check */
        int64_t m = 0, eos = 0;
        month_counts(counts, c->category, w, &m, &eos);
        int64_t n = t->n;
        bool triggered = is_triggered(m, n, c->pct_micros);
        char label[8]; /* "YYYY-MM" of the month's last day */
        memcpy(label, w->month_end, 7);
        label[7] = '\0';

        cr_json *row = cr_json_object();
        if (!cr_json_append(rows, row)) {
            *ok = false;
            return 0;
        }
        cr_metrics_put(row, "category", cr_json_string(c->category), ok);
        cr_metrics_put(row, "month", cr_json_string(label), ok);
        cr_metrics_put(row, "agreed", cr_json_int(n), ok);
        cr_metrics_put(row, "baseline", cr_json_money(baseline_hundredths(n, c->pct_micros), 2), ok);
        cr_metrics_put(row, "actual", cr_json_int(m), ok);
        cr_metrics_put(row, "eos", cr_json_int(eos), ok);
        cr_metrics_put(row, "increase_pct",
            n ? cr_json_number(100.0 * (double)(m - n) / (double)n) : cr_json_null(), ok);
        cr_metrics_put(row, "triggered", cr_json_bool(triggered), ok);
        if (triggered) {
            int64_t added = m - n;
            int months_remaining = term_last - month_index(w->year, w->month) + 1;
            cr_metrics_put(row, "added", cr_json_int(added), ok);
            cr_metrics_put(row, "months_remaining", cr_json_int(months_remaining), ok);
            if (c->has_price) {
                int64_t charge = charge_minor(added, c->price_micros, months_remaining, digits);
                cr_metrics_put(row, "charge", cr_json_money(charge, digits), ok);
                t->charge_minor += charge;
            } else {
                cr_metrics_put(row, "charge", cr_json_null(), ok);
                t->charge_unknown = true;
            }
            t->events++;
            t->added += added;
            t->n = m; /* the new baseline is the new total plus trueup_pct */
        } else {
            cr_metrics_put(row, "added", cr_json_int(0), ok);
            cr_metrics_put(row, "months_remaining", cr_json_null(), ok);
            cr_metrics_put(row, "charge", cr_json_money(0, digits), ok);
        }
        cr_metrics_put(row, "stale", cr_json_bool(w->stale), ok);
        t->has_actual = true;
        t->actual = m;
    }
    return 0;
}

static cr_json *summary_object(const cr_metrics_ctx *ctx, const contract_line *c,
                               const walk_total *t, bool *ok)
{
    cr_json *s = cr_json_object();
    cr_metrics_put(s, "agreed_now", cr_json_int(t->n), ok);
    cr_metrics_put(s, "baseline_now", cr_json_money(baseline_hundredths(t->n, c->pct_micros), 2), ok);
    cr_metrics_put(s, "actual_now", t->has_actual ? cr_json_int(t->actual) : cr_json_null(), ok);
    if (!t->has_actual)
        cr_metrics_put(s, "actual_now_reason", cr_json_string("no inventory snapshot in the term up to as-of"), ok);
    cr_metrics_put(s, "events", cr_json_int(t->events), ok);
    cr_metrics_put(s, "added_total", cr_json_int(t->added), ok);
    cr_metrics_put(s, "charge_total", t->charge_unknown ? cr_json_null()
                                             : cr_json_money(t->charge_minor, ctx->account->currency_digits), ok);
    if (t->charge_unknown)
        cr_metrics_put(s, "charge_total_reason", cr_json_string("no annual_unit_price on the contract line"), ok);
    return s;
}

int cr_metrics_trueup(cr_metrics_ctx *ctx, cr_json *root, cr_error *err)
{
    contract_line *lines = NULL;
    walk_month *months = NULL;
    size_t line_count = 0, month_count = 0;
    snapshot_counts counts = {0};
    bool ok = true;
    int rc;

    for (int k = 0; k < CR_CATEGORY_COUNT; k++)
        memset(&ctx->trueup[k], 0, sizeof ctx->trueup[k]);

    cr_json *rows = cr_json_array();
    cr_json *summary = cr_json_object();
    cr_metrics_put(root, "trueup", rows, &ok);
    cr_metrics_put(root, "trueup_summary", summary, &ok);
    cr_metrics_put(root, "billable", cr_json_bool(ctx->account->billable), &ok);
    if (!ok)
        return cr_error_nomem(err);

    rc = load_contracts(ctx, &lines, &line_count, err);
    if (rc)
        return rc;
    if (line_count == 0) {
        cr_metrics_put(root, "trueup_reason", cr_json_string("no contract lines"), &ok);
        cr_metrics_put(root, "trueup_summary_reason", cr_json_string("no contract lines"), &ok);
        goto out;
    }
    rc = load_months(ctx, &months, &month_count, err);
    if (rc)
        goto out_free;
    rc = load_counts(ctx, months, month_count, &counts, err);
    if (rc)
        goto out_free;
    for (size_t k = 0; k < line_count && ok; k++) {
        const contract_line *c = &lines[k];
        walk_total t;
        rc = walk_category(ctx, c, months, month_count, &counts, rows, &t, &ok, err);
        if (rc)
            goto out_free;
        cr_metrics_put(summary, c->category, summary_object(ctx, c, &t, &ok), &ok);
        int index = category_index(c->category);
        if (index >= 0) {
            ctx->trueup[index].has_contract = true;
            ctx->trueup[index].agreed_now = t.n;
            ctx->trueup[index].rma_threshold_pct_micros = c->rma_pct_micros;
        }
    }
out:
    rc = ok ? 0 : cr_error_nomem(err);
out_free:
    counts_free(&counts);
    free(months);
    free(lines);
    return rc;
}
