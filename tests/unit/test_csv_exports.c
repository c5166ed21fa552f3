/* test_csv_exports.c - exports as they come (SPEC section 3): the reader's
 * lenient quotes, conversion from other encodings (streaming, across the read
 * buffer, positions in the file's own lines), byte-order marks, headerless
 * files and cr_csv_reopen; the values' decimal comma and grouped numbers, a
 * date where a timestamp is expected, plus_seconds; the profile attributes.
 *
 * Records are compared as one string: fields joined by '|', each record ended
 * by '/', an error as "<line:column: message>" (and the reading stops).
 */
#include "csmreport/csv.h"
#include "csmreport/profile.h"
#include "csmreport/values.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#define IN(s) s, sizeof(s) - 1

static void put(char *out, size_t size, const char *s, size_t n)
{
    size_t used = strlen(out);
    if (used + n >= size)
        n = size - used - 1;
    memcpy(out + used, s, n);
    out[used + n] = '\0';
}

static void drain(cr_csv *r, char *out, size_t size)
{
    cr_error err;
    int rc;
    out[0] = '\0';
    while ((rc = cr_csv_next(r, &err)) > 0) {
        for (size_t i = 0; i < cr_csv_count(r); i++) {
            size_t len;
            const char *f = cr_csv_field(r, i, &len);
            if (i)
                put(out, size, "|", 1);
            put(out, size, f, len);
        }
        put(out, size, "/", 1);
    }
    if (rc < 0) {
        char msg[1200];
        snprintf(msg, sizeof msg, "<%ld:%ld: %s>", err.line, err.column, err.message);
        put(out, size, msg, strlen(msg));
    }
}

typedef struct read_case {
    const char *name;
    const char *in;
    size_t len;
    const char *encoding;
    int lenient, headerless;
    const char *want;
} read_case;

