/* chart.c - charts of a deck page drawn with cairo. Every position comes
 * from chartlayout.c (axes, label fitting, legend, bars, label collisions,
 * histogram bins, doughnut slices); this file measures text with pango, feeds
 * the widths in, and draws the result. */
#include "chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deck_layout.h"

#define LABEL_MAX 160         /* a formatted category or value label, bytes */
#define SWATCH 12.0           /* legend swatch side */
#define SWATCH_GAP 5.0        /* swatch to legend text */
#define TICK_GAP 6.0          /* tick label to plot edge */
#define ROT_MAX_DEPTH 72.0    /* most height rotated category labels may take */

/* Pool slots (text.h): ticks, category labels, value labels. */
#define SLOT_TICK 0
#define SLOT_CAT 50
#define SLOT_VALUE 150
#define SLOT_LEGEND (CR_TEXT_POOL - 17) /* 16 legend entries and the threshold tag */
#define SLOT_TAG (CR_TEXT_POOL - 1)

enum word { W_NO_DATA, W_OTHER, W_TOTAL };

static const char *word(cr_locale loc, enum word w)
{
    static const char *const words[CR_LOCALE_COUNT][3] = {
        [CR_LOCALE_EN] = {"No data", "Other", "Total"},
        [CR_LOCALE_FR] = {"Aucune donn\xc3\xa9" "e", "Autres", "Total"},
        [CR_LOCALE_NB] = {"Ingen data", "Andre", "Totalt"},
        [CR_LOCALE_JA] = {"\xe3\x83\x87\xe3\x83\xbc\xe3\x82\xbf\xe3\x81\xaa\xe3\x81\x97",
                          "\xe3\x81\x9d\xe3\x81\xae\xe4\xbb\x96", "\xe5\x90\x88\xe8\xa8\x88"},
    };
    return words[loc < CR_LOCALE_COUNT ? loc : CR_LOCALE_EN][w];
}

/* ---- data ------------------------------------------------------------------ */

typedef struct chart_data {
    size_t n_cat, n_ser;
    double *values;      /* values[c * n_ser + s] */
    char *cat;           /* n_cat labels of LABEL_MAX bytes */
    char *vlab;          /* n_cat * n_ser value labels of LABEL_MAX bytes */
    cr_rect *rects;      /* n_cat * n_ser */
    cr_label_box *boxes; /* n_cat * n_ser */
    double *widths;      /* n_cat + 1 */
    void *block;         /* the one allocation holding all of the above */
} chart_data;

static double cell_number(const cr_table *tb, size_t row, size_t col)
{
    if (!tb || col >= tb->column_count || row >= tb->row_count)
        return NAN;
    const cr_cell *c = &tb->cells[row * tb->column_count + col];
    return c->type == CR_CELL_NUMBER ? c->number : NAN;
}

static void format_value(const cr_report *r, const cr_format *f, double v, char *buf, size_t n)
{
    cr_cell cell = {.type = CR_CELL_NUMBER, .number = v, .text = NULL};
    cr_format fmt = *f;
    if (fmt.kind == CR_FORMAT_TEXT || fmt.kind == CR_FORMAT_DATE || fmt.kind == CR_FORMAT_MONTH)
        fmt.kind = CR_FORMAT_DECIMAL; /* a number needs a number format */
    if (cr_report_format_cell(r, &fmt, &cell, buf, n) < 0)
        snprintf(buf, n, "%s", "");
}

static int data_load(chart_data *d, const cr_report *r, const cr_chart *c, size_t n_ser,
                     const size_t *cols, cr_error *err)
{
    const cr_table *tb = c->table;
    memset(d, 0, sizeof *d);
    d->n_cat = tb ? tb->row_count : 0;
    d->n_ser = n_ser;
    size_t nv = d->n_cat * n_ser;
    size_t bytes = nv * (sizeof(double) + LABEL_MAX + sizeof(cr_rect) + sizeof(cr_label_box)) +
                   d->n_cat * LABEL_MAX + (d->n_cat + 1) * sizeof(double) + 64;
    d->block = malloc(bytes);
    if (!d->block)
        return cr_error_set(err, CR_EX_NOMEM, NULL, 0, 0, "out of memory drawing a chart");
    /* doubles and structs first so every part stays aligned */
    d->values = d->block;
    d->rects = (cr_rect *)(d->values + nv);
    d->boxes = (cr_label_box *)(d->rects + nv);
    d->widths = (double *)(d->boxes + nv);
    d->cat = (char *)(d->widths + d->n_cat + 1);
    d->vlab = d->cat + d->n_cat * LABEL_MAX;
    for (size_t i = 0; i < d->n_cat; i++) {
        for (size_t s = 0; s < n_ser; s++)
            d->values[i * n_ser + s] = cell_number(tb, i, cols[s]);
        char *lab = d->cat + i * LABEL_MAX;
        lab[0] = '\0';
        if (c->category_column < tb->column_count)
            cr_report_format_cell(r, &tb->columns[c->category_column].format,
                                  &tb->cells[i * tb->column_count + c->category_column], lab,
                                  LABEL_MAX);
    }
    return 0;
}

static bool any_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            return true;
    return false;
}

static uint32_t series_color(const cr_chart *c, size_t s)
{
    return s < c->series_count && c->series[s].color ? c->series[s].color : cr_deck_palette(s);
}

/* Dark text on light fills, white on dark ones. */
static uint32_t text_on(uint32_t rgb)
{
    double lum = 0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff);
    return lum > 150 ? CR_COLOR_INK : 0xFFFFFF;
}

/* ---- pieces shared by the charts ------------------------------------------- */

/* The chart title at the top of *area, which shrinks below it. */
static void draw_title(cr_text *t, const char *title, cr_rect *area)
{
    if (!title || !*title)
        return;
    cr_text_rgb(t->cr, CR_COLOR_INK);
    cr_text_draw_fit(t, CR_FONT_CHART_TITLE, title, area->x, area->y, area->w, CR_ALIGN_LEFT,
                     CR_VALIGN_TOP);
    double h = t->line_height[CR_FONT_CHART_TITLE] + 8;
    area->y += h;
    area->h = fmax(0, area->h - h);
}

