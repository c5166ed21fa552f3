/* workbook.c - a resolved report's sheets as an XLSX workbook (libxlsxwriter
 * 1.1.4, Debian 12).
 *
 * Each sheet is an optional title row, an optional note row (wrapped text over
 * the table's width), the sheet's facts (label in A, value in B) and an empty
 * row, a bold header row, the table's rows, an optional totals row and, right
 * of the table after one empty column, the helper cells some charts need (a
 * threshold line's constant values, a histogram's bins). Data cells are
 * numbers or strings only: no formula, no link, whatever the text looks like.
 * Formulas come from the template only (report.h: cr_formula, a column's,
 * fact's or total's): their references are placed here
 * (cr_workbook_formula_a1) and each is written with the value csmreport
 * computed as its cached result. Dates and months become real Excel dates,
 * and timestamps ("YYYY-MM-DDTHH:MM[:SS]" with any offset) date-times at
 * their wall-clock time as written, with a date-time format. Widths are fitted here (1.1.4 has no
 * autofit), the header is frozen, the table carries an autofilter and its
 * conditional formats, and charts are native charts over the written cells.
 *
 * What 1.1.4 cannot do shapes the charts: there is no chart combination, so a
 * threshold is a dashed line series in a line chart, a hollow dashed "target"
 * bar series in a bar chart and left out of a stacked chart (where it would
 * stack); a histogram is a column chart over bins written as cells (the bins of
 * cr_chartlayout_histogram, so the PDF shows the same ones); a bullet chart is a
 * horizontal bar chart of actual, baseline and agreed.
 *
 * A workbook over CR_WORKBOOK_STREAM_ROWS rows, or with a streamed table (one
 * whose rows come from a cr_row_source, report.h), is written in
 * libxlsxwriter's constant-memory mode: rows stream to a temporary file as
 * they are written (they are written in order here anyway), strings are
 * stored inline instead of in the shared string table (a larger file), and
 * charts carry no cached values (as in every 1.1.4 workbook: Excel and
 * LibreOffice recompute them). A streamed table's rows are pulled one at a
 * time and written at once, so memory stays bounded whatever its length; its
 * autofilter and conditional formats are set once the last row is known, and
 * its widths are fitted over all its rows as they pass (libxlsxwriter writes
 * column widths when the workbook is closed).
 *
 * Number formats are made once per distinct format code and shared by every
 * column that uses the code: libxlsxwriter 1.1.4 hashes the whole format for
 * every cell written with a format equal to an earlier one (it only caches
 * the index of the first), which made a third of the time of a large sheet.
 *
 * The file is an outfile (outfile.h): libxlsxwriter writes to
 * cr_outfile_path, which reaches the very temporary file the outfile created
 * (/proc/self/fd), never whatever a name might point at later; the outfile
 * publishes it by rename. libxlsxwriter's own temporary files go to the
 * destination folder as well.
 */
#define _GNU_SOURCE /* fopencookie: libxlsxwriter's messages (quiet_begin) */
#include "csmreport/workbook.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "csmreport/chartlayout.h"
#include "csmreport/datetime.h"
#include "csmreport/numfmt.h"

/* More data rows than this (all sheets together) switch to constant memory. */
#define CR_WORKBOOK_STREAM_ROWS 200000
/* Excel's cell text limit, in characters. */
#define CR_XLSX_STR_MAX 32767
/* Fitted column widths, in characters. */
#define WIDTH_MIN 6
#define WIDTH_MAX 60
/* Default chart placement: rows a chart takes when stacked below another. */
#define CHART_ROWS 18
/* Doughnut slices that get a palette colour of their own. */
#define MAX_COLORED_POINTS 64
/* Line-chart points that can carry an event marker label. */
#define MAX_LABELED_POINTS 1000

/* Okabe-Ito: distinguishable with the common colour-vision deficiencies. */
static const lxw_color_t palette[] = {0x0072B2, 0xE69F00, 0x009E73, 0xCC79A7,
                                      0x56B4E9, 0xD55E00, 0xF0E442, 0x000000};
#define PALETTE_SIZE (sizeof palette / sizeof palette[0])
#define THRESHOLD_COLOR 0xC00000

/* ---------- strings ---------- */

/* Length in bytes of the UTF-8 sequence starting with lead byte b. */
static size_t utf8_len(unsigned char b)
{
    if (b < 0x80)
        return 1;
    if ((b & 0xE0) == 0xC0)
        return 2;
    if ((b & 0xF0) == 0xE0)
        return 3;
    if ((b & 0xF8) == 0xF0)
        return 4;
    return 1; /* a stray continuation byte: counted alone */
}

/* Display width of text in character cells, counting East Asian wide
 * characters (lead bytes of U+3000..U+DFFF, U+FF00.. and 4-byte ones) as 2;
 * stops counting at cap. */
static size_t text_width(const char *s, size_t cap)
{
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && w < cap) {
        size_t n = utf8_len(*p);
        if (n == 4 || (n == 3 && (*p >= 0xE3 && *p <= 0xED)) || (n == 3 && *p == 0xEF))
            w += 2;
        else
            w += 1;
        for (size_t i = 0; i < n && *p; i++)
            p++;
    }
    return w;
}

/* Offset of the end of the longest prefix of s (len bytes) holding at most
 * max UTF-16 units (Excel counts characters in UTF-16), on a code point
 * boundary. */
static size_t utf16_prefix(const char *s, size_t len, size_t max)
{
    size_t units = 0, i = 0;
    while (i < len) {
        size_t n = utf8_len((unsigned char)s[i]);
        size_t u = n == 4 ? 2 : 1;
        if (units + u > max || i + n > len)
            break;
        units += u;
        i += n;
    }
    return i;
}

/* True when p starts with "_xHHHH_", which Excel reads as an escaped character. */
static bool escape_at(const char *p)
{
    if (p[0] != '_' || p[1] != 'x')
        return false;
    for (int k = 2; k < 6; k++)
        if (!((p[k] >= '0' && p[k] <= '9') || (p[k] >= 'a' && p[k] <= 'f') ||
              (p[k] >= 'A' && p[k] <= 'F')))
            return false;
    return p[6] == '_';
}

/* The number of "_xHHHH_" look-alikes in s. */
static size_t escape_count(const char *s)
{
    size_t n = 0;
    for (const char *p = strchr(s, '_'); p; p = strchr(p + 1, '_'))
        n += escape_at(p);
    return n;
}

/* The text as Excel must receive it, or s itself when it is fine as is (the
 * common case: nothing allocated). Otherwise a new string (*owned set, the
 * caller frees it): "_xHHHH_" look-alikes escaped as "_x005F_xHHHH_" so they
 * read back literally, then anything over CR_XLSX_STR_MAX characters cut on a
 * code point boundary with "…". NULL when out of memory. */
static const char *cell_text(const char *s, char **owned)
{
    *owned = NULL;
    size_t len = strlen(s);
    size_t escapes = escape_count(s);
    if (!escapes && len <= CR_XLSX_STR_MAX)
        return s; /* bytes >= characters: short enough */
    char *buf = NULL;
    if (escapes) {
        buf = malloc(len + 6 * escapes + 1);
        if (!buf)
            return NULL;
        size_t o = 0;
        for (const char *p = s; *p; p++) {
            if (escape_at(p)) {
                memcpy(buf + o, "_x005F", 6); /* Excel's escape of '_' itself */
                o += 6;
            }
            buf[o++] = *p;
        }
        buf[o] = '\0';
        len = o;
    }
    size_t cut = utf16_prefix(buf ? buf : s, len, CR_XLSX_STR_MAX);
    if (cut == len && !buf)
        return s; /* long in bytes, not in characters */
    if (cut < len) {
        cut = utf16_prefix(buf ? buf : s, len, CR_XLSX_STR_MAX - 1);
        char *t = malloc(cut + 4);
        if (!t) {
            free(buf);
            return NULL;
        }
        memcpy(t, buf ? buf : s, cut);
        memcpy(t + cut, "\xE2\x80\xA6", 4); /* U+2026 and the NUL */
        free(buf);
        buf = t;
    }
    *owned = buf;
    return buf;
}

/* Whether the UTF-8 character at p (n bytes) cannot appear in an XML 1.0
 * document: C0 controls but tab and line breaks, U+FFFE and U+FFFF. */
static bool xml_forbidden(const unsigned char *p, size_t *n)
{
    *n = p[0] < 0x80 ? 1 : p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
    if (p[0] < 0x20)
        return p[0] != '\t' && p[0] != '\n' && p[0] != '\r';
    return p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf);
}

/* The text for an XML part that libxlsxwriter writes without escaping
 * controls (document properties, chart labels): s itself when every character
 * may appear in XML, else a new string in *owned with each forbidden one
 * replaced by U+FFFD. The import refuses such characters; a store filled
 * before it did may still hold them. NULL when out of memory. */
