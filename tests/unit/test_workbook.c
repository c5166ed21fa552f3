/* test_workbook.c - cr_workbook_write over hand-built reports.
 *
 * Without arguments: writes workbooks into a temporary folder and checks what C
 * can see (status, the file and nothing else left in the folder, errors leaving
 * nothing behind, a symlink at the target refused, never followed).
 * With "sample PATH": writes the sample workbook to PATH; with "big PATH ROWS":
 * a ROWS-row workbook (constant-memory mode above 200,000 rows); with "stream
 * PATH ROWS": a sheet whose ROWS rows come from a cr_row_source (a streamed
 * table), with a title row, a date and a percent column, a conditional
 * format, an autofilter and a frozen header. The cells are read back by
 * tests/e2e/workbook.sh with openpyxl.
 */
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csmreport/template.h"
#include "csmreport/workbook.h"
#include "template_internal.h"
#include "unit.h"

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        abort();
    return p;
}

static char *xstrdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

static cr_table *add_table(cr_report *r, const char *name, size_t cols, size_t rows)
{
    cr_table *t = xcalloc(1, sizeof *t);
    t->name = xstrdup(name);
    t->column_count = cols;
    t->row_count = rows;
    t->columns = xcalloc(cols, sizeof *t->columns);
    t->cells = xcalloc(cols * rows, sizeof *t->cells);
    r->tables = realloc(r->tables, (r->table_count + 1) * sizeof *r->tables);
    r->tables[r->table_count++] = t;
    return t;
}

static void column(cr_table *t, size_t c, const char *name, cr_format_kind kind, int decimals,
                   const char *currency)
{
    t->columns[c].name = xstrdup(name);
    t->columns[c].header = xstrdup(name);
    t->columns[c].format.kind = kind;
    t->columns[c].format.decimals = decimals;
    if (currency)
        memcpy(t->columns[c].format.currency, currency, 4);
}

static void num(cr_table *t, size_t row, size_t c, double v)
{
    t->cells[row * t->column_count + c] = (cr_cell){.type = CR_CELL_NUMBER, .number = v};
}

static void text(cr_table *t, size_t row, size_t c, const char *s)
{
    t->cells[row * t->column_count + c] = (cr_cell){.type = CR_CELL_TEXT, .text = xstrdup(s)};
}

static cr_chart *add_chart(cr_report *r, const char *id, cr_chart_type type, const cr_table *t,
                           size_t category, const size_t *cols, size_t n)
{
    cr_chart *c = xcalloc(1, sizeof *c);
    c->id = xstrdup(id);
    c->type = type;
    c->table = t;
    c->category_column = category;
    c->series = xcalloc(n, sizeof *c->series);
    c->series_count = n;
    for (size_t i = 0; i < n; i++) {
        c->series[i].column = cols[i];
        c->series[i].label = xstrdup(t->columns[cols[i]].header);
    }
    c->title = xstrdup(id);
    c->value_format.decimals = -1;
    r->charts = realloc(r->charts, (r->chart_count + 1) * sizeof *r->charts);
    r->charts[r->chart_count++] = c;
    return c;
}

static cr_sheet *add_sheet(cr_report *r, const char *name, const cr_table *t)
{
    r->sheets = realloc(r->sheets, (r->sheet_count + 1) * sizeof *r->sheets);
    cr_sheet *s = &r->sheets[r->sheet_count++];
    memset(s, 0, sizeof *s);
    s->name = xstrdup(name);
    s->table = t;
    return s;
}

static void sheet_chart(cr_sheet *s, const cr_chart *c, const char *anchor)
{
    s->charts = realloc(s->charts, (s->chart_count + 1) * sizeof *s->charts);
    s->charts[s->chart_count++] = (cr_sheet_chart){.chart = c, .anchor = xstrdup(anchor)};
}

