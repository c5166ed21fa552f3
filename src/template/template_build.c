/* template_build.c - building a resolved report (split off from
 * template_resolve.c): tables (ordinary and streamed), charts, the deck's
 * pages and blocks, the workbook's sheets, and the report's metadata. Reads
 * datasets and names through template_data.c; every text final, every number
 * with its format.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmreport/sandbox.h"
#include "resolve_context.h"

#define MIDDOT " \xc2\xb7 " /* " · " */

/* Rows read from a streamable dataset before its sheet streams the rest. */
#define STREAM_ROWS 50000
/* Rows between two releases of the connection's unused cache pages. */
#define STREAM_RELEASE_ROWS 16384

static char *dup_or_null(const char *s)
{
    return s && *s ? strdup(s) : NULL;
}

/* ---------- tables ---------- */

static cr_format default_format(const tpl_rowset *s, size_t col)
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

static void fill_currency(tpl_rctx *c, cr_format *f)
{
    if (f->kind == CR_FORMAT_MONEY && !f->currency[0])
        snprintf(f->currency, sizeof f->currency, "%s", c->subject->currency);
}

static int push_table(tpl_rctx *c, cr_table *tb)
{
    cr_table **n = realloc(c->r->tables, (c->r->table_count + 1) * sizeof *n);
    if (!n)
        return tpl_oom(c);
    c->r->tables = n;
    c->r->tables[c->r->table_count++] = tb;
    return 0;
}

static int push_chart(tpl_rctx *c, cr_chart *ch)
{
    cr_chart **n = realloc(c->r->charts, (c->r->chart_count + 1) * sizeof *n);
    if (!n)
        return tpl_oom(c);
    c->r->charts = n;
    c->r->charts[c->r->chart_count++] = ch;
    return 0;
}

/* ---------- streamed tables ---------- */

/* The row source of a streamed table: the rows read before the decision,
 * then the rest of the statement, mapped onto the table's columns. */
