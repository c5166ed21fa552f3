/* test_tz.c - time zones: hand-derived offsets, gaps and overlaps; glibc's
 * localtime_r as an independent oracle (TZ switched in this single-threaded
 * process only); POSIX footer rules against glibc's own TZ-string parser; "slim"
 * files compiled with zic; refused names and files; concurrent use.
 */
#include "csmreport/datetime.h"
#include "csmreport/tz.h"
#include "unit.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Instant of a canonical UTC text ("2026-03-29T01:00:00Z"). */
static int64_t utc_of(const char *text)
{
    cr_timestamp ts;
    if (!cr_timestamp_parse_canonical(text, &ts))
        return INT64_MIN;
    return cr_timestamp_local_seconds(&ts) - (ts.has_offset ? ts.offset_seconds : 0);
}

/* Local seconds of a canonical reading without offset ("2026-03-29T02:30:00"). */
static int64_t local_of(const char *text)
{
    return utc_of(text);
}

/* ---- hand-derived cases -------------------------------------------------- */

/* Weekdays worked out by hand from 2026-01-01 (a Thursday): 29 Mar, 25 Oct,
 * 8 Mar, 1 Nov, 5 Apr and 4 Oct 2026 are Sundays; 2040-01-01 is a Sunday, so
 * 25 Mar, 28 Oct, 11 Mar, 4 Nov 2040 are the rule dates. */
static const struct {
    const char *zone, *utc;
    int offset;
} offset_cases[] = {
    {"Europe/Oslo", "2026-01-15T12:00:00Z", 3600},
    {"Europe/Oslo", "2026-07-15T12:00:00Z", 7200},
    {"Europe/Oslo", "2026-03-29T00:59:59Z", 3600},
    {"Europe/Oslo", "2026-03-29T01:00:00Z", 7200},
    {"Europe/Oslo", "2026-10-25T00:59:59Z", 7200},
    {"Europe/Oslo", "2026-10-25T01:00:00Z", 3600},
    {"Europe/Oslo", "2040-03-25T00:59:59Z", 3600},
    {"Europe/Oslo", "2040-03-25T01:00:00Z", 7200},
    {"Europe/Oslo", "2040-10-28T00:59:59Z", 7200},
    {"Europe/Oslo", "2040-10-28T01:00:00Z", 3600},
    {"Europe/Oslo", "2040-07-01T00:00:00Z", 7200},
    {"America/New_York", "2026-01-15T12:00:00Z", -18000},
    {"America/New_York", "2026-07-15T12:00:00Z", -14400},
    {"America/New_York", "2026-03-08T06:59:59Z", -18000},
    {"America/New_York", "2026-03-08T07:00:00Z", -14400},
    {"America/New_York", "2026-11-01T05:59:59Z", -14400},
    {"America/New_York", "2026-11-01T06:00:00Z", -18000},
    {"America/New_York", "2040-03-11T06:59:59Z", -18000},
    {"America/New_York", "2040-03-11T07:00:00Z", -14400},
    {"America/New_York", "2040-11-04T05:59:59Z", -14400},
    {"America/New_York", "2040-11-04T06:00:00Z", -18000},
    {"Asia/Tokyo", "2026-01-15T12:00:00Z", 32400},
    {"Asia/Tokyo", "2026-07-15T12:00:00Z", 32400},
    {"Asia/Tokyo", "2040-07-15T12:00:00Z", 32400},
    /* Southern DST: AEDT (+11) in January, AEST (+10) in July; ends 5 Apr 2026
     * 03:00 AEDT = 4 Apr 16:00Z, starts 4 Oct 2026 02:00 AEST = 3 Oct 16:00Z. */
    {"Australia/Sydney", "2026-01-15T12:00:00Z", 39600},
    {"Australia/Sydney", "2026-07-15T12:00:00Z", 36000},
    {"Australia/Sydney", "2026-04-04T15:59:59Z", 39600},
    {"Australia/Sydney", "2026-04-04T16:00:00Z", 36000},
    {"Australia/Sydney", "2026-10-03T15:59:59Z", 36000},
    {"Australia/Sydney", "2026-10-03T16:00:00Z", 39600},
    {"Australia/Sydney", "2040-01-15T00:00:00Z", 39600},
    {"Australia/Sydney", "2040-07-15T00:00:00Z", 36000},
    {"Asia/Kolkata", "2026-01-15T12:00:00Z", 19800},
    {"Asia/Kolkata", "2040-07-15T12:00:00Z", 19800},
    /* Newfoundland: -03:30, DST -02:30 on the US dates at 02:00 local. */
    {"America/St_Johns", "2026-01-15T12:00:00Z", -12600},
    {"America/St_Johns", "2026-07-15T12:00:00Z", -9000},
    {"America/St_Johns", "2026-03-08T05:29:59Z", -12600},
    {"America/St_Johns", "2026-03-08T05:30:00Z", -9000},
    {"America/St_Johns", "2040-07-15T12:00:00Z", -9000},
    /* Chatham: +12:45, DST +13:45 in the southern summer. */
    {"Pacific/Chatham", "2026-01-15T12:00:00Z", 49500},
    {"Pacific/Chatham", "2026-07-15T12:00:00Z", 45900},
    {"Pacific/Chatham", "2040-01-15T12:00:00Z", 49500},
    {"UTC", "2026-07-15T12:00:00Z", 0},
    {"Etc/UTC", "2026-07-15T12:00:00Z", 0},
    {"", "2026-07-15T12:00:00Z", 0},
};

