/* metrics_software.c - software currency (SPEC 5.6): each device of the as-of
 * inventory against its model's releases on or before as-of, ordered by
 * release date and then by version (numeric dot-separated parts): current,
 * n_minus_1, outdated or unknown; overall and by model, and each device's
 * level for the device list (metrics_devices.c).
 */
#include <stdlib.h>
#include <string.h>

#include "csmreport/db.h"
#include "metrics_internal.h"

enum { CURRENT, N_MINUS_1, OUTDATED, UNKNOWN, STATUS_COUNT };
static const char *const status_names[STATUS_COUNT] = {"current", "n_minus_1", "outdated", "unknown"};

typedef struct release {
    char *model, *version, *date;
} release;

static int oom(cr_error *err) { return cr_error_nomem(err); }

static char *dup_text(sqlite3_stmt *st, int col)
{
    const char *s = (const char *)sqlite3_column_text(st, col);
    size_t n = strlen(s ? s : "") + 1;
    char *c = malloc(n);
    if (c)
        memcpy(c, s ? s : "", n);
    return c;
}

/* Compares one dot-separated part: digit strings as numbers (of any length),
 * anything else as text. */
static int compare_part(const char *a, size_t na, const char *b, size_t nb)
{
    bool da = na > 0, db = nb > 0;
    for (size_t k = 0; k < na; k++)
        da = da && a[k] >= '0' && a[k] <= '9';
    for (size_t k = 0; k < nb; k++)
        db = db && b[k] >= '0' && b[k] <= '9';
    if (da && db) {
        while (na > 1 && *a == '0') {
            a++;
            na--;
        }
        while (nb > 1 && *b == '0') {
            b++;
            nb--;
        }
        if (na != nb)
            return na < nb ? -1 : 1;
        return memcmp(a, b, na);
    }
    int c = memcmp(a, b, na < nb ? na : nb);
    return c ? c : (na > nb) - (na < nb);
}

/* Version order: part by part; a version that runs out first is older. */
static int version_compare(const char *a, const char *b)
{
    for (;;) {
        size_t na = strcspn(a, "."), nb = strcspn(b, ".");
        int c = compare_part(a, na, b, nb);
        if (c)
            return c < 0 ? -1 : 1;
        a += na;
        b += nb;
        if (!*a || !*b)
            return (*a != 0) - (*b != 0);
        a++;
        b++;
    }
}

static int compare_release(const void *x, const void *y)
{
    const release *a = x, *b = y;
    int c = strcmp(a->model, b->model);
    if (!c)
        c = strcmp(a->date, b->date);
    if (!c)
        c = version_compare(a->version, b->version);
    return c;
}

/* A device's firmware matches a release when it equals it or continues it
 * after a '.' ("4.0.2.0002" is release "4.0.2"). */
static bool matches(const char *firmware, const char *version)
{
    size_t n = strlen(version);
    return strncmp(firmware, version, n) == 0 && (firmware[n] == '\0' || firmware[n] == '.');
}

static void releases_free(release *r, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        free(r[k].model);
        free(r[k].version);
        free(r[k].date);
    }
    free(r);
}

static sqlite3_stmt *prepare(cr_metrics_ctx *ctx, const char *name, const char *snapshot,
                             const char *as_of, cr_error *err)
{
    sqlite3_stmt *st = cr_sql_cached(ctx->db, name, err);
    if (!st)
        return NULL;
    sqlite3_bind_text(st, 1, ctx->account->account_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, snapshot, -1, SQLITE_STATIC);
    if (as_of)
        sqlite3_bind_text(st, 3, as_of, -1, SQLITE_TRANSIENT);
    return st;
}

/* Loads the releases of the inventory's models, sorted by model and age. */
static int load_releases(cr_metrics_ctx *ctx, const char *snapshot, const char *as_of,
                         release **out, size_t *count, cr_error *err)
{
    sqlite3_stmt *st = prepare(ctx, "metrics_software.releases", snapshot, as_of, err);
    if (!st)
        return cr_error_exit_code(err);
    release *r = NULL;
    size_t n = 0, cap = 0;
    int rc, status = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            release *g = realloc(r, ncap * sizeof *g);
            if (!g) {
                status = oom(err);
                break;
            }
            r = g;
            cap = ncap;
        }
        r[n] = (release){dup_text(st, 0), dup_text(st, 1), dup_text(st, 2)};
        n++;
        if (!r[n - 1].model || !r[n - 1].version || !r[n - 1].date) {
            status = oom(err);
            break;
        }
    }
    if (!status && rc != SQLITE_DONE)
        status = cr_db_fail(ctx->db, rc, "cannot read firmware releases", err);
    cr_sql_release(st);
    if (status) {
        releases_free(r, n);
        return status;
    }
    if (n > 1)
        qsort(r, n, sizeof *r, compare_release);
    *out = r;
    *count = n;
    return 0;
}

