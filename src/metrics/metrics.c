/* metrics.c - the metrics engine: loads an account (subject.h) and a period
 * into a context (metrics_internal.h), applies the month inventory rule of SPEC section 4, and
 * builds the SPEC 5.8 document by calling each section in turn.
 */
#include <stdlib.h>
#include <string.h>

#include "csmreport/db.h"
#include "metrics_internal.h"

const char *const cr_categories[CR_CATEGORY_COUNT] = {
    "headset", "video", "voice", "infrastructure", "unknown"
};

const int64_t cr_metrics_default_escalation_seconds[4] = {24 * 3600, 72 * 3600, 7 * 86400,
                                                         14 * 86400};

static void free_snapshots(cr_metrics_ctx *ctx)
{
    for (size_t k = 0; k < ctx->snapshot_count; k++)
        free(ctx->snapshots[k]);
    free(ctx->snapshots);
    ctx->snapshots = NULL;
    ctx->snapshot_count = 0;
}

/* Reads the account's snapshot dates into ctx->snapshots. */
static int load_snapshots(cr_metrics_ctx *ctx, cr_error *err)
{
    sqlite3_stmt *st = cr_sql_cached(ctx->db, "metrics_core.snapshots", err);
    if (!st)
        return cr_error_exit_code(err);
    sqlite3_bind_text(st, 1, ctx->account->account_id, -1, SQLITE_STATIC);
    size_t cap = 0;
    int rc, status = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (ctx->snapshot_count == cap) {
            cap = cap ? cap * 2 : 32;
            char **grown = realloc(ctx->snapshots, cap * sizeof *grown);
            if (!grown) {
                status = cr_error_nomem(err);
                break;
            }
            ctx->snapshots = grown;
        }
        char *date = cr_db_column_dup(st, 0, NULL);
        if (!date) {
            status = cr_error_nomem(err);
            break;
        }
        ctx->snapshots[ctx->snapshot_count++] = date;
    }
    if (!status && rc != SQLITE_DONE)
        status = cr_db_fail(ctx->db, rc, "cannot read snapshot dates", err);
    cr_sql_release(st);
    return status;
}

int cr_metrics_ctx_init(cr_metrics_ctx *ctx, sqlite3 *db, const char *account_id,
                        const cr_period *period, const cr_metrics_options *opt, cr_error *err)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->db = db;
    ctx->period = *period;
    int rc = cr_subject_load(db, account_id, &ctx->account, err);
    if (rc)
        return rc;
    rc = load_snapshots(ctx, err);
    if (rc)
        return rc;
    ctx->tz = cr_tz_get(ctx->account->timezone, err);
    if (!ctx->tz)
        return err ? err->code : EX_DATAERR;
    ctx->calendar = cr_calendar_load(db, ctx->account->country, ctx->account->region, ctx->tz, err);
    if (!ctx->calendar)
        return cr_error_exit_code(err);
    ctx->start_day = cr_days_from_civil(period->start.year, period->start.month, period->start.day);
    ctx->end_day = cr_days_from_civil(period->end.year, period->end.month, period->end.day);
    ctx->start_utc = cr_calendar_day_start_utc(ctx->calendar, ctx->start_day);
    ctx->end_utc = cr_calendar_day_end_utc(ctx->calendar, ctx->end_day);
    for (int k = 0; k < 4; k++) {
        int64_t s = opt ? opt->escalation_seconds[k] : 0;
        ctx->options.escalation_seconds[k] = s > 0 ? s : cr_metrics_default_escalation_seconds[k];
    }
    ctx->options.daily_usage = opt && opt->daily_usage;
    ctx->options.device_list = opt && opt->device_list;
    return 0;
}

void cr_metrics_ctx_free(cr_metrics_ctx *ctx)
{
    if (!ctx)
        return;
    cr_subject_free(ctx->account);
    ctx->account = NULL;
    cr_calendar_free(ctx->calendar);
    ctx->calendar = NULL;
    free_snapshots(ctx);
    cr_metrics_devices_free(ctx);
}

/* Runs a one-value date query (account, date1, date2) into date; false when NULL. */
static bool query_date(const cr_metrics_ctx *ctx, const char *name, const char *d1,
                       const char *d2, char date[11], bool *ok, cr_error *err)
{
    *ok = false;
    sqlite3_stmt *st = cr_sql_cached(ctx->db, name, err);
    if (!st)
        return false;
    sqlite3_bind_text(st, 1, ctx->account->account_id, -1, SQLITE_STATIC);
    if (d1)
        sqlite3_bind_text(st, 2, d1, -1, SQLITE_STATIC);
    if (d2)
        sqlite3_bind_text(st, 3, d2, -1, SQLITE_STATIC);
    bool found = false;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(st, 0);
        if (s && strlen(s) == 10) {
            memcpy(date, s, 11);
            found = true;
        }
        *ok = true;
    } else {
        cr_db_fail(ctx->db, rc, name, err);
    }
    cr_sql_release(st);
    return found;
}

/* The latest of ctx->snapshots with low <= date <= high, or with date < low
 * and date <= high when below is set (text order, as SQL compares them); NULL
 * when none is. */
static const char *latest_snapshot(const cr_metrics_ctx *ctx, const char *low, const char *high,
                                   bool below)
{
    for (size_t k = ctx->snapshot_count; k-- > 0;) {
        const char *d = ctx->snapshots[k];
        if (strcmp(d, high) <= 0 && (strcmp(d, low) < 0) == below)
            return d;
        if (below ? false : strcmp(d, low) < 0)
            return NULL; /* ascending: every earlier one is below low too */
    }
    return NULL;
}