static cr_report *new_report(void)
{
    cr_report *r = xcalloc(1, sizeof *r);
    r->locale = xstrdup("en");
    r->title = xstrdup("Quarterly review");
    r->subject = xstrdup("ACME 2026-Q3");
    r->author = xstrdup("csmreport");
    r->company = xstrdup("Poly Services");
    r->keywords = xstrdup("qbr, fleet");
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    r->created = sde ? strtoll(sde, NULL, 10) : 1700000000;
    return r;
}

/* The sample: every cell type and format, hostile strings, sheet names to
 * repair, a conditional format and each kind of chart. */
static cr_report *sample_report(void)
{
    cr_report *r = new_report();
    cr_table *t = add_table(r, "devices", 8, 6);
    column(t, 0, "Name", CR_FORMAT_TEXT, -1, NULL);
    column(t, 1, "Rate", CR_FORMAT_PERCENT, -1, NULL);
    column(t, 2, "Charge EUR", CR_FORMAT_MONEY, -1, "EUR");
    column(t, 3, "Charge JPY", CR_FORMAT_MONEY, -1, "JPY");
    column(t, 4, "Date", CR_FORMAT_DATE, -1, NULL);
    column(t, 5, "Devices", CR_FORMAT_INTEGER, -1, NULL);
    column(t, 6, "Hours", CR_FORMAT_HOURS, -1, NULL);
    column(t, 7, "Ratio", CR_FORMAT_DECIMAL, 3, NULL);
    const char *names[] = {"Alpha", "=HYPERLINK(\"http://x\")", "@SUM(A1)", "+1", NULL, "_x0041_"};
    const double rates[] = {0.062, 0.031, 0.05, 0.08, 0.0, 0.01};
    const char *dates[] = {"2026-11-22", "1900-01-01", "1900-03-01", "not a date", "2024-02-29", ""};
    for (size_t i = 0; i < 6; i++) {
        if (names[i])
            text(t, i, 0, names[i]);
        num(t, i, 1, rates[i]);
        num(t, i, 2, 1350.5 - 100.0 * (double)i);
        num(t, i, 3, 135000 + (double)i);
        text(t, i, 4, dates[i]);
        num(t, i, 5, (double)(i * 3));
        num(t, i, 6, 2.5 * (double)i);
        num(t, i, 7, i == 5 ? NAN : 3.14159 * (double)i);
    }
    /* a 40,000-character string (row 5) */
    char *long_text = malloc(40001);
    memset(long_text, 'x', 40000);
    long_text[40000] = '\0';
    t->cells[4 * t->column_count + 0] = (cr_cell){.type = CR_CELL_TEXT, .text = long_text};

    cr_sheet *s = add_sheet(r, "Q3: [draft]/final*?", t);
    s->title = xstrdup("Fleet review");
    s->freeze_header = true;
    s->autofilter = true;
    s->conditionals = xcalloc(2, sizeof *s->conditionals);
    s->conditionals[0] = (cr_conditional){.column = 1, .op = CR_CMP_GT, .value = 0.05, .status = CR_STATUS_BAD};
    s->conditionals[1] = (cr_conditional){.column = 1, .op = CR_CMP_LE, .value = 0.05, .status = CR_STATUS_GOOD};
    s->conditional_count = 2;

    size_t devices = 5, rate = 1;
    cr_chart *bar = add_chart(r, "Devices by account", CR_CHART_BAR, t, 0, &devices, 1);
    bar->x_title = xstrdup("Account");
    bar->y_title = xstrdup("Devices");
    bar->value_labels = true;
    bar->markers = xcalloc(1, sizeof *bar->markers);
    bar->markers[0] = (cr_marker){.category = 1, .label = xstrdup("peak")};
    bar->marker_count = 1;
    cr_chart *line = add_chart(r, "RMA rate", CR_CHART_LINE, t, 4, &rate, 1);
    line->has_threshold = true;
    line->threshold = 0.05;
    line->threshold_label = xstrdup("Threshold 5%");
    line->value_format.kind = CR_FORMAT_PERCENT;
    line->markers = xcalloc(1, sizeof *line->markers);
    line->markers[0] = (cr_marker){.category = 2, .label = xstrdup("=true-up")};
    line->marker_count = 1;
    cr_chart *donut = add_chart(r, "=Share", CR_CHART_DOUGHNUT, t, 0, &devices, 1);
    sheet_chart(s, bar, "K2");
    sheet_chart(s, line, NULL);
    sheet_chart(s, donut, NULL);

    /* second sheet: the same name again, stacked, histogram and bullet */
    cr_table *u = add_table(r, "categories", 5, 3);
    column(u, 0, "Category", CR_FORMAT_TEXT, -1, NULL);
    column(u, 1, "Actual", CR_FORMAT_INTEGER, -1, NULL);
    column(u, 2, "Baseline", CR_FORMAT_INTEGER, -1, NULL);
    column(u, 3, "Agreed", CR_FORMAT_INTEGER, -1, NULL);
    column(u, 4, "Downtime h", CR_FORMAT_INTEGER, -1, NULL);
    const char *cats[] = {"headset", "video", "voice"};
    const double act[] = {120, 14, 40}, base[] = {110, 12, 40}, agr[] = {100, 10, 45}, down[] = {1, 4, 2};
    for (size_t i = 0; i < 3; i++) {
        text(u, i, 0, cats[i]);
        num(u, i, 1, act[i]);
        num(u, i, 2, base[i]);
        num(u, i, 3, agr[i]);
        num(u, i, 4, down[i]);
    }
    cr_sheet *s2 = add_sheet(r, "Q3: [draft]/final*?", u);
    s2->freeze_header = true;
    size_t two[] = {1, 2}, dcol = 4;
    cr_chart *stacked = add_chart(r, "Stacked", CR_CHART_STACKED, u, 0, two, 2);
    stacked->has_threshold = true; /* left out: it would stack */
    stacked->threshold = 50;
    cr_chart *hist = add_chart(r, "Downtime", CR_CHART_HISTOGRAM, u, 0, &dcol, 1);
    cr_chart *bullet = add_chart(r, "Coverage", CR_CHART_BULLET, u, 0, NULL, 0);
    bullet->bullet_actual = 1;
    bullet->bullet_baseline = 2;
    bullet->bullet_agreed = 3;
    sheet_chart(s2, stacked, NULL);
    sheet_chart(s2, hist, NULL);
    sheet_chart(s2, bullet, "A10");

    /* an empty name, a long one, a reserved one, an empty table */
    cr_table *e = add_table(r, "empty", 2, 0);
    column(e, 0, "A", CR_FORMAT_TEXT, -1, NULL);
    column(e, 1, "B", CR_FORMAT_INTEGER, -1, NULL);
    cr_sheet *s3 = add_sheet(r, "", e);
    s3->autofilter = true;
    add_sheet(r, "A very long sheet name that Excel would refuse", e);
    add_sheet(r, "history", e);
    /* 20,000 CJK characters: 60,000 bytes, yet within Excel's limit */
    cr_table *cjk = add_table(r, "cjk", 1, 1);
    column(cjk, 0, "Text", CR_FORMAT_TEXT, -1, NULL);
    char *wide = malloc(60001);
    for (size_t i = 0; i < 20000; i++)
        memcpy(wide + 3 * i, "\xE6\x97\xA5", 3); /* U+65E5 */
    wide[60000] = '\0';
    cjk->cells[0] = (cr_cell){.type = CR_CELL_TEXT, .text = wide};
    add_sheet(r, "'quoted'", cjk);
    return r;
}

