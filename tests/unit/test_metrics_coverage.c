/* test_metrics_coverage.c - coverage (SPEC 5.7): categories, EOS at as-of,
 * unknown models, offline for more than 30 days. */
#include "csmreport/db.h"
#include "metrics_internal.h"
#include "unit.h"

static const char fixture[] =
    "INSERT INTO accounts (account_id, account_name, program, term_start, term_end) VALUES"
    " ('A1', 'Acme', 'elite', '2026-01-01', '2026-12-31'),"
    " ('A2', 'Empty', 'elite', '2026-01-01', '2026-12-31');"
    "INSERT INTO catalog (model, category, eos_date) VALUES"
    " ('H1', 'headset', NULL), ('V1', 'video', '2026-09-30'), ('V2', 'video', '2026-10-01'),"
    " ('P1', 'voice', NULL), ('I1', 'infrastructure', NULL);"
    "INSERT INTO devices (account_id, snapshot_date, serial, model, status, last_seen, last_seen_utc)"
    " VALUES"
    " ('A1', '2026-09-20', 'C1', 'H1', 'online', '2026-07-01T00:00:00Z', unixepoch('2026-07-01')),"
    " ('A1', '2026-09-20', 'C2', 'H1', 'offline', '2026-08-30T12:00:00Z', unixepoch('2026-08-30 12:00:00')),"
    " ('A1', '2026-09-20', 'C3', 'V1', 'offline', '2026-08-31T00:00:00Z', unixepoch('2026-08-31')),"
    " ('A1', '2026-09-20', 'C4', 'V2', NULL, NULL, NULL),"
    " ('A1', '2026-09-20', 'C5', 'X9', 'Offline', '2026-01-01T00:00:00Z', unixepoch('2026-01-01')),"
    " ('A1', '2026-09-20', 'C6', 'P1', 'ONLINE', '2026-01-01T00:00:00Z', unixepoch('2026-01-01')),"
    " ('A1', '2026-09-20', 'C7', 'I1', NULL, '2026-08-15T00:00:00Z', unixepoch('2026-08-15')),"
    " ('A1', '2026-08-01', 'C8', 'H1', 'offline', '2026-01-01T00:00:00Z', unixepoch('2026-01-01'));";

static cr_json *run(sqlite3 *db, const char *account)
{
    cr_error err;
    cr_error_clear(&err);
    cr_period p;
    cr_metrics_ctx ctx;
    cr_json *root = cr_json_object();
    cr_period_parse("2026-Q3", NULL, &p, &err);
    int rc = cr_metrics_ctx_init(&ctx, db, account, &p, NULL, &err);
    if (rc == 0)
        rc = cr_metrics_coverage(&ctx, root, &err);
    CHECK_INT(rc, 0, "coverage section %s (%s)", account, err.message);
    cr_metrics_ctx_free(&ctx);
    return root;
}

static int64_t geti(const cr_json *r, const char *path) { return cr_json_get_int(cr_json_path(r, path)); }

int main(void)
{
    cr_error err;
    cr_error_clear(&err);
    sqlite3 *db = cr_db_open(":memory:", CR_DB_READWRITE, &err);
    CHECK(db != NULL, "open store");
    if (!db)
        return unit_exit();
    CHECK_INT(cr_db_exec(db, fixture, &err), 0, "insert fixture (%s)", err.message);

    cr_json *r = run(db, "A1");
    /* As-of inventory is 2026-09-20 (C1..C7); C8 of August is not in it. */
    CHECK_INT(geti(r, "coverage.devices"), 7, "seven devices");
    CHECK_INT(geti(r, "coverage.by_category.headset"), 2, "headset C1 C2");
    CHECK_INT(geti(r, "coverage.by_category.video"), 2, "video C3 C4");
    CHECK_INT(geti(r, "coverage.by_category.voice"), 1, "voice C6");
    CHECK_INT(geti(r, "coverage.by_category.infrastructure"), 1, "infrastructure C7");
    CHECK_INT(geti(r, "coverage.by_category.unknown"), 1, "unknown C5");
    /* V1's eos_date is the as-of date (on or before: EOS); V2's the day after. */
    CHECK_INT(geti(r, "coverage.eos"), 1, "eos: C3 only");
    CHECK_INT(geti(r, "coverage.unknown_model"), 1, "unknown model X9");
    /* Offline > 30 days before 2026-09-30: C2 (08-30, 31 days), C5 (status
     * 'Offline'), C7 (no status); not C3 (08-31, exactly 30), C6 ('ONLINE'),
     * C1 (online), C4 (never seen). */
    CHECK_INT(geti(r, "coverage.offline_30d"), 3, "offline_30d: C2 C5 C7");
    /* by_model ordered by category then model: headset H1 first. */
    CHECK_STR(cr_json_get_string(cr_json_path(r, "coverage.by_model.0.model")), "H1", "by_model first H1");
    CHECK_INT(geti(r, "coverage.by_model.0.count"), 2, "H1 count 2");
    cr_json_free(r);

    r = run(db, "A2");
    CHECK(cr_json_get(r, "coverage") && cr_json_is_null(cr_json_get(r, "coverage")),
          "no inventory: coverage null");
    CHECK(cr_json_get_string(cr_json_get(r, "coverage_reason")) != NULL, "coverage_reason given");
    cr_json_free(r);

    cr_db_close(db);
    cr_tz_cleanup();
    return unit_exit();
}
