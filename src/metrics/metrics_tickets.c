/* metrics_tickets.c - service status (SPEC 5.5): tickets opened and closed in P
 * by priority and local month, resolution times, tickets open at the end of
 * as-of with age buckets and escalation breaches, ECPS by cloud partner, and the
 * P1 tickets with their root cause.
 */
#include <stdlib.h>
#include <string.h>

#include "csmreport/db.h"
#include "metrics_internal.h"

#define HOUR 3600
#define DAY 86400

/* A growable list of durations in seconds. */
typedef struct durations {
    double *v;
    size_t n, cap;
} durations;

typedef struct partner {
    char *name;
    int64_t count;
    durations closed;
} partner;

typedef struct ticket_sums {
    int64_t opened, closed;
    int64_t opened_by_priority[4], closed_by_priority[4];
    int64_t *opened_by_month, *closed_by_month; /* one per month of P */
    durations resolution[4];                    /* closed in P, per priority */
    partner *partners;
    size_t partner_count, partner_cap;
} ticket_sums;

static int oom(cr_error *err) { return cr_error_nomem(err); }

static bool push(durations *d, double x)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        double *v = realloc(d->v, cap * sizeof *v);
        if (!v)
            return false;
        d->v = v;
        d->cap = cap;
    }
    d->v[d->n++] = x;
    return true;
}

static void sums_free(ticket_sums *s)
{
    free(s->opened_by_month);
    free(s->closed_by_month);
    for (int k = 0; k < 4; k++)
        free(s->resolution[k].v);
    for (size_t k = 0; k < s->partner_count; k++) {
        free(s->partners[k].name);
        free(s->partners[k].closed.v);
    }
    free(s->partners);
}

static int priority_index(const char *priority)
{
    if (priority && priority[0] == 'P' && priority[1] >= '1' && priority[1] <= '4' && !priority[2])
        return priority[1] - '1';
    return -1; /* the schema allows only P1..P4 */
}

/* Index of the local month of instant utc among the months of P, or -1. */
static int month_index(const cr_metrics_ctx *ctx, int64_t utc)
{
    cr_date d = cr_civil_from_days(cr_calendar_local_day(ctx->calendar, utc));
    int k = (d.year - ctx->period.start.year) * 12 + (d.month - ctx->period.start.month);
    return k >= 0 && k < cr_period_months(&ctx->period) ? k : -1;
}

static partner *find_partner(ticket_sums *s, const char *name)
{
    for (size_t k = 0; k < s->partner_count; k++)
        if (strcmp(s->partners[k].name, name) == 0)
            return &s->partners[k];
    if (s->partner_count == s->partner_cap) {
        size_t cap = s->partner_cap ? s->partner_cap * 2 : 8;
        partner *n = realloc(s->partners, cap * sizeof *n);
        if (!n)
            return NULL;
        s->partners = n;
        s->partner_cap = cap;
    }
    size_t len = strlen(name) + 1;
    char *copy = malloc(len);
    if (!copy)
        return NULL;
    memcpy(copy, name, len);
    partner *p = &s->partners[s->partner_count++];
    *p = (partner){.name = copy};
    return p;
}

/* Prepares a named query bound to the account and up to two instants. */
static sqlite3_stmt *prepare(cr_metrics_ctx *ctx, const char *name, int64_t a, int64_t b,
                             int nbounds, cr_error *err)
{
    sqlite3_stmt *st = cr_sql_cached(ctx->db, name, err);
    if (!st)
        return NULL;
    sqlite3_bind_text(st, 1, ctx->account->account_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, a);
    if (nbounds > 1)
        sqlite3_bind_int64(st, 3, b);
    return st;
}

/* Hours of a duration in seconds, 2 decimals, exact from integer seconds. */
static cr_json *hours_of(int64_t seconds)
{
    return cr_json_money(cr_div_round_half_away((cr_int128)seconds * 100, HOUR), 2);
}

/* Median of durations in seconds as hours with 2 decimals; null when none. */
static cr_json *median_hours(durations *d)
{
    if (!d->n)
        return cr_json_null();
    return cr_json_fixed(cr_median(d->v, d->n) / HOUR, 2);
}

