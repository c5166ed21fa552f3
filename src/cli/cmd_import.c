/* cmd_import.c - `csmreport import [--kind K] [--profile P.xml] [--account ID]
 * [--snapshot-date D] [--skip-bad-rows] [--sheet NAME] FILE...`: each file (CSV or
 * .xlsx) in its own transaction; bad rows reported as FILE:LINE:COLUMN: reason
 * (FILE:Sheet1!C7 in a workbook). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "csmreport/commands.h"
#include "csmreport/db.h"
#include "csmreport/ingest.h"
#include "csmreport/kinds.h"
#include "csmreport/profile.h"

static void print_kinds(FILE *out);

static const struct option import_options[] = {
    {"kind", required_argument, NULL, 'k'},          {"profile", required_argument, NULL, 'p'},
    {"account", required_argument, NULL, 'a'},       {"snapshot-date", required_argument, NULL, 's'},
    {"skip-bad-rows", no_argument, NULL, 'S'},       {"sheet", required_argument, NULL, 'w'},
    {NULL, 0, NULL, 0}};

const cr_cmd_syntax cr_cmd_import_syntax = {
    .usage = "usage: csmreport import [--kind K] [--profile P.xml] [--account ID]\n"
             "                        [--snapshot-date YYYY-MM-DD] [--skip-bad-rows]\n"
             "                        [--sheet NAME] FILE...\n"
             "Loads CSV exports. The kind (accounts, partners, contracts, catalog, firmware,\n"
             "holidays, devices, tickets, usage, calls) is read from the header unless --kind\n"
             "or the profile names it. Each file is imported whole or not at all.\n"
             "An .xlsx workbook is read from its first sheet, or the sheet --sheet names;\n"
             "cells shown as dates are read as dates; positions read FILE:Sheet1!C7.\n"
             "--verbose prints each file's counts and timings on stdout.\n",
    .shortopts = "",
    .longopts = import_options,
    .more_usage = print_kinds};

/* The kinds and their columns, from the kinds table (README's "Your own
 * exports" splices this text in: `make readme`), the profile attributes and
 * a worked example. */
static void print_kinds(FILE *out)
{
    fputs("\nkinds and their canonical columns (* required; the header may name them in\n"
          "any order and case; other columns are ignored):\n",
          out);
    for (size_t k = 0; k < cr_kind_count; k++) {
        const cr_kind *kind = &cr_kinds[k];
        int col = fprintf(out, "  %-10s", kind->name);
        for (size_t c = 0; c < kind->column_count; c++) {
            const cr_column *cc = &kind->columns[c];
            int len = (int)strlen(cc->name) + cc->required + (c + 1 < kind->column_count);
            if (col + 1 + len > 79)
                col = fprintf(out, "\n  %-10s", "");
            col += fprintf(out, " %s%s%s", cc->name, cc->required ? "*" : "",
                           c + 1 < kind->column_count ? "," : "");
        }
        fputc('\n', out);
    }
    fputs("\nprofile attributes (--profile P.xml; man csmreport has them all):\n"
          "  <profile name kind separator=\",|;|tab\" timezone decimal=\".|,\"\n"
          "           thousands=\"' '|.|,\" encoding=ICONV-NAME quotes=\"strict|lenient\"\n"
          "           header=\"first|none\">, <null value>,\n"
          "  <field name column|constant occurrence format plus_seconds ignore-case\n"
          "         strict> with <map from to>, <keep highest numeric>\n"
          "  (with header=\"none\", column is a 1-based position)\n"
          "\nexample, from an export to a deck:\n"
          "  csmreport profile init --kind devices lens.csv > lens.xml   # then check it\n"
          "  csmreport import --profile lens.xml --account ACME --snapshot-date 2026-09-30 lens.csv\n"
          "  csmreport check --account ACME\n"
          "  csmreport render --template templates/qbr.xml --account ACME --period 2026-Q3 --out out\n",
          out);
}

static void print_error(const cr_error *e)
{
    char line[CR_ERROR_MSG_MAX + CR_ERROR_FILE_MAX + 64];
    cr_error_format(e, line, sizeof line);
    fprintf(stderr, "csmreport: %s\n", line);
}

