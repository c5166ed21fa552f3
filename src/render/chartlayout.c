/* chartlayout.c - axis scales, label fitting, legends, bars, histogram bins and
 * doughnut slices; pure geometry, see chartlayout.h.
 *
 * Values that end up as text (ticks, bin edges) are computed as an integer
 * times a power of ten, never by repeated addition of a binary step, so they
 * print as the decimals a reader expects.
 */
#include "csmreport/chartlayout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EPS 1e-9 /* slack for quotients that should be whole numbers */
#define HUGE_LIMIT 1e300 /* magnitudes are clamped here so ranges stay finite */
#define TINY_LIMIT 1e-300 /* below this a magnitude counts as zero */
#define SQRT2 1.4142135623730951
#define PI 3.14159265358979323846

static double clamp(double v, double a, double b)
{
    return v < a ? a : v > b ? b : v;
}

/* 10^e, exact for |e| <= 22 (powers of ten that a double holds exactly). */
static double pow10i(int e)
{
    static const double exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    if (e >= 0 && e <= 22)
        return exact[e];
    return pow(10.0, e);
}

/* k x 10^e with one rounding: dividing by an exact 10^-e gives the double
 * nearest to the decimal (0.3, where 3 * 0.1 would give 0.30000000000000004). */
static double scaled(double k, int e)
{
    return e >= 0 ? k * pow10i(e) : k / pow10i(-e);
}

/* Heckbert's nicenum as mantissa (1, 2, 5) and exponent. x > 0 and finite. */
static void nice(double x, bool round, int *mantissa, int *exponent)
{
    int e, m;
    double f;

    x = clamp(x, TINY_LIMIT, HUGE_LIMIT);
    e = (int)floor(log10(x));
    f = e >= 0 ? x / pow10i(e) : x * pow10i(-e);

    /* log10 may be off by one next to a power of ten */
    if (f >= 10.0) {
        e++;
        f /= 10.0;
    } else if (f < 1.0) {
        e--;
        f *= 10.0;
    }
    if (round)
        m = f < 1.5 - EPS ? 1 : f < 3.0 - EPS ? 2 : f < 7.0 - EPS ? 5 : 10;
    else
        m = f <= 1.0 + EPS ? 1 : f <= 2.0 + EPS ? 2 : f <= 5.0 + EPS ? 5 : 10;
    if (m == 10) {
        m = 1;
        e++;
    }
    *mantissa = m;
    *exponent = e;
}

double cr_chartlayout_nice_number(double x, bool round)
{
    int m, e;

    if (!(x > 0) || !isfinite(x))
        return 0;
    nice(x, round, &m, &e);
    return scaled(m, e);
}

/* ---- axis ---------------------------------------------------------------- */

void cr_chartlayout_axis_range(double lo, double hi, unsigned flags, int target_ticks,
                               cr_axis *out)
{
    int rm, re, m, e;
    double step, kmin, kmax;

    memset(out, 0, sizeof *out);
    out->percent = (flags & CR_AXIS_PERCENT) != 0;
    if (!isfinite(lo) && !isfinite(hi)) {
        out->no_data = true;
        lo = 0;
        hi = 1;
    } else if (!isfinite(lo)) {
        lo = hi;
    } else if (!isfinite(hi)) {
        hi = lo;
    }
    if (lo > hi) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    lo = clamp(lo, -HUGE_LIMIT, HUGE_LIMIT);
    hi = clamp(hi, -HUGE_LIMIT, HUGE_LIMIT);
    if (fabs(lo) < TINY_LIMIT)
        lo = 0;
    if (fabs(hi) < TINY_LIMIT)
        hi = 0;
    /* a range lost in the last digits of its values is one value */
    if (hi - lo <= 1e-12 * fmax(fabs(lo), fabs(hi)))
        hi = lo;
    if (flags & CR_AXIS_INCLUDE_ZERO) {
        lo = lo < 0 ? lo : 0;
        hi = hi > 0 ? hi : 0;
    }
    if (lo == hi) {
        /* one value: show it against zero */
        if (lo == 0)
            hi = 1;
        else if (lo > 0)
            lo = 0;
        else
            hi = 0;
    }
    if (target_ticks < 2)
        target_ticks = CR_AXIS_DEFAULT_TICKS;
    if (target_ticks > CR_AXIS_MAX_TICKS)
        target_ticks = CR_AXIS_MAX_TICKS;

    nice(hi - lo, false, &rm, &re);
    nice(scaled(rm, re) / (target_ticks - 1), true, &m, &e);
    step = scaled(m, e);
    kmin = floor(lo / step + EPS);
    kmax = ceil(hi / step - EPS);
    if (kmax <= kmin)
        kmax = kmin + 1;

    out->step_mantissa = m;
    out->step_exponent = e;
    out->step = step;
    out->min = scaled(kmin * m, e);
    out->max = scaled(kmax * m, e);
    out->ticks = (int)(kmax - kmin) + 1;
    if (out->percent)
        out->decimals = e + 2 < 0 ? -(e + 2) : 0;
    else
        out->decimals = e < 0 ? -e : 0;
}