static const char *xml_text(const char *s, char **owned)
{
    *owned = NULL;
    if (!s)
        return s;
    size_t bad = 0, n, len = strlen(s);
    for (size_t i = 0; i < len; i += n)
        bad += xml_forbidden((const unsigned char *)s + i, &n);
    if (!bad)
        return s;
    char *t = malloc(len + 2 * bad + 1), *o = t;
    if (!t)
        return NULL;
    for (size_t i = 0; i < len; i += n) {
        if (xml_forbidden((const unsigned char *)s + i, &n)) {
            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3;
        } else {
            memcpy(o, s + i, n > len - i ? len - i : n);
            o += n > len - i ? len - i : n;
        }
    }
    *o = '\0';
    *owned = t;
    return t;
}

/* A label for a chart (title, axis, series name, data label): libxlsxwriter
 * reads a leading '=' as a cell reference, so such a text gets a zero-width
 * space in front; characters XML cannot hold are replaced (xml_text).
 * Returns s or a new string in *owned; NULL when out of memory. */
static const char *chart_text(const char *s, char **owned)
{
    *owned = NULL;
    if (!s)
        return s;
    char *clean;
    const char *c = xml_text(s, &clean);
    if (!c)
        return NULL;
    if (c[0] != '=') {
        *owned = clean;
        return c;
    }
    size_t len = strlen(c);
    char *t = malloc(len + 4);
    if (t) {
        memcpy(t, "\xE2\x80\x8B", 3);
        memcpy(t + 3, c, len + 1);
    }
    free(clean);
    *owned = t;
    return t;
}

/* ---------- sheet names ---------- */

static bool name_taken(char **names, size_t n, const char *name)
{
    if (strcasecmp(name, "History") == 0) /* reserved by Excel */
        return true;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(names[i], name) == 0)
            return true;
    return false;
}

/* A valid, unique sheet name from the template's: characters []:*?/\ and
 * control characters become spaces, runs of spaces collapse, apostrophes and
 * spaces at the ends go, at most 31 characters, "Sheet N" when nothing is
 * left, and "~2", "~3", ... appended (case-insensitively) to a name in use.
 * Returns a new string (NULL when out of memory). */
static char *sheet_name(const char *want, size_t index, char **names, size_t n)
{
    char clean[256];
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)(want ? want : ""); *p && o < sizeof clean - 1; p++) {
        unsigned char ch = *p;
        if (ch < 0x20 || ch == 0x7F || strchr("[]:*?/\\", ch))
            ch = ' ';
        if (ch == ' ' && (o == 0 || clean[o - 1] == ' '))
            continue;
        clean[o++] = (char)ch;
    }
    /* a sequence cut by the buffer end: drop it */
    while (o > 0 && (unsigned char)clean[o - 1] >= 0x80) {
        size_t start = o - 1;
        while (start > 0 && ((unsigned char)clean[start] & 0xC0) == 0x80)
            start--;
        if (utf8_len((unsigned char)clean[start]) == o - start)
            break;
        o = start;
    }
    clean[o] = '\0';
    size_t keep = utf16_prefix(clean, o, LXW_SHEETNAME_MAX);
    clean[keep] = '\0';
    size_t b = 0, e = strlen(clean);
    while (b < e && (clean[b] == '\'' || clean[b] == ' '))
        b++;
    while (e > b && (clean[e - 1] == '\'' || clean[e - 1] == ' '))
        e--;
    clean[e] = '\0';
    char base[256];
    if (b == e)
        snprintf(base, sizeof base, "Sheet %zu", index + 1);
    else
        snprintf(base, sizeof base, "%s", clean + b);

    char out[256];
    snprintf(out, sizeof out, "%s", base);
    for (unsigned k = 2; name_taken(names, n, out); k++) {
        char suffix[16];
        int sl = snprintf(suffix, sizeof suffix, "~%u", k);
        size_t room = utf16_prefix(base, strlen(base), LXW_SHEETNAME_MAX - (size_t)sl);
        snprintf(out, sizeof out, "%.*s%s", (int)room, base, suffix);
    }
    return strdup(out);
}

/* ---------- number formats ---------- */

/* The Excel number format of a column format for locale loc, written into buf;
 * "" for text (the General format). */
static void excel_format(const cr_format *f, cr_locale loc, char *buf, size_t size)
{
    char zeros[CR_NUMFMT_MAX_DIGITS + 2] = "";
    int digits = f->decimals;
    switch (f->kind) {
    case CR_FORMAT_INTEGER:
        snprintf(buf, size, "#,##0");
        return;
    case CR_FORMAT_DECIMAL:
    case CR_FORMAT_HOURS:
    case CR_FORMAT_PERCENT:
        if (digits < 0)
            digits = f->kind == CR_FORMAT_PERCENT ? 1 : 2;
        if (digits > CR_NUMFMT_MAX_DIGITS)
            digits = CR_NUMFMT_MAX_DIGITS;
        if (digits > 0) {
            zeros[0] = '.';
            memset(zeros + 1, '0', (size_t)digits);
            zeros[digits + 1] = '\0';
        }
        if (f->kind == CR_FORMAT_PERCENT)
            snprintf(buf, size, "0%s%%", zeros);
        else if (f->kind == CR_FORMAT_HOURS)
            snprintf(buf, size, "0%s", zeros);
        else
            snprintf(buf, size, "#,##0%s", zeros);
        return;
    case CR_FORMAT_MONEY: {
        const char *code = f->currency[0] ? f->currency : "EUR";
        digits = cr_numfmt_currency_digits(code);
        if (digits < 0) {
            code = "EUR";
            digits = 2;
        }
        char upper[4] = {0};
        for (int i = 0; i < 3; i++)
            upper[i] = (char)(code[i] >= 'a' && code[i] <= 'z' ? code[i] - 32 : code[i]);
        if (digits > 0) {
            zeros[0] = '.';
            memset(zeros + 1, '0', (size_t)digits);
            zeros[digits + 1] = '\0';
        }
        /* the code's side follows numfmt: before the amount in en and ja */
        if (loc == CR_LOCALE_FR || loc == CR_LOCALE_NB)
            snprintf(buf, size, "#,##0%s \"%s\"", zeros, upper);
        else
            snprintf(buf, size, "\"%s\" #,##0%s", upper, zeros);
        return;
    }
    case CR_FORMAT_DATE: {
        static const char *const date_fmt[CR_LOCALE_COUNT] = {"yyyy-mm-dd", "dd/mm/yyyy",
                                                              "dd.mm.yyyy", "yyyy/mm/dd"};
        snprintf(buf, size, "%s", date_fmt[loc < CR_LOCALE_COUNT ? loc : 0]);
        return;
    }
    case CR_FORMAT_MONTH: {
        static const char *const month_fmt[CR_LOCALE_COUNT] = {"yyyy-mm", "mm/yyyy", "mm.yyyy",
                                                               "yyyy/mm"};
        snprintf(buf, size, "%s", month_fmt[loc < CR_LOCALE_COUNT ? loc : 0]);
        return;
    }
    default:
        buf[0] = '\0';
        return;
    }
}

/* The Excel serial of "YYYY-MM-DD" (or "YYYY-MM" for a month: its first day)
 * into *serial; false for anything else or a day Excel cannot show (before
 * 1900). Excel counts 1900-02-29, which never was, so days from March 1900 on
 * count from 1899-12-30 and the two months before from 1899-12-31. */
static bool excel_date(const char *text, bool month, double *serial, bool *has_time)
{
    char buf[11];
    size_t len = strlen(text);
    double frac = 0;
    *has_time = false;
    /* a timestamp "YYYY-MM-DDTHH:MM[:SS]" with any offset after it: its wall
     * clock time as written (the metrics write local times with their offset) */
    if (!month && len >= 16 && (text[10] == 'T' || text[10] == ' ')) {
        const char *t = text + 11;
        int hh, mm, ss = 0;
        bool two = t[0] >= '0' && t[0] <= '9' && t[1] >= '0' && t[1] <= '9' && t[2] == ':' &&
                   t[3] >= '0' && t[3] <= '9' && t[4] >= '0' && t[4] <= '9';
        if (!two)
            return false;
        hh = (t[0] - '0') * 10 + (t[1] - '0');
        mm = (t[3] - '0') * 10 + (t[4] - '0');
        const char *rest = t + 5;
        if (rest[0] == ':' && rest[1] >= '0' && rest[1] <= '9' && rest[2] >= '0' && rest[2] <= '9') {
            ss = (rest[1] - '0') * 10 + (rest[2] - '0');
            rest += 3;
        }
        if (*rest == '.')
            for (rest++; *rest >= '0' && *rest <= '9'; rest++)
                ;
        if (!(*rest == '\0' || *rest == 'Z' || *rest == '+' || *rest == '-') || hh > 23 || mm > 59 ||
            ss > 59)
            return false;
        frac = (hh * 3600 + mm * 60 + ss) / 86400.0;
        *has_time = true;
        len = 10;
    }
    if (month && len == 7) {
        memcpy(buf, text, 7);
        memcpy(buf + 7, "-01", 4);
        text = buf;
        len = 10;
    }
    cr_date d;
    if (!cr_date_parse(text, len, &d) || d.year < 1900)
        return false;
    int64_t days = cr_days_from_civil(d.year, d.month, d.day);
    int64_t march_1900 = cr_days_from_civil(1900, 3, 1);
    int64_t epoch = days >= march_1900 ? cr_days_from_civil(1899, 12, 30)
                                       : cr_days_from_civil(1899, 12, 31);
    *serial = (double)(days - epoch) + frac;
    return true;
}

