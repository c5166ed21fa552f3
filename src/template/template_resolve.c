/* template_resolve.c - resolving a loaded template for one account (or
 * partner) and one period into a cr_report (report.h).
 *
 * Per subject: the subject's row gives the built-in parameters and the locale;
 * the metrics document is computed once (once per account of a partner);
 * datasets run when first used (a dataset only inside a false <if> never
 * runs), template SQL through the sandbox with parameters bound; then pages,
 * blocks and sheets are built with every text final and every number carrying
 * its format. The renderers evaluate nothing.
 *
 * Large sheets stream. A SQL dataset that only one workbook sheet shows (no
 * chart on it, no deck table, no chart definition, no data.NAME anywhere:
 * tpl_dataset.stream, decided at load) is read up to STREAM_ROWS rows. When
 * it ends by then, the sheet gets an ordinary table, exactly as before.
 * Otherwise the sheet gets a streamed table (report.h, cr_row_source): the
 * rows read so far, then the rest stepped from the still-open statement while
 * the workbook is written, one row at a time, never all in memory. Columns
 * without a format attribute take their format from those first STREAM_ROWS
 * rows. The statement reads on the request's connection, so the report must be
 * freed before that connection is closed (render.c: resolve, PDF, XLSX,
 * free); its time limit (CR_SANDBOX_TIME_MS) counts the time spent in SQLite
 * only, not the time spent writing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csmreport/db.h"
#include "csmreport/json.h"
#include "csmreport/metrics.h"
#include "csmreport/sandbox.h"
#include "csmreport/subject.h"
#include "template_internal.h"

#define MIDDOT " \xc2\xb7 " /* " · " */

/* Rows read from a streamable dataset before its sheet streams the rest. */
#define STREAM_ROWS 50000
/* Rows between two releases of the connection's unused cache pages. */
#define STREAM_RELEASE_ROWS 16384

/* One dataset's rows, run at most once per subject. */
typedef struct rowset {
    bool done;
    size_t ncols, nrows, cap;
    char **cols;
    cr_cell *cells;
} rowset;

/* One account of a partner subject: its names (borrowed from the subject)
 * and its metrics document. */
typedef struct subject_account {
    const char *id, *name;
    cr_json *doc;
} subject_account;

typedef struct rctx {
    const cr_template *t;
    const cr_render_request *req;
    cr_error *err;
    cr_report *r;
    tpl_env env;
    cr_subject *subject;         /* the account or partner */
    char *builtin[32];           /* text of each built-in, NULL when empty */
    double hours[4];
    cr_json *doc;                /* account scope */
    subject_account *accounts;   /* partner scope */
    size_t account_count;
    rowset *sets;
} rctx;

static int oom(rctx *c)
{
    return cr_error_nomem(c->err);
}

static char *dup_or_null(const char *s)
{
    return s && *s ? strdup(s) : NULL;
}

static const char *builtin(const rctx *c, const char *name)
{
    int i = tpl_builtin_index(name);
    return i >= 0 ? c->builtin[i] : NULL;
}

static int set_builtin(rctx *c, const char *name, const char *value)
{
    int i = tpl_builtin_index(name);
    free(c->builtin[i]);
    c->builtin[i] = NULL;
    if (value && *value && !(c->builtin[i] = strdup(value)))
        return oom(c);
    return 0;
}

/* ---------- rowsets ---------- */

static void rowset_free(rowset *s)
{
    for (size_t i = 0; i < s->ncols; i++)
        free(s->cols[i]);
    free(s->cols);
    for (size_t i = 0; i < s->ncols * s->nrows; i++)
        free(s->cells[i].text);
    free(s->cells);
    memset(s, 0, sizeof *s);
}

static long find_col(const rowset *s, const char *name)
{
    for (size_t i = 0; i < s->ncols; i++)
        if (strcmp(s->cols[i], name) == 0)
            return (long)i;
    return -1;
}

static bool add_col(rowset *s, const char *name)
{
    if (find_col(s, name) >= 0)
        return true;
    char **nc = realloc(s->cols, (s->ncols + 1) * sizeof *nc);
    if (!nc)
        return false;
    s->cols = nc;
    if (!(s->cols[s->ncols] = strdup(name)))
        return false;
    s->ncols++;
    return true;
}

/* Appends an empty (all null) row; returns its cells or NULL. */
static cr_cell *add_row(rowset *s)
{
    if (s->nrows == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        cr_cell *n = realloc(s->cells, cap * (s->ncols ? s->ncols : 1) * sizeof *n);
        if (!n)
            return NULL;
        s->cells = n;
        s->cap = cap;
    }
    cr_cell *row = &s->cells[s->nrows++ * s->ncols];
    memset(row, 0, s->ncols * sizeof *row);
    return row;
}

static bool set_text(cr_cell *cell, const char *text)
{
    cell->type = CR_CELL_TEXT;
    cell->text = strdup(text ? text : "");
    return cell->text != NULL;
}

static bool is_scalar(const cr_json *v)
{
    cr_json_type ty = cr_json_type_of(v);
    return ty != CR_JSON_ARRAY && ty != CR_JSON_OBJECT;
}

static bool json_cell(cr_cell *cell, const cr_json *v)
{
    switch (cr_json_type_of(v)) {
    case CR_JSON_INT:
    case CR_JSON_NUMBER:
        cell->type = CR_CELL_NUMBER;
        cell->number = cr_json_get_number(v);
        return true;
    case CR_JSON_STRING:
        return set_text(cell, cr_json_get_string(v));
    case CR_JSON_BOOL:
        return set_text(cell, cr_json_get_bool(v) ? "true" : "false");
    default:
        cell->type = CR_CELL_NULL;
        return true;
    }
}

/* An object whose scalar members are all numbers (or null), with no nested
 * member: a map such as coverage.by_category, shown as key/value rows. */
static bool is_number_map(const cr_json *v)
{
    size_t n = cr_json_size(v);
    for (size_t i = 0; i < n; i++) {
        cr_json_type ty = cr_json_type_of(cr_json_value_at(v, i));
        if (ty != CR_JSON_INT && ty != CR_JSON_NUMBER && ty != CR_JSON_NULL)
            return false;
        if (strlen(cr_json_key_at(v, i)) > 7 &&
            strcmp(cr_json_key_at(v, i) + strlen(cr_json_key_at(v, i)) - 7, "_reason") == 0)
            return false;
    }
    return n > 0;
}

static bool is_object_map(const cr_json *v)
{
    size_t n = cr_json_size(v);
    for (size_t i = 0; i < n; i++)
        if (cr_json_type_of(cr_json_value_at(v, i)) != CR_JSON_OBJECT)
            return false;
    return n > 0;
}

/* Rows of one metrics node; pass 0 collects the columns, pass 1 the rows. The
 * shape rules are in the header of report.xsd's <dataset>. */
