/* test_metrics_downtime.c - downtime and advance replacement of SPEC 5.3 on
 * hand-made fixtures: next-business-day deadlines over a weekend, over a
 * national holiday and across a time zone (an approval late in the local
 * evening given in UTC), the four-hour option, met / missed / pending at the
 * end of as-of, a delivery after as-of, an RMA on two tickets, the median of
 * an even count and p90 by nearest rank. */
#include <stdlib.h>

#include "csmreport/db.h"
#include "metrics_internal.h"
#include "unit.h"
#include "metrics_fixture.h"


/* An RMA ticket; timestamps carry explicit offsets, so their UTC instants are
 * plain SQLite date arithmetic. approved and delivered may be NULL. */
static void add_ticket(const char *id, const char *account, const char *rma, const char *opened,
                       const char *approved, const char *delivered)
{
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db,
                       "INSERT INTO tickets (ticket_id, account_id, model, priority, opened_at,"
                       " rma_number, rma_approved_at, delivered_at, opened_utc, rma_approved_utc,"
                       " delivered_utc)"
                       " VALUES (?1, ?2, 'HA', 'P2', ?4, ?3, ?5, ?6, CAST(strftime('%s', ?4) AS INTEGER),"
                       " CAST(strftime('%s', ?5) AS INTEGER), CAST(strftime('%s', ?6) AS INTEGER))",
                       -1, &st, NULL);
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, account, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, rma, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, opened, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, approved, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, delivered, -1, SQLITE_STATIC);
    CHECK_INT(sqlite3_step(st), SQLITE_DONE, "add ticket %s", id);
    sqlite3_finalize(st);
}

static cr_json *run(const char *account, const char *period_text)
{
    cr_metrics_ctx ctx;
    cr_period period;
    cr_error err;
    cr_error_clear(&err);
    CHECK_INT(cr_period_parse(period_text, NULL, &period, &err), 0, "period %s", period_text);
    CHECK_INT(cr_metrics_ctx_init(&ctx, db, account, &period, NULL, &err), 0, "ctx %s", account);
    cr_json *root = cr_json_object();
    int rc = cr_metrics_downtime(&ctx, root, &err);
    if (rc)
        printf("downtime failed: %s\n", err.message);
    CHECK_INT(rc, 0, "downtime section for %s %s", account, period_text);
    cr_metrics_ctx_free(&ctx);
    return root;
}

/* The item of rma_number in downtime.items, or NULL. */
static cr_json *item(const cr_json *root, const char *rma)
{
    cr_json *items = cr_json_path(root, "downtime.items");
    for (size_t k = 0; k < cr_json_size(items); k++) {
        cr_json *it = cr_json_at(items, k);
        const char *n = cr_json_get_string(cr_json_get(it, "rma_number"));
        if (n && strcmp(n, rma) == 0)
            return it;
    }
    return NULL;
}

static const char *item_text(const cr_json *root, const char *rma, const char *key)
{
    static char buf[128];
    cr_json *v = cr_json_get(item(root, rma), key);
    if (!v)
        return "";
    char *s = cr_json_to_string(v, 0);
    snprintf(buf, sizeof buf, "%s", s ? s : "");
    free(s);
    return buf;
}

