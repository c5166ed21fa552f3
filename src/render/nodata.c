/* nodata.c - the "no data" page of a deck rendered with --allow-empty: a deck
 * sent to a customer says in the customer's language why it is empty, with
 * the dates that explain it, never an English log message. */
#include "nodata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmreport/numfmt.h"

/* One language's words. The %s are, in order: no_inventory_before: the
 * period's last day, the first snapshot; no_inventory: the period's last day;
 * outside: the period, the term's first and last day, the data's first and
 * last day; outside_no_data: the period, the term's first and last day. */
typedef struct nodata_words {
    const char *locale;
    const char *title;
    const char *no_inventory_before;
    const char *no_inventory;
    const char *outside;
    const char *outside_no_data;
} nodata_words;

static const nodata_words words[] = {
    {"en", "No data for this period",
     "There is no device inventory on or before %s: the first inventory is from %s.",
     "There is no device inventory on or before %s: no device list has been imported for "
     "this account.",
     "%s is outside the contract term (%s \u2013 %s) and the data received (%s \u2013 %s).",
     "%s is outside the contract term (%s \u2013 %s), and no data has been received."},
    {"fr", "Aucune donn\u00e9e pour cette p\u00e9riode",
     "Aucun inventaire des \u00e9quipements au plus tard le %s : le premier inventaire date "
     "du %s.",
     "Aucun inventaire des \u00e9quipements au plus tard le %s : aucune liste "
     "d\u2019\u00e9quipements n\u2019a \u00e9t\u00e9 import\u00e9e pour ce compte.",
     "%s est en dehors de la dur\u00e9e du contrat (%s \u2013 %s) et des donn\u00e9es "
     "re\u00e7ues (%s \u2013 %s).",
     "%s est en dehors de la dur\u00e9e du contrat (%s \u2013 %s), et aucune donn\u00e9e "
     "n\u2019a \u00e9t\u00e9 re\u00e7ue."},
    {"nb", "Ingen data for perioden",
     "Det finnes ingen utstyrsliste p\u00e5 eller f\u00f8r %s: den f\u00f8rste er fra %s.",
     "Det finnes ingen utstyrsliste p\u00e5 eller f\u00f8r %s: ingen utstyrsliste er "
     "importert for denne kunden.",
     "%s ligger utenfor avtaleperioden (%s\u2013%s) og dataene vi har mottatt (%s\u2013%s).",
     "%s ligger utenfor avtaleperioden (%s\u2013%s), og ingen data er mottatt."},
    {"ja", "\u3053\u306e\u671f\u9593\u306e\u30c7\u30fc\u30bf\u306f\u3042\u308a\u307e\u305b\u3093",
     "%s\u4ee5\u524d\u306e\u6a5f\u5668\u4e00\u89a7\u304c\u3042\u308a\u307e\u305b\u3093"
     "\uff08\u6700\u521d\u306e\u6a5f\u5668\u4e00\u89a7\u306f%s\u3067\u3059\uff09\u3002",
     "%s\u4ee5\u524d\u306e\u6a5f\u5668\u4e00\u89a7\u304c\u3042\u308a\u307e\u305b\u3093\u3002"
     "\u3053\u306e\u30a2\u30ab\u30a6\u30f3\u30c8\u306e\u6a5f\u5668\u4e00\u89a7\u306f\u307e"
     "\u3060\u53d6\u308a\u8fbc\u307e\u308c\u3066\u3044\u307e\u305b\u3093\u3002",
     "%s\u306f\u5951\u7d04\u671f\u9593\uff08%s\uff5e%s\uff09\u3068\u53d7\u9818\u6e08\u307f"
     "\u30c7\u30fc\u30bf\uff08%s\uff5e%s\uff09\u306e\u7bc4\u56f2\u5916\u3067\u3059\u3002",
     "%s\u306f\u5951\u7d04\u671f\u9593\uff08%s\uff5e%s\uff09\u306e\u7bc4\u56f2\u5916\u3067"
     "\u3001\u30c7\u30fc\u30bf\u3082\u307e\u3060\u53d7\u9818\u3057\u3066\u3044\u307e\u305b"
     "\u3093\u3002"},
};

