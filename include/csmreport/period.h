/* period.h - report periods (SPEC section 2): "2026-Q3", "2026-10", "2026",
 * "2026-07-01..2026-09-30", and the relative "previous-quarter" /
 * "previous-month" of batch files.
 */
#ifndef CSMREPORT_PERIOD_H
#define CSMREPORT_PERIOD_H

#include <stdbool.h>

#include "csmreport/datetime.h"
#include "csmreport/error.h"

typedef enum cr_period_kind { CR_PERIOD_QUARTER, CR_PERIOD_MONTH, CR_PERIOD_YEAR, CR_PERIOD_RANGE } cr_period_kind;

typedef struct cr_period {
    cr_period_kind kind;
    cr_date start, end;   /* inclusive; end is the as-of date */
    char label[32];       /* "2026-Q3", "2026-10", "2026", "2026-07-01..2026-09-30" */
} cr_period;

/* Parses text; relative forms need today (else they are an error). Fills err
 * (EX_USAGE) for anything else, an end before the start, or impossible dates. */
int cr_period_parse(const char *text, const cr_date *today, cr_period *out, cr_error *err);

/* The period of the same kind and length just before p (for deltas): the
 * previous quarter / month / year, or for a range the same number of days
 * ending the day before p.start. */
cr_period cr_period_previous(const cr_period *p);

/* Number of days, and of calendar months touched, first month first. */
int cr_period_days(const cr_period *p);
int cr_period_months(const cr_period *p);

#endif
