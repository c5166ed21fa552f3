/* metrics_devices.c - the device list ("devices", SPEC 5.8 on request): the
 * devices of the as-of inventory, each with the facts the sections decide for
 * it. This file holds the list only; coverage, software and adoption set the
 * fields they own while they count, so a device's status and the counts come
 * from the same rule.
 */
#include <stdlib.h>
#include <string.h>

#include "csmreport/db.h"
#include "metrics_internal.h"

static void device_free(cr_metrics_device *d)
{
    free(d->serial);
    free(d->model);
    free(d->category);
    free(d->site);
    free(d->room);
    free(d->firmware);
    free(d->status);
    free(d->last_seen);
}

void cr_metrics_devices_free(cr_metrics_ctx *ctx)
{
    for (size_t k = 0; k < ctx->device_count; k++)
        device_free(&ctx->devices[k]);
    free(ctx->devices);
    ctx->devices = NULL;
    ctx->device_count = 0;
}

int cr_metrics_devices_load(cr_metrics_ctx *ctx, cr_error *err)
{
    if (!ctx->options.device_list)
        return 0;
    char snapshot[11];
    bool stale;
    const cr_date end = ctx->period.end;
    if (!cr_metrics_month_snapshot(ctx, end.year, end.month, end, snapshot, &stale, err))
        return 0; /* no inventory yet: written as null */
    sqlite3_stmt *st = cr_sql_cached(ctx->db, "metrics_devices.inventory", err);
    if (!st)
        return cr_error_exit_code(err);
    sqlite3_bind_text(st, 1, ctx->account->account_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, snapshot, -1, SQLITE_STATIC);
    size_t cap = 0;
    int rc, status = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (ctx->device_count == cap) {
            cap = cap ? cap * 2 : 64;
            cr_metrics_device *grown = realloc(ctx->devices, cap * sizeof *grown);
            if (!grown) {
                status = cr_error_nomem(err);
                break;
            }
            ctx->devices = grown;
        }
        bool ok = true;
        cr_metrics_device *d = &ctx->devices[ctx->device_count++];
        *d = (cr_metrics_device){
            .serial = cr_db_column_dup(st, 0, &ok), .model = cr_db_column_dup(st, 1, &ok),
            .category = cr_db_column_dup(st, 2, &ok), .site = cr_db_column_dup(st, 3, &ok),
            .room = cr_db_column_dup(st, 4, &ok), .firmware = cr_db_column_dup(st, 5, &ok),
            .status = cr_db_column_dup(st, 6, &ok), .last_seen = cr_db_column_dup(st, 7, &ok)};
        if (!ok || !d->serial) {
            status = cr_error_nomem(err);
            break;
        }
    }
    if (!status && rc != SQLITE_DONE)
        status = cr_db_fail(ctx->db, rc, "cannot read the inventory", err);
    cr_sql_release(st);
    return status;
}

static int compare_serial(const void *key, const void *item)
{
    return strcmp(key, ((const cr_metrics_device *)item)->serial);
}

cr_metrics_device *cr_metrics_device_find(const cr_metrics_ctx *ctx, const char *serial)
{
    if (!serial || !ctx->device_count)
        return NULL;
    return bsearch(serial, ctx->devices, ctx->device_count, sizeof *ctx->devices, compare_serial);
}

/* Text order with NULL first, as SQL's ORDER BY sorts. */
static int compare_text(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

static int compare_listed(const void *x, const void *y)
{
    const cr_metrics_device *a = x, *b = y;
    int c = compare_text(a->category, b->category);
    if (!c)
        c = compare_text(a->site, b->site);
    if (!c)
        c = compare_text(a->model, b->model);
    return c ? c : strcmp(a->serial, b->serial);
}

int cr_metrics_devices_write(cr_metrics_ctx *ctx, cr_json *root, cr_error *err)
{
    char snapshot[11];
    bool stale;
    cr_error_clear(err);
    int found = cr_metrics_asof_inventory(ctx, root, "devices", snapshot, &stale, err);
    if (found <= 0)
        return found < 0 ? err->code : 0;
    /* Written in the list's order; nothing looks a serial up after this. */
    if (ctx->device_count > 1)
        qsort(ctx->devices, ctx->device_count, sizeof *ctx->devices, compare_listed);
    cr_json *list = cr_json_array();
    bool ok = list != NULL;
    for (size_t k = 0; ok && k < ctx->device_count; k++) {
        const cr_metrics_device *d = &ctx->devices[k];
        cr_json *item = cr_json_append(list, cr_json_object());
        if (!item) {
            ok = false;
            break;
        }
        cr_metrics_put(item, "serial", cr_json_string(d->serial), &ok);
        cr_metrics_put(item, "model", cr_json_string(d->model), &ok);
        cr_metrics_put(item, "category", cr_json_string(d->category), &ok);
        cr_metrics_put(item, "site", cr_json_string(d->site), &ok);
        cr_metrics_put(item, "room", cr_json_string(d->room), &ok);
        cr_metrics_put(item, "firmware", cr_json_string(d->firmware), &ok);
        cr_metrics_put(item, "status", cr_json_string(d->status), &ok);
        cr_metrics_put(item, "last_seen", cr_json_string(d->last_seen), &ok);
        cr_metrics_put(item, "coverage", cr_json_string(d->coverage), &ok);
        cr_metrics_put(item, "software", cr_json_string(d->software), &ok);
        cr_metrics_put(item, "active", cr_json_bool(d->active), &ok);
        cr_metrics_put(item, "offline_30d", cr_json_bool(d->offline_30d), &ok);
    }
    if (!ok) {
        cr_json_free(list);
        return cr_error_nomem(err);
    }
    /* cr_json_set frees the list when it fails */
    return cr_json_set(root, "devices", list) ? 0 : cr_error_nomem(err);
}
