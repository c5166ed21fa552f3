/* workbook.h - writing a resolved report's workbook part as XLSX (libxlsxwriter). */
#ifndef CSMREPORT_WORKBOOK_H
#define CSMREPORT_WORKBOOK_H

#include "csmreport/error.h"
#include "csmreport/report.h"

/* Writes r's sheets to path: created as a temporary file in path's folder, then
 * renamed over path, so no half file is ever visible. EX_CANTCREAT / EX_IOERR on
 * failure (nothing left behind).
 *
 * A sheet whose table is streamed (cr_table.source) has its rows pulled from
 * the source one at a time and written at once; the workbook is then written
 * in constant-memory mode, and such a sheet cannot carry charts (EX_SOFTWARE).
 * A source failing makes the write fail with the source's error; a streamed
 * table is read once, so write such a report at most once. */
int cr_workbook_write(const cr_report *r, const char *path, cr_error *err);

#endif
