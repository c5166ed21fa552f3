/* metrics_coverage.c - coverage (SPEC 5.7): the as-of inventory by category and
 * model, end-of-service devices (cannot be covered), models outside the catalog,
 * and devices offline for more than 30 days; each device's coverage status
 * and offline flag for the device list (metrics_devices.c).
 */
#include <stdlib.h>
#include <string.h>

#include "csmreport/db.h"
#include "metrics_internal.h"

static int category_index(const char *category)
{
    for (int k = 0; k < CR_CATEGORY_COUNT - 1; k++)
        if (category && strcmp(category, cr_categories[k]) == 0)
            return k;
    return CR_CATEGORY_COUNT - 1;
}

/* The by_model row being counted: the devices of one model. */
typedef struct model_sums {
    char *model, *category, *eos_date;
    bool eos;
    int64_t count, offline;
} model_sums;

static void model_free(model_sums *m)
{
    free(m->model);
    free(m->category);
    free(m->eos_date);
    memset(m, 0, sizeof *m);
}

/* Starts the model of the current row (columns of metrics_coverage.devices). */
static bool model_start(model_sums *m, sqlite3_stmt *st)
{
    bool ok = true;
    model_free(m);
    m->model = cr_db_column_dup(st, 1, &ok);
    m->category = cr_db_column_dup(st, 2, &ok);
    m->eos_date = cr_db_column_dup(st, 5, &ok);
    m->eos = sqlite3_column_int(st, 4) != 0;
    if (!m->model && ok)
        ok = (m->model = strdup("")) != NULL;
    return ok;
}

/* Closes the model's row (none before the first model) and frees its copies. */
static void model_row(cr_json *by_model, model_sums *m)
{
    if (m->model) {
        cr_json *row = cr_json_append(by_model, cr_json_object());
        cr_json_set(row, "model", cr_json_string(m->model));
        cr_json_set(row, "category", cr_json_string(m->category));
        cr_json_set(row, "count", cr_json_int(m->count));
        cr_json_set(row, "eos", cr_json_bool(m->eos));
        cr_json_set(row, "eos_date", m->eos_date ? cr_json_string(m->eos_date) : cr_json_null());
        cr_json_set(row, "offline_30d", cr_json_int(m->offline));
    }
    model_free(m);
}

int cr_metrics_coverage(cr_metrics_ctx *ctx, cr_json *root, cr_error *err)
{
    char snapshot[11], as_of[11];
    bool stale;
    cr_error_clear(err);
    cr_date_format(ctx->period.end, as_of);
    int found = cr_metrics_asof_inventory(ctx, root, "coverage", snapshot, &stale, err);
    if (found <= 0)
        return found < 0 ? err->code : 0;
    sqlite3_stmt *st = cr_sql_cached(ctx->db, "metrics_coverage.devices", err);
    if (!st)
        return cr_error_exit_code(err);
    /* "more than 30 days before as-of": last seen before the local day as-of - 30 */
    int64_t offline_before = cr_calendar_day_start_utc(ctx->calendar, ctx->end_day - 30);
    sqlite3_bind_text(st, 1, ctx->account->account_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, snapshot, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, as_of, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, offline_before);

    int64_t by_category[CR_CATEGORY_COUNT] = {0}, devices = 0, eos = 0, unknown = 0, offline = 0;
    cr_json *by_model = cr_json_array();
    model_sums m = {0};
    int rc, status = 0;
    /* One row per device, a model's devices together: the device's status goes
     * to the device list (when asked for), its counts to its model's row. */
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *model = (const char *)sqlite3_column_text(st, 1);
        const char *category = (const char *)sqlite3_column_text(st, 2);
        bool known = sqlite3_column_int(st, 3) != 0, is_eos = sqlite3_column_int(st, 4) != 0;
        bool off = sqlite3_column_int(st, 6) != 0;
        cr_metrics_device *d = cr_metrics_device_find(ctx, (const char *)sqlite3_column_text(st, 0));
        if (d) {
            d->coverage = !known ? "unknown_model" : is_eos ? "eos" : "covered";
            d->offline_30d = off;
        }
        by_category[category_index(category)]++;
        devices++;
        eos += is_eos;
        unknown += !known;
        offline += off;
        if (!m.model || strcmp(m.model, model ? model : "") != 0) {
            model_row(by_model, &m);
            if (!model_start(&m, st)) {
                status = cr_error_nomem(err);
                break;
            }
        }
        m.count++;
        m.offline += off;
    }
    model_row(by_model, &m);
    if (!status && rc != SQLITE_DONE)
        status = cr_db_fail(ctx->db, rc, "cannot read the inventory", err);
    cr_sql_release(st);
    if (status) {
        cr_json_free(by_model);
        return status;
    }

    cr_json *c = cr_json_set(root, "coverage", cr_json_object());
    cr_json *cat = cr_json_set(c, "by_category", cr_json_object());
    for (int k = 0; k < CR_CATEGORY_COUNT; k++)
        cr_json_set(cat, cr_categories[k], cr_json_int(by_category[k]));
    cr_json_set(c, "devices", cr_json_int(devices));
    cr_json_set(c, "eos", cr_json_int(eos));
    cr_json_set(c, "unknown_model", cr_json_int(unknown));
    cr_json_set(c, "offline_30d", cr_json_int(offline));
    cr_json_set(c, "snapshot_date", cr_json_string(snapshot));
    cr_json_set(c, "stale", cr_json_bool(stale));
    cr_json_set(c, "by_model", by_model);
    return 0;
}