static bool json_rows(rowset *s, const cr_json *node, const char *key, int pass,
                      const subject_account *acc)
{
    const cr_json *items[1] = {node};
    size_t count = 1;
    bool array = cr_json_type_of(node) == CR_JSON_ARRAY;
    bool objmap = cr_json_type_of(node) == CR_JSON_OBJECT && is_object_map(node);
    bool nummap = !objmap && cr_json_type_of(node) == CR_JSON_OBJECT && is_number_map(node);
    if (array || objmap || nummap)
        count = cr_json_size(node);
    if (pass == 0 && acc && (!add_col(s, "account_id") || !add_col(s, "account_name")))
        return false;
    if (pass == 0 && (objmap || nummap) && !add_col(s, key))
        return false;
    if (pass == 0 && nummap)
        return add_col(s, "value");
    for (size_t i = 0; i < count; i++) {
        const cr_json *item = array ? cr_json_at(node, i)
                              : objmap || nummap ? cr_json_value_at(node, i)
                                                 : items[0];
        cr_cell *row = NULL;
        if (pass == 1) {
            if (!(row = add_row(s)))
                return false;
            if (acc && (!set_text(&row[0], acc->id) || !set_text(&row[1], acc->name)))
                return false;
            if ((objmap || nummap) && !set_text(&row[find_col(s, key)], cr_json_key_at(node, i)))
                return false;
        }
        if (nummap) {
            if (pass == 1 && !json_cell(&row[find_col(s, "value")], item))
                return false;
            continue;
        }
        if (cr_json_type_of(item) != CR_JSON_OBJECT) {
            if (pass == 0 && !add_col(s, "value"))
                return false;
            if (pass == 1 && !json_cell(&row[find_col(s, "value")], item))
                return false;
            continue;
        }
        for (size_t k = 0; k < cr_json_size(item); k++) {
            const cr_json *v = cr_json_value_at(item, k);
            if (!is_scalar(v))
                continue;
            const char *name = cr_json_key_at(item, k);
            if (pass == 0 && !add_col(s, name))
                return false;
            if (pass == 1 && !json_cell(&row[find_col(s, name)], v))
                return false;
        }
    }
    return true;
}

static int run_metrics_dataset(rctx *c, const tpl_dataset *ds, rowset *s)
{
    const char *key = ds->key ? ds->key : "key";
    bool partner = c->t->scope == CR_SCOPE_PARTNER;
    size_t n = partner ? c->account_count : 1;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++) {
            const cr_json *doc = partner ? c->accounts[i].doc : c->doc;
            const cr_json *node = cr_json_path(doc, ds->metrics);
            if (!node || cr_json_is_null(node))
                continue;
            if (!json_rows(s, node, key, pass, partner ? &c->accounts[i] : NULL))
                return oom(c);
        }
    return 0;
}

/* Binds the statement's named parameters. Texts are copied (TRANSIENT): a
 * streamed dataset's statement outlives this resolve's built-ins. */
static int bind_params(rctx *c, sqlite3_stmt *st)
{
    for (int i = 1; i <= sqlite3_bind_parameter_count(st); i++) {
        const char *pn = sqlite3_bind_parameter_name(st, i) + 1;
        const tpl_param *p = tpl_find_param(c->t, pn);
        int b = tpl_builtin_index(pn);
        int rc;
        if (b >= 0 && strncmp(pn, "p", 1) == 0 && strstr(pn, "_hours"))
            rc = sqlite3_bind_double(st, i, c->hours[pn[1] - '1']);
        else if (b >= 0)
            rc = c->builtin[b] ? sqlite3_bind_text(st, i, c->builtin[b], -1, SQLITE_TRANSIENT)
                               : sqlite3_bind_null(st, i);
        else if (p->type == TP_INTEGER)
            rc = sqlite3_bind_int64(st, i, strtoll(p->def, NULL, 10));
        else if (p->type == TP_NUMBER)
            rc = sqlite3_bind_double(st, i, strtod(p->def, NULL));
        else if (p->type == TP_BOOL)
            rc = sqlite3_bind_int(st, i, strcmp(p->def, "true") == 0);
        else
            rc = sqlite3_bind_text(st, i, p->def, -1, SQLITE_TRANSIENT);
        if (rc != SQLITE_OK)
            return cr_db_fail(sqlite3_db_handle(st), rc, "cannot bind a dataset parameter", c->err);
    }
    return 0;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Reads one row of st into row (s->ncols cells, copying texts). */
static bool read_row(sqlite3_stmt *st, cr_cell *row, size_t ncols)
{
    for (size_t i = 0; i < ncols; i++) {
        switch (sqlite3_column_type(st, (int)i)) {
        case SQLITE_INTEGER:
        case SQLITE_FLOAT:
            row[i].type = CR_CELL_NUMBER;
            row[i].number = sqlite3_column_double(st, (int)i);
            break;
        case SQLITE_TEXT:
            if (!set_text(&row[i], (const char *)sqlite3_column_text(st, (int)i)))
                return false;
            break;
        default:
            break;
        }
    }
    return true;
}

/* The error of a dataset whose step returned `step` (not a row, not done). */
static int dataset_failed(const cr_template *t, const tpl_dataset *ds, sqlite3 *db, cr_error *err)
{
    if (cr_sandbox_deadline_passed())
        return cr_error_set(err, EX_CONFIG, t->path, ds->line, 0,
                            "dataset '%s' stopped: it ran longer than %d s", ds->name,
                            CR_SANDBOX_TIME_MS / 1000);
    return cr_error_set(err, EX_CONFIG, t->path, ds->line, 0, "dataset '%s': %s", ds->name,
                        sqlite3_errmsg(db));
}

/* Runs a SQL dataset into s. With limit > 0 and more than limit rows, stops
 * with limit rows in s and the statement, positioned on the next row, in
 * *rest (the caller finalizes it), and the time spent in *spent_ns. */
static int run_sql_dataset_limited(rctx *c, const tpl_dataset *ds, rowset *s, size_t limit,
                                   sqlite3_stmt **rest, int64_t *spent_ns)
{
    sqlite3 *db = c->req->db;
    sqlite3_stmt *st = NULL;
    if (rest)
        *rest = NULL;
    int rc = cr_sandbox_prepare(db, ds->sql, c->t->path, ds->line, &st, c->err);
    if (rc)
        return rc;
    if ((rc = bind_params(c, st)))
        goto out;
    s->ncols = (size_t)sqlite3_column_count(st);
    s->cols = calloc(s->ncols + 1, sizeof *s->cols);
    if (!s->cols) {
        rc = oom(c);
        goto out;
    }
    for (size_t i = 0; i < s->ncols; i++)
        if (!(s->cols[i] = strdup(sqlite3_column_name(st, (int)i)))) {
            rc = oom(c);
            goto out;
        }
    int64_t t0 = now_ns();
    cr_sandbox_deadline_start(0);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (limit && s->nrows == limit && rest)
            break; /* more to come: the caller streams the rest */
        cr_cell *row = add_row(s);
        if (!row || !read_row(st, row, s->ncols)) {
            rc = oom(c);
            break;
        }
    }
    cr_sandbox_deadline_end();
    if (spent_ns)
        *spent_ns = now_ns() - t0;
    if (!rc && step != SQLITE_DONE && step != SQLITE_ROW)
        rc = dataset_failed(c->t, ds, db, c->err);
    if (!rc && step == SQLITE_ROW && rest) {
        *rest = st;
        return 0;
    }
out:
    sqlite3_finalize(st);
    return rc;
}

