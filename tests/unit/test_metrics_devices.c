/* test_metrics_devices.c - the device list (cr_metrics_options.device_list):
 * one item per device of the as-of inventory, each with the coverage status,
 * software level, activity and offline flag its sections decided, agreeing
 * with the sections' counts; absent unless asked for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmreport/db.h"
#include "csmreport/metrics.h"
#include "unit.h"

static const char fixture[] =
    "INSERT INTO accounts (account_id, account_name, program, term_start, term_end, timezone)"
    " VALUES ('A1', 'Acme', 'elite', '2026-01-01', '2026-12-31', 'Europe/Oslo'),"
    " ('A2', 'Later', 'elite', '2026-01-01', '2026-12-31', 'UTC');"
    "INSERT INTO catalog (model, category, eos_date) VALUES"
    " ('H1', 'headset', NULL), ('V1', 'video', '2026-06-30');"
    "INSERT INTO firmware (model, version, release_date) VALUES"
    " ('H1', '1.0', '2026-01-10'), ('H1', '1.1', '2026-03-01'), ('H1', '1.2', '2026-05-01'),"
    " ('H1', '1.3', '2026-10-15');"
    /* July snapshot with S9, gone by the September (as-of) one. */
    "INSERT INTO devices (account_id, snapshot_date, serial, model, firmware, site, room,"
    "                     status, last_seen, last_seen_utc) VALUES"
    " ('A1', '2026-07-15', 'S9', 'H1', '1.2', 'Oslo', NULL, 'online', NULL, NULL),"
    " ('A1', '2026-09-10', 'S1', 'H1', '1.2', 'Oslo', 'R1', 'online',"
    "  '2026-09-09T10:00:00', unixepoch('2026-09-09 08:00:00')),"
    " ('A1', '2026-09-10', 'S2', 'H1', '1.1.0042', 'Oslo', 'R2', 'online', NULL, NULL),"
    " ('A1', '2026-09-10', 'S3', 'H1', '1.0', 'Bergen', NULL, 'offline',"
    "  '2026-07-01T10:00:00', unixepoch('2026-07-01 08:00:00')),"
    " ('A1', '2026-09-10', 'S4', 'H1', NULL, 'Bergen', NULL, NULL, NULL, NULL),"
    " ('A1', '2026-09-10', 'S5', 'V1', '2.0', 'Oslo', NULL, 'online', NULL, NULL),"
    " ('A1', '2026-09-10', 'S6', 'X1', '3.0', 'Bergen', NULL, 'offline',"
    "  '2026-09-01T10:00:00', unixepoch('2026-09-01 08:00:00'));"
    /* S1 and S5 call in Q3; S3 only in June (not active in Q3); S9 is no
     * longer in the inventory. */
    "INSERT INTO usage (date, serial, account_id, calls, call_minutes) VALUES"
    " ('2026-07-02', 'S1', 'A1', 2, 30), ('2026-09-15', 'S5', 'A1', 1, 10),"
    " ('2026-06-30', 'S3', 'A1', 3, 20), ('2026-08-03', 'S9', 'A1', 5, 100);"
    "INSERT INTO devices (account_id, snapshot_date, serial, model) VALUES"
    " ('A2', '2026-11-01', 'L1', 'H1');";

static cr_json *compute(sqlite3 *db, const char *account, bool list)
{
    cr_error err;
    cr_error_clear(&err);
    cr_period p;
    cr_period_parse("2026-Q3", NULL, &p, &err);
    cr_metrics_options opt = {.device_list = list};
    cr_json *doc = NULL;
    int rc = cr_metrics_compute(db, account, &p, &opt, &doc, &err);
    CHECK_INT(rc, 0, "metrics %s%s (%s)", account, list ? " with devices" : "", err.message);
    return doc;
}

static int64_t geti(const cr_json *r, const char *path) { return cr_json_get_int(cr_json_path(r, path)); }

/* The listed device with this serial, or NULL. */
static const cr_json *device(const cr_json *list, const char *serial)
{
    for (size_t i = 0; i < cr_json_size(list); i++) {
        const cr_json *d = cr_json_at(list, i);
        if (strcmp(cr_json_get_string(cr_json_path(d, "serial")), serial) == 0)
            return d;
    }
    return NULL;
}

static const char *field(const cr_json *list, const char *serial, const char *key)
{
    const cr_json *d = device(list, serial);
    const cr_json *v = d ? cr_json_path(d, key) : NULL;
    return v && !cr_json_is_null(v) ? cr_json_get_string(v) : "(none)";
}

static int flag(const cr_json *list, const char *serial, const char *key)
{
    const cr_json *d = device(list, serial);
    return d ? cr_json_get_bool(cr_json_path(d, key)) : -1;
}

/* How many listed devices have key = value (text). */
static int64_t count_text(const cr_json *list, const char *key, const char *value)
{
    int64_t n = 0;
    for (size_t i = 0; i < cr_json_size(list); i++) {
        const cr_json *v = cr_json_path(cr_json_at(list, i), key);
        n += v && !cr_json_is_null(v) && strcmp(cr_json_get_string(v), value) == 0;
    }
    return n;
}

static int64_t count_true(const cr_json *list, const char *key)
{
    int64_t n = 0;
    for (size_t i = 0; i < cr_json_size(list); i++)
        n += cr_json_get_bool(cr_json_path(cr_json_at(list, i), key));
    return n;
}

