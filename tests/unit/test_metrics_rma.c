/* test_metrics_rma.c - the headset RMA rate of SPEC 5.2 on hand-made fixtures:
 * an RMA number on two tickets counted once, the year window in local time,
 * exactly 5 % (no breach) and just above, excess and exposure at list price,
 * the projection, the inventory basis, an installed base of 0, and neither a
 * contract nor an inventory. */
#include <math.h>
#include <stdlib.h>

#include "csmreport/db.h"
#include "metrics_internal.h"
#include "unit.h"
#include "metrics_fixture.h"


/* A ticket; timestamps carry explicit offsets, so their UTC instants are plain
 * SQLite date arithmetic. approved may be NULL. */
static void add_ticket(const char *id, const char *account, const char *model, const char *rma,
                       const char *opened, const char *approved)
{
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db,
                       "INSERT INTO tickets (ticket_id, account_id, model, priority, opened_at,"
                       " rma_number, rma_approved_at, opened_utc, rma_approved_utc)"
                       " VALUES (?1, ?2, ?3, 'P2', ?4, ?5, ?6, CAST(strftime('%s', ?4) AS INTEGER),"
                       " CAST(strftime('%s', ?6) AS INTEGER))",
                       -1, &st, NULL);
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, account, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, model, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, opened, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, rma, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, approved, -1, SQLITE_STATIC);
    CHECK_INT(sqlite3_step(st), SQLITE_DONE, "add ticket %s", id);
    sqlite3_finalize(st);
}

/* Runs trueup (which fills the installed base) then rma. */
static cr_json *run(const char *account, const char *period_text)
{
    cr_metrics_ctx ctx;
    cr_period period;
    cr_error err;
    cr_error_clear(&err);
    CHECK_INT(cr_period_parse(period_text, NULL, &period, &err), 0, "period %s", period_text);
    CHECK_INT(cr_metrics_ctx_init(&ctx, db, account, &period, NULL, &err), 0, "ctx %s", account);
    cr_json *root = cr_json_object();
    CHECK_INT(cr_metrics_trueup(&ctx, root, &err), 0, "trueup for %s", account);
    int rc = cr_metrics_rma(&ctx, root, &err);
    if (rc)
        printf("rma failed: %s\n", err.message);
    CHECK_INT(rc, 0, "rma section for %s %s", account, period_text);
    cr_metrics_ctx_free(&ctx);
    return root;
}

static void fixtures(void)
{
    exec("INSERT INTO catalog VALUES ('HA', 'headset', NULL, 150000000),"
         " ('HB', 'headset', NULL, 80000000), ('VA', 'video', NULL, 2000000000);"
         "INSERT INTO accounts (account_id, account_name, program, term_start, term_end,"
         " timezone, currency)"
         " VALUES ('R1', 'One', 'enterprise', '2026-01-01', '2026-12-31', 'Europe/Oslo', 'EUR'),"
         " ('R2', 'Two', 'poly_plus', '2026-01-01', '2026-12-31', 'UTC', 'EUR'),"
         " ('R3', 'Three', 'enterprise', '2026-01-01', '2026-12-31', 'UTC', 'EUR'),"
         " ('R4', 'Four', 'elite', '2026-01-01', '2026-12-31', 'UTC', 'EUR');"
         "INSERT INTO contracts VALUES ('R1', 'headset', 100, NULL, 5000000, 5000000),"
         " ('R3', 'headset', 0, NULL, 5000000, 5000000);");

    /* R1 (Europe/Oslo): five headset RMAs in 2026 up to 30 September. */
    add_ticket("t1", "R1", "HA", "RMA-1", "2026-02-10T09:00:00+01:00", "2026-02-10T10:00:00+01:00");
    add_ticket("t2", "R1", "HA", "RMA-2", "2026-03-05T08:00:00+01:00", "2026-03-05T09:00:00+01:00");
    add_ticket("t3", "R1", "HB", "RMA-3", "2026-05-20T08:00:00+02:00", "2026-05-20T12:00:00+02:00");
    /* A second ticket for RMA-3: the same RMA, counted once. */
    add_ticket("t3b", "R1", "HB", "RMA-3", "2026-05-21T08:00:00+02:00", "2026-05-21T09:00:00+02:00");
    /* No approval: dated by opened_at. */
    add_ticket("t4", "R1", "HA", "RMA-4", "2026-07-01T08:00:00+02:00", NULL);
    add_ticket("t5", "R1", "HB", "RMA-5", "2026-09-29T14:00:00+02:00", "2026-09-29T15:00:00+02:00");
    /* 22:30 UTC on 31 Dec 2025 is 23:30 in Oslo: the previous year. */
    add_ticket("t6", "R1", "HA", "RMA-0", "2025-12-31T20:00:00Z", "2025-12-31T22:30:00Z");
    /* RMA-J: approved in January 2027 on one ticket, but a ticket without approval
     * opened on 2 October 2026 dates it then (earliest approval-or-opening). */
    add_ticket("t11", "R1", "HA", "RMA-J", "2026-12-30T09:00:00Z", "2027-01-04T09:00:00Z");
    add_ticket("t12", "R1", "HA", "RMA-J", "2026-10-02T09:00:00Z", NULL);
    /* A video RMA (other_categories) and a headset RMA after as-of. */
    add_ticket("t7", "R1", "VA", "RMA-V", "2026-04-01T09:00:00+02:00", "2026-04-01T10:00:00+02:00");
    add_ticket("t8", "R1", "HA", "RMA-F", "2026-10-05T09:00:00+02:00", "2026-10-05T10:00:00+02:00");
    /* A headset ticket without an RMA number. */
    add_ticket("t9", "R1", "HA", NULL, "2026-06-01T09:00:00+02:00", NULL);

    /* R2 (no headset contract): 40 headsets and 10 video in the June inventory. */
    add_devices("R2", "2026-06-15", "HA", 40, "r2h");
    add_devices("R2", "2026-06-15", "VA", 10, "r2v");
    add_ticket("u1", "R2", "HA", "RMA-U1", "2026-03-01T09:00:00Z", "2026-03-01T10:00:00Z");

    /* R3 (headset contract of 0): one RMA. */
    add_ticket("w1", "R3", "HA", "RMA-W1", "2026-03-01T09:00:00Z", "2026-03-01T10:00:00Z");

    /* R4: neither contract nor inventory. */
    add_ticket("x1", "R4", "HA", "RMA-X1", "2026-03-01T09:00:00Z", "2026-03-01T10:00:00Z");
}

