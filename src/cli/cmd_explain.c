/* cmd_explain.c - `csmreport explain --account ID --period P PATH [--format
 * text|json] [--all] [--list]`: the rule, the arithmetic and the source rows
 * behind one figure of the metrics document (explain.h). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "csmreport/commands.h"
#include "csmreport/db.h"
#include "csmreport/explain.h"
#include "csmreport/metrics.h"
#include "csmreport/period.h"

static const struct option explain_options[] = {
    {"account", required_argument, NULL, 'a'}, {"period", required_argument, NULL, 'p'},
    {"format", required_argument, NULL, 'f'},  {"all", no_argument, NULL, 'A'},
    {"list", no_argument, NULL, 'L'},          {NULL, 0, NULL, 0}};

const cr_cmd_syntax cr_cmd_explain_syntax = {
    .usage = "usage: csmreport explain --account ID --period P PATH [--format text|json] [--all]\n"
             "       csmreport explain --account ID --period P --list\n"
             "Explains one figure of `metrics --format json`: its value, the contract rule,\n"
             "the arithmetic with the actual numbers and the input rows with their source\n"
             "(file:line and import date). PATH is a dot path of the document; array\n"
             "elements are named by their identifying values: trueup.video.2026-07.charge,\n"
             "adoption.by_month.2026-08.active, adoption.by_site.Bergen.rate,\n"
             "downtime.items.RMA-100184.sla, tickets.opened_by_priority.P1 (an index,\n"
             "adoption.by_month.0.rate, works too). --all prints every input row (text\n"
             "shows the first ten and a count). --list prints every path of the document.\n",
    .shortopts = "",
    .longopts = explain_options};

int cr_cmd_explain(const cr_cli *cli, int argc, char **argv, cr_error *err)
{
    const char *account = NULL, *period_text = NULL, *format = "text", *path = NULL;
    bool all = false, list = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, cr_cmd_explain_syntax.shortopts, cr_cmd_explain_syntax.longopts,
                            NULL)) != -1) {
        switch (c) {
        case 'a': account = optarg; break;
        case 'p': period_text = optarg; break;
        case 'f': format = optarg; break;
        case 'A': all = true; break;
        case 'L': list = true; break;
        default: return CR_CMD_USAGE;
        }
    }
    if (optind < argc)
        path = argv[optind++];
    if (optind < argc)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "unexpected argument '%s'", argv[optind]);
    if (!account || !*account)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "explain needs --account ID");
    if (!period_text)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "explain needs --period P");
    if (!list && (!path || !*path))
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "explain needs a PATH (--list prints them)");
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "unknown format '%s' (want text or json)", format);
    cr_period period;
    int rc = cr_period_parse(period_text, NULL, &period, err);
    if (rc)
        return rc;
    sqlite3 *db = cr_db_open(cli->db_path, cli->db_mode, err);
    if (!db)
        return cr_error_exit_code(err);
    cr_json *ex = NULL;
    if (list) {
        cr_json *doc = NULL;
        rc = cr_metrics_compute(db, account, &period, NULL, &doc, err);
        if (!rc && !(ex = cr_explain_paths(doc)))
            rc = cr_error_nomem(err);
        cr_json_free(doc);
    } else {
        rc = cr_explain_compute(db, account, &period, path, &ex, err);
    }
    cr_db_close(db);
    if (rc)
        return rc;
    int wrc = 0;
    if (list) {
        for (size_t i = 0; i < cr_json_size(ex); i++)
            printf("%s\n", cr_json_get_string(cr_json_at(ex, i)));
    } else if (strcmp(format, "json") == 0) {
        wrc = cr_json_write(ex, stdout, 2);
        putchar('\n');
    } else {
        wrc = cr_explain_write_text(ex, stdout, all);
    }
    cr_json_free(ex);
    cr_cli_note(cli, "%s: explain %s for %s %s, %.3f s", cli->db_path, path ? path : "--list", account,
                period.label, cr_cli_seconds(cli));
    if (wrc != 0 || fflush(stdout) != 0 || ferror(stdout))
        return cr_error_set(err, EX_IOERR, NULL, 0, 0, "cannot write the explanation to standard output");
    return 0;
}
