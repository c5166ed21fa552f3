/* test_deck.c - the deck renderer: the pure page arithmetic (deck_layout.c)
 * table-driven, then whole decks built by hand as cr_report structs and
 * written as PDF (cover, KPI row, every chart type with data, a chart without
 * data, an 80-row table over four pages, Japanese, French and a name made of
 * markup). Run without arguments it writes to a temporary folder and checks the
 * files; with a folder argument it writes deck.pdf, deck-fr.pdf and
 * deck-ja.pdf there and keeps them for tests/e2e/deck.sh. */
#include "csmreport/deck.h"
#include "deck_layout.h"
#include "unit.h"

#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MARKUP_NAME "<b>x</b> & <span>"
#define JA_TITLE "\xe5\x9b\x9b\xe5\x8d\x8a\xe6\x9c\x9f\xe3\x83\x93\xe3\x82\xb8\xe3\x83\x8d\xe3\x82\xb9" \
                 "\xe3\x83\xac\xe3\x83\x93\xe3\x83\xa5\xe3\x83\xbc" /* 四半期ビジネスレビュー */
#define LONG_ROWS 80

/* Under ASan (make sanitize) LeakSanitizer reads this hook: fontconfig keeps
 * its patterns through offset-encoded pointers that no leak checker can
 * follow, and cairo 1.16 loses a few arrays when a PDF surface finishes; both
 * are outside csmreport (tests/valgrind-deck.supp says the same to valgrind).
 * The fast unwinder stops inside cairo, so its rule names the library. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\nleak:libcairo.so\n";
}

/* ---- pure layout ----------------------------------------------------------- */

static bool near(double a, double b)
{
    return fabs(a - b) < 1e-9;
}

static void test_stack(void)
{
    /* 400 high, gap 10: fixed 100 + two charts share 400 - 100 - 20 = 280 */
    double nat[3] = {100, INFINITY, INFINITY}, out[3];
    bool flex[3] = {false, true, true};
    cr_deck_stack(nat, flex, 3, 400, 10, out);
    CHECK(near(out[0], 100) && near(out[1], 140) && near(out[2], 140), "stack: charts share");
    /* a short table (60) caps; the chart gets 280 - 60 = 220 */
    nat[1] = 60;
    cr_deck_stack(nat, flex, 3, 400, 10, out);
    CHECK(near(out[1], 60) && near(out[2], 220), "stack: capped table gives the rest away");
    /* fixed blocks overflow: flexible ones get 0, fixed keep their height */
    double nat2[2] = {500, INFINITY}, out2[2];
    bool flex2[2] = {false, true};
    cr_deck_stack(nat2, flex2, 2, 400, 10, out2);
    CHECK(near(out2[0], 500) && near(out2[1], 0), "stack: overflow");
    /* a lone flexible block takes everything */
    double nat3[1] = {INFINITY}, out3[1];
    bool flex3[1] = {true};
    cr_deck_stack(nat3, flex3, 1, 333, 10, out3);
    CHECK(near(out3[0], 333), "stack: one chart takes the page");
}

static void test_split_row(void)
{
    /* 4 equal tiles in 880 with gap 16: (880 - 48) / 4 = 208 */
    double w4[4] = {1, 1, 1, 1}, x[4], w[4];
    cr_deck_split_row(w4, 4, 880, 16, x, w);
    CHECK(near(w[0], 208) && near(x[1], 224) && near(x[3], 672), "split_row: equal");
    /* weights 2:1 in 316 with gap 16: 200 and 100 */
    double w2[2] = {2, 1};
    cr_deck_split_row(w2, 2, 316, 16, x, w);
    CHECK(near(w[0], 200) && near(w[1], 100) && near(x[1], 216), "split_row: 2:1");
    /* a zero or NaN weight counts as 1 */
    double wz[2] = {0, NAN};
    cr_deck_split_row(wz, 2, 100, 0, x, w);
    CHECK(near(w[0], 50) && near(w[1], 50), "split_row: bad weights count as 1");
}

