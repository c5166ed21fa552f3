/* csv.c - strict RFC 4180 pull reader (SPEC sections 3 and 9).
 *
 * Input is copied in fixed-size chunks into one buffer the reader owns (a file
 * through read(2), a memory buffer through memcpy), and each record is parsed in
 * place there: fields are pointers into the buffer, NUL-terminated over their
 * separator, line end or closing quote; doubled quotes are collapsed once the
 * record is complete. A record that runs past the buffered data is moved to the
 * front of the buffer, more input is read (the buffer grows only when the record
 * fills half of it) and the record is parsed again from its start, after the
 * NULs written so far are undone. Memory grows with the longest record, never
 * with the file.
 *
 * Speed: unquoted and quoted text is skipped with a 256-entry class table over a
 * NUL sentinel at the end of the data, so the inner loop has no bounds check and
 * no function call; only separators, line ends, quotes, NUL and bytes >= 0x80
 * stop it. A column is computed, not counted: 1 + bytes since the line start -
 * UTF-8 continuation bytes seen since then.
 */
#include "csmreport/csv.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define CHUNK (1024 * 1024)

/* Internal results of the parsing steps. */
enum { ST_FAIL = -1, ST_END = 0, ST_RECORD = 1, ST_MORE = 2, ST_AGAIN = 3 };

typedef struct csv_field {
    char *s;       /* first content byte (after the opening quote) */
    size_t len;    /* raw content length, doubled quotes not yet collapsed */
    size_t dq;     /* doubled quotes inside (quoted fields) */
    size_t cq;     /* lenient: offset of the closing quote that text followed */
    int quoted;    /* 1: quoted; 2: quoted, then text after the closing quote */
    long line;     /* where the field starts */
    long col;
} csv_field;

struct cr_csv {
    char *name;
    int fd;                     /* -1 for memory input */
    const char *mem;            /* memory input */
    size_t mem_len, mem_off;
    char *buf;                  /* cap + 1 bytes: room for the sentinel */
    unsigned char cls[256];     /* bytes that stop an unquoted field */
    size_t cap, pos, end;       /* unparsed data is buf[pos..end) */
    unsigned long long base;    /* input offset of buf[0] */
    int eof;                    /* no input beyond buf[end] */
    int started;                /* byte-order mark handled */
    int failed;                 /* a fatal error is stored in err */
    char sep;                   /* 0 until detected */
    unsigned char qcls[256];    /* bytes that stop a quoted field */
    long line;                  /* physical line of buf[pos] */
    int have_header;
    size_t header_n;
    size_t pending;             /* blank lines consumed, not yet known trailing */
    long pending_line;          /* line of the first of them */
    csv_field *f;               /* CR_CSV_COLUMNS_MAX slots */
    size_t nf;
    long rec_line;
    char empty[1];              /* the field of a blank line */
    cr_error err;               /* the stored fatal error */
    /* options (cr_csv_set_*), kept for cr_csv_reopen */
    char *encoding;             /* iconv name, or NULL: UTF-8 */
    int lenient;                /* a quote inside an unquoted field is a character */
    int headerless;             /* the first record is data: a header "1".."n" comes first */
    char want_sep;              /* separator given at open, 0 to detect */
    /* conversion to UTF-8 while reading: raw input in raw[raw_off..raw_end) */
    iconv_t cd;                 /* (iconv_t)-1 when reading UTF-8 */
    const char *from;           /* the encoding converted from, for messages */
    char *raw;
    size_t raw_cap, raw_off, raw_end;
    int in_eof;                 /* the file or buffer has no more bytes */
    unsigned long long in_total;/* bytes taken from the input */
    /* headerless: the first record, held while its synthetic header is read */
    csv_field *held;
    size_t held_n;
    char *names;                /* "1\0" "2\0" ... */
    int replay;
    const cr_csv_source *src;   /* records of another format, or NULL */
    void *src_ctx;
};

