/* template.h - report templates (SPEC section 6): an XML file, validated against
 * the embedded templates/report.xsd, read once into an immutable model, then
 * resolved per account (or partner) and period into a cr_report (report.h) that
 * the deck and workbook renderers draw.
 *
 * A loaded template is shared read-only by every rendering thread; resolving
 * runs the template's datasets on the caller's own read-only, sandboxed
 * connection (SPEC section 9).
 */
#ifndef CSMREPORT_TEMPLATE_H
#define CSMREPORT_TEMPLATE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "csmreport/error.h"
#include "csmreport/period.h"
#include "csmreport/report.h"

typedef struct cr_template cr_template;

typedef enum cr_template_scope {
    CR_SCOPE_ACCOUNT,  /* one report per account: OUT/<account>/<account>_<stem>_<period>.* */
    CR_SCOPE_PARTNER   /* one per partner: OUT/partners/<partner>/<partner>_<stem>_<period>.* */
} cr_template_scope;

/* Loads and validates path. EX_NOINPUT for a missing file, EX_CONFIG with file,
 * line and a plain reason for an invalid template (schema, unsafe XML, a dataset
 * that is not one read-only SELECT, an unknown format or metric name).
 * Free with cr_template_free. */
int cr_template_load(const char *path, cr_template **out, cr_error *err);
void cr_template_free(cr_template *t);

/* The template file for name as given on a command line (template_find.c): a
 * name holding '/' or naming a file here is used as is; otherwise name, then
 * name.xml, in ./templates, then in the installed templates folder (beside the
 * program: ../share/csmreport/templates; then DATADIR/templates). Sets *path
 * (the caller frees it); EX_NOINPUT naming every folder looked in when none
 * holds it. */
int cr_template_find(const char *name, char **path, cr_error *err);

cr_template_scope cr_template_get_scope(const cr_template *t);
/* The output name part: "qbr", "inventory", "example". */
const char *cr_template_output_stem(const cr_template *t);

/* A parameter's value given at render time (`render --param NAME=VALUE`, a
 * batch file's <param>): it replaces the default of the template's
 * <parameter> of that name, or of one of the escalation thresholds p1_hours
 * to p4_hours (SPEC 5.5), which every template has whether it redeclares them
 * or not. value is written as a default would be ("12", "0.9", "true",
 * "2026-09-30"). */
typedef struct cr_template_setting {
    const char *name, *value;
} cr_template_setting;

/* Checks n settings against t: EX_USAGE naming the first setting whose name
 * is not one of t's settable parameters (the message lists them), or whose
 * value is not of the parameter's type (the same check as a template's
 * default gets). err carries no file or line: the caller knows where the
 * setting was written. */
int cr_template_check_settings(const cr_template *t, const cr_template_setting *settings,
                               size_t n, cr_error *err);

typedef struct cr_render_request {
    sqlite3 *db;               /* the calling thread's connection (read-only) */
    const char *subject_id;    /* account_id, or partner_id for a partner template */
    const cr_period *period;
    const char *locale;        /* NULL: the account's (partner's) locale, else en */
    int64_t created;           /* document creation time (Unix seconds) */
    /* Checked with cr_template_check_settings; where a name is given twice
     * the last one counts. NULL / 0: the template's defaults. */
    const cr_template_setting *settings;
    size_t setting_count;
} cr_render_request;

/* Resolves t for one subject into *out (free with cr_report_free). EX_DATAERR
 * for an unknown account/partner, EX_CONFIG for a dataset failing at run time
 * (naming the template line), EX_SOFTWARE otherwise.
 *
 * A workbook sheet over a large SQL dataset that nothing else uses (more than
 * 50,000 rows; no chart on the sheet, no deck table or chart over the
 * dataset, no data.NAME reading it) gets a streamed table (report.h): its rows
 * are stepped from the dataset's statement, on req->db, while the workbook is
 * written. So: free the report before closing req->db, write its workbook at
 * most once, and from the thread that resolved it (the dataset's time limit
 * is per thread). */
int cr_template_resolve(const cr_template *t, const cr_render_request *req, cr_report **out,
                        cr_error *err);

#endif