static int run_sql_dataset(rctx *c, const tpl_dataset *ds, rowset *s)
{
    return run_sql_dataset_limited(c, ds, s, 0, NULL, NULL);
}

static int dataset_rows(rctx *c, size_t index, const rowset **out)
{
    rowset *s = &c->sets[index];
    if (!s->done) {
        const tpl_dataset *ds = &c->t->datasets[index];
        int rc = ds->sql ? run_sql_dataset(c, ds, s) : run_metrics_dataset(c, ds, s);
        if (rc)
            return rc;
        s->done = true;
    }
    *out = s;
    return 0;
}

/* ---------- name lookup ---------- */

static void json_value(const cr_json *v, tpl_value *out)
{
    switch (cr_json_type_of(v)) {
    case CR_JSON_BOOL:
        out->type = TV_BOOL;
        out->boolean = cr_json_get_bool(v);
        break;
    case CR_JSON_INT:
    case CR_JSON_NUMBER:
        out->type = TV_NUMBER;
        out->number = cr_json_get_number(v);
        break;
    case CR_JSON_STRING:
        out->type = TV_TEXT;
        out->text = cr_json_get_string(v);
        break;
    case CR_JSON_ARRAY:
        /* An array counts its items: tickets.p1 is the number of P1 tickets. */
        out->type = TV_NUMBER;
        out->number = (double)cr_json_size(v);
        break;
    default:
        out->type = TV_NULL;
        break;
    }
}

static void cell_value(const cr_cell *cell, tpl_value *out)
{
    out->type = cell->type == CR_CELL_NUMBER ? TV_NUMBER
                : cell->type == CR_CELL_TEXT ? TV_TEXT
                                             : TV_NULL;
    out->number = cell->number;
    out->text = cell->text;
}

static int data_lookup(rctx *c, const char *name, tpl_value *out)
{
    const char *set = name + 5, *dot = strchr(set, '.');
    if (!dot)
        return 0;
    char setname[128];
    snprintf(setname, sizeof setname, "%.*s", (int)(dot - set), set);
    size_t index;
    if (!tpl_find_dataset(c->t, setname, &index))
        return 0;
    const rowset *s;
    int rc = dataset_rows(c, index, &s);
    if (rc)
        return rc;
    const char *col = dot + 1;
    if (strcmp(col, "rows") == 0) {
        out->type = TV_NUMBER;
        out->number = (double)s->nrows;
        return 0;
    }
    size_t row = 0;
    const char *d2 = strchr(col, '.');
    if (d2 && d2 > col && strspn(col, "0123456789") == (size_t)(d2 - col)) {
        row = strtoul(col, NULL, 10);
        col = d2 + 1;
    }
    long k = find_col(s, col);
    if (k >= 0 && row < s->nrows)
        cell_value(&s->cells[row * s->ncols + (size_t)k], out);
    return 0;
}

static int lookup(void *ctx, const char *name, tpl_value *out, cr_error *err)
{
    rctx *c = ctx;
    out->type = TV_NULL;
    const tpl_param *p = tpl_find_param(c->t, name);
    int b = tpl_builtin_index(name);
    if (b >= 0 && strncmp(name, "p", 1) == 0 && strstr(name, "_hours")) {
        out->type = TV_NUMBER;
        out->number = c->hours[name[1] - '1'];
        return 0;
    }
    if (b >= 0) {
        if (c->builtin[b]) {
            out->type = TV_TEXT;
            out->text = c->builtin[b];
        }
        return 0;
    }
    if (p) {
        switch (p->type) {
        case TP_INTEGER:
        case TP_NUMBER:
            out->type = TV_NUMBER;
            out->number = strtod(p->def, NULL);
            break;
        case TP_BOOL:
            out->type = TV_BOOL;
            out->boolean = strcmp(p->def, "true") == 0;
            break;
        default:
            out->type = TV_TEXT;
            out->text = p->def;
            break;
        }
        return 0;
    }
    if (strncmp(name, "data.", 5) == 0)
        return data_lookup(c, name, out);
    if (c->doc) {
        const cr_json *v = cr_json_path(c->doc, name);
        if (v)
            json_value(v, out);
    }
    return 0;
}

/* A number written in the template, or the value of the name there. */
static int number_or_name(rctx *c, const char *s, bool *have, double *out)
{
    *have = false;
    if (!s)
        return 0;
    char *end;
    double d = strtod(s, &end);
    if (*s && *end == '\0') {
        *have = true;
        *out = d;
        return 0;
    }
    tpl_value v;
    int rc = lookup(c, s, &v, c->err);
    if (!rc)
        *have = tpl_value_number(&v, out);
    return rc;
}

static int expand(rctx *c, const char *text, char **out)
{
    if (!text) {
        *out = NULL;
        return 0;
    }
    return tpl_expand(&c->env, text, out, c->err);
}

/* ---------- tables ---------- */

static cr_format default_format(const rowset *s, size_t col)
{
    cr_format f = {.kind = CR_FORMAT_TEXT, .decimals = -1};
    const char *n = s->cols[col];
    size_t len = strlen(n);
    bool numbers = false, integers = true;
    for (size_t r = 0; r < s->nrows; r++) {
        const cr_cell *cell = &s->cells[r * s->ncols + col];
        if (cell->type == CR_CELL_NUMBER) {
            numbers = true;
            integers = integers && cell->number == floor(cell->number);
        }
    }
    if (strcmp(n, "month") == 0)
        f.kind = CR_FORMAT_MONTH;
    else if (strcmp(n, "date") == 0 || (len > 5 && strcmp(n + len - 5, "_date") == 0))
        f.kind = CR_FORMAT_DATE;
    else if (numbers && (strcmp(n, "rate") == 0 || (len > 5 && strcmp(n + len - 5, "_rate") == 0) ||
                         strcmp(n, "sla_compliance") == 0 || strcmp(n, "threshold") == 0))
        f.kind = CR_FORMAT_PERCENT;
    else if (numbers && len > 6 && strcmp(n + len - 6, "_hours") == 0)
        f.kind = CR_FORMAT_HOURS;
    else if (numbers)
        f.kind = integers ? CR_FORMAT_INTEGER : CR_FORMAT_DECIMAL;
    return f;
}