void cr_chart_draw_no_data(cr_text *t, const char *title, cr_rect area)
{
    cairo_t *cr = t->cr;
    cr_text_rgb(cr, CR_COLOR_PANEL);
    cairo_rectangle(cr, area.x, area.y, area.w, area.h);
    cairo_fill(cr);
    cr_rect inner = {area.x + 12, area.y + 10, area.w - 24, area.h - 20};
    draw_title(t, title, &inner);
    /* an empty axis pictogram over the words, so the panel reads at a glance */
    double cx = area.x + area.w / 2, cy = inner.y + inner.h / 2;
    cr_text_rgb(cr, CR_COLOR_RULE);
    cairo_set_line_width(cr, 2);
    cairo_new_path(cr);
    cairo_move_to(cr, cx - 18, cy - 30);
    cairo_line_to(cr, cx - 18, cy - 4);
    cairo_line_to(cr, cx + 18, cy - 4);
    cairo_stroke(cr);
    cr_text_rgb(cr, CR_COLOR_MUTED);
    cr_text_draw(t, CR_FONT_BODY, word(t->locale, W_NO_DATA), cx, cy + 4, CR_ALIGN_CENTER,
                 CR_VALIGN_TOP);
}

typedef enum swatch_kind { SW_BOX, SW_LINE, SW_DASH, SW_TICK } swatch_kind;

typedef struct legend_entry {
    const char *text;
    uint32_t color;
    swatch_kind kind;
} legend_entry;

static const double dash_pattern[] = {6, 4};

/* Places and draws a legend in *area (which shrinks to the plot's part). */
static void draw_legend(cr_text *t, const legend_entry *e, size_t n, cr_legend_pos pos,
                        cr_rect *area)
{
    if (n == 0)
        return;
    double widths[16] = {0};
    cr_point at[16];
    if (n > 16)
        n = 16;
    double eh = fmax(SWATCH, t->line_height[CR_FONT_TICK]);
    double max_text = fmax(40, area->w * 0.3);
    bool cut[16];
    for (size_t i = 0; i < n; i++) {
        double w;
        cr_text_set(t, SLOT_LEGEND + (int)i, CR_FONT_TICK, e[i].text, &w, NULL);
        cut[i] = w > max_text;
        widths[i] = SWATCH + SWATCH_GAP + fmin(w, max_text);
    }
    cr_legend_layout lay;
    cr_chartlayout_legend(*area, widths, n, eh, pos, &lay, at);
    cairo_t *cr = t->cr;
    for (size_t i = 0; i < n; i++) {
        double x = at[i].x, ym = at[i].y + eh / 2;
        cr_text_rgb(cr, e[i].color);
        switch (e[i].kind) {
        case SW_BOX:
            cairo_rectangle(cr, x, ym - SWATCH / 2, SWATCH, SWATCH);
            cairo_fill(cr);
            break;
        case SW_TICK:
            cairo_rectangle(cr, x + SWATCH / 2 - 1, ym - SWATCH / 2, 2, SWATCH);
            cairo_fill(cr);
            break;
        default:
            cairo_set_line_width(cr, 2);
            if (e[i].kind == SW_DASH)
                cairo_set_dash(cr, dash_pattern, 2, 0);
            cairo_move_to(cr, x, ym);
            cairo_line_to(cr, x + SWATCH, ym);
            cairo_stroke(cr);
            cairo_set_dash(cr, NULL, 0, 0);
        }
        cr_text_rgb(cr, CR_COLOR_INK);
        if (cut[i])
            cr_text_draw_fit(t, CR_FONT_TICK, e[i].text, x + SWATCH + SWATCH_GAP, ym,
                             widths[i] - SWATCH - SWATCH_GAP + 0.5, CR_ALIGN_LEFT,
                             CR_VALIGN_MIDDLE);
        else
            cr_text_show(t, t->pool[SLOT_LEGEND + i], x + SWATCH + SWATCH_GAP, ym, CR_ALIGN_LEFT,
                         CR_VALIGN_MIDDLE);
    }
    *area = lay.plot;
    /* keep a gap between a legend below and the axis labels above it */
    if (!lay.right)
        area->h = fmax(0, area->h - 4);
}

/* Ticks of an axis measured into pool slots; returns the widest label. */
static double measure_ticks(cr_text *t, const cr_axis *ax, char labels[][48])
{
    double maxw = 0;
    int n = ax->ticks < CR_AXIS_MAX_TICKS ? ax->ticks : CR_AXIS_MAX_TICKS;
    for (int i = 0; i < n; i++) {
        double v = cr_chartlayout_axis_tick(ax, i), w;
        cr_chartlayout_tick_label(ax, v, t->locale, true, labels[i], 48);
        cr_text_set(t, SLOT_TICK + i, CR_FONT_TICK, labels[i], &w, NULL);
        maxw = fmax(maxw, w);
    }
    return maxw;
}

/* Horizontal grid lines and their labels left of plot. */
static void draw_y_ticks(cr_text *t, const cr_axis *ax, cr_rect plot)
{
    cairo_t *cr = t->cr;
    int n = ax->ticks < CR_AXIS_MAX_TICKS ? ax->ticks : CR_AXIS_MAX_TICKS;
    cairo_set_line_width(cr, 0.75);
    cr_text_rgb(cr, CR_COLOR_GRID);
    for (int i = 0; i < n; i++) {
        double y = cr_chartlayout_value_y(ax, plot, cr_chartlayout_axis_tick(ax, i));
        cairo_move_to(cr, plot.x, y);
        cairo_line_to(cr, plot.x + plot.w, y);
    }
    cairo_stroke(cr);
    cr_text_rgb(cr, CR_COLOR_MUTED);
    for (int i = 0; i < n; i++) {
        double y = cr_chartlayout_value_y(ax, plot, cr_chartlayout_axis_tick(ax, i));
        cr_text_show(t, t->pool[SLOT_TICK + i], plot.x - TICK_GAP, y, CR_ALIGN_RIGHT,
                     CR_VALIGN_MIDDLE);
    }
}

