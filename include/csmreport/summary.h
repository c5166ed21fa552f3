/* summary.h - the machine-readable account of a run (`run --summary FILE`,
 * `render --summary FILE`): one JSON document of one shape for both.
 *
 *   {"command": "run", "batch": "...", "date": "2026-10-05", "dry_run": false,
 *    "out": "OUT",
 *    "imports": [{"file", "kind", "status": "ok"|"failed", "rows_read",
 *                 "inserted", "updated", "rejected", "rejects_file", "exit_code",
 *                 "error"}],
 *    "reports": [{"template", "period", "status": "ok"|"failed", "selected",
 *                 "written", "failed", "files": ["OUT/A/A_qbr_2026-Q3.pdf", ...],
 *                 "failures": [{"subject", "exit_code", "error"}],
 *                 "exit_code", "error"}],
 *    "mail": {"outbox", "transport", "queued", "already_queued", "already_sent",
 *             "no_recipients", "failed_to_queue", "sent", "deferred", "failed",
 *             "messages": [{"report", "period", "subject_id", "to", "eml",
 *                           "status": "queued"|"already_queued"|"already_sent"|
 *                                     "no_recipients"|"failed"|"would_queue",
 *                           "exit_code", "error"}],
 *             "sending": [{"eml", "status": "sent"|"deferred"|"failed",
 *                          "exit_code", "error"}]},
 *    "exit_code": 0, "error"}
 *
 * "mail" is there when the batch has a <mail>. `render` writes "command",
 * "reports" and "exit_code". "exit_code" and "error" beside an entry appear
 * when it failed (a report entry's when it could not start; the document's
 * when the run could not start: the lock, a password). The file is published
 * through outfile.h (whole or not at all).
 */
#ifndef CSMREPORT_SUMMARY_H
#define CSMREPORT_SUMMARY_H

#include "csmreport/error.h"
#include "csmreport/json.h"

/* A new summary {"command": command}; NULL when out of memory. */
cr_json *cr_summary_new(const char *command);

/* Appends a report entry for template and period to summary's "reports" and
 * returns it (owned by summary), NULL when out of memory. */
cr_json *cr_summary_add_report(cr_json *summary, const char *template_path, const char *period);

/* Records one subject of a report entry: its files, or its failure (err). */
void cr_summary_report_subject(cr_json *report, const char *subject_id, const char *pdf,
                               const char *xlsx, const cr_error *err);

/* Records that a report entry could not start (err). */
void cr_summary_report_failed(cr_json *report, const cr_error *err);

/* An error as {"exit_code", "error"} members of obj. */
void cr_summary_set_error(cr_json *obj, const cr_error *err);

/* Sets "exit_code" and writes summary to path (pretty, one trailing newline)
 * through outfile.h. Returns 0 or outfile's code with err filled. */
int cr_summary_write(cr_json *summary, int exit_code, const char *path, cr_error *err);

#endif
