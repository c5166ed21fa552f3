/* ingest_usage.c - daily usage rows by sort and merge.
 *
 * Usage is most of any store, so it has a path of its own. The table is keyed
 * by id = serial_id << 16 | day (src/sql/schema_v2.sql). While the file is read,
 * each good record becomes a fixed-size usage_rec in an external sort
 * (runsort.c): bounded memory, sorted runs on disk for a large file. Then the
 * sorted records are merged in id order and written:
 *   - records with the same id are next to each other, so a key repeated within
 *     the file is seen there: a duplicate (error or reject), or, with a
 *     profile's keep rule, the winner is picked (highest rank, then the last);
 *   - into an empty table every record is an append at the end of the B-tree,
 *     32 rows per INSERT; into a filled one, an id above the largest stored is
 *     new, any other is looked up (sorted, so the lookups walk the B-tree in
 *     order) and inserted, updated or left unchanged;
 *   - the monthly roll-up (usage_months) gets what each written row adds or
 *     takes away, summed per device, month and account while a device's month
 *     is merged: exact under re-imports, updates and rows moving account.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmreport/datetime.h"
#include "csmreport/db.h"
#include "csmreport/runsort.h"
#include "csmreport/strdict.h"
#include "ingest_internal.h"

/* 1M records a chunk: 40 MiB, and as much again while a chunk is sorted. */
#define USAGE_CHUNK_RECORDS (1u << 20)
#define USAGE_BATCH 32
#define DAY_BITS 16

typedef struct usage_rec {
    uint64_t id;           /* the row's key: serial_id << 16 | day */
    double rank;           /* the keep rule's value; 0 without a rule */
    int64_t line;
    uint32_t account;      /* entry of the accounts dictionary */
    uint32_t calls, call_minutes, meetings;
} usage_rec;

/* What the rows written so far change in one roll-up row. */
typedef struct month_delta {
    uint32_t account;
    int64_t days, active_days, calls, call_minutes;
    int64_t first_line;    /* first line of the rows written for it, 0 = none */
} month_delta;

#define MONTH_DELTAS 8 /* accounts of one device's month before an early flush */

struct usage_load {
    int date, account, serial, calls, call_minutes, meetings; /* value indexes */
    bool keep_rule;
    cr_runsort *sort;
    cr_strdict *serials;   /* serial -> serial_id, as met in this file */
    cr_strdict *accounts;  /* account id -> entry number (usage_rec.account) */
    long last_account;     /* entry of the previous record's account, or -1 */
    size_t last_account_len;
    sqlite3_stmt *serial_lookup, *serial_insert, *lookup, *update, *insert_one, *insert_batch;
    int64_t max_id;        /* largest id stored before this file, -1 when empty */
    sqlite3_stmt *month_add, *month_drop_empty;
    /* The roll-up group being merged: a device's month [first_day, next_day). */
    int64_t group_serial, group_first_day, group_next_day;
    month_delta deltas[MONTH_DELTAS];
    size_t delta_count;
    usage_rec batch[USAGE_BATCH];
    size_t batched;
    cr_ingest_duplicate *dups;
    size_t dup_count, dup_cap;
};

/* The INSERT of USAGE_BATCH rows: the one-row statement's VALUES repeated. */
static int prepare_batch_insert(cr_importer *im, struct usage_load *u, cr_error *err)
{
    const char *one = sqlite3_sql(u->insert_one);
    const char *values = NULL;
    for (const char *at = one; (at = strstr(at, "VALUES")) != NULL; at++)
        values = at; /* the last: the statement's own, after any comment */
    if (!values)
        return cr_error_set(err, EX_SOFTWARE, NULL, 0, 0, "import.usage.insert has no VALUES");
    values += strlen("VALUES");
    size_t head = (size_t)(values - one), tuple = strlen(values);
    while (tuple && (values[tuple - 1] == ';' || values[tuple - 1] == '\n' || values[tuple - 1] == ' '))
        tuple--;
    size_t size = head + USAGE_BATCH * (tuple + 1) + 1;
    char *sql = malloc(size);
    if (!sql)
        return cr_error_nomem(err);
    size_t at = (size_t)snprintf(sql, size, "%.*s", (int)head, one);
    for (int i = 0; i < USAGE_BATCH; i++)
        at += (size_t)snprintf(sql + at, size - at, "%s%.*s", i ? "," : "", (int)tuple, values);
    u->insert_batch = cr_db_prepare(im->db, sql, err);
    free(sql);
    return u->insert_batch ? 0 : err->code;
}

