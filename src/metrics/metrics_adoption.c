/* metrics_adoption.c - adoption (SPEC 5.1): deployed and active devices of the
 * last month's inventory, by month (each month with its own inventory, stale as
 * in SPEC 4), by category, by site, and the call minutes of deployed devices;
 * each device's "active" for the device list (metrics_devices.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmreport/db.h"
#include "metrics_internal.h"

typedef struct tally {
    int64_t deployed, active, minutes;
} tally;

typedef struct site_tally {
    char *site;
    tally t;
} site_tally;

/* What one inventory with its usage adds up to. */
typedef struct adoption_sums {
    tally all;
    tally category[CR_CATEGORY_COUNT];
    site_tally *sites; /* sorted by site (the query's order) */
    size_t site_count, site_cap;
} adoption_sums;

static void sums_free(adoption_sums *s)
{
    for (size_t k = 0; k < s->site_count; k++)
        free(s->sites[k].site);
    free(s->sites);
    memset(s, 0, sizeof *s);
}

static int category_index(const char *category)
{
    for (int k = 0; k < CR_CATEGORY_COUNT - 1; k++)
        if (category && strcmp(category, cr_categories[k]) == 0)
            return k;
    return CR_CATEGORY_COUNT - 1; /* unknown */
}

static void add(tally *t, bool active, int64_t minutes)
{
    t->deployed++;
    t->active += active;
    t->minutes += minutes;
}

/* Adds a device to its site, the rows arriving ordered by site. */
static int add_site(adoption_sums *s, const char *site, bool active, int64_t minutes, cr_error *err)
{
    if (!s->site_count || strcmp(s->sites[s->site_count - 1].site, site) != 0) {
        if (s->site_count == s->site_cap) {
            size_t cap = s->site_cap ? s->site_cap * 2 : 16;
            site_tally *n = realloc(s->sites, cap * sizeof *n);
            if (!n)
                return cr_error_nomem(err);
            s->sites = n;
            s->site_cap = cap;
        }
        size_t len = strlen(site) + 1;
        char *copy = malloc(len);
        if (!copy)
            return cr_error_nomem(err);
        memcpy(copy, site, len);
        s->sites[s->site_count++] = (site_tally){copy, {0, 0, 0}};
    }
    add(&s->sites[s->site_count - 1].t, active, minutes);
    return 0;
}

/* One inventory device's usage over the period: its minutes and, per month of
 * the period, whether it was active. */
typedef struct device_usage {
    char *serial;
    int64_t minutes;
    char *flags; /* month_count characters '0'/'1' */
} device_usage;

/* The usage of every device of the months' inventories, sorted by serial. */
typedef struct usage_table {
    device_usage *rows;
    size_t count;
    int first_month; /* year * 12 + month - 1 of the period's first month */
    int month_count;
} usage_table;

static void usage_free(usage_table *u)
{
    for (size_t k = 0; k < u->count; k++) {
        free(u->rows[k].serial);
        free(u->rows[k].flags);
    }
    free(u->rows);
    memset(u, 0, sizeof *u);
}

static int compare_serial(const void *a, const void *b)
{
    return strcmp(((const device_usage *)a)->serial, ((const device_usage *)b)->serial);
}

/* The device with this serial, or NULL (usage of serials outside the
 * inventory is never counted). Serials compare as SQL compares text. */
static device_usage *find_device(const usage_table *u, const char *serial)
{
    if (!serial || !u->count)
        return NULL;
    device_usage key = {(char *)serial, 0, NULL};
    return bsearch(&key, u->rows, u->count, sizeof *u->rows, compare_serial);
}

static char *copy_text(const char *s)
{
    size_t len = strlen(s) + 1;
    char *c = malloc(len);
    if (c)
        memcpy(c, s, len);
    return c;
}

/* Adds "MINUTES FLAGS" (cr_month_activity) to a device; false when malformed. */
static bool add_activity(device_usage *d, const char *text, int month_count)
{
    char *end;
    long long minutes = strtoll(text, &end, 10);
    if (end == text || *end != ' ' || strlen(end + 1) != (size_t)month_count)
        return false;
    d->minutes += minutes;
    for (int k = 0; k < month_count; k++)
        if (end[1 + k] == '1')
            d->flags[k] = '1';
    return true;
}

