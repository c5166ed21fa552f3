/* test_xlsxread.c - the .xlsx sheet reader: workbooks written here part by part
 * with libzip (so every cell type, style and oddity is exactly as intended),
 * read back as records compared as one string (fields joined by '|', each
 * record ended by '/', a row error as "<C7: message>"); positions, binary
 * sniffing, and the refusals (DOCTYPE, zip bomb, truncated archive, no sheet).
 */
#include "csmreport/xlsxread.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "unit.h"

static char tmpdir[256];

#define CT "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
           "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"
#define ROOT_RELS                                                                            \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                           \
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" \
    "<Relationship Id=\"rId1\" "                                                             \
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" " \
    "Target=\"xl/workbook.xml\"/></Relationships>"
#define WB_RELS                                                                              \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                           \
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" \
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>" \
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/>" \
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>" \
    "<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>" \
    "</Relationships>"
#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" " \
           "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
/* cellXfs: 0 General, 1 builtin 14 (date), 2 builtin 22 (date time), 3 custom
 * yyyy\-mm\-dd, 4 custom [Red]0.00 (a number), 5 builtin 20 (h:mm), 6 custom
 * [h]:mm:ss, 7 custom dd/mm/yyyy\ hh:mm:ss */
#define STYLES                                                                              \
    "<styleSheet " NS "><numFmts count=\"4\">"                                               \
    "<numFmt numFmtId=\"164\" formatCode=\"yyyy\\-mm\\-dd\"/>"                               \
    "<numFmt numFmtId=\"165\" formatCode=\"[Red]0.00\"/>"                                    \
    "<numFmt numFmtId=\"166\" formatCode=\"[h]:mm:ss\"/>"                                    \
    "<numFmt numFmtId=\"167\" formatCode=\"dd/mm/yyyy\\ hh:mm:ss\"/></numFmts>"              \
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"                         \
    "<cellXfs count=\"8\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"22\"/>"    \
    "<xf numFmtId=\"164\"/><xf numFmtId=\"165\"/><xf numFmtId=\"20\"/><xf numFmtId=\"166\"/>" \
    "<xf numFmtId=\"167\"/></cellXfs></styleSheet>"
/* 0 plain, 1 rich text in runs with a phonetic run left out, 2 with spaces */
#define STRINGS                                                                              \
    "<sst " NS " count=\"3\" uniqueCount=\"3\"><si><t>name</t></si>"                         \
    "<si><r><rPr><b/></rPr><t>Bergen </t></r><r><t xml:space=\"preserve\">Sør</t></r>"        \
    "<rPh sb=\"0\" eb=\"1\"><t>PHONETIC</t></rPh></si>"                                      \
    "<si><t xml:space=\"preserve\"> a, \"b\" </t></si></sst>"

static int add(zip_t *z, const char *name, const char *data, size_t len)
{
    zip_source_t *s = zip_source_buffer(z, data, len, 0);
    return s && zip_file_add(z, name, s, ZIP_FL_OVERWRITE) >= 0 ? 0 : -1;
}

/* Writes a workbook with sheets "First" (sheet1, sheet_xml) and "Second sheet"
 * (sheet2, sheet2_xml or a small sheet); workbook_extra goes into the workbook
 * before its sheets, except "hidden", which hides the first sheet. */
static const char *book(const char *name, const char *sheet_xml, const char *sheet2_xml,
                        const char *workbook_extra)
{
    static char path[512];
    static char wb[2048];
    snprintf(path, sizeof path, "%s/%s.xlsx", tmpdir, name);
    snprintf(wb, sizeof wb,
             "<workbook " NS ">%s<sheets><sheet name=\"First\" sheetId=\"1\" r:id=\"rId1\"%s/>"
             "<sheet name=\"Second sheet\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>",
             workbook_extra && strcmp(workbook_extra, "hidden") != 0 ? workbook_extra : "",
             workbook_extra && strcmp(workbook_extra, "hidden") == 0 ? " state=\"hidden\"" : "");
    static const char second[] = "<worksheet " NS "><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\">"
                                 "<is><t>second</t></is></c></row><row r=\"2\"><c r=\"A2\"><v>2</v>"
                                 "</c></row></sheetData></worksheet>";
    if (!sheet2_xml)
        sheet2_xml = second;
    unlink(path);
    int zerr;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    if (!z)
        return NULL;
    add(z, "[Content_Types].xml", CT, strlen(CT));
    add(z, "_rels/.rels", ROOT_RELS, strlen(ROOT_RELS));
    add(z, "xl/workbook.xml", wb, strlen(wb));
    add(z, "xl/_rels/workbook.xml.rels", WB_RELS, strlen(WB_RELS));
    add(z, "xl/styles.xml", STYLES, strlen(STYLES));
    add(z, "xl/sharedStrings.xml", STRINGS, strlen(STRINGS));
    add(z, "xl/worksheets/sheet1.xml", sheet_xml, strlen(sheet_xml));
    add(z, "xl/worksheets/sheet2.xml", sheet2_xml, strlen(sheet2_xml));
    return zip_close(z) == 0 ? path : NULL;
}

