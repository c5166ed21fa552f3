/* cmd_render.c - `csmreport render --template T.xml (--account ID | --partner ID |
 * --all) --period P [--out DIR] [--pdf] [--xlsx] [--locale L] [-j N]
 * [--shard K/N] [--param NAME=VALUE]...`: renders a template for each selected
 * account (or partner) into a PDF deck and an XLSX workbook.
 *
 * The front end only: it reads the options, loads the template, and hands the
 * run to cr_render_run (render.h), which selects, shards, names and writes.
 * Each failing subject is printed as "csmreport: ID: message" while the others
 * go on; the exit code is the first failure's (in subject order). A progress
 * line shows on a terminal unless --quiet.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmreport/commands.h"
#include "csmreport/period.h"
#include "csmreport/render.h"
#include "csmreport/summary.h"
#include "csmreport/template.h"

static const struct option render_options[] = {
    {"template", required_argument, NULL, 't'}, {"account", required_argument, NULL, 'a'},
    {"partner", required_argument, NULL, 'P'},  {"all", no_argument, NULL, 'A'},
    {"period", required_argument, NULL, 'p'},   {"out", required_argument, NULL, 'o'},
    {"pdf", no_argument, NULL, 'f'},            {"xlsx", no_argument, NULL, 'x'},
    {"locale", required_argument, NULL, 'l'},   {"jobs", required_argument, NULL, 'j'},
    {"shard", required_argument, NULL, 's'},    {"summary", required_argument, NULL, 'S'},
    {"param", required_argument, NULL, 'N'},    {"allow-empty", no_argument, NULL, 'E'},
    {NULL, 0, NULL, 0}};

const cr_cmd_syntax cr_cmd_render_syntax = {
    .usage = "usage: csmreport render --template T.xml\n"
             "                        (--account ID | --partner ID | --all) --period P\n"
             "                        [--out DIR] [--pdf] [--xlsx] [--locale L] [-j N]\n"
             "                        [--shard K/N] [--summary FILE]\n"
             "                        [--param NAME=VALUE]... [--allow-empty]\n"
             "Renders the template for each selected account (for a partner template: each\n"
             "partner) into OUT/ID/ID_STEM_PERIOD.pdf and .xlsx (partners under\n"
             "OUT/partners/); OUT is --out DIR, the current folder when not given.\n"
             "--pdf or --xlsx writes only that one. -j N renders with N\n"
             "threads. --shard K/N (K from 1 to N) keeps a stable share of the partners,\n"
             "with all accounts of a partner in the same share, so N machines can split\n"
             "the work. P is 2026-Q3, 2026-10, 2026 or 2026-07-01..2026-09-30.\n"
             "A progress line shows on a terminal unless --quiet; --verbose counts the\n"
             "subjects rendered and the time taken on stderr. --summary FILE writes the\n"
             "files written and the failures as JSON (the shape of `run --summary`).\n"
             "--param NAME=VALUE (repeatable) replaces the default of the template's\n"
             "parameter NAME for this run, e.g. --param adoption_target=0.9; the ticket\n"
             "escalation thresholds p1_hours to p4_hours (hours, defaults 24, 72, 168,\n"
             "336) can be set for any template.\n"
             "--template takes a file, or a name (qbr, qbr.xml) looked up in\n"
             "./templates, then in the installed templates folder.\n"
             "An account with no inventory on or before the end of P, or whose term and\n"
             "data P does not touch, is not rendered: it is named with the reason and the\n"
             "exit code is 65. --allow-empty renders it anyway, with a \"no data\" page.\n",
    .shortopts = "j:",
    .longopts = render_options};

/* What the callbacks print to: stderr, with a progress line when shown. */
typedef struct printer {
    bool progress;  /* show "rendering N/M" */
    bool line_open; /* the progress line is on screen, not ended */
    cr_json *report; /* --summary: the report's entry, else NULL */
} printer;

