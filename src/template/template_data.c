/* template_data.c - the data layer of resolving a template (split off from
 * template_resolve.c): dataset rows (SQL through the sandbox, or rows of the
 * metrics documents) run at most once per subject, and the value of a name
 * (parameter, built-in, data.SET..., metric path).
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csmreport/db.h"
#include "csmreport/metrics.h"
#include "csmreport/sandbox.h"
#include "resolve_context.h"

const char *tpl_data_param(const tpl_rctx *c, const char *name)
{
    const cr_render_request *req = c->req;
    for (size_t i = req->setting_count; i-- > 0;)
        if (strcmp(req->settings[i].name, name) == 0)
            return req->settings[i].value;
    const tpl_param *p = tpl_find_param(c->t, name);
    return p ? p->def : NULL;
}

const char *tpl_data_builtin(const tpl_rctx *c, const char *name)
{
    int i = tpl_builtin_index(name);
    return i >= 0 ? c->builtin[i] : NULL;
}

/* ---------- rowsets ---------- */

void tpl_data_rowset_free(tpl_rowset *s)
{
    for (size_t i = 0; i < s->ncols; i++)
        free(s->cols[i]);
    free(s->cols);
    for (size_t i = 0; i < s->ncols * s->nrows; i++)
        free(s->cells[i].text);
    free(s->cells);
    memset(s, 0, sizeof *s);
}

long tpl_data_find_col(const tpl_rowset *s, const char *name)
{
    for (size_t i = 0; i < s->ncols; i++)
        if (strcmp(s->cols[i], name) == 0)
            return (long)i;
    return -1;
}

static bool add_col(tpl_rowset *s, const char *name)
{
    if (tpl_data_find_col(s, name) >= 0)
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
static cr_cell *add_row(tpl_rowset *s)
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
static bool json_rows(tpl_rowset *s, const cr_json *node, const char *key, int pass,
                      const tpl_subject_account *acc)
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
            if ((objmap || nummap) && !set_text(&row[tpl_data_find_col(s, key)], cr_json_key_at(node, i)))
                return false;
        }
        if (nummap) {
            if (pass == 1 && !json_cell(&row[tpl_data_find_col(s, "value")], item))
                return false;
            continue;
        }
        if (cr_json_type_of(item) != CR_JSON_OBJECT) {
            if (pass == 0 && !add_col(s, "value"))
                return false;
            if (pass == 1 && !json_cell(&row[tpl_data_find_col(s, "value")], item))
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
            if (pass == 1 && !json_cell(&row[tpl_data_find_col(s, name)], v))
                return false;
        }
    }
    return true;
}

static int run_metrics_rows(tpl_rctx *c, const tpl_dataset *ds, tpl_rowset *s);

static bool same_cell(const cr_cell *a, const cr_cell *b)
{
    if (a->type != b->type)
        return false;
    if (a->type == CR_CELL_NUMBER)
        return a->number == b->number;
    return a->type == CR_CELL_TEXT && strcmp(a->text, b->text) == 0;
}

/* join="SET" on="COLUMN": s gets SET's columns it lacks, filled from SET's
 * first row with the same COLUMN value (null cells when none). */
static int join_rows(tpl_rctx *c, const tpl_dataset *ds, tpl_rowset *s)
{
    size_t index;
    const tpl_rowset *o;
    if (!tpl_find_dataset(c->t, ds->join, &index))
        return 0;
    int rc = tpl_data_rows(c, index, &o);
    if (rc)
        return rc;
    long key = tpl_data_find_col(s, ds->join_on), okey = tpl_data_find_col(o, ds->join_on);
    if (okey < 0)
        return 0;
    size_t old = s->ncols;
    long *from = calloc(o->ncols + 1, sizeof *from);
    if (!from)
        return tpl_oom(c);
    for (size_t j = 0; j < o->ncols; j++) {
        from[j] = tpl_data_find_col(s, o->cols[j]) >= 0 ? -1 : (long)s->ncols;
        if (from[j] >= 0 && !add_col(s, o->cols[j])) {
            free(from);
            return tpl_oom(c);
        }
    }
    cr_cell *cells = calloc(s->nrows * s->ncols + 1, sizeof *cells);
    if (!cells) {
        free(from);
        return tpl_oom(c);
    }
    for (size_t r = 0; r < s->nrows; r++) {
        memcpy(&cells[r * s->ncols], &s->cells[r * old], old * sizeof *cells);
        const cr_cell *k = key >= 0 ? &s->cells[r * old + (size_t)key] : NULL;
        for (size_t q = 0; k && q < o->nrows; q++) {
            if (!same_cell(k, &o->cells[q * o->ncols + (size_t)okey]))
                continue;
            for (size_t j = 0; j < o->ncols; j++) {
                if (from[j] < 0)
                    continue;
                const cr_cell *src = &o->cells[q * o->ncols + j];
                cr_cell *dst = &cells[r * s->ncols + (size_t)from[j]];
                *dst = *src;
                if (src->text && !(dst->text = strdup(src->text)))
                    rc = tpl_oom(c);
            }
            break;
        }
    }
    free(from);
    free(s->cells);
    s->cells = cells;
    s->cap = s->nrows;
    return rc;
}

