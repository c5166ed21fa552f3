/* test_csv.c - the strict CSV reader: records, positions, every rejection, input
 * straddling the 1 MiB read buffer, limits, and a self-timing over ~50 MB.
 *
 * Records are compared as one string: fields joined by '|', each record ended by
 * '/', an error as "<line:column: message>". After an error the next record is
 * read too: a ragged row lets the reader go on, any other error repeats.
 */
#include "csmreport/csv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

#define MIB (1024 * 1024)
#define IN(s) s, sizeof(s) - 1

static char tmpdir[256];

/* Appends to out (size bytes), truncating. */
static void put(char *out, size_t size, const char *s, size_t n)
{
    size_t used = strlen(out);
    if (used + n >= size)
        n = size - used - 1;
    memcpy(out + used, s, n);
    out[used + n] = '\0';
}

/* Reads r to the end into out as described at the top; skips the first skip
 * records; lines are reported relative to line0 (0 = as is). *last gets the
 * relative line of the last record read. */
static void drain(cr_csv *r, const char *name, size_t skip, long line0, char *out, size_t size,
                  long *last)
{
    cr_error err, prev;
    int had_err = 0;
    out[0] = '\0';
    for (;;) {
        int rc;
        cr_error_clear(&err);
        rc = cr_csv_next(r, &err);
        if (rc == 0)
            break;
        if (rc < 0) {
            char buf[CR_ERROR_MSG_MAX + 64];
            if (had_err && err.line == prev.line && err.column == prev.column &&
                strcmp(err.message, prev.message) == 0)
                break; /* fatal: the same error again */
            snprintf(buf, sizeof buf, "<%ld:%ld: %s>", err.line ? err.line - line0 : 0,
                     err.column, err.message);
            put(out, size, buf, strlen(buf));
            if (err.code != EX_DATAERR || strcmp(err.file, name) != 0)
                put(out, size, IN("[bad code or file]"));
            prev = err;
            had_err = 1;
            continue;
        }
        had_err = 0;
        if (skip) {
            skip--;
            continue;
        }
        if (last)
            *last = cr_csv_record_line(r) - line0;
        for (size_t i = 0; i < cr_csv_count(r); i++) {
            size_t len;
            const char *f = cr_csv_field(r, i, &len);
            if (i)
                put(out, size, "|", 1);
            put(out, size, f, len);
            if (strlen(f) != len)
                put(out, size, IN("[len]"));
        }
        put(out, size, "/", 1);
    }
}

static int write_file(const char *path, const char *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    int ok;
    if (!fp)
        return 0;
    ok = fwrite(data, 1, len, fp) == len;
    return fclose(fp) == 0 && ok;
}

/* ---- records, separators, line ends ---------------------------------- */

