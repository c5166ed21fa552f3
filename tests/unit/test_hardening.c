/* test_hardening.c - issue 12's rules as pure functions: kind detection never
 * picks a kind that leaves another kind's columns unplaced (cr_kind_detect),
 * the characters ids, names and free text may hold (cr_value_check_chars),
 * and the template sandbox's size caps (cr_sandbox_apply, cr_sandbox_count_row). */
#include <sqlite3.h>
#include <string.h>
#include <time.h>

#include "csmreport/db.h"
#include "csmreport/kinds.h"
#include "csmreport/sandbox.h"
#include "csmreport/values.h"
#include "unit.h"

#define N(a) (sizeof a / sizeof a[0])

static void test_detect(void)
{
    static const struct {
        const char *name;
        const char *header[20];
        cr_kind_verdict want;
        const char *kind;       /* FOUND */
        const char *why_has[3]; /* REFUSED: what the message says */
    } cases[] = {
        {"accounts", {"account_id", "account_name", "partner_id", "partner_name", "program",
                      "term_start", "term_end", "recipients"},
         CR_KIND_FOUND, "accounts", {NULL}},
        {"partners", {"partner_id", "partner_name", "locale", "currency", "recipients"},
         CR_KIND_FOUND, "partners", {NULL}},
        {"header case ignored", {"Partner_ID", "PARTNER_NAME"}, CR_KIND_FOUND, "partners", {NULL}},
        {"unknown columns ignored", {"partner_id", "partner_name", "sys_mod_count"},
         CR_KIND_FOUND, "partners", {NULL}},
        {"tickets with a model", {"ticket_id", "account_id", "serial", "model", "priority",
                                  "opened_at"},
         CR_KIND_FOUND, "tickets", {NULL}},
        /* issue 12: an accounts export with account_id renamed */
        {"accounts without account_id",
         {"account", "account_name", "partner_id", "partner_name", "program", "term_start",
          "term_end", "recipients"},
         CR_KIND_REFUSED, NULL,
         {"as partners it cannot place account_name", "as accounts it lacks account_id", NULL}},
        /* a second BOM left in the first header name */
        {"double BOM",
         {"\xEF\xBB\xBF" "account_id", "account_name", "partner_id", "partner_name", "program",
          "term_start", "term_end"},
         CR_KIND_REFUSED, NULL, {"as partners", "lacks account_id", NULL}},
        {"devices with a category", {"snapshot_date", "account_id", "serial", "model", "category"},
         CR_KIND_REFUSED, NULL, {"as devices it cannot place category", NULL}},
        {"nothing known", {"foo", "bar"}, CR_KIND_NONE, NULL, {NULL}},
        {"partial tickets", {"ticket_id", "priority"}, CR_KIND_NONE, NULL, {NULL}},
    };
    for (size_t i = 0; i < N(cases); i++) {
        size_t n = 0;
        while (n < 20 && cases[i].header[n])
            n++;
        const cr_kind *kind = NULL;
        char why[700] = "";
        cr_kind_verdict v = cr_kind_detect(cases[i].header, n, &kind, why, sizeof why);
        CHECK_INT(v, cases[i].want, "detect %s: verdict", cases[i].name);
        if (cases[i].want == CR_KIND_FOUND)
            CHECK_STR(kind ? kind->name : NULL, cases[i].kind, "detect %s: kind", cases[i].name);
        else
            CHECK(kind == NULL, "detect %s: no kind picked", cases[i].name);
        for (size_t k = 0; k < 3 && cases[i].why_has[k]; k++)
            CHECK(strstr(why, cases[i].why_has[k]) != NULL, "detect %s: says '%s' (%s)",
                  cases[i].name, cases[i].why_has[k], why);
    }
    /* the invariant the fuzzer asserts, on every kind's own full header */
    for (size_t k = 0; k < cr_kind_count; k++) {
        const char *h[32];
        size_t n = 0;
        for (size_t c = 0; c < cr_kinds[k].column_count && n < 32; c++)
            h[n++] = cr_kinds[k].columns[c].name;
        const cr_kind *kind = NULL;
        char why[700];
        CHECK_INT(cr_kind_detect(h, n, &kind, why, sizeof why), CR_KIND_FOUND,
                  "detect: a full %s header", cr_kinds[k].name);
        CHECK(kind == &cr_kinds[k], "detect: a full %s header is %s", cr_kinds[k].name,
              kind ? kind->name : "nothing");
    }
}