static int run_metrics_dataset(tpl_rctx *c, const tpl_dataset *ds, tpl_rowset *s)
{
    int rc = run_metrics_rows(c, ds, s);
    return rc || !ds->join ? rc : join_rows(c, ds, s);
}

static int run_metrics_rows(tpl_rctx *c, const tpl_dataset *ds, tpl_rowset *s)
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
                return tpl_oom(c);
        }
    return 0;
}

/* Binds the statement's named parameters. Texts are copied (TRANSIENT): a
 * streamed dataset's statement outlives this resolve's built-ins. */
static int bind_params(tpl_rctx *c, sqlite3_stmt *st)
{
    for (int i = 1; i <= sqlite3_bind_parameter_count(st); i++) {
        const char *pn = sqlite3_bind_parameter_name(st, i) + 1;
        const tpl_param *p = tpl_find_param(c->t, pn);
        int b = tpl_builtin_index(pn), h = tpl_param_escalation(pn);
        const char *v = p ? tpl_data_param(c, p->name) : NULL;
        int rc;
        if (h >= 0)
            rc = sqlite3_bind_double(st, i, c->hours[h]);
        else if (b >= 0)
            rc = c->builtin[b] ? sqlite3_bind_text(st, i, c->builtin[b], -1, SQLITE_TRANSIENT)
                               : sqlite3_bind_null(st, i);
        else if (p->type == TP_INTEGER)
            rc = sqlite3_bind_int64(st, i, strtoll(v, NULL, 10));
        else if (p->type == TP_NUMBER)
            rc = sqlite3_bind_double(st, i, strtod(v, NULL));
        else if (p->type == TP_BOOL)
            rc = sqlite3_bind_int(st, i, strcmp(v, "true") == 0);
        else
            rc = sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
        if (rc != SQLITE_OK)
            return cr_db_fail(sqlite3_db_handle(st), rc, "cannot bind a dataset parameter", c->err);
    }
    return 0;
}

int64_t tpl_data_now_ns(void)
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

int tpl_data_run_sql(tpl_rctx *c, const tpl_dataset *ds, tpl_rowset *s, size_t limit,
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
        rc = tpl_oom(c);
        goto out;
    }
    for (size_t i = 0; i < s->ncols; i++)
        if (!(s->cols[i] = strdup(sqlite3_column_name(st, (int)i)))) {
            rc = tpl_oom(c);
            goto out;
        }
    int64_t t0 = tpl_data_now_ns();
    cr_sandbox_deadline_start(0);
    int step;
    cr_sandbox_budget budget = {0};
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (limit && s->nrows == limit && rest)
            break; /* more to come: the caller streams the rest */
        if ((rc = cr_sandbox_count_row(st, &budget, true, ds->name, c->t->path, ds->line, c->err)))
            break;
        cr_cell *row = add_row(s);
        if (!row || !read_row(st, row, s->ncols)) {
            rc = tpl_oom(c);
            break;
        }
    }
    cr_sandbox_deadline_end();
    if (spent_ns)
        *spent_ns = tpl_data_now_ns() - t0;
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

static int run_sql_dataset(tpl_rctx *c, const tpl_dataset *ds, tpl_rowset *s)
{
    return tpl_data_run_sql(c, ds, s, 0, NULL, NULL);
}

