/* deckbench.c - the deck benchmark's workload: PAGES pages, each a bar chart of
 * 12 months with value labels, axis titles, a title, a dashed average line and
 * a legend, with different data on every page (the page that
 * ../shared/bench/chart_floor.c draws), written by cr_deck_write.
 *
 * usage: deckbench OUT.pdf [PAGES=500] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmreport/deck.h"

static uint64_t s = 88172645463325252ull; /* the floor's generator */
static uint64_t xr(void)
{
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
}

static char *dup(const char *t)
{
    char *p = strdup(t);
    if (!p)
        abort();
    return p;
}

static void *zalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        abort();
    return p;
}

static const char *const MON[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int main(int argc, char **argv)
{
    const char *out = argc > 1 ? argv[1] : "deckbench.pdf";
    size_t pages = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 500;
    cr_report *r = zalloc(1, sizeof *r);
    r->locale = dup("en");
    r->title = dup("deck benchmark");
    r->author = dup("csmreport");
    r->footer_left = dup("Benchmark account \xc2\xb7 2024");
    r->created = 1700000000;
    r->tables = zalloc(pages, sizeof *r->tables);
    r->charts = zalloc(pages, sizeof *r->charts);
    r->pages = zalloc(pages, sizeof *r->pages);
    r->table_count = r->chart_count = r->page_count = pages;
    char buf[128];
    for (size_t p = 0; p < pages; p++) {
        cr_table *t = zalloc(1, sizeof *t);
        t->name = dup("minutes");
        t->column_count = 2;
        t->row_count = 12;
        t->columns = zalloc(2, sizeof *t->columns);
        t->columns[0] = (cr_column_spec){dup("month"), dup("Month"), {CR_FORMAT_TEXT, -1, ""}, 0};
        t->columns[1] = (cr_column_spec){dup("minutes"), dup("Call minutes"),
                                         {CR_FORMAT_INTEGER, -1, ""}, 0};
        t->cells = zalloc(24, sizeof *t->cells);
        double sum = 0;
        for (size_t i = 0; i < 12; i++) {
            double v = 2000 + (double)(xr() % 18000);
            snprintf(buf, sizeof buf, "%s 2024", MON[i]);
            t->cells[i * 2] = (cr_cell){CR_CELL_TEXT, 0, dup(buf)};
            t->cells[i * 2 + 1] = (cr_cell){CR_CELL_NUMBER, v, NULL};
            sum += v;
        }
        r->tables[p] = t;
        cr_chart *c = zalloc(1, sizeof *c);
        c->id = dup("minutes");
        c->type = CR_CHART_BAR;
        c->x_title = dup("Month");
        c->y_title = dup("Call minutes");
        c->table = t;
        c->category_column = 0;
        c->series = zalloc(1, sizeof *c->series);
        c->series[0] = (cr_series){dup("Call minutes"), 1, 0};
        c->series_count = 1;
        c->value_format = (cr_format){CR_FORMAT_INTEGER, -1, ""};
        c->value_labels = true;
        c->has_threshold = true;
        c->threshold = sum / 12;
        snprintf(buf, sizeof buf, "Average (%.0f)", sum / 12);
        c->threshold_label = dup(buf);
        r->charts[p] = c;
        cr_page *pg = &r->pages[p];
        snprintf(buf, sizeof buf, "Account A%04zu \xe2\x80\x94 monthly call minutes, 2024",
                 p % 500 + 1);
        pg->title = dup(buf);
        pg->blocks = zalloc(1, sizeof *pg->blocks);
        pg->block_count = 1;
        pg->blocks[0].type = CR_BLOCK_CHART;
        pg->blocks[0].weight = 1;
        pg->blocks[0].chart = c;
    }
    cr_error err;
    cr_error_clear(&err);
    int rc = cr_deck_write(r, out, &err);
    if (rc)
        fprintf(stderr, "deckbench: %s: %s\n", out, err.message);
    cr_report_free(r);
    return rc ? 1 : 0;
}
