/* main.c - the csmreport front end: picks the sub-command, prints its error
 * once, and exits with its sysexits code. */
#include <stdio.h>
#include <string.h>

#include "csmreport/commands.h"
#include "csmreport/error.h"
#include "csmreport/tz.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv, cr_error *err);
    const char *summary;
} command;

static const command commands[] = {
    {"import", cr_cmd_import, "load CSV exports into the database"},
    {"check", cr_cmd_check, "data-quality report"},
    {"metrics", cr_cmd_metrics, "compute every metric for an account and a period"},
    {"render", cr_cmd_render, "render reports from a template (PDF deck and XLSX workbook)"},
    {"version", cr_cmd_version, "versions of csmreport and of its libraries"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: csmreport COMMAND [OPTIONS] [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nEvery command takes --db FILE (default %s) and --help.\n", CR_DEFAULT_DB);
}

int main(int argc, char **argv)
{
    cr_error err;
    cr_error_clear(&err);
    if (argc < 2) {
        usage(stderr);
        return EX_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0)
        return cr_cmd_version(1, argv + 1, &err);
    /* "csmreport --db FILE COMMAND ..." is read as "csmreport COMMAND --db FILE ...". */
    char *moved[argc + 1];
    if (argc >= 4 && strcmp(argv[1], "--db") == 0) {
        moved[0] = argv[0];
        moved[1] = argv[3];
        moved[2] = argv[1];
        moved[3] = argv[2];
        for (int i = 4; i <= argc; i++)
            moved[i] = argv[i];
        argv = moved;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name) != 0)
            continue;
        int rc = commands[i].run(argc - 1, argv + 1, &err);
        if (rc && err.code) {
            char line[CR_ERROR_MSG_MAX + CR_ERROR_FILE_MAX + 64];
            cr_error_format(&err, line, sizeof line);
            fprintf(stderr, "csmreport: %s\n", line);
        }
        cr_tz_cleanup();
        return rc;
    }
    fprintf(stderr, "csmreport: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return EX_USAGE;
}
