/* test_metrics_tickets.c - service status (SPEC 5.5) on hand-made tickets of a
 * UTC account for 2026-Q3 (end of as-of E = 2026-09-30 23:59:59Z). */
#include <stdlib.h>

#include "csmreport/db.h"
#include "metrics_internal.h"
#include "unit.h"

#define DAY 86400

static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
    return cr_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

/* Inserts a ticket; closed < 0 means still open. */
static void ticket(sqlite3 *db, const char *id, const char *account, const char *priority,
                   int64_t opened, int64_t closed, const char *cloud, const char *cause)
{
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db,
        "INSERT INTO tickets (ticket_id, account_id, priority, opened_at, opened_utc,"
        " closed_at, closed_utc, cloud_partner, root_cause)"
        " VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', ?4, 'unixepoch'), ?4,"
        " strftime('%Y-%m-%dT%H:%M:%SZ', ?5, 'unixepoch'), ?5, ?6, ?7)", -1, &st, NULL);
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, account, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, priority, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, opened);
    if (closed >= 0)
        sqlite3_bind_int64(st, 5, closed);
    if (cloud)
        sqlite3_bind_text(st, 6, cloud, -1, SQLITE_STATIC);
    if (cause)
        sqlite3_bind_text(st, 7, cause, -1, SQLITE_STATIC);
    CHECK_INT(sqlite3_step(st), SQLITE_DONE, "insert ticket %s", id);
    sqlite3_finalize(st);
}

static cr_json *run(sqlite3 *db, const cr_metrics_options *opt)
{
    cr_error err;
    cr_error_clear(&err);
    cr_period p;
    cr_metrics_ctx ctx;
    cr_json *root = cr_json_object();
    cr_period_parse("2026-Q3", NULL, &p, &err);
    int rc = cr_metrics_ctx_init(&ctx, db, "A1", &p, opt, &err);
    if (rc == 0)
        rc = cr_metrics_tickets(&ctx, root, &err);
    CHECK_INT(rc, 0, "tickets section (%s)", err.message);
    cr_metrics_ctx_free(&ctx);
    return root;
}

static int64_t geti(const cr_json *r, const char *path) { return cr_json_get_int(cr_json_path(r, path)); }
static const char *gets_(const cr_json *r, const char *path)
{
    return cr_json_get_string(cr_json_path(r, path));
}
static void check_text(const cr_json *r, const char *path, const char *want)
{
    char *s = cr_json_to_string(cr_json_path(r, path), 0);
    CHECK_STR(s, want, "%s = %s", path, want);
    free(s);
}

