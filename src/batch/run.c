/* run.c - running a batch (batch.h): the lock, the imports, the reports, their
 * mail and its sending, each failure recorded and the rest carried on.
 *
 * Order matters and is fixed: every import first (so the reports see tonight's
 * data), then every report, then the mail of the reports that were written
 * (a message never goes out with a missing attachment), then the outbox is
 * sent, which also retries what an earlier run left there.
 */
#include "csmreport/batch.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csmreport/db.h"
#include "csmreport/metrics.h"
#include "csmreport/numfmt.h"
#include "csmreport/outfile.h"
#include "csmreport/profile.h"
#include "csmreport/subject.h"
#include "csmreport/summary.h"
#include "csmreport/template.h"
#include "mailtext.h"

/* A subject whose files were written, waiting for its mail. */
typedef struct rendered {
    const cr_batch_report *report;
    cr_period period;
    const char *stem;        /* owned by the run's stems */
    bool partner;            /* a partner template: partner_id, partner recipients */
    char *subject_id, *pdf, *xlsx;
} rendered;

typedef struct run {
    const cr_batch *b;
    const cr_run_options *opt;
    cr_run_result *res;
    cr_json *summary;
    char date[11];
    const char *out_dir;
    rendered *items;
    size_t item_count, item_cap;
    char **stems;            /* one copy per report that loaded */
    size_t stem_count;
    /* The report being rendered (for the render callback). */
    const cr_batch_report *report;
    const cr_period *period;
    const char *stem;
    bool partner;
    cr_json *entry;
    bool nomem;
} run;

static void note_failure(run *r, int code)
{
    if (!r->res->exit_code)
        r->res->exit_code = code ? code : EX_SOFTWARE;
}

static void tell(run *r, const cr_run_event *ev)
{
    if (r->opt->on_event)
        r->opt->on_event(r->opt->ctx, ev);
}

/* The lock of the store: DB.lock beside it, held until the process ends. */
static int take_lock(const char *db_path, int *fd_out, cr_error *err)
{
    size_t n = strlen(db_path) + 6;
    char *path = malloc(n);
    if (!path)
        return cr_error_nomem(err);
    snprintf(path, n, "%s.lock", db_path);
    int rc = 0;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
    if (fd < 0) {
        int e = errno;
        rc = cr_error_set(err, cr_outfile_exit_code(e), NULL, 0, 0,
                          "cannot create the run lock %s: %s", path, strerror(e));
        goto out_free;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(fd);
        if (e == EWOULDBLOCK)
            rc = cr_error_set(err, EX_TEMPFAIL, NULL, 0, 0,
                              "another run holds the lock %s (over the same database); "
                              "nothing done, try again when it has finished", path);
        else
            rc = cr_error_set(err, EX_IOERR, NULL, 0, 0, "cannot lock %s: %s", path,
                              strerror(e));
        goto out_free;
    }
    *fd_out = fd;
out_free:
    free(path);
    return rc;
}

/* The SMTP password from the environment or a file (first line); NULL when
 * none is configured. */
static int read_password(const cr_batch *b, char **out, cr_error *err)
{
    const cr_batch_mail *m = b->mail;
    *out = NULL;
    if (m->password_env) {
        const char *v = getenv(m->password_env);
        if (!v || !*v)
            return cr_error_set(err, EX_CONFIG, b->path, m->line, 0,
                                "the SMTP password variable %s is not set", m->password_env);
        return (*out = strdup(v)) ? 0 : cr_error_nomem(err);
    }
    if (!m->password_file)
        return 0;
    FILE *f = fopen(m->password_file, "r");
    if (!f)
        return cr_error_set(err, EX_CONFIG, b->path, m->line, 0,
                            "cannot read the SMTP password file %s: %s", m->password_file,
                            strerror(errno));
    char line[1024];
    if (!fgets(line, sizeof line, f))
        line[0] = '\0';
    fclose(f);
    line[strcspn(line, "\r\n")] = '\0';
    if (!line[0])
        return cr_error_set(err, EX_CONFIG, b->path, m->line, 0,
                            "the SMTP password file %s is empty", m->password_file);
    return (*out = strdup(line)) ? 0 : cr_error_nomem(err);
}

