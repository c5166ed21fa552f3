/* metrics_internal.h - what the metric sections share (not a public API).
 *
 * metrics.c loads the account and the period once into a cr_metrics_ctx and
 * calls each section in turn; a section adds its key(s) to the root object.
 * Sections: adoption (metrics_adoption.c), rma (metrics_rma.c), downtime
 * (metrics_downtime.c), trueup + trueup_summary + billable (metrics_trueup.c),
 * tickets (metrics_tickets.c), software (metrics_software.c), coverage
 * (metrics_coverage.c). With options.device_list, metrics_devices.c loads the
 * as-of inventory's devices before the sections, each section sets the facts it
 * owns on them (cr_metrics_device_find), and the list is written last.
 */
#ifndef CSMREPORT_METRICS_INTERNAL_H
#define CSMREPORT_METRICS_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "csmreport/calendar.h"
#include "csmreport/datetime.h"
#include "csmreport/error.h"
#include "csmreport/json.h"
#include "csmreport/sql.h"
#include "csmreport/metrics.h"
#include "csmreport/period.h"
#include "csmreport/subject.h"
#include "csmreport/tz.h"

#define CR_CATEGORY_COUNT 5
extern const char *const cr_categories[CR_CATEGORY_COUNT]; /* headset video voice infrastructure unknown */

/* Per category, the true-up walk's result at as-of (filled by the trueup section,
 * read by the rma section for the installed base). */
typedef struct cr_trueup_state {
    bool has_contract;
    int64_t agreed_now;        /* N after every true-up up to as-of */
    int64_t rma_threshold_pct_micros;
} cr_trueup_state;

/* One device of the as-of inventory in the device list. The inventory fields
 * are copies (NULL when empty in the store); the section-owned facts point to
 * static names. */
typedef struct cr_metrics_device {
    char *serial, *model, *category, *site, *room, *firmware, *status, *last_seen;
    const char *coverage;  /* coverage: covered, eos, unknown_model */
    const char *software;  /* software: current, n_minus_1, outdated, unknown */
    bool active;           /* adoption: active in the period */
    bool offline_30d;      /* coverage: offline for more than 30 days */
} cr_metrics_device;

typedef struct cr_metrics_ctx {
    sqlite3 *db;
    cr_subject *account;            /* the account, inherited fields resolved */
    const cr_tz *tz;
    cr_calendar *calendar;
    cr_period period;
    int64_t start_day, end_day;     /* day numbers of period.start / period.end */
    int64_t start_utc, end_utc;     /* 00:00:00 of start .. 23:59:59 of end, local */
    cr_metrics_options options;     /* defaults filled in */
    cr_trueup_state trueup[CR_CATEGORY_COUNT];
    /* Every inventory snapshot date of the account, ascending: what the month
     * inventory rule chooses from (loaded once by cr_metrics_ctx_init). */
    char **snapshots;
    size_t snapshot_count;
    /* The device list (options.device_list), sorted by serial; empty when not
     * asked for or before the first snapshot. */
    cr_metrics_device *devices;
    size_t device_count;
} cr_metrics_ctx;

/* Loads the account (EX_DATAERR "unknown account 'X'"), its time zone and
 * calendar, and the period bounds into ctx; opt may be NULL (defaults).
 * cr_metrics_ctx_free releases what init allocated (safe on a zeroed ctx). */
int cr_metrics_ctx_init(cr_metrics_ctx *ctx, sqlite3 *db, const char *account_id,
                        const cr_period *period, const cr_metrics_options *opt, cr_error *err);
void cr_metrics_ctx_free(cr_metrics_ctx *ctx);

/* Month-m inventory (SPEC section 4): the latest snapshot of the account dated
 * within year-month and not after as_of; else the latest earlier one (stale);
 * returns false when there is none (before the first snapshot). date receives
 * "YYYY-MM-DD". Chooses from ctx->snapshots (no query); err is left clear. */
bool cr_metrics_month_snapshot(const cr_metrics_ctx *ctx, int year, int month,
                               cr_date as_of, char date[11], bool *stale, cr_error *err);

/* The as-of inventory of a section: 1 with its snapshot date in date (and
 * *stale); 0 when the account has no snapshot on or before as-of, after setting
 * root[section] = null with its "<section>_reason"; -1 on failure (err). */
int cr_metrics_asof_inventory(const cr_metrics_ctx *ctx, cr_json *root, const char *section,
                              char date[11], bool *stale, cr_error *err);

/* Sections. Each returns 0 or a sysexits code with err filled. */
int cr_metrics_adoption(cr_metrics_ctx *ctx, cr_json *root, cr_error *err);
int cr_metrics_trueup(cr_metrics_ctx *ctx, cr_json *root, cr_error *err);
int cr_metrics_rma(cr_metrics_ctx *ctx, cr_json *root, cr_error *err);
int cr_metrics_downtime(cr_metrics_ctx *ctx, cr_json *root, cr_error *err);
int cr_metrics_tickets(cr_metrics_ctx *ctx, cr_json *root, cr_error *err);
int cr_metrics_software(cr_metrics_ctx *ctx, cr_json *root, cr_error *err);
int cr_metrics_coverage(cr_metrics_ctx *ctx, cr_json *root, cr_error *err);

/* The device list (metrics_devices.c). load fills ctx->devices from the as-of
 * inventory when options.device_list is set (else does nothing); find returns
 * the device with that serial, NULL when there is no list or no such device;
 * write sets root.devices (null with devices_reason before the first
 * snapshot), ordered by category, site, model, serial; free releases it. */
int cr_metrics_devices_load(cr_metrics_ctx *ctx, cr_error *err);
cr_metrics_device *cr_metrics_device_find(const cr_metrics_ctx *ctx, const char *serial);
int cr_metrics_devices_write(cr_metrics_ctx *ctx, cr_json *root, cr_error *err);
void cr_metrics_devices_free(cr_metrics_ctx *ctx);

/* Shared helpers (metrics_util.c). */
/* Median (mean of the two middle values for an even n) and p90 (nearest rank,
 * the ceil(0.9 n)-th smallest) of v[0..n), which they sort; NAN when n is 0. */
double cr_median(double *v, size_t n);
double cr_p90(double *v, size_t n);
/* Rounds a/b half away from zero (b > 0), exactly. */
__extension__ typedef __int128 cr_int128;
int64_t cr_div_round_half_away(cr_int128 a, cr_int128 b);
/* Sets obj[key] = v; clears *ok when that fails (out of memory). */
void cr_metrics_put(cr_json *obj, const char *key, cr_json *v, bool *ok);

#endif