static void test_rows_fit(void)
{
    CHECK_INT(cr_deck_rows_fit(24 + 19 * 10, 24, 19), 10, "rows_fit: exact fit");
    CHECK_INT(cr_deck_rows_fit(24 + 19 * 10 - 0.5, 24, 19), 9, "rows_fit: just short");
    CHECK_INT(cr_deck_rows_fit(20, 24, 19), 0, "rows_fit: header does not fit");
    CHECK_INT(cr_deck_rows_fit(NAN, 24, 19), 0, "rows_fit: NaN");
}

static void test_table_slice(void)
{
    size_t next, more;
    bool ml;
    /* 80 rows, 21 a page: 21, 21, 21, 17 */
    CHECK_INT(cr_deck_table_slice(0, 80, 0, 21, true, &next, &ml, &more), 21, "slice: first page");
    CHECK(next == 21 && !ml, "slice: continues at 21");
    CHECK_INT(cr_deck_table_slice(63, 80, 0, 21, true, &next, &ml, &more), 17, "slice: last page");
    CHECK(next == 80 && !ml, "slice: done");
    /* cap 10 of 80, room 20: 10 rows and "+ 70 more rows" */
    CHECK_INT(cr_deck_table_slice(0, 80, 10, 20, true, &next, &ml, &more), 10, "slice: capped");
    CHECK(ml && more == 70 && next == 10, "slice: capped says 70 more");
    /* cap 10, room exactly 10: 9 rows, the last row goes to the next page with
     * the note (the note needs a row) */
    CHECK_INT(cr_deck_table_slice(0, 80, 10, 10, true, &next, &ml, &more), 9, "slice: cap = room");
    CHECK(!ml && next == 9, "slice: cap = room continues");
    /* cannot continue (a table beside a chart): 5 rows fit of 12: 4 + "8 more" */
    CHECK_INT(cr_deck_table_slice(0, 12, 0, 5, false, &next, &ml, &more), 4, "slice: in a row");
    CHECK(ml && more == 8 && next == 12, "slice: in a row says 8 more");
    CHECK_INT(cr_deck_table_slice(0, 3, 0, 5, false, &next, &ml, &more), 3, "slice: all fit");
    CHECK(!ml, "slice: all fit, no note");
}

static void test_column_widths(void)
{
    double out[3];
    /* 100 + 50 + 50 = 200 in 400: doubled */
    double a[3] = {100, 50, 50};
    cr_deck_column_widths(a, 3, 400, 40, out);
    CHECK(near(out[0], 200) && near(out[1], 100) && near(out[2], 100), "columns: spread");
    /* 300 + 100 + 30 in 230, min 40: the 30 keeps 30; above 40: 260 and 60;
     * room 230 - 30 - 80 = 120 shared 260:60 -> 97.5 and 22.5 */
    double b[3] = {300, 100, 30};
    cr_deck_column_widths(b, 3, 230, 40, out);
    CHECK(near(out[0], 137.5) && near(out[1], 62.5) && near(out[2], 30), "columns: cut");
    CHECK(near(out[0] + out[1] + out[2], 230), "columns: cut sums to the width");
}

static void test_palette(void)
{
    CHECK_INT(cr_deck_palette(0), 0x0072B2, "palette: Okabe-Ito blue first");
    CHECK_INT(cr_deck_palette(8), cr_deck_palette(0), "palette: cycles");
    CHECK(cr_deck_status_color(CR_STATUS_GOOD) != cr_deck_status_color(CR_STATUS_BAD),
          "status colours differ");
}

/* ---- building reports by hand ---------------------------------------------- */

