/* render.h - rendering one template for many subjects (SPEC sections 2, 7, 8):
 * choosing the accounts (or, for a partner template, the partners), keeping a
 * stable shard of them, rendering them on worker threads, naming the output
 * files and writing them safely. `csmreport render` and the batch runner
 * (`csmreport run`) both render through cr_render_run.
 *
 * Files go to OUT/<account>/<account>_<stem>_<period>.pdf|.xlsx, or for a
 * partner template OUT/partners/<partner>/<partner>_<stem>_<period>.*; every
 * part of those names that comes from data is reduced by cr_outfile_safe_name.
 * Folders and files are made through outfile.h: OUT is opened once, the
 * folders below it are created and opened without following a symbolic link,
 * and each file is written as a temporary file in its folder and published by
 * rename, so nothing is ever written through a link and a file named in a
 * result is always whole.
 *
 * Nothing here prints: each subject's outcome and the progress go to the
 * caller's callbacks.
 */
#ifndef CSMREPORT_RENDER_H
#define CSMREPORT_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csmreport/error.h"
#include "csmreport/period.h"
#include "csmreport/template.h"

/* Most worker threads one run may use. */
#define CR_RENDER_JOBS_MAX 256
/* Most shards a run may be split into. */
#define CR_RENDER_SHARDS_MAX 100000
typedef enum cr_render_selection {
    CR_RENDER_ACCOUNT, /* the account subject_id (not for a partner template) */
    CR_RENDER_PARTNER, /* every account of the partner subject_id; for a partner
                          template the partner itself */
    CR_RENDER_ALL      /* every account; for a partner template every partner
                          (of the partners table or named by an account) */
} cr_render_selection;

/* Called once per selected subject, in subject order (accounts or partners
 * sorted by id), after its files are written or it failed. subject_id is the
 * account_id (partner_id for a partner template); pdf_path and xlsx_path name
 * the files this run wrote for it as OUT/... (NULL when not asked for or not
 * written); err is NULL on success, else the reason (an output error names
 * the file or folder, as named here, in its message (outfile.h); err->file
 * names the deck when drawing it failed, or the template when a dataset
 * failed). All pointers are valid during the call only.
 * xlsx may fail after the PDF was written: both a path and err are then set. */
typedef void (*cr_render_subject_fn)(void *ctx, const char *subject_id, const char *pdf_path,
                                     const char *xlsx_path, const cr_error *err);

/* Called after each subject is done (in any order): done of total. */
typedef void (*cr_render_progress_fn)(void *ctx, size_t done, size_t total);

/* One run. The caller owns every pointer; they must stay valid until
 * cr_render_run returns. */
typedef struct cr_render_job {
    const char *db_path;         /* each worker opens it read-only itself */
    const cr_template *tpl;      /* loaded by the caller, shared read-only */
    cr_render_selection selection;
    const char *subject_id;      /* the account or partner for ACCOUNT / PARTNER */
    const cr_period *period;
    const char *locale;          /* NULL: each subject's own locale */
    const char *out_dir;         /* created with its parents when missing */
    bool pdf, xlsx;              /* which files to write: at least one */
    int jobs;                    /* worker threads, 1 to CR_RENDER_JOBS_MAX (0: 1) */
    unsigned shard_k, shard_n;   /* keep shard K of N (1 <= K <= N); N 0: everything */
    int64_t created;             /* document creation time (cr_render_creation_time) */
    /* Render accounts with nothing to report for the period too (no inventory
     * on or before its end, or a period outside their term and data); without
     * it each is a failure (EX_DATAERR) saying why (cr_accounts_check_period). */
    bool allow_empty;
    /* Parameter settings for every subject (template.h; the last of a name
     * counts). NULL / 0: the template's defaults. */
    const cr_template_setting *settings;
    size_t setting_count;
    cr_render_subject_fn on_subject;   /* NULL: not told */
    cr_render_progress_fn on_progress; /* NULL: not told */
    void *ctx;                   /* passed to both callbacks */
} cr_render_job;

typedef struct cr_render_summary {
    size_t selected;   /* subjects of the selection in this shard */
    size_t written;    /* of those, rendered with every asked-for file written */
    size_t failed;     /* selected - written */
    int first_failure; /* err->code of the first failed subject in subject order; 0: none */
} cr_render_summary;

/* Selects the subjects of job, keeps its shard, creates job->out_dir (only
 * when some subject is left) and renders every subject, each on one of
 * job->jobs threads (the calling thread is one of them) with its own read-only
 * connection, reporting it through job->on_subject.
 *
 * Returns 0 once every selected subject has been tried and reported, even
 * when some failed: a failing subject does not stop the others, and the
 * summary counts them (summary->first_failure is the exit code `csmreport
 * render` uses). Returns a code and fills err, with no subject rendered, when
 * the run cannot start: EX_USAGE for an invalid job (an ACCOUNT selection
 * with a partner template, a bad shard or job count, no file asked for, a
 * setting the template does not take: cr_template_check_settings),
 * EX_DATAERR for an unknown account, a partner without accounts or a
 * store without any (--all) (with a
 * partner template an unknown partner is that subject's failure), the
 * database's code when it cannot be read, the outfile mapping's code
 * (EX_CANTCREAT, EX_NOPERM, EX_IOERR; outfile.h) when out_dir cannot be made.
 * summary may be NULL; it is filled in both cases.
 *
 * Thread-safety: the callbacks run on the worker threads, but never two at a
 * time (an internal lock is held around them, so keep them short and do not
 * start another run from them); they need no locking of their own against
 * each other. Separate runs may go on in parallel, also over one template. */
int cr_render_run(const cr_render_job *job, cr_render_summary *summary, cr_error *err);

/* The shard (1 to n) that the shard key (partner_id, or account_id of an
 * account without a partner) falls in: stable across runs and machines. */
unsigned cr_render_shard_of(const char *shard_key, unsigned n);

/* Document creation time: SOURCE_DATE_EPOCH when it is a plain non-negative
 * number (reproducible output), else now. */
int64_t cr_render_creation_time(void);

#endif