/* Reads the usage of the devices of snapshots lo..hi over the period, then the
 * days of per-call records without a usage row. */
static int load_usage(cr_metrics_ctx *ctx, const char *lo, const char *hi, usage_table *u,
                      cr_error *err)
{
    const cr_period *p = &ctx->period;
    char from[11], to[11];
    cr_date_format(p->start, from);
    cr_date_format(p->end, to);
    u->first_month = p->start.year * 12 + p->start.month - 1;
    u->month_count = cr_period_months(p);
    bool whole_months = p->start.day == 1 && p->end.day == cr_days_in_month(p->end.year, p->end.month);
    sqlite3_stmt *st = cr_sql_cached(
        ctx->db, whole_months && !ctx->options.daily_usage ? "metrics_adoption.usage_months" : "metrics_adoption.usage", err);
    if (!st)
        return cr_error_exit_code(err);
    sqlite3_bind_text(st, 1, ctx->account->account_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, lo, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, hi, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, to, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, u->first_month);
    sqlite3_bind_int(st, 7, u->month_count);
    size_t cap = 0;
    int rc, status = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (u->count == cap) {
            cap = cap ? cap * 2 : 256;
            device_usage *grown = realloc(u->rows, cap * sizeof *grown);
            if (!grown) {
                status = cr_error_nomem(err);
                break;
            }
            u->rows = grown;
        }
        const char *serial = (const char *)sqlite3_column_text(st, 0);
        const char *activity = (const char *)sqlite3_column_text(st, 1);
        device_usage *d = &u->rows[u->count];
        d->serial = copy_text(serial ? serial : "");
        d->minutes = 0;
        d->flags = malloc((size_t)u->month_count + 1);
        if (!d->serial || !d->flags) {
            free(d->serial);
            free(d->flags);
            status = cr_error_nomem(err);
            break;
        }
        memset(d->flags, '0', (size_t)u->month_count);
        d->flags[u->month_count] = '\0';
        u->count++;
        if (activity && !add_activity(d, activity, u->month_count)) {
            status = cr_error_set(err, EX_SOFTWARE, NULL, 0, 0, "bad usage summary '%s'", activity);
            break;
        }
    }
    if (!status && rc != SQLITE_DONE)
        status = cr_db_fail(ctx->db, rc, "cannot compute adoption", err);
    cr_sql_release(st);
    if (status)
        return status;
    qsort(u->rows, u->count, sizeof *u->rows, compare_serial);

    st = cr_sql_cached(ctx->db, "metrics_adoption.call_days", err);
    if (!st)
        return cr_error_exit_code(err);
    sqlite3_bind_text(st, 1, ctx->account->account_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        device_usage *d = find_device(u, (const char *)sqlite3_column_text(st, 0));
        if (!d)
            continue;
        d->minutes += sqlite3_column_int64(st, 3);
        const char *date = (const char *)sqlite3_column_text(st, 1);
        cr_date day;
        if (sqlite3_column_int(st, 2) && date && cr_date_parse(date, strlen(date), &day)) {
            int k = day.year * 12 + day.month - 1 - u->first_month;
            if (k >= 0 && k < u->month_count)
                d->flags[k] = '1';
        }
    }
    if (rc != SQLITE_DONE)
        status = cr_db_fail(ctx->db, rc, "cannot compute adoption", err);
    cr_sql_release(st);
    return status;
}

static bool active_in_period(const device_usage *d)
{
    return d && strchr(d->flags, '1') != NULL;
}

/* Sums the devices of the snapshot (the period end's inventory) with their
 * usage over the period, by category and by site. */