static const struct {
    const char *zone, *local, *utc;
} local_cases[] = {
    {"Europe/Oslo", "2026-01-15T12:00:00", "2026-01-15T11:00:00Z"},
    {"Europe/Oslo", "2026-07-15T12:00:00", "2026-07-15T10:00:00Z"},
    /* gap: 02:30 does not exist; read with CET, i.e. 03:30 CEST */
    {"Europe/Oslo", "2026-03-29T02:30:00", "2026-03-29T01:30:00Z"},
    {"Europe/Oslo", "2026-03-29T02:00:00", "2026-03-29T01:00:00Z"},
    {"Europe/Oslo", "2026-03-29T01:59:59", "2026-03-29T00:59:59Z"},
    {"Europe/Oslo", "2026-03-29T03:00:00", "2026-03-29T01:00:00Z"},
    /* overlap: 02:30 happens twice; the earlier (CEST) instant */
    {"Europe/Oslo", "2026-10-25T02:30:00", "2026-10-25T00:30:00Z"},
    {"Europe/Oslo", "2026-10-25T02:00:00", "2026-10-25T00:00:00Z"},
    {"Europe/Oslo", "2026-10-25T03:00:00", "2026-10-25T02:00:00Z"},
    {"Europe/Oslo", "2026-10-25T01:59:59", "2026-10-24T23:59:59Z"},
    {"Europe/Oslo", "2040-03-25T02:30:00", "2040-03-25T01:30:00Z"},
    {"Europe/Oslo", "2040-10-28T02:30:00", "2040-10-28T00:30:00Z"},
    {"America/New_York", "2026-03-08T02:30:00", "2026-03-08T07:30:00Z"},
    {"America/New_York", "2026-03-08T03:00:00", "2026-03-08T07:00:00Z"},
    {"America/New_York", "2026-11-01T01:30:00", "2026-11-01T05:30:00Z"},
    {"America/New_York", "2026-11-01T02:00:00", "2026-11-01T07:00:00Z"},
    {"America/New_York", "2040-03-11T02:30:00", "2040-03-11T07:30:00Z"},
    {"America/New_York", "2040-11-04T01:30:00", "2040-11-04T05:30:00Z"},
    {"Asia/Tokyo", "2026-03-29T02:30:00", "2026-03-28T17:30:00Z"},
    /* Sydney: 5 Apr 2026 02:30 happens twice (earlier is AEDT); 4 Oct 02:30
     * does not exist (read with AEST). */
    {"Australia/Sydney", "2026-04-05T02:30:00", "2026-04-04T15:30:00Z"},
    {"Australia/Sydney", "2026-10-04T02:30:00", "2026-10-03T16:30:00Z"},
    {"Asia/Kolkata", "2026-06-01T00:00:00", "2026-05-31T18:30:00Z"},
    {"America/St_Johns", "2026-03-08T02:30:00", "2026-03-08T06:00:00Z"},
    {"Pacific/Chatham", "2026-07-01T12:45:00", "2026-07-01T00:00:00Z"},
    {NULL, "2026-07-01T12:45:00", "2026-07-01T12:45:00Z"},
};

