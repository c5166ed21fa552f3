/* report.c - releasing a resolved report, and formatting its values. */
#include "csmreport/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmreport/numfmt.h"

void cr_formula_free(cr_formula *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->part_count; i++)
        free(f->parts[i].text);
    free(f->parts);
    free(f);
}

static void free_table(cr_table *t)
{
    if (!t)
        return;
    for (size_t c = 0; c < t->column_count; c++) {
        free(t->columns[c].name);
        free(t->columns[c].header);
        cr_formula_free(t->columns[c].formula);
    }
    if (t->source) {
        if (t->source->free)
            t->source->free(t->source->ctx);
        free(t->source);
    }
    for (size_t i = 0; t->cells && i < t->column_count * t->row_count; i++)
        free(t->cells[i].text);
    free(t->columns);
    free(t->cells);
    free(t->name);
    free(t);
}

static void free_chart(cr_chart *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->series_count; i++)
        free(c->series[i].label);
    for (size_t i = 0; i < c->marker_count; i++)
        free(c->markers[i].label);
    free(c->series);
    free(c->markers);
    free(c->id);
    free(c->title);
    free(c->x_title);
    free(c->y_title);
    free(c->threshold_label);
    free(c);
}

static void free_lines(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

static void free_blocks(cr_block *blocks, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cr_block *b = &blocks[i];
        free_lines(b->lines, b->line_count);
        free(b->empty_text);
        free(b->kpi_label);
        free(b->kpi_value);
        free(b->kpi_delta);
        free(b->kpi_note);
        free_blocks(b->children, b->child_count);
    }
    free(blocks);
}

void cr_report_free(cr_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->page_count; i++) {
        free(r->pages[i].title);
        free(r->pages[i].subtitle);
        free(r->pages[i].bookmark);
        free_blocks(r->pages[i].blocks, r->pages[i].block_count);
    }
    free(r->pages);
    for (size_t i = 0; i < r->sheet_count; i++) {
        cr_sheet *s = &r->sheets[i];
        free(s->name);
        free(s->title);
        free(s->note);
        free(s->totals_label);
        for (size_t k = 0; k < s->fact_count; k++) {
            free(s->facts[k].label);
            free(s->facts[k].value.text);
            cr_formula_free(s->facts[k].formula);
        }
        free(s->facts);
        for (size_t k = 0; k < s->total_count; k++) {
            free(s->totals[k].value.text);
            cr_formula_free(s->totals[k].formula);
        }
        free(s->totals);
        free(s->conditionals);
        for (size_t c = 0; c < s->chart_count; c++)
            free(s->charts[c].anchor);
        free(s->charts);
    }
    free(r->sheets);
    for (size_t i = 0; i < r->chart_count; i++)
        free_chart(r->charts[i]);
    free(r->charts);
    for (size_t i = 0; i < r->table_count; i++)
        free_table(r->tables[i]);
    free(r->tables);
    free(r->locale);
    free(r->title);
    free(r->subject);
    free(r->author);
    free(r->company);
    free(r->keywords);
    free(r->footer_left);
    free(r->footer_right);
    free(r->delivered_by);
    free(r);
}

int cr_report_format_cell(const cr_report *r, const cr_format *f, const cr_cell *c, char *buf,
                          size_t size)
{
    cr_locale loc = cr_numfmt_locale_from_tag(r ? r->locale : NULL);
    if (c->type == CR_CELL_NULL)
        return snprintf(buf, size, "%s", "");
    if (c->type == CR_CELL_TEXT) {
        char day[11];
        /* a timestamp in a date column shows as its date, never raw */
        snprintf(day, sizeof day, "%s", c->text);
        if (f->kind == CR_FORMAT_DATE && cr_numfmt_date(loc, day, buf, size) >= 0)
            return (int)strlen(buf);
        if (f->kind == CR_FORMAT_DATETIME && cr_numfmt_datetime(loc, c->text, buf, size) >= 0)
            return (int)strlen(buf);
        if (f->kind == CR_FORMAT_DATETIME && cr_numfmt_date(loc, day, buf, size) >= 0)
            return (int)strlen(buf);
        if (f->kind == CR_FORMAT_PERIOD && cr_numfmt_period(loc, c->text, buf, size) >= 0)
            return (int)strlen(buf);
        if (f->kind == CR_FORMAT_PERIOD_IN && cr_numfmt_period_in(loc, c->text, buf, size) >= 0)
            return (int)strlen(buf);
        if (f->kind == CR_FORMAT_MONTH && cr_numfmt_month(loc, c->text, buf, size) >= 0)
            return (int)strlen(buf);
        return snprintf(buf, size, "%s", c->text);
    }
    int digits = f->decimals;
    switch (f->kind) {
    case CR_FORMAT_INTEGER:
        return cr_numfmt_decimal(loc, c->number, 0, buf, size);
    case CR_FORMAT_DECIMAL:
        return cr_numfmt_decimal(loc, c->number, digits < 0 ? 2 : digits, buf, size);
    case CR_FORMAT_PERCENT:
        return cr_numfmt_percent(loc, c->number, digits < 0 ? 1 : digits, buf, size);
    case CR_FORMAT_MONEY:
        return cr_numfmt_money_units(loc, c->number, f->currency[0] ? f->currency : "EUR", buf, size);
    case CR_FORMAT_HOURS:
        return cr_numfmt_decimal(loc, c->number, digits < 0 ? 2 : digits, buf, size);
    default:
        return cr_numfmt_decimal(loc, c->number, digits < 0 ? 0 : digits, buf, size);
    }
}
