/* template_internal.h - the immutable template model shared by template.c
 * (loading), placeholder.c (placeholders, formats, conditions) and the
 * resolving parts (resolve_context.h: building a cr_report). Not a public API.
 *
 * Everything here is written once by cr_template_load and only read after,
 * so one loaded template serves every rendering thread.
 */
#ifndef CSMREPORT_TEMPLATE_INTERNAL_H
#define CSMREPORT_TEMPLATE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "csmreport/error.h"
#include "csmreport/numfmt.h"
#include "csmreport/report.h"
#include "csmreport/template.h"

struct cr_json;

typedef enum tpl_param_type { TP_TEXT, TP_INTEGER, TP_NUMBER, TP_DATE, TP_BOOL } tpl_param_type;

typedef struct tpl_param {
    char *name;
    tpl_param_type type;
    char *def;                 /* default value as written */
    long line;
} tpl_param;

typedef struct tpl_string {
    char *key;
    char *text[CR_LOCALE_COUNT];   /* NULL = falls back to en */
    /* count="NAME": when NAME's value takes the singular in the report's
     * language (cr_numfmt_plural_one), the LANG-one text is used instead
     * ("1 device is" beside "3 devices are"). NULL: no count. */
    char *count;
    char *one[CR_LOCALE_COUNT];    /* NULL = the plain text */
    long line;
} tpl_string;

typedef struct tpl_dataset {
    char *name;
    char *sql;                 /* one SELECT; NULL for a metrics dataset */
    char *metrics;             /* metrics path; NULL for SQL */
    char *key;                 /* column name of an object's keys ("key") */
    long line;
    char **columns;            /* SQL: result columns, known at load; metrics: NULL */
    size_t column_count;
    /* A SQL dataset shown by one workbook sheet without charts and used by
     * nothing else (no deck table, no chart, no data.NAME anywhere in the
     * template): when large, its rows may stream from its statement into the
     * sheet as the workbook is written (template_build.c). */
    bool stream;
    /* Rows kept, their order and their number, applied after the rows are
     * read (metrics datasets above all: a list of the metrics document
     * narrowed to what a page shows). where reads row.COLUMN names. */
    struct tpl_cond *where;
    char *order_by;            /* a column; NULL = as read */
    bool order_desc;
    size_t limit;              /* 0 = all */
    /* A metrics dataset joined with a SQL dataset (join="SET" on="COLUMN"):
     * each row gets the columns of SET's first row with the same value in
     * COLUMN (template_data.c). NULL = no join. */
    char *join, *join_on;
} tpl_dataset;

typedef struct tpl_series {
    char *column, *label;
    uint32_t color;
} tpl_series;

typedef struct tpl_chart {
    char *id;
    cr_chart_type type;
    size_t dataset;            /* index into datasets */
    char *category;
    cr_format category_format, value_format;
    char *category_label;      /* category-format="label:PREFIX": PREFIX, else NULL */
    char *title, *x_title, *y_title;
    bool value_labels;
    int bins;
    char *threshold, *threshold_label;       /* threshold: number or name */
    char *marker_column, *marker_label;
    char *bullet_actual, *bullet_baseline, *bullet_agreed;
    tpl_series *series;
    size_t series_count;
    long line;
} tpl_chart;

/* Deck and workbook content, as a tree of elements with their attributes. */
typedef enum tpl_kind {
    TK_ROOT, TK_PAGE, TK_TEXT, TK_P, TK_BULLETS, TK_ITEM, TK_KPI, TK_CHART, TK_TABLE,
    TK_COLUMN, TK_ROW, TK_IF, TK_SHEET, TK_CONDITIONAL, TK_SHEET_CHART,
    TK_FACT, TK_TOTAL          /* workbook: a sheet's facts and totals row */
} tpl_kind;

typedef struct tpl_cond tpl_cond;

typedef struct tpl_attr {
    char *name, *value;
} tpl_attr;

typedef struct tpl_node {
    tpl_kind kind;
    long line;
    char *text;                /* TEXT (without <p>), P, ITEM: whitespace-collapsed */
    tpl_attr *attrs;
    size_t attr_count;
    tpl_cond *cond;            /* TK_IF */
    struct tpl_node *children;
    size_t child_count;
} tpl_node;

enum { TPL_PROP_TITLE, TPL_PROP_SUBJECT, TPL_PROP_AUTHOR, TPL_PROP_COMPANY, TPL_PROP_KEYWORDS,
       TPL_PROP_COUNT };

struct cr_template {
    char *path;
    char *name, *output;
    cr_template_scope scope;
    tpl_param *params;
    size_t param_count;
    char *props[TPL_PROP_COUNT];
    long props_line;
    tpl_string *strings;
    size_t string_count;
    /* strings sorted by key (equal keys in file order), for tpl_find_string:
     * a QBR looks strings up some 100,000 times. */
    struct tpl_string_ref {
        const char *key;
        size_t index;
    } *string_order;
    tpl_dataset *datasets;
    size_t dataset_count;
    tpl_chart *charts;
    size_t chart_count;
    tpl_node deck, workbook;   /* TK_ROOT; children: pages / sheets / ifs */
    /* A metrics dataset reads the device list ("devices"): the metrics are
     * computed with cr_metrics_options.device_list (decided at load). */
    bool metrics_devices;
    /* The metrics sections (CR_METRICS_*) that prev.NAME names read: every
     * "prev.WORD" of the file (decided at load; template_data.c's prev_doc
     * computes only these). */
    unsigned prev_sections;
};