/* The axis line at zero (or the bottom when zero is off the axis). */
static void draw_baseline(cr_text *t, const cr_axis *ax, cr_rect plot)
{
    double zero = ax->min > 0 ? ax->min : ax->max < 0 ? ax->max : 0;
    double y = cr_chartlayout_value_y(ax, plot, zero);
    cr_text_rgb(t->cr, 0x9CA3AF);
    cairo_set_line_width(t->cr, 1);
    cairo_move_to(t->cr, plot.x, y);
    cairo_line_to(t->cr, plot.x + plot.w, y);
    cairo_stroke(t->cr);
}

/* Rotated y-axis title centred on the plot, at x. */
static void draw_y_title(cr_text *t, const char *title, double x, cr_rect plot)
{
    if (!title || !*title)
        return;
    cairo_t *cr = t->cr;
    cairo_save(cr);
    cairo_translate(cr, x, plot.y + plot.h / 2);
    cairo_rotate(cr, -M_PI / 2);
    cr_text_rgb(cr, CR_COLOR_MUTED);
    cr_text_draw_fit(t, CR_FONT_AXIS_TITLE, title, 0, 0, plot.h, CR_ALIGN_CENTER, CR_VALIGN_TOP);
    cairo_restore(cr);
}

/* Labels under anchors x[i] (n of them, texts label(i)) fitted by
 * cr_chartlayout_fit_labels; the widths were measured into SLOT_CAT + i.
 * Returns the depth the labels take below y. */
typedef struct xlabels {
    cr_label_fit fit;
    double depth;
    double maxw;
} xlabels;

static void fit_x_labels(cr_text *t, const char *texts, size_t n, double band, xlabels *xl,
                         double *widths)
{
    xl->maxw = 0;
    for (size_t i = 0; i < n; i++) {
        cr_text_set(t, SLOT_CAT + i < SLOT_VALUE ? SLOT_CAT + (int)i : -1, CR_FONT_TICK,
                    texts + i * LABEL_MAX, &widths[i], NULL);
        xl->maxw = fmax(xl->maxw, widths[i]);
    }
    double lh = t->line_height[CR_FONT_TICK];
    cr_chartlayout_fit_labels(widths, n, band, lh, ROT_MAX_DEPTH, &xl->fit);
    /* a few wide bands read better level, with the odd long name cut short */
    if (xl->fit.rotated && xl->fit.every == 1 && n <= 6 && band >= 72) {
        xl->fit.mode = CR_LABELS_HORIZONTAL;
        xl->fit.rotated = false;
        xl->fit.max_width = band - CR_LABEL_GAP;
    }
    if (xl->fit.rotated)
        xl->depth = (fmin(xl->maxw, xl->fit.max_width) + lh) * M_SQRT1_2 + 6;
    else
        xl->depth = lh + 6;
}

static void draw_x_labels(cr_text *t, const char *texts, size_t n, double x0, double step,
                          double y, const xlabels *xl, const double *widths)
{
    cairo_t *cr = t->cr;
    cr_text_measure_ctx m = {t, CR_FONT_TICK};
    char cut[LABEL_MAX + 4];
    cr_text_rgb(cr, CR_COLOR_INK);
    for (size_t i = 0; i < n; i++) {
        if (xl->fit.every > 1 && i % (size_t)xl->fit.every != 0)
            continue;
        const char *s = texts + i * LABEL_MAX;
        double x = x0 + step * (double)i;
        PangoLayout *ly;
        if (widths[i] > xl->fit.max_width + 0.01) {
            cr_chartlayout_ellipsize(s, strlen(s), xl->fit.max_width, cr_text_measure, &m, cut,
                                     sizeof cut);
            ly = cr_text_set(t, -1, CR_FONT_TICK, cut, NULL, NULL);
        } else if (SLOT_CAT + i < SLOT_VALUE) {
            ly = t->pool[SLOT_CAT + i];
        } else {
            ly = cr_text_set(t, -1, CR_FONT_TICK, s, NULL, NULL);
        }
        if (xl->fit.rotated) {
            cairo_save(cr);
            cairo_translate(cr, x + 2, y + 3);
            cairo_rotate(cr, -M_PI / 4);
            cr_text_show(t, ly, 0, 0, CR_ALIGN_RIGHT, CR_VALIGN_MIDDLE);
            cairo_restore(cr);
        } else {
            cr_text_show(t, ly, x, y + 4, CR_ALIGN_CENTER, CR_VALIGN_TOP);
        }
    }
}

static void draw_threshold(cr_text *t, const cr_chart *c, const cr_axis *ax, cr_rect plot,
                           const char *tag)
{
    cairo_t *cr = t->cr;
    double y = cr_chartlayout_value_y(ax, plot, c->threshold);
    cr_text_rgb(cr, CR_COLOR_THRESHOLD);
    cairo_set_line_width(cr, 1.75);
    cairo_set_dash(cr, dash_pattern, 2, 0);
    cairo_move_to(cr, plot.x, y);
    cairo_line_to(cr, plot.x + plot.w, y);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    /* the value as a tag right of the plot, where no bar or label can be
     * (measured into SLOT_TAG by the caller) */
    (void)tag;
    cr_text_show(t, t->pool[SLOT_TAG], plot.x + plot.w + 4, y, CR_ALIGN_LEFT, CR_VALIGN_MIDDLE);
}

static int target_ticks(double h)
{
    int n = (int)lround(h / 46) + 1;
    return n < 3 ? 3 : n > 8 ? 8 : n;
}

/* ---- bar, stacked bar, line ------------------------------------------------ */