/* ROWS rows of the benchmark's shape: 3 short strings, 3 numbers. */
static cr_report *big_report(size_t rows)
{
    cr_report *r = new_report();
    cr_table *t = add_table(r, "usage", 6, rows);
    column(t, 0, "date", CR_FORMAT_TEXT, -1, NULL);
    column(t, 1, "account_id", CR_FORMAT_TEXT, -1, NULL);
    column(t, 2, "serial", CR_FORMAT_TEXT, -1, NULL);
    column(t, 3, "calls", CR_FORMAT_INTEGER, -1, NULL);
    column(t, 4, "call_minutes", CR_FORMAT_INTEGER, -1, NULL);
    column(t, 5, "meetings", CR_FORMAT_INTEGER, -1, NULL);
    for (size_t i = 0; i < rows; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "2026-%02zu-%02zu", i % 12 + 1, i % 28 + 1);
        text(t, i, 0, buf);
        snprintf(buf, sizeof buf, "A%04zu", i % 500);
        text(t, i, 1, buf);
        snprintf(buf, sizeof buf, "SN%08zu", i);
        text(t, i, 2, buf);
        num(t, i, 3, (double)(i % 120));
        num(t, i, 4, (double)(i % 900));
        num(t, i, 5, (double)(i % 25));
    }
    cr_sheet *s = add_sheet(r, "usage", t);
    s->freeze_header = true;
    s->autofilter = true;
    return r;
}

