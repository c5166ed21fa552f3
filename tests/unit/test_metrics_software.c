/* test_metrics_software.c - software currency (SPEC 5.6) on a small fixture:
 * release order by date then numeric version, prefix matching, unknowns. */
#include "csmreport/db.h"
#include "metrics_internal.h"
#include "unit.h"

static const char fixture[] =
    "INSERT INTO accounts (account_id, account_name, program, term_start, term_end) VALUES"
    " ('A1', 'Acme', 'elite', '2026-01-01', '2026-12-31'),"
    " ('A2', 'Empty', 'elite', '2026-01-01', '2026-12-31');"
    "INSERT INTO firmware (model, version, release_date) VALUES"
    " ('M1', '4.0.1', '2026-01-10'), ('M1', '4.0.2', '2026-03-01'),"
    " ('M1', '4.1.0', '2026-06-01'), ('M1', '4.2.0', '2026-10-15'),"
    " ('M2', '8.0', '2026-01-01'), ('M2', '9.9', '2026-05-01'), ('M2', '10.0', '2026-05-01');"
    "INSERT INTO devices (account_id, snapshot_date, serial, model, firmware) VALUES"
    " ('A1', '2026-09-15', 'D1', 'M1', '4.1.0'),"
    " ('A1', '2026-09-15', 'D2', 'M1', '4.0.2.0002'),"
    " ('A1', '2026-09-15', 'D3', 'M1', '4.0.1'),"
    " ('A1', '2026-09-15', 'D4', 'M1', '4.0.20'),"
    " ('A1', '2026-09-15', 'D5', 'M1', NULL),"
    " ('A1', '2026-09-15', 'D6', 'M1', '4.2.0'),"
    " ('A1', '2026-09-15', 'D7', 'M2', '10.0'),"
    " ('A1', '2026-09-15', 'D8', 'M2', '9.9.1'),"
    " ('A1', '2026-09-15', 'D9', 'M2', '8.0'),"
    " ('A1', '2026-09-15', 'D10', 'M3', '1.0'),"
    " ('A1', '2026-08-01', 'D11', 'M1', '4.1.0');";

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
        rc = cr_metrics_software(&ctx, root, &err);
    CHECK_INT(rc, 0, "software section %s (%s)", account, err.message);
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
    /* current: D1 (M1 4.1.0), D7 (M2 10.0 beats 9.9 of the same day numerically). */
    CHECK_INT(geti(r, "software.current"), 2, "current: D1 D7");
    /* n_minus_1: D2 (4.0.2.0002 is release 4.0.2), D8 (9.9.1 is release 9.9). */
    CHECK_INT(geti(r, "software.n_minus_1"), 2, "n_minus_1: D2 D8");
    CHECK_INT(geti(r, "software.outdated"), 2, "outdated: D3 D9");
    /* unknown: D4 (4.0.20 is not 4.0.2 + '.'), D5 (no firmware), D6 (released
     * after as-of), D10 (model without releases). */
    CHECK_INT(geti(r, "software.unknown"), 4, "unknown: D4 D5 D6 D10");
    CHECK_INT(geti(r, "software.devices"), 10, "devices of the as-of inventory only");
    CHECK(cr_json_get_number(cr_json_path(r, "software.supported_rate")) == 0.4,
          "supported = 4/10");
    CHECK_STR(cr_json_get_string(cr_json_path(r, "software.by_model.0.model")), "M1", "model M1 first");
    CHECK_STR(cr_json_get_string(cr_json_path(r, "software.by_model.0.latest")), "4.1.0",
              "M1 latest ignores the release after as-of");
    CHECK_INT(geti(r, "software.by_model.0.unknown"), 3, "M1 unknown 3");
    CHECK_STR(cr_json_get_string(cr_json_path(r, "software.by_model.1.latest")), "10.0",
              "tie of release_date broken by numeric version: 10.0 > 9.9");
    CHECK_INT(geti(r, "software.by_model.1.n_minus_1"), 1, "M2 n_minus_1");
    CHECK(cr_json_is_null(cr_json_path(r, "software.by_model.2.latest")) &&
              cr_json_path(r, "software.by_model.2.latest"),
          "M3 without releases: latest null");
    CHECK_INT(geti(r, "software.by_model.2.unknown"), 1, "M3 unknown 1");
    cr_json_free(r);

    r = run(db, "A2");
    CHECK(cr_json_get(r, "software") && cr_json_is_null(cr_json_get(r, "software")),
          "no inventory: software null");
    CHECK(cr_json_get_string(cr_json_get(r, "software_reason")) != NULL, "software_reason given");
    cr_json_free(r);

    cr_db_close(db);
    cr_tz_cleanup();
    return unit_exit();
}
