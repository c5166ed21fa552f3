/* test_batch.c - the batch file model (paths resolved against its folder, the
 * selection, the mail part), "today" in the batch's time zone, and the words
 * of the mail: periods as each language writes them, placeholders, figures. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csmreport/batch.h"
#include "csmreport/tz.h"
#include "mailtext.h"
#include "unit.h"

static const char *top = ".";

static bool ends_with(const char *s, const char *tail)
{
    size_t a = s ? strlen(s) : 0, b = strlen(tail);
    return s && a >= b && strcmp(s + a - b, tail) == 0;
}

static void test_load(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/data/batch/batch.xml", top);
    cr_batch *b = NULL;
    cr_error err;
    cr_error_clear(&err);
    int rc = cr_batch_load(path, &b, &err);
    CHECK_INT(rc, 0, "batch.xml loads (%s)", err.message);
    if (rc)
        return;
    CHECK_STR(b->name, "e2e-nightly", "name");
    CHECK_STR(b->timezone, "Europe/Oslo", "time zone");
    CHECK(b->dir[0] == '/', "folder is absolute: %s", b->dir);
    CHECK(ends_with(b->out, "/tests/data/batch/out"), "out defaults beside the file: %s", b->out);
    CHECK_INT((int)b->input_count, 1, "one input");
    CHECK(ends_with(b->inputs[0].path, "/tests/data/batch/data/*.csv"),
          "input resolved against the batch folder: %s", b->inputs[0].path);
    CHECK(b->inputs[0].path[0] == '/', "input path absolute");
    CHECK_INT((int)b->report_count, 2, "two reports");
    CHECK_INT(b->reports[0].selection, CR_RENDER_ALL, "first report: all");
    CHECK(b->reports[0].pdf && b->reports[0].xlsx, "first report: both formats by default");
    CHECK_STR(b->reports[0].period, "previous-quarter", "first report period");
    CHECK_INT(b->reports[1].selection, CR_RENDER_ALL, "second report: all partners");
    CHECK(b->reports[1].subject_id == NULL, "no subject id for all");
    CHECK(b->reports[1].pdf && !b->reports[1].xlsx, "formats=\"pdf\" writes only the PDF");
    CHECK_INT(b->reports[1].jobs, 1, "jobs default 1");
    CHECK(b->reports[1].mail, "mail default true");
    CHECK(ends_with(b->reports[1].template_path, "/tests/data/batch/templates/partner.xml"),
          "template resolved: %s", b->reports[1].template_path);
    CHECK(b->mail != NULL, "mail part");
    if (b->mail) {
        CHECK(b->mail->outbox == NULL, "outbox defaults to OUT/outbox");
        CHECK(!b->mail->smtp_url && !b->mail->sendmail, "no server named");
        CHECK_STR(b->mail->from, "Poly Customer Success <csm-reports@poly.example>", "from");
    }

    /* Today in the batch's zone: 22:30 UTC on 30 September is 1 October in
     * Oslo (UTC+2 in summer time), still 30 September in UTC. */
    long long now = (long long)cr_days_from_civil(2026, 9, 30) * 86400 + 22 * 3600 + 1800;
    cr_date d;
    CHECK_INT(cr_batch_today(b, now, &d, &err), 0, "today in Oslo");
    CHECK(d.year == 2026 && d.month == 10 && d.day == 1, "Oslo: 2026-10-01, got %d-%d-%d",
          d.year, d.month, d.day);
    free(b->timezone);
    b->timezone = NULL;
    CHECK_INT(cr_batch_today(b, now, &d, &err), 0, "today in UTC");
    CHECK(d.year == 2026 && d.month == 9 && d.day == 30, "UTC: 2026-09-30, got %d-%d-%d",
          d.year, d.month, d.day);
    cr_batch_free(b);
    cr_batch_free(NULL);
}