static void test_hand_cases(void)
{
    for (size_t i = 0; i < sizeof offset_cases / sizeof offset_cases[0]; i++) {
        cr_error err;
        const cr_tz *tz = cr_tz_get(offset_cases[i].zone, &err);
        CHECK(tz != NULL, "load %s", offset_cases[i].zone);
        if (!tz)
            continue;
        int64_t t = utc_of(offset_cases[i].utc);
        CHECK_INT(cr_tz_offset_at(tz, t), offset_cases[i].offset, "offset %s at %s",
                  offset_cases[i].zone, offset_cases[i].utc);
        CHECK_INT(cr_tz_utc_to_local(tz, t), t + offset_cases[i].offset,
                  "utc_to_local %s at %s", offset_cases[i].zone, offset_cases[i].utc);
    }
    for (size_t i = 0; i < sizeof local_cases / sizeof local_cases[0]; i++) {
        const char *zone = local_cases[i].zone;
        const cr_tz *tz = cr_tz_get(zone, NULL);
        CHECK(tz != NULL, "load %s", zone ? zone : "(null)");
        if (!tz)
            continue;
        CHECK_INT(cr_tz_local_to_utc(tz, local_of(local_cases[i].local)),
                  utc_of(local_cases[i].utc), "local_to_utc %s %s", zone ? zone : "(null)",
                  local_cases[i].local);
    }
}

static void test_names(void)
{
    static const char *const good[] = {"UTC", "Etc/UTC", "Europe/Oslo", "America/New_York",
                                       "Etc/GMT+5", "America/Port-au-Prince"};
    static const char *const bad[] = {
        "Nowhere/City", "../etc/passwd", "/etc/passwd", "Europe/../../x", "Europe/Oslo/",
        "Europe//Oslo", "Europe/Oslo\n", "Europe/Oslo ", "zone.tab", "Europe",
        "Europe/Oslo;rm", "%s%s%n", "a\001b", "leapseconds",
        "right/Europe/Oslo", /* leap-second scale: refused (or absent) */
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        CHECK(cr_tz_valid(good[i]), "valid name %s", good[i]);
        const cr_tz *tz = cr_tz_get(good[i], NULL);
        CHECK_STR(tz ? cr_tz_name(tz) : NULL, good[i], "name of %s", good[i]);
    }
    CHECK(cr_tz_valid(NULL) && cr_tz_valid(""), "NULL and empty are UTC");
    CHECK_STR(cr_tz_name(cr_tz_get(NULL, NULL)), "UTC", "default zone named UTC");
    CHECK(cr_tz_get("Europe/Oslo", NULL) == cr_tz_get("Europe/Oslo", NULL), "zone cached");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_error err;
        cr_error_clear(&err);
        CHECK(cr_tz_get(bad[i], &err) == NULL && !cr_tz_valid(bad[i]), "refused name #%zu",
              i);
        CHECK_INT(err.code, EX_DATAERR, "error code for refused name #%zu", i);
        CHECK(strncmp(err.message, "unknown time zone '", 19) == 0,
              "error message for refused name #%zu", i);
    }
    cr_error err;
    cr_tz_get("Nowhere/City", &err);
    CHECK_STR(err.message, "unknown time zone 'Nowhere/City'", "error message text");
    char longname[400];
    memset(longname, 'A', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    CHECK(!cr_tz_valid(longname), "over-long name refused");
}