static void test_contract_basis(void)
{
    cr_json *root = run("R1", "2026-Q3");
    /* RMA-1, -2, -3 (two tickets), -4, -5; not RMA-0 (2025 local), RMA-V, RMA-F. */
    CHECK_STR(text_at(root, "rma.year"), "2026", "year of as-of");
    CHECK_STR(text_at(root, "rma.category"), "\"headset\"", "category headset");
    CHECK_STR(text_at(root, "rma.count"), "5", "distinct headset RMAs in the year to date");
    CHECK_STR(text_at(root, "rma.installed_base"), "100", "agreed headset count");
    CHECK_STR(text_at(root, "rma.basis"), "\"contract\"", "contract basis");
    CHECK_STR(text_at(root, "rma.rate"), "0.05", "5 / 100");
    CHECK_STR(text_at(root, "rma.threshold"), "0.05", "threshold 5 %%");
    /* 100 x 5 = 500 is not > 5 x 100 = 500. */
    CHECK_STR(text_at(root, "rma.breach"), "false", "exactly 5 %% is not a breach");
    CHECK_STR(text_at(root, "rma.applicable"), "true", "enterprise terms carry the threshold");
    /* floor(0.05 x 100) = 5; 5 - 5 = 0. */
    CHECK_STR(text_at(root, "rma.excess_count"), "0", "no excess at the threshold");
    CHECK_STR(text_at(root, "rma.exposure"), "0.00", "no exposure");
    /* 1 Jan..30 Sep = 273 days; 5 x 365 / 273 = 6.68498...; / 100 > 0.05. */
    CHECK(fabs(cr_json_get_number(cr_json_path(root, "rma.projected_count")) - 5.0 * 365 / 273) < 1e-9,
          "projected_count 5 x 365 / 273");
    CHECK(fabs(cr_json_get_number(cr_json_path(root, "rma.projected_rate")) - 5.0 * 365 / 273 / 100) < 1e-12,
          "projected_rate");
    CHECK_STR(text_at(root, "rma.at_risk"), "true", "not breached yet, projected above");
    /* HA: RMA-1, -2, -4; HB: RMA-3, -5. */
    CHECK_STR(text_at(root, "rma.by_model"), "[{\"model\":\"HA\",\"count\":3},{\"model\":\"HB\",\"count\":2}]",
              "by_model, most first");
    CHECK_STR(text_at(root, "rma.other_categories.video"), "1", "one video RMA");
    CHECK_STR(text_at(root, "rma.other_categories.voice"), "0", "no voice RMA");
    CHECK(cr_json_get(root, "rma_reason") == NULL, "no rma_reason");
    cr_json_free(root);

    /* One more headset RMA at 23:30 local on 30 September (21:30 UTC): 6. */
    add_ticket("t10", "R1", "HB", "RMA-6", "2026-09-30T21:00:00Z", "2026-09-30T21:30:00Z");
    root = run("R1", "2026-Q3");
    CHECK_STR(text_at(root, "rma.count"), "6", "late evening of as-of counts");
    /* 600 > 500. */
    CHECK_STR(text_at(root, "rma.breach"), "true", "just above 5 %% is a breach");
    CHECK_STR(text_at(root, "rma.at_risk"), "false", "at_risk only when not breached");
    /* 6 - floor(5) = 1; the most recent RMA is RMA-6 (HB, 80.00). */
    CHECK_STR(text_at(root, "rma.excess_count"), "1", "one RMA over the threshold");
    CHECK_STR(text_at(root, "rma.exposure"), "80.00", "list price of the most recent RMA's model");
    /* HA 3, HB 3: ties by model name. */
    CHECK_STR(text_at(root, "rma.by_model.1.count"), "3", "HB now 3");
    cr_json_free(root);

    /* The same RMAs seen from as-of 2026-10-31: RMA-F (5 Oct) and RMA-J (2 Oct)
     * are now in the window: 6 + 2 = 8. */
    root = run("R1", "2026-10");
    CHECK_STR(text_at(root, "rma.count"), "8", "October as-of includes RMA-F and RMA-J");
    /* 8 - 5 = 3: RMA-F (HA 150.00), RMA-J (HA 150.00), RMA-6 (HB 80.00). */
    CHECK_STR(text_at(root, "rma.excess_count"), "3", "three over the threshold");
    CHECK_STR(text_at(root, "rma.exposure"), "380.00", "three most recent RMAs at list price");
    cr_json_free(root);
}