/* Reads every record of path's sheet into out; returns the open error code, or
 * 0 when the sheet was read (a fatal error mid-sheet appended as "<!msg>"). */
static int drain(const char *path, const char *sheet, char *out, size_t size, cr_error *err)
{
    out[0] = '\0';
    cr_error_clear(err);
    cr_xlsx *x = cr_xlsx_open(path, sheet, err);
    if (!x)
        return err->code;
    size_t used = 0;
    for (;;) {
        const cr_csv_cell *cells;
        size_t n;
        long row;
        cr_error e;
        cr_error_clear(&e);
        int rc = cr_xlsx_next(x, &cells, &n, &row, &e);
        if (rc == 0)
            break;
        if (rc < 0) {
            used += (size_t)snprintf(out + used, size - used, "<!%s>", e.message);
            *err = e;
            break;
        }
        for (size_t i = 0; i < n && used < size; i++)
            used += (size_t)snprintf(out + used, size - used, "%s%s", i ? "|" : "", cells[i].s);
        if (rc == 2 && used < size) {
            char pos[64];
            cr_xlsx_position("S", e.line, e.column, pos, sizeof pos);
            used += (size_t)snprintf(out + used, size - used, "<%s: %s>", pos + 2, e.message);
        }
        if (used < size)
            used += (size_t)snprintf(out + used, size - used, "/");
    }
    cr_xlsx_close(x);
    return 0;
}

#define SHEET(rows) "<worksheet " NS "><sheetData>" rows "</sheetData></worksheet>"

static void test_values(void)
{
    char out[4096];
    cr_error err;
    const char *p = book("values",
        SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"inlineStr\"><is><t>v</t></is></c>"
              "<c r=\"C1\" t=\"inlineStr\"><is><r><t>w</t></r><r><t>x</t></r></is></c></row>"
              /* shared rich text, inline text, boolean, number */
              "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>1</v></c><c r=\"B2\" t=\"s\"><v>2</v></c>"
              "<c r=\"C2\" t=\"b\"><v>1</v></c></row>"
              /* numbers: integer written as a float, exponent, decimals kept, negative */
              "<row r=\"3\"><c r=\"A3\"><v>42.0</v></c><c r=\"B3\"><v>1.5E3</v></c><c r=\"C3\" s=\"4\"><v>1.60</v></c></row>"
              "<row r=\"4\"><c r=\"A4\"><v>-0.25</v></c><c r=\"B4\" t=\"b\"><v>0</v></c><c r=\"C4\" t=\"str\"><f>A1&amp;B1</f><v>namev</v></c></row>"
              /* an empty row is skipped; a row with a missing middle cell */
              "<row r=\"5\"><c r=\"B5\" s=\"1\"/></row>"
              "<row r=\"6\"><c r=\"A6\"><v>1</v></c><c r=\"C6\"><v>3</v></c></row>"
              /* cells without references follow on */
              "<row><c><v>7</v></c><c/><c t=\"inlineStr\"><is><t>z</t></is></c></row>"),
        NULL, NULL);
    CHECK(p != NULL, "values: workbook written");
    CHECK_INT(drain(p, NULL, out, sizeof out, &err), 0, "values: opens");
    CHECK_STR(out, "name|v|wx/Bergen Sør| a, \"b\" |TRUE/42|1500|1.60/-0.25|FALSE|namev/1||3/7||z/",
              "values: strings, rich text without phonetic runs, booleans, numbers, formulas' values");
}