/* ---- glibc oracle -------------------------------------------------------- */

/* Offset glibc gives at t with the current TZ. */
static int glibc_offset(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm))
        return INT32_MIN;
    return (int)tm.tm_gmtoff;
}

static void set_tz(const char *value)
{
    setenv("TZ", value, 1);
    tzset();
}

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

#define T_1970 0LL
#define T_2046 2398291200LL /* 2046-01-01T00:00:00Z */

/* Compares tz with glibc (TZ already set): random instants, every transition
 * glibc shows in a 6-hour scan (found exactly by bisection), local_to_utc at
 * ordinary readings and inside every gap and overlap. Returns mismatches. */
static int compare_with_glibc(const cr_tz *tz, int samples, int *transitions)
{
    int bad = 0;
    for (int i = 0; i < samples; i++) {
        int64_t t = T_1970 + (int64_t)(rng() % (uint64_t)(T_2046 - T_1970));
        int want = glibc_offset(t);
        if (cr_tz_offset_at(tz, t) != want) {
            if (bad++ < 5)
                printf("     offset at %lld: got %d want %d\n", (long long)t,
                       cr_tz_offset_at(tz, t), want);
        }
        /* Any reading glibc produces maps back to an instant with that reading,
         * never later than this one (overlap: the earlier). */
        int64_t local = t + want;
        int64_t r = cr_tz_local_to_utc(tz, local);
        if (r > t || r + glibc_offset(r) != local) {
            if (bad++ < 5)
                printf("     local_to_utc(%lld): got %lld, from %lld\n", (long long)local,
                       (long long)r, (long long)t);
        }
    }
    int64_t step = 6 * 3600, prev_change = T_1970 - 4 * 86400;
    int prev = glibc_offset(T_1970);
    *transitions = 0;
    for (int64_t t = T_1970 + step; t < T_2046; t += step) {
        int cur = glibc_offset(t);
        if (cur == prev)
            continue;
        int64_t lo = t - step, hi = t; /* offset(lo) == prev, offset(hi) != prev */
        while (hi - lo > 1) {
            int64_t mid = lo + (hi - lo) / 2;
            if (glibc_offset(mid) == prev)
                lo = mid;
            else
                hi = mid;
        }
        int o1 = prev, o2 = glibc_offset(hi);
        (*transitions)++;
        if (cr_tz_offset_at(tz, hi - 1) != o1 || cr_tz_offset_at(tz, hi) != o2) {
            if (bad++ < 5)
                printf("     transition at %lld: got %d/%d want %d/%d\n", (long long)hi,
                       cr_tz_offset_at(tz, hi - 1), cr_tz_offset_at(tz, hi), o1, o2);
        }
        /* In a gap or an overlap the reading is taken with the earlier offset. */
        if (hi - prev_change > 3 * 86400 && (o1 != o2)) {
            int lo_off = o1 < o2 ? o1 : o2, hi_off = o1 < o2 ? o2 : o1;
            int64_t local = hi + lo_off + (hi_off - lo_off) / 2;
            if (cr_tz_local_to_utc(tz, local) != local - o1) {
                if (bad++ < 5)
                    printf("     %s at %lld: got %lld want %lld\n", o2 > o1 ? "gap" : "overlap",
                           (long long)local, (long long)cr_tz_local_to_utc(tz, local),
                           (long long)(local - o1));
            }
        }
        prev_change = hi;
        prev = cur;
    }
    return bad;
}

