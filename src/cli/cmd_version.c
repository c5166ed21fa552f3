/* cmd_version.c - `csmreport version`: the program's and its libraries' versions. */
#include <cairo.h>
#include <libxml/parser.h>
#include <pango/pango.h>
#include <sqlite3.h>
#include <stdio.h>
#include <xlsxwriter.h>

#include "csmreport/commands.h"
#include "csmreport/db.h"

int cr_cmd_version(int argc, char **argv, cr_error *err)
{
    (void)argc;
    (void)argv;
    (void)err;
    printf("csmreport %s\n", CR_VERSION);
    printf("sqlite %s\n", sqlite3_libversion());
    printf("libxml2 %s\n", LIBXML_DOTTED_VERSION);
    printf("cairo %s\n", cairo_version_string());
    printf("pango %s\n", pango_version_string());
    printf("libxlsxwriter %s\n", LXW_VERSION);
    printf("schema %d\n", CR_DB_SCHEMA_VERSION);
    printf("store pragmas: journal_mode=WAL synchronous=NORMAL page_size=16384 cache_size=64MiB\n");
    return 0;
}