static void fixtures(void)
{
    exec("INSERT INTO catalog VALUES ('HA', 'headset', NULL, NULL);"
         "INSERT INTO accounts (account_id, account_name, program, term_start, term_end,"
         " country, timezone, currency, options)"
         " VALUES ('D1', 'Oslo', 'enterprise', '2026-01-01', '2026-12-31', 'NO', 'Europe/Oslo', 'NOK', 'onsite'),"
         " ('D2', 'Fast', 'elite', '2026-01-01', '2026-12-31', 'US', 'UTC', 'USD', 'four_hour;frurad');"
         /* Labour Day, a Friday in 2026; a Swedish holiday that must not apply. */
         "INSERT INTO holidays (country, region, date, name) VALUES ('NO', '', '2026-05-01', 'Labour Day'),"
         " ('SE', '', '2026-06-11', 'Not Norway');");

    /* D1, 2026-Q2, Europe/Oslo (+02:00 all quarter). */
    /* a: approved Friday 10 April: deadline Monday 13 April 23:59:59; delivered Monday: met; 73 h. */
    add_ticket("a1", "D1", "RMA-A", "2026-04-10T09:00:00+02:00", "2026-04-10T14:00:00+02:00",
               "2026-04-13T10:00:00+02:00");
    /* b: approved Thursday 30 April; Friday 1 May is a holiday: deadline Monday 4 May;
     * delivered Tuesday 5 May 09:00: missed; 5 days 1 hour = 121 h. */
    add_ticket("b1", "D1", "RMA-B", "2026-04-30T08:00:00+02:00", "2026-04-30T16:00:00+02:00",
               "2026-05-05T09:00:00+02:00");
    /* c: approved 22:30 UTC Tuesday 9 June = 00:30 Wednesday 10 June in Oslo: deadline
     * Thursday 11 June 23:59:59 local; delivered Thursday 20:00 local: met (a UTC reading
     * would give Wednesday and a miss); 20:00Z 9 June .. 18:00Z 11 June = 46 h. */
    add_ticket("c1", "D1", "RMA-C", "2026-06-09T20:00:00Z", "2026-06-09T22:30:00Z",
               "2026-06-11T20:00:00+02:00");
    /* d: approved Tuesday 30 June: deadline Wednesday 1 July, after as-of: pending. */
    add_ticket("d1", "D1", "RMA-D", "2026-06-30T09:00:00+02:00", "2026-06-30T10:00:00+02:00", NULL);
    /* e: approved Thursday 25 June, deadline Friday 26 June, not delivered: missed. */
    add_ticket("e1", "D1", "RMA-E", "2026-06-25T09:00:00+02:00", "2026-06-25T10:00:00+02:00", NULL);
    /* f: approved Monday 29 June, deadline Tuesday 30 June; delivered 1 July after
     * as-of: counts, missed; 29 June 08:00 .. 1 July 10:00 = 50 h. */
    add_ticket("f1", "D1", "RMA-F", "2026-06-29T08:00:00+02:00", "2026-06-29T09:00:00+02:00",
               "2026-07-01T10:00:00+02:00");
    /* g: two tickets; the first carries the approval, the second the delivery:
     * opened 08:00 Monday 11 May, delivered 11:00 Tuesday: met; 27 h; ticket g1. */
    add_ticket("g1", "D1", "RMA-G", "2026-05-11T08:00:00+02:00", "2026-05-11T12:00:00+02:00", NULL);
    add_ticket("g2", "D1", "RMA-G", "2026-05-11T09:00:00+02:00", NULL, "2026-05-12T11:00:00+02:00");
    /* h: approved 23:00 local on 31 March (21:00 UTC): Q1, not in the period. */
    add_ticket("h1", "D1", "RMA-H", "2026-03-31T20:00:00Z", "2026-03-31T21:00:00Z",
               "2026-04-01T10:00:00+02:00");
    /* A ticket without RMA number. */
    add_ticket("n1", "D1", NULL, "2026-05-11T08:00:00+02:00", NULL, NULL);

    /* D2, March 2026, UTC, four_hour and frurad. */
    /* k1: approved 09:00, deadline 13:00, delivered 12:00: met; opened 08:00: 4 h. */
    add_ticket("k1", "D2", "RMA-K1", "2026-03-02T08:00:00Z", "2026-03-02T09:00:00Z", "2026-03-02T12:00:00Z");
    /* k2: approved 08:30, deadline 12:30, delivered 13:00: missed; 5 h. */
    add_ticket("k2", "D2", "RMA-K2", "2026-03-03T08:00:00Z", "2026-03-03T08:30:00Z", "2026-03-03T13:00:00Z");
    /* k3: approved 01:00, deadline 05:00, delivered 10:00: missed; 10 h. */
    add_ticket("k3", "D2", "RMA-K3", "2026-03-04T00:00:00Z", "2026-03-04T01:00:00Z", "2026-03-04T10:00:00Z");
    /* k4: approved at opening 00:00, delivered 02:30: met; 2.5 h. */
    add_ticket("k4", "D2", "RMA-K4", "2026-03-05T00:00:00Z", "2026-03-05T00:00:00Z", "2026-03-05T02:30:00Z");
    /* k5: approved 21:00 on 31 March: deadline 01:00 on 1 April, after as-of: pending. */
    add_ticket("k5", "D2", "RMA-K5", "2026-03-31T20:00:00Z", "2026-03-31T21:00:00Z", NULL);
    /* k6: approved 19:00 on 31 March: deadline 23:00, before the end of as-of: missed. */
    add_ticket("k6", "D2", "RMA-K6", "2026-03-31T18:00:00Z", "2026-03-31T19:00:00Z", NULL);
}