void cr_chartlayout_axis(const double *values, size_t n, unsigned flags, int target_ticks,
                         cr_axis *out)
{
    double lo = INFINITY, hi = -INFINITY;

    for (size_t i = 0; i < n; i++) {
        if (!isfinite(values[i]))
            continue;
        if (values[i] < lo)
            lo = values[i];
        if (values[i] > hi)
            hi = values[i];
    }
    cr_chartlayout_axis_range(lo, hi, flags, target_ticks, out);
}

double cr_chartlayout_axis_tick(const cr_axis *axis, int i)
{
    double k0 = nearbyint(axis->min / axis->step);
    return scaled((k0 + i) * axis->step_mantissa, axis->step_exponent);
}

int cr_chartlayout_axis_ticks(const cr_axis *axis, double *out, size_t cap)
{
    for (int i = 0; i < axis->ticks && (size_t)i < cap; i++)
        out[i] = cr_chartlayout_axis_tick(axis, i);
    return axis->ticks;
}

int cr_chartlayout_tick_label(const cr_axis *axis, double value, cr_locale loc, bool compact,
                              char *buf, size_t size)
{
    double ref = fmax(fabs(axis->min), fabs(axis->max));

    if (axis->percent)
        return cr_numfmt_percent(loc, value, axis->decimals, buf, size);
    if (compact && ref >= 1e6) {
        int u = cr_numfmt_compact_exponent(loc, ref);
        int digits = axis->step_exponent < u ? u - axis->step_exponent : 0;
        return cr_numfmt_compact(loc, value, ref, digits, buf, size);
    }
    return cr_numfmt_decimal(loc, value, axis->decimals, buf, size);
}

double cr_chartlayout_value_y(const cr_axis *axis, cr_rect plot, double value)
{
    return plot.y + plot.h * (axis->max - value) / (axis->max - axis->min);
}

double cr_chartlayout_value_x(const cr_axis *axis, cr_rect plot, double value)
{
    return plot.x + plot.w * (value - axis->min) / (axis->max - axis->min);
}

/* ---- category labels ------------------------------------------------------ */

static double width_at(const double *widths, size_t i)
{
    return isfinite(widths[i]) && widths[i] > 0 ? widths[i] : 0;
}

/* Horizontal labels 0, k, 2k, ... centred on their bands keep the gap. */
static bool horizontal_fits(const double *widths, size_t n, double band, size_t k)
{
    for (size_t i = 0; i + k < n; i += k)
        if ((width_at(widths, i) + width_at(widths, i + k)) / 2 + CR_LABEL_GAP > k * band)
            return false;
    return true;
}

