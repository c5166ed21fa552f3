/* commands.h - the sub-commands (SPEC section 2). main.c dispatches to them.
 *
 * Each parses its own options (getopt_long; every one takes --db FILE, default
 * "csmreport.db", and --help), does its work through the library, prints its
 * regular output on stdout, and returns a sysexits code. On failure it fills err
 * and main prints it once ("csmreport: FILE:LINE:COLUMN: message"); a command
 * that already reported its errors itself returns the code with err->code 0.
 */
#ifndef CSMREPORT_COMMANDS_H
#define CSMREPORT_COMMANDS_H

#include "csmreport/error.h"

#define CR_DEFAULT_DB "csmreport.db"

int cr_cmd_import(int argc, char **argv, cr_error *err);
int cr_cmd_check(int argc, char **argv, cr_error *err);
int cr_cmd_metrics(int argc, char **argv, cr_error *err);
int cr_cmd_render(int argc, char **argv, cr_error *err);
int cr_cmd_version(int argc, char **argv, cr_error *err);

#endif
