/* calendar.c - an account's business days and the next-business-day deadline
 * (SPEC sections 3, 4 and 5.3). Holidays are read once into a sorted array of
 * day numbers; local days map to UTC instants through the account's tz.
 */
#include "csmreport/calendar.h"

#include <stdlib.h>
#include <string.h>

#include "embedded.h"

struct cr_calendar {
    const cr_tz *tz;    /* NULL = UTC */
    int64_t *holidays;  /* sorted day numbers */
    size_t count;
};

static int fail_db(sqlite3 *db, cr_error *err)
{
    return cr_error_set(err, EX_SOFTWARE, NULL, 0, 0, "cannot read holidays: %s",
                        sqlite3_errmsg(db));
}

cr_calendar *cr_calendar_load(sqlite3 *db, const char *country, const char *region,
                              const cr_tz *tz, cr_error *err)
{
    cr_calendar *cal = calloc(1, sizeof *cal);
    if (!cal) {
        cr_error_nomem(err);
        return NULL;
    }
    cal->tz = tz;
    if (!country || !*country)
        return cal; /* no country: weekends only */

    const cr_embedded_file *f = cr_embedded_find("calendar.sql");
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    if (!f) {
        cr_error_set(err, EX_SOFTWARE, NULL, 0, 0, "calendar.sql is not embedded");
        goto out_free_cal;
    }
    if (sqlite3_prepare_v2(db, f->data, -1, &st, NULL) != SQLITE_OK) {
        fail_db(db, err);
        goto out_free_cal;
    }
    sqlite3_bind_text(st, 1, country, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, region ? region : "", -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(st, 0);
        cr_date d;
        if (!text || !cr_date_parse(text, strlen(text), &d))
            continue; /* import validates dates; a bad one cannot be a holiday */
        if (cal->count == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            int64_t *h = realloc(cal->holidays, ncap * sizeof *h);
            if (!h) {
                cr_error_nomem(err);
                goto out_finalize;
            }
            cal->holidays = h;
            cap = ncap;
        }
        cal->holidays[cal->count++] = cr_days_from_civil(d.year, d.month, d.day);
    }
    if (rc != SQLITE_DONE) {
        fail_db(db, err);
        goto out_finalize;
    }
    sqlite3_finalize(st);
    return cal;

out_finalize:
    sqlite3_finalize(st);
out_free_cal:
    cr_calendar_free(cal);
    return NULL;
}

void cr_calendar_free(cr_calendar *cal)
{
    if (!cal)
        return;
    free(cal->holidays);
    free(cal);
}

bool cr_calendar_is_holiday(const cr_calendar *cal, int64_t day)
{
    size_t lo = 0, hi = cal->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->holidays[mid] < day)
            lo = mid + 1;
        else if (cal->holidays[mid] > day)
            hi = mid;
        else
            return true;
    }
    return false;
}

bool cr_calendar_is_business_day(const cr_calendar *cal, int64_t day)
{
    return cr_weekday(day) < 5 && !cr_calendar_is_holiday(cal, day);
}

int64_t cr_calendar_next_business_day(const cr_calendar *cal, int64_t day)
{
    /* Holidays are finite, so this ends within count + 3 weekends of days. */
    do
        day++;
    while (!cr_calendar_is_business_day(cal, day));
    return day;
}

int64_t cr_calendar_day_start_utc(const cr_calendar *cal, int64_t day)
{
    int64_t local = day * 86400;
    return cal->tz ? cr_tz_local_to_utc(cal->tz, local) : local;
}

int64_t cr_calendar_day_end_utc(const cr_calendar *cal, int64_t day)
{
    int64_t local = day * 86400 + 86399;
    return cal->tz ? cr_tz_local_to_utc(cal->tz, local) : local;
}

int64_t cr_calendar_local_day(const cr_calendar *cal, int64_t utc)
{
    int64_t local = cal->tz ? cr_tz_utc_to_local(cal->tz, utc) : utc;
    /* floor division: instants before 1970 belong to negative days */
    return local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
}

int64_t cr_calendar_nbd_deadline(const cr_calendar *cal, int64_t approved_utc)
{
    int64_t day = cr_calendar_local_day(cal, approved_utc);
    return cr_calendar_day_end_utc(cal, cr_calendar_next_business_day(cal, day));
}

const cr_tz *cr_calendar_tz(const cr_calendar *cal)
{
    return cal->tz;
}
