/* batch.h - the scheduled job `csmreport run BATCH.xml` (SPEC sections 2 and 8).
 *
 * batch.c reads a batch file (templates/batch.xsd, under the SPEC 9 rules of
 * xmlsafe.h) into an immutable cr_batch with every relative path resolved
 * against the batch file's folder. run.c runs it: takes the run lock, imports
 * the inputs, renders the reports, writes their mail to the outbox and sends
 * it, going on past any failing input, subject or message, and builds the
 * summary document (summary.h) that `run --summary FILE` writes.
 *
 * The lock is an flock(2) on DB.lock beside the database (the shared resource:
 * two runs over one store would import into it at the same time, whatever
 * their output folders); a run that finds it held stops at once with
 * EX_TEMPFAIL. A dry run takes no lock and changes nothing.
 *
 * Nothing here prints: what happens goes to the caller's callback.
 */
#ifndef CSMREPORT_BATCH_H
#define CSMREPORT_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "csmreport/datetime.h"
#include "csmreport/error.h"
#include "csmreport/ingest.h"
#include "csmreport/json.h"
#include "csmreport/mail.h"
#include "csmreport/render.h"

/* One <import>: a file or a glob, with the options of `import`. */
typedef struct cr_batch_input {
    char *path;            /* resolved against the batch folder; may be a glob */
    char *kind;            /* NULL: detected */
    char *profile;         /* resolved profile path, NULL when none */
    char *account, *snapshot_date; /* NULL when not given */
    char *sheet;           /* an .xlsx file's sheet, NULL: the first */
    bool skip_bad_rows;
    long line;             /* of the element in the batch file */
} cr_batch_input;

/* One <param> (a template parameter's value, template.h): line is where it
 * is written, for the error when the report's template has no such
 * parameter or the value is not of its type. */
typedef struct cr_batch_param {
    char *name, *value;
    long line;
} cr_batch_param;

/* One <report>. */
typedef struct cr_batch_report {
    char *template_path;   /* resolved */
    cr_render_selection selection;
    char *subject_id;      /* account or partner id; NULL for all */
    char *period;          /* as written: "previous-quarter", "2026-Q3", ... */
    bool pdf, xlsx;
    char *locale;          /* NULL: each subject's own */
    int jobs;
    bool mail;             /* mail its files (when the batch has <mail>) */
    bool allow_empty;      /* render an account with nothing to report (render --allow-empty) */
    /* The parameters it renders with: the batch-level <param>s it does not
     * give itself, then its own (each name once). Checked by the run, once
     * the template is read. */
    cr_batch_param *params;
    size_t param_count;
    long line;
} cr_batch_report;

/* One <text>: what replaces the built-in subject and opening line in one
 * language (NULL: built-in). */
typedef struct cr_batch_text {
    char *subject, *body;
} cr_batch_text;

/* <mail>. Exactly one of smtp_url and sendmail may be set; neither: the
 * messages are only written to the outbox. */
typedef struct cr_batch_mail {
    char *from;
    char *outbox;          /* resolved; NULL: OUT/outbox */
    char *smtp_url, *user, *password_env, *password_file; /* password_file resolved */
    bool require_tls;
    char *ca_file;         /* resolved; NULL: the system's CA store */
    long timeout_seconds;
    char *sendmail;
    cr_batch_text text[4]; /* by cr_locale: en, fr, nb, ja */
    long line;
} cr_batch_mail;

typedef struct cr_batch {
    char *path;            /* as given */
    char *dir;             /* its folder, absolute */
    char *name;
    char *timezone;        /* NULL: UTC */
    char *out;             /* resolved; default DIR/out */
    cr_batch_input *inputs;
    size_t input_count;
    cr_batch_report *reports;
    size_t report_count;
    cr_batch_mail *mail;   /* NULL when the file has no <mail> */
} cr_batch;

/* Reads and validates path into *out (free with cr_batch_free). EX_NOINPUT
 * for a missing file; EX_CONFIG with file and line for anything invalid: the
 * schema, unsafe XML, a report without exactly one of all/account/partner, an
 * unknown time zone, smtp credentials given two ways. Nothing else is opened:
 * templates, profiles and inputs are read by the run. */