static bool has_glob_chars(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

/* The first message of a failed import: its first bad row, else err. */
static const cr_error *import_error(const cr_import_result *res, const cr_error *err)
{
    return res->error_count ? &res->errors[0] : err;
}

/* ingest.h's progress callback. */
static void on_import_progress(void *ctx, const char *path, const char *phase,
                               unsigned long long done, unsigned long long total, long long rows,
                               bool finished)
{
    run *r = ctx;
    cr_run_event ev = {.kind = CR_RUN_PROGRESS, .path = path, .phase = phase,
                       .done = finished && total ? total : done, .total = total};
    tell(r, &ev);
}

static void import_one(run *r, sqlite3 *db, const cr_batch_input *in, const cr_profile *profile,
                       const char *path, cr_json *imports)
{
    static cr_import_result res; /* large; one run at a time per process */
    cr_import_options io = {.kind = in->kind, .profile = profile, .account = in->account,
                            .snapshot_date = in->snapshot_date, .sheet = in->sheet,
                            .skip_bad_rows = in->skip_bad_rows,
                            .progress = on_import_progress, .progress_ctx = r};
    cr_error ferr;
    cr_error_clear(&ferr);
    memset(&res, 0, sizeof res);
    int rc = cr_ingest_file(db, path, &io, &res, &ferr);
    if (rc && !ferr.code && !res.error_count)
        cr_error_set(&ferr, rc, path, 0, 0, "import failed");
    if (rc && !ferr.code)
        ferr.code = rc;
    cr_json *e = cr_json_append(imports, cr_json_object());
    if (e) {
        cr_json_set(e, "file", cr_json_string(path));
        cr_json_set(e, "kind", res.kind[0] ? cr_json_string(res.kind) : cr_json_null());
        cr_json_set(e, "status", cr_json_string(rc ? "failed" : "ok"));
        cr_json_set(e, "rows_read", cr_json_int(res.rows_read));
        cr_json_set(e, "inserted", cr_json_int(rc ? 0 : res.inserted));
        cr_json_set(e, "updated", cr_json_int(rc ? 0 : res.updated));
        cr_json_set(e, "rejected", cr_json_int(rc ? res.error_total : res.rejected));
        if (!rc && res.rejected)
            cr_json_set(e, "rejects_file", cr_json_string(res.rejects_path));
        if (rc) {
            cr_error first = *import_error(&res, &ferr);
            first.code = rc;
            cr_summary_set_error(e, &first);
        } else {
            cr_json_set(e, "exit_code", cr_json_int(0));
        }
    }
    cr_run_event ev = {.kind = CR_RUN_IMPORTED, .path = path, .import = &res,
                       .err = rc ? &ferr : NULL};
    tell(r, &ev);
    if (rc) {
        r->res->imports_failed++;
        note_failure(r, rc);
    } else {
        r->res->imports_ok++;
    }
}

/* Records an input that failed before any file was read. */
static void input_failed(run *r, const char *path, cr_json *imports, const cr_error *err)
{
    cr_json *e = cr_json_append(imports, cr_json_object());
    if (e) {
        cr_json_set(e, "file", cr_json_string(path));
        cr_json_set(e, "kind", cr_json_null());
        cr_json_set(e, "status", cr_json_string("failed"));
        cr_summary_set_error(e, err);
    }
    static cr_import_result empty;
    cr_run_event ev = {.kind = CR_RUN_IMPORTED, .path = path, .import = &empty, .err = err};
    tell(r, &ev);
    r->res->imports_failed++;
    note_failure(r, err->code);
}

static void do_input(run *r, sqlite3 *db, const cr_batch_input *in, cr_json *imports)
{
    cr_error err;
    cr_error_clear(&err);
    glob_t g;
    int grc = glob(in->path, 0, NULL, &g);
    if (grc == GLOB_NOMATCH) {
        globfree(&g);
        if (has_glob_chars(in->path))
            cr_error_set(&err, EX_NOINPUT, r->b->path, in->line, 0, "no file matches %s",
                         in->path);
        else
            cr_error_set(&err, EX_NOINPUT, r->b->path, in->line, 0, "cannot open %s: %s",
                         in->path, strerror(ENOENT));
        input_failed(r, in->path, imports, &err);
        return;
    }
    if (grc) {
        cr_error_set(&err, grc == GLOB_NOSPACE ? CR_EX_NOMEM : EX_IOERR, r->b->path, in->line,
                     0, "cannot list %s", in->path);
        input_failed(r, in->path, imports, &err);
        return;
    }
    cr_profile *profile = NULL;
    if (!r->opt->dry_run && in->profile && cr_profile_load(in->profile, &profile, &err)) {
        input_failed(r, in->path, imports, &err);
        globfree(&g);
        return;
    }
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *path = g.gl_pathv[i];
        if (has_glob_chars(in->path) && ends_with(path, ".rejected.csv"))
            continue;
        if (r->opt->dry_run) {
            cr_run_event ev = {.kind = CR_RUN_WOULD_IMPORT, .path = path};
            tell(r, &ev);
            continue;
        }
        import_one(r, db, in, profile, path, imports);
    }
    cr_profile_free(profile);
    globfree(&g);
}

