/* cmd_profile.c - `csmreport profile init --kind K FILE`: prints a starting
 * profile for an export (profile_init.h) to fill in and give to import. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmreport/commands.h"
#include "csmreport/profile_init.h"

static const struct option profile_options[] = {{"kind", required_argument, NULL, 'k'},
                                                {NULL, 0, NULL, 0}};

const cr_cmd_syntax cr_cmd_profile_syntax = {
    .usage = "usage: csmreport profile init --kind K FILE > my-export.xml\n"
             "Prints a starting profile for the export FILE: each header field matched to\n"
             "a canonical column of kind K (case, spaces and punctuation ignored, and the\n"
             "names exports commonly use: \"Serial Number\", \"Created\", \"Resolved\", ...),\n"
             "date and time formats guessed from the first rows, the priority values found\n"
             "as <map> lines to check or fill in, and a comment for each required column\n"
             "nothing matched. The output is a valid profile: give it to\n"
             "'csmreport import --profile my-export.xml FILE'. 'csmreport import --help'\n"
             "lists the kinds and their columns.\n",
    .shortopts = "",
    .longopts = profile_options};

int cr_cmd_profile(const cr_cli *cli, int argc, char **argv, cr_error *err)
{
    (void)cli;
    const char *kind = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, cr_cmd_profile_syntax.shortopts,
                            cr_cmd_profile_syntax.longopts, NULL)) != -1) {
        switch (c) {
        case 'k': kind = optarg; break;
        default: return CR_CMD_USAGE;
        }
    }
    if (optind >= argc || strcmp(argv[optind], "init") != 0) {
        if (optind < argc)
            cr_error_set(err, EX_USAGE, NULL, 0, 0, "unknown profile action '%s' (init)",
                         argv[optind]);
        return CR_CMD_USAGE;
    }
    optind++; /* getopt_long has put the operands last: "init", then FILE */
    if (!kind)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0,
                            "profile init needs --kind K (see 'csmreport import --help')");
    if (argc - optind != 1)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "profile init reads one FILE");
    char *xml = NULL;
    int rc = cr_profile_init_write(argv[optind], kind, &xml, err);
    if (rc)
        return rc;
    fputs(xml, stdout);
    free(xml);
    if (fflush(stdout) != 0 || ferror(stdout))
        return cr_error_set(err, EX_IOERR, NULL, 0, 0, "cannot write the profile");
    return 0;
}