void cr_chartlayout_fit_labels(const double *widths, size_t n, double band,
                               double line_height, double max_depth, cr_label_fit *out)
{
    double maxw = 0, rot_width;
    double rot_need = (line_height + CR_LABEL_GAP) * SQRT2;

    out->mode = CR_LABELS_HORIZONTAL;
    out->rotated = false;
    out->every = 1;
    for (size_t i = 0; i < n; i++)
        maxw = fmax(maxw, width_at(widths, i));
    out->max_width = maxw;
    if (n <= 1) {
        out->max_width = band;
        return;
    }
    if (horizontal_fits(widths, n, band, 1))
        return;

    /* a 45-degree label of width w and height h reaches (w + h) / sqrt(2) down */
    rot_width = maxw;
    if (max_depth > 0)
        rot_width = fmin(maxw, fmax(0, max_depth * SQRT2 - line_height));
    if (band >= rot_need) {
        out->mode = CR_LABELS_ROTATED;
        out->rotated = true;
        out->max_width = rot_width;
        return;
    }
    out->mode = CR_LABELS_SKIP;
    for (size_t k = 2; k <= n; k++) {
        if (horizontal_fits(widths, n, band, k)) {
            out->every = (int)k;
            return;
        }
        if (k * band >= rot_need) {
            out->rotated = true;
            out->every = (int)k;
            out->max_width = rot_width;
            return;
        }
    }
    out->every = (int)n; /* not reached: k = n always fits horizontally */
}

#define ELLIPSIS "\xE2\x80\xA6"
#define ELLIPSIS_LEN 3

/* Byte offset of code point `count` (UTF-8 lead bytes are the boundaries). */
static size_t cp_offset(const char *s, size_t len, size_t count)
{
    size_t i = 0;

    while (i < len && count > 0) {
        i++;
        while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        count--;
    }
    return i;
}

/* Writes the first `cps` code points of text, less trailing spaces, plus "…"
 * into out; returns its length, or 0 when out is too small. */
static size_t write_cut(const char *text, size_t len, size_t cps, char *out, size_t out_size)
{
    size_t t = cp_offset(text, len, cps);

    while (t > 0 && text[t - 1] == ' ')
        t--;
    if (t + ELLIPSIS_LEN + 1 > out_size)
        return 0;
    memcpy(out, text, t);
    memcpy(out + t, ELLIPSIS, ELLIPSIS_LEN + 1);
    return t + ELLIPSIS_LEN;
}

size_t cr_chartlayout_ellipsize(const char *text, size_t len, double max_width,
                                cr_measure_fn measure, void *ctx, char *out, size_t out_size)
{
    size_t cps = 0, lo, hi, n;

    if (out_size == 0)
        return 0;
    if (len + 1 <= out_size && measure(text, len, ctx) <= max_width) {
        memcpy(out, text, len);
        out[len] = '\0';
        return len;
    }
    out[0] = '\0';
    if (out_size < ELLIPSIS_LEN + 1 || measure(ELLIPSIS, ELLIPSIS_LEN, ctx) > max_width)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)text[i] & 0xC0) != 0x80)
            cps++;

    /* the largest prefix (in code points, below the whole text) that fits */
    lo = 0;
    hi = cps > 0 ? cps - 1 : 0;
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        n = write_cut(text, len, mid, out, out_size);
        if (n > 0 && measure(out, n, ctx) <= max_width)
            lo = mid;
        else
            hi = mid - 1;
    }
    return write_cut(text, len, lo, out, out_size);
}

/* ---- legend ---------------------------------------------------------------- */

/* Sets the x of entries first..last-1 of one bottom row, centred in area. */
static void centre_row(cr_rect area, const double *widths, size_t first, size_t last,
                       double row_w, double y, cr_point *positions)
{
    double x = area.x + (area.w - row_w) / 2;

    if (x < area.x)
        x = area.x;
    for (size_t i = first; i < last; i++) {
        if (positions) {
            positions[i].x = x;
            positions[i].y = y;
        }
        x += width_at(widths, i) + CR_LEGEND_GAP;
    }
}

