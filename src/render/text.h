/* text.h - the deck's fonts and plain-text drawing with pango (internal to
 * deck.c, deck_layout.c and chart.c).
 *
 * Fonts: the Latin faces shipped in fonts/ (Carlito, DejaVu Sans for symbols)
 * and Noto Sans CJK JP from the system, in a private fontconfig configuration
 * that holds only those, so a deck looks the same on every host. Text is always
 * set with pango_layout_set_text: data is never parsed as markup.
 *
 * Process-lifetime objects (intentional, reachable, not leaks): the private
 * FcConfig, created once on first use, and pango's per-thread default font map,
 * which is given that configuration. Per thread, until the thread ends: a pango
 * context per locale and a bounded cache of laid-out lines, so that a string
 * repeated in a deck or from deck to deck is shaped once (PangoLayout is not
 * thread-safe: nothing of it is shared between threads).
 */
#ifndef CSMREPORT_DRAW_TEXT_H
#define CSMREPORT_DRAW_TEXT_H

#include <stdbool.h>
#include <stdint.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "csmreport/chartlayout.h"
#include "csmreport/error.h"
#include "csmreport/numfmt.h"

/* The type scale (sizes in points, see text.c). */
typedef enum cr_font {
    CR_FONT_COVER_TITLE,
    CR_FONT_COVER_SUBTITLE,
    CR_FONT_TITLE,
    CR_FONT_SUBTITLE,
    CR_FONT_HEADING,
    CR_FONT_BODY,
    CR_FONT_BODY_BOLD,
    CR_FONT_LARGE,
    CR_FONT_NOTE,
    CR_FONT_KPI_VALUE,
    CR_FONT_KPI_LABEL,
    CR_FONT_CHART_TITLE,
    CR_FONT_AXIS_TITLE,
    CR_FONT_TICK,
    CR_FONT_VALUE,
    CR_FONT_TABLE,
    CR_FONT_TABLE_HEAD,
    CR_FONT_FOOTER,
    CR_FONT_COUNT
} cr_font;

typedef enum cr_align { CR_ALIGN_LEFT, CR_ALIGN_CENTER, CR_ALIGN_RIGHT } cr_align;
typedef enum cr_valign { CR_VALIGN_TOP, CR_VALIGN_MIDDLE, CR_VALIGN_BOTTOM } cr_valign;

/* Layouts kept apart so that a label measured for placement is drawn without
 * being shaped a second time. */
#define CR_TEXT_POOL 256

typedef struct cr_text_state cr_text_state; /* text.c: this thread's fonts and lines */

typedef struct cr_text {
    cairo_t *cr;
    cr_text_state *st;
    PangoLayout *pool[CR_TEXT_POOL];       /* references, set on first use */
    double line_height[CR_FONT_COUNT];     /* one line of each font, in points */
    cr_locale locale;
} cr_text;

/* Loads the private font configuration once per process (thread-safe). Fails
 * with EX_SOFTWARE when fonts/ cannot be found (CSMREPORT_FONTS names the
 * folder explicitly). */
int cr_text_fonts_init(cr_error *err);

/* Prepares text drawing on cr for a report in locale tag lang. cr_text_close
 * releases what cr_text_open made (not cr). */
int cr_text_open(cr_text *t, cairo_t *cr, const char *lang, cr_error *err);
void cr_text_close(cr_text *t);

/* Lays out text in font f as one unwrapped line and returns the layout with
 * its size in *w, *h (either may be NULL); with slot >= 0 the pool keeps it in
 * that slot. The layout must not be changed; it stays valid until that slot
 * (slot -1: the next call of a cr_text function) is used again. */
PangoLayout *cr_text_set(cr_text *t, int slot, cr_font f, const char *text, double *w, double *h);

/* Draws a layout from cr_text_set with its box anchored at x, y. */
void cr_text_show(cr_text *t, PangoLayout *layout, double x, double y, cr_align align,
                  cr_valign valign);

/* Sets and draws one line; returns its width. */
double cr_text_draw(cr_text *t, cr_font f, const char *text, double x, double y, cr_align align,
                    cr_valign valign);

/* Draws one line cut with "…" to max_width (pango's end ellipsis); returns the
 * width drawn. */
double cr_text_draw_fit(cr_text *t, cr_font f, const char *text, double x, double y,
                        double max_width, cr_align align, cr_valign valign);

/* Lays out text wrapped at width (words, then characters), at most max_height
 * tall (the last line ellipsized; max_height <= 0: no limit), and draws it at
 * x, y when draw is true. Returns the height it takes. */
double cr_text_box(cr_text *t, cr_font f, const char *text, double x, double y, double width,
                   double max_height, cr_align align, bool draw);

/* Width of len bytes of text in font f, as a cr_measure_fn (ctx is a
 * cr_text_measure_ctx). */
typedef struct cr_text_measure_ctx {
    cr_text *t;
    cr_font font;
} cr_text_measure_ctx;
double cr_text_measure(const char *utf8, size_t len, void *ctx);

/* Sets the cairo source colour from 0xRRGGBB. */
void cr_text_rgb(cairo_t *cr, uint32_t rgb);

#endif
