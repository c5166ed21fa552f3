/* test_text.c - text.c: the laid-out text cache (each distinct string shaped
 * once per thread and locale, layouts never changed once cached, kept from
 * deck to deck, bounded), pool slots, cut lines and boxes, the Japanese face
 * (IPAGothic) and the height of Japanese lines, and one cache per thread. */
#include "text.h"
#include "unit.h"

#include <cairo-pdf.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* Under ASan (make sanitize): fontconfig and cairo keep memory no leak checker
 * can follow (see test_deck.c). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\nleak:libcairo.so\n";
}

static cairo_status_t discard(void *closure, const unsigned char *data, unsigned int length)
{
    (void)closure, (void)data, (void)length;
    return CAIRO_STATUS_SUCCESS;
}

typedef struct page {
    cairo_surface_t *surface;
    cairo_t *cr;
} page;

static void page_open(page *p)
{
    p->surface = cairo_pdf_surface_create_for_stream(discard, NULL, 960, 540);
    p->cr = cairo_create(p->surface);
}

static void page_close(page *p)
{
    cairo_destroy(p->cr);
    cairo_surface_finish(p->surface);
    cairo_surface_destroy(p->surface);
}

static double width_of(cr_text *t, cr_font f, const char *s)
{
    double w;
    cr_text_set(t, -1, f, s, &w, NULL);
    return w;
}

/* The family of the face pango chose for the first character of s. */
static void face_of(cr_text *t, cr_font f, const char *s, char *out, size_t size)
{
    PangoLayout *ly = cr_text_set(t, -1, f, s, NULL, NULL);
    PangoLayoutLine *line = pango_layout_get_line_readonly(ly, 0);
    snprintf(out, size, "%s", "(none)");
    if (!line || !line->runs)
        return;
    PangoGlyphItem *run = line->runs->data;
    PangoFontDescription *d = pango_font_describe(run->item->analysis.font);
    snprintf(out, size, "%s", pango_font_description_get_family(d));
    pango_font_description_free(d);
}