/* ---------- formulas ---------- */

/* Column letters of zero-based column c ("A", "Z", "AA", ...) into out (4 bytes). */
static void col_letters(size_t c, char *out)
{
    char tmp[4];
    size_t n = 0;
    for (c = c + 1; c > 0 && n < 3; c = (c - 1) / 26)
        tmp[n++] = (char)('A' + (c - 1) % 26);
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

int cr_workbook_formula_a1(const cr_formula *f, const cr_formula_place *at, char *buf, size_t size)
{
    if (!f || !at || size == 0)
        return -1;
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < f->part_count; i++) {
        const cr_formula_part *part = &f->parts[i];
        char ref[64], col[4];
        const char *piece = ref;
        if (part->kind == CR_REF_TEXT) {
            piece = part->text ? part->text : "";
        } else if (part->kind == CR_REF_FACT) {
            if (part->index >= at->fact_count || !at->fact_rows)
                return -1;
            snprintf(ref, sizeof ref, "$B$%lu", (unsigned long)at->fact_rows[part->index] + 1);
        } else {
            if (part->index >= at->column_count || part->index >= LXW_COL_MAX)
                return -1;
            col_letters(part->index, col);
            if (part->kind == CR_REF_CELL)
                snprintf(ref, sizeof ref, "%s%zu", col, at->row + 1);
            else if (part->kind == CR_REF_PREV)
                snprintf(ref, sizeof ref, "%s%zu", col, at->row > 0 ? at->row : 1);
            else if (at->last_row < at->first_row)
                snprintf(ref, sizeof ref, "$%s$%zu", col, at->header_row + 1);
            else
                snprintf(ref, sizeof ref, "$%s$%zu:$%s$%zu", col, at->first_row + 1, col,
                         at->last_row + 1);
        }
        size_t len = strlen(piece);
        if (o + len + 1 > size)
            return -1;
        memcpy(buf + o, piece, len + 1);
        o += len;
    }
    return o > 0 && o < CR_FORMULA_MAX ? 0 : -1;
}

/* ---------- widths ---------- */

typedef struct col_state {
    size_t text;     /* widest text, in character cells */
    double max_abs;  /* largest |number| */
    bool negative, any_number;
    double sum;      /* of the numbers written: a total's cached result */
} col_state;

/* Characters a number of magnitude max_abs takes in format f. */
static size_t number_width(const cr_format *f, const col_state *cs)
{
    if (!cs->any_number)
        return 0;
    double v = cs->max_abs;
    int digits = f->decimals;
    bool group = true;
    size_t extra = cs->negative ? 1 : 0;
    switch (f->kind) {
    case CR_FORMAT_INTEGER: digits = 0; break;
    case CR_FORMAT_PERCENT:
        v *= 100;
        digits = digits < 0 ? 1 : digits;
        group = false;
        extra += 1;
        break;
    case CR_FORMAT_MONEY:
        digits = cr_numfmt_currency_digits(f->currency[0] ? f->currency : "EUR");
        digits = digits < 0 ? 2 : digits;
        extra += 4;
        break;
    case CR_FORMAT_HOURS: digits = digits < 0 ? 2 : digits; group = false; break;
    case CR_FORMAT_DATE: return 10;
    case CR_FORMAT_MONTH: return 7;
    case CR_FORMAT_DECIMAL: digits = digits < 0 ? 2 : digits; break;
    default: /* General: up to 11 characters */
        digits = v != floor(v) ? 3 : 0;
        group = false;
        break;
    }
    int int_digits = v < 1 ? 1 : (int)floor(log10(v)) + 1;
    if (int_digits > 20)
        int_digits = 20;
    size_t w = (size_t)int_digits + (group ? (size_t)(int_digits - 1) / 3 : 0) +
               (digits > 0 ? (size_t)digits + 1 : 0) + extra;
    return w;
}

/* ---------- helper cells for charts ---------- */

/* A column of cells written right of the table for a chart. */
typedef struct helper_col {
    char *header;        /* owned */
    size_t len;          /* cells below the header */
    double constant;     /* every cell, when numbers and texts are NULL */
    double *numbers;     /* owned, or NULL */
    char **texts;        /* owned, or NULL */
    lxw_format *format;
} helper_col;

typedef struct sheet_plan {
    const cr_sheet *sheet;
    const cr_table *table;
    char *name;          /* valid and unique */
    lxw_worksheet *ws;
    lxw_row_t header_row;
    size_t rows;              /* data rows written */
    lxw_format **col_format;  /* per table column, NULL = General */
    col_state *cols;
    helper_col *helpers;
    size_t helper_count;
    size_t *chart_helper;     /* per sheet chart: its first helper column, or SIZE_MAX */
    lxw_row_t *fact_rows;     /* per fact: its row (value in column B) */
    lxw_format *datetime_fmt; /* timestamps in date columns */
} sheet_plan;

/* One number format of the workbook, by its Excel format code. */
typedef struct num_format {
    char code[64];
    lxw_format *format;
} num_format;

typedef struct writer {
    const cr_report *r;
    cr_locale loc;
    lxw_workbook *wb;
    lxw_format *title_fmt, *header_fmt, *status_fmt[4];
    lxw_format *note_fmt, *bold_fmt, *datetime_fmt;
    num_format *num_formats;  /* distinct codes, made on first use */
    size_t num_format_count;
    sheet_plan *plans;
    size_t plan_count;
    cr_error *err;
    int close_errno;          /* errno when workbook_close failed */
} writer;

/* The workbook's format for Excel format code `code` (made on first use and
 * shared after); NULL for "" (General: cells written without a format) or
 * when out of memory (*oom set). */
static lxw_format *number_format(writer *w, const char *code, bool *oom)
{
    if (!code[0])
        return NULL;
    for (size_t i = 0; i < w->num_format_count; i++)
        if (strcmp(w->num_formats[i].code, code) == 0)
            return w->num_formats[i].format;
    num_format *n = realloc(w->num_formats, (w->num_format_count + 1) * sizeof *n);
    if (!n) {
        *oom = true;
        return NULL;
    }
    w->num_formats = n;
    lxw_format *f = workbook_add_format(w->wb);
    if (!f) {
        *oom = true;
        return NULL;
    }
    format_set_num_format(f, code);
    n = &w->num_formats[w->num_format_count++];
    snprintf(n->code, sizeof n->code, "%s", code);
    n->format = f;
    return f;
}

static helper_col *add_helper(sheet_plan *p)
{
    helper_col *h = realloc(p->helpers, (p->helper_count + 1) * sizeof *h);
    if (!h)
        return NULL;
    p->helpers = h;
    h = &p->helpers[p->helper_count++];
    memset(h, 0, sizeof *h);
    return h;
}

static void free_helpers(sheet_plan *p)
{
    for (size_t i = 0; i < p->helper_count; i++) {
        helper_col *h = &p->helpers[i];
        free(h->header);
        free(h->numbers);
        if (h->texts)
            for (size_t k = 0; k < h->len; k++)
                free(h->texts[k]);
        free(h->texts);
    }
    free(p->helpers);
}

static double cell_number(const cr_table *t, size_t row, size_t col)
{
    const cr_cell *c = &t->cells[row * t->column_count + col];
    return c->type == CR_CELL_NUMBER ? c->number : NAN;
}

/* The helper cells a chart needs: a threshold column, or histogram bins
 * (label and count columns). */
static int plan_chart_helpers(writer *w, sheet_plan *p, const cr_chart *ch, size_t *first)
{
    const cr_table *t = p->table;
    *first = SIZE_MAX;
    if (ch->has_threshold && ch->type != CR_CHART_STACKED && ch->type != CR_CHART_DOUGHNUT &&
        ch->type != CR_CHART_HISTOGRAM && ch->type != CR_CHART_BULLET && t->row_count > 0) {
        *first = p->helper_count;
        helper_col *h = add_helper(p);
        if (!h)
            goto oom;
        h->header = strdup(ch->threshold_label && *ch->threshold_label ? ch->threshold_label : "threshold");
        if (!h->header)
            goto oom;
        h->len = t->row_count;
        h->constant = ch->threshold;
        char code[64];
        bool out_of_memory = false;
        excel_format(&ch->value_format, w->loc, code, sizeof code);
        h->format = number_format(w, code, &out_of_memory);
        if (out_of_memory)
            goto oom;
        return 0;
    }
    if (ch->type != CR_CHART_HISTOGRAM || ch->series_count == 0)
        return 0;
    size_t col = ch->series[0].column;
    double *values = malloc((t->row_count ? t->row_count : 1) * sizeof *values);
    if (!values)
        goto oom;
    for (size_t i = 0; i < t->row_count; i++)
        values[i] = cell_number(t, i, col);
    cr_histogram hist;
    /* integer counts get whole-number bins, as the deck draws them */
    cr_chartlayout_histogram(values, t->row_count, t->columns[col].format.kind == CR_FORMAT_INTEGER,
                             &hist);
    free(values);
    if (hist.bins == 0)
        return 0;
    *first = p->helper_count;
    helper_col *labels = add_helper(p);
    if (!labels)
        goto oom;
    labels->header = strdup(ch->x_title && *ch->x_title ? ch->x_title : t->columns[col].header ? t->columns[col].header : "bin");
    labels->len = hist.bins;
    labels->texts = calloc(hist.bins, sizeof *labels->texts);
    if (!labels->header || !labels->texts)
        goto oom;
    int dec = hist.width_exponent < 0 ? -hist.width_exponent : 0;
    for (size_t i = 0; i < hist.bins; i++) {
        char a[64], b[64], label[160];
        cr_numfmt_decimal(w->loc, cr_chartlayout_histogram_edge(&hist, i), dec, a, sizeof a);
        cr_numfmt_decimal(w->loc, cr_chartlayout_histogram_edge(&hist, i + 1), dec, b, sizeof b);
        snprintf(label, sizeof label, "%s\xE2\x80\x93%s", a, b); /* en dash */
        labels->texts[i] = strdup(label);
        if (!labels->texts[i])
            goto oom;
    }
    helper_col *counts = add_helper(p);
    if (!counts)
        goto oom;
    counts->header = strdup(ch->y_title && *ch->y_title ? ch->y_title : "count");
    counts->len = hist.bins;
    counts->numbers = malloc(hist.bins * sizeof *counts->numbers);
    if (!counts->header || !counts->numbers)
        goto oom;
    for (size_t i = 0; i < hist.bins; i++)
        counts->numbers[i] = (double)hist.counts[i];
    return 0;
oom:
    return cr_error_set(w->err, CR_EX_NOMEM, NULL, 0, 0, "out of memory writing the workbook");
}

