/* test_datetime.c - civil day arithmetic, date and timestamp parsing, profile
 * formats and canonical text. Expected values are worked out by hand (see the
 * comments) or come from independent oracles: a day-by-day calendar walk, glibc's
 * gmtime_r, and strftime output parsed back.
 */
#include "csmreport/datetime.h"
#include "unit.h"

#include <stdint.h>
#include <time.h>

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void test_days(void)
{
    /* 1970..1999 has 30*365 + 7 leap days = 10957; + Jan 31 + Feb 29 = 11017.
     * 1900-01-01 is 70*365 + 17 leap days before the epoch; 2026-01-01 is
     * 56*365 + 14 after; 9999-12-31 is 253402300799 / 86400 (floor). */
    static const struct {
        int y, m, d;
        int64_t days;
    } cases[] = {
        {1970, 1, 1, 0},       {1969, 12, 31, -1},     {2000, 1, 1, 10957},
        {2000, 3, 1, 11017},   {2000, 2, 29, 11016},   {1900, 1, 1, -25567},
        {2026, 1, 1, 20454},   {2026, 11, 22, 20779},  {9999, 12, 31, 2932896},
        {1, 1, 1, -719162},    {1600, 3, 1, -135080},
    };
    /* 2026-11-22: 20454 + 325 (Jan..Oct = 304 days, + 21). 0001-01-01:
     * 1969 years of 365 + 477 leap days (492 - 19 + 4) = 719162 before 1970.
     * 1600-03-01: 370 years before 1970 less Jan+Feb 1600 (60 days): 370*365 +
     * 90 leap days (1600..1968: 93 - 3) - 60 = 135080. */
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK_INT(cr_days_from_civil(cases[i].y, cases[i].m, cases[i].d), cases[i].days,
                  "days_from_civil(%d,%d,%d)", cases[i].y, cases[i].m, cases[i].d);
        cr_date d = cr_civil_from_days(cases[i].days);
        CHECK(d.year == cases[i].y && d.month == cases[i].m && d.day == cases[i].d,
              "civil_from_days(%lld)", (long long)cases[i].days);
    }

    /* Oracle: walk the calendar one day at a time from 0001-01-01. */
    cr_date walk = {1, 1, 1};
    int64_t n = -719162;
    int bad = 0;
    for (; walk.year <= 9999; n++) {
        cr_date got = cr_civil_from_days(n);
        if (cr_days_from_civil(walk.year, walk.month, walk.day) != n ||
            cr_date_compare(got, walk) != 0)
            bad++;
        if (++walk.day > cr_days_in_month(walk.year, walk.month)) {
            walk.day = 1;
            if (++walk.month > 12) {
                walk.month = 1;
                walk.year++;
            }
        }
    }
    CHECK(bad == 0, "calendar walk 0001..9999 agrees (%lld days)", (long long)(n + 719162));
    CHECK_INT(n, 2932897, "walk ends the day after 9999-12-31");

    /* Oracle: glibc gmtime_r on random days. */
    bad = 0;
    for (int i = 0; i < 20000; i++) {
        int64_t days = (int64_t)(rng() % 3652059) - 719162;
        time_t t = (time_t)(days * 86400);
        struct tm tm;
        cr_date d = cr_civil_from_days(days);
        if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 != d.year || tm.tm_mon + 1 != d.month ||
            tm.tm_mday != d.day || (tm.tm_wday + 6) % 7 != cr_weekday(days))
            bad++;
    }
    CHECK(bad == 0, "gmtime_r agrees on 20000 random days");
}

