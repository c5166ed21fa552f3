/* cmd_metrics.c - `csmreport metrics --account ID --period P [--format
 * text|json|csv] [--daily-usage] [--db FILE]`: computes every metric of SPEC section 5 on a
 * read-only connection and prints it. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "csmreport/commands.h"
#include "csmreport/db.h"
#include "csmreport/metrics.h"

static void metrics_usage(FILE *out)
{
    fprintf(out,
            "usage: csmreport metrics [--db FILE] --account ID --period P\n"
            "                         [--format text|json|csv] [--daily-usage]\n"
            "Computes adoption, true-up, RMA rate, downtime, service status, software\n"
            "currency and coverage for one account. P is 2026-Q3, 2026-10, 2026 or\n"
            "2026-07-01..2026-09-30. json prints the document of SPEC 5.8.\n"
            "--daily-usage reads adoption from the daily usage rows even for whole\n"
            "months, instead of the monthly roll-up (same numbers; slower).\n");
}

int cr_cmd_metrics(int argc, char **argv, cr_error *err)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},      {"account", required_argument, NULL, 'a'},
        {"period", required_argument, NULL, 'p'},  {"format", required_argument, NULL, 'f'},
        {"daily-usage", no_argument, NULL, 'D'},   {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    cr_metrics_options options = {.daily_usage = false};
    const char *db_path = CR_DEFAULT_DB, *account = NULL, *period_text = NULL, *format = "text";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': db_path = optarg; break;
        case 'a': account = optarg; break;
        case 'p': period_text = optarg; break;
        case 'f': format = optarg; break;
        case 'D': options.daily_usage = true; break;
        case 'h': metrics_usage(stdout); return 0;
        default: metrics_usage(stderr); return EX_USAGE;
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

    sqlite3 *db = cr_db_open(db_path, CR_DB_READONLY, err);
    if (!db)
        return cr_error_exit_code(err);
    cr_json *doc = NULL;
    rc = cr_metrics_compute(db, account, &period, &options, &doc, err);
    cr_db_close(db);
    if (rc)
        return rc;
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
    if (wrc != 0 || fflush(stdout) != 0 || ferror(stdout))
        return cr_error_set(err, EX_IOERR, NULL, 0, 0, "cannot write the metrics to standard output");
    return 0;
}