/* The directory of the database: sort runs go beside it, on a disk that the
 * store's own size shows to have room (a tmpfs /tmp would hold them in RAM). */
static void spill_dir(sqlite3 *db, char *dir, size_t size)
{
    const char *path = sqlite3_db_filename(db, "main");
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (!path || !*path)
        snprintf(dir, size, "%s", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    else if (!slash)
        snprintf(dir, size, ".");
    else
        snprintf(dir, size, "%.*s", (int)(slash - path) ? (int)(slash - path) : 1, path);
}

int cr_ingest_usage_begin(cr_importer *im, cr_error *err)
{
    struct usage_load *u = calloc(1, sizeof *u);
    if (!u)
        return cr_error_nomem(err);
    im->usage = u;
    u->date = cr_ingest_value_index(im, "date");
    u->account = cr_ingest_value_index(im, "account_id");
    u->serial = cr_ingest_value_index(im, "serial");
    u->calls = cr_ingest_value_index(im, "calls");
    u->call_minutes = cr_ingest_value_index(im, "call_minutes");
    u->meetings = cr_ingest_value_index(im, "meetings");
    u->keep_rule = im->keep_field >= 0;
    u->last_account = -1;
    u->group_serial = -1;
    char dir[4096];
    spill_dir(im->db, dir, sizeof dir);
    if (!(u->sort = cr_runsort_new(sizeof(usage_rec), USAGE_CHUNK_RECORDS, dir, err)))
        return err->code;
    if (!(u->serials = cr_strdict_new()) || !(u->accounts = cr_strdict_new()))
        return cr_error_nomem(err);
    int rc;
    sqlite3_stmt *max = NULL;
    if ((rc = cr_ingest_prepare_named(im, "import.usage.serial_lookup", &u->serial_lookup, err)) ||
        (rc = cr_ingest_prepare_named(im, "import.usage.serial_insert", &u->serial_insert, err)) ||
        (rc = cr_ingest_prepare_named(im, "import.usage.lookup", &u->lookup, err)) ||
        (rc = cr_ingest_prepare_named(im, "import.usage.update", &u->update, err)) ||
        (rc = cr_ingest_prepare_named(im, "import.usage.insert", &u->insert_one, err)) ||
        (rc = prepare_batch_insert(im, u, err)) ||
        (rc = cr_ingest_prepare_named(im, "import.usage.month_add", &u->month_add, err)) ||
        (rc = cr_ingest_prepare_named(im, "import.usage.month_drop_empty", &u->month_drop_empty, err)) ||
        (rc = cr_ingest_prepare_named(im, "import.usage.max_id", &max, err)))
        return rc;
    rc = sqlite3_step(max);
    u->max_id = rc == SQLITE_ROW ? sqlite3_column_int64(max, 0) : -1;
    sqlite3_finalize(max);
    return rc == SQLITE_ROW ? 0 : cr_db_fail(im->db, rc, "cannot read the usage table", err);
}

/* The serial_id of a serial: from this file's dictionary, else the store's,
 * else a new one (the INSERT goes with the file's transaction). */
static int serial_id(cr_importer *im, const char *serial, size_t len, int64_t *id, cr_error *err)
{
    struct usage_load *u = im->usage;
    long e = cr_strdict_find(u->serials, serial, len);
    if (e >= 0) {
        *id = cr_strdict_value(u->serials, e);
        return 0;
    }
    sqlite3_bind_text(u->serial_lookup, 1, serial, (int)len, SQLITE_STATIC);
    *id = -1;
    int rc = sqlite3_step(u->serial_lookup);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(u->serial_lookup, 0);
    sqlite3_reset(u->serial_lookup);
    if (rc == SQLITE_DONE) {
        sqlite3_bind_text(u->serial_insert, 1, serial, (int)len, SQLITE_STATIC);
        rc = sqlite3_step(u->serial_insert);
        sqlite3_reset(u->serial_insert);
        if (rc != SQLITE_DONE)
            return cr_db_fail(im->db, rc, "cannot add a serial", err);
        *id = sqlite3_last_insert_rowid(im->db);
        rc = SQLITE_ROW;
    }
    if (rc != SQLITE_ROW)
        return cr_db_fail(im->db, rc, "cannot look up a serial", err);
    if (*id < 0 || *id >= (INT64_C(1) << (63 - DAY_BITS)))
        return cr_error_set(err, EX_SOFTWARE, NULL, 0, 0, "serial id %lld out of range", (long long)*id);
    if (cr_strdict_add(u->serials, serial, len, *id) < 0)
        return cr_error_nomem(err);
    return 0;
}

bool cr_ingest_usage_check(cr_importer *im, char *why, size_t why_size, long *bad_line, long *bad_col)
{
    struct usage_load *u = im->usage;
    int at = u->date;
    cr_date date = im->values[at].ts.date;
    int64_t day = cr_days_from_civil(date.year, date.month, date.day);
    if (day < 0 || day >= (1 << DAY_BITS)) {
        snprintf(why, why_size, "date: %04d-%02d-%02d is outside 1970-01-01..2149-06-06",
                 date.year, date.month, date.day);
        goto bad;
    }
    const int counts[] = {u->calls, u->call_minutes, u->meetings};
    for (size_t i = 0; i < 3; i++) {
        const cr_value *v = &im->values[at = counts[i]];
        if (!v->null && v->number > (int64_t)UINT32_MAX) {
            snprintf(why, why_size, "%s: %lld is more than %lu", im->kind->columns[at].name,
                     (long long)v->number, (unsigned long)UINT32_MAX);
            goto bad;
        }
    }
    return true;
bad:
    *bad_line = cr_ingest_column_line(im, (size_t)at);
    *bad_col = cr_ingest_column_col(im, (size_t)at);
    return false;
}

static uint32_t count_of(const cr_value *v)
{
    return v->null ? 0 : (uint32_t)v->number;
}

int cr_ingest_usage_add(cr_importer *im, long line, cr_error *err)
{
    struct usage_load *u = im->usage;
    const cr_value *date = &im->values[u->date], *serial = &im->values[u->serial],
                   *account = &im->values[u->account];
    int64_t sid = 0;
    int rc = serial_id(im, serial->text, serial->len, &sid, err);
    if (rc)
        return rc;
    /* Exports list an account's rows together: the last account is a memcmp. */
    long acc = u->last_account;
    if (acc < 0 || account->len != u->last_account_len ||
        memcmp(account->text, cr_strdict_key(u->accounts, acc), account->len) != 0) {
        acc = cr_strdict_find(u->accounts, account->text, account->len);
        if (acc < 0 && (acc = cr_strdict_add(u->accounts, account->text, account->len, 0)) < 0)
            return cr_error_nomem(err);
        u->last_account = acc;
        u->last_account_len = account->len;
    }
    usage_rec *r = cr_runsort_push(u->sort, err);
    if (!r)
        return err->code;
    /* The day is in range: cr_ingest_usage_check saw to it. */
    int64_t day = cr_days_from_civil(date->ts.date.year, date->ts.date.month, date->ts.date.day);
    *r = (usage_rec){
        .id = (uint64_t)sid << DAY_BITS | (uint64_t)day,
        .rank = u->keep_rule ? cr_ingest_keep_rank(im) : 0,
        .line = line,
        .account = (uint32_t)acc,
        .calls = count_of(&im->values[u->calls]),
        .call_minutes = count_of(&im->values[u->call_minutes]),
        .meetings = count_of(&im->values[u->meetings]),
    };
    return 0;
}

static void bind_row(struct usage_load *u, sqlite3_stmt *st, int at, const usage_rec *r)
{
    sqlite3_bind_int64(st, at + 1, (sqlite3_int64)r->id);
    sqlite3_bind_text(st, at + 2, cr_strdict_key(u->accounts, r->account), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, at + 3, r->calls);
    sqlite3_bind_int64(st, at + 4, r->call_minutes);
    sqlite3_bind_int64(st, at + 5, r->meetings);
}

static int step_reset(cr_importer *im, sqlite3_stmt *st, const char *what, cr_error *err)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : cr_db_fail(im->db, rc, what, err);
}