static char *S(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void *grow(void *p, size_t n, size_t size)
{
    void *q = realloc(p, n * size);
    if (!q)
        abort();
    return q;
}

static cr_report *report_new(const char *locale, const char *title)
{
    cr_report *r = calloc(1, sizeof *r);
    r->locale = S(locale);
    r->title = S(title);
    r->subject = S("Quarterly business review 2026-Q3");
    r->author = S("Jane Doe");
    r->footer_left = S(MARKUP_NAME " \xc2\xb7 2026-Q3");
    r->delivered_by = S("Partner & Co <i>");
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    r->created = sde ? strtoll(sde, NULL, 10) : 1790000000; /* 2026-09-21 */
    return r;
}

static cr_table *table_add(cr_report *r, const char *name, size_t ncols, size_t nrows)
{
    cr_table *t = calloc(1, sizeof *t);
    t->name = S(name);
    t->column_count = ncols;
    t->row_count = nrows;
    t->columns = calloc(ncols, sizeof *t->columns);
    t->cells = calloc(ncols * (nrows ? nrows : 1), sizeof *t->cells);
    r->tables = grow(r->tables, r->table_count + 1, sizeof *r->tables);
    r->tables[r->table_count++] = t;
    return t;
}

static void column(cr_table *t, size_t c, const char *name, const char *header, cr_format_kind k,
                   const char *currency)
{
    t->columns[c].name = S(name);
    t->columns[c].header = S(header);
    t->columns[c].format.kind = k;
    t->columns[c].format.decimals = -1;
    if (currency)
        memcpy(t->columns[c].format.currency, currency, 4);
}

static void num(cr_table *t, size_t row, size_t c, double v)
{
    t->cells[row * t->column_count + c] = (cr_cell){CR_CELL_NUMBER, v, NULL};
}

static void text(cr_table *t, size_t row, size_t c, const char *s)
{
    t->cells[row * t->column_count + c] = (cr_cell){CR_CELL_TEXT, 0, S(s)};
}

static cr_chart *chart_add(cr_report *r, cr_chart_type type, const char *title, cr_table *t,
                           cr_format_kind fmt)
{
    cr_chart *c = calloc(1, sizeof *c);
    c->id = S(title);
    c->type = type;
    c->title = S(title);
    c->table = t;
    c->value_format.kind = fmt;
    c->value_format.decimals = -1;
    memcpy(c->value_format.currency, "EUR", 4);
    r->charts = grow(r->charts, r->chart_count + 1, sizeof *r->charts);
    r->charts[r->chart_count++] = c;
    return c;
}

static void series(cr_chart *c, const char *label, size_t column)
{
    c->series = grow(c->series, c->series_count + 1, sizeof *c->series);
    c->series[c->series_count++] = (cr_series){S(label), column, 0};
}

static void marker(cr_chart *c, size_t cat, const char *label)
{
    c->markers = grow(c->markers, c->marker_count + 1, sizeof *c->markers);
    c->markers[c->marker_count++] = (cr_marker){cat, S(label)};
}

static cr_page *page_add(cr_report *r, const char *title, const char *subtitle,
                         const char *bookmark)
{
    r->pages = grow(r->pages, r->page_count + 1, sizeof *r->pages);
    cr_page *p = &r->pages[r->page_count++];
    memset(p, 0, sizeof *p);
    p->title = S(title);
    p->subtitle = S(subtitle);
    p->bookmark = S(bookmark);
    return p;
}

static cr_block *block_add(cr_block **list, size_t *n, cr_block_type type)
{
    *list = grow(*list, *n + 1, sizeof **list);
    cr_block *b = &(*list)[(*n)++];
    memset(b, 0, sizeof *b);
    b->type = type;
    b->weight = 1;
    return b;
}

static void lines(cr_block *b, cr_text_style style, const char *const *l, size_t n)
{
    b->style = style;
    b->lines = calloc(n, sizeof *b->lines);
    for (size_t i = 0; i < n; i++)
        b->lines[i] = S(l[i]);
    b->line_count = n;
}

static void kpi(cr_block **list, size_t *n, const char *label, const char *value,
                const char *delta, const char *note, cr_status s)
{
    cr_block *b = block_add(list, n, CR_BLOCK_KPI);
    b->kpi_label = S(label);
    b->kpi_value = S(value);
    b->kpi_delta = S(delta);
    b->kpi_note = S(note);
    b->kpi_status = s;
}

static void chart_block(cr_block **list, size_t *n, const cr_chart *c, double weight)
{
    cr_block *b = block_add(list, n, CR_BLOCK_CHART);
    b->chart = c;
    b->weight = weight;
}

/* A row of charts as the page's one block. */
static cr_block *row(cr_page *p)
{
    return block_add(&p->blocks, &p->block_count, CR_BLOCK_ROW);
}

/* A small deterministic generator (xorshift) for chart data. */
static uint64_t rng = 88172645463325252ull;
static double rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng % 1000000) / 1e6;
}

static const char *const months[12] = {"2026-01", "2026-02", "2026-03", "2026-04",
                                       "2026-05", "2026-06", "2026-07", "2026-08",
                                       "2026-09", "2026-10", "2026-11", "2026-12"};

