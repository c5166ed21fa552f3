/* test_metrics_adoption.c - adoption (SPEC 5.1) on a small hand-made fixture. */
#include <stdlib.h>

#include "csmreport/db.h"
#include "metrics_internal.h"
#include "unit.h"

static const char fixture[] =
    "INSERT INTO accounts (account_id, account_name, program, term_start, term_end) VALUES"
    " ('A1', 'Acme', 'enterprise', '2026-01-01', '2026-12-31'),"
    " ('A2', 'Empty', 'elite', '2026-01-01', '2026-12-31');"
    "INSERT INTO catalog (model, category, eos_date) VALUES"
    " ('H1', 'headset', NULL), ('V1', 'video', '2026-06-30');"
    /* July: S1..S3; no August snapshot; September: S1..S5 (S3's model X1 is unknown). */
    "INSERT INTO devices (account_id, snapshot_date, serial, model, site) VALUES"
    " ('A1', '2026-07-15', 'S1', 'H1', 'Oslo'),"
    " ('A1', '2026-07-15', 'S2', 'V1', 'Oslo'),"
    " ('A1', '2026-07-15', 'S3', 'X1', 'Bergen'),"
    " ('A1', '2026-09-10', 'S1', 'H1', 'Oslo'),"
    " ('A1', '2026-09-10', 'S2', 'V1', 'Oslo'),"
    " ('A1', '2026-09-10', 'S3', 'X1', 'Bergen'),"
    " ('A1', '2026-09-10', 'S4', 'H1', 'Bergen'),"
    " ('A1', '2026-09-10', 'S5', 'V1', NULL);"
    "INSERT INTO usage (date, serial, account_id, calls, call_minutes) VALUES"
    " ('2026-07-02', 'S1', 'A1', 2, 30),"
    " ('2026-09-15', 'S1', 'A1', 1, 10),"
    " ('2026-08-05', 'S2', 'A1', 0, 0),"
    " ('2026-09-20', 'S3', 'A1', 0, 5),"
    " ('2026-06-30', 'S5', 'A1', 3, 20),"
    " ('2026-07-03', 'S9', 'A1', 5, 100);"
    /* One 89-second call of S4: 1 call, (89 + 30) / 60 = 1 minute. */
    "INSERT INTO calls (serial, start_time, account_id, end_time, start_utc, end_utc, local_date)"
    " VALUES ('S4', '2026-09-01T10:00:00Z', 'A1', '2026-09-01T10:01:29Z',"
    "         1788256800, 1788256889, '2026-09-01');";

static cr_json *adoption(sqlite3 *db, const char *account, const char *period_text, bool daily)
{
    cr_error err;
    cr_error_clear(&err);
    cr_period p;
    cr_metrics_ctx ctx;
    cr_metrics_options opt = {.daily_usage = daily};
    cr_json *root = cr_json_object();
    cr_period_parse(period_text, NULL, &p, &err);
    int rc = cr_metrics_ctx_init(&ctx, db, account, &p, &opt, &err);
    if (rc == 0)
        rc = cr_metrics_adoption(&ctx, root, &err);
    CHECK_INT(rc, 0, "adoption %s %s%s (%s)", account, period_text, daily ? " daily" : "", err.message);
    cr_metrics_ctx_free(&ctx);
    return root;
}

static char *json_text(const cr_json *doc)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f) {
        cr_json_write(doc, f, 0);
        fclose(f);
    }
    return text;
}

/* The adoption section, checked to be the same from the monthly roll-up (whole
 * months) and from the daily rows. */
static cr_json *run(sqlite3 *db, const char *account, const char *period_text)
{
    cr_json *root = adoption(db, account, period_text, false);
    cr_json *daily = adoption(db, account, period_text, true);
    char *a = json_text(root), *b = json_text(daily);
    CHECK(a && b && strcmp(a, b) == 0, "%s %s: roll-up and daily rows agree", account, period_text);
    free(a);
    free(b);
    cr_json_free(daily);
    return root;
}

static int64_t geti(const cr_json *r, const char *path) { return cr_json_get_int(cr_json_path(r, path)); }
static double getd(const cr_json *r, const char *path) { return cr_json_get_number(cr_json_path(r, path)); }
static bool is_null(const cr_json *r, const char *path)
{
    const cr_json *v = cr_json_path(r, path);
    return v && cr_json_is_null(v);
}

