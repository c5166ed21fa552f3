/* text.c - the deck's fonts (a private fontconfig configuration) and plain
 * text drawing with pango. Data is set with pango_layout_set_text, never as
 * markup, so "<b>x</b> & <span>" prints as it is. */
#include "text.h"

#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fontconfig/fontconfig.h>
#include <pango/pangofc-fontmap.h>

#ifndef CR_DATADIR
#define CR_DATADIR "/usr/local/share/csmreport"
#endif

/* Carlito for text, DejaVu Sans for the symbols Carlito lacks, a Japanese face
 * for Japanese (the only fonts the private configuration holds). */
#define FAMILIES "Carlito,DejaVu Sans,IPAGothic,Noto Sans CJK JP"
#define PROBE_FONT "Carlito-Regular.ttf"

/* The Japanese faces in order of preference. IPAGothic first: a TrueType font,
 * which cairo subsets to the glyphs used. Noto Sans CJK JP is CID-keyed CFF,
 * whose subsets cairo 1.16 writes with every local subroutine slot of the font
 * dictionaries used (28,500 in one of them) as an empty stub: about 60 KB per
 * weight however few glyphs a deck uses. */
static const char *const cjk_families[] = {"IPAGothic", "Noto Sans CJK JP"};
#define CJK_PREFERRED (sizeof cjk_families / sizeof cjk_families[0])

/* A line holding Japanese is CJK_LINE_EM font sizes tall: IPAGothic's own line
 * is 1 em, its kanji filling it, so lines would touch. 1.448 em is the line of
 * Noto Sans CJK JP (ascent 1.16 + descent 0.288), so pages keep their layout
 * whichever face is installed. */
#define CJK_LINE_EM 1.448

static const struct {
    double size;
    bool bold;
} type_scale[CR_FONT_COUNT] = {
    [CR_FONT_COVER_TITLE] = {34, true},    [CR_FONT_COVER_SUBTITLE] = {17, false},
    [CR_FONT_TITLE] = {24, true},          [CR_FONT_SUBTITLE] = {13, false},
    [CR_FONT_HEADING] = {15, true},        [CR_FONT_BODY] = {12.5, false},
    [CR_FONT_BODY_BOLD] = {12.5, true},    [CR_FONT_LARGE] = {19, false},
    [CR_FONT_NOTE] = {10, false},          [CR_FONT_KPI_VALUE] = {28, true},
    [CR_FONT_KPI_LABEL] = {11, false},     [CR_FONT_CHART_TITLE] = {12.5, true},
    [CR_FONT_AXIS_TITLE] = {10, false},    [CR_FONT_TICK] = {9.5, false},
    [CR_FONT_VALUE] = {9.5, false},        [CR_FONT_TABLE] = {10, false},
    [CR_FONT_TABLE_HEAD] = {10, true},     [CR_FONT_FOOTER] = {8.5, false},
};

static const char synthetic_bold[] =
    "<?xml version=\"1.0\"?><fontconfig><match target=\"font\">"
    "<test name=\"family\"><string>IPAGothic</string></test>"
    "<test name=\"weight\" compare=\"less_eq\"><const>medium</const></test>"
    "<test target=\"pattern\" name=\"weight\" compare=\"more_eq\"><const>bold</const></test>"
    "<edit name=\"embolden\" mode=\"assign\"><bool>true</bool></edit>"
    "<edit name=\"weight\" mode=\"assign\"><const>bold</const></edit>"
    "</match></fontconfig>";

/* Laid-out lines kept per thread and locale: a deck's tables and charts repeat
 * their strings (categories, models, sites, statuses, months), and so do the
 * decks of a run; each is shaped once. Bounded (a layout is about 1.2 KB): a
 * deck adds lines while the cache holds fewer than CACHE_MAX; when the next
 * deck starts with more than CACHE_KEEP, only the lines the last deck used are
 * kept, and none if they are still more. */
#define CACHE_BUCKETS 2048
#define CACHE_MAX 2500
#define CACHE_KEEP 1200
#define CACHE_TEXT_MAX 512

/* How a text is laid out: one line; one line cut with "…" at a width; wrapped
 * at a width (words, then characters) with an alignment, at most a height tall
 * (the last line cut with "…"; height 0: no limit). */