/* The status of firmware among the releases r[0..n) of one model, oldest first. */
static int classify(const char *firmware, const release *r, size_t n)
{
    if (!firmware || !*firmware || n == 0)
        return UNKNOWN;
    /* The longest matching release wins ("4.0" and "4.0.2" both prefix 4.0.2.1). */
    size_t best = n, best_len = 0;
    for (size_t k = 0; k < n; k++) {
        size_t len = strlen(r[k].version);
        if (matches(firmware, r[k].version) && (best == n || len > best_len)) {
            best = k;
            best_len = len;
        }
    }
    if (best == n)
        return UNKNOWN;
    return best == n - 1 ? CURRENT : best == n - 2 ? N_MINUS_1 : OUTDATED;
}

static cr_json *rate(int64_t num, int64_t den)
{
    return den ? cr_json_number((double)num / (double)den) : cr_json_null();
}

/* Closes the by_model row of the model whose counts are in c. */
static void model_row(cr_json *by_model, const char *model, const int64_t c[STATUS_COUNT],
                      const release *r, size_t n)
{
    cr_json *row = cr_json_append(by_model, cr_json_object());
    cr_json_set(row, "model", cr_json_string(model));
    for (int k = 0; k < STATUS_COUNT; k++)
        cr_json_set(row, status_names[k], cr_json_int(c[k]));
    cr_json_set(row, "latest", n ? cr_json_string(r[n - 1].version) : cr_json_null());
}

int cr_metrics_software(cr_metrics_ctx *ctx, cr_json *root, cr_error *err)
{
    char snapshot[11], as_of[11];
    bool stale;
    cr_error_clear(err);
    cr_date_format(ctx->period.end, as_of);
    int found = cr_metrics_asof_inventory(ctx, root, "software", snapshot, &stale, err);
    if (found <= 0)
        return found < 0 ? err->code : 0;
    release *rel = NULL;
    size_t nrel = 0;
    int status = load_releases(ctx, snapshot, as_of, &rel, &nrel, err);
    if (status)
        return status;
    sqlite3_stmt *st = prepare(ctx, "metrics_software.devices", snapshot, NULL, err);
    if (!st) {
        releases_free(rel, nrel);
        return cr_error_exit_code(err);
    }

    int64_t total[STATUS_COUNT] = {0}, per_model[STATUS_COUNT] = {0}, devices = 0;
    cr_json *by_model = cr_json_array();
    char *model = NULL;            /* the model being counted */
    const release *mr = NULL;      /* its releases */
    size_t mn = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *m = (const char *)sqlite3_column_text(st, 1);
        const char *firmware = (const char *)sqlite3_column_text(st, 2);
        if (!model || strcmp(model, m) != 0) {
            if (model)
                model_row(by_model, model, per_model, mr, mn);
            free(model);
            model = dup_text(st, 1);
            if (!model) {
                status = oom(err);
                break;
            }
            memset(per_model, 0, sizeof per_model);
            /* the model's releases: a run of the sorted array */
            mn = 0;
            size_t k = 0;
            while (k < nrel && strcmp(rel[k].model, m) < 0)
                k++;
            mr = rel + k;
            while (k + mn < nrel && strcmp(rel[k + mn].model, m) == 0)
                mn++;
        }
        int s = classify(firmware, mr, mn);
        cr_metrics_device *d = cr_metrics_device_find(ctx, (const char *)sqlite3_column_text(st, 0));
        if (d)
            d->software = status_names[s];
        per_model[s]++;
        total[s]++;
        devices++;
    }
    if (!status && rc != SQLITE_DONE)
        status = cr_db_fail(ctx->db, rc, "cannot read the inventory", err);
    if (!status && model)
        model_row(by_model, model, per_model, mr, mn);
    cr_sql_release(st);
    free(model);
    releases_free(rel, nrel);
    if (status) {
        cr_json_free(by_model);
        return status;
    }

    cr_json *sw = cr_json_set(root, "software", cr_json_object());
    for (int k = 0; k < STATUS_COUNT; k++)
        cr_json_set(sw, status_names[k], cr_json_int(total[k]));
    cr_json_set(sw, "devices", cr_json_int(devices));
    cr_json_set(sw, "current_rate", rate(total[CURRENT], devices));
    cr_json_set(sw, "n_minus_1_rate", rate(total[N_MINUS_1], devices));
    cr_json_set(sw, "outdated_rate", rate(total[OUTDATED], devices));
    cr_json_set(sw, "unknown_rate", rate(total[UNKNOWN], devices));
    /* Support covers the latest release and the one before it. */
    cr_json_set(sw, "supported_rate", rate(total[CURRENT] + total[N_MINUS_1], devices));
    cr_json_set(sw, "snapshot_date", cr_json_string(snapshot));
    cr_json_set(sw, "stale", cr_json_bool(stale));
    cr_json_set(sw, "by_model", by_model);
    return 0;
}