int main(void)
{
    cr_error err;
    cr_error_clear(&err);
    sqlite3 *db = cr_db_open(":memory:", CR_DB_READWRITE, &err);
    CHECK(db != NULL, "open store");
    if (!db)
        return unit_exit();
    CHECK_INT(cr_db_exec(db, fixture, &err), 0, "insert fixture (%s)", err.message);

    cr_json *r = run(db, "A1", "2026-Q3");
    /* Last month's inventory is the 2026-09-10 snapshot: S1..S5. */
    CHECK_INT(geti(r, "adoption.deployed"), 5, "deployed = 5 devices of september");
    /* Active in P: S1 (calls), S3 (minutes only), S4 (call records); not S2 (0/0), not S5 (June). */
    CHECK_INT(geti(r, "adoption.active"), 3, "active = 3");
    CHECK(getd(r, "adoption.rate") == 0.6, "rate = 3/5");
    /* Minutes: S1 30+10, S3 5, S4 1 = 46; S9 (outside inventory) and S5's June row not counted. */
    CHECK_INT(geti(r, "adoption.call_minutes"), 46, "call minutes of deployed devices in P");
    /* 46 minutes over 3 active devices, unrounded like a rate. */
    CHECK(getd(r, "adoption.minutes_per_active_device") == 46.0 / 3.0, "minutes per active device = 46/3");

    /* July: 07-15 snapshot S1..S3, only S1 used in July. */
    CHECK_STR(cr_json_get_string(cr_json_path(r, "adoption.by_month.0.month")), "2026-07", "by_month july");
    CHECK_INT(geti(r, "adoption.by_month.0.deployed"), 3, "july deployed 3");
    CHECK_INT(geti(r, "adoption.by_month.0.active"), 1, "july active 1");
    CHECK(!cr_json_get_bool(cr_json_path(r, "adoption.by_month.0.stale")), "july not stale");
    /* August: no snapshot, July's carried forward (stale); S2's only row is 0/0. */
    CHECK_INT(geti(r, "adoption.by_month.1.deployed"), 3, "august carries july's 3");
    CHECK(cr_json_get_bool(cr_json_path(r, "adoption.by_month.1.stale")), "august stale");
    CHECK_INT(geti(r, "adoption.by_month.1.active"), 0, "august active 0");
    CHECK(getd(r, "adoption.by_month.1.rate") == 0, "august rate 0");
    /* September: 5 devices, S1 S3 S4 used in September. */
    CHECK_INT(geti(r, "adoption.by_month.2.deployed"), 5, "september deployed 5");
    CHECK_INT(geti(r, "adoption.by_month.2.active"), 3, "september active 3");
    CHECK_INT(cr_json_size(cr_json_path(r, "adoption.by_month")), 3, "three months");

    /* Categories: headset S1 S4 (both active); video S2 S5 (none); unknown S3 (active). */
    CHECK_INT(geti(r, "adoption.by_category.headset.deployed"), 2, "headset deployed");
    CHECK(getd(r, "adoption.by_category.headset.rate") == 1, "headset rate 1");
    CHECK_INT(geti(r, "adoption.by_category.video.deployed"), 2, "video deployed");
    CHECK_INT(geti(r, "adoption.by_category.video.active"), 0, "video active");
    CHECK_INT(geti(r, "adoption.by_category.unknown.active"), 1, "unknown model active");
    CHECK(is_null(r, "adoption.by_category.voice.rate"), "voice: no devices, rate null");
    CHECK_INT(geti(r, "adoption.by_category.infrastructure.deployed"), 0, "infrastructure 0");

    /* Sites in name order: "" (S5), Bergen (S3, S4: 5 + 1 minutes), Oslo (S1, S2: 40). */
    CHECK_STR(cr_json_get_string(cr_json_path(r, "adoption.by_site.0.site")), "", "site without name");
    CHECK_STR(cr_json_get_string(cr_json_path(r, "adoption.by_site.1.site")), "Bergen", "site Bergen");
    CHECK_INT(geti(r, "adoption.by_site.1.active"), 2, "Bergen active 2");
    CHECK_INT(geti(r, "adoption.by_site.1.call_minutes"), 6, "Bergen minutes 6");
    CHECK_INT(geti(r, "adoption.by_site.2.call_minutes"), 40, "Oslo minutes 40");
    CHECK(getd(r, "adoption.by_site.2.rate") == 0.5, "Oslo rate 1/2");
    cr_json_free(r);

    /* June has no snapshot and none before it: no inventory, null with a reason. */
    r = run(db, "A1", "2026-06-01..2026-07-31");
    CHECK(is_null(r, "adoption.by_month.0.deployed"), "june before the first snapshot: null");
    CHECK(cr_json_get_string(cr_json_path(r, "adoption.by_month.0.deployed_reason")) != NULL,
          "june has a deployed_reason");
    CHECK_INT(geti(r, "adoption.by_month.1.deployed"), 3, "july in the range");
    /* S5's June usage is in P but S5 is not in July's inventory. */
    CHECK_INT(geti(r, "adoption.call_minutes"), 30, "range minutes: S1's 30 in July");
    cr_json_free(r);

    /* An account without any inventory: adoption null with adoption_reason. */
    r = run(db, "A2", "2026-Q3");
    CHECK(is_null(r, "adoption"), "no inventory: adoption null");
    CHECK(cr_json_get_string(cr_json_get(r, "adoption_reason")) != NULL, "adoption_reason given");
    cr_json_free(r);

    cr_db_close(db);
    cr_tz_cleanup();
    return unit_exit();
}
