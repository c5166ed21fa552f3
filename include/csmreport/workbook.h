/* workbook.h - writing a resolved report's workbook part as XLSX (libxlsxwriter). */
#ifndef CSMREPORT_WORKBOOK_H
#define CSMREPORT_WORKBOOK_H

#include <stddef.h>
#include <stdint.h>

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

/* Reads the workbook at path back (shown: its name in messages): every zip
 * member inflates to its recorded size and CRC and every XML part is
 * well-formed. 0, or EX_IOERR naming the part. cr_workbook_write_to calls it
 * before the file can be published. */
int cr_workbook_verify(const char *path, const char *shown, cr_error *err);

/* cr_workbook_write_to into path (its folder must exist), published by
 * cr_outfile_commit: no half file is ever visible and nothing is left behind
 * on failure. */
int cr_workbook_write(const cr_report *r, const char *path, cr_error *err);

/* The longest formula Excel takes, in characters. */
#define CR_FORMULA_MAX 8192

/* Where the cells a formula names are on its sheet (zero-based rows). */
typedef struct cr_formula_place {
    size_t row;                  /* the formula's own cell */
    size_t header_row;           /* the table's header row */
    size_t first_row, last_row;  /* the data rows; last_row < first_row: none */
    size_t column_count;         /* table columns (A, B, ...) */
    const uint32_t *fact_rows;   /* each fact's row; its value is in column B */
    size_t fact_count;
} cr_formula_place;

/* Writes formula f placed at `at` as Excel text with A1 references into buf:
 * [name] becomes the relative cell of the same row ("K5"), [name@prev] the
 * one above ("K4"; on the first data row, the header), [name@all] the
 * absolute range of the data rows ("$K$5:$K$22"; the header cell when there
 * are none) and a fact its absolute value cell ("$B$3"). Returns 0, or -1
 * when an index is out of range or the text does not fit in size bytes. */
int cr_workbook_formula_a1(const cr_formula *f, const cr_formula_place *at, char *buf, size_t size);

#endif
