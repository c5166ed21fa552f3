/* sqlfunc.c - csmreport's own SQL functions, registered on every connection:
 * time zone conversions that SQLite cannot do (the store re-reads naive times
 * when an account's zone changes) and an aggregate for the metrics' usage pass. */
#include "csmreport/sqlfunc.h"

#include <stdint.h>
#include <string.h>

#include "csmreport/datetime.h"
#include "csmreport/tz.h"

/* cr_local_to_utc(timestamp_text, tz_name): the UTC epoch second of a stored
 * canonical timestamp; a naive one is read in tz_name (NULL/'' = UTC). NULL for
 * NULL input. Used to recompute *_utc columns when an account's zone changes. */
static void sql_local_to_utc(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *text = (const char *)sqlite3_value_text(argv[0]);
    const char *zone = (const char *)sqlite3_value_text(argv[1]);
    cr_timestamp ts;
    if (!text) {
        sqlite3_result_null(ctx);
        return;
    }
    if (!cr_timestamp_parse_canonical(text, &ts)) {
        sqlite3_result_error(ctx, "cr_local_to_utc: not a canonical timestamp", -1);
        return;
    }
    int64_t local = cr_timestamp_local_seconds(&ts);
    if (ts.has_offset) {
        sqlite3_result_int64(ctx, local - ts.offset_seconds);
        return;
    }
    const cr_tz *tz = cr_tz_get(zone, NULL);
    if (!tz)
        tz = cr_tz_get(NULL, NULL);
    sqlite3_result_int64(ctx, cr_tz_local_to_utc(tz, local));
}

/* cr_local_date(utc, tz_name): 'YYYY-MM-DD' of the UTC instant in tz_name. */
static void sql_local_date(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const char *zone = (const char *)sqlite3_value_text(argv[1]);
    const cr_tz *tz = cr_tz_get(zone, NULL);
    if (!tz)
        tz = cr_tz_get(NULL, NULL);
    int64_t local = cr_tz_utc_to_local(tz, sqlite3_value_int64(argv[0]));
    int64_t day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    char buf[11];
    cr_date_format(cr_civil_from_days(day), buf);
    sqlite3_result_text(ctx, buf, 10, SQLITE_TRANSIENT);
}

/* cr_month_activity(date, minutes, first_month, month_count): an aggregate
 * over daily rows of one device. first_month is year * 12 + month - 1 of the
 * first of month_count consecutive months. Returns the text "MINUTES FLAGS":
 * the sum of minutes over every row, a space, and one character per month,
 * '1' when a row is dated (text 'YYYY-MM...' or a day number since
 * 1970-01-01) in that month, else '0'. NULL over no
 * rows. It lets one pass over a device's usage give both the period's minutes
 * and its active months (metrics adoption), where a GROUP BY month would sort
 * every row. */
typedef struct month_activity {
    sqlite3_int64 minutes;
    int first, count; /* count 0: not started */
    char flags[];     /* count characters and a NUL */
} month_activity;

enum { MONTH_ACTIVITY_MAX = 12 * 1000 };

static int month_of_date(const unsigned char *d, int len)
{
    if (len < 7 || d[4] != '-')
        return -1;
    for (int k = 0; k < 7; k++)
        if (k != 4 && (d[k] < '0' || d[k] > '9'))
            return -1;
    int year = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
    int month = (d[5] - '0') * 10 + (d[6] - '0');
    return month >= 1 && month <= 12 ? year * 12 + month - 1 : -1;
}

/* year * 12 + month - 1 of a date: text 'YYYY-MM...', or an integer count of
 * days since 1970-01-01 (the day of a usage_days id); -1 when neither. */
static int month_of_value(sqlite3_value *v)
{
    if (sqlite3_value_type(v) == SQLITE_INTEGER) {
        cr_date d = cr_civil_from_days(sqlite3_value_int64(v));
        return d.year * 12 + d.month - 1;
    }
    /* The bytes as stored: sqlite3_value_text would copy each date to add a
     * terminating NUL. */
    if (sqlite3_value_type(v) != SQLITE_TEXT)
        return -1;
    return month_of_date(sqlite3_value_blob(v), sqlite3_value_bytes(v));
}

static void sql_month_activity_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    int count = sqlite3_value_int(argv[3]);
    if (count < 0 || count > MONTH_ACTIVITY_MAX) {
        sqlite3_result_error(ctx, "cr_month_activity: month_count out of range", -1);
        return;
    }
    month_activity *a = sqlite3_aggregate_context(ctx, (int)sizeof *a + count + 1);
    if (!a) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (!a->count && count) {
        a->first = sqlite3_value_int(argv[2]);
        a->count = count;
        memset(a->flags, '0', (size_t)count);
        a->flags[count] = '\0';
    }
    a->minutes += sqlite3_value_int64(argv[1]);
    int k = month_of_value(argv[0]) - a->first;
    if (k >= 0 && k < a->count)
        a->flags[k] = '1';
}

static void sql_month_activity_final(sqlite3_context *ctx)
{
    month_activity *a = sqlite3_aggregate_context(ctx, 0);
    if (!a) {
        sqlite3_result_null(ctx);
        return;
    }
    char *text = sqlite3_mprintf("%lld %s", (long long)a->minutes, a->count ? a->flags : "");
    if (!text) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    sqlite3_result_text(ctx, text, -1, sqlite3_free);
}

int cr_sqlfunc_register(sqlite3 *db)
{
    int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    int rc = sqlite3_create_function(db, "cr_local_to_utc", 2, flags, NULL, sql_local_to_utc, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "cr_local_date", 2, flags, NULL, sql_local_date, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "cr_month_activity", 4, flags, NULL, NULL,
                                     sql_month_activity_step, sql_month_activity_final);
    return rc;
}

