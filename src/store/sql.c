/* sql.c - "-- name:" blocks of the embedded .sql files, indexed once. */
#include "csmreport/sql.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "csmreport/db.h"
#include "embedded.h"

typedef struct named_sql {
    char *name; /* "stem.block" */
    char *text;
} named_sql;

static named_sql *entries;
static size_t entry_count;
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static void add_entry(const char *stem, size_t stem_len, const char *name, size_t name_len,
                      const char *text, size_t text_len)
{
    named_sql *grown = realloc(entries, (entry_count + 1) * sizeof *entries);
    if (!grown)
        return;
    entries = grown;
    named_sql *e = &entries[entry_count];
    e->name = malloc(stem_len + 1 + name_len + 1);
    e->text = malloc(text_len + 1);
    if (!e->name || !e->text) {
        free(e->name);
        free(e->text);
        return;
    }
    memcpy(e->name, stem, stem_len);
    e->name[stem_len] = '.';
    memcpy(e->name + stem_len + 1, name, name_len);
    e->name[stem_len + 1 + name_len] = '\0';
    memcpy(e->text, text, text_len);
    e->text[text_len] = '\0';
    entry_count++;
}

static void index_file(const cr_embedded_file *f)
{
    static const char marker[] = "-- name:";
    const char *dot = strrchr(f->name, '.');
    size_t stem_len = dot ? (size_t)(dot - f->name) : strlen(f->name);
    const char *p = f->data, *end = f->data + f->size;
    const char *name = NULL, *body = NULL;
    size_t name_len = 0;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        if ((size_t)(eol - p) > sizeof marker - 1 && memcmp(p, marker, sizeof marker - 1) == 0) {
            if (name)
                add_entry(f->name, stem_len, name, name_len, body, (size_t)(p - body));
            name = p + sizeof marker - 1;
            while (name < eol && *name == ' ')
                name++;
            name_len = (size_t)(eol - name);
            while (name_len && (name[name_len - 1] == ' ' || name[name_len - 1] == '\r'))
                name_len--;
            body = eol < end ? eol + 1 : end;
        }
        p = eol < end ? eol + 1 : end;
    }
    if (name)
        add_entry(f->name, stem_len, name, name_len, body, (size_t)(end - body));
}

static void build_index(void)
{
    for (const cr_embedded_file *f = cr_embedded; f->name; f++) {
        size_t n = strlen(f->name);
        if (n > 4 && strcmp(f->name + n - 4, ".sql") == 0)
            index_file(f);
    }
}

static long entry_index(const char *qualified_name)
{
    pthread_once(&index_once, build_index);
    for (size_t i = 0; i < entry_count; i++)
        if (strcmp(entries[i].name, qualified_name) == 0)
            return (long)i;
    return -1;
}

const char *cr_sql(const char *qualified_name)
{
    long i = entry_index(qualified_name);
    return i < 0 ? NULL : entries[i].text;
}

sqlite3_stmt *cr_sql_prepare(sqlite3 *db, const char *qualified_name, cr_error *err)
{
    const char *sql = cr_sql(qualified_name);
    if (!sql) {
        cr_error_set(err, EX_SOFTWARE, NULL, 0, 0, "query %s is missing", qualified_name);
        return NULL;
    }
    return cr_db_prepare(db, sql, err);
}

/* ---------- the statement cache ---------- */

/* One per connection that used cr_sql_cached: a slot per named query. A
 * connection belongs to one thread at a time, but the list is shared. */
typedef struct stmt_cache {
    sqlite3 *db;
    struct cached_stmt {
        sqlite3_stmt *st;
        bool out; /* handed out and not released yet */
    } *slots;     /* entry_count of them */
    struct stmt_cache *next;
} stmt_cache;

static stmt_cache *caches;
static pthread_mutex_t caches_lock = PTHREAD_MUTEX_INITIALIZER;

/* db's cache (made when create); call with caches_lock held. */
static stmt_cache *cache_of(sqlite3 *db, bool create)
{
    for (stmt_cache *c = caches; c; c = c->next)
        if (c->db == db)
            return c;
    if (!create)
        return NULL;
    stmt_cache *c = calloc(1, sizeof *c);
    if (!c || !(c->slots = calloc(entry_count + 1, sizeof *c->slots))) {
        free(c);
        return NULL;
    }
    c->db = db;
    c->next = caches;
    caches = c;
    return c;
}

sqlite3_stmt *cr_sql_cached(sqlite3 *db, const char *qualified_name, cr_error *err)
{
    long i = entry_index(qualified_name);
    if (i < 0) {
        cr_error_set(err, EX_SOFTWARE, NULL, 0, 0, "query %s is missing", qualified_name);
        return NULL;
    }
    pthread_mutex_lock(&caches_lock);
    stmt_cache *c = cache_of(db, true);
    struct cached_stmt *slot = c ? &c->slots[i] : NULL;
    if (slot && slot->st && !slot->out) {
        slot->out = true;
        pthread_mutex_unlock(&caches_lock);
        return slot->st;
    }
    pthread_mutex_unlock(&caches_lock);
    /* prepared outside the lock: other threads' connections need not wait */
    sqlite3_stmt *st = cr_db_prepare(db, entries[i].text, err);
    if (!st || !slot || slot->st)
        return st; /* no cache, or the cached one is out: this one is finalized on release */
    pthread_mutex_lock(&caches_lock);
    slot->st = st;
    slot->out = true;
    pthread_mutex_unlock(&caches_lock);
    return st;
}

void cr_sql_release(sqlite3_stmt *st)
{
    if (!st)
        return;
    pthread_mutex_lock(&caches_lock);
    stmt_cache *c = cache_of(sqlite3_db_handle(st), false);
    for (size_t i = 0; c && i < entry_count; i++)
        if (c->slots[i].st == st) {
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            c->slots[i].out = false;
            pthread_mutex_unlock(&caches_lock);
            return;
        }
    pthread_mutex_unlock(&caches_lock);
    sqlite3_finalize(st);
}

void cr_sql_cache_drop(sqlite3 *db)
{
    pthread_mutex_lock(&caches_lock);
    for (stmt_cache **p = &caches; *p; p = &(*p)->next) {
        stmt_cache *c = *p;
        if (c->db != db)
            continue;
        *p = c->next;
        for (size_t i = 0; i < entry_count; i++)
            sqlite3_finalize(c->slots[i].st);
        free(c->slots);
        free(c);
        break;
    }
    pthread_mutex_unlock(&caches_lock);
}

void cr_sql_bind_text(sqlite3_stmt *st, const char *param, const char *value)
{
    int index = sqlite3_bind_parameter_index(st, param);
    if (index > 0)
        cr_db_bind_text(st, index, value);
}

void cr_sql_bind_int64(sqlite3_stmt *st, const char *param, int64_t value)
{
    int index = sqlite3_bind_parameter_index(st, param);
    if (index > 0)
        sqlite3_bind_int64(st, index, value);
}
