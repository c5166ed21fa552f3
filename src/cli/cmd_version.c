/* cmd_version.c - `csmreport version` (also -V, --version): the program's and
 * its libraries' versions; with --verbose also the versions it was built
 * against. */
#include <cairo.h>
#include <libxml/parser.h>
#include <libxml/xmlversion.h>
#include <pango/pango.h>
#include <sqlite3.h>
#include <stdio.h>
#include <xlsxwriter.h>

#include "csmreport/commands.h"
#include "csmreport/db.h"

static const struct option version_options[] = {{NULL, 0, NULL, 0}};

const cr_cmd_syntax cr_cmd_version_syntax = {
    .usage = "usage: csmreport version\n"
             "       csmreport -V | --version\n"
             "Prints the versions of csmreport, of the libraries it runs with and of the\n"
             "store's schema. --verbose adds the versions it was built against and the\n"
             "SQLite source id.\n",
    .shortopts = "",
    .longopts = version_options};

int cr_cmd_version(const cr_cli *cli, int argc, char **argv, cr_error *err)
{
    optind = 1;
    if (getopt_long(argc, argv, cr_cmd_version_syntax.shortopts, cr_cmd_version_syntax.longopts,
                    NULL) != -1)
        return CR_CMD_USAGE;
    if (optind < argc)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "unexpected argument '%s'", argv[optind]);
    printf("csmreport %s\n", CR_VERSION);
    printf("sqlite %s\n", sqlite3_libversion());
    printf("libxml2 %s\n", LIBXML_DOTTED_VERSION);
    printf("cairo %s\n", cairo_version_string());
    printf("pango %s\n", pango_version_string());
    printf("libxlsxwriter %s\n", LXW_VERSION);
    printf("schema %d\n", CR_DB_SCHEMA_VERSION);
    printf("store pragmas: journal_mode=WAL synchronous=NORMAL page_size=16384 cache_size=64MiB\n");
    if (cli->verbose) {
        printf("built against: sqlite %s, libxml2 %s, cairo %s, pango %s, libxlsxwriter %s\n",
               SQLITE_VERSION, LIBXML_DOTTED_VERSION, CAIRO_VERSION_STRING, PANGO_VERSION_STRING,
               LXW_VERSION);
        printf("sqlite source: %s\n", sqlite3_sourceid());
        printf("libxml2 runtime: %s\n", xmlParserVersion);
    }
    if (fflush(stdout) != 0 || ferror(stdout))
        return cr_error_set(err, EX_IOERR, NULL, 0, 0, "cannot write to standard output");
    return 0;
}