void cr_chartlayout_legend(cr_rect area, const double *entry_widths, size_t n,
                           double entry_height, cr_legend_pos pos, cr_legend_layout *out,
                           cr_point *positions)
{
    double maxw = 0, col_h, row_w = 0, widest_row = 0, total_h;
    size_t first = 0;
    int rows = 0;

    memset(out, 0, sizeof *out);
    out->plot = area;
    out->box.x = area.x;
    out->box.y = area.y;
    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++)
        maxw = fmax(maxw, width_at(entry_widths, i));
    col_h = n * entry_height + (n - 1) * CR_LEGEND_ROW_GAP;

    if (pos == CR_LEGEND_RIGHT ||
        (pos == CR_LEGEND_AUTO && maxw <= area.w / 4 && col_h <= area.h)) {
        out->right = true;
        out->rows = (int)n;
        out->box.w = maxw;
        out->box.h = col_h;
        out->box.x = area.x + area.w - maxw;
        out->box.y = area.y + fmax(0, (area.h - col_h) / 2);
        out->plot.w = fmax(0, area.w - maxw - CR_LEGEND_GAP);
        for (size_t i = 0; positions && i < n; i++) {
            positions[i].x = out->box.x;
            positions[i].y = out->box.y + i * (entry_height + CR_LEGEND_ROW_GAP);
        }
        return;
    }

    /* rows at the bottom: first count them, then place them from the top */
    for (size_t i = 0; i < n; i++) {
        double w = width_at(entry_widths, i);
        if (i > first && row_w + CR_LEGEND_GAP + w > area.w) {
            widest_row = fmax(widest_row, row_w);
            rows++;
            first = i;
            row_w = w;
        } else {
            row_w += (i > first ? CR_LEGEND_GAP : 0) + w;
        }
    }
    widest_row = fmax(widest_row, row_w);
    rows++;
    total_h = rows * entry_height + (rows - 1) * CR_LEGEND_ROW_GAP;

    out->right = false;
    out->rows = rows;
    out->box.w = fmin(widest_row, area.w);
    out->box.h = total_h;
    out->box.x = area.x + fmax(0, (area.w - widest_row) / 2);
    out->box.y = area.y + area.h - total_h;
    out->plot.h = fmax(0, area.h - total_h - CR_LEGEND_GAP);

    first = 0;
    row_w = 0;
    rows = 0;
    for (size_t i = 0; i < n; i++) {
        double w = width_at(entry_widths, i);
        if (i > first && row_w + CR_LEGEND_GAP + w > area.w) {
            centre_row(area, entry_widths, first, i, row_w,
                       out->box.y + rows * (entry_height + CR_LEGEND_ROW_GAP), positions);
            rows++;
            first = i;
            row_w = w;
        } else {
            row_w += (i > first ? CR_LEGEND_GAP : 0) + w;
        }
    }
    centre_row(area, entry_widths, first, n, row_w,
               out->box.y + rows * (entry_height + CR_LEGEND_ROW_GAP), positions);
}

/* ---- bars ------------------------------------------------------------------ */

void cr_chartlayout_stack_extent(const double *values, size_t n_cat, size_t n_series,
                                 double *lo, double *hi)
{
    *lo = 0;
    *hi = 0;
    for (size_t c = 0; c < n_cat; c++) {
        double pos = 0, neg = 0;
        for (size_t s = 0; s < n_series; s++) {
            double v = values[c * n_series + s];
            if (!isfinite(v))
                continue;
            if (v >= 0)
                pos += v;
            else
                neg += v;
        }
        *hi = fmax(*hi, pos);
        *lo = fmin(*lo, neg);
    }
}

double cr_chartlayout_band_center(cr_rect plot, size_t n_cat, size_t c)
{
    return plot.x + plot.w * (c + 0.5) / (n_cat ? n_cat : 1);
}

