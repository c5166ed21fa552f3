/* sandbox.h - the template SQL sandbox (SPEC section 9).
 *
 * Template datasets are SQL written by users. They run on a connection that
 * cannot change anything: opened read-only, defensive mode on, no attached
 * databases, no extension loading, untrusted schema, and an authorizer that
 * lets a template statement read tables and views, call side-effect-free
 * functions and recurse, and nothing else. A dataset is exactly one SELECT
 * (a second statement after it is refused), and it runs under a time limit
 * (a progress handler), so an endless recursive CTE stops.
 *
 * The settings are per connection; the limit and the "this is template SQL"
 * state are per thread, as each rendering thread has its own connection.
 */
#ifndef CSMREPORT_SANDBOX_H
#define CSMREPORT_SANDBOX_H

#include <sqlite3.h>
#include <stdbool.h>

#include "csmreport/error.h"

/* Default time limit of one dataset, milliseconds. */
#define CR_SANDBOX_TIME_MS 5000
/* Size caps (SPEC section 9): the longest text or blob template SQL may make
 * (SQLITE_LIMIT_LENGTH: SQLite refuses before it allocates), the bytes of the
 * rows of one dataset held in memory, and the rows of one dataset (an Excel
 * sheet's). sqlite3_hard_heap_limit64 would cap every thread's connections at
 * once, so the caps are per connection and per dataset. */
#define CR_SANDBOX_VALUE_BYTES (8 * 1024 * 1024)
#define CR_SANDBOX_HELD_BYTES (32 * 1024 * 1024)
#define CR_SANDBOX_ROWS 1048576

/* What a dataset has read so far, against the caps. */
typedef struct cr_sandbox_budget {
    long long rows;
    long long held_bytes;
} cr_sandbox_budget;

/* Opens path read-only (cr_db_open with CR_DB_READONLY) and applies the
 * sandbox. NULL with err filled on failure. Close with cr_db_close. */
sqlite3 *cr_sandbox_open(const char *path, cr_error *err);

/* Applies the sandbox settings to an open connection (idempotent): defensive
 * mode, trusted_schema off, extension loading off, attached databases limited
 * to 0, the length limit, the authorizer and the progress handler. The program's own SQL (the
 * metrics engine) keeps working on such a connection. EX_SOFTWARE on failure. */
int cr_sandbox_apply(sqlite3 *db, cr_error *err);

/* Prepares one template statement under the strict authorizer. sql must be a
 * single SELECT (WITH ... SELECT, VALUES): anything else, a statement that
 * writes, a second statement after the first, or SQL that does not compile is
 * EX_CONFIG, with file and line (of the template) in err. On success *out is
 * the statement (finalize it). */
int cr_sandbox_prepare(sqlite3 *db, const char *sql, const char *file, long line,
                       sqlite3_stmt **out, cr_error *err);

/* Counts the current row of st against b: its bytes count when held is true
 * (the caller keeps the row in memory; a streamed row goes to a file). Past a
 * cap, EX_CONFIG naming dataset `name` at file:line. */
int cr_sandbox_count_row(sqlite3_stmt *st, cr_sandbox_budget *b, bool held, const char *name,
                         const char *file, long line, cr_error *err);

/* Starts / ends the time limit of the calling thread's template SQL;
 * ms 0 takes CR_SANDBOX_TIME_MS. While it runs, a statement passing the
 * deadline fails with SQLITE_INTERRUPT. */
void cr_sandbox_deadline_start(long ms);
void cr_sandbox_deadline_end(void);
/* True when the last statement stopped because the deadline passed. */
bool cr_sandbox_deadline_passed(void);

#endif