int main(void)
{
    cr_error err;
    cr_error_clear(&err);
    sqlite3 *db = cr_db_open(":memory:", CR_DB_READWRITE, &err);
    CHECK(db != NULL, "open store");
    if (!db)
        return unit_exit();
    cr_db_exec(db, "INSERT INTO accounts (account_id, account_name, program, term_start, term_end)"
                   " VALUES ('A1', 'Acme', 'elite', '2026-01-01', '2026-12-31'),"
                   "        ('A2', 'Other', 'elite', '2026-01-01', '2026-12-31');", &err);
    const int64_t E = utc(2026, 9, 30, 23, 59, 59);
    ticket(db, "T1", "A1", "P1", utc(2026, 7, 1, 8, 0, 0), utc(2026, 7, 1, 20, 0, 0), "Zoom", "firmware bug");
    ticket(db, "T2", "A1", "P1", utc(2026, 8, 10, 0, 0, 0), utc(2026, 8, 11, 6, 0, 0), "Microsoft", NULL);
    ticket(db, "T3", "A1", "P2", utc(2026, 6, 20, 0, 0, 0), utc(2026, 7, 2, 0, 0, 0), NULL, NULL);
    ticket(db, "T4", "A1", "P2", utc(2026, 9, 29, 0, 0, 0), utc(2026, 10, 5, 0, 0, 0), "Zoom", NULL);
    ticket(db, "T5", "A1", "P3", E - 3 * DAY, -1, NULL, NULL);     /* age exactly 3 d */
    ticket(db, "T6", "A1", "P4", E - 3 * DAY + 1, -1, NULL, NULL); /* 1 s under 3 d */
    ticket(db, "T7", "A1", "P1", E - DAY - 1, -1, NULL, NULL);     /* P1 1 s over 24 h */
    ticket(db, "T8", "A1", "P1", E - DAY + 1, -1, NULL, "");       /* P1 1 s under 24 h */
    ticket(db, "T9", "A1", "P3", utc(2026, 1, 1, 0, 0, 0), -1, NULL, NULL);
    ticket(db, "T10", "A1", "P4", E - 8 * DAY, -1, NULL, NULL);    /* age exactly 8 d */
    ticket(db, "T11", "A1", "P2", E - 31 * DAY, -1, NULL, NULL);   /* age exactly 31 d */
    ticket(db, "T12", "A2", "P1", utc(2026, 8, 1, 0, 0, 0), -1, "Zoom", NULL);
    ticket(db, "T13", "A1", "P3", utc(2026, 9, 1, 0, 0, 0), E, NULL, "cable");

    cr_json *r = run(db, NULL);
    /* Opened in P: T1 T2 T4 T5 T6 T7 T8 T10 T11 T13 (not T3 June, T9 January, T12 other account). */
    CHECK_INT(geti(r, "tickets.opened"), 10, "opened in P");
    CHECK_INT(geti(r, "tickets.opened_by_priority.P1"), 4, "opened P1: T1 T2 T7 T8");
    CHECK_INT(geti(r, "tickets.opened_by_priority.P2"), 2, "opened P2: T4 T11");
    CHECK_INT(geti(r, "tickets.opened_by_priority.P4"), 2, "opened P4: T6 T10");
    CHECK_INT(geti(r, "tickets.opened_by_month.0.count"), 1, "opened july: T1");
    CHECK_INT(geti(r, "tickets.opened_by_month.1.count"), 2, "opened august: T2 T11");
    CHECK_INT(geti(r, "tickets.opened_by_month.2.count"), 7, "opened september: 7");
    CHECK_STR(gets_(r, "tickets.opened_by_month.2.month"), "2026-09", "month label");
    /* Closed in P: T1, T3 (opened before P), T2, T13 (closed at E exactly). */
    CHECK_INT(geti(r, "tickets.closed"), 4, "closed in P");
    CHECK_INT(geti(r, "tickets.closed_by_priority.P1"), 2, "closed P1");
    CHECK_INT(geti(r, "tickets.closed_by_priority.P4"), 0, "closed P4");
    CHECK_INT(geti(r, "tickets.closed_by_month.0.count"), 2, "closed july: T1 T3");
    /* P1 resolutions 12 h and 30 h: median of an even count = 21 h. */
    check_text(r, "tickets.median_resolution_hours.P1", "21.00");
    /* T3: 2026-06-20 .. 2026-07-02 = 12 d = 288 h. */
    check_text(r, "tickets.median_resolution_hours.P2", "288.00");
    /* T13: 29 d 23:59:59 = 719.9997 h. */
    check_text(r, "tickets.median_resolution_hours.P3", "720.00");
    check_text(r, "tickets.median_resolution_hours.P4", "null");

    /* Open at E: T4 T6 T7 T8 (under 3 d), T5 (exactly 3 d), T10 (exactly 8 d),
     * T9 and T11 (31 d and more); T13 closed at E is not open. */
    CHECK_INT(geti(r, "tickets.open_at_end.total"), 8, "open at end");
    CHECK_INT(geti(r, "tickets.open_at_end.0-2d"), 4, "0-2d: T4 T6 T7 T8");
    CHECK_INT(geti(r, "tickets.open_at_end.3-7d"), 1, "3-7d: exactly 3 days (T5)");
    CHECK_INT(geti(r, "tickets.open_at_end.8-30d"), 1, "8-30d: exactly 8 days (T10)");
    CHECK_INT(geti(r, "tickets.open_at_end.>30d"), 2, ">30d: exactly 31 days (T11) and T9");

    /* Breaches, oldest first: T9 (P3 > 7 d), T11 (P2 > 72 h), T7 (P1 24 h + 1 s); not T8. */
    CHECK_INT(cr_json_size(cr_json_path(r, "tickets.aging_breaches")), 3, "three breaches");
    CHECK_STR(gets_(r, "tickets.aging_breaches.0.ticket_id"), "T9", "breach 0 is T9");
    CHECK_STR(gets_(r, "tickets.aging_breaches.1.ticket_id"), "T11", "breach 1 is T11");
    CHECK_STR(gets_(r, "tickets.aging_breaches.2.ticket_id"), "T7", "P1 just over 24 h breaches");
    CHECK_STR(gets_(r, "tickets.aging_breaches.2.priority"), "P1", "breach priority");
    /* 86401 s = 24.0003 h. */
    check_text(r, "tickets.aging_breaches.2.age_hours", "24.00");
    /* T9: 272 days + 86399 s = 6551.9997 h. */
    check_text(r, "tickets.aging_breaches.0.age_hours", "6552.00");

    /* ECPS by partner name: Microsoft T2 (30 h); Zoom T1 (12 h) and T4 (not closed by E). */
    CHECK_STR(gets_(r, "tickets.ecps.0.cloud_partner"), "Microsoft", "ecps sorted by name");
    CHECK_INT(geti(r, "tickets.ecps.1.count"), 2, "Zoom count 2 (T12 is another account's)");
    check_text(r, "tickets.ecps.1.median_resolution_hours", "12.00");
    check_text(r, "tickets.ecps.0.median_resolution_hours", "30.00");

    /* P1 list in opening order: T1 (cause), T2 (pending), T7, T8 (empty = pending). */
    CHECK_INT(cr_json_size(cr_json_path(r, "tickets.p1")), 4, "four P1 tickets opened in P");
    CHECK_STR(gets_(r, "tickets.p1.0.root_cause"), "firmware bug", "P1 root cause");
    CHECK(cr_json_is_null(cr_json_path(r, "tickets.p1.1.root_cause")), "P1 RCA pending is null");
    CHECK(cr_json_get_bool(cr_json_path(r, "tickets.p1.3.rca_pending")), "empty root cause is pending");
    CHECK_STR(gets_(r, "tickets.p1.0.opened_at"), "2026-07-01T08:00:00Z", "P1 opened_at");
    cr_json_free(r);

    /* P4 escalation set to 7 days: T10 (8 d) now breaches too. */
    cr_metrics_options opt = {.escalation_seconds = {0, 0, 0, 7 * DAY}};
    r = run(db, &opt);
    CHECK_INT(cr_json_size(cr_json_path(r, "tickets.aging_breaches")), 4, "P4 threshold settable");
    cr_json_free(r);

    cr_db_close(db);
    cr_tz_cleanup();
    return unit_exit();
}