/* The rectangle between values from and to, clamped to the plot. */
static cr_rect bar_rect(const cr_axis *axis, cr_rect plot, double x, double w, double from,
                        double to)
{
    double top = plot.y, bottom = plot.y + plot.h;
    double y1 = clamp(cr_chartlayout_value_y(axis, plot, from), top, bottom);
    double y2 = clamp(cr_chartlayout_value_y(axis, plot, to), top, bottom);
    cr_rect r = {x, fmin(y1, y2), w, fabs(y1 - y2)};
    return r;
}

void cr_chartlayout_bars(const double *values, size_t n_cat, size_t n_series,
                         cr_bar_mode mode, const cr_axis *axis, cr_rect plot, double fill,
                         cr_rect *out)
{
    double band, zero;

    if (n_cat == 0 || n_series == 0)
        return;
    if (!(fill > 0 && fill <= 1))
        fill = CR_BAR_FILL;
    band = plot.w / n_cat;
    zero = clamp(0, axis->min, axis->max);
    for (size_t c = 0; c < n_cat; c++) {
        double gw = band * fill;
        double x0 = plot.x + c * band + (band - gw) / 2;
        double pos = zero, neg = zero;
        for (size_t s = 0; s < n_series; s++) {
            size_t i = c * n_series + s;
            double v = values[i];
            if (mode == CR_BARS_GROUPED) {
                double bw = gw / n_series;
                out[i] = bar_rect(axis, plot, x0 + s * bw, bw, zero, isfinite(v) ? v : zero);
            } else if (!isfinite(v)) {
                out[i] = bar_rect(axis, plot, x0, gw, zero, zero);
            } else if (v >= 0) {
                out[i] = bar_rect(axis, plot, x0, gw, pos, pos + v);
                pos += v;
            } else {
                out[i] = bar_rect(axis, plot, x0, gw, neg, neg + v);
                neg += v;
            }
        }
    }
}

/* ---- value labels ------------------------------------------------------------ */

