/* template_resolve.c - resolving a loaded template for one account (or
 * partner) and one period into a cr_report (report.h).
 *
 * Per subject: the subject's row gives the built-in parameters and the locale;
 * the metrics document is computed once (once per account of a partner);
 * datasets run when first used (a dataset only inside a false <if> never
 * runs), template SQL through the sandbox with parameters bound; then pages,
 * blocks and sheets are built with every text final and every number carrying
 * its format. The renderers evaluate nothing.
 *
 * The parts: template_data.c (datasets, names), template_build.c (tables,
 * charts, pages, sheets), sharing resolve_context.h; this file loads the
 * subject and the metrics and calls down into them.
 *
 * Large sheets stream (template_build.c). A SQL dataset that only one workbook sheet shows (no
 * chart on it, no deck table, no chart definition, no data.NAME anywhere:
 * tpl_dataset.stream, decided at load) is read up to STREAM_ROWS rows. When
 * it ends by then, the sheet gets an ordinary table, exactly as before.
 * Otherwise the sheet gets a streamed table (report.h, cr_row_source): the
 * rows read so far, then the rest stepped from the still-open statement while
 * the workbook is written, one row at a time, never all in memory. Columns
 * without a format attribute take their format from those first STREAM_ROWS
 * rows. The statement reads on the request's connection, so the report must be
 * freed before that connection is closed (render.c: resolve, PDF, XLSX,
 * free); its time limit (CR_SANDBOX_TIME_MS) counts the time spent in SQLite
 * only, not the time spent writing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmreport/metrics.h"
#include "csmreport/numfmt.h"
#include "csmreport/sandbox.h"
#include "resolve_context.h"

static int set_builtin(tpl_rctx *c, const char *name, const char *value)
{
    int i = tpl_builtin_index(name);
    free(c->builtin[i]);
    c->builtin[i] = NULL;
    if (value && *value && !(c->builtin[i] = strdup(value)))
        return tpl_oom(c);
    return 0;
}

/* ---------- the subject ---------- */

/* Loads the subject (subject.h) and sets the built-ins it gives. */
static int load_subject(tpl_rctx *c)
{
    int rc = c->t->scope == CR_SCOPE_ACCOUNT
                 ? cr_subject_load(c->req->db, c->req->subject_id, &c->subject, c->err)
                 : cr_subject_load_partner(c->req->db, c->req->subject_id, &c->subject, c->err);
    if (rc)
        return rc;
    const cr_subject *s = c->subject;
    const struct {
        const char *name, *value;
    } given[] = {
        {"account_id", s->account_id}, {"account_name", s->account_name},
        {"partner_id", s->partner_id}, {"partner_name", s->partner_name},
        {"program", s->program},       {"currency", s->currency},
        {"csm_name", s->csm_name},     {"csm_email", s->csm_email},
        {"delivered_by", s->delivered_by},
    };
    for (size_t i = 0; i < sizeof given / sizeof given[0] && !rc; i++)
        rc = set_builtin(c, given[i].name, given[i].value);
    if (!rc && s->currency) {
        char digits[16];
        int d = cr_numfmt_currency_digits(s->currency);
        snprintf(digits, sizeof digits, "%d", d < 0 ? 2 : d);
        rc = set_builtin(c, "currency_digits", digits);
    }
    if (rc || s->account_count == 0)
        return rc;
    if (!(c->accounts = calloc(s->account_count, sizeof *c->accounts)))
        return tpl_oom(c);
    c->account_count = s->account_count;
    for (size_t i = 0; i < s->account_count; i++)
        c->accounts[i] = (tpl_subject_account){.id = s->accounts[i].account_id,
                                           .name = s->accounts[i].account_name};
    return 0;
}

static int set_period_builtins(tpl_rctx *c)
{
    const cr_period *p = c->req->period;
    cr_period prev = cr_period_previous(p);
    char buf[11];
    int rc;
    if ((rc = set_builtin(c, "period", p->label)) || (rc = set_builtin(c, "prev_period", prev.label)))
        return rc;
    cr_date_format(p->start, buf);
    if ((rc = set_builtin(c, "period_start", buf)))
        return rc;
    cr_date_format(p->end, buf);
    if ((rc = set_builtin(c, "period_end", buf)) || (rc = set_builtin(c, "as_of", buf)))
        return rc;
    cr_date_format(prev.start, buf);
    if ((rc = set_builtin(c, "prev_period_start", buf)))
        return rc;
    cr_date_format(prev.end, buf);
    return set_builtin(c, "prev_period_end", buf);
}

/* The template SQL functions (template_sqlfunc.c) over this subject's
 * metrics documents, in the report's language. */