static void test_cache(void)
{
    page p;
    page_open(&p);
    cr_text t;
    cr_error err = {0};
    CHECK_INT(cr_text_open(&t, p.cr, "en", &err), 0, "open an English text context");

    double w1, h1, w2, h2;
    PangoLayout *a = cr_text_set(&t, -1, CR_FONT_TABLE, "Headset", &w1, &h1);
    PangoLayout *b = cr_text_set(&t, -1, CR_FONT_TABLE, "Headset", &w2, &h2);
    CHECK(a == b, "the same string in the same font: one layout, shaped once");
    CHECK(w1 == w2 && h1 == h2 && w1 > 20 && w1 < 60, "the same size both times (%.2f pt)", w1);
    PangoLayout *c = cr_text_set(&t, -1, CR_FONT_TABLE_HEAD, "Headset", &w2, NULL);
    CHECK(c != a && w2 > w1, "another font: another layout (bold is wider: %.2f > %.2f)", w2, w1);
    CHECK_STR(pango_layout_get_text(a), "Headset", "a cached layout keeps its text");

    /* a cut line is another layout: the whole line stays as it was */
    const char *lng = "A rather long site name that does not fit in its column";
    double full = width_of(&t, CR_FONT_TABLE, lng);
    double cut = cr_text_draw_fit(&t, CR_FONT_TABLE, lng, 10, 10, 80, CR_ALIGN_LEFT,
                                  CR_VALIGN_TOP);
    CHECK(cut > 20 && cut <= 80, "cut to the width (%.2f of 80 pt)", cut);
    CHECK(width_of(&t, CR_FONT_TABLE, lng) == full, "the whole line is unchanged after a cut");
    CHECK(cr_text_draw_fit(&t, CR_FONT_TABLE, lng, 10, 10, 80, CR_ALIGN_LEFT, CR_VALIGN_TOP) == cut,
          "the cut line again: the same width");

    /* pool slots hold their layout while other text is set */
    PangoLayout *s3 = cr_text_set(&t, 3, CR_FONT_TICK, "Jul 2026", NULL, NULL);
    CHECK(t.pool[3] == s3, "slot 3 holds its layout");
    cr_text_set(&t, -1, CR_FONT_TICK, "Aug 2026", NULL, NULL);
    cr_text_draw(&t, CR_FONT_TICK, "Sep 2026", 0, 0, CR_ALIGN_LEFT, CR_VALIGN_TOP);
    CHECK_STR(pango_layout_get_text(t.pool[3]), "Jul 2026", "slot 3 keeps its text");

    /* boxes: measured, then drawn with room, the same height */
    const char *para = "Devices grew by 42 against the last quarter, most of them headsets "
                       "in the two new sites; the true-up of the headset line starts in July.";
    double hm = cr_text_box(&t, CR_FONT_BODY, para, 0, 0, 200, 0, CR_ALIGN_LEFT, false);
    double hd = cr_text_box(&t, CR_FONT_BODY, para, 0, 0, 200, 1000, CR_ALIGN_LEFT, true);
    CHECK(hm == hd && hm > 3 * t.line_height[CR_FONT_BODY],
          "a wrapped box: measured %.2f = drawn %.2f, several lines", hm, hd);
    double h1line = cr_text_box(&t, CR_FONT_BODY, para, 0, 0, 200,
                                t.line_height[CR_FONT_BODY] * 1.5, CR_ALIGN_LEFT, true);
    CHECK(h1line < hm && h1line >= t.line_height[CR_FONT_BODY],
          "a box cut to one line: %.2f (one line %.2f)", h1line, t.line_height[CR_FONT_BODY]);
    CHECK(cr_text_box(&t, CR_FONT_BODY, para, 0, 0, 200, 0, CR_ALIGN_LEFT, false) == hm,
          "the whole box again after the cut one: unchanged");
    cr_text_close(&t);
    page_close(&p);

    /* the next deck on this thread, same locale: the same layouts */
    page_open(&p);
    CHECK_INT(cr_text_open(&t, p.cr, "en-GB", &err), 0, "open a second English deck");
    CHECK(cr_text_set(&t, -1, CR_FONT_TABLE, "Headset", NULL, NULL) == a,
          "a string of the last deck is not shaped again");
    /* more distinct strings than the cache holds: all measured right */
    char buf[64];
    PangoLayout *first = NULL;
    double w0 = 0;
    bool same = true;
    for (int i = 0; i < 3000; i++) {
        snprintf(buf, sizeof buf, "SN%07d", 1000000 + i);
        double w;
        PangoLayout *ly = cr_text_set(&t, -1, CR_FONT_TABLE, buf, &w, NULL);
        if (i == 0) {
            first = ly;
            w0 = w;
        }
        same = same && fabs(w - w0) < 3;
    }
    CHECK(same, "3,000 serials measured alike (%.2f pt)", w0);
    CHECK(cr_text_set(&t, -1, CR_FONT_TABLE, "SN1000000", NULL, NULL) == first,
          "the first ones stay cached while the deck lasts");
    PangoLayout *u1 = cr_text_set(&t, -1, CR_FONT_TABLE, "SN1002998", NULL, NULL);
    PangoLayout *u2 = cr_text_set(&t, -1, CR_FONT_TABLE, "SN1002999", NULL, NULL);
    CHECK(u1 == u2, "past the bound, strings are laid out on the scratch layout");
    CHECK_STR(pango_layout_get_text(u2), "SN1002999", "the scratch layout holds the last one");
    cr_text_close(&t);
    page_close(&p);

    page_open(&p);
    CHECK_INT(cr_text_open(&t, p.cr, "en", &err), 0, "open a third English deck");
    CHECK(width_of(&t, CR_FONT_TABLE, "Headset") == w1, "after the cache was pruned: same size");
    CHECK(fabs(width_of(&t, CR_FONT_TABLE, "SN1000000") - w0) < 1e-9,
          "a pruned string laid out again: same size");
    cr_text_close(&t);
    page_close(&p);
}