/* The x axis title, centred under the plot at the bottom of the area. */
static void draw_x_title(cr_text *t, const cr_chart *c, cr_rect plot, cr_rect area)
{
    if (!c->x_title || !*c->x_title)
        return;
    cr_text_rgb(t->cr, CR_COLOR_MUTED);
    cr_text_draw_fit(t, CR_FONT_AXIS_TITLE, c->x_title, plot.x + plot.w / 2, area.y + area.h,
                     plot.w, CR_ALIGN_CENTER, CR_VALIGN_BOTTOM);
}

/* Where a point's label goes so the line does not cross it: above a peak,
 * below a trough, and on a slope in the quadrant the two segments leave free
 * (upper left when rising, upper right when falling). A missing neighbour
 * mirrors the other one. */
static void line_label_place(const double *values, size_t n_cat, size_t n_ser, size_t k,
                             double px, double py, double w, double h, double *x, double *y)
{
    size_t c = k / n_ser, s = k % n_ser;
    double v = values[k];
    double prev = c > 0 ? values[(c - 1) * n_ser + s] : NAN;
    double next = c + 1 < n_cat ? values[(c + 1) * n_ser + s] : NAN;
    if (!isfinite(prev))
        prev = isfinite(next) ? 2 * v - next : v;
    if (!isfinite(next))
        next = 2 * v - prev;
    *x = px - w / 2;
    *y = py - h - 4;
    if (v >= prev && v >= next) {
        return; /* a peak (or flat): above */
    } else if (v <= prev && v <= next) {
        *y = py + 4; /* a trough: below */
    } else if (next > v) {
        *x = px - w - 3; /* rising: upper left */
        *y = py - h - 1;
    } else {
        *x = px + 3; /* falling: upper right */
        *y = py - h - 1;
    }
}