static int flush_batch(cr_importer *im, cr_error *err)
{
    struct usage_load *u = im->usage;
    int rc = 0;
    if (u->batched == USAGE_BATCH) {
        for (size_t i = 0; i < USAGE_BATCH; i++)
            bind_row(u, u->insert_batch, (int)i * 5, &u->batch[i]);
        rc = step_reset(im, u->insert_batch, "cannot insert usage", err);
    } else {
        for (size_t i = 0; i < u->batched && !rc; i++) {
            bind_row(u, u->insert_one, 0, &u->batch[i]);
            rc = step_reset(im, u->insert_one, "cannot insert usage", err);
        }
    }
    im->res->inserted += (long)u->batched;
    u->batched = 0;
    return rc;
}

/* The accounts dictionary entry of an account id (added when new). */
static long account_entry(struct usage_load *u, const char *text, size_t len)
{
    long e = cr_strdict_find(u->accounts, text, len);
    return e >= 0 ? e : cr_strdict_add(u->accounts, text, len, 0);
}

/* Writes the group's changes into the roll-up. They are sums, so they may go
 * in at any point: at the end of a device's month, or early when it has more
 * accounts than deltas has room for. */
static int apply_month_deltas(cr_importer *im, cr_error *err)
{
    struct usage_load *u = im->usage;
    int rc = 0;
    for (size_t i = 0; i < u->delta_count && !rc; i++) {
        const month_delta *d = &u->deltas[i];
        if (!d->days && !d->active_days && !d->calls && !d->call_minutes && !d->first_line)
            continue;
        const char *account = cr_strdict_key(u->accounts, d->account);
        sqlite3_stmt *add = u->month_add, *drop = u->month_drop_empty;
        sqlite3_bind_int64(add, 1, u->group_serial);
        sqlite3_bind_int64(add, 2, u->group_first_day);
        sqlite3_bind_text(add, 3, account, -1, SQLITE_STATIC);
        sqlite3_bind_int64(add, 4, d->days);
        sqlite3_bind_int64(add, 5, d->active_days);
        sqlite3_bind_int64(add, 6, d->calls);
        sqlite3_bind_int64(add, 7, d->call_minutes);
        /* Lineage per device-month (schema_v5.sql), not per row. */
        if (d->first_line) {
            sqlite3_bind_int64(add, 8, im->import_id);
            sqlite3_bind_int64(add, 9, d->first_line);
        } else {
            sqlite3_bind_null(add, 8);
            sqlite3_bind_null(add, 9);
        }
        rc = step_reset(im, add, "cannot update the monthly usage", err);
        if (rc || d->days >= 0)
            continue;
        /* Rows went away (to another account): maybe the last of the month. */
        sqlite3_bind_int64(drop, 1, u->group_serial);
        sqlite3_bind_int64(drop, 2, u->group_first_day);
        sqlite3_bind_text(drop, 3, account, -1, SQLITE_STATIC);
        rc = step_reset(im, drop, "cannot update the monthly usage", err);
    }
    u->delta_count = 0;
    return rc;
}