static void fill_currency(rctx *c, cr_format *f)
{
    if (f->kind == CR_FORMAT_MONEY && !f->currency[0])
        snprintf(f->currency, sizeof f->currency, "%s", c->subject->currency);
}

static int push_table(rctx *c, cr_table *tb)
{
    cr_table **n = realloc(c->r->tables, (c->r->table_count + 1) * sizeof *n);
    if (!n)
        return oom(c);
    c->r->tables = n;
    c->r->tables[c->r->table_count++] = tb;
    return 0;
}

static int push_chart(rctx *c, cr_chart *ch)
{
    cr_chart **n = realloc(c->r->charts, (c->r->chart_count + 1) * sizeof *n);
    if (!n)
        return oom(c);
    c->r->charts = n;
    c->r->charts[c->r->chart_count++] = ch;
    return 0;
}

/* ---------- streamed tables ---------- */

/* The row source of a streamed table: the rows read before the decision,
 * then the rest of the statement, mapped onto the table's columns. */
typedef struct streamer {
    sqlite3_stmt *st;          /* positioned on a row not handed out yet */
    rowset first;              /* the first STREAM_ROWS rows */
    size_t pos;                /* next row of first */
    bool pending, done;
    long *map;                 /* per table column: dataset column, or -1 */
    size_t ncols;              /* table columns */
    int64_t spent_ns;          /* time in SQLite so far */
    size_t stepped;            /* rows stepped while streaming */
    char *path, *name;         /* for errors: the template, the dataset */
    long line;
} streamer;

static void streamer_free(void *ctx)
{
    streamer *sm = ctx;
    if (!sm)
        return;
    sqlite3_finalize(sm->st);
    rowset_free(&sm->first);
    free(sm->map);
    free(sm->path);
    free(sm->name);
    free(sm);
}

/* cr_row_source.next: the buffered rows, then the statement's, texts
 * borrowed from the statement (valid until the next step). The statement
 * steps under what is left of the dataset's time limit. */
static int streamer_next(void *ctx, cr_cell *row, cr_error *err)
{
    streamer *sm = ctx;
    if (sm->pos < sm->first.nrows) {
        const cr_cell *src = &sm->first.cells[sm->pos++ * sm->first.ncols];
        for (size_t j = 0; j < sm->ncols; j++)
            row[j] = sm->map[j] < 0 ? (cr_cell){.type = CR_CELL_NULL} : src[sm->map[j]];
        return 1;
    }
    if (sm->done)
        return 0;
    if (sm->pending) {
        sm->pending = false;
    } else {
        int64_t left_ms = ((int64_t)CR_SANDBOX_TIME_MS * 1000000 - sm->spent_ns) / 1000000;
        int64_t t0 = now_ns();
        cr_sandbox_deadline_start(left_ms > 0 ? (long)left_ms : 1);
        int step = sqlite3_step(sm->st);
        cr_sandbox_deadline_end();
        sm->spent_ns += now_ns() - t0;
        /* A long scan would fill the connection's page cache (64 MiB, db.c)
         * with pages it reads once: hand them back now and then. */
        if (++sm->stepped % STREAM_RELEASE_ROWS == 0)
            sqlite3_db_release_memory(sqlite3_db_handle(sm->st));
        if (step != SQLITE_ROW) {
            sm->done = true;
            if (step == SQLITE_DONE)
                return 0;
            if (cr_sandbox_deadline_passed())
                cr_error_set(err, EX_CONFIG, sm->path, sm->line, 0,
                             "dataset '%s' stopped: it ran longer than %d s", sm->name,
                             CR_SANDBOX_TIME_MS / 1000);
            else
                cr_error_set(err, EX_CONFIG, sm->path, sm->line, 0, "dataset '%s': %s", sm->name,
                             sqlite3_errmsg(sqlite3_db_handle(sm->st)));
            return -1;
        }
    }
    for (size_t j = 0; j < sm->ncols; j++) {
        int k = (int)sm->map[j];
        row[j] = (cr_cell){.type = CR_CELL_NULL};
        if (k < 0)
            continue;
        switch (sqlite3_column_type(sm->st, k)) {
        case SQLITE_INTEGER:
        case SQLITE_FLOAT:
            row[j].type = CR_CELL_NUMBER;
            row[j].number = sqlite3_column_double(sm->st, k);
            break;
        case SQLITE_TEXT:
            row[j].type = CR_CELL_TEXT;
            row[j].text = (char *)sqlite3_column_text(sm->st, k);
            if (!row[j].text) {
                cr_error_nomem(err);
                return -1;
            }
            break;
        default:
            break;
        }
    }
    return 1;
}

static int build_table(rctx *c, size_t index, const rowset *s, const tpl_node *owner,
                       const tpl_chart *chart, long **map_out, const cr_table **out);

/* The table of a sheet whose dataset may stream (tpl_dataset.stream): an
 * ordinary table when the dataset has at most STREAM_ROWS rows, else a
 * streamed one. */
static int make_sheet_table(rctx *c, size_t index, const tpl_node *owner, const cr_table **out)
{
    const tpl_dataset *ds = &c->t->datasets[index];
    rowset *s = &c->sets[index];
    streamer *sm = calloc(1, sizeof *sm);
    if (!sm)
        return oom(c);
    int rc = run_sql_dataset_limited(c, ds, &sm->first, STREAM_ROWS, &sm->st, &sm->spent_ns);
    if (rc || !sm->st) {
        /* all of it read (or failed): the rowset of every other dataset */
        *s = sm->first;
        s->done = !rc;
        memset(&sm->first, 0, sizeof sm->first);
        streamer_free(sm);
        return rc ? rc : build_table(c, index, s, owner, NULL, NULL, out);
    }
    sm->pending = true;
    sm->line = ds->line;
    sm->path = strdup(c->t->path);
    sm->name = strdup(ds->name);
    cr_row_source *src = calloc(1, sizeof *src);
    if (!sm->path || !sm->name || !src) {
        free(src);
        streamer_free(sm);
        return oom(c);
    }
    *src = (cr_row_source){.next = streamer_next, .free = streamer_free, .ctx = sm};
    const cr_table *tb = NULL;
    rc = build_table(c, index, &sm->first, owner, NULL, &sm->map, &tb);
    if (!tb) {
        streamer_free(sm);
        free(src);
        return rc ? rc : oom(c);
    }
    ((cr_table *)tb)->source = src; /* the table (the report) owns it from here */
    sm->ncols = tb->column_count;
    *out = tb;
    return rc;
}

