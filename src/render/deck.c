/* deck.c - a resolved report's pages as a 16:9 PDF deck: page plan (tables
 * that continue on following pages), page chrome (title, subtitle, footer,
 * cover), blocks (text, bullets, KPI tiles, tables, rows; charts through
 * chart.c), PDF metadata and bookmarks; cairo streams the PDF into an
 * outfile (outfile.h), and the surface status is checked after finishing. */
#include "csmreport/deck.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>

#include "deck_layout.h"
#include "chart.h"
#include "text.h"

#ifndef CR_VERSION
#define CR_VERSION "0"
#endif

/* ---- words the deck itself writes, per locale ------------------------------ */

enum deck_word { W_CONTINUED, W_DELIVERED_BY, W_MORE_ROWS };

/* Each word is the text before and after its argument (a name or a count). */
static const char *const deck_words[CR_LOCALE_COUNT][3][2] = {
    [CR_LOCALE_EN] = {{"(continued)", ""}, {"delivered by ", ""}, {"+ ", " more rows"}},
    [CR_LOCALE_FR] = {{"(suite)", ""}, {"fourni par ", ""}, {"+ ", " lignes de plus"}},
    [CR_LOCALE_NB] = {{"(forts.)", ""}, {"levert av ", ""}, {"+ ", " rader til"}},
    [CR_LOCALE_JA] = {{"\xef\xbc\x88\xe7\xb6\x9a\xe3\x81\x8d\xef\xbc\x89", ""},
                      {"\xe6\x8f\x90\xe4\xbe\x9b\xef\xbc\x9a", ""},
                      {"\xe4\xbb\x96 ", " \xe8\xa1\x8c"}},
};

static void deck_word(char *buf, size_t size, cr_locale loc, enum deck_word w, const char *arg)
{
    const char *const *p = deck_words[loc < CR_LOCALE_COUNT ? loc : CR_LOCALE_EN][w];
    snprintf(buf, size, "%s%s%s", p[0], arg, p[1]);
}

/* ---- the page plan --------------------------------------------------------- */

typedef struct plan_page {
    size_t src;            /* r->pages index */
    const cr_block *block; /* a continuation page of this table or bullet list;
                              NULL: the page itself */
    size_t start;          /* its first row or item */
} plan_page;

typedef struct deck {
    const cr_report *r;
    cr_text text;
    cairo_t *cr;
    cairo_surface_t *surface;
    plan_page *plan;
    size_t plan_count, plan_cap;
    double *title_h;       /* per source page: its title's and subtitle's heights, */
    double *subtitle_h;    /* measured once (0 without a subtitle) */
    cr_error *err;
} deck;

static size_t table_rows(const cr_block *b)
{
    size_t total = b->table ? b->table->row_count : 0;
    return b->table_max_rows && b->table_max_rows < total ? b->table_max_rows : total;
}

/* True when a table or chart block has no rows and says so in words. */
static bool block_empty(const cr_block *b)
{
    if (!b->empty_text || !*b->empty_text)
        return false;
    if (b->type == CR_BLOCK_TABLE)
        return !b->table || b->table->row_count == 0;
    if (b->type == CR_BLOCK_CHART)
        return !b->chart || !b->chart->table || b->chart->table->row_count == 0 ||
               b->chart->series_count == 0;
    return false;
}

#define EMPTY_PAD 10.0
#define BULLET_INDENT 16.0
#define LINE_GAP 6.0
#define TIGHT_GAP 1.5 /* between bullet items, only to keep a list on its page */

static cr_font text_font(const cr_block *b)
{
    return b->style == CR_TEXT_HEADING ? CR_FONT_HEADING
           : b->style == CR_TEXT_NOTE  ? CR_FONT_NOTE
           : b->style == CR_TEXT_LARGE ? CR_FONT_LARGE
                                       : CR_FONT_BODY;
}

/* How many lines of a text or bullet block, from line start, fit whole in a
 * box w wide and h high. The page plan and the drawing both ask this, so a
 * list that goes on after a page starts there with the line not drawn. */
/* Lines from start that fit whole in w x h with gap between them. */
static size_t lines_fit_gap(deck *d, const cr_block *b, size_t start, double w, double h,
                            double gap)
{
    cr_font f = text_font(b);
    double indent = b->type == CR_BLOCK_BULLETS ? BULLET_INDENT : 0, y = 0;
    size_t i = start;
    for (; i < b->line_count; i++) {
        double lh = cr_text_box(&d->text, f, b->lines[i], 0, 0, w - indent, 0, CR_ALIGN_LEFT, false);
        if (y + lh > h + 0.5)
            break;
        y += lh + gap;
    }
    return i - start;
}

/* The gap between the items of a bullet list from start in w x h: the usual
 * one, or a tighter one when only that keeps the rest of the list on this
 * page (a continuation page holding one or two items is mostly white). */
