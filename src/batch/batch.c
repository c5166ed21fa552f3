/* batch.c - reading a batch file (templates/batch.xsd) into a cr_batch.
 *
 * The schema says what each element may hold; this file checks what a schema
 * cannot (one selection per report, a real time zone, credentials given one
 * way) and resolves every relative path against the batch file's folder, so
 * the run never depends on the current folder.
 */
#include "csmreport/batch.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "csmreport/numfmt.h"
#include "csmreport/tz.h"
#include "csmreport/xmlsafe.h"

/* True when the attribute is "true" or "1" (xs:boolean), else def. */
static bool attr_bool(xmlNodePtr n, const char *name, bool def)
{
    char *v = cr_xml_attr(n, name);
    if (!v)
        return def;
    bool b = strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
    free(v);
    return b;
}

/* path resolved against dir (a copy of path when absolute); NULL for NULL. */
static char *resolve(const char *dir, const char *path)
{
    if (!path)
        return NULL;
    if (path[0] == '/')
        return strdup(path);
    size_t n = strlen(dir) + strlen(path) + 2;
    char *r = malloc(n);
    if (r)
        snprintf(r, n, "%s/%s", dir, path);
    return r;
}

/* Attribute name of n resolved against b->dir into *out (NULL when absent).
 * Returns false when out of memory. */
static bool attr_path(const cr_batch *b, xmlNodePtr n, const char *name, char **out)
{
    char *v = cr_xml_attr(n, name);
    *out = NULL;
    if (!v)
        return true;
    *out = resolve(b->dir, v);
    free(v);
    return *out != NULL;
}

/* The text of n's child element name, copied; NULL when absent. */
static char *child_text(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, BAD_CAST name) == 0) {
            xmlChar *t = xmlNodeGetContent(c);
            char *s = t ? strdup((const char *)t) : NULL;
            xmlFree(t);
            return s;
        }
    return NULL;
}

static int read_input(cr_batch *b, xmlNodePtr n, cr_error *err)
{
    cr_batch_input *in = &b->inputs[b->input_count++];
    in->line = xmlGetLineNo(n);
    if (!attr_path(b, n, "path", &in->path) || !attr_path(b, n, "profile", &in->profile))
        return cr_error_nomem(err);
    in->kind = cr_xml_attr(n, "kind");
    in->account = cr_xml_attr(n, "account");
    in->snapshot_date = cr_xml_attr(n, "snapshot-date");
    in->sheet = cr_xml_attr(n, "sheet");
    in->skip_bad_rows = attr_bool(n, "skip-bad-rows", false);
    if (in->snapshot_date) {
        cr_date d;
        if (!cr_date_parse(in->snapshot_date, strlen(in->snapshot_date), &d))
            return cr_error_set(err, EX_CONFIG, b->path, in->line, 0,
                                "snapshot-date '%s' is not a real date", in->snapshot_date);
    }
    return 0;
}

static void free_params(cr_batch_param *p, size_t n)
{
    for (size_t i = 0; p && i < n; i++) {
        free(p[i].name);
        free(p[i].value);
    }
    free(p);
}

/* The <param> children of n into *out (a new array of *count). The schema
 * makes each name unique among them. */
static int read_params(xmlNodePtr n, cr_batch_param **out, size_t *count, cr_error *err)
{
    size_t cap = 0;
    for (xmlNodePtr c = n->children; c; c = c->next)
        cap += c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, BAD_CAST "param") == 0;
    *count = 0;
    if (!(*out = calloc(cap + 1, sizeof **out)))
        return cr_error_nomem(err);
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || xmlStrcmp(c->name, BAD_CAST "param") != 0)
            continue;
        cr_batch_param *p = &(*out)[(*count)++];
        p->line = xmlGetLineNo(c);
        p->name = cr_xml_attr(c, "name");
        p->value = cr_xml_attr(c, "value");
        if (!p->name || !p->value)
            return cr_error_nomem(err);
    }
    return 0;
}

/* r's parameters: the batch-level ones r does not give, then r's own. */
static int report_params(cr_batch_report *r, xmlNodePtr n, const cr_batch_param *outer,
                         size_t n_outer, cr_error *err)
{
    cr_batch_param *own = NULL;
    size_t n_own = 0;
    int rc = read_params(n, &own, &n_own, err);
    if (!rc && !(r->params = calloc(n_outer + n_own + 1, sizeof *r->params)))
        rc = cr_error_nomem(err);
    for (size_t i = 0; i < n_outer && !rc; i++) {
        bool overridden = false;
        for (size_t k = 0; k < n_own && !overridden; k++)
            overridden = strcmp(own[k].name, outer[i].name) == 0;
        if (overridden)
            continue;
        cr_batch_param *p = &r->params[r->param_count++];
        p->line = outer[i].line;
        if (!(p->name = strdup(outer[i].name)) || !(p->value = strdup(outer[i].value)))
            rc = cr_error_nomem(err);
    }
    for (size_t k = 0; k < n_own && !rc; k++) {
        r->params[r->param_count++] = own[k];
        own[k] = (cr_batch_param){0};
    }
    free_params(own, n_own);
    return rc;
}