static int sum_inventory(cr_metrics_ctx *ctx, const char *snapshot, const usage_table *u,
                         adoption_sums *s, cr_error *err)
{
    sqlite3_stmt *st = cr_sql_cached(ctx->db, "metrics_adoption.inventory", err);
    if (!st)
        return cr_error_exit_code(err);
    sqlite3_bind_text(st, 1, ctx->account->account_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, snapshot, -1, SQLITE_STATIC);
    int rc, status = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *serial = (const char *)sqlite3_column_text(st, 0);
        const device_usage *d = find_device(u, serial);
        const char *category = (const char *)sqlite3_column_text(st, 1);
        const char *site = (const char *)sqlite3_column_text(st, 2);
        bool active = active_in_period(d);
        cr_metrics_device *listed = cr_metrics_device_find(ctx, serial);
        if (listed)
            listed->active = active;
        int64_t minutes = d ? d->minutes : 0;
        add(&s->all, active, minutes);
        add(&s->category[category_index(category)], active, minutes);
        if ((status = add_site(s, site ? site : "", active, minutes, err)) != 0)
            break;
    }
    if (!status && rc != SQLITE_DONE)
        status = cr_db_fail(ctx->db, rc, "cannot compute adoption", err);
    cr_sql_release(st);
    return status;
}

/* Month k of the period: its inventory snapshot and what it adds up to. */
typedef struct month_sums {
    bool has_snapshot, stale;
    char snapshot[11];
    int64_t deployed, active;
} month_sums;

/* Counts each month's inventory devices and those active in that month; the
 * months' snapshots lie within lo..hi. */
static int sum_months(cr_metrics_ctx *ctx, const char *lo, const char *hi, const usage_table *u,
                      month_sums *months, cr_error *err)
{
    sqlite3_stmt *st = cr_sql_cached(ctx->db, "metrics_adoption.month_devices", err);
    if (!st)
        return cr_error_exit_code(err);
    sqlite3_bind_text(st, 1, ctx->account->account_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, lo, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, hi, -1, SQLITE_STATIC);
    int *of_snapshot = malloc((size_t)u->month_count * sizeof *of_snapshot);
    if (!of_snapshot) {
        cr_sql_release(st);
        return cr_error_nomem(err);
    }
    char current[11] = ""; /* the snapshot of the rows being read */
    int n = 0;             /* the months whose inventory it is: of_snapshot[0..n) */
    int rc, status = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *date = (const char *)sqlite3_column_text(st, 0);
        if (!date || strlen(date) != 10)
            continue; /* never a month's inventory */
        if (strcmp(date, current) != 0) {
            memcpy(current, date, 11);
            n = 0;
            for (int k = 0; k < u->month_count; k++)
                if (months[k].has_snapshot && strcmp(months[k].snapshot, current) == 0)
                    of_snapshot[n++] = k;
        }
        if (!n)
            continue;
        const device_usage *d = find_device(u, (const char *)sqlite3_column_text(st, 1));
        for (int j = 0; j < n; j++) {
            month_sums *m = &months[of_snapshot[j]];
            m->deployed++;
            m->active += d && d->flags[of_snapshot[j]] == '1';
        }
    }
    if (rc != SQLITE_DONE)
        status = cr_db_fail(ctx->db, rc, "cannot compute adoption", err);
    free(of_snapshot);
    cr_sql_release(st);
    return status;
}

static cr_json *rate(int64_t num, int64_t den)
{
    return den ? cr_json_number((double)num / (double)den) : cr_json_null();
}

static void set_counts(cr_json *o, const tally *t)
{
    cr_json_set(o, "deployed", cr_json_int(t->deployed));
    cr_json_set(o, "active", cr_json_int(t->active));
    cr_json_set(o, "rate", rate(t->active, t->deployed));
}

/* One by_month row: month y-m of P with its own inventory and its usage in P. */
static void month_row(int y, int m, const month_sums *sums, cr_json *by_month)
{
    cr_json *row = cr_json_append(by_month, cr_json_object());
    char month[16];
    snprintf(month, sizeof month, "%04d-%02d", y, m);
    cr_json_set(row, "month", cr_json_string(month));
    if (!sums->has_snapshot) {
        cr_json_set(row, "deployed", cr_json_null());
        cr_json_set(row, "deployed_reason", cr_json_string("no inventory yet"));
        cr_json_set(row, "active", cr_json_null());
        cr_json_set(row, "rate", cr_json_null());
        cr_json_set(row, "stale", cr_json_bool(false));
        return;
    }
    tally t = {sums->deployed, sums->active, 0};
    set_counts(row, &t);
    cr_json_set(row, "stale", cr_json_bool(sums->stale));
    cr_json_set(row, "snapshot_date", cr_json_string(sums->snapshot));
}