/* ---------- charts ---------- */

static lxw_color_t series_color(const cr_series *s, size_t i)
{
    return s->color ? (lxw_color_t)s->color : palette[i % PALETTE_SIZE];
}

/* Parses an anchor such as "H2" into zero-based row and column. */
static bool parse_anchor(const char *a, lxw_row_t *row, lxw_col_t *col)
{
    if (!a)
        return false;
    size_t i = 0;
    while ((a[i] >= 'A' && a[i] <= 'Z') || (a[i] >= 'a' && a[i] <= 'z'))
        i++;
    size_t letters = i;
    while (a[i] >= '0' && a[i] <= '9')
        i++;
    if (letters == 0 || letters > 3 || i == letters || a[i] != '\0' || a[letters] == '0')
        return false;
    long c = 0;
    for (size_t k = 0; k < letters; k++)
        c = c * 26 + ((a[k] | 0x20) - 'a' + 1);
    long r = strtol(a + letters, NULL, 10);
    if (c > LXW_COL_MAX || r > LXW_ROW_MAX)
        return false;
    *row = (lxw_row_t)(r - 1);
    *col = (lxw_col_t)(c - 1);
    return true;
}

typedef struct chart_strings {
    char *owned[64];
    size_t n;
} chart_strings;

/* chart_text, remembering what it allocated (freed after workbook_close). */
static const char *keep_text(chart_strings *cs, const char *s, bool *oom)
{
    char *owned;
    const char *t = chart_text(s, &owned);
    if (s && !t) {
        *oom = true;
        return NULL;
    }
    if (owned) {
        if (cs->n == sizeof cs->owned / sizeof cs->owned[0]) {
            free(owned);
            return "";
        }
        cs->owned[cs->n++] = owned;
    }
    return t;
}

static int add_chart(writer *w, sheet_plan *p, size_t index, chart_strings *cs, lxw_row_t *next_row)
{
    const cr_sheet_chart *sc = &p->sheet->charts[index];
    const cr_chart *ch = sc->chart;
    const cr_table *t = p->table;
    size_t helper = p->chart_helper[index];
    if (t->row_count == 0 && ch->type != CR_CHART_HISTOGRAM)
        return 0; /* nothing to plot: the empty table says so */
    if (ch->type == CR_CHART_HISTOGRAM && helper == SIZE_MAX)
        return 0;

    static const uint8_t types[] = {
        [CR_CHART_BAR] = LXW_CHART_COLUMN,   [CR_CHART_STACKED] = LXW_CHART_COLUMN_STACKED,
        [CR_CHART_LINE] = LXW_CHART_LINE,    [CR_CHART_DOUGHNUT] = LXW_CHART_DOUGHNUT,
        [CR_CHART_BULLET] = LXW_CHART_BAR,   [CR_CHART_HISTOGRAM] = LXW_CHART_COLUMN};
    lxw_chart *chart = workbook_add_chart(w->wb, types[ch->type]);
    if (!chart)
        return cr_error_set(w->err, CR_EX_NOMEM, NULL, 0, 0, "out of memory writing the workbook");

    bool oom = false;
    const char *sheet = p->name;
    lxw_row_t first = p->header_row + 1, last = p->header_row + (lxw_row_t)t->row_count;
    lxw_col_t cat = (lxw_col_t)ch->category_column;
    lxw_col_t helper_col0 = (lxw_col_t)(t->column_count + 1);
    char numfmt[64];
    excel_format(&ch->value_format, w->loc, numfmt, sizeof numfmt);

    if (ch->title && *ch->title)
        chart_title_set_name(chart, keep_text(cs, ch->title, &oom));
    if (ch->type != CR_CHART_DOUGHNUT) {
        if (ch->x_title && *ch->x_title)
            chart_axis_set_name(chart->x_axis, keep_text(cs, ch->x_title, &oom));
        if (ch->y_title && *ch->y_title)
            chart_axis_set_name(chart->y_axis, keep_text(cs, ch->y_title, &oom));
        if (numfmt[0])
            chart_axis_set_num_format(chart->y_axis, numfmt);
    }

    if (ch->type == CR_CHART_HISTOGRAM) {
        const helper_col *h = &p->helpers[helper];
        lxw_chart_series *s = chart_add_series(chart, NULL, NULL);
        lxw_col_t lc = helper_col0 + (lxw_col_t)helper;
        chart_series_set_categories(s, sheet, p->header_row + 1, lc, p->header_row + (lxw_row_t)h->len, lc);
        chart_series_set_values(s, sheet, p->header_row + 1, lc + 1, p->header_row + (lxw_row_t)h->len, lc + 1);
        chart_series_set_name(s, keep_text(cs, p->helpers[helper + 1].header, &oom));
        lxw_chart_fill fill = {.color = ch->series_count ? series_color(&ch->series[0], 0) : palette[0]};
        chart_series_set_fill(s, &fill);
        if (ch->value_labels)
            chart_series_set_labels(s);
        chart_set_series_gap(chart, 5);
        chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
    } else if (ch->type == CR_CHART_BULLET) {
        size_t cols[3] = {ch->bullet_actual, ch->bullet_baseline, ch->bullet_agreed};
        static const lxw_color_t bullet_colors[3] = {0x0072B2, 0xBFBFBF, 0x000000};
        for (size_t k = 0; k < 3; k++) {
            lxw_chart_series *s = chart_add_series(chart, NULL, NULL);
            chart_series_set_categories(s, sheet, first, cat, last, cat);
            chart_series_set_values(s, sheet, first, (lxw_col_t)cols[k], last, (lxw_col_t)cols[k]);
            const char *hdr = t->columns[cols[k]].header ? t->columns[cols[k]].header : t->columns[cols[k]].name;
            if (hdr)
                chart_series_set_name(s, keep_text(cs, hdr, &oom));
            lxw_chart_fill fill = {.color = bullet_colors[k]};
            chart_series_set_fill(s, &fill);
            if (ch->value_labels && k == 0)
                chart_series_set_labels(s);
        }
        chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
    } else {
        size_t n_series = ch->type == CR_CHART_DOUGHNUT && ch->series_count > 1 ? 1 : ch->series_count;
        for (size_t i = 0; i < n_series; i++) {
            const cr_series *sr = &ch->series[i];
            lxw_chart_series *s = chart_add_series(chart, NULL, NULL);
            chart_series_set_categories(s, sheet, first, cat, last, cat);
            chart_series_set_values(s, sheet, first, (lxw_col_t)sr->column, last, (lxw_col_t)sr->column);
            const char *label = sr->label ? sr->label : t->columns[sr->column].header;
            if (label)
                chart_series_set_name(s, keep_text(cs, label, &oom));
            if (ch->type == CR_CHART_LINE) {
                lxw_chart_line line = {.color = series_color(sr, i), .width = 2.25};
                chart_series_set_line(s, &line);
                chart_series_set_marker_type(s, LXW_CHART_MARKER_CIRCLE);
                lxw_chart_fill mf = {.color = series_color(sr, i)};
                chart_series_set_marker_fill(s, &mf);
            } else if (ch->type != CR_CHART_DOUGHNUT) {
                lxw_chart_fill fill = {.color = series_color(sr, i)};
                chart_series_set_fill(s, &fill);
            }
            if (ch->value_labels) {
                chart_series_set_labels(s);
                if (numfmt[0])
                    chart_series_set_labels_num_format(s, numfmt);
                if (ch->type == CR_CHART_DOUGHNUT)
                    chart_series_set_labels_percentage(s);
            }
            if (ch->type == CR_CHART_DOUGHNUT && t->row_count <= MAX_COLORED_POINTS) {
                lxw_chart_fill fills[MAX_COLORED_POINTS];
                lxw_chart_point pts[MAX_COLORED_POINTS];
                lxw_chart_point *ptrs[MAX_COLORED_POINTS + 1];
                for (size_t k = 0; k < t->row_count; k++) {
                    fills[k] = (lxw_chart_fill){.color = palette[k % PALETTE_SIZE]};
                    pts[k] = (lxw_chart_point){.fill = &fills[k]};
                    ptrs[k] = &pts[k];
                }
                ptrs[t->row_count] = NULL;
                chart_series_set_points(s, ptrs);
            }
            /* event markers: custom data labels on the first series' points */
            if (i == 0 && ch->marker_count > 0 && (ch->type == CR_CHART_LINE || ch->type == CR_CHART_BAR) &&
                t->row_count <= MAX_LABELED_POINTS) {
                lxw_chart_data_label *labels = calloc(t->row_count, sizeof *labels);
                lxw_chart_data_label **lp = calloc(t->row_count + 1, sizeof *lp);
                if (!labels || !lp) {
                    free(labels);
                    free(lp);
                    oom = true;
                } else {
                    for (size_t k = 0; k < t->row_count; k++) {
                        labels[k].hide = ch->value_labels ? 0 : 1;
                        lp[k] = &labels[k];
                    }
                    for (size_t m = 0; m < ch->marker_count; m++) {
                        size_t k = ch->markers[m].category;
                        if (k < t->row_count && ch->markers[m].label) {
                            labels[k].value = (char *)keep_text(cs, ch->markers[m].label, &oom);
                            labels[k].hide = 0;
                        }
                    }
                    chart_series_set_labels_custom(s, lp);
                    chart_series_set_labels_position(s, ch->type == CR_CHART_LINE
                                                            ? LXW_CHART_LABEL_POSITION_ABOVE
                                                            : LXW_CHART_LABEL_POSITION_OUTSIDE_END);
                    free(labels);
                    free(lp);
                }
            }
        }
        if (helper != SIZE_MAX) {
            /* the threshold over its column of constant values */
            lxw_col_t hc = helper_col0 + (lxw_col_t)helper;
            lxw_chart_series *s = chart_add_series(chart, NULL, NULL);
            chart_series_set_categories(s, sheet, first, cat, last, cat);
            chart_series_set_values(s, sheet, first, hc, last, hc);
            chart_series_set_name(s, keep_text(cs, p->helpers[helper].header, &oom));
            lxw_chart_line line = {.color = THRESHOLD_COLOR, .width = 1.5,
                                   .dash_type = LXW_CHART_LINE_DASH_DASH};
            chart_series_set_line(s, &line);
            if (ch->type == CR_CHART_LINE) {
                chart_series_set_marker_type(s, LXW_CHART_MARKER_NONE);
            } else {
                /* a hollow dashed "target" bar, over the bar when there is one series */
                lxw_chart_fill none = {.none = LXW_TRUE};
                chart_series_set_fill(s, &none);
                if (n_series == 1)
                    chart_set_series_overlap(chart, 100);
            }
        }
        if (ch->type == CR_CHART_DOUGHNUT)
            chart_legend_set_position(chart, LXW_CHART_LEGEND_RIGHT);
        else
            chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
    }
    if (oom)
        return cr_error_set(w->err, CR_EX_NOMEM, NULL, 0, 0, "out of memory writing the workbook");

    lxw_row_t row;
    lxw_col_t col;
    if (!parse_anchor(sc->anchor, &row, &col)) {
        row = *next_row;
        col = (lxw_col_t)(t->column_count + 1 + p->helper_count + (p->helper_count ? 1 : 0));
        *next_row += CHART_ROWS;
    }
    lxw_chart_options opt = {.x_scale = 1.25, .y_scale = 1.15};
    if (worksheet_insert_chart_opt(p->ws, row, col, chart, &opt) != LXW_NO_ERROR)
        return cr_error_set(w->err, EX_SOFTWARE, NULL, 0, 0, "cannot place chart '%s' at %s",
                            ch->id ? ch->id : "?", sc->anchor ? sc->anchor : "its default place");
    return 0;
}

