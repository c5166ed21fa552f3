/* report.h - a report resolved for one account (or partner) and one period: the
 * contract between the template engine and the two renderers.
 *
 * The template engine (template.c) reads a template once (an immutable model),
 * then for each account runs its datasets, computes the metrics, evaluates
 * conditions and ${...} placeholders, picks the locale's strings, and builds a
 * cr_report: every text final, every number with its format, every chart with
 * its data. The deck renderer (deck.c, cairo + pango) and the workbook writer
 * (workbook.c, libxlsxwriter) only lay out and draw what is here; they evaluate
 * nothing. One cr_chart serves both: a vector chart in the PDF, a native chart
 * over the sheet's cells in the XLSX.
 *
 * Ownership: a cr_report owns everything reachable from it (strings, tables,
 * charts); cr_report_free releases it all. Build one with the cr_report_* helpers
 * (report.c), which copy the strings they are given.
 */
#ifndef CSMREPORT_REPORT_H
#define CSMREPORT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csmreport/error.h"

/* ---------- values and formats ---------- */

typedef enum cr_format_kind {
    CR_FORMAT_TEXT,     /* as is */
    CR_FORMAT_INTEGER,  /* 1,350 */
    CR_FORMAT_DECIMAL,  /* 1,350.25 (decimals) */
    CR_FORMAT_PERCENT,  /* a fraction shown as 6.2 % (decimals, default 1) */
    CR_FORMAT_MONEY,    /* an amount in currency units with the currency's digits */
    CR_FORMAT_DATE,     /* a "YYYY-MM-DD" text, shown per locale */
    CR_FORMAT_MONTH,    /* a "YYYY-MM" text, shown per locale */
    CR_FORMAT_HOURS,    /* a number of hours, 2 decimals */
    CR_FORMAT_DATETIME, /* a "YYYY-MM-DDTHH:MM..." local timestamp, date and time per locale */
    CR_FORMAT_PERIOD,   /* a period label ("2026-Q3"), in the locale's words ("T3 2026") */
    CR_FORMAT_PERIOD_IN /* the same after the locale's "in": "au T3 2026", "en sept. 2026" */
} cr_format_kind;

typedef struct cr_format {
    cr_format_kind kind;
    int decimals;        /* -1 = the kind's default */
    char currency[4];    /* for CR_FORMAT_MONEY: ISO 4217 code */
} cr_format;

typedef enum cr_cell_type { CR_CELL_NULL, CR_CELL_NUMBER, CR_CELL_TEXT } cr_cell_type;

/* One value of a table. A number keeps its text form too when the dataset gave
 * one; a date or month is a TEXT cell with a DATE/MONTH column format. */
typedef struct cr_cell {
    cr_cell_type type;
    double number;
    char *text;          /* CR_CELL_TEXT; NULL otherwise */
} cr_cell;

/* Status of a value against its threshold, for colours (KPI tiles, table cells,
 * conditional formats). */
typedef enum cr_status { CR_STATUS_NONE, CR_STATUS_GOOD, CR_STATUS_WARN, CR_STATUS_BAD } cr_status;

/* ---------- workbook formulas ---------- */

/* A live Excel formula from the template (never from data), kept as text
 * pieces and references by position, so that the workbook writer turns it
 * into A1 references once it knows where the cells are (workbook.h:
 * cr_workbook_formula_a1). */
typedef enum cr_ref_kind {
    CR_REF_TEXT,     /* formula text as written */
    CR_REF_CELL,     /* table column `index`, the same row:        [name]      */
    CR_REF_PREV,     /* table column `index`, the row above:       [name@prev] */
    CR_REF_COLUMN,   /* table column `index`, all its data rows:   [name@all]  */
    CR_REF_FACT      /* the value cell of sheet fact `index`:      [name]      */
} cr_ref_kind;

typedef struct cr_formula_part {
    cr_ref_kind kind;
    char *text;          /* CR_REF_TEXT; NULL otherwise */
    size_t index;
} cr_formula_part;

typedef struct cr_formula {
    cr_formula_part *parts;
    size_t part_count;
} cr_formula;

void cr_formula_free(cr_formula *f);

/* ---------- tables (dataset results) ---------- */

