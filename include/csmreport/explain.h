/* explain.h - the rule, the arithmetic and the source rows behind one figure
 * of the metrics document (`csmreport explain`, SPEC section 2).
 *
 * A figure is named by a dot path of the `metrics --format json` document in
 * which array elements are addressed by their identifying values instead of
 * their index (cr_explain_paths): trueup.video.2026-07.charge,
 * adoption.by_site.Bergen.rate, downtime.items.RMA-100184.sla. The
 * explanation is a JSON object:
 *   path, value (exactly as the metrics document has it), section, rule (the
 *   contract's words, SPEC 5), arithmetic (steps: expr, a Python-syntax
 *   expression over values, with its result; "gives": true on the step whose
 *   result is the value, scaled by "scale"), text lines of the arithmetic with
 *   the account's number and money formats, inputs (rows with their source:
 *   file, line, import date; null source = a row of unknown origin) and
 *   inputs_total.
 * The library never prints; cr_explain_write_text formats for a terminal.
 */
#ifndef CSMREPORT_EXPLAIN_H
#define CSMREPORT_EXPLAIN_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>

#include "csmreport/error.h"
#include "csmreport/json.h"
#include "csmreport/period.h"

/* The account's metrics document and what explaining its figures needs,
 * computed once for any number of figures. */
typedef struct cr_explain cr_explain;

int cr_explain_open(sqlite3 *db, const char *account_id, const cr_period *period, cr_explain **out,
                    cr_error *err);
/* One figure's explanation into *out (caller frees); EX_USAGE with the
 * nearest valid paths for an unknown path. */
int cr_explain_figure(cr_explain *ex, const char *path, cr_json **out, cr_error *err);
/* The metrics document the figures are read from (owned by ex). */
const cr_json *cr_explain_document(const cr_explain *ex);
void cr_explain_close(cr_explain *ex); /* NULL is a no-op */

/* Explains path for the account and period into *out (caller frees with
 * cr_json_free). An unknown path is EX_USAGE, its message listing the valid
 * paths nearest to it; an unknown account EX_DATAERR. */
int cr_explain_compute(sqlite3 *db, const char *account_id, const cr_period *period,
                       const char *path, cr_json **out, cr_error *err);

/* Every addressable path of doc (a metrics document), in document order, as a
 * new array of strings (caller frees), or NULL when out of memory. */
cr_json *cr_explain_paths(const cr_json *doc);

/* The explanation for a terminal: value, rule, arithmetic, inputs (the first
 * ten and a count unless all). Returns 0, or -1 on a write error. */
int cr_explain_write_text(const cr_json *ex, FILE *out, bool all);

#endif
