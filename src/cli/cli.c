/* cli.c - the options every command has (--db, --help, --quiet, --verbose),
 * read once by the dispatcher, and the small helpers commands share. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sys/stat.h>

#include "csmreport/accounts.h"
#include "csmreport/commands.h"

static const struct option common_options[] = {
    {"db", required_argument, NULL, 'd'},
    {"help", no_argument, NULL, 'h'},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {NULL, 0, NULL, 0}};

/* The long options a word "--NAME" (len characters of name) may stand for,
 * among the common options and the command's (own may be NULL): an exact name
 * is the one; else every option whose name it begins. */
typedef struct long_match {
    const struct option *opt; /* the first candidate */
    bool common;              /* opt is a common option */
    int count;                /* candidates */
    bool any_common;          /* some candidate is a common option */
} long_match;

static bool scan_long(const struct option *opts, bool common, const char *name, size_t len,
                      long_match *m)
{
    for (const struct option *o = opts; o && o->name; o++) {
        if (strncmp(o->name, name, len) != 0)
            continue;
        if (o->name[len] == '\0') {
            *m = (long_match){.opt = o, .common = common, .count = 1, .any_common = common};
            return true;
        }
        if (!m->count++) {
            m->opt = o;
            m->common = common;
        }
        m->any_common |= common;
    }
    return false;
}

static long_match find_long(const struct option *own, const char *name, size_t len)
{
    long_match m = {0};
    if (!scan_long(common_options, true, name, len, &m))
        scan_long(own, false, name, len, &m);
    return m;
}

static int apply(cr_cli *cli, int val, const char *value, cr_error *err)
{
    switch (val) {
    case 'd':
        if (!value || !*value)
            return cr_error_set(err, EX_USAGE, NULL, 0, 0, "option '--db' needs a FILE");
        cli->db_path = value;
        break;
    case 'h': cli->help = true; break;
    case 'q': cli->quiet = true; break;
    case 'v': cli->verbose = true; break;
    }
    return 0;
}

/* Reads the word argv[i] (an option, not "--"): sets *span to the words it
 * spans (2 when its argument is the next word) and *taken when it is a common
 * option, which is then applied to cli. Returns 0 or EX_USAGE (err filled). */
static int read_word(cr_cli *cli, const cr_cmd_syntax *syntax, int argc, char **argv, int i,
                     int *span, bool *taken, cr_error *err)
{
    const char *w = argv[i];
    *span = 1;
    *taken = false;
    if (w[0] != '-' || w[1] == '\0')
        return 0; /* an operand, or "-" for standard input */
    if (w[1] == '-') {
        const char *name = w + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        long_match m = find_long(syntax ? syntax->longopts : NULL, name, len);
        if (m.count > 1 && m.any_common)
            return cr_error_set(err, EX_USAGE, NULL, 0, 0, "option '--%.*s' is ambiguous",
                                (int)len, name);
        if (m.count != 1)
            return 0; /* unknown, or ambiguous among the command's own: its getopt_long says so */
        bool separate = !eq && m.opt->has_arg == required_argument && i + 1 < argc;
        if (separate)
            *span = 2;
        if (!m.common)
            return 0;
        *taken = true;
        if (eq && m.opt->has_arg == no_argument)
            return cr_error_set(err, EX_USAGE, NULL, 0, 0, "option '--%s' takes no value",
                                m.opt->name);
        return apply(cli, m.opt->val, eq ? eq + 1 : separate ? argv[i + 1] : NULL, err);
    }
    /* A cluster of short options ("-q", "-vj2"): the common letters are
     * applied and taken out of the word (in place); the first of the command's
     * options that takes an argument ends the cluster, with the rest of the
     * word or the next word as its argument. */
    const char *shortopts = syntax ? syntax->shortopts : "";
    char *word = argv[i], *keep = word + 1;
    const char *p = word + 1;
    for (; *p; p++) {
        const char *s = *p == ':' ? NULL : strchr(shortopts, *p);
        if (s && s[1] == ':') {
            if (s[2] != ':' && p[1] == '\0' && i + 1 < argc)
                *span = 2;
            break;
        }
        if (!s && strchr("hqv", *p)) {
            apply(cli, *p, NULL, err);
            continue;
        }
        if (!s)
            break; /* unknown: the command's getopt_long says so */
        *keep++ = *p;
    }
    if (keep != p) {
        memmove(keep, p, strlen(p) + 1);
        *taken = keep == word + 1 && !*keep;
    }
    return 0;
}

int cr_cli_take_options(cr_cli *cli, const cr_cmd_syntax *syntax, int *argc, char **argv,
                        cr_error *err)
{
    int n = *argc, out = 1, i = 1;
    while (i < n && strcmp(argv[i], "--") != 0) {
        int span;
        bool taken;
        int rc = read_word(cli, syntax, n, argv, i, &span, &taken, err);
        if (rc)
            return rc;
        if (!taken && !syntax)
            break; /* the command name, or an option only a command knows */
        for (int k = 0; k < span && !taken; k++)
            argv[out++] = argv[i + k];
        i += span;
    }
    while (i < n)
        argv[out++] = argv[i++];
    argv[out] = NULL;
    *argc = out;
    return 0;
}

int cr_cli_check_db(const cr_cli *cli, cr_error *err)
{
    const char *path = cli->db_path, *slash = strrchr(path, '/');
    if (!slash || slash == path || strcmp(path, ":memory:") == 0)
        return 0;
    char folder[CR_ERROR_FILE_MAX];
    int len = snprintf(folder, sizeof folder, "%.*s", (int)(slash - path), path);
    if (len < 0 || (size_t)len >= sizeof folder)
        return 0; /* too long to name: SQLite says what it finds */
    struct stat sb;
    bool creates = cli->db_mode == CR_DB_READWRITE;
    if (stat(folder, &sb) != 0)
        return cr_error_set(err, creates ? EX_CANTCREAT : EX_NOINPUT, path, 0, 0,
                            "the folder %s does not exist%s", folder,
                            creates ? " (csmreport creates the database, not its folder)" : "");
    if (!S_ISDIR(sb.st_mode))
        return cr_error_set(err, creates ? EX_CANTCREAT : EX_NOINPUT, path, 0, 0,
                            "%s is not a folder", folder);
    return 0;
}

void cr_cli_suggest_account(const cr_cli *cli, const char *account, cr_error *err)
{
    if (!account || !strstr(err->message, "unknown account"))
        return;
    cr_error open_err;
    cr_error_clear(&open_err);
    sqlite3 *db = cr_db_open(cli->db_path, CR_DB_READONLY, &open_err);
    if (!db)
        return;
    char near[256];
    cr_accounts_nearest(db, account, near, sizeof near);
    cr_db_close(db);
    size_t used = strlen(err->message);
    if (near[0])
        snprintf(err->message + used, sizeof err->message - used,
                 "; did you mean '%s'? ('csmreport accounts' lists them)", near);
    else
        snprintf(err->message + used, sizeof err->message - used,
                 " ('csmreport accounts' lists the accounts)");
}

double cr_cli_seconds(const cr_cli *cli)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - cli->started.tv_sec) +
           (double)(now.tv_nsec - cli->started.tv_nsec) / 1e9;
}

void cr_cli_note(const cr_cli *cli, const char *fmt, ...)
{
    if (!cli->verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "csmreport: %s: ", cli->command);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}
