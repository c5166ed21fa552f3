/* deck_layout.h - the deck's visual system (page grid, colours) and the pure
 * arithmetic that places blocks on a page and splits tables over pages
 * (internal to the deck renderer; no cairo, no pango, unit-tested). */
#ifndef CSMREPORT_DECK_LAYOUT_H
#define CSMREPORT_DECK_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csmreport/chartlayout.h"
#include "csmreport/report.h"

/* 16:9 slide in points, and its grid. */
#define CR_PAGE_W 960.0
#define CR_PAGE_H 540.0
#define CR_MARGIN_X 40.0
#define CR_TITLE_Y 26.0       /* top of the title line */
#define CR_CONTENT_GAP 16.0   /* between blocks, and between row children */
#define CR_FOOTER_H 34.0      /* footer band at the bottom */
#define CR_KPI_H 104.0        /* a KPI tile */
#define CR_TABLE_ROW_H 19.0   /* a table row (one line of CR_FONT_TABLE) */
#define CR_TABLE_HEAD_H 24.0  /* the table header row */
#define CR_TABLE_PAD 6.0      /* cell padding left and right */

/* The smallest chart that can still be read (axis labels, a few bars): a
 * page whose layout gives a chart less is a template error. */
#define CR_CHART_MIN_W 160.0
#define CR_CHART_MIN_H 90.0

/* Colours (0xRRGGBB). Okabe-Ito for data: safe for the common colour-vision
 * deficiencies; status colours come with a shape (tiles) so colour is never the
 * only cue. */
#define CR_COLOR_INK 0x1F2937      /* body text */
#define CR_COLOR_MUTED 0x6B7280    /* subtitles, notes, ticks */
#define CR_COLOR_ACCENT 0x0B3C5D   /* titles, cover band */
#define CR_COLOR_RULE 0xD1D5DB     /* axis lines, borders */
#define CR_COLOR_GRID 0xE8EAEE     /* grid lines */
#define CR_COLOR_PANEL 0xF4F5F7    /* tile and "no data" backgrounds, zebra rows */
#define CR_COLOR_THRESHOLD 0xD55E00

uint32_t cr_deck_palette(size_t i);          /* series colour i (cycles) */
uint32_t cr_deck_status_color(cr_status s);  /* NONE: the accent */

/* Stacks n blocks vertically in avail points with gap between them. natural[i]
 * is the height a block needs; a flexible block (flex[i]) takes a share of what
 * the others leave, at most natural[i] (INFINITY: no limit). Shares are equal;
 * what a capped block does not use goes to the others. Fixed blocks keep their
 * height even when the page overflows (the flexible ones get 0). Writes out[i]. */
void cr_deck_stack(const double *natural, const bool *flex, size_t n, double avail, double gap,
                   double *out);

/* Whether a chart block laid out w x h points can be read. */
bool cr_deck_chart_readable(double w, double h);

/* Splits width into n parts by weight (weights <= 0 or non-finite count as 1),
 * gap points apart; writes the x offset and width of each part. */
void cr_deck_split_row(const double *weights, size_t n, double width, double gap, double *x_out,
                       double *w_out);

/* Table rows that fit height below a header of header_h with rows of row_h
 * (0 when not even the header fits). */
size_t cr_deck_rows_fit(double height, double header_h, double row_h);

/* The rows shown on the page of a table block that starts at row `start` of
 * `total` rows (the cap: table_max_rows, 0 = all) and fits `fit` rows. When rows
 * remain beyond the cap and not a continuation, the last line says how many
 * more there are: *more_line is set and *more is that count. Returns the rows
 * drawn; *next is where the next page continues (== the end when done). */
size_t cr_deck_table_slice(size_t start, size_t total, size_t cap, size_t fit, bool can_continue,
                           size_t *next, bool *more_line, size_t *more);

/* Column widths for a table width wide: natural[i] is the widest text of column
 * i plus padding. Columns get their natural width when everything fits (the
 * spare width shared in proportion); else each column is cut in proportion to
 * what it has above min_width (columns at or below min_width keep their
 * width). */
void cr_deck_column_widths(const double *natural, size_t n, double width, double min_width,
                           double *out);

#endif