static const struct {
    const char *name;
    const char *in;
    size_t len;
    char sep;      /* given; 0 = detect */
    char want_sep;
    const char *want;
} cases[] = {
    {"simple", IN("a,b,c\n1,2,3\n"), 0, ',', "a|b|c/1|2|3/"},
    {"quoted comma", IN("a,b\n\"x,y\",z\n"), 0, ',', "a|b/x,y|z/"},
    {"doubled quote", IN("a,b\n\"he said \"\"hi\"\"\",2\n"), 0, ',', "a|b/he said \"hi\"|2/"},
    {"only doubled quotes", IN("a\n\"\"\"\"\"\"\n"), 0, ',', "a/\"\"/"},
    {"embedded LF", IN("a,b\n\"l1\nl2\",2\n"), 0, ',', "a|b/l1\nl2|2/"},
    {"embedded CRLF", IN("a,b\r\n\"l1\r\nl2\",2\r\n"), 0, ',', "a|b/l1\r\nl2|2/"},
    {"embedded bare CR", IN("a,b\r\"l1\rl2\",2\r"), 0, ',', "a|b/l1\rl2|2/"},
    {"CRLF", IN("a,b\r\n1,2\r\n"), 0, ',', "a|b/1|2/"},
    {"bare CR", IN("a,b\r1,2\r"), 0, ',', "a|b/1|2/"},
    {"mixed line ends", IN("a,b\r\n1,2\n3,4\r5,6"), 0, ',', "a|b/1|2/3|4/5|6/"},
    {"UTF-8 BOM", IN("\xEF\xBB\xBF" "a,b\n1,2\n"), 0, ',', "a|b/1|2/"},
    {"no final newline", IN("a,b\n1,2"), 0, ',', "a|b/1|2/"},
    {"empty fields", IN("a,b,c\n,,\n"), 0, ',', "a|b|c/||/"},
    {"empty last field at EOF", IN("a,b\n1,"), 0, ',', "a|b/1|/"},
    {"quoted empty", IN("a,b\n\"\",\"\"\n"), 0, ',', "a|b/|/"},
    {"quoted last at EOF", IN("a,b\n1,\"x\""), 0, ',', "a|b/1|x/"},
    {"semicolon detected", IN("a;b;c\n1;2,5;3\n"), 0, ';', "a|b|c/1|2,5|3/"},
    {"tab detected", IN("a\tb\n1\t2\n"), 0, '\t', "a|b/1|2/"},
    {"tie is comma", IN("a,b;c\n1,2;3\n"), 0, ',', "a|b;c/1|2;3/"},
    {"quoted separators not counted", IN("\"a;b;c\",d\n1,2\n"), 0, ',', "a;b;c|d/1|2/"},
    {"given semicolon", IN("a,b;c\n1,2;3\n"), ';', ';', "a,b|c/1,2|3/"},
    {"header only", IN("a,b\n"), 0, ',', "a|b/"},
    {"trailing blank lines", IN("a,b\n1,2\n\n\r\n\r"), 0, ',', "a|b/1|2/"},
    {"blank line, one column", IN("a\n1\n\n2\n"), 0, ',', "a/1//2/"},
    {"two blank lines, one column", IN("a\n\r\n\r\n2\n\n"), 0, ',', "a///2/"},
    {"blank line in the middle", IN("a,b\n1,2\n\n3,4\n"), 0, ',',
     "a|b/1|2/<3:1: row has 1 field, header has 2>3|4/"},
    {"multi-byte text", IN("\xE5\x90\x8D,b\n\xC3\x85se,\xF0\x9F\x98\x80\n"), 0, ',',
     "\xE5\x90\x8D|b/\xC3\x85se|\xF0\x9F\x98\x80/"},
    {"other control bytes kept", IN("a,b\nx\ty,\x01\n"), ',', ',', "a|b/x\ty|\x01/"},
    {"space kept", IN("a,b\n 1 , 2\n"), 0, ',', "a|b/ 1 | 2/"},
    {"quote in header name", IN("\"a\"\"b\",c\n1,2\n"), 0, ',', "a\"b|c/1|2/"},

    /* errors: line and character column of the offending byte */
    {"unterminated quote at EOF", IN("a,b\n1,\"xy\n2,3\n"), 0, ',',
     "a|b/<2:3: unterminated quoted field>"},
    {"text after closing quote", IN("a,b\n\"x\"y,2\n"), 0, ',',
     "a|b/<2:4: text after closing quote>"},
    {"space after closing quote", IN("a,b\n1,\"x\" \n"), 0, ',',
     "a|b/<2:6: text after closing quote>"},
    {"quote in unquoted field", IN("a,b\nx\"y,2\n"), 0, ',',
     "a|b/<2:2: quote inside an unquoted field>"},
    {"short row", IN("a,b,c\n1,2\n4,5,6\n"), 0, ',',
     "a|b|c/<2:4: row has 2 fields, header has 3>4|5|6/"},
    {"short row at EOF", IN("a,b,c\n1,2"), 0, ',', "a|b|c/<2:4: row has 2 fields, header has 3>"},
    {"long row", IN("a,b\n1,2,3\n4,5\n"), 0, ',',
     "a|b/<2:5: row has 3 fields, header has 2>4|5/"},
    {"long row after quoted newline", IN("a,b\n\"x\ny\",2,3\n"), 0, ',',
     "a|b/<3:6: row has 3 fields, header has 2>"},
    {"empty file", IN(""), 0, 0, "<1:1: file is empty>"},
    {"blank lines only", IN("\n\r\n\r"), 0, ',', "<1:1: file is empty>"},
    {"BOM only", IN("\xEF\xBB\xBF"), 0, ',', "<1:1: file is empty>"},
    /* a UTF-16 or UTF-32 byte-order mark: converted (test_csv_exports.c) */
    {"UTF-16 LE BOM", IN("\xFF\xFE" "a\0,\0b\0"), 0, ',', "a|b/"},
    {"UTF-16 BE BOM", IN("\xFE\xFF\0a"), 0, ',', "a/"},
    {"UTF-32 LE BOM", IN("\xFF\xFE\0\0a\0\0\0"), 0, ',', "a/"},
    {"overlong C0 AF", IN("a,b\nx\xC0\xAF,2\n"), 0, ',',
     "a|b/<2:2: invalid UTF-8: overlong encoding (byte 0xC0)>"},
    {"overlong E0 80 AF", IN("a,b\n1,\xE0\x80\xAF\n"), 0, ',',
     "a|b/<2:3: invalid UTF-8: overlong encoding (byte 0xE0)>"},
    {"lone continuation 80", IN("a,b\n1,\x80\n"), 0, ',',
     "a|b/<2:3: invalid UTF-8: unexpected continuation byte (byte 0x80); the file looks like Windows-1252: re-save it as \"CSV UTF-8\" or set encoding=\"windows-1252\" in its profile>"},
    {"truncated E2 82 at field end", IN("a,b\n1,\xE2\x82\n"), 0, ',',
     "a|b/<2:3: invalid UTF-8: truncated sequence (byte 0xE2)>"},
    {"truncated E2 82 before separator", IN("a,b\n\xE2\x82,1\n"), 0, ',',
     "a|b/<2:1: invalid UTF-8: truncated sequence (byte 0xE2)>"},
    {"truncated E2 82 at EOF", IN("a,b\n1,\xE2\x82"), 0, ',',
     "a|b/<2:3: invalid UTF-8: truncated sequence (byte 0xE2)>"},
    {"truncated E2 82 in quotes", IN("a,b\n1,\"\xE2\x82\"\n"), 0, ',',
     "a|b/<2:4: invalid UTF-8: truncated sequence (byte 0xE2)>"},
    {"surrogate ED A0 80", IN("a,b\n\xED\xA0\x80,1\n"), 0, ',',
     "a|b/<2:1: invalid UTF-8: encoded surrogate (byte 0xED)>"},
    {"above U+10FFFF F4 90", IN("a,b\n1,\xF4\x90\x80\x80\n"), 0, ',',
     "a|b/<2:3: invalid UTF-8: code point above U+10FFFF (byte 0xF4)>"},
    {"above U+10FFFF F5", IN("a,b\n1,\xF5\x80\x80\x80\n"), 0, ',',
     "a|b/<2:3: invalid UTF-8: code point above U+10FFFF (byte 0xF5)>"},
    {"byte FF", IN("a,b\n1,x\xFF\n"), 0, ',', "a|b/<2:4: invalid UTF-8: invalid byte (byte 0xFF); the file looks like Windows-1252: re-save it as \"CSV UTF-8\" or set encoding=\"windows-1252\" in its profile>"},
    {"NUL", IN("a,b\n1,x\0y\n"), 0, ',', "a|b/<2:4: nul byte>"},
    {"NUL in quotes", IN("a,b\n1,\"x\0\"\n"), 0, ',', "a|b/<2:5: nul byte>"},
    {"NUL in header", IN("a\0,b\n"), 0, ',', "<1:2: nul byte>"},
    {"error after quoted LF", IN("a,b\n\"x\ny\",1\n2,3\"\n"), 0, ',',
     "a|b/x\ny|1/<4:4: quote inside an unquoted field>"},
    {"error after quoted CRLF", IN("a,b\r\n\"x\r\ny\",1\r\n2\r\n"), 0, ',',
     "a|b/x\r\ny|1/<4:2: row has 1 field, header has 2>"},
    {"error after quoted bare CR", IN("a,b\r\"x\ry\",1\r2\r"), 0, ',',
     "a|b/x\ry|1/<4:2: row has 1 field, header has 2>"},
    {"error on the quoted field's last line", IN("a,b\n1,\"x\n\xC3\xA9\"z\n"), 0, ',',
     "a|b/<3:3: text after closing quote>"},
    {"column counts code points", IN("a,b\n\xC3\x85\xC3\xB8\xC3\xA9,x\"\n"), 0, ',',
     "a|b/<2:6: quote inside an unquoted field>"},
    {"column after 3- and 4-byte characters", IN("a,b\n\xE5\x90\x8D\xF0\x9F\x98\x80,\x80\n"), 0,
     ',', "a|b/<2:4: invalid UTF-8: unexpected continuation byte (byte 0x80); the file looks like Windows-1252: re-save it as \"CSV UTF-8\" or set encoding=\"windows-1252\" in its profile>"},
    {"column after BOM", IN("\xEF\xBB\xBF" "a,\"b\"c\n"), 0, ',',
     "<1:6: text after closing quote>"},
    {"column in quotes after characters", IN("a,b\n\"\xC3\x85\xC3\x85\"x,1\n"), 0, ',',
     "a|b/<2:5: text after closing quote>"},
};