/* ---------- sheets ---------- */

static int check_sheet(writer *w, const cr_sheet *s, const char *name)
{
    const cr_table *t = s->table;
    if (t->source && s->chart_count > 0)
        return cr_error_set(w->err, EX_SOFTWARE, NULL, 0, 0,
                            "sheet '%s': a streamed table cannot carry charts", name);
    for (size_t c = 0; c < s->conditional_count; c++)
        if (s->conditionals[c].column >= t->column_count)
            return cr_error_set(w->err, EX_SOFTWARE, NULL, 0, 0,
                                "sheet '%s': conditional format on column %zu of %zu", name,
                                s->conditionals[c].column, t->column_count);
    for (size_t k = 0; k < s->chart_count; k++) {
        const cr_chart *ch = s->charts[k].chart;
        if (!ch || ch->table != t)
            return cr_error_set(w->err, EX_SOFTWARE, NULL, 0, 0,
                                "sheet '%s': chart '%s' is not over the sheet's table", name,
                                ch && ch->id ? ch->id : "?");
        bool bad = ch->category_column >= t->column_count;
        for (size_t i = 0; i < ch->series_count; i++)
            bad = bad || ch->series[i].column >= t->column_count;
        if (ch->type == CR_CHART_BULLET)
            bad = bad || ch->bullet_actual >= t->column_count ||
                  ch->bullet_baseline >= t->column_count || ch->bullet_agreed >= t->column_count;
        else if (ch->series_count == 0)
            bad = true;
        if (bad)
            return cr_error_set(w->err, EX_SOFTWARE, NULL, 0, 0,
                                "sheet '%s': chart '%s' names a column the table does not have",
                                name, ch->id ? ch->id : "?");
    }
    return 0;
}

static lxw_error write_text(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s,
                            lxw_format *f, bool *oom)
{
    char *owned;
    const char *t = cell_text(s, &owned);
    if (!t) {
        *oom = true;
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    }
    lxw_error e = worksheet_write_string(ws, row, col, t, f);
    free(owned);
    return e;
}

/* Where the cells a formula of sheet p at row `row` names are. */
static cr_formula_place place_of(const sheet_plan *p, lxw_row_t row)
{
    return (cr_formula_place){.row = row, .header_row = p->header_row,
                              .first_row = p->header_row + 1,
                              .last_row = p->header_row + (lxw_row_t)p->rows,
                              .column_count = p->table->column_count,
                              .fact_rows = p->fact_rows,
                              .fact_count = p->sheet->fact_count};
}

/* A formula cell: the formula placed at (row, col), and cached the value it
 * mirrors (a number; a bool text as 1 or 0; null as an empty text). */
static lxw_error write_formula(lxw_worksheet *ws, const cr_formula *f, const cr_formula_place *at,
                               lxw_col_t col, const cr_cell *cached, lxw_format *fmt, double *num)
{
    char text[CR_FORMULA_MAX];
    if (cr_workbook_formula_a1(f, at, text, sizeof text) != 0)
        return LXW_ERROR_PARAMETER_VALIDATION;
    *num = NAN;
    if (cached->type == CR_CELL_NUMBER && isfinite(cached->number))
        *num = cached->number;
    else if (cached->type == CR_CELL_TEXT && cached->text &&
             (strcmp(cached->text, "true") == 0 || strcmp(cached->text, "false") == 0))
        *num = cached->text[0] == 't' ? 1 : 0;
    if (!isnan(*num))
        return worksheet_write_formula_num(ws, (lxw_row_t)at->row, col, text, fmt, *num);
    return worksheet_write_formula_str(ws, (lxw_row_t)at->row, col, text, fmt,
                                       cached->type == CR_CELL_TEXT && cached->text ? cached->text : "");
}

/* Writes one cell of the table and widens its column's state. */
static lxw_error write_cell(const sheet_plan *p, size_t c, const cr_cell *cell, lxw_row_t row,
                            bool *oom)
{
    const cr_format *f = &p->table->columns[c].format;
    col_state *cs = &p->cols[c];
    lxw_format *fmt = p->col_format[c];
    const cr_formula *formula = p->table->columns[c].formula;
    if (formula) {
        cr_formula_place at = place_of(p, row);
        double v;
        lxw_error e = write_formula(p->ws, formula, &at, (lxw_col_t)c, cell, fmt, &v);
        if (!isnan(v)) {
            cs->max_abs = fabs(v) > cs->max_abs ? fabs(v) : cs->max_abs;
            cs->negative |= v < 0;
            cs->any_number = true;
            cs->sum += v;
        }
        return e;
    }
    if (cell->type == CR_CELL_NUMBER) {
        double v = cell->number;
        if (!isfinite(v))
            return LXW_NO_ERROR; /* Excel has no NaN: an empty cell */
        double a = fabs(v);
        if (a > cs->max_abs)
            cs->max_abs = a;
        cs->negative |= v < 0;
        cs->any_number = true;
        cs->sum += v;
        return worksheet_write_number(p->ws, row, (lxw_col_t)c, v, fmt);
    }
    if (cell->type != CR_CELL_TEXT || !cell->text || !cell->text[0])
        return LXW_NO_ERROR;
    if (f->kind == CR_FORMAT_DATE || f->kind == CR_FORMAT_MONTH) {
        double serial;
        bool has_time;
        if (excel_date(cell->text, f->kind == CR_FORMAT_MONTH, &serial, &has_time)) {
            cs->any_number = true;
            if (has_time && cs->text < 16)
                cs->text = 16; /* "yyyy-mm-dd hh:mm" */
            return worksheet_write_number(p->ws, row, (lxw_col_t)c, serial,
                                          has_time && p->datetime_fmt ? p->datetime_fmt : fmt);
        }
    }
    size_t tw = text_width(cell->text, WIDTH_MAX);
    if (tw > cs->text)
        cs->text = tw;
    return write_text(p->ws, row, (lxw_col_t)c, cell->text, NULL, oom);
}

