/* nodata.h - the "no data" page of a deck rendered with --allow-empty. */
#ifndef CSMREPORT_RENDER_NODATA_H
#define CSMREPORT_RENDER_NODATA_H

#include "csmreport/accounts.h"
#include "csmreport/error.h"
#include "csmreport/report.h"

/* Puts a page saying why the account has nothing to report for the period
 * (gap, period label as "2026-Q3") after the cover of rep (first when it has
 * none), title and sentence in the report's language, dates and the period
 * as that language writes them. 0, or a code with err filled (the report
 * then frees what was made). */
int cr_nodata_add_page(cr_report *rep, const cr_period_gap *gap, const char *label,
                       cr_error *err);

#endif