/* ---------- streamed tables ---------- */

/* A row source of `rows` generated rows; fails at row fail_at (when > 0). */
typedef struct gen {
    size_t next, rows, fail_at;
    char date[32], account[32], serial[32];
} gen;

static int gen_next(void *ctx, cr_cell *row, cr_error *err)
{
    gen *g = ctx;
    if (g->fail_at && g->next == g->fail_at) {
        cr_error_set(err, EX_CONFIG, "t.xml", 7, 0, "dataset 'usage': disk I/O error");
        return -1;
    }
    if (g->next >= g->rows)
        return 0;
    size_t i = g->next++;
    snprintf(g->date, sizeof g->date, "2026-%02zu-%02zu", i % 12 + 1, i % 28 + 1);
    snprintf(g->account, sizeof g->account, "A%04zu", i % 500);
    snprintf(g->serial, sizeof g->serial, "SN%08zu", i);
    row[0] = (cr_cell){.type = CR_CELL_TEXT, .text = g->date};
    row[1] = (cr_cell){.type = CR_CELL_TEXT, .text = g->account};
    row[2] = (cr_cell){.type = CR_CELL_TEXT, .text = g->serial};
    row[3] = (cr_cell){.type = CR_CELL_NUMBER, .number = (double)(i % 120)};
    row[4] = i % 7 == 3 ? (cr_cell){.type = CR_CELL_NULL} /* some empty cells */
                        : (cr_cell){.type = CR_CELL_NUMBER, .number = (double)(i % 900)};
    row[5] = (cr_cell){.type = CR_CELL_NUMBER, .number = (double)(i % 25) / 100};
    return 1;
}

static void gen_free(void *ctx)
{
    free(ctx);
}

/* A report of one streamed sheet of `rows` generated rows. */
static cr_report *stream_report(size_t rows, size_t fail_at)
{
    cr_report *r = new_report();
    cr_table *t = add_table(r, "usage", 6, 0);
    free(t->cells);
    t->cells = NULL;
    column(t, 0, "date", CR_FORMAT_DATE, -1, NULL);
    column(t, 1, "account_id", CR_FORMAT_TEXT, -1, NULL);
    column(t, 2, "serial", CR_FORMAT_TEXT, -1, NULL);
    column(t, 3, "calls", CR_FORMAT_INTEGER, -1, NULL);
    column(t, 4, "call_minutes", CR_FORMAT_INTEGER, -1, NULL);
    column(t, 5, "rate", CR_FORMAT_PERCENT, 1, NULL);
    gen *g = xcalloc(1, sizeof *g);
    g->rows = rows;
    g->fail_at = fail_at;
    t->source = xcalloc(1, sizeof *t->source);
    *t->source = (cr_row_source){.next = gen_next, .free = gen_free, .ctx = g};
    cr_sheet *s = add_sheet(r, "usage", t);
    s->title = xstrdup("Usage");
    s->freeze_header = true;
    s->autofilter = true;
    s->conditionals = xcalloc(1, sizeof *s->conditionals);
    s->conditionals[0] = (cr_conditional){.column = 5, .op = CR_CMP_GT, .value = 0.2,
                                          .status = CR_STATUS_BAD};
    s->conditional_count = 1;
    return r;
}