static int finish_sheet(writer *w, sheet_plan *p);

/* The sheet's note: wrapped text over the table's width, under the title. */
static lxw_error write_note(writer *w, sheet_plan *p, lxw_row_t row, bool *oom)
{
    const char *note = p->sheet->note;
    char *owned;
    const char *t = cell_text(note, &owned);
    if (!t) {
        *oom = true;
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    }
    size_t nc = p->table->column_count;
    lxw_col_t last = (lxw_col_t)(nc > 8 ? nc - 1 : 7);
    lxw_error e = worksheet_merge_range(p->ws, row, 0, row, last, t, w->note_fmt);
    free(owned);
    /* about 110 characters a line over the merged width; a line break adds one */
    size_t lines = text_width(note, 100000) / 110 + 1;
    for (const char *q = strchr(note, '\n'); q; q = strchr(q + 1, '\n'))
        lines++;
    if (!e)
        e = worksheet_set_row(p->ws, row, 15.0 * (double)(lines > 12 ? 12 : lines) + 3, NULL);
    return e;
}

/* Fact k: its label in column A, its value (or formula) in column B. */
static lxw_error write_fact(writer *w, sheet_plan *p, size_t k, bool *oom)
{
    const cr_fact *f = &p->sheet->facts[k];
    lxw_row_t row = p->fact_rows[k];
    char code[64];
    excel_format(&f->format, w->loc, code, sizeof code);
    lxw_format *fmt = number_format(w, code, oom);
    if (*oom)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    lxw_error e = write_text(p->ws, row, 0, f->label ? f->label : "", w->bold_fmt, oom);
    if (p->table->column_count > 0) {
        size_t lw = text_width(f->label ? f->label : "", WIDTH_MAX);
        if (lw > p->cols[0].text)
            p->cols[0].text = lw;
    }
    if (e)
        return e;
    if (f->formula) {
        cr_formula_place at = place_of(p, row);
        double v;
        return write_formula(p->ws, f->formula, &at, 1, &f->value, fmt, &v);
    }
    if (f->value.type == CR_CELL_NUMBER && isfinite(f->value.number))
        return worksheet_write_number(p->ws, row, 1, f->value.number, fmt);
    if (f->value.type != CR_CELL_TEXT || !f->value.text)
        return LXW_NO_ERROR;
    double serial;
    bool has_time;
    if ((f->format.kind == CR_FORMAT_DATE || f->format.kind == CR_FORMAT_MONTH) &&
        excel_date(f->value.text, f->format.kind == CR_FORMAT_MONTH, &serial, &has_time))
        return worksheet_write_number(p->ws, row, 1, serial, has_time ? p->datetime_fmt : fmt);
    return write_text(p->ws, row, 1, f->value.text, NULL, oom);
}

/* The totals row under the p->rows data rows: the label, then each total's
 * formula with its cached value (given, else the sum of its column). */
static lxw_error write_totals(writer *w, sheet_plan *p, bool *oom)
{
    const cr_sheet *s = p->sheet;
    if (s->total_count == 0)
        return LXW_NO_ERROR;
    lxw_row_t row = p->header_row + 1 + (lxw_row_t)p->rows;
    bool first_taken = false;
    for (size_t k = 0; k < s->total_count; k++)
        first_taken = first_taken || s->totals[k].column == 0;
    lxw_error e = LXW_NO_ERROR;
    if (!first_taken && s->totals_label && *s->totals_label)
        e = write_text(p->ws, row, 0, s->totals_label, w->bold_fmt, oom);
    for (size_t k = 0; k < s->total_count && !e; k++) {
        const cr_total *t = &s->totals[k];
        if (t->column >= p->table->column_count || !t->formula)
            continue;
        cr_cell cached = t->value;
        if (cached.type == CR_CELL_NULL)
            cached = (cr_cell){.type = CR_CELL_NUMBER, .number = p->cols[t->column].sum};
        cr_formula_place at = place_of(p, row);
        double v;
        e = write_formula(p->ws, t->formula, &at, (lxw_col_t)t->column, &cached,
                          p->col_format[t->column], &v);
    }
    return e;
}

/* The rows of a streamed table, pulled from its source one at a time and
 * written at once (the sheet is in constant-memory mode), then the widths,
 * autofilter and conditional formats over the rows there were. */
static int write_streamed_sheet(writer *w, sheet_plan *p)
{
    const cr_table *t = p->table;
    const cr_row_source *src = t->source;
    size_t nc = t->column_count;
    /* the last row index a sheet has, less the header (and a title) */
    size_t max_rows = (size_t)LXW_ROW_MAX - 2;
    cr_cell *row = calloc(nc ? nc : 1, sizeof *row);
    if (!row)
        return cr_error_set(w->err, CR_EX_NOMEM, NULL, 0, 0, "out of memory writing the workbook");
    bool oom = false;
    lxw_error e = LXW_NO_ERROR;
    int got = 0, rc = 0;
    size_t n = 0;
    while (!e && (got = src->next(src->ctx, row, w->err)) == 1) {
        if (n == max_rows) {
            rc = cr_error_set(w->err, EX_DATAERR, NULL, 0, 0,
                              "sheet '%s' has more rows than an Excel sheet holds (%d)", p->name,
                              LXW_ROW_MAX - 2);
            break;
        }
        lxw_row_t r = p->header_row + 1 + (lxw_row_t)n++;
        for (size_t c = 0; c < nc && !e; c++)
            e = write_cell(p, c, &row[c], r, &oom);
    }
    free(row);
    if (rc)
        return rc;
    if (!e && got < 0)
        return w->err->code ? w->err->code
                            : cr_error_set(w->err, EX_SOFTWARE, NULL, 0, 0,
                                           "sheet '%s': its rows could not be read", p->name);
    if (oom)
        return cr_error_set(w->err, CR_EX_NOMEM, NULL, 0, 0, "out of memory writing the workbook");
    if (e)
        return cr_error_set(w->err, EX_SOFTWARE, NULL, 0, 0, "sheet '%s': %s", p->name, lxw_strerror(e));
    p->rows = n;
    return finish_sheet(w, p);
}

static int write_sheet(writer *w, sheet_plan *p)
{
    const cr_sheet *s = p->sheet;
    const cr_table *t = p->table;
    lxw_worksheet *ws = p->ws;
    bool oom = false;
    lxw_error e = LXW_NO_ERROR;

    lxw_row_t next = 0;
    if (s->title && *s->title) {
        e = write_text(ws, 0, 0, s->title, w->title_fmt, &oom);
        if (e == LXW_NO_ERROR)
            e = worksheet_set_row(ws, 0, 22, NULL);
        next = 1;
    }
    if (s->note && *s->note && !e)
        e = write_note(w, p, next++, &oom);
    for (size_t k = 0; k < s->fact_count; k++)
        p->fact_rows[k] = next + (lxw_row_t)k;
    for (size_t k = 0; k < s->fact_count && !e; k++)
        e = write_fact(w, p, k, &oom);
    if (s->fact_count)
        next += (lxw_row_t)s->fact_count + 1; /* and an empty row */
    p->header_row = next;
    for (size_t c = 0; c < t->column_count && !e; c++) {
        char code[64];
        excel_format(&t->columns[c].format, w->loc, code, sizeof code);
        p->col_format[c] = number_format(w, code, &oom);
        if (oom)
            return cr_error_set(w->err, CR_EX_NOMEM, NULL, 0, 0, "out of memory writing the workbook");
        const char *h = t->columns[c].header ? t->columns[c].header : t->columns[c].name;
        e = write_text(ws, p->header_row, (lxw_col_t)c, h ? h : "", w->header_fmt, &oom);
        size_t hw = text_width(h ? h : "", WIDTH_MAX) + 2; /* bold, and the filter button */
        if (hw > p->cols[c].text) /* a fact's label may be wider */
            p->cols[c].text = hw;
    }
    lxw_col_t helper0 = (lxw_col_t)(t->column_count + 1);
    for (size_t k = 0; k < p->helper_count && !e; k++)
        e = write_text(ws, p->header_row, helper0 + (lxw_col_t)k, p->helpers[k].header, w->header_fmt, &oom);

    if (t->source && !e)
        return write_streamed_sheet(w, p);

    /* rows in order (constant memory requires it): table cells, then helpers;
     * the formulas' [name@all] ranges need the row count first */
    p->rows = t->row_count;
    size_t rows = t->row_count;
    for (size_t k = 0; k < p->helper_count; k++)
        if (p->helpers[k].len > rows)
            rows = p->helpers[k].len;
    for (size_t i = 0; i < rows && !e; i++) {
        lxw_row_t row = p->header_row + 1 + (lxw_row_t)i;
        if (i < t->row_count) {
            const cr_cell *cells = &t->cells[i * t->column_count];
            for (size_t c = 0; c < t->column_count && !e; c++)
                e = write_cell(p, c, &cells[c], row, &oom);
        }
        for (size_t k = 0; k < p->helper_count && !e; k++) {
            const helper_col *h = &p->helpers[k];
            if (i >= h->len)
                continue;
            if (h->texts)
                e = write_text(ws, row, helper0 + (lxw_col_t)k, h->texts[i], NULL, &oom);
            else
                e = worksheet_write_number(ws, row, helper0 + (lxw_col_t)k,
                                           h->numbers ? h->numbers[i] : h->constant, h->format);
        }
    }
    if (oom)
        return cr_error_set(w->err, CR_EX_NOMEM, NULL, 0, 0, "out of memory writing the workbook");
    if (e)
        return cr_error_set(w->err, EX_SOFTWARE, NULL, 0, 0, "sheet '%s': %s", p->name, lxw_strerror(e));
    p->rows = t->row_count;
    return finish_sheet(w, p);
}