static int fail(cr_csv *r, cr_error *err, int code, long line, long col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Stores a fatal error in the reader (later calls return it again) and in err. */
static int fail(cr_csv *r, cr_error *err, int code, long line, long col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cr_error_setv(&r->err, code, r->name, line, col, fmt, ap);
    va_end(ap);
    r->failed = 1;
    if (err)
        *err = r->err;
    return ST_FAIL;
}

/* Length (2..4) of the well-formed multi-byte sequence at s (s[0] >= 0x80), 0 when
 * it is ill-formed (*why says how), -1 when s[0..avail) is a well-formed but
 * incomplete start. */
static int utf8_seq(const unsigned char *s, size_t avail, const char **why)
{
    unsigned c = s[0], lo = 0x80, hi = 0xBF;
    int n, i;

    if (c < 0xC0) {
        *why = "unexpected continuation byte";
        return 0;
    }
    if (c < 0xC2) {
        *why = "overlong encoding";
        return 0;
    }
    if (c < 0xE0) {
        n = 2;
    } else if (c < 0xF0) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c < 0xF5) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        *why = c < 0xF8 ? "code point above U+10FFFF" : "invalid byte";
        return 0;
    }
    for (i = 1; i < n; i++) {
        unsigned b;
        if ((size_t)i >= avail)
            return -1;
        b = s[i];
        if (b < lo || b > hi) {
            if (b < 0x80 || b > 0xBF)
                *why = "truncated sequence";
            else if (c == 0xED)
                *why = "encoded surrogate";
            else if (c == 0xF4)
                *why = "code point above U+10FFFF";
            else
                *why = "overlong encoding";
            return 0;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    return n;
}

/* A lone high byte, not followed by a continuation byte (the ill-formed byte
 * stands alone between ASCII ones), is most likely Windows-1252, which Excel's
 * plain "CSV" save writes: the message then says how to get UTF-8 or to read
 * the file as it is. */
static int bad_utf8(cr_csv *r, cr_error *err, long line, long col, const unsigned char *at,
                    const char *why)
{
    if (r->cd == (iconv_t)-1 && (at[1] < 0x80 || at[1] >= 0xC0))
        return fail(r, err, EX_DATAERR, line, col,
                    "invalid UTF-8: %s (byte 0x%02X); the file looks like Windows-1252: re-save "
                    "it as \"CSV UTF-8\" or set encoding=\"windows-1252\" in its profile",
                    why, at[0]);
    return fail(r, err, EX_DATAERR, line, col, "invalid UTF-8: %s (byte 0x%02X)", why, at[0]);
}

/* First byte at or after p whose class is set; the sentinel guarantees one. */
static inline unsigned char *skip(unsigned char *p, const unsigned char *cls)
{
    for (;;) {
        if (cls[p[0]])
            return p;
        if (cls[p[1]])
            return p + 1;
        if (cls[p[2]])
            return p + 2;
        if (cls[p[3]])
            return p + 3;
        p += 4;
    }
}

static void set_separator(cr_csv *r, char sep)
{
    int c;
    r->sep = sep;
    memset(r->cls, 0, sizeof r->cls);
    for (c = 0x80; c < 256; c++)
        r->cls[c] = 1;
    r->cls[0] = r->cls['\n'] = r->cls['\r'] = r->cls['"'] = 1;
    memcpy(r->qcls, r->cls, sizeof r->qcls);
    r->cls[(unsigned char)sep] = 1;
    r->cls['"'] = !r->lenient;
}

static cr_csv *reader_new(const char *name, char sep, size_t cap, cr_error *err)
{
    cr_csv *r;
    if (sep != 0 && sep != ',' && sep != ';' && sep != '\t') {
        cr_error_set(err, EX_USAGE, name, 0, 0, "separator must be comma, semicolon or tab");
        return NULL;
    }
    r = calloc(1, sizeof *r);
    if (!r)
        goto out_nomem;
    r->fd = -1;
    r->cd = (iconv_t)-1;
    r->want_sep = sep;
    r->line = 1;
    r->cap = cap;
    r->name = strdup(name ? name : "");
    r->buf = malloc(cap + 1);
    r->f = malloc(CR_CSV_COLUMNS_MAX * sizeof *r->f);
    if (!r->name || !r->buf || !r->f)
        goto out_free;
    r->buf[0] = '\0';
    if (sep)
        set_separator(r, sep);
    return r;

out_free:
    cr_csv_close(r);
out_nomem:
    cr_error_set(err, CR_EX_NOMEM, name, 0, 0, "out of memory");
    return NULL;
}

cr_csv *cr_csv_open_file(const char *path, char sep, cr_error *err)
{
    cr_csv *r;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        cr_error_set(err, e == ENOENT ? EX_NOINPUT : EX_IOERR, path, 0, 0, "cannot open %s: %s",
                     path, strerror(e));
        return NULL;
    }
    r = reader_new(path, sep, CHUNK, err);
    if (!r) {
        close(fd);
        return NULL;
    }
    r->fd = fd;
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    return r;
}