static void test_cases(void)
{
    char out[4096], path[512];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_error err;
        cr_csv *r = cr_csv_open_memory(cases[i].in, cases[i].len, "t.csv", cases[i].sep, &err);
        CHECK(r != NULL, "memory open: %s", cases[i].name);
        if (!r)
            continue;
        drain(r, "t.csv", 0, 0, out, sizeof out, NULL);
        CHECK_STR(out, cases[i].want, "memory: %s", cases[i].name);
        if (cases[i].want[0] != '<')
            CHECK_INT(cr_csv_separator(r), cases[i].want_sep, "separator: %s", cases[i].name);
        cr_csv_close(r);

        /* the same through a file */
        snprintf(path, sizeof path, "%s/case.csv", tmpdir);
        CHECK(write_file(path, cases[i].in, cases[i].len), "write %s", cases[i].name);
        r = cr_csv_open_file(path, cases[i].sep, &err);
        CHECK(r != NULL, "file open: %s", cases[i].name);
        if (!r)
            continue;
        drain(r, path, 0, 0, out, sizeof out, NULL);
        CHECK_STR(out, cases[i].want, "file: %s", cases[i].name);
        cr_csv_close(r);
    }
}

/* ---- positions of records and fields --------------------------------- */

static void test_positions(void)
{
    /* line 1 header; record 2 spans lines 2-3; record 3 on line 4 */
    static const char in[] = "h1,h2,h3\n\"x\ny\",\xC3\xA9,\"z\"\n\xC3\x85\xC3\x85,q,r\n";
    static const struct {
        int rec;     /* 0 = header */
        size_t field;
        long line, col;
    } want[] = {
        {0, 0, 1, 1}, {0, 1, 1, 4}, {0, 2, 1, 7},
        {1, 0, 2, 1}, {1, 1, 3, 4}, {1, 2, 3, 6},
        {2, 0, 4, 1}, {2, 1, 4, 4}, {2, 2, 4, 6},
    };
    static const long rec_line[] = {1, 2, 4};
    cr_error err;
    cr_csv *r = cr_csv_open_memory(in, sizeof in - 1, "p.csv", 0, &err);
    int rec = -1;
    CHECK(r != NULL, "positions: open");
    if (!r)
        return;
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        while (rec < want[k].rec) {
            CHECK_INT(cr_csv_next(r, &err), 1, "positions: record %d", rec + 1);
            rec++;
            CHECK_INT(cr_csv_record_line(r), rec_line[rec], "positions: record %d line", rec);
        }
        CHECK_INT(cr_csv_field_line(r, want[k].field), want[k].line,
                  "positions: record %d field %zu line", rec, want[k].field);
        CHECK_INT(cr_csv_field_column(r, want[k].field), want[k].col,
                  "positions: record %d field %zu column", rec, want[k].field);
    }
    CHECK(cr_csv_field(r, 3, NULL) == NULL, "positions: field past the end is NULL");
    CHECK_INT(cr_csv_next(r, &err), 0, "positions: end");
    CHECK_INT(cr_csv_offset(r), sizeof in - 1, "positions: offset at end");
    CHECK_INT(cr_csv_next(r, &err), 0, "positions: end again");
    cr_csv_close(r);
}

