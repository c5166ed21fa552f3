/* test_template.c - report templates: loading and checking, placeholders per
 * locale, conditions, string fallback, bound dataset parameters, metrics
 * datasets equal to cr_metrics_compute, partner scope, and the SQL sandbox,
 * over a database imported from samples/.
 *
 * Also a small driver for the end-to-end scripts while `csmreport render` is
 * not wired into main.c:
 *   test_template --load T.xml                 load only
 *   test_template --resolve T.xml DB ID PERIOD resolve one subject
 * each prints "csmreport: FILE:LINE:COL: message" and exits with the code.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csmreport/db.h"
#include "csmreport/ingest.h"
#include "csmreport/metrics.h"
#include "csmreport/sandbox.h"
#include "csmreport/sql.h"
#include "csmreport/template.h"
#include "csmreport/workbook.h"
#include "template_internal.h"
#include "unit.h"

#define NBSP "\xc2\xa0"
#define NNBSP "\xe2\x80\xaf"

static char dir[64];
static char db_path[128];
static const char *top = ".";

static int driver(int argc, char **argv)
{
    cr_error err;
    cr_error_clear(&err);
    cr_template *t = NULL;
    int rc = cr_template_load(argv[2], &t, &err);
    if (!rc && strcmp(argv[1], "--resolve") == 0 && argc >= 6) {
        sqlite3 *db = cr_sandbox_open(argv[3], &err);
        cr_period p;
        cr_report *r = NULL;
        if (!db)
            rc = err.code;
        else if (!(rc = cr_period_parse(argv[5], NULL, &p, &err))) {
            cr_render_request req = {.db = db, .subject_id = argv[4], .period = &p};
            rc = cr_template_resolve(t, &req, &r, &err);
        }
        cr_report_free(r);
        cr_db_close(db);
    }
    cr_template_free(t);
    if (rc) {
        char buf[2048];
        cr_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "csmreport: %s\n", buf);
    }
    return rc;
}

static int build_db(void)
{
    static const char *const kinds[] = {"partners", "accounts", "contracts", "catalog", "firmware",
                                        "holidays", "devices", "tickets", "usage", "calls"};
    cr_error err;
    cr_error_clear(&err);
    sqlite3 *db = cr_db_open(db_path, CR_DB_READWRITE, &err);
    if (!db)
        return 1;
    int rc = 0;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0] && !rc; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/samples/%s.csv", top, kinds[i]);
        if (access(path, R_OK) != 0)
            continue;
        cr_import_options opt = {0};
        cr_import_result *res = calloc(1, sizeof *res);
        rc = cr_ingest_file(db, path, &opt, res, &err);
        free(res);
    }
    cr_db_close(db);
    return rc;
}

/* Writes xml to a file of the test folder and loads it. */
static int load_inline(const char *xml, cr_template **t, cr_error *err)
{
    char path[128];
    snprintf(path, sizeof path, "%s/inline.xml", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(xml, f);
    fclose(f);
    cr_error_clear(err);
    return cr_template_load(path, t, err);
}

static cr_report *resolve(const cr_template *t, sqlite3 *db, const char *id, const char *period,
                          const char *locale, cr_error *err)
{
    cr_period p;
    cr_error_clear(err);
    if (cr_period_parse(period, NULL, &p, err))
        return NULL;
    cr_render_request req = {.db = db, .subject_id = id, .period = &p, .locale = locale,
                             .created = 1790000000};
    cr_report *r = NULL;
    cr_template_resolve(t, &req, &r, err);
    return r;
}

static const cr_page *page_titled(const cr_report *r, const char *title)
{
    for (size_t i = 0; r && i < r->page_count; i++)
        if (r->pages[i].title && strcmp(r->pages[i].title, title) == 0)
            return &r->pages[i];
    return NULL;
}

static const char *line_of(const cr_report *r, size_t page, size_t block, size_t line)
{
    if (!r || page >= r->page_count || block >= r->pages[page].block_count)
        return NULL;
    const cr_block *b = &r->pages[page].blocks[block];
    return line < b->line_count ? b->lines[line] : NULL;
}

/* ---------- example.xml ---------- */

static void test_example(sqlite3 *db)
{
    char path[512];
    snprintf(path, sizeof path, "%s/templates/example.xml", top);
    cr_template *t = NULL;
    cr_error err;
    cr_error_clear(&err);
    int rc = cr_template_load(path, &t, &err);
    CHECK_INT(rc, 0, "example.xml loads (%s)", err.message);
    if (rc)
        return;
    CHECK(cr_template_get_scope(t) == CR_SCOPE_ACCOUNT, "example is account-scoped");
    CHECK_STR(cr_template_output_stem(t), "example", "output stem");

    /* NO-NORDLYS: enterprise, nb, NOK. 2026-Q3: 26 deployed, 14 active,
     * 11 tickets opened, headset RMA 1/20 = 5.0 % (not above 5 %), video
     * true-up charges 9000.00 NOK. */
    cr_report *r = resolve(t, db, "NO-NORDLYS", "2026-Q3", NULL, &err);
    CHECK(r != NULL, "resolve NO-NORDLYS (%s)", err.message);
    if (r) {
        CHECK_STR(r->locale, "nb", "locale from the account");
        CHECK_INT(r->page_count, 5, "enterprise: cover, summary, adoption, true-up, devices");
        CHECK_STR(r->title, "Tjenestegjennomgang", "title property in nb");
        CHECK_STR(r->subject, "Nordlys Energi AS · 2026-Q3", "subject property");
        CHECK_STR(r->footer_left, "Nordlys Energi AS · 3. kv. 2026", "footer left: the period in the report's words");
        CHECK(r->delivered_by == NULL && r->footer_right == NULL, "no partner: no delivered by");
        CHECK_STR(r->author, "Ingrid Solberg", "author defaults to the CSM");
        CHECK(r->created == 1790000000, "creation time from the request");
        CHECK(r->pages[0].cover, "first page is the cover");
        CHECK_STR(line_of(r, 0, 0, 0), "1. jul. 2026 – 30. sep. 2026", "cover dates in nb");
        CHECK_STR(line_of(r, 0, 1, 0), "Utarbeidet av Ingrid Solberg", "CSM line (csm_name is not null)");
        CHECK_STR(line_of(r, 0, 2, 0), "Data per 28. sep. 2026", "data as-of line");
        const cr_page *sum = page_titled(r, "Sammendrag");
        CHECK(sum && sum->block_count == 2, "summary: a row of KPIs and bullets");
        if (sum && sum->block_count == 2) {
            const cr_block *row = &sum->blocks[0];
            CHECK(row->type == CR_BLOCK_ROW && row->child_count == 4, "four KPI tiles");
            if (row->child_count == 4) {
                CHECK_STR(row->children[0].kpi_value, "26", "KPI devices");
                CHECK_STR(row->children[1].kpi_value, "53,8" NBSP "%", "KPI adoption 14/26 in nb");
                CHECK(row->children[1].kpi_status == CR_STATUS_WARN, "adoption under target: warn");
                CHECK_STR(row->children[1].kpi_note, "Aktive enheter: 14", "KPI note");
                CHECK_STR(row->children[2].kpi_value, "11", "KPI tickets opened");
                CHECK_STR(row->children[3].kpi_value, "5,0" NBSP "%", "KPI RMA rate");
                CHECK(row->children[3].kpi_status == CR_STATUS_GOOD,
                      "RMA rate equal to the threshold is not above it: good");
            }
            const cr_block *b = &sum->blocks[1];
            CHECK_INT(b->line_count, 3, "bullets: adoption, rma ok, true-up");
            if (b->line_count == 3) {
                CHECK_STR(b->lines[0], "14 av 26 enheter ble brukt i 2026-Q3", "adoption line");
                CHECK_STR(b->lines[1],
                          "RMA-rate for hodesett 5,0" NBSP "%, innenfor terskelen på 5,0" NBSP "%",
                          "rma line (not breach)");
                CHECK_STR(b->lines[2], "Justeringer i avtaleperioden: 9" NBSP "000,00" NBSP "NOK (video)",
                          "money in nb with the account currency");
            }
        }
        const cr_page *tu = page_titled(r, "Justering (true-up)");
        CHECK(tu != NULL, "true-up page for an enterprise program");
        if (tu && tu->block_count == 1) {
            const cr_table *tb = tu->blocks[0].table;
            CHECK_INT(tb->column_count, 6, "true-up table columns");
            CHECK_STR(tb->columns[5].header, "Beløp", "localized header");
            CHECK(tb->columns[5].format.kind == CR_FORMAT_MONEY &&
                      strcmp(tb->columns[5].format.currency, "NOK") == 0,
                  "money column in NOK");
        }
        const cr_page *dev = page_titled(r, "Enheter");
        CHECK(dev && dev->subtitle && strcmp(dev->subtitle, "26") == 0, "device count subtitle");
        if (dev && dev->block_count == 1)
            CHECK_INT(dev->blocks[0].table->row_count, 26, "device table: the 2026-09-28 snapshot");
        const cr_page *ad = page_titled(r, "Bruk");
        if (ad && ad->block_count == 1 && ad->blocks[0].chart) {
            const cr_chart *ch = ad->blocks[0].chart;
            CHECK(ch->type == CR_CHART_BAR, "chart type");
            CHECK_STR(ch->title, "Bruk per måned", "chart title");
            CHECK(ch->has_threshold && ch->threshold == 0.6, "threshold from a parameter");
            CHECK_STR(ch->threshold_label, "Mål", "threshold label");
            CHECK_INT(ch->table->row_count, 3, "three months");
            CHECK(ch->series_count == 1 && ch->series[0].color == 0x2E6DB4, "series colour");
            CHECK(ch->table->columns[ch->category_column].format.kind == CR_FORMAT_MONTH,
                  "category format month");
        } else {
            CHECK(0, "adoption page has a chart");
        }
        CHECK_INT(r->sheet_count, 3, "three sheets for enterprise");
        if (r->sheet_count == 3) {
            const cr_sheet *s = &r->sheets[0];
            CHECK_STR(s->name, "Enheter", "sheet name localized");
            CHECK(s->autofilter && s->freeze_header, "devices sheet: autofilter, frozen header");
            CHECK_INT(s->table->row_count, 26, "devices sheet rows");
            CHECK(s->table->columns[0].width == 16, "column width");
            s = &r->sheets[1];
            CHECK(s->conditional_count == 1 && s->conditionals[0].column == 4 &&
                      s->conditionals[0].op == CR_CMP_GT && s->conditionals[0].value == 0 &&
                      s->conditionals[0].status == CR_STATUS_BAD,
                  "true-up conditional format");
            CHECK_STR(s->title, "Justering (true-up) · 2026-Q3", "sheet title");
            s = &r->sheets[2];
            CHECK(s->chart_count == 1 && s->charts[0].chart->table == s->table,
                  "sheet chart drawn over the sheet's own table");
            CHECK(s->chart_count == 1 && strcmp(s->charts[0].anchor, "F2") == 0, "chart anchor");
            CHECK(s->conditional_count == 1 && s->conditionals[0].value == 0.6 &&
                      s->conditionals[0].status == CR_STATUS_WARN,
                  "conditional value from a parameter");
        }

        /* The metrics datasets are the metrics document, number for number. */
        cr_json *doc = NULL;
        cr_period p;
        cr_period_parse("2026-Q3", NULL, &p, &err);
        CHECK_INT(cr_metrics_compute(db, "NO-NORDLYS", &p, NULL, &doc, &err), 0, "metrics");
        const cr_table *months = r->sheets[2].table;
        bool same = months->row_count == cr_json_size(cr_json_path(doc, "adoption.by_month"));
        for (size_t i = 0; same && i < months->row_count; i++) {
            char key[64];
            snprintf(key, sizeof key, "adoption.by_month.%zu.rate", i);
            same = months->cells[i * months->column_count + 3].number ==
                   cr_json_get_number(cr_json_path(doc, key));
            snprintf(key, sizeof key, "adoption.by_month.%zu.month", i);
            same = same && strcmp(months->cells[i * months->column_count].text,
                                  cr_json_get_string(cr_json_path(doc, key))) == 0;
        }
        CHECK(same, "adoption.by_month rows equal cr_metrics_compute");
        const cr_table *tu_t = r->sheets[1].table;
        same = tu_t->row_count == cr_json_size(cr_json_path(doc, "trueup_summary"));
        for (size_t i = 0; same && i < tu_t->row_count; i++) {
            const char *cat = tu_t->cells[i * tu_t->column_count].text;
            char key[96];
            snprintf(key, sizeof key, "trueup_summary.%s.actual_now", cat);
            same = tu_t->cells[i * tu_t->column_count + 3].number ==
                   cr_json_get_number(cr_json_path(doc, key));
            snprintf(key, sizeof key, "trueup_summary.%s.charge_total", cat);
            const cr_json *v = cr_json_path(doc, key);
            const cr_cell *cell = &tu_t->cells[i * tu_t->column_count + 4];
            same = same && (cr_json_is_null(v) ? cell->type == CR_CELL_NULL
                                               : cell->number == cr_json_get_number(v));
        }
        CHECK(same, "trueup_summary rows equal cr_metrics_compute (null charge stays null)");
        cr_json_free(doc);
        cr_report_free(r);
    }

    /* US-HARBOR: elite, no true-up page nor sheet. */
    r = resolve(t, db, "US-HARBOR", "2026-Q3", NULL, &err);
    CHECK(r != NULL, "resolve US-HARBOR (%s)", err.message);
    if (r) {
        CHECK_STR(r->locale, "en", "en account");
        CHECK_INT(r->page_count, 4, "elite: no true-up page");
        CHECK(page_titled(r, "True-up") == NULL, "no true-up page title");
        CHECK_INT(r->sheet_count, 2, "elite: no true-up sheet");
        cr_report_free(r);
    }

    /* FR-ECLAIR: partner_enterprise, fr: delivered by the partner. */
    r = resolve(t, db, "FR-ECLAIR", "2026-Q3", NULL, &err);
    CHECK(r != NULL, "resolve FR-ECLAIR (%s)", err.message);
    if (r) {
        CHECK_STR(r->locale, "fr", "fr account");
        CHECK_STR(r->delivered_by, "Intégra Systèmes SAS", "delivered by the partner");
        /* The deck writes "fourni par ..." itself from delivered_by. */
        CHECK(r->footer_right == NULL, "footer right left to the deck");
        CHECK_STR(r->company, "Intégra Systèmes SAS", "company defaults to the partner");
        CHECK_INT(r->page_count, 5, "partner_enterprise has the true-up page");
        cr_report_free(r);
    }

    /* The request's locale wins over the account's. */
    r = resolve(t, db, "JP-SAKURA", "2026-Q3", "en", &err);
    CHECK(r && strcmp(r->locale, "en") == 0 && strcmp(r->title, "Service review") == 0,
          "--locale en for a ja account");
    cr_report_free(r);
    r = resolve(t, db, "JP-SAKURA", "2026-Q3", NULL, &err);
    CHECK(r && strcmp(r->title, "サービスレビュー") == 0, "ja strings");
    cr_report_free(r);

    r = resolve(t, db, "NOPE", "2026-Q3", NULL, &err);
    CHECK(r == NULL && err.code == EX_DATAERR, "unknown account is EX_DATAERR");
    cr_template_free(t);
}

/* ---------- formats, strings, conditions, binding ---------- */

static const char *const formats_xml =
    "<report name='f' output='f'>\n"
    " <parameters>\n"
    "  <parameter name='share' type='number' default='0.062'/>\n"
    "  <parameter name='big' type='number' default='1350'/>\n"
    "  <parameter name='flag' type='bool' default='true'/>\n"
    "  <parameter name='quote' default=\"x' OR '1'='1\"/>\n"
    "  <parameter name='p1_hours' type='number' default='12'/>\n"
    " </parameters>\n"
    " <strings>\n"
    "  <string key='only_en' en='English only'/>\n"
    "  <string key='hello' en='Hello ${account_name}' fr='Bonjour ${account_name}'/>\n"
    " </strings>\n"
    " <datasets>\n"
    "  <dataset name='bound'>SELECT :account_name AS name,\n"
    "    (SELECT count(*) FROM accounts WHERE account_name = :account_name) AS matches,\n"
    "    (SELECT count(*) FROM accounts WHERE account_id = :quote) AS injected</dataset>\n"
    "  <dataset name='cats' metrics='coverage.by_category' key='category'/>\n"
    "  <dataset name='adopt' metrics='adoption'/>\n"
    " </datasets>\n"
    " <deck>\n"
    "  <page title='t'>\n"
    "   <text><p>${share|percent}</p><p>${big|decimal:2}</p><p>${big|money}</p>\n"
    "    <p>${big|money:JPY}</p><p>${period_start|date}</p><p>${period_start|month}</p>\n"
    "    <p>#{only_en}</p><p>#{hello}</p><p>${p1_hours|integer}</p><p>$${literal}</p>\n"
    "    <p>${data.bound.name}|${data.bound.matches}|${data.bound.injected}</p>\n"
    "    <p>${data.cats.rows}|${data.cats.0.category}|${data.cats.0.value}|${data.adopt.deployed}</p>\n"
    "    <p>${rma.rate|percent:2}|${adoption.by_site.0.site}|${tickets.p1|integer}</p>\n"
    "    <p>${adoption.by_category.unknown.rate|percent}</p></text>\n"
    "   <if test=\"program in enterprise, partner_enterprise\"><text>ent</text></if>\n"
    "   <if test=\"not (program = elite) and flag and share &lt; 0.1\"><text>and-not</text></if>\n"
    "   <if test=\"adoption.rate &gt;= share or rma.breach\"><text>cmp-name</text></if>\n"
    "   <if test=\"partner_id is null\"><text>no-partner</text></if>\n"
    "   <if test=\"data.bound.matches = 1 and account_name = 'Éclairage Dupont &amp; Fils d''Orléans'\"><text>quoted</text></if>\n"
    "   <if test=\"tickets.open_at_end.&gt;30d &gt; 0\"><text>aged</text></if>\n"
    "  </page>\n"
    " </deck>\n"
    "</report>\n";

static void test_formats(sqlite3 *db)
{
    cr_template *t = NULL;
    cr_error err;
    int rc = load_inline(formats_xml, &t, &err);
    CHECK_INT(rc, 0, "formats template loads (%s:%ld: %s)", err.file, err.line, err.message);
    if (rc)
        return;
    static const struct {
        const char *locale, *pct, *dec, *money, *jpy, *date, *month;
    } want[] = {
        {"en", "6.2%", "1,350.00", "EUR" NBSP "1,350.00", "JPY" NBSP "1,350", "1 Jul 2026", "Jul 2026"},
        {"fr", "6,2" NNBSP "%", "1" NNBSP "350,00", "1" NNBSP "350,00" NBSP "EUR",
         "1" NNBSP "350" NBSP "JPY", "1 juil. 2026", "juil. 2026"},
        {"nb", "6,2" NBSP "%", "1" NBSP "350,00", "1" NBSP "350,00" NBSP "EUR", "1" NBSP "350" NBSP "JPY",
         "1. jul. 2026", "jul. 2026"},
        {"ja", "6.2%", "1,350.00", "EUR" NBSP "1,350.00", "JPY" NBSP "1,350", "2026年7月1日", "2026年7月"},
    };
    for (size_t i = 0; i < 4; i++) {
        /* FR-ECLAIR bills in EUR; its name has an apostrophe and an ampersand. */
        cr_report *r = resolve(t, db, "FR-ECLAIR", "2026-Q3", want[i].locale, &err);
        CHECK(r != NULL, "%s: resolves (%s)", want[i].locale, err.message);
        if (!r)
            continue;
        const char *L = want[i].locale;
        CHECK_STR(line_of(r, 0, 0, 0), want[i].pct, "%s: percent", L);
        CHECK_STR(line_of(r, 0, 0, 1), want[i].dec, "%s: decimal:2", L);
        CHECK_STR(line_of(r, 0, 0, 2), want[i].money, "%s: money in the account currency", L);
        CHECK_STR(line_of(r, 0, 0, 3), want[i].jpy, "%s: money:JPY has no decimals", L);
        CHECK_STR(line_of(r, 0, 0, 4), want[i].date, "%s: date", L);
        CHECK_STR(line_of(r, 0, 0, 5), want[i].month, "%s: month", L);
        CHECK_STR(line_of(r, 0, 0, 6), "English only", "%s: string falls back to en", L);
        CHECK_STR(line_of(r, 0, 0, 7),
                  strcmp(L, "fr") == 0 ? "Bonjour Éclairage Dupont & Fils d'Orléans"
                                       : "Hello Éclairage Dupont & Fils d'Orléans",
                  "%s: string with a placeholder", L);
        CHECK_STR(line_of(r, 0, 0, 8), "12", "%s: p1_hours redeclared", L);
        CHECK_STR(line_of(r, 0, 0, 9), "${literal}", "%s: $${ is a literal", L);
        CHECK_STR(line_of(r, 0, 0, 10), "Éclairage Dupont & Fils d'Orléans|1|0",
                  "%s: a quote is bound, not pasted", L);
        if (i == 0) {
            /* coverage.by_category has 5 keys in document order, headset first. */
            const char *s = line_of(r, 0, 0, 11);
            CHECK(s && strncmp(s, "5|headset|", 10) == 0, "number map as key/value rows (%s)",
                  s ? s : "");
            CHECK_STR(line_of(r, 0, 0, 13), "\xe2\x80\x94", "a null metric shows an em dash");
            size_t n = r->pages[0].block_count;
            char got[256] = "";
            for (size_t b = 1; b < n; b++) {
                strcat(got, r->pages[0].blocks[b].lines[0]);
                strcat(got, ";");
            }
            CHECK_STR(got, "ent;and-not;cmp-name;quoted;", "conditions for FR-ECLAIR");
        }
        cr_report_free(r);
    }
    /* Values against the metrics document for FR-ECLAIR. */
    cr_report *r = resolve(t, db, "FR-ECLAIR", "2026-Q3", "en", &err);
    cr_json *doc = NULL;
    cr_period p;
    cr_period_parse("2026-Q3", NULL, &p, &err);
    cr_metrics_options opt = {.escalation_seconds = {12 * 3600, 0, 0, 0}};
    if (r && cr_metrics_compute(db, "FR-ECLAIR", &p, &opt, &doc, &err) == 0) {
        char want_line[256], pct[32] = "\xe2\x80\x94";
        const cr_json *rate = cr_json_path(doc, "rma.rate");
        if (!cr_json_is_null(rate))
            cr_numfmt_percent(CR_LOCALE_EN, cr_json_get_number(rate), 2, pct, sizeof pct);
        snprintf(want_line, sizeof want_line, "%s|%s|%zu", pct,
                 cr_json_get_string(cr_json_path(doc, "adoption.by_site.0.site")),
                 cr_json_size(cr_json_path(doc, "tickets.p1")));
        CHECK_STR(line_of(r, 0, 0, 12), want_line, "metric placeholders equal the document");
        char dep[32];
        snprintf(dep, sizeof dep, "%lld", (long long)cr_json_get_int(cr_json_path(doc, "adoption.deployed")));
        const char *s = line_of(r, 0, 0, 11);
        CHECK(s && strlen(s) > strlen(dep) && strcmp(s + strlen(s) - strlen(dep), dep) == 0,
              "object dataset: one row of its scalars");
    }
    cr_json_free(doc);
    cr_report_free(r);
    /* NO-NORDLYS (no partner): the partner test flips. */
    r = resolve(t, db, "NO-NORDLYS", "2026-Q3", NULL, &err);
    bool found = false;
    for (size_t b = 1; r && b < r->pages[0].block_count; b++)
        found = found || strcmp(r->pages[0].blocks[b].lines[0], "no-partner") == 0;
    CHECK(found, "is null on an empty built-in");
    cr_report_free(r);
    cr_template_free(t);
}

/* Every path of real documents is a known metric name, so the checked list
 * and the metrics engine cannot drift apart. */
static size_t unknown_paths;
static void walk(const cr_json *v, char *path, size_t len)
{
    cr_json_type ty = cr_json_type_of(v);
    if (ty == CR_JSON_OBJECT || ty == CR_JSON_ARRAY) {
        for (size_t i = 0; i < cr_json_size(v); i++) {
            int n = ty == CR_JSON_OBJECT
                        ? snprintf(path + len, 256 - len, "%s%s", len ? "." : "", cr_json_key_at(v, i))
                        : snprintf(path + len, 256 - len, "%s%zu", len ? "." : "", i);
            walk(ty == CR_JSON_OBJECT ? cr_json_value_at(v, i) : cr_json_at(v, i), path,
                 len + (size_t)n);
            path[len] = '\0';
        }
        return;
    }
    if (!cr_metrics_path_known(path)) {
        unknown_paths++;
        printf("     unknown metric path %s\n", path);
    }
}

static void test_metric_names(sqlite3 *db)
{
    static const char *const accounts[] = {"NO-NORDLYS", "FR-ECLAIR", "FR-TILLEULS",
                                           "JP-SAKURA", "US-HARBOR", "GB-GLEN"};
    cr_period p;
    cr_error err;
    cr_period_parse("2026-Q3", NULL, &p, &err);
    for (size_t i = 0; i < 6; i++) {
        cr_json *doc = NULL;
        if (cr_metrics_compute(db, accounts[i], &p, NULL, &doc, &err) == 0) {
            char path[256] = "";
            walk(doc, path, 0);
        }
        cr_json_free(doc);
    }
    CHECK_INT(unknown_paths, 0, "every metrics path of the samples is a known name");
    CHECK(cr_metrics_path_known("tickets.open_at_end.>30d"), "key with '>'");
    CHECK(cr_metrics_path_known("trueup_summary.voice.charge_total_reason"), "_reason sibling");
    CHECK(!cr_metrics_path_known("adoption.rat"), "misspelt metric");
    CHECK(!cr_metrics_path_known("adoption.by_month.x.rate"), "array index must be a number");
}

/* ---------- the speed paths (issue 10): same numbers, less work ---------- */

/* Only some sections (the previous period of the KPI tiles): each key there is
 * the full document's, the others are absent, rma brings trueup along. */
static void test_metric_sections(sqlite3 *db)
{
    static const char *const accounts[] = {"NO-NORDLYS", "FR-ECLAIR", "JP-SAKURA", "GB-GLEN"};
    static const char *const kept[] = {"account_id", "period", "data_as_of", "adoption", "trueup",
                                       "trueup_summary", "billable", "rma", "downtime", "tickets"};
    cr_period p;
    cr_error err;
    cr_period_parse("2026-Q2", NULL, &p, &err);
    for (size_t i = 0; i < sizeof accounts / sizeof accounts[0]; i++) {
        cr_json *full = NULL, *part = NULL;
        cr_metrics_options opt = {.sections = CR_METRICS_ADOPTION | CR_METRICS_TICKETS |
                                              CR_METRICS_DOWNTIME | CR_METRICS_RMA};
        CHECK_INT(cr_metrics_compute(db, accounts[i], &p, NULL, &full, &err), 0, "%s full",
                  accounts[i]);
        CHECK_INT(cr_metrics_compute(db, accounts[i], &p, &opt, &part, &err), 0, "%s part",
                  accounts[i]);
        for (size_t k = 0; full && part && k < sizeof kept / sizeof kept[0]; k++) {
            char *a = cr_json_to_string(cr_json_path(full, kept[k]), 0);
            char *b = cr_json_to_string(cr_json_path(part, kept[k]), 0);
            CHECK(a && b && strcmp(a, b) == 0, "%s: %s as in the whole document", accounts[i],
                  kept[k]);
            free(a);
            free(b);
        }
        CHECK(part && !cr_json_path(part, "software") && !cr_json_path(part, "coverage"),
              "%s: sections not asked for are left out", accounts[i]);
        cr_json_free(full);
        cr_json_free(part);
    }
    CHECK(cr_metrics_path_section("rma.rate") == CR_METRICS_RMA, "section of rma.rate");
    CHECK(cr_metrics_path_section("rma_reason") == CR_METRICS_RMA, "section of rma_reason");
    CHECK(cr_metrics_path_section("billable") == CR_METRICS_TRUEUP, "section of billable");
    CHECK(cr_metrics_path_section("trueup_summary.voice.events") == CR_METRICS_TRUEUP,
          "section of trueup_summary");
    CHECK(cr_metrics_path_section("period.label") == 0, "the header is in every document");
    CHECK(cr_metrics_path_section("adoption}, more text") == CR_METRICS_ADOPTION,
          "a key in running text");
    CHECK(cr_metrics_path_section("nosuchkey.x") == CR_METRICS_ALL, "unknown key: all sections");

    /* the QBR's tiles read these sections of the previous period */
    char path[512];
    snprintf(path, sizeof path, "%s/templates/qbr.xml", top);
    cr_template *t = NULL;
    cr_error_clear(&err);
    CHECK_INT(cr_template_load(path, &t, &err), 0, "qbr.xml loads (%s)", err.message);
    CHECK(t && t->prev_sections == (CR_METRICS_ADOPTION | CR_METRICS_TICKETS |
                                    CR_METRICS_DOWNTIME | CR_METRICS_RMA),
          "qbr.xml: prev.* names read adoption, tickets, downtime and rma (got %u)",
          t ? t->prev_sections : 0);
    /* A prev.* name the load did not see gets the whole document: the tiles'
     * changes come out the same with no section known at load. */
    char kept_deltas[2][1024] = {"", ""};
    for (int pass = 0; t && pass < 2; pass++) {
        if (pass == 1)
            t->prev_sections = 0;
        cr_report *r = resolve(t, db, "NO-NORDLYS", "2026-Q3", NULL, &err);
        CHECK(r != NULL, "qbr.xml resolves (pass %d: %s)", pass, err.message);
        for (size_t pg = 0; r && pg < r->page_count; pg++)
            for (size_t b = 0; b < r->pages[pg].block_count; b++) {
                const cr_block *row = &r->pages[pg].blocks[b];
                for (size_t k = 0; row->type == CR_BLOCK_ROW && k < row->child_count; k++)
                    if (row->children[k].kpi_delta) {
                        size_t n = strlen(kept_deltas[pass]);
                        snprintf(kept_deltas[pass] + n, sizeof kept_deltas[pass] - n, "%s|",
                                 row->children[k].kpi_delta);
                    }
            }
        cr_report_free(r);
    }
    CHECK(kept_deltas[0][0] && strcmp(kept_deltas[0], kept_deltas[1]) == 0,
          "KPI changes the same with the sections found at load and without (%s / %s)",
          kept_deltas[0], kept_deltas[1]);
    cr_template_free(t);
}

/* The statement cache of sql.c on a connection of its own. */
static void test_statement_cache(void)
{
    cr_error err;
    cr_error_clear(&err);
    sqlite3 *db = cr_db_open(db_path, CR_DB_READONLY, &err);
    CHECK(db != NULL, "connection for the statement cache");
    if (!db)
        return;
    sqlite3_stmt *a = cr_sql_cached(db, "check.account_known", &err);
    CHECK(a != NULL, "cached statement");
    cr_sql_bind_text(a, ":account_id", "NO-NORDLYS");
    CHECK_INT(sqlite3_step(a), SQLITE_ROW, "it runs");
    sqlite3_stmt *b = cr_sql_cached(db, "check.account_known", &err);
    CHECK(b != NULL && b != a, "while it is out, the same name gets a statement of its own");
    cr_sql_release(b); /* finalized: not the cached one */
    cr_sql_release(a);
    sqlite3_stmt *c = cr_sql_cached(db, "check.account_known", &err);
    CHECK(c == a, "given back, it is reused");
    CHECK_INT(sqlite3_step(c), SQLITE_DONE, "reset, its value cleared (NULL account: no row)");
    cr_sql_release(c);
    CHECK(cr_sql_cached(db, "check.no_such_query", &err) == NULL && err.code == EX_SOFTWARE,
          "unknown query name");
    cr_db_close(db); /* finalizes the cache: a leak or a busy close would show under valgrind */
}

/* ---------- partner scope ---------- */

static void test_partner(sqlite3 *db)
{
    const char *xml =
        "<report name='p' scope='partner' output='inventory'>\n"
        " <datasets><dataset name='adopt' metrics='adoption'/>\n"
        "  <dataset name='acc'>SELECT account_id FROM accounts WHERE partner_id = :partner_id ORDER BY 1</dataset>\n"
        " </datasets>\n"
        " <deck><page title='${partner_name}'><table dataset='adopt'/><table dataset='acc'/></page></deck>\n"
        "</report>\n";
    cr_template *t = NULL;
    cr_error err;
    int rc = load_inline(xml, &t, &err);
    CHECK_INT(rc, 0, "partner template loads (%s)", err.message);
    if (rc)
        return;
    cr_report *r = resolve(t, db, "PT-INTEGRA", "2026-Q3", NULL, &err);
    CHECK(r != NULL, "resolve partner (%s)", err.message);
    if (r && r->page_count == 1 && r->pages[0].block_count == 2) {
        CHECK_STR(r->locale, "fr", "partner locale");
        CHECK_STR(r->pages[0].title, "Intégra Systèmes SAS", "partner name");
        CHECK_STR(r->delivered_by, "Intégra Systèmes SAS", "partner delivers");
        const cr_table *a = r->pages[0].blocks[0].table;
        CHECK_INT(a->row_count, 2, "one metrics row per account of the partner");
        CHECK(a->column_count > 2 && strcmp(a->columns[0].name, "account_id") == 0 &&
                  strcmp(a->cells[0].text, "FR-ECLAIR") == 0 &&
                  strcmp(a->cells[a->column_count].text, "FR-TILLEULS") == 0,
              "rows carry the account id");
        CHECK_INT(r->pages[0].blocks[1].table->row_count, 2, ":partner_id bound");
    } else {
        CHECK(0, "partner report shape");
    }
    cr_report_free(r);
    r = resolve(t, db, "PT-NOPE", "2026-Q3", NULL, &err);
    CHECK(r == NULL && err.code == EX_DATAERR, "unknown partner is EX_DATAERR");
    cr_template_free(t);

    rc = load_inline("<report name='p' scope='partner' output='x'>\n"
                     " <deck><page title='${adoption.rate}'/></deck></report>\n",
                     &t, &err);
    CHECK(rc == EX_CONFIG && err.line == 2 && strstr(err.message, "scope"),
          "metric placeholder in a partner template is a load error (%s)", err.message);
    cr_template_free(t);
}

/* ---------- load-time errors ---------- */

static void test_load_errors(void)
{
    static const struct {
        const char *body;   /* inside <report>, starting on line 2 */
        long line;
        const char *needle;
    } cases[] = {
        {"<deck><page title='${nope}'/></deck>", 2, "unknown name 'nope'"},
        {"<deck><page title='${period|bogus}'/></deck>", 2, "unknown format"},
        {"<deck><page title='#{missing}'/></deck>", 2, "unknown string"},
        {"<deck>\n<if test='program in'><page title='x'/></if></deck>", 3, "expected a value"},
        {"<deck>\n<if test='nope = 1'><page title='x'/></if></deck>", 3, "unknown name"},
        {"<datasets>\n<dataset name='d'>SELECT * FROM nowhere</dataset></datasets>", 3, "no such table"},
        {"<datasets>\n<dataset name='d'>SELECT :secret</dataset></datasets>", 3, "unknown parameter"},
        {"<datasets>\n<dataset name='d' metrics='adoption.nope'/></datasets>", 3, "unknown metric"},
        {"<datasets>\n<dataset name='d'>SELECT 1 AS a</dataset></datasets>\n"
         "<deck><page title='x'>\n<table dataset='d'><column name='b'/></table></page></deck>",
         5, "no column 'b'"},
        {"<parameters>\n<parameter name='n' type='integer' default='x'/></parameters>", 3, "not an integer"},
        {"<parameters>\n<parameter name='account_id' default='x'/></parameters>", 3, "built in"},
        {"<datasets>\n<dataset name='d'>SELECT 1 AS a</dataset>\n"
         "<dataset name='e'>SELECT 2 AS b</dataset></datasets>\n"
         "<charts><chart id='c' type='bar' dataset='d' category='a'><series column='a'/></chart></charts>\n"
         "<workbook><sheet name='s' dataset='e'>\n<chart ref='c'/></sheet></workbook>",
         7, "over its sheet's cells"},
        {"<strings>\n<string key='a' en='#{b}'/><string key='b' en='x'/></strings>", 3, "another string"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char xml[2048];
        snprintf(xml, sizeof xml, "<report name='e' output='e'>\n%s\n</report>\n", cases[i].body);
        cr_template *t = NULL;
        cr_error err;
        int rc = load_inline(xml, &t, &err);
        CHECK(rc == EX_CONFIG && err.line == cases[i].line && strstr(err.message, cases[i].needle),
              "load error %zu: line %ld, '%s' (got %d at %ld: %s)", i, cases[i].line,
              cases[i].needle, rc, err.line, err.message);
        cr_template_free(t);
    }
}

/* ---------- settings: parameter values given at render time ---------- */

static void test_settings(sqlite3 *db)
{
    cr_template *t = NULL;
    cr_error err;
    if (load_inline(formats_xml, &t, &err) != 0) {
        CHECK(0, "formats template loads (%s)", err.message);
        return;
    }
    static const struct {
        const char *name, *value;
        int rc;
        const char *needle;   /* in the message when rc != 0 */
    } cases[] = {
        {"share", "0.5", 0, NULL},
        {"big", "12e3", 0, NULL},
        {"flag", "false", 0, NULL},
        {"quote", "anything at all", 0, NULL},
        {"p1_hours", "6", 0, NULL},          /* redeclared by the template */
        {"p2_hours", "48.5", 0, NULL},       /* not redeclared: still settable */
        {"share", "half", EX_USAGE, "'share': 'half' is not a number"},
        {"share", "", EX_USAGE, "is not a number"},
        {"flag", "yes", EX_USAGE, "is not a bool (true or false)"},
        {"p1_hours", "abc", EX_USAGE, "is not a number of hours above 0"},
        {"p3_hours", "0", EX_USAGE, "is not a number of hours above 0"},
        {"p4_hours", "-24", EX_USAGE, "is not a number of hours above 0"},
        {"account_id", "X", EX_USAGE, "no parameter 'account_id'"},
        {"nope", "1", EX_USAGE,
         "(its parameters: share, big, flag, quote, p1_hours, p2_hours, p3_hours, p4_hours)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_template_setting st = {cases[i].name, cases[i].value};
        cr_error_clear(&err);
        int rc = cr_template_check_settings(t, &st, 1, &err);
        CHECK(rc == cases[i].rc && (!cases[i].needle || strstr(err.message, cases[i].needle)),
              "setting %s=%s: %d '%s' (got %d: %s)", cases[i].name, cases[i].value, cases[i].rc,
              cases[i].needle ? cases[i].needle : "", rc, err.message);
    }
    /* A bad setting after good ones is found; none at all is fine. */
    cr_template_setting mixed[] = {{"share", "0.5"}, {"flag", "maybe"}};
    CHECK_INT(cr_template_check_settings(t, mixed, 2, &err), EX_USAGE, "second of two checked");
    CHECK_INT(cr_template_check_settings(t, NULL, 0, &err), 0, "no settings");

    /* Resolving: the last setting of a name wins over the default, in
     * ${name}, <if> tests and bound dataset parameters. */
    cr_period p;
    cr_period_parse("2026-Q3", NULL, &p, &err);
    cr_template_setting set[] = {{"share", "0.9"}, {"share", "0.5"}, {"p1_hours", "6"},
                                 {"flag", "false"}, {"quote", "FR-ECLAIR"}};
    cr_render_request req = {.db = db, .subject_id = "FR-ECLAIR", .period = &p, .locale = "en",
                             .created = 1790000000, .settings = set, .setting_count = 5};
    cr_report *r = NULL;
    CHECK_INT(cr_template_resolve(t, &req, &r, &err), 0, "resolves with settings (%s)",
              err.message);
    CHECK_STR(line_of(r, 0, 0, 0), "50.0%", "share set (the last of two)");
    CHECK_STR(line_of(r, 0, 0, 8), "6", "p1_hours set over the template's default");
    CHECK_STR(line_of(r, 0, 0, 10), "Éclairage Dupont & Fils d'Orléans|1|1",
              "a text setting is bound to the dataset");
    char got[256] = "";
    for (size_t b = 1; r && b < r->pages[0].block_count; b++) {
        strcat(got, r->pages[0].blocks[b].lines[0]);
        strcat(got, ";");
    }
    CHECK_STR(got, "ent;cmp-name;quoted;", "flag=false turns off its <if>");
    cr_report_free(r);
    /* An unchecked bad setting is still refused by the resolver. */
    cr_template_setting bad = {"nope", "1"};
    req.settings = &bad;
    req.setting_count = 1;
    r = NULL;
    CHECK_INT(cr_template_resolve(t, &req, &r, &err), EX_USAGE, "resolve checks settings too");
    CHECK(r == NULL, "no report for a bad setting");
    cr_template_free(t);
}

/* ---------- the SQL sandbox ---------- */

static void test_sandbox(sqlite3 *db)
{
    static const char *const attacks[] = {
        "DELETE FROM accounts",
        "INSERT INTO partners (partner_id, partner_name) VALUES ('x', 'x')",
        "UPDATE accounts SET account_name = 'x'",
        "DROP TABLE accounts",
        "ATTACH DATABASE '/tmp/csmreport-sandbox-attach.db' AS x",
        "VACUUM INTO '/tmp/csmreport-sandbox-vacuum.db'",
        "PRAGMA writable_schema = ON",
        "SELECT 1; DELETE FROM accounts",
        "SELECT load_extension('/tmp/csmreport-nope.so')",
        "CREATE TEMP TABLE x (a)",
        "CREATE TEMP VIEW v AS SELECT 1",
        "PRAGMA table_info(accounts)",
        "SELECT * FROM pragma_table_info('accounts') WHERE 0; VACUUM",
        "BEGIN",
        "EXPLAIN SELECT 1",
        "WITH x AS (SELECT 1) DELETE FROM accounts",
        "REPLACE INTO partners (partner_id, partner_name) VALUES ('x', 'x')",
    };
    sqlite3_stmt *st;
    cr_error err;
    sqlite3_stmt *count = NULL;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM accounts", -1, &count, NULL);
    for (size_t i = 0; i < sizeof attacks / sizeof attacks[0]; i++) {
        cr_error_clear(&err);
        int rc = cr_sandbox_prepare(db, attacks[i], "t.xml", 7, &st, &err);
        CHECK(rc == EX_CONFIG && st == NULL && err.line == 7 && strcmp(err.file, "t.xml") == 0,
              "sandbox refuses: %s (%s)", attacks[i], err.message);
        sqlite3_finalize(st);
    }
    struct stat sb;
    CHECK(stat("/tmp/csmreport-sandbox-vacuum.db", &sb) != 0, "VACUUM INTO created no file");
    CHECK(stat("/tmp/csmreport-sandbox-attach.db", &sb) != 0, "ATTACH created no file");
    CHECK(sqlite3_step(count) == SQLITE_ROW && sqlite3_column_int(count, 0) == 6,
          "accounts unchanged");
    sqlite3_finalize(count);

    /* Allowed: views, recursion, comments and a trailing semicolon. */
    static const char *const fine[] = {
        "SELECT * FROM devices_v WHERE account_id = 'x'",
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5) SELECT x FROM c",
        "SELECT 1 AS a; -- the end\n  /* really */ ",
        "VALUES (1, 2)",
        "SELECT upper(account_name), length(account_id) FROM accounts",
    };
    for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++) {
        cr_error_clear(&err);
        int rc = cr_sandbox_prepare(db, fine[i], "t.xml", 1, &st, &err);
        CHECK_INT(rc, 0, "sandbox allows statement %zu (%s)", i, err.message);
        sqlite3_finalize(st);
    }

    /* An endless recursive CTE stops at the deadline. */
    cr_error_clear(&err);
    int rc = cr_sandbox_prepare(db,
                                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                                "SELECT count(*) FROM c",
                                "t.xml", 3, &st, &err);
    CHECK_INT(rc, 0, "endless CTE compiles");
    if (!rc) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        cr_sandbox_deadline_start(300);
        int step = sqlite3_step(st);
        cr_sandbox_deadline_end();
        clock_gettime(CLOCK_MONOTONIC, &b);
        double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
        CHECK(step == SQLITE_INTERRUPT && cr_sandbox_deadline_passed(), "endless CTE interrupted");
        CHECK(secs < 2.0, "stopped soon after a 0.3 s deadline (%.2f s)", secs);
        sqlite3_finalize(st);
    }
    /* The program's own SQL still runs on the sandboxed connection. */
    cr_json *doc = NULL;
    cr_period p;
    cr_period_parse("2026-Q3", NULL, &p, &err);
    CHECK_INT(cr_metrics_compute(db, "GB-GLEN", &p, NULL, &doc, &err), 0,
              "metrics run on a sandboxed connection (%s)", err.message);
    cr_json_free(doc);
}