cr_csv *cr_csv_open_memory(const char *data, size_t len, const char *name, char sep,
                           cr_error *err)
{
    /* small inputs get a small buffer; large ones stream through CHUNK bytes */
    size_t cap = len < CHUNK ? (len < 64 ? 64 : len) : CHUNK;
    cr_csv *r = reader_new(name, sep, cap, err);
    if (!r)
        return NULL;
    r->mem = data;
    r->mem_len = len;
    return r;
}

void cr_csv_close(cr_csv *r)
{
    if (!r)
        return;
    if (r->fd >= 0)
        close(r->fd);
    if (r->cd != (iconv_t)-1)
        iconv_close(r->cd);
    free(r->encoding);
    free(r->raw);
    free(r->held);
    free(r->names);
    if (r->src)
        r->src->close(r->src_ctx);
    free(r->name);
    free(r->buf);
    free(r->f);
    free(r);
}

/* Reads up to want bytes of input into dst (the file or the caller's buffer);
 * returns the count, or -1 with err filled. Sets in_eof when the input ends. */
static ssize_t read_input(cr_csv *r, char *dst, size_t want, cr_error *err)
{
    size_t got = 0;
    if (r->fd >= 0) {
        while (got < want) {
            ssize_t n = read(r->fd, dst + got, want - got);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                fail(r, err, EX_IOERR, 0, 0, "cannot read %s: %s", r->name, strerror(errno));
                return -1;
            }
            if (n == 0) {
                r->in_eof = 1;
                break;
            }
            got += (size_t)n;
        }
    } else {
        got = r->mem_len - r->mem_off;
        if (got > want)
            got = want;
        if (got)
            memcpy(dst, r->mem + r->mem_off, got);
        r->mem_off += got;
        if (r->mem_off == r->mem_len)
            r->in_eof = 1;
    }
    r->in_total += got;
    return (ssize_t)got;
}

/* An unconvertible byte (or, NULL, the file ending inside a character), at the
 * line and column just past the data converted so far (buf[0..end), whose
 * first byte is on line r->line). */
static int bad_encoding(cr_csv *r, cr_error *err, const unsigned char *byte)
{
    long line = r->line, col = 1;
    for (size_t i = 0; i < r->end; i++) {
        unsigned char c = (unsigned char)r->buf[i];
        if (c == '\n') {
            line++;
            col = 1;
        } else if ((c & 0xC0) != 0x80) {
            col++;
        }
    }
    if (!byte)
        return fail(r, err, EX_DATAERR, line, col, "file ends inside a %s character", r->from);
    return fail(r, err, EX_DATAERR, line, col, "byte 0x%02X is not valid %s", *byte, r->from);
}

/* Converts input to UTF-8 into buf[end..cap), reading raw input as needed. */
static int convert(cr_csv *r, cr_error *err)
{
    for (;;) {
        if (r->raw_off == r->raw_end && !r->in_eof) {
            ssize_t n = read_input(r, r->raw, r->raw_cap, err);
            if (n < 0)
                return ST_FAIL;
            r->raw_off = 0;
            r->raw_end = (size_t)n;
        }
        char *out = r->buf + r->end;
        size_t outleft = r->cap - r->end;
        if (outleft < 16)
            break; /* full enough: fill grows the buffer when a record needs it */
        if (r->raw_off == r->raw_end) {
            iconv(r->cd, NULL, NULL, &out, &outleft);
            r->end = (size_t)(out - r->buf);
            r->eof = 1;
            break;
        }
        char *in = r->raw + r->raw_off;
        size_t inleft = r->raw_end - r->raw_off;
        size_t rc = iconv(r->cd, &in, &inleft, &out, &outleft);
        int e = errno;
        r->raw_off = (size_t)(in - r->raw);
        r->end = (size_t)(out - r->buf);
        if (rc != (size_t)-1)
            continue;
        if (e == E2BIG)
            break;
        if (e == EINVAL) { /* a character continues in the next read */
            size_t left = r->raw_end - r->raw_off;
            if (r->in_eof)
                return bad_encoding(r, err, NULL);
            memmove(r->raw, r->raw + r->raw_off, left);
            ssize_t n = read_input(r, r->raw + left, r->raw_cap - left, err);
            if (n < 0)
                return ST_FAIL;
            r->raw_off = 0;
            r->raw_end = left + (size_t)n;
            continue;
        }
        return bad_encoding(r, err, (const unsigned char *)r->raw + r->raw_off);
    }
    return 0;
}

/* Moves the unparsed data to the front, grows the buffer when that data fills
 * half of it or more, and reads until the buffer is full or the input ends. */