static void test_dates(void)
{
    char out[4096];
    cr_error err;
    /* 46037 = 2026-01-15; .375 = 09:00; 59/61 around the 1900 leap-year bug */
    const char *p = book("dates",
        SHEET("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>d</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>t</t></is></c>"
              "<c r=\"C1\" t=\"inlineStr\"><is><t>x</t></is></c></row>"
              "<row r=\"2\"><c r=\"A2\" s=\"1\"><v>46037</v></c><c r=\"B2\" s=\"2\"><v>46037.375</v></c><c r=\"C2\" s=\"3\"><v>46037</v></c></row>"
              "<row r=\"3\"><c r=\"A3\" s=\"1\"><v>59</v></c><c r=\"B3\" s=\"1\"><v>61</v></c><c r=\"C3\" s=\"7\"><v>46037.5000115741</v></c></row>"
              "<row r=\"4\"><c r=\"A4\" s=\"5\"><v>0.5</v></c><c r=\"B4\" s=\"6\"><v>0.75</v></c><c r=\"C4\" s=\"4\"><v>46037</v></c></row>"
              "<row r=\"5\"><c r=\"A5\" s=\"2\"><v>46037.99999999</v></c><c r=\"B5\" t=\"d\"><v>2026-01-15T00:00:00</v></c><c r=\"C5\" t=\"d\"><v>2026-01-15T08:30:00.000</v></c></row>"
              "<row r=\"6\"><c r=\"A6\" s=\"1\"><v>60</v></c></row>"),
        NULL, NULL);
    CHECK_INT(drain(p, NULL, out, sizeof out, &err), 0, "dates: opens");
    CHECK_STR(out, "d|t|x/2026-01-15|2026-01-15 09:00|2026-01-15/1900-02-28|1900-03-01|2026-01-15 12:00:01/"
                   "12:00:00|18:00:00|46037/2026-01-16 00:00|2026-01-15|2026-01-15 08:30:00/"
                   "60||<A6: cell shows a date but holds 60, not a date>/",
              "dates: built-in and custom date formats, time of day, [Red]0.00 stays a number, 1900 bug");

    p = book("dates1904",
        SHEET("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>d</t></is></c></row>"
              "<row r=\"2\"><c r=\"A2\" s=\"1\"><v>44575</v></c></row>"),
        NULL, "<workbookPr date1904=\"1\"/>");
    CHECK_INT(drain(p, NULL, out, sizeof out, &err), 0, "1904: opens");
    CHECK_STR(out, "d/2026-01-15/", "1904 date system: serial 44575 is 2026-01-15");
}

static void test_rows(void)
{
    char out[4096];
    cr_error err;
    const char *p = book("rows",
        SHEET("<row r=\"2\"><c r=\"B2\" t=\"inlineStr\"><is><t>a</t></is></c><c r=\"C2\" t=\"inlineStr\"><is><t>b</t></is></c>"
              "<c r=\"D2\" s=\"1\"/></row>"
              "<row r=\"3\"><c r=\"B3\"><v>1</v></c><c r=\"C3\" t=\"e\"><v>#N/A</v></c></row>"
              "<row r=\"7\"><c r=\"B7\"><v>2</v></c><c r=\"E7\" t=\"inlineStr\"><is><t>extra</t></is></c></row>"
              "<row r=\"8\"><c r=\"B8\"><v>3</v></c><c r=\"C8\"><v>4</v></c><c r=\"F8\" s=\"1\"/></row>"),
        NULL, NULL);
    CHECK_INT(drain(p, NULL, out, sizeof out, &err), 0, "rows: opens");
    CHECK_STR(out, "|a|b/|1|#N/A<C3: cell holds the error value #N/A>/"
                   "|2|<E7: a value in column E, right of the header's last column C>/|3|4/",
              "rows: header from the first non-empty row, error values and values right of it are row errors");
}

