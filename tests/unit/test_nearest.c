/* test_nearest.c - "did you mean" (nearest.h) and the header names of the
 * kinds table (cr_kind_match_header), table-driven. */
#include "csmreport/kinds.h"
#include "csmreport/nearest.h"
#include "unit.h"

static void check_distance(void)
{
    static const struct { const char *a, *b; size_t max, want; } cases[] = {
        {"device", "devices", 2, 1}, {"tikets", "tickets", 2, 1}, {"rendr", "render", 2, 1},
        {"NO-NORDLY", "NO-NORDLYS", 2, 1}, {"us-harbor", "US-HARBOR", 2, 0},
        {"abc", "xyz", 2, 3}, {"kitten", "sitting", 3, 3}, {"", "abc", 5, 3},
        {"accounts", "counts", 1, 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_INT((long long)cr_nearest_distance(cases[i].a, cases[i].b, cases[i].max),
                  (long long)cases[i].want, "distance '%s' '%s' (max %zu)", cases[i].a, cases[i].b,
                  cases[i].max);
}

static void check_pick(void)
{
    static const char *const kinds[] = {"accounts", "partners", "contracts", "catalog", "firmware",
                                        "holidays", "devices", "tickets", "usage", "calls"};
    static const struct { const char *word, *want; } cases[] = {
        {"device", "devices"}, {"ticket", "tickets"}, {"Usage", "usage"}, {"call", "calls"},
        {"catalogue", "catalog"}, {"zzz", NULL}, {"ab", NULL}, {"inventory", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_STR(cr_nearest_pick(cases[i].word, kinds, 10), cases[i].want, "pick '%s'",
                  cases[i].word);
}

static void check_headers(void)
{
    static const char *const header[] = {"Ticket #", "Customer ID", "Priority", "Created",
                                         "Resolved", "Serial Number", "Opened_At"};
    static const struct { const char *column; int want; bool exact; } cases[] = {
        {"ticket_id", -1, false},   /* "Ticket #" is "ticket": a synonym, taken below */
        {"account_id", 1, false},   /* "Customer ID" -> customerid */
        {"priority", 2, true},      /* same name, other case */
        {"opened_at", 6, true},     /* "Opened_At" is its name in other case: before the synonym "Created" */
        {"closed_at", 4, false},    /* "Resolved" */
        {"serial", 5, false},       /* "Serial Number" */
        {"rma_number", -1, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool exact = !cases[i].exact;
        int got = cr_kind_match_header(cases[i].column, header, 7, NULL, &exact);
        if (i == 0)
            CHECK_INT(got, 0, "header for ticket_id: 'Ticket #'");
        else
            CHECK_INT(got, cases[i].want, "header for %s", cases[i].column);
        CHECK(exact == cases[i].exact, "header for %s: exact is %d", cases[i].column,
              cases[i].exact);
    }
    /* a field already taken is not matched twice */
    bool taken[7] = {false, false, false, false, false, false, true};
    CHECK_INT(cr_kind_match_header("opened_at", header, 7, taken, NULL), 3,
              "opened_at with 'Opened_At' taken: 'Created'");
}

int main(void)
{
    check_distance();
    check_pick();
    check_headers();
    return unit_exit();
}