static const nodata_words *words_for(const char *locale)
{
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (locale && strncmp(locale, words[i].locale, 2) == 0)
            return &words[i];
    return &words[0];
}

/* Writes pattern into buf with its n "%s" replaced by args in order (the
 * patterns are data, so no printf format is built from them). */
static void fill(char *buf, size_t size, const char *pattern, const char *const *args, size_t n)
{
    size_t used = 0, k = 0;
    for (const char *p = pattern; *p && used + 1 < size; p++) {
        if (p[0] == '%' && p[1] == 's' && k < n) {
            int w = snprintf(buf + used, size - used, "%s", args[k++]);
            used = w < 0 || (size_t)w >= size - used ? size - 1 : used + (size_t)w;
            p++;
        } else {
            buf[used++] = *p;
        }
    }
    buf[used] = '\0';
}

/* A YYYY-MM-DD date as loc writes it; "?" when unknown. */
static void date_text(cr_locale loc, const char *iso, char *buf, size_t size)
{
    if (!*iso || cr_numfmt_date(loc, iso, buf, size) < 0)
        snprintf(buf, size, "?");
}

/* The sentence of gap in w's words. */
static void sentence(const nodata_words *w, cr_locale loc, const cr_period_gap *gap,
                     const char *label, char *buf, size_t size)
{
    char period[64], a[64], b[64], c[64], d[64];
    date_text(loc, gap->term_start, a, sizeof a);
    date_text(loc, gap->term_end, b, sizeof b);
    if (gap->outside) {
        if (cr_numfmt_period(loc, label, period, sizeof period) < 0)
            snprintf(period, sizeof period, "%s", label);
        if (*gap->data_first) {
            date_text(loc, gap->data_first, c, sizeof c);
            date_text(loc, gap->data_last, d, sizeof d);
            fill(buf, size, w->outside, (const char *const[]){period, a, b, c, d}, 5);
        } else {
            fill(buf, size, w->outside_no_data, (const char *const[]){period, a, b}, 3);
        }
        return;
    }
    date_text(loc, gap->last, a, sizeof a);
    if (*gap->inventory_first) {
        date_text(loc, gap->inventory_first, b, sizeof b);
        fill(buf, size, w->no_inventory_before, (const char *const[]){a, b}, 2);
    } else {
        fill(buf, size, w->no_inventory, (const char *const[]){a}, 1);
    }
}

int cr_nodata_add_page(cr_report *rep, const cr_period_gap *gap, const char *label,
                       cr_error *err)
{
    const nodata_words *w = words_for(rep->locale);
    char text[1024];
    sentence(w, cr_numfmt_locale_from_tag(rep->locale), gap, label, text, sizeof text);
    cr_page *pages = realloc(rep->pages, (rep->page_count + 1) * sizeof *pages);
    if (!pages)
        return cr_error_nomem(err);
    rep->pages = pages;
    size_t at = rep->page_count && pages[0].cover ? 1 : 0;
    memmove(&pages[at + 1], &pages[at], (rep->page_count - at) * sizeof *pages);
    rep->page_count++;
    cr_page *p = &pages[at];
    memset(p, 0, sizeof *p);
    p->title = strdup(w->title);
    p->bookmark = strdup(w->title);
    p->blocks = calloc(1, sizeof *p->blocks);
    if (p->blocks) {
        p->block_count = 1;
        p->blocks[0].type = CR_BLOCK_TEXT;
        p->blocks[0].weight = 1;
        p->blocks[0].style = CR_TEXT_LARGE;
        p->blocks[0].lines = calloc(1, sizeof *p->blocks[0].lines);
        if (p->blocks[0].lines && (p->blocks[0].lines[0] = strdup(text)))
            p->blocks[0].line_count = 1;
    }
    if (!p->title || !p->bookmark || !p->blocks || !p->blocks[0].line_count)
        return cr_error_nomem(err);
    return 0;
}