/* ---------- where, order-by, limit ---------- */

static const tpl_rowset *sort_set;
static long sort_col;
static bool sort_desc;

/* Numbers before texts, nulls last whatever the direction; ties keep the
 * order read (the index breaks them). */
static int row_cmp(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    const cr_cell *x = &sort_set->cells[i * sort_set->ncols + (size_t)sort_col];
    const cr_cell *y = &sort_set->cells[j * sort_set->ncols + (size_t)sort_col];
    int k = 0;
    if (x->type == CR_CELL_NULL || y->type == CR_CELL_NULL)
        k = (x->type == CR_CELL_NULL) - (y->type == CR_CELL_NULL);
    else {
        if (x->type != y->type)
            k = x->type == CR_CELL_NUMBER ? -1 : 1;
        else if (x->type == CR_CELL_NUMBER)
            k = x->number < y->number ? -1 : x->number > y->number;
        else
            k = strcmp(x->text, y->text);
        if (sort_desc)
            k = -k;
    }
    return k ? k : (i < j ? -1 : 1);
}

/* Keeps the rows of s that pass ds->where, in ds->order_by order, at most
 * ds->limit of them. qsort's comparison takes no context and reads the file
 * statics above, so rendering threads take turns (a mutex). */
static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

static int shape_rows(tpl_rctx *c, const tpl_dataset *ds, tpl_rowset *s)
{
    if (!ds->where && !ds->order_by && !ds->limit)
        return 0;
    size_t *keep = calloc(s->nrows + 1, sizeof *keep), n = 0;
    if (!keep)
        return tpl_oom(c);
    const tpl_rowset *saved = c->row_set;
    size_t saved_index = c->row_index;
    int rc = 0;
    for (size_t r = 0; r < s->nrows && !rc; r++) {
        bool yes = true;
        if (ds->where) {
            c->row_set = s;
            c->row_index = r;
            rc = tpl_cond_eval(ds->where, &c->env, &yes, c->err);
        }
        if (yes)
            keep[n++] = r;
    }
    c->row_set = saved;
    c->row_index = saved_index;
    long col = ds->order_by ? tpl_data_find_col(s, ds->order_by) : -1;
    if (!rc && col >= 0 && n > 1) {
        pthread_mutex_lock(&sort_lock);
        sort_set = s;
        sort_col = col;
        sort_desc = ds->order_desc;
        qsort(keep, n, sizeof *keep, row_cmp);
        pthread_mutex_unlock(&sort_lock);
    }
    if (!rc && ds->limit && n > ds->limit)
        n = ds->limit;
    cr_cell *cells = rc ? NULL : calloc(n * s->ncols + 1, sizeof *cells);
    if (!rc && !cells)
        rc = tpl_oom(c);
    if (!rc) {
        bool *used = calloc(s->nrows + 1, sizeof *used);
        if (!used) {
            free(cells);
            free(keep);
            return tpl_oom(c);
        }
        for (size_t k = 0; k < n; k++) {
            memcpy(&cells[k * s->ncols], &s->cells[keep[k] * s->ncols], s->ncols * sizeof *cells);
            used[keep[k]] = true;
        }
        for (size_t r = 0; r < s->nrows; r++)
            for (size_t j = 0; !used[r] && j < s->ncols; j++)
                free(s->cells[r * s->ncols + j].text);
        free(used);
        free(s->cells);
        s->cells = cells;
        s->nrows = s->cap = n;
    }
    free(keep);
    return rc;
}