static double item_gap(deck *d, const cr_block *b, size_t start, double w, double h)
{
    size_t rest = b->line_count - start;
    if (b->type != CR_BLOCK_BULLETS || lines_fit_gap(d, b, start, w, h, LINE_GAP) == rest)
        return LINE_GAP;
    return lines_fit_gap(d, b, start, w, h, TIGHT_GAP) == rest ? TIGHT_GAP : LINE_GAP;
}

static size_t lines_fit(deck *d, const cr_block *b, size_t start, double w, double h)
{
    return lines_fit_gap(d, b, start, w, h, item_gap(d, b, start, w, h));
}

/* The height a block wants at width w; *flex when it takes what is left. */
static double block_natural(deck *d, const cr_block *b, double w, bool *flex)
{
    cr_text *t = &d->text;
    *flex = false;
    if (block_empty(b))
        return cr_text_box(t, CR_FONT_BODY, b->empty_text, 0, 0, w - 2 * EMPTY_PAD - 14, 0,
                           CR_ALIGN_LEFT, false) + 2 * EMPTY_PAD;
    switch (b->type) {
    case CR_BLOCK_TEXT:
    case CR_BLOCK_BULLETS: {
        cr_font f = text_font(b);
        double indent = b->type == CR_BLOCK_BULLETS ? BULLET_INDENT : 0, h = 0;
        for (size_t i = 0; i < b->line_count; i++)
            h += cr_text_box(t, f, b->lines[i], 0, 0, w - indent, 0, CR_ALIGN_LEFT, false) +
                 (i + 1 < b->line_count ? LINE_GAP : 0);
        return h;
    }
    case CR_BLOCK_KPI:
        return CR_KPI_H;
    case CR_BLOCK_CHART:
        *flex = true;
        return INFINITY;
    case CR_BLOCK_TABLE: {
        size_t shown = table_rows(b), total = b->table ? b->table->row_count : 0;
        *flex = true;
        return CR_TABLE_HEAD_H + CR_TABLE_ROW_H * (double)(shown + (shown < total ? 1 : 0)) + 2;
    }
    case CR_BLOCK_ROW: {
        double xs[64], ws[64], weights[64] = {0}, h = 0;
        size_t n = b->child_count < 64 ? b->child_count : 64;
        for (size_t i = 0; i < n; i++)
            weights[i] = b->children[i].weight;
        cr_deck_split_row(weights, n, w, CR_CONTENT_GAP, xs, ws);
        for (size_t i = 0; i < n; i++) {
            bool f;
            double ch = block_natural(d, &b->children[i], ws[i], &f);
            *flex = *flex || f;
            h = fmax(h, ch);
        }
        return h;
    }
    }
    return 0;
}

/* Rectangles of n blocks stacked in area. */
static void layout_blocks(deck *d, const cr_block *b, size_t n, cr_rect area, cr_rect *out)
{
    double nat[64] = {0}, hs[64];
    bool flex[64] = {0};
    n = n < 64 ? n : 64;
    for (size_t i = 0; i < n; i++)
        nat[i] = block_natural(d, &b[i], area.w, &flex[i]);
    cr_deck_stack(nat, flex, n, area.h, CR_CONTENT_GAP, hs);
    /* Blocks taller than what is left are cut at the content's bottom (a
     * bullet list goes on on the next page), never drawn over the footer. */
    double y = area.y, bottom = area.y + area.h;
    for (size_t i = 0; i < n; i++) {
        double h = fmax(0, fmin(hs[i], bottom - y));
        out[i] = (cr_rect){area.x, y, area.w, h};
        y += hs[i] + CR_CONTENT_GAP;
    }
}

/* Heights measured on the texts themselves: a Japanese line is taller than a
 * Latin one. */
static double text_height(deck *d, cr_font f, const char *s)
{
    double h;
    cr_text_set(&d->text, -1, f, s && *s ? s : "Ag", NULL, &h);
    return fmax(h, d->text.line_height[f]);
}

/* The content area of source page src (laid out as a cover or not). */
static cr_rect content_rect(deck *d, size_t src, bool cover)
{
    double top = CR_TITLE_Y + d->title_h[src] +
                 (d->subtitle_h[src] > 0 ? 2 + d->subtitle_h[src] : 0) + 18;
    if (cover)
        top = CR_PAGE_H * 0.62 + 24;
    double x = cover ? 60 : CR_MARGIN_X;
    return (cr_rect){x, top, CR_PAGE_W - 2 * x, CR_PAGE_H - CR_FOOTER_H - 8 - top};
}

static int plan_add(deck *d, size_t src, const cr_block *block, size_t start)
{
    if (d->plan_count == d->plan_cap) {
        size_t cap = d->plan_cap ? d->plan_cap * 2 : 16;
        plan_page *p = realloc(d->plan, cap * sizeof *p);
        if (!p)
            return cr_error_set(d->err, CR_EX_NOMEM, NULL, 0, 0, "out of memory planning the deck");
        d->plan = p;
        d->plan_cap = cap;
    }
    d->plan[d->plan_count++] = (plan_page){src, block, start};
    return 0;
}