static const char *const oracle_zones[] = {
    "Europe/Oslo",      "Europe/London",       "Europe/Dublin",    "Europe/Moscow",
    "America/New_York", "America/Los_Angeles", "America/St_Johns", "America/Sao_Paulo",
    "America/Santiago", "America/Nuuk",        "America/Havana",   "America/Asuncion",
    "Asia/Tokyo",       "Asia/Kolkata",        "Asia/Tehran",      "Asia/Jerusalem",
    "Asia/Gaza",        "Australia/Sydney",    "Australia/Lord_Howe", "Pacific/Chatham",
    "Pacific/Auckland", "Pacific/Apia",        "Africa/Casablanca", "Antarctica/Troll",
    "Pacific/Kiritimati", "Asia/Kathmandu",
};

#define NZONES (sizeof oracle_zones / sizeof oracle_zones[0])

static void test_glibc_oracle(void)
{
    int samples = 20000 / (int)NZONES + 1;
    for (size_t i = 0; i < NZONES; i++) {
        const cr_tz *tz = cr_tz_get(oracle_zones[i], NULL);
        CHECK(tz != NULL, "oracle zone %s loads", oracle_zones[i]);
        if (!tz)
            continue;
        set_tz(oracle_zones[i]);
        int transitions;
        int bad = compare_with_glibc(tz, samples, &transitions);
        CHECK(bad == 0, "glibc agrees on %s (%d instants, %d transitions)", oracle_zones[i],
              samples, transitions);
    }
    unsetenv("TZ");
    tzset();
}

/* ---- hand-made TZif files ------------------------------------------------ */

static char tmpdir[] = "/tmp/csmreport-tz.XXXXXX";

static void put32(FILE *f, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    fwrite(b, 1, 4, f);
}

/* Header with one time type, no transitions, and counts for "ABC\0". */
static void put_header(FILE *f, char version)
{
    fwrite("TZif", 1, 4, f);
    fputc(version, f);
    for (int i = 0; i < 15; i++)
        fputc(0, f);
    put32(f, 0); /* isut */
    put32(f, 0); /* isstd */
    put32(f, 0); /* leap */
    put32(f, 0); /* time */
    put32(f, 1); /* type */
    put32(f, 4); /* chars */
}

static void put_type_block(FILE *f, int32_t off)
{
    put32(f, (uint32_t)off);
    fputc(0, f);
    fputc(0, f);
    fwrite("ABC", 1, 4, f);
}

/* A TZif file of version version with no transitions, type 0 at off and
 * (version 2+) the footer rule. */
static void write_tzif(const char *name, char version, int32_t off, const char *footer)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    put_header(f, version);
    put_type_block(f, off);
    if (version) {
        put_header(f, version);
        put_type_block(f, off);
        fprintf(f, "\n%s\n", footer);
    }
    fclose(f);
}

static void write_text(const char *name, const char *text, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fwrite(text, 1, len, f);
    fclose(f);
}

/* Footer strings also given to glibc as TZ values (its own parser). */
static const char *const footer_rules[] = {
    "CET-1CEST,M3.5.0,M10.5.0/3",
    "EST5EDT,M3.2.0,M11.1.0",
    "AEST-10AEDT,M10.1.0,M4.1.0/3",
    "<-02>2<-01>,M3.5.0/-1,M10.5.0/0",       /* America/Nuuk since 2023: negative time */
    "IST-2IDT,M3.4.4/26,M10.5.0",            /* Asia/Jerusalem: past 24h */
    "<-04>4<-03>,M9.1.6/24,M4.1.6/24",       /* America/Santiago */
    "NZST-12NZDT,M9.5.0,M4.1.0/3",
    "<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45",
    "XXX3YYY,J60/2,J300/2",                  /* Jn never counts 29 Feb */
    "XXX3YYY,59/2,299/2",                    /* n counts it */
    "<+0330>-3:30<+0430>,J79/24,J263/24",
    "XXX3YYY,M3.4.4/50,M10.5.5/-26",
    "<+14>-14",
    "GMT0",
};

