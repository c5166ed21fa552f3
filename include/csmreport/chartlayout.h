/* chartlayout.h - chart geometry that knows nothing about cairo or Excel.
 *
 * Pure functions shared by the PDF deck renderer (cairo) and the XLSX native
 * chart writer (libxlsxwriter), so both draw the same axes, ticks, labels and
 * slices: "nice" axis scales and tick labels, category label fitting and
 * ellipsis, legend placement, bar rectangles, value label collisions, histogram
 * bins and doughnut angles.
 *
 * Coordinates are page coordinates in points with the y axis pointing down
 * (cairo's): a rectangle's (x, y) is its top-left corner. Text is measured by the
 * caller (pango) and passed in as widths. Non-finite values (NaN, infinities)
 * are ignored everywhere as "no value". Nothing here allocates memory unless a
 * comment says so, and nothing prints.
 */
#ifndef CSMREPORT_CHARTLAYOUT_H
#define CSMREPORT_CHARTLAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "csmreport/numfmt.h"

typedef struct cr_rect {
    double x, y, w, h;
} cr_rect;

typedef struct cr_point {
    double x, y;
} cr_point;

/* ---- nice numbers and axis scales (Heckbert, Graphics Gems I) ---------- */

/* A "nice" number near x > 0: 1, 2 or 5 x 10^n (or 10^(n+1)). With round, the
 * nearest one (f < 1.5 -> 1, < 3 -> 2, < 7 -> 5, else 10); without, the smallest
 * one >= x. 0 for x <= 0 or non-finite. */
double cr_chartlayout_nice_number(double x, bool round);

/* Flags of cr_chartlayout_axis. */
#define CR_AXIS_INCLUDE_ZERO 1u /* the axis spans 0 (bar charts, histograms) */
#define CR_AXIS_PERCENT 2u      /* values are fractions shown as percentages */

#define CR_AXIS_DEFAULT_TICKS 5 /* target tick count when the caller gives < 2 */
#define CR_AXIS_MAX_TICKS 50    /* larger targets are capped */

/* A linear axis: ticks at min, min + step, ..., max (all multiples of step).
 * step = step_mantissa x 10^step_exponent, step_mantissa in {1, 2, 5}. */
typedef struct cr_axis {
    double min, max, step;
    int step_mantissa, step_exponent;
    int ticks;     /* number of tick values, min and max included (>= 2) */
    int decimals;  /* decimals that show every tick exactly; for a percent axis,
                    * decimals of the percentage (step 0.005 -> 0.5 % -> 1) */
    bool percent;  /* CR_AXIS_PERCENT was given */
    bool no_data;  /* no finite value: the default 0..1 axis, the renderer draws
                    * "no data" */
} cr_axis;

/* The axis for n values (NULL is fine when n is 0) with about target_ticks ticks
 * (Heckbert's loose labelling: range and step nice, ends rounded outward to the
 * step). Rules beyond Heckbert's:
 * - non-finite values are ignored; none left: the axis 0..1 (step 0.2 for 5
 *   ticks) with no_data set;
 * - all values equal (zero range): a value v != 0 is shown against zero (the
 *   range 0..v or v..0); all zeros give 0..1;
 * - a percent axis works on the fractions themselves; data up to 1 ends at 1
 *   (100 %), never at 1.2.
 * To keep a threshold line (5 %) on the axis, include the threshold in values. */
void cr_chartlayout_axis(const double *values, size_t n, unsigned flags, int target_ticks,
                         cr_axis *out);

/* The same for a known data range lo..hi (order does not matter; a non-finite
 * end is ignored, both non-finite is "no data"). */
void cr_chartlayout_axis_range(double lo, double hi, unsigned flags, int target_ticks,
                               cr_axis *out);

/* Tick i (0 .. ticks-1) computed from integers, so it is the decimal value one
 * expects (0.3, not 0.30000000000000004). */
double cr_chartlayout_axis_tick(const cr_axis *axis, int i);

/* Writes min(axis->ticks, cap) tick values into out; returns axis->ticks. */
int cr_chartlayout_axis_ticks(const cr_axis *axis, double *out, size_t cap);

/* The label of a tick value: a percentage on a percent axis ("6.5%"), else a
 * decimal with the step's decimals ("0.5", "2,500"); with compact and an axis
 * reaching 1e6 or more, the compact form of numfmt ("1.5M", "150万") with the
 * decimals the step needs in that unit. snprintf-like, as numfmt. */
int cr_chartlayout_tick_label(const cr_axis *axis, double value, cr_locale loc, bool compact,
                              char *buf, size_t size);