int tpl_data_rows(tpl_rctx *c, size_t index, const tpl_rowset **out)
{
    tpl_rowset *s = &c->sets[index];
    if (!s->done) {
        const tpl_dataset *ds = &c->t->datasets[index];
        int rc = ds->sql ? run_sql_dataset(c, ds, s) : run_metrics_dataset(c, ds, s);
        if (!rc)
            rc = shape_rows(c, ds, s);
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

static int data_lookup(tpl_rctx *c, const char *name, tpl_value *out)
{
    const char *set = name + 5, *dot = strchr(set, '.');
    if (!dot)
        return 0;
    char setname[128];
    snprintf(setname, sizeof setname, "%.*s", (int)(dot - set), set);
    size_t index;
    if (!tpl_find_dataset(c->t, setname, &index))
        return 0;
    const tpl_rowset *s;
    int rc = tpl_data_rows(c, index, &s);
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
    long k = tpl_data_find_col(s, col);
    if (k >= 0 && row < s->nrows)
        cell_value(&s->cells[row * s->ncols + (size_t)k], out);
    return 0;
}

/* The previous period's metrics, computed on the first prev.* name: the
 * same cr_metrics_compute over cr_period_previous, so a change on a page is
 * the difference of two documents csmreport metrics prints. Only the sections
 * the template's prev.* names read (cr_template.prev_sections, found at
 * load); a name of another section, which the load missed, gets the whole
 * document computed again. */
static int prev_doc(tpl_rctx *c, const char *path)
{
    unsigned need = cr_metrics_path_section(path);
    if (c->t->scope != CR_SCOPE_ACCOUNT ||
        (c->prev_done && (need & c->prev_sections) == need))
        return 0;
    unsigned sections = c->prev_done ? CR_METRICS_ALL : c->t->prev_sections | need;
    if (!sections)
        sections = CR_METRICS_ALL; /* 0 computes every section */
    if (sections & CR_METRICS_RMA)
        sections |= CR_METRICS_TRUEUP;
    c->prev_done = true;
    c->prev_sections = sections;
    /* a value read from the partial document may still be in use: it lives
     * as long as the context (this happens at most once) */
    c->prev_partial = c->prev_doc;
    c->prev_doc = NULL;
    /* No device list: prev.* names are never under "devices" (placeholder.c). */
    cr_metrics_options opt = {.daily_usage = false, .sections = c->prev_sections};
    for (int i = 0; i < 4; i++)
        opt.escalation_seconds[i] = (int64_t)llround(c->hours[i] * 3600);
    cr_period prev = cr_period_previous(c->req->period);
    return cr_metrics_compute(c->req->db, c->req->subject_id, &prev, &opt, &c->prev_doc, c->err);
}

int tpl_data_lookup(void *ctx, const char *name, tpl_value *out, cr_error *err)
{
    tpl_rctx *c = ctx;
    out->type = TV_NULL;
    const tpl_param *p = tpl_find_param(c->t, name);
    int b = tpl_builtin_index(name), h = tpl_param_escalation(name);
    if (h >= 0) {
        out->type = TV_NUMBER;
        out->number = c->hours[h];
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
        const char *v = tpl_data_param(c, p->name);
        switch (p->type) {
        case TP_INTEGER:
        case TP_NUMBER:
            out->type = TV_NUMBER;
            out->number = strtod(v, NULL);
            break;
        case TP_BOOL:
            out->type = TV_BOOL;
            out->boolean = strcmp(v, "true") == 0;
            break;
        default:
            out->type = TV_TEXT;
            out->text = v;
            break;
        }
        return 0;
    }
    if (strncmp(name, "data.", 5) == 0)
        return data_lookup(c, name, out);
    if (strncmp(name, "row.", 4) == 0) {
        long k = c->row_set ? tpl_data_find_col(c->row_set, name + 4) : -1;
        if (k >= 0 && c->row_index < c->row_set->nrows)
            cell_value(&c->row_set->cells[c->row_index * c->row_set->ncols + (size_t)k], out);
        return 0;
    }
    if (strncmp(name, "prev.", 5) == 0) {
        int rc = prev_doc(c, name + 5);
        if (rc)
            return rc;
        const cr_json *v = c->prev_doc ? cr_json_path(c->prev_doc, name + 5) : NULL;
        if (v)
            json_value(v, out);
        return 0;
    }
    if (c->doc) {
        const cr_json *v = cr_json_path(c->doc, name);
        if (v)
            json_value(v, out);
    }
    return 0;
}

/* A number written in the template, or the value of the name there. */
int tpl_data_number_or_name(tpl_rctx *c, const char *s, bool *have, double *out)
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
    int rc = tpl_data_lookup(c, s, &v, c->err);
    if (!rc)
        *have = tpl_value_number(&v, out);
    return rc;
}

int tpl_data_expand(tpl_rctx *c, const char *text, char **out)
{
    if (!text) {
        *out = NULL;
        return 0;
    }
    return tpl_expand(&c->env, text, out, c->err);
}
