/* ingest.h - importing one CSV export into the store (SPEC section 3).
 *
 * A file is imported whole, in one BEGIN IMMEDIATE transaction, or not at all.
 * Every value is checked (types, enums, real dates, non-negative counts, time
 * zones); with bad rows nothing is imported and the first CR_IMPORT_ERRORS_MAX
 * errors are reported with file, line and column, unless skip_bad_rows, which
 * imports the good rows and writes the bad ones, with a reason column, to
 * FILE.rejected.csv. Structural CSV errors (bad quoting, invalid UTF-8) stop the
 * file in any case. Re-importing a file changes no data (upserts that rewrite a
 * row only when it changed); every import is recorded in import_log.
 */
#ifndef CSMREPORT_INGEST_H
#define CSMREPORT_INGEST_H

#include <sqlite3.h>
#include <stdbool.h>

#include "csmreport/error.h"
#include "csmreport/profile.h"

#define CR_IMPORT_ERRORS_MAX 20

typedef struct cr_import_options {
    const char *kind;          /* NULL: from the profile, else detected from the header */
    const cr_profile *profile; /* NULL: canonical column names */
    const char *account;       /* account_id for exports without that column */
    const char *snapshot_date; /* snapshot_date for device exports without it */
    bool skip_bad_rows;
    const char *sheet;         /* .xlsx input: the sheet to read; NULL: the first */
    /* Called about once a second while a file is imported, and once at its
     * end (finished). phase "reading": done of total bytes of the file;
     * "writing" (usage, after reading): done of total sorted rows written.
     * rows: rows read so far. NULL: quiet. */
    void (*progress)(void *ctx, const char *path, const char *phase, unsigned long long done,
                     unsigned long long total, long long rows, bool finished);
    void *progress_ctx;
} cr_import_options;

typedef struct cr_import_result {
    char kind[16];
    long long rows_read, inserted, updated, unchanged, rejected, superseded, deleted;
    long long recipients_changed; /* accounts and partners given other recipients */
    double seconds;
    /* Phases of seconds: reading and checking the rows (and writing them, but
     * for usage), writing usage's sorted rows, rebuilding dropped indexes. */
    double seconds_rows, seconds_merge, seconds_indexes;
    unsigned long long bytes;
    int error_count;           /* errors kept in errors[] */
    long long error_total;     /* all bad rows found */
    cr_error errors[CR_IMPORT_ERRORS_MAX];
    char rejects_path[4096];   /* set when skip_bad_rows rejected rows */
} cr_import_result;

/* Imports path. Returns 0 on success (also when skip_bad_rows rejected rows),
 * EX_DATAERR when the file has bad rows (res->errors) or is not a usable export
 * (err), EX_NOINPUT for a missing file, EX_TEMPFAIL when the database stays
 * busy, EX_CANTCREAT when the rejects file cannot be written. res is always
 * filled; on failure the database is unchanged. */
int cr_ingest_file(sqlite3 *db, const char *path, const cr_import_options *opt,
                   cr_import_result *res, cr_error *err);

#endif