typedef enum text_kind { TEXT_LINE, TEXT_CUT, TEXT_BOX_LEFT, TEXT_BOX_CENTER, TEXT_BOX_RIGHT } text_kind;

typedef struct text_entry {
    struct text_entry *next; /* in the bucket */
    PangoLayout *layout;
    double w, h;             /* its logical size in points */
    uint32_t hash;
    unsigned deck; /* the last deck that used it */
    cr_font font;
    text_kind kind;
    int width, height;       /* pango units (see text_kind) */
    size_t len;
    char text[];             /* len bytes, not terminated */
} text_entry;

struct cr_text_state {
    PangoContext *context;
    PangoLayout *scratch; /* lines not cached, and boxes */
    PangoFontDescription *fonts[CR_FONT_COUNT];
    text_entry *buckets[CACHE_BUCKETS];
    size_t count;
    unsigned deck; /* decks opened with this state */
};

static void states_free(void *p);

static pthread_once_t fonts_once = PTHREAD_ONCE_INIT;
static pthread_key_t states_key; /* this thread's cr_text_state per locale */
static FcConfig *fonts_config;    /* process lifetime, see text.h */
static char fonts_problem[CR_ERROR_MSG_MAX];

static bool has_probe(const char *dir)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, PROBE_FONT) >= (int)sizeof path)
        return false;
    return access(path, R_OK) == 0;
}

/* The fonts/ folder: $CSMREPORT_FONTS, else beside the program (build/ and
 * build/tests/ in a checkout, bin/ of an installation), else the data folder,
 * else ./fonts. */
static bool find_fonts_dir(char *out, size_t size)
{
    const char *env = getenv("CSMREPORT_FONTS");
    if (env && *env) {
        snprintf(out, size, "%s", env);
        return has_probe(out);
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        static const char *const rel[] = {"/../fonts", "/../../fonts", "/../share/csmreport/fonts"};
        for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
            if (snprintf(out, size, "%s%s", exe, rel[i]) < (int)size && has_probe(out))
                return true;
        }
    }
    snprintf(out, size, "%s", CR_DATADIR "/fonts");
    if (has_probe(out))
        return true;
    snprintf(out, size, "%s", "fonts");
    return has_probe(out);
}

static bool has_family(FcPattern *p, const char *family)
{
    FcChar8 *fam;
    for (int i = 0; FcPatternGetString(p, FC_FAMILY, i, &fam) == FcResultMatch; i++)
        if (strcmp((const char *)fam, family) == 0)
            return true;
    return false;
}

static bool covers_ja(FcPattern *p)
{
    FcLangSet *ls;
    return FcPatternGetLangSet(p, FC_LANG, 0, &ls) == FcResultMatch &&
           FcLangSetHasLang(ls, (const FcChar8 *)"ja") == FcLangEqual;
}

/* Copies the system's faces of the first Japanese family of cjk_families that
 * is installed (failing all, any face covering Japanese) into the private set.
 * The patterns come from the system's font cache, so nothing is scanned again.
 * The system configuration is fontconfig's current one (FcInit), which pango
 * loads anyway when it makes its first font map: loaded once per process. */
static size_t add_japanese(FcFontSet *app)
{
    if (!FcInit())
        return 0;
    FcConfig *sys = FcConfigReference(NULL);
    if (!sys)
        return 0;
    size_t added = 0;
    for (size_t pass = 0; pass <= CJK_PREFERRED && added == 0; pass++) {
        for (FcSetName which = FcSetSystem; which <= FcSetApplication; which++) {
            FcFontSet *set = FcConfigGetFonts(sys, which);
            for (int i = 0; set && i < set->nfont; i++) {
                FcPattern *p = set->fonts[i];
                if (pass < CJK_PREFERRED ? !has_family(p, cjk_families[pass]) : !covers_ja(p))
                    continue;
                FcPattern *copy = FcPatternDuplicate(p);
                if (copy && FcFontSetAdd(app, copy))
                    added++;
                else if (copy)
                    FcPatternDestroy(copy);
            }
        }
    }
    FcConfigDestroy(sys);
    return added;
}

