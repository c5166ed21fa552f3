/* csv.h - strict RFC 4180 pull reader (SPEC sections 3 and 9).
 *
 * One record at a time, streaming from a file (bounded memory whatever the file
 * size) or from memory. Accepts: quoted fields with separators, doubled quotes and
 * line breaks; CRLF, LF and bare CR line ends (mixed too); a UTF-8 BOM; UTF-16
 * and UTF-32 with their BOM, and any encoding iconv knows when told
 * (cr_csv_set_encoding), converted to UTF-8 chunk by chunk while reading; comma,
 * semicolon or tab as separator (detected from the header row or given).
 * Rejects, with the physical line and the 1-based character column of the
 * offending byte: text after a closing quote (a space too), a quote inside an
 * unquoted field (both accepted with lenient quotes), an unterminated quote,
 * invalid UTF-8 (overlong forms, surrogates, stray continuation bytes, truncated
 * sequences), NUL bytes, a field over CR_CSV_FIELD_MAX bytes, a record with
 * more than CR_CSV_COLUMNS_MAX fields, and a record whose field count differs from
 * the header's (ragged row; short and long reported apart).
 * Blank lines at the end of the file are ignored; a blank line elsewhere is a
 * record of one empty field (so a ragged row unless the header has one column).
 * An empty file (nothing but a BOM or blank lines) is an error ("file is empty").
 * Memory grows with the longest record, never with the file size.
 */
#ifndef CSMREPORT_CSV_H
#define CSMREPORT_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "csmreport/error.h"

#define CR_CSV_FIELD_MAX (1024 * 1024)
#define CR_CSV_COLUMNS_MAX 4096

typedef struct cr_csv cr_csv;

/* Opens path for reading. sep is ',', ';', '\t', or 0 to detect it from the
 * header row (the one of the three that occurs most often outside quotes, comma
 * on a tie). Returns NULL and fills err (EX_NOINPUT for a missing file, EX_IOERR
 * otherwise, EX_USAGE for another sep). The caller frees with cr_csv_close. */
cr_csv *cr_csv_open_file(const char *path, char sep, cr_error *err);

/* Same over a buffer the caller keeps alive until cr_csv_close; name is used in
 * error messages. The data is read through the reader's own bounded buffer, as
 * a file is; the caller's buffer is never written. */
cr_csv *cr_csv_open_memory(const char *data, size_t len, const char *name, char sep,
                           cr_error *err);

void cr_csv_close(cr_csv *r);

/* Options for exports as they come (SPEC section 3), set after opening and
 * before the first cr_csv_next; errors as "file:line:column" in the file's own
 * lines whatever its encoding.
 * encoding: an iconv name (windows-1252, iso-8859-1, utf-16, ...) the input is
 * converted from, chunk by chunk while reading (NULL or "utf-8": none). A
 * byte-order mark wins over it: UTF-8 is skipped, UTF-16 and UTF-32 (LE or BE)
 * are converted without any option. Returns EX_USAGE for a name iconv does not
 * know. Without an encoding, invalid UTF-8 that looks like Windows-1252 says
 * how to fix it. */
int cr_csv_set_encoding(cr_csv *r, const char *encoding, cr_error *err);
/* lenient: a quote inside an unquoted field is a character, and text after a
 * closing quote runs on to the separator ("User 9" <113> reads User 9 <113>,
 * as Excel, LibreOffice and Python's csv do). Default: strict RFC 4180. */
void cr_csv_set_lenient_quotes(cr_csv *r, bool lenient);
/* headerless: the file has no header row; the first cr_csv_next returns a
 * header whose names are the 1-based positions "1".."n" of the first row's
 * fields, and the next call returns that first row as data. */
void cr_csv_set_headerless(cr_csv *r, bool headerless);
/* Opens like's file again from the start with the same options and sep. */
cr_csv *cr_csv_reopen(const cr_csv *like, char sep, cr_error *err);
/* True when iconv can convert from encoding to UTF-8. */
bool cr_csv_encoding_known(const char *encoding);

/* Reads the next record. Returns 1 when a record was read, 0 at end of input,
 * -1 on error (err filled: EX_DATAERR with file, line and column; EX_IOERR for a
 * read error). The first record is the header; its field count fixes the count
 * every later record must have. A ragged row ("row has 3 fields, header has 5",
 * at the end of a short row or where the first extra field starts) is the one
 * error the reader goes on after: its fields stay available until the next call,
 * which reads the next record. After any other error every later call returns
 * the same error. */
int cr_csv_next(cr_csv *r, cr_error *err);

/* True after an error the reader cannot go on from (anything but a ragged row). */
bool cr_csv_failed(const cr_csv *r);

/* Fields of the current record: count, and the i-th as a NUL-terminated string
 * (len without the NUL) valid until the next cr_csv_next. The BOM is never part
 * of a field. */
size_t cr_csv_count(const cr_csv *r);
const char *cr_csv_field(const cr_csv *r, size_t i, size_t *len);

/* Position of the current record (line of its first byte) and of its i-th field
 * (line and 1-based character column where the field starts, its opening quote
 * for a quoted field). */
long cr_csv_record_line(const cr_csv *r);
long cr_csv_field_line(const cr_csv *r, size_t i);
long cr_csv_field_column(const cr_csv *r, size_t i);

/* The separator in use (after detection), the byte offset read so far (for
 * progress). */
char cr_csv_separator(const cr_csv *r);
unsigned long long cr_csv_offset(const cr_csv *r);

/* Records of another format (an .xlsx sheet, xlsxread.h) served through this
 * reader, so that the import reads every format through one interface. next
 * points *cells at the n fields of the next record (valid until the next call)
 * and sets *line to its position; it returns 1 with a record, 0 at the end, -1
 * on an error that stops the reader (err filled), 2 for a row error after which
 * reading goes on (fields available, as for a ragged row). offset is the
 * progress so far in bytes of the file. The reader owns ctx: close frees it. */
typedef struct cr_csv_cell {
    const char *s;           /* NUL-terminated */
    size_t len;
    long line, col;
} cr_csv_cell;

typedef struct cr_csv_source {
    int (*next)(void *ctx, const cr_csv_cell **cells, size_t *n, long *line, cr_error *err);
    unsigned long long (*offset)(void *ctx);
    void (*close)(void *ctx);
} cr_csv_source;

/* A reader over src (name for messages). On failure ctx is closed too. */
cr_csv *cr_csv_open_source(const char *name, const cr_csv_source *src, void *ctx, cr_error *err);

/* Validates that s[0..len) is well-formed UTF-8 (no overlong forms, surrogates,
 * values above U+10FFFF, truncated sequences, NUL). Returns the offset where the
 * first ill-formed sequence (or NUL) starts, or (size_t)-1 when all is well. */
size_t cr_utf8_invalid_at(const char *s, size_t len);

/* Number of code points in s[0..len) of valid UTF-8 (for column numbers). */
size_t cr_utf8_length(const char *s, size_t len);

#endif
