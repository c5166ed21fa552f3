/* test_metrics_trueup.c - the true-up walk of SPEC 5.4 on hand-made fixtures:
 * exact +5 % thresholds, two true-ups in one term, a 2.5 % trueup_pct,
 * half-cent and half-yen charges, stale months, EOS devices, N = 0, the walk
 * ending with the term, and an account without contract lines. */
#include <stdlib.h>

#include "csmreport/db.h"
#include "metrics_internal.h"
#include "unit.h"
#include "metrics_fixture.h"


/* Runs the trueup section for account and period into a new document. */
static cr_json *run(const char *account, const char *period_text, cr_metrics_ctx *ctx)
{
    cr_period period;
    cr_error err;
    cr_error_clear(&err);
    CHECK_INT(cr_period_parse(period_text, NULL, &period, &err), 0, "period %s", period_text);
    CHECK_INT(cr_metrics_ctx_init(ctx, db, account, &period, NULL, &err), 0, "ctx %s", account);
    cr_json *root = cr_json_object();
    int rc = cr_metrics_trueup(ctx, root, &err);
    if (rc)
        printf("trueup failed: %s\n", err.message);
    CHECK_INT(rc, 0, "trueup section for %s %s", account, period_text);
    return root;
}

static void fixtures(void)
{
    exec("INSERT INTO catalog VALUES ('H1', 'headset', NULL, 150000000),"
         " ('H2', 'headset', '2026-03-31', 90000000),"
         " ('V1', 'video', NULL, NULL), ('C1', 'voice', NULL, NULL);"
         "INSERT INTO accounts (account_id, account_name, program, term_start, term_end, currency)"
         " VALUES ('T1', 'One', 'enterprise', '2026-01-01', '2026-12-31', 'EUR'),"
         " ('T2', 'Two', 'enterprise', '2026-07-01', '2027-06-30', 'EUR'),"
         " ('T3', 'Three', 'poly_plus', '2025-01-01', '2025-12-31', 'JPY'),"
         " ('T4', 'Four', 'enterprise', '2026-01-01', '2026-12-31', 'EUR');"
         /* T1: headset 100 at 60.00 EUR, 5 %; video 100 without price at 2.5 %. */
         "INSERT INTO contracts VALUES ('T1', 'headset', 100, 60000000, 5000000, 5000000),"
         " ('T1', 'video', 100, NULL, 2500000, 4000000),"
         /* T2: headset 0 at 10.02 EUR. */
         " ('T2', 'headset', 0, 10020000, 5000000, 5000000),"
         /* T3: voice 10 at 1001 JPY. */
         " ('T3', 'voice', 10, 1001000000, 5000000, 5000000);");

    /* T1 January: 103 H1 + 1 H2 (not EOS before 31 March) = 104 headsets; 102 video. */
    add_devices("T1", "2026-01-15", "H1", 103, "h1a");
    add_devices("T1", "2026-01-15", "H2", 1, "h2a");
    add_devices("T1", "2026-01-15", "V1", 102, "v1a");
    /* February: no snapshot. March: 105 H1 + 3 H2 (EOS on 31 March) + 2 unknown. */
    add_devices("T1", "2026-03-10", "H1", 105, "h1b");
    add_devices("T1", "2026-03-10", "H2", 3, "h2b");
    add_devices("T1", "2026-03-10", "ZZ", 2, "zzb");
    add_devices("T1", "2026-03-10", "V1", 103, "v1b");
    /* An earlier March snapshot that the later one supersedes. */
    add_devices("T1", "2026-03-02", "H1", 500, "h1x");
    /* April: 110 headsets; May: 111; June: none. */
    add_devices("T1", "2026-04-20", "H1", 110, "h1c");
    add_devices("T1", "2026-04-20", "V1", 103, "v1c");
    add_devices("T1", "2026-05-05", "H1", 111, "h1d");
    add_devices("T1", "2026-05-05", "V1", 103, "v1d");
    /* A snapshot after as-of (2026-06-30) that must not be seen. */
    add_devices("T1", "2026-07-01", "H1", 300, "h1e");

    /* T2: first snapshot in September (0 headsets), next in December (1). */
    add_devices("T2", "2026-09-01", "V1", 4, "t2v");
    add_devices("T2", "2026-12-01", "H1", 1, "t2h");

    /* T3: 11 voice in July 2025; 20 in February 2026, after the term. */
    add_devices("T3", "2025-07-10", "C1", 11, "t3c");
    add_devices("T3", "2026-02-01", "C1", 20, "t3d");
}

