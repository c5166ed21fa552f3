/* ingest_kinds.c - what importing a kind does beyond the common path: the hooks
 * named by the kinds table (kinds.c). UTC instants derived in an account's
 * effective time zone, checks across the values of a row, the snapshots of a
 * devices file, and the re-timing of naive timestamps when an accounts or
 * partners file changes the zone they are read in. */
#include <stdio.h>
#include <string.h>

#include "csmreport/datetime.h"
#include "csmreport/db.h"
#include "csmreport/tz.h"
#include "ingest_internal.h"
#include "ingest_kinds.h"

/* ---------- time zones ---------- */

/* The effective time zone of an account (accounts_resolved: its own, else its
 * partner's; UTC until one arrives, and the accounts or partners import then
 * re-reads the naive times). The last one looked up is kept. */
static const cr_tz *account_tz(cr_importer *im, const cr_value *account)
{
    if (im->tz && account->len < sizeof im->tz_account && strlen(im->tz_account) == account->len &&
        memcmp(im->tz_account, account->text, account->len) == 0)
        return im->tz;
    const char *zone = NULL;
    sqlite3_bind_text(im->tz_lookup, 1, account->text, (int)account->len, SQLITE_STATIC);
    int step = sqlite3_step(im->tz_lookup);
    if (step == SQLITE_ROW)
        zone = (const char *)sqlite3_column_text(im->tz_lookup, 0);
    else if (step != SQLITE_DONE) /* not "no zone": UTC would be a silent wrong guess */
        im->derive_error = step;
    im->tz = cr_tz_get(zone, NULL);
    if (!im->tz)
        im->tz = cr_tz_get(NULL, NULL);
    sqlite3_reset(im->tz_lookup);
    if (account->len < sizeof im->tz_account && !im->derive_error) {
        memcpy(im->tz_account, account->text, account->len);
        im->tz_account[account->len] = '\0';
    } else {
        im->tz_account[0] = '\0';
    }
    return im->tz;
}

static const cr_tz *row_tz(cr_importer *im)
{
    return account_tz(im, &im->values[cr_ingest_value_index(im, "account_id")]);
}

static int64_t utc_of(const cr_value *v, const cr_tz *tz)
{
    int64_t local = cr_timestamp_local_seconds(&v->ts);
    return v->ts.has_offset ? local - v->ts.offset_seconds : cr_tz_local_to_utc(tz, local);
}

void cr_ingest_kinds_tickets_derive(cr_importer *im)
{
    static const char *const cols[6] = {"opened_at", "closed_at", "rma_approved_at",
                                        "shipped_at", "delivered_at", "updated_at"};
    derived_values *d = &im->derived;
    const cr_tz *tz = row_tz(im);
    for (int i = 0; i < 6; i++) {
        const cr_value *v = &im->values[cr_ingest_value_index(im, cols[i])];
        d->utc_null[i] = v->null;
        d->utc[i] = v->null ? 0 : utc_of(v, tz);
    }
}

void cr_ingest_kinds_devices_derive(cr_importer *im)
{
    derived_values *d = &im->derived;
    const cr_value *v = &im->values[cr_ingest_value_index(im, "last_seen")];
    d->last_seen_null = v->null;
    d->last_seen_utc = v->null ? 0 : utc_of(v, row_tz(im));
}

void cr_ingest_kinds_calls_derive(cr_importer *im)
{
    derived_values *d = &im->derived;
    const cr_tz *tz = row_tz(im);
    d->start_utc = utc_of(&im->values[cr_ingest_value_index(im, "start_time")], tz);
    d->end_utc = utc_of(&im->values[cr_ingest_value_index(im, "end_time")], tz);
    int64_t local = cr_tz_utc_to_local(tz, d->start_utc);
    int64_t day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    cr_date_format(cr_civil_from_days(day), d->local_date);
}

int cr_ingest_kinds_zones_begin(cr_importer *im, cr_error *err)
{
    int rc = cr_db_exec(im->db, "CREATE TEMP TABLE IF NOT EXISTS cr_zones_before ("
                                "account_id TEXT PRIMARY KEY, timezone TEXT NOT NULL) WITHOUT ROWID; "
                                "DELETE FROM temp.cr_zones_before; "
                                "CREATE TEMP TABLE IF NOT EXISTS cr_recipients_before ("
                                "who TEXT PRIMARY KEY, recipients TEXT NOT NULL) WITHOUT ROWID; "
                                "DELETE FROM temp.cr_recipients_before", err);
    static const char *const names[] = {"import.zones.note", "import.recipients.note"};
    for (size_t n = 0; n < sizeof names / sizeof names[0] && !rc; n++) {
        sqlite3_stmt *st;
        if ((rc = cr_ingest_prepare_named(im, names[n], &st, err)))
            break;
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
        rc = rc == SQLITE_DONE ? 0 : cr_db_fail(im->db, rc, "cannot note the accounts' time zones", err);
    }
    return rc;
}

/* How many accounts and partners the file gave other recipients. */
static int count_recipients_changed(cr_importer *im, cr_error *err)
{
    sqlite3_stmt *st;
    int rc = cr_ingest_prepare_named(im, "import.recipients.changed", &st, err);
    if (rc)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        im->res->recipients_changed = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : cr_db_fail(im->db, rc, "cannot compare the recipients", err);
}