/* ---- UTF-8 helpers ------------------------------------------------------ */

static void test_utf8(void)
{
    static const struct {
        const char *s;
        size_t len;
        size_t bad;   /* (size_t)-1 = valid */
        size_t cps;   /* code points when valid */
    } t[] = {
        {IN(""), (size_t)-1, 0},
        {IN("plain ascii, longer than eight bytes"), (size_t)-1, 36},
        {IN("\xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF"), (size_t)-1, 9},
        {IN("0123456789\xC0\xAF"), 10, 0},
        {IN("0123456789abcdef\x80"), 16, 0},
        {IN("01234567\xE2\x82"), 8, 0},
        {IN("ab\xED\xA0\x80"), 2, 0},
        {IN("ab\xED\x9F\xBF"), (size_t)-1, 3},
        {IN("ab\xF4\x90\x80\x80"), 2, 0},
        {IN("abcdefghijk\0"), 11, 0},
        {IN("\xE0\x9F\xBF"), 0, 0},
        {IN("\xF0\x8F\xBF\xBF"), 0, 0},
        {IN("\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC"), (size_t)-1, 3},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        CHECK_INT((long long)cr_utf8_invalid_at(t[i].s, t[i].len), (long long)t[i].bad,
                  "utf8_invalid_at case %zu", i);
        if (t[i].bad == (size_t)-1)
            CHECK_INT(cr_utf8_length(t[i].s, t[i].len), t[i].cps, "utf8_length case %zu", i);
    }
}