/* Entries of dir other than "." and "..". */
static int dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    if (d)
        closedir(d);
    return n;
}

static void self_tests(void)
{
    char dir[] = "/tmp/test_workbook.XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0, "temporary folder");
        return;
    }
    char path[256], other[256];
    snprintf(path, sizeof path, "%s/out.xlsx", dir);
    cr_error err;
    cr_error_clear(&err);

    cr_report *r = sample_report();
    CHECK_INT(cr_workbook_write(r, path, &err), 0, "sample workbook written");
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size > 2000, "workbook file present");
    CHECK_INT(dir_entries(dir), 1, "no temporary file left behind");

    /* a symlink at the target is refused and left as it is, its target untouched */
    snprintf(other, sizeof other, "%s/victim", dir);
    FILE *f = fopen(other, "w");
    if (f) {
        fputs("keep", f);
        fclose(f);
    }
    char link_path[256];
    snprintf(link_path, sizeof link_path, "%s/link.xlsx", dir);
    CHECK(symlink(other, link_path) == 0, "symlink made");
    cr_error_clear(&err);
    CHECK_INT(cr_workbook_write(r, link_path, &err), EX_CANTCREAT, "a symlink at the target refused");
    CHECK(strstr(err.message, "symbolic link") != NULL, "message says symbolic link: %s", err.message);
    CHECK(lstat(link_path, &st) == 0 && S_ISLNK(st.st_mode), "symlink left as it is");
    CHECK(stat(other, &st) == 0 && st.st_size == 4, "symlink target untouched");
    CHECK_INT(dir_entries(dir), 3, "no temporary file beside the symlink");
    unlink(link_path);
    unlink(other);

    /* a missing folder: EX_CANTCREAT */
    snprintf(other, sizeof other, "%s/missing/out.xlsx", dir);
    cr_error_clear(&err);
    CHECK_INT(cr_workbook_write(r, other, &err), EX_CANTCREAT, "missing folder refused");
    CHECK(strstr(err.message, "cannot create") != NULL, "message says cannot create: %s", err.message);

    /* a chart naming a column the table lacks: an error, nothing left */
    r->charts[0]->series[0].column = 99;
    snprintf(other, sizeof other, "%s/bad.xlsx", dir);
    cr_error_clear(&err);
    CHECK_INT(cr_workbook_write(r, other, &err), EX_SOFTWARE, "bad chart column refused");
    CHECK(access(other, F_OK) != 0, "no file for a refused report");
    CHECK_INT(dir_entries(dir), 1, "no temporary file after an error");
    cr_report_free(r);

    /* streamed tables */
    cr_report *sr = stream_report(1000, 0);
    CHECK_INT(cr_workbook_write(sr, path, &err), 0, "streamed sheet written");
    CHECK(stat(path, &st) == 0 && st.st_size > 1000, "streamed workbook present");
    cr_error_clear(&err);
    CHECK_INT(cr_workbook_write(sr, other, &err), 0, "a read source writes an empty sheet");
    unlink(other);
    cr_report_free(sr);
    sr = stream_report(0, 0);
    CHECK_INT(cr_workbook_write(sr, path, &err), 0, "empty streamed sheet written");
    cr_report_free(sr);
    sr = stream_report(5000, 4321);
    cr_error_clear(&err);
    CHECK_INT(cr_workbook_write(sr, other, &err), EX_CONFIG, "a failing source fails the workbook");
    CHECK(strstr(err.message, "disk I/O error") != NULL, "the source's message: %s", err.message);
    CHECK(access(other, F_OK) != 0, "no file after a failing source");
    cr_report_free(sr);
    sr = stream_report(10, 0);
    const size_t cols[1] = {3};
    cr_chart *ch = add_chart(sr, "c", CR_CHART_BAR, sr->tables[0], 1, cols, 1);
    sheet_chart(&sr->sheets[0], ch, NULL);
    cr_error_clear(&err);
    CHECK_INT(cr_workbook_write(sr, other, &err), EX_SOFTWARE, "a chart over a streamed table refused");
    CHECK(access(other, F_OK) != 0, "no file for a chart over a streamed table");
    cr_report_free(sr);
    unlink(path);
    CHECK_INT(dir_entries(dir), 0, "nothing left after the streamed workbooks");

    /* a report without sheets still makes a valid workbook */
    cr_report *empty = new_report();
    CHECK_INT(cr_workbook_write(empty, path, &err), 0, "report without sheets");
    cr_report_free(empty);
    unlink(path);
    rmdir(dir);
}