/* Attribute of a node, or NULL. */
const char *tpl_attr_get(const tpl_node *n, const char *name);

const tpl_param *tpl_find_param(const cr_template *t, const char *name);
/* 0 to 3 for the escalation thresholds p1_hours to p4_hours, else -1. */
int tpl_param_escalation(const char *name);
const tpl_string *tpl_find_string(const cr_template *t, const char *key);
const tpl_dataset *tpl_find_dataset(const cr_template *t, const char *name, size_t *index);
const tpl_chart *tpl_find_chart(const cr_template *t, const char *id);

/* ---------- placeholder.c ---------- */

/* The built-in parameters every template has, in a fixed order. */
extern const char *const tpl_builtin_names[];
extern const size_t tpl_builtin_count;
/* Index in tpl_builtin_names, or -1. */
int tpl_builtin_index(const char *name);

/* A value looked up by name while resolving. text is borrowed. */
typedef enum tpl_value_type { TV_NULL, TV_NUMBER, TV_TEXT, TV_BOOL } tpl_value_type;
typedef struct tpl_value {
    tpl_value_type type;
    double number;
    const char *text;
    bool boolean;
} tpl_value;

/* Looks name up (a parameter, data.SET..., a metric path); returns 0, or a
 * sysexits code with err filled (a dataset failing to run). An unknown name
 * gives TV_NULL. */
typedef int (*tpl_lookup_fn)(void *ctx, const char *name, tpl_value *out, cr_error *err);

typedef struct tpl_env {
    const cr_template *t;
    cr_locale locale;
    const char *currency;      /* the subject's currency (cr_subject, never NULL), for "money" */
    tpl_lookup_fn lookup;
    void *ctx;
} tpl_env;

/* Parses a format ("percent:1", "money", "money:JPY"); false when invalid. */
bool tpl_parse_format(const char *s, cr_format *out);

/* "label:PREFIX" (a value shown as the string PREFIXvalue, e.g. label:cat_
 * shows "video" as #{cat_video}): PREFIX, else NULL. */
const char *tpl_label_prefix(const char *fmt);
/* The text of string PREFIXvalue in env's locale (a new string), or a copy
 * of value when the template has no such string. */
char *tpl_label_text(const tpl_env *env, const char *prefix, const char *value);

/* Load-time checks of a name (parameter, data.SET[.N].COLUMN / data.SET.rows,
 * metric path) and of a text with ${...} and #{...}; EX_CONFIG with the file
 * and line on an unknown name, format or string key. */
int tpl_check_name(const cr_template *t, const char *name, long line, cr_error *err);
int tpl_check_text(const cr_template *t, const char *text, long line, cr_error *err);

/* Expands #{key} strings and ${name|format} placeholders of text into a new
 * string (*out, caller frees). */
int tpl_expand(const tpl_env *env, const char *text, char **out, cr_error *err);

/* Formats a value (NULL format: by its type) into a new string. */
char *tpl_format_value(const tpl_env *env, const tpl_value *v, const cr_format *f);

/* Conditions of <if test="...">: parsed (and checked) at load, evaluated per
 * subject. */
int tpl_cond_parse(const cr_template *t, const char *text, long line, tpl_cond **out,
                   cr_error *err);
int tpl_cond_eval(const tpl_cond *c, const tpl_env *env, bool *result, cr_error *err);
void tpl_cond_free(tpl_cond *c);

/* The number in a value (a number, or a text that is one); false otherwise. */
bool tpl_value_number(const tpl_value *v, double *out);

/* ---------- template_sqlfunc.c ---------- */

/* Registers metrics_json(account_id), check_json(account_id), tr(key) and
 * format_money(amount, code) on db for t in locale loc, with the metrics
 * documents of the n accounts ids
 * (copied; n = 0 at load, where the functions only need to exist). Replaces
 * what an earlier call registered on db. */
int tpl_sqlfunc_register(sqlite3 *db, const cr_template *t, cr_locale loc, size_t n,
                         const char *const *ids, const struct cr_json *const *docs,
                         cr_error *err);

/* ---------- formula.c ---------- */

/* Parses a workbook formula (the syntax is in formula.c): [name] names
 * columns[i] (same row) or else facts[i], [name@prev] and [name@all] a
 * column. `what` starts error messages ("column 'charge'"). EX_CONFIG with
 * path and line on an unknown name or a malformed reference. out may be NULL
 * (a check only); else *out is the parsed formula (cr_formula_free). */
int tpl_formula_parse(const char *text, const char *const *columns, size_t ncols,
                      const char *const *facts, size_t nfacts, const char *path, long line,
                      const char *what, cr_formula **out, cr_error *err);

#endif