/* Every source page, followed by the continuation pages of its long tables. */
static int plan_deck(deck *d)
{
    const cr_report *r = d->r;
    d->title_h = calloc(2 * (r->page_count ? r->page_count : 1), sizeof *d->title_h);
    if (!d->title_h)
        return cr_error_set(d->err, CR_EX_NOMEM, NULL, 0, 0, "out of memory planning the deck");
    d->subtitle_h = d->title_h + r->page_count;
    for (size_t p = 0; p < r->page_count; p++) {
        const cr_page *pg = &r->pages[p];
        d->title_h[p] = text_height(d, CR_FONT_TITLE, pg->title);
        if (pg->subtitle && *pg->subtitle)
            d->subtitle_h[p] = text_height(d, CR_FONT_SUBTITLE, pg->subtitle);
    }
    for (size_t p = 0; p < r->page_count; p++) {
        const cr_page *pg = &r->pages[p];
        int rc = plan_add(d, p, NULL, 0);
        if (rc)
            return rc;
        cr_rect rects[64];
        size_t n = pg->block_count < 64 ? pg->block_count : 64;
        layout_blocks(d, pg->blocks, n, content_rect(d, p, pg->cover), rects);
        cr_rect full = content_rect(d, p, false);
        size_t full_fit = cr_deck_rows_fit(full.h, CR_TABLE_HEAD_H, CR_TABLE_ROW_H);
        for (size_t i = 0; i < n; i++) {
            const cr_block *b = &pg->blocks[i];
            if (b->type == CR_BLOCK_BULLETS && !pg->cover) {
                size_t next = lines_fit(d, b, 0, rects[i].w, rects[i].h);
                while (next < b->line_count) {
                    size_t k = lines_fit(d, b, next, full.w, full.h);
                    if (k == 0)
                        k = 1; /* an item taller than a page: drawn cut, never lost */
                    if ((rc = plan_add(d, p, b, next)))
                        return rc;
                    next += k;
                }
                continue;
            }
            if (b->type != CR_BLOCK_TABLE || !b->table)
                continue;
            size_t total = b->table->row_count, next, more;
            bool more_line;
            size_t fit = cr_deck_rows_fit(rects[i].h, CR_TABLE_HEAD_H, CR_TABLE_ROW_H);
            cr_deck_table_slice(0, total, b->table_max_rows, fit, true, &next, &more_line, &more);
            size_t end = table_rows(b);
            while (next < end && full_fit > 0) {
                size_t start = next;
                if ((rc = plan_add(d, p, b, start)))
                    return rc;
                cr_deck_table_slice(start, total, b->table_max_rows, full_fit, true, &next,
                                    &more_line, &more);
                if (next == start)
                    break; /* no progress: cannot happen with full_fit > 0 */
            }
        }
    }
    return 0;
}

/* ---- blocks ---------------------------------------------------------------- */

static void fill_rect(cairo_t *cr, uint32_t rgb, double x, double y, double w, double h)
{
    cr_text_rgb(cr, rgb);
    cairo_rectangle(cr, x, y, w, h);
    cairo_fill(cr);
}

/* Lines from start of a text or bullet block in a; a bullet list stops
 * before the first item that does not fit whole (it goes on on a
 * continuation page, planned with the same lines_fit). A continuation page
 * (own_page) draws at least one item, cut when taller than the page. */
static void draw_text_block(deck *d, const cr_block *b, cr_rect a, size_t start, bool own_page)
{
    cr_text *t = &d->text;
    cr_font f = text_font(b);
    uint32_t color = b->style == CR_TEXT_HEADING ? CR_COLOR_ACCENT
                     : b->style == CR_TEXT_NOTE  ? CR_COLOR_MUTED
                                                 : CR_COLOR_INK;
    bool bullets = b->type == CR_BLOCK_BULLETS;
    double indent = bullets ? BULLET_INDENT : 0, y = a.y;
    double gap = bullets ? item_gap(d, b, start, a.w, a.h) : LINE_GAP;
    size_t end = b->line_count;
    if (bullets) {
        size_t k = lines_fit_gap(d, b, start, a.w, a.h, gap);
        end = start + (k || !own_page ? k : 1);
    }
    for (size_t i = start; i < end && i < b->line_count; i++) {
        double room = a.y + a.h - y;
        if (room < t->line_height[f] * 0.9)
            break;
        if (bullets) {
            cr_text_rgb(d->cr, CR_COLOR_ACCENT);
            cairo_new_path(d->cr);
            cairo_arc(d->cr, a.x + 5, y + t->line_height[f] / 2, 2.6, 0, 2 * M_PI);
            cairo_fill(d->cr);
        }
        cr_text_rgb(d->cr, color);
        y += cr_text_box(t, f, b->lines[i], a.x + indent, y, a.w - indent, room, CR_ALIGN_LEFT,
                         true) + gap;
    }
}

/* A status shape beside the colour, so the status never rests on colour alone:
 * circle = good, triangle = warning, diamond = bad. */