static const read_case cases[] = {
    /* lenient quotes */
    {"lenient: FreePBX clid", IN("clid,src\n\"User 9\" <113>,113\n"), NULL, 1, 0,
     "clid|src/User 9 <113>|113/"},
    {"lenient: quote inside an unquoted field", IN("a,b\nsay \"hi\",2\n"), NULL, 1, 0,
     "a|b/say \"hi\"|2/"},
    {"lenient: doubled quotes then text", IN("a,b\n\"x\"\"y\" z,1\n"), NULL, 1, 0,
     "a|b/x\"y z|1/"},
    {"lenient: text with a quote after the closing quote", IN("a,b\n\"x\" \"y\",1\n"), NULL, 1, 0,
     "a|b/x \"y\"|1/"},
    {"lenient: RFC fields unchanged", IN("a,b\n\"x,y\",\"l1\nl2\"\n"), NULL, 1, 0, "a|b/x,y|l1\nl2/"},
    {"lenient: tail at end of file", IN("a\n\"x\" y"), NULL, 1, 0, "a/x y/"},
    {"lenient: unterminated quote still refused", IN("a,b\n\"x,1\n"), NULL, 1, 0,
     "a|b/<2:1: unterminated quoted field>"},
    {"lenient: invalid UTF-8 in the tail", IN("a\n\"x\" \xC3(\n"), NULL, 1, 0,
     "a/<2:5: invalid UTF-8: truncated sequence (byte 0xC3); the file looks like Windows-1252: "
     "re-save it as \"CSV UTF-8\" or set encoding=\"windows-1252\" in its profile>"},
    {"strict: FreePBX clid refused", IN("clid,src\n\"User 9\" <113>,113\n"), NULL, 0, 0,
     "clid|src/<2:9: text after closing quote>"},
    {"strict: quote inside an unquoted field refused", IN("a,b\nsay \"hi\",2\n"), NULL, 0, 0,
     "a|b/<2:5: quote inside an unquoted field>"},
    /* encodings; a conversion error comes as the data is converted, in chunks
     * of 1 MiB, so here before the header is returned */
    {"windows-1252", IN("nom,prix\ncaf\xE9,\x80 5\n"), "windows-1252", 0, 0, "nom|prix/café|€ 5/"},
    {"iso-8859-1", IN("n\nK\xF8" "benhavn\n"), "iso-8859-1", 0, 0, "n/København/"},
    {"windows-1252: undefined byte at its line and column", IN("a,b\n\xE9t\xE9,x\x81" "y\n"),
     "windows-1252", 0, 0, "<2:6: byte 0x81 is not valid windows-1252>"},
    {"utf-8 named: no conversion", IN("a\n\xC3\xA9\n"), "UTF-8", 0, 0, "a/é/"},
    {"UTF-8 BOM wins over windows-1252", IN("\xEF\xBB\xBF" "a\n\xC3\xA9\n"), "windows-1252", 0, 0,
     "a/é/"},
    {"UTF-16 LE BOM without an encoding", IN("\xFF\xFE" "a\0,\0\xE9\0\n\0" "1\0,\0" "2\0\n\0"),
     NULL, 0, 0, "a|é/1|2/"},
    {"UTF-16 BE BOM without an encoding", IN("\xFE\xFF\0a\0\n\0" "1"), NULL, 0, 0, "a/1/"},
    {"utf-16 named, with a BOM", IN("\xFF\xFE" "a\0\n\0b\0"), "utf-16", 0, 0, "a/b/"},
    {"utf-16: a file ending inside a character", IN("\xFF\xFE" "a\0\n\0b"), NULL, 0, 0,
     "<2:1: file ends inside a UTF-16LE character>"},
    {"utf-16: an error at its own line", IN("\xFF\xFE" "a\0,\0b\0\n\0" "1\0\n\0"), NULL, 0, 0,
     "a|b/<2:2: row has 1 field, header has 2>"},
    /* no hint for a well-formed-looking sequence */
    {"no hint for a surrogate", IN("a\n\xED\xA0\x80\n"), NULL, 0, 0,
     "a/<2:1: invalid UTF-8: encoded surrogate (byte 0xED)>"},
    /* headerless */
    {"headerless: positions as names, the first row is data", IN("x,y\n1,2\n"), NULL, 0, 1,
     "1|2/x|y/1|2/"},
    {"headerless: ragged second row", IN("x,y\n1\n"), NULL, 0, 1,
     "1|2/x|y/<2:2: row has 1 field, header has 2>"},
    {"headerless: windows-1252 and lenient together", IN("\"N\xB0 1\" <2>;x\n"), "windows-1252",
     1, 1, "1|2/N° 1 <2>|x/"},
};

static void test_cases(void)
{
    char out[4096];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const read_case *c = &cases[i];
        cr_error err;
        cr_csv *r = cr_csv_open_memory(c->in, c->len, "t.csv", 0, &err);
        CHECK(r != NULL, "open: %s", c->name);
        if (!r)
            continue;
        CHECK_INT(cr_csv_set_encoding(r, c->encoding, &err), 0, "encoding: %s", c->name);
        cr_csv_set_lenient_quotes(r, c->lenient);
        cr_csv_set_headerless(r, c->headerless);
        drain(r, out, sizeof out);
        CHECK_STR(out, c->want, "%s", c->name);
        cr_csv_close(r);
    }
}