static void test_calendar(void)
{
    static const struct {
        int year;
        bool leap;
    } leaps[] = {{2024, true}, {2026, false}, {2000, true}, {2100, false},
                 {1900, false}, {2400, true}, {1996, true}, {1, false}};
    for (size_t i = 0; i < sizeof leaps / sizeof leaps[0]; i++)
        CHECK(cr_is_leap_year(leaps[i].year) == leaps[i].leap, "leap year %d", leaps[i].year);

    static const int dim2026[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int m = 1; m <= 12; m++)
        CHECK_INT(cr_days_in_month(2026, m), dim2026[m - 1], "days in 2026-%02d", m);
    CHECK_INT(cr_days_in_month(2024, 2), 29, "days in 2024-02");
    CHECK_INT(cr_days_in_month(2100, 2), 28, "days in 2100-02");
    CHECK_INT(cr_days_in_month(2026, 13), 0, "days in month 13");
    CHECK_INT(cr_days_in_month(2026, 0), 0, "days in month 0");

    /* 0 = Monday. 1970-01-01 Thursday, 2000-01-01 Saturday, 2026-11-22 Sunday,
     * 2024-02-29 Thursday, 1969-12-31 Wednesday, 2026-03-29 Sunday. */
    static const struct {
        int y, m, d, wd;
    } wds[] = {{1970, 1, 1, 3},   {2000, 1, 1, 5},  {2026, 11, 22, 6}, {2024, 2, 29, 3},
               {1969, 12, 31, 2}, {2026, 3, 29, 6}, {2026, 11, 23, 0}, {1900, 1, 1, 0}};
    for (size_t i = 0; i < sizeof wds / sizeof wds[0]; i++)
        CHECK_INT(cr_weekday(cr_days_from_civil(wds[i].y, wds[i].m, wds[i].d)), wds[i].wd,
                  "weekday of %04d-%02d-%02d", wds[i].y, wds[i].m, wds[i].d);

    cr_date a = {2026, 3, 1}, b = {2026, 2, 28}, c = {2025, 12, 31}, a2 = {2026, 3, 1};
    CHECK(cr_date_compare(a, b) > 0 && cr_date_compare(b, a) < 0, "compare month");
    CHECK(cr_date_compare(c, b) < 0 && cr_date_compare(a, a2) == 0, "compare year, equal");
    CHECK(cr_date_compare((cr_date){2026, 3, 2}, a) > 0, "compare day");
}