static void status_shape(cairo_t *cr, cr_status s, double cx, double cy, double r)
{
    cairo_new_path(cr); /* text leaves a current point behind */
    cr_text_rgb(cr, cr_deck_status_color(s));
    switch (s) {
    case CR_STATUS_GOOD:
        cairo_arc(cr, cx, cy, r, 0, 2 * M_PI);
        break;
    case CR_STATUS_WARN:
        cairo_move_to(cr, cx, cy - r);
        cairo_line_to(cr, cx + r * 1.1, cy + r * 0.85);
        cairo_line_to(cr, cx - r * 1.1, cy + r * 0.85);
        cairo_close_path(cr);
        break;
    case CR_STATUS_BAD:
        cairo_move_to(cr, cx, cy - r * 1.15);
        cairo_line_to(cr, cx + r * 1.15, cy);
        cairo_line_to(cr, cx, cy + r * 1.15);
        cairo_line_to(cr, cx - r * 1.15, cy);
        cairo_close_path(cr);
        break;
    default:
        return;
    }
    cairo_fill(cr);
}

static void draw_kpi(deck *d, const cr_block *b, cr_rect a)
{
    cairo_t *cr = d->cr;
    cr_text *t = &d->text;
    double h = fmin(a.h, CR_KPI_H);
    fill_rect(cr, CR_COLOR_PANEL, a.x, a.y, a.w, h);
    fill_rect(cr, cr_deck_status_color(b->kpi_status), a.x, a.y, 5, h);
    double x = a.x + 16, w = a.w - 16 - 12, y = a.y + 11;
    bool shape = b->kpi_status != CR_STATUS_NONE;
    cr_text_rgb(cr, CR_COLOR_MUTED);
    cr_text_draw_fit(t, CR_FONT_KPI_LABEL, b->kpi_label, x, y, w - (shape ? 18 : 0), CR_ALIGN_LEFT,
                     CR_VALIGN_TOP);
    if (shape)
        status_shape(cr, b->kpi_status, a.x + a.w - 16, y + t->line_height[CR_FONT_KPI_LABEL] / 2,
                     5);
    y += text_height(d, CR_FONT_KPI_LABEL, b->kpi_label) + 2;
    cr_text_rgb(cr, CR_COLOR_INK);
    cr_text_draw_fit(t, CR_FONT_KPI_VALUE, b->kpi_value, x, y, w, CR_ALIGN_LEFT, CR_VALIGN_TOP);
    y += text_height(d, CR_FONT_KPI_VALUE, b->kpi_value) + 1;
    if (b->kpi_delta && *b->kpi_delta && b->kpi_has_trend) {
        /* the change: an arrow (a bar when unchanged) coloured by good or bad
         * news, so direction reads without the colour */
        uint32_t col = b->kpi_delta_status == CR_STATUS_NONE ? CR_COLOR_MUTED
                                                             : cr_deck_status_color(b->kpi_delta_status);
        double lh = t->line_height[CR_FONT_KPI_LABEL], cy = y + lh / 2, r = 4.5;
        cairo_new_path(cr);
        cr_text_rgb(cr, col);
        if (b->kpi_trend > 0) {
            cairo_move_to(cr, x + r, cy - r);
            cairo_line_to(cr, x + 2 * r, cy + r * 0.8);
            cairo_line_to(cr, x, cy + r * 0.8);
        } else if (b->kpi_trend < 0) {
            cairo_move_to(cr, x, cy - r * 0.8);
            cairo_line_to(cr, x + 2 * r, cy - r * 0.8);
            cairo_line_to(cr, x + r, cy + r);
        } else {
            cairo_rectangle(cr, x, cy - 1.2, 2 * r, 2.4);
        }
        cairo_close_path(cr);
        cairo_fill(cr);
        cr_text_rgb(cr, col);
        cr_text_draw_fit(t, CR_FONT_KPI_LABEL, b->kpi_delta, x + 2 * r + 5, y, w - 2 * r - 5,
                         CR_ALIGN_LEFT, CR_VALIGN_TOP);
        y += lh + 1;
    } else if (b->kpi_delta && *b->kpi_delta) {
        cr_text_rgb(cr, b->kpi_status == CR_STATUS_NONE ? CR_COLOR_MUTED
                                                        : cr_deck_status_color(b->kpi_status));
        cr_text_draw_fit(t, CR_FONT_KPI_LABEL, b->kpi_delta, x, y, w, CR_ALIGN_LEFT,
                         CR_VALIGN_TOP);
        y += t->line_height[CR_FONT_KPI_LABEL] + 1;
    }
    if (b->kpi_note && *b->kpi_note && y + t->line_height[CR_FONT_NOTE] <= a.y + h - 4) {
        cr_text_rgb(cr, CR_COLOR_MUTED);
        cr_text_draw_fit(t, CR_FONT_NOTE, b->kpi_note, x, a.y + h - 8, w, CR_ALIGN_LEFT,
                         CR_VALIGN_BOTTOM);
    }
}

