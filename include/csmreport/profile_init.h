/* profile_init.h - a starting profile for an export (`csmreport profile init
 * --kind K FILE`): its header fields matched to the kind's canonical columns
 * (cr_kind_match_header), date and time formats guessed from the first rows,
 * the priority values found listed as <map> lines, and a comment for each
 * required column nothing matched. The text is a valid profile (profile.h):
 * `import --profile` reads it as it is. */
#ifndef CSMREPORT_PROFILE_INIT_H
#define CSMREPORT_PROFILE_INIT_H

#include "csmreport/error.h"

/* Rows read to guess formats and collect priority values. */
#define CR_PROFILE_INIT_ROWS 200

/* Reads the header and up to CR_PROFILE_INIT_ROWS rows of the CSV file path
 * and writes a profile of kind for it into *out (NUL-terminated XML, the
 * caller frees). Returns 0, or a code with err filled: EX_USAGE for an
 * unknown kind (with the valid ones), the CSV reader's codes for a file it
 * cannot read. */
int cr_profile_init_write(const char *path, const char *kind, char **out, cr_error *err);

#endif