static void test_sheets(void)
{
    char out[4096];
    cr_error err;
    const char *p = book("sheets", SHEET("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>first</t></is></c></row>"),
                         NULL, NULL);
    CHECK_INT(drain(p, "Second sheet", out, sizeof out, &err), 0, "sheets: --sheet opens the second");
    CHECK_STR(out, "second/2/", "sheets: the second sheet's records (absolute part path)");
    CHECK_INT(drain(p, "second SHEET", out, sizeof out, &err), 0, "sheets: a name in another case");
    CHECK_INT(drain(p, "Nope", out, sizeof out, &err), EX_DATAERR, "sheets: unknown sheet is EX_DATAERR");
    CHECK(strstr(err.message, "no sheet named 'Nope' (the sheets: 'First', 'Second sheet')") != NULL,
          "sheets: the message lists the sheets (%s)", err.message);
    cr_xlsx *x = cr_xlsx_open(p, NULL, &err);
    CHECK(x && strcmp(cr_xlsx_sheet(x), "First") == 0, "sheets: the first by default");
    cr_xlsx_close(x);
    p = book("hidden", SHEET("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>first</t></is></c></row>"),
             NULL, "hidden");
    CHECK_INT(drain(p, NULL, out, sizeof out, &err), 0, "sheets: a hidden first sheet");
    CHECK_STR(out, "second/2/", "sheets: the first visible sheet is read by default");
    CHECK_INT(drain(p, "First", out, sizeof out, &err), 0, "sheets: a hidden sheet by name");
    CHECK_STR(out, "first/", "sheets: the hidden sheet when named");
}

