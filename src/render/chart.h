/* chart.h - drawing one cr_chart into a rectangle of a deck page with
 * cairo (internal to the deck renderer). Geometry comes from chartlayout.h;
 * this file only measures text and draws. */
#ifndef CSMREPORT_DRAW_CHART_H
#define CSMREPORT_DRAW_CHART_H

#include "csmreport/chartlayout.h"
#include "csmreport/report.h"
#include "text.h"

/* Draws chart c of report r in area: its title, axes, data, labels and legend;
 * a "no data" panel when the chart has no finite value. Returns 0, or
 * CR_EX_NOMEM when out of memory (err filled). */
int cr_chart_draw(cr_text *t, const cr_report *r, const cr_chart *c, cr_rect area,
                  cr_error *err);

/* Draws the "no data" panel (title, if any, and the locale's "No data"). */
void cr_chart_draw_no_data(cr_text *t, const char *title, cr_rect area);

#endif