typedef struct cr_column_spec {
    char *name;          /* dataset column name */
    char *header;        /* localized header text */
    cr_format format;
    double width;        /* workbook width in characters; 0 = fit to content */
    /* A formula column (workbook): each row's cell is this formula, and the
     * table's cell of the row its computed value (from the metrics or the
     * dataset), stored as the formula's cached result. NULL = data. */
    cr_formula *formula;
} cr_column_spec;

/* The rows of a streamed table, pulled one at a time by the workbook writer,
 * so that a dataset of a million rows goes from its statement to the file
 * without ever being held in memory.
 *
 * next fills row[0 .. column_count - 1] with the next row and returns 1, or
 * returns 0 after the last row, or -1 with err filled (a dataset failing or
 * passing its time limit). The cells, and the texts they point to, belong to
 * the source and stay valid until the next call. A source is read once: after
 * its end it keeps returning 0. free (may be NULL) releases ctx; the table
 * calls it when it is freed. */
typedef struct cr_row_source {
    int (*next)(void *ctx, cr_cell *row, cr_error *err);
    void (*free)(void *ctx);
    void *ctx;
} cr_row_source;

/* A table holds its rows as cells, or (streamed) names a row source instead:
 * then cells is NULL and row_count 0, as the number of rows is known only
 * once the source has been read to its end. Only workbook sheets without
 * charts show streamed tables; the deck and charts never get one. */
typedef struct cr_table {
    char *name;          /* dataset name */
    size_t column_count, row_count;
    cr_column_spec *columns;
    cr_cell *cells;      /* row-major: cells[row * column_count + column] */
    cr_row_source *source;  /* non-NULL: a streamed table (owned) */
} cr_table;

/* ---------- charts ---------- */

typedef enum cr_chart_type {
    CR_CHART_BAR,        /* one or more series, grouped */
    CR_CHART_STACKED,    /* stacked bars */
    CR_CHART_LINE,       /* lines, optional threshold line and event markers */
    CR_CHART_DOUGHNUT,   /* first series only */
    CR_CHART_BULLET,     /* actual vs baseline vs agreed, per category (row) */
    CR_CHART_HISTOGRAM   /* distribution of one value column (e.g. downtime hours) */
} cr_chart_type;

typedef struct cr_series {
    char *label;         /* legend text */
    size_t column;       /* value column in the chart's table */
    uint32_t color;      /* 0xRRGGBB; 0 = the palette's next colour */
} cr_series;

typedef struct cr_marker {
    size_t category;     /* row index of the category it marks */
    char *label;         /* e.g. "true-up" */
} cr_marker;

typedef struct cr_chart {
    char *id;                    /* name in the template */
    cr_chart_type type;
    char *title, *x_title, *y_title;
    const cr_table *table;       /* data (owned by the report's table list) */
    size_t category_column;      /* category labels (x axis / slices / bullet rows) */
    cr_series *series;
    size_t series_count;
    cr_format value_format;      /* axis and value labels */
    bool value_labels;           /* print values on bars / points */
    bool has_threshold;
    double threshold;            /* e.g. 0.05: dashed line */
    char *threshold_label;
    cr_marker *markers;
    size_t marker_count;
    /* Bullet charts: the table columns holding actual, baseline and agreed. */
    size_t bullet_actual, bullet_baseline, bullet_agreed;
    int histogram_bins;          /* 0 = automatic */
} cr_chart;

/* ---------- the deck ---------- */

typedef enum cr_block_type {
    CR_BLOCK_TEXT,       /* paragraphs */
    CR_BLOCK_BULLETS,    /* a bullet list */
    CR_BLOCK_KPI,        /* a tile: value, label, delta, status */
    CR_BLOCK_CHART,
    CR_BLOCK_TABLE,      /* continues on following pages when long, header repeated */
    CR_BLOCK_ROW         /* children side by side (weights) */
} cr_block_type;

typedef enum cr_text_style { CR_TEXT_BODY, CR_TEXT_HEADING, CR_TEXT_NOTE, CR_TEXT_LARGE } cr_text_style;