/* Large sheets stream: a dataset only its sheet shows, over 50,000 rows, is
 * stepped while the workbook is written; a small one, one the deck reads, one
 * with a chart on its sheet stay ordinary tables. */
#define SEQ(n) "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i &lt; " n " - 1) "
static const char *const stream_xml =
    "<report name='s' output='s'>\n"
    " <datasets>\n"
    "  <dataset name='big'>" SEQ("70000") "SELECT printf('SN%08d', i) AS serial, i % 120 AS calls,\n"
    "    :account_id AS account, NULL AS blank FROM n</dataset>\n"
    "  <dataset name='small'>" SEQ("100") "SELECT i AS k FROM n</dataset>\n"
    "  <dataset name='shown'>" SEQ("60001") "SELECT i AS k FROM n</dataset>\n"
    "  <dataset name='charted'>" SEQ("60001") "SELECT i AS k, i AS v FROM n</dataset>\n"
    " </datasets>\n"
    " <charts>\n"
    "  <chart id='c' type='bar' dataset='charted' category='k'><series column='v'/></chart>\n"
    " </charts>\n"
    " <deck><page title='t'><text><p>${data.shown.rows|integer}</p></text></page></deck>\n"
    " <workbook>\n"
    "  <sheet name='Big' dataset='big' autofilter='true'>\n"
    "   <column name='serial'/><column name='calls'/><column name='blank'/><column name='account'/>\n"
    "   <conditional column='calls' op='gt' value='100' status='bad'/>\n"
    "  </sheet>\n"
    "  <sheet name='Small' dataset='small'/>\n"
    "  <sheet name='Shown' dataset='shown'/>\n"
    "  <sheet name='Charted' dataset='charted'><chart ref='c'/></sheet>\n"
    " </workbook>\n"
    "</report>\n";

