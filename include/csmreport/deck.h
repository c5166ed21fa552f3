/* deck.h - drawing a resolved report's pages as a 16:9 PDF deck (cairo + pango). */
#ifndef CSMREPORT_DECK_H
#define CSMREPORT_DECK_H

#include "csmreport/error.h"
#include "csmreport/outfile.h"
#include "csmreport/report.h"

/* Draws r's pages into of, streamed through cr_outfile_stream, and checks the
 * surface status after finishing. Does not publish: the caller commits of on
 * success and aborts it on failure. A write error is told by the outfile
 * mapping (EX_NOPERM / EX_IOERR / EX_CANTCREAT, the file named in the
 * message); a drawing failure is EX_SOFTWARE with err->file naming the deck. */
int cr_deck_write_to(const cr_report *r, cr_outfile *of, cr_error *err);

/* cr_deck_write_to into path (its folder must exist), published by
 * cr_outfile_commit: nothing is left behind on failure. */
int cr_deck_write(const cr_report *r, const char *path, cr_error *err);

#endif
