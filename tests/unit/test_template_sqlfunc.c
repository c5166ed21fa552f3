/* test_template_sqlfunc.c - the SQL functions of the template connection
 * (template_sqlfunc.c): metrics_json gives the very text of the metrics
 * document, for the subject's own accounts only, and follows the subject from
 * one resolve to the next on the same connection; tr gives the report's
 * language; format_money formats per locale and currency; json_each works in
 * the sandbox, which still refuses writes. Over a database imported from
 * samples/.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csmreport/db.h"
#include "csmreport/ingest.h"
#include "csmreport/metrics.h"
#include "csmreport/sandbox.h"
#include "csmreport/template.h"
#include "unit.h"

#define NBSP "\xc2\xa0"
#define NNBSP "\xe2\x80\xaf"

static char dir[64];
static char db_path[128];
static const char *top = ".";

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
        cr_import_options opt = {0};
        cr_import_result *res = calloc(1, sizeof *res);
        rc = res ? cr_ingest_file(db, path, &opt, res, &err) : 1;
        free(res);
    }
    cr_db_close(db);
    return rc;
}

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

/* The text of row, column name of the report's first table; NULL for a null
 * cell or no such cell. */
static const char *cell(const cr_report *r, size_t row, const char *name)
{
    if (!r || r->table_count == 0)
        return NULL;
    const cr_table *tb = r->tables[0];
    for (size_t c = 0; c < tb->column_count; c++)
        if (strcmp(tb->columns[c].name, name) == 0 && row < tb->row_count)
            return tb->cells[row * tb->column_count + c].type == CR_CELL_TEXT
                       ? tb->cells[row * tb->column_count + c].text
                       : NULL;
    return NULL;
}

/* The metrics document of account for period, as text, computed directly. */
static char *document(sqlite3 *db, const char *account, const char *period)
{
    cr_period p;
    cr_error err;
    cr_json *doc = NULL;
    if (cr_period_parse(period, NULL, &p, &err) ||
        cr_metrics_compute(db, account, &p, NULL, &doc, &err))
        return NULL;
    char *text = cr_json_to_string(doc, 0);
    cr_json_free(doc);
    return text;
}

static void test_account_scope(sqlite3 *db)
{
    cr_template *t = NULL;
    cr_error err;
    int rc = load_inline("<report name='a' scope='account' output='a'>\n"
                         " <datasets><dataset name='m'>SELECT metrics_json(:account_id) AS doc,\n"
                         "   metrics_json('JP-SAKURA') AS other</dataset></datasets>\n"
                         " <deck><page title='x'><table dataset='m'/></page></deck>\n"
                         "</report>\n",
                         &t, &err);
    CHECK_INT(rc, 0, "account template with metrics_json loads (%s)", err.message);
    if (rc)
        return;
    cr_report *r = resolve(t, db, "NO-NORDLYS", "2026-Q3", NULL, &err);
    CHECK(r != NULL, "resolve NO-NORDLYS (%s)", err.message);
    char *want = document(db, "NO-NORDLYS", "2026-Q3");
    CHECK(want != NULL && strlen(want) > 1000, "the document computed directly");
    CHECK(want && cell(r, 0, "doc") && strcmp(cell(r, 0, "doc"), want) == 0,
          "metrics_json(:account_id) is the text of cr_metrics_compute's document");
    CHECK(cell(r, 0, "other") == NULL, "another account's document is NULL");
    free(want);
    cr_report_free(r);
    /* The next subject on the same connection reads its own document. */
    r = resolve(t, db, "GB-GLEN", "2026-Q3", NULL, &err);
    want = document(db, "GB-GLEN", "2026-Q3");
    CHECK(want && cell(r, 0, "doc") && strcmp(cell(r, 0, "doc"), want) == 0,
          "the next resolve reads the next account's document");
    free(want);
    cr_report_free(r);
    cr_template_free(t);
}