int cr_metrics_adoption(cr_metrics_ctx *ctx, cr_json *root, cr_error *err)
{
    const cr_period *p = &ctx->period;
    char snapshot[11];
    bool stale = false;
    cr_error_clear(err);
    /* No snapshot on or before as-of: no month of P has an inventory either. */
    int found = cr_metrics_asof_inventory(ctx, root, "adoption", snapshot, &stale, err);
    if (found <= 0)
        return found < 0 ? err->code : 0;
    /* Each month's inventory (SPEC 4); they span lo..hi, the last one the
     * period end's. */
    int month_count = cr_period_months(p);
    month_sums *months = calloc((size_t)month_count, sizeof *months);
    if (!months)
        return cr_error_nomem(err);
    char lo[11], hi[11];
    memcpy(lo, snapshot, 11);
    memcpy(hi, snapshot, 11);
    int y = p->start.year, m = p->start.month;
    for (int k = 0; k < month_count; k++) {
        month_sums *ms = &months[k];
        ms->has_snapshot = cr_metrics_month_snapshot(ctx, y, m, p->end, ms->snapshot, &ms->stale, err);
        if (ms->has_snapshot && strcmp(ms->snapshot, lo) < 0)
            memcpy(lo, ms->snapshot, 11);
        if (ms->has_snapshot && strcmp(ms->snapshot, hi) > 0)
            memcpy(hi, ms->snapshot, 11);
        if (++m > 12) {
            m = 1;
            y++;
        }
    }
    usage_table u = {0};
    adoption_sums s = {0};
    int rc = load_usage(ctx, lo, hi, &u, err);
    if (!rc)
        rc = sum_inventory(ctx, snapshot, &u, &s, err);
    if (!rc)
        rc = sum_months(ctx, lo, hi, &u, months, err);
    usage_free(&u);
    if (rc) {
        sums_free(&s);
        free(months);
        return rc;
    }
    cr_json *a = cr_json_set(root, "adoption", cr_json_object());
    set_counts(a, &s.all);
    cr_json_set(a, "snapshot_date", cr_json_string(snapshot));
    cr_json_set(a, "stale", cr_json_bool(stale));
    cr_json_set(a, "call_minutes", cr_json_int(s.all.minutes));
    /* A ratio, unrounded like the rates (SPEC 4 rounds only hours and display). */
    cr_json_set(a, "minutes_per_active_device",
                s.all.active ? cr_json_number((double)s.all.minutes / (double)s.all.active)
                             : cr_json_null());

    cr_json *by_month = cr_json_set(a, "by_month", cr_json_array());
    y = p->start.year;
    m = p->start.month;
    for (int k = 0; k < month_count; k++) {
        month_row(y, m, &months[k], by_month);
        if (++m > 12) {
            m = 1;
            y++;
        }
    }
    free(months);

    cr_json *by_category = cr_json_set(a, "by_category", cr_json_object());
    for (int k = 0; k < CR_CATEGORY_COUNT; k++)
        set_counts(cr_json_set(by_category, cr_categories[k], cr_json_object()), &s.category[k]);

    cr_json *by_site = cr_json_set(a, "by_site", cr_json_array());
    for (size_t k = 0; k < s.site_count; k++) {
        cr_json *row = cr_json_append(by_site, cr_json_object());
        cr_json_set(row, "site", cr_json_string(s.sites[k].site));
        set_counts(row, &s.sites[k].t);
        cr_json_set(row, "call_minutes", cr_json_int(s.sites[k].t.minutes));
    }
    sums_free(&s);
    return 0;
}