static void test_two_trueups(void)
{
    cr_metrics_ctx ctx;
    cr_json *root = run("T1", "2026-Q2", &ctx);
    /* 2 categories x January..June (every month has a snapshot or a carried one). */
    CHECK_INT(cr_json_size(cr_json_get(root, "trueup")), 12, "T1: 6 months x 2 categories");
    CHECK_STR(text_at(root, "billable"), "true", "enterprise is billable");

    /* January: M = 104 (H2 not EOS until 31 March), N = 100: 400 < 500. */
    CHECK_STR(text_at(root, "trueup.0.category"), "\"headset\"", "headset rows first");
    CHECK_STR(text_at(root, "trueup.0.month"), "\"2026-01\"", "walk starts at term_start");
    CHECK_STR(text_at(root, "trueup.0.agreed"), "100", "Jan agreed");
    CHECK_STR(text_at(root, "trueup.0.baseline"), "105.00", "Jan baseline 100 x 1.05");
    CHECK_STR(text_at(root, "trueup.0.actual"), "104", "Jan actual counts the not-yet-EOS H2");
    CHECK_STR(text_at(root, "trueup.0.eos"), "0", "Jan no EOS");
    CHECK_STR(text_at(root, "trueup.0.triggered"), "false", "+4 %% (one device below +5 %%) does not trigger");
    CHECK_STR(text_at(root, "trueup.0.increase_pct"), "4", "increase 100 x 4 / 100");
    CHECK_STR(text_at(root, "trueup.0.added"), "0", "nothing added");
    CHECK_STR(text_at(root, "trueup.0.months_remaining"), "null", "months_remaining null when not triggered");
    CHECK_STR(text_at(root, "trueup.0.charge"), "0.00", "charge 0 when not triggered");
    CHECK_STR(text_at(root, "trueup.0.stale"), "false", "Jan has its own snapshot");

    /* February: no snapshot, January's carries forward. */
    CHECK_STR(text_at(root, "trueup.1.month"), "\"2026-02\"", "Feb row");
    CHECK_STR(text_at(root, "trueup.1.stale"), "true", "Feb stale");
    CHECK_STR(text_at(root, "trueup.1.actual"), "104", "Feb carries January's 104");

    /* March: 105 H1 (H2 EOS on the month's last day, unknown models never count);
     * 100 x 5 = 500 >= 5 x 100: exactly +5 % triggers; 10 months Mar..Dec;
     * 5 x 60.00 x 10 / 12 = 250.00. */
    CHECK_STR(text_at(root, "trueup.2.actual"), "105", "Mar actual excludes EOS and unknown");
    CHECK_STR(text_at(root, "trueup.2.eos"), "3", "Mar 3 EOS devices counted apart");
    CHECK_STR(text_at(root, "trueup.2.stale"), "false", "Mar latest snapshot of the month");
    CHECK_STR(text_at(root, "trueup.2.triggered"), "true", "exactly +5 %% triggers");
    CHECK_STR(text_at(root, "trueup.2.increase_pct"), "5", "increase 5 %%");
    CHECK_STR(text_at(root, "trueup.2.added"), "5", "Mar added 5");
    CHECK_STR(text_at(root, "trueup.2.months_remaining"), "10", "Mar..Dec = 10 months");
    CHECK_STR(text_at(root, "trueup.2.charge"), "250.00", "5 x 60 x 10 / 12");

    /* April: N = 105, baseline 110.25; M = 110: 500 < 525. */
    CHECK_STR(text_at(root, "trueup.3.agreed"), "105", "Apr checked against the reset N");
    CHECK_STR(text_at(root, "trueup.3.baseline"), "110.25", "Apr baseline 105 x 1.05");
    CHECK_STR(text_at(root, "trueup.3.triggered"), "false", "110 vs 105 is +4.76 %%");

    /* May: M = 111: 600 >= 525; May..Dec = 8 months; 6 x 60 x 8 / 12 = 240.00. */
    CHECK_STR(text_at(root, "trueup.4.agreed"), "105", "May agreed before its own true-up");
    CHECK_STR(text_at(root, "trueup.4.baseline"), "110.25", "May baseline before its own true-up");
    CHECK_STR(text_at(root, "trueup.4.triggered"), "true", "second true-up of the term");
    CHECK_STR(text_at(root, "trueup.4.added"), "6", "May added 6");
    CHECK_STR(text_at(root, "trueup.4.months_remaining"), "8", "May..Dec = 8 months");
    CHECK_STR(text_at(root, "trueup.4.charge"), "240.00", "6 x 60 x 8 / 12");

    /* June: no snapshot (the July one is after as-of): May's carries, N = 111. */
    CHECK_STR(text_at(root, "trueup.5.month"), "\"2026-06\"", "walk ends with the month of as-of");
    CHECK_STR(text_at(root, "trueup.5.stale"), "true", "Jun stale");
    CHECK_STR(text_at(root, "trueup.5.actual"), "111", "Jun carries May");
    CHECK_STR(text_at(root, "trueup.5.agreed"), "111", "Jun agreed after the May true-up");
    CHECK_STR(text_at(root, "trueup.5.triggered"), "false", "no increase in June");

    /* Video at 2.5 %: Jan 102 vs 100: 200 < 250 (a 2 % rule would trigger). */
    CHECK_STR(text_at(root, "trueup.6.category"), "\"video\"", "video rows after headset");
    CHECK_STR(text_at(root, "trueup.6.baseline"), "102.50", "video baseline 100 x 1.025");
    CHECK_STR(text_at(root, "trueup.6.triggered"), "false", "+2 %% under a 2.5 %% trueup_pct");
    CHECK_STR(text_at(root, "trueup.6.increase_pct"), "2", "video increase 2 %%");
    /* Mar 103: 300 >= 250; no annual_unit_price: charge null. */
    CHECK_STR(text_at(root, "trueup.8.triggered"), "true", "+3 %% over a 2.5 %% trueup_pct");
    CHECK_STR(text_at(root, "trueup.8.added"), "3", "video added 3");
    CHECK_STR(text_at(root, "trueup.8.charge"), "null", "no price: charge null");
    CHECK_STR(text_at(root, "trueup.9.baseline"), "105.58", "103 x 1.025 = 105.575, half away");

    /* Summaries. */
    CHECK_STR(text_at(root, "trueup_summary.headset.agreed_now"), "111", "headset agreed_now");
    CHECK_STR(text_at(root, "trueup_summary.headset.baseline_now"), "116.55", "111 x 1.05");
    CHECK_STR(text_at(root, "trueup_summary.headset.actual_now"), "111", "headset actual_now");
    CHECK_STR(text_at(root, "trueup_summary.headset.events"), "2", "two events");
    CHECK_STR(text_at(root, "trueup_summary.headset.added_total"), "11", "5 + 6 added");
    CHECK_STR(text_at(root, "trueup_summary.headset.charge_total"), "490.00", "250 + 240");
    CHECK_STR(text_at(root, "trueup_summary.video.agreed_now"), "103", "video agreed_now");
    CHECK_STR(text_at(root, "trueup_summary.video.charge_total"), "null", "video without price");
    CHECK(cr_json_get(cr_json_get(root, "trueup_summary"), "voice") == NULL, "no voice line, no voice summary");

    /* The state the rma section reads. */
    CHECK(ctx.trueup[0].has_contract, "headset has a contract");
    CHECK_INT(ctx.trueup[0].agreed_now, 111, "headset agreed_now in ctx");
    CHECK_INT(ctx.trueup[0].rma_threshold_pct_micros, 5000000, "headset rma threshold in ctx");
    CHECK(ctx.trueup[1].has_contract, "video has a contract");
    CHECK_INT(ctx.trueup[1].agreed_now, 103, "video agreed_now in ctx");
    CHECK_INT(ctx.trueup[1].rma_threshold_pct_micros, 4000000, "video rma threshold in ctx");
    CHECK(!ctx.trueup[2].has_contract, "no voice contract");
    cr_json_free(root);
    cr_metrics_ctx_free(&ctx);

    /* As-of in January: only the January row, nothing triggered yet. */
    root = run("T1", "2026-01", &ctx);
    CHECK_INT(cr_json_size(cr_json_get(root, "trueup")), 2, "T1 Jan: one month x 2 categories");
    CHECK_STR(text_at(root, "trueup_summary.headset.agreed_now"), "100", "agreed_now before any true-up");
    CHECK_INT(ctx.trueup[0].agreed_now, 100, "ctx agreed_now before any true-up");
    cr_json_free(root);
    cr_metrics_ctx_free(&ctx);
}