bool cr_metrics_month_snapshot(const cr_metrics_ctx *ctx, int year, int month,
                               cr_date as_of, char date[11], bool *stale, cr_error *err)
{
    char first[11], last[11], asof[11];
    cr_date_format((cr_date){year, month, 1}, first);
    cr_date last_day = {year, month, cr_days_in_month(year, month)};
    if (cr_date_compare(as_of, last_day) < 0)
        last_day = as_of;
    cr_date_format(last_day, last);
    cr_date_format(as_of, asof);
    /* The latest snapshot dated within the month up to as-of; else the latest
     * one before the month and not after as-of, and the month is stale. */
    const char *found = latest_snapshot(ctx, first, last, false);
    *stale = false;
    if (found && strlen(found) == 10) {
        memcpy(date, found, 11);
        return true;
    }
    found = latest_snapshot(ctx, first, asof, true);
    if (found && strlen(found) == 10) {
        memcpy(date, found, 11);
        *stale = true;
        return true;
    }
    return false;
}

static cr_json *date_or_null(const cr_metrics_ctx *ctx, const char *name, const char *d1,
                             cr_error *err, int *status)
{
    char date[11];
    bool ok;
    bool found = query_date(ctx, name, d1, NULL, date, &ok, err);
    if (!ok && !*status)
        *status = cr_error_exit_code(err);
    return found ? cr_json_string(date) : cr_json_null();
}

/* The top-level keys before the sections (SPEC 5.8). */
static int add_header(cr_metrics_ctx *ctx, cr_json *root, cr_error *err)
{
    const cr_subject *a = ctx->account;
    char start[11], end[11];
    cr_date_format(ctx->period.start, start);
    cr_date_format(ctx->period.end, end);
    cr_json_set(root, "account_id", cr_json_string(a->account_id));
    cr_json_set(root, "account_name", cr_json_string(a->account_name));
    cr_json_set(root, "program", cr_json_string(a->program));
    cr_json *period = cr_json_set(root, "period", cr_json_object());
    cr_json_set(period, "label", cr_json_string(ctx->period.label));
    cr_json_set(period, "start", cr_json_string(start));
    cr_json_set(period, "end", cr_json_string(end));
    cr_json_set(root, "as_of", cr_json_string(end));
    int status = 0;
    cr_json *fresh = cr_json_set(root, "data_as_of", cr_json_object());
    cr_json_set(fresh, "latest_snapshot", date_or_null(ctx, "metrics_core.latest_snapshot", end, err, &status));
    cr_json_set(fresh, "latest_import", date_or_null(ctx, "metrics_core.latest_import", NULL, err, &status));
    return status;
}

int cr_metrics_compute(sqlite3 *db, const char *account_id, const cr_period *period,
                       const cr_metrics_options *opt, cr_json **out, cr_error *err)
{
    typedef int (*section_fn)(cr_metrics_ctx *, cr_json *, cr_error *);
    /* trueup runs before rma: it fills ctx->trueup, the installed base of 5.2. */
    static const struct {
        section_fn fn;
        unsigned bit;
    } sections[] = {
        {cr_metrics_adoption, CR_METRICS_ADOPTION}, {cr_metrics_trueup, CR_METRICS_TRUEUP},
        {cr_metrics_rma, CR_METRICS_RMA},           {cr_metrics_downtime, CR_METRICS_DOWNTIME},
        {cr_metrics_tickets, CR_METRICS_TICKETS},   {cr_metrics_software, CR_METRICS_SOFTWARE},
        {cr_metrics_coverage, CR_METRICS_COVERAGE},
    };
    unsigned want = opt && opt->sections && !opt->device_list ? opt->sections : CR_METRICS_ALL;
    if (want & CR_METRICS_RMA)
        want |= CR_METRICS_TRUEUP;
    *out = NULL;
    cr_metrics_ctx ctx;
    cr_json *root = NULL;
    /* One read transaction, so every section sees the same data even while an
     * import commits; a caller's own transaction is left alone. */
    bool own_txn = sqlite3_get_autocommit(db) && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    unsigned long json_failures = cr_json_alloc_failures();
    int rc = cr_metrics_ctx_init(&ctx, db, account_id, period, opt, err);
    if (rc)
        goto out_free_ctx;
    root = cr_json_object();
    if (!root) {
        rc = cr_error_nomem(err);
        goto out_free_ctx;
    }
    rc = add_header(&ctx, root, err);
    if (!rc)
        rc = cr_metrics_devices_load(&ctx, err);
    for (size_t k = 0; !rc && k < sizeof sections / sizeof sections[0]; k++)
        if (sections[k].bit & want)
            rc = sections[k].fn(&ctx, root, err);
    if (!rc && ctx.options.device_list)
        rc = cr_metrics_devices_write(&ctx, root, err);
    /* a value the builders could not add would read as null */
    if (!rc && cr_json_alloc_failures() != json_failures)
        rc = cr_error_nomem(err);
    if (rc) {
        cr_json_free(root);
        root = NULL;
    }
out_free_ctx:
    cr_metrics_ctx_free(&ctx);
    if (own_txn)
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    *out = root;
    return rc;
}
