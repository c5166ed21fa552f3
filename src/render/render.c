/* render.c - rendering a template for many subjects: selection, shards, worker
 * threads, output names and safe folders (render.h).
 *
 * The subjects are listed once on a read-only connection, then the workers
 * take them from a shared counter, each on its own read-only connection.
 * Outcomes are kept per subject and handed to the caller's callback in
 * subject order, under the job's lock, as soon as every earlier subject is
 * done, so the report of a run does not depend on the thread timing.
 */
#include "csmreport/render.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "csmreport/accounts.h"
#include "csmreport/datetime.h"
#include "csmreport/db.h"
#include "csmreport/deck.h"
#include "csmreport/numfmt.h"
#include "csmreport/outfile.h"
#include "csmreport/report.h"
#include "csmreport/subject.h"
#include "csmreport/workbook.h"
#include "nodata.h"

#define OUT_DIR_MAX 4096
/* OUT/partners/ID/ID_STEM_PERIOD.xlsx */
#define PATH_SIZE (OUT_DIR_MAX + 4 * CR_OUTFILE_NAME_SIZE + 32)

/* ---------- names ---------- */

static uint64_t fnv1a64(const char *s)
{
    uint64_t h = 14695981039346656037ull;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    return h;
}

unsigned cr_render_shard_of(const char *shard_key, unsigned n)
{
    return n ? (unsigned)(fnv1a64(shard_key) % n) + 1 : 1;
}

int64_t cr_render_creation_time(void)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (s && *s) {
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (!*end && !errno && v >= 0)
            return v;
    }
    return (int64_t)time(NULL);
}

/* ---------- subjects ---------- */

enum { WROTE_PDF = 1, WROTE_XLSX = 2 };

typedef struct subject {
    char *id;        /* account_id or partner_id */
    char *shard_key; /* the partner, or the account when it has none */
    bool finished;   /* rendered or failed; the outcome below is set */
    unsigned wrote;  /* WROTE_* */
    int rc;
    cr_error *err;   /* the failure (NULL when rc is 0, or when out of memory) */
} subject;

typedef struct subject_list {
    subject *items;
    size_t count, cap;
} subject_list;

static int add_subject(subject_list *l, const char *id, const char *shard_key, cr_error *err)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        subject *n = realloc(l->items, cap * sizeof *n);
        if (!n)
            return cr_error_nomem(err);
        l->items = n;
        l->cap = cap;
    }
    subject *s = &l->items[l->count];
    memset(s, 0, sizeof *s);
    s->id = strdup(id);
    s->shard_key = strdup(shard_key && *shard_key ? shard_key : id);
    if (!s->id || !s->shard_key) {
        free(s->id);
        free(s->shard_key);
        return cr_error_nomem(err);
    }
    l->count++;
    return 0;
}

static void free_subject(subject *s)
{
    free(s->id);
    free(s->shard_key);
    free(s->err);
}

static void free_subjects(subject_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        free_subject(&l->items[i]);
    free(l->items);
}

/* cr_subject_list's callback: a subject whose shard key is its partner. */
static int add_listed(void *ctx, const char *id, const char *partner_id, cr_error *err)
{
    return add_subject(ctx, id, partner_id, err);
}

/* Fills l with the subjects of job's selection, in subject order. */
static int list_subjects(const cr_render_job *job, bool partner_scope, subject_list *l,
                         cr_error *err)
{
    sqlite3 *db = cr_db_open(job->db_path, CR_DB_READONLY, err);
    if (!db)
        return cr_error_exit_code(err);
    const char *id = job->subject_id;
    int rc;
    if (job->selection == CR_RENDER_PARTNER && partner_scope)
        rc = add_subject(l, id, id, err);
    else
        rc = cr_subject_list(db,
                             job->selection == CR_RENDER_ACCOUNT ? CR_SUBJECT_LIST_ACCOUNT
                             : job->selection == CR_RENDER_PARTNER ? CR_SUBJECT_LIST_PARTNER_ACCOUNTS
                             : partner_scope                       ? CR_SUBJECT_LIST_PARTNERS
                                                                   : CR_SUBJECT_LIST_ACCOUNTS,
                             id, add_listed, l, err);
    cr_db_close(db);
    if (rc)
        return rc;
    if (job->selection == CR_RENDER_ACCOUNT && l->count == 0)
        return cr_error_set(err, EX_DATAERR, NULL, 0, 0, "unknown account '%s'", id);
    if (job->selection == CR_RENDER_PARTNER && !partner_scope && l->count == 0)
        return cr_error_set(err, EX_DATAERR, NULL, 0, 0, "no account has partner '%s'", id);
    if (job->selection == CR_RENDER_ALL && l->count == 0)
        return cr_error_set(err, EX_DATAERR, NULL, 0, 0,
                            "the store has no %s to render (import an accounts file first)",
                            partner_scope ? "partners" : "accounts");
    return 0;
}