int main(void)
{
    cr_error err;
    cr_error_clear(&err);
    sqlite3 *db = cr_db_open(":memory:", CR_DB_READWRITE, &err);
    CHECK(db != NULL, "open store");
    if (!db)
        return unit_exit();
    CHECK_INT(cr_db_exec(db, fixture, &err), 0, "insert fixture (%s)", err.message);

    cr_json *plain = compute(db, "A1", false);
    CHECK(plain && cr_json_path(plain, "devices") == NULL, "no device list unless asked for");
    cr_json *doc = compute(db, "A1", true);
    const cr_json *list = doc ? cr_json_path(doc, "devices") : NULL;
    CHECK(list && cr_json_type_of(list) == CR_JSON_ARRAY, "devices is a list");
    if (!list) {
        cr_json_free(plain);
        cr_json_free(doc);
        cr_db_close(db);
        return unit_exit();
    }

    /* The as-of inventory, nothing else (S9 left before it). */
    CHECK_INT((int64_t)cr_json_size(list), 6, "six devices in the September inventory");
    CHECK_INT((int64_t)cr_json_size(list), geti(doc, "coverage.devices"), "as many as coverage counts");
    CHECK(device(list, "S9") == NULL, "S9 is not in the as-of inventory");

    /* Ordered by category, site, model, serial. */
    const char *order[] = {"S3", "S4", "S1", "S2", "S6", "S5"};
    for (size_t i = 0; i < 6; i++)
        CHECK_STR(cr_json_get_string(cr_json_path(cr_json_at(list, i), "serial")), order[i],
                  "device %zu in category, site, model, serial order", i);

    /* Coverage: the counts of the section, device by device. */
    CHECK_INT(count_text(list, "coverage", "eos"), geti(doc, "coverage.eos"), "eos = coverage.eos");
    CHECK_INT(count_text(list, "coverage", "unknown_model"), geti(doc, "coverage.unknown_model"),
              "unknown_model = coverage.unknown_model");
    CHECK_INT(count_text(list, "coverage", "covered"),
              geti(doc, "coverage.devices") - geti(doc, "coverage.eos") - geti(doc, "coverage.unknown_model"),
              "covered = the rest");
    CHECK_STR(field(list, "S5", "coverage"), "eos", "S5: V1 reached end of service on 2026-06-30");
    CHECK_STR(field(list, "S6", "coverage"), "unknown_model", "S6: X1 is not in the catalog");
    CHECK_STR(field(list, "S1", "coverage"), "covered", "S1 covered");
    CHECK_INT(count_true(list, "offline_30d"), geti(doc, "coverage.offline_30d"),
              "offline_30d = coverage.offline_30d");
    CHECK_INT(flag(list, "S3", "offline_30d"), 1, "S3 offline, last seen 2026-07-01");
    CHECK_INT(flag(list, "S6", "offline_30d"), 0, "S6 offline but seen 2026-09-01");

    /* Software: levels as the section counts them. */
    const char *levels[] = {"current", "n_minus_1", "outdated", "unknown"};
    for (size_t i = 0; i < 4; i++) {
        char path[32];
        snprintf(path, sizeof path, "software.%s", levels[i]);
        CHECK_INT(count_text(list, "software", levels[i]), geti(doc, path), "%s = %s", levels[i], path);
    }
    CHECK_STR(field(list, "S1", "software"), "current", "S1 1.2 is the latest release by as-of");
    CHECK_STR(field(list, "S2", "software"), "n_minus_1", "S2 1.1.0042 is a build of release 1.1");
    CHECK_STR(field(list, "S3", "software"), "outdated", "S3 1.0");
    CHECK_STR(field(list, "S4", "software"), "unknown", "S4 without firmware");

    /* Adoption: active in the period. */
    CHECK_INT(count_true(list, "active"), geti(doc, "adoption.active"), "active = adoption.active");
    CHECK_INT(flag(list, "S1", "active"), 1, "S1 called in July");
    CHECK_INT(flag(list, "S5", "active"), 1, "S5 called in September");
    CHECK_INT(flag(list, "S3", "active"), 0, "S3 called only in June: inactive in Q3");

    /* Inventory fields as stored; an absent one is null. */
    CHECK_STR(field(list, "S2", "firmware"), "1.1.0042", "firmware as stored");
    CHECK_STR(field(list, "S1", "room"), "R1", "room");
    CHECK_STR(field(list, "S1", "last_seen"), "2026-09-09T10:00:00", "last_seen as stored");
    CHECK_STR(field(list, "S6", "category"), "unknown", "outside the catalog: category unknown");
    CHECK(cr_json_is_null(cr_json_path(device(list, "S4"), "status")), "S4 status null");

    /* The rest of the document is the same with or without the list, which
     * comes last. */
    CHECK_INT((int64_t)cr_json_size(doc), (int64_t)cr_json_size(plain) + 1, "one key more");
    CHECK_STR(cr_json_key_at(doc, cr_json_size(doc) - 1), "devices", "devices is the last key");
    for (size_t i = 0; i < cr_json_size(plain); i++) {
        char *x = cr_json_to_string(cr_json_value_at(plain, i), 0);
        char *y = cr_json_to_string(cr_json_value_at(doc, i), 0);
        CHECK(x && y && strcmp(cr_json_key_at(plain, i), cr_json_key_at(doc, i)) == 0 &&
                  strcmp(x, y) == 0,
              "key %s is the same with the list", cr_json_key_at(plain, i));
        free(x);
        free(y);
    }
    cr_json_free(plain);
    cr_json_free(doc);

    /* No inventory on or before as-of: null with its reason. */
    doc = compute(db, "A2", true);
    CHECK(doc && cr_json_is_null(cr_json_path(doc, "devices")) && cr_json_path(doc, "devices"),
          "devices null before the first snapshot");
    CHECK_STR(doc ? cr_json_get_string(cr_json_path(doc, "devices_reason")) : "", "no inventory on or before as-of",
              "devices_reason");
    cr_json_free(doc);
    cr_db_close(db);
    return unit_exit();
}
