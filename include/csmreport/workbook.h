/* workbook.h - writing a resolved report's workbook part as XLSX (libxlsxwriter). */
#ifndef CSMREPORT_WORKBOOK_H
#define CSMREPORT_WORKBOOK_H

#include "csmreport/error.h"
#include "csmreport/report.h"

/* Writes r's sheets to path: created as a temporary file in path's folder, then
 * renamed over path, so no half file is ever visible. EX_CANTCREAT / EX_IOERR on
 * failure (nothing left behind). */
int cr_workbook_write(const cr_report *r, const char *path, cr_error *err);

#endif