/* Drops the subjects outside shard k of n: all accounts of one partner share
 * its shard key, so they stay together. */
static void keep_shard(subject_list *l, unsigned k, unsigned n)
{
    size_t kept = 0;
    for (size_t i = 0; i < l->count; i++) {
        subject *s = &l->items[i];
        if (cr_render_shard_of(s->shard_key, n) == k)
            l->items[kept++] = *s;
        else
            free_subject(s);
    }
    l->count = kept;
}

/* ---------- the work ---------- */

typedef struct run {
    const cr_render_job *job;
    const char *stem;
    bool partner_scope;
    cr_outfile_dir *out; /* job->out_dir, open for the whole run */
    subject_list *subjects;
    size_t next;      /* the next subject to take */
    size_t done;      /* subjects finished */
    size_t delivered; /* subjects handed to on_subject */
    pthread_mutex_t lock;
} run;

/* The cleaned name parts of s's files. */
typedef struct name_parts {
    char id[CR_OUTFILE_NAME_SIZE], stem[CR_OUTFILE_NAME_SIZE], period[CR_OUTFILE_NAME_SIZE];
} name_parts;

static void make_name_parts(const run *r, const subject *s, name_parts *n)
{
    cr_outfile_safe_name(s->id, n->id, sizeof n->id);
    cr_outfile_safe_name(r->stem, n->stem, sizeof n->stem);
    cr_outfile_safe_name(r->job->period->label, n->period, sizeof n->period);
}

/* The file of extension ext as the user knows it: OUT[/partners]/ID/ID_STEM_PERIOD.ext.
 * Returns false when it does not fit in size. */
static bool shown_path(const run *r, const name_parts *n, const char *ext, char *buf, size_t size)
{
    int len = snprintf(buf, size, "%s%s/%s/%s_%s_%s.%s", r->job->out_dir,
                       r->partner_scope ? "/partners" : "", n->id, n->id, n->stem, n->period, ext);
    return len >= 0 && (size_t)len < size;
}

/* An account with nothing to report for the period (no inventory on or
 * before its end, or a period outside both its term and its data) is a
 * failure of its own, said with the reason, unless the job allows it: a deck
 * of dashes sent to a customer is worse than no deck. Sets *empty (with the
 * facts in gap) when the job allows it. */
static int refuse_empty(const cr_render_job *job, sqlite3 *db, const char *account, bool *empty,
                        cr_period_gap *gap, cr_error *e)
{
    char first[16], last[16];
    cr_date_format(job->period->start, first);
    cr_date_format(job->period->end, last);
    int rc = cr_accounts_check_period(db, account, first, last, empty, gap, e);
    if (rc || !*empty || job->allow_empty)
        return rc;
    char why[CR_ERROR_MSG_MAX / 2];
    cr_accounts_gap_text(gap, job->period->label, why, sizeof why);
    return cr_error_set(e, EX_DATAERR, NULL, 0, 0, "not rendered: %s (--allow-empty renders it)",
                        why);
}

