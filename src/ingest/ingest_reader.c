/* ingest_reader.c - the one place an export is opened for reading. CSV text
 * goes to csv.c; an .xlsx workbook to xlsxread.c, whose records come through
 * the same cr_csv interface, so every later step reads both alike; any other
 * binary file is refused saying what it looks like (not "nul byte at 1:6"). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "csmreport/csv.h"
#include "csmreport/xlsxread.h"
#include "ingest_internal.h"

/* Looks at the first bytes once: zip (an .xlsx), another binary, or text. */
static int find_format(cr_importer *im, cr_error *err)
{
    unsigned char head[16];
    ssize_t n = 0;
    int fd = open(im->path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        n = read(fd, head, sizeof head);
        close(fd);
    }
    im->format_known = true;
    if (fd < 0 || n <= 0)
        return 0; /* the CSV reader says what is wrong */
    const char *what = cr_xlsx_sniff_binary(head, (size_t)n);
    if (what && strcmp(what, "zip") == 0)
        im->xlsx = true;
    else if (what)
        return cr_error_set(err, EX_DATAERR, im->path, 0, 0, "file is %s", what);
    return 0;
}

cr_csv *cr_ingest_open_reader(cr_importer *im, cr_error *err)
{
    if (!im->format_known && find_format(im, err))
        return NULL;
    if (im->xlsx)
        return cr_xlsx_open_records(im->path, im->opt->sheet, im->sheet, sizeof im->sheet, err);
    const cr_profile *profile = im->opt->profile;
    cr_csv *csv = cr_csv_open_file(im->path, profile ? profile->separator : 0, err);
    if (!csv || !profile)
        return csv;
    cr_csv_set_lenient_quotes(csv, profile->quotes_lenient);
    cr_csv_set_headerless(csv, profile->headerless);
    if (cr_csv_set_encoding(csv, profile->encoding, err)) {
        err->code = EX_CONFIG;
        cr_csv_close(csv);
        return NULL;
    }
    return csv;
}

void cr_ingest_reader_position(const cr_importer *im, cr_error *e)
{
    if (!im->xlsx || !im->sheet[0] || e->line <= 0 || strcmp(e->file, im->path) != 0)
        return;
    char pos[600];
    cr_xlsx_position(im->sheet, e->line, e->column, pos, sizeof pos);
    size_t n = strlen(e->file);
    snprintf(e->file + n, sizeof e->file - n, ":%s", pos);
    e->line = e->column = 0;
}

const char *cr_ingest_line_word(const cr_importer *im)
{
    return im->xlsx ? "row" : "line";
}