static int register_sqlfuncs(tpl_rctx *c)
{
    size_t n = c->t->scope == CR_SCOPE_ACCOUNT ? 1 : c->account_count;
    const char **ids = calloc(n + 1, sizeof *ids);
    const cr_json **docs = calloc(n + 1, sizeof *docs);
    int rc;
    if (!ids || !docs) {
        rc = tpl_oom(c);
        goto out;
    }
    if (c->t->scope == CR_SCOPE_ACCOUNT) {
        ids[0] = c->req->subject_id;
        docs[0] = c->doc;
    }
    for (size_t i = 0; c->t->scope == CR_SCOPE_PARTNER && i < n; i++) {
        ids[i] = c->accounts[i].id;
        docs[i] = c->accounts[i].doc;
    }
    rc = tpl_sqlfunc_register(c->req->db, c->t, c->env.locale, n, ids, docs, c->err);
out:
    free(ids);
    free(docs);
    return rc;
}

static int compute_metrics(tpl_rctx *c)
{
    /* The device list only when a dataset reads it: it is one item per device. */
    cr_metrics_options opt = {.daily_usage = false, .device_list = c->t->metrics_devices};
    for (int i = 0; i < 4; i++)
        opt.escalation_seconds[i] = (int64_t)llround(c->hours[i] * 3600);
    if (c->t->scope == CR_SCOPE_ACCOUNT)
        return cr_metrics_compute(c->req->db, c->req->subject_id, c->req->period, &opt, &c->doc,
                                  c->err);
    for (size_t i = 0; i < c->account_count; i++) {
        int rc = cr_metrics_compute(c->req->db, c->accounts[i].id, c->req->period, &opt,
                                    &c->accounts[i].doc, c->err);
        if (rc)
            return rc;
    }
    return 0;
}

int cr_template_resolve(const cr_template *t, const cr_render_request *req, cr_report **out,
                        cr_error *err)
{
    cr_error local;
    if (!err)
        err = &local;
    cr_error_clear(err);
    *out = NULL;
    tpl_rctx c = {.t = t, .req = req, .err = err};
    int rc;
    if ((rc = cr_template_check_settings(t, req->settings, req->setting_count, err)))
        return rc;
    if (sqlite3_db_readonly(req->db, "main") != 1)
        return cr_error_set(err, EX_SOFTWARE, NULL, 0, 0,
                            "template datasets need a read-only connection");
    if ((rc = cr_sandbox_apply(req->db, err)))
        return rc;
    c.sets = calloc(t->dataset_count + 1, sizeof *c.sets);
    c.r = calloc(1, sizeof *c.r);
    if (!c.sets || !c.r) {
        rc = tpl_oom(&c);
        goto out;
    }
    /* Escalation thresholds: the metrics' defaults unless the template or a
     * setting changes them. Both compute_metrics and prev_doc read c.hours. */
    for (int i = 0; i < 4; i++) {
        char name[9] = "p1_hours";
        name[1] = (char)('1' + i);
        const char *v = tpl_data_param(&c, name);
        c.hours[i] = v ? strtod(v, NULL) : cr_metrics_default_escalation_seconds[i] / 3600.0;
    }
    if ((rc = load_subject(&c)) || (rc = set_period_builtins(&c)) ||
        (rc = set_builtin(&c, "report_name", t->name)))
        goto out;
    cr_locale loc = cr_numfmt_locale_from_tag(req->locale && *req->locale ? req->locale
                                                                          : c.subject->locale);
    if ((rc = set_builtin(&c, "locale", cr_numfmt_locale_tag(loc))))
        goto out;
    c.env = (tpl_env){.t = t, .locale = loc, .currency = c.subject->currency, .lookup = tpl_data_lookup,
                      .ctx = &c};
    if (!(c.r->locale = strdup(cr_numfmt_locale_tag(loc)))) {
        rc = tpl_oom(&c);
        goto out;
    }
    if ((rc = compute_metrics(&c)) || (rc = register_sqlfuncs(&c)) || (rc = tpl_build_report(&c)))
        goto out;
    *out = c.r;
    c.r = NULL;
out:
    cr_report_free(c.r);
    for (size_t i = 0; i < t->dataset_count && c.sets; i++)
        tpl_data_rowset_free(&c.sets[i]);
    free(c.sets);
    for (size_t i = 0; i < tpl_builtin_count; i++)
        free(c.builtin[i]);
    cr_json_free(c.doc);
    cr_json_free(c.prev_doc);
    cr_json_free(c.prev_partial);
    for (size_t i = 0; i < c.account_count; i++)
        cr_json_free(c.accounts[i].doc);
    free(c.accounts);
    cr_subject_free(c.subject);
    return rc;
}