/* After the rows: column widths, frozen header, autofilter and conditional
 * formats over the p->rows data rows. */
static int finish_sheet(writer *w, sheet_plan *p)
{
    const cr_sheet *s = p->sheet;
    const cr_table *t = p->table;
    lxw_worksheet *ws = p->ws;
    lxw_col_t helper0 = (lxw_col_t)(t->column_count + 1);
    bool oom = false;
    lxw_error e = write_totals(w, p, &oom);
    if (oom)
        return cr_error_set(w->err, CR_EX_NOMEM, NULL, 0, 0, "out of memory writing the workbook");
    if (e)
        return cr_error_set(w->err, EX_SOFTWARE, NULL, 0, 0, "sheet '%s': totals row: %s", p->name,
                            lxw_strerror(e));

    /* widths: the widest of header and content, within bounds */
    for (size_t c = 0; c < t->column_count; c++) {
        double width = t->columns[c].width;
        if (width <= 0) {
            size_t cw = p->cols[c].text;
            size_t nw = number_width(&t->columns[c].format, &p->cols[c]);
            cw = nw > cw ? nw : cw;
            cw += 2;
            width = (double)(cw < WIDTH_MIN ? WIDTH_MIN : cw > WIDTH_MAX ? WIDTH_MAX : cw);
        }
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, width, NULL);
    }
    for (size_t k = 0; k < p->helper_count; k++) {
        size_t cw = text_width(p->helpers[k].header, WIDTH_MAX) + 2;
        if (p->helpers[k].texts)
            for (size_t i = 0; i < p->helpers[k].len; i++) {
                size_t tw = text_width(p->helpers[k].texts[i], WIDTH_MAX);
                cw = tw > cw ? tw : cw;
            }
        cw += 2;
        worksheet_set_column(ws, helper0 + (lxw_col_t)k, helper0 + (lxw_col_t)k,
                             (double)(cw < WIDTH_MIN ? WIDTH_MIN : cw > WIDTH_MAX ? WIDTH_MAX : cw), NULL);
    }

    if (s->freeze_header)
        worksheet_freeze_panes(ws, p->header_row + 1, 0);
    if (s->autofilter && t->column_count > 0)
        worksheet_autofilter(ws, p->header_row, 0, p->header_row + (lxw_row_t)p->rows,
                             (lxw_col_t)(t->column_count - 1));
    if (p->rows > 0) {
        static const uint8_t criteria[] = {
            [CR_CMP_GT] = LXW_CONDITIONAL_CRITERIA_GREATER_THAN,
            [CR_CMP_GE] = LXW_CONDITIONAL_CRITERIA_GREATER_THAN_OR_EQUAL_TO,
            [CR_CMP_LT] = LXW_CONDITIONAL_CRITERIA_LESS_THAN,
            [CR_CMP_LE] = LXW_CONDITIONAL_CRITERIA_LESS_THAN_OR_EQUAL_TO,
            [CR_CMP_EQ] = LXW_CONDITIONAL_CRITERIA_EQUAL_TO,
            [CR_CMP_NE] = LXW_CONDITIONAL_CRITERIA_NOT_EQUAL_TO};
        for (size_t k = 0; k < s->conditional_count; k++) {
            const cr_conditional *cd = &s->conditionals[k];
            if (!isfinite(cd->value) || (unsigned)cd->op > CR_CMP_NE || cd->status == CR_STATUS_NONE)
                continue;
            lxw_conditional_format cf = {.type = LXW_CONDITIONAL_TYPE_CELL,
                                         .criteria = criteria[cd->op],
                                         .value = cd->value,
                                         .format = w->status_fmt[cd->status]};
            lxw_col_t col = (lxw_col_t)cd->column;
            e = worksheet_conditional_format_range(ws, p->header_row + 1, col,
                                                   p->header_row + (lxw_row_t)p->rows, col, &cf);
            if (e)
                return cr_error_set(w->err, EX_SOFTWARE, NULL, 0, 0, "sheet '%s': %s", p->name,
                                    lxw_strerror(e));
        }
    }
    return 0;
}

/* ---------- libxlsxwriter's own messages ----------
 * libxlsxwriter prints its errors and warnings itself, with fprintf(stderr,
 * "[ERROR]...") and no way to turn that off; on a full disk that made two
 * lines of its own before ours. The library never prints: while workbooks are
 * built, stderr is a stream that drops each message beginning "[ERROR]" or
 * "[WARNING]" and passes every other write on to file descriptor 2 at once
 * (unbuffered: one fprintf, one write). The failure itself comes back as an
 * lxw_error and is reported once, through err. Threads building workbooks
 * at the same time share the stream: the first swaps it in, the last puts
 * stderr back. */
static pthread_mutex_t quiet_lock = PTHREAD_MUTEX_INITIALIZER;
static int quiet_users;
static FILE *quiet_saved;

