/* xlsxread.h - reading one sheet of an .xlsx workbook as records (SPEC sections 3
 * and 9), for the import.
 *
 * The workbook is a zip archive (read with libzip) of XML parts, each streamed
 * through libxml2's xmlReader with the network off, no DTD (a DOCTYPE anywhere
 * in a part is refused before the parser sees it) and no entities. Read: the
 * workbook's sheet names and relationships (which part holds which sheet), the
 * shared strings (rich-text runs joined, phonetic runs left out), the cell
 * styles' number formats, and the sheet's rows streamed one at a time. Cell
 * values become the text a CSV export of the sheet would hold: strings as they
 * are, numbers in their shortest decimal form (integers without ".0"), booleans
 * TRUE and FALSE, and numbers shown with a date or time format (built-in ids
 * 14-22 and 45-47, custom formats with d, m, y, h or s) as YYYY-MM-DD,
 * YYYY-MM-DD HH:MM[:SS] or HH:MM:SS (1900 and 1904 date systems).
 *
 * Records: the first non-empty row is the header; it fixes the width (up to its
 * last non-empty cell); every later non-empty row gives that many fields (a
 * missing cell is ""); empty rows are skipped. A record's line is its row
 * number, a field's column its column number (A = 1); cr_xlsx_position writes
 * them as Excel does (Sheet1!C7). A cell holding an error value (#N/A) or a
 * value right of the header is a row error; the next row is read after it.
 *
 * Limits (a zip bomb or a huge part is refused with a clear EX_DATAERR): a part
 * over CR_XLSX_PART_MAX bytes uncompressed, a part over CR_XLSX_RATIO_FROM bytes
 * that expands more than CR_XLSX_RATIO_MAX times, more than CR_XLSX_CELLS_MAX
 * cells in the sheet, shared strings over CR_XLSX_STRINGS_MAX bytes, a cell text
 * over CR_CSV_FIELD_MAX bytes.
 */
#ifndef CSMREPORT_XLSXREAD_H
#define CSMREPORT_XLSXREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "csmreport/csv.h"
#include "csmreport/error.h"

#define CR_XLSX_PART_MAX (1024ULL * 1024 * 1024)
#define CR_XLSX_RATIO_FROM (16ULL * 1024 * 1024)
#define CR_XLSX_RATIO_MAX 200
#define CR_XLSX_CELLS_MAX 100000000ULL
#define CR_XLSX_STRINGS_MAX (256ULL * 1024 * 1024)

typedef struct cr_xlsx cr_xlsx;

/* Opens path and sheet (NULL: the first visible sheet; else by name, exact or
 * ignoring case). Returns NULL with err filled: EX_NOINPUT for a missing file,
 * EX_DATAERR for a damaged or truncated archive, a zip that is not a workbook
 * (said what it looks like), a sheet not found (the sheets listed), a part
 * over the limits or not well-formed. The caller frees with cr_xlsx_close. */
cr_xlsx *cr_xlsx_open(const char *path, const char *sheet, cr_error *err);

void cr_xlsx_close(cr_xlsx *x);

/* The next record, as cr_csv_source's next: 1 with *cells and *n (valid until
 * the next call) and *row, 0 at the end, -1 on an error that stops the reading,
 * 2 for a row error (err filled, fields available). */
int cr_xlsx_next(cr_xlsx *x, const cr_csv_cell **cells, size_t *n, long *row, cr_error *err);

/* The name of the sheet read. */
const char *cr_xlsx_sheet(const cr_xlsx *x);

/* Progress: bytes of the file read so far, about. */
unsigned long long cr_xlsx_offset(const cr_xlsx *x);

/* The sheet of path as a record reader (the import reads it like a CSV file);
 * the name of the sheet read is copied into sheet_name. NULL with err filled as
 * for cr_xlsx_open. */
cr_csv *cr_xlsx_open_records(const char *path, const char *sheet, char *sheet_name, size_t size,
                             cr_error *err);

/* Writes sheet!C7 (column col, 1-based, row row) into buf, the sheet name
 * quoted as Excel quotes it ('My sheet'!C7); col 0: "sheet row 7". */
void cr_xlsx_position(const char *sheet, long row, long col, char *buf, size_t size);

/* What a file that is neither CSV text nor an .xlsx workbook looks like, from
 * its first bytes ("a legacy Excel .xls workbook", "a PDF document", ...), or
 * NULL when nothing known. A zip archive is "zip"; cr_xlsx_open says more. */
const char *cr_xlsx_sniff_binary(const unsigned char *head, size_t len);

#endif