/* A table of dataset `index`: the <column> children of owner (all the
 * dataset's columns when it lists none), or for a chart (chart != NULL) all
 * columns with the chart's formats. Owned by the report. */
static int make_table(rctx *c, size_t index, const tpl_node *owner, const tpl_chart *chart,
                      const cr_table **out)
{
    const rowset *s;
    int rc = dataset_rows(c, index, &s);
    if (rc)
        return rc;
    return build_table(c, index, s, owner, chart, NULL, out);
}

/* make_table over the rows s. With map_out, the table is to be streamed: its
 * columns only, no cells, and the column map handed to the caller in
 * *map_out (freed by the caller). *out is set as soon as the table is in the
 * report, even when a later step fails. */
static int build_table(rctx *c, size_t index, const rowset *s, const tpl_node *owner,
                       const tpl_chart *chart, long **map_out, const cr_table **out)
{
    int rc = 0;
    size_t listed = 0;
    for (size_t i = 0; owner && i < owner->child_count; i++)
        listed += owner->children[i].kind == TK_COLUMN;
    cr_table *tb = calloc(1, sizeof *tb);
    if (!tb || push_table(c, tb)) {
        free(tb);
        return oom(c);
    }
    size_t ncols = listed ? listed : s->ncols;
    long *map = calloc(ncols + 1, sizeof *map);
    tb->name = strdup(c->t->datasets[index].name);
    tb->columns = calloc(ncols + 1, sizeof *tb->columns);
    if (!map || !tb->name || !tb->columns) {
        free(map);
        return oom(c);
    }
    tb->column_count = ncols;
    *out = tb;
    size_t k = 0;
    for (size_t i = 0; i < (listed ? owner->child_count : s->ncols); i++) {
        cr_column_spec *spec = &tb->columns[k];
        if (listed) {
            const tpl_node *col = &owner->children[i];
            if (col->kind != TK_COLUMN)
                continue;
            const char *name = tpl_attr_get(col, "name"), *fmt = tpl_attr_get(col, "format");
            const char *width = tpl_attr_get(col, "width");
            /* SQL columns were checked at load; a metrics key absent for this
             * subject (a null metric, an empty list) is an empty column. */
            map[k] = find_col(s, name);
            spec->name = strdup(name);
            rc = expand(c, tpl_attr_get(col, "header") ? tpl_attr_get(col, "header") : name,
                        &spec->header);
            if (fmt)
                tpl_parse_format(fmt, &spec->format);
            else if (map[k] >= 0)
                spec->format = default_format(s, (size_t)map[k]);
            else
                spec->format = (cr_format){.kind = CR_FORMAT_TEXT, .decimals = -1};
            spec->width = width ? strtod(width, NULL) : 0;
        } else {
            map[k] = (long)i;
            spec->name = strdup(s->cols[i]);
            spec->header = strdup(s->cols[i]);
            spec->format = default_format(s, i);
            if (chart && strcmp(s->cols[i], chart->category) == 0)
                spec->format = chart->category_format;
            for (size_t j = 0; chart && j < chart->series_count; j++)
                if (strcmp(s->cols[i], chart->series[j].column) == 0)
                    spec->format = chart->value_format;
        }
        fill_currency(c, &spec->format);
        k++;
        if (rc || !spec->name || !spec->header) {
            free(map);
            return rc ? rc : oom(c);
        }
    }
    if (map_out) {
        *map_out = map;
        return 0;
    }
    tb->cells = calloc(ncols * s->nrows + 1, sizeof *tb->cells);
    if (!tb->cells) {
        free(map);
        return oom(c);
    }
    tb->row_count = s->nrows;
    for (size_t r = 0; r < s->nrows; r++)
        for (size_t j = 0; j < ncols; j++) {
            if (map[j] < 0)
                continue; /* calloc: a null cell */
            const cr_cell *src = &s->cells[r * s->ncols + (size_t)map[j]];
            cr_cell *dst = &tb->cells[r * ncols + j];
            *dst = *src;
            if (src->text && !(dst->text = strdup(src->text))) {
                free(map);
                return oom(c);
            }
        }
    free(map);
    *out = tb;
    return 0;
}

static long table_col(const cr_table *tb, const char *name)
{
    for (size_t i = 0; i < tb->column_count; i++)
        if (strcmp(tb->columns[i].name, name) == 0)
            return (long)i;
    return -1;
}

static bool cell_truthy(const cr_cell *cell)
{
    if (cell->type == CR_CELL_NUMBER)
        return cell->number != 0;
    return cell->type == CR_CELL_TEXT && strcmp(cell->text, "true") == 0;
}

/* A chart over table tb (NULL: a table of its own). */
static int make_chart(rctx *c, const tpl_chart *def, const cr_table *tb, const cr_chart **out)
{
    int rc;
    if (!tb && (rc = make_table(c, def->dataset, NULL, def, &tb)))
        return rc;
    cr_chart *ch = calloc(1, sizeof *ch);
    if (!ch || push_chart(c, ch)) {
        free(ch);
        return oom(c);
    }
    ch->id = strdup(def->id);
    ch->type = def->type;
    ch->table = tb;
    ch->value_format = def->value_format;
    fill_currency(c, &ch->value_format);
    ch->value_labels = def->value_labels;
    ch->histogram_bins = def->bins;
    if (!ch->id || (rc = expand(c, def->title, &ch->title)) ||
        (rc = expand(c, def->x_title, &ch->x_title)) || (rc = expand(c, def->y_title, &ch->y_title)))
        return ch->id ? rc : oom(c);
    const char *missing = NULL;
    long cat = table_col(tb, def->category);
    if (cat < 0)
        missing = def->category;
    ch->category_column = cat < 0 ? 0 : (size_t)cat;
    ch->series = calloc(def->series_count + 1, sizeof *ch->series);
    if (!ch->series)
        return oom(c);
    for (size_t i = 0; i < def->series_count; i++) {
        cr_series *s = &ch->series[i];
        long col = table_col(tb, def->series[i].column);
        if (col < 0)
            missing = def->series[i].column;
        s->column = col < 0 ? 0 : (size_t)col;
        s->color = def->series[i].color;
        ch->series_count++;
        if ((rc = expand(c, def->series[i].label ? def->series[i].label : def->series[i].column,
                         &s->label)))
            return rc;
    }
    if (def->bullet_actual) {
        long a = table_col(tb, def->bullet_actual), b = table_col(tb, def->bullet_baseline),
             g = table_col(tb, def->bullet_agreed);
        if (a < 0 || b < 0 || g < 0)
            missing = a < 0 ? def->bullet_actual : b < 0 ? def->bullet_baseline : def->bullet_agreed;
        ch->bullet_actual = a < 0 ? 0 : (size_t)a;
        ch->bullet_baseline = b < 0 ? 0 : (size_t)b;
        ch->bullet_agreed = g < 0 ? 0 : (size_t)g;
    }
    long mk = def->marker_column ? table_col(tb, def->marker_column) : -1;
    if (def->marker_column && mk < 0)
        missing = def->marker_column;
    /* A chart over a metrics dataset with no rows for this subject is empty,
     * not an error (its columns are not known then). */
    if (missing && tb->row_count == 0 && !c->t->datasets[def->dataset].sql) {
        for (size_t i = 0; i < ch->series_count; i++)
            free(ch->series[i].label);
        ch->series_count = 0;
        missing = NULL;
    }
    if (missing)
        return cr_error_set(c->err, EX_CONFIG, c->t->path, def->line, 0,
                            "chart '%s': dataset '%s' has no column '%s'", def->id, tb->name,
                            missing);
    if (def->threshold) {
        if ((rc = number_or_name(c, def->threshold, &ch->has_threshold, &ch->threshold)) ||
            (rc = expand(c, def->threshold_label, &ch->threshold_label)))
            return rc;
    }
    if (mk >= 0) {
        ch->markers = calloc(tb->row_count + 1, sizeof *ch->markers);
        if (!ch->markers)
            return oom(c);
        for (size_t r = 0; r < tb->row_count; r++) {
            if (!cell_truthy(&tb->cells[r * tb->column_count + (size_t)mk]))
                continue;
            cr_marker *m = &ch->markers[ch->marker_count++];
            m->category = r;
            if ((rc = expand(c, def->marker_label, &m->label)))
                return rc;
        }
    }
    *out = ch;
    return 0;
}