static void test_positions(void)
{
    cr_error err;
    /* headerless: the synthetic header sits at the first row's fields */
    static const char in[] = "aa,\"b\",c\nd,e,f\n";
    cr_csv *r = cr_csv_open_memory(in, sizeof in - 1, "p.csv", ',', &err);
    cr_csv_set_headerless(r, true);
    CHECK_INT(cr_csv_next(r, &err), 1, "headerless: header");
    CHECK_INT(cr_csv_field_column(r, 2), 8, "headerless: header field 3 at column 8");
    CHECK_INT(cr_csv_next(r, &err), 1, "headerless: first row");
    CHECK_INT(cr_csv_record_line(r), 1, "headerless: first row is line 1");
    CHECK_INT(cr_csv_field_column(r, 1), 4, "headerless: its field 2 at column 4");
    CHECK_INT(cr_csv_next(r, &err), 1, "headerless: second row");
    CHECK_INT(cr_csv_record_line(r), 2, "headerless: second row is line 2");
    CHECK_INT(cr_csv_next(r, &err), 0, "headerless: end");
    cr_csv_close(r);

    /* windows-1252: columns count characters of the file's own line */
    static const char w[] = "a;b\n\xE9\xE9\xE9;\"x\"y\n";
    r = cr_csv_open_memory(w, sizeof w - 1, "w.csv", ';', &err);
    CHECK_INT(cr_csv_set_encoding(r, "windows-1252", &err), 0, "windows-1252 set");
    CHECK_INT(cr_csv_next(r, &err), 1, "windows-1252: header");
    CHECK_INT(cr_csv_next(r, &err), -1, "windows-1252: text after quote");
    CHECK_INT(err.line * 100 + err.column, 208, "windows-1252: error at 2:8");
    cr_csv_close(r);

    CHECK(cr_csv_encoding_known("windows-1252") && cr_csv_encoding_known("UTF-16"),
          "encodings iconv knows");
    CHECK(!cr_csv_encoding_known("klingon-8"), "an encoding iconv does not know");
    r = cr_csv_open_memory("a\n", 2, "k.csv", 0, &err);
    CHECK_INT(cr_csv_set_encoding(r, "klingon-8", &err), EX_USAGE, "set_encoding: unknown is EX_USAGE");
    cr_csv_close(r);
}

/* A file of n rows "<i>,é<i>,\"q\" <i>" in UTF-16LE with a BOM, over several
 * 1 MiB reads (characters and records straddle the chunks): every row comes
 * back, in order, on its own line; and cr_csv_reopen reads it again the same. */
static void test_streaming(void)
{
    char path[] = "/tmp/csv_exports_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0, "streaming: temporary file");
    if (fd < 0)
        return;
    FILE *f = fdopen(fd, "wb");
    const long n = 120000;
    fputc(0xFF, f);
    fputc(0xFE, f);
    for (long i = 0; i <= n; i++) {
        char line[64];
        int len = i == 0 ? snprintf(line, sizeof line, "id,name,clid\n")
                         : snprintf(line, sizeof line, "%ld,\xC3\xA9%ld,\"q\" %ld\n", i, i, i);
        /* UTF-8 to UTF-16LE for these characters (ASCII and U+00E9) */
        for (int k = 0; k < len; k++) {
            unsigned char ch = (unsigned char)line[k];
            if (ch == 0xC3) {
                fputc(0xE9, f);
                fputc(0, f);
                k++;
            } else {
                fputc(ch, f);
                fputc(0, f);
            }
        }
    }
    fclose(f);

    cr_error err;
    for (int pass = 0; pass < 2; pass++) {
        static cr_csv *first;
        cr_csv *r = pass == 0 ? cr_csv_open_file(path, ',', &err) : cr_csv_reopen(first, ',', &err);
        CHECK(r != NULL, "streaming %d: open", pass);
        if (!r)
            break;
        if (pass == 0) {
            cr_csv_set_lenient_quotes(r, true);
            first = r;
        }
        long rows = 0, bad = 0;
        int rc;
        CHECK_INT(cr_csv_next(r, &err), 1, "streaming %d: header", pass);
        while ((rc = cr_csv_next(r, &err)) > 0) {
            rows++;
            char want1[32], want2[32];
            snprintf(want1, sizeof want1, "\xC3\xA9%ld", rows);
            snprintf(want2, sizeof want2, "q %ld", rows);
            if (cr_csv_record_line(r) != rows + 1 || strcmp(cr_csv_field(r, 1, NULL), want1) != 0 ||
                strcmp(cr_csv_field(r, 2, NULL), want2) != 0)
                bad++;
        }
        CHECK_INT(rc, 0, "streaming %d: ends cleanly", pass);
        CHECK_INT(rows, n, "streaming %d: every row read", pass);
        CHECK_INT(bad, 0, "streaming %d: every row's fields and line", pass);
        CHECK(cr_csv_offset(r) > 4 * 1024 * 1024, "streaming %d: offset counts the file's bytes", pass);
        if (pass == 1) {
            cr_csv_close(r);
            cr_csv_close(first);
        }
    }
    unlink(path);
}

