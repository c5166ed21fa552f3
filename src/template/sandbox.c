/* sandbox.c - the template SQL sandbox (SPEC section 9): connection settings,
 * an authorizer that allows reading only, one statement per dataset, and a
 * time limit through the progress handler.
 *
 * Three independent locks, so that one mistake is not enough: the connection
 * is read-only (no write reaches the file), the authorizer refuses anything but
 * reading when template SQL is compiled (VACUUM INTO and ATTACH would write
 * elsewhere even on a read-only connection), and cr_sandbox_prepare refuses a
 * statement that is not a read returning rows before it ever runs.
 */
#include "csmreport/sandbox.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "csmreport/db.h"

/* Per thread: each rendering thread has its own connection. */
static _Thread_local bool strict;               /* compiling template SQL */
static _Thread_local int denied_action = -1;    /* what the authorizer refused */
static _Thread_local char denied_arg[64];
static _Thread_local struct timespec deadline;  /* tv_sec 0 = none */
static _Thread_local bool deadline_hit;

/* Functions with effects outside the statement (files, extensions, tokenizer
 * pointers). Most are not even registered on our connections; refused by name
 * all the same. */
static const char *const denied_functions[] = {
    "load_extension", "fts3_tokenizer", "readfile", "writefile", "edit", "shell_exec",
};

static const char *action_name(int action)
{
    switch (action) {
    case SQLITE_INSERT: return "INSERT";
    case SQLITE_UPDATE: return "UPDATE";
    case SQLITE_DELETE: return "DELETE";
    case SQLITE_CREATE_INDEX: case SQLITE_CREATE_TABLE: case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_VIEW: case SQLITE_CREATE_VTABLE:
        return "CREATE";
    case SQLITE_CREATE_TEMP_INDEX: case SQLITE_CREATE_TEMP_TABLE:
    case SQLITE_CREATE_TEMP_TRIGGER: case SQLITE_CREATE_TEMP_VIEW:
        return "CREATE TEMP";
    case SQLITE_DROP_INDEX: case SQLITE_DROP_TABLE: case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_VIEW: case SQLITE_DROP_VTABLE: case SQLITE_DROP_TEMP_INDEX:
    case SQLITE_DROP_TEMP_TABLE: case SQLITE_DROP_TEMP_TRIGGER: case SQLITE_DROP_TEMP_VIEW:
        return "DROP";
    case SQLITE_ALTER_TABLE: return "ALTER TABLE";
    case SQLITE_ATTACH: return "ATTACH (or VACUUM INTO)";
    case SQLITE_DETACH: return "DETACH";
    case SQLITE_PRAGMA: return "PRAGMA";
    case SQLITE_TRANSACTION: return "BEGIN/COMMIT";
    case SQLITE_SAVEPOINT: return "SAVEPOINT";
    case SQLITE_REINDEX: return "REINDEX";
    case SQLITE_ANALYZE: return "ANALYZE";
    case SQLITE_FUNCTION: return "function";
    default: return "statement";
    }
}

static int authorize(void *data, int action, const char *a1, const char *a2, const char *db,
                     const char *trigger)
{
    (void)data;
    (void)db;
    (void)trigger;
    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE:
        return SQLITE_OK;
    case SQLITE_FUNCTION:
        for (size_t i = 0; i < sizeof denied_functions / sizeof denied_functions[0]; i++)
            if (a2 && strcasecmp(a2, denied_functions[i]) == 0)
                goto deny;
        return SQLITE_OK;
    case SQLITE_TRANSACTION:
    case SQLITE_PRAGMA:
        /* The program's own SQL reads in a transaction (metrics) and reads
         * pragmas; template SQL does neither. */
        if (!strict)
            return SQLITE_OK;
        goto deny;
    default:
        goto deny;
    }
deny:
    if (denied_action < 0) {
        denied_action = action;
        /* the function, the pragma, or the table written */
        snprintf(denied_arg, sizeof denied_arg, "%s",
                 action == SQLITE_FUNCTION && a2 ? a2 : a1 ? a1 : "");
    }
    return SQLITE_DENY;
}

static int progress(void *data)
{
    (void)data;
    if (deadline.tv_sec == 0)
        return 0;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec > deadline.tv_sec ||
        (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec)) {
        deadline_hit = true;
        return 1;
    }
    return 0;
}

