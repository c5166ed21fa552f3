/* test_workbook_verify.c - cr_workbook_verify reads a workbook back: a sound
 * one passes; a cut file, a member whose data does not match its CRC, and an
 * XML part that is not well-formed or lost its declaration are refused
 * (EX_IOERR) naming the part. */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zlib.h>

#include "csmreport/workbook.h"
#include "unit.h"

static void put16(FILE *f, unsigned v) { fputc((int)(v & 255), f); fputc((int)(v >> 8 & 255), f); }
static void put32(FILE *f, uint32_t v) { put16(f, v & 0xffff); put16(f, v >> 16); }

/* A zip of stored (uncompressed) members; bad_crc spoils the first one's CRC. */
static void write_zip(const char *path, const char *const *names, const char *const *data, int n,
                      int bad_crc)
{
    FILE *f = fopen(path, "wb");
    long offs[8];
    uint32_t crcs[8];
    for (int i = 0; i < n; i++) {
        size_t len = strlen(data[i]);
        crcs[i] = (uint32_t)crc32(0, (const Bytef *)data[i], (uInt)len) ^ (i == 0 && bad_crc);
        offs[i] = ftell(f);
        put32(f, 0x04034b50); put16(f, 20); put16(f, 0); put16(f, 0); put16(f, 0); put16(f, 0);
        put32(f, crcs[i]); put32(f, (uint32_t)len); put32(f, (uint32_t)len);
        put16(f, (unsigned)strlen(names[i])); put16(f, 0);
        fputs(names[i], f);
        fputs(data[i], f);
    }
    long cd = ftell(f);
    for (int i = 0; i < n; i++) {
        size_t len = strlen(data[i]);
        put32(f, 0x02014b50); put16(f, 20); put16(f, 20); put16(f, 0); put16(f, 0); put16(f, 0);
        put16(f, 0); put32(f, crcs[i]); put32(f, (uint32_t)len); put32(f, (uint32_t)len);
        put16(f, (unsigned)strlen(names[i])); put16(f, 0); put16(f, 0); put16(f, 0); put16(f, 0);
        put32(f, 0); put32(f, (uint32_t)offs[i]);
        fputs(names[i], f);
    }
    long end = ftell(f);
    put32(f, 0x06054b50); put16(f, 0); put16(f, 0); put16(f, (unsigned)n); put16(f, (unsigned)n);
    put32(f, (uint32_t)(end - cd)); put32(f, (uint32_t)cd); put16(f, 0);
    fclose(f);
}

int main(void)
{
    char dir[] = "/tmp/test_workbook_verify.XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char path[128];
    cr_error err;

    /* a real workbook, as libxlsxwriter writes it (deflated members) */
    snprintf(path, sizeof path, "%s/real.xlsx", dir);
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Données");
    for (int r = 0; r < 200; r++)
        worksheet_write_string(ws, (lxw_row_t)r, 0, "a <tag> & text", NULL);
    CHECK(workbook_close(wb) == LXW_NO_ERROR, "libxlsxwriter writes the workbook");
    CHECK_INT(cr_workbook_verify(path, "real.xlsx", &err), 0, "a written workbook passes");

    /* the same cut in half: no directory */
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    char *buf = malloc((size_t)size);
    rewind(f);
    CHECK(fread(buf, 1, (size_t)size, f) == (size_t)size, "read it back");
    fclose(f);
    snprintf(path, sizeof path, "%s/cut.xlsx", dir);
    f = fopen(path, "wb");
    fwrite(buf, 1, (size_t)size / 2, f);
    fclose(f);
    free(buf);
    cr_error_clear(&err);
    CHECK_INT(cr_workbook_verify(path, "cut.xlsx", &err), EX_IOERR, "a cut workbook is refused");
    CHECK(strstr(err.message, "cut.xlsx") && strstr(err.message, "no zip directory"),
          "the message names the file and says why: %s", err.message);

    const char *names[] = {"[Content_Types].xml", "xl/_rels/workbook.xml.rels", "docProps/thumb.bin"};
    const char *good[] = {"<?xml version=\"1.0\"?><Types/>", "<?xml version=\"1.0\"?><Relationships/>",
                          "\x01\x02 not xml"};
    snprintf(path, sizeof path, "%s/good.zip", dir);
    write_zip(path, names, good, 3, 0);
    CHECK_INT(cr_workbook_verify(path, "good.zip", &err), 0,
              "well-formed parts and a binary member pass");

    const char *cut[] = {"<?xml version=\"1.0\"?><Types/>", "<?xml version=\"1.0\"?><Relationships><Rel",
                         "\x01\x02 not xml"};
    snprintf(path, sizeof path, "%s/badxml.zip", dir);
    write_zip(path, names, cut, 3, 0);
    cr_error_clear(&err);
    CHECK_INT(cr_workbook_verify(path, "badxml.zip", &err), EX_IOERR,
              "a part cut short is refused");
    CHECK(strstr(err.message, "xl/_rels/workbook.xml.rels") &&
          strstr(err.message, "not well-formed"), "the message names the part: %s", err.message);

    const char *control[] = {"<?xml version=\"1.0\"?><Types>\x01</Types>", "<Relationships/>",
                             "x"};
    const char *undeclared[] = {"<?xml version=\"1.0\"?><Types/>", "<Relationships/>", "x"};
    snprintf(path, sizeof path, "%s/undeclared.zip", dir);
    write_zip(path, names, undeclared, 3, 0);
    cr_error_clear(&err);
    CHECK_INT(cr_workbook_verify(path, "undeclared.zip", &err), EX_IOERR,
              "a part that lost its first write (the declaration) is refused");
    CHECK(strstr(err.message, "lacks its XML declaration"), "says so: %s", err.message);
    snprintf(path, sizeof path, "%s/control.zip", dir);
    write_zip(path, names, control, 3, 0);
    CHECK_INT(cr_workbook_verify(path, "control.zip", &err), EX_IOERR,
              "a control character in a part is refused");

    snprintf(path, sizeof path, "%s/crc.zip", dir);
    write_zip(path, names, good, 3, 1);
    cr_error_clear(&err);
    CHECK_INT(cr_workbook_verify(path, "crc.zip", &err), EX_IOERR, "a wrong CRC is refused");
    CHECK(strstr(err.message, "[Content_Types].xml") && strstr(err.message, "CRC"),
          "the message says the CRC: %s", err.message);

    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return unit_exit();
}