static bool right_aligned(const cr_column_spec *col)
{
    return col->format.kind != CR_FORMAT_TEXT && col->format.kind != CR_FORMAT_DATE &&
           col->format.kind != CR_FORMAT_MONTH;
}

/* Rows [start, start + count) of a table in a, header repeated on every page;
 * the "N more rows" line when more_line. */
static int draw_table(deck *d, const cr_block *b, cr_rect a, size_t start, size_t count,
                      bool more_line, size_t more)
{
    cairo_t *cr = d->cr;
    cr_text *t = &d->text;
    const cr_table *tb = b->table;
    size_t nc = tb->column_count;
    if (nc == 0)
        return 0;
    double *nat = calloc(2 * nc, sizeof *nat);
    if (!nat)
        return cr_error_set(d->err, CR_EX_NOMEM, NULL, 0, 0, "out of memory drawing a table");
    double *cw = nat + nc;
    char buf[256];
    for (size_t c = 0; c < nc; c++) {
        double w;
        cr_text_set(t, -1, CR_FONT_TABLE_HEAD, tb->columns[c].header ? tb->columns[c].header
                                                                      : tb->columns[c].name,
                    &w, NULL);
        nat[c] = w;
        for (size_t i = start; i < start + count; i++) {
            cr_report_format_cell(d->r, &tb->columns[c].format, &tb->cells[i * nc + c], buf,
                                  sizeof buf);
            cr_text_set(t, -1, CR_FONT_TABLE, buf, &w, NULL);
            nat[c] = fmax(nat[c], w);
        }
        nat[c] += 2 * CR_TABLE_PAD + 1;
    }
    cr_deck_column_widths(nat, nc, a.w, 48, cw);

    double y = a.y;
    fill_rect(cr, 0xE3E8EF, a.x, y, a.w, CR_TABLE_HEAD_H);
    double x = a.x;
    cr_text_rgb(cr, CR_COLOR_ACCENT);
    for (size_t c = 0; c < nc; c++) {
        const char *h = tb->columns[c].header ? tb->columns[c].header : tb->columns[c].name;
        bool right = right_aligned(&tb->columns[c]);
        cr_text_draw_fit(t, CR_FONT_TABLE_HEAD, h, right ? x + cw[c] - CR_TABLE_PAD
                                                         : x + CR_TABLE_PAD,
                         y + CR_TABLE_HEAD_H / 2, cw[c] - 2 * CR_TABLE_PAD,
                         right ? CR_ALIGN_RIGHT : CR_ALIGN_LEFT, CR_VALIGN_MIDDLE);
        x += cw[c];
    }
    y += CR_TABLE_HEAD_H;
    for (size_t i = start; i < start + count; i++, y += CR_TABLE_ROW_H) {
        if ((i - start) % 2 == 1)
            fill_rect(cr, 0xF6F7F9, a.x, y, a.w, CR_TABLE_ROW_H);
        x = a.x;
        for (size_t c = 0; c < nc; c++) {
            const cr_cell *cell = &tb->cells[i * nc + c];
            bool right = right_aligned(&tb->columns[c]) || cell->type == CR_CELL_NUMBER;
            if (cell->type == CR_CELL_NULL) {
                snprintf(buf, sizeof buf, "%s", "\xe2\x80\x93"); /* en dash: no value */
                cr_text_rgb(cr, CR_COLOR_MUTED);
            } else {
                cr_report_format_cell(d->r, &tb->columns[c].format, cell, buf, sizeof buf);
                cr_text_rgb(cr, CR_COLOR_INK);
            }
            cr_text_draw_fit(t, CR_FONT_TABLE, buf, right ? x + cw[c] - CR_TABLE_PAD
                                                          : x + CR_TABLE_PAD,
                             y + CR_TABLE_ROW_H / 2, cw[c] - 2 * CR_TABLE_PAD,
                             right ? CR_ALIGN_RIGHT : CR_ALIGN_LEFT, CR_VALIGN_MIDDLE);
            x += cw[c];
        }
    }
    cr_text_rgb(cr, CR_COLOR_RULE);
    cairo_set_line_width(cr, 0.75);
    cairo_move_to(cr, a.x, y + 0.5);
    cairo_line_to(cr, a.x + a.w, y + 0.5);
    cairo_stroke(cr);
    if (more_line) {
        char num[32];
        cr_numfmt_int(t->locale, (long long)more, num, sizeof num);
        deck_word(buf, sizeof buf, t->locale, W_MORE_ROWS, num);
        cr_text_rgb(cr, CR_COLOR_MUTED);
        cr_text_draw(t, CR_FONT_NOTE, buf, a.x + CR_TABLE_PAD, y + CR_TABLE_ROW_H / 2,
                     CR_ALIGN_LEFT, CR_VALIGN_MIDDLE);
    }
    free(nat);
    return 0;
}

/* A table block: rows from start, as many as fit; can_continue when the rest
 * goes to continuation pages. */