static void test_period_words(void)
{
    static const struct {
        const char *period;
        const char *want[CR_LOCALE_COUNT];
    } cases[] = {
        {"2026-Q3", {"Q3 2026", "T3 2026", "3. kv. 2026", "2026年第3四半期"}},
        {"2025-Q4", {"Q4 2025", "T4 2025", "4. kv. 2025", "2025年第4四半期"}},
        {"2026-09", {"Sep 2026", "sept. 2026", "sep. 2026", "2026年9月"}},
        {"2026", {"2026", "2026", "2026", "2026年"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_period p;
        cr_error err;
        cr_error_clear(&err);
        cr_period_parse(cases[i].period, NULL, &p, &err);
        for (int loc = 0; loc < CR_LOCALE_COUNT; loc++) {
            char buf[96];
            cr_mailtext_period((cr_locale)loc, &p, buf, sizeof buf);
            CHECK_STR(buf, cases[i].want[loc], "%s in %s", cases[i].period,
                      cr_numfmt_locale_tag((cr_locale)loc));
        }
    }
}

static void test_build(void)
{
    cr_period p;
    cr_error err;
    cr_error_clear(&err);
    cr_period_parse("2026-Q3", NULL, &p, &err);
    cr_mailtext_figures fg = {.have_devices = true, .devices = 1350, .have_adoption = true,
                              .adoption = 0.625, .have_rma = true, .rma_rate = 0.062,
                              .rma_threshold = 0.05, .charge_count = 1};
    snprintf(fg.charges[0].currency, 4, "EUR");
    fg.charges[0].minor = 135000;
    const char *files[] = {"A_qbr_2026-Q3.pdf", "A_qbr_2026-Q3.xlsx"};
    cr_mailtext_input in = {.loc = CR_LOCALE_FR, .stem = "qbr", .name = "Éclairage Dupont",
                            .period = &p, .figures = &fg, .attachments = files,
                            .attachment_count = 2};
    char *subject = NULL, *body = NULL;
    CHECK_INT(cr_mailtext_build(&in, &subject, &body, &err), 0, "built");
    CHECK_STR(subject, "Revue trimestrielle d’activité — Éclairage Dupont — T3 2026",
              "French subject");
    CHECK(body && strstr(body, "Appareils : 1\u202f350\n"), "devices grouped the French way: %s",
          body);
    CHECK(body && strstr(body, "Taux d’adoption : 62,5\u202f%"), "adoption in French");
    CHECK(body && strstr(body, "(seuil 5\u202f%) : 6,2\u202f%"), "RMA rate vs threshold");
    CHECK(body && strstr(body, "1\u202f350,00\u00a0EUR"), "true-up charge in EUR");
    CHECK(body && strstr(body, "  A_qbr_2026-Q3.pdf\n  A_qbr_2026-Q3.xlsx\n"), "attachments");
    free(subject);
    free(body);

    /* The batch's own texts, with placeholders; an unknown brace stays as written. */
    cr_batch_text custom = {.subject = "{report}: {name} {period} {other}",
                            .body = "Hello {name}."};
    in = (cr_mailtext_input){.loc = CR_LOCALE_EN, .stem = "inventory", .name = "Integra",
                             .period = &p, .custom = &custom};
    CHECK_INT(cr_mailtext_build(&in, &subject, &body, &err), 0, "built with custom texts");
    CHECK_STR(subject, "Monthly inventory report: Integra Q3 2026 {other}", "custom subject");
    CHECK(body && strncmp(body, "Hello Integra.\n\n", 16) == 0, "custom opening: %s", body);
    CHECK(body && !strstr(body, "Attachments:"), "no attachment list without attachments");
    free(subject);
    free(body);
}

/* <param>: batch-level ones in each report's list unless the report gives
 * its own, with the line each was written on (tests/data/settings/batch.xml). */
static void test_params(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/data/settings/batch.xml", top);
    cr_batch *b = NULL;
    cr_error err;
    cr_error_clear(&err);
    int rc = cr_batch_load(path, &b, &err);
    CHECK_INT(rc, 0, "settings/batch.xml loads (%s)", err.message);
    if (rc)
        return;
    CHECK_INT((int)b->report_count, 3, "three reports");
    char got[3][512];
    for (size_t i = 0; i < 3 && i < b->report_count; i++) {
        got[i][0] = '\0';
        for (size_t k = 0; k < b->reports[i].param_count; k++) {
            const cr_batch_param *p = &b->reports[i].params[k];
            size_t len = strlen(got[i]);
            snprintf(got[i] + len, sizeof got[i] - len, "%s=%s@%ld ", p->name, p->value, p->line);
        }
    }
    CHECK_STR(got[0], "p1_hours=1@7 p2_hours=1@8 p3_hours=1@9 p4_hours=1@10 adoption_target=0.8@13 ",
              "the report's own target replaces the batch's");
    CHECK_STR(got[1], "p1_hours=1@7 p2_hours=1@8 p3_hours=1@9 p4_hours=1@10 adoption_target=0.7@11 ",
              "batch-level parameters only");
    CHECK_STR(got[2],
              "p1_hours=1@7 p2_hours=1@8 p3_hours=1@9 p4_hours=1@10 adoption_target=0.7@11 "
              "no_such_parameter=1@17 ",
              "batch-level, then the report's (checked only by the run)");
    cr_batch_free(b);

    /* One name twice at one level is a schema error with its line. */
    char dup[4096];
    snprintf(dup, sizeof dup, "/tmp/csmreport-batch-params.%ld.xml", (long)getpid());
    FILE *f = fopen(dup, "w");
    CHECK(f != NULL, "temporary batch file");
    if (!f)
        return;
    fputs("<batch name='d'>\n<report template='t.xml' all='true' period='2026-Q3'>\n"
          "<param name='p1_hours' value='1'/>\n<param name='p1_hours' value='2'/>\n"
          "</report>\n</batch>\n", f);
    fclose(f);
    b = NULL;
    rc = cr_batch_load(dup, &b, &err);
    CHECK(rc == EX_CONFIG && b == NULL, "a name twice in one report: EX_CONFIG (got %d: %s)", rc,
          err.message);
    cr_batch_free(b);
    unlink(dup);
}

int main(void)
{
    const char *env = getenv("TOP");
    if (env && *env)
        top = env;
    test_load();
    test_params();
    test_period_words();
    test_build();
    cr_tz_cleanup();
    return unit_exit();
}