static int fill(cr_csv *r, cr_error *err)
{
    size_t keep = r->end - r->pos;
    if (r->pos) {
        /* lines before pos are parsed: r->line is already that of buf[pos] */
        memmove(r->buf, r->buf + r->pos, keep);
        r->base += r->pos;
        r->pos = 0;
        r->end = keep;
    }
    if (r->cap - keep < r->cap / 2) {
        char *nb = realloc(r->buf, 2 * r->cap + 1);
        if (!nb)
            return fail(r, err, CR_EX_NOMEM, 0, 0, "out of memory");
        r->buf = nb;
        r->cap *= 2;
    }
    if (r->cd != (iconv_t)-1) {
        if (convert(r, err) < 0)
            return -1;
    } else {
        ssize_t n = read_input(r, r->buf + r->end, r->cap - r->end, err);
        if (n < 0)
            return -1;
        r->end += (size_t)n;
        r->eof = r->in_eof;
    }
    r->buf[r->end] = '\0'; /* the sentinel */
    return 0;
}

/* From here on the input is converted from encoding: the bytes buffered so far
 * (after any byte-order mark) become the first raw input. */
static int begin_conversion(cr_csv *r, const char *encoding, cr_error *err)
{
    r->cd = iconv_open("UTF-8", encoding);
    if (r->cd == (iconv_t)-1)
        return fail(r, err, EX_USAGE, 0, 0, "unknown encoding '%s'", encoding);
    r->from = encoding;
    size_t n = r->end - r->pos;
    r->raw_cap = r->cap;
    r->raw = malloc(r->raw_cap);
    if (!r->raw)
        return fail(r, err, CR_EX_NOMEM, 0, 0, "out of memory");
    memcpy(r->raw, r->buf + r->pos, n);
    r->raw_off = 0;
    r->raw_end = n;
    r->end = r->pos;
    r->eof = 0;
    return ST_MORE;
}

static bool is_utf8_name(const char *e)
{
    return strcasecmp(e, "utf-8") == 0 || strcasecmp(e, "utf8") == 0;
}

/* Reads the byte-order mark, which wins over a given encoding: UTF-8 is
 * skipped, UTF-16 and UTF-32 (either byte order) are converted. Without a mark,
 * a given encoding other than UTF-8 is converted from. */
static int start(cr_csv *r, cr_error *err)
{
    const unsigned char *p = (const unsigned char *)r->buf + r->pos;
    size_t n = r->end - r->pos;
    const char *from = NULL;
    size_t bom = 0;
    if (n < 4 && !r->eof)
        return ST_MORE;
    r->started = 1;
    if (n >= 4 && p[0] == 0xFF && p[1] == 0xFE && p[2] == 0 && p[3] == 0)
        from = "UTF-32LE", bom = 4;
    else if (n >= 4 && p[0] == 0 && p[1] == 0 && p[2] == 0xFE && p[3] == 0xFF)
        from = "UTF-32BE", bom = 4;
    else if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE)
        from = "UTF-16LE", bom = 2;
    else if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF)
        from = "UTF-16BE", bom = 2;
    else if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        r->pos += 3;
    else if (r->encoding && !is_utf8_name(r->encoding))
        from = r->encoding;
    if (!from)
        return ST_AGAIN;
    r->pos += bom;
    return begin_conversion(r, from, err);
}

/* Picks the separator that occurs most often outside quotes in the first
 * non-blank line (comma on a tie); looks at most CR_CSV_FIELD_MAX bytes. */
static int detect(cr_csv *r)
{
    const unsigned char *p = (const unsigned char *)r->buf + r->pos;
    const unsigned char *e = (const unsigned char *)r->buf + r->end, *first;
    size_t comma = 0, semi = 0, tab = 0;
    int inq = 0;

    while (p < e && (*p == '\n' || *p == '\r'))
        p++;
    first = p;
    for (; p < e; p++) {
        unsigned c = *p;
        if (c == '"')
            inq = !inq;
        else if (inq)
            continue;
        else if (c == ',')
            comma++;
        else if (c == ';')
            semi++;
        else if (c == '\t')
            tab++;
        else if (c == '\n' || c == '\r')
            break;
    }
    if (p == e && !r->eof && (size_t)(p - first) <= CR_CSV_FIELD_MAX)
        return ST_MORE;
    if (semi > comma && semi >= tab)
        set_separator(r, ';');
    else if (tab > comma && tab > semi)
        set_separator(r, '\t');
    else
        set_separator(r, ',');
    return ST_AGAIN;
}

/* Checks a complete record's field count against the header's. A ragged row is
 * not fatal: the record is consumed and the next call reads on. */