static int draw_table_block(deck *d, const cr_block *b, cr_rect a, size_t start, bool can_continue)
{
    if (!b->table)
        return 0;
    size_t next, more;
    bool more_line;
    size_t fit = cr_deck_rows_fit(a.h, CR_TABLE_HEAD_H, CR_TABLE_ROW_H);
    size_t n = cr_deck_table_slice(start, b->table->row_count, b->table_max_rows, fit,
                                   can_continue, &next, &more_line, &more);
    return draw_table(d, b, a, start, n, more_line, more);
}

/* "No tickets in Q3 2026": a quiet panel with a bar, instead of an empty
 * table or chart frame. */
static void draw_empty(deck *d, const cr_block *b, cr_rect a)
{
    cr_text *t = &d->text;
    double h = fmin(a.h, block_natural(d, b, a.w, &(bool){false}));
    fill_rect(d->cr, CR_COLOR_PANEL, a.x, a.y, a.w, h);
    fill_rect(d->cr, CR_COLOR_RULE, a.x, a.y, 4, h);
    cr_text_rgb(d->cr, CR_COLOR_MUTED);
    cr_text_box(t, CR_FONT_BODY, b->empty_text, a.x + EMPTY_PAD + 14, a.y + EMPTY_PAD,
                a.w - 2 * EMPTY_PAD - 14, h - EMPTY_PAD, CR_ALIGN_LEFT, true);
}

static int draw_block(deck *d, const cr_block *b, cr_rect a, bool top_level)
{
    if (block_empty(b)) {
        draw_empty(d, b, a);
        return 0;
    }
    switch (b->type) {
    case CR_BLOCK_TEXT:
    case CR_BLOCK_BULLETS:
        draw_text_block(d, b, a, 0, false);
        return 0;
    case CR_BLOCK_KPI:
        draw_kpi(d, b, a);
        return 0;
    case CR_BLOCK_CHART:
        if (!b->chart) {
            cr_chart_draw_no_data(&d->text, NULL, a);
            return 0;
        }
        return cr_chart_draw(&d->text, d->r, b->chart, a, d->err);
    case CR_BLOCK_TABLE:
        return draw_table_block(d, b, a, 0, top_level);
    case CR_BLOCK_ROW: {
        double xs[64], ws[64], weights[64] = {0};
        size_t n = b->child_count < 64 ? b->child_count : 64;
        for (size_t i = 0; i < n; i++)
            weights[i] = b->children[i].weight;
        cr_deck_split_row(weights, n, a.w, CR_CONTENT_GAP, xs, ws);
        for (size_t i = 0; i < n; i++) {
            int rc = draw_block(d, &b->children[i], (cr_rect){a.x + xs[i], a.y, ws[i], a.h},
                                false);
            if (rc)
                return rc;
        }
        return 0;
    }
    }
    return 0;
}

/* ---- page chrome ----------------------------------------------------------- */

static void draw_footer(deck *d, size_t number, bool cover)
{
    const cr_report *r = d->r;
    cr_text *t = &d->text;
    cairo_t *cr = d->cr;
    double y = CR_PAGE_H - CR_FOOTER_H + 8, ym = CR_PAGE_H - 15;
    cr_text_rgb(cr, CR_COLOR_RULE);
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, CR_MARGIN_X, y);
    cairo_line_to(cr, CR_PAGE_W - CR_MARGIN_X, y);
    cairo_stroke(cr);
    cr_text_rgb(cr, CR_COLOR_MUTED);
    double third = (CR_PAGE_W - 2 * CR_MARGIN_X) / 3;
    if (r->footer_left)
        cr_text_draw_fit(t, CR_FONT_FOOTER, r->footer_left, CR_MARGIN_X, ym, third - 8,
                         CR_ALIGN_LEFT, CR_VALIGN_MIDDLE);
    if (r->delivered_by && *r->delivered_by) {
        char buf[512];
        deck_word(buf, sizeof buf, t->locale, W_DELIVERED_BY, r->delivered_by);
        cr_text_draw_fit(t, CR_FONT_FOOTER, buf, CR_PAGE_W / 2, ym, third - 8, CR_ALIGN_CENTER,
                         CR_VALIGN_MIDDLE);
    }
    char right[512];
    const char *fr = r->footer_right ? r->footer_right : "";
    if (cover)
        snprintf(right, sizeof right, "%s", fr);
    else
        snprintf(right, sizeof right, "%s%s%zu / %zu", fr, *fr ? "  \xc2\xb7  " : "", number,
                 d->plan_count);
    cr_text_draw_fit(t, CR_FONT_FOOTER, right, CR_PAGE_W - CR_MARGIN_X, ym, third - 8,
                     CR_ALIGN_RIGHT, CR_VALIGN_MIDDLE);
}

