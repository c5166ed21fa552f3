/* template.c - loading a report template (SPEC section 6) into the immutable
 * model of template_internal.h.
 *
 * The file is read by cr_xml_load (size cap, no DOCTYPE, entities or XInclude)
 * and validated against the embedded report.xsd; then everything the schema
 * cannot say is checked here, with the template line: parameter defaults of
 * their type, placeholder names and formats, string keys, <if> tests, and
 * each SQL dataset compiled in the sandbox against an empty copy of the store's
 * schema (one read-only SELECT, known tables and columns, known :parameters),
 * which also gives its column names for checking charts, tables and sheets.
 * Resolving is in template_resolve.c (with template_build.c, template_data.c).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "csmreport/datetime.h"
#include "csmreport/db.h"
#include "csmreport/metrics.h"
#include "csmreport/sandbox.h"
#include "csmreport/xmlsafe.h"
#include "template_internal.h"

typedef struct loader {
    cr_template *t;
    cr_error *err;
    sqlite3 *schema_db;        /* empty store, for compiling dataset SQL */
} loader;

static long line_of(xmlNodePtr n)
{
    long l = xmlGetLineNo(n);
    return l > 0 ? l : 0;
}

static bool is_el(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static int oom(loader *ld, long line)
{
    return cr_error_set(ld->err, CR_EX_NOMEM, ld->t->path, line, 0, "out of memory");
}

/* Text content with runs of white space collapsed to one space, trimmed. */
static char *collapsed_text(xmlNodePtr n)
{
    xmlChar *raw = xmlNodeGetContent(n);
    if (!raw)
        return strdup("");
    char *out = malloc(strlen((const char *)raw) + 1);
    if (out) {
        size_t k = 0;
        bool space = false;
        for (const unsigned char *p = raw; *p; p++) {
            if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
                space = k > 0;
                continue;
            }
            if (space)
                out[k++] = ' ';
            space = false;
            out[k++] = (char)*p;
        }
        out[k] = '\0';
    }
    xmlFree(raw);
    return out;
}

const char *tpl_attr_get(const tpl_node *n, const char *name)
{
    for (size_t i = 0; i < n->attr_count; i++)
        if (strcmp(n->attrs[i].name, name) == 0)
            return n->attrs[i].value;
    return NULL;
}

const tpl_param *tpl_find_param(const cr_template *t, const char *name)
{
    for (size_t i = 0; i < t->param_count; i++)
        if (strcmp(t->params[i].name, name) == 0)
            return &t->params[i];
    return NULL;
}