/* ---- limits --------------------------------------------------------------- */

/* "h1,h2\n" + field + ",x\n" where field is n bytes of 'a', optionally quoted with
 * one doubled quote in it (content still n bytes). */
static char *big_field(size_t n, int quoted, size_t *len)
{
    char *s = malloc(n + 32), *p = s;
    p += sprintf(p, "h1,h2\n");
    if (quoted) {
        *p++ = '"';
        memset(p, 'a', n - 1);
        p += n - 1;
        memcpy(p, "\"\"", 2); /* one quote of content, two bytes raw */
        p += 2;
        *p++ = '"';
    } else {
        memset(p, 'a', n);
        p += n;
    }
    p += sprintf(p, ",x\n");
    *len = (size_t)(p - s);
    return s;
}

static void test_limits(void)
{
    static const struct {
        size_t n;
        int quoted, ok;
    } t[] = {
        {MIB, 0, 1}, {MIB + 1, 0, 0}, {MIB, 1, 1}, {MIB + 1, 1, 0},
    };
    char path[512];
    snprintf(path, sizeof path, "%s/big.csv", tmpdir);
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        for (int file = 0; file < 2; file++) {
            size_t len;
            char *s = big_field(t[i].n, t[i].quoted, &len);
            cr_error err;
            cr_csv *r;
            const char *name = file ? path : "big.csv";
            if (file) {
                CHECK(write_file(path, s, len), "limits: write");
                r = cr_csv_open_file(path, 0, &err);
            } else {
                r = cr_csv_open_memory(s, len, name, 0, &err);
            }
            CHECK(r != NULL, "limits: open");
            if (!r) {
                free(s);
                continue;
            }
            CHECK_INT(cr_csv_next(r, &err), 1, "limits %zu: header", i);
            cr_error_clear(&err);
            if (t[i].ok) {
                size_t flen;
                const char *f;
                CHECK_INT(cr_csv_next(r, &err), 1, "limits %zu %s: field of %zu accepted", i,
                          file ? "file" : "memory", t[i].n);
                f = cr_csv_field(r, 0, &flen);
                CHECK_INT(flen, t[i].n, "limits %zu: field length", i);
                CHECK(f && f[0] == 'a' && f[flen - 1] == (t[i].quoted ? '"' : 'a') &&
                          f[flen] == '\0',
                      "limits %zu: field content", i);
                CHECK_STR(cr_csv_field(r, 1, NULL), "x", "limits %zu: next field", i);
                CHECK_INT(cr_csv_next(r, &err), 0, "limits %zu: end", i);
            } else {
                CHECK_INT(cr_csv_next(r, &err), -1, "limits %zu %s: field of %zu rejected", i,
                          file ? "file" : "memory", t[i].n);
                CHECK_INT(err.line * 1000 + err.column, 2001, "limits %zu: at 2:1", i);
                CHECK(strstr(err.message, "longer than 1048576 bytes") != NULL,
                      "limits %zu: message '%s'", i, err.message);
            }
            cr_csv_close(r);
            free(s);
        }
    }

    /* a stray opening quote must not make the reader buffer the whole file */
    {
        size_t len = 3 * MIB, n = 0;
        char *s = malloc(len);
        cr_error err;
        cr_csv *r;
        n += (size_t)sprintf(s, "a,b\n1,\"2\n");
        while (n + 4 <= len) {
            memcpy(s + n, "3,4\n", 4);
            n += 4;
        }
        r = cr_csv_open_memory(s, n, "q.csv", 0, &err);
        CHECK_INT(cr_csv_next(r, &err), 1, "stray quote: header");
        CHECK_INT(cr_csv_next(r, &err), -1, "stray quote: error");
        CHECK_INT(err.line * 1000 + err.column, 2003, "stray quote: at the quote (2:3)");
        CHECK(strstr(err.message, "unterminated quote?") != NULL, "stray quote: message '%s'",
              err.message);
        cr_csv_close(r);
        free(s);
    }

    /* columns: 4096 accepted; 100,000 rejected where field 4097 starts */
    {
        static const struct {
            size_t cols;
            int ok;
        } c[] = {{4096, 1}, {4097, 0}, {100000, 0}};
        for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
            size_t len = 2 * c[i].cols;
            char *s = malloc(2 * len);
            cr_error err;
            cr_csv *r;
            for (size_t k = 0; k < c[i].cols; k++) {
                s[2 * k] = 'a';
                s[2 * k + 1] = k + 1 < c[i].cols ? ',' : '\n';
            }
            memcpy(s + len, s, len); /* a data row like the header */
            r = cr_csv_open_memory(s, 2 * len, "wide.csv", 0, &err);
            if (c[i].ok) {
                CHECK_INT(cr_csv_next(r, &err), 1, "columns %zu: header", c[i].cols);
                CHECK_INT(cr_csv_count(r), c[i].cols, "columns %zu: count", c[i].cols);
                CHECK_INT(cr_csv_next(r, &err), 1, "columns %zu: row", c[i].cols);
                CHECK_INT(cr_csv_field_column(r, c[i].cols - 1), 2 * c[i].cols - 1,
                          "columns %zu: last column", c[i].cols);
            } else {
                CHECK_INT(cr_csv_next(r, &err), -1, "columns %zu: rejected", c[i].cols);
                CHECK_INT(err.line, 1, "columns %zu: line", c[i].cols);
                CHECK_INT(err.column, 2 * 4096 + 1, "columns %zu: column of field 4097",
                          c[i].cols);
                CHECK_STR(err.message, "row has more than 4096 fields", "columns %zu: message",
                          c[i].cols);
                CHECK_INT(cr_csv_next(r, &err), -1, "columns %zu: reader stopped", c[i].cols);
            }
            cr_csv_close(r);
            free(s);
        }
    }
}