static int check_count(cr_csv *r, cr_error *err, long end_line, long end_col)
{
    if (!r->have_header) {
        r->have_header = 1;
        r->header_n = r->nf;
        return ST_RECORD;
    }
    if (r->nf == r->header_n)
        return ST_RECORD;
    if (r->nf < r->header_n)
        cr_error_set(err, EX_DATAERR, r->name, end_line, end_col,
                     "row has %zu field%s, header has %zu", r->nf, r->nf == 1 ? "" : "s",
                     r->header_n);
    else
        cr_error_set(err, EX_DATAERR, r->name, r->f[r->header_n].line, r->f[r->header_n].col,
                     "row has %zu fields, header has %zu", r->nf, r->header_n);
    return ST_FAIL;
}

/* Puts back the separators and closing quotes that the NUL terminators of the
 * first nf fields replaced, so that the record can be parsed again. */
static void undo_terminators(csv_field *f, size_t nf, char sep)
{
    for (size_t i = 0; i < nf; i++)
        f[i].s[f[i].len] = f[i].quoted == 1 ? '"' : sep;
}

/* Collapses the doubled quotes of s[0..len); returns the new length. */
static size_t undouble(char *s, size_t len)
{
    char *w = s, *rd = s, *end = s + len;
    while (rd < end) {
        char *q = memchr(rd, '"', (size_t)(end - rd));
        size_t n = q ? (size_t)(q - rd) + 1 : (size_t)(end - rd);
        memmove(w, rd, n);
        w += n;
        rd += n + (q ? 1 : 0); /* skip the second quote of the pair */
    }
    return (size_t)(w - s);
}

/* Collapses the doubled quotes of a complete record's quoted fields, and drops
 * the closing quote of a lenient field that text followed ("User 9" <113>). */
static void collapse_quotes(csv_field *f, size_t nf)
{
    for (size_t i = 0; i < nf; i++) {
        char *s = f[i].s;
        if (f[i].quoted == 2) {
            size_t head = f[i].dq ? undouble(s, f[i].cq) : f[i].cq;
            size_t tail = f[i].len - f[i].cq - 1;
            memmove(s + head, s + f[i].cq + 1, tail);
            f[i].len = head + tail;
            s[f[i].len] = '\0';
        } else if (f[i].dq) {
            f[i].len = undouble(s, f[i].len);
            s[f[i].len] = '\0';
        }
    }
}

/* The column of byte x on the current line. */
#define COL(x) ((long)((x) - lstart) - cont + 1)

/* Scans unquoted text from *pp up to a separator, a line end or the end of the
 * data (whose sentinel stops it). Returns 0 with *pp there, ST_MORE when a UTF-8
 * sequence continues past the data, or ST_FAIL. */
static inline int scan_plain(cr_csv *r, cr_error *err, unsigned char **pp, const unsigned char *e,
                             long line, const unsigned char *lstart, long *contp)
{
    unsigned char *p = *pp;
    const unsigned char *const cls = r->cls;
    const unsigned char sep = (unsigned char)r->sep;
    long cont = *contp;
    const char *why = "";
    int n, rc = 0;
    for (;;) {
        p = skip(p, cls);
        unsigned c = *p;
        if (c == sep || c == '\n' || c == '\r')
            break;
        if (c == 0) {
            if (p == e)
                break;
            rc = fail(r, err, EX_DATAERR, line, COL(p), "nul byte");
            break;
        }
        if (c == '"') {
            rc = fail(r, err, EX_DATAERR, line, COL(p), "quote inside an unquoted field");
            break;
        }
        n = utf8_seq(p, (size_t)(e - p), &why);
        if (n > 0) {
            p += n;
            cont += n - 1;
            continue;
        }
        if (n < 0 && !r->eof) {
            rc = ST_MORE; /* the sequence continues past the data */
            break;
        }
        if (n < 0)
            why = "truncated sequence";
        rc = bad_utf8(r, err, line, COL(p), p, why);
        break;
    }
    *pp = p;
    *contp = cont;
    return rc;
}

/* Parses one record from buf[pos..end). Returns ST_RECORD, ST_END, ST_FAIL,
 * ST_MORE (the record runs past the buffered data) or ST_AGAIN (a blank line
 * was consumed). Each field is NUL-terminated as soon as its separator is seen;
 * before ST_MORE those bytes are put back, so a retry sees the original input. */