/* ---------- formulas: names to A1 ---------- */

/* Parses text over the columns and facts below, places it and compares. */
static void check_a1(const char *text, size_t row, size_t rows, const char *want)
{
    static const char *const cols[] = {"category", "month", "agreed", "actual", "charge"};
    static const char *const facts[] = {"digits", "rma_count"};
    static const uint32_t fact_rows[] = {2, 3};
    cr_error err;
    cr_error_clear(&err);
    cr_formula *f = NULL;
    int rc = tpl_formula_parse(text, cols, 5, facts, 2, "t.xml", 7, "column 'x'", &f, &err);
    CHECK_INT(rc, 0, "formula parses: %s (%s)", text, err.message);
    if (rc)
        return;
    /* header on row index 5 (sheet row 6), data rows from index 6 */
    cr_formula_place at = {.row = row, .header_row = 5, .first_row = 6,
                           .last_row = 5 + rows, .column_count = 5,
                           .fact_rows = fact_rows, .fact_count = 2};
    char buf[CR_FORMULA_MAX];
    CHECK_INT(cr_workbook_formula_a1(f, &at, buf, sizeof buf), 0, "placed: %s", text);
    CHECK_STR(buf, want, "A1 of %s", text);
    cr_formula_free(f);
}

static void check_formula_error(const char *text, const char *want)
{
    static const char *const cols[] = {"agreed", "actual"};
    static const char *const facts[] = {"digits"};
    cr_error err;
    cr_error_clear(&err);
    cr_formula *f = NULL;
    int rc = tpl_formula_parse(text, cols, 2, facts, 1, "t.xml", 42, "column 'x'", &f, &err);
    CHECK_INT(rc, 78, "formula %s is refused", text);
    CHECK_INT((int)err.line, 42, "error of %s has the template line", text);
    CHECK(strstr(err.message, want) != NULL, "message of %s: '%s' has '%s'", text, err.message, want);
    CHECK(f == NULL, "no formula out of %s", text);
}

static const char *const formula_template =
    "<report name=\"f\" output=\"f\">\n"
    "  <datasets>\n"
    "    <dataset name=\"c\">SELECT category, agreed_count FROM contracts</dataset>\n"
    "  </datasets>\n"
    "  <workbook>\n"
    "    <sheet name=\"s\" dataset=\"c\">\n"
    "      <column name=\"category\"/>\n"
    "      <column name=\"agreed_count\"/>\n"
    "      <column name=\"double\" formula=\"2*[agreed_cuont]\"/>\n"
    "    </sheet>\n"
    "  </workbook>\n"
    "</report>\n";