static void test_next_business_day(void)
{
    cr_json *root = run("D1", "2026-Q2");
    /* a, b, c, d, e, f, g (not h). */
    CHECK_STR(text_at(root, "downtime.rma_tickets"), "7", "seven RMAs approved in Q2");
    CHECK_STR(text_at(root, "downtime.delivered"), "5", "a b c f g delivered");
    CHECK_STR(text_at(root, "downtime.met"), "3", "a c g met");
    CHECK_STR(text_at(root, "downtime.missed"), "3", "b (late) e (undelivered) f (late) missed");
    CHECK_STR(text_at(root, "downtime.pending"), "1", "d pending");
    CHECK_STR(text_at(root, "downtime.sla_compliance"), "0.5", "3 / (3 + 3)");
    /* hours 27 46 50 73 121: mean 317 / 5 = 63.4; median 50; p90 = ceil(4.5) = 5th = 121. */
    CHECK_STR(text_at(root, "downtime.mean_hours"), "63.40", "mean of delivered");
    CHECK_STR(text_at(root, "downtime.median_hours"), "50.00", "median of an odd count");
    CHECK_STR(text_at(root, "downtime.p90_hours"), "121.00", "p90 nearest rank, not interpolated");
    CHECK_STR(text_at(root, "downtime.device_hours_lost"), "317.00", "sum of downtime");
    CHECK_STR(text_at(root, "downtime.frurad"), "0", "no frurad option");
    CHECK(item(root, "RMA-H") == NULL, "23:00 local on 31 March is Q1");

    CHECK_STR(item_text(root, "RMA-A", "approved_at"), "\"2026-04-10T14:00:00+02:00\"", "approved_at local");
    CHECK_STR(item_text(root, "RMA-A", "deadline"), "\"2026-04-13T23:59:59+02:00\"", "Friday -> Monday");
    CHECK_STR(item_text(root, "RMA-A", "delivered_at"), "\"2026-04-13T10:00:00+02:00\"", "delivered_at local");
    CHECK_STR(item_text(root, "RMA-A", "downtime_hours"), "73.00", "Fri 09:00 .. Mon 10:00");
    CHECK_STR(item_text(root, "RMA-A", "sla"), "\"met\"", "delivered Monday: met");
    CHECK_STR(item_text(root, "RMA-A", "category"), "\"headset\"", "category of the ticket");
    CHECK_STR(item_text(root, "RMA-A", "ticket_id"), "\"a1\"", "ticket id");

    CHECK_STR(item_text(root, "RMA-B", "deadline"), "\"2026-05-04T23:59:59+02:00\"", "holiday Friday skipped");
    CHECK_STR(item_text(root, "RMA-B", "sla"), "\"missed\"", "delivered late: missed");
    CHECK_STR(item_text(root, "RMA-B", "downtime_hours"), "121.00", "5 days 1 hour");

    CHECK_STR(item_text(root, "RMA-C", "approved_at"), "\"2026-06-10T00:30:00+02:00\"", "UTC approval shown local");
    CHECK_STR(item_text(root, "RMA-C", "deadline"), "\"2026-06-11T23:59:59+02:00\"", "next day after the local date");
    CHECK_STR(item_text(root, "RMA-C", "sla"), "\"met\"", "met in local time");
    CHECK_STR(item_text(root, "RMA-C", "downtime_hours"), "46.00", "46 h");

    CHECK_STR(item_text(root, "RMA-D", "sla"), "\"pending\"", "deadline after as-of: pending");
    CHECK_STR(item_text(root, "RMA-D", "delivered_at"), "null", "not delivered");
    CHECK_STR(item_text(root, "RMA-D", "downtime_hours"), "null", "no downtime yet");
    CHECK_STR(item_text(root, "RMA-E", "sla"), "\"missed\"", "deadline passed undelivered: missed");
    CHECK_STR(item_text(root, "RMA-F", "sla"), "\"missed\"", "delivered after as-of, late: missed");
    CHECK_STR(item_text(root, "RMA-F", "delivered_at"), "\"2026-07-01T10:00:00+02:00\"", "real delivery time");

    CHECK_STR(item_text(root, "RMA-G", "ticket_id"), "\"g1\"", "earliest ticket of the RMA");
    /* g2 has no approval, so its opened_at (09:00) stands in; 09:00 < g1's 12:00. */
    CHECK_STR(item_text(root, "RMA-G", "approved_at"), "\"2026-05-11T09:00:00+02:00\"",
              "dated by the earliest approval-or-opening among its tickets");
    CHECK_STR(item_text(root, "RMA-G", "delivered_at"), "\"2026-05-12T11:00:00+02:00\"", "delivery from the other ticket");
    CHECK_STR(item_text(root, "RMA-G", "downtime_hours"), "27.00", "from the earliest opening");
    CHECK_STR(item_text(root, "RMA-G", "sla"), "\"met\"", "met");
    cr_json_free(root);

    /* Q1: only RMA-H (approved 31 March local, Tuesday): deadline Wednesday 1 April,
     * delivered 1 April 10:00 local: met. */
    root = run("D1", "2026-Q1");
    CHECK_STR(text_at(root, "downtime.rma_tickets"), "1", "Q1 has RMA-H");
    CHECK_STR(item_text(root, "RMA-H", "approved_at"), "\"2026-03-31T23:00:00+02:00\"", "summer time from 29 March");
    CHECK_STR(item_text(root, "RMA-H", "sla"), "\"met\"", "RMA-H met");
    cr_json_free(root);

    /* Q3 holds nothing: null statistics. */
    root = run("D1", "2026-Q3");
    CHECK_STR(text_at(root, "downtime.rma_tickets"), "0", "no RMA in Q3");
    CHECK_STR(text_at(root, "downtime.sla_compliance"), "null", "no judged RMA: null");
    CHECK_STR(text_at(root, "downtime.median_hours"), "null", "no delivery: null median");
    CHECK_STR(text_at(root, "downtime.items"), "[]", "no items");
    cr_json_free(root);
}