static int draw_category_chart(cr_text *t, const cr_report *r, const cr_chart *c, cr_rect area,
                               cr_error *err)
{
    cairo_t *cr = t->cr;
    size_t n_ser = c->series_count;
    size_t cols[64] = {0};
    if (n_ser > 64)
        n_ser = 64;
    for (size_t s = 0; s < n_ser; s++)
        cols[s] = c->series[s].column;
    chart_data d;
    int rc = data_load(&d, r, c, n_ser, cols, err);
    if (rc)
        return rc;
    size_t nv = d.n_cat * n_ser;
    if (nv == 0 || !any_finite(d.values, nv)) {
        cr_chart_draw_no_data(t, c->title, area);
        free(d.block);
        return 0;
    }
    draw_title(t, c->title, &area);

    char tag[64] = "";
    if (c->has_threshold)
        format_value(r, &c->value_format, c->threshold, tag, sizeof tag);
    legend_entry le[17];
    size_t nle = 0;
    bool is_line = c->type == CR_CHART_LINE;
    if (n_ser > 1 || c->has_threshold) {
        for (size_t s = 0; s < n_ser && nle < 16; s++)
            le[nle++] = (legend_entry){c->series[s].label ? c->series[s].label : "",
                                       series_color(c, s), is_line ? SW_LINE : SW_BOX};
        if (c->has_threshold && nle < 17)
            le[nle++] = (legend_entry){c->threshold_label && *c->threshold_label
                                           ? c->threshold_label : tag,
                                       CR_COLOR_THRESHOLD, SW_DASH};
        /* a narrow chart keeps its width for the plot: legend below */
        draw_legend(t, le, nle, area.w < 360 ? CR_LEGEND_BOTTOM : CR_LEGEND_AUTO, &area);
    }

    /* the axis: every value (or stacked sums), the threshold, zero for bars */
    unsigned flags = c->value_format.kind == CR_FORMAT_PERCENT ? CR_AXIS_PERCENT : 0;
    double lo = INFINITY, hi = -INFINITY;
    if (c->type == CR_CHART_STACKED) {
        cr_chartlayout_stack_extent(d.values, d.n_cat, n_ser, &lo, &hi);
    } else {
        for (size_t i = 0; i < nv; i++)
            if (isfinite(d.values[i])) {
                lo = fmin(lo, d.values[i]);
                hi = fmax(hi, d.values[i]);
            }
    }
    if (c->has_threshold && isfinite(c->threshold)) {
        lo = fmin(lo, c->threshold);
        hi = fmax(hi, c->threshold);
    }
    if (!is_line)
        flags |= CR_AXIS_INCLUDE_ZERO;
    double lh_tick = t->line_height[CR_FONT_TICK], lh_val = t->line_height[CR_FONT_VALUE];
    bool has_x_title = c->x_title && *c->x_title, has_y_title = c->y_title && *c->y_title;
    double top_room = (c->value_labels ? lh_val + 4 : 6) + (c->marker_count ? lh_tick + 6 : 0);
    cr_axis ax;
    cr_chartlayout_axis_range(lo, hi, flags, target_ticks(area.h - top_room - 40), &ax);

    char ticks[CR_AXIS_MAX_TICKS][48];
    double tick_w = measure_ticks(t, &ax, ticks);
    double left = tick_w + TICK_GAP + (has_y_title ? t->line_height[CR_FONT_AXIS_TITLE] + 6 : 0);
    double right = 8;
    if (c->has_threshold) {
        double w;
        cr_text_set(t, SLOT_TAG, CR_FONT_TICK, tag, &w, NULL);
        right = w + 8;
    }
    cr_rect plot = {area.x + left, area.y + top_room, area.w - left - right, 0};
    if (plot.w < 20)
        plot.w = 20;
    double band = plot.w / (double)d.n_cat;
    xlabels xl;
    fit_x_labels(t, d.cat, d.n_cat, band, &xl, d.widths);
    double bottom = xl.depth + (has_x_title ? t->line_height[CR_FONT_AXIS_TITLE] + 6 : 0);
    plot.h = fmax(10, area.y + area.h - bottom - plot.y);

    draw_y_ticks(t, &ax, plot);
    draw_y_title(t, c->y_title, area.x, plot);

    /* data */
    size_t nbox = 0;
    if (!is_line) {
        cr_bar_mode mode = c->type == CR_CHART_STACKED ? CR_BARS_STACKED : CR_BARS_GROUPED;
        cr_chartlayout_bars(d.values, d.n_cat, n_ser, mode, &ax, plot, CR_BAR_FILL, d.rects);
        for (size_t s = 0; s < n_ser; s++) {
            cr_text_rgb(cr, series_color(c, s));
            for (size_t i = 0; i < d.n_cat; i++) {
                cr_rect b = d.rects[i * n_ser + s];
                if (b.h > 0 && b.w > 0)
                    cairo_rectangle(cr, b.x, b.y, b.w, b.h);
            }
            cairo_fill(cr);
        }
    } else {
        cairo_set_line_width(cr, 2.25);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        double rdot = d.n_cat <= 31 ? 3 : 0;
        for (size_t s = 0; s < n_ser; s++) {
            cr_text_rgb(cr, series_color(c, s));
            bool pen = false;
            for (size_t i = 0; i < d.n_cat; i++) {
                double v = d.values[i * n_ser + s];
                double x = cr_chartlayout_band_center(plot, d.n_cat, i);
                double y = cr_chartlayout_value_y(&ax, plot, v);
                d.rects[i * n_ser + s] = (cr_rect){x, y, 0, 0};
                if (!isfinite(v)) {
                    pen = false;
                    continue;
                }
                if (pen)
                    cairo_line_to(cr, x, y);
                else
                    cairo_move_to(cr, x, y);
                pen = true;
            }
            cairo_stroke(cr);
            for (size_t i = 0; rdot > 0 && i < d.n_cat; i++) {
                if (!isfinite(d.values[i * n_ser + s]))
                    continue;
                cr_rect p = d.rects[i * n_ser + s];
                cairo_new_sub_path(cr);
                cairo_arc(cr, p.x, p.y, rdot, 0, 2 * M_PI);
            }
            cairo_fill(cr);
        }
    }
    draw_baseline(t, &ax, plot);

    /* the threshold under the value labels, which have a white backing */
    if (c->has_threshold && isfinite(c->threshold))
        draw_threshold(t, c, &ax, plot, tag);

    /* value labels: above (below for negatives) bars and points, collisions
     * settled by chartlayout; inside the segments of stacked bars */
    if (c->value_labels) {
        for (size_t k = 0; k < nv; k++) {
            double v = d.values[k];
            char *lab = d.vlab + k * LABEL_MAX;
            lab[0] = '\0';
            if (!isfinite(v))
                continue;
            format_value(r, &c->value_format, v, lab, LABEL_MAX);
        }
        if (c->type == CR_CHART_STACKED) {
            for (size_t k = 0; k < nv; k++) {
                cr_rect b = d.rects[k];
                double w;
                if (!d.vlab[k * LABEL_MAX] || d.values[k] == 0)
                    continue;
                PangoLayout *ly = cr_text_set(t, -1, CR_FONT_VALUE, d.vlab + k * LABEL_MAX, &w,
                                              NULL);
                if (b.h < lh_val + 2 || b.w < w + 4)
                    continue; /* does not fit its segment: the axis tells */
                cr_text_rgb(cr, text_on(series_color(c, k % n_ser)));
                cr_text_show(t, ly, b.x + b.w / 2, b.y + b.h / 2, CR_ALIGN_CENTER,
                             CR_VALIGN_MIDDLE);
            }
        } else {
            for (size_t k = 0; k < nv; k++) {
                double w = 0, h = lh_val, v = d.values[k];
                if (isfinite(v))
                    cr_text_set(t, SLOT_VALUE + k < SLOT_LEGEND ? SLOT_VALUE + (int)k : -1,
                                CR_FONT_VALUE, d.vlab + k * LABEL_MAX, &w,
                                &h);
                cr_rect b = d.rects[k];
                double cx = b.x + b.w / 2;
                double y = (v < 0 && !is_line) ? b.y + b.h + 2 : b.y - h - 1;
                double x = cx - w / 2;
                if (is_line && isfinite(v))
                    line_label_place(d.values, d.n_cat, n_ser, k, b.x, b.y, w, h, &x, &y);
                d.boxes[k] = (cr_label_box){{x, y, w, h}, v, false};
            }
            nbox = nv;
            if (cr_chartlayout_resolve_labels(d.boxes, nbox, lh_val * 0.6,
                                              plot.y - top_room) < 0) {
                free(d.block);
                return cr_error_set(err, CR_EX_NOMEM, NULL, 0, 0, "out of memory drawing a chart");
            }
            for (size_t k = 0; k < nbox; k++) {
                if (!d.boxes[k].visible)
                    continue;
                PangoLayout *ly = SLOT_VALUE + k < SLOT_LEGEND
                                      ? t->pool[SLOT_VALUE + k]
                                      : cr_text_set(t, -1, CR_FONT_VALUE, d.vlab + k * LABEL_MAX,
                                                    NULL, NULL);
                cr_rect bx = d.boxes[k].r;
                if (is_line || c->has_threshold) {
                    /* a white backing keeps the label readable over lines */
                    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
                    cairo_rectangle(cr, bx.x - 1.5, bx.y, bx.w + 3, bx.h);
                    cairo_fill(cr);
                }
                cr_text_rgb(cr, is_line ? series_color(c, k % n_ser) : CR_COLOR_INK);
                cr_text_show(t, ly, bx.x, bx.y, CR_ALIGN_LEFT, CR_VALIGN_TOP);
            }
        }
    }

    /* event markers: a dotted rule at the category, its label in the top strip */
    if (c->marker_count) {
        cr_label_box mb[32];
        size_t nm = c->marker_count < 32 ? c->marker_count : 32;
        double strip = plot.y - top_room;
        for (size_t m = 0; m < nm; m++) {
            size_t cat = c->markers[m].category;
            double w, x = cat < d.n_cat ? cr_chartlayout_band_center(plot, d.n_cat, cat) : NAN;
            cr_text_set(t, -1, CR_FONT_TICK, c->markers[m].label, &w, NULL);
            w = fmin(w, 140);
            mb[m] = (cr_label_box){{x - w / 2, strip, w, lh_tick}, isfinite(x) ? (double)(nm - m) : NAN,
                                   false};
            if (isfinite(x)) {
                cr_text_rgb(cr, CR_COLOR_MUTED);
                cairo_set_line_width(cr, 1);
                cairo_set_dash(cr, (const double[]){2, 3}, 2, 0);
                cairo_move_to(cr, x, strip + lh_tick + 2);
                cairo_line_to(cr, x, plot.y + plot.h);
                cairo_stroke(cr);
                cairo_set_dash(cr, NULL, 0, 0);
            }
        }
        /* keep labels inside the chart horizontally, then settle overlaps */
        for (size_t m = 0; m < nm; m++) {
            if (mb[m].r.x < area.x)
                mb[m].r.x = area.x;
            if (mb[m].r.x + mb[m].r.w > area.x + area.w)
                mb[m].r.x = area.x + area.w - mb[m].r.w;
        }
        cr_chartlayout_resolve_labels(mb, nm, lh_tick, strip - lh_tick);
        cr_text_rgb(cr, CR_COLOR_INK);
        for (size_t m = 0; m < nm; m++)
            if (mb[m].visible)
                cr_text_draw_fit(t, CR_FONT_TICK, c->markers[m].label, mb[m].r.x, mb[m].r.y,
                                 mb[m].r.w + 0.5, CR_ALIGN_LEFT, CR_VALIGN_TOP);
    }

    draw_x_labels(t, d.cat, d.n_cat, plot.x + band / 2, plot.w / (double)d.n_cat,
                  plot.y + plot.h, &xl, d.widths);
    draw_x_title(t, c, plot, area);
    free(d.block);
    return 0;
}