static void test_chars(void)
{
    const cr_kind *accounts = cr_kind_find("accounts"), *tickets = cr_kind_find("tickets");
    const cr_column *id = &accounts->columns[cr_kind_column_index(accounts, "account_id")];
    const cr_column *name = &accounts->columns[cr_kind_column_index(accounts, "account_name")];
    const cr_column *free_text = &tickets->columns[cr_kind_column_index(tickets, "root_cause")];
    static const struct {
        const char *what, *value;
        int column; /* 0 id, 1 name, 2 free text */
        bool ok;
        const char *why;
    } cases[] = {
        {"plain id", "FR-TILLEULS", 0, true, NULL},
        {"accented name", "\xC3\x89" "clairage Dupont & Fils", 1, true, NULL},
        {"japanese name", "\xE6\x97\xA5\xE6\x9C\xAC", 1, true, NULL},
        {"U+0001 in a name", "Du\x01pont", 1, false, "U+0001 at character 3"},
        {"ESC in a name", "Du\x1bpont", 1, false, "U+001B"},
        {"DEL in an id", "A\x7f", 0, false, "U+007F"},
        {"C1 NEL in a name", "Du\xC2\x85pont", 1, false, "U+0085 at character 3"},
        {"tab in a name", "a\tb", 1, false, "U+0009"},
        {"line break in an id", "a\nb", 0, false, "U+000A"},
        {"BOM starting an id", "\xEF\xBB\xBF" "FR-TILLEULS", 0, false, "U+FEFF at character 1"},
        {"RLO in a name", "abc\xE2\x80\xAE" "def", 1, false, "U+202E at character 4"},
        {"LRE in a name", "\xE2\x80\xAA", 1, false, "U+202A"},
        {"RLI in an id", "x\xE2\x81\xA7", 0, false, "U+2067"},
        {"PDI in a name", "\xE2\x81\xA9", 1, false, "U+2069"},
        {"U+2065 in a name is fine", "\xE2\x81\xA5", 1, true, NULL},
        {"U+FFFE in a name", "\xEF\xBF\xBE", 1, false, "U+FFFE"},
        {"tab and line breaks in free text", "line 1\r\nline 2\tend", 2, true, NULL},
        {"bidi in free text", "abc\xE2\x80\xAE", 2, true, NULL},
        {"U+0001 in free text", "a\x01", 2, false, "U+0001"},
        {"BOM in free text", "a\xEF\xBB\xBF", 2, false, "U+FEFF"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        const cr_column *col = cases[i].column == 0 ? id : cases[i].column == 1 ? name : free_text;
        char why[256] = "";
        bool ok = cr_value_check_chars(col, cases[i].value, strlen(cases[i].value), why, sizeof why);
        CHECK(ok == cases[i].ok, "chars %s: %s", cases[i].what, ok ? "accepted" : why);
        if (cases[i].why)
            CHECK(strstr(why, cases[i].why) != NULL, "chars %s: says '%s' (%s)", cases[i].what,
                  cases[i].why, why);
    }
    /* through the one conversion every import uses */
    cr_value v;
    char why[256] = "";
    CHECK(!cr_value_convert(name, "x\x01y", 3, NULL, &v, why, sizeof why),
          "convert refuses a control character in a name");
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Runs sql on the sandbox to its end; the step result and the error. */
static int run(sqlite3 *db, const char *sql, cr_error *err, double *secs)
{
    sqlite3_stmt *st;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cr_error_clear(err);
    int rc = cr_sandbox_prepare(db, sql, "t.xml", 9, &st, err);
    if (rc)
        return rc;
    cr_sandbox_budget b = {0};
    cr_sandbox_deadline_start(0);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (cr_sandbox_count_row(st, &b, true, "big", "t.xml", 9, err)) {
            rc = err->code;
            break;
        }
    cr_sandbox_deadline_end();
    if (rc != SQLITE_DONE && rc != EX_CONFIG)
        cr_error_set(err, EX_CONFIG, "t.xml", 9, 0, "%s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    *secs = seconds_since(&t0);
    return rc == SQLITE_DONE ? 0 : EX_CONFIG;
}

static void test_sandbox(void)
{
    cr_error err;
    sqlite3 *db = cr_db_open(":memory:", CR_DB_READWRITE, &err);
    CHECK(db && cr_sandbox_apply(db, &err) == 0, "sandbox: applied");
    if (!db)
        return;
    static const struct {
        const char *what, *sql, *says;
    } attacks[] = {
        {"printf width 2^31", "SELECT printf('%.*c', 2147483647, 'x')", "width or precision"},
        {"printf literal width", "SELECT printf('%999999999d', 1)", "width or precision"},
        {"format star width", "SELECT format('%*s', 2000000000, 'x')", "width or precision"},
        {"randomblob 900 MB", "SELECT randomblob(900000000)", "too big"},
        {"zeroblob 900 MB", "SELECT zeroblob(900000000)", "too big"},
        {"replace growth", "WITH RECURSIVE s(x, n) AS (SELECT 'x', 0 UNION ALL "
                           "SELECT x || x, n + 1 FROM s WHERE n < 40) SELECT max(length(x)) FROM s",
         "too big"},
        {"750 rows of 1 MB", "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                             "WHERE i < 750) SELECT i, printf('%.*c', 1000000, 'x') FROM n",
         "more than 32 MiB"},
    };
    for (size_t i = 0; i < N(attacks); i++) {
        double secs = 0;
        int rc = run(db, attacks[i].sql, &err, &secs);
        CHECK_INT(rc, EX_CONFIG, "sandbox %s: exit 78", attacks[i].what);
        CHECK(strstr(err.message, attacks[i].says) != NULL, "sandbox %s: says '%s' (%s)",
              attacks[i].what, attacks[i].says, err.message);
        CHECK(secs < 1.0, "sandbox %s: stops within 1 s (%.3f s)", attacks[i].what, secs);
    }
    static const struct {
        const char *sql, *want;
    } fine[] = {
        {"SELECT printf('%5.1f%%', 12.345)", " 12.3%"},
        {"SELECT printf('%-4s|%04d|%x', 'ab', 7, 255)", "ab  |0007|ff"},
        {"SELECT format('%q', 'it''s')", "it''s"},
        {"SELECT printf('%.*c', 3, 'x')", "xxx"},
        {"SELECT length(printf('%.*c', 1000000, 'x'))", "1000000"},
    };
    for (size_t i = 0; i < N(fine); i++) {
        sqlite3_stmt *st;
        int rc = cr_sandbox_prepare(db, fine[i].sql, "t.xml", 1, &st, &err);
        CHECK(rc == 0 && sqlite3_step(st) == SQLITE_ROW, "sandbox fine: %s runs", fine[i].sql);
        if (rc == 0) {
            CHECK_STR((const char *)sqlite3_column_text(st, 0), fine[i].want, "sandbox fine: %s",
                      fine[i].sql);
            sqlite3_finalize(st);
        }
    }
    /* refusals name the statement's own operation */
    static const struct {
        const char *sql, *says;
    } refused[] = {
        {"ANALYZE", "ANALYZE is not allowed"},
        {"CREATE TEMP TABLE t AS SELECT 1", "CREATE TEMP is not allowed"},
        {"CREATE TABLE t (a)", "CREATE is not allowed"},
        {"PRAGMA writable_schema = ON", "PRAGMA writable_schema is not allowed"},
    };
    for (size_t i = 0; i < N(refused); i++) {
        sqlite3_stmt *st = NULL;
        cr_error_clear(&err);
        int rc = cr_sandbox_prepare(db, refused[i].sql, "t.xml", 1, &st, &err);
        CHECK_INT(rc, EX_CONFIG, "sandbox refuses %s", refused[i].sql);
        CHECK(strstr(err.message, refused[i].says) != NULL, "sandbox %s: says '%s' (%s)",
              refused[i].sql, refused[i].says, err.message);
    }
    cr_db_close(db);
}

int main(void)
{
    test_detect();
    test_chars();
    test_sandbox();
    return unit_exit();
}
