/* deck_layout.c - the deck's colours and the pure page arithmetic: stacking
 * blocks, splitting rows by weight, table rows per page, column widths. */
#include "deck_layout.h"

#include <math.h>

/* Okabe & Ito (2008), in an order that keeps neighbours apart; yellow last, as
 * it is faint on white. */
static const uint32_t palette[] = {0x0072B2, 0xE69F00, 0x009E73, 0xD55E00,
                                   0x56B4E9, 0xCC79A7, 0x7F7F7F, 0xF0E442};

uint32_t cr_deck_palette(size_t i)
{
    return palette[i % (sizeof palette / sizeof palette[0])];
}

uint32_t cr_deck_status_color(cr_status s)
{
    switch (s) {
    case CR_STATUS_GOOD:
        return 0x009E73; /* bluish green */
    case CR_STATUS_WARN:
        return 0xE69F00; /* orange */
    case CR_STATUS_BAD:
        return 0xD55E00; /* vermillion */
    default:
        return CR_COLOR_ACCENT;
    }
}

void cr_deck_stack(const double *natural, const bool *flex, size_t n, double avail, double gap,
                   double *out)
{
    if (n == 0)
        return;
    double left = avail - gap * (double)(n - 1);
    size_t open = 0;
    for (size_t i = 0; i < n; i++) {
        if (flex[i]) {
            out[i] = -1; /* not assigned yet */
            open++;
        } else {
            out[i] = natural[i] > 0 ? natural[i] : 0;
            left -= out[i];
        }
    }
    if (left < 0)
        left = 0;
    /* water filling: blocks capped below the equal share take their cap */
    while (open > 0) {
        double share = left / (double)open;
        bool capped = false;
        for (size_t i = 0; i < n; i++) {
            if (flex[i] && out[i] < 0 && natural[i] <= share) {
                out[i] = natural[i] > 0 ? natural[i] : 0;
                left -= out[i];
                open--;
                capped = true;
            }
        }
        if (!capped) {
            for (size_t i = 0; i < n; i++)
                if (flex[i] && out[i] < 0)
                    out[i] = share;
            open = 0;
        }
    }
}

void cr_deck_split_row(const double *weights, size_t n, double width, double gap, double *x_out,
                       double *w_out)
{
    if (n == 0)
        return;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (isfinite(weights[i]) && weights[i] > 0) ? weights[i] : 1;
    double usable = width - gap * (double)(n - 1);
    if (usable < 0)
        usable = 0;
    double x = 0;
    for (size_t i = 0; i < n; i++) {
        double wt = (isfinite(weights[i]) && weights[i] > 0) ? weights[i] : 1;
        x_out[i] = x;
        w_out[i] = usable * wt / sum;
        x += w_out[i] + gap;
    }
}

size_t cr_deck_rows_fit(double height, double header_h, double row_h)
{
    if (!(height >= header_h) || !(row_h > 0))
        return 0;
    /* a hair of slack so that an exact fit is not lost to rounding */
    return (size_t)floor((height - header_h) / row_h + 1e-9);
}

size_t cr_deck_table_slice(size_t start, size_t total, size_t cap, size_t fit, bool can_continue,
                           size_t *next, bool *more_line, size_t *more)
{
    size_t end = (cap > 0 && cap < total) ? cap : total;
    size_t hidden = total - end;
    if (start > end)
        start = end;
    size_t left = end - start, drawn;
    *more_line = false;
    *more = 0;
    if (can_continue) {
        drawn = left < fit ? left : fit;
        if (drawn == left && hidden > 0) {
            /* the "N more" line needs a row of its own */
            if (drawn == fit && drawn > 0)
                drawn--;
            if (drawn < fit && start + drawn == end) {
                *more_line = true;
                *more = hidden;
            }
        }
        *next = start + drawn;
        return drawn;
    }
    if (left <= fit && (hidden == 0 || left < fit)) {
        drawn = left;
    } else {
        drawn = fit > 0 ? fit - 1 : 0;
    }
    if (start + drawn < total) {
        *more_line = fit > 0;
        *more = total - start - drawn;
    }
    *next = end;
    return drawn;
}

void cr_deck_column_widths(const double *natural, size_t n, double width, double min_width,
                           double *out)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += natural[i];
    if (n == 0)
        return;
    if (sum <= width) {
        for (size_t i = 0; i < n; i++)
            out[i] = sum > 0 ? natural[i] + (width - sum) * natural[i] / sum
                             : width / (double)n;
        return;
    }
    /* cut in proportion to what each column has above min_width */
    double above = 0, floor_sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (natural[i] > min_width) {
            above += natural[i] - min_width;
            floor_sum += min_width;
        } else {
            floor_sum += natural[i];
        }
    }
    double room = width - floor_sum;
    for (size_t i = 0; i < n; i++) {
        if (natural[i] <= min_width || above <= 0)
            out[i] = natural[i] <= min_width ? natural[i] : min_width;
        else
            out[i] = min_width + (room > 0 ? room : 0) * (natural[i] - min_width) / above;
    }
}

bool cr_deck_chart_readable(double w, double h)
{
    return w >= CR_CHART_MIN_W - 0.5 && h >= CR_CHART_MIN_H - 0.5;
}