/* ---------- the deck ---------- */

typedef struct block_list {
    cr_block *items;
    size_t count;
} block_list;

static cr_block *push_block(block_list *l)
{
    cr_block *n = realloc(l->items, (l->count + 1) * sizeof *n);
    if (!n)
        return NULL;
    l->items = n;
    memset(&n[l->count], 0, sizeof *n);
    n[l->count].weight = 1;
    return &n[l->count++];
}

static int push_line(rctx *c, cr_block *b, const char *text)
{
    char *line;
    int rc = expand(c, text, &line);
    if (rc)
        return rc;
    char **n = realloc(b->lines, (b->line_count + 1) * sizeof *n);
    if (!n) {
        free(line);
        return oom(c);
    }
    b->lines = n;
    b->lines[b->line_count++] = line;
    return 0;
}

static int eval_if(rctx *c, const tpl_node *n, bool *yes)
{
    return tpl_cond_eval(n->cond, &c->env, yes, c->err);
}

static int add_items(rctx *c, cr_block *b, const tpl_node *parent)
{
    for (size_t i = 0; i < parent->child_count; i++) {
        const tpl_node *n = &parent->children[i];
        int rc = 0;
        bool yes;
        if (n->kind == TK_ITEM)
            rc = push_line(c, b, n->text);
        else if (n->kind == TK_IF && !(rc = eval_if(c, n, &yes)) && yes)
            rc = add_items(c, b, n);
        if (rc)
            return rc;
    }
    return 0;
}

static cr_status kpi_status(rctx *c, const tpl_node *n, bool have, double v, int *rc)
{
    static const char *const attrs[4] = {"bad-above", "bad-below", "warn-above", "warn-below"};
    bool any = false;
    cr_status st = CR_STATUS_NONE;
    for (int i = 0; i < 4 && !*rc; i++) {
        bool h;
        double limit;
        if ((*rc = number_or_name(c, tpl_attr_get(n, attrs[i]), &h, &limit)) || !h)
            continue;
        any = true;
        bool crossed = have && (i % 2 == 0 ? v > limit : v < limit);
        if (crossed && st == CR_STATUS_NONE)
            st = i < 2 ? CR_STATUS_BAD : CR_STATUS_WARN;
    }
    if (any && have && st == CR_STATUS_NONE)
        st = CR_STATUS_GOOD;
    return st;
}

static int add_blocks(rctx *c, const tpl_node *parent, block_list *out);

static int make_block(rctx *c, const tpl_node *n, block_list *out)
{
    int rc = 0;
    if (n->kind == TK_IF) {
        bool yes;
        if ((rc = eval_if(c, n, &yes)) || !yes)
            return rc;
        return add_blocks(c, n, out);
    }
    cr_block *b = push_block(out);
    if (!b)
        return oom(c);
    const char *weight = tpl_attr_get(n, "weight");
    if (weight)
        b->weight = strtod(weight, NULL);
    switch (n->kind) {
    case TK_TEXT: {
        const char *style = tpl_attr_get(n, "style");
        b->type = CR_BLOCK_TEXT;
        b->style = !style || strcmp(style, "body") == 0 ? CR_TEXT_BODY
                   : strcmp(style, "heading") == 0      ? CR_TEXT_HEADING
                   : strcmp(style, "note") == 0         ? CR_TEXT_NOTE
                                                        : CR_TEXT_LARGE;
        if (n->text)
            return push_line(c, b, n->text);
        for (size_t i = 0; i < n->child_count && !rc; i++)
            rc = push_line(c, b, n->children[i].text);
        return rc;
    }
    case TK_BULLETS:
        b->type = CR_BLOCK_BULLETS;
        if ((rc = add_items(c, b, n)))
            return rc;
        if (b->line_count == 0)
            out->count--; /* every item was conditional and none applies */
        return 0;
    case TK_KPI: {
        b->type = CR_BLOCK_KPI;
        const char *value = tpl_attr_get(n, "value"), *fmt = tpl_attr_get(n, "format");
        tpl_value v = {.type = TV_NULL};
        char *end;
        double d = strtod(value, &end);
        if (*value && *end == '\0') {
            v.type = TV_NUMBER;
            v.number = d;
        } else if ((rc = lookup(c, value, &v, c->err))) {
            return rc;
        }
        cr_format f;
        tpl_parse_format(fmt ? fmt : "integer", &f);
        fill_currency(c, &f);
        if (!(b->kpi_value = tpl_format_value(&c->env, &v, &f)))
            return oom(c);
        double num;
        bool have = tpl_value_number(&v, &num);
        b->kpi_status = kpi_status(c, n, have, num, &rc);
        if (rc || (rc = expand(c, tpl_attr_get(n, "label"), &b->kpi_label)) ||
            (rc = expand(c, tpl_attr_get(n, "delta"), &b->kpi_delta)) ||
            (rc = expand(c, tpl_attr_get(n, "note"), &b->kpi_note)))
            return rc;
        return 0;
    }
    case TK_CHART:
        b->type = CR_BLOCK_CHART;
        return make_chart(c, tpl_find_chart(c->t, tpl_attr_get(n, "ref")), NULL, &b->chart);
    case TK_TABLE: {
        b->type = CR_BLOCK_TABLE;
        const char *max = tpl_attr_get(n, "max-rows");
        size_t index = 0;
        tpl_find_dataset(c->t, tpl_attr_get(n, "dataset"), &index);
        b->table_max_rows = max ? strtoul(max, NULL, 10) : 0;
        return make_table(c, index, n, NULL, &b->table);
    }
    case TK_ROW: {
        b->type = CR_BLOCK_ROW;
        block_list kids = {0};
        rc = add_blocks(c, n, &kids);
        b->children = kids.items;
        b->child_count = kids.count;
        return rc;
    }
    default:
        return 0;
    }
}