static const cr_column count_col = {"agreed_count", CR_V_COUNT, true, false, NULL};
static const cr_column money_col = {"list_price", CR_V_MONEY, false, false, NULL};
static const cr_column id_col = {"serial", CR_V_ID, true, true, NULL};
static const cr_column ts_col = {"last_seen", CR_V_TIMESTAMP, false, false, NULL};

typedef struct value_case {
    const char *name;
    const cr_column *col;
    const char *raw;
    cr_value_style style;
    const char *want; /* stored text, or the number, or "!" + reason */
} value_case;

static const value_case values[] = {
    {"count 1 200", &count_col, "1 200", {NULL, ',', ' '}, "#1200"},
    {"count 1\\u00A0200", &count_col, "1\xC2\xA0" "200", {NULL, ',', ' '}, "#1200"},
    {"count 1\\u202F200", &count_col, "1\xE2\x80\xAF" "200", {NULL, ',', ' '}, "#1200"},
    {"count 12 345 678", &count_col, "12 345 678", {NULL, ',', ' '}, "#12345678"},
    {"count 1.200 with thousands '.'", &count_col, "1.200", {NULL, ',', '.'}, "#1200"},
    {"money 1 350,00", &money_col, "1 350,00", {NULL, ',', ' '}, "#1350000000"},
    {"money 0,5", &money_col, "0,5", {NULL, ',', 0}, "#500000"},
    {"money 1.350,75 with thousands '.'", &money_col, "1.350,75", {NULL, ',', '.'}, "#1350750000"},
    {"money 1,350.75 with thousands ','", &money_col, "1,350.75", {NULL, '.', ','}, "#1350750000"},
    {"money 12.000,50 with only decimal ','", &money_col, "12.000,50", {NULL, ',', ' '},
     "!'12.000,50' is not a number (the profile's decimal mark is ',')"},
    {"count 1 20 (not a group of three)", &count_col, "1 20", {NULL, ',', ' '},
     "!'1 20' is not a whole number (decimal mark ',', thousands ' ')"},
    {"money 1,5,0", &money_col, "1,5,0", {NULL, ',', ' '},
     "!'1,5,0' is not a number (decimal mark ',', thousands ' ')"},
    {"money 1 350,00 without a style", &money_col, "1 350,00", {NULL, 0, 0},
     "!'1 350,00' is not a number"},
    {"id 2 553", &id_col, "2 553", {NULL, ',', ' '}, "2553"},
    {"id 2\\u00A0553", &id_col, "2\xC2\xA0" "553", {NULL, ',', ' '}, "2553"},
    {"id 2 553 without thousands", &id_col, "2 553", {NULL, ',', 0}, "2 553"},
    {"id 2 55 (not a grouped number)", &id_col, "2 55", {NULL, ',', ' '}, "2 55"},
    {"id 8.100 with thousands '.' (a version)", &id_col, "8.100", {NULL, ',', '.'}, "8.100"},
    {"id A 553", &id_col, "A 553", {NULL, ',', ' '}, "A 553"},
    {"id 2553 5533", &id_col, "2553 553", {NULL, ',', ' '}, "2553 553"},
    {"timestamp: a date is 00:00", &ts_col, "2026-01-15", {NULL, 0, 0}, "2026-01-15T00:00:00"},
    {"timestamp: a date in the format's date part", &ts_col, "15-01-2026",
     {"%d-%m-%Y %H:%M", 0, 0}, "2026-01-15T00:00:00"},
    {"timestamp: date part of a 12-hour format", &ts_col, "02/Sep/26",
     {"%d/%b/%y %I:%M %p", 0, 0}, "2026-09-02T00:00:00"},
    {"timestamp: the full format still", &ts_col, "15-01-2026 08:05", {"%d-%m-%Y %H:%M", 0, 0},
     "2026-01-15T08:05:00"},
    {"timestamp: a bad date", &ts_col, "2026-02-30", {NULL, 0, 0},
     "!'2026-02-30' is not a valid time (YYYY-MM-DD HH:MM[:SS][Z|+HH:MM])"},
};