static void test_refusals(void)
{
    char out[4096];
    cr_error err;
    /* A DOCTYPE with an entity in the sheet: refused before parsing. */
    const char *p = book("doctype",
        "<?xml version=\"1.0\"?><!DOCTYPE worksheet [<!ENTITY x \"boom\">]><worksheet " NS
        "><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&x;</t></is></c></row></sheetData></worksheet>",
        NULL, NULL);
    drain(p, NULL, out, sizeof out, &err);
    CHECK(err.code == EX_DATAERR && strstr(err.message, "DOCTYPE"), "doctype: refused (%s)", err.message);
    CHECK(strstr(out, "boom") == NULL, "doctype: the entity never expanded");

    /* The same after a comment long enough for "<!DOCTYPE" to straddle
     * libxml2's reads (4 bytes, then 4096 at a time) at one of these paddings. */
    bool all_refused = true;
    for (int pad = 4060; pad <= 4075; pad++) {
        char part[8192];
        int n = snprintf(part, sizeof part, "<?xml version=\"1.0\"?><!--%*s-->", pad, "");
        snprintf(part + n, sizeof part - (size_t)n,
                 "<!DOCTYPE worksheet [<!ENTITY x \"boom\">]><worksheet " NS "><sheetData><row r=\"1\">"
                 "<c r=\"A1\" t=\"inlineStr\"><is><t>&x;</t></is></c></row></sheetData></worksheet>");
        p = book("doctype2", part, NULL, NULL);
        drain(p, NULL, out, sizeof out, &err);
        if (err.code != EX_DATAERR || !strstr(err.message, "DOCTYPE") || strstr(out, "boom"))
            all_refused = false;
    }
    CHECK(all_refused, "doctype: refused wherever it falls in the reads");

    /* An entity reference without a declaration: not well-formed. */
    p = book("entity", SHEET("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&x;</t></is></c></row>"), NULL, NULL);
    drain(p, NULL, out, sizeof out, &err);
    CHECK(err.code == EX_DATAERR && strstr(err.message, "xl/worksheets/sheet1.xml"),
          "entity: refused, naming the part (%s)", err.message);

    /* Not well-formed XML */
    p = book("badxml", "<worksheet " NS "><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></row>", NULL, NULL);
    drain(p, NULL, out, sizeof out, &err);
    CHECK(err.code == EX_DATAERR && strstr(err.message, "invalid XML"), "bad XML: refused (%s)", err.message);

    /* A zip bomb: 40 MiB of blanks in the sheet compress about 1000 times. */
    size_t big = 40u * 1024 * 1024;
    char *bomb = malloc(big + 200);
    if (bomb) {
        strcpy(bomb, "<worksheet " NS "><sheetData>");
        size_t n = strlen(bomb);
        memset(bomb + n, ' ', big);
        strcpy(bomb + n + big, "</sheetData></worksheet>");
        p = book("bomb", bomb, NULL, NULL);
        free(bomb);
        CHECK_INT(drain(p, NULL, out, sizeof out, &err), EX_DATAERR, "bomb: refused at open");
        CHECK(strstr(err.message, "zip bomb") != NULL, "bomb: says zip bomb (%s)", err.message);
    }

    /* A truncated archive: its central directory is gone. */
    p = book("whole", SHEET("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"), NULL, NULL);
    char cut[600];
    snprintf(cut, sizeof cut, "%s/cut.xlsx", tmpdir);
    FILE *in = fopen(p, "rb"), *o = fopen(cut, "wb");
    char buf[65536];
    size_t n = in ? fread(buf, 1, sizeof buf, in) : 0;
    if (o) {
        fwrite(buf, 1, n / 2, o);
        fclose(o);
    }
    if (in)
        fclose(in);
    CHECK_INT(drain(cut, NULL, out, sizeof out, &err), EX_DATAERR, "truncated: EX_DATAERR");
    CHECK(strstr(err.message, "truncated") != NULL, "truncated: says so (%s)", err.message);

    /* A zip that is no workbook */
    char odt[600];
    snprintf(odt, sizeof odt, "%s/sheet.ods", tmpdir);
    int zerr;
    zip_t *z = zip_open(odt, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    add(z, "mimetype", "application/vnd.oasis.opendocument.spreadsheet", 46);
    add(z, "content.xml", "<x/>", 4);
    zip_close(z);
    CHECK_INT(drain(odt, NULL, out, sizeof out, &err), EX_DATAERR, "ods: EX_DATAERR");
    CHECK(strstr(err.message, "OpenDocument spreadsheet") != NULL, "ods: says so (%s)", err.message);

    snprintf(cut, sizeof cut, "%s/missing.xlsx", tmpdir);
    CHECK_INT(drain(cut, NULL, out, sizeof out, &err), EX_NOINPUT, "missing file: EX_NOINPUT");
}

static void test_position(void)
{
    static const struct {
        const char *sheet;
        long row, col;
        const char *want;
    } cases[] = {
        {"Sheet1", 7, 3, "Sheet1!C7"},
        {"Sheet1", 1, 26, "Sheet1!Z1"},
        {"Sheet1", 2, 27, "Sheet1!AA2"},
        {"Sheet1", 3, 16384, "Sheet1!XFD3"},
        {"My sheet", 7, 3, "'My sheet'!C7"},
        {"O'Brien", 1, 1, "'O''Brien'!A1"},
        {"Données", 4, 2, "Données!B4"},
        {"Sheet1", 9, 0, "Sheet1 row 9"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[128];
        cr_xlsx_position(cases[i].sheet, cases[i].row, cases[i].col, buf, sizeof buf);
        CHECK_STR(buf, cases[i].want, "position %zu: %ld, %ld", i, cases[i].row, cases[i].col);
    }
}

static void test_sniff(void)
{
    static const struct {
        const char *head;
        size_t len;
        const char *word; /* NULL: not known */
    } cases[] = {
        {"PK\x03\x04rest", 8, "zip"},
        {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8, ".xls"},
        {"%PDF-1.7\n", 9, "PDF"},
        {"\x1F\x8B\x08\x00", 4, "gzip"},
        {"\x89PNG\r\n\x1A\n", 8, "PNG"},
        {"SQLite format 3\0", 16, "SQLite"},
        {"date,account_id\n", 16, NULL},
        {"\xEF\xBB\xBF" "a,b\n", 7, NULL},
        {"\xFF\xFE" "a\0", 4, NULL}, /* UTF-16 is the CSV reader's to say */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = cr_xlsx_sniff_binary((const unsigned char *)cases[i].head, cases[i].len);
        if (!cases[i].word)
            CHECK(got == NULL, "sniff %zu: text is not binary", i);
        else
            CHECK(got && strstr(got, cases[i].word), "sniff %zu: %s", i, cases[i].word);
    }
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_xlsxread.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_values();
    test_dates();
    test_rows();
    test_sheets();
    test_refusals();
    test_position();
    test_sniff();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        printf("note: could not remove %s\n", tmpdir);
    return unit_exit();
}