static int read_report(cr_batch *b, xmlNodePtr n, const cr_batch_param *params, size_t n_params,
                       cr_error *err)
{
    cr_batch_report *r = &b->reports[b->report_count++];
    r->line = xmlGetLineNo(n);
    if (!attr_path(b, n, "template", &r->template_path))
        return cr_error_nomem(err);
    int rc = report_params(r, n, params, n_params, err);
    if (rc)
        return rc;
    bool all = attr_bool(n, "all", false);
    char *account = cr_xml_attr(n, "account"), *partner = cr_xml_attr(n, "partner");
    int given = all + (account != NULL) + (partner != NULL);
    if (given != 1) {
        free(account);
        free(partner);
        return cr_error_set(err, EX_CONFIG, b->path, r->line, 0,
                            "a report names exactly one of all=\"true\", account=\"ID\" and "
                            "partner=\"ID\" (this one names %d)", given);
    }
    r->selection = all ? CR_RENDER_ALL : account ? CR_RENDER_ACCOUNT : CR_RENDER_PARTNER;
    r->subject_id = account ? account : partner;
    r->period = cr_xml_attr(n, "period");
    char *formats = cr_xml_attr(n, "formats");
    r->pdf = !formats || strstr(formats, "pdf");
    r->xlsx = !formats || strstr(formats, "xlsx");
    free(formats);
    r->locale = cr_xml_attr(n, "locale");
    char *jobs = cr_xml_attr(n, "jobs");
    r->jobs = jobs ? atoi(jobs) : 1;
    free(jobs);
    r->mail = attr_bool(n, "mail", true);
    r->allow_empty = attr_bool(n, "allow-empty", false);
    if (r->period) {
        /* A literal period is checked now, so a typo is a config error with its
         * line rather than a failure at the end of the night. */
        cr_date today = {2000, 1, 1};
        cr_period p;
        cr_error perr;
        cr_error_clear(&perr);
        if (cr_period_parse(r->period, &today, &p, &perr))
            return cr_error_set(err, EX_CONFIG, b->path, r->line, 0,
                                "invalid period '%s' (want previous-quarter, previous-month, "
                                "2026-Q3, 2026-10, 2026 or 2026-07-01..2026-09-30)",
                                r->period);
    }
    return 0;
}

static int read_mail(cr_batch *b, xmlNodePtr n, cr_error *err)
{
    cr_batch_mail *m = calloc(1, sizeof *m);
    if (!m)
        return cr_error_nomem(err);
    b->mail = m;
    m->line = xmlGetLineNo(n);
    m->timeout_seconds = 60;
    m->from = cr_xml_attr(n, "from");
    if (!attr_path(b, n, "outbox", &m->outbox))
        return cr_error_nomem(err);
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        long line = xmlGetLineNo(c);
        if (xmlStrcmp(c->name, BAD_CAST "smtp") == 0) {
            m->smtp_url = cr_xml_attr(c, "url");
            m->user = cr_xml_attr(c, "user");
            m->password_env = cr_xml_attr(c, "password-env");
            if (!attr_path(b, c, "password-file", &m->password_file))
                return cr_error_nomem(err);
            m->require_tls = attr_bool(c, "require-tls", false);
            if (!attr_path(b, c, "ca-file", &m->ca_file))
                return cr_error_nomem(err);
            char *t = cr_xml_attr(c, "timeout");
            if (t)
                m->timeout_seconds = atol(t);
            free(t);
            if (m->password_env && m->password_file)
                return cr_error_set(err, EX_CONFIG, b->path, line, 0,
                                    "give the SMTP password one way: password-env or "
                                    "password-file, not both");
            if ((m->password_env || m->password_file) && !m->user)
                return cr_error_set(err, EX_CONFIG, b->path, line, 0,
                                    "an SMTP password needs user=\"NAME\"");
        } else if (xmlStrcmp(c->name, BAD_CAST "sendmail") == 0) {
            m->sendmail = cr_xml_attr(c, "command");
        } else if (xmlStrcmp(c->name, BAD_CAST "text") == 0) {
            char *lang = cr_xml_attr(c, "lang");
            cr_locale loc = cr_numfmt_locale_from_tag(lang);
            free(lang);
            m->text[loc].subject = child_text(c, "subject");
            m->text[loc].body = child_text(c, "body");
        }
    }
    return 0;
}

