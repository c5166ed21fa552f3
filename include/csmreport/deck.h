/* deck.h - drawing a resolved report's pages as a 16:9 PDF deck (cairo + pango). */
#ifndef CSMREPORT_DECK_H
#define CSMREPORT_DECK_H

#include "csmreport/error.h"
#include "csmreport/report.h"

/* Writes r's pages to path through a stream into a temporary file in path's
 * folder, checks the surface status after finishing, then renames it over path.
 * EX_CANTCREAT / EX_IOERR / EX_SOFTWARE on failure (nothing left behind). */
int cr_deck_write(const cr_report *r, const char *path, cr_error *err);

#endif