typedef struct streamer {
    sqlite3_stmt *st;          /* positioned on a row not handed out yet */
    tpl_rowset first;              /* the first STREAM_ROWS rows */
    cr_sandbox_budget budget;      /* the rows after them */
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
    tpl_data_rowset_free(&sm->first);
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
        int64_t t0 = tpl_data_now_ns();
        cr_sandbox_deadline_start(left_ms > 0 ? (long)left_ms : 1);
        int step = sqlite3_step(sm->st);
        cr_sandbox_deadline_end();
        sm->spent_ns += tpl_data_now_ns() - t0;
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
        if (cr_sandbox_count_row(sm->st, &sm->budget, false, sm->name, sm->path, sm->line, err)) {
            sm->done = true;
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

static int build_table(tpl_rctx *c, size_t index, const tpl_rowset *s, const tpl_node *owner,
                       const tpl_chart *chart, long **map_out, const cr_table **out);

/* The table of a sheet whose dataset may stream (tpl_dataset.stream): an
 * ordinary table when the dataset has at most STREAM_ROWS rows, else a
 * streamed one. */
static int make_sheet_table(tpl_rctx *c, size_t index, const tpl_node *owner, const cr_table **out)
{
    const tpl_dataset *ds = &c->t->datasets[index];
    tpl_rowset *s = &c->sets[index];
    streamer *sm = calloc(1, sizeof *sm);
    if (!sm)
        return tpl_oom(c);
    int rc = tpl_data_run_sql(c, ds, &sm->first, STREAM_ROWS, &sm->st, &sm->spent_ns);
    sm->budget.rows = (long long)sm->first.nrows;
    if (rc || !sm->st) {
        /* all of it read (or failed): the tpl_rowset of every other dataset */
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
        return tpl_oom(c);
    }
    *src = (cr_row_source){.next = streamer_next, .free = streamer_free, .ctx = sm};
    const cr_table *tb = NULL;
    rc = build_table(c, index, &sm->first, owner, NULL, &sm->map, &tb);
    if (!tb) {
        streamer_free(sm);
        free(src);
        return rc ? rc : tpl_oom(c);
    }
    ((cr_table *)tb)->source = src; /* the table (the report) owns it from here */
    sm->ncols = tb->column_count;
    *out = tb;
    return rc;
}

/* A table of dataset `index`: the <column> children of owner (all the
 * dataset's columns when it lists none), or for a chart (chart != NULL) all
 * columns with the chart's formats. Owned by the report. */
static int make_table(tpl_rctx *c, size_t index, const tpl_node *owner, const tpl_chart *chart,
                      const cr_table **out)
{
    const tpl_rowset *s;
    int rc = tpl_data_rows(c, index, &s);
    if (rc)
        return rc;
    return build_table(c, index, s, owner, chart, NULL, out);
}

/* The names a sheet's formulas refer to: its listed columns and its facts,
 * in order (borrowed from the template). */
static int sheet_names(tpl_rctx *c, const tpl_node *sheet, const char ***cols, size_t *nc,
                       const char ***facts, size_t *nf)
{
    *nc = *nf = 0;
    *cols = calloc(sheet->child_count + 1, sizeof **cols);
    *facts = calloc(sheet->child_count + 1, sizeof **facts);
    if (!*cols || !*facts) {
        free(*cols);
        free(*facts);
        return tpl_oom(c);
    }
    for (size_t i = 0; i < sheet->child_count; i++) {
        const tpl_node *k = &sheet->children[i];
        if (k->kind == TK_COLUMN)
            (*cols)[(*nc)++] = tpl_attr_get(k, "name");
        else if (k->kind == TK_FACT)
            (*facts)[(*nf)++] = tpl_attr_get(k, "name");
    }
    return 0;
}

/* The formula of node n (a column, fact or total) of sheet, parsed. */
static int sheet_formula(tpl_rctx *c, const tpl_node *sheet, const tpl_node *n, const char *text,
                         cr_formula **out)
{
    const char **cols, **facts;
    size_t nc, nf;
    int rc = sheet_names(c, sheet, &cols, &nc, &facts, &nf);
    if (rc)
        return rc;
    char what[128];
    snprintf(what, sizeof what, "%s '%.64s'",
             n->kind == TK_COLUMN ? "column" : n->kind == TK_FACT ? "fact" : "total of",
             tpl_attr_get(n, n->kind == TK_TOTAL ? "column" : "name"));
    rc = tpl_formula_parse(text, n->kind == TK_FACT ? NULL : cols, n->kind == TK_FACT ? 0 : nc,
                           facts, nf, c->t->path, n->line, what, out, c->err);
    free(cols);
    free(facts);
    return rc;
}

/* strings="PREFIX" on a column: each text value v shows the report's string
 * PREFIXv when the template has one (a category, a status in the report's
 * language), else v as it is. */
static int map_strings(tpl_rctx *c, const tpl_node *owner, cr_table *tb)
{
    /* A column repeats few values (categories, statuses): each distinct one
     * is expanded once per column (the expansion cannot change within this
     * loop: it reads nothing of the row). */
    enum { SEEN_MAX = 32 };
    struct {
        char *value, *text;
    } seen[SEEN_MAX];
    size_t nseen = 0;
    int rc = 0;
    size_t k = 0;
    for (size_t i = 0; owner && i < owner->child_count && !rc; i++) {
        const tpl_node *col = &owner->children[i];
        if (col->kind != TK_COLUMN)
            continue;
        size_t j = k++;
        const char *prefix = tpl_attr_get(col, "strings");
        if (!prefix || tpl_attr_get(col, "formula"))
            continue;
        for (size_t r = 0; r < tb->row_count; r++) {
            cr_cell *cell = &tb->cells[r * tb->column_count + j];
            if (cell->type != CR_CELL_TEXT || !cell->text)
                continue;
            size_t hit = 0;
            while (hit < nseen && strcmp(seen[hit].value, cell->text) != 0)
                hit++;
            char *text = NULL;
            if (hit < nseen) {
                if (!seen[hit].text)
                    continue; /* no such string: the value stays */
                if (!(text = strdup(seen[hit].text))) {
                    rc = tpl_oom(c);
                    goto out;
                }
                free(cell->text);
                cell->text = text;
                continue;
            }
            char key[160];
            int n = snprintf(key, sizeof key, "%s%s", prefix, cell->text);
            bool name = n > 0 && (size_t)n < sizeof key;
            for (const char *p = key; name && *p; p++)
                name = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                       (*p >= '0' && *p <= '9') || *p == '_';
            if (name && tpl_find_string(c->t, key)) {
                char ref[170];
                snprintf(ref, sizeof ref, "#{%s}", key);
                if ((rc = tpl_data_expand(c, ref, &text)))
                    goto out;
            }
            if (nseen < SEEN_MAX) {
                seen[nseen].value = strdup(cell->text);
                seen[nseen].text = text ? strdup(text) : NULL;
                if (!seen[nseen].value || (text && !seen[nseen].text)) {
                    free(seen[nseen].value);
                    free(seen[nseen].text);
                    free(text);
                    rc = tpl_oom(c);
                    goto out;
                }
                nseen++;
            }
            if (text) {
                free(cell->text);
                cell->text = text;
            }
        }
        for (size_t e = 0; e < nseen; e++) {
            free(seen[e].value);
            free(seen[e].text);
        }
        nseen = 0;
    }
out:
    for (size_t e = 0; e < nseen; e++) {
        free(seen[e].value);
        free(seen[e].text);
    }
    return rc;
}

/* make_table over the rows s. With map_out, the table is to be streamed: its
 * columns only, no cells, and the column map handed to the caller in
 * *map_out (freed by the caller). *out is set as soon as the table is in the
 * report, even when a later step fails. */
static int build_table(tpl_rctx *c, size_t index, const tpl_rowset *s, const tpl_node *owner,
                       const tpl_chart *chart, long **map_out, const cr_table **out)
{
    int rc = 0;
    size_t listed = 0;
    for (size_t i = 0; owner && i < owner->child_count; i++)
        listed += owner->children[i].kind == TK_COLUMN;
    cr_table *tb = calloc(1, sizeof *tb);
    if (!tb || push_table(c, tb)) {
        free(tb);
        return tpl_oom(c);
    }
    size_t ncols = listed ? listed : s->ncols;
    long *map = calloc(ncols + 1, sizeof *map);
    const char **labels = calloc(ncols + 1, sizeof *labels);
    if (!labels) {
        free(map);
        return tpl_oom(c);
    }
    tb->name = strdup(c->t->datasets[index].name);
    tb->columns = calloc(ncols + 1, sizeof *tb->columns);
    if (!map || !tb->name || !tb->columns) {
        free(map);
        return tpl_oom(c);
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
            const char *formula = tpl_attr_get(col, "formula");
            /* SQL columns were checked at load; a metrics key absent for this
             * subject (a null metric, an empty list) is an empty column. A
             * formula column holds the value it mirrors (value=, else its
             * name) as the formula's cached result. */
            const char *value = formula && tpl_attr_get(col, "value") ? tpl_attr_get(col, "value") : name;
            map[k] = tpl_data_find_col(s, value);
            spec->name = strdup(name);
            rc = tpl_data_expand(c, tpl_attr_get(col, "header") ? tpl_attr_get(col, "header") : name,
                        &spec->header);
            if (formula && !rc)
                rc = sheet_formula(c, owner, col, formula, &spec->formula);
            if (tpl_label_prefix(fmt))
                labels[k] = tpl_label_prefix(fmt);
            else if (fmt)
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
            if (chart && strcmp(s->cols[i], chart->category) == 0) {
                spec->format = chart->category_format;
                labels[k] = chart->category_label;
            }
            for (size_t j = 0; chart && j < chart->series_count; j++)
                if (strcmp(s->cols[i], chart->series[j].column) == 0) {
                    spec->format = chart->value_format;
                    /* the series' label heads its column: bullet legends read it */
                    if (chart->series[j].label && spec->header) {
                        free(spec->header);
                        rc = tpl_data_expand(c, chart->series[j].label, &spec->header);
                    }
                }
        }
        fill_currency(c, &spec->format);
        k++;
        if (rc || !spec->name || !spec->header) {
            free(map);
            free(labels);
            return rc ? rc : tpl_oom(c);
        }
    }
    if (map_out) {
        *map_out = map;
        free(labels);
        return 0;
    }
    tb->cells = calloc(ncols * s->nrows + 1, sizeof *tb->cells);
    if (!tb->cells) {
        free(map);
        free(labels);
        return tpl_oom(c);
    }
    tb->row_count = s->nrows;
    for (size_t r = 0; r < s->nrows; r++)
        for (size_t j = 0; j < ncols; j++) {
            if (map[j] < 0)
                continue; /* calloc: a null cell */
            const cr_cell *src = &s->cells[r * s->ncols + (size_t)map[j]];
            cr_cell *dst = &tb->cells[r * ncols + j];
            *dst = *src;
            /* label:PREFIX: the value in the report's words ("vidéo", "達成") */
            if (src->text && !(dst->text = labels[j] ? tpl_label_text(&c->env, labels[j], src->text)
                                                     : strdup(src->text))) {
                free(map);
                free(labels);
                return tpl_oom(c);
            }
        }
    free(map);
    free(labels);
    *out = tb;
    return map_strings(c, owner, tb);
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
static int make_chart(tpl_rctx *c, const tpl_chart *def, const cr_table *tb, const cr_chart **out)
{
    int rc;
    if (!tb && (rc = make_table(c, def->dataset, NULL, def, &tb)))
        return rc;
    cr_chart *ch = calloc(1, sizeof *ch);
    if (!ch || push_chart(c, ch)) {
        free(ch);
        return tpl_oom(c);
    }
    ch->id = strdup(def->id);
    ch->type = def->type;
    ch->table = tb;
    ch->value_format = def->value_format;
    fill_currency(c, &ch->value_format);
    ch->value_labels = def->value_labels;
    ch->histogram_bins = def->bins;
    if (!ch->id || (rc = tpl_data_expand(c, def->title, &ch->title)) ||
        (rc = tpl_data_expand(c, def->x_title, &ch->x_title)) || (rc = tpl_data_expand(c, def->y_title, &ch->y_title)))
        return ch->id ? rc : tpl_oom(c);
    const char *missing = NULL;
    long cat = table_col(tb, def->category);
    if (cat < 0)
        missing = def->category;
    ch->category_column = cat < 0 ? 0 : (size_t)cat;
    ch->series = calloc(def->series_count + 1, sizeof *ch->series);
    if (!ch->series)
        return tpl_oom(c);
    for (size_t i = 0; i < def->series_count; i++) {
        cr_series *s = &ch->series[i];
        long col = table_col(tb, def->series[i].column);
        if (col < 0)
            missing = def->series[i].column;
        s->column = col < 0 ? 0 : (size_t)col;
        s->color = def->series[i].color;
        ch->series_count++;
        if ((rc = tpl_data_expand(c, def->series[i].label ? def->series[i].label : def->series[i].column,
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
        if ((rc = tpl_data_number_or_name(c, def->threshold, &ch->has_threshold, &ch->threshold)) ||
            (rc = tpl_data_expand(c, def->threshold_label, &ch->threshold_label)))
            return rc;
    }
    if (mk >= 0) {
        ch->markers = calloc(tb->row_count + 1, sizeof *ch->markers);
        if (!ch->markers)
            return tpl_oom(c);
        for (size_t r = 0; r < tb->row_count; r++) {
            if (!cell_truthy(&tb->cells[r * tb->column_count + (size_t)mk]))
                continue;
            cr_marker *m = &ch->markers[ch->marker_count++];
            m->category = r;
            if ((rc = tpl_data_expand(c, def->marker_label, &m->label)))
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

static int push_line(tpl_rctx *c, cr_block *b, const char *text)
{
    char *line;
    int rc = tpl_data_expand(c, text, &line);
    if (rc)
        return rc;
    char **n = realloc(b->lines, (b->line_count + 1) * sizeof *n);
    if (!n) {
        free(line);
        return tpl_oom(c);
    }
    b->lines = n;
    b->lines[b->line_count++] = line;
    return 0;
}

static int eval_if(tpl_rctx *c, const tpl_node *n, bool *yes)
{
    return tpl_cond_eval(n->cond, &c->env, yes, c->err);
}

/* <item each="SET">: the item once per row of SET, row.COLUMN naming the
 * row's values. */
static int push_each(tpl_rctx *c, cr_block *b, const tpl_node *n)
{
    size_t index = 0;
    const tpl_rowset *s;
    tpl_find_dataset(c->t, tpl_attr_get(n, "each"), &index);
    int rc = tpl_data_rows(c, index, &s);
    const tpl_rowset *saved = c->row_set;
    size_t saved_index = c->row_index;
    for (size_t r = 0; !rc && r < s->nrows; r++) {
        c->row_set = s;
        c->row_index = r;
        rc = push_line(c, b, n->text);
    }
    c->row_set = saved;
    c->row_index = saved_index;
    return rc;
}

static int add_items(tpl_rctx *c, cr_block *b, const tpl_node *parent)
{
    for (size_t i = 0; i < parent->child_count; i++) {
        const tpl_node *n = &parent->children[i];
        int rc = 0;
        bool yes;
        if (n->kind == TK_ITEM && tpl_attr_get(n, "each"))
            rc = push_each(c, b, n);
        else if (n->kind == TK_ITEM)
            rc = push_line(c, b, n->text);
        else if (n->kind == TK_IF && !(rc = eval_if(c, n, &yes)) && yes)
            rc = add_items(c, b, n);
        if (rc)
            return rc;
    }
    return 0;
}

static cr_status kpi_status(tpl_rctx *c, const tpl_node *n, bool have, double v, int *rc)
{
    static const char *const attrs[4] = {"bad-above", "bad-below", "warn-above", "warn-below"};
    bool any = false;
    cr_status st = CR_STATUS_NONE;
    for (int i = 0; i < 4 && !*rc; i++) {
        bool h;
        double limit;
        if ((*rc = tpl_data_number_or_name(c, tpl_attr_get(n, attrs[i]), &h, &limit)) || !h)
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

/* Words of a change in percentage points, per locale. */
static const char *const points_word[CR_LOCALE_COUNT] = {
    [CR_LOCALE_EN] = " pp", [CR_LOCALE_FR] = "\xc2\xa0pt", [CR_LOCALE_NB] = "\xc2\xa0p.p.",
    [CR_LOCALE_JA] = "pt", /* ポイント is too long for a tile */
};

/* compare="NAME" on a tile: the change from NAME's value (the previous
 * period's, prev.PATH) to the tile's, as a signed number in the tile's format
 * (a percentage as points), followed by the tile's delta text; better="up"
 * (default) or "down" says which direction is good news, "none" neither.
 * Without a value to compare, the delta-none text (when given) replaces it. */
static int kpi_compare(tpl_rctx *c, const tpl_node *n, cr_block *b, bool have, double v,
                       const cr_format *f)
{
    bool had;
    double before;
    int rc = tpl_data_number_or_name(c, tpl_attr_get(n, "compare"), &had, &before);
    if (rc)
        return rc;
    if (!have || !had) {
        char *none = NULL;
        if ((rc = tpl_data_expand(c, tpl_attr_get(n, "delta-none"), &none)))
            return rc;
        if (none) {
            free(b->kpi_delta);
            b->kpi_delta = none;
        }
        return 0;
    }
    double d = v - before;
    cr_format df = *f;
    char num[96], text[512];
    tpl_value dv = {.type = TV_NUMBER, .number = fabs(d)};
    if (f->kind == CR_FORMAT_PERCENT) {
        /* a change of a rate reads in points: 53.8 % -> 56.0 % is +2.2 pp */
        dv.number = fabs(d) * 100;
        df.kind = CR_FORMAT_DECIMAL;
        df.decimals = f->decimals < 0 ? 1 : f->decimals;
    }
    /* rounding decides "unchanged": a change that shows as 0 is none */
    char *shown = tpl_format_value(&c->env, &dv, &df);
    if (!shown)
        return tpl_oom(c);
    bool zero = strcspn(shown, "123456789") == strlen(shown); /* no digit but 0 */
    snprintf(num, sizeof num, "%s%s%s", zero ? "\xc2\xb1" : d > 0 ? "+" : "\xe2\x88\x92", shown,
             f->kind == CR_FORMAT_PERCENT ? points_word[c->env.locale] : "");
    free(shown);
    snprintf(text, sizeof text, "%s%s%s", num, b->kpi_delta && *b->kpi_delta ? " " : "",
             b->kpi_delta ? b->kpi_delta : "");
    free(b->kpi_delta);
    if (!(b->kpi_delta = strdup(text)))
        return tpl_oom(c);
    b->kpi_has_trend = true;
    b->kpi_trend = zero ? 0 : d > 0 ? 1 : -1;
    const char *better = tpl_attr_get(n, "better");
    int good = !better || strcmp(better, "up") == 0 ? 1 : strcmp(better, "down") == 0 ? -1 : 0;
    b->kpi_delta_status = zero || good == 0 ? CR_STATUS_NONE
                          : b->kpi_trend == good ? CR_STATUS_GOOD
                                                 : CR_STATUS_BAD;
    return 0;
}

static int add_blocks(tpl_rctx *c, const tpl_node *parent, block_list *out);

static int make_block(tpl_rctx *c, const tpl_node *n, block_list *out)
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
        return tpl_oom(c);
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
        } else if ((rc = tpl_data_lookup(c, value, &v, c->err))) {
            return rc;
        }
        cr_format f;
        tpl_parse_format(fmt ? fmt : "integer", &f);
        fill_currency(c, &f);
        if (!(b->kpi_value = tpl_format_value(&c->env, &v, &f)))
            return tpl_oom(c);
        double num;
        bool have = tpl_value_number(&v, &num);
        b->kpi_status = kpi_status(c, n, have, num, &rc);
        if (rc || (rc = tpl_data_expand(c, tpl_attr_get(n, "label"), &b->kpi_label)) ||
            (rc = tpl_data_expand(c, tpl_attr_get(n, "delta"), &b->kpi_delta)) ||
            (rc = tpl_data_expand(c, tpl_attr_get(n, "note"), &b->kpi_note)))
            return rc;
        if (tpl_attr_get(n, "compare"))
            return kpi_compare(c, n, b, have, num, &f);
        return 0;
    }
    case TK_CHART:
        b->type = CR_BLOCK_CHART;
        if ((rc = tpl_data_expand(c, tpl_attr_get(n, "empty"), &b->empty_text)))
            return rc;
        return make_chart(c, tpl_find_chart(c->t, tpl_attr_get(n, "ref")), NULL, &b->chart);
    case TK_TABLE: {
        b->type = CR_BLOCK_TABLE;
        const char *max = tpl_attr_get(n, "max-rows");
        size_t index = 0;
        tpl_find_dataset(c->t, tpl_attr_get(n, "dataset"), &index);
        b->table_max_rows = max ? strtoul(max, NULL, 10) : 0;
        if ((rc = tpl_data_expand(c, tpl_attr_get(n, "empty"), &b->empty_text)))
            return rc;
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

static int add_blocks(tpl_rctx *c, const tpl_node *parent, block_list *out)
{
    for (size_t i = 0; i < parent->child_count; i++) {
        int rc = make_block(c, &parent->children[i], out);
        if (rc)
            return rc;
    }
    return 0;
}

static int add_pages(tpl_rctx *c, const tpl_node *parent)
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
            return tpl_oom(c);
        r->pages = np;
        cr_page *p = &r->pages[r->page_count++];
        memset(p, 0, sizeof *p);
        const char *cover = tpl_attr_get(n, "cover");
        p->cover = cover && (strcmp(cover, "true") == 0 || strcmp(cover, "1") == 0);
        if ((rc = tpl_data_expand(c, tpl_attr_get(n, "title"), &p->title)) ||
            (rc = tpl_data_expand(c, tpl_attr_get(n, "subtitle"), &p->subtitle)) ||
            (rc = tpl_data_expand(c, tpl_attr_get(n, "bookmark"), &p->bookmark)))
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

/* The value of a number written in the template or a name, as a cell: a
 * bool is 1 or 0 (what a formula's comparison gives in a number cell). */
static int value_cell(tpl_rctx *c, const char *value, cr_cell *out)
{
    *out = (cr_cell){.type = CR_CELL_NULL};
    if (!value)
        return 0;
    char *end;
    double d = strtod(value, &end);
    tpl_value v = {.type = TV_NUMBER, .number = d};
    int rc;
    if (!(*value && *end == '\0') && (rc = tpl_data_lookup(c, value, &v, c->err)))
        return rc;
    if (v.type == TV_BOOL) {
        out->type = CR_CELL_NUMBER;
        out->number = v.boolean ? 1 : 0;
    } else if (tpl_value_number(&v, &d)) {
        out->type = CR_CELL_NUMBER;
        out->number = d;
    } else if (v.type == TV_TEXT && v.text) {
        out->type = CR_CELL_TEXT;
        if (!(out->text = strdup(v.text)))
            return tpl_oom(c);
    }
    return 0;
}

/* The sheet's facts and totals row (the children <fact> and <total>). */
static int make_facts_totals(tpl_rctx *c, const tpl_node *n, cr_sheet *s)
{
    s->facts = calloc(n->child_count + 1, sizeof *s->facts);
    s->totals = calloc(n->child_count + 1, sizeof *s->totals);
    if (!s->facts || !s->totals)
        return tpl_oom(c);
    int rc = 0;
    for (size_t i = 0; i < n->child_count && !rc; i++) {
        const tpl_node *k = &n->children[i];
        const char *formula = tpl_attr_get(k, "formula");
        if (k->kind == TK_FACT) {
            cr_fact *f = &s->facts[s->fact_count++];
            const char *fmt = tpl_attr_get(k, "format");
            f->format = (cr_format){.kind = CR_FORMAT_TEXT, .decimals = -1};
            if (fmt)
                tpl_parse_format(fmt, &f->format);
            fill_currency(c, &f->format);
            if ((rc = tpl_data_expand(c, tpl_attr_get(k, "label") ? tpl_attr_get(k, "label")
                                                                  : tpl_attr_get(k, "name"),
                                      &f->label)) ||
                (rc = value_cell(c, tpl_attr_get(k, "value"), &f->value)))
                break;
            if (formula)
                rc = sheet_formula(c, n, k, formula, &f->formula);
        } else if (k->kind == TK_TOTAL) {
            long col = table_col(s->table, tpl_attr_get(k, "column"));
            if (col < 0)
                continue;
            cr_total *t = &s->totals[s->total_count++];
            t->column = (size_t)col;
            /* without value=, the writer caches the sum of the column's cells */
            if ((rc = value_cell(c, tpl_attr_get(k, "value"), &t->value)))
                break;
            if (formula)
                rc = sheet_formula(c, n, k, formula, &t->formula);
        }
    }
    return rc;
}

static int make_sheet(tpl_rctx *c, const tpl_node *n, cr_sheet *s)
{
    int rc;
    size_t index = 0;
    tpl_find_dataset(c->t, tpl_attr_get(n, "dataset"), &index);
    const char *freeze = tpl_attr_get(n, "freeze-header"), *filter = tpl_attr_get(n, "autofilter");
    s->freeze_header = !freeze || strcmp(freeze, "true") == 0 || strcmp(freeze, "1") == 0;
    s->autofilter = filter && (strcmp(filter, "true") == 0 || strcmp(filter, "1") == 0);
    bool stream = c->t->datasets[index].stream && !c->sets[index].done;
    if ((rc = tpl_data_expand(c, tpl_attr_get(n, "name"), &s->name)) ||
        (rc = tpl_data_expand(c, tpl_attr_get(n, "title"), &s->title)) ||
        (rc = tpl_data_expand(c, tpl_attr_get(n, "note"), &s->note)) ||
        (rc = tpl_data_expand(c, tpl_attr_get(n, "totals-label"), &s->totals_label)) ||
        (rc = stream ? make_sheet_table(c, index, n, &s->table)
                     : make_table(c, index, n, NULL, &s->table)))
        return rc;
    if ((rc = make_facts_totals(c, n, s)))
        return rc;
    s->conditionals = calloc(n->child_count + 1, sizeof *s->conditionals);
    s->charts = calloc(n->child_count + 1, sizeof *s->charts);
    if (!s->conditionals || !s->charts)
        return tpl_oom(c);
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
            if ((rc = tpl_data_number_or_name(c, tpl_attr_get(k, "value"), &have, &v)))
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
                return tpl_oom(c);
            if ((rc = make_chart(c, tpl_find_chart(c->t, tpl_attr_get(k, "ref")), s->table,
                                 &sc->chart)))
                return rc;
        }
    }
    return 0;
}

static int add_sheets(tpl_rctx *c, const tpl_node *parent)
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
            return tpl_oom(c);
        r->sheets = ns;
        cr_sheet *s = &r->sheets[r->sheet_count++];
        memset(s, 0, sizeof *s);
        if ((rc = make_sheet(c, n, s)))
            return rc;
    }
    return 0;
}

int tpl_build_report(tpl_rctx *c)
{
    cr_report *r = c->r;
    const cr_template *t = c->t;
    const char *who = t->scope == CR_SCOPE_ACCOUNT ? tpl_data_builtin(c, "account_name")
                                                   : tpl_data_builtin(c, "partner_name");
    int rc;
    char *props[TPL_PROP_COUNT] = {0};
    for (int i = 0; i < TPL_PROP_COUNT; i++)
        if ((rc = tpl_data_expand(c, t->props[i], &props[i])))
            goto out;
    r->title = props[TPL_PROP_TITLE] ? props[TPL_PROP_TITLE] : strdup(t->name);
    if (props[TPL_PROP_SUBJECT])
        r->subject = props[TPL_PROP_SUBJECT];
    else if ((rc = tpl_data_expand(c, t->scope == CR_SCOPE_ACCOUNT ? "${account_name}" MIDDOT "${period}"
                                                          : "${partner_name}" MIDDOT "${period}",
                          &r->subject)))
        goto out;
    r->author = props[TPL_PROP_AUTHOR] ? props[TPL_PROP_AUTHOR]
                                       : dup_or_null(tpl_data_builtin(c, "csm_name") ? tpl_data_builtin(c, "csm_name")
                                                                            : tpl_data_builtin(c, "delivered_by"));
    r->company = props[TPL_PROP_COMPANY] ? props[TPL_PROP_COMPANY]
                                         : dup_or_null(tpl_data_builtin(c, "delivered_by"));
    r->keywords = props[TPL_PROP_KEYWORDS];
    memset(props, 0, sizeof props);
    r->delivered_by = dup_or_null(tpl_data_builtin(c, "delivered_by"));
    /* the period in the report's words: "T3 2026", not "2026-Q3" */
    char period[128];
    if (cr_numfmt_period(c->env.locale, c->req->period->label, period, sizeof period) < 0)
        snprintf(period, sizeof period, "%s", c->req->period->label);
    size_t n = strlen(who ? who : "") + strlen(period) + 8;
    if ((r->footer_left = malloc(n)))
        snprintf(r->footer_left, n, "%s" MIDDOT "%s", who ? who : "", period);
    if (!r->title || !r->footer_left)
        rc = tpl_oom(c);
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