static void print_subject(void *ctx, const char *subject_id, const char *pdf_path,
                          const char *xlsx_path, const cr_error *err)
{
    printer *p = ctx;
    cr_summary_report_subject(p->report, subject_id, pdf_path, xlsx_path, err);
    if (!err)
        return;
    if (p->line_open) {
        fputc('\n', stderr);
        p->line_open = false;
    }
    char line[CR_ERROR_MSG_MAX + CR_ERROR_FILE_MAX + 64];
    cr_error_format(err, line, sizeof line);
    fprintf(stderr, "csmreport: %s: %s\n", subject_id, line);
}

static void print_progress(void *ctx, size_t done, size_t total)
{
    printer *p = ctx;
    fprintf(stderr, "\rrendering %zu/%zu", done, total);
    p->line_open = true;
}

static bool parse_shard(const char *s, unsigned *k, unsigned *n)
{
    char *end;
    unsigned long a = strtoul(s, &end, 10);
    if (end == s || *end != '/')
        return false;
    const char *b = end + 1;
    unsigned long m = strtoul(b, &end, 10);
    if (end == b || *end || m == 0 || m > CR_RENDER_SHARDS_MAX || a == 0 || a > m || s[0] == '-' || b[0] == '-')
        return false;
    *k = (unsigned)a;
    *n = (unsigned)m;
    return true;
}