static int scan_opened(cr_metrics_ctx *ctx, ticket_sums *s, cr_json *p1, cr_error *err)
{
    sqlite3_stmt *st = prepare(ctx, "metrics_tickets.opened", ctx->start_utc, ctx->end_utc, 2, err);
    if (!st)
        return cr_error_exit_code(err);
    int rc, status = 0;
    while (!status && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        int pr = priority_index((const char *)sqlite3_column_text(st, 1));
        int64_t opened = sqlite3_column_int64(st, 2);
        bool closed = sqlite3_column_type(st, 3) != SQLITE_NULL;
        int64_t closed_at = sqlite3_column_int64(st, 3);
        const char *cloud = (const char *)sqlite3_column_text(st, 4);
        const char *cause = (const char *)sqlite3_column_text(st, 5);
        s->opened++;
        if (pr >= 0)
            s->opened_by_priority[pr]++;
        int m = month_index(ctx, opened);
        if (m >= 0)
            s->opened_by_month[m]++;
        if (cloud && *cloud) {
            partner *p = find_partner(s, cloud);
            if (!p) {
                status = oom(err);
                break;
            }
            p->count++;
            /* closed as known at the end of as-of */
            if (closed && closed_at <= ctx->end_utc && !push(&p->closed, (double)(closed_at - opened)))
                status = oom(err);
        }
        if (pr == 0) {
            cr_json *row = cr_json_append(p1, cr_json_object());
            cr_json_set(row, "ticket_id", cr_json_string(id));
            cr_json_set(row, "opened_at", cr_json_string((const char *)sqlite3_column_text(st, 6)));
            bool pending = !cause || !*cause;
            cr_json_set(row, "root_cause", pending ? cr_json_null() : cr_json_string(cause));
            cr_json_set(row, "rca_pending", cr_json_bool(pending));
        }
    }
    if (!status && rc != SQLITE_DONE)
        status = cr_db_fail(ctx->db, rc, "cannot read tickets", err);
    cr_sql_release(st);
    return status;
}

static int scan_closed(cr_metrics_ctx *ctx, ticket_sums *s, cr_error *err)
{
    sqlite3_stmt *st = prepare(ctx, "metrics_tickets.closed", ctx->start_utc, ctx->end_utc, 2, err);
    if (!st)
        return cr_error_exit_code(err);
    int rc, status = 0;
    while (!status && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int pr = priority_index((const char *)sqlite3_column_text(st, 1));
        int64_t opened = sqlite3_column_int64(st, 2), closed = sqlite3_column_int64(st, 3);
        s->closed++;
        int m = month_index(ctx, closed);
        if (m >= 0)
            s->closed_by_month[m]++;
        if (pr >= 0) {
            s->closed_by_priority[pr]++;
            if (!push(&s->resolution[pr], (double)(closed - opened)))
                status = oom(err);
        }
    }
    if (!status && rc != SQLITE_DONE)
        status = cr_db_fail(ctx->db, rc, "cannot read tickets", err);
    cr_sql_release(st);
    return status;
}

/* open_at_end and aging_breaches at the end of as-of. */
static int scan_open(cr_metrics_ctx *ctx, cr_json *t, cr_error *err)
{
    static const char *const bucket_names[4] = {"0-2d", "3-7d", "8-30d", ">30d"};
    static const int64_t bucket_limits[3] = {3 * DAY, 8 * DAY, 31 * DAY}; /* age under */
    sqlite3_stmt *st = prepare(ctx, "metrics_tickets.open_at", ctx->end_utc, 0, 1, err);
    if (!st)
        return cr_error_exit_code(err);
    int64_t total = 0, buckets[4] = {0};
    cr_json *breaches = cr_json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *priority = (const char *)sqlite3_column_text(st, 1);
        int pr = priority_index(priority);
        int64_t age = ctx->end_utc - sqlite3_column_int64(st, 2);
        int b = 0;
        while (b < 3 && age >= bucket_limits[b])
            b++;
        buckets[b]++;
        total++;
        if (pr >= 0 && age > ctx->options.escalation_seconds[pr]) {
            cr_json *row = cr_json_append(breaches, cr_json_object());
            cr_json_set(row, "ticket_id", cr_json_string((const char *)sqlite3_column_text(st, 0)));
            cr_json_set(row, "priority", cr_json_string(priority));
            cr_json_set(row, "age_hours", hours_of(age));
        }
    }
    int status = 0;
    if (rc != SQLITE_DONE)
        status = cr_db_fail(ctx->db, rc, "cannot read open tickets", err);
    cr_sql_release(st);
    cr_json *open = cr_json_set(t, "open_at_end", cr_json_object());
    cr_json_set(open, "total", cr_json_int(total));
    for (int k = 0; k < 4; k++)
        cr_json_set(open, bucket_names[k], cr_json_int(buckets[k]));
    cr_json_set(t, "aging_breaches", breaches);
    return status;
}