static int parse_record(cr_csv *r, cr_error *err)
{
    unsigned char *p = (unsigned char *)r->buf + r->pos;
    unsigned char *const e = (unsigned char *)r->buf + r->end;
    const unsigned char *const cls = r->cls, *const qcls = r->qcls;
    const unsigned char sep = (unsigned char)r->sep;
    const int eof = r->eof;
    csv_field *const f = r->f;
    unsigned char *lstart = p;
    long line = r->line, cont = 0, end_line, end_col;
    size_t nf = 0, any_dq = 0;
    const char *why = "";
    int n;

    if (p == e) {
        if (!eof)
            return ST_MORE;
        if (!r->have_header)
            return fail(r, err, EX_DATAERR, 1, 1, "file is empty");
        r->pending = 0; /* blank lines at the end are ignored */
        return ST_END;
    }
    if (*p == '\n' || *p == '\r') {
        if (*p == '\r' && p + 1 == e && !eof)
            return ST_MORE;
        p += (*p == '\r' && p[1] == '\n') ? 2 : 1;
        if (r->pending++ == 0)
            r->pending_line = line;
        r->line = line + 1;
        r->pos = (size_t)((char *)p - r->buf);
        return ST_AGAIN;
    }
    if (r->pending) {
        /* data follows: the earliest pending blank line is a one-field record */
        r->pending--;
        r->nf = 1;
        r->rec_line = r->pending_line;
        f[0].s = r->empty;
        f[0].len = f[0].dq = 0;
        f[0].line = r->pending_line;
        f[0].col = 1;
        r->empty[0] = '\0';
        r->pending_line++;
        return check_count(r, err, f[0].line, 1);
    }

    for (;;) {
        unsigned char *fs = p;
        csv_field *fl;
        unsigned c;

        if (nf == CR_CSV_COLUMNS_MAX)
            return fail(r, err, EX_DATAERR, line, COL(p), "row has more than %d fields",
                        CR_CSV_COLUMNS_MAX);
        fl = &f[nf++];
        fl->line = line;
        fl->col = COL(p);
        if (*p != '"') {
            /* the common case inline: plain ASCII up to the separator */
            p = skip(p, cls);
            c = *p;
            n = c == sep || c == '\n' || c == '\r' || p == e ? 0
              : scan_plain(r, err, &p, e, line, lstart, &cont);
            if (n == ST_FAIL)
                return ST_FAIL;
            if ((size_t)(p - fs) > CR_CSV_FIELD_MAX)
                return fail(r, err, EX_DATAERR, fl->line, fl->col, "field longer than %d bytes",
                            CR_CSV_FIELD_MAX);
            if (n == ST_MORE)
                goto more;
            fl->s = (char *)fs;
            fl->len = (size_t)(p - fs);
            fl->dq = 0;
            fl->quoted = 0;
        } else {
            unsigned char *q = p + 1;
            size_t dq = 0;
            for (;;) {
                q = skip(q, qcls);
                c = *q;
                if (c == '"') {
                    /* a quote last in the buffer looks closing (the sentinel
                     * follows); the terminator check below then asks for more */
                    if (q[1] != '"')
                        break;
                    dq++;
                    q += 2;
                } else if (c == '\n' || c == '\r') {
                    /* a CR last in the buffer: the field cannot end before more
                     * input comes, and the retry counts the line end again */
                    q += (c == '\r' && q[1] == '\n') ? 2 : 1;
                    line++;
                    lstart = q;
                    cont = 0;
                } else if (c == 0) {
                    if (q != e)
                        return fail(r, err, EX_DATAERR, line, COL(q), "nul byte");
                    if (!eof)
                        goto quoted_more;
                    return fail(r, err, EX_DATAERR, fl->line, fl->col,
                                "unterminated quoted field");
                } else {
                    n = utf8_seq(q, (size_t)(e - q), &why);
                    if (n > 0) {
                        q += n;
                        cont += n - 1;
                        continue;
                    }
                    if (n < 0 && !eof)
                        goto quoted_more;
                    if (n < 0)
                        why = "truncated sequence";
                    return bad_utf8(r, err, line, COL(q), q, why);
                }
            }
            if ((size_t)(q - p - 1) - dq > CR_CSV_FIELD_MAX)
                return fail(r, err, EX_DATAERR, fl->line, fl->col, "field longer than %d bytes",
                            CR_CSV_FIELD_MAX);
            fl->s = (char *)p + 1;
            fl->len = (size_t)(q - p - 1);
            fl->dq = dq;
            fl->quoted = 1;
            any_dq |= dq;
            p = q + 1;
            c = *p;
            if (c != sep && c != '\n' && c != '\r' && p != e) {
                if (!r->lenient)
                    return fail(r, err, EX_DATAERR, line, COL(p), "text after closing quote");
                /* lenient: the text runs on, unquoted, to the separator */
                n = scan_plain(r, err, &p, e, line, lstart, &cont);
                if (n == ST_FAIL)
                    return ST_FAIL;
                if ((size_t)(p - (unsigned char *)fl->s) - dq - 1 > CR_CSV_FIELD_MAX)
                    return fail(r, err, EX_DATAERR, fl->line, fl->col,
                                "field longer than %d bytes", CR_CSV_FIELD_MAX);
                if (n == ST_MORE)
                    goto more;
                fl->cq = fl->len;
                fl->len = (size_t)(p - (unsigned char *)fl->s);
                fl->quoted = 2;
                any_dq = 1;
            }
            goto terminator;
        quoted_more:
            /* an unterminated quote must not make the buffer swallow the file */
            if ((size_t)(q - p - 1) - dq > CR_CSV_FIELD_MAX)
                return fail(r, err, EX_DATAERR, fl->line, fl->col,
                            "quoted field longer than %d bytes (unterminated quote?)",
                            CR_CSV_FIELD_MAX);
            goto more;
        }
    terminator:
        if (*p == sep) {
            fl->s[fl->len] = '\0';
            p++;
            continue;
        }
        end_line = line;
        end_col = COL(p);
        if (p == e) {
            if (!eof)
                goto more;
        } else if (*p == '\n') {
            p++;
            line++;
        } else {
            if (p + 1 == e && !eof)
                goto more;
            p += p[1] == '\n' ? 2 : 1;
            line++;
        }
        fl->s[fl->len] = '\0';
        break;
    }

    r->pos = (size_t)((char *)p - r->buf);
    r->line = line;
    r->nf = nf;
    r->rec_line = f[0].line;
    if (any_dq)
        collapse_quotes(f, nf);
    return check_count(r, err, end_line, end_col);

more:
    undo_terminators(f, nf - 1, (char)sep);
    return ST_MORE;
}