static cr_report *main_deck(void)
{
    cr_report *r = report_new("en", "Acme QBR 2026-Q3");
    r->keywords = S("QBR, Poly+");
    r->footer_right = S("Confidential");

    /* 1. cover */
    cr_page *p = page_add(r, "Quarterly Business Review", "Acme Corp \xc2\xb7 Poly+ Enterprise \xc2\xb7 2026-Q3", "Cover");
    p->cover = true;
    static const char *const cover[] = {"Account: " MARKUP_NAME,
                                        "Prepared by Jane Doe \xc2\xb7 jane.doe@example.com",
                                        "Data as of 30 Sep 2026"};
    lines(block_add(&p->blocks, &p->block_count, CR_BLOCK_TEXT), CR_TEXT_BODY, cover, 3);

    /* 2. executive summary: KPI row, highlights, the markup name as text */
    p = page_add(r, "Executive summary", "2026-Q3 against 2026-Q2", "Executive summary");
    cr_block *kr = row(p);
    kpi(&kr->children, &kr->child_count, "Devices", "1,350", "+42 vs 2026-Q2", "3 sites", CR_STATUS_NONE);
    kpi(&kr->children, &kr->child_count, "Adoption", "87.5%", "+2.1 pt", NULL, CR_STATUS_GOOD);
    kpi(&kr->children, &kr->child_count, "NBD SLA compliance", "96.0%", "\xe2\x88\x92" "1.5 pt",
        "target 98%", CR_STATUS_WARN);
    kpi(&kr->children, &kr->child_count, "Headset RMA rate", "6.2%", "threshold 5.0%", NULL,
        CR_STATUS_BAD);
    static const char *const hl[] = {
        "Headset RMA rate 6.2% exceeds the 5% annual threshold",
        "Video: 9 devices over the agreed count \xe2\x80\x94 true-up of EUR 1,350.00 from November",
        "Adoption rose in every region; the lowest site is Oslo HQ at 61.0%"};
    lines(block_add(&p->blocks, &p->block_count, CR_BLOCK_BULLETS), CR_TEXT_BODY, hl, 3);
    static const char *const mk[] = {"Account name as data: " MARKUP_NAME};
    lines(block_add(&p->blocks, &p->block_count, CR_BLOCK_TEXT), CR_TEXT_NOTE, mk, 1);

    /* 3. bar (average line) and grouped bars with a negative and long names */
    cr_table *tm = table_add(r, "tickets_by_month", 2, 12);
    column(tm, 0, "month", "Month", CR_FORMAT_MONTH, NULL);
    column(tm, 1, "tickets", "Tickets", CR_FORMAT_INTEGER, NULL);
    double sum = 0;
    for (int i = 0; i < 12; i++) {
        text(tm, (size_t)i, 0, months[i]);
        double v = floor(20 + rnd() * 180);
        num(tm, (size_t)i, 1, v);
        sum += v;
    }
    cr_chart *bar = chart_add(r, CR_CHART_BAR, "Tickets per month", tm, CR_FORMAT_INTEGER);
    series(bar, "Tickets", 1);
    bar->value_labels = true;
    bar->has_threshold = true;
    bar->threshold = sum / 12;
    bar->threshold_label = S("Average");
    bar->x_title = S("Month");
    bar->y_title = S("Tickets");

    cr_table *tg = table_add(r, "net_change", 3, 4);
    column(tg, 0, "category", "Category", CR_FORMAT_TEXT, NULL);
    column(tg, 1, "q2", "2026-Q2", CR_FORMAT_INTEGER, NULL);
    column(tg, 2, "q3", "2026-Q3", CR_FORMAT_INTEGER, NULL);
    static const char *const cats[4] = {"Video conferencing endpoints in meeting rooms",
                                        "Headsets", "Desk phones", "Conference phones"};
    static const double gv[4][2] = {{12, 9}, {40, -3}, {-8, 5}, {2, 0}};
    for (size_t i = 0; i < 4; i++) {
        text(tg, i, 0, cats[i]);
        num(tg, i, 1, gv[i][0]);
        num(tg, i, 2, gv[i][1]);
    }
    cr_chart *grp = chart_add(r, CR_CHART_BAR, "Net device change by category", tg, CR_FORMAT_INTEGER);
    series(grp, "2026-Q2", 1);
    series(grp, "2026-Q3", 2);
    grp->value_labels = true;
    p = page_add(r, "Service status", "Tickets and device changes", "Service status");
    kr = row(p);
    chart_block(&kr->children, &kr->child_count, bar, 1.2);
    chart_block(&kr->children, &kr->child_count, grp, 1);

    /* 4. stacked with negatives, line with threshold and markers */
    cr_table *ts = table_add(r, "changes", 4, 6);
    column(ts, 0, "month", "Month", CR_FORMAT_MONTH, NULL);
    column(ts, 1, "added", "Added", CR_FORMAT_INTEGER, NULL);
    column(ts, 2, "replaced", "Replaced", CR_FORMAT_INTEGER, NULL);
    column(ts, 3, "removed", "Removed", CR_FORMAT_INTEGER, NULL);
    static const double sv[6][3] = {{30, 8, -12}, {22, 5, -4}, {41, 12, -20},
                                    {15, 3, -25}, {28, 9, -6}, {35, 6, -10}};
    for (size_t i = 0; i < 6; i++) {
        text(ts, i, 0, months[i + 3]);
        for (size_t k = 0; k < 3; k++)
            num(ts, i, k + 1, sv[i][k]);
    }
    cr_chart *stk = chart_add(r, CR_CHART_STACKED, "Devices added, replaced and removed", ts,
                              CR_FORMAT_INTEGER);
    series(stk, "Added", 1);
    series(stk, "Replaced", 2);
    series(stk, "Removed", 3);
    stk->value_labels = true;

    cr_table *tl = table_add(r, "rma_rate", 2, 12);
    column(tl, 0, "month", "Month", CR_FORMAT_MONTH, NULL);
    column(tl, 1, "rate", "Headset RMA rate", CR_FORMAT_PERCENT, NULL);
    for (size_t i = 0; i < 12; i++) {
        text(tl, i, 0, months[i]);
        num(tl, i, 1, 0.02 + 0.004 * (double)i + 0.006 * rnd());
    }
    cr_chart *line = chart_add(r, CR_CHART_LINE, "Headset RMA rate, year to date", tl, CR_FORMAT_PERCENT);
    series(line, "Headset RMA rate", 1);
    line->has_threshold = true;
    line->threshold = 0.05;
    line->threshold_label = S("Annual threshold 5%");
    line->value_labels = true;
    marker(line, 3, "Firmware 2.1");
    marker(line, 7, "True-up");
    line->y_title = S("Rate");
    p = page_add(r, "Hardware replacement", NULL, "Hardware replacement");
    kr = row(p);
    chart_block(&kr->children, &kr->child_count, stk, 1);
    chart_block(&kr->children, &kr->child_count, line, 1);

    /* 5. doughnut and bullet */
    cr_table *td = table_add(r, "by_category", 5, 6);
    column(td, 0, "category", "Category", CR_FORMAT_TEXT, NULL);
    column(td, 1, "actual", "Actual", CR_FORMAT_INTEGER, NULL);
    column(td, 2, "baseline", "Baseline", CR_FORMAT_INTEGER, NULL);
    column(td, 3, "agreed", "Agreed (baseline + 5%)", CR_FORMAT_INTEGER, NULL);
    column(td, 4, "share", "Devices", CR_FORMAT_INTEGER, NULL);
    static const char *const dc[6] = {"Video", "Headsets", "Desk phones", "Conference phones",
                                      "Adapters", "Cameras"};
    static const double dv[6][4] = {{129, 120, 126, 129}, {790, 800, 840, 790},
                                    {300, 280, 294, 300}, {40, 45, 47, 40},
                                    {3, 3, 3, 3},         {2, 2, 2, 2}};
    for (size_t i = 0; i < 6; i++) {
        text(td, i, 0, dc[i]);
        for (size_t k = 0; k < 4; k++)
            num(td, i, k + 1, dv[i][k]);
    }
    cr_chart *dough = chart_add(r, CR_CHART_DOUGHNUT, "Devices by category", td, CR_FORMAT_INTEGER);
    series(dough, "Devices", 4);
    cr_chart *bul = chart_add(r, CR_CHART_BULLET, "Actual vs baseline vs agreed", td, CR_FORMAT_INTEGER);
    bul->bullet_actual = 1;
    bul->bullet_baseline = 2;
    bul->bullet_agreed = 3;
    p = page_add(r, "Inventory and coverage", "Per category, as of 30 Sep 2026", "Inventory");
    kr = row(p);
    chart_block(&kr->children, &kr->child_count, dough, 1);
    chart_block(&kr->children, &kr->child_count, bul, 1.3);

    /* 6. histogram and a chart without data */
    cr_table *th = table_add(r, "downtime", 2, 40);
    column(th, 0, "rma", "RMA", CR_FORMAT_TEXT, NULL);
    column(th, 1, "hours", "Downtime (hours)", CR_FORMAT_HOURS, NULL);
    for (size_t i = 0; i < 40; i++) {
        char id[16];
        snprintf(id, sizeof id, "R%03zu", i);
        text(th, i, 0, id);
        num(th, i, 1, 4 + 60 * rnd() * rnd());
    }
    cr_chart *hist = chart_add(r, CR_CHART_HISTOGRAM, "Downtime per replacement", th, CR_FORMAT_HOURS);
    series(hist, "RMAs", 1);
    hist->value_labels = true;
    hist->x_title = S("Hours");
    hist->y_title = S("Replacements");
    cr_table *te = table_add(r, "escalations", 2, 0);
    column(te, 0, "partner", "Cloud partner", CR_FORMAT_TEXT, NULL);
    column(te, 1, "count", "Escalations", CR_FORMAT_INTEGER, NULL);
    cr_chart *empty = chart_add(r, CR_CHART_BAR, "Escalations by cloud partner", te, CR_FORMAT_INTEGER);
    series(empty, "Escalations", 1);
    p = page_add(r, "Downtime and escalations", "Advance replacement, 2026-Q3", NULL);
    kr = row(p);
    chart_block(&kr->children, &kr->child_count, hist, 1.3);
    chart_block(&kr->children, &kr->child_count, empty, 1);

    /* 7. 80 rows: 21 a page (no subtitle), so four pages */
    cr_table *tt = table_add(r, "devices", 6, LONG_ROWS);
    column(tt, 0, "serial", "Serial", CR_FORMAT_TEXT, NULL);
    column(tt, 1, "model", "Model", CR_FORMAT_TEXT, NULL);
    column(tt, 2, "site", "Site", CR_FORMAT_TEXT, NULL);
    column(tt, 3, "last_seen", "Last seen", CR_FORMAT_DATE, NULL);
    column(tt, 4, "calls", "Calls", CR_FORMAT_INTEGER, NULL);
    column(tt, 5, "share", "Share of minutes", CR_FORMAT_PERCENT, NULL);
    static const char *const models[4] = {"Poly Studio X50", "Voyager Focus 2 UC",
                                          "CCX 500 Business Media Phone with a very long model name",
                                          "Trio C60"};
    for (size_t i = 0; i < LONG_ROWS; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "SN%06zu", 100000 + i * 37);
        text(tt, i, 0, buf);
        text(tt, i, 1, models[i % 4]);
        text(tt, i, 2, i % 3 ? "Oslo HQ" : "Paris, La D\xc3\xa9" "fense");
        snprintf(buf, sizeof buf, "2026-09-%02zu", 1 + i % 30);
        text(tt, i, 3, buf);
        if (i % 11 != 5)
            num(tt, i, 4, (double)(i * 97 % 1300));
        num(tt, i, 5, (double)(i % 17) / 170.0);
    }
    p = page_add(r, "Device list", NULL, "Device list");
    cr_block *tb = block_add(&p->blocks, &p->block_count, CR_BLOCK_TABLE);
    tb->table = tt;

    /* 8. Japanese */
    p = page_add(r, JA_TITLE, "2026年 第3四半期", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
    kr = row(p);
    kpi(&kr->children, &kr->child_count, "\xe3\x83\x87\xe3\x83\x90\xe3\x82\xa4\xe3\x82\xb9\xe6\x95\xb0", "1,350", "+42", NULL, CR_STATUS_GOOD);
    kpi(&kr->children, &kr->child_count, "\xe3\x83\x98\xe3\x83\x83\xe3\x83\x89\xe3\x82\xbb\xe3\x83\x83\xe3\x83\x88 RMA \xe7\x8e\x87", "6.2%", "\xe3\x81\x97\xe3\x81\x8d\xe3\x81\x84\xe5\x80\xa4 5%", NULL, CR_STATUS_BAD);
    static const char *const ja[] = {
        "\xe3\x83\x87\xe3\x83\x90\xe3\x82\xa4\xe3\x82\xb9\xe6\x95\xb0\xe3\x81\xaf\xe5\x89\x8d\xe5\x9b\x9b\xe5\x8d\x8a\xe6\x9c\x9f\xe3\x81\x8b\xe3\x82\x89 42 \xe5\x8f\xb0\xe5\xa2\x97\xe5\x8a\xa0\xe3\x81\x97\xe3\x81\xbe\xe3\x81\x97\xe3\x81\x9f\xe3\x80\x82"};
    lines(block_add(&p->blocks, &p->block_count, CR_BLOCK_TEXT), CR_TEXT_BODY, ja, 1);

    /* 9. French texts (pre-formatted, as the template engine gives them) */
    p = page_add(r, "Synth\xc3\xa8se en fran\xc3\xa7" "ais", "Revue trimestrielle", "Fran\xc3\xa7" "ais");
    kr = row(p);
    kpi(&kr->children, &kr->child_count, "Ajustement (true-up)", "1\xe2\x80\xaf" "350,00\xc2\xa0" "EUR", "\xc3\xa0 partir de novembre", NULL, CR_STATUS_WARN);
    kpi(&kr->children, &kr->child_count, "Taux de RMA casques", "6,2\xe2\x80\xaf%", "seuil 5\xe2\x80\xaf%", NULL, CR_STATUS_BAD);
    return r;
}

