/* test_period.c - period forms, the previous period, invalid input. */
#include "csmreport/period.h"

#include "unit.h"

static void check_period(const char *text, const char *start, const char *end,
                         const char *label, int days, int months)
{
    cr_period p;
    cr_error err;
    cr_error_clear(&err);
    int rc = cr_period_parse(text, NULL, &p, &err);
    CHECK_INT(rc, 0, "parse %s", text);
    if (rc)
        return;
    char a[11], b[11];
    cr_date_format(p.start, a);
    cr_date_format(p.end, b);
    CHECK_STR(a, start, "%s start", text);
    CHECK_STR(b, end, "%s end", text);
    CHECK_STR(p.label, label, "%s label", text);
    CHECK_INT(cr_period_days(&p), days, "%s days", text);
    CHECK_INT(cr_period_months(&p), months, "%s months", text);
}

static void check_previous(const char *text, const char *start, const char *end, const char *label)
{
    cr_period p;
    cr_error err;
    if (cr_period_parse(text, NULL, &p, &err) != 0) {
        CHECK(0, "previous of %s parses", text);
        return;
    }
    cr_period q = cr_period_previous(&p);
    char a[11], b[11];
    cr_date_format(q.start, a);
    cr_date_format(q.end, b);
    CHECK_STR(a, start, "previous of %s start", text);
    CHECK_STR(b, end, "previous of %s end", text);
    CHECK_STR(q.label, label, "previous of %s label", text);
}

static void check_invalid(const char *text)
{
    cr_period p;
    cr_error err;
    cr_error_clear(&err);
    int rc = cr_period_parse(text, NULL, &p, &err);
    CHECK_INT(rc, EX_USAGE, "invalid '%s' is a usage error", text);
    CHECK(err.message[0] != '\0', "invalid '%s' has a message", text);
}

int main(void)
{
    /* Q3: July..September, 31 + 31 + 30 = 92 days, 3 months. */
    check_period("2026-Q3", "2026-07-01", "2026-09-30", "2026-Q3", 92, 3);
    /* a lower-case q is the same quarter, labelled as always */
    check_period("2026-q3", "2026-07-01", "2026-09-30", "2026-Q3", 92, 3);
    /* Q1 of leap year 2024: 31 + 29 + 31 = 91 days. */
    check_period("2024-Q1", "2024-01-01", "2024-03-31", "2024-Q1", 91, 3);
    /* February 2024 has 29 days (leap year). */
    check_period("2024-02", "2024-02-01", "2024-02-29", "2024-02", 29, 1);
    check_period("2026-02", "2026-02-01", "2026-02-28", "2026-02", 28, 1);
    check_period("2026-10", "2026-10-01", "2026-10-31", "2026-10", 31, 1);
    /* A leap year has 366 days. */
    check_period("2024", "2024-01-01", "2024-12-31", "2024", 366, 12);
    check_period("2026", "2026-01-01", "2026-12-31", "2026", 365, 12);
    /* Range over the year end: 16 Dec..15 Jan = 16 + 15 = 31 days, touching 2 months. */
    check_period("2025-12-16..2026-01-15", "2025-12-16", "2026-01-15",
                 "2025-12-16..2026-01-15", 31, 2);
    /* A one-day range. */
    check_period("2026-07-01..2026-07-01", "2026-07-01", "2026-07-01",
                 "2026-07-01..2026-07-01", 1, 1);

    check_previous("2026-Q3", "2026-04-01", "2026-06-30", "2026-Q2");
    check_previous("2026-Q1", "2025-10-01", "2025-12-31", "2025-Q4");
    check_previous("2026-01", "2025-12-01", "2025-12-31", "2025-12");
    check_previous("2024-03", "2024-02-01", "2024-02-29", "2024-02");
    check_previous("2026", "2025-01-01", "2025-12-31", "2025");
    /* 31 days ending the day before 2025-12-16: 2025-11-15..2025-12-15. */
    check_previous("2025-12-16..2026-01-15", "2025-11-15", "2025-12-15", "2025-11-15..2025-12-15");
    /* 10 days before 2024-03-05 across leap day: 2024-02-24..2024-03-04. */
    check_previous("2024-03-05..2024-03-14", "2024-02-24", "2024-03-04", "2024-02-24..2024-03-04");

    /* Relative forms from a reference date. */
    cr_period p;
    cr_error err;
    cr_date today = {2026, 1, 15};
    CHECK_INT(cr_period_parse("previous-quarter", &today, &p, &err), 0, "previous-quarter parses");
    CHECK_STR(p.label, "2025-Q4", "previous-quarter of 2026-01-15 is 2025-Q4");
    CHECK_INT(cr_period_parse("previous-month", &today, &p, &err), 0, "previous-month parses");
    CHECK_STR(p.label, "2025-12", "previous-month of 2026-01-15 is 2025-12");
    today = (cr_date){2026, 8, 31};
    cr_period_parse("previous-quarter", &today, &p, &err);
    CHECK_STR(p.label, "2026-Q2", "previous-quarter of 2026-08-31 is 2026-Q2");
    /* The batch test's date: the quarter and month before October 2026. */
    today = (cr_date){2026, 10, 5};
    cr_period_parse("previous-quarter", &today, &p, &err);
    CHECK_STR(p.label, "2026-Q3", "previous-quarter of 2026-10-05 is 2026-Q3");
    CHECK_INT(p.end.day, 30, "previous-quarter of 2026-10-05 ends on 30 September");
    cr_period_parse("previous-month", &today, &p, &err);
    CHECK_STR(p.label, "2026-09", "previous-month of 2026-10-05 is 2026-09");
    /* The first day of a quarter still reports the quarter before it. */
    today = (cr_date){2026, 4, 1};
    cr_period_parse("previous-quarter", &today, &p, &err);
    CHECK_STR(p.label, "2026-Q1", "previous-quarter of 2026-04-01 is 2026-Q1");
    /* March of a leap year: February has 29 days. */
    today = (cr_date){2024, 3, 31};
    cr_period_parse("previous-month", &today, &p, &err);
    CHECK_STR(p.label, "2024-02", "previous-month of 2024-03-31 is 2024-02");
    CHECK_INT(p.end.day, 29, "previous-month of 2024-03-31 ends on 29 February");
    today = (cr_date){2026, 2, 30};
    CHECK_INT(cr_period_parse("previous-month", &today, &p, &err), EX_USAGE,
              "previous-month of an impossible date is a usage error");
    CHECK_INT(cr_period_parse("previous-month", NULL, &p, &err), EX_USAGE,
              "previous-month without a date is a usage error");

    check_invalid("");
    check_invalid("2026-Q5");
    check_invalid("2026-Q0");
    check_invalid("2026-13");
    check_invalid("2026-00");
    check_invalid("2026-1");
    check_invalid("26");
    check_invalid("2026-09-30..2026-07-01");
    check_invalid("2025-02-29..2025-03-01");
    check_invalid("2026-07-01...2026-09-30");
    check_invalid("2026-07-01..");
    check_invalid("previous-year");
    check_invalid("2026-q5");
    return unit_exit();
}
