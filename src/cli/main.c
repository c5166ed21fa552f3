/* main.c - the csmreport front end: the command table, the options every
 * command has (read once here, see commands.h), `help`, and the one error
 * message and sysexits code of a run. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csmreport/commands.h"
#include "csmreport/error.h"
#include "csmreport/nearest.h"
#include "csmreport/tz.h"

typedef struct command {
    const char *name;
    int (*run)(const cr_cli *cli, int argc, char **argv, cr_error *err);
    cr_cmd_flags flags;
    const char *summary;
    const cr_cmd_syntax *syntax;
} command;

static int run_help(const cr_cli *cli, int argc, char **argv, cr_error *err);

static const struct option help_options[] = {{NULL, 0, NULL, 0}};
static const cr_cmd_syntax help_syntax = {
    .usage = "usage: csmreport help [COMMAND]\n"
             "Prints the usage of COMMAND, or the list of commands.\n",
    .shortopts = "",
    .longopts = help_options};

static const command commands[] = {
    {"import", cr_cmd_import, CR_CMD_WRITES_DB, "load CSV exports into the database",
     &cr_cmd_import_syntax},
    {"check", cr_cmd_check, CR_CMD_READS_DB, "data-quality report", &cr_cmd_check_syntax},
    {"metrics", cr_cmd_metrics, CR_CMD_READS_DB,
     "compute every metric for an account and a period", &cr_cmd_metrics_syntax},
    {"explain", cr_cmd_explain, CR_CMD_READS_DB,
     "the rule, arithmetic and source rows behind one figure", &cr_cmd_explain_syntax},
    {"render", cr_cmd_render, CR_CMD_READS_DB,
     "render reports from a template (PDF deck and XLSX workbook)", &cr_cmd_render_syntax},
    {"run", cr_cmd_run, CR_CMD_WRITES_DB,
     "the scheduled job: import, render and mail as a batch file says", &cr_cmd_run_syntax},
    {"accounts", cr_cmd_accounts, CR_CMD_READS_DB,
     "the accounts in the store with their term and data range", &cr_cmd_accounts_syntax},
    {"profile", cr_cmd_profile, CR_CMD_NO_DB,
     "profile init --kind K FILE: a starting profile for an export", &cr_cmd_profile_syntax},
    {"version", cr_cmd_version, CR_CMD_NO_DB, "versions of csmreport and of its libraries",
     &cr_cmd_version_syntax},
    {"help", run_help, CR_CMD_NO_DB, "the usage of a command, or this list", &help_syntax},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fprintf(out, "usage: csmreport [--db FILE] [--quiet | --verbose] COMMAND [OPTIONS] [ARGS]\n"
                 "       csmreport -V | --version\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\nEvery command takes --db FILE (default $%s, else %s), -q/--quiet,\n"
            "-v/--verbose and -h/--help, before or after its name. 'csmreport help COMMAND'\n"
            "shows its usage.\n",
            CR_DB_ENV, CR_DEFAULT_DB);
}

static void command_usage(const command *c, FILE *out)
{
    fputs(c->syntax->usage, out);
    if (c->syntax->more_usage)
        c->syntax->more_usage(out);
    fputs("\ncommon options:\n", out);
    if (c->flags & CR_CMD_WRITES_DB)
        fprintf(out, "  --db FILE      the store, created when missing (default $%s, else %s)\n",
                CR_DB_ENV, CR_DEFAULT_DB);
    else if (c->flags & CR_CMD_READS_DB)
        fprintf(out, "  --db FILE      the store, which must exist (default $%s, else %s)\n",
                CR_DB_ENV, CR_DEFAULT_DB);
    fputs("  -q, --quiet    no progress lines\n"
          "  -v, --verbose  say more about what was done\n"
          "  -h, --help     this usage\n",
          out);
}

static void report(const cr_error *err)
{
    char line[CR_ERROR_MSG_MAX + CR_ERROR_FILE_MAX + 64];
    cr_error_format(err, line, sizeof line);
    fprintf(stderr, "csmreport: %s\n", line);
}

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(name, commands[i].name) == 0)
            return &commands[i];
    return NULL;
}

/* Fills err with "unknown command", naming the nearest command when it is
 * close (nearest.h). */