/* Adds sign * one row of (account, calls, minutes), read at line (0 for a
 * row taken away), to the group's deltas. */
static int add_month_delta(cr_importer *im, long account, int sign, int64_t calls, int64_t minutes,
                           int64_t line, cr_error *err)
{
    struct usage_load *u = im->usage;
    if (account < 0)
        return cr_error_nomem(err);
    size_t i = 0;
    while (i < u->delta_count && u->deltas[i].account != (uint32_t)account)
        i++;
    if (i == MONTH_DELTAS) {
        int rc = apply_month_deltas(im, err);
        if (rc)
            return rc;
        i = 0;
    }
    if (i == u->delta_count)
        u->deltas[u->delta_count++] = (month_delta){.account = (uint32_t)account};
    month_delta *d = &u->deltas[i];
    d->days += sign;
    d->active_days += sign * (calls > 0 || minutes > 0);
    d->calls += sign * calls;
    d->call_minutes += sign * minutes;
    if (line > 0 && (!d->first_line || line < d->first_line))
        d->first_line = line;
    return 0;
}

/* Starts the roll-up group of record r when it is another device or month. */
static int enter_month_group(cr_importer *im, const usage_rec *r, cr_error *err)
{
    struct usage_load *u = im->usage;
    int64_t serial = (int64_t)(r->id >> DAY_BITS), day = (int64_t)(r->id & ((1u << DAY_BITS) - 1));
    if (serial == u->group_serial && day >= u->group_first_day && day < u->group_next_day)
        return 0;
    int rc = apply_month_deltas(im, err);
    if (rc)
        return rc;
    cr_date d = cr_civil_from_days(day);
    u->group_serial = serial;
    u->group_first_day = cr_days_from_civil(d.year, d.month, 1);
    u->group_next_day = u->group_first_day + cr_days_in_month(d.year, d.month);
    return 0;
}

