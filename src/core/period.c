/* period.c - parsing report periods (SPEC section 2) and the period before one. */
#include "csmreport/period.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Exactly n digits at s, as a number; false otherwise. */
static bool read_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int k = 0; k < n; k++) {
        if (s[k] < '0' || s[k] > '9')
            return false;
        v = v * 10 + (s[k] - '0');
    }
    *out = v;
    return true;
}

static cr_date month_end(int year, int month)
{
    return (cr_date){year, month, cr_days_in_month(year, month)};
}

static cr_period make_quarter(int year, int q)
{
    cr_period p = {.kind = CR_PERIOD_QUARTER};
    p.start = (cr_date){year, 3 * q - 2, 1};
    p.end = month_end(year, 3 * q);
    snprintf(p.label, sizeof p.label, "%04d-Q%d", year, q);
    return p;
}

static cr_period make_month(int year, int month)
{
    cr_period p = {.kind = CR_PERIOD_MONTH};
    p.start = (cr_date){year, month, 1};
    p.end = month_end(year, month);
    snprintf(p.label, sizeof p.label, "%04d-%02d", year, month);
    return p;
}

static cr_period make_year(int year)
{
    cr_period p = {.kind = CR_PERIOD_YEAR};
    p.start = (cr_date){year, 1, 1};
    p.end = (cr_date){year, 12, 31};
    snprintf(p.label, sizeof p.label, "%04d", year);
    return p;
}

static cr_period make_range(cr_date start, cr_date end)
{
    cr_period p = {.kind = CR_PERIOD_RANGE, .start = start, .end = end};
    char a[11], b[11];
    cr_date_format(start, a);
    cr_date_format(end, b);
    snprintf(p.label, sizeof p.label, "%s..%s", a, b);
    return p;
}

int cr_period_parse(const char *text, const cr_date *today, cr_period *out, cr_error *err)
{
    if (!text)
        text = "";
    size_t len = strlen(text);
    int year, n;

    /* the label is always "2026-Q3"; "2026-q3" and "Previous-Quarter" are read too */
    if (strcasecmp(text, "previous-quarter") == 0 || strcasecmp(text, "previous-month") == 0) {
        if (!today || !cr_date_valid(*today))
            return cr_error_set(err, EX_USAGE, NULL, 0, 0,
                                "period '%s' counts back from a run's date: use it in a batch "
                                "file, or name the period (2026-Q3, 2026-10)", text);
        int y = today->year, m = today->month;
        if (text[9] == 'q' || text[9] == 'Q') {
            int q = (m - 1) / 3 + 1;
            *out = q == 1 ? make_quarter(y - 1, 4) : make_quarter(y, q - 1);
        } else {
            *out = m == 1 ? make_month(y - 1, 12) : make_month(y, m - 1);
        }
        return 0;
    }
    if (len == 4 && read_digits(text, 4, &year) && year >= 1) {
        *out = make_year(year);
        return 0;
    }
    if (len == 7 && read_digits(text, 4, &year) && year >= 1 && text[4] == '-') {
        if ((text[5] == 'Q' || text[5] == 'q') && text[6] >= '1' && text[6] <= '4') {
            *out = make_quarter(year, text[6] - '0');
            return 0;
        }
        if (read_digits(text + 5, 2, &n) && n >= 1 && n <= 12) {
            *out = make_month(year, n);
            return 0;
        }
    }
    if (len == 22 && memcmp(text + 10, "..", 2) == 0) {
        cr_date a, b;
        if (cr_date_parse(text, 10, &a) && cr_date_parse(text + 12, 10, &b)) {
            if (cr_date_compare(b, a) < 0)
                return cr_error_set(err, EX_USAGE, NULL, 0, 0,
                                    "period '%s' ends before it starts", text);
            *out = make_range(a, b);
            return 0;
        }
    }
    return cr_error_set(err, EX_USAGE, NULL, 0, 0,
                        "invalid period '%s' (want 2026-Q3, 2026-10, 2026 or "
                        "2026-07-01..2026-09-30)", text);
}

cr_period cr_period_previous(const cr_period *p)
{
    int y = p->start.year, m = p->start.month;
    switch (p->kind) {
    case CR_PERIOD_QUARTER: {
        int q = (m - 1) / 3 + 1;
        return q == 1 ? make_quarter(y - 1, 4) : make_quarter(y, q - 1);
    }
    case CR_PERIOD_MONTH:
        return m == 1 ? make_month(y - 1, 12) : make_month(y, m - 1);
    case CR_PERIOD_YEAR:
        return make_year(y - 1);
    case CR_PERIOD_RANGE:
    default: {
        int64_t start = cr_days_from_civil(p->start.year, p->start.month, p->start.day);
        int64_t days = cr_period_days(p);
        return make_range(cr_civil_from_days(start - days), cr_civil_from_days(start - 1));
    }
    }
}

int cr_period_days(const cr_period *p)
{
    return (int)(cr_days_from_civil(p->end.year, p->end.month, p->end.day) -
                 cr_days_from_civil(p->start.year, p->start.month, p->start.day) + 1);
}

int cr_period_months(const cr_period *p)
{
    return (p->end.year - p->start.year) * 12 + (p->end.month - p->start.month) + 1;
}