int cr_batch_load(const char *path, cr_batch **out, cr_error *err);

/* Frees b; NULL is a no-op. */
void cr_batch_free(cr_batch *b);

/* Today in the batch's time zone (UTC without one) at the Unix time now. */
int cr_batch_today(const cr_batch *b, long long now, cr_date *out, cr_error *err);

/* What a run tells its caller, as it happens. Pointers are valid during the
 * call only; fields that do not apply are NULL / 0. */
typedef enum cr_run_event_kind {
    CR_RUN_IMPORTED,      /* path, import (the counts), err on failure */
    CR_RUN_REPORT_FAILED, /* report could not start (template, period, store): err */
    CR_RUN_RENDERED,      /* report, subject_id, pdf, xlsx (OUT/... or NULL), err */
    CR_RUN_QUEUED,        /* report, subject_id, to, eml, queued; err on failure */
    CR_RUN_NO_RECIPIENTS, /* report, subject_id: rendered, but nobody to mail */
    CR_RUN_SENT,          /* path (the outbox), eml; err NULL sent, else deferred
                             (EX_TEMPFAIL) or failed; eml is the outbox itself and
                             path NULL when the outbox cannot be read */
    CR_RUN_PROGRESS,      /* long work: path and phase ("reading", "writing") of an
                             import, or report and period ("rendering"); done of total */
    /* The dry run's kinds, last. */
    CR_RUN_WOULD_IMPORT,  /* dry run: path (one per matched file) */
    CR_RUN_WOULD_RENDER,  /* dry run: report, period, subject_id, pdf, xlsx; or err
                             when nothing can be listed (no store yet, nothing selected) */
    CR_RUN_WOULD_MAIL,    /* dry run: report, subject_id, to (NULL: no recipients) */
    CR_RUN_WOULD_SEND,    /* dry run: eml (the outbox) and transport (NULL: none) */
} cr_run_event_kind;

typedef struct cr_run_event {
    cr_run_event_kind kind;
    const cr_batch_report *report;
    const char *period;        /* the report's resolved period label */
    const char *path, *subject_id, *pdf, *xlsx, *to, *eml, *transport, *phase;
    unsigned long long done, total;
    const cr_import_result *import;
    cr_mail_queued queued;
    const cr_error *err;
} cr_run_event;

typedef void (*cr_run_event_fn)(void *ctx, const cr_run_event *ev);

typedef struct cr_run_options {
    const char *db_path;
    const cr_date *date;       /* --date; NULL: today in the batch's zone */
    const char *out_dir;       /* --out; NULL: the batch's */
    const char *smtp_url;      /* --smtp: replaces the batch's server */
    bool dry_run;
    long long now;             /* Unix time of the run (Date headers, today) */
    cr_run_event_fn on_event;  /* NULL: not told */
    void *ctx;
} cr_run_options;

/* What a run did, counted. */
typedef struct cr_run_result {
    size_t imports_ok, imports_failed;
    size_t reports_written, reports_failed;   /* subjects */
    size_t mail_queued, mail_skipped, mail_failed; /* skipped: already queued or sent */
    size_t mail_sent, mail_deferred, mail_send_failed;
    int exit_code;             /* the first failure's code; 0 when all went well */
    char out_dir[4096];        /* where the reports went */
    char outbox[4096];         /* where the mail went ("" without <mail>) */
} cr_run_result;

/* Runs b as opt says. Returns 0 once everything was tried (res->exit_code
 * says whether all went well), or a code with err filled when the run could
 * not start: EX_TEMPFAIL when another run holds the lock, EX_CONFIG for a
 * password that cannot be read, the store's code when it cannot be opened.
 * *summary (may be NULL) receives the summary document (summary.h; the
 * caller frees it with cr_json_free), also when the run could not start. */
int cr_run_batch(const cr_batch *b, const cr_run_options *opt, cr_run_result *res,
                 cr_json **summary, cr_error *err);

#endif