static void test_footer_rules(void)
{
    char name[64];
    for (size_t i = 0; i < sizeof footer_rules / sizeof footer_rules[0]; i++) {
        snprintf(name, sizeof name, "Rule%zu", i);
        write_tzif(name, '2', 0, footer_rules[i]);
        const cr_tz *tz = cr_tz_get(name, NULL);
        CHECK(tz != NULL, "footer-only zone loads: %s", footer_rules[i]);
        if (!tz)
            continue;
        set_tz(footer_rules[i]);
        int transitions;
        int bad = compare_with_glibc(tz, 3000, &transitions);
        CHECK(bad == 0, "glibc agrees on rule %s (%d transitions)", footer_rules[i],
              transitions);
    }
    unsetenv("TZ");
    tzset();

    /* DST all year (RFC 9636 example): glibc does not handle it, so by hand. */
    write_tzif("AllYear", '3', -18000, "EST5EDT,0/0,J365/25");
    const cr_tz *tz = cr_tz_get("AllYear", NULL);
    CHECK(tz != NULL, "all-year DST zone loads");
    if (tz) {
        CHECK_INT(cr_tz_offset_at(tz, utc_of("2030-01-01T00:00:00Z")), -14400, "all-year DST Jan");
        CHECK_INT(cr_tz_offset_at(tz, utc_of("2030-01-01T04:00:00Z")), -14400,
                  "all-year DST new year");
        CHECK_INT(cr_tz_offset_at(tz, utc_of("2030-07-01T00:00:00Z")), -14400, "all-year DST Jul");
        CHECK_INT(cr_tz_offset_at(tz, utc_of("2030-12-31T23:59:59Z")), -14400, "all-year DST Dec");
    }

    /* Version 1 file (no footer): the one type holds for ever. */
    write_tzif("Version1", 0, 19800, "");
    tz = cr_tz_get("Version1", NULL);
    CHECK(tz && cr_tz_offset_at(tz, utc_of("2030-01-01T00:00:00Z")) == 19800,
          "version 1 file read");
    /* An empty footer: no rule, type 0 holds. */
    write_tzif("EmptyFooter", '2', -3600, "");
    tz = cr_tz_get("EmptyFooter", NULL);
    CHECK(tz && cr_tz_offset_at(tz, utc_of("2030-01-01T00:00:00Z")) == -3600,
          "empty footer read");

    /* Files that must be refused. */
    static const char *const bad_footers[] = {"CET-1CEST,M3.5.0", "CET-1CEST,M13.5.0,M10.5.0",
                                              "CET", "C-1", "CET-1CEST,M3.5.0,M10.5.0/168",
                                              "CET-1 junk"};
    for (size_t i = 0; i < sizeof bad_footers / sizeof bad_footers[0]; i++) {
        snprintf(name, sizeof name, "BadRule%zu", i);
        write_tzif(name, '2', 0, bad_footers[i]);
        CHECK(!cr_tz_valid(name), "bad footer refused: %s", bad_footers[i]);
    }
    write_text("NotTzif", "hello, this is not a time zone file at all, honest; padding....", 64);
    CHECK(!cr_tz_valid("NotTzif"), "file without TZif magic refused");
    write_text("Empty", "", 0);
    CHECK(!cr_tz_valid("Empty"), "empty file refused");
    /* A real file cut short. */
    FILE *f = fopen("/usr/share/zoneinfo/Europe/Oslo", "rb");
    if (f) {
        char buf[300];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        write_text("Truncated", buf, n);
        CHECK(!cr_tz_valid("Truncated"), "truncated file refused");
    }
    char dir[512];
    snprintf(dir, sizeof dir, "%s/Dir", tmpdir);
    mkdir(dir, 0700);
    CHECK(!cr_tz_valid("Dir"), "directory refused");
    rmdir(dir);
}

/* Zones compiled "slim" (footer does all recent years) against glibc on the
 * system's files. Needs zic and tzdata.zi; skipped without them. */