static void test_inventory_basis(void)
{
    cr_json *root = run("R2", "2026-06");
    CHECK_STR(text_at(root, "rma.basis"), "\"inventory\"", "no headset contract: inventory basis");
    CHECK_STR(text_at(root, "rma.installed_base"), "40", "headsets in the as-of inventory");
    CHECK_STR(text_at(root, "rma.count"), "1", "one RMA");
    CHECK_STR(text_at(root, "rma.rate"), "0.025", "1 / 40");
    CHECK_STR(text_at(root, "rma.breach"), "false", "2.5 %% is no breach");
    CHECK_STR(text_at(root, "rma.applicable"), "false", "poly_plus: information only");
    /* 181 days to 30 June: 100 x 365 = 36500 > 5 x 40 x 181 = 36200. */
    CHECK_STR(text_at(root, "rma.at_risk"), "true", "projection 1 x 365 / 181 / 40 above 5 %%");
    CHECK_STR(text_at(root, "rma.other_categories.video"), "0", "no video RMA");
    cr_json_free(root);
}

static void test_base_zero_and_none(void)
{
    cr_json *root = run("R3", "2026-Q1");
    CHECK_STR(text_at(root, "rma.installed_base"), "0", "agreed count 0");
    CHECK_STR(text_at(root, "rma.rate"), "null", "rate null with base 0");
    CHECK_STR(text_at(root, "rma.breach"), "null", "breach null with base 0");
    CHECK_STR(text_at(root, "rma.projected_rate"), "null", "projected_rate null with base 0");
    CHECK(cr_json_get_string(cr_json_get(root, "rma_reason")) != NULL, "rma_reason with base 0");
    /* 1 - floor(0) = 1 at HA's 150.00. */
    CHECK_STR(text_at(root, "rma.excess_count"), "1", "every RMA is excess over a base of 0");
    CHECK_STR(text_at(root, "rma.exposure"), "150.00", "exposure at list price");
    cr_json_free(root);

    root = run("R4", "2026-Q1");
    CHECK_STR(text_at(root, "rma"), "null", "no contract and no inventory: rma null");
    CHECK_STR(text_at(root, "rma_reason"), "\"no headset contract line and no inventory\"", "rma_reason");
    cr_json_free(root);
}

int main(void)
{
    cr_error err;
    cr_error_clear(&err);
    db = cr_db_open(":memory:", CR_DB_READWRITE, &err);
    CHECK(db != NULL, "open in-memory store");
    if (!db)
        return unit_exit();
    fixtures();
    test_contract_basis();
    test_inventory_basis();
    test_base_zero_and_none();
    cr_db_close(db);
    cr_tz_cleanup();
    return unit_exit();
}