void cr_sandbox_deadline_start(long ms)
{
    if (ms <= 0)
        ms = CR_SANDBOX_TIME_MS;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += ms / 1000;
    deadline.tv_nsec += (ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    deadline_hit = false;
}

void cr_sandbox_deadline_end(void)
{
    deadline.tv_sec = 0;
    deadline.tv_nsec = 0;
}

bool cr_sandbox_deadline_passed(void)
{
    return deadline_hit;
}

/* ---------- printf and format with a bounded width ----------
 * SQLite's printf writes a width or precision of up to 2^31 one character at
 * a time, past the length limit and between two progress callbacks: 12 s for
 * printf('%.*c', 2147483647, 'x'). The sandbox's printf and format refuse a
 * width or precision over CR_SANDBOX_VALUE_BYTES, then let SQLite's own
 * printf, on a private in-memory connection, do the formatting. */

#define PRINTF_ARGS 32

typedef struct printf_ctx {
    sqlite3 *db;                       /* private, with SQLite's printf */
    sqlite3_stmt *st[PRINTF_ARGS + 1]; /* SELECT printf(?1, ..., ?n), by n */
} printf_ctx;

static void printf_ctx_free(void *p)
{
    printf_ctx *pc = p;
    for (int i = 0; i <= PRINTF_ARGS; i++)
        sqlite3_finalize(pc->st[i]);
    sqlite3_close(pc->db);
    sqlite3_free(pc);
}

/* The first width or precision of fmt (a printf format whose arguments are
 * argv[1..argc)) over the cap, or 0. */
static long long oversized(const char *fmt, int argc, sqlite3_value **argv)
{
    int arg = 1;
    for (const char *p = fmt; p && *p; p++) {
        if (*p != '%')
            continue;
        p++;
        if (*p == '%')
            continue;
        while (*p && strchr("-+ 0#,!", *p))
            p++;
        for (int part = 0; part < 2; part++) {
            long long n = 0;
            if (*p == '*') {
                n = arg < argc ? sqlite3_value_int64(argv[arg]) : 0;
                arg++;
                p++;
            } else {
                while (*p >= '0' && *p <= '9' && n <= CR_SANDBOX_VALUE_BYTES)
                    n = n * 10 + (*p++ - '0');
                while (*p >= '0' && *p <= '9')
                    p++;
            }
            if (n < 0)
                n = -n;
            if (n > CR_SANDBOX_VALUE_BYTES)
                return n;
            if (part == 0 && *p == '.')
                p++;
            else
                break;
        }
        while (*p == 'l')
            p++;
        if (!*p)
            break;
        arg++;
    }
    return 0;
}

static void bounded_printf(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    printf_ctx *pc = sqlite3_user_data(ctx);
    if (argc < 1 || argc > PRINTF_ARGS) {
        sqlite3_result_error(ctx, "printf takes 1 to 32 arguments in a template", -1);
        return;
    }
    long long n = oversized((const char *)sqlite3_value_text(argv[0]), argc, argv);
    if (n) {
        char msg[128];
        snprintf(msg, sizeof msg, "printf width or precision %lld is over the template limit of %d",
                 n, CR_SANDBOX_VALUE_BYTES);
        sqlite3_result_error(ctx, msg, -1);
        sqlite3_result_error_code(ctx, SQLITE_TOOBIG);
        return;
    }
    sqlite3_stmt *st = pc->st[argc];
    if (!st) {
        char sql[32 + 4 * PRINTF_ARGS] = "SELECT printf(?1";
        for (int i = 2; i <= argc; i++)
            snprintf(sql + strlen(sql), sizeof sql - strlen(sql), ",?%d", i);
        strcat(sql, ")");
        if (sqlite3_prepare_v2(pc->db, sql, -1, &pc->st[argc], NULL) != SQLITE_OK) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
        st = pc->st[argc];
    }
    for (int i = 0; i < argc; i++)
        sqlite3_bind_value(st, i + 1, argv[i]);
    if (sqlite3_step(st) == SQLITE_ROW)
        sqlite3_result_value(ctx, sqlite3_column_value(st, 0));
    else
        sqlite3_result_error(ctx, sqlite3_errmsg(pc->db), -1);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

static int bound_printf(sqlite3 *db)
{
    printf_ctx *pc = sqlite3_malloc(sizeof *pc);
    if (!pc)
        return SQLITE_NOMEM;
    memset(pc, 0, sizeof *pc);
    int rc = sqlite3_open_v2(":memory:", &pc->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        printf_ctx_free(pc);
        return rc;
    }
    sqlite3_limit(pc->db, SQLITE_LIMIT_LENGTH, CR_SANDBOX_VALUE_BYTES);
    /* printf owns pc (freed with db); format shares it */
    rc = sqlite3_create_function_v2(db, "printf", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, pc,
                                    bounded_printf, NULL, NULL, printf_ctx_free);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "format", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, pc,
                                        bounded_printf, NULL, NULL, NULL);
    return rc;
}

/* The connections the sandbox is on. It is set up once per connection:
 * setting the authorizer again would expire every prepared statement of the
 * connection (and the statement cache of sql.c with them), for each account
 * of a render. An entry leaves when its connection closes: SQLite then drops
 * the marker function, whose destructor removes it. */
typedef struct sandboxed {
    sqlite3 *db;
    struct sandboxed *next;
} sandboxed;
static sandboxed *sandboxed_list;
static pthread_mutex_t sandboxed_lock = PTHREAD_MUTEX_INITIALIZER;

static bool is_sandboxed(sqlite3 *db)
{
    pthread_mutex_lock(&sandboxed_lock);
    sandboxed *e = sandboxed_list;
    while (e && e->db != db)
        e = e->next;
    pthread_mutex_unlock(&sandboxed_lock);
    return e != NULL;
}

static void sandbox_forget(void *db)
{
    pthread_mutex_lock(&sandboxed_lock);
    for (sandboxed **p = &sandboxed_list; *p; p = &(*p)->next)
        if ((*p)->db == db) {
            sandboxed *e = *p;
            *p = e->next;
            free(e);
            break;
        }
    pthread_mutex_unlock(&sandboxed_lock);
}

static void marker_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    sqlite3_result_null(ctx);
}