/* The vertical page coordinate of a value on a vertical axis drawn in plot
 * (axis->min at the bottom edge, axis->max at the top). Not clamped. */
double cr_chartlayout_value_y(const cr_axis *axis, cr_rect plot, double value);

/* The same for a horizontal axis (axis->min at the left edge). */
double cr_chartlayout_value_x(const cr_axis *axis, cr_rect plot, double value);

/* ---- category labels ----------------------------------------------------- */

#define CR_LABEL_GAP 4.0 /* points kept free between neighbouring labels */

typedef enum cr_label_mode {
    CR_LABELS_HORIZONTAL, /* every label, horizontal */
    CR_LABELS_ROTATED,    /* every label, rotated 45 degrees */
    CR_LABELS_SKIP        /* only labels i with i % every == 0 (rotated or not) */
} cr_label_mode;

typedef struct cr_label_fit {
    cr_label_mode mode;
    bool rotated;     /* draw at 45 degrees (ROTATED, or SKIP of rotated labels) */
    int every;        /* 1, or the k of SKIP */
    double max_width; /* cut labels wider than this with cr_chartlayout_ellipsize */
} cr_label_fit;

/* Decides how n category labels of the given widths fit bands of `band` points
 * (the plot width / n), with text of line_height points, and at most max_depth
 * points of height below the axis for rotated labels (0: no limit):
 * 1. horizontal when neighbouring labels, centred on their bands, keep
 *    CR_LABEL_GAP apart;
 * 2. else rotated 45 degrees when band >= (line_height + gap) x sqrt(2) (the
 *    slanted labels then do not touch); max_width is what max_depth allows,
 *    (max_depth x sqrt(2) - line_height);
 * 3. else SKIP with the smallest k at which either horizontal labels fit (k
 *    bands) or rotated ones do; horizontal wins a tie.
 * A single label is horizontal with max_width = band. */
void cr_chartlayout_fit_labels(const double *widths, size_t n, double band,
                               double line_height, double max_depth, cr_label_fit *out);

/* Measures the width of len bytes of UTF-8 text, in points. */
typedef double (*cr_measure_fn)(const char *utf8, size_t len, void *ctx);

/* Fits text (len bytes of UTF-8) into max_width: writes into out (out_size
 * bytes) either the whole text, when it fits, or the longest prefix ending on a
 * code point boundary (trailing spaces dropped) that fits with "…" (U+2026)
 * appended, or "" when not even "…" fits. out_size also bounds the result (it
 * holds len + 4 bytes to never matter). Returns the length written. Assumes
 * measure grows with the text; uses O(log len) measurements. */
size_t cr_chartlayout_ellipsize(const char *text, size_t len, double max_width,
                                cr_measure_fn measure, void *ctx, char *out, size_t out_size);

/* ---- legend -------------------------------------------------------------- */

#define CR_LEGEND_GAP 8.0     /* between plot and legend, and between entries */
#define CR_LEGEND_ROW_GAP 4.0 /* between legend rows */

typedef enum cr_legend_pos {
    CR_LEGEND_AUTO,
    CR_LEGEND_RIGHT,
    CR_LEGEND_BOTTOM
} cr_legend_pos;

typedef struct cr_legend_layout {
    bool right;   /* legend in a column right of the plot; else in rows below */
    cr_rect plot; /* what is left of the area for the plot */
    cr_rect box;  /* the legend's bounding box (zero size without entries) */
    int rows;     /* rows used (right: one entry per row) */
} cr_legend_layout;

/* Places a legend of n entries (each entry_widths[i] wide, swatch and text, and
 * entry_height tall) in area, beside a plot. AUTO picks the right-side column
 * when the widest entry takes at most a quarter of the area's width and the
 * column fits its height, else rows at the bottom, filled left to right, wrapped
 * at the area's width and centred. Writes each entry's top-left corner to
 * positions[i] (n of them; positions may be NULL). n = 0 leaves plot = area. */
void cr_chartlayout_legend(cr_rect area, const double *entry_widths, size_t n,
                           double entry_height, cr_legend_pos pos, cr_legend_layout *out,
                           cr_point *positions);

/* ---- bars ---------------------------------------------------------------- */

typedef enum cr_bar_mode {
    CR_BARS_GROUPED, /* series side by side within a category */
    CR_BARS_STACKED  /* series on top of each other: positives up, negatives down */
} cr_bar_mode;

#define CR_BAR_FILL 0.7 /* a sensible share of a category band taken by its bars */

