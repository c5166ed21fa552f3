/* metrics_adoption.c - adoption (SPEC 5.1): deployed and active devices of the
 * last month's inventory, by month (each month with its own inventory, stale as
 * in SPEC 4), by category, by site, and the call minutes of deployed devices.
 */
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
                return cr_error_set(err, EX_OSERR, NULL, 0, 0, "out of memory");
            s->sites = n;
            s->site_cap = cap;
        }
        size_t len = strlen(site) + 1;
        char *copy = malloc(len);
        if (!copy)
            return cr_error_set(err, EX_OSERR, NULL, 0, 0, "out of memory");
        memcpy(copy, site, len);
        s->sites[s->site_count++] = (site_tally){copy, {0, 0, 0}};
    }
    add(&s->sites[s->site_count - 1].t, active, minutes);
    return 0;
}

/* Sums the snapshot's devices with their usage from `from` to `to` (dates). */
static int sum_inventory(cr_metrics_ctx *ctx, const char *snapshot, const char *from,
                         const char *to, bool with_sites, adoption_sums *s, cr_error *err)
{
    const char *sql = cr_metrics_sql("adoption.devices");
    if (!sql)
        return cr_error_set(err, EX_SOFTWARE, NULL, 0, 0, "query adoption.devices is missing");
    sqlite3_stmt *st = cr_db_prepare(ctx->db, sql, err);
    if (!st)
        return err ? err->code : EX_SOFTWARE;
    sqlite3_bind_text(st, 1, ctx->account.account_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, snapshot, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, to, -1, SQLITE_STATIC);
    int rc, status = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *category = (const char *)sqlite3_column_text(st, 1);
        const char *site = (const char *)sqlite3_column_text(st, 2);
        bool active = sqlite3_column_int(st, 3) != 0;
        int64_t minutes = sqlite3_column_int64(st, 4);
        add(&s->all, active, minutes);
        add(&s->category[category_index(category)], active, minutes);
        if (with_sites && (status = add_site(s, site ? site : "", active, minutes, err)) != 0)
            break;
    }
    if (!status && rc != SQLITE_DONE)
        status = cr_db_fail(ctx->db, rc, "cannot compute adoption", err);
    sqlite3_finalize(st);
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

/* One by_month row: month m of P with its own inventory and its usage in P. */
static int month_row(cr_metrics_ctx *ctx, int y, int m, cr_json *by_month, cr_error *err)
{
    cr_json *row = cr_json_append(by_month, cr_json_object());
    char month[16], snapshot[11], from[11], to[11];
    snprintf(month, sizeof month, "%04d-%02d", y, m);
    cr_json_set(row, "month", cr_json_string(month));
    bool stale = false;
    cr_error_clear(err);
    if (!cr_metrics_month_snapshot(ctx, y, m, ctx->period.end, snapshot, &stale, err)) {
        if (err && err->code)
            return err->code;
        cr_json_set(row, "deployed", cr_json_null());
        cr_json_set(row, "deployed_reason", cr_json_string("no inventory yet"));
        cr_json_set(row, "active", cr_json_null());
        cr_json_set(row, "rate", cr_json_null());
        cr_json_set(row, "stale", cr_json_bool(false));
        return 0;
    }
    cr_date first = {y, m, 1}, last = {y, m, cr_days_in_month(y, m)};
    if (cr_date_compare(first, ctx->period.start) < 0)
        first = ctx->period.start;
    if (cr_date_compare(last, ctx->period.end) > 0)
        last = ctx->period.end;
    cr_date_format(first, from);
    cr_date_format(last, to);
    adoption_sums s = {0};
    int rc = sum_inventory(ctx, snapshot, from, to, false, &s, err);
    set_counts(row, &s.all);
    cr_json_set(row, "stale", cr_json_bool(stale));
    cr_json_set(row, "snapshot_date", cr_json_string(snapshot));
    sums_free(&s);
    return rc;
}

int cr_metrics_adoption(cr_metrics_ctx *ctx, cr_json *root, cr_error *err)
{
    const cr_period *p = &ctx->period;
    char snapshot[11], from[11], to[11];
    bool stale = false;
    cr_error_clear(err);
    if (!cr_metrics_month_snapshot(ctx, p->end.year, p->end.month, p->end, snapshot, &stale, err)) {
        if (err && err->code)
            return err->code;
        /* No snapshot on or before as-of: no month of P has an inventory either. */
        cr_json_set(root, "adoption", cr_json_null());
        cr_json_set(root, "adoption_reason", cr_json_string("no inventory on or before as-of"));
        return 0;
    }
    cr_date_format(p->start, from);
    cr_date_format(p->end, to);
    adoption_sums s = {0};
    int rc = sum_inventory(ctx, snapshot, from, to, true, &s, err);
    if (rc) {
        sums_free(&s);
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
    int y = p->start.year, m = p->start.month;
    for (int k = 0; !rc && k < cr_period_months(p); k++) {
        rc = month_row(ctx, y, m, by_month, err);
        if (++m > 12) {
            m = 1;
            y++;
        }
    }

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
    return rc;
}