static void test_partner_scope(sqlite3 *db)
{
    cr_template *t = NULL;
    cr_error err;
    int rc = load_inline(
        "<report name='p' scope='partner' output='p'>\n"
        " <strings><string key='k' en='Key' fr='Clé'/><string key='e' en='English only'/></strings>\n"
        " <datasets><dataset name='m'>\n"
        "  SELECT a.account_id,\n"
        "         CAST(json_extract(metrics_json(a.account_id), '$.coverage.devices') AS TEXT) AS devices,\n"
        "         (SELECT count(*) FROM json_each(metrics_json(a.account_id), '$.trueup')) || '' AS rows,\n"
        "         tr('k') AS k, tr('e') AS e, tr('nope') AS nope,\n"
        "         format_money(1350, 'EUR') AS eur, format_money(1350.5, 'JPY') AS jpy,\n"
        "         format_money(NULL, 'EUR') AS null_amount, format_money(1, 'euro') AS bad_code,\n"
        "         metrics_json('NO-NORDLYS') AS other\n"
        "    FROM accounts AS a WHERE a.partner_id = :partner_id ORDER BY 1\n"
        " </dataset></datasets>\n"
        " <deck><page title='x'><table dataset='m'/></page></deck>\n"
        "</report>\n",
        &t, &err);
    CHECK_INT(rc, 0, "partner template with the functions loads (%s)", err.message);
    if (rc)
        return;
    cr_report *r = resolve(t, db, "PT-INTEGRA", "2026-09", NULL, &err);
    CHECK(r != NULL && r->table_count > 0 && r->tables[0]->row_count == 2,
          "one row per account of PT-INTEGRA (%s)", err.message);
    CHECK_STR(cell(r, 0, "account_id"), "FR-ECLAIR", "first account");
    CHECK_STR(cell(r, 0, "devices"), "30", "FR-ECLAIR's coverage.devices from its document");
    CHECK_STR(cell(r, 1, "devices"), "6", "FR-TILLEULS's coverage.devices from its document");
    CHECK_STR(cell(r, 0, "rows"), "18", "FR-ECLAIR's true-up rows: 3 categories x Apr..Sep");
    CHECK_STR(cell(r, 0, "k"), "Clé", "tr in the partner's language (fr)");
    CHECK_STR(cell(r, 0, "e"), "English only", "tr falls back to English");
    CHECK_STR(cell(r, 0, "nope"), "nope", "tr of an unknown key is the key");
    CHECK_STR(cell(r, 0, "eur"), "1" NNBSP "350,00" NBSP "EUR", "format_money EUR in fr");
    CHECK_STR(cell(r, 0, "jpy"), "1" NNBSP "351" NBSP "JPY", "format_money JPY: no minor digits, half away from zero");
    CHECK(cell(r, 0, "null_amount") == NULL, "format_money of NULL is NULL");
    CHECK(cell(r, 0, "bad_code") == NULL, "format_money of a currency that is no ISO code is NULL");
    CHECK(cell(r, 0, "other") == NULL, "an account of no partner gives no document");
    cr_report_free(r);

    r = resolve(t, db, "PT-INTEGRA", "2026-09", "en", &err);
    CHECK_STR(cell(r, 0, "k"), "Key", "--locale en: tr in English");
    CHECK_STR(cell(r, 0, "eur"), "EUR" NBSP "1,350.00", "--locale en: format_money");
    cr_report_free(r);
    cr_template_free(t);
}

static void test_sandbox(sqlite3 *db)
{
    cr_template *t = NULL;
    cr_error err;
    /* json_each and json_tree are ready in the sandbox... */
    int rc = load_inline("<report name='s' scope='account' output='s'>\n"
                         " <datasets><dataset name='j'>SELECT e.value FROM json_each('[1,2]') AS e,\n"
                         "   json_tree('{}') AS t</dataset></datasets>\n"
                         " <deck><page title='x'><table dataset='j'/></page></deck></report>\n",
                         &t, &err);
    CHECK_INT(rc, 0, "json_each and json_tree in template SQL (%s)", err.message);
    cr_report *r = t ? resolve(t, db, "NO-NORDLYS", "2026-Q3", NULL, &err) : NULL;
    CHECK(r && r->tables[0]->row_count == 2, "json_each rows (%s)", err.message);
    cr_report_free(r);
    cr_template_free(t);
    /* ...while writes are still refused. */
    t = NULL;
    static const char *const writes[] = {
        "UPDATE accounts SET account_name = '' RETURNING 1 AS x",
        "UPDATE sqlite_master SET sql = '' RETURNING 1 AS x",
    };
    for (size_t i = 0; i < sizeof writes / sizeof writes[0]; i++) {
        char xml[512];
        snprintf(xml, sizeof xml,
                 "<report name='s' scope='account' output='s'>\n"
                 " <datasets><dataset name='j'>%s</dataset></datasets>\n"
                 " <deck><page title='x'><table dataset='j'/></page></deck></report>\n",
                 writes[i]);
        t = NULL;
        rc = load_inline(xml, &t, &err);
        /* the first by the authorizer; sqlite_master by SQLite's own rule too */
        CHECK(rc == EX_CONFIG && err.line == 2 && (i > 0 || strstr(err.message, "may only read")),
              "refused: %s (%s)", writes[i], err.message);
        cr_template_free(t);
    }
}

int main(void)
{
    const char *env = getenv("TOP");
    if (env && *env)
        top = env;
    snprintf(dir, sizeof dir, "/tmp/csmreport-tsf.XXXXXX");
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
        test_account_scope(db);
        test_partner_scope(db);
        test_sandbox(db);
        cr_db_close(db);
    }
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("     could not remove %s\n", dir);
    return unit_exit();
}