int cr_ingest_kinds_zones_end(cr_importer *im, cr_error *err)
{
    static const char *const names[] = {"import.zones.changed", "import.zones.retime_tickets",
                                        "import.zones.retime_calls", "import.zones.retime_devices"};
    int rc = cr_db_exec(im->db, "CREATE TEMP TABLE IF NOT EXISTS cr_zones_changed ("
                                "account_id TEXT PRIMARY KEY, timezone TEXT NOT NULL) WITHOUT ROWID; "
                                "DELETE FROM temp.cr_zones_changed", err);
    for (size_t n = 0; n < sizeof names / sizeof names[0] && !rc; n++) {
        sqlite3_stmt *st;
        if ((rc = cr_ingest_prepare_named(im, names[n], &st, err)))
            break;
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
        rc = rc == SQLITE_DONE ? 0 : cr_db_fail(im->db, rc, "cannot re-time the accounts' records", err);
    }
    return rc ? rc : count_recipients_changed(im, err);
}

/* ---------- devices: whole snapshots ---------- */

int cr_ingest_kinds_snapshots_begin(cr_importer *im, cr_error *err)
{
    int rc = cr_db_exec(im->db, "CREATE TEMP TABLE IF NOT EXISTS cr_snapshots ("
                                "account_id TEXT, snapshot_date TEXT, "
                                "PRIMARY KEY (account_id, snapshot_date)) WITHOUT ROWID; "
                                "DELETE FROM temp.cr_snapshots", err);
    if (rc)
        return rc;
    im->snap_seen = cr_db_prepare(im->db, "INSERT OR IGNORE INTO temp.cr_snapshots VALUES (?1, ?2)", err);
    return im->snap_seen ? 0 : err->code;
}

int cr_ingest_kinds_snapshots_note(cr_importer *im, cr_error *err)
{
    const cr_value *acc = &im->values[cr_ingest_value_index(im, "account_id")];
    const cr_value *snap = &im->values[cr_ingest_value_index(im, "snapshot_date")];
    char pair[160];
    snprintf(pair, sizeof pair, "%.*s\x1f%.*s", (int)acc->len, acc->text, (int)snap->len, snap->text);
    if (strcmp(pair, im->last_snap) == 0)
        return 0;
    snprintf(im->last_snap, sizeof im->last_snap, "%s", pair);
    sqlite3_bind_text(im->snap_seen, 1, acc->text, (int)acc->len, SQLITE_TRANSIENT);
    sqlite3_bind_text(im->snap_seen, 2, snap->text, (int)snap->len, SQLITE_TRANSIENT);
    int rc = sqlite3_step(im->snap_seen);
    sqlite3_reset(im->snap_seen);
    return rc == SQLITE_DONE ? 0 : cr_db_fail(im->db, rc, "snapshot bookkeeping", err);
}

int cr_ingest_kinds_snapshots_end(cr_importer *im, cr_error *err)
{
    sqlite3_stmt *st;
    int rc = cr_ingest_prepare_named(im, "import.devices.delete_unlisted", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, cr_ingest_param(st, ":mark"), im->rowid_mark);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return cr_db_fail(im->db, rc, "cannot replace the snapshots", err);
    im->res->deleted = sqlite3_changes(im->db);
    return 0;
}

/* ---------- checks across the values of a row ---------- */

/* A failed check: the reason, at the value of column name. */
static bool bad_value(cr_importer *im, const char *name, const char *reason, char *why, size_t why_size,
                      long *bad_line, long *bad_col)
{
    size_t at = (size_t)cr_ingest_value_index(im, name);
    snprintf(why, why_size, "%s", reason);
    *bad_line = cr_ingest_column_line(im, at);
    *bad_col = cr_ingest_column_col(im, at);
    return false;
}

bool cr_ingest_kinds_accounts_check(cr_importer *im, char *why, size_t why_size, long *bad_line,
                                    long *bad_col)
{
    const cr_value *end = &im->values[cr_ingest_value_index(im, "term_end")];
    const cr_value *start = &im->values[cr_ingest_value_index(im, "term_start")];
    if (cr_date_compare(end->ts.date, start->ts.date) < 0)
        return bad_value(im, "term_end", "term_end is before term_start", why, why_size, bad_line, bad_col);
    return true;
}

bool cr_ingest_kinds_tickets_check(cr_importer *im, char *why, size_t why_size, long *bad_line,
                                   long *bad_col)
{
    const derived_values *d = &im->derived;
    if (!d->utc_null[1] && d->utc[1] < d->utc[0])
        return bad_value(im, "closed_at", "closed_at is before opened_at", why, why_size, bad_line, bad_col);
    return true;
}

bool cr_ingest_kinds_calls_check(cr_importer *im, char *why, size_t why_size, long *bad_line,
                                 long *bad_col)
{
    if (im->derived.end_utc < im->derived.start_utc)
        return bad_value(im, "end_time", "end_time is before start_time", why, why_size, bad_line, bad_col);
    return true;
}
