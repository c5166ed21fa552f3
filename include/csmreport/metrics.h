/* metrics.h - every number of SPEC section 5 for one account and one period.
 *
 * cr_metrics_compute builds the SPEC 5.8 JSON document; `metrics --format json`
 * prints it, the text and CSV outputs and the report templates read it. One
 * place computes each rule, so a number can never differ between outputs.
 */
#ifndef CSMREPORT_METRICS_H
#define CSMREPORT_METRICS_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "csmreport/error.h"
#include "csmreport/json.h"
#include "csmreport/period.h"

typedef struct cr_metrics_options {
    /* Escalation thresholds of the aging rule (SPEC 5.5), seconds, P1..P4;
     * 0 takes the default (cr_metrics_default_escalation_seconds). */
    int64_t escalation_seconds[4];
    /* Adoption of whole months reads the monthly roll-up of usage; true reads
     * the daily rows instead (the same numbers: a way to check the roll-up). */
    bool daily_usage;
    /* Adds "devices": one item per device of the as-of inventory with the
     * facts each section decides for it (coverage status, software level,
     * active in the period, offline for 30 days). Off by default: the list is
     * long and most readers want the counts. */
    bool device_list;
    /* The sections to compute (CR_METRICS_* bits); 0 is all of them. The
     * others' keys are left out. For a reader of a few figures (a template's
     * prev.* names on the KPI tiles). rma brings trueup along (its installed
     * base); device_list takes every section (the facts of each device). */
    unsigned sections;
} cr_metrics_options;

/* The sections of the document, as bits of cr_metrics_options.sections. */
enum {
    CR_METRICS_ADOPTION = 1u << 0,
    CR_METRICS_TRUEUP = 1u << 1, /* trueup, trueup_summary, billable */
    CR_METRICS_RMA = 1u << 2,
    CR_METRICS_DOWNTIME = 1u << 3,
    CR_METRICS_TICKETS = 1u << 4,
    CR_METRICS_SOFTWARE = 1u << 5,
    CR_METRICS_COVERAGE = 1u << 6,
    CR_METRICS_ALL = (1u << 7) - 1,
};

/* The default escalation thresholds of SPEC 5.5, seconds, P1..P4: 24 h, 72 h,
 * 7 d, 14 d. Templates offer them as p1_hours..p4_hours. */
extern const int64_t cr_metrics_default_escalation_seconds[4];

/* Computes the document into *out (the caller frees it with cr_json_free).
 * An unknown account is EX_DATAERR ("unknown account 'X'"). opt may be NULL.
 * Thread-safe for distinct db connections. */
int cr_metrics_compute(sqlite3 *db, const char *account_id, const cr_period *period,
                       const cr_metrics_options *opt, cr_json **out, cr_error *err);

/* True when path names a key of the document (metrics_paths.c): dotted keys,
 * array indexes as numbers ("adoption.by_month.0.rate"), category and
 * priority keys as in the document, a "<key>_reason" beside any key. */
bool cr_metrics_path_known(const char *path);

/* The section (CR_METRICS_*) that writes path's top-level key: 0 for the keys
 * every document has (account_id, period, data_as_of...), CR_METRICS_ALL for
 * a key of no section. */
unsigned cr_metrics_path_section(const char *path);

/* A readable summary for a terminal. */
int cr_metrics_write_text(const cr_json *doc, FILE *out);
/* One row per metric row: section,key,subkey,value (RFC 4180, header row first). */
int cr_metrics_write_csv(const cr_json *doc, FILE *out);

#endif