/* Headerless input: the first record read is held back and a header naming
 * its fields "1".."n" (at the fields' own positions) is returned instead; the
 * next call returns the held record. The buffer is not refilled in between, so
 * the held fields still point at their text. */
static int make_header(cr_csv *r, cr_error *err)
{
    size_t n = r->nf;
    r->held = malloc(n * sizeof *r->held);
    r->names = malloc(n * 6);
    if (!r->held || !r->names)
        return fail(r, err, CR_EX_NOMEM, 0, 0, "out of memory");
    memcpy(r->held, r->f, n * sizeof *r->held);
    r->held_n = n;
    for (size_t i = 0; i < n; i++) {
        char *name = r->names + i * 6;
        r->f[i].len = (size_t)snprintf(name, 6, "%zu", i + 1);
        r->f[i].s = name;
    }
    r->replay = 1;
    return 1;
}

/* The next record of a source, copied into the reader's fields. */
static int source_next(cr_csv *r, cr_error *err)
{
    const cr_csv_cell *cells = NULL;
    size_t n = 0;
    long line = 0;
    cr_error e;
    cr_error_clear(&e);
    int rc = r->src->next(r->src_ctx, &cells, &n, &line, &e);
    if ((rc == -1 || rc == 2) && err)
        *err = e;
    if (rc == -1) {
        r->err = e;
        r->failed = 1;
        return -1;
    }
    for (size_t i = 0; rc > 0 && i < n && i < CR_CSV_COLUMNS_MAX; i++)
        r->f[i] = (csv_field){.s = (char *)cells[i].s, .len = cells[i].len, .line = cells[i].line,
                              .col = cells[i].col};
    r->nf = rc > 0 ? (n < CR_CSV_COLUMNS_MAX ? n : CR_CSV_COLUMNS_MAX) : 0;
    r->rec_line = line;
    return rc == 2 ? -1 : rc;
}

cr_csv *cr_csv_open_source(const char *name, const cr_csv_source *src, void *ctx, cr_error *err)
{
    cr_csv *r = reader_new(name, 0, 64, err);
    if (!r) {
        src->close(ctx);
        return NULL;
    }
    r->src = src;
    r->src_ctx = ctx;
    return r;
}