/* A deck in French or Japanese: axis ticks, money and percent per locale. */
static cr_report *locale_deck(const char *loc)
{
    bool fr = strcmp(loc, "fr") == 0;
    cr_report *r = report_new(loc, fr ? "Revue trimestrielle" : JA_TITLE);
    cr_table *t = table_add(r, "trueup", 4, 6);
    column(t, 0, "month", fr ? "Mois" : "\xe6\x9c\x88", CR_FORMAT_MONTH, NULL);
    column(t, 1, "charge", fr ? "Montant" : "\xe9\x87\x91\xe9\xa1\x8d", CR_FORMAT_MONEY, fr ? "EUR" : "JPY");
    column(t, 2, "rate", fr ? "Taux" : "\xe7\x8e\x87", CR_FORMAT_PERCENT, NULL);
    column(t, 3, "devices", fr ? "Appareils" : "\xe5\x8f\xb0\xe6\x95\xb0", CR_FORMAT_INTEGER, NULL);
    static const double v[6][3] = {{1350, 0.062, 1350}, {2700.5, 0.058, 1402}, {0, 0.049, 1390},
                                   {4050.25, 0.071, 1431}, {1350, 0.052, 1450}, {12500, 0.044, 1502}};
    for (size_t i = 0; i < 6; i++) {
        text(t, i, 0, months[i + 6]);
        num(t, i, 1, fr ? v[i][0] : v[i][0] * 160);
        num(t, i, 2, v[i][1]);
        num(t, i, 3, v[i][2] * 1000);
    }
    cr_chart *c = chart_add(r, CR_CHART_BAR, fr ? "Ajustements mensuels" : "\xe6\x9c\x88\xe5\x88\xa5\xe3\x81\xae\xe8\xbf\xbd\xe5\x8a\xa0\xe6\x96\x99\xe9\x87\x91", t, CR_FORMAT_MONEY);
    memcpy(c->value_format.currency, fr ? "EUR" : "JPY", 4);
    series(c, fr ? "Montant" : "\xe9\x87\x91\xe9\xa1\x8d", 1);
    c->value_labels = true;
    cr_chart *l = chart_add(r, CR_CHART_LINE, fr ? "Taux de RMA" : "RMA \xe7\x8e\x87", t, CR_FORMAT_PERCENT);
    series(l, fr ? "Taux" : "\xe7\x8e\x87", 2);
    l->has_threshold = true;
    l->threshold = 0.05;
    l->threshold_label = S(fr ? "Seuil 5\xe2\x80\xaf%" : "\xe3\x81\x97\xe3\x81\x8d\xe3\x81\x84\xe5\x80\xa4 5%");
    l->value_labels = true;
    cr_chart *b = chart_add(r, CR_CHART_BAR, fr ? "Appareils" : "\xe5\x8f\xb0\xe6\x95\xb0", t, CR_FORMAT_INTEGER);
    series(b, fr ? "Appareils" : "\xe5\x8f\xb0\xe6\x95\xb0", 3);
    cr_page *p = page_add(r, fr ? "Ajustements et taux" : JA_TITLE, fr ? "3e trimestre 2026" : NULL, fr ? "Ajustements" : "\xe6\xa6\x82\xe8\xa6\x81");
    cr_block *kr = row(p);
    chart_block(&kr->children, &kr->child_count, c, 1);
    chart_block(&kr->children, &kr->child_count, l, 1);
    chart_block(&kr->children, &kr->child_count, b, 1);
    p = page_add(r, fr ? "D\xc3\xa9tail" : "\xe6\x98\x8e\xe7\xb4\xb0", NULL, NULL);
    cr_block *tb = block_add(&p->blocks, &p->block_count, CR_BLOCK_TABLE);
    tb->table = t;
    return r;
}