static void test_values(void)
{
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        const value_case *c = &values[i];
        cr_value v;
        char why[256] = "", got[300];
        bool ok = cr_value_convert_styled(c->col, c->raw, strlen(c->raw), &c->style, &v, why,
                                          sizeof why);
        if (!ok)
            snprintf(got, sizeof got, "!%s", why);
        else if (v.has_number)
            snprintf(got, sizeof got, "#%lld", (long long)v.number);
        else
            snprintf(got, sizeof got, "%.*s", (int)v.len, v.text);
        CHECK_STR(got, c->want, "value: %s", c->name);
    }

    /* plus_seconds: across midnight, keeping an offset; a bad count */
    static const struct {
        const char *start, *secs, *want;
    } adds[] = {
        {"2026-09-02 23:59:30", "45", "2026-09-03T00:00:15"},
        {"2026-12-31T23:00:00+01:00", "3600", "2027-01-01T00:00:00+01:00"},
        {"2026-02-28 12:00", "86400", "2026-03-01T12:00:00"},
        {"2026-09-01 09:00", " 125.6 ", "2026-09-01T09:02:05"},
        {"2026-09-01 09:00", "0", "2026-09-01T09:00:00"},
        {"2026-09-01 09:00", "-5", "!'-5' is not a number of seconds"},
        {"2026-09-01 09:00", "1m", "!'1m' is not a number of seconds"},
    };
    for (size_t i = 0; i < sizeof adds / sizeof adds[0]; i++) {
        cr_value v;
        char why[256] = "", got[300];
        CHECK(cr_value_convert(&ts_col, adds[i].start, strlen(adds[i].start), NULL, &v, why, sizeof why),
              "plus_seconds %zu: start", i);
        if (cr_value_add_seconds(&v, adds[i].secs, strlen(adds[i].secs), why, sizeof why))
            snprintf(got, sizeof got, "%.*s", (int)v.len, v.text);
        else
            snprintf(got, sizeof got, "!%s", why);
        CHECK_STR(got, adds[i].want, "plus_seconds: %s + %s", adds[i].start, adds[i].secs);
    }
}