static cr_json *by_priority(const int64_t v[4])
{
    cr_json *o = cr_json_object();
    static const char *const names[4] = {"P1", "P2", "P3", "P4"};
    for (int k = 0; k < 4; k++)
        cr_json_set(o, names[k], cr_json_int(v[k]));
    return o;
}

static cr_json *by_month(const cr_metrics_ctx *ctx, const int64_t *v)
{
    cr_json *a = cr_json_array();
    int y = ctx->period.start.year, m = ctx->period.start.month;
    for (int k = 0; k < cr_period_months(&ctx->period); k++) {
        char month[16];
        snprintf(month, sizeof month, "%04d-%02d", y, m);
        cr_json *row = cr_json_append(a, cr_json_object());
        cr_json_set(row, "month", cr_json_string(month));
        cr_json_set(row, "count", cr_json_int(v[k]));
        if (++m > 12) {
            m = 1;
            y++;
        }
    }
    return a;
}

static int compare_partner(const void *a, const void *b)
{
    return strcmp(((const partner *)a)->name, ((const partner *)b)->name);
}

int cr_metrics_tickets(cr_metrics_ctx *ctx, cr_json *root, cr_error *err)
{
    static const char *const names[4] = {"P1", "P2", "P3", "P4"};
    ticket_sums s = {0};
    int months = cr_period_months(&ctx->period);
    s.opened_by_month = calloc((size_t)months, sizeof *s.opened_by_month);
    s.closed_by_month = calloc((size_t)months, sizeof *s.closed_by_month);
    if (!s.opened_by_month || !s.closed_by_month) {
        sums_free(&s);
        return oom(err);
    }
    cr_json *p1 = cr_json_array();
    int rc = scan_opened(ctx, &s, p1, err);
    if (!rc)
        rc = scan_closed(ctx, &s, err);
    if (rc) {
        cr_json_free(p1);
        sums_free(&s);
        return rc;
    }

    cr_json *t = cr_json_set(root, "tickets", cr_json_object());
    cr_json_set(t, "opened", cr_json_int(s.opened));
    cr_json_set(t, "closed", cr_json_int(s.closed));
    cr_json_set(t, "opened_by_priority", by_priority(s.opened_by_priority));
    cr_json_set(t, "closed_by_priority", by_priority(s.closed_by_priority));
    cr_json_set(t, "opened_by_month", by_month(ctx, s.opened_by_month));
    cr_json_set(t, "closed_by_month", by_month(ctx, s.closed_by_month));
    cr_json *med = cr_json_set(t, "median_resolution_hours", cr_json_object());
    for (int k = 0; k < 4; k++)
        cr_json_set(med, names[k], median_hours(&s.resolution[k]));

    rc = scan_open(ctx, t, err);

    if (s.partner_count > 1)
        qsort(s.partners, s.partner_count, sizeof *s.partners, compare_partner);
    cr_json *ecps = cr_json_set(t, "ecps", cr_json_array());
    for (size_t k = 0; k < s.partner_count; k++) {
        cr_json *row = cr_json_append(ecps, cr_json_object());
        cr_json_set(row, "cloud_partner", cr_json_string(s.partners[k].name));
        cr_json_set(row, "count", cr_json_int(s.partners[k].count));
        cr_json_set(row, "closed", cr_json_int((int64_t)s.partners[k].closed.n));
        cr_json_set(row, "median_resolution_hours", median_hours(&s.partners[k].closed));
    }
    cr_json_set(t, "p1", p1);
    sums_free(&s);
    return rc;
}