static int unknown_command(const char *name, cr_error *err)
{
    const char *names[N_COMMANDS];
    for (size_t i = 0; i < N_COMMANDS; i++)
        names[i] = commands[i].name;
    const char *near = cr_nearest_pick(name, names, N_COMMANDS);
    if (near)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "unknown command '%s'; did you mean '%s'?",
                            name, near);
    return cr_error_set(err, EX_USAGE, NULL, 0, 0, "unknown command '%s'", name);
}

/* `csmreport help [COMMAND]`. */
static int run_help(const cr_cli *cli, int argc, char **argv, cr_error *err)
{
    (void)cli;
    (void)err;
    optind = 1;
    if (getopt_long(argc, argv, help_syntax.shortopts, help_syntax.longopts, NULL) != -1)
        return CR_CMD_USAGE;
    if (optind == argc) {
        usage(stdout);
        return 0;
    }
    if (argc - optind > 1)
        return CR_CMD_USAGE;
    const command *c = find_command(argv[optind]);
    if (!c)
        return unknown_command(argv[optind], err);
    command_usage(c, stdout);
    return 0;
}

/* Prints err (when filled) and the usage of c (the list when c is NULL) on
 * stderr; returns EX_USAGE with err cleared, so it is printed once. */
static int usage_error(const command *c, cr_error *err)
{
    if (err->code)
        report(err);
    cr_error_clear(err);
    if (c)
        command_usage(c, stderr);
    else
        usage(stderr);
    return EX_USAGE;
}

/* Reads the common options, picks the command and runs it. Prints usage
 * errors itself; a command's failure is left in err for main. */
static int dispatch(cr_cli *cli, int argc, char **argv, cr_error *err)
{
    static char program[] = "csmreport";
    if (cr_cli_take_options(cli, NULL, &argc, argv, err))
        return usage_error(NULL, err);
    if (argc < 2) {
        if (!cli->help)
            return usage_error(NULL, err);
        usage(stdout);
        return 0;
    }
    const char *name = argv[1];
    if (strcmp(name, "-V") == 0 || strcmp(name, "--version") == 0)
        name = "version";
    else if (name[0] == '-') {
        cr_error_set(err, EX_USAGE, NULL, 0, 0, "unknown option '%s'", name);
        return usage_error(NULL, err);
    }
    const command *c = find_command(name);
    if (!c) {
        unknown_command(name, err);
        return usage_error(NULL, err);
    }

    argc--;
    argv++;
    argv[0] = program; /* what getopt_long's messages begin with */
    if (cr_cli_take_options(cli, c->syntax, &argc, argv, err))
        return usage_error(c, err);
    if (cli->help) {
        command_usage(c, stdout);
        return 0;
    }
    if (cli->quiet && cli->verbose)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0,
                            "--quiet and --verbose cannot be used together");
    cli->command = c->name;
    cli->db_mode = c->flags & CR_CMD_WRITES_DB ? CR_DB_READWRITE : CR_DB_READONLY;
    if ((c->flags & (CR_CMD_READS_DB | CR_CMD_WRITES_DB)) && cr_cli_check_db(cli, err))
        return err->code;
    cli->progress = !cli->quiet && isatty(STDERR_FILENO);
    int rc = c->run(cli, argc, argv, err);
    if (rc == CR_CMD_USAGE)
        return usage_error(c, err);
    return rc;
}

int main(int argc, char **argv)
{
    cr_error err;
    cr_error_clear(&err);
    const char *env_db = getenv(CR_DB_ENV);
    cr_cli cli = {.db_path = env_db && *env_db ? env_db : CR_DEFAULT_DB};
    /* A write over the file size limit (ulimit -f) then fails with EFBIG, an
     * I/O error reported like a full disk, instead of killing the run midway. */
    signal(SIGXFSZ, SIG_IGN);
    clock_gettime(CLOCK_MONOTONIC, &cli.started);
    int rc = dispatch(&cli, argc, argv, &err);
    if (rc && err.code)
        report(&err);
    cr_tz_cleanup();
    return rc;
}