static void formula_tests(void)
{
    check_a1("[agreed]*2", 6, 3, "C7*2");
    check_a1("=[actual]-[agreed]", 8, 3, "D9-C9");
    check_a1("IF([category]=[category@prev],[agreed@prev],0)", 6, 3, "IF(A7=A6,C6,0)");
    check_a1("SUM([charge@all])", 9, 3, "SUM($E$7:$E$9)");
    check_a1("SUM([charge@all])", 6, 0, "SUM($E$6)");
    check_a1("ROUND([charge]*10^[digits],0)/[rma_count]", 7, 3, "ROUND(E8*10^$B$3,0)/$B$4");
    check_a1("IF([month]=\"[agreed]\",1,0)", 6, 1, "IF(B7=\"[agreed]\",1,0)");
    check_a1("[agreed]", 99, 200, "C100");

    check_formula_error("2*[agreed_cuont]", "unknown column or fact 'agreed_cuont'");
    check_formula_error("SUM([digits@all])", "unknown column 'digits'");
    check_formula_error("[agreed", "is not a reference");
    check_formula_error("[]", "is not a reference");
    check_formula_error("agreed]", "']' without '['");
    check_formula_error("IF([agreed]=\"x,1,0)", "unclosed");
    check_formula_error("[agreed]*${rma.count}", "takes no ${...}");
    check_formula_error("=", "empty");

    /* a column index past the table cannot be placed */
    cr_formula_part part = {.kind = CR_REF_CELL, .index = 9};
    cr_formula f = {.parts = &part, .part_count = 1};
    cr_formula_place at = {.row = 3, .header_row = 1, .first_row = 2, .last_row = 4, .column_count = 5};
    char buf[64];
    CHECK_INT(cr_workbook_formula_a1(&f, &at, buf, sizeof buf), -1, "out-of-range column refused");
    part = (cr_formula_part){.kind = CR_REF_CELL, .index = 27};
    at.column_count = 30;
    CHECK_INT(cr_workbook_formula_a1(&f, &at, buf, sizeof buf), 0, "column AB placed");
    CHECK_STR(buf, "AB4", "column 28 is AB");
    CHECK_INT(cr_workbook_formula_a1(&f, &at, buf, 3), -1, "a buffer too small is refused");

    /* in a template: an unknown column is a configuration error with its line */
    char dir[] = "/tmp/csmreport-formula.XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0, "mkdtemp");
        return;
    }
    char path[128];
    snprintf(path, sizeof path, "%s/f.xml", dir);
    FILE *fp = fopen(path, "w");
    CHECK(fp != NULL, "template file");
    if (!fp)
        return;
    fputs(formula_template, fp);
    fclose(fp);
    cr_template *t = NULL;
    cr_error err;
    cr_error_clear(&err);
    CHECK_INT(cr_template_load(path, &t, &err), 78, "unknown column in a formula: exit 78");
    CHECK_INT((int)err.line, 9, "the error names the column's line");
    CHECK(strstr(err.message, "agreed_cuont") != NULL, "the error names the column: %s", err.message);
    CHECK(t == NULL, "no template");
    cr_template_free(t);
    unlink(path);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    cr_error err;
    cr_error_clear(&err);
    if (argc == 3 && strcmp(argv[1], "sample") == 0) {
        cr_report *r = sample_report();
        int rc = cr_workbook_write(r, argv[2], &err);
        if (rc)
            fprintf(stderr, "test_workbook: %s\n", err.message);
        cr_report_free(r);
        return rc;
    }
    if (argc == 4 && strcmp(argv[1], "big") == 0) {
        cr_report *r = big_report((size_t)strtoul(argv[3], NULL, 10));
        int rc = cr_workbook_write(r, argv[2], &err);
        if (rc)
            fprintf(stderr, "test_workbook: %s\n", err.message);
        cr_report_free(r);
        return rc;
    }
    if (argc == 4 && strcmp(argv[1], "stream") == 0) {
        cr_report *r = stream_report((size_t)strtoul(argv[3], NULL, 10), 0);
        int rc = cr_workbook_write(r, argv[2], &err);
        if (rc)
            fprintf(stderr, "test_workbook: %s\n", err.message);
        cr_report_free(r);
        return rc;
    }
    self_tests();
    formula_tests();
    return unit_exit();
}