const tpl_string *tpl_find_string(const cr_template *t, const char *key)
{
    /* the first of equal keys, as a scan in file order would find */
    size_t lo = 0, hi = t->string_order ? t->string_count : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(t->string_order[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (t->string_order && lo < t->string_count && strcmp(t->string_order[lo].key, key) == 0)
        return &t->strings[t->string_order[lo].index];
    return NULL;
}

const tpl_dataset *tpl_find_dataset(const cr_template *t, const char *name, size_t *index)
{
    for (size_t i = 0; i < t->dataset_count; i++)
        if (strcmp(t->datasets[i].name, name) == 0) {
            if (index)
                *index = i;
            return &t->datasets[i];
        }
    return NULL;
}

const tpl_chart *tpl_find_chart(const cr_template *t, const char *id)
{
    for (size_t i = 0; i < t->chart_count; i++)
        if (strcmp(t->charts[i].id, id) == 0)
            return &t->charts[i];
    return NULL;
}

static size_t count_elements(xmlNodePtr first, const char *name)
{
    size_t n = 0;
    for (xmlNodePtr c = first; c; c = c->next)
        if (is_el(c, name))
            n++;
    return n;
}

/* ---------- parameters, properties, strings ---------- */

int tpl_param_escalation(const char *name)
{
    static const char *const names[4] = {"p1_hours", "p2_hours", "p3_hours", "p4_hours"};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

/* The one check of a parameter's value, for a default written in the
 * template and for a setting given at render time alike: NULL when v is a
 * value of type, else what it should have been ("a number"). An escalation
 * threshold (hours) must be more than zero: at 0 every ticket would breach. */
static const char *param_value_want(tpl_param_type type, bool hours, const char *v)
{
    char *end = NULL;
    switch (type) {
    case TP_INTEGER:
        if (hours)
            return *v && strtoll(v, &end, 10) > 0 && *end == '\0' ? NULL
                                                                  : "a number of hours above 0";
        strtoll(v, &end, 10);
        return *v && *end == '\0' ? NULL : "an integer";
    case TP_NUMBER:
        if (hours)
            return *v && strtod(v, &end) > 0 && *end == '\0' ? NULL
                                                              : "a number of hours above 0";
        strtod(v, &end);
        return *v && *end == '\0' ? NULL : "a number";
    case TP_DATE: {
        cr_date day;
        return cr_date_parse(v, strlen(v), &day) ? NULL : "a date (YYYY-MM-DD)";
    }
    case TP_BOOL:
        return strcmp(v, "true") == 0 || strcmp(v, "false") == 0 ? NULL
                                                                  : "a bool (true or false)";
    default:
        return NULL;
    }
}

static int load_parameters(loader *ld, xmlNodePtr el)
{
    cr_template *t = ld->t;
    t->params = calloc(count_elements(el->children, "parameter") + 1, sizeof *t->params);
    if (!t->params)
        return oom(ld, line_of(el));
    for (xmlNodePtr c = el->children; c; c = c->next) {
        if (!is_el(c, "parameter"))
            continue;
        tpl_param *p = &t->params[t->param_count++];
        p->line = line_of(c);
        p->name = cr_xml_attr(c, "name");
        p->def = cr_xml_attr(c, "default");
        char *type = cr_xml_attr(c, "type");
        if (!p->name || !p->def)
            return oom(ld, p->line);
        p->type = !type || strcmp(type, "text") == 0 ? TP_TEXT
                  : strcmp(type, "integer") == 0     ? TP_INTEGER
                  : strcmp(type, "number") == 0      ? TP_NUMBER
                  : strcmp(type, "date") == 0        ? TP_DATE
                                                     : TP_BOOL;
        free(type);
        int b = tpl_builtin_index(p->name);
        bool hours = tpl_param_escalation(p->name) >= 0;
        /* Only the escalation thresholds of the built-ins may be redeclared
         * (to change their defaults). */
        if (b >= 0 && !hours)
            return cr_error_set(ld->err, EX_CONFIG, t->path, p->line, 0,
                                "parameter '%s' is built in; choose another name", p->name);
        if (hours && p->type != TP_NUMBER && p->type != TP_INTEGER)
            return cr_error_set(ld->err, EX_CONFIG, t->path, p->line, 0,
                                "parameter '%s' is a number of hours: type=\"number\"", p->name);
        const char *want = param_value_want(p->type, hours, p->def);
        if (want)
            return cr_error_set(ld->err, EX_CONFIG, t->path, p->line, 0,
                                "parameter '%s': default '%s' is not %s", p->name, p->def, want);
    }
    return 0;
}

static int string_ref_cmp(const void *a, const void *b)
{
    const struct tpl_string_ref *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

static int load_strings(loader *ld, xmlNodePtr el)
{
    cr_template *t = ld->t;
    t->strings = calloc(count_elements(el->children, "string") + 1, sizeof *t->strings);
    if (!t->strings)
        return oom(ld, line_of(el));
    for (xmlNodePtr c = el->children; c; c = c->next) {
        if (!is_el(c, "string"))
            continue;
        tpl_string *s = &t->strings[t->string_count++];
        s->line = line_of(c);
        s->key = cr_xml_attr(c, "key");
        for (int l = 0; l < CR_LOCALE_COUNT; l++) {
            char one[16];
            snprintf(one, sizeof one, "%s-one", cr_numfmt_locale_tag((cr_locale)l));
            s->text[l] = cr_xml_attr(c, cr_numfmt_locale_tag((cr_locale)l));
            s->one[l] = cr_xml_attr(c, one);
        }
        s->count = cr_xml_attr(c, "count");
        if (!s->key || !s->text[0])
            return oom(ld, s->line);
    }
    free(t->string_order);
    if (!(t->string_order = malloc((t->string_count + 1) * sizeof *t->string_order)))
        return oom(ld, line_of(el));
    for (size_t i = 0; i < t->string_count; i++)
        t->string_order[i] = (struct tpl_string_ref){.key = t->strings[i].key, .index = i};
    qsort(t->string_order, t->string_count, sizeof *t->string_order, string_ref_cmp);
    return 0;
}

/* Strings are checked once every name is known; they may hold ${...} but not
 * other #{...} strings. */
static int check_strings(loader *ld)
{
    cr_template *t = ld->t;
    for (size_t i = 0; i < t->string_count; i++) {
        tpl_string *s = &t->strings[i];
        if (s->count) {
            int rc = tpl_check_name(t, s->count, s->line, ld->err);
            if (rc)
                return rc;
        }
        for (int k = 0; k < 2 * CR_LOCALE_COUNT; k++) {
            const char *text = k < CR_LOCALE_COUNT ? s->text[k] : s->one[k - CR_LOCALE_COUNT];
            if (!text)
                continue;
            if (k >= CR_LOCALE_COUNT && !s->count)
                return cr_error_set(ld->err, EX_CONFIG, t->path, s->line, 0,
                                    "string '%s' has a singular text but no count=\"NAME\"",
                                    s->key);
            const char *h = strstr(text, "#{");
            if (h && (h == text || h[-1] != '#'))
                return cr_error_set(ld->err, EX_CONFIG, t->path, s->line, 0,
                                    "string '%s' refers to another string; strings hold text "
                                    "and ${...} only", s->key);
            int rc = tpl_check_text(t, text, s->line, ld->err);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* ---------- datasets ---------- */

static char *trimmed_text(xmlNodePtr n)
{
    xmlChar *raw = xmlNodeGetContent(n);
    if (!raw)
        return strdup("");
    const char *s = (const char *)raw;
    while (isspace((unsigned char)*s))
        s++;
    size_t len = strlen(s);
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    char *out = strndup(s, len);
    xmlFree(raw);
    return out;
}

static int compile_sql(loader *ld, tpl_dataset *ds)
{
    cr_template *t = ld->t;
    sqlite3_stmt *st = NULL;
    int rc = cr_sandbox_prepare(ld->schema_db, ds->sql, t->path, ds->line, &st, ld->err);
    if (rc) {
        /* Name the dataset: the line alone is ambiguous when SQL spans lines. */
        char msg[CR_ERROR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", ld->err->message);
        snprintf(ld->err->message, sizeof ld->err->message, "dataset '%.64s': %.900s", ds->name,
                 msg);
        return rc;
    }
    for (int i = 1; i <= sqlite3_bind_parameter_count(st); i++) {
        const char *pn = sqlite3_bind_parameter_name(st, i);
        if (!pn || pn[0] != ':') {
            rc = cr_error_set(ld->err, EX_CONFIG, t->path, ds->line, 0,
                              "dataset '%s': write parameters as :name (found '%s')", ds->name,
                              pn ? pn : "?");
            goto out;
        }
        if (tpl_builtin_index(pn + 1) < 0 && !tpl_find_param(t, pn + 1)) {
            rc = cr_error_set(ld->err, EX_CONFIG, t->path, ds->line, 0,
                              "dataset '%s': unknown parameter '%s'", ds->name, pn);
            goto out;
        }
    }
    ds->column_count = (size_t)sqlite3_column_count(st);
    ds->columns = calloc(ds->column_count + 1, sizeof *ds->columns);
    if (!ds->columns) {
        rc = oom(ld, ds->line);
        goto out;
    }
    for (size_t i = 0; i < ds->column_count; i++) {
        const char *cn = sqlite3_column_name(st, (int)i);
        ds->columns[i] = strdup(cn ? cn : "");
        if (!ds->columns[i]) {
            rc = oom(ld, ds->line);
            goto out;
        }
    }
out:
    sqlite3_finalize(st);
    return rc;
}

/* where, order-by and limit of a dataset. */
static int load_dataset_rows(loader *ld, xmlNodePtr c, tpl_dataset *ds)
{
    char *where = cr_xml_attr(c, "where"), *order = cr_xml_attr(c, "order-by");
    char *limit = cr_xml_attr(c, "limit");
    int rc = 0;
    if (where)
        rc = tpl_cond_parse(ld->t, where, ds->line, &ds->where, ld->err);
    if (order) {
        size_t n = strcspn(order, " ");
        ds->order_desc = strcmp(order + n, " desc") == 0;
        order[n] = '\0';
        ds->order_by = order;
        order = NULL;
    }
    if (limit)
        ds->limit = strtoul(limit, NULL, 10);
    free(where);
    free(order);
    free(limit);
    return rc;
}

/* join="SET" on="COLUMN": SET is a SQL dataset with that column. */
static int check_joins(loader *ld)
{
    cr_template *t = ld->t;
    for (size_t i = 0; i < t->dataset_count; i++) {
        const tpl_dataset *ds = &t->datasets[i];
        if (!ds->join && !ds->join_on)
            continue;
        const tpl_dataset *other = ds->join ? tpl_find_dataset(t, ds->join, NULL) : NULL;
        const char *why = !ds->join || !ds->join_on ? "join=\"SET\" needs on=\"COLUMN\" and back"
                          : !other                 ? "no such dataset"
                          : !other->sql            ? "the joined dataset must be a SQL dataset"
                                                   : NULL;
        bool has = false;
        for (size_t c = 0; !why && c < other->column_count; c++)
            has = has || strcmp(other->columns[c], ds->join_on) == 0;
        if (!why && !has)
            why = "the joined dataset has no such column";
        if (why)
            return cr_error_set(ld->err, EX_CONFIG, t->path, ds->line, 0,
                                "dataset '%s': join '%s' on '%s': %s", ds->name,
                                ds->join ? ds->join : "", ds->join_on ? ds->join_on : "", why);
    }
    return 0;
}

static int load_datasets(loader *ld, xmlNodePtr el)
{
    cr_template *t = ld->t;
    t->datasets = calloc(count_elements(el->children, "dataset") + 1, sizeof *t->datasets);
    if (!t->datasets)
        return oom(ld, line_of(el));
    for (xmlNodePtr c = el->children; c; c = c->next) {
        if (!is_el(c, "dataset"))
            continue;
        tpl_dataset *ds = &t->datasets[t->dataset_count++];
        ds->line = line_of(c);
        ds->name = cr_xml_attr(c, "name");
        ds->metrics = cr_xml_attr(c, "metrics");
        ds->key = cr_xml_attr(c, "key");
        ds->join = cr_xml_attr(c, "join");
        ds->join_on = cr_xml_attr(c, "on");
        char *sql = trimmed_text(c);
        if (!ds->name || !sql) {
            free(sql);
            return oom(ld, ds->line);
        }
        int rc = load_dataset_rows(ld, c, ds);
        if (rc) {
            free(sql);
            return rc;
        }
        if (ds->metrics) {
            bool has_sql = *sql != '\0';
            free(sql);
            if (has_sql)
                return cr_error_set(ld->err, EX_CONFIG, t->path, ds->line, 0,
                                    "dataset '%s': either SQL or metrics=\"...\", not both",
                                    ds->name);
            if (!cr_metrics_path_known(ds->metrics))
                return cr_error_set(ld->err, EX_CONFIG, t->path, ds->line, 0,
                                    "dataset '%s': unknown metric '%s'", ds->name, ds->metrics);
            if (strncmp(ds->metrics, "devices", 7) == 0 && (!ds->metrics[7] || ds->metrics[7] == '.'))
                t->metrics_devices = true;
            continue;
        }
        if (!*sql) {
            free(sql);
            return cr_error_set(ld->err, EX_CONFIG, t->path, ds->line, 0,
                                "dataset '%s' is empty: give a SELECT or metrics=\"...\"",
                                ds->name);
        }
        ds->sql = sql;
        if (ds->join)
            return cr_error_set(ld->err, EX_CONFIG, t->path, ds->line, 0,
                                "dataset '%s': join=\"...\" is for metrics datasets (join in "
                                "the SQL)", ds->name);
        rc = compile_sql(ld, ds);
        if (rc)
            return rc;
    }
    return check_joins(ld);
}

/* True when the dataset has the column, or its columns are known only when it
 * runs (metrics datasets: checked then). */
static bool has_column(const tpl_dataset *ds, const char *col)
{
    if (!ds->sql)
        return true;
    for (size_t i = 0; i < ds->column_count; i++)
        if (strcmp(ds->columns[i], col) == 0)
            return true;
    return false;
}

static int check_column(loader *ld, const tpl_dataset *ds, const char *col, long line)
{
    if (!col || has_column(ds, col))
        return 0;
    return cr_error_set(ld->err, EX_CONFIG, ld->t->path, line, 0,
                        "dataset '%s' has no column '%s'", ds->name, col);
}

/* A number, or a name to look up. */
static int check_number_or_name(loader *ld, const char *s, long line)
{
    if (!s)
        return 0;
    char *end;
    strtod(s, &end);
    if (*s && *end == '\0')
        return 0;
    return tpl_check_name(ld->t, s, line, ld->err);
}

/* ---------- charts ---------- */

static uint32_t parse_color(const char *s)
{
    return s && s[0] == '#' ? (uint32_t)strtoul(s + 1, NULL, 16) : 0;
}

static int load_charts(loader *ld, xmlNodePtr el)
{
    static const struct { const char *name; cr_chart_type type; } types[] = {
        {"bar", CR_CHART_BAR}, {"stacked", CR_CHART_STACKED}, {"line", CR_CHART_LINE},
        {"doughnut", CR_CHART_DOUGHNUT}, {"bullet", CR_CHART_BULLET},
        {"histogram", CR_CHART_HISTOGRAM},
    };
    cr_template *t = ld->t;
    t->charts = calloc(count_elements(el->children, "chart") + 1, sizeof *t->charts);
    if (!t->charts)
        return oom(ld, line_of(el));
    for (xmlNodePtr c = el->children; c; c = c->next) {
        if (!is_el(c, "chart"))
            continue;
        tpl_chart *ch = &t->charts[t->chart_count++];
        long line = ch->line = line_of(c);
        ch->id = cr_xml_attr(c, "id");
        char *type = cr_xml_attr(c, "type"), *dataset = cr_xml_attr(c, "dataset");
        char *cf = cr_xml_attr(c, "category-format"), *vf = cr_xml_attr(c, "value-format");
        char *vl = cr_xml_attr(c, "value-labels"), *bins = cr_xml_attr(c, "bins");
        for (size_t i = 0; type && i < sizeof types / sizeof types[0]; i++)
            if (strcmp(type, types[i].name) == 0)
                ch->type = types[i].type;
        const tpl_dataset *ds = dataset ? tpl_find_dataset(t, dataset, &ch->dataset) : NULL;
        tpl_parse_format(cf ? cf : "text", &ch->category_format);
        if (tpl_label_prefix(cf) && !(ch->category_label = strdup(tpl_label_prefix(cf)))) {
            free(type);
            free(cf);
            free(vf);
            free(vl);
            free(bins);
            free(dataset);
            return oom(ld, line);
        }
        tpl_parse_format(vf ? vf : "decimal", &ch->value_format);
        ch->value_labels = vl && (strcmp(vl, "true") == 0 || strcmp(vl, "1") == 0);
        ch->bins = bins ? atoi(bins) : 0;
        free(type);
        free(cf);
        free(vf);
        free(vl);
        free(bins);
        if (!ds) {
            int rc = cr_error_set(ld->err, EX_CONFIG, t->path, line, 0,
                                  "chart '%s': no dataset '%s'", ch->id, dataset ? dataset : "");
            free(dataset);
            return rc;
        }
        free(dataset);
        ch->category = cr_xml_attr(c, "category");
        ch->title = cr_xml_attr(c, "title");
        ch->x_title = cr_xml_attr(c, "x-title");
        ch->y_title = cr_xml_attr(c, "y-title");
        int rc;
        if ((rc = check_column(ld, ds, ch->category, line)) ||
            (rc = tpl_check_text(t, ch->title, line, ld->err)) ||
            (rc = tpl_check_text(t, ch->x_title, line, ld->err)) ||
            (rc = tpl_check_text(t, ch->y_title, line, ld->err)))
            return rc;
        ch->series = calloc(count_elements(c->children, "series") + 1, sizeof *ch->series);
        if (!ch->series)
            return oom(ld, line);
        for (xmlNodePtr k = c->children; k; k = k->next) {
            long kl = line_of(k);
            if (is_el(k, "series")) {
                tpl_series *s = &ch->series[ch->series_count++];
                s->column = cr_xml_attr(k, "column");
                s->label = cr_xml_attr(k, "label");
                char *color = cr_xml_attr(k, "color");
                s->color = parse_color(color);
                free(color);
                if ((rc = check_column(ld, ds, s->column, kl)) ||
                    (rc = tpl_check_text(t, s->label, kl, ld->err)))
                    return rc;
            } else if (is_el(k, "threshold")) {
                ch->threshold = cr_xml_attr(k, "value");
                ch->threshold_label = cr_xml_attr(k, "label");
                if ((rc = check_number_or_name(ld, ch->threshold, kl)) ||
                    (rc = tpl_check_text(t, ch->threshold_label, kl, ld->err)))
                    return rc;
            } else if (is_el(k, "marker")) {
                ch->marker_column = cr_xml_attr(k, "column");
                ch->marker_label = cr_xml_attr(k, "label");
                if ((rc = check_column(ld, ds, ch->marker_column, kl)) ||
                    (rc = tpl_check_text(t, ch->marker_label, kl, ld->err)))
                    return rc;
            } else if (is_el(k, "bullet")) {
                ch->bullet_actual = cr_xml_attr(k, "actual");
                ch->bullet_baseline = cr_xml_attr(k, "baseline");
                ch->bullet_agreed = cr_xml_attr(k, "agreed");
                if ((rc = check_column(ld, ds, ch->bullet_actual, kl)) ||
                    (rc = check_column(ld, ds, ch->bullet_baseline, kl)) ||
                    (rc = check_column(ld, ds, ch->bullet_agreed, kl)))
                    return rc;
            }
        }
        if (ch->type == CR_CHART_BULLET && !ch->bullet_actual)
            return cr_error_set(ld->err, EX_CONFIG, t->path, line, 0,
                                "chart '%s': a bullet chart needs <bullet actual baseline "
                                "agreed/>", ch->id);
    }
    return 0;
}

/* ---------- deck and workbook ---------- */

static const struct {
    const char *name;
    tpl_kind kind;
} node_kinds[] = {
    {"page", TK_PAGE},     {"text", TK_TEXT},   {"p", TK_P},           {"bullets", TK_BULLETS},
    {"item", TK_ITEM},     {"kpi", TK_KPI},     {"table", TK_TABLE},   {"column", TK_COLUMN},
    {"row", TK_ROW},       {"if", TK_IF},       {"sheet", TK_SHEET},   {"conditional", TK_CONDITIONAL},
    {"fact", TK_FACT},     {"total", TK_TOTAL},
};

/* Attributes that hold display text (placeholders and strings allowed). */
static bool is_text_attr(tpl_kind kind, const char *name)
{
    static const char *const names[] = {"title", "subtitle", "bookmark", "label", "delta",
                                        "note", "header", "empty", "delta-none"};
    if (kind == TK_SHEET && (strcmp(name, "name") == 0 || strcmp(name, "totals-label") == 0))
        return true;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i], name) == 0)
            return true;
    return false;
}

/* strings="PREFIX" maps a text value v to the string PREFIXv: at least one
 * string must have the prefix (a typo would otherwise show raw values). */
static int check_string_prefix(loader *ld, const char *prefix, long line)
{
    size_t n = strlen(prefix);
    for (size_t i = 0; i < ld->t->string_count; i++)
        if (strncmp(ld->t->strings[i].key, prefix, n) == 0)
            return 0;
    return cr_error_set(ld->err, EX_CONFIG, ld->t->path, line, 0,
                        "no string key starts with '%s' (strings=\"%s\")", prefix, prefix);
}

/* The formulas of a sheet (its columns, facts and totals), checked against
 * the sheet's column and fact names. */
static int check_formulas(loader *ld, const tpl_node *sheet)
{
    size_t nk = sheet->child_count;
    const char **cols = calloc(nk + 1, sizeof *cols), **facts = calloc(nk + 1, sizeof *facts);
    size_t nc = 0, nf = 0;
    int rc = 0;
    if (!cols || !facts) {
        rc = oom(ld, sheet->line);
        goto out;
    }
    for (size_t i = 0; i < nk; i++) {
        const tpl_node *k = &sheet->children[i];
        if (k->kind == TK_COLUMN)
            cols[nc++] = tpl_attr_get(k, "name");
        else if (k->kind == TK_FACT)
            facts[nf++] = tpl_attr_get(k, "name");
    }
    for (size_t i = 0; i < nk && !rc; i++) {
        const tpl_node *k = &sheet->children[i];
        const char *formula = tpl_attr_get(k, "formula");
        char what[128];
        if (k->kind == TK_TOTAL) {
            const char *col = tpl_attr_get(k, "column");
            bool listed = false;
            for (size_t c = 0; c < nc; c++)
                listed = listed || strcmp(cols[c], col) == 0;
            if (!listed) {
                rc = cr_error_set(ld->err, EX_CONFIG, ld->t->path, k->line, 0,
                                  "total under column '%s', which the sheet does not show", col);
                break;
            }
        }
        if (!formula)
            continue;
        snprintf(what, sizeof what, "%s '%.64s'",
                 k->kind == TK_COLUMN ? "column" : k->kind == TK_FACT ? "fact" : "total of",
                 tpl_attr_get(k, k->kind == TK_TOTAL ? "column" : "name"));
        /* a fact's formula names other facts only: facts sit above the table */
        rc = tpl_formula_parse(formula, k->kind == TK_FACT ? NULL : cols,
                               k->kind == TK_FACT ? 0 : nc, facts, nf, ld->t->path, k->line, what,
                               NULL, ld->err);
    }
out:
    free(cols);
    free(facts);
    return rc;
}

/* Charts on one deck page or workbook sheet: as many as the schema allows a
 * sheet (its <chart maxOccurs="8">), counted here for pages because a page's
 * charts may sit in rows and conditions, which the schema cannot count. Eight
 * quarter-page charts are still readable; more would shrink to titles. */
#define TPL_CHARTS_PER_PAGE 8

static size_t count_charts(const tpl_node *n)
{
    size_t count = n->kind == TK_CHART || n->kind == TK_SHEET_CHART;
    for (size_t i = 0; i < n->child_count; i++)
        count += count_charts(&n->children[i]);
    return count;
}

static int check_node(loader *ld, tpl_node *n, const tpl_node *parent)
{
    cr_template *t = ld->t;
    int rc = 0;
    for (size_t i = 0; i < n->attr_count && !rc; i++)
        if (is_text_attr(n->kind, n->attrs[i].name))
            rc = tpl_check_text(t, n->attrs[i].value, n->line, ld->err);
    if (rc)
        return rc;

    switch (n->kind) {
    case TK_PAGE: {
        size_t charts = count_charts(n);
        if (charts > TPL_CHARTS_PER_PAGE)
            return cr_error_set(ld->err, EX_CONFIG, t->path, n->line, 0,
                                "page '%.80s' has %zu charts: a page, like a sheet, holds at "
                                "most %d (each needs room to be read); spread them over pages",
                                tpl_attr_get(n, "title"), charts, TPL_CHARTS_PER_PAGE);
        return 0;
    }
    case TK_IF:
        return tpl_cond_parse(t, tpl_attr_get(n, "test"), n->line, &n->cond, ld->err);
    case TK_ITEM: {
        const char *each = tpl_attr_get(n, "each");
        if (each && !tpl_find_dataset(t, each, NULL))
            return cr_error_set(ld->err, EX_CONFIG, t->path, n->line, 0,
                                "<item each=\"%s\">: no dataset of that name", each);
        return 0;
    }
    case TK_KPI: {
        static const char *const nums[] = {"value", "bad-above", "warn-above", "bad-below",
                                           "warn-below", "compare"};
        for (size_t i = 0; i < sizeof nums / sizeof nums[0] && !rc; i++)
            rc = check_number_or_name(ld, tpl_attr_get(n, nums[i]), n->line);
        return rc;
    }
    case TK_SHEET:
        if (count_charts(n) > TPL_CHARTS_PER_PAGE) /* the schema's limit, said once more */
            return cr_error_set(ld->err, EX_CONFIG, t->path, n->line, 0,
                                "sheet '%.80s' has %zu charts: a sheet holds at most %d",
                                tpl_attr_get(n, "name"), count_charts(n), TPL_CHARTS_PER_PAGE);
        return check_formulas(ld, n);
    case TK_FACT:
        return check_number_or_name(ld, tpl_attr_get(n, "value"), n->line);
    case TK_TOTAL: {
        const char *v = tpl_attr_get(n, "value");
        return v ? check_number_or_name(ld, v, n->line) : 0;
    }
    case TK_COLUMN:
    case TK_CONDITIONAL: {
        const tpl_dataset *ds = tpl_find_dataset(t, tpl_attr_get(parent, "dataset"), NULL);
        const char *col = tpl_attr_get(n, n->kind == TK_COLUMN ? "name" : "column");
        /* a formula column shows the dataset column it mirrors (value=, else
         * its name when the dataset has it) */
        if (n->kind == TK_COLUMN && tpl_attr_get(n, "formula"))
            col = tpl_attr_get(n, "value");
        for (size_t i = 0; n->kind == TK_CONDITIONAL && i < parent->child_count; i++) {
            const tpl_node *k = &parent->children[i];
            if (k->kind == TK_COLUMN && tpl_attr_get(k, "formula") &&
                strcmp(tpl_attr_get(k, "name"), col) == 0)
                ds = NULL; /* a formula column: on the sheet, not in the dataset */
        }
        if (n->kind == TK_COLUMN && tpl_attr_get(n, "strings") && !tpl_attr_get(n, "formula"))
            rc = check_string_prefix(ld, tpl_attr_get(n, "strings"), n->line);
        if (rc)
            return rc;
        if (ds && (rc = check_column(ld, ds, col, n->line)))
            return rc;
        if (n->kind == TK_CONDITIONAL) {
            /* The column must be on the sheet when the sheet lists its columns. */
            bool listed = false, any = false;
            for (size_t i = 0; i < parent->child_count; i++)
                if (parent->children[i].kind == TK_COLUMN) {
                    any = true;
                    listed = listed || strcmp(tpl_attr_get(&parent->children[i], "name"), col) == 0;
                }
            if (any && !listed)
                return cr_error_set(ld->err, EX_CONFIG, t->path, n->line, 0,
                                    "conditional format on column '%s', which the sheet does "
                                    "not show", col);
            return check_number_or_name(ld, tpl_attr_get(n, "value"), n->line);
        }
        return 0;
    }
    case TK_SHEET_CHART: {
        const tpl_chart *ch = tpl_find_chart(t, tpl_attr_get(n, "ref"));
        const tpl_dataset *ds = tpl_find_dataset(t, tpl_attr_get(parent, "dataset"), NULL);
        if (!ch || !ds)
            return 0;
        if (&t->datasets[ch->dataset] != ds)
            return cr_error_set(ld->err, EX_CONFIG, t->path, n->line, 0,
                                "chart '%s' draws dataset '%s', but this sheet shows '%s': a "
                                "workbook chart is drawn over its sheet's cells",
                                ch->id, t->datasets[ch->dataset].name, ds->name);
        /* Its columns must be on the sheet when the sheet lists its columns. */
        const char *need[16];
        size_t nn = 0;
        need[nn++] = ch->category;
        for (size_t i = 0; i < ch->series_count && nn < 13; i++)
            need[nn++] = ch->series[i].column;
        if (ch->bullet_actual) {
            need[nn++] = ch->bullet_actual;
            need[nn++] = ch->bullet_baseline;
            need[nn++] = ch->bullet_agreed;
        }
        bool any = false;
        for (size_t i = 0; i < parent->child_count; i++)
            any = any || parent->children[i].kind == TK_COLUMN;
        for (size_t k = 0; any && k < nn; k++) {
            bool listed = false;
            for (size_t i = 0; i < parent->child_count; i++)
                if (parent->children[i].kind == TK_COLUMN &&
                    strcmp(tpl_attr_get(&parent->children[i], "name"), need[k]) == 0)
                    listed = true;
            if (!listed)
                return cr_error_set(ld->err, EX_CONFIG, t->path, n->line, 0,
                                    "chart '%s' needs column '%s' on the sheet", ch->id, need[k]);
        }
        return 0;
    }
    default:
        return 0;
    }
}

static int build_node(loader *ld, xmlNodePtr el, tpl_node *n, const tpl_node *parent, int depth)
{
    n->line = line_of(el);
    n->kind = TK_ROOT;
    const char *name = (const char *)el->name;
    for (size_t i = 0; i < sizeof node_kinds / sizeof node_kinds[0]; i++)
        if (strcmp(node_kinds[i].name, name) == 0)
            n->kind = node_kinds[i].kind;
    if (strcmp(name, "chart") == 0)
        n->kind = parent && parent->kind == TK_SHEET ? TK_SHEET_CHART : TK_CHART;
    if (depth > 0 && n->kind == TK_ROOT)
        return cr_error_set(ld->err, EX_CONFIG, ld->t->path, n->line, 0,
                            "unexpected element <%s>", name);
    size_t na = 0;
    for (xmlAttrPtr a = el->properties; a; a = a->next)
        na++;
    n->attrs = calloc(na + 1, sizeof *n->attrs);
    if (!n->attrs)
        return oom(ld, n->line);
    for (xmlAttrPtr a = el->properties; a; a = a->next) {
        tpl_attr *at = &n->attrs[n->attr_count++];
        at->name = strdup((const char *)a->name);
        at->value = cr_xml_attr(el, (const char *)a->name);
        if (!at->name || !at->value)
            return oom(ld, n->line);
    }
    size_t nc = 0;
    for (xmlNodePtr c = el->children; c; c = c->next)
        nc += c->type == XML_ELEMENT_NODE;
    bool text_node = n->kind == TK_P || n->kind == TK_ITEM || (n->kind == TK_TEXT && nc == 0);
    if (text_node) {
        xmlChar *raw = xmlNodeGetContent(el);
        int rc = tpl_check_text(ld->t, raw ? (const char *)raw : "", n->line, ld->err);
        xmlFree(raw);
        if (rc)
            return rc;
        if (!(n->text = collapsed_text(el)))
            return oom(ld, n->line);
    }
    n->children = calloc(nc + 1, sizeof *n->children);
    if (!n->children)
        return oom(ld, n->line);
    for (xmlNodePtr c = el->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        int rc = build_node(ld, c, &n->children[n->child_count++], n, depth + 1);
        if (rc)
            return rc;
    }
    return depth > 0 ? check_node(ld, n, parent) : 0;
}

/* ---------- streamable datasets ---------- */

/* True when text mentions data.NAME (followed by anything but a name
 * character): a placeholder, condition or value reading the dataset. */
static bool mentions_dataset(const char *text, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = text ? strstr(text, "data.") : NULL; p; p = strstr(p + 1, "data.")) {
        const char *q = p + 5;
        if (strncmp(q, name, n) == 0) {
            char after = q[n];
            if (!((after >= 'A' && after <= 'Z') || (after >= 'a' && after <= 'z') ||
                  (after >= '0' && after <= '9') || after == '_' || after == '-'))
                return true;
        }
    }
    return false;
}

/* True when any attribute or text in the element tree under el mentions
 * data.NAME. Conservative: a mention anywhere (SQL, comments aside) counts. */
static bool tree_mentions(xmlNodePtr el, const char *name)
{
    for (xmlNodePtr c = el; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (mentions_dataset((const char *)c->content, name))
                return true;
            continue;
        }
        if (c->type != XML_ELEMENT_NODE)
            continue;
        for (xmlAttrPtr a = c->properties; a; a = a->next) {
            xmlChar *v = xmlNodeListGetString(c->doc, a->children, 1);
            bool hit = v && mentions_dataset((const char *)v, name);
            xmlFree(v);
            if (hit)
                return true;
        }
        if (tree_mentions(c->children, name))
            return true;
    }
    return false;
}

/* Counts the sheets and deck tables showing dataset `name` under n; *charted
 * is set when such a sheet carries a chart. */
static void count_uses(const tpl_node *n, const char *name, size_t *uses, bool *charted)
{
    if (n->kind == TK_SHEET || n->kind == TK_TABLE) {
        const char *ds = tpl_attr_get(n, "dataset");
        if (ds && strcmp(ds, name) == 0) {
            (*uses)++;
            /* a chart, or formulas (their ranges need the row count before
             * the rows), keep the sheet's rows in memory */
            for (size_t i = 0; i < n->child_count; i++)
                *charted = *charted || n->children[i].kind == TK_SHEET_CHART ||
                           n->children[i].kind == TK_TOTAL ||
                           (n->children[i].kind == TK_COLUMN &&
                            tpl_attr_get(&n->children[i], "formula"));
        }
    }
    for (size_t i = 0; i < n->child_count; i++)
        count_uses(&n->children[i], name, uses, charted);
}

/* Sets tpl_dataset.stream: a SQL dataset whose only use is one workbook
 * sheet without charts, read by no chart and named by no data.NAME. */
static void mark_streamable(cr_template *t, xmlNodePtr root)
{
    for (size_t i = 0; i < t->dataset_count; i++) {
        tpl_dataset *ds = &t->datasets[i];
        ds->stream = false;
        if (!ds->sql)
            continue;
        size_t uses = 0;
        bool other = false;
        count_uses(&t->deck, ds->name, &uses, &other);
        if (uses > 0)
            continue; /* the deck shows it */
        count_uses(&t->workbook, ds->name, &uses, &other);
        for (size_t k = 0; k < t->chart_count; k++)
            other = other || t->charts[k].dataset == i;
        if (uses != 1 || other || tree_mentions(root, ds->name))
            continue;
        ds->stream = true;
    }
}

/* ---------- the report ---------- */

static int load_report(loader *ld, xmlNodePtr root)
{
    cr_template *t = ld->t;
    char *scope = cr_xml_attr(root, "scope");
    t->scope = scope && strcmp(scope, "partner") == 0 ? CR_SCOPE_PARTNER : CR_SCOPE_ACCOUNT;
    free(scope);
    t->name = cr_xml_attr(root, "name");
    t->output = cr_xml_attr(root, "output");
    if (!t->name || !t->output)
        return oom(ld, line_of(root));
    int rc = 0;
    xmlNodePtr props = NULL, strings = NULL, deck = NULL, workbook = NULL;
    for (xmlNodePtr c = root->children; c && !rc; c = c->next) {
        if (is_el(c, "parameters"))
            rc = load_parameters(ld, c);
        else if (is_el(c, "properties"))
            props = c;
        else if (is_el(c, "strings"))
            rc = load_strings(ld, strings = c);
        else if (is_el(c, "datasets"))
            rc = load_datasets(ld, c);
        else if (is_el(c, "charts"))
            rc = load_charts(ld, c);
        else if (is_el(c, "deck"))
            deck = c;
        else if (is_el(c, "workbook"))
            workbook = c;
    }
    if (rc || (rc = check_strings(ld)))
        return rc;
    if (props) {
        static const char *const names[TPL_PROP_COUNT] = {"title", "subject", "author",
                                                          "company", "keywords"};
        t->props_line = line_of(props);
        for (int i = 0; i < TPL_PROP_COUNT && !rc; i++) {
            t->props[i] = cr_xml_attr(props, names[i]);
            rc = tpl_check_text(t, t->props[i], t->props_line, ld->err);
        }
        if (rc)
            return rc;
    }
    t->deck.kind = t->workbook.kind = TK_ROOT;
    if (deck && (rc = build_node(ld, deck, &t->deck, NULL, 0)))
        return rc;
    if (workbook && (rc = build_node(ld, workbook, &t->workbook, NULL, 0)))
        return rc;
    mark_streamable(t, root);
    return 0;
}

/* ORs into *sections the section of every "prev.PATH" in text (a superset
 * of the names: comments and literal text count too, which costs time only). */
static void note_prev(const char *text, unsigned *sections)
{
    for (const char *p = text; p && (p = strstr(p, "prev.")); p += 5)
        if (p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '.'))
            *sections |= cr_metrics_path_section(p + 5);
}

/* note_prev over every attribute value and text of the file. */
static void find_prev_sections(xmlNodePtr n, unsigned *sections)
{
    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE)
            for (xmlAttrPtr a = n->properties; a; a = a->next)
                for (xmlNodePtr v = a->children; v; v = v->next)
                    note_prev((const char *)v->content, sections);
        else
            note_prev((const char *)n->content, sections);
        find_prev_sections(n->children, sections);
    }
}

