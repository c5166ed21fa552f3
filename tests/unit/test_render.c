/* test_render.c - cr_render_run (render.h) on a database imported from samples/
 * with templates/example.xml: every account rendered and reported once in
 * subject order, shards that split the accounts exactly with a partner's
 * accounts together and the same bytes as one run, a subject whose folder is
 * a symbolic link failing alone, the errors that stop a run before it starts,
 * and a partner template (the safe names are tested in test_outfile.c).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csmreport/db.h"
#include "csmreport/ingest.h"
#include "csmreport/render.h"
#include "csmreport/template.h"
#include "unit.h"

#define MAX_SEEN 16

static const char *top = ".";
static char dir[64], db_path[128];

/* The six accounts of samples/accounts.csv in subject order, and their partners. */
static const char *const accounts[] = {"FR-ECLAIR", "FR-TILLEULS", "GB-GLEN",
                                       "JP-SAKURA", "NO-NORDLYS", "US-HARBOR"};
static const char *const partners[] = {"PT-INTEGRA", "PT-INTEGRA", NULL, "PT-NIHON", NULL, NULL};
#define ACCOUNT_COUNT 6

typedef struct seen {
    char id[64];
    char pdf[512], xlsx[512]; /* "" when NULL */
    bool pdf_exists, xlsx_exists;
    int code;                 /* err->code, 0 without err */
    char message[CR_ERROR_MSG_MAX];
} seen;

typedef struct recorder {
    seen items[MAX_SEEN];
    int count;
    int inside;               /* callbacks running now: never more than one */
    bool overlapped;
    size_t progress_calls, last_done, last_total;
} recorder;

static void on_subject(void *ctx, const char *subject_id, const char *pdf_path,
                       const char *xlsx_path, const cr_error *err)
{
    recorder *r = ctx;
    if (++r->inside != 1)
        r->overlapped = true;
    if (r->count < MAX_SEEN) {
        seen *s = &r->items[r->count];
        memset(s, 0, sizeof *s);
        snprintf(s->id, sizeof s->id, "%s", subject_id);
        snprintf(s->pdf, sizeof s->pdf, "%s", pdf_path ? pdf_path : "");
        snprintf(s->xlsx, sizeof s->xlsx, "%s", xlsx_path ? xlsx_path : "");
        s->pdf_exists = pdf_path && access(pdf_path, R_OK) == 0;
        s->xlsx_exists = xlsx_path && access(xlsx_path, R_OK) == 0;
        s->code = err ? err->code : 0;
        if (err)
            cr_error_format(err, s->message, sizeof s->message);
    }
    r->count++;
    r->inside--;
}

static void on_progress(void *ctx, size_t done, size_t total)
{
    recorder *r = ctx;
    r->progress_calls++;
    r->last_done = done;
    r->last_total = total;
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
        rc = res ? cr_ingest_file(db, path, &opt, res, &err) : 1;
        free(res);
    }
    cr_db_close(db);
    return rc;
}

static cr_render_job base_job(const cr_template *t, const cr_period *p, const char *out,
                              recorder *r)
{
    memset(r, 0, sizeof *r);
    return (cr_render_job){.db_path = db_path, .tpl = t, .selection = CR_RENDER_ALL, .period = p,
                           .out_dir = out, .pdf = true, .xlsx = true, .jobs = 1,
                           .created = 1767225600, .on_subject = on_subject,
                           .on_progress = on_progress, .ctx = r};
}

static int account_index(const char *id)
{
    for (int i = 0; i < ACCOUNT_COUNT; i++)
        if (strcmp(accounts[i], id) == 0)
            return i;
    return -1;
}