/* The absolute folder of path. */
static char *folder_of(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return NULL;
    char *slash = strrchr(copy, '/');
    const char *dir = ".";
    if (slash == copy)
        dir = "/";
    else if (slash) {
        *slash = '\0';
        dir = copy;
    }
    char *abs = realpath(dir, NULL);
    free(copy);
    return abs;
}

int cr_batch_load(const char *path, cr_batch **out, cr_error *err)
{
    *out = NULL;
    int rc = 0;
    cr_batch_param *params = NULL;
    size_t param_count = 0;
    xmlDocPtr doc = cr_xml_load(path, "batch.xsd", 0, err);
    if (!doc)
        return cr_error_exit_code(err);
    cr_batch *b = calloc(1, sizeof *b);
    if (!b) {
        rc = cr_error_nomem(err);
        goto out_free_doc;
    }
    b->path = strdup(path);
    b->dir = folder_of(path);
    if (!b->path || !b->dir) {
        rc = b->path ? cr_error_set(err, EX_NOINPUT, path, 0, 0, "cannot resolve its folder")
                     : cr_error_nomem(err);
        goto out_fail;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    b->name = cr_xml_attr(root, "name");
    b->timezone = cr_xml_attr(root, "timezone");
    char *out_attr = cr_xml_attr(root, "out");
    b->out = resolve(b->dir, out_attr ? out_attr : "out");
    free(out_attr);
    if (!b->out) {
        rc = cr_error_nomem(err);
        goto out_fail;
    }
    if (b->timezone && !cr_tz_valid(b->timezone)) {
        rc = cr_error_set(err, EX_CONFIG, path, xmlGetLineNo(root), 0,
                          "unknown time zone '%s' (want an IANA name such as Europe/Oslo)",
                          b->timezone);
        goto out_fail;
    }
    size_t inputs = 0, reports = 0;
    for (xmlNodePtr n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        inputs += xmlStrcmp(n->name, BAD_CAST "import") == 0;
        reports += xmlStrcmp(n->name, BAD_CAST "report") == 0;
    }
    b->inputs = calloc(inputs + 1, sizeof *b->inputs);
    b->reports = calloc(reports + 1, sizeof *b->reports);
    if (!b->inputs || !b->reports) {
        rc = cr_error_nomem(err);
        goto out_fail;
    }
    /* the batch-level <param>s, copied into each report's own list */
    if ((rc = read_params(root, &params, &param_count, err)))
        goto out_fail;
    for (xmlNodePtr n = root->children; n && !rc; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrcmp(n->name, BAD_CAST "import") == 0)
            rc = read_input(b, n, err);
        else if (xmlStrcmp(n->name, BAD_CAST "report") == 0)
            rc = read_report(b, n, params, param_count, err);
        else if (xmlStrcmp(n->name, BAD_CAST "mail") == 0)
            rc = read_mail(b, n, err);
    }
    if (rc)
        goto out_fail;
    *out = b;
    goto out_free_doc;

out_fail:
    cr_batch_free(b);
out_free_doc:
    free_params(params, param_count);
    xmlFreeDoc(doc);
    return rc;
}

void cr_batch_free(cr_batch *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->input_count; i++) {
        cr_batch_input *in = &b->inputs[i];
        free(in->path);
        free(in->kind);
        free(in->profile);
        free(in->account);
        free(in->snapshot_date);
        free(in->sheet);
    }
    for (size_t i = 0; i < b->report_count; i++) {
        cr_batch_report *r = &b->reports[i];
        free(r->template_path);
        free(r->subject_id);
        free(r->period);
        free(r->locale);
        free_params(r->params, r->param_count);
    }
    if (b->mail) {
        cr_batch_mail *m = b->mail;
        free(m->from);
        free(m->outbox);
        free(m->smtp_url);
        free(m->user);
        free(m->password_env);
        free(m->password_file);
        free(m->ca_file);
        free(m->sendmail);
        for (int i = 0; i < 4; i++) {
            free(m->text[i].subject);
            free(m->text[i].body);
        }
        free(m);
    }
    free(b->inputs);
    free(b->reports);
    free(b->path);
    free(b->dir);
    free(b->name);
    free(b->timezone);
    free(b->out);
    free(b);
}

int cr_batch_today(const cr_batch *b, long long now, cr_date *out, cr_error *err)
{
    const cr_tz *tz = cr_tz_get(b->timezone, err);
    if (!tz)
        return cr_error_exit_code(err);
    int64_t local = cr_tz_utc_to_local(tz, now);
    int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    *out = cr_civil_from_days(days);
    return 0;
}