/* The progress line of a long import on a terminal. */
static void show_progress(void *ctx, const char *path, const char *phase, unsigned long long done,
                          unsigned long long total, long long rows, bool finished)
{
    (void)ctx;
    if (total)
        fprintf(stderr, "\rcsmreport: importing %s: %s %3d%% (%lld rows)%s", path, phase,
                (int)(100.0 * (double)done / (double)total), rows, finished ? "\n" : "");
    else
        fprintf(stderr, "\rcsmreport: importing %s: %s (%lld rows)%s", path, phase, rows,
                finished ? "\n" : "");
}

int cr_cmd_import(const cr_cli *cli, int argc, char **argv, cr_error *err)
{
    const char *profile_path = NULL;
    cr_import_options opt = {0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, cr_cmd_import_syntax.shortopts, cr_cmd_import_syntax.longopts,
                            NULL)) != -1) {
        switch (c) {
        case 'k': opt.kind = optarg; break;
        case 'p': profile_path = optarg; break;
        case 'a': opt.account = optarg; break;
        case 's': opt.snapshot_date = optarg; break;
        case 'S': opt.skip_bad_rows = true; break;
        case 'w': opt.sheet = optarg; break;
        default: return CR_CMD_USAGE;
        }
    }
    if (optind >= argc)
        return CR_CMD_USAGE;
    if (opt.kind && !cr_kind_find(opt.kind))
        return cr_kind_error_unknown(opt.kind, err);
    if (cli->progress)
        opt.progress = show_progress;
    cr_profile *profile = NULL;
    int rc = 0;
    if (profile_path && (rc = cr_profile_load(profile_path, &profile, err)))
        return rc;
    opt.profile = profile;
    /* A store this import creates goes again when no file came in. */
    bool existed = access(cli->db_path, F_OK) == 0;
    sqlite3 *db = cr_db_open(cli->db_path, cli->db_mode, err);
    if (!db) {
        cr_profile_free(profile);
        return err->code;
    }
    static cr_import_result res;
    int failed = 0;
    for (int i = optind; i < argc; i++) {
        cr_error ferr;
        cr_error_clear(&ferr);
        int frc = cr_ingest_file(db, argv[i], &opt, &res, &ferr);
        if (frc) {
            for (int e = 0; e < res.error_count; e++)
                print_error(&res.errors[e]);
            if (res.error_total > res.error_count)
                fprintf(stderr, "csmreport: %s: %lld more bad rows not shown\n", argv[i],
                        res.error_total - res.error_count);
            if (ferr.message[0])
                print_error(&ferr);
            if (res.error_total)
                fprintf(stderr, "csmreport: %s: %lld bad row%s; nothing imported from this file\n",
                        argv[i], res.error_total, res.error_total == 1 ? "" : "s");
            if (!rc)
                rc = frc;
            failed++;
            continue;
        }
        if (res.rejected)
            fprintf(stderr, "csmreport: warning: %s: %lld row%s rejected, written to %s\n", argv[i],
                    res.rejected, res.rejected == 1 ? "" : "s", res.rejects_path);
        if (cli->verbose)
            printf("%s: %s, %lld rows read, %lld inserted, %lld updated, %lld unchanged, "
                   "%lld rejected, %lld superseded, %lld deleted, %lld recipients changed, "
                   "%.3f s (rows %.3f s, merge %.3f s, "
                   "indexes %.3f s; "
                   "%.0f rows/s, %.1f MB/s)\n",
                   argv[i], res.kind, res.rows_read, res.inserted, res.updated, res.unchanged,
                   res.rejected, res.superseded, res.deleted, res.recipients_changed, res.seconds,
                   res.seconds_rows,
                   res.seconds_merge, res.seconds_indexes,
                   res.seconds > 0 ? (double)res.rows_read / res.seconds : 0.0,
                   res.seconds > 0 ? (double)res.bytes / 1e6 / res.seconds : 0.0);
    }
    cr_db_close(db);
    if (!existed && failed == argc - optind)
        cr_db_remove(cli->db_path);
    cr_profile_free(profile);
    cr_cli_note(cli, "%d file%s into %s (%d failed), %.3f s", argc - optind,
                argc - optind == 1 ? "" : "s", cli->db_path, failed, cr_cli_seconds(cli));
    return rc;
}