static void test_four_hour(void)
{
    cr_json *root = run("D2", "2026-03");
    CHECK_STR(text_at(root, "downtime.rma_tickets"), "6", "six RMAs");
    CHECK_STR(text_at(root, "downtime.delivered"), "4", "four delivered");
    CHECK_STR(text_at(root, "downtime.met"), "2", "k1 k4 met");
    CHECK_STR(text_at(root, "downtime.missed"), "3", "k2 k3 k6 missed");
    CHECK_STR(text_at(root, "downtime.pending"), "1", "k5 pending");
    CHECK_STR(text_at(root, "downtime.sla_compliance"), "0.4", "2 / 5");
    /* hours 2.5 4 5 10: median (4 + 5) / 2; p90 = ceil(3.6) = 4th = 10; mean 21.5 / 4 = 5.375. */
    CHECK_STR(text_at(root, "downtime.median_hours"), "4.50", "median of an even count");
    CHECK_STR(text_at(root, "downtime.p90_hours"), "10.00", "p90 nearest rank");
    CHECK_STR(text_at(root, "downtime.mean_hours"), "5.38", "5.375 rounded half away");
    CHECK_STR(text_at(root, "downtime.device_hours_lost"), "21.50", "sum");
    CHECK_STR(text_at(root, "downtime.frurad"), "6", "frurad: every RMA");
    CHECK_STR(item_text(root, "RMA-K1", "deadline"), "\"2026-03-02T13:00:00Z\"", "approved + 4 h");
    CHECK_STR(item_text(root, "RMA-K1", "sla"), "\"met\"", "k1 met");
    CHECK_STR(item_text(root, "RMA-K2", "sla"), "\"missed\"", "k2 30 minutes late");
    CHECK_STR(item_text(root, "RMA-K5", "sla"), "\"pending\"", "deadline after the end of as-of");
    CHECK_STR(item_text(root, "RMA-K6", "sla"), "\"missed\"", "deadline before the end of as-of");
    CHECK_STR(item_text(root, "RMA-K4", "downtime_hours"), "2.50", "2.5 h");
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
    test_next_business_day();
    test_four_hour();
    cr_db_close(db);
    cr_tz_cleanup();
    return unit_exit();
}