/* ---- histogram ------------------------------------------------------------- */

static int draw_histogram(cr_text *t, const cr_report *r, const cr_chart *c, cr_rect area,
                          cr_error *err)
{
    cairo_t *cr = t->cr;
    size_t col = c->series_count ? c->series[0].column : 0;
    chart_data d;
    int rc = data_load(&d, r, c, 1, &col, err);
    if (rc)
        return rc;
    cr_histogram h;
    cr_chartlayout_histogram(d.values, d.n_cat, c->value_format.kind == CR_FORMAT_INTEGER, &h);
    if (h.bins == 0) {
        cr_chart_draw_no_data(t, c->title, area);
        free(d.block);
        return 0;
    }
    draw_title(t, c->title, &area);
    double counts[CR_HISTOGRAM_MAX_BINS];
    size_t maxc = 0;
    for (size_t i = 0; i < h.bins; i++) {
        counts[i] = (double)h.counts[i];
        if (h.counts[i] > maxc)
            maxc = h.counts[i];
    }
    cr_axis ax;
    /* counts are whole numbers: an axis to at least 4 never steps by halves */
    cr_chartlayout_axis_range(0, (double)(maxc > 4 ? maxc : 4), CR_AXIS_INCLUDE_ZERO,
                              target_ticks(area.h - 60), &ax);
    char ticks[CR_AXIS_MAX_TICKS][48];
    bool has_x_title = c->x_title && *c->x_title, has_y_title = c->y_title && *c->y_title;
    double tick_w = measure_ticks(t, &ax, ticks);
    double lh_val = t->line_height[CR_FONT_VALUE];
    double left = tick_w + TICK_GAP + (has_y_title ? t->line_height[CR_FONT_AXIS_TITLE] + 6 : 0);
    double top_room = c->value_labels ? lh_val + 4 : 6;
    cr_rect plot = {area.x + left, area.y + top_room, fmax(20, area.w - left - 12), 0};

    /* bin edges as labels, at the edges */
    char edges[(CR_HISTOGRAM_MAX_BINS + 1) * LABEL_MAX];
    int dec = h.width_exponent < 0 ? -h.width_exponent : 0;
    double ew[CR_HISTOGRAM_MAX_BINS + 1];
    for (size_t i = 0; i <= h.bins; i++)
        cr_numfmt_decimal(t->locale, cr_chartlayout_histogram_edge(&h, i), dec,
                          edges + i * LABEL_MAX, LABEL_MAX);
    xlabels xl;
    double band = plot.w / (double)h.bins;
    fit_x_labels(t, edges, h.bins + 1, band, &xl, ew);
    double bottom = xl.depth + (has_x_title ? t->line_height[CR_FONT_AXIS_TITLE] + 6 : 0);
    plot.h = fmax(10, area.y + area.h - bottom - plot.y);

    draw_y_ticks(t, &ax, plot);
    draw_y_title(t, c->y_title, area.x, plot);
    cr_rect bars[CR_HISTOGRAM_MAX_BINS];
    cr_chartlayout_bars(counts, h.bins, 1, CR_BARS_GROUPED, &ax, plot, 1.0, bars);
    uint32_t color = series_color(c, 0);
    cr_text_rgb(cr, color);
    for (size_t i = 0; i < h.bins; i++)
        if (bars[i].h > 0)
            cairo_rectangle(cr, bars[i].x + 0.75, bars[i].y, bars[i].w - 1.5, bars[i].h);
    cairo_fill(cr);
    draw_baseline(t, &ax, plot);
    if (c->value_labels) {
        cr_text_rgb(cr, CR_COLOR_INK);
        for (size_t i = 0; i < h.bins; i++) {
            char buf[32];
            if (!h.counts[i])
                continue;
            cr_numfmt_int(t->locale, (long long)h.counts[i], buf, sizeof buf);
            cr_text_draw(t, CR_FONT_VALUE, buf, bars[i].x + bars[i].w / 2, bars[i].y - 1,
                         CR_ALIGN_CENTER, CR_VALIGN_BOTTOM);
        }
    }
    draw_x_labels(t, edges, h.bins + 1, plot.x, plot.w / (double)h.bins, plot.y + plot.h, &xl,
                  ew);
    draw_x_title(t, c, plot, area);
    free(d.block);
    return 0;
}

