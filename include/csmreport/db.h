/* db.h - the SQLite store: open, schema migrations, pragmas, transactions.
 *
 * The schema lives in src/sql/schema_vN.sql (compiled into the binary); the
 * version is PRAGMA user_version. Opening a database made by an older csmreport
 * applies the missing migrations in order, in one transaction; a database from a
 * newer csmreport is refused (EX_CONFIG). WAL journal with synchronous=NORMAL
 * (durable across crashes of the program; a power loss may lose the last
 * committed import but never corrupts). A busy database waits up to
 * CR_DB_BUSY_MS, then fails with EX_TEMPFAIL.
 */
#ifndef CSMREPORT_DB_H
#define CSMREPORT_DB_H

#include <sqlite3.h>
#include <stdbool.h>

#include "csmreport/error.h"

#define CR_DB_SCHEMA_VERSION 5
#define CR_DB_BUSY_MS 10000

typedef enum cr_db_mode {
    CR_DB_READWRITE, /* create if missing, migrate */
    CR_DB_READONLY   /* must exist and be current; read-only connection */
} cr_db_mode;

/* Opens (and for CR_DB_READWRITE creates and migrates) the database at path.
 * Registers the csmreport SQL functions (cr_local_to_utc, ...) on the
 * connection. Returns NULL and fills err on failure. Close with cr_db_close.
 * CR_DB_READONLY on a store whose file or folder this process cannot write
 * (a read-only folder, volume or file system) opens it read-only as it is,
 * without migrating (a store that needs an upgrade is refused, EX_NOPERM).
 * A store, or a folder to create it in, that CR_DB_READWRITE cannot write is
 * EX_NOPERM naming the file or folder. */
sqlite3 *cr_db_open(const char *path, cr_db_mode mode, cr_error *err);
void cr_db_close(sqlite3 *db);
/* Removes the store at path with its -wal, -shm and -journal files (a store
 * an import created and then filled with nothing). Close it first. */
void cr_db_remove(const char *path);

/* Runs sql (no results); on failure fills err with the SQLite message, mapping
 * SQLITE_BUSY/LOCKED to EX_TEMPFAIL, constraint errors to EX_DATAERR and the
 * rest to EX_SOFTWARE. */
int cr_db_exec(sqlite3 *db, const char *sql, cr_error *err);

/* Maps a SQLite result code to a sysexits code and fills err with "what: msg". */
int cr_db_fail(sqlite3 *db, int rc, const char *what, cr_error *err);

/* BEGIN IMMEDIATE (waiting for the write lock up to CR_DB_BUSY_MS), COMMIT,
 * ROLLBACK. */
int cr_db_begin(sqlite3 *db, cr_error *err);
int cr_db_commit(sqlite3 *db, cr_error *err);
void cr_db_rollback(sqlite3 *db);

/* Prepares sql; on failure fills err and returns NULL. */
sqlite3_stmt *cr_db_prepare(sqlite3 *db, const char *sql, cr_error *err);

/* Binds text (NULL or "" as SQL NULL). Index is 1-based. */
void cr_db_bind_text(sqlite3_stmt *st, int index, const char *s);

/* The text of column col, or NULL. */
const char *cr_db_column_text(sqlite3_stmt *st, int col);

/* A copy of column col's text for the caller to free; NULL when the column is
 * NULL. When the copy fails, NULL and *ok cleared (ok may be NULL), so a
 * caller filling many fields checks once. */
char *cr_db_column_dup(sqlite3_stmt *st, int col, bool *ok);

#endif