static void fonts_load(void)
{
    char dir[PATH_MAX];
    if (!find_fonts_dir(dir, sizeof dir)) {
        snprintf(fonts_problem, sizeof fonts_problem,
                 "cannot find the deck fonts (%s); set CSMREPORT_FONTS to the fonts folder",
                 PROBE_FONT);
        return;
    }
    /* file by file: adding the folder would make fontconfig try to write a
     * cache, and complain on stderr where there is no writable cache folder */
    FcConfig *cfg = FcConfigCreate();
    DIR *dh = cfg ? opendir(dir) : NULL;
    size_t loaded = 0;
    struct dirent *e;
    while (dh && (e = readdir(dh))) {
        size_t n = strlen(e->d_name);
        char path[PATH_MAX];
        if (n < 5 || (strcmp(e->d_name + n - 4, ".ttf") && strcmp(e->d_name + n - 4, ".otf")))
            continue;
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path &&
            FcConfigAppFontAddFile(cfg, (const FcChar8 *)path))
            loaded++;
    }
    if (dh)
        closedir(dh);
    if (loaded == 0) {
        snprintf(fonts_problem, sizeof fonts_problem, "cannot load the fonts in %.900s", dir);
        if (cfg)
            FcConfigDestroy(cfg);
        return;
    }
    FcFontSet *app = FcConfigGetFonts(cfg, FcSetApplication);
    if (app)
        add_japanese(app);
    /* IPAGothic has no bold face: bold Japanese (titles, table heads) is drawn
     * emboldened, as the system's 90-synthetic.conf would do */
    if (!FcConfigParseAndLoadFromMemory(cfg, (const FcChar8 *)synthetic_bold, FcFalse)) {
        snprintf(fonts_problem, sizeof fonts_problem, "cannot load the font rules");
        FcConfigDestroy(cfg);
        return;
    }
    if (pthread_key_create(&states_key, states_free) != 0) {
        snprintf(fonts_problem, sizeof fonts_problem, "cannot make the text caches");
        FcConfigDestroy(cfg);
        return;
    }
    fonts_config = cfg;
}

int cr_text_fonts_init(cr_error *err)
{
    pthread_once(&fonts_once, fonts_load);
    if (!fonts_config)
        return cr_error_set(err, EX_SOFTWARE, NULL, 0, 0, "%s", fonts_problem);
    /* pango's default font map is per thread: give each the private set once */
    PangoFontMap *fm = pango_cairo_font_map_get_default();
    if (!PANGO_IS_FC_FONT_MAP(fm))
        return cr_error_set(err, EX_SOFTWARE, NULL, 0, 0, "pango does not use fontconfig");
    if (pango_fc_font_map_get_config(PANGO_FC_FONT_MAP(fm)) != fonts_config)
        pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(fm), fonts_config);
    return 0;
}

/* ---- the per-thread text state: one per locale, kept from deck to deck */

/* Drops the cached layouts not used by deck number keep (all: keep = 0). */
static void cache_prune(cr_text_state *st, unsigned keep)
{
    for (size_t b = 0; b < CACHE_BUCKETS; b++) {
        text_entry **link = &st->buckets[b];
        while (*link) {
            text_entry *e = *link;
            if (keep && e->deck == keep) {
                link = &e->next;
                continue;
            }
            *link = e->next;
            g_object_unref(e->layout);
            free(e);
            st->count--;
        }
    }
}

static void state_free(cr_text_state *st)
{
    if (!st)
        return;
    cache_prune(st, 0);
    if (st->scratch)
        g_object_unref(st->scratch);
    for (int f = 0; f < CR_FONT_COUNT; f++) {
        if (st->fonts[f])
            pango_font_description_free(st->fonts[f]);
    }
    if (st->context)
        g_object_unref(st->context);
    free(st);
}

static void states_free(void *p)
{
    cr_text_state **by_locale = p;
    for (int l = 0; l < CR_LOCALE_COUNT; l++)
        state_free(by_locale[l]);
    free(by_locale);
}