static void test_japanese(void)
{
    page p;
    page_open(&p);
    cr_text t;
    cr_error err = {0};
    CHECK_INT(cr_text_open(&t, p.cr, "ja", &err), 0, "open a Japanese text context");
    char fam[128];
    face_of(&t, CR_FONT_BODY, "\xe6\x97\xa5\xe6\x9c\xac", fam, sizeof fam); /* 日本 */
    CHECK_STR(fam, "IPAGothic", "Japanese in IPAGothic (TrueType: small subsets)");
    face_of(&t, CR_FONT_BODY, "Headset", fam, sizeof fam);
    CHECK_STR(fam, "Carlito", "Latin text in Carlito in a Japanese deck");
    face_of(&t, CR_FONT_TITLE, "\xe6\xa6\x82\xe8\xa6\x81", fam, sizeof fam); /* 概要, bold */
    CHECK_STR(fam, "IPAGothic", "bold Japanese: IPAGothic (emboldened)");

    /* a Japanese line is 1.448 font sizes tall, kana alone or with Latin */
    double h;
    cr_text_set(&t, -1, CR_FONT_BODY, "\xe3\x83\x87\xe3\x83\x90\xe3\x82\xa4\xe3\x82\xb9", NULL,
                &h); /* デバイス */
    CHECK(fabs(h - 1.448 * 12.5) < 0.05, "a kana line: %.2f pt (1.448 x 12.5)", h);
    CHECK(fabs(t.line_height[CR_FONT_BODY] - h) < 0.05, "one line of the font: %.2f pt",
          t.line_height[CR_FONT_BODY]);
    double hb = cr_text_box(&t, CR_FONT_BODY, "\xe3\x83\x87\xe3\x83\x90\xe3\x82\xa4\xe3\x82\xb9",
                            0, 0, 300, 0, CR_ALIGN_LEFT, false);
    CHECK(hb >= t.line_height[CR_FONT_BODY], "a kana box is at least one line (%.2f)", hb);
    cr_text_close(&t);
    page_close(&p);
}

/* Two threads lay out the same strings at once: each its own layouts. */
typedef struct job {
    PangoLayout *layout;
    double width;
    int rc;
} job;

static void *thread_main(void *arg)
{
    job *j = arg;
    page p;
    page_open(&p);
    cr_text t;
    cr_error err = {0};
    j->rc = cr_text_open(&t, p.cr, "fr", &err);
    if (j->rc == 0) {
        for (int i = 0; i < 200; i++) {
            char buf[32];
            snprintf(buf, sizeof buf, "Site %d", i % 20);
            cr_text_draw(&t, CR_FONT_TABLE, buf, 10, 10 + i, CR_ALIGN_LEFT, CR_VALIGN_TOP);
        }
        j->layout = cr_text_set(&t, -1, CR_FONT_TABLE, "Casque", &j->width, NULL);
        cr_text_close(&t);
    }
    page_close(&p);
    return NULL;
}

static void test_threads(void)
{
    job a = {0}, b = {0};
    pthread_t ta, tb;
    CHECK(pthread_create(&ta, NULL, thread_main, &a) == 0 &&
              pthread_create(&tb, NULL, thread_main, &b) == 0,
          "two threads started");
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    CHECK(a.rc == 0 && b.rc == 0, "both opened their text context");
    CHECK(a.layout != b.layout, "each thread has its own layouts");
    CHECK(a.width == b.width && a.width > 0, "and the same sizes (%.2f pt)", a.width);
}

int main(void)
{
    test_cache();
    test_japanese();
    test_threads();
    return unit_exit();
}