/* Notes db as sandboxed (out of memory: it is set up again next time, which
 * is only slower). */
static void note_sandboxed(sqlite3 *db)
{
    sandboxed *e = malloc(sizeof *e);
    if (!e)
        return;
    e->db = db;
    pthread_mutex_lock(&sandboxed_lock);
    e->next = sandboxed_list;
    sandboxed_list = e;
    pthread_mutex_unlock(&sandboxed_lock);
    if (sqlite3_create_function_v2(db, "cr_sandboxed", 0, SQLITE_UTF8, db, marker_fn, NULL, NULL,
                                   sandbox_forget) != SQLITE_OK)
        sandbox_forget(db); /* SQLite has called it already: harmless */
}

int cr_sandbox_apply(sqlite3 *db, cr_error *err)
{
    if (is_sandboxed(db))
        return 0;
    int on = 1, off = 0;
    int rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, on, (int *)NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, off, (int *)NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, off, (int *)NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_enable_load_extension(db, 0);
    if (rc == SQLITE_OK)
        rc = bound_printf(db);
    if (rc != SQLITE_OK)
        return cr_db_fail(db, rc, "cannot set up the template SQL sandbox", err);
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, CR_SANDBOX_VALUE_BYTES);
    /* The first use of a table-valued function on a connection declares its
     * table, which the authorizer sees as an UPDATE of sqlite_master: declare
     * json_each and json_tree (templates read metrics_json with them) before
     * the authorizer is set, so that it can go on refusing every write. */
    rc = sqlite3_exec(db, "SELECT 1 FROM json_each('[]'), json_tree('[]')", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return cr_db_fail(db, rc, "cannot set up the template SQL sandbox", err);
    sqlite3_set_authorizer(db, authorize, NULL);
    /* Every 1000 virtual machine steps: cheap, and fine-grained enough that a
     * runaway query stops within milliseconds of its deadline. */
    sqlite3_progress_handler(db, 1000, progress, NULL);
    note_sandboxed(db);
    return 0;
}

sqlite3 *cr_sandbox_open(const char *path, cr_error *err)
{
    sqlite3 *db = cr_db_open(path, CR_DB_READONLY, err);
    if (!db)
        return NULL;
    if (cr_sandbox_apply(db, err)) {
        cr_db_close(db);
        return NULL;
    }
    return db;
}

