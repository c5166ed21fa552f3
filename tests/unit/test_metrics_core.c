/* test_metrics_core.c - the metrics context, the month inventory rule of SPEC
 * section 4, percentiles, exact rounding and the named queries. */
#include <math.h>
#include <stdlib.h>

#include "csmreport/db.h"
#include "metrics_internal.h"
#include "unit.h"

static void check_month(const cr_metrics_ctx *ctx, int y, int m, cr_date as_of, bool want_found,
                        const char *want_date, bool want_stale, const char *name)
{
    char date[11] = "";
    bool stale = false;
    cr_error err;
    cr_error_clear(&err);
    bool found = cr_metrics_month_snapshot(ctx, y, m, as_of, date, &stale, &err);
    CHECK(found == want_found, "%s: found", name);
    CHECK_INT(err.code, 0, "%s: no error", name);
    if (found && want_found) {
        CHECK_STR(date, want_date, "%s: snapshot date", name);
        CHECK(stale == want_stale, "%s: stale flag", name);
    }
}

static void test_percentiles(void)
{
    double even[] = {3, 1, 4, 2};
    CHECK(cr_median(even, 4) == 2.5, "median of an even count is the mean of the middle two");
    double odd[] = {5, 1, 3};
    CHECK(cr_median(odd, 3) == 3, "median of an odd count");
    CHECK(isnan(cr_median(NULL, 0)), "median of nothing is NaN");
    /* 1..10: ceil(0.9*10) = 9th smallest = 9. */
    double ten[] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    CHECK(cr_p90(ten, 10) == 9, "p90 of 10 values is the 9th smallest");
    /* 1..11: ceil(9.9) = 10th smallest = 10. */
    double eleven[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    CHECK(cr_p90(eleven, 11) == 10, "p90 of 11 values is the 10th smallest");
    /* n = 1: ceil(0.9) = 1st. */
    double one[] = {42};
    CHECK(cr_p90(one, 1) == 42, "p90 of one value");
    /* n = 20: ceil(18) = 18th smallest. */
    double twenty[20];
    for (int k = 0; k < 20; k++)
        twenty[k] = 20 - k;
    CHECK(cr_p90(twenty, 20) == 18, "p90 of 20 values is the 18th smallest");
    CHECK(isnan(cr_p90(NULL, 0)), "p90 of nothing is NaN");
}

static void test_rounding(void)
{
    CHECK_INT(cr_div_round_half_away(5, 2), 3, "2.5 -> 3");
    CHECK_INT(cr_div_round_half_away(-5, 2), -3, "-2.5 -> -3");
    CHECK_INT(cr_div_round_half_away(7, 2), 4, "3.5 -> 4");
    CHECK_INT(cr_div_round_half_away(4, 3), 1, "1.33 -> 1");
    CHECK_INT(cr_div_round_half_away(-4, 3), -1, "-1.33 -> -1");
    CHECK_INT(cr_div_round_half_away(5, 3), 2, "1.67 -> 2");
    CHECK_INT(cr_div_round_half_away(-5, 3), -2, "-1.67 -> -2");
    CHECK_INT(cr_div_round_half_away(-1, 2), -1, "-0.5 -> -1");
    CHECK_INT(cr_div_round_half_away(0, 7), 0, "0 -> 0");
    CHECK_INT(cr_div_round_half_away(6, 3), 2, "exact quotient");
    /* 9 devices x 1800.00 EUR (micro) x 10 months / 12 in cents:
     * 9 * 1800000000 * 10 / 12 / 10000 = 1350000 cents exactly. */
    CHECK_INT(cr_div_round_half_away((cr_int128)9 * 1800000000 * 10, (cr_int128)12 * 10000),
              1350000, "prorated charge in cents");
    /* Beyond int64 in the numerator: 10^20 / 10^4 = 10^16. */
    cr_int128 big = (cr_int128)100000000000LL * 1000000000LL;
    CHECK_INT(cr_div_round_half_away(big, 10000), 10000000000000000LL, "128-bit numerator");
}

static void test_sql(void)
{
    CHECK(cr_sql("subject.account") != NULL, "named query subject.account");
    CHECK(cr_sql("metrics_core.account") == NULL, "no second account query in metrics");
    CHECK(cr_sql("metrics_core.snapshots") != NULL, "named query core.snapshots");
    CHECK(cr_sql("metrics_core.nope") == NULL, "absent named query");
    CHECK(cr_sql("account") == NULL, "name without file");
}

int main(void)
{
    test_percentiles();
    test_rounding();
    test_sql();

    cr_error err;
    cr_error_clear(&err);
    sqlite3 *db = cr_db_open(":memory:", CR_DB_READWRITE, &err);
    CHECK(db != NULL, "open store");
    if (!db)
        return unit_exit();
    CHECK_INT(cr_db_exec(db,
        "INSERT INTO accounts (account_id, account_name, program, term_start, term_end,"
        "  country, timezone, currency, options) VALUES"
        " ('A1', 'Acme', 'enterprise', '2026-01-01', '2026-12-31', 'NO', 'Europe/Oslo', 'NOK',"
        "  'onsite; frurad'),"
        " ('A2', 'Nippon', 'poly_plus', '2026-01-01', '2026-12-31', NULL, NULL, 'JPY', NULL),"
        " ('A3', 'Kuwait', 'partner_enterprise', '2026-01-01', '2026-12-31', NULL, NULL, 'KWD',"
        "  'four_hour'),"
        " ('A4', 'Inherits', 'partner_enterprise', '2026-01-01', '2026-12-31', NULL, NULL, NULL,"
        "  NULL),"
        " ('A5', 'Defaults', 'elite', '2026-01-01', '2026-12-31', NULL, NULL, NULL, NULL);"
        "INSERT INTO partners (partner_id, partner_name, currency, timezone) VALUES"
        " ('PJ', 'Tokyo Partner', 'JPY', 'Asia/Tokyo');"
        "UPDATE accounts SET partner_id = 'PJ' WHERE account_id = 'A4';"
        "INSERT INTO devices (account_id, snapshot_date, serial, model) VALUES"
        " ('A1', '2026-05-20', 'S1', 'M'),"
        " ('A1', '2026-07-10', 'S1', 'M'),"
        " ('A1', '2026-07-25', 'S1', 'M'),"
        " ('A1', '2026-09-05', 'S1', 'M'),"
        " ('A2', '2026-08-15', 'S9', 'M');", &err), 0, "insert fixture");

    cr_period q3;
    cr_period_parse("2026-Q3", NULL, &q3, &err);
    cr_metrics_ctx ctx;
    cr_metrics_options opt = {.escalation_seconds = {0, 3600, 0, 0}};
    int rc = cr_metrics_ctx_init(&ctx, db, "A1", &q3, &opt, &err);
    CHECK_INT(rc, 0, "ctx init");
    if (rc == 0) {
        CHECK_STR(ctx.account->account_name, "Acme", "account name");
        CHECK(ctx.account->currency_from == CR_SUBJECT_FROM_ACCOUNT, "currency_from account");
        CHECK_INT(ctx.account->currency_digits, 2, "NOK has 2 minor digits");
        CHECK(ctx.account->opt_onsite && ctx.account->opt_frurad && !ctx.account->opt_four_hour,
              "options parsed");
        CHECK(ctx.account->billable, "enterprise is billable");
        CHECK_INT(ctx.account->term_end.month, 12, "term end parsed");
        /* Oslo is +02:00 in summer: 2026-07-01 00:00 local = 2026-06-30 22:00Z,
         * 2026-09-30 23:59:59 local = 21:59:59Z. */
        CHECK_INT(ctx.start_utc, cr_days_from_civil(2026, 6, 30) * 86400 + 22 * 3600,
                  "period start in UTC");
        CHECK_INT(ctx.end_utc, cr_days_from_civil(2026, 9, 30) * 86400 + 21 * 3600 + 3599,
                  "period end in UTC");
        CHECK_INT(ctx.end_day - ctx.start_day, 91, "92 days from start to end day");
        CHECK_INT(ctx.options.escalation_seconds[0], 86400, "P1 default 24 h");
        CHECK_INT(ctx.options.escalation_seconds[1], 3600, "P2 set to 1 h");
        CHECK_INT(ctx.options.escalation_seconds[3], 14 * 86400, "P4 default 14 d");

        cr_date asof = {2026, 9, 30};
        check_month(&ctx, 2026, 7, asof, true, "2026-07-25", false, "july: latest in month");
        check_month(&ctx, 2026, 8, asof, true, "2026-07-25", true,
                    "august: no snapshot, july's carried forward (other account's ignored)");
        check_month(&ctx, 2026, 9, asof, true, "2026-09-05", false, "september");
        check_month(&ctx, 2026, 9, (cr_date){2026, 9, 4}, true, "2026-07-25", true,
                    "september as of the 4th: not after as-of, carried forward");
        check_month(&ctx, 2026, 6, asof, true, "2026-05-20", true, "june carries may");
        check_month(&ctx, 2026, 4, asof, false, "", false, "april: before the first snapshot");
    }
    cr_metrics_ctx_free(&ctx);

    rc = cr_metrics_ctx_init(&ctx, db, "A2", &q3, NULL, &err);
    CHECK_INT(rc, 0, "ctx init A2");
    CHECK_INT(ctx.account->currency_digits, 0, "JPY has 0 minor digits");
    CHECK(!ctx.account->billable, "poly_plus is not billable");
    CHECK_INT(ctx.start_utc, cr_days_from_civil(2026, 7, 1) * 86400, "no time zone is UTC");
    CHECK_INT(ctx.options.escalation_seconds[2], 7 * 86400, "P3 default 7 d without options");
    cr_metrics_ctx_free(&ctx);

    rc = cr_metrics_ctx_init(&ctx, db, "A3", &q3, NULL, &err);
    CHECK_INT(ctx.account->currency_digits, 3, "KWD has 3 minor digits");
    CHECK(ctx.account->opt_four_hour, "four_hour option");
    CHECK(ctx.account->billable, "partner_enterprise is billable");
    cr_metrics_ctx_free(&ctx);

    /* A4 gives neither currency nor zone: its partner's JPY and Tokyo apply. */
    rc = cr_metrics_ctx_init(&ctx, db, "A4", &q3, NULL, &err);
    CHECK_INT(rc, 0, "ctx init A4");
    if (rc == 0) {
        CHECK_STR(ctx.account->currency, "JPY", "currency from the partner");
        CHECK(ctx.account->currency_from == CR_SUBJECT_FROM_PARTNER, "currency_from partner");
        CHECK_INT(ctx.account->currency_digits, 0, "partner's JPY has 0 minor digits");
        CHECK_INT(ctx.start_utc, cr_days_from_civil(2026, 6, 30) * 86400 + 15 * 3600,
                  "period start in the partner's zone (Tokyo, +09:00)");
    }
    cr_metrics_ctx_free(&ctx);

    /* A5: nothing given anywhere: the program-wide defaults. */
    rc = cr_metrics_ctx_init(&ctx, db, "A5", &q3, NULL, &err);
    CHECK_INT(rc, 0, "ctx init A5");
    if (rc == 0) {
        CHECK_STR(ctx.account->currency, "EUR", "default currency");
        CHECK(ctx.account->currency_from == CR_SUBJECT_FROM_DEFAULT, "currency_from default");
        CHECK_STR(ctx.account->locale, "en", "default locale");
        CHECK_STR(ctx.account->timezone, "UTC", "default time zone");
        CHECK_INT(ctx.account->currency_digits, 2, "default has 2 minor digits");
    }
    cr_metrics_ctx_free(&ctx);

    cr_error_clear(&err);
    rc = cr_metrics_ctx_init(&ctx, db, "NOPE", &q3, NULL, &err);
    CHECK_INT(rc, EX_DATAERR, "unknown account is a data error");
    CHECK_STR(err.message, "unknown account 'NOPE'", "unknown account message");
    cr_metrics_ctx_free(&ctx);

    cr_json *doc = NULL;
    cr_error_clear(&err);
    rc = cr_metrics_compute(db, "A1", &q3, NULL, &doc, &err);
    CHECK_INT(rc, 0, "compute A1 (%s)", err.message);
    CHECK_STR(cr_json_key_at(doc, 0), "account_id", "first key account_id");
    CHECK_STR(cr_json_get_string(cr_json_path(doc, "period.label")), "2026-Q3", "period label");
    CHECK_STR(cr_json_get_string(cr_json_path(doc, "period.start")), "2026-07-01", "period start");
    CHECK_STR(cr_json_get_string(cr_json_get(doc, "as_of")), "2026-09-30", "as_of");
    CHECK_STR(cr_json_get_string(cr_json_path(doc, "data_as_of.latest_snapshot")), "2026-09-05",
              "latest snapshot");
    CHECK(cr_json_is_null(cr_json_path(doc, "data_as_of.latest_import")) &&
              cr_json_path(doc, "data_as_of.latest_import"),
          "no import yet: latest_import null");
    cr_json_free(doc);
    rc = cr_metrics_compute(db, "NOPE", &q3, NULL, &doc, &err);
    CHECK(rc == EX_DATAERR && doc == NULL, "compute unknown account");

    cr_db_close(db);
    cr_tz_cleanup();
    return unit_exit();
}
