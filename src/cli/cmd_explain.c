/* cmd_explain.c - `csmreport explain --account ID --period P PATH [--format
 * text|json] [--all] [--list]`: the rule, the arithmetic and the source rows
 * behind one figure of the metrics document (explain.h). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "csmreport/commands.h"
#include "csmreport/db.h"
#include "csmreport/explain.h"
#include "csmreport/period.h"

static const struct option explain_options[] = {
    {"account", required_argument, NULL, 'a'}, {"period", required_argument, NULL, 'p'},
    {"format", required_argument, NULL, 'f'},  {"all", no_argument, NULL, 'A'},
    {"list", no_argument, NULL, 'L'},          {NULL, 0, NULL, 0}};

const cr_cmd_syntax cr_cmd_explain_syntax = {
    .usage = "usage: csmreport explain --account ID --period P PATH... [--format text|json] [--all]\n"
             "       csmreport explain --account ID --period P --list\n"
             "Explains one figure of `metrics --format json`: its value, the contract rule,\n"
             "the arithmetic with the actual numbers and the input rows with their source\n"
             "(file:line and import date). PATH is a dot path of the document; array\n"
             "elements are named by their identifying values: trueup.video.2026-07.charge,\n"
             "adoption.by_month.2026-08.active, adoption.by_site.Bergen.rate,\n"
             "downtime.items.RMA-100184.sla, tickets.opened_by_priority.P1 (an index,\n"
             "adoption.by_month.0.rate, works too). --all prints every input row (text\n"
             "shows the first ten and a count). --list prints every path of the document.\n"
             "Several PATHs: json prints an array of explanations.\n",
    .shortopts = "",
    .longopts = explain_options};

int cr_cmd_explain(const cr_cli *cli, int argc, char **argv, cr_error *err)
{
    const char *account = NULL, *period_text = NULL, *format = "text";
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
    char **paths = argv + optind;
    int npaths = argc - optind;
    if (!account || !*account)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "explain needs --account ID");
    if (!period_text)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "explain needs --period P");
    if (!list && npaths == 0)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "explain needs a PATH (--list prints them)");
    if (list && npaths)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "unexpected argument '%s' with --list", paths[0]);
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "unknown format '%s' (want text or json)", format);
    bool json = strcmp(format, "json") == 0;
    cr_period period;
    int rc = cr_period_parse(period_text, NULL, &period, err);
    if (rc)
        return rc;
    sqlite3 *db = cr_db_open(cli->db_path, cli->db_mode, err);
    if (!db)
        return cr_error_exit_code(err);
    cr_explain *ex = NULL;
    cr_json *result = NULL;
    rc = cr_explain_open(db, account, &period, &ex, err);
    if (!rc && list) {
        if (!(result = cr_explain_paths(cr_explain_document(ex))))
            rc = cr_error_nomem(err);
    } else if (!rc && npaths == 1) {
        rc = cr_explain_figure(ex, paths[0], &result, err);
    } else if (!rc) {
        /* Several figures: a JSON array, or the texts one after the other. */
        if (!(result = cr_json_array()))
            rc = cr_error_nomem(err);
        for (int i = 0; i < npaths && !rc; i++) {
            cr_json *one = NULL;
            if (!(rc = cr_explain_figure(ex, paths[i], &one, err)) && !cr_json_append(result, one))
                rc = cr_error_nomem(err);
        }
    }
    cr_explain_close(ex);
    cr_db_close(db);
    if (rc) {
        cr_json_free(result);
        return rc;
    }
    int wrc = 0;
    if (list) {
        for (size_t i = 0; i < cr_json_size(result); i++)
            printf("%s\n", cr_json_get_string(cr_json_at(result, i)));
    } else if (json) {
        wrc = cr_json_write(result, stdout, 2);
        putchar('\n');
    } else if (npaths == 1) {
        wrc = cr_explain_write_text(result, stdout, all);
    } else {
        for (size_t i = 0; i < cr_json_size(result) && !wrc; i++)
            wrc = (i ? putchar('\n') == EOF : 0) || cr_explain_write_text(cr_json_at(result, i), stdout, all);
    }
    cr_json_free(result);
    cr_cli_note(cli, "%s: explain %d figure(s) for %s %s, %.3f s", cli->db_path, npaths, account, period.label,
                cr_cli_seconds(cli));
    if (wrc != 0 || fflush(stdout) != 0 || ferror(stdout))
        return cr_error_set(err, EX_IOERR, NULL, 0, 0, "cannot write the explanation to standard output");
    return 0;
}