static int add_blocks(rctx *c, const tpl_node *parent, block_list *out)
{
    for (size_t i = 0; i < parent->child_count; i++) {
        int rc = make_block(c, &parent->children[i], out);
        if (rc)
            return rc;
    }
    return 0;
}

static int add_pages(rctx *c, const tpl_node *parent)
{
    cr_report *r = c->r;
    for (size_t i = 0; i < parent->child_count; i++) {
        const tpl_node *n = &parent->children[i];
        int rc;
        if (n->kind == TK_IF) {
            bool yes;
            if ((rc = eval_if(c, n, &yes)) || (yes && (rc = add_pages(c, n))))
                return rc;
            continue;
        }
        cr_page *np = realloc(r->pages, (r->page_count + 1) * sizeof *np);
        if (!np)
            return oom(c);
        r->pages = np;
        cr_page *p = &r->pages[r->page_count++];
        memset(p, 0, sizeof *p);
        const char *cover = tpl_attr_get(n, "cover");
        p->cover = cover && (strcmp(cover, "true") == 0 || strcmp(cover, "1") == 0);
        if ((rc = expand(c, tpl_attr_get(n, "title"), &p->title)) ||
            (rc = expand(c, tpl_attr_get(n, "subtitle"), &p->subtitle)) ||
            (rc = expand(c, tpl_attr_get(n, "bookmark"), &p->bookmark)))
            return rc;
        block_list blocks = {0};
        rc = add_blocks(c, n, &blocks);
        p->blocks = blocks.items;
        p->block_count = blocks.count;
        if (rc)
            return rc;
    }
    return 0;
}

/* ---------- the workbook ---------- */

static int make_sheet(rctx *c, const tpl_node *n, cr_sheet *s)
{
    int rc;
    size_t index = 0;
    tpl_find_dataset(c->t, tpl_attr_get(n, "dataset"), &index);
    const char *freeze = tpl_attr_get(n, "freeze-header"), *filter = tpl_attr_get(n, "autofilter");
    s->freeze_header = !freeze || strcmp(freeze, "true") == 0 || strcmp(freeze, "1") == 0;
    s->autofilter = filter && (strcmp(filter, "true") == 0 || strcmp(filter, "1") == 0);
    bool stream = c->t->datasets[index].stream && !c->sets[index].done;
    if ((rc = expand(c, tpl_attr_get(n, "name"), &s->name)) ||
        (rc = expand(c, tpl_attr_get(n, "title"), &s->title)) ||
        (rc = stream ? make_sheet_table(c, index, n, &s->table)
                     : make_table(c, index, n, NULL, &s->table)))
        return rc;
    s->conditionals = calloc(n->child_count + 1, sizeof *s->conditionals);
    s->charts = calloc(n->child_count + 1, sizeof *s->charts);
    if (!s->conditionals || !s->charts)
        return oom(c);
    for (size_t i = 0; i < n->child_count; i++) {
        const tpl_node *k = &n->children[i];
        if (k->kind == TK_CONDITIONAL) {
            static const char *const ops[] = {"gt", "ge", "lt", "le", "eq", "ne"};
            const char *col = tpl_attr_get(k, "column"), *op = tpl_attr_get(k, "op");
            const char *status = tpl_attr_get(k, "status");
            long ci = table_col(s->table, col);
            if (ci < 0)
                continue; /* a metrics key absent for this subject: nothing to colour */
            bool have;
            double v;
            if ((rc = number_or_name(c, tpl_attr_get(k, "value"), &have, &v)))
                return rc;
            if (!have)
                continue; /* a threshold that is null for this subject */
            cr_conditional *cd = &s->conditionals[s->conditional_count++];
            cd->column = (size_t)ci;
            cd->value = v;
            for (size_t o = 0; o < 6; o++)
                if (strcmp(op, ops[o]) == 0)
                    cd->op = (cr_compare)o;
            cd->status = !status || strcmp(status, "bad") == 0 ? CR_STATUS_BAD
                         : strcmp(status, "warn") == 0          ? CR_STATUS_WARN
                                                                : CR_STATUS_GOOD;
        } else if (k->kind == TK_SHEET_CHART) {
            cr_sheet_chart *sc = &s->charts[s->chart_count++];
            const char *anchor = tpl_attr_get(k, "anchor");
            if (anchor && !(sc->anchor = strdup(anchor)))
                return oom(c);
            if ((rc = make_chart(c, tpl_find_chart(c->t, tpl_attr_get(k, "ref")), s->table,
                                 &sc->chart)))
                return rc;
        }
    }
    return 0;
}

static int add_sheets(rctx *c, const tpl_node *parent)
{
    cr_report *r = c->r;
    for (size_t i = 0; i < parent->child_count; i++) {
        const tpl_node *n = &parent->children[i];
        int rc;
        if (n->kind == TK_IF) {
            bool yes;
            if ((rc = eval_if(c, n, &yes)) || (yes && (rc = add_sheets(c, n))))
                return rc;
            continue;
        }
        cr_sheet *ns = realloc(r->sheets, (r->sheet_count + 1) * sizeof *ns);
        if (!ns)
            return oom(c);
        r->sheets = ns;
        cr_sheet *s = &r->sheets[r->sheet_count++];
        memset(s, 0, sizeof *s);
        if ((rc = make_sheet(c, n, s)))
            return rc;
    }
    return 0;
}

/* ---------- the subject ---------- */

/* Loads the subject (subject.h) and sets the built-ins it gives. */
static int load_subject(rctx *c)
{
    int rc = c->t->scope == CR_SCOPE_ACCOUNT
                 ? cr_subject_load(c->req->db, c->req->subject_id, &c->subject, c->err)
                 : cr_subject_load_partner(c->req->db, c->req->subject_id, &c->subject, c->err);
    if (rc)
        return rc;
    const cr_subject *s = c->subject;
    const struct {
        const char *name, *value;
    } given[] = {
        {"account_id", s->account_id}, {"account_name", s->account_name},
        {"partner_id", s->partner_id}, {"partner_name", s->partner_name},
        {"program", s->program},       {"currency", s->currency},
        {"csm_name", s->csm_name},     {"csm_email", s->csm_email},
        {"delivered_by", s->delivered_by},
    };
    for (size_t i = 0; i < sizeof given / sizeof given[0] && !rc; i++)
        rc = set_builtin(c, given[i].name, given[i].value);
    if (rc || s->account_count == 0)
        return rc;
    if (!(c->accounts = calloc(s->account_count, sizeof *c->accounts)))
        return oom(c);
    c->account_count = s->account_count;
    for (size_t i = 0; i < s->account_count; i++)
        c->accounts[i] = (subject_account){.id = s->accounts[i].account_id,
                                           .name = s->accounts[i].account_name};
    return 0;
}

