/* cmd_check.c - `csmreport check [--db FILE] [--account ID] [--format
 * text|json]`: the data-quality report, of the whole store or of one account. Findings are not failures: the exit code is 0 whatever
 * it finds, so a cron job can mail the report without treating it as an error.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "csmreport/check.h"
#include "csmreport/commands.h"
#include "csmreport/db.h"

static const struct option check_options[] = {{"account", required_argument, NULL, 'a'},
                                              {"format", required_argument, NULL, 'f'},
                                              {NULL, 0, NULL, 0}};

const cr_cmd_syntax cr_cmd_check_syntax = {
    .usage = "usage: csmreport check [--account ID] [--format text|json]\n"
             "Reports data-quality problems: unknown models, data of unknown accounts,\n"
             "tickets and usage for serials never in the inventory, months without a\n"
             "snapshot, missing contracts, firmware, holidays and settings. Exits 0 when\n"
             "it finds problems; the JSON form lists every check with its count.\n"
             "--account ID keeps the findings that concern that account (what the QBR's\n"
             "data notes show); an id neither in accounts nor in any data is an error.\n"
             "--verbose names the store and the time taken on stderr.\n",
    .shortopts = "",
    .longopts = check_options};

/* One section per check with findings, then a summary line. */
static void print_text(const cr_json *doc, FILE *out)
{
    const cr_json *list = cr_json_get(doc, "checks");
    size_t total = cr_json_size(list), with_problems = 0, warnings = 0;
    for (size_t k = 0; k < total; k++) {
        const cr_json *c = cr_json_at(list, k);
        int64_t count = cr_json_get_int(cr_json_get(c, "count"));
        if (count == 0)
            continue;
        const char *severity = cr_json_get_string(cr_json_get(c, "severity"));
        with_problems++;
        warnings += strcmp(severity, "warning") == 0;
        fprintf(out, "%s%s: %lld problem(s) [%s]\n  %s\n", with_problems > 1 ? "\n" : "",
                cr_json_get_string(cr_json_get(c, "id")), (long long)count, severity,
                cr_json_get_string(cr_json_get(c, "title")));
        const cr_json *examples = cr_json_get(c, "examples");
        size_t shown = cr_json_size(examples);
        for (size_t e = 0; e < shown; e++)
            fprintf(out, "    %s\n", cr_json_get_string(cr_json_at(examples, e)));
        if ((int64_t)shown < count)
            fprintf(out, "    ... and %lld more\n", (long long)(count - (int64_t)shown));
    }
    if (with_problems == 0) {
        fprintf(out, "no problems found (%zu checks)\n", total);
        return;
    }
    fprintf(out, "\n%lld problem(s) in %zu of %zu checks (%zu warning, %zu info)\n",
            (long long)cr_json_get_int(cr_json_get(doc, "problems")), with_problems, total,
            warnings, with_problems - warnings);
}

int cr_cmd_check(const cr_cli *cli, int argc, char **argv, cr_error *err)
{
    const char *format = "text", *account = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, cr_cmd_check_syntax.shortopts, cr_cmd_check_syntax.longopts,
                            NULL)) != -1) {
        switch (c) {
        case 'a': account = optarg; break;
        case 'f': format = optarg; break;
        default: return CR_CMD_USAGE;
        }
    }
    bool json = strcmp(format, "json") == 0;
    if (!json && strcmp(format, "text") != 0)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "unknown format '%s' (text or json)", format);
    if (optind < argc)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "unexpected argument '%s'", argv[optind]);
    if (account && !*account)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "--account needs an account id");

    sqlite3 *db = cr_db_open(cli->db_path, cli->db_mode, err);
    if (!db)
        return err->code;
    cr_json *doc = cr_check_run_account(db, account, err);
    cr_db_close(db);
    if (!doc) {
        cr_cli_suggest_account(cli, account, err);
        return err->code;
    }
    if (json) {
        cr_json_write(doc, stdout, 2);
        fputc('\n', stdout);
    } else {
        print_text(doc, stdout);
    }
    cr_cli_note(cli, "%s: %zu checks, %lld problem(s), %.3f s", cli->db_path,
                cr_json_size(cr_json_get(doc, "checks")),
                (long long)cr_json_get_int(cr_json_get(doc, "problems")), cr_cli_seconds(cli));
    cr_json_free(doc);
    if (fflush(stdout) != 0 || ferror(stdout))
        return cr_error_set(err, EX_IOERR, NULL, 0, 0, "cannot write the report");
    return 0;
}
