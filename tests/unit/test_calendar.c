/* test_calendar.c - business days, holidays by country and region, and the
 * next-business-day deadline across weekends, holidays and time zones. */
#include "csmreport/calendar.h"
#include "csmreport/db.h"

#include "unit.h"

/* UTC epoch second of a UTC wall-clock reading. */
static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
    return cr_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

static int64_t day(int y, int mo, int d) { return cr_days_from_civil(y, mo, d); }

static cr_calendar *load(sqlite3 *db, const char *country, const char *region, const char *zone)
{
    cr_error err;
    const cr_tz *tz = cr_tz_get(zone, &err);
    cr_calendar *cal = tz ? cr_calendar_load(db, country, region, tz, &err) : NULL;
    CHECK(cal != NULL, "load calendar %s/%s/%s", country ? country : "-", region ? region : "-",
          zone ? zone : "UTC");
    return cal;
}

int main(void)
{
    cr_error err;
    cr_error_clear(&err);
    sqlite3 *db = cr_db_open(":memory:", CR_DB_READWRITE, &err);
    CHECK(db != NULL, "open store");
    if (!db)
        return unit_exit();
    CHECK_INT(cr_db_exec(db,
        "INSERT INTO holidays (country, region, date, name) VALUES"
        " ('NO', '', '2026-12-25', 'Juledag'),"
        " ('NO', '', '2026-12-26', 'Andre juledag'),"
        " ('GB', '', '2026-01-01', 'New Year''s Day'),"
        " ('GB', 'GB-SCT', '2026-01-02', '2nd January'),"
        " ('SE', '', '2026-01-02', 'not ours');", &err), 0, "insert holidays");

    cr_calendar *utc_cal = load(db, NULL, NULL, NULL);
    cr_calendar *oslo = load(db, "NO", NULL, "Europe/Oslo");
    cr_calendar *sct = load(db, "GB", "GB-SCT", "Europe/London");
    cr_calendar *eng = load(db, "GB", "GB-ENG", "Europe/London");
    cr_calendar *gb = load(db, "GB", "", "Europe/London");
    if (!utc_cal || !oslo || !sct || !eng || !gb)
        goto out;

    /* 2026-09-25 is a Friday, 2026-09-26 a Saturday. */
    CHECK(cr_calendar_is_business_day(utc_cal, day(2026, 9, 25)), "friday is a business day");
    CHECK(!cr_calendar_is_business_day(utc_cal, day(2026, 9, 26)), "saturday is not");
    CHECK(!cr_calendar_is_business_day(utc_cal, day(2026, 9, 27)), "sunday is not");
    CHECK(cr_calendar_is_holiday(oslo, day(2026, 12, 25)), "national holiday loaded");
    CHECK(!cr_calendar_is_holiday(oslo, day(2026, 12, 24)), "christmas eve is not a holiday");
    CHECK(cr_calendar_is_holiday(sct, day(2026, 1, 2)), "regional holiday applies to its region");
    CHECK(!cr_calendar_is_holiday(eng, day(2026, 1, 2)), "regional holiday not in another region");
    CHECK(!cr_calendar_is_holiday(gb, day(2026, 1, 2)), "regional holiday not without region");
    CHECK(cr_calendar_is_holiday(eng, day(2026, 1, 1)), "national holiday applies to every region");
    CHECK_INT(cr_calendar_next_business_day(utc_cal, day(2026, 9, 25)), day(2026, 9, 28),
              "next business day after friday is monday");

    /* Weekend: Friday 10:00Z approval -> Monday 23:59:59Z (UTC account). */
    CHECK_INT(cr_calendar_nbd_deadline(utc_cal, utc(2026, 9, 25, 10, 0, 0)),
              utc(2026, 9, 28, 23, 59, 59), "friday approval -> monday 23:59:59");
    /* Thursday approval -> Friday end. */
    CHECK_INT(cr_calendar_nbd_deadline(utc_cal, utc(2026, 9, 24, 10, 0, 0)),
              utc(2026, 9, 25, 23, 59, 59), "thursday approval -> friday 23:59:59");
    /* National holiday: Thu 2026-12-24 11:00 Oslo; Fri 25 holiday, weekend ->
     * Mon 28 23:59:59 Oslo (+01:00) = 22:59:59Z. */
    CHECK_INT(cr_calendar_nbd_deadline(oslo, utc(2026, 12, 24, 10, 0, 0)),
              utc(2026, 12, 28, 22, 59, 59), "deadline over a national holiday");
    /* Regional: Wed 2025-12-31 noon London (UTC+0); Thu 1 Jan national, Fri 2 Jan
     * Scottish -> Mon 5 Jan 23:59:59Z in GB-SCT, Fri 2 Jan 23:59:59Z in GB-ENG. */
    CHECK_INT(cr_calendar_nbd_deadline(sct, utc(2025, 12, 31, 12, 0, 0)),
              utc(2026, 1, 5, 23, 59, 59), "deadline over a regional holiday (its region)");
    CHECK_INT(cr_calendar_nbd_deadline(eng, utc(2025, 12, 31, 12, 0, 0)),
              utc(2026, 1, 2, 23, 59, 59), "regional holiday of another region ignored");
    /* Time zone: 2026-09-24 22:30Z = Fri 2026-09-25 00:30 Oslo (+02:00) ->
     * Mon 2026-09-28 23:59:59 Oslo = 21:59:59Z. */
    CHECK_INT(cr_calendar_local_day(oslo, utc(2026, 9, 24, 22, 30, 0)), day(2026, 9, 25),
              "22:30Z is the next local day in Oslo");
    CHECK_INT(cr_calendar_nbd_deadline(oslo, utc(2026, 9, 24, 22, 30, 0)),
              utc(2026, 9, 28, 21, 59, 59), "deadline across a time zone");
    /* The same instant for a UTC account is a Thursday -> Friday 23:59:59Z. */
    CHECK_INT(cr_calendar_nbd_deadline(utc_cal, utc(2026, 9, 24, 22, 30, 0)),
              utc(2026, 9, 25, 23, 59, 59), "same instant in UTC is thursday");

    /* Day bounds: 2026-07-01 in Oslo (+02:00) starts at 2026-06-30 22:00Z. */
    CHECK_INT(cr_calendar_day_start_utc(oslo, day(2026, 7, 1)), utc(2026, 6, 30, 22, 0, 0),
              "local day start in UTC");
    CHECK_INT(cr_calendar_day_end_utc(oslo, day(2026, 9, 30)), utc(2026, 9, 30, 21, 59, 59),
              "local day end in UTC");
    CHECK_INT(cr_calendar_local_day(utc_cal, -1), -1, "instant before 1970 is day -1");
    CHECK(cr_calendar_tz(oslo) != NULL, "calendar keeps its zone");

out:
    cr_calendar_free(utc_cal);
    cr_calendar_free(oslo);
    cr_calendar_free(sct);
    cr_calendar_free(eng);
    cr_calendar_free(gb);
    cr_db_close(db);
    cr_tz_cleanup();
    return unit_exit();
}