static void draw_title(deck *d, size_t src, bool continued)
{
    cr_text *t = &d->text;
    cairo_t *cr = d->cr;
    const cr_page *p = &d->r->pages[src];
    char buf[1024];
    const char *title = p->title ? p->title : "";
    if (continued) {
        char word[64];
        deck_word(word, sizeof word, t->locale, W_CONTINUED, "");
        snprintf(buf, sizeof buf, "%s %s", title, word);
        title = buf;
    }
    double w = CR_PAGE_W - 2 * CR_MARGIN_X;
    fill_rect(cr, cr_deck_palette(0), CR_MARGIN_X, CR_TITLE_Y - 10, 36, 3);
    cr_text_rgb(cr, CR_COLOR_ACCENT);
    cr_text_draw_fit(t, CR_FONT_TITLE, title, CR_MARGIN_X, CR_TITLE_Y, w, CR_ALIGN_LEFT,
                     CR_VALIGN_TOP);
    if (p->subtitle && *p->subtitle) {
        cr_text_rgb(cr, CR_COLOR_MUTED);
        cr_text_draw_fit(t, CR_FONT_SUBTITLE, p->subtitle, CR_MARGIN_X,
                         CR_TITLE_Y + d->title_h[src] + 2, w,
                         CR_ALIGN_LEFT, CR_VALIGN_TOP);
    }
}

static void draw_cover(deck *d, const cr_page *p)
{
    cr_text *t = &d->text;
    cairo_t *cr = d->cr;
    double band = CR_PAGE_H * 0.62, x = 60, w = CR_PAGE_W - 120;
    fill_rect(cr, CR_COLOR_ACCENT, 0, 0, CR_PAGE_W, band);
    fill_rect(cr, cr_deck_palette(1), x, 118, 56, 5);
    cairo_set_source_rgb(cr, 1, 1, 1);
    double h = cr_text_box(t, CR_FONT_COVER_TITLE, p->title ? p->title : "", x, 138, w,
                           2.2 * t->line_height[CR_FONT_COVER_TITLE], CR_ALIGN_LEFT, true);
    if (p->subtitle && *p->subtitle) {
        cr_text_rgb(cr, 0xC9DCEB);
        cr_text_box(t, CR_FONT_COVER_SUBTITLE, p->subtitle, x, 138 + h + 8, w,
                    2.2 * t->line_height[CR_FONT_COVER_SUBTITLE], CR_ALIGN_LEFT, true);
    }
    if (d->r->delivered_by && *d->r->delivered_by) {
        char buf[512];
        deck_word(buf, sizeof buf, t->locale, W_DELIVERED_BY, d->r->delivered_by);
        /* On the cover the words start a line: "Delivered by", "Fourni par". */
        if (buf[0] >= 'a' && buf[0] <= 'z')
            buf[0] = (char)(buf[0] - 'a' + 'A');
        cr_text_rgb(cr, 0xC9DCEB);
        cr_text_draw_fit(t, CR_FONT_BODY, buf, CR_PAGE_W - x, band - 22, w, CR_ALIGN_RIGHT,
                         CR_VALIGN_BOTTOM);
    }
}

/* The first chart among n blocks laid out in rects that is too small to be
 * read; false when every one can be. *w and *h are its size. */
static bool chart_too_small(const cr_block *b, const cr_rect *rects, size_t n, double *w, double *h)
{
    for (size_t i = 0; i < n; i++) {
        if (b[i].type == CR_BLOCK_CHART && !block_empty(&b[i]) &&
            !cr_deck_chart_readable(rects[i].w, rects[i].h)) {
            *w = rects[i].w;
            *h = rects[i].h;
            return true;
        }
        if (b[i].type == CR_BLOCK_ROW) {
            double xs[64], ws[64], weights[64] = {0};
            cr_rect sub[64];
            size_t k = b[i].child_count < 64 ? b[i].child_count : 64;
            for (size_t j = 0; j < k; j++)
                weights[j] = b[i].children[j].weight;
            cr_deck_split_row(weights, k, rects[i].w, CR_CONTENT_GAP, xs, ws);
            for (size_t j = 0; j < k; j++)
                sub[j] = (cr_rect){rects[i].x + xs[j], rects[i].y, ws[j], rects[i].h};
            if (chart_too_small(b[i].children, sub, k, w, h))
                return true;
        }
    }
    return false;
}

static int draw_page(deck *d, size_t number, const plan_page *pp)
{
    const cr_page *p = &d->r->pages[pp->src];
    cairo_t *cr = d->cr;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    int rc = 0;
    if (pp->block) {
        draw_title(d, pp->src, true);
        cr_rect a = content_rect(d, pp->src, false);
        if (pp->block->type == CR_BLOCK_TABLE)
            rc = draw_table_block(d, pp->block, a, pp->start, true);
        else
            draw_text_block(d, pp->block, a, pp->start, true);
    } else {
        if (p->cover)
            draw_cover(d, p);
        else
            draw_title(d, pp->src, false);
        cr_rect rects[64];
        size_t n = p->block_count < 64 ? p->block_count : 64;
        cr_rect area = content_rect(d, pp->src, p->cover);
        layout_blocks(d, p->blocks, n, area, rects);
        double cw, ch;
        if (chart_too_small(p->blocks, rects, n, &cw, &ch))
            return cr_error_set(d->err, EX_CONFIG, NULL, 0, 0,
                                "page %zu ('%.80s') cannot be laid out: a chart gets %.0f x %.0f "
                                "points, less than the %.0f x %.0f it needs to be read; give the "
                                "page fewer blocks", number, p->title ? p->title : "",
                                cw, ch, CR_CHART_MIN_W, CR_CHART_MIN_H);
        for (size_t i = 0; i < n && !rc; i++)
            rc = draw_block(d, &p->blocks[i], rects[i], true);
    }
    draw_footer(d, number, p->cover && !pp->block);
    cairo_show_page(cr);
    return rc;
}

