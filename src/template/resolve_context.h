/* resolve_context.h - what the parts of resolving a template share (not a
 * public API): the per-subject context and the data layer.
 *
 * cr_template_resolve (template_resolve.c) loads the subject, sets the
 * built-ins and computes the metrics, then builds the report's pages and
 * sheets (template_build.c), which read datasets and names through the data
 * layer (template_data.c). Calls go down only: resolve -> build -> data.
 */
#ifndef CSMREPORT_RESOLVE_CONTEXT_H
#define CSMREPORT_RESOLVE_CONTEXT_H

#include <sqlite3.h>
#include <stdint.h>

#include "csmreport/json.h"
#include "csmreport/subject.h"
#include "template_internal.h"

typedef struct tpl_rowset {
    bool done;
    size_t ncols, nrows, cap;
    char **cols;
    cr_cell *cells;
} tpl_rowset;

/* One account of a partner subject: its names (borrowed from the subject)
 * and its metrics document. */
typedef struct tpl_subject_account {
    const char *id, *name;
    cr_json *doc;
} tpl_subject_account;

typedef struct tpl_rctx {
    const cr_template *t;
    const cr_render_request *req;
    cr_error *err;
    cr_report *r;
    tpl_env env;
    cr_subject *subject;         /* the account or partner */
    char *builtin[32];           /* text of each built-in, NULL when empty */
    double hours[4];
    cr_json *doc;                /* account scope */
    cr_json *prev_doc;           /* the previous period's, computed on first use of prev.* */
    bool prev_done;
    unsigned prev_sections;      /* the sections prev_doc holds (CR_METRICS_*) */
    cr_json *prev_partial;       /* the first prev_doc when the whole one replaced it */
    const tpl_rowset *row_set;   /* the current row of row.* names, when set */
    size_t row_index;
    tpl_subject_account *accounts;   /* partner scope */
    size_t account_count;
    tpl_rowset *sets;
} tpl_rctx;

static inline int tpl_oom(tpl_rctx *c)
{
    return cr_error_nomem(c->err);
}

/* ---------- template_data.c: datasets and names ---------- */

void tpl_data_rowset_free(tpl_rowset *s);
/* Index of column name in s, or -1. */
long tpl_data_find_col(const tpl_rowset *s, const char *name);
/* The rows of dataset index, run on first use (SQL through the sandbox, or
 * the metrics documents); *out is owned by c. */
int tpl_data_rows(tpl_rctx *c, size_t index, const tpl_rowset **out);
/* Runs a SQL dataset into s. With limit > 0 and more than limit rows, stops
 * with limit rows in s and the statement, positioned on the next row, in
 * *rest (the caller finalizes it), and the time spent in *spent_ns. */
int tpl_data_run_sql(tpl_rctx *c, const tpl_dataset *ds, tpl_rowset *s, size_t limit,
                     sqlite3_stmt **rest, int64_t *spent_ns);
/* A monotonic clock in nanoseconds (the datasets' time limit). */
int64_t tpl_data_now_ns(void);
/* A parameter's value for this request: the last setting of that name
 * (cr_render_request.settings), else the template's default; NULL when the
 * template has no such parameter and nothing sets it. Every read of a
 * parameter while resolving goes through here. */
const char *tpl_data_param(const tpl_rctx *c, const char *name);
/* The text of built-in name, NULL when empty. */
const char *tpl_data_builtin(const tpl_rctx *c, const char *name);
/* tpl_lookup_fn over c (a tpl_rctx): parameters, built-ins, data.SET..., metrics. */
int tpl_data_lookup(void *ctx, const char *name, tpl_value *out, cr_error *err);
/* A number written in the template, or the value of the name there. */
int tpl_data_number_or_name(tpl_rctx *c, const char *s, bool *have, double *out);
/* tpl_expand with c's environment; NULL text gives NULL. */
int tpl_data_expand(tpl_rctx *c, const char *text, char **out);

/* ---------- template_build.c: the report's pages and sheets ---------- */

/* Fills c->r (metadata, pages, sheets) from the template. */
int tpl_build_report(tpl_rctx *c);

#endif
