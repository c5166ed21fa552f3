/* metrics_fixture.h - what the metrics section tests share: a database of
 * their own (db), SQL run as a checked fixture step, devices added in bulk, and
 * a JSON value as text. Include after unit.h. */
#ifndef CSMREPORT_METRICS_FIXTURE_H
#define CSMREPORT_METRICS_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "csmreport/db.h"
#include "csmreport/json.h"

static sqlite3 *db; /* each test program opens its own */

static inline void exec(const char *sql)
{
    cr_error err;
    cr_error_clear(&err);
    int rc = cr_db_exec(db, sql, &err);
    if (rc)
        printf("fixture failed: %s\n", err.message);
    CHECK_INT(rc, 0, "fixture sql");
}


static inline void add_devices(const char *account, const char *snapshot, const char *model,
                        int count, const char *prefix)
{
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db,
                       "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?4) "
                       "INSERT INTO devices (account_id, snapshot_date, serial, model) "
                       "SELECT ?1, ?2, ?5 || '-' || x, ?3 FROM n",
                       -1, &st, NULL);
    sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, snapshot, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, model, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, count);
    sqlite3_bind_text(st, 5, prefix, -1, SQLITE_STATIC);
    CHECK_INT(sqlite3_step(st), SQLITE_DONE, "add %d %s devices on %s", count, model, snapshot);
    sqlite3_finalize(st);
}


static inline const char *text_at(const cr_json *root, const char *path)
{
    static char buf[256];
    cr_json *v = cr_json_path(root, path);
    if (!v)
        return "";
    char *s = cr_json_to_string(v, 0);
    snprintf(buf, sizeof buf, "%s", s ? s : "");
    free(s);
    return buf;
}


#endif
