/* metrics_downtime.c - the downtime and advance replacement section (SPEC 5.3):
 * "downtime".
 *
 * One item per RMA dated in P (as in SPEC 5.2). The replacement is due by the
 * end of the next business day after the local date of approval (holidays of
 * the account's country and region), or four hours after approval with the
 * four_hour option. An RMA delivered by its deadline met the SLA; delivered late,
 * or not delivered with the deadline passed by the end of as-of, it missed it;
 * otherwise it is pending and counted in neither. A delivery after as-of still
 * counts with its real time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmreport/db.h"
#include "metrics_internal.h"

#define FOUR_HOURS (4 * 3600)

typedef enum sla_result { SLA_MET, SLA_MISSED, SLA_PENDING } sla_result;

static const char *const sla_names[] = {"met", "missed", "pending"};

typedef struct downtime_totals {
    int64_t rmas, delivered, met, missed, pending;
    int64_t lost_seconds;
    double *hours;             /* downtime of each delivered RMA */
    size_t hours_count, hours_cap;
} downtime_totals;

/* ISO 8601 local time with the offset in force then: "2026-09-28T23:59:59+02:00". */
static cr_json *local_time(const cr_tz *tz, int64_t utc)
{
    int64_t local = cr_tz_utc_to_local(tz, utc);
    int64_t day = local / 86400, secs = local % 86400;
    if (secs < 0) {
        secs += 86400;
        day--;
    }
    cr_timestamp ts = {0};
    ts.date = cr_civil_from_days(day);
    ts.hour = (int)(secs / 3600);
    ts.minute = (int)(secs / 60 % 60);
    ts.second = (int)(secs % 60);
    ts.has_offset = true;
    ts.offset_seconds = cr_tz_offset_at(tz, utc);
    char buf[32];
    cr_timestamp_format(&ts, buf);
    return cr_json_string(buf);
}

static bool push_hours(downtime_totals *t, double h)
{
    if (t->hours_count == t->hours_cap) {
        size_t cap = t->hours_cap ? 2 * t->hours_cap : 16;
        double *grown = realloc(t->hours, cap * sizeof *grown);
        if (!grown)
            return false;
        t->hours = grown;
        t->hours_cap = cap;
    }
    t->hours[t->hours_count++] = h;
    return true;
}

/* Adds one RMA (the current row of st) to items and the totals. */
static void add_item(cr_metrics_ctx *ctx, sqlite3_stmt *st, cr_json *items,
                     downtime_totals *t, bool *ok)
{
    const cr_tz *tz = ctx->tz;
    int64_t opened = sqlite3_column_int64(st, 3);
    int64_t approved = sqlite3_column_int64(st, 4);
    bool delivered = sqlite3_column_type(st, 5) != SQLITE_NULL;
    int64_t delivered_utc = sqlite3_column_int64(st, 5);
    int64_t deadline = ctx->account->opt_four_hour
                           ? approved + FOUR_HOURS
                           : cr_calendar_nbd_deadline(ctx->calendar, approved);
    sla_result sla;
    if (delivered)
        sla = delivered_utc <= deadline ? SLA_MET : SLA_MISSED;
    else
        sla = deadline <= ctx->end_utc ? SLA_MISSED : SLA_PENDING;

    t->rmas++;
    if (sla == SLA_MET)
        t->met++;
    else if (sla == SLA_MISSED)
        t->missed++;
    else
        t->pending++;

    cr_json *item = cr_json_object();
    if (!cr_json_append(items, item)) {
        *ok = false;
        return;
    }
    const char *category = cr_db_column_text(st, 2);
    cr_metrics_put(item, "ticket_id", cr_json_string(cr_db_column_text(st, 0)), ok);
    cr_metrics_put(item, "rma_number", cr_json_string(cr_db_column_text(st, 1)), ok);
    cr_metrics_put(item, "category", cr_json_string(category ? category : "unknown"), ok);
    cr_metrics_put(item, "opened_at", local_time(tz, opened), ok);
    cr_metrics_put(item, "approved_at", local_time(tz, approved), ok);
    cr_metrics_put(item, "deadline", local_time(tz, deadline), ok);
    if (delivered) {
        int64_t seconds = delivered_utc - opened;
        t->delivered++;
        t->lost_seconds += seconds;
        if (!push_hours(t, (double)seconds / 3600.0))
            *ok = false;
        cr_metrics_put(item, "delivered_at", local_time(tz, delivered_utc), ok);
        cr_metrics_put(item, "downtime_hours", cr_json_fixed((double)seconds / 3600.0, 2), ok);
    } else {
        cr_metrics_put(item, "delivered_at", cr_json_null(), ok);
        cr_metrics_put(item, "downtime_hours", cr_json_null(), ok);
    }
    cr_metrics_put(item, "sla", cr_json_string(sla_names[sla]), ok);
}

