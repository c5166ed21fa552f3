/* sql.c - "-- name:" blocks of the embedded .sql files, indexed once. */
#include "csmreport/sql.h"

#include <pthread.h>
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

const char *cr_sql(const char *qualified_name)
{
    pthread_once(&index_once, build_index);
    for (size_t i = 0; i < entry_count; i++)
        if (strcmp(entries[i].name, qualified_name) == 0)
            return entries[i].text;
    return NULL;
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