/* Whether files a and b hold the same bytes. */
static bool same_bytes(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    bool same = fa && fb;
    while (same) {
        int ca = getc(fa), cb = getc(fb);
        if (ca != cb)
            same = false;
        if (ca == EOF)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

static void test_all(const cr_template *t, const cr_period *p)
{
    char out[128];
    snprintf(out, sizeof out, "%s/all/deeper", dir);
    recorder r;
    cr_render_job job = base_job(t, p, out, &r);
    job.jobs = 4;
    cr_render_summary sum;
    cr_error err;
    cr_error_clear(&err);
    int rc = cr_render_run(&job, &sum, &err);
    CHECK_INT(rc, 0, "all: run succeeds (%s)", err.message);
    CHECK_INT(sum.selected, ACCOUNT_COUNT, "all: six accounts selected");
    CHECK_INT(sum.written, ACCOUNT_COUNT, "all: six written");
    CHECK_INT(sum.failed, 0, "all: none failed");
    CHECK_INT(sum.first_failure, 0, "all: no failure code");
    CHECK_INT(r.count, ACCOUNT_COUNT, "all: callback called six times");
    CHECK(!r.overlapped, "all: callbacks never overlap (4 threads)");
    CHECK_INT(r.progress_calls, ACCOUNT_COUNT, "all: progress after each subject");
    CHECK(r.last_done == ACCOUNT_COUNT && r.last_total == ACCOUNT_COUNT, "all: progress ends at 6/6");
    for (int i = 0; i < ACCOUNT_COUNT && i < r.count; i++) {
        const seen *s = &r.items[i];
        CHECK_STR(s->id, accounts[i], "all: subject %d in subject order", i);
        char want[512];
        snprintf(want, sizeof want, "%s/%s/%s_example_2026-Q3.pdf", out, accounts[i], accounts[i]);
        CHECK_STR(s->pdf, want, "all: %s pdf path", s->id);
        snprintf(want, sizeof want, "%s/%s/%s_example_2026-Q3.xlsx", out, accounts[i], accounts[i]);
        CHECK_STR(s->xlsx, want, "all: %s xlsx path", s->id);
        CHECK(s->pdf_exists && s->xlsx_exists, "all: %s files exist when reported", s->id);
        CHECK_INT(s->code, 0, "all: %s without error", s->id);
    }
}

/* Shards 1/3, 2/3 and 3/3: each account in exactly one, a partner's accounts
 * in the same one, and the same bytes as the single run of test_all. */
static void test_shards(const cr_template *t, const cr_period *p)
{
    int shard_of[ACCOUNT_COUNT], times[ACCOUNT_COUNT] = {0};
    size_t total = 0;
    for (unsigned k = 1; k <= 3; k++) {
        char out[128];
        snprintf(out, sizeof out, "%s/shard%u", dir, k);
        recorder r;
        cr_render_job job = base_job(t, p, out, &r);
        job.shard_k = k;
        job.shard_n = 3;
        job.jobs = 2;
        cr_render_summary sum;
        cr_error err;
        cr_error_clear(&err);
        int rc = cr_render_run(&job, &sum, &err);
        CHECK_INT(rc, 0, "shard %u/3: run succeeds (%s)", k, err.message);
        CHECK_INT(r.count, sum.selected, "shard %u/3: one callback per selected subject", k);
        CHECK_INT(sum.failed, 0, "shard %u/3: none failed", k);
        struct stat st;
        CHECK(sum.selected > 0 || stat(out, &st) != 0, "shard %u/3: no folder when empty", k);
        total += sum.selected;
        for (int i = 0; i < r.count && i < MAX_SEEN; i++) {
            int a = account_index(r.items[i].id);
            CHECK(a >= 0, "shard %u/3: %s is an account", k, r.items[i].id);
            if (a < 0)
                continue;
            times[a]++;
            shard_of[a] = (int)k;
            const char *key = partners[a] ? partners[a] : accounts[a];
            CHECK_INT(cr_render_shard_of(key, 3), k, "shard %u/3: %s by its shard key", k, accounts[a]);
            char single[512];
            snprintf(single, sizeof single, "%s/all/deeper/%s/%s_example_2026-Q3.pdf", dir,
                     accounts[a], accounts[a]);
            CHECK(same_bytes(r.items[i].pdf, single), "shard %u/3: %s pdf as in one run", k,
                  accounts[a]);
            snprintf(single, sizeof single, "%s/all/deeper/%s/%s_example_2026-Q3.xlsx", dir,
                     accounts[a], accounts[a]);
            CHECK(same_bytes(r.items[i].xlsx, single), "shard %u/3: %s xlsx as in one run", k,
                  accounts[a]);
        }
    }
    CHECK_INT(total, ACCOUNT_COUNT, "shards: six subjects in all");
    for (int a = 0; a < ACCOUNT_COUNT; a++)
        CHECK_INT(times[a], 1, "shards: %s in exactly one shard", accounts[a]);
    if (times[0] == 1 && times[1] == 1)
        CHECK_INT(shard_of[0], shard_of[1], "shards: PT-INTEGRA's two accounts together");
}

/* FR-TILLEULS's folder is a symbolic link: it fails, the others are written,
 * and nothing appears behind the link. */
static void test_symlink(const cr_template *t, const cr_period *p)
{
    char out[128], target[160], link[192];
    snprintf(out, sizeof out, "%s/sym", dir);
    snprintf(target, sizeof target, "%s/elsewhere", dir);
    snprintf(link, sizeof link, "%s/FR-TILLEULS", out);
    CHECK(mkdir(out, 0777) == 0 && mkdir(target, 0777) == 0 && symlink(target, link) == 0,
          "symlink: set up");
    recorder r;
    cr_render_job job = base_job(t, p, out, &r);
    job.jobs = 3;
    cr_render_summary sum;
    cr_error err;
    cr_error_clear(&err);
    int rc = cr_render_run(&job, &sum, &err);
    CHECK_INT(rc, 0, "symlink: the run itself succeeds (%s)", err.message);
    CHECK(sum.selected == 6 && sum.written == 5 && sum.failed == 1, "symlink: 5 written, 1 failed");
    CHECK_INT(sum.first_failure, EX_CANTCREAT, "symlink: first failure is EX_CANTCREAT");
    CHECK_INT(r.count, ACCOUNT_COUNT, "symlink: every subject reported");
    for (int i = 0; i < ACCOUNT_COUNT && i < r.count; i++) {
        const seen *s = &r.items[i];
        if (strcmp(s->id, "FR-TILLEULS") == 0) {
            CHECK_INT(s->code, EX_CANTCREAT, "symlink: FR-TILLEULS fails");
            char want[512];
            snprintf(want, sizeof want, "cannot create the folder %s/FR-TILLEULS: it is a symbolic link",
                     out);
            CHECK_STR(s->message, want, "symlink: the message");
            CHECK(!s->pdf[0] && !s->xlsx[0], "symlink: no paths for the failure");
        } else {
            CHECK(s->code == 0 && s->pdf_exists && s->xlsx_exists, "symlink: %s written", s->id);
        }
    }
    char behind[256];
    snprintf(behind, sizeof behind, "%s/FR-TILLEULS_example_2026-Q3.pdf", target);
    CHECK(access(behind, F_OK) != 0, "symlink: nothing written through the link");
}

/* One account, PDF only: the xlsx path is NULL and no workbook is written. */
static void test_one_pdf(const cr_template *t, const cr_period *p)
{
    char out[128];
    snprintf(out, sizeof out, "%s/one", dir);
    recorder r;
    cr_render_job job = base_job(t, p, out, &r);
    job.selection = CR_RENDER_ACCOUNT;
    job.subject_id = "JP-SAKURA";
    job.xlsx = false;
    job.on_progress = NULL;
    cr_render_summary sum;
    cr_error err;
    cr_error_clear(&err);
    int rc = cr_render_run(&job, &sum, &err);
    CHECK(rc == 0 && sum.selected == 1 && sum.written == 1, "one: JP-SAKURA rendered (%s)",
          err.message);
    CHECK(r.count == 1 && r.items[0].pdf_exists && !r.items[0].xlsx[0], "one: a PDF and no xlsx path");
    char xlsx[256];
    snprintf(xlsx, sizeof xlsx, "%s/JP-SAKURA/JP-SAKURA_example_2026-Q3.xlsx", out);
    CHECK(access(xlsx, F_OK) != 0, "one: no workbook written");

    job = base_job(t, p, out, &r);
    job.selection = CR_RENDER_PARTNER;
    job.subject_id = "PT-INTEGRA";
    job.pdf = false;
    rc = cr_render_run(&job, &sum, &err);
    CHECK(rc == 0 && r.count == 2 && strcmp(r.items[0].id, "FR-ECLAIR") == 0 &&
              strcmp(r.items[1].id, "FR-TILLEULS") == 0 && r.items[1].xlsx_exists && !r.items[1].pdf[0],
          "partner: the partner's two accounts, workbooks only");
}

/* Errors that stop a run before any subject: no callback, err filled. */
static void test_errors(const cr_template *t, const cr_period *p)
{
    char out[128];
    snprintf(out, sizeof out, "%s/errors", dir);
    recorder r;
    cr_render_summary sum;
    cr_error err;

    cr_render_job job = base_job(t, p, out, &r);
    job.selection = CR_RENDER_ACCOUNT;
    job.subject_id = "NOPE";
    cr_error_clear(&err);
    CHECK_INT(cr_render_run(&job, &sum, &err), EX_DATAERR, "errors: unknown account");
    CHECK_STR(err.message, "unknown account 'NOPE'", "errors: unknown account message");
    CHECK(r.count == 0 && sum.selected == 0, "errors: nothing reported");

    job.selection = CR_RENDER_PARTNER;
    cr_error_clear(&err);
    CHECK_INT(cr_render_run(&job, &sum, &err), EX_DATAERR, "errors: partner without accounts");
    CHECK_STR(err.message, "no account has partner 'NOPE'", "errors: partner message");

    job = base_job(t, p, out, &r);
    job.shard_k = 4;
    job.shard_n = 3;
    cr_error_clear(&err);
    CHECK_INT(cr_render_run(&job, &sum, &err), EX_USAGE, "errors: shard 4/3");
    job.shard_k = 0;
    CHECK_INT(cr_render_run(&job, &sum, &err), EX_USAGE, "errors: shard 0/3");

    job = base_job(t, p, out, &r);
    job.jobs = CR_RENDER_JOBS_MAX + 1;
    CHECK_INT(cr_render_run(&job, &sum, &err), EX_USAGE, "errors: too many threads");
    job = base_job(t, p, out, &r);
    job.pdf = job.xlsx = false;
    CHECK_INT(cr_render_run(&job, &sum, &err), EX_USAGE, "errors: no file asked for");

    char missing[160];
    snprintf(missing, sizeof missing, "%s/missing.db", dir);
    job = base_job(t, p, out, &r);
    job.db_path = missing;
    cr_error_clear(&err);
    CHECK(cr_render_run(&job, &sum, &err) != 0 && err.code != 0 && r.count == 0,
          "errors: missing database (%s)", err.message);

    char file[160];
    snprintf(file, sizeof file, "%s/a-file", dir);
    FILE *f = fopen(file, "w");
    if (f)
        fclose(f);
    job = base_job(t, p, file, &r);
    cr_error_clear(&err);
    CHECK_INT(cr_render_run(&job, &sum, &err), EX_CANTCREAT, "errors: output folder is a file");
    CHECK(r.count == 0, "errors: no subject tried");

    struct stat st;
    CHECK(stat(out, &st) != 0, "errors: the output folder was never made");
}

static void test_partner_template(const cr_period *p)
{
    char path[128];
    snprintf(path, sizeof path, "%s/partner.xml", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        CHECK(0, "partner template written");
        return;
    }
    fputs("<report name='p' scope='partner' output='inventory'>\n"
          " <datasets><dataset name='acc'>SELECT account_id FROM accounts"
          " WHERE partner_id = :partner_id ORDER BY 1</dataset></datasets>\n"
          " <deck><page title='${partner_name}'><table dataset='acc'/></page></deck>\n"
          "</report>\n", f);
    fclose(f);
    cr_template *t = NULL;
    cr_error err;
    cr_error_clear(&err);
    int rc = cr_template_load(path, &t, &err);
    CHECK_INT(rc, 0, "partner template loads (%s)", err.message);
    if (rc)
        return;
    char out[128];
    snprintf(out, sizeof out, "%s/partner-out", dir);
    recorder r;
    cr_render_job job = base_job(t, p, out, &r);
    job.jobs = 2;
    cr_render_summary sum;
    rc = cr_render_run(&job, &sum, &err);
    CHECK(rc == 0 && sum.selected == 2 && r.count == 2, "partner: two partners (%s)", err.message);
    if (r.count == 2) {
        char want[512];
        snprintf(want, sizeof want, "%s/partners/PT-INTEGRA/PT-INTEGRA_inventory_2026-Q3.pdf", out);
        CHECK_STR(r.items[0].pdf, want, "partner: file under partners/");
        CHECK(r.items[0].pdf_exists && r.items[1].xlsx_exists, "partner: files exist");
        CHECK_STR(r.items[1].id, "PT-NIHON", "partner: second partner");
    }
    job = base_job(t, p, out, &r);
    job.selection = CR_RENDER_ACCOUNT;
    job.subject_id = "FR-ECLAIR";
    cr_error_clear(&err);
    CHECK_INT(cr_render_run(&job, &sum, &err), EX_USAGE, "partner: not for one account");
    cr_template_free(t);
}

int main(void)
{
    const char *env = getenv("TOP");
    if (env && *env)
        top = env;
    snprintf(dir, sizeof dir, "/tmp/csmreport-render.XXXXXX");
    if (!mkdtemp(dir)) {
        CHECK(0, "temporary folder");
        return unit_exit();
    }
    snprintf(db_path, sizeof db_path, "%s/samples.db", dir);
    CHECK_INT(build_db(), 0, "samples imported");

    char tpl_path[512];
    snprintf(tpl_path, sizeof tpl_path, "%s/templates/example.xml", top);
    cr_template *t = NULL;
    cr_error err;
    cr_error_clear(&err);
    int rc = cr_template_load(tpl_path, &t, &err);
    CHECK_INT(rc, 0, "example template loads (%s)", err.message);
    cr_period p;
    rc = rc ? rc : cr_period_parse("2026-Q3", NULL, &p, &err);
    if (!rc) {
        test_all(t, &p);
        test_shards(t, &p);
        test_symlink(t, &p);
        test_one_pdf(t, &p);
        test_errors(t, &p);
        test_partner_template(&p);
    }
    cr_template_free(t);

    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("     could not remove %s\n", dir);
    return unit_exit();
}
