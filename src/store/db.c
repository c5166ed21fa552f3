/* db.c - opening the store: pragmas, schema migrations, SQL functions. */
#include "csmreport/db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csmreport/sql.h"
#include "csmreport/sqlfunc.h"
#include "embedded.h"

/* Migration i (0-based) takes the schema from version i to i + 1. A database made
 * by an older csmreport gets the missing ones, in order, in one transaction. */
static const char *const migrations[CR_DB_SCHEMA_VERSION] = {
    "schema_v1.sql",
    "schema_v2.sql",
    "schema_v3.sql",
    "schema_v4.sql",
    "schema_v5.sql",
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
    case SQLITE_READONLY:
    case SQLITE_PERM:
        code = EX_NOPERM;
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

/* The folder of path, in buf. */
static void folder_of(const char *path, char *buf, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(buf, size, ".");
    else if (slash == path)
        snprintf(buf, size, "/");
    else
        snprintf(buf, size, "%.*s", (int)(slash - path), path);
}

/* 0 when this process may write at path, else the errno saying why not
 * (EACCES, EPERM, EROFS); effective ids, as open(2) checks them. */
static int may_write(const char *path)
{
    return faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) == 0 ? 0 : errno;
}

static bool permission_errno(int e)
{
    return e == EACCES || e == EPERM || e == EROFS;
}

/* Why the store at path cannot be written: its file (when it exists) or its
 * folder (where SQLite keeps the -wal and -shm files beside it). 0 when it
 * can; else EX_NOPERM with err naming the file or folder and what is needed. */
static int check_writable(const char *path, bool exists, const char *need, cr_error *err)
{
    char folder[4096];
    folder_of(path, folder, sizeof folder);
    int e = exists ? may_write(path) : 0;
    if (permission_errno(e))
        return cr_error_set(err, EX_NOPERM, path, 0, 0, "%s: %s needs write access to the store",
                            e == EROFS ? "the store is on a read-only file system"
                                       : "no permission to write the store",
                            need);
    e = may_write(folder);
    if (permission_errno(e))
        return cr_error_set(err, EX_NOPERM, folder, 0, 0,
                            "%s: %s needs write access to the store's folder (%s)",
                            e == EROFS ? "read-only file system" : "no permission to write in this folder",
                            need, exists ? "SQLite keeps its journal beside the store" : "to create the store");
    return 0;
}

/* A read-only connection for a store in a folder or file system this process
 * cannot write: an immutable snapshot (no lock, no -shm, no WAL needed), or,
 * when the store has changes still in its -wal file, a plain read-only open,
 * which needs that file's -shm. The store must be at the current schema. */
static sqlite3 *open_snapshot(const char *path, cr_error *err)
{
    struct stat sb;
    char wal[4200];
    snprintf(wal, sizeof wal, "%s-wal", path);
    bool pending = stat(wal, &sb) == 0 && sb.st_size > 0;
    if (faccessat(AT_FDCWD, path, R_OK, AT_EACCESS) != 0) {
        cr_error_set(err, EX_NOPERM, path, 0, 0, "no permission to read the store: %s", strerror(errno));
        return NULL;
    }
    sqlite3 *db = NULL;
    if (pending) {
        db = open_connection(path, SQLITE_OPEN_READONLY, err);
    } else {
        /* file: URI with the characters a URI gives a meaning escaped */
        char uri[4096 * 3 + 32] = "file:";
        size_t o = strlen(uri);
        for (const char *p = path; *p && o < sizeof uri - 24; p++)
            o += (size_t)(*p == '%' || *p == '?' || *p == '#'
                              ? snprintf(uri + o, sizeof uri - o, "%%%02X", (unsigned char)*p)
                              : snprintf(uri + o, sizeof uri - o, "%c", *p));
        snprintf(uri + o, sizeof uri - o, "?immutable=1");
        db = open_connection(uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, err);
        if (!db && err)
            snprintf(err->file, sizeof err->file, "%s", path);
    }
    if (!db)
        return NULL;
    int version = 0;
    if (user_version(db, &version, err) || cr_db_exec(db, "PRAGMA cache_size = -65536", err) ||
        register_functions(db, err)) {
        if (pending && err && err->code != EX_DATAERR)
            cr_error_set(err, EX_NOPERM, path, 0, 0,
                         "the store has changes in %s that this user cannot fold in (its "
                         "folder is read-only): run any csmreport command on it once with write access",
                         wal);
        goto out_close;
    }
    if (version > CR_DB_SCHEMA_VERSION) {
        cr_error_set(err, EX_CONFIG, path, 0, 0,
                     "database schema version %d is newer than this csmreport (%d); upgrade csmreport",
                     version, CR_DB_SCHEMA_VERSION);
        goto out_close;
    }
    if (version < CR_DB_SCHEMA_VERSION) {
        cr_error_set(err, EX_NOPERM, path, 0, 0,
                     "the store needs an upgrade to schema version %d, which needs write access: "
                     "run any csmreport command on it once with write access", CR_DB_SCHEMA_VERSION);
        goto out_close;
    }
    return db;
out_close:
    if (err && !err->file[0])
        snprintf(err->file, sizeof err->file, "%s", path);
    sqlite3_close(db);
    return NULL;
}

sqlite3 *cr_db_open(const char *path, cr_db_mode mode, cr_error *err)
{
    struct stat sb;
    bool memory = strcmp(path, ":memory:") == 0;
    int exists = memory || stat(path, &sb) == 0;
    if (mode == CR_DB_READONLY && !exists) {
        if (permission_errno(errno)) {
            cr_error_set(err, EX_NOPERM, path, 0, 0, "no permission to reach the store: %s",
                         strerror(errno));
            return NULL;
        }
        cr_error_set(err, EX_NOINPUT, path, 0, 0, "database does not exist (import data first)");
        return NULL;
    }
    if (!memory && mode == CR_DB_READONLY) {
        cr_error probe;
        cr_error_clear(&probe);
        if (check_writable(path, true, "reading", &probe))
            return open_snapshot(path, err);
    }
    if (!memory && check_writable(path, exists, "importing", err))
        return NULL;
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
    cr_sql_cache_drop(db);
    sqlite3_close(db);
}

void cr_db_remove(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char name[4200];
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
        unlink(name);
    }
}
