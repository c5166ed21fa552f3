/* commands.h - the sub-commands (SPEC section 2) and what the dispatcher hands them.
 *
 * main.c holds the command table: a name, the run function, flags saying what
 * the command needs (CR_CMD_READS_DB, ...), a summary and the command's syntax
 * (usage text and getopt_long options). The dispatcher parses the options every
 * command has once, before the command name and anywhere among the command's
 * own options up to "--":
 *
 *   --db FILE   the store (default $CSMREPORT_DB, else "csmreport.db"; the
 *               last one given wins)
 *   -h, --help  the command's usage on stdout, exit 0; nothing is opened
 *   -q, --quiet no progress lines
 *   -v, --verbose  per-step information (each command says what)
 *
 * It takes them out of argv and fills a cr_cli; the command's getopt_long then
 * sees only its own options (argv[0] is "csmreport"). A command does its work
 * through the library, prints its regular output on stdout, and returns a
 * sysexits code. On failure it fills err and main prints it once ("csmreport:
 * FILE:LINE:COLUMN: message"); a command that already reported its errors
 * itself returns the code with err->code 0. A command returns CR_CMD_USAGE
 * for a wrong use of its options (getopt_long has said what is wrong): the
 * dispatcher then prints the command's usage on stderr and exits EX_USAGE.
 */
#ifndef CSMREPORT_COMMANDS_H
#define CSMREPORT_COMMANDS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "csmreport/db.h"
#include "csmreport/error.h"

#define CR_DEFAULT_DB "csmreport.db"
/* The environment variable naming the store when --db is not given. */
#define CR_DB_ENV "CSMREPORT_DB"

/* What a command returns to have its usage printed on stderr (exit EX_USAGE). */
#define CR_CMD_USAGE (-1)

/* What a command needs from the dispatcher. */
typedef enum cr_cmd_flags {
    CR_CMD_NO_DB = 0,          /* --db is accepted and ignored */
    CR_CMD_READS_DB = 1 << 0,  /* opens the store read-only: it must exist (66 when missing) */
    CR_CMD_WRITES_DB = 1 << 1, /* opens the store read-write, creating and migrating it */
} cr_cmd_flags;

/* The shared context the dispatcher fills from the common options and passes
 * to the command (read-only there). */
typedef struct cr_cli {
    const char *command;     /* the command's name, "import" */
    const char *db_path;     /* --db FILE, else CR_DEFAULT_DB */
    cr_db_mode db_mode;      /* how the command opens db_path, from its flags */
    bool help;               /* --help was given (the command is then not run) */
    bool quiet;              /* --quiet */
    bool verbose;            /* --verbose (never together with quiet) */
    bool progress;           /* show progress lines: stderr is a terminal, no --quiet */
    struct timespec started; /* when the dispatcher started (CLOCK_MONOTONIC) */
} cr_cli;

/* A command's syntax: its usage text and the options its getopt_long reads
 * (the common ones left out). The dispatcher reads the options too, to know
 * which of them take a separate argument, so a value such as "--account -v" is
 * never taken for a common option. */
typedef struct cr_cmd_syntax {
    const char *usage;             /* "usage: csmreport NAME ...\n" and a description */
    const char *shortopts;         /* getopt_long's optstring */
    const struct option *longopts; /* ended by an all-zero entry */
    /* Prints more of the usage after the text (tables the program holds, such
     * as import's kinds and their columns), or NULL. */
    void (*more_usage)(FILE *out);
} cr_cmd_syntax;

int cr_cmd_import(const cr_cli *cli, int argc, char **argv, cr_error *err);
int cr_cmd_check(const cr_cli *cli, int argc, char **argv, cr_error *err);
int cr_cmd_metrics(const cr_cli *cli, int argc, char **argv, cr_error *err);
int cr_cmd_render(const cr_cli *cli, int argc, char **argv, cr_error *err);
int cr_cmd_version(const cr_cli *cli, int argc, char **argv, cr_error *err);
int cr_cmd_run(const cr_cli *cli, int argc, char **argv, cr_error *err);
int cr_cmd_accounts(const cr_cli *cli, int argc, char **argv, cr_error *err);
int cr_cmd_profile(const cr_cli *cli, int argc, char **argv, cr_error *err);
int cr_cmd_explain(const cr_cli *cli, int argc, char **argv, cr_error *err);

extern const cr_cmd_syntax cr_cmd_import_syntax;
extern const cr_cmd_syntax cr_cmd_check_syntax;
extern const cr_cmd_syntax cr_cmd_metrics_syntax;
extern const cr_cmd_syntax cr_cmd_render_syntax;
extern const cr_cmd_syntax cr_cmd_version_syntax;
extern const cr_cmd_syntax cr_cmd_run_syntax;
extern const cr_cmd_syntax cr_cmd_accounts_syntax;
extern const cr_cmd_syntax cr_cmd_profile_syntax;
extern const cr_cmd_syntax cr_cmd_explain_syntax;

/* Takes the common options out of argv[1..*argc-1], applying them to cli, and
 * closes the gaps (argv[*argc] is then NULL).
 *
 * With syntax (the command's own options): every common option up to "--" is
 * taken, wherever it stands; the arguments of the command's options are
 * skipped, and unknown options are left for the command's getopt_long.
 * With syntax NULL (the words before the command name): only the leading
 * common options are taken; argv[1] is then the first other word.
 *
 * Returns 0, or EX_USAGE with err filled for a common option used wrongly
 * (--db without a FILE, a value given to --quiet, an ambiguous abbreviation). */
int cr_cli_take_options(cr_cli *cli, const cr_cmd_syntax *syntax, int *argc, char **argv,
                        cr_error *err);

/* Says plainly when the folder of cli->db_path does not exist (EX_NOINPUT for
 * a command that reads the store, EX_CANTCREAT for one that creates it) or is
 * not a folder, instead of SQLite's "unable to open database file". Returns 0
 * when the folder is there. */
int cr_cli_check_db(const cr_cli *cli, cr_error *err);

/* Opens the store for a command that names an account and, when the account
 * is unknown there, adds the nearest known id to err's message ("; did you
 * mean 'ACME'?"). Call it on a failure whose message says "unknown account";
 * it never changes err->code. */
void cr_cli_suggest_account(const cr_cli *cli, const char *account, cr_error *err);

/* Seconds since cli->started. */
double cr_cli_seconds(const cr_cli *cli);

/* With --verbose, prints "csmreport: COMMAND: " and the formatted text as one
 * line on stderr; otherwise nothing. */
void cr_cli_note(const cr_cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