/* Writes the record that won its key. */
static int write_row(cr_importer *im, const usage_rec *r, cr_error *err)
{
    struct usage_load *u = im->usage;
    int rc = enter_month_group(im, r, err);
    if (rc)
        return rc;
    if ((int64_t)r->id <= u->max_id) {
        sqlite3_bind_int64(u->lookup, 1, (sqlite3_int64)r->id);
        rc = sqlite3_step(u->lookup);
        if (rc == SQLITE_ROW) {
            const char *account = (const char *)sqlite3_column_text(u->lookup, 0);
            bool same = account && strcmp(account, cr_strdict_key(u->accounts, r->account)) == 0 &&
                        sqlite3_column_int64(u->lookup, 1) == r->calls &&
                        sqlite3_column_int64(u->lookup, 2) == r->call_minutes &&
                        sqlite3_column_int64(u->lookup, 3) == r->meetings;
            if (same) {
                sqlite3_reset(u->lookup);
                im->res->unchanged++;
                return 0;
            }
            long old_account = account ? account_entry(u, account, strlen(account)) : -1;
            int64_t old_calls = sqlite3_column_int64(u->lookup, 1),
                    old_minutes = sqlite3_column_int64(u->lookup, 2);
            sqlite3_reset(u->lookup);
            im->res->updated++;
            bind_row(u, u->update, 0, r);
            if ((rc = step_reset(im, u->update, "cannot update usage", err)) ||
                (rc = add_month_delta(im, old_account, -1, old_calls, old_minutes, 0, err)))
                return rc;
            return add_month_delta(im, r->account, +1, r->calls, r->call_minutes, r->line, err);
        }
        sqlite3_reset(u->lookup);
        if (rc != SQLITE_DONE)
            return cr_db_fail(im->db, rc, "cannot look up usage", err);
    }
    if ((rc = add_month_delta(im, r->account, +1, r->calls, r->call_minutes, r->line, err)))
        return rc;
    u->batch[u->batched++] = *r;
    return u->batched == USAGE_BATCH ? flush_batch(im, err) : 0;
}

