/* sql.h - named SQL statements kept in the .sql files of src/sql/.
 *
 * A file holds blocks that start with a line "-- name: NAME"; a block runs to
 * the next such line. cr_sql("import.tickets.upsert") is block "tickets.upsert"
 * of the embedded import.sql. The text lives as long as the program; lookups
 * are thread-safe.
 *
 * This is the one way to run a named query: cr_sql_prepare it, bind its values
 * by parameter name (":account"), step, finalize.
 */
#ifndef CSMREPORT_SQL_H
#define CSMREPORT_SQL_H

#include <sqlite3.h>
#include <stdint.h>

#include "csmreport/error.h"

/* The statement text, or NULL when there is no such block. */
const char *cr_sql(const char *qualified_name);

/* Prepares the named statement on db (persistent: kept for many steps). On
 * failure (no such block, or SQLite refuses it) fills err and returns NULL.
 * The caller finalizes the statement. */
sqlite3_stmt *cr_sql_prepare(sqlite3 *db, const char *qualified_name, cr_error *err);

/* The named statement from db's cache of prepared statements, prepared on
 * first use: the statements of the metrics, the checks and the subject loader
 * run once per account, and a render of many accounts would otherwise parse
 * the same SQL again for each (a tenth of a QBR's time). The caller gives it
 * back with cr_sql_release, never sqlite3_finalize. While it is out, a second
 * request for the same name gets a statement of its own. cr_db_close drops
 * the connection's cache. NULL with err filled on failure. */
sqlite3_stmt *cr_sql_cached(sqlite3 *db, const char *qualified_name, cr_error *err);
/* Gives a statement of cr_sql_cached back (reset, its values cleared: as
 * freshly prepared); finalizes any other statement. NULL is a no-op. */
void cr_sql_release(sqlite3_stmt *st);
/* Finalizes db's cached statements (cr_db_close calls it). */
void cr_sql_cache_drop(sqlite3 *db);

/* Bind a value to the parameter called param (":account"); a statement that
 * has no such parameter is left as it is, so one set of values serves the
 * statements that use only some of them. Text NULL or "" binds SQL NULL. */
void cr_sql_bind_text(sqlite3_stmt *st, const char *param, const char *value);
void cr_sql_bind_int64(sqlite3_stmt *st, const char *param, int64_t value);

#endif