static void test_slim(void)
{
    char cmd[1024];
    if (access("/usr/share/zoneinfo/tzdata.zi", R_OK) != 0 ||
        system("command -v zic >/dev/null 2>&1") != 0) {
        printf("# slim TZif test skipped: no zic or tzdata.zi\n");
        return;
    }
    snprintf(cmd, sizeof cmd, "zic -b slim -d %s/Slim /usr/share/zoneinfo/tzdata.zi 2>/dev/null",
             tmpdir);
    if (system(cmd) != 0) {
        printf("# slim TZif test skipped: zic failed\n");
        return;
    }
    static const char *const zones[] = {"Europe/Oslo", "America/New_York", "Australia/Sydney",
                                        "America/Nuuk", "Asia/Jerusalem", "Pacific/Chatham"};
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
        char name[128], path[256];
        snprintf(name, sizeof name, "Slim/%s", zones[i]);
        snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", zones[i]);
        const cr_tz *tz = cr_tz_get(name, NULL);
        CHECK(tz != NULL, "slim %s loads", zones[i]);
        if (!tz)
            continue;
        set_tz(path);
        int transitions;
        int bad = compare_with_glibc(tz, 2000, &transitions);
        CHECK(bad == 0, "slim %s agrees with glibc (%d transitions)", zones[i], transitions);
    }
    unsetenv("TZ");
    tzset();
    snprintf(cmd, sizeof cmd, "rm -rf %s/Slim", tmpdir);
    if (system(cmd) != 0)
        printf("# could not remove %s/Slim\n", tmpdir);
}

/* ---- threads ------------------------------------------------------------- */

#define THREAD_N 20000

typedef struct job {
    const char *zone;
    uint64_t sum;
    int failed;
} job;

static uint64_t run_job(const char *zone, int *failed)
{
    uint64_t sum = 0;
    const cr_tz *tz = cr_tz_get(zone, NULL);
    if (!tz) {
        *failed = 1;
        return 0;
    }
    for (int i = 0; i < THREAD_N; i++) {
        int64_t t = T_1970 + (T_2046 - T_1970) / THREAD_N * i + i * 7919LL;
        int64_t local = cr_tz_utc_to_local(tz, t);
        sum = sum * 31 + (uint64_t)local;
        sum = sum * 31 + (uint64_t)cr_tz_local_to_utc(tz, local);
    }
    return sum;
}

static void *thread_main(void *arg)
{
    job *j = arg;
    j->sum = run_job(j->zone, &j->failed);
    return NULL;
}

static void test_threads(void)
{
    static const char *const zones[4] = {"Europe/Oslo", "America/New_York",
                                         "Australia/Sydney", "Pacific/Chatham"};
    uint64_t want[4];
    int failed = 0;
    for (int i = 0; i < 4; i++)
        want[i] = run_job(zones[i], &failed);
    CHECK(!failed, "sequential jobs ran");
    for (int round = 0; round < 3; round++) {
        /* Start from an empty cache so the loads race too. */
        cr_tz_cleanup();
        job jobs[8];
        pthread_t th[8];
        for (int i = 0; i < 8; i++) {
            jobs[i] = (job){zones[i % 4], 0, 0};
            if (pthread_create(&th[i], NULL, thread_main, &jobs[i]) != 0)
                jobs[i].failed = 1;
        }
        int same = 1;
        for (int i = 0; i < 8; i++) {
            if (!jobs[i].failed)
                pthread_join(th[i], NULL);
            same = same && !jobs[i].failed && jobs[i].sum == want[i % 4];
        }
        CHECK(same, "8 threads in 4 zones match sequential results (round %d)", round);
    }
}

int main(void)
{
    test_hand_cases();
    test_names();
    test_glibc_oracle();
    test_threads();

    /* From here on zones come from a scratch TZDIR (glibc is given full paths). */
    if (!mkdtemp(tmpdir)) {
        CHECK(0, "mkdtemp");
        return unit_exit();
    }
    setenv("TZDIR", tmpdir, 1);
    test_footer_rules();
    test_slim();
    unsetenv("TZDIR");
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", tmpdir);
    cr_tz_cleanup();
    return unit_exit();
}
