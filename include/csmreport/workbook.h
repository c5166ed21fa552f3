/* workbook.h - writing a resolved report's workbook part as XLSX (libxlsxwriter). */
#ifndef CSMREPORT_WORKBOOK_H
#define CSMREPORT_WORKBOOK_H

#include "csmreport/error.h"
#include "csmreport/outfile.h"
#include "csmreport/report.h"

/* Writes r's sheets into of (libxlsxwriter writes to cr_outfile_path). Does
 * not publish: the caller commits of on success and aborts it on failure. A
 * write error is told by the outfile mapping (EX_NOPERM / EX_IOERR /
 * EX_CANTCREAT, the file named in the message).
 *
 * A sheet whose table is streamed (cr_table.source) has its rows pulled from
 * the source one at a time and written at once; the workbook is then written
 * in constant-memory mode, and such a sheet cannot carry charts (EX_SOFTWARE).
 * A source failing makes the write fail with the source's error; a streamed
 * table is read once, so write such a report at most once. */
int cr_workbook_write_to(const cr_report *r, cr_outfile *of, cr_error *err);

/* cr_workbook_write_to into path (its folder must exist), published by
 * cr_outfile_commit: no half file is ever visible and nothing is left behind
 * on failure. */
int cr_workbook_write(const cr_report *r, const char *path, cr_error *err);

#endif