int cr_csv_next(cr_csv *r, cr_error *err)
{
    if (r->failed) {
        if (err)
            *err = r->err;
        return -1;
    }
    if (r->replay) {
        r->replay = 0;
        memcpy(r->f, r->held, r->held_n * sizeof *r->f);
        r->nf = r->held_n;
        return 1;
    }
    r->nf = 0;
    if (r->src)
        return source_next(r, err);
    for (;;) {
        int rc;
        if (!r->started)
            rc = start(r, err);
        else if (!r->sep)
            rc = detect(r);
        else
            rc = parse_record(r, err);
        if (rc == ST_MORE) {
            if (fill(r, err) < 0)
                return -1;
            continue;
        }
        if (rc == ST_AGAIN)
            continue;
        if (rc == ST_RECORD && r->headerless && !r->held)
            return make_header(r, err) > 0 ? 1 : -1;
        return rc == ST_RECORD ? 1 : rc == ST_END ? 0 : -1;
    }
}

int cr_csv_set_encoding(cr_csv *r, const char *encoding, cr_error *err)
{
    if (!encoding)
        return 0;
    if (!cr_csv_encoding_known(encoding))
        return cr_error_set(err, EX_USAGE, r->name, 0, 0, "unknown encoding '%s'", encoding);
    free(r->encoding);
    r->encoding = strdup(encoding);
    return r->encoding ? 0 : cr_error_set(err, CR_EX_NOMEM, r->name, 0, 0, "out of memory");
}

void cr_csv_set_lenient_quotes(cr_csv *r, bool lenient)
{
    r->lenient = lenient;
    if (r->sep)
        set_separator(r, r->sep);
}

void cr_csv_set_headerless(cr_csv *r, bool headerless)
{
    r->headerless = headerless;
}

cr_csv *cr_csv_reopen(const cr_csv *like, char sep, cr_error *err)
{
    cr_csv *r = cr_csv_open_file(like->name, sep, err);
    if (!r)
        return NULL;
    cr_csv_set_lenient_quotes(r, like->lenient);
    cr_csv_set_headerless(r, like->headerless);
    if (cr_csv_set_encoding(r, like->encoding, err)) {
        cr_csv_close(r);
        return NULL;
    }
    return r;
}

bool cr_csv_encoding_known(const char *encoding)
{
    iconv_t cd = iconv_open("UTF-8", encoding);
    if (cd == (iconv_t)-1)
        return false;
    iconv_close(cd);
    return true;
}

size_t cr_csv_count(const cr_csv *r)
{
    return r->nf;
}

const char *cr_csv_field(const cr_csv *r, size_t i, size_t *len)
{
    if (i >= r->nf) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = r->f[i].len;
    return r->f[i].s;
}

long cr_csv_record_line(const cr_csv *r)
{
    return r->nf ? r->rec_line : 0;
}

long cr_csv_field_line(const cr_csv *r, size_t i)
{
    return i < r->nf ? r->f[i].line : 0;
}

long cr_csv_field_column(const cr_csv *r, size_t i)
{
    return i < r->nf ? r->f[i].col : 0;
}

char cr_csv_separator(const cr_csv *r)
{
    return r->sep;
}

unsigned long long cr_csv_offset(const cr_csv *r)
{
    if (r->src)
        return r->src->offset(r->src_ctx);
    /* converted input: the bytes taken from the file (the unit of its size) */
    if (r->cd != (iconv_t)-1)
        return r->in_total - (r->raw_end - r->raw_off);
    return r->base + r->pos;
}

#define HIGH_BITS 0x8080808080808080ULL
#define LOW_BITS 0x0101010101010101ULL

size_t cr_utf8_invalid_at(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    const char *why;
    while (i < len) {
        if (len - i >= 8) {
            uint64_t v;
            memcpy(&v, u + i, 8);
            /* eight ASCII bytes, none of them NUL */
            if (!(v & HIGH_BITS) && !((v - LOW_BITS) & ~v & HIGH_BITS)) {
                i += 8;
                continue;
            }
        }
        if (u[i] < 0x80) {
            if (u[i] == 0)
                return i;
            i++;
            continue;
        }
        {
            int n = utf8_seq(u + i, len - i, &why);
            if (n <= 0)
                return i;
            i += (size_t)n;
        }
    }
    return (size_t)-1;
}

size_t cr_utf8_length(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, n = 0;
    for (; len - i >= 8; i += 8) {
        uint64_t v;
        memcpy(&v, u + i, 8);
        if (!(v & HIGH_BITS)) {
            n += 8;
            continue;
        }
        for (size_t k = i; k < i + 8; k++)
            n += (u[k] & 0xC0) != 0x80;
    }
    for (; i < len; i++)
        n += (u[i] & 0xC0) != 0x80;
    return n;
}

bool cr_csv_failed(const cr_csv *r)
{
    return r->failed != 0;
}