static int do_imports(run *r, cr_error *err)
{
    const cr_batch *b = r->b;
    cr_json *imports = cr_json_set(r->summary, "imports", cr_json_array());
    if (!imports)
        return cr_error_nomem(err);
    if (!b->input_count)
        return 0;
    sqlite3 *db = NULL;
    if (!r->opt->dry_run && !(db = cr_db_open(r->opt->db_path, CR_DB_READWRITE, err)))
        return cr_error_exit_code(err);
    for (size_t i = 0; i < b->input_count; i++)
        do_input(r, db, &b->inputs[i], imports);
    cr_db_close(db);
    return 0;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* render.h's callback: one subject done. */
static void on_rendered(void *ctx, const char *subject_id, const char *pdf, const char *xlsx,
                        const cr_error *err)
{
    run *r = ctx;
    cr_summary_report_subject(r->entry, subject_id, pdf, xlsx, err);
    cr_run_event ev = {.kind = CR_RUN_RENDERED, .report = r->report, .period = r->period->label,
                       .subject_id = subject_id, .pdf = pdf, .xlsx = xlsx, .err = err};
    tell(r, &ev);
    if (err) {
        r->res->reports_failed++;
        note_failure(r, err->code);
        return;
    }
    r->res->reports_written++;
    if (!r->b->mail || !r->report->mail)
        return;
    if (r->item_count == r->item_cap) {
        size_t cap = r->item_cap ? 2 * r->item_cap : 16;
        rendered *items = realloc(r->items, cap * sizeof *items);
        if (!items) {
            r->nomem = true;
            return;
        }
        r->items = items;
        r->item_cap = cap;
    }
    rendered *it = &r->items[r->item_count];
    *it = (rendered){.report = r->report, .period = *r->period, .stem = r->stem,
                     .partner = r->partner, .subject_id = strdup(subject_id),
                     .pdf = dup_or_null(pdf), .xlsx = dup_or_null(xlsx)};
    if (!it->subject_id || (pdf && !it->pdf) || (xlsx && !it->xlsx)) {
        free(it->subject_id);
        free(it->pdf);
        free(it->xlsx);
        r->nomem = true;
        return;
    }
    r->item_count++;
}

/* render.h's progress callback. */
static void on_render_progress(void *ctx, size_t done, size_t total)
{
    run *r = ctx;
    cr_run_event ev = {.kind = CR_RUN_PROGRESS, .report = r->report, .period = r->period->label,
                       .phase = "rendering", .done = done, .total = total};
    tell(r, &ev);
}

/* Dry run: what one subject would give. */
typedef struct would {
    run *r;
    const cr_batch_report *report;
    const cr_period *period;
    const char *stem;
    bool partner;
    size_t count;
} would;

static int would_render(void *ctx, const char *id, const char *partner_id, cr_error *err)
{
    would *w = ctx;
    char safe[CR_OUTFILE_NAME_SIZE], base[2 * CR_OUTFILE_NAME_SIZE + 64];
    char pdf[4096 + sizeof base * 2], xlsx[sizeof pdf];
    cr_outfile_safe_name(id, safe, sizeof safe);
    snprintf(base, sizeof base, "%s%s/%s_%s_%s", w->partner ? "partners/" : "", safe, safe,
             w->stem, w->period->label);
    for (char *p = strrchr(base, '/') + 1; *p; p++)
        if (*p == '.' && p[1] == '.')
            p[0] = p[1] = '_'; /* a range label "a..b" is made safe as render does */
    snprintf(pdf, sizeof pdf, "%s/%s.pdf", w->r->out_dir, base);
    snprintf(xlsx, sizeof xlsx, "%s/%s.xlsx", w->r->out_dir, base);
    cr_run_event ev = {.kind = CR_RUN_WOULD_RENDER, .report = w->report,
                       .period = w->period->label, .subject_id = id,
                       .pdf = w->report->pdf ? pdf : NULL, .xlsx = w->report->xlsx ? xlsx : NULL};
    tell(w->r, &ev);
    w->count++;
    return 0;
}

/* Dry run: lists the subjects the report would render, from the store as it
 * is now (tonight's imports may add some). */
static void dry_render(run *r, const cr_batch_report *rep, const cr_period *period,
                       const char *stem, bool partner, cr_json *entry)
{
    cr_error err;
    cr_error_clear(&err);
    sqlite3 *db = cr_db_open(r->opt->db_path, CR_DB_READONLY, &err);
    if (!db) {
        if (err.code == EX_NOINPUT)
            cr_error_set(&err, EX_NOINPUT, NULL, 0, 0,
                         "the database does not exist yet (subjects known after the imports)");
        cr_run_event ev = {.kind = CR_RUN_WOULD_RENDER, .report = rep, .period = period->label,
                           .err = &err};
        tell(r, &ev);
        return;
    }
    cr_subject_listing what;
    if (rep->selection == CR_RENDER_ALL)
        what = partner ? CR_SUBJECT_LIST_PARTNERS : CR_SUBJECT_LIST_ACCOUNTS;
    else if (rep->selection == CR_RENDER_ACCOUNT)
        what = CR_SUBJECT_LIST_ACCOUNT;
    else
        what = partner ? CR_SUBJECT_LIST_PARTNERS : CR_SUBJECT_LIST_PARTNER_ACCOUNTS;
    would w = {.r = r, .report = rep, .period = period, .stem = stem, .partner = partner};
    if (partner && rep->selection == CR_RENDER_PARTNER)
        would_render(&w, rep->subject_id, rep->subject_id, &err);
    else
        cr_subject_list(db, what, rep->subject_id, would_render, &w, &err);
    cr_json_set(entry, "selected", cr_json_int((int64_t)w.count));
    if (!w.count) {
        if (!err.code)
            cr_error_set(&err, EX_DATAERR, NULL, 0, 0, "nothing selected in the store as it is now");
        cr_run_event ev = {.kind = CR_RUN_WOULD_RENDER, .report = rep, .period = period->label,
                           .err = &err};
        tell(r, &ev);
    }
    cr_db_close(db);
}

/* Keeps a copy of stem for the run's items; NULL when out of memory. */
static const char *keep_stem(run *r, const char *stem)
{
    char *copy = strdup(stem);
    char **stems = copy ? realloc(r->stems, (r->stem_count + 1) * sizeof *stems) : NULL;
    if (!stems) {
        free(copy);
        return NULL;
    }
    r->stems = stems;
    return r->stems[r->stem_count++] = copy;
}

static void report_failed(run *r, const cr_batch_report *rep, const char *period,
                          cr_json *entry, const cr_error *err)
{
    cr_summary_report_failed(entry, err);
    cr_run_event ev = {.kind = CR_RUN_REPORT_FAILED, .report = rep, .period = period, .err = err};
    tell(r, &ev);
    r->res->reports_failed++;
    note_failure(r, err->code);
}

/* The creation time of a batch's documents: SOURCE_DATE_EPOCH when set,
 * else 00:00 UTC of the run date. A re-run for the same date over the same
 * data then writes the same bytes, so its mail has the same key and is never
 * queued or sent twice (mail.h); new data makes new files and a new message. */
static int64_t document_time(const cr_date *today)
{
    if (getenv("SOURCE_DATE_EPOCH"))
        return cr_render_creation_time();
    return cr_days_from_civil(today->year, today->month, today->day) * 86400;
}

/* rep's <param>s as settings (*out, caller frees) after checking each
 * against tpl: a bad one is the report's configuration error at its line. */
static int report_settings(run *r, const cr_batch_report *rep, const cr_template *tpl,
                           cr_template_setting **out, cr_error *err)
{
    if (!(*out = calloc(rep->param_count + 1, sizeof **out)))
        return cr_error_nomem(err);
    for (size_t i = 0; i < rep->param_count; i++) {
        (*out)[i] = (cr_template_setting){rep->params[i].name, rep->params[i].value};
        if (cr_template_check_settings(tpl, &(*out)[i], 1, err)) {
            err->code = EX_CONFIG;
            snprintf(err->file, sizeof err->file, "%s", r->b->path);
            err->line = rep->params[i].line;
            return EX_CONFIG;
        }
    }
    return 0;
}

static void do_report(run *r, const cr_batch_report *rep, const cr_date *today)
{
    cr_error err;
    cr_error_clear(&err);
    cr_period period;
    cr_json *entry = cr_summary_add_report(r->summary, rep->template_path, NULL);
    if (cr_period_parse(rep->period, today, &period, &err)) {
        err.code = EX_CONFIG;
        snprintf(err.file, sizeof err.file, "%s", r->b->path);
        err.line = rep->line;
        report_failed(r, rep, rep->period, entry, &err);
        return;
    }
    if (entry)
        cr_json_set(entry, "period", cr_json_string(period.label));
    cr_template *tpl = NULL;
    if (cr_template_load(rep->template_path, &tpl, &err)) {
        report_failed(r, rep, period.label, entry, &err);
        return;
    }
    bool partner = cr_template_get_scope(tpl) == CR_SCOPE_PARTNER;
    const char *stem = keep_stem(r, cr_template_output_stem(tpl));
    if (!stem) {
        cr_error_nomem(&err);
        report_failed(r, rep, period.label, entry, &err);
        cr_template_free(tpl);
        return;
    }
    if (partner && rep->selection == CR_RENDER_ACCOUNT) {
        cr_error_set(&err, EX_CONFIG, r->b->path, rep->line, 0,
                     "%s is a partner report: use partner=\"ID\" or all=\"true\"",
                     rep->template_path);
        report_failed(r, rep, period.label, entry, &err);
        cr_template_free(tpl);
        return;
    }
    cr_template_setting *settings = NULL;
    if (report_settings(r, rep, tpl, &settings, &err)) {
        report_failed(r, rep, period.label, entry, &err);
        goto out;
    }
    if (r->opt->dry_run) {
        dry_render(r, rep, &period, stem, partner, entry);
        goto out;
    }
    r->report = rep;
    r->period = &period;
    r->stem = stem;
    r->partner = partner;
    r->entry = entry;
    cr_render_job job = {
        .db_path = r->opt->db_path, .tpl = tpl, .selection = rep->selection,
        .subject_id = rep->subject_id, .period = &period, .locale = rep->locale,
        .out_dir = r->out_dir, .pdf = rep->pdf, .xlsx = rep->xlsx, .jobs = rep->jobs,
        .allow_empty = rep->allow_empty,
        .created = document_time(today), .settings = settings,
        .setting_count = rep->param_count, .on_subject = on_rendered,
        .on_progress = on_render_progress, .ctx = r};
    cr_render_summary rs;
    if (cr_render_run(&job, &rs, &err))
        report_failed(r, rep, period.label, entry, &err);
    r->entry = NULL;
    r->report = NULL;
out:
    free(settings);
    cr_template_free(tpl);
}

/* Adds the true-up charges of doc (currency cur) to fg. */
static void add_charges(cr_mailtext_figures *fg, const cr_json *doc, const char *cur, int digits)
{
    const cr_json *ts = cr_json_get(doc, "trueup_summary");
    if (!cr_json_get_bool(cr_json_get(doc, "billable")) || !ts || !cur)
        return;
    double units = 0;
    for (size_t i = 0; i < cr_json_size(ts); i++) {
        const cr_json *c = cr_json_get(cr_json_value_at(ts, i), "charge_total");
        if (!cr_json_is_null(c))
            units += cr_json_get_number(c);
    }
    if (units <= 0)
        return;
    double scale = 1;
    for (int i = 0; i < digits; i++)
        scale *= 10;
    long long minor = (long long)(units * scale + 0.5);
    for (size_t i = 0; i < fg->charge_count; i++)
        if (strcmp(fg->charges[i].currency, cur) == 0) {
            fg->charges[i].minor += minor;
            return;
        }
    if (fg->charge_count < CR_MAILTEXT_CURRENCIES) {
        snprintf(fg->charges[fg->charge_count].currency, 4, "%s", cur);
        fg->charges[fg->charge_count++].minor = minor;
    }
}

/* The headline figures of an account (or, summed, of a partner's accounts). */
static void account_figures(sqlite3 *db, const cr_subject *acct, const cr_period *p,
                            bool partner, cr_mailtext_figures *fg)
{
    cr_json *doc = NULL;
    cr_error err;
    cr_error_clear(&err);
    if (cr_metrics_compute(db, acct->account_id, p, NULL, &doc, &err))
        return;
    const cr_json *dep = cr_json_path(doc, "adoption.deployed");
    if (!cr_json_is_null(dep)) {
        fg->devices += cr_json_get_int(dep);
        fg->have_devices = true;
    }
    if (!partner) {
        const cr_json *rate = cr_json_path(doc, "adoption.rate");
        if ((fg->have_adoption = !cr_json_is_null(rate)))
            fg->adoption = cr_json_get_number(rate);
        const cr_json *rma = cr_json_path(doc, "rma.rate"), *th = cr_json_path(doc, "rma.threshold");
        if ((fg->have_rma = !cr_json_is_null(rma) && !cr_json_is_null(th))) {
            fg->rma_rate = cr_json_get_number(rma);
            fg->rma_threshold = cr_json_get_number(th);
        }
    }
    add_charges(fg, doc, acct->currency, acct->currency_digits);
    cr_json_free(doc);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Adds one to the counter key of the summary's "mail". */
static void bump_mail(run *r, const char *key)
{
    cr_json *mail = cr_json_get(r->summary, "mail");
    cr_json_set(mail, key, cr_json_int(cr_json_get_int(cr_json_get(mail, key)) + 1));
}

/* Records one message's outcome in the summary. */
static void message_entry(run *r, const rendered *it, const char *to, const char *eml,
                          const char *status, const cr_error *err)
{
    cr_json *msgs = cr_json_path(r->summary, "mail.messages");
    cr_json *m = msgs ? cr_json_append(msgs, cr_json_object()) : NULL;
    if (!m)
        return;
    cr_json_set(m, "report", cr_json_string(it->stem));
    cr_json_set(m, "period", cr_json_string(it->period.label));
    cr_json_set(m, "subject_id", cr_json_string(it->subject_id));
    cr_json_set(m, "to", to ? cr_json_string(to) : cr_json_null());
    cr_json_set(m, "eml", eml ? cr_json_string(eml) : cr_json_null());
    cr_json_set(m, "status", cr_json_string(status));
    if (err)
        cr_summary_set_error(m, err);
}

static void mail_one(run *r, sqlite3 *db, const rendered *it, const char *outbox)
{
    const cr_batch *b = r->b;
    cr_error err;
    cr_error_clear(&err);
    cr_subject *s = NULL;
    int rc = it->partner ? cr_subject_load_partner(db, it->subject_id, &s, &err)
                         : cr_subject_load(db, it->subject_id, &s, &err);
    cr_run_event ev = {.kind = CR_RUN_QUEUED, .report = it->report, .period = it->period.label,
                       .subject_id = it->subject_id};
    if (rc) {
        ev.err = &err;
        tell(r, &ev);
        message_entry(r, it, NULL, NULL, "failed", &err);
        bump_mail(r, "failed_to_queue");
        r->res->mail_failed++;
        note_failure(r, rc);
        return;
    }
    ev.to = s->recipients;
    if (!s->recipients || !*s->recipients) {
        ev.kind = r->opt->dry_run ? CR_RUN_WOULD_MAIL : CR_RUN_NO_RECIPIENTS;
        ev.to = NULL;
        tell(r, &ev);
        message_entry(r, it, NULL, NULL, "no_recipients", NULL);
        bump_mail(r, "no_recipients");
        goto out_free;
    }
    if (r->opt->dry_run) {
        ev.kind = CR_RUN_WOULD_MAIL;
        tell(r, &ev);
        message_entry(r, it, s->recipients, NULL, "would_queue", NULL);
        goto out_free;
    }

    cr_mailtext_figures fg = {0};
    if (it->partner) {
        fg.have_accounts = true;
        fg.accounts = (long long)s->account_count;
        for (size_t i = 0; i < s->account_count; i++) {
            cr_subject *a = NULL;
            cr_error aerr;
            cr_error_clear(&aerr);
            if (cr_subject_load(db, s->accounts[i].account_id, &a, &aerr) == 0)
                account_figures(db, a, &it->period, true, &fg);
            cr_subject_free(a);
        }
    } else {
        account_figures(db, s, &it->period, false, &fg);
    }
    const char *loc_tag = it->report->locale ? it->report->locale : s->locale;
    cr_locale loc = cr_numfmt_locale_from_tag(loc_tag);
    const char *names[2];
    cr_mail_attachment att[2];
    size_t n = 0;
    if (it->pdf) {
        names[n] = base_name(it->pdf);
        att[n] = (cr_mail_attachment){.path = it->pdf, .filename = names[n]};
        n++;
    }
    if (it->xlsx) {
        names[n] = base_name(it->xlsx);
        att[n] = (cr_mail_attachment){.path = it->xlsx, .filename = names[n]};
        n++;
    }
    cr_mailtext_input mi = {
        .loc = loc, .stem = it->stem,
        .name = it->partner ? s->partner_name : s->account_name, .period = &it->period,
        .custom = &b->mail->text[loc], .figures = &fg, .attachments = names,
        .attachment_count = n};
    char *subject = NULL, *body = NULL;
    if ((rc = cr_mailtext_build(&mi, &subject, &body, &err)) == 0) {
        cr_mail_message m = {.from = b->mail->from, .to = s->recipients, .subject = subject,
                             .body = body, .attachments = att, .attachment_count = n,
                             .batch = b->name, .run_date = r->date, .date = r->opt->now};
        cr_mail_queued what = CR_MAIL_QUEUED;
        char eml[CR_MAIL_NAME_SIZE] = "";
        rc = cr_mail_queue(outbox, &m, &what, eml, &err);
        ev.eml = eml[0] ? eml : NULL;
        ev.queued = what;
        if (!rc) {
            const char *status = what == CR_MAIL_QUEUED         ? "queued"
                                 : what == CR_MAIL_ALREADY_SENT ? "already_sent"
                                                                : "already_queued";
            message_entry(r, it, s->recipients, ev.eml, status, NULL);
            if (what == CR_MAIL_QUEUED)
                r->res->mail_queued++;
            else
                r->res->mail_skipped++;
            bump_mail(r, status);
        }
    }
    free(subject);
    free(body);
    if (rc) {
        ev.err = &err;
        message_entry(r, it, s->recipients, NULL, "failed", &err);
        bump_mail(r, "failed_to_queue");
        r->res->mail_failed++;
        note_failure(r, rc);
    }
    tell(r, &ev);
out_free:
    cr_subject_free(s);
}

/* cr_mail_send_outbox's callback. */
static void on_sent(void *ctx, const char *eml_name, const cr_error *err)
{
    run *r = ctx;
    cr_json *msgs = cr_json_path(r->summary, "mail.sending");
    cr_json *m = msgs ? cr_json_append(msgs, cr_json_object()) : NULL;
    if (m) {
        cr_json_set(m, "eml", cr_json_string(eml_name));
        cr_json_set(m, "status", cr_json_string(!err ? "sent"
                                                : err->code == EX_TEMPFAIL ? "deferred"
                                                                           : "failed"));
        if (err)
            cr_summary_set_error(m, err);
    }
    cr_run_event ev = {.kind = CR_RUN_SENT, .path = r->res->outbox, .eml = eml_name, .err = err};
    tell(r, &ev);
    if (err)
        note_failure(r, err->code);
}

/* The transport as the summary names it: the URL without its user part, or
 * the sendmail command; NULL when none. */
static void describe_transport(const cr_mail_transport *t, char *buf, size_t size)
{
    if (t->sendmail) {
        snprintf(buf, size, "sendmail: %s", t->sendmail);
        return;
    }
    const char *u = t->smtp_url, *host = strstr(u, "://");
    host = host ? host + 3 : u;
    const char *at = strchr(host, '@'), *slash = strchr(host, '/');
    if (at && (!slash || at < slash))
        snprintf(buf, size, "%.*s%s", (int)(host - u), u, at + 1);
    else
        snprintf(buf, size, "%s", u);
}

static int do_mail(run *r, cr_error *err)
{
    const cr_batch *b = r->b;
    const cr_batch_mail *bm = b->mail;
    if (!bm)
        return 0;
    char *outbox = NULL;
    if (bm->outbox) {
        outbox = strdup(bm->outbox);
    } else {
        size_t n = strlen(r->out_dir) + 8;
        if ((outbox = malloc(n)))
            snprintf(outbox, n, "%s/outbox", r->out_dir);
    }
    if (!outbox)
        return cr_error_nomem(err);
    snprintf(r->res->outbox, sizeof r->res->outbox, "%s", outbox);

    cr_mail_transport t = {.username = bm->user, .require_tls = bm->require_tls,
                           .ca_file = bm->ca_file, .timeout_seconds = bm->timeout_seconds};
    if (r->opt->smtp_url)
        t.smtp_url = r->opt->smtp_url;
    else if (bm->smtp_url)
        t.smtp_url = bm->smtp_url;
    else
        t.sendmail = bm->sendmail;
    char transport[1200] = "";
    if (t.smtp_url || t.sendmail)
        describe_transport(&t, transport, sizeof transport);

    cr_json *mail = cr_json_set(r->summary, "mail", cr_json_object());
    if (!mail) {
        free(outbox);
        return cr_error_nomem(err);
    }
    cr_json_set(mail, "outbox", cr_json_string(outbox));
    cr_json_set(mail, "transport", transport[0] ? cr_json_string(transport) : cr_json_null());
    static const char *const counters[] = {"queued", "already_queued", "already_sent",
                                           "no_recipients", "failed_to_queue", "sent",
                                           "deferred", "failed"};
    for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++)
        cr_json_set(mail, counters[i], cr_json_int(0));
    cr_json_set(mail, "messages", cr_json_array());
    cr_json_set(mail, "sending", cr_json_array());

    int rc = 0;
    char *password = NULL;
    if (r->item_count) {
        cr_error derr;
        cr_error_clear(&derr);
        sqlite3 *db = cr_db_open(r->opt->db_path, CR_DB_READONLY, &derr);
        if (db) {
            for (size_t i = 0; i < r->item_count; i++)
                mail_one(r, db, &r->items[i], outbox);
            cr_db_close(db);
        } else if (!r->opt->dry_run) {
            note_failure(r, derr.code);
            cr_json_set(mail, "error", cr_json_string(derr.message));
        }
    }
    if (r->opt->dry_run) {
        cr_run_event ev = {.kind = CR_RUN_WOULD_SEND, .eml = outbox,
                           .transport = transport[0] ? transport : NULL};
        tell(r, &ev);
        goto out_free;
    }
    if (!t.smtp_url && !t.sendmail)
        goto out_free;
    if (t.smtp_url && (rc = read_password(b, &password, err)))
        goto out_free;
    t.password = password;
    struct stat st;
    if (stat(outbox, &st) != 0)
        goto out_free; /* nothing was ever queued: nothing to send */
    cr_mail_summary ms = {0};
    cr_error serr;
    cr_error_clear(&serr);
    if (cr_mail_send_outbox(outbox, &t, on_sent, r, &ms, &serr)) {
        note_failure(r, serr.code);
        cr_summary_set_error(mail, &serr);
        cr_run_event ev = {.kind = CR_RUN_SENT, .eml = outbox, .err = &serr};
        tell(r, &ev);
    }
    cr_json_set(mail, "sent", cr_json_int((int64_t)ms.sent));
    cr_json_set(mail, "deferred", cr_json_int((int64_t)ms.deferred));
    cr_json_set(mail, "failed", cr_json_int((int64_t)ms.failed));
    r->res->mail_sent = ms.sent;
    r->res->mail_deferred = ms.deferred;
    r->res->mail_send_failed = ms.failed;
out_free:
    if (password) {
        memset(password, 0, strlen(password));
        free(password);
    }
    free(outbox);
    return rc;
}

/* The dry run has no rendered files: it lists the mail of the subjects that
 * the store names now. */
static int would_mail_subject(void *ctx, const char *id, const char *partner_id, cr_error *err)
{
    would *w = ctx;
    run *r = w->r;
    if (r->item_count == r->item_cap) {
        size_t cap = r->item_cap ? 2 * r->item_cap : 16;
        rendered *items = realloc(r->items, cap * sizeof *items);
        if (!items)
            return cr_error_nomem(err);
        r->items = items;
        r->item_cap = cap;
    }
    r->items[r->item_count] = (rendered){.report = w->report, .period = *w->period,
                                         .stem = w->stem, .partner = w->partner,
                                         .subject_id = strdup(id)};
    if (!r->items[r->item_count].subject_id)
        return cr_error_nomem(err);
    r->item_count++;
    return 0;
}

static void dry_mail_items(run *r, const cr_date *today)
{
    cr_error err;
    cr_error_clear(&err);
    sqlite3 *db = cr_db_open(r->opt->db_path, CR_DB_READONLY, &err);
    if (!db)
        return;
    for (size_t i = 0; i < r->b->report_count; i++) {
        const cr_batch_report *rep = &r->b->reports[i];
        cr_period period;
        cr_template *tpl = NULL;
        if (!rep->mail || cr_period_parse(rep->period, today, &period, &err) ||
            cr_template_load(rep->template_path, &tpl, &err)) {
            cr_error_clear(&err);
            continue;
        }
        bool partner = cr_template_get_scope(tpl) == CR_SCOPE_PARTNER;
        const char *stem = keep_stem(r, cr_template_output_stem(tpl));
        if (!stem) {
            r->nomem = true;
            cr_template_free(tpl);
            break;
        }
        would w = {.r = r, .report = rep, .period = &period, .stem = stem, .partner = partner};
        if (partner && rep->selection == CR_RENDER_PARTNER)
            would_mail_subject(&w, rep->subject_id, rep->subject_id, &err);
        else if (!(partner && rep->selection == CR_RENDER_ACCOUNT))
            cr_subject_list(db, rep->selection == CR_RENDER_ALL
                                    ? (partner ? CR_SUBJECT_LIST_PARTNERS
                                               : CR_SUBJECT_LIST_ACCOUNTS)
                                : rep->selection == CR_RENDER_ACCOUNT
                                    ? CR_SUBJECT_LIST_ACCOUNT
                                    : CR_SUBJECT_LIST_PARTNER_ACCOUNTS,
                            rep->subject_id, would_mail_subject, &w, &err);
        cr_template_free(tpl);
    }
    cr_db_close(db);
}

int cr_run_batch(const cr_batch *b, const cr_run_options *opt, cr_run_result *res,
                 cr_json **summary, cr_error *err)
{
    memset(res, 0, sizeof *res);
    if (summary)
        *summary = NULL;
    run r = {.b = b, .opt = opt, .res = res};
    int rc = 0, lock_fd = -1;
    cr_date today;
    if (opt->date)
        today = *opt->date;
    else if ((rc = cr_batch_today(b, opt->now, &today, err)))
        return rc;
    cr_date_format(today, r.date);
    r.out_dir = opt->out_dir ? opt->out_dir : b->out;
    snprintf(res->out_dir, sizeof res->out_dir, "%s", r.out_dir);

    r.summary = cr_summary_new("run");
    if (!r.summary)
        return cr_error_nomem(err);
    cr_json_set(r.summary, "batch", cr_json_string(b->path));
    cr_json_set(r.summary, "date", cr_json_string(r.date));
    cr_json_set(r.summary, "dry_run", cr_json_bool(opt->dry_run));
    cr_json_set(r.summary, "out", cr_json_string(r.out_dir));
    cr_json_set(r.summary, "imports", cr_json_array());
    cr_json_set(r.summary, "reports", cr_json_array());

    if (!opt->dry_run) {
        /* A password that cannot be read stops the run before it imports:
         * better no run than a run whose mail cannot go. */
        char *password = NULL;
        if (b->mail && (b->mail->smtp_url || opt->smtp_url) &&
            (rc = read_password(b, &password, err)))
            goto out;
        free(password);
        if ((rc = take_lock(opt->db_path, &lock_fd, err)))
            goto out;
    }
    if ((rc = do_imports(&r, err)))
        goto out;
    for (size_t i = 0; i < b->report_count; i++)
        do_report(&r, &b->reports[i], &today);
    if (opt->dry_run && b->mail)
        dry_mail_items(&r, &today);
    if (r.nomem) {
        rc = cr_error_nomem(err);
        goto out;
    }
    rc = do_mail(&r, err);

out:
    if (rc)
        cr_summary_set_error(r.summary, err);
    if (rc && !res->exit_code)
        res->exit_code = rc;
    for (size_t i = 0; i < r.item_count; i++) {
        free(r.items[i].subject_id);
        free(r.items[i].pdf);
        free(r.items[i].xlsx);
    }
    free(r.items);
    for (size_t i = 0; i < r.stem_count; i++)
        free(r.stems[i]);
    free(r.stems);
    if (lock_fd >= 0)
        close(lock_fd); /* releases the lock */
    if (summary)
        *summary = r.summary;
    else
        cr_json_free(r.summary);
    return rc;
}