int cr_metrics_downtime(cr_metrics_ctx *ctx, cr_json *root, cr_error *err)
{
    bool ok = true;
    int code = 0, rc;
    downtime_totals t;
    memset(&t, 0, sizeof t);

    cr_json *dt = cr_json_object();
    cr_metrics_put(root, "downtime", dt, &ok);
    if (!ok)
        return cr_error_nomem(err);
    cr_json *items = cr_json_array();

    sqlite3_stmt *st = cr_sql_cached(ctx->db, "metrics_downtime.rmas", err);
    if (!st) {
        cr_json_free(items);
        return cr_error_exit_code(err);
    }
    cr_sql_bind_text(st, ":account", ctx->account->account_id);
    cr_sql_bind_int64(st, ":start", ctx->start_utc);
    cr_sql_bind_int64(st, ":end", ctx->end_utc);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        add_item(ctx, st, items, &t, &ok);
    if (rc != SQLITE_DONE)
        code = cr_db_fail(ctx->db, rc, "cannot read rmas", err);
    cr_sql_release(st);
    if (code) {
        cr_json_free(items);
        free(t.hours);
        return code;
    }

    cr_metrics_put(dt, "rma_tickets", cr_json_int(t.rmas), &ok);
    cr_metrics_put(dt, "delivered", cr_json_int(t.delivered), &ok);
    cr_metrics_put(dt, "met", cr_json_int(t.met), &ok);
    cr_metrics_put(dt, "missed", cr_json_int(t.missed), &ok);
    cr_metrics_put(dt, "pending", cr_json_int(t.pending), &ok);
    int64_t judged = t.met + t.missed;
    cr_metrics_put(dt, "sla_compliance", judged ? cr_json_number((double)t.met / (double)judged) : cr_json_null(), &ok);
    if (t.hours_count) {
        double sum = 0;
        for (size_t k = 0; k < t.hours_count; k++)
            sum += t.hours[k];
        cr_metrics_put(dt, "mean_hours", cr_json_fixed(sum / (double)t.hours_count, 2), &ok);
        cr_metrics_put(dt, "median_hours", cr_json_fixed(cr_median(t.hours, t.hours_count), 2), &ok);
        cr_metrics_put(dt, "p90_hours", cr_json_fixed(cr_p90(t.hours, t.hours_count), 2), &ok);
    } else {
        cr_metrics_put(dt, "mean_hours", cr_json_null(), &ok);
        cr_metrics_put(dt, "median_hours", cr_json_null(), &ok);
        cr_metrics_put(dt, "p90_hours", cr_json_null(), &ok);
        cr_metrics_put(dt, "hours_reason", cr_json_string("no delivered rma in the period"), &ok);
    }
    cr_metrics_put(dt, "device_hours_lost", cr_json_fixed((double)t.lost_seconds / 3600.0, 2), &ok);
    cr_metrics_put(dt, "frurad", cr_json_int(ctx->account->opt_frurad ? t.rmas : 0), &ok);
    cr_metrics_put(dt, "items", items, &ok);
    free(t.hours);
    return ok ? 0 : cr_error_nomem(err);
}