int cr_sandbox_count_row(sqlite3_stmt *st, cr_sandbox_budget *b, bool held, const char *name,
                         const char *file, long line, cr_error *err)
{
    if (++b->rows > CR_SANDBOX_ROWS)
        return cr_error_set(err, EX_CONFIG, file, line, 0,
                            "dataset '%s' stopped: more than %d rows", name, CR_SANDBOX_ROWS);
    if (!held)
        return 0;
    int n = sqlite3_column_count(st);
    for (int i = 0; i < n; i++) {
        int type = sqlite3_column_type(st, i);
        b->held_bytes += 8 + (type == SQLITE_TEXT || type == SQLITE_BLOB ? sqlite3_column_bytes(st, i) : 0);
    }
    if (b->held_bytes > CR_SANDBOX_HELD_BYTES)
        return cr_error_set(err, EX_CONFIG, file, line, 0,
                            "dataset '%s' stopped: its rows take more than %d MiB", name,
                            CR_SANDBOX_HELD_BYTES / (1024 * 1024));
    return 0;
}

/* Skips whitespace and SQL comments; returns the first other character. */
static const char *skip_space(const char *p)
{
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v' ||
               *p == ';')
            p++;
        if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            if (!end)
                return p + strlen(p);
            p = end + 2;
        } else {
            return p;
        }
    }
}

/* The operation a refused statement attempted. ANALYZE, CREATE TEMP and the
 * like are refused at their first write to SQLite's own tables (sqlite_master,
 * sqlite_stat1, ...), before the authorizer sees their own action code: such a
 * write is named after the statement's first words, not "INSERT". */
static void denied_operation(const char *sql, char *buf, size_t size)
{
    const char *name = action_name(denied_action);
    bool internal = (denied_action == SQLITE_INSERT || denied_action == SQLITE_UPDATE ||
                     denied_action == SQLITE_DELETE) && strncasecmp(denied_arg, "sqlite_", 7) == 0;
    if (!internal) {
        if (denied_action == SQLITE_FUNCTION || denied_action == SQLITE_PRAGMA)
            snprintf(buf, size, "%s %s", name, denied_arg);
        else
            snprintf(buf, size, "%s", name);
        return;
    }
    const char *p = skip_space(sql);
    size_t n = strcspn(p, " \t\r\n(;");
    const char *q = skip_space(p + n);
    size_t m = strcspn(q, " \t\r\n(;");
    bool two = strncasecmp(p, "CREATE", n) == 0 && n == 6 && m > 0 &&
               (strncasecmp(q, "TEMP", m) == 0 || strncasecmp(q, "TEMPORARY", m) == 0);
    snprintf(buf, size, "%.*s%s%.*s", (int)(n < 20 ? n : 20), p, two ? " " : "",
             two ? (int)m : 0, q);
    for (char *c = buf; *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
}

int cr_sandbox_prepare(sqlite3 *db, const char *sql, const char *file, long line,
                       sqlite3_stmt **out, cr_error *err)
{
    *out = NULL;
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    strict = true;
    denied_action = -1;
    denied_arg[0] = '\0';
    int rc = sqlite3_prepare_v3(db, sql, -1, 0, &st, &tail);
    strict = false;
    if (rc != SQLITE_OK) {
        sqlite3_finalize(st);
        if (denied_action >= 0) {
            char what[96];
            denied_operation(sql, what, sizeof what);
            return cr_error_set(err, EX_CONFIG, file, line, 0,
                                "template SQL may only read: %s is not allowed", what);
        }
        return cr_error_set(err, EX_CONFIG, file, line, 0, "dataset SQL: %s",
                            sqlite3_errmsg(db));
    }
    if (!st)
        return cr_error_set(err, EX_CONFIG, file, line, 0, "dataset SQL is empty");
    if (tail && *skip_space(tail)) {
        sqlite3_finalize(st);
        return cr_error_set(err, EX_CONFIG, file, line, 0,
                            "a dataset is one SELECT: remove what follows the first statement");
    }
    /* VACUUM, PRAGMA and the like return no rows or are not read-only;
     * EXPLAIN would bypass nothing but is no dataset either. */
    if (!sqlite3_stmt_readonly(st) || sqlite3_column_count(st) == 0 ||
        sqlite3_stmt_isexplain(st)) {
        sqlite3_finalize(st);
        return cr_error_set(err, EX_CONFIG, file, line, 0,
                            "a dataset must be a SELECT that returns rows");
    }
    *out = st;
    return 0;
}