/* ---- input straddling the read buffer ----------------------------------- */

/* Builds header + filler rows + construct + suffix so that the construct starts k
 * bytes before the 1 MiB buffer boundary, reads it (from memory, whose buffer is
 * also 1 MiB, or from a file) and returns the construct's and suffix's records
 * with lines relative to the line before the construct. */
static void straddle(int cols, const char *con, size_t clen, const char *suffix, size_t k,
                     int file, char *out, size_t size)
{
    const char *header = cols == 1 ? "h\n" : "h1,h2\n";
    size_t hlen = strlen(header), slen = strlen(suffix);
    size_t pad = MIB - k - hlen, rows = pad / 1024, n = 0;
    size_t total = MIB + clen + slen + 16;
    char *s = malloc(total), path[512];
    cr_error err;
    cr_csv *r;
    long last = 0;

    memcpy(s, header, hlen);
    n = hlen;
    for (size_t i = 0; i < rows; i++) {
        /* 1 KiB rows; the last one also takes the remainder */
        size_t len = i + 1 < rows ? 1024 : 1024 + pad % 1024;
        memset(s + n, 'x', len - 1);
        if (cols == 2)
            s[n + len - 3] = ',';
        s[n + len - 1] = '\n';
        n += len;
    }
    memcpy(s + n, con, clen);
    n += clen;
    memcpy(s + n, suffix, slen);
    n += slen;
    if (file) {
        snprintf(path, sizeof path, "%s/straddle.csv", tmpdir);
        if (!write_file(path, s, n)) {
            snprintf(out, size, "cannot write");
            free(s);
            return;
        }
        r = cr_csv_open_file(path, 0, &err);
    } else {
        snprintf(path, sizeof path, "s.csv");
        r = cr_csv_open_memory(s, n, path, 0, &err);
    }
    if (!r) {
        snprintf(out, size, "cannot open");
    } else {
        drain(r, path, 1 + rows, (long)(1 + rows), out, size, &last);
        cr_csv_close(r);
    }
    free(s);
}