/* ---- doughnut -------------------------------------------------------------- */

static int draw_doughnut(cr_text *t, const cr_report *r, const cr_chart *c, cr_rect area,
                         cr_error *err)
{
    cairo_t *cr = t->cr;
    size_t col = c->series_count ? c->series[0].column : 1;
    chart_data d;
    int rc = data_load(&d, r, c, 1, &col, err);
    if (rc)
        return rc;
    cr_slice *sl = malloc((d.n_cat + 1) * sizeof *sl);
    if (!sl) {
        free(d.block);
        return cr_error_set(err, CR_EX_NOMEM, NULL, 0, 0, "out of memory drawing a chart");
    }
    size_t ns = d.n_cat ? cr_chartlayout_doughnut(d.values, d.n_cat, CR_SLICE_MERGE_BELOW, sl) : 0;
    if (ns == 0) {
        cr_chart_draw_no_data(t, c->title, area);
        goto out;
    }
    draw_title(t, c->title, &area);

    /* legend: name and share of each slice, in a column on the right */
    legend_entry le[16];
    char texts[16][LABEL_MAX + 24];
    size_t nle = ns < 16 ? ns : 16;
    double total = 0;
    for (size_t i = 0; i < ns; i++)
        total += sl[i].value;
    for (size_t i = 0; i < nle; i++) {
        char pct[32];
        cr_numfmt_percent(t->locale, sl[i].fraction, 1, pct, sizeof pct);
        const char *name = sl[i].index == CR_SLICE_OTHER ? word(t->locale, W_OTHER)
                                                         : d.cat + sl[i].index * LABEL_MAX;
        snprintf(texts[i], sizeof texts[i], "%s  %s", name, pct);
        le[i] = (legend_entry){texts[i],
                               sl[i].index == CR_SLICE_OTHER ? 0xBBBBBB : cr_deck_palette(i),
                               SW_BOX};
    }
    cr_rect plot = area;
    draw_legend(t, le, nle, CR_LEGEND_RIGHT, &plot);
    double radius = fmin(plot.w, plot.h) / 2 - 4;
    if (radius < 10)
        radius = 10;
    double cx = plot.x + plot.w / 2, cy = plot.y + plot.h / 2, inner = radius * 0.6;
    for (size_t i = 0; i < ns; i++) {
        cr_text_rgb(cr, le[i < 16 ? i : 15].color);
        cairo_new_path(cr);
        cairo_arc(cr, cx, cy, radius, sl[i].start_angle, sl[i].end_angle);
        cairo_arc_negative(cr, cx, cy, inner, sl[i].end_angle, sl[i].start_angle);
        cairo_close_path(cr);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, 1.5);
        cairo_stroke(cr);
    }
    /* shares on the slices wide enough to hold them */
    for (size_t i = 0; i < ns; i++) {
        if (sl[i].fraction < 0.06)
            continue;
        char pct[32];
        cr_numfmt_percent(t->locale, sl[i].fraction, 0, pct, sizeof pct);
        double mid = (sl[i].start_angle + sl[i].end_angle) / 2, rm = (radius + inner) / 2;
        cr_text_rgb(cr, text_on(le[i < 16 ? i : 15].color));
        cr_text_draw(t, CR_FONT_VALUE, pct, cx + rm * cos(mid), cy + rm * sin(mid),
                     CR_ALIGN_CENTER, CR_VALIGN_MIDDLE);
    }
    /* the total in the hole */
    char tot[64];
    format_value(r, &c->value_format, total, tot, sizeof tot);
    double w;
    cr_font f = CR_FONT_KPI_VALUE;
    cr_text_set(t, -1, f, tot, &w, NULL);
    if (w > inner * 1.6)
        f = CR_FONT_HEADING;
    cr_text_rgb(cr, CR_COLOR_INK);
    cr_text_draw_fit(t, f, tot, cx, cy + 2, inner * 1.7, CR_ALIGN_CENTER, CR_VALIGN_BOTTOM);
    cr_text_rgb(cr, CR_COLOR_MUTED);
    cr_text_draw(t, CR_FONT_NOTE, word(t->locale, W_TOTAL), cx, cy + 4, CR_ALIGN_CENTER,
                 CR_VALIGN_TOP);
out:
    free(sl);
    free(d.block);
    return 0;
}

/* ---- bullet ---------------------------------------------------------------- */