/* Renders one subject on db; fills s->wrote and s->rc, and e on failure. */
static void render_one(run *r, sqlite3 *db, subject *s, cr_error *e)
{
    const cr_render_job *job = r->job;
    cr_render_request req = {.db = db, .subject_id = s->id, .period = job->period,
                             .locale = job->locale, .created = job->created,
                             .settings = job->settings, .setting_count = job->setting_count};
    cr_report *rep = NULL;
    bool empty = false;
    cr_period_gap gap;
    int rc = r->partner_scope ? 0 : refuse_empty(job, db, s->id, &empty, &gap, e);
    if (!rc)
        rc = cr_template_resolve(job->tpl, &req, &rep, e);
    if (!rc && empty)
        rc = cr_nodata_add_page(rep, &gap, job->period->label, e);

    name_parts n;
    make_name_parts(r, s, &n);
    cr_outfile_dir *scope = NULL, *dir = NULL;
    if (!rc && r->partner_scope)
        rc = cr_outfile_make_dir(r->out, "partners", &scope, e);
    if (!rc)
        rc = cr_outfile_make_dir(scope ? scope : r->out, n.id, &dir, e);
    /* The account's files go together: both written and synced before
     * either is published, so a mailer never finds a PDF whose workbook
     * failed (or the new PDF beside last quarter's workbook). */
    cr_outfile *staged[2] = {NULL, NULL};
    int kinds[2];
    size_t nstaged = 0;
    for (int k = 0; k < 2 && !rc; k++) {
        bool want = k == 0 ? job->pdf : job->xlsx;
        if (!want)
            continue;
        char name[4 * CR_OUTFILE_NAME_SIZE];
        snprintf(name, sizeof name, "%s_%s_%s.%s", n.id, n.stem, n.period, k == 0 ? "pdf" : "xlsx");
        if ((rc = cr_outfile_open(dir, name, &staged[nstaged], e)))
            break;
        kinds[nstaged] = k;
        rc = k == 0 ? cr_deck_write_to(rep, staged[nstaged], e)
                    : cr_workbook_write_to(rep, staged[nstaged], e);
        nstaged++;
    }
    if (rc) {
        for (size_t i = 0; i < nstaged; i++)
            cr_outfile_abort(staged[i]);
    } else if ((rc = cr_outfile_commit_all(staged, nstaged, e)) == 0) {
        for (size_t i = 0; i < nstaged; i++)
            s->wrote |= kinds[i] == 0 ? WROTE_PDF : WROTE_XLSX;
    }
    cr_outfile_dir_close(dir);
    cr_outfile_dir_close(scope);
    cr_report_free(rep);
    s->rc = rc;
}

/* Hands subject s to on_subject (with r->lock held). */
static void deliver(run *r, const subject *s)
{
    const cr_render_job *job = r->job;
    if (!job->on_subject)
        return;
    name_parts n;
    make_name_parts(r, s, &n);
    char pdf[PATH_SIZE], xlsx[PATH_SIZE];
    bool have_pdf = (s->wrote & WROTE_PDF) && shown_path(r, &n, "pdf", pdf, sizeof pdf);
    bool have_xlsx = (s->wrote & WROTE_XLSX) && shown_path(r, &n, "xlsx", xlsx, sizeof xlsx);
    const cr_error *err = NULL;
    cr_error oom;
    if (s->rc && s->err) {
        err = s->err;
    } else if (s->rc) {
        cr_error_set(&oom, s->rc, NULL, 0, 0, "failed (out of memory for the reason)");
        err = &oom;
    }
    job->on_subject(job->ctx, s->id, have_pdf ? pdf : NULL, have_xlsx ? xlsx : NULL, err);
}

/* Records that subject i is finished, reports the progress and hands every
 * finished subject not yet reported, in order, to on_subject. */
static void finish(run *r, size_t i, const cr_error *e)
{
    subject *s = &r->subjects->items[i];
    if (s->rc) {
        s->err = malloc(sizeof *s->err);
        if (s->err) {
            *s->err = *e;
            if (!s->err->code)
                s->err->code = s->rc;
        }
    }
    pthread_mutex_lock(&r->lock);
    s->finished = true;
    r->done++;
    if (r->job->on_progress)
        r->job->on_progress(r->job->ctx, r->done, r->subjects->count);
    while (r->delivered < r->subjects->count && r->subjects->items[r->delivered].finished) {
        subject *d = &r->subjects->items[r->delivered++];
        deliver(r, d);
        free(d->err); /* the outcome is told: keep the memory flat over long runs */
        d->err = NULL;
    }
    pthread_mutex_unlock(&r->lock);
}