static int set_period_builtins(rctx *c)
{
    const cr_period *p = c->req->period;
    cr_period prev = cr_period_previous(p);
    char buf[11];
    int rc;
    if ((rc = set_builtin(c, "period", p->label)) || (rc = set_builtin(c, "prev_period", prev.label)))
        return rc;
    cr_date_format(p->start, buf);
    if ((rc = set_builtin(c, "period_start", buf)))
        return rc;
    cr_date_format(p->end, buf);
    if ((rc = set_builtin(c, "period_end", buf)) || (rc = set_builtin(c, "as_of", buf)))
        return rc;
    cr_date_format(prev.start, buf);
    if ((rc = set_builtin(c, "prev_period_start", buf)))
        return rc;
    cr_date_format(prev.end, buf);
    return set_builtin(c, "prev_period_end", buf);
}

static int compute_metrics(rctx *c)
{
    cr_metrics_options opt = {.daily_usage = false};
    for (int i = 0; i < 4; i++)
        opt.escalation_seconds[i] = (int64_t)llround(c->hours[i] * 3600);
    if (c->t->scope == CR_SCOPE_ACCOUNT)
        return cr_metrics_compute(c->req->db, c->req->subject_id, c->req->period, &opt, &c->doc,
                                  c->err);
    for (size_t i = 0; i < c->account_count; i++) {
        int rc = cr_metrics_compute(c->req->db, c->accounts[i].id, c->req->period, &opt,
                                    &c->accounts[i].doc, c->err);
        if (rc)
            return rc;
    }
    return 0;
}

static int fill_report(rctx *c)
{
    cr_report *r = c->r;
    const cr_template *t = c->t;
    const char *who = t->scope == CR_SCOPE_ACCOUNT ? builtin(c, "account_name")
                                                   : builtin(c, "partner_name");
    int rc;
    char *props[TPL_PROP_COUNT] = {0};
    for (int i = 0; i < TPL_PROP_COUNT; i++)
        if ((rc = expand(c, t->props[i], &props[i])))
            goto out;
    r->title = props[TPL_PROP_TITLE] ? props[TPL_PROP_TITLE] : strdup(t->name);
    if (props[TPL_PROP_SUBJECT])
        r->subject = props[TPL_PROP_SUBJECT];
    else if ((rc = expand(c, t->scope == CR_SCOPE_ACCOUNT ? "${account_name}" MIDDOT "${period}"
                                                          : "${partner_name}" MIDDOT "${period}",
                          &r->subject)))
        goto out;
    r->author = props[TPL_PROP_AUTHOR] ? props[TPL_PROP_AUTHOR]
                                       : dup_or_null(builtin(c, "csm_name") ? builtin(c, "csm_name")
                                                                            : builtin(c, "delivered_by"));
    r->company = props[TPL_PROP_COMPANY] ? props[TPL_PROP_COMPANY]
                                         : dup_or_null(builtin(c, "delivered_by"));
    r->keywords = props[TPL_PROP_KEYWORDS];
    memset(props, 0, sizeof props);
    r->delivered_by = dup_or_null(builtin(c, "delivered_by"));
    size_t n = strlen(who ? who : "") + strlen(c->req->period->label) + 8;
    if ((r->footer_left = malloc(n)))
        snprintf(r->footer_left, n, "%s" MIDDOT "%s", who ? who : "", c->req->period->label);
    if (!r->title || !r->footer_left)
        rc = oom(c);
    r->created = c->req->created;
    if (!rc)
        rc = add_pages(c, &t->deck);
    if (!rc)
        rc = add_sheets(c, &t->workbook);
out:
    for (int i = 0; i < TPL_PROP_COUNT; i++)
        free(props[i]);
    return rc;
}

int cr_template_resolve(const cr_template *t, const cr_render_request *req, cr_report **out,
                        cr_error *err)
{
    cr_error local;
    if (!err)
        err = &local;
    cr_error_clear(err);
    *out = NULL;
    rctx c = {.t = t, .req = req, .err = err};
    int rc;
    if (sqlite3_db_readonly(req->db, "main") != 1)
        return cr_error_set(err, EX_SOFTWARE, NULL, 0, 0,
                            "template datasets need a read-only connection");
    if ((rc = cr_sandbox_apply(req->db, err)))
        return rc;
    c.sets = calloc(t->dataset_count + 1, sizeof *c.sets);
    c.r = calloc(1, sizeof *c.r);
    if (!c.sets || !c.r) {
        rc = oom(&c);
        goto out;
    }
    /* Escalation thresholds: the metrics' defaults unless the template sets them. */
    for (int i = 0; i < 4; i++) {
        char name[9] = "p1_hours";
        name[1] = (char)('1' + i);
        const tpl_param *p = tpl_find_param(t, name);
        c.hours[i] = p ? strtod(p->def, NULL) : cr_metrics_default_escalation_seconds[i] / 3600.0;
    }
    if ((rc = load_subject(&c)) || (rc = set_period_builtins(&c)) ||
        (rc = set_builtin(&c, "report_name", t->name)))
        goto out;
    cr_locale loc = cr_numfmt_locale_from_tag(req->locale && *req->locale ? req->locale
                                                                          : c.subject->locale);
    if ((rc = set_builtin(&c, "locale", cr_numfmt_locale_tag(loc))))
        goto out;
    c.env = (tpl_env){.t = t, .locale = loc, .currency = c.subject->currency, .lookup = lookup,
                      .ctx = &c};
    if (!(c.r->locale = strdup(cr_numfmt_locale_tag(loc)))) {
        rc = oom(&c);
        goto out;
    }
    if ((rc = compute_metrics(&c)) || (rc = fill_report(&c)))
        goto out;
    *out = c.r;
    c.r = NULL;
out:
    cr_report_free(c.r);
    for (size_t i = 0; i < t->dataset_count && c.sets; i++)
        rowset_free(&c.sets[i]);
    free(c.sets);
    for (size_t i = 0; i < tpl_builtin_count; i++)
        free(c.builtin[i]);
    cr_json_free(c.doc);
    for (size_t i = 0; i < c.account_count; i++)
        cr_json_free(c.accounts[i].doc);
    free(c.accounts);
    cr_subject_free(c.subject);
    return rc;
}