static int draw_bullet(cr_text *t, const cr_report *r, const cr_chart *c, cr_rect area,
                       cr_error *err)
{
    cairo_t *cr = t->cr;
    const size_t cols[3] = {c->bullet_actual, c->bullet_baseline, c->bullet_agreed};
    chart_data d;
    int rc = data_load(&d, r, c, 3, cols, err);
    if (rc)
        return rc;
    if (d.n_cat == 0 || !any_finite(d.values, d.n_cat * 3)) {
        cr_chart_draw_no_data(t, c->title, area);
        free(d.block);
        return 0;
    }
    draw_title(t, c->title, &area);
    const cr_table *tb = c->table;
    const char *names[3];
    for (int k = 0; k < 3; k++)
        names[k] = cols[k] < tb->column_count && tb->columns[cols[k]].header
                       ? tb->columns[cols[k]].header : "";
    legend_entry le[3] = {{names[0], CR_COLOR_ACCENT, SW_BOX},
                          {names[1], CR_COLOR_INK, SW_TICK},
                          {names[2], 0xCBD5E1, SW_BOX}};
    /* rows at most 44 high: the legend goes right under them, not at the bottom */
    double needed = 44 * (double)d.n_cat + t->line_height[CR_FONT_TICK] + 8 +
                    fmax(SWATCH, t->line_height[CR_FONT_TICK]) + CR_LEGEND_GAP + 8;
    if (area.h > needed)
        area.h = needed;
    draw_legend(t, le, 3, CR_LEGEND_BOTTOM, &area);

    double maxw = 0;
    for (size_t i = 0; i < d.n_cat; i++) {
        double w;
        cr_text_set(t, -1, CR_FONT_TICK, d.cat + i * LABEL_MAX, &w, NULL);
        maxw = fmax(maxw, w);
    }
    double label_w = fmin(maxw, area.w * 0.28);
    cr_axis ax;
    cr_chartlayout_axis(d.values, d.n_cat * 3, CR_AXIS_INCLUDE_ZERO |
                        (c->value_format.kind == CR_FORMAT_PERCENT ? CR_AXIS_PERCENT : 0),
                        (int)fmin(8, fmax(3, area.w / 110)), &ax);
    double lh = t->line_height[CR_FONT_TICK];
    cr_rect plot = {area.x + label_w + 10, area.y, 0, area.h - lh - 8};
    plot.w = fmax(20, area.x + area.w - plot.x - 40); /* room for the actual's label */
    double row_h = fmin(44, plot.h / (double)d.n_cat);
    plot.h = row_h * (double)d.n_cat;

    /* vertical grid and tick labels under the rows */
    int nt = ax.ticks < CR_AXIS_MAX_TICKS ? ax.ticks : CR_AXIS_MAX_TICKS;
    cairo_set_line_width(cr, 0.75);
    for (int i = 0; i < nt; i++) {
        char buf[48];
        double v = cr_chartlayout_axis_tick(&ax, i), x = cr_chartlayout_value_x(&ax, plot, v);
        cr_text_rgb(cr, CR_COLOR_GRID);
        cairo_move_to(cr, x, plot.y);
        cairo_line_to(cr, x, plot.y + plot.h);
        cairo_stroke(cr);
        cr_chartlayout_tick_label(&ax, v, t->locale, true, buf, sizeof buf);
        cr_text_rgb(cr, CR_COLOR_MUTED);
        cr_text_draw(t, CR_FONT_TICK, buf, x, plot.y + plot.h + 4, CR_ALIGN_CENTER,
                     CR_VALIGN_TOP);
    }
    double x0 = cr_chartlayout_value_x(&ax, plot, 0);
    for (size_t i = 0; i < d.n_cat; i++) {
        double act = d.values[i * 3], base = d.values[i * 3 + 1], agreed = d.values[i * 3 + 2];
        double yc = plot.y + row_h * ((double)i + 0.5);
        cr_text_rgb(cr, CR_COLOR_INK);
        cr_text_draw_fit(t, CR_FONT_TICK, d.cat + i * LABEL_MAX, area.x, yc, label_w + 0.5,
                         CR_ALIGN_LEFT, CR_VALIGN_MIDDLE);
        double band_h = row_h * 0.62, bar_h = row_h * 0.3;
        if (isfinite(agreed)) {
            cr_text_rgb(cr, 0xCBD5E1);
            double xa = cr_chartlayout_value_x(&ax, plot, agreed);
            cairo_rectangle(cr, fmin(x0, xa), yc - band_h / 2, fabs(xa - x0), band_h);
            cairo_fill(cr);
        }
        if (isfinite(act)) {
            /* over the agreed count is the true-up case: the status colour */
            bool over = isfinite(agreed) && act > agreed;
            cr_text_rgb(cr, over ? cr_deck_status_color(CR_STATUS_BAD) : CR_COLOR_ACCENT);
            double xv = cr_chartlayout_value_x(&ax, plot, act);
            cairo_rectangle(cr, fmin(x0, xv), yc - bar_h / 2, fabs(xv - x0), bar_h);
            cairo_fill(cr);
            char buf[LABEL_MAX];
            format_value(r, &c->value_format, act, buf, sizeof buf);
            double bx = fmax(xv, isfinite(agreed) ? cr_chartlayout_value_x(&ax, plot, agreed) : xv);
            bx = fmax(bx, isfinite(base) ? cr_chartlayout_value_x(&ax, plot, base) : bx);
            cr_text_rgb(cr, CR_COLOR_INK);
            cr_text_draw(t, CR_FONT_VALUE, buf, bx + 5, yc, CR_ALIGN_LEFT, CR_VALIGN_MIDDLE);
        }
        if (isfinite(base)) {
            cr_text_rgb(cr, CR_COLOR_INK);
            double xb = cr_chartlayout_value_x(&ax, plot, base);
            cairo_rectangle(cr, xb - 1.25, yc - band_h / 2 - 1, 2.5, band_h + 2);
            cairo_fill(cr);
        }
    }
    cr_text_rgb(cr, 0x9CA3AF);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, x0, plot.y);
    cairo_line_to(cr, x0, plot.y + plot.h);
    cairo_stroke(cr);
    free(d.block);
    return 0;
}

int cr_chart_draw(cr_text *t, const cr_report *r, const cr_chart *c, cr_rect area, cr_error *err)
{
    cairo_save(t->cr);
    cairo_rectangle(t->cr, area.x - 2, area.y - 2, area.w + 4, area.h + 4);
    cairo_clip(t->cr);
    int rc;
    if (!c->table) {
        cr_chart_draw_no_data(t, c->title, area);
        rc = 0;
    } else {
        switch (c->type) {
        case CR_CHART_DOUGHNUT:
            rc = draw_doughnut(t, r, c, area, err);
            break;
        case CR_CHART_BULLET:
            rc = draw_bullet(t, r, c, area, err);
            break;
        case CR_CHART_HISTOGRAM:
            rc = draw_histogram(t, r, c, area, err);
            break;
        default:
            rc = draw_category_chart(t, r, c, area, err);
        }
    }
    cairo_restore(t->cr);
    return rc;
}