static bool overlaps(cr_rect a, cr_rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static bool collides(const cr_label_box *boxes, size_t n, size_t self)
{
    for (size_t j = 0; j < n; j++)
        if (j != self && boxes[j].visible && overlaps(boxes[self].r, boxes[j].r))
            return true;
    return false;
}

int cr_chartlayout_resolve_labels(cr_label_box *boxes, size_t n, double nudge,
                                  double top_limit)
{
    size_t small[64];
    size_t *order = small;
    int shown = 0;

    if (n > sizeof small / sizeof small[0]) {
        order = malloc(n * sizeof *order);
        if (!order)
            return -1;
    }
    /* insertion sort by |value| descending, stable; non-finite values last */
    for (size_t i = 0; i < n; i++) {
        double key = isfinite(boxes[i].value) ? fabs(boxes[i].value) : -1;
        size_t j = i;
        boxes[i].visible = false;
        while (j > 0) {
            double v = boxes[order[j - 1]].value;
            double prev = isfinite(v) ? fabs(v) : -1;
            if (prev >= key)
                break;
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    for (size_t k = 0; k < n; k++) {
        cr_label_box *b = &boxes[order[k]];
        cr_rect proposed = b->r;
        if (!isfinite(b->value))
            continue;
        for (int t = 0; t <= CR_LABEL_NUDGES; t++) {
            if (t > 0) {
                b->r.y -= nudge;
                if (b->r.y < top_limit)
                    break;
            }
            if (!collides(boxes, n, order[k])) {
                b->visible = true;
                break;
            }
        }
        if (b->visible)
            shown++;
        else
            b->r = proposed;
    }
    if (order != small)
        free(order);
    return shown;
}

/* ---- histogram ------------------------------------------------------------- */

void cr_chartlayout_histogram(const double *values, size_t n, bool integer_data,
                              cr_histogram *out)
{
    double lo = INFINITY, hi = -INFINITY, width, kstart, kend;
    int m, e;

    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(values[i])) {
            out->ignored++;
            continue;
        }
        out->total++;
        lo = fmin(lo, values[i]);
        hi = fmax(hi, values[i]);
    }
    if (out->total == 0)
        return;

    if (lo == hi) {
        m = 1;
        e = fabs(lo) < TINY_LIMIT ? 0 : (int)floor(log10(fmin(fabs(lo), HUGE_LIMIT)));
        if (integer_data && e < 0)
            e = 0;
        width = scaled(m, e);
        kstart = floor(lo / width + EPS);
        kend = kstart + 1;
    } else {
        size_t target = (size_t)ceil(sqrt((double)out->total));
        if (target > CR_HISTOGRAM_MAX_BINS)
            target = CR_HISTOGRAM_MAX_BINS;
        nice((hi - lo) / (double)target, true, &m, &e);
        if (integer_data && e < 0) {
            m = 1;
            e = 0;
        }
        for (int tries = 0; tries < 64; tries++) {
            width = scaled(m, e);
            kstart = floor(lo / width + EPS);
            /* integers: half-open bins everywhere, so the largest value is not
             * lumped in with the one below it */
            kend = integer_data ? floor(hi / width + EPS) + 1 : ceil(hi / width - EPS);
            if (kend <= kstart)
                kend = kstart + 1;
            if (kend - kstart <= CR_HISTOGRAM_MAX_BINS)
                break;
            /* rounding to a nice width gave too many bins: next nice width */
            if (m == 1) {
                m = 2;
            } else if (m == 2) {
                m = 5;
            } else {
                m = 1;
                e++;
            }
        }
    }
    if (kend - kstart > CR_HISTOGRAM_MAX_BINS) /* only for absurd magnitudes */
        kend = kstart + CR_HISTOGRAM_MAX_BINS;
    out->width_mantissa = m;
    out->width_exponent = e;
    out->width = width;
    out->start = scaled(kstart * m, e);
    out->bins = (size_t)(kend - kstart);

    for (size_t i = 0; i < n; i++) {
        double v = values[i];
        double q;
        size_t b;
        if (!isfinite(v))
            continue;
        q = floor((v - out->start) / width);
        b = q < 0 ? 0 : q >= (double)out->bins ? out->bins - 1 : (size_t)q;
        /* settle values next to an edge against the printed edges */
        while (b > 0 && v < cr_chartlayout_histogram_edge(out, b))
            b--;
        while (b + 1 < out->bins && v >= cr_chartlayout_histogram_edge(out, b + 1))
            b++;
        out->counts[b]++;
    }
}

double cr_chartlayout_histogram_edge(const cr_histogram *h, size_t i)
{
    double k0 = nearbyint(h->start / h->width);
    return scaled((k0 + (double)i) * h->width_mantissa, h->width_exponent);
}

/* ---- doughnut -------------------------------------------------------------- */

static bool slice_value(double v)
{
    return isfinite(v) && v > 0;
}

size_t cr_chartlayout_doughnut(const double *values, size_t n, double merge_below,
                               cr_slice *out)
{
    double total = 0, other = 0, cum = 0;
    size_t small = 0, count = 0;
    bool merge;

    for (size_t i = 0; i < n; i++)
        if (slice_value(values[i]))
            total += values[i];
    if (!(total > 0) || !isfinite(total))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (slice_value(values[i]) && values[i] / total < merge_below)
            small++;
    merge = merge_below > 0 && small >= 2;

    for (size_t i = 0; i < n; i++) {
        double v = values[i];
        if (!slice_value(v))
            continue;
        if (merge && v / total < merge_below) {
            other += v;
            continue;
        }
        out[count].index = i;
        out[count].value = v;
        count++;
    }
    if (merge) {
        out[count].index = CR_SLICE_OTHER;
        out[count].value = other;
        count++;
    }
    for (size_t k = 0; k < count; k++) {
        out[k].fraction = out[k].value / total;
        out[k].start_angle = -PI / 2 + 2 * PI * cum / total;
        cum += out[k].value;
        out[k].end_angle = k + 1 == count ? -PI / 2 + 2 * PI : -PI / 2 + 2 * PI * cum / total;
    }
    return count;
}