static void test_straddle(void)
{
    static const struct {
        const char *name;
        int cols;
        const char *con;
        size_t clen;
        const char *suffix;
        const char *want;
    } t[] = {
        {"quoted CRLF", 2, IN("\"ab\r\ncd\",z\n"), "end,z\n", "ab\r\ncd|z/end|z/"},
        {"record CRLF", 2, IN("x,y\r\n"), "end,z\n", "x|y/end|z/"},
        {"record bare CR", 2, IN("x,y\r"), "end,z\r\n", "x|y/end|z/"},
        {"two-byte characters", 2, IN("\xC3\xA9,\xC3\xBC\n"), "end,z\n",
         "\xC3\xA9|\xC3\xBC/end|z/"},
        {"four-byte and quoted three-byte", 2, IN("\xF0\x9F\x98\x80,\"\xE2\x82\xAC\"\n"),
         "end,z\n", "\xF0\x9F\x98\x80|\xE2\x82\xAC/end|z/"},
        {"closing and doubled quotes", 2, IN("\"q\",\"r\"\"s\"\r\n"), "end,z\n",
         "q|r\"s/end|z/"},
        {"quoted bare CR", 2, IN("\"a\rb\",c\r"), "end,z\n", "a\rb|c/end|z/"},
        {"blank line CRLF, one column", 1, IN("\r\n"), "end\n", "/end/"},
        {"blank line CR, one column", 1, IN("\r"), "end\n", "/end/"},
        {"trailing blank lines", 2, IN("x,y\n\r\n\r\n"), "", "x|y/"},
        {"text after closing quote", 2, IN("1,\"x\"y\n"), "end,z\n",
         "<1:6: text after closing quote>"},
        {"truncated sequence", 2, IN("1,\xE2\x82\n"), "end,z\n",
         "<1:3: invalid UTF-8: truncated sequence (byte 0xE2)>"},
        {"NUL", 2, IN("1,ab\0\n"), "end,z\n", "<1:5: nul byte>"},
        {"error after quoted LF", 2, IN("\"a\nb\",c\nd\"\n"), "end,z\n",
         "a\nb|c/<3:2: quote inside an unquoted field>"},
        {"unterminated quote", 2, IN("1,\"abc"), "end,z\n", "<1:3: unterminated quoted field>"},
    };
    char out[4096];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        int bad = 0;
        /* every split point inside the construct, plus one before and one after */
        for (size_t k = 0; k <= t[i].clen + 1 && !bad; k++) {
            for (int file = 0; file < 2 && !bad; file++) {
                straddle(t[i].cols, t[i].con, t[i].clen, t[i].suffix, k, file, out, sizeof out);
                if (strcmp(out, t[i].want) != 0) {
                    bad = 1;
                    CHECK_STR(out, t[i].want, "straddle %s: split %zu bytes in, %s", t[i].name, k,
                              file ? "file" : "memory");
                }
            }
        }
        if (!bad)
            CHECK(1, "straddle %s: every split point, memory and file", t[i].name);
    }
}

/* ---- a big file: straddling records, lines, offsets, speed ---------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The baseline the import benchmark compares with: read(2) chunks, split lines
 * with memchr, split fields with memchr, count fields. */
static size_t bare_split(const char *path, size_t *rows)
{
    FILE *fp = fopen(path, "rb");
    size_t cap = MIB, have = 0, nfields = 0;
    char *buf = malloc(cap);
    *rows = 0;
    for (;;) {
        size_t n = fread(buf + have, 1, cap - have, fp), used = 0;
        have += n;
        for (;;) {
            char *nl = memchr(buf + used, '\n', have - used), *p = buf + used;
            if (!nl)
                break;
            while (p < nl) {
                char *c = memchr(p, ',', (size_t)(nl - p));
                nfields++;
                p = c ? c + 1 : nl;
            }
            (*rows)++;
            used = (size_t)(nl - buf) + 1;
        }
        memmove(buf, buf + used, have - used);
        have -= used;
        if (n == 0)
            break;
    }
    fclose(fp);
    free(buf);
    return nfields;
}

