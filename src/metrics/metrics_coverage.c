/* metrics_coverage.c - coverage (SPEC 5.7): the as-of inventory by category and
 * model, end-of-service devices (cannot be covered), models outside the catalog,
 * and devices offline for more than 30 days.
 */
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

int cr_metrics_coverage(cr_metrics_ctx *ctx, cr_json *root, cr_error *err)
{
    char snapshot[11], as_of[11];
    bool stale;
    cr_error_clear(err);
    cr_date_format(ctx->period.end, as_of);
    int found = cr_metrics_asof_inventory(ctx, root, "coverage", snapshot, &stale, err);
    if (found <= 0)
        return found < 0 ? err->code : 0;
    sqlite3_stmt *st = cr_sql_prepare(ctx->db, "metrics_coverage.models", err);
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
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *category = (const char *)sqlite3_column_text(st, 1);
        bool known = sqlite3_column_int(st, 2) != 0, is_eos = sqlite3_column_int(st, 3) != 0;
        int64_t n = sqlite3_column_int64(st, 5), off = sqlite3_column_int64(st, 6);
        by_category[category_index(category)] += n;
        devices += n;
        eos += is_eos ? n : 0;
        unknown += known ? 0 : n;
        offline += off;
        cr_json *row = cr_json_append(by_model, cr_json_object());
        cr_json_set(row, "model", cr_json_string((const char *)sqlite3_column_text(st, 0)));
        cr_json_set(row, "category", cr_json_string(category));
        cr_json_set(row, "count", cr_json_int(n));
        cr_json_set(row, "eos", cr_json_bool(is_eos));
        cr_json_set(row, "eos_date", cr_json_string((const char *)sqlite3_column_text(st, 4)));
        cr_json_set(row, "offline_30d", cr_json_int(off));
    }
    int status = 0;
    if (rc != SQLITE_DONE)
        status = cr_db_fail(ctx->db, rc, "cannot read the inventory", err);
    sqlite3_finalize(st);
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