/* ---- output: cairo's stream into the output file --------------------------- */

/* cairo writes through this stream into the outfile's FILE*; the first
 * write error stops it and is told with its errno. */
typedef struct out_stream {
    FILE *f;
    int errnum;
} out_stream;

static cairo_status_t stream_write(void *closure, const unsigned char *data, unsigned int length)
{
    out_stream *s = closure;
    if (!s->errnum && length > 0) {
        errno = 0;
        if (fwrite(data, 1, length, s->f) != length)
            s->errnum = errno ? errno : EIO;
    }
    /* The error is kept and reported after cairo_surface_finish: cairo 1.16
     * handed CAIRO_STATUS_WRITE_ERROR can fail an assertion of its own
     * (_cairo_array_index_const) and abort, so it is never told. */
    return CAIRO_STATUS_SUCCESS;
}

static void set_metadata(cairo_surface_t *s, const cr_report *r)
{
    char date[32];
    time_t when = r->created > 0 ? (time_t)r->created : time(NULL);
    struct tm tm;
    gmtime_r(&when, &tm);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (r->title)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, r->title);
    if (r->author)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, r->author);
    if (r->subject)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, r->subject);
    if (r->keywords)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_KEYWORDS, r->keywords);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "csmreport " CR_VERSION);
    /* cairo would stamp the wall clock: a fixed date keeps the bytes reproducible */
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, date);
}

static int render(deck *d, cr_outfile *of, out_stream *s)
{
    const cr_report *r = d->r;
    d->surface = cairo_pdf_surface_create_for_stream(stream_write, s, CR_PAGE_W, CR_PAGE_H);
    d->cr = cairo_create(d->surface);
    int rc = cr_text_open(&d->text, d->cr, r->locale, d->err);
    if (rc)
        goto out;
    set_metadata(d->surface, r);
    if ((rc = plan_deck(d)))
        goto out;
    for (size_t i = 0; i < d->plan_count && !rc; i++) {
        const plan_page *pp = &d->plan[i];
        const cr_page *p = &r->pages[pp->src];
        if (!pp->block && p->bookmark && *p->bookmark) {
            char dest[32];
            snprintf(dest, sizeof dest, "page=%zu", i + 1);
            cairo_pdf_surface_add_outline(d->surface, CAIRO_PDF_OUTLINE_ROOT, p->bookmark, dest,
                                          0);
        }
        rc = draw_page(d, i + 1, pp);
    }
out:
    cr_text_close(&d->text);
    cairo_destroy(d->cr);
    cairo_surface_finish(d->surface);
    cairo_status_t st = cairo_surface_status(d->surface);
    cairo_surface_destroy(d->surface);
    free(d->plan);
    free(d->title_h);
    if (rc)
        return rc;
    if (s->errnum || st == CAIRO_STATUS_WRITE_ERROR) {
        if (!s->errnum)
            s->errnum = EIO;
        return cr_outfile_fail(of, s->errnum, "write", d->err);
    }
    if (st != CAIRO_STATUS_SUCCESS)
        return cr_error_set(d->err, EX_SOFTWARE, NULL, 0, 0, "cannot draw the deck: %s",
                            cairo_status_to_string(st));
    return 0;
}

int cr_deck_write_to(const cr_report *r, cr_outfile *of, cr_error *err)
{
    out_stream s = {.f = cr_outfile_stream(of)};
    if (!s.f)
        return cr_outfile_fail(of, errno, "write", err);
    /* big writes: a deck is megabytes of font and image streams */
    setvbuf(s.f, NULL, _IOFBF, 1 << 16);
    deck d = {.r = r, .err = err};
    int rc = render(&d, of, &s);
    /* a drawing failure names the deck; a write failure's message already does */
    if (rc && !s.errnum && err && !err->file[0])
        snprintf(err->file, sizeof err->file, "%s", cr_outfile_name(of));
    return rc;
}

int cr_deck_write(const cr_report *r, const char *path, cr_error *err)
{
    cr_outfile *of;
    int rc = cr_outfile_open_path(path, &of, err);
    if (rc)
        return rc;
    if ((rc = cr_deck_write_to(r, of, err))) {
        cr_outfile_abort(of);
        return rc;
    }
    return cr_outfile_commit(of, err);
}