static void test_zero_and_rounding(void)
{
    cr_metrics_ctx ctx;
    cr_json *root = run("T2", "2026-12", &ctx);
    /* July and August precede the first snapshot: skipped. Sep, Oct, Nov, Dec. */
    CHECK_INT(cr_json_size(cr_json_get(root, "trueup")), 4, "T2: months before the first snapshot skipped");
    CHECK_STR(text_at(root, "trueup.0.month"), "\"2026-09\"", "first row at the first snapshot");
    CHECK_STR(text_at(root, "trueup.0.agreed"), "0", "N = 0");
    CHECK_STR(text_at(root, "trueup.0.baseline"), "0.00", "baseline 0");
    CHECK_STR(text_at(root, "trueup.0.actual"), "0", "no headsets in September");
    CHECK_STR(text_at(root, "trueup.0.triggered"), "false", "N = 0 and M = 0: no trigger");
    CHECK_STR(text_at(root, "trueup.0.increase_pct"), "null", "increase_pct null with N = 0");
    CHECK_STR(text_at(root, "trueup.1.stale"), "true", "October stale");
    /* December: M = 1 > 0 triggers; Dec 2026..Jun 2027 = 7 months;
     * 1 x 1002 cents x 7 / 12 = 584.5 cents -> 585 (half away from zero). */
    CHECK_STR(text_at(root, "trueup.3.triggered"), "true", "N = 0 and M = 1 triggers");
    CHECK_STR(text_at(root, "trueup.3.increase_pct"), "null", "increase_pct null with N = 0");
    CHECK_STR(text_at(root, "trueup.3.months_remaining"), "7", "months across the year end");
    CHECK_STR(text_at(root, "trueup.3.charge"), "5.85", "half cent rounded away from zero");
    CHECK_STR(text_at(root, "trueup_summary.headset.agreed_now"), "1", "agreed_now 1");
    CHECK_STR(text_at(root, "trueup_summary.headset.baseline_now"), "1.05", "1 x 1.05");
    CHECK_INT(ctx.trueup[0].agreed_now, 1, "ctx agreed_now 1");
    cr_json_free(root);
    cr_metrics_ctx_free(&ctx);
}