static void test_usage_file(void)
{
    char path[512];
    FILE *fp;
    size_t rows = 0, bytes = 0, target = 50u * MIB;
    unsigned long long x = 88172645463325252ULL;
    snprintf(path, sizeof path, "%s/usage.csv", tmpdir);
    fp = fopen(path, "wb");
    CHECK(fp != NULL, "usage: create %s", path);
    if (!fp)
        return;
    bytes += (size_t)fprintf(fp, "date,account_id,serial,calls,call_minutes,meetings\r\n");
    while (bytes < target) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        /* every 1000th row quotes its serial with a line break inside */
        if (rows % 1000 == 999)
            bytes += (size_t)fprintf(fp, "2024-%02u-%02u,ACC%05u,\"SN%010llu\nX\",%u,%u,%u\r\n",
                                     (unsigned)(x % 12 + 1), (unsigned)(x % 28 + 1),
                                     (unsigned)(x % 99991), x % 10000000000ULL,
                                     (unsigned)(x % 40), (unsigned)(x % 900),
                                     (unsigned)(x % 9));
        else
            bytes += (size_t)fprintf(fp, "2024-%02u-%02u,ACC%05u,SN%010llu,%u,%u,%u\r\n",
                                     (unsigned)(x % 12 + 1), (unsigned)(x % 28 + 1),
                                     (unsigned)(x % 99991), x % 10000000000ULL,
                                     (unsigned)(x % 40), (unsigned)(x % 900),
                                     (unsigned)(x % 9));
        rows++;
    }
    fclose(fp);

    {
        cr_error err;
        cr_csv *r = cr_csv_open_file(path, 0, &err);
        size_t got = 0, fields = 0, bad = 0;
        long expect_line = 2;
        double t0 = now(), t1;
        int rc;
        CHECK(r != NULL, "usage: open");
        if (!r)
            return;
        CHECK_INT(cr_csv_next(r, &err), 1, "usage: header");
        while ((rc = cr_csv_next(r, &err)) == 1) {
            size_t len;
            const char *serial = cr_csv_field(r, 2, &len);
            fields += cr_csv_count(r);
            if (cr_csv_record_line(r) != expect_line || len != (got % 1000 == 999 ? 14 : 12) ||
                serial[0] != 'S')
                bad++;
            expect_line += got % 1000 == 999 ? 2 : 1;
            got++;
        }
        t1 = now();
        CHECK_INT(rc, 0, "usage: clean end");
        CHECK_INT(got, rows, "usage: every row read");
        CHECK_INT(fields, 6 * rows, "usage: six fields a row");
        CHECK_INT(bad, 0, "usage: lines and serials right across buffer boundaries");
        CHECK_INT(cr_csv_offset(r), bytes, "usage: offset at end is the file size");
        cr_csv_close(r);
        {
            size_t brows;
            double t2 = now(), t3;
            bare_split(path, &brows);
            t3 = now();
            printf("# csv: %zu rows, %.1f MB in %.3f s = %.0f MB/s (bare memchr split: %.3f s = "
                   "%.0f MB/s)\n",
                   rows, bytes / 1e6, t1 - t0, bytes / 1e6 / (t1 - t0), t3 - t2,
                   bytes / 1e6 / (t3 - t2));
        }
    }
    unlink(path);
}

static void test_misc(void)
{
    cr_error err;
    cr_csv *r;
    char path[512];

    snprintf(path, sizeof path, "%s/does-not-exist.csv", tmpdir);
    r = cr_csv_open_file(path, 0, &err);
    CHECK(r == NULL, "missing file: NULL");
    CHECK_INT(err.code, EX_NOINPUT, "missing file: EX_NOINPUT");

    r = cr_csv_open_memory("a", 1, "x", '|', &err);
    CHECK(r == NULL, "bad separator: NULL");
    CHECK_INT(err.code, EX_USAGE, "bad separator: EX_USAGE");

    cr_csv_close(NULL);

    /* a fatal error repeats; fields of the failed record are gone */
    r = cr_csv_open_memory(IN("a,b\n1,\"x\"y\n2,3\n"), "f.csv", 0, &err);
    CHECK_INT(cr_csv_next(r, &err), 1, "fatal: header");
    CHECK_INT(cr_csv_next(r, &err), -1, "fatal: error");
    CHECK_INT(cr_csv_count(r), 0, "fatal: no fields");
    cr_error_clear(&err);
    CHECK_INT(cr_csv_next(r, &err), -1, "fatal: again");
    CHECK_INT(err.line, 2, "fatal: same error again");
    cr_csv_close(r);

    /* a ragged row keeps its fields for a rejected-rows file */
    r = cr_csv_open_memory(IN("a,b\n1,2,3\n"), "g.csv", 0, &err);
    CHECK_INT(cr_csv_next(r, &err), 1, "ragged: header");
    CHECK_INT(cr_csv_next(r, &err), -1, "ragged: error");
    CHECK_INT(cr_csv_count(r), 3, "ragged: fields kept");
    CHECK_STR(cr_csv_field(r, 2, NULL), "3", "ragged: extra field");
    CHECK_INT(cr_csv_next(r, &err), 0, "ragged: end");
    cr_csv_close(r);
}

int main(void)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/test_csv.XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        printf("FAIL cannot create a temporary directory\n");
        return 1;
    }
    test_cases();
    test_positions();
    test_utf8();
    test_misc();
    test_limits();
    test_straddle();
    test_usage_file();
    {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            printf("# could not remove %s\n", tmpdir);
    }
    return unit_exit();
}
