/* xlsxbench.c - the workbook benchmark's program: a cr_report with one sheet
 * of ROWS x 6 cells (3 short strings, 3 numbers: the shape and values of
 * ../shared/bench/xlsx_floor.c) written with cr_workbook_write.
 *
 * usage: xlsxbench OUT.xlsx [ROWS [stream|table]]
 *   stream (default): the sheet's table is streamed - a cr_row_source hands
 *     the writer one row at a time, as the template engine does for a large
 *     dataset (its texts point into the statement's row, nothing is copied);
 *   table: the rows are first built as an in-memory cr_table (one string per
 *     text cell, as a small dataset's rows are), then written.
 * Prints "build SECONDS write SECONDS table_bytes BYTES" on stdout (build and
 * table_bytes are 0 when streaming), so the script can tell building an
 * in-memory table from writing the workbook.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csmreport/workbook.h"

static uint64_t s = 88172645463325252ull;
static uint64_t xr(void)
{
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *dup_text(const char *t, size_t *bytes)
{
    size_t n = strlen(t) + 1;
    char *p = malloc(n);
    if (!p)
        abort();
    memcpy(p, t, n);
    *bytes += n;
    return p;
}

static char dates[500][11], accts[500][6], serials[10000][17];

/* Row i of the floor's sheet (0-based, below the header), its texts borrowed. */
static void fill_row(long i, cr_cell *row)
{
    uint64_t x = xr();
    long d = i / 10000 % 500, dev = i % 10000;
    row[0] = (cr_cell){.type = CR_CELL_TEXT, .text = dates[d]};
    row[1] = (cr_cell){.type = CR_CELL_TEXT, .text = accts[dev / 20]};
    row[2] = (cr_cell){.type = CR_CELL_TEXT, .text = serials[dev]};
    row[3] = (cr_cell){.type = CR_CELL_NUMBER, .number = (double)(x % 120)};
    row[4] = (cr_cell){.type = CR_CELL_NUMBER, .number = (double)((x >> 8) % 900)};
    row[5] = (cr_cell){.type = CR_CELL_NUMBER, .number = (double)((x >> 20) % 25)};
}

typedef struct gen {
    long next, rows;
} gen;

static int gen_next(void *ctx, cr_cell *row, cr_error *err)
{
    (void)err;
    gen *g = ctx;
    if (g->next >= g->rows)
        return 0;
    fill_row(g->next++, row);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: xlsxbench OUT.xlsx [ROWS [stream|table]]\n");
        return 64;
    }
    long rows = argc > 2 ? atol(argv[2]) : 1000000;
    int streamed = argc <= 3 || strcmp(argv[3], "table") != 0;
    for (int i = 0; i < 500; i++) {
        snprintf(dates[i], 11, "2023-%02d-%02d", i % 12 + 1, i % 28 + 1);
        snprintf(accts[i], 6, "A%04d", i + 1);
    }
    for (int i = 0; i < 10000; i++)
        snprintf(serials[i], 17, "SN%014X", (unsigned)(i * 2654435761u));

    double t0 = now();
    size_t bytes = 0;
    cr_report *r = calloc(1, sizeof *r);
    cr_table *t = calloc(1, sizeof *t);
    if (!r || !t)
        abort();
    r->tables = calloc(1, sizeof *r->tables);
    r->sheets = calloc(1, sizeof *r->sheets);
    if (!r->tables || !r->sheets)
        abort();
    r->tables[0] = t;
    r->table_count = 1;
    r->locale = dup_text("en", &bytes);
    r->created = 1700000000;
    t->name = dup_text("usage", &bytes);
    t->column_count = 6;
    t->columns = calloc(6, sizeof *t->columns);
    if (!t->columns)
        abort();
    const char *hdr[] = {"date", "account_id", "serial", "calls", "call_minutes", "meetings"};
    for (int c = 0; c < 6; c++) {
        t->columns[c].name = dup_text(hdr[c], &bytes);
        t->columns[c].header = dup_text(hdr[c], &bytes);
        /* what the template engine gives SQL columns of whole numbers */
        t->columns[c].format.kind = c < 3 ? CR_FORMAT_TEXT : CR_FORMAT_INTEGER;
        t->columns[c].format.decimals = -1;
    }
    gen g = {.next = 0, .rows = rows};
    if (streamed) {
        t->source = calloc(1, sizeof *t->source);
        if (!t->source)
            abort();
        *t->source = (cr_row_source){.next = gen_next, .free = NULL, .ctx = &g};
    } else {
        t->row_count = (size_t)rows;
        t->cells = calloc((size_t)rows * 6, sizeof *t->cells);
        if (!t->cells)
            abort();
        bytes += (size_t)rows * 6 * sizeof *t->cells;
        /* one string per cell, as a dataset's rows arrive */
        for (long i = 0; i < rows; i++) {
            cr_cell *row = &t->cells[i * 6];
            fill_row(i, row);
            for (int c = 0; c < 3; c++)
                row[c].text = dup_text(row[c].text, &bytes);
        }
    }
    r->sheets[0].name = dup_text("usage", &bytes);
    r->sheets[0].table = t;
    r->sheets[0].freeze_header = true;
    r->sheets[0].autofilter = true;
    r->sheet_count = 1;

    double t1 = now();
    cr_error err;
    cr_error_clear(&err);
    int rc = cr_workbook_write(r, argv[1], &err);
    double t2 = now();
    if (rc)
        fprintf(stderr, "xlsxbench: %s\n", err.message);
    printf("build %.3f write %.3f table_bytes %zu\n", t1 - t0, t2 - t1, bytes);
    cr_report_free(r);
    return rc;
}