static void *worker(void *arg)
{
    run *r = arg;
    cr_error open_err, e;
    cr_error_clear(&open_err);
    sqlite3 *db = cr_db_open(r->job->db_path, CR_DB_READONLY, &open_err);
    for (;;) {
        pthread_mutex_lock(&r->lock);
        size_t i = r->next++;
        pthread_mutex_unlock(&r->lock);
        if (i >= r->subjects->count)
            break;
        subject *s = &r->subjects->items[i];
        cr_error_clear(&e);
        if (!db) {
            e = open_err;
            if (!e.code)
                e.code = EX_SOFTWARE;
            s->rc = e.code;
        } else {
            render_one(r, db, s, &e);
        }
        finish(r, i, &e);
    }
    cr_db_close(db);
    return NULL;
}

static int check_job(const cr_render_job *job, bool partner_scope, cr_error *err)
{
    if (!job->db_path || !job->tpl || !job->period || !job->out_dir)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0,
                            "a render job needs a database, a template, a period and a folder");
    if (job->selection != CR_RENDER_ALL && (!job->subject_id || !*job->subject_id))
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "an empty account or partner");
    if (job->selection == CR_RENDER_ACCOUNT && partner_scope)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0,
                            "a partner report is rendered per partner, not for one account");
    if (!job->pdf && !job->xlsx)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "a render job needs --pdf, --xlsx or both");
    /* a language the program does not write is refused, never an English report */
    if (job->locale && !cr_numfmt_locale_known(job->locale))
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "unknown locale '%s' (supported: %s)",
                            job->locale, CR_NUMFMT_LOCALES);
    if (job->jobs < 0 || job->jobs > CR_RENDER_JOBS_MAX)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "the number of threads must be from 1 to %d",
                            CR_RENDER_JOBS_MAX);
    if (job->shard_n > CR_RENDER_SHARDS_MAX ||
        (job->shard_n > 0 && (job->shard_k < 1 || job->shard_k > job->shard_n)))
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "shard %u/%u: K must be from 1 to N (N up to %d)",
                            job->shard_k, job->shard_n, CR_RENDER_SHARDS_MAX);
    /* once here, not as the same failure of every subject */
    return cr_template_check_settings(job->tpl, job->settings, job->setting_count, err);
}

int cr_render_run(const cr_render_job *job, cr_render_summary *summary, cr_error *err)
{
    if (summary)
        *summary = (cr_render_summary){0};
    bool partner_scope = job->tpl && cr_template_get_scope(job->tpl) == CR_SCOPE_PARTNER;
    int rc = check_job(job, partner_scope, err);
    if (rc)
        return rc;
    subject_list subjects = {0};
    if ((rc = list_subjects(job, partner_scope, &subjects, err)))
        goto out_free;
    if (job->shard_n > 1)
        keep_shard(&subjects, job->shard_k, job->shard_n);
    if (subjects.count == 0)
        goto out_free;
    cr_outfile_dir *out;
    if ((rc = cr_outfile_dir_open(job->out_dir, &out, err)))
        goto out_free;

    run r = {.job = job, .stem = cr_template_output_stem(job->tpl), .partner_scope = partner_scope,
             .out = out, .subjects = &subjects};
    if (!r.stem || !*r.stem)
        r.stem = "report";
    pthread_mutex_init(&r.lock, NULL);
    size_t jobs = job->jobs > 0 ? (size_t)job->jobs : 1;
    size_t threads = jobs < subjects.count ? jobs : subjects.count;
    pthread_t tids[CR_RENDER_JOBS_MAX];
    size_t started = 0;
    for (size_t i = 1; i < threads; i++) {
        if (pthread_create(&tids[started], NULL, worker, &r) != 0)
            break; /* fewer threads: the rest is done by those running */
        started++;
    }
    worker(&r);
    for (size_t i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    pthread_mutex_destroy(&r.lock);
    cr_outfile_dir_close(out);

    if (summary) {
        summary->selected = subjects.count;
        for (size_t i = 0; i < subjects.count; i++) {
            const subject *s = &subjects.items[i];
            if (!s->rc)
                continue;
            summary->failed++;
            if (!summary->first_failure)
                summary->first_failure = s->rc;
        }
        summary->written = summary->selected - summary->failed;
    }

out_free:
    free_subjects(&subjects);
    return rc;
}