typedef struct cr_block cr_block;
struct cr_block {
    cr_block_type type;
    double weight;               /* share of the row's width (CR_BLOCK_ROW children); 1 default */
    /* TEXT / BULLETS: lines (a paragraph each / an item each), plain text */
    cr_text_style style;
    char **lines;
    size_t line_count;
    /* KPI */
    char *kpi_label, *kpi_value, *kpi_delta, *kpi_note;  /* final, formatted texts */
    cr_status kpi_status;
    /* The change against a compared value (the previous period): its
     * direction (-1 down, 0 unchanged, 1 up; drawn as an arrow before
     * kpi_delta) and whether it is good or bad news (NONE: neutral). */
    int kpi_trend;
    bool kpi_has_trend;
    cr_status kpi_delta_status;
    /* TABLE / CHART: the words shown instead when there are no rows */
    char *empty_text;
    /* CHART */
    const cr_chart *chart;
    /* TABLE */
    const cr_table *table;
    size_t table_max_rows;       /* 0 = all rows */
    /* ROW */
    cr_block *children;
    size_t child_count;
};

typedef struct cr_page {
    char *title, *subtitle;
    char *bookmark;              /* section bookmark text; NULL = not a new section */
    bool cover;                  /* the title slide layout */
    cr_block *blocks;
    size_t block_count;
} cr_page;

/* ---------- the workbook ---------- */

typedef enum cr_compare { CR_CMP_GT, CR_CMP_GE, CR_CMP_LT, CR_CMP_LE, CR_CMP_EQ, CR_CMP_NE } cr_compare;

typedef struct cr_conditional {
    size_t column;               /* table column */
    cr_compare op;
    double value;
    cr_status status;            /* BAD = red fill, WARN = amber, GOOD = green */
} cr_conditional;

typedef struct cr_sheet_chart {
    const cr_chart *chart;       /* its table must be this sheet's table */
    char *anchor;                /* top-left cell, e.g. "H2"; NULL = right of the table */
} cr_sheet_chart;

/* A labelled value above a sheet's table (label in column A, value in B):
 * data, or a formula over other facts whose cached result is value. */
typedef struct cr_fact {
    char *label;
    cr_cell value;
    cr_format format;
    cr_formula *formula;         /* NULL = data */
} cr_fact;

/* A cell of the totals row under a sheet's table: a formula (usually over
 * the column's rows, [name@all]) and its cached result. */
typedef struct cr_total {
    size_t column;
    cr_formula *formula;
    cr_cell value;
} cr_total;

typedef struct cr_sheet {
    char *name;                  /* as written in the template; the writer makes it valid */
    char *title;                 /* optional title row above the table; NULL = none */
    char *note;                  /* optional explanation row under the title; NULL = none */
    cr_fact *facts;              /* rows between the title/note and the table */
    size_t fact_count;
    cr_total *totals;            /* the totals row under the table (none when 0) */
    size_t total_count;
    char *totals_label;          /* in the first column when no total is there */
    const cr_table *table;
    bool freeze_header, autofilter;
    cr_conditional *conditionals;
    size_t conditional_count;
    cr_sheet_chart *charts;
    size_t chart_count;
} cr_sheet;

/* ---------- the report ---------- */

typedef struct cr_report {
    char *locale;                /* "en", "fr", "nb", "ja" */
    char *title, *subject, *author, *company, *keywords;  /* document properties */
    /* footer: footer_left ("ACCOUNT · PERIOD"), footer_right (free text before
     * the page number; may be NULL) */
    char *footer_left, *footer_right;
    /* The partner's name for partner programs, else NULL; the deck writes
     * "delivered by NAME" in the report's language. */
    char *delivered_by;
    int64_t created;             /* creation time (Unix seconds): SOURCE_DATE_EPOCH when set */
    cr_table **tables;           /* every table the pages, sheets and charts use */
    size_t table_count;
    cr_chart **charts;
    size_t chart_count;
    cr_page *pages;
    size_t page_count;
    cr_sheet *sheets;
    size_t sheet_count;
} cr_report;

void cr_report_free(cr_report *r);

/* Formats a value for display per the report's locale (numfmt.h); writes a
 * NUL-terminated string into buf and returns its length (snprintf-like). */
int cr_report_format_cell(const cr_report *r, const cr_format *f, const cr_cell *c, char *buf,
                          size_t size);

#endif