/* ---- writing ----------------------------------------------------------------- */

static bool is_pdf(const char *path)
{
    char head[5] = "";
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t n = fread(head, 1, 4, f);
    fclose(f);
    return n == 4 && memcmp(head, "%PDF", 4) == 0;
}

static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    if (d)
        closedir(d);
    return n;
}

static void write_decks(const char *dir, bool keep)
{
    static const char *const names[3] = {"deck.pdf", "deck-fr.pdf", "deck-ja.pdf"};
    for (int i = 0; i < 3; i++) {
        cr_report *r = i == 0 ? main_deck() : locale_deck(i == 1 ? "fr" : "ja");
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        cr_error err;
        cr_error_clear(&err);
        int rc = cr_deck_write(r, path, &err);
        CHECK(rc == 0, "write %s (%s)", names[i], err.message);
        CHECK(is_pdf(path), "%s is a PDF", names[i]);
        cr_report_free(r);
        if (!keep)
            unlink(path);
    }
}

static void test_failures(const char *dir)
{
    /* a folder that does not exist: EX_CANTCREAT, nothing created */
    char path[4096];
    snprintf(path, sizeof path, "%s/missing/deck.pdf", dir);
    cr_report *r = report_new("en", "t");
    page_add(r, "Only a title", NULL, NULL);
    cr_error err;
    cr_error_clear(&err);
    CHECK_INT(cr_deck_write(r, path, &err), EX_CANTCREAT, "missing folder: EX_CANTCREAT");
    CHECK(err.message[0] != '\0', "missing folder: a message");
    /* no pages at all is still a valid (empty-page-free) write or a clean error */
    cr_report *e = report_new("en", "empty");
    snprintf(path, sizeof path, "%s/empty.pdf", dir);
    cr_error_clear(&err);
    int rc = cr_deck_write(e, path, &err);
    CHECK(rc == 0 || access(path, F_OK) != 0, "no pages: written or nothing left");
    unlink(path);
    cr_report_free(e);
    /* a path that is a folder: refused, no temporary file left */
    snprintf(path, sizeof path, "%s/adir", dir);
    mkdir(path, 0755);
    cr_error_clear(&err);
    CHECK_INT(cr_deck_write(r, path, &err), EX_CANTCREAT, "a folder at the path refused");
    CHECK_INT(count_entries(dir), 1, "no temporary file left behind");
    rmdir(path);
    cr_report_free(r);
}

int main(int argc, char **argv)
{
    test_stack();
    test_split_row();
    test_rows_fit();
    test_table_slice();
    test_column_widths();
    test_palette();
    if (argc > 1) {
        write_decks(argv[1], true);
        return unit_exit();
    }
    char dir[] = "/tmp/csmreport-deck.XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0, "mkdtemp");
        return unit_exit();
    }
    write_decks(dir, false);
    test_failures(dir);
    CHECK_INT(count_entries(dir), 0, "every file removed");
    rmdir(dir);
    return unit_exit();
}