static ssize_t quiet_write(void *cookie, const char *buf, size_t size)
{
    (void)cookie;
    if ((size >= 7 && memcmp(buf, "[ERROR]", 7) == 0) ||
        (size >= 9 && memcmp(buf, "[WARNING]", 9) == 0))
        return (ssize_t)size;
    for (size_t done = 0; done < size;) {
        ssize_t n = write(STDERR_FILENO, buf + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return done ? (ssize_t)done : -1;
        done += (size_t)n;
    }
    return (ssize_t)size;
}

static void quiet_begin(void)
{
    pthread_mutex_lock(&quiet_lock);
    if (quiet_users == 0) {
        FILE *f = fopencookie(NULL, "w", (cookie_io_functions_t){.write = quiet_write});
        if (f) {
            setvbuf(f, NULL, _IONBF, 0);
            fflush(stderr);
            quiet_saved = stderr;
            stderr = f;
        }
    }
    if (quiet_saved)
        quiet_users++;
    pthread_mutex_unlock(&quiet_lock);
}

static void quiet_end(void)
{
    pthread_mutex_lock(&quiet_lock);
    if (quiet_saved && --quiet_users == 0) {
        FILE *f = stderr;
        stderr = quiet_saved;
        quiet_saved = NULL;
        fclose(f);
    }
    pthread_mutex_unlock(&quiet_lock);
}

/* ---------- the file ---------- */

static int build(writer *w, const char *target, char *tmpdir, lxw_error *close_error)
{
    const cr_report *r = w->r;
    size_t total_rows = 0;
    bool streamed = false;
    for (size_t i = 0; i < r->sheet_count; i++)
        if (r->sheets[i].table) {
            total_rows += r->sheets[i].table->row_count;
            streamed = streamed || r->sheets[i].table->source;
        }
    lxw_workbook_options opt = {.constant_memory = streamed || total_rows > CR_WORKBOOK_STREAM_ROWS,
                                .tmpdir = tmpdir, .use_zip64 = LXW_FALSE};
    w->wb = workbook_new_opt(target, &opt);
    if (!w->wb)
        return cr_error_set(w->err, EX_CANTCREAT, NULL, 0, 0, "cannot start the workbook");

    /* docProps/core.xml and app.xml: the account's name reaches the title */
    char *owned[5] = {NULL};
    lxw_doc_properties props = {.title = (char *)xml_text(r->title, &owned[0]),
                                .subject = (char *)xml_text(r->subject, &owned[1]),
                                .author = (char *)xml_text(r->author, &owned[2]),
                                .company = (char *)xml_text(r->company, &owned[3]),
                                .keywords = (char *)xml_text(r->keywords, &owned[4]),
                                .created = (time_t)r->created};
    bool props_oom = (r->title && !props.title) || (r->subject && !props.subject) ||
                     (r->author && !props.author) || (r->company && !props.company) ||
                     (r->keywords && !props.keywords);
    if (!props_oom)
        workbook_set_properties(w->wb, &props);
    for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
        free(owned[i]);
    if (props_oom)
        return cr_error_set(w->err, CR_EX_NOMEM, NULL, 0, 0, "out of memory writing the workbook");

    w->title_fmt = workbook_add_format(w->wb);
    w->header_fmt = workbook_add_format(w->wb);
    for (int k = 1; k < 4; k++)
        w->status_fmt[k] = workbook_add_format(w->wb);
    if (!w->title_fmt || !w->header_fmt || !w->status_fmt[1] || !w->status_fmt[2] || !w->status_fmt[3])
        return cr_error_set(w->err, CR_EX_NOMEM, NULL, 0, 0, "out of memory writing the workbook");
    w->note_fmt = workbook_add_format(w->wb);
    w->bold_fmt = workbook_add_format(w->wb);
    w->datetime_fmt = workbook_add_format(w->wb);
    if (!w->note_fmt || !w->bold_fmt || !w->datetime_fmt)
        return cr_error_set(w->err, CR_EX_NOMEM, NULL, 0, 0, "out of memory writing the workbook");
    format_set_text_wrap(w->note_fmt);
    format_set_align(w->note_fmt, LXW_ALIGN_VERTICAL_TOP);
    format_set_italic(w->note_fmt);
    format_set_bold(w->bold_fmt);
    {
        static const char *const dt[CR_LOCALE_COUNT] = {"yyyy-mm-dd hh:mm", "dd/mm/yyyy hh:mm",
                                                        "dd.mm.yyyy hh:mm", "yyyy/mm/dd hh:mm"};
        format_set_num_format(w->datetime_fmt, dt[w->loc < CR_LOCALE_COUNT ? w->loc : 0]);
    }
    format_set_bold(w->title_fmt);
    format_set_font_size(w->title_fmt, 14);
    format_set_bold(w->header_fmt);
    format_set_bg_color(w->header_fmt, 0xD9E1F2);
    format_set_border(w->header_fmt, LXW_BORDER_THIN);
    format_set_border_color(w->header_fmt, 0x8EA9DB);
    format_set_text_wrap(w->header_fmt);
    format_set_align(w->header_fmt, LXW_ALIGN_VERTICAL_TOP);
    /* Excel's own "good / neutral / bad" fills */
    static const lxw_color_t fill[4] = {0, 0xC6EFCE, 0xFFEB9C, 0xFFC7CE};
    static const lxw_color_t font[4] = {0, 0x006100, 0x9C5700, 0x9C0006};
    for (int k = 1; k < 4; k++) {
        format_set_bg_color(w->status_fmt[k], fill[k]);
        format_set_font_color(w->status_fmt[k], font[k]);
    }

    w->plans = calloc(r->sheet_count ? r->sheet_count : 1, sizeof *w->plans);
    if (!w->plans)
        return cr_error_set(w->err, CR_EX_NOMEM, NULL, 0, 0, "out of memory writing the workbook");
    char **names = calloc(r->sheet_count ? r->sheet_count : 1, sizeof *names);
    if (!names)
        return cr_error_set(w->err, CR_EX_NOMEM, NULL, 0, 0, "out of memory writing the workbook");
    int rc = 0;
    for (size_t i = 0; i < r->sheet_count && !rc; i++) {
        const cr_sheet *s = &r->sheets[i];
        sheet_plan *p = &w->plans[i];
        w->plan_count = i + 1;
        p->sheet = s;
        p->table = s->table;
        p->name = sheet_name(s->name, i, names, i);
        if (!p->name) {
            rc = cr_error_set(w->err, CR_EX_NOMEM, NULL, 0, 0, "out of memory writing the workbook");
            break;
        }
        names[i] = p->name;
        if (!s->table) {
            rc = cr_error_set(w->err, EX_SOFTWARE, NULL, 0, 0, "sheet '%s' has no table", p->name);
            break;
        }
        rc = check_sheet(w, s, p->name);
        if (rc)
            break;
        size_t nc = s->table->column_count;
        p->col_format = calloc(nc ? nc : 1, sizeof *p->col_format);
        p->cols = calloc(nc ? nc : 1, sizeof *p->cols);
        p->chart_helper = calloc(s->chart_count ? s->chart_count : 1, sizeof *p->chart_helper);
        p->fact_rows = calloc(s->fact_count ? s->fact_count : 1, sizeof *p->fact_rows);
        p->datetime_fmt = w->datetime_fmt;
        if (!p->col_format || !p->cols || !p->chart_helper || !p->fact_rows) {
            rc = cr_error_set(w->err, CR_EX_NOMEM, NULL, 0, 0, "out of memory writing the workbook");
            break;
        }
        for (size_t k = 0; k < s->chart_count && !rc; k++)
            rc = plan_chart_helpers(w, p, s->charts[k].chart, &p->chart_helper[k]);
        if (rc)
            break;
        size_t helper_rows = 0;
        for (size_t k = 0; k < p->helper_count; k++)
            helper_rows = p->helpers[k].len > helper_rows ? p->helpers[k].len : helper_rows;
        size_t rows = s->table->row_count > helper_rows ? s->table->row_count : helper_rows;
        if (rows + 2 > LXW_ROW_MAX) {
            rc = cr_error_set(w->err, EX_DATAERR, NULL, 0, 0,
                              "sheet '%s' has %zu rows, more than an Excel sheet holds (%d)",
                              p->name, s->table->row_count, LXW_ROW_MAX - 2);
            break;
        }
        if (nc + 1 + p->helper_count > LXW_COL_MAX) {
            rc = cr_error_set(w->err, EX_DATAERR, NULL, 0, 0,
                              "sheet '%s' has %zu columns, more than an Excel sheet holds", p->name, nc);
            break;
        }
        p->ws = workbook_add_worksheet(w->wb, p->name);
        if (!p->ws) {
            rc = cr_error_set(w->err, EX_SOFTWARE, NULL, 0, 0, "cannot add sheet '%s'", p->name);
            break;
        }
        rc = write_sheet(w, p);
    }
    free(names);

    chart_strings cs = {.n = 0};
    for (size_t i = 0; i < w->plan_count && !rc; i++) {
        sheet_plan *p = &w->plans[i];
        lxw_row_t next_row = p->header_row;
        for (size_t k = 0; k < p->sheet->chart_count && !rc; k++)
            rc = add_chart(w, p, k, &cs, &next_row);
    }
    /* close even after an error: it frees the workbook (the file is removed) */
    errno = 0;
    *close_error = workbook_close(w->wb);
    w->close_errno = errno;
    w->wb = NULL;
    for (size_t i = 0; i < cs.n; i++)
        free(cs.owned[i]);
    return rc;
}

int cr_workbook_write_to(const cr_report *r, cr_outfile *of, cr_error *err)
{
    if (!r || !of)
        return cr_error_set(err, EX_SOFTWARE, NULL, 0, 0, "no report or file for the workbook");
    /* libxlsxwriter's own temporary files go beside the target too, not to a
     * /tmp that may be a small tmpfs */
    char *tmpdir = strdup(cr_outfile_folder(of));
    if (!tmpdir)
        return cr_error_set(err, CR_EX_NOMEM, NULL, 0, 0, "out of memory writing the workbook");
    writer w = {.r = r, .loc = cr_numfmt_locale_from_tag(r->locale), .err = err};
    lxw_error close_error = LXW_NO_ERROR;
    /* libxlsxwriter opens the path it is given: the outfile's, which reaches
     * the very temporary file the outfile created */
    quiet_begin();
    int rc = build(&w, cr_outfile_path(of), tmpdir, &close_error);
    quiet_end();
    free(tmpdir);
    for (size_t i = 0; i < w.plan_count; i++) {
        free(w.plans[i].name);
        free(w.plans[i].col_format);
        free(w.plans[i].cols);
        free(w.plans[i].chart_helper);
        free(w.plans[i].fact_rows);
        free_helpers(&w.plans[i]);
    }
    free(w.plans);
    free(w.num_formats);

    if (!rc && close_error && w.close_errno)
        rc = cr_outfile_fail(of, w.close_errno, "write", err);
    else if (!rc && close_error) /* libxlsxwriter's own failure, without an errno */
        rc = cr_error_set(err, close_error == LXW_ERROR_CREATING_TMPFILE ? EX_CANTCREAT : EX_IOERR,
                          NULL, 0, 0, "cannot write %s: %s", cr_outfile_name(of),
                          lxw_strerror(close_error));
    if (!rc)
        rc = cr_workbook_verify(cr_outfile_path(of), cr_outfile_name(of), err);
    return rc;
}

int cr_workbook_write(const cr_report *r, const char *path, cr_error *err)
{
    if (!r || !path || !*path)
        return cr_error_set(err, EX_SOFTWARE, NULL, 0, 0, "no report or path for the workbook");
    cr_outfile *of;
    int rc = cr_outfile_open_path(path, &of, err);
    if (rc)
        return rc;
    if ((rc = cr_workbook_write_to(r, of, err))) {
        cr_outfile_abort(of);
        return rc;
    }
    return cr_outfile_commit(of, err);
}
