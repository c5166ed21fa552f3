/* db.c - opening the store: pragmas, schema migrations, SQL functions. */
#include "csmreport/db.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "csmreport/sqlfunc.h"
#include "embedded.h"

/* Migration i (0-based) takes the schema from version i to i + 1. A database made
 * by an older csmreport gets the missing ones, in order, in one transaction. */
static const char *const migrations[CR_DB_SCHEMA_VERSION] = {
    "schema_v1.sql",
    "schema_v2.sql",
    "schema_v3.sql",
    "schema_v4.sql",
};

int cr_db_fail(sqlite3 *db, int rc, const char *what, cr_error *err)
{
    int code;
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        code = EX_TEMPFAIL;
        break;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
        code = EX_DATAERR;
        break;
    case SQLITE_CANTOPEN:
        code = EX_CANTCREAT;
        break;
    case SQLITE_NOMEM:
        code = CR_EX_NOMEM;
        break;
    case SQLITE_IOERR:
    case SQLITE_FULL:
        code = EX_IOERR;
        break;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        code = EX_DATAERR;
        break;
    default:
        code = EX_SOFTWARE;
        break;
    }
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    if ((rc & 0xff) == SQLITE_BUSY)
        msg = "database is busy (another csmreport holds it); try again later";
    return cr_error_set(err, code, NULL, 0, 0, "%s: %s", what, msg);
}

int cr_db_exec(sqlite3 *db, const char *sql, cr_error *err)
{
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return cr_db_fail(db, rc, "database", err);
    return 0;
}

int cr_db_begin(sqlite3 *db, cr_error *err)
{
    /* IMMEDIATE takes the write lock now, so a busy database fails here, after
     * the busy timeout, and never half-way through an import. */
    return cr_db_exec(db, "BEGIN IMMEDIATE", err);
}

int cr_db_commit(sqlite3 *db, cr_error *err)
{
    return cr_db_exec(db, "COMMIT", err);
}

void cr_db_rollback(sqlite3 *db)
{
    if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

sqlite3_stmt *cr_db_prepare(sqlite3 *db, const char *sql, cr_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        cr_db_fail(db, rc, "cannot prepare statement", err);
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

void cr_db_bind_text(sqlite3_stmt *st, int index, const char *s)
{
    if (!s || !*s)
        sqlite3_bind_null(st, index);
    else
        sqlite3_bind_text(st, index, s, -1, SQLITE_TRANSIENT);
}

const char *cr_db_column_text(sqlite3_stmt *st, int col)
{
    return (const char *)sqlite3_column_text(st, col);
}

char *cr_db_column_dup(sqlite3_stmt *st, int col, bool *ok)
{
    const char *s = (const char *)sqlite3_column_text(st, col);
    if (!s)
        return NULL;
    char *c = strdup(s);
    if (!c && ok)
        *ok = false;
    return c;
}

static int register_functions(sqlite3 *db, cr_error *err)
{
    int rc = cr_sqlfunc_register(db);
    return rc == SQLITE_OK ? 0 : cr_db_fail(db, rc, "cannot register SQL functions", err);
}

static int user_version(sqlite3 *db, int *version, cr_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        *version = sqlite3_column_int(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK)
        return cr_db_fail(db, rc, "cannot read the schema version", err);
    return 0;
}

static int migrate(sqlite3 *db, const char *path, cr_error *err)
{
    int version, rc;
    if ((rc = user_version(db, &version, err)))
        return rc;
    if (version > CR_DB_SCHEMA_VERSION)
        return cr_error_set(err, EX_CONFIG, path, 0, 0,
                            "database schema version %d is newer than this csmreport (%d); "
                            "upgrade csmreport", version, CR_DB_SCHEMA_VERSION);
    if (version == CR_DB_SCHEMA_VERSION)
        return 0;
    if ((rc = cr_db_begin(db, err)))
        return rc;
    /* Read again under the write lock: another process may have migrated. */
    if ((rc = user_version(db, &version, err)))
        goto out_rollback;
    for (int v = version; v < CR_DB_SCHEMA_VERSION; v++) {
        const cr_embedded_file *f = cr_embedded_find(migrations[v]);
        if (!f) {
            rc = cr_error_set(err, EX_SOFTWARE, NULL, 0, 0, "migration %s is missing", migrations[v]);
            goto out_rollback;
        }
        if ((rc = cr_db_exec(db, f->data, err))) {
            char why[CR_ERROR_MSG_MAX];
            snprintf(why, sizeof why, "%s", err->message);
            cr_error_set(err, rc, path, 0, 0, "cannot upgrade the store to schema version %d: %.900s",
                         v + 1, why);
            goto out_rollback;
        }
    }
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", CR_DB_SCHEMA_VERSION);
    if ((rc = cr_db_exec(db, sql, err)) || (rc = cr_db_commit(db, err)))
        goto out_rollback;
    return 0;
out_rollback:
    cr_db_rollback(db);
    return rc;
}

static sqlite3 *open_connection(const char *path, int flags, cr_error *err)
{
    sqlite3 *db = NULL;
    /* NOMUTEX: a connection is never shared between threads (each rendering
     * thread opens its own), so SQLite's per-call locking is pure cost. */
    int rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        cr_db_fail(db, rc, "cannot open database", err);
        if (err)
            snprintf(err->file, sizeof err->file, "%s", path);
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_extended_result_codes(db, 0);
    sqlite3_busy_timeout(db, CR_DB_BUSY_MS);
    return db;
}

sqlite3 *cr_db_open(const char *path, cr_db_mode mode, cr_error *err)
{
    struct stat sb;
    int exists = strcmp(path, ":memory:") == 0 || stat(path, &sb) == 0;
    if (mode == CR_DB_READONLY && !exists) {
        cr_error_set(err, EX_NOINPUT, path, 0, 0, "database does not exist (import data first)");
        return NULL;
    }
    /* Even a read-only command migrates an older database first, so that a
     * database made by an older csmreport opens in this one. */
    sqlite3 *db = open_connection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, err);
    if (!db)
        return NULL;
    /* WAL lets reports read while an import writes; synchronous=NORMAL keeps
     * every commit atomic and the file intact across a crash of the program. */
    /* 16 KiB pages: shallower B-trees for the millions of usage rows (takes
     * effect only when the file is new). */
    if (cr_db_exec(db, "PRAGMA page_size = 16384", err) ||
        cr_db_exec(db, "PRAGMA journal_mode = WAL", err) ||
        cr_db_exec(db, "PRAGMA synchronous = NORMAL", err) ||
        cr_db_exec(db, "PRAGMA cache_size = -65536", err) ||
        register_functions(db, err) || migrate(db, path, err))
        goto out_close;
    if (mode == CR_DB_READWRITE)
        return db;
    sqlite3_close(db);
    db = open_connection(path, SQLITE_OPEN_READONLY, err);
    if (!db)
        return NULL;
    if (cr_db_exec(db, "PRAGMA cache_size = -65536", err) || register_functions(db, err))
        goto out_close;
    return db;
out_close:
    if (err && !err->file[0])
        snprintf(err->file, sizeof err->file, "%s", path);
    sqlite3_close(db);
    return NULL;
}

void cr_db_close(sqlite3 *db)
{
    sqlite3_close(db);
}
