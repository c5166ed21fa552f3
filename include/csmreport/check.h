/* check.h - the data-quality report of `csmreport check` (SPEC section 2).
 *
 * Every check is one named query of src/sql/check.sql returning one text line
 * per finding (an unknown model, an account id with no account, a month without
 * a snapshot, ...). A finding is not an error: the metrics still run, but they
 * skip, default or mark what the finding names.
 */
#ifndef CSMREPORT_CHECK_H
#define CSMREPORT_CHECK_H

#include <sqlite3.h>

#include "csmreport/error.h"
#include "csmreport/json.h"

/* Findings kept per check in the report; the count covers them all. */
#define CR_CHECK_EXAMPLES 5

/* Runs every check on db, in one read transaction (a consistent view while an
 * import may be running), and returns a new document the caller frees with
 * cr_json_free:
 *   {"checks": [{"id", "title", "severity": "warning"|"info", "count",
 *                "examples": [up to CR_CHECK_EXAMPLES strings],
 *                "subjects": [the examples' subjects: what each names, in no
 *                             language ("Voyager 4320 UC", "FR 2027"), or null]}, ...],
 *    "problems": total count}
 * Every check is listed, in a fixed order, also with count 0. "warning" means a
 * metric is wrong or missing without the fix; "info" that a default applies.
 * Returns NULL and fills err on failure. */
cr_json *cr_check_run(sqlite3 *db, cr_error *err);

/* The same checks narrowed to the findings that concern account_id (NULL or
 * "": every account, exactly cr_check_run). The document then begins with
 * "account_id"; checks global by nature (another country's holidays, a model
 * none of its devices uses) count 0. check.sql says per check what stays.
 * An id without an accounts row is fine when the *_without_account checks
 * find its data; with no finding at all it fails with EX_DATAERR ("unknown
 * account"). Runs in its own read transaction, or, when db is already
 * reading (called from a statement that is stepping), in that one. */
cr_json *cr_check_run_account(sqlite3 *db, const char *account_id, cr_error *err);

/* The latest date of data in the store (YYYY-MM-DD: inventory snapshots,
 * ticket openings, usage days, call records) into buf, "" when the store has
 * none: the date the checks of recent usage and old inventories count back
 * from. A whole-store question (a scan of the monthly usage roll-up). */
int cr_check_data_date(sqlite3 *db, char *buf, size_t size, cr_error *err);

/* cr_check_run_account with that date given (data_date NULL: found here), for
 * a caller running the checks of many accounts on one store, which asks for
 * the date once. */
cr_json *cr_check_run_account_at(sqlite3 *db, const char *account_id, const char *data_date,
                                 cr_error *err);

#endif