/* The state of this thread for locale loc, made on first use. */
static cr_text_state *state_get(cr_locale loc)
{
    cr_text_state **by_locale = pthread_getspecific(states_key);
    if (!by_locale) {
        by_locale = calloc(CR_LOCALE_COUNT, sizeof *by_locale);
        if (!by_locale || pthread_setspecific(states_key, by_locale) != 0) {
            free(by_locale);
            return NULL;
        }
    }
    if (by_locale[loc])
        return by_locale[loc];
    cr_text_state *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->context = pango_font_map_create_context(pango_cairo_font_map_get_default());
    /* points as units, no hinting: the same positions on every run and host */
    pango_cairo_context_set_resolution(st->context, 72);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(st->context, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_round_glyph_positions(st->context, FALSE);
    pango_context_set_language(st->context,
                               pango_language_from_string(cr_numfmt_locale_tag(loc)));
    st->scratch = pango_layout_new(st->context);
    for (int f = 0; f < CR_FONT_COUNT; f++) {
        PangoFontDescription *d = pango_font_description_from_string(FAMILIES);
        pango_font_description_set_absolute_size(d, type_scale[f].size * PANGO_SCALE);
        pango_font_description_set_weight(d, type_scale[f].bold ? PANGO_WEIGHT_BOLD
                                                                : PANGO_WEIGHT_NORMAL);
        st->fonts[f] = d;
    }
    by_locale[loc] = st;
    return st;
}

/* The line height of Japanese text: CJK_LINE_EM font sizes on each stretch of
 * characters from U+3000 on (CJK punctuation, kana, kanji, full-width forms)
 * and the spaces within it. Latin stretches keep their own height, so a line
 * mixing both is as tall as a Japanese one (pango adds the leading of each run
 * around it). NULL when the text has no such character. */
static PangoAttrList *cjk_attrs(const char *s, size_t len, cr_font f)
{
    PangoAttrList *list = NULL;
    size_t i = 0;
    while (i < len) {
        if ((unsigned char)s[i] < 0xe3 || (unsigned char)s[i] >= 0xf0) {
            i++;
            continue;
        }
        size_t start = i;
        while (i < len && (s[i] == ' ' || ((unsigned char)s[i] >= 0xe3 &&
                                           (unsigned char)s[i] < 0xf0))) {
            i += s[i] == ' ' ? 1 : 3;
        }
        while (i > start && s[i - 1] == ' ')
            i--;
        i = i > len ? len : i;
        if (!list)
            list = pango_attr_list_new();
        PangoAttribute *a = pango_attr_line_height_new_absolute(
            (int)(CJK_LINE_EM * type_scale[f].size * PANGO_SCALE));
        a->start_index = (guint)start;
        a->end_index = (guint)i;
        pango_attr_list_insert(list, a);
        while (i < len && s[i] == ' ')
            i++;
    }
    return list;
}

/* Puts len bytes of text in font f on ly, laid out as kind says. */
static void layout_prepare(cr_text_state *st, PangoLayout *ly, cr_font f, const char *text,
                           size_t len, text_kind kind, int width, int height)
{
    bool box = kind >= TEXT_BOX_LEFT;
    pango_layout_set_width(ly, kind == TEXT_LINE ? -1 : width);
    pango_layout_set_height(ly, box && height > 0 ? height : -1);
    pango_layout_set_ellipsize(ly, kind == TEXT_LINE || (box && height <= 0)
                                       ? PANGO_ELLIPSIZE_NONE
                                       : PANGO_ELLIPSIZE_END);
    pango_layout_set_wrap(ly, box ? PANGO_WRAP_WORD_CHAR : PANGO_WRAP_WORD);
    pango_layout_set_alignment(ly, kind == TEXT_BOX_CENTER  ? PANGO_ALIGN_CENTER
                                   : kind == TEXT_BOX_RIGHT ? PANGO_ALIGN_RIGHT
                                                            : PANGO_ALIGN_LEFT);
    pango_layout_set_font_description(ly, st->fonts[f]);
    PangoAttrList *attrs = cjk_attrs(text, len, f);
    pango_layout_set_attributes(ly, attrs);
    if (attrs)
        pango_attr_list_unref(attrs);
    pango_layout_set_text(ly, text, (int)len);
}

static uint32_t text_hash(const char *s, size_t len, cr_font f, text_kind kind, int width,
                          int height)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    uint32_t k[4] = {(uint32_t)f, (uint32_t)kind, (uint32_t)width, (uint32_t)height};
    for (size_t i = 0; i < 4; i++)
        h = (h ^ k[i]) * 16777619u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* The layout of text in font f as kind says, shaped once per thread and
 * locale while the cache has room, else on the scratch layout; its logical
 * size in *w, *h (TEXT_CUT: the width of the cut line). A cached layout is
 * never changed, and stays valid until the next cr_text_open on this thread. */
static PangoLayout *text_get(cr_text_state *st, cr_font f, const char *text, size_t len,
                             text_kind kind, int width, int height, double *w, double *h)
{
    uint32_t hash = text_hash(text, len, f, kind, width, height);
    text_entry **head = &st->buckets[hash % CACHE_BUCKETS];
    for (text_entry *e = *head; e; e = e->next)
        if (e->hash == hash && e->font == f && e->kind == kind && e->width == width &&
            e->height == height && e->len == len && memcmp(e->text, text, len) == 0) {
            e->deck = st->deck;
            *w = e->w;
            *h = e->h;
            return e->layout;
        }
    PangoLayout *ly = st->scratch;
    text_entry *e = NULL;
    if (st->count < CACHE_MAX && len <= CACHE_TEXT_MAX && (e = malloc(sizeof *e + len))) {
        ly = pango_layout_new(st->context);
        *e = (text_entry){*head, ly, 0, 0, hash, st->deck, f, kind, width, height, len};
        memcpy(e->text, text, len);
    }
    layout_prepare(st, ly, f, text, len, kind, width, height);
    PangoRectangle logical;
    if (kind == TEXT_CUT) /* the cut line, not the box width */
        pango_layout_line_get_extents(pango_layout_get_line_readonly(ly, 0), NULL, &logical);
    else
        pango_layout_get_extents(ly, NULL, &logical);
    *w = (double)logical.width / PANGO_SCALE;
    *h = (double)logical.height / PANGO_SCALE;
    if (e) {
        e->w = *w;
        e->h = *h;
        *head = e;
        st->count++;
    }
    return ly;
}

int cr_text_open(cr_text *t, cairo_t *cr, const char *lang, cr_error *err)
{
    memset(t, 0, sizeof *t);
    int rc = cr_text_fonts_init(err);
    if (rc)
        return rc;
    t->cr = cr;
    t->locale = cr_numfmt_locale_from_tag(lang);
    t->st = state_get(t->locale);
    if (!t->st)
        return cr_error_set(err, CR_EX_NOMEM, NULL, 0, 0, "out of memory setting up text");
    /* no layout of an earlier deck is in use now */
    cr_text_state *st = t->st;
    if (st->count > CACHE_KEEP)
        cache_prune(st, st->deck);
    if (st->count > CACHE_KEEP)
        cache_prune(st, 0);
    if (++st->deck == 0) /* 0 means "none" to cache_prune */
        st->deck = 1;
    for (int f = 0; f < CR_FONT_COUNT; f++) {
        double h;
        /* a Japanese line is taller than a Latin one */
        cr_text_set(t, -1, (cr_font)f, t->locale == CR_LOCALE_JA ? "Ag\xe6\x97\xa5" : "Ag", NULL,
                    &h);
        t->line_height[f] = h;
    }
    return 0;
}

void cr_text_close(cr_text *t)
{
    for (int i = 0; i < CR_TEXT_POOL; i++)
        if (t->pool[i])
            g_object_unref(t->pool[i]);
    memset(t, 0, sizeof *t);
}

PangoLayout *cr_text_set(cr_text *t, int slot, cr_font f, const char *text, double *w, double *h)
{
    text = text ? text : "";
    double lw, lh;
    PangoLayout *ly = text_get(t->st, f, text, strlen(text), TEXT_LINE, -1, 0, &lw, &lh);
    if (slot >= 0 && slot < CR_TEXT_POOL) {
        /* the slot holds a reference: to the cached line, else to a layout
         * of its own (the scratch one is reused by the next call) */
        if (ly == t->st->scratch) {
            ly = pango_layout_new(t->st->context);
            layout_prepare(t->st, ly, f, text, strlen(text), TEXT_LINE, -1, 0);
        } else {
            g_object_ref(ly);
        }
        if (t->pool[slot])
            g_object_unref(t->pool[slot]);
        t->pool[slot] = ly;
    }
    if (w)
        *w = lw;
    if (h)
        *h = lh;
    return ly;
}

/* The layout's box from the cache when it is a cached one. */
static void show_at(cr_text *t, PangoLayout *ly, double w, double h, double x, double y,
                    cr_align align, cr_valign valign)
{
    double xx = align == CR_ALIGN_LEFT ? x : align == CR_ALIGN_CENTER ? x - w / 2 : x - w;
    double yy = valign == CR_VALIGN_TOP ? y : valign == CR_VALIGN_MIDDLE ? y - h / 2 : y - h;
    cairo_move_to(t->cr, xx, yy);
    pango_cairo_show_layout(t->cr, ly);
    cairo_new_path(t->cr); /* no current point left for the next arc to join */
}

void cr_text_show(cr_text *t, PangoLayout *layout, double x, double y, cr_align align,
                  cr_valign valign)
{
    PangoRectangle logical;
    pango_layout_get_extents(layout, NULL, &logical);
    show_at(t, layout, (double)logical.width / PANGO_SCALE, (double)logical.height / PANGO_SCALE,
            x, y, align, valign);
}

double cr_text_draw(cr_text *t, cr_font f, const char *text, double x, double y, cr_align align,
                    cr_valign valign)
{
    double w, h;
    text = text ? text : "";
    PangoLayout *ly = text_get(t->st, f, text, strlen(text), TEXT_LINE, -1, 0, &w, &h);
    show_at(t, ly, w, h, x, y, align, valign);
    return w;
}

double cr_text_draw_fit(cr_text *t, cr_font f, const char *text, double x, double y,
                        double max_width, cr_align align, cr_valign valign)
{
    double w, h;
    text = text ? text : "";
    size_t len = strlen(text);
    PangoLayout *ly = text_get(t->st, f, text, len, TEXT_LINE, -1, 0, &w, &h);
    if (w > max_width) {
        int width = (int)(max_width > 0 ? max_width * PANGO_SCALE : 0);
        ly = text_get(t->st, f, text, len, TEXT_CUT, width, 0, &w, &h);
        h = t->line_height[f];
    }
    show_at(t, ly, w, h, x, y, align, valign);
    return w;
}

double cr_text_box(cr_text *t, cr_font f, const char *text, double x, double y, double width,
                   double max_height, cr_align align, bool draw)
{
    text = text ? text : "";
    size_t len = strlen(text);
    text_kind kind = align == CR_ALIGN_LEFT     ? TEXT_BOX_LEFT
                     : align == CR_ALIGN_CENTER ? TEXT_BOX_CENTER
                                                : TEXT_BOX_RIGHT;
    int pw = (int)(width * PANGO_SCALE);
    double w, h;
    PangoLayout *ly = text_get(t->st, f, text, len, kind, pw, 0, &w, &h);
    /* a box that fits in max_height is the same laid out without the limit
     * (nothing to cut), so a block measured and then drawn is shaped once */
    int ph = max_height > 0 ? (int)(max_height * PANGO_SCALE) : 0;
    if (ph > 0 && h * PANGO_SCALE > ph)
        ly = text_get(t->st, f, text, len, kind, pw, ph, &w, &h);
    if (draw) {
        cairo_move_to(t->cr, x, y);
        pango_cairo_show_layout(t->cr, ly);
        cairo_new_path(t->cr);
    }
    /* never less than one line of the font: a line of kana alone is shorter
     * than the "Ag" + kanji line that callers test the room against */
    return fmax(h, t->line_height[f]);
}

double cr_text_measure(const char *utf8, size_t len, void *ctx)
{
    cr_text_measure_ctx *m = ctx;
    double w, h;
    text_get(m->t->st, m->font, utf8, len, TEXT_LINE, -1, 0, &w, &h);
    return w;
}

void cr_text_rgb(cairo_t *cr, uint32_t rgb)
{
    cairo_set_source_rgb(cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                         (rgb & 0xff) / 255.0);
}