int cr_cmd_render(const cr_cli *cli, int argc, char **argv, cr_error *err)
{
    const char *template_path = NULL, *account = NULL, *partner = NULL;
    const char *period_text = NULL, *out_dir = ".", *locale = NULL, *shard_text = NULL;
    const char *summary_path = NULL;
    char *found_template = NULL; /* --template found by name (cr_template_find) */
    cr_json *summary_doc = NULL;
    bool all = false, pdf = false, xlsx = false, allow_empty = false;
    long jobs = 1;
    /* --param NAME=VALUE: at most one per word of the command line */
    cr_template_setting *settings = calloc((size_t)argc + 1, sizeof *settings);
    size_t setting_count = 0;
    cr_template *tmpl = NULL;
    int c, rc = 0;
    if (!settings)
        return cr_error_nomem(err);
    optind = 1;
    while ((c = getopt_long(argc, argv, cr_cmd_render_syntax.shortopts,
                            cr_cmd_render_syntax.longopts, NULL)) != -1) {
        switch (c) {
        case 't': template_path = optarg; break;
        case 'a': account = optarg; break;
        case 'P': partner = optarg; break;
        case 'A': all = true; break;
        case 'p': period_text = optarg; break;
        case 'o': out_dir = optarg; break;
        case 'f': pdf = true; break;
        case 'x': xlsx = true; break;
        case 'l': locale = optarg; break;
        case 's': shard_text = optarg; break;
        case 'S': summary_path = optarg; break;
        case 'E': allow_empty = true; break;
        case 'N': {
            /* NAME=VALUE split in place: optarg is argv's own word */
            char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg) {
                rc = cr_error_set(err, EX_USAGE, NULL, 0, 0,
                                  "--param wants NAME=VALUE (e.g. p1_hours=12), not '%s'", optarg);
                goto out_free;
            }
            *eq = '\0';
            settings[setting_count++] = (cr_template_setting){optarg, eq + 1};
            break;
        }
        case 'j': {
            char *end;
            jobs = strtol(optarg, &end, 10);
            if (*end || jobs < 1 || jobs > CR_RENDER_JOBS_MAX) {
                rc = cr_error_set(err, EX_USAGE, NULL, 0, 0, "-j wants a number from 1 to %d",
                                  CR_RENDER_JOBS_MAX);
                goto out_free;
            }
            break;
        }
        default: rc = CR_CMD_USAGE; goto out_free;
        }
    }
    if (optind < argc) {
        rc = cr_error_set(err, EX_USAGE, NULL, 0, 0, "unexpected argument '%s'", argv[optind]);
        goto out_free;
    }
    if (!template_path) {
        rc = cr_error_set(err, EX_USAGE, NULL, 0, 0, "render needs --template T.xml");
        goto out_free;
    }
    if ((account != NULL) + (partner != NULL) + all != 1) {
        rc = cr_error_set(err, EX_USAGE, NULL, 0, 0,
                          "render needs exactly one of --account ID, --partner ID and --all");
        goto out_free;
    }
    if ((account && !*account) || (partner && !*partner)) {
        rc = cr_error_set(err, EX_USAGE, NULL, 0, 0, "an empty --account or --partner");
        goto out_free;
    }
    if (!period_text) {
        rc = cr_error_set(err, EX_USAGE, NULL, 0, 0, "render needs --period P");
        goto out_free;
    }
    unsigned shard_k = 1, shard_n = 1;
    if (shard_text && !parse_shard(shard_text, &shard_k, &shard_n)) {
        rc = cr_error_set(err, EX_USAGE, NULL, 0, 0,
                          "--shard wants K/N with 1 <= K <= N (e.g. 2/8), not '%s'", shard_text);
        goto out_free;
    }
    if (!pdf && !xlsx)
        pdf = xlsx = true;
    cr_period period;
    if ((rc = cr_period_parse(period_text, NULL, &period, err)))
        goto out_free;

    if ((rc = cr_template_find(template_path, &found_template, err)))
        goto out_free;
    template_path = found_template;
    if ((rc = cr_template_load(template_path, &tmpl, err)))
        goto out_free;
    if (account && cr_template_get_scope(tmpl) == CR_SCOPE_PARTNER) {
        rc = cr_error_set(err, EX_USAGE, NULL, 0, 0,
                          "%s is a partner report: use --partner ID or --all", template_path);
        goto out_free;
    }
    printer p = {.progress = cli->progress};
    if (summary_path) {
        summary_doc = cr_summary_new("render");
        if (!summary_doc ||
            !(p.report = cr_summary_add_report(summary_doc, template_path, period.label))) {
            rc = cr_error_nomem(err);
            goto out_free;
        }
    }
    cr_render_job job = {
        .db_path = cli->db_path, .tpl = tmpl,
        .selection = account ? CR_RENDER_ACCOUNT : partner ? CR_RENDER_PARTNER : CR_RENDER_ALL,
        .subject_id = account ? account : partner, .period = &period, .locale = locale,
        .out_dir = out_dir, .pdf = pdf, .xlsx = xlsx, .jobs = (int)jobs,
        .shard_k = shard_k, .shard_n = shard_n, .created = cr_render_creation_time(),
        .allow_empty = allow_empty,
        .settings = settings, .setting_count = setting_count,
        .on_subject = print_subject, .on_progress = p.progress ? print_progress : NULL, .ctx = &p};
    cr_render_summary summary;
    rc = cr_render_run(&job, &summary, err);
    if (p.line_open)
        fputc('\n', stderr);
    if (!rc) {
        rc = summary.first_failure;
        cr_error_clear(err); /* the failures are printed: main prints nothing more */
        cr_cli_note(cli, "%s: %s, period %s, %zu of %zu subject(s) written to %s (%zu failed), "
                    "-j %ld, %.3f s",
                    cli->db_path, template_path, period.label, summary.written, summary.selected,
                    out_dir, summary.failed, jobs, cr_cli_seconds(cli));
        if (cli->progress && !cli->verbose) /* a last line on a terminal: where it went */
            fprintf(stderr, "csmreport: %zu of %zu report(s) written to %s\n", summary.written,
                    summary.selected, out_dir);
    } else {
        cr_cli_suggest_account(cli, account, err);
        cr_summary_report_failed(p.report, err);
    }
    if (summary_path) {
        cr_error serr;
        cr_error_clear(&serr);
        if (cr_summary_write(summary_doc, rc, summary_path, &serr)) {
            char line[CR_ERROR_MSG_MAX + CR_ERROR_FILE_MAX + 64];
            cr_error_format(&serr, line, sizeof line);
            fprintf(stderr, "csmreport: %s\n", line);
            if (!rc)
                rc = serr.code;
        }
    }

out_free:
    free(settings);
    free(found_template);
    cr_json_free(summary_doc);
    cr_template_free(tmpl);
    return rc;
}
