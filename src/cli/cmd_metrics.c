/* cmd_metrics.c - `csmreport metrics --account ID --period P [--format
 * text|json|csv] [--daily-usage] [--devices]`: computes every metric of SPEC section 5 on a
 * read-only connection and prints it. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "csmreport/commands.h"
#include "csmreport/datetime.h"
#include "csmreport/db.h"
#include "csmreport/metrics.h"
#include "csmreport/period.h"

static const struct option metrics_options[] = {
    {"account", required_argument, NULL, 'a'}, {"period", required_argument, NULL, 'p'},
    {"format", required_argument, NULL, 'f'},  {"daily-usage", no_argument, NULL, 'D'},
    {"devices", no_argument, NULL, 'L'},      {NULL, 0, NULL, 0}};

const cr_cmd_syntax cr_cmd_metrics_syntax = {
    .usage = "usage: csmreport metrics --account ID --period P [--format text|json|csv]\n"
             "                         [--daily-usage] [--devices]\n"
             "Computes adoption, true-up, RMA rate, downtime, service status, software\n"
             "currency and coverage for one account. P is 2026-Q3, 2026-10, 2026 or\n"
             "2026-07-01..2026-09-30. json prints the document of SPEC 5.8.\n"
             "--daily-usage reads adoption from the daily usage rows even for whole\n"
             "months, instead of the monthly roll-up (same numbers; slower).\n"
             "--devices adds the device list of the as-of inventory (json: \"devices\",\n"
             "each device's coverage, software level, active and offline_30d).\n"
             "--verbose names the store, the period's dates and the time taken on stderr.\n",
    .shortopts = "",
    .longopts = metrics_options};

int cr_cmd_metrics(const cr_cli *cli, int argc, char **argv, cr_error *err)
{
    cr_metrics_options options = {.daily_usage = false};
    const char *account = NULL, *period_text = NULL, *format = "text";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, cr_cmd_metrics_syntax.shortopts,
                            cr_cmd_metrics_syntax.longopts, NULL)) != -1) {
        switch (c) {
        case 'a': account = optarg; break;
        case 'p': period_text = optarg; break;
        case 'f': format = optarg; break;
        case 'D': options.daily_usage = true; break;
        case 'L': options.device_list = true; break;
        default: return CR_CMD_USAGE;
        }
    }
    if (optind < argc)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "unexpected argument '%s'", argv[optind]);
    if (!account || !*account)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "metrics needs --account ID");
    if (!period_text)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "metrics needs --period P");
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0 && strcmp(format, "csv") != 0)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0,
                            "unknown format '%s' (want text, json or csv)", format);
    cr_period period;
    int rc = cr_period_parse(period_text, NULL, &period, err);
    if (rc)
        return rc;

    sqlite3 *db = cr_db_open(cli->db_path, cli->db_mode, err);
    if (!db)
        return cr_error_exit_code(err);
    cr_json *doc = NULL;
    rc = cr_metrics_compute(db, account, &period, &options, &doc, err);
    cr_db_close(db);
    if (rc) {
        cr_cli_suggest_account(cli, account, err);
        return rc;
    }
    int wrc;
    if (strcmp(format, "json") == 0) {
        wrc = cr_json_write(doc, stdout, 2);
        putchar('\n');
    } else if (strcmp(format, "csv") == 0) {
        wrc = cr_metrics_write_csv(doc, stdout);
    } else {
        wrc = cr_metrics_write_text(doc, stdout);
    }
    cr_json_free(doc);
    char from[16], to[16];
    cr_date_format(period.start, from);
    cr_date_format(period.end, to);
    cr_cli_note(cli, "%s: account %s, period %s (%s..%s)%s, %.3f s", cli->db_path, account,
                period.label, from, to, options.daily_usage ? ", daily usage" : "",
                cr_cli_seconds(cli));
    if (wrc != 0 || fflush(stdout) != 0 || ferror(stdout))
        return cr_error_set(err, EX_IOERR, NULL, 0, 0, "cannot write the metrics to standard output");
    return 0;
}