/* The extent of stacked sums: *lo = the most negative sum of negatives of a
 * category (0 if none), *hi = the largest sum of positives, for the axis of a
 * stacked chart. values as for cr_chartlayout_bars. */
void cr_chartlayout_stack_extent(const double *values, size_t n_cat, size_t n_series,
                                 double *lo, double *hi);

/* Rectangles of vertical bars: values[c * n_series + s] is series s of category
 * c; out gets one rectangle per value in the same order. Category c owns the
 * band plot.x + c x plot.w / n_cat; its bars take `fill` (0..1, e.g.
 * CR_BAR_FILL) of the band, centred. Bars start at the zero line (0 clamped into
 * the axis) and go up for positive values, down for negative ones; they are
 * clamped to the plot. A non-finite value gets a zero-height rectangle on the
 * zero line. */
void cr_chartlayout_bars(const double *values, size_t n_cat, size_t n_series,
                         cr_bar_mode mode, const cr_axis *axis, cr_rect plot, double fill,
                         cr_rect *out);

/* The horizontal centre of category c's band. */
double cr_chartlayout_band_center(cr_rect plot, size_t n_cat, size_t c);

/* ---- value labels -------------------------------------------------------- */

typedef struct cr_label_box {
    cr_rect r;      /* proposed box (e.g. above its bar); moved when nudged */
    double value;   /* larger |value| wins a collision */
    bool visible;   /* output: draw it */
} cr_label_box;

#define CR_LABEL_NUDGES 3 /* tries at moving a colliding label up */

/* Greedy collision avoidance: labels are taken by |value|, largest first (ties
 * by index); one that overlaps a label already kept is moved up by `nudge`
 * points, up to CR_LABEL_NUDGES times, as long as its top stays at or below
 * top_limit; if it still overlaps it is hidden (and its box left as proposed).
 * Boxes that only touch do not overlap. Labels with a non-finite value are
 * hidden. Returns the number of visible labels, or -1 when out of memory (one
 * small index array is allocated when n > 64). */
int cr_chartlayout_resolve_labels(cr_label_box *boxes, size_t n, double nudge,
                                  double top_limit);

/* ---- histogram ----------------------------------------------------------- */

#define CR_HISTOGRAM_MAX_BINS 20

typedef struct cr_histogram {
    double start, width;  /* bin i is [start + i*width, start + (i+1)*width) */
    int width_mantissa, width_exponent; /* width = mantissa x 10^exponent */
    size_t bins;          /* 0 when there is no finite value */
    size_t counts[CR_HISTOGRAM_MAX_BINS];
    size_t total;         /* finite values counted */
    size_t ignored;       /* non-finite values */
} cr_histogram;

/* Bins about sqrt(n) (at least 1, at most CR_HISTOGRAM_MAX_BINS) with a nice
 * width (1, 2, 5 x 10^k; at least 1 with integer_data) and a start that is a
 * multiple of the width. Bins are half-open except the last, which holds its
 * upper edge (so the maximum is always counted); with integer_data every bin is
 * half-open and the last one starts at or below the maximum (values 1..4 give
 * the four bins [1,2) .. [4,5)). Equal values give one bin of
 * width 10^floor(log10 |v|) (1 for 0) that holds them. */
void cr_chartlayout_histogram(const double *values, size_t n, bool integer_data,
                              cr_histogram *out);

/* Edge i (0 .. bins) computed from integers, like cr_chartlayout_axis_tick. */
double cr_chartlayout_histogram_edge(const cr_histogram *h, size_t i);

/* ---- doughnut ------------------------------------------------------------ */

#define CR_SLICE_OTHER ((size_t)-1) /* index of the merged "other" slice */
#define CR_SLICE_MERGE_BELOW 0.02   /* the usual merge threshold: 2 % */

typedef struct cr_slice {
    size_t index;       /* input index, or CR_SLICE_OTHER */
    double value;       /* the value, or the sum merged into "other" */
    double fraction;    /* of the total of the slices */
    double start_angle; /* radians, page coordinates: clockwise from 12 o'clock, */
    double end_angle;   /* the first slice starting at -pi/2 (cairo_arc angles) */
} cr_slice;

/* Slices for the positive finite values (others are left out: a share of a
 * whole has no negative part), in input order. With merge_below > 0, slices
 * with a fraction below it are merged into one "other" slice at the end - only
 * when there are two or more of them (one small slice keeps its own name).
 * out holds n + 1 slices at most; returns the number written (0: no data). */
size_t cr_chartlayout_doughnut(const double *values, size_t n, double merge_below,
                               cr_slice *out);

#endif