int cr_template_load(const char *path, cr_template **out, cr_error *err)
{
    cr_error local;
    if (!err)
        err = &local;
    cr_error_clear(err);
    *out = NULL;
    cr_template *t = calloc(1, sizeof *t);
    if (!t)
        return cr_error_set(err, CR_EX_NOMEM, path, 0, 0, "out of memory");
    t->path = strdup(path);
    xmlDocPtr doc = cr_xml_load(path, "report.xsd", 0, err);
    if (!doc || !t->path) {
        int code = doc ? cr_error_set(err, CR_EX_NOMEM, path, 0, 0, "out of memory") : err->code;
        xmlFreeDoc(doc);
        cr_template_free(t);
        return code ? code : EX_CONFIG;
    }
    loader ld = {.t = t, .err = err};
    int rc = 0;
    ld.schema_db = cr_db_open(":memory:", CR_DB_READWRITE, err);
    if (!ld.schema_db || (rc = cr_sandbox_apply(ld.schema_db, err)) ||
        (rc = tpl_sqlfunc_register(ld.schema_db, t, CR_LOCALE_EN, 0, NULL, NULL, err))) {
        rc = rc ? rc : cr_error_exit_code(err);
        goto out;
    }
    rc = load_report(&ld, xmlDocGetRootElement(doc));
    find_prev_sections(xmlDocGetRootElement(doc), &t->prev_sections);
out:
    if (ld.schema_db)
        cr_db_close(ld.schema_db);
    xmlFreeDoc(doc);
    if (rc) {
        cr_template_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

static void free_node(tpl_node *n)
{
    for (size_t i = 0; i < n->attr_count; i++) {
        free(n->attrs[i].name);
        free(n->attrs[i].value);
    }
    free(n->attrs);
    free(n->text);
    tpl_cond_free(n->cond);
    for (size_t i = 0; i < n->child_count; i++)
        free_node(&n->children[i]);
    free(n->children);
}

void cr_template_free(cr_template *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->param_count; i++) {
        free(t->params[i].name);
        free(t->params[i].def);
    }
    free(t->params);
    for (size_t i = 0; i < t->string_count; i++) {
        free(t->strings[i].key);
        free(t->strings[i].count);
        for (int l = 0; l < CR_LOCALE_COUNT; l++) {
            free(t->strings[i].text[l]);
            free(t->strings[i].one[l]);
        }
    }
    free(t->strings);
    free(t->string_order);
    for (size_t i = 0; i < t->dataset_count; i++) {
        tpl_dataset *d = &t->datasets[i];
        free(d->name);
        free(d->sql);
        free(d->metrics);
        free(d->key);
        tpl_cond_free(d->where);
        free(d->order_by);
        free(d->join);
        free(d->join_on);
        for (size_t c = 0; c < d->column_count; c++)
            free(d->columns[c]);
        free(d->columns);
    }
    free(t->datasets);
    for (size_t i = 0; i < t->chart_count; i++) {
        tpl_chart *c = &t->charts[i];
        free(c->id);
        free(c->category);
        free(c->category_label);
        free(c->title);
        free(c->x_title);
        free(c->y_title);
        free(c->threshold);
        free(c->threshold_label);
        free(c->marker_column);
        free(c->marker_label);
        free(c->bullet_actual);
        free(c->bullet_baseline);
        free(c->bullet_agreed);
        for (size_t s = 0; s < c->series_count; s++) {
            free(c->series[s].column);
            free(c->series[s].label);
        }
        free(c->series);
    }
    free(t->charts);
    for (int i = 0; i < TPL_PROP_COUNT; i++)
        free(t->props[i]);
    free_node(&t->deck);
    free_node(&t->workbook);
    free(t->name);
    free(t->output);
    free(t->path);
    free(t);
}

cr_template_scope cr_template_get_scope(const cr_template *t)
{
    return t->scope;
}

const char *cr_template_output_stem(const cr_template *t)
{
    return t->output;
}

/* The names a setting may give: the template's parameters, then the
 * escalation thresholds it does not redeclare. */
static void settable_names(const cr_template *t, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < t->param_count + 4 && len < size; i++) {
        char hours[9] = "p1_hours";
        const char *name = hours;
        if (i < t->param_count)
            name = t->params[i].name;
        else
            hours[1] = (char)('1' + (i - t->param_count));
        if (i >= t->param_count && tpl_find_param(t, name))
            continue;
        len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "", name);
    }
}

int cr_template_check_settings(const cr_template *t, const cr_template_setting *settings,
                               size_t n, cr_error *err)
{
    for (size_t i = 0; i < n; i++) {
        const char *name = settings[i].name, *v = settings[i].value;
        const tpl_param *p = tpl_find_param(t, name);
        bool hours = tpl_param_escalation(name) >= 0;
        if (!p && !hours) {
            char names[CR_ERROR_MSG_MAX / 2];
            settable_names(t, names, sizeof names);
            return cr_error_set(err, EX_USAGE, NULL, 0, 0,
                                "template '%s' has no parameter '%s' (its parameters: %s)",
                                t->name, name, names);
        }
        const char *want = param_value_want(p ? p->type : TP_NUMBER, hours, v);
        if (want)
            return cr_error_set(err, EX_USAGE, NULL, 0, 0, "parameter '%s': '%s' is not %s", name,
                                v, want);
    }
    return 0;
}