static void test_term_end_and_yen(void)
{
    cr_metrics_ctx ctx;
    cr_json *root = run("T3", "2026-Q1", &ctx);
    /* The walk stops at December 2025 (term_end) although as-of is 2026-03-31;
     * months before the July snapshot are skipped: Jul..Dec = 6 rows. */
    CHECK_INT(cr_json_size(cr_json_get(root, "trueup")), 6, "T3: Jul..Dec 2025");
    CHECK_STR(text_at(root, "trueup.5.month"), "\"2025-12\"", "walk ends with the month of term_end");
    /* July: 11 vs 10: 100 >= 50; Jul..Dec = 6; 1 x 1001 x 6 / 12 = 500.5 -> 501 JPY. */
    CHECK_STR(text_at(root, "trueup.0.triggered"), "true", "T3 July triggers");
    CHECK_STR(text_at(root, "trueup.0.months_remaining"), "6", "Jul..Dec");
    CHECK_STR(text_at(root, "trueup.0.charge"), "501", "half yen rounded away, 0 minor digits");
    CHECK_STR(text_at(root, "trueup.5.actual"), "11", "the 2026 snapshot is past the term");
    CHECK_STR(text_at(root, "trueup_summary.voice.charge_total"), "501", "yen total");
    CHECK_STR(text_at(root, "billable"), "false", "poly_plus is not billable");
    cr_json_free(root);
    cr_metrics_ctx_free(&ctx);

    /* As-of before the term: no month to walk; N stays at the agreed 10. */
    root = run("T3", "2024-12", &ctx);
    CHECK_STR(text_at(root, "trueup"), "[]", "as-of before term_start: no rows");
    CHECK_STR(text_at(root, "trueup_summary.voice.agreed_now"), "10", "agreed_now is the contract's");
    CHECK_STR(text_at(root, "trueup_summary.voice.actual_now"), "null", "no inventory walked: actual_now null");
    CHECK_STR(text_at(root, "trueup_summary.voice.charge_total"), "0", "nothing charged (JPY, 0 digits)");
    cr_json_free(root);
    cr_metrics_ctx_free(&ctx);
}

static void test_no_contract(void)
{
    cr_metrics_ctx ctx;
    cr_json *root = run("T4", "2026-Q2", &ctx);
    CHECK_STR(text_at(root, "trueup"), "[]", "no contract lines: empty trueup");
    CHECK_STR(text_at(root, "trueup_summary"), "{}", "no contract lines: empty summary");
    CHECK(cr_json_get_string(cr_json_get(root, "trueup_reason")) != NULL, "trueup_reason given");
    CHECK(!ctx.trueup[0].has_contract, "no headset contract in ctx");
    cr_json_free(root);
    cr_metrics_ctx_free(&ctx);
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
    test_two_trueups();
    test_zero_and_rounding();
    test_term_end_and_yen();
    test_no_contract();
    cr_db_close(db);
    cr_tz_cleanup();
    return unit_exit();
}