static void test_date_parse(void)
{
    static const struct {
        const char *s;
        bool ok;
        int y, m, d;
    } cases[] = {
        {"2026-11-22", true, 2026, 11, 22}, {"2024-02-29", true, 2024, 2, 29},
        {"2000-02-29", true, 2000, 2, 29},  {"9999-12-31", true, 9999, 12, 31},
        {"0001-01-01", true, 1, 1, 1},      {"2026-04-30", true, 2026, 4, 30},
        {"2026-02-30", false, 0, 0, 0},     {"2100-02-29", false, 0, 0, 0},
        {"2026-02-29", false, 0, 0, 0},     {"2026-04-31", false, 0, 0, 0},
        {"2026-13-01", false, 0, 0, 0},     {"2026-00-10", false, 0, 0, 0},
        {"2026-01-00", false, 0, 0, 0},     {"2026-01-32", false, 0, 0, 0},
        {"0000-01-01", false, 0, 0, 0},     {"2026-1-01", false, 0, 0, 0},
        {"2026-01-01 ", false, 0, 0, 0},    {" 2026-01-01", false, 0, 0, 0},
        {"2026/01/01", false, 0, 0, 0},     {"2026-0a-01", false, 0, 0, 0},
        {"+026-01-01", false, 0, 0, 0},     {"2026-01-+1", false, 0, 0, 0},
        {"", false, 0, 0, 0},               {"20260101", false, 0, 0, 0},
        {"2026-01-01T00:00", false, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_date d = {0, 0, 0};
        bool ok = cr_date_parse(cases[i].s, strlen(cases[i].s), &d);
        CHECK(ok == cases[i].ok, "date_parse '%s' %s", cases[i].s,
              cases[i].ok ? "accepted" : "refused");
        if (ok && cases[i].ok)
            CHECK(d.year == cases[i].y && d.month == cases[i].m && d.day == cases[i].d,
                  "date_parse '%s' fields", cases[i].s);
    }
    cr_date d;
    CHECK(cr_date_parse("2026-11-22garbage", 10, &d) && d.day == 22,
          "date_parse honours len");
    CHECK(!cr_date_parse(NULL, 10, &d), "date_parse NULL");

    char buf[11];
    cr_date_format((cr_date){2026, 3, 9}, buf);
    CHECK_STR(buf, "2026-03-09", "date_format pads");
    cr_date_format((cr_date){1, 1, 1}, buf);
    CHECK_STR(buf, "0001-01-01", "date_format year 1");
    CHECK(cr_date_valid((cr_date){2024, 2, 29}) && !cr_date_valid((cr_date){2023, 2, 29}),
          "date_valid leap day");
}

static void test_iso(void)
{
    static const struct {
        const char *s;
        bool ok;
        int y, mo, d, h, mi, sec;
        bool has_offset;
        int offset;
    } cases[] = {
        {"2026-03-29 02:30", true, 2026, 3, 29, 2, 30, 0, false, 0},
        {"2026-03-29T02:30", true, 2026, 3, 29, 2, 30, 0, false, 0},
        {"2026-03-29T02:30:15", true, 2026, 3, 29, 2, 30, 15, false, 0},
        {"2026-03-29 23:59:59", true, 2026, 3, 29, 23, 59, 59, false, 0},
        {"2026-03-29T00:00:00", true, 2026, 3, 29, 0, 0, 0, false, 0},
        {"2026-03-29T02:30:15.999", true, 2026, 3, 29, 2, 30, 15, false, 0},
        {"2026-03-29T02:30:15.123456789Z", true, 2026, 3, 29, 2, 30, 15, true, 0},
        {"2026-03-29T02:30:15,5Z", true, 2026, 3, 29, 2, 30, 15, true, 0},
        {"2026-03-29T02:30Z", true, 2026, 3, 29, 2, 30, 0, true, 0},
        {"2026-03-29T02:30:00+02:00", true, 2026, 3, 29, 2, 30, 0, true, 7200},
        {"2026-03-29T02:30+02:00", true, 2026, 3, 29, 2, 30, 0, true, 7200},
        {"2026-03-29T02:30:00-03:30", true, 2026, 3, 29, 2, 30, 0, true, -12600},
        {"2026-03-29T02:30:00-0330", true, 2026, 3, 29, 2, 30, 0, true, -12600},
        {"2026-03-29T02:30:00+05", true, 2026, 3, 29, 2, 30, 0, true, 18000},
        {"2026-03-29T02:30:00+12:45", true, 2026, 3, 29, 2, 30, 0, true, 45900},
        {"2026-03-29 02:30:00-00:00", true, 2026, 3, 29, 2, 30, 0, true, 0},
        {"2024-02-29T12:00:00", true, 2024, 2, 29, 12, 0, 0, false, 0},
        {"2026-03-29", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"2026-03-29T", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"2026-03-29T12", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"2026-03-29T24:00", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"2026-03-29T23:60", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"2026-03-29T23:59:60", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"2026-03-29T1:00", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"2026-03-29T12:00:0", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"2026-03-29X12:00", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"2026-03-29  12:00", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"2026-03-29T12:00:00.", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"2026-03-29T12:00.5", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"2026-03-29T12:00 ", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"2026-03-29T12:00:00+2", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"2026-03-29T12:00:00+24:00", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"2026-03-29T12:00:00+01:60", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"2026-03-29T12:00:00+01:0", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"2026-03-29T12:00:00+010", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"2026-03-29T12:00:00Zjunk", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"2026-03-29T12:00:00 Z", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"2026-02-30T12:00", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"2026-03-29T12:00:00PM", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"29-03-2026 12:00", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"", false, 0, 0, 0, 0, 0, 0, false, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_timestamp ts;
        memset(&ts, 0x55, sizeof ts);
        bool ok = cr_timestamp_parse_iso(cases[i].s, strlen(cases[i].s), &ts);
        CHECK(ok == cases[i].ok, "iso '%s' %s", cases[i].s,
              cases[i].ok ? "accepted" : "refused");
        if (!ok || !cases[i].ok)
            continue;
        CHECK(ts.date.year == cases[i].y && ts.date.month == cases[i].mo &&
                  ts.date.day == cases[i].d && ts.hour == cases[i].h &&
                  ts.minute == cases[i].mi && ts.second == cases[i].sec &&
                  ts.has_offset == cases[i].has_offset &&
                  (!ts.has_offset || ts.offset_seconds == cases[i].offset),
              "iso '%s' fields", cases[i].s);
    }
    cr_timestamp ts;
    const char *longer = "2026-03-29T12:00:00Z,next field";
    CHECK(cr_timestamp_parse_iso(longer, 20, &ts) && ts.has_offset, "iso honours len");
    CHECK(!cr_timestamp_parse_iso(longer, 21, &ts), "iso len includes the comma");
}

typedef struct fmt_case {
    const char *format, *s;
    bool ok;
    int y, mo, d, h, mi, sec;
    bool has_offset;
    int offset;
} fmt_case;

static void test_format_parse(void)
{
    static const fmt_case cases[] = {
        /* ServiceNow-style, UK, US */
        {"%d-%m-%Y %H:%M", "22-11-2026 14:05", true, 2026, 11, 22, 14, 5, 0, false, 0},
        {"%d-%m-%Y %H:%M", "22-11-2026   14:05", true, 2026, 11, 22, 14, 5, 0, false, 0},
        {"%d-%m-%Y %H:%M", "2-1-2026 4:05", true, 2026, 1, 2, 4, 5, 0, false, 0},
        {"%d/%m/%y", "22/11/26", true, 2026, 11, 22, 0, 0, 0, false, 0},
        {"%d/%m/%y", "01/02/69", true, 1969, 2, 1, 0, 0, 0, false, 0},
        {"%d/%m/%y", "31/12/68", true, 2068, 12, 31, 0, 0, 0, false, 0},
        {"%d/%m/%y", "01/01/00", true, 2000, 1, 1, 0, 0, 0, false, 0},
        {"%d/%m/%y", "01/01/99", true, 1999, 1, 1, 0, 0, 0, false, 0},
        {"%m/%d/%Y %I:%M %p", "11/22/2026 2:05 PM", true, 2026, 11, 22, 14, 5, 0, false, 0},
        {"%m/%d/%Y %I:%M %p", "11/22/2026 02:05 pm", true, 2026, 11, 22, 14, 5, 0, false, 0},
        {"%m/%d/%Y %I:%M %p", "11/22/2026 12:00 AM", true, 2026, 11, 22, 0, 0, 0, false, 0},
        {"%m/%d/%Y %I:%M %p", "11/22/2026 12:30 am", true, 2026, 11, 22, 0, 30, 0, false, 0},
        {"%m/%d/%Y %I:%M %p", "11/22/2026 12:00 PM", true, 2026, 11, 22, 12, 0, 0, false, 0},
        {"%m/%d/%Y %I:%M %p", "11/22/2026 11:59 Pm", true, 2026, 11, 22, 23, 59, 0, false, 0},
        {"%m/%d/%Y %I:%M %p", "11/22/2026 1:00 aM", true, 2026, 11, 22, 1, 0, 0, false, 0},
        {"%e %b %Y", " 2 Mar 2026", true, 2026, 3, 2, 0, 0, 0, false, 0},
        {"%e %b %Y", "12 mar 2026", true, 2026, 3, 12, 0, 0, 0, false, 0},
        {"%d %B %Y", "12 MARCH 2026", true, 2026, 3, 12, 0, 0, 0, false, 0},
        {"%d %B %Y", "1 September 2026", true, 2026, 9, 1, 0, 0, 0, false, 0},
        {"%b %d, %Y", "Sep 1, 2026", true, 2026, 9, 1, 0, 0, 0, false, 0},
        {"%b %d, %Y", "May 31, 2026", true, 2026, 5, 31, 0, 0, 0, false, 0},
        {"%Y%m%d%H%M%S", "20261122140509", true, 2026, 11, 22, 14, 5, 9, false, 0},
        {"%d.%m.%Y %H:%M:%S", "22.11.2026 23:59:59", true, 2026, 11, 22, 23, 59, 59, false, 0},
        {"%Y-%m-%dT%H:%M:%S%z", "2026-11-22T14:05:09+0100", true, 2026, 11, 22, 14, 5, 9, true,
         3600},
        {"%Y-%m-%dT%H:%M:%S%z", "2026-11-22T14:05:09-03:30", true, 2026, 11, 22, 14, 5, 9, true,
         -12600},
        {"%Y-%m-%dT%H:%M:%S%z", "2026-11-22T14:05:09Z", true, 2026, 11, 22, 14, 5, 9, true, 0},
        {"%Y-%m-%d %% %H", "2026-11-22 % 14", true, 2026, 11, 22, 14, 0, 0, false, 0},
        {"%Y-%m-%d", "2024-02-29", true, 2024, 2, 29, 0, 0, 0, false, 0},
        /* refused */
        {"%d-%m-%Y %H:%M", "22-11-2026 14:05x", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"%d-%m-%Y %H:%M", "22-11-2026", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"%d-%m-%Y %H:%M", "22-11-202614:05", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"%d-%m-%Y %H:%M", "22-11-2026 24:00", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"%d-%m-%Y %H:%M", "22-11-2026 23:60", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"%d-%m-%Y %H:%M", "22/11/2026 14:05", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"%d/%m/%y", "30/02/26", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"%d/%m/%y", "29/02/00", true, 2000, 2, 29, 0, 0, 0, false, 0},
        {"%d/%m/%y", "1/2/2026", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"%d/%m/%y", "1/2/6", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"%d/%m/%Y", "1/2/26", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"%d/%m/%Y", "1/13/2026", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"%m/%d/%Y %I:%M %p", "11/22/2026 13:05 PM", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"%m/%d/%Y %I:%M %p", "11/22/2026 0:05 AM", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"%m/%d/%Y %I:%M %p", "11/22/2026 1:05 XM", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"%m/%d/%Y %I:%M %p", "11/22/2026 1:05", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"%d %b %Y", "12 Foo 2026", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"%Y-%m-%d %Q", "2026-11-22 x", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"%Y-%m-%d%", "2026-11-22", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"%d/%m", "22/11", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"%Y-%m-%dT%H:%M%z", "2026-11-22T14:05+01", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"%Y-%m-%dT%H:%M%z", "2026-11-22T14:05", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"%Y-%m-%d", "", false, 0, 0, 0, 0, 0, 0, false, 0},
        {"%Y-%m-%d", "0000-01-01", false, 0, 0, 0, 0, 0, 0, false, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const fmt_case *c = &cases[i];
        cr_timestamp ts;
        memset(&ts, 0x55, sizeof ts);
        bool ok = cr_timestamp_parse_format(c->s, strlen(c->s), c->format, &ts);
        CHECK(ok == c->ok, "format '%s' on '%s' %s", c->format, c->s,
              c->ok ? "accepted" : "refused");
        if (!ok || !c->ok)
            continue;
        CHECK(ts.date.year == c->y && ts.date.month == c->mo && ts.date.day == c->d &&
                  ts.hour == c->h && ts.minute == c->mi && ts.second == c->sec &&
                  ts.has_offset == c->has_offset && (!ts.has_offset || ts.offset_seconds == c->offset),
              "format '%s' on '%s' fields", c->format, c->s);
    }

    /* Oracle: strftime (C locale: English names, AM/PM) renders random instants;
     * parsing must give back the fields the format carries. */
    static const char *const formats[] = {"%d-%m-%Y %H:%M", "%d/%m/%y", "%m/%d/%Y %I:%M %p",
                                          "%Y-%m-%dT%H:%M:%S", "%e %b %Y %H:%M:%S",
                                          "%B %d %Y", "%Y%m%d%H%M%S", "%d %b %y %I%p"};
    for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
        int bad = 0;
        bool has_time = strchr(formats[f], 'H') || strchr(formats[f], 'I');
        bool has_min = strchr(formats[f], 'M') != NULL;
        bool has_sec = strchr(formats[f], 'S') != NULL;
        for (int i = 0; i < 2000; i++) {
            /* 1969..2068 so that %y round-trips */
            int64_t t = -31536000LL + (int64_t)(rng() % 3155760000ULL);
            time_t tt = (time_t)t;
            struct tm tm;
            char text[64];
            gmtime_r(&tt, &tm);
            /* The formats are the literals above. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
            size_t n = strftime(text, sizeof text, formats[f], &tm);
#pragma GCC diagnostic pop
            cr_timestamp ts;
            if (!cr_timestamp_parse_format(text, n, formats[f], &ts) ||
                ts.date.year != tm.tm_year + 1900 || ts.date.month != tm.tm_mon + 1 ||
                ts.date.day != tm.tm_mday || ts.hour != (has_time ? tm.tm_hour : 0) ||
                ts.minute != (has_min ? tm.tm_min : 0) ||
                ts.second != (has_sec ? tm.tm_sec : 0) || ts.has_offset) {
                if (bad++ < 3)
                    printf("     '%s' with '%s'\n", text, formats[f]);
            }
        }
        CHECK(bad == 0, "strftime '%s' parses back (2000 values)", formats[f]);
    }
}

static void test_canonical(void)
{
    static const struct {
        cr_timestamp ts;
        const char *text;
    } cases[] = {
        {{{2026, 11, 22}, 14, 5, 9, false, 0}, "2026-11-22T14:05:09"},
        {{{2026, 1, 2}, 3, 4, 5, true, 0}, "2026-01-02T03:04:05Z"},
        {{{2026, 1, 2}, 3, 4, 5, true, 3600}, "2026-01-02T03:04:05+01:00"},
        {{{2026, 1, 2}, 3, 4, 5, true, -12600}, "2026-01-02T03:04:05-03:30"},
        {{{2026, 1, 2}, 3, 4, 5, true, 45900}, "2026-01-02T03:04:05+12:45"},
        {{{1, 1, 1}, 0, 0, 0, false, 0}, "0001-01-01T00:00:00"},
        {{{9999, 12, 31}, 23, 59, 59, true, -50400}, "9999-12-31T23:59:59-14:00"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[26];
        cr_timestamp_format(&cases[i].ts, buf);
        CHECK_STR(buf, cases[i].text, "canonical text #%zu", i);
        cr_timestamp back;
        bool ok = cr_timestamp_parse_canonical(cases[i].text, &back);
        CHECK(ok && cr_date_compare(back.date, cases[i].ts.date) == 0 &&
                  back.hour == cases[i].ts.hour && back.minute == cases[i].ts.minute &&
                  back.second == cases[i].ts.second &&
                  back.has_offset == cases[i].ts.has_offset &&
                  back.offset_seconds == cases[i].ts.offset_seconds,
              "canonical parse back '%s'", cases[i].text);
    }
    static const char *const refused[] = {
        "2026-11-22 14:05:09", "2026-11-22T14:05", "2026-11-22T14:05:09+0100",
        "2026-11-22T14:05:09+01", "2026-11-22T14:05:09z", "2026-11-22T14:05:09.5",
        "2026-11-22T24:00:00", "2026-02-30T00:00:00", "2026-11-22T14:05:09Z ",
        "2026-11-22T14:05:09+01:00x", "", "2026-11-22",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        cr_timestamp ts;
        CHECK(!cr_timestamp_parse_canonical(refused[i], &ts), "canonical refuses '%s'",
              refused[i]);
    }

    /* Oracle: snprintf of gmtime_r fields; every text parses back (ISO too). */
    int bad = 0;
    for (int i = 0; i < 20000; i++) {
        int64_t t = (int64_t)(rng() % 253402300800ULL) - 62135596800LL; /* 0001..9999 */
        time_t tt = (time_t)t;
        struct tm tm;
        gmtime_r(&tt, &tm);
        char want[40], got[26];
        snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        cr_timestamp ts = {cr_civil_from_days(t >= 0 ? t / 86400 : (t - 86399) / 86400),
                           tm.tm_hour, tm.tm_min, tm.tm_sec, false, 0};
        cr_timestamp_format(&ts, got);
        cr_timestamp back, iso;
        if (strcmp(got, want) != 0 || !cr_timestamp_parse_canonical(got, &back) ||
            cr_timestamp_local_seconds(&back) != t ||
            !cr_timestamp_parse_iso(got, strlen(got), &iso) ||
            cr_timestamp_local_seconds(&iso) != t)
            bad++;
    }
    CHECK(bad == 0, "20000 random instants: text matches snprintf, parses back");

    /* 2000-03-01 is day 11017: 951868800 s; 14:05:09 adds 50709. */
    cr_timestamp ts = {{2000, 3, 1}, 14, 5, 9, true, 3600};
    CHECK_INT(cr_timestamp_local_seconds(&ts), 951868800LL + 50709,
              "local_seconds ignores the offset");
    ts = (cr_timestamp){{1969, 12, 31}, 23, 59, 59, false, 0};
    CHECK_INT(cr_timestamp_local_seconds(&ts), -1, "local_seconds before the epoch");
}

int main(void)
{
    test_days();
    test_calendar();
    test_date_parse();
    test_iso();
    test_format_parse();
    test_canonical();
    return unit_exit();
}