/* A dataset failing after its first 50,000 rows, while the workbook is written. */
static const char *const stream_failing_xml =
    "<report name='s' output='s'>\n"
    " <datasets>\n"
    "  <dataset name='failing'>" SEQ("50010") "SELECT CASE WHEN i = 50005\n"
    "    THEN abs(-9223372036854775807 - 1) ELSE i END AS k FROM n</dataset>\n"
    " </datasets>\n"
    " <workbook><sheet name='Failing' dataset='failing'/></workbook>\n"
    "</report>\n";

static void test_streaming(sqlite3 *db)
{
    cr_template *t = NULL;
    cr_error err;
    CHECK_INT(load_inline(stream_xml, &t, &err), 0, "streaming template loads (%s)", err.message);
    if (!t)
        return;
    size_t i;
    const char *names[] = {"big", "small", "shown", "charted"};
    const bool want[] = {true, true, false, false};
    for (size_t k = 0; k < 4; k++)
        CHECK(tpl_find_dataset(t, names[k], &i) && t->datasets[i].stream == want[k],
              "dataset %s may stream: %d", names[k], (int)want[k]);

    cr_report *r = resolve(t, db, "NO-NORDLYS", "2026-Q3", "en", &err);
    CHECK(r != NULL && r->sheet_count == 4, "streaming report resolved (%s)", err.message);
    if (r && r->sheet_count == 4) {
        const cr_table *big = r->sheets[0].table;
        CHECK(big->source != NULL && big->cells == NULL && big->row_count == 0, "big sheet streams");
        CHECK_INT((int)big->column_count, 4, "streamed table columns");
        CHECK_INT((int)big->columns[1].format.kind, CR_FORMAT_INTEGER, "format from the first rows");
        CHECK_INT((int)r->sheets[0].conditional_count, 1, "conditional on a streamed sheet");
        CHECK(r->sheets[1].table->source == NULL && r->sheets[1].table->row_count == 100,
              "a small dataset is an ordinary table");
        CHECK(r->sheets[2].table->source == NULL && r->sheets[2].table->row_count == 60001,
              "a dataset the deck reads is an ordinary table");
        CHECK(r->sheets[3].table->source == NULL && r->sheets[3].table->row_count == 60001,
              "a charted dataset is an ordinary table");
        CHECK_STR(line_of(r, 0, 0, 0), "60,001", "the deck reads the shown dataset");
        /* pull the rows as the workbook writer does */
        cr_cell row[4];
        size_t n = 0;
        bool ok = true;
        int got;
        while ((got = big->source->next(big->source->ctx, row, &err)) == 1) {
            char want_serial[16];
            snprintf(want_serial, sizeof want_serial, "SN%08zu", n);
            ok = ok && row[0].type == CR_CELL_TEXT && strcmp(row[0].text, want_serial) == 0 &&
                 row[1].type == CR_CELL_NUMBER && row[1].number == (double)(n % 120) &&
                 row[2].type == CR_CELL_NULL && row[3].type == CR_CELL_TEXT &&
                 strcmp(row[3].text, "NO-NORDLYS") == 0;
            if (!ok)
                break;
            n++;
        }
        CHECK_INT(got, 0, "streamed rows end cleanly");
        CHECK_INT((int)n, 70000, "every streamed row");
        CHECK(ok, "streamed rows in order, with their values");
        CHECK_INT(big->source->next(big->source->ctx, row, &err), 0, "a read source stays at its end");
    }
    cr_report_free(r);

    /* the workbook of a streaming report */
    char path[160];
    snprintf(path, sizeof path, "%s/stream.xlsx", dir);
    r = resolve(t, db, "NO-NORDLYS", "2026-Q3", NULL, &err);
    CHECK(r != NULL, "streaming report resolved again");
    if (r)
        CHECK_INT(cr_workbook_write(r, path, &err), 0, "streamed workbook written (%s)", err.message);
    cr_report_free(r);
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size > 100000, "streamed workbook file");
    unlink(path);
    cr_template_free(t);

    /* a dataset failing after the first 50,000 rows fails the workbook, naming it */
    t = NULL;
    CHECK_INT(load_inline(stream_failing_xml, &t, &err), 0, "failing template loads");
    r = t ? resolve(t, db, "NO-NORDLYS", "2026-Q3", NULL, &err) : NULL;
    CHECK(r != NULL && r->sheet_count == 1 && r->sheets[0].table->source != NULL,
          "failing dataset streams");
    if (r) {
        cr_error_clear(&err);
        CHECK_INT(cr_workbook_write(r, path, &err), EX_CONFIG, "a failing streamed dataset: EX_CONFIG");
        CHECK(strstr(err.message, "dataset 'failing'") && err.line > 0, "error names the dataset: %s",
              err.message);
        CHECK(access(path, F_OK) != 0, "no workbook after a failing dataset");
    }
    cr_report_free(r);
    cr_template_free(t);
}

int main(int argc, char **argv)
{
    if (argc >= 3 && (strcmp(argv[1], "--load") == 0 || strcmp(argv[1], "--resolve") == 0))
        return driver(argc, argv);
    const char *env = getenv("TOP");
    if (env && *env)
        top = env;
    snprintf(dir, sizeof dir, "/tmp/csmreport-tpl.XXXXXX");
    if (!mkdtemp(dir)) {
        CHECK(0, "temporary folder");
        return unit_exit();
    }
    snprintf(db_path, sizeof db_path, "%s/samples.db", dir);
    CHECK_INT(build_db(), 0, "samples imported");
    cr_error err;
    cr_error_clear(&err);
    sqlite3 *db = cr_sandbox_open(db_path, &err);
    CHECK(db != NULL, "sandboxed connection (%s)", err.message);
    if (db) {
        test_example(db);
        test_formats(db);
        test_metric_names(db);
        test_metric_sections(db);
        test_statement_cache();
        test_partner(db);
        test_load_errors();
        test_settings(db);
        test_sandbox(db);
        test_streaming(db);
        cr_db_close(db);
    }
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("     could not remove %s\n", dir);
    return unit_exit();
}
