/* cmd_accounts.c - `csmreport accounts [--format text|json]`: the accounts in
 * the store with partner, program, term and the range of dates their data
 * covers, so a user finds the id to give --account. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "csmreport/accounts.h"
#include "csmreport/commands.h"
#include "csmreport/db.h"

static const struct option accounts_options[] = {{"format", required_argument, NULL, 'f'},
                                                 {NULL, 0, NULL, 0}};

const cr_cmd_syntax cr_cmd_accounts_syntax = {
    .usage = "usage: csmreport accounts [--format text|json]\n"
             "Lists the accounts in the store: id, name, partner, program, term, and the\n"
             "first and last dates of its data (inventory snapshots, tickets, usage and\n"
             "calls). The JSON form is an array with one object per account.\n",
    .shortopts = "",
    .longopts = accounts_options};

static const char *str(const cr_json *o, const char *key)
{
    const cr_json *v = cr_json_get(o, key);
    return cr_json_is_null(v) ? "" : cr_json_get_string(v);
}

/* Terminal columns of s (valid UTF-8): two for East Asian wide characters
 * (CJK, Hangul, full-width forms), one for the others. */
static int width(const char *s)
{
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        unsigned cp = *p;
        int len = cp < 0x80 ? 1 : cp < 0xE0 ? 2 : cp < 0xF0 ? 3 : 4;
        if (len > 1) {
            cp &= 0x3Fu >> (len - 1);
            for (int k = 1; k < len && p[k]; k++)
                cp = cp << 6 | (p[k] & 0x3Fu);
        }
        for (int k = 0; k < len && *p; k++)
            p++;
        bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
        w += wide ? 2 : 1;
    }
    return w;
}

/* s, then spaces up to w characters and the two between columns. */
static void cell(FILE *out, const char *s, int w)
{
    fprintf(out, "%s%*s", s, w - width(s) + 2, "");
}

/* One line per account under a header, columns as wide as their longest value. */
static void print_text(const cr_json *list, FILE *out)
{
    static const char *const heads[] = {"ID", "NAME", "PARTNER", "PROGRAM"};
    static const char *const keys[] = {"account_id", "account_name", "partner_id", "program"};
    int w[4];
    size_t n = cr_json_size(list);
    for (int k = 0; k < 4; k++) {
        w[k] = (int)strlen(heads[k]);
        for (size_t i = 0; i < n; i++) {
            int len = width(str(cr_json_at(list, i), keys[k]));
            if (len > w[k])
                w[k] = len;
        }
    }
    for (int k = 0; k < 4; k++)
        cell(out, heads[k], w[k]);
    fprintf(out, "%-22s  %s\n", "TERM", "DATA");
    for (size_t i = 0; i < n; i++) {
        const cr_json *a = cr_json_at(list, i);
        const char *df = str(a, "data_first");
        char data[32];
        if (*df)
            snprintf(data, sizeof data, "%s..%s", df, str(a, "data_last"));
        else
            snprintf(data, sizeof data, "(no data)");
        char term[32];
        snprintf(term, sizeof term, "%s..%s", str(a, "term_start"), str(a, "term_end"));
        cell(out, str(a, "account_id"), w[0]);
        cell(out, str(a, "account_name"), w[1]);
        cell(out, *str(a, "partner_id") ? str(a, "partner_id") : "-", w[2]);
        cell(out, str(a, "program"), w[3]);
        fprintf(out, "%-22s  %s\n", term, data);
    }
}

int cr_cmd_accounts(const cr_cli *cli, int argc, char **argv, cr_error *err)
{
    const char *format = "text";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, cr_cmd_accounts_syntax.shortopts,
                            cr_cmd_accounts_syntax.longopts, NULL)) != -1) {
        switch (c) {
        case 'f': format = optarg; break;
        default: return CR_CMD_USAGE;
        }
    }
    bool json = strcmp(format, "json") == 0;
    if (!json && strcmp(format, "text") != 0)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "unknown format '%s' (text or json)", format);
    if (optind < argc)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "unexpected argument '%s'", argv[optind]);
    sqlite3 *db = cr_db_open(cli->db_path, cli->db_mode, err);
    if (!db)
        return cr_error_exit_code(err);
    cr_json *list = cr_accounts_list(db, NULL, err);
    cr_db_close(db);
    if (!list)
        return cr_error_exit_code(err);
    if (json) {
        cr_json_write(list, stdout, 2);
        fputc('\n', stdout);
    } else if (cr_json_size(list) == 0) {
        printf("no accounts in %s (import an accounts file first)\n", cli->db_path);
    } else {
        print_text(list, stdout);
    }
    cr_cli_note(cli, "%s: %zu account(s), %.3f s", cli->db_path, cr_json_size(list),
                cr_cli_seconds(cli));
    cr_json_free(list);
    if (fflush(stdout) != 0 || ferror(stdout))
        return cr_error_set(err, EX_IOERR, NULL, 0, 0, "cannot write the list");
    return 0;
}