static int note_duplicate(struct usage_load *u, long line, long first, cr_error *err)
{
    if (u->dup_count == u->dup_cap) {
        size_t cap = u->dup_cap ? u->dup_cap * 2 : 64;
        cr_ingest_duplicate *grown = realloc(u->dups, cap * sizeof *grown);
        if (!grown)
            return cr_error_nomem(err);
        u->dups = grown;
        u->dup_cap = cap;
    }
    u->dups[u->dup_count++] = (cr_ingest_duplicate){line, first};
    return 0;
}

static int by_line(const void *a, const void *b)
{
    long x = ((const cr_ingest_duplicate *)a)->line, y = ((const cr_ingest_duplicate *)b)->line;
    return (x > y) - (x < y);
}

/* Duplicates become row errors in line order, or rejected rows. */
static int report_duplicates(cr_importer *im, cr_error *err)
{
    struct usage_load *u = im->usage;
    if (!u->dup_count)
        return 0;
    qsort(u->dups, u->dup_count, sizeof *u->dups, by_line);
    if (im->opt->skip_bad_rows)
        return cr_ingest_rejects_duplicates(im, u->dups, u->dup_count, err);
    char keys[160];
    cr_ingest_key_names(im, keys, sizeof keys);
    for (size_t i = 0; i < u->dup_count; i++) {
        char why[256];
        snprintf(why, sizeof why, "duplicate key: same %s as %s %ld", keys,
                 cr_ingest_line_word(im), u->dups[i].first);
        cr_ingest_report_error(im, u->dups[i].line, 1, why);
    }
    return 0;
}

int cr_ingest_usage_finish(cr_importer *im, cr_error *err)
{
    struct usage_load *u = im->usage;
    int rc = cr_runsort_finish(u->sort, err);
    if (rc)
        return rc;
    usage_rec best;
    bool have = false;
    bool write = true; /* until a duplicate makes the file fail */
    const usage_rec *r;
    uint64_t merged = 0, total = cr_runsort_count(u->sort);
    while ((r = cr_runsort_next(u->sort, err)) != NULL) {
        if ((++merged & 65535) == 0)
            cr_ingest_report_progress(im, "writing", merged, total, false);
        if (have && r->id == best.id) {
            if (u->keep_rule) {
                im->res->superseded++;
                if (r->rank >= best.rank)
                    best = *r;
            } else {
                if ((rc = note_duplicate(u, (long)r->line, (long)best.line, err)))
                    return rc;
                write = im->opt->skip_bad_rows;
            }
            continue;
        }
        if (have && write && (rc = write_row(im, &best, err)))
            return rc;
        best = *r;
        have = true;
    }
    if (err->code)
        return err->code;
    if (have && write && (rc = write_row(im, &best, err)))
        return rc;
    if ((rc = flush_batch(im, err)) || (rc = apply_month_deltas(im, err)))
        return rc;
    cr_ingest_report_progress(im, "writing", total, total, true);
    return report_duplicates(im, err);
}

void cr_ingest_usage_free(cr_importer *im)
{
    struct usage_load *u = im->usage;
    if (!u)
        return;
    sqlite3_stmt *all[] = {u->serial_lookup, u->serial_insert, u->lookup,   u->update,
                           u->insert_one,    u->insert_batch,  u->month_add, u->month_drop_empty};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(all[i]);
    cr_runsort_free(u->sort);
    cr_strdict_free(u->serials);
    cr_strdict_free(u->accounts);
    free(u->dups);
    free(u);
    im->usage = NULL;
}