static void test_profiles(void)
{
    static const char good[] =
        "<profile name=\"p\" kind=\"calls\" separator=\";\" decimal=\",\" thousands=\" \" "
        "encoding=\"windows-1252\" quotes=\"lenient\" header=\"none\">"
        "<field name=\"serial\" column=\"2\"/>"
        "<field name=\"start_time\" column=\"10\" occurrence=\"1\"/>"
        "<field name=\"end_time\" column=\"10\" plus_seconds=\"13\"/>"
        "<field name=\"account_id\" constant=\"A\"/>"
        "<keep highest=\"14\"/></profile>";
    cr_profile *p = NULL;
    cr_error err;
    CHECK_INT(cr_profile_load_memory(good, sizeof good - 1, "good.xml", &p, &err), 0,
              "profile with every new attribute loads");
    if (p) {
        CHECK(p->decimal == ',' && p->thousands == ' ', "profile: decimal and thousands");
        CHECK_STR(p->encoding, "windows-1252", "profile: encoding");
        CHECK(p->quotes_lenient && p->headerless, "profile: quotes and header");
        CHECK_INT(cr_profile_find(p, "start_time")->occurrence, 1, "profile: occurrence");
        CHECK_STR(cr_profile_find(p, "end_time")->plus_seconds, "13", "profile: plus_seconds");
        cr_profile_free(p);
    }
    static const char plain[] = "<profile name=\"p\" kind=\"devices\"><field name=\"serial\" column=\"s\"/></profile>";
    CHECK_INT(cr_profile_load_memory(plain, sizeof plain - 1, "plain.xml", &p, &err), 0, "plain profile loads");
    if (p) {
        CHECK(p->decimal == '.' && p->thousands == 0 && !p->encoding && !p->quotes_lenient &&
              !p->headerless, "plain profile: defaults");
        cr_profile_free(p);
    }

    static const struct {
        const char *name, *xml, *want;
    } bad[] = {
        {"thousands equal to decimal",
         "<profile name=\"p\" kind=\"devices\" decimal=\",\" thousands=\",\"><field name=\"serial\" column=\"s\"/></profile>",
         "b.xml:1: thousands ',' is not one of"},
        {"unknown encoding",
         "<profile name=\"p\" kind=\"devices\" encoding=\"klingon-8\"><field name=\"serial\" column=\"s\"/></profile>",
         "b.xml:1: encoding 'klingon-8' is not known to iconv"},
        {"header=none with a name",
         "<profile name=\"p\" kind=\"devices\" header=\"none\">\n<field name=\"serial\" column=\"s\"/></profile>",
         "b.xml:2: column 's' is not a column position"},
        {"header=none with a named keep column",
         "<profile name=\"p\" kind=\"devices\" header=\"none\"><field name=\"serial\" column=\"1\"/>\n<keep highest=\"n\"/></profile>",
         "b.xml:2: keep highest 'n' is not a column position"},
        {"header=none with column 0",
         "<profile name=\"p\" kind=\"devices\" header=\"none\"><field name=\"serial\" column=\"0\"/></profile>",
         "column '0' is not a column position"},
        {"occurrence on a constant",
         "<profile name=\"p\" kind=\"devices\"><field name=\"serial\" constant=\"s\" occurrence=\"2\"/></profile>",
         "field 'serial': occurrence applies to a column, not a constant"},
        {"plus_seconds on a date",
         "<profile name=\"p\" kind=\"devices\"><field name=\"snapshot_date\" column=\"d\" plus_seconds=\"x\"/></profile>",
         "field 'snapshot_date': plus_seconds applies only to timestamp fields, and 'snapshot_date' is date"},
        {"occurrence 0 (schema)",
         "<profile name=\"p\" kind=\"devices\"><field name=\"serial\" column=\"s\" occurrence=\"0\"/></profile>",
         "b.xml:1:"},
        {"quotes=loose (schema)",
         "<profile name=\"p\" kind=\"devices\" quotes=\"loose\"><field name=\"serial\" column=\"s\"/></profile>",
         "b.xml:1:"},
        {"decimal=';' (schema)",
         "<profile name=\"p\" kind=\"devices\" decimal=\";\"><field name=\"serial\" column=\"s\"/></profile>",
         "b.xml:1:"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char msg[2400];
        p = NULL;
        int rc = cr_profile_load_memory(bad[i].xml, strlen(bad[i].xml), "b.xml", &p, &err);
        CHECK_INT(rc, EX_CONFIG, "bad profile: %s: EX_CONFIG", bad[i].name);
        snprintf(msg, sizeof msg, "%s:%ld: %s", err.file, err.line, err.message);
        CHECK(strstr(msg, bad[i].want) != NULL, "bad profile: %s: message (%s)", bad[i].name, msg);
        cr_profile_free(p);
    }
}

int main(void)
{
    test_cases();
    test_positions();
    test_streaming();
    test_values();
    test_profiles();
    return unit_exit();
}
