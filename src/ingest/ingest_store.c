/* ingest_store.c - writing records: the kind's statements (src/sql/import.sql),
 * rows inserted 32 at a time with a row-by-row path for conflicts, and stored
 * rows replaced when they changed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csmreport/csv.h"
#include "csmreport/datetime.h"
#include "csmreport/db.h"
#include "csmreport/kinds.h"
#include "csmreport/sql.h"
#include "csmreport/tz.h"
#include "csmreport/values.h"
#include "ingest_internal.h"

int cr_ingest_prepare_named(cr_importer *im, const char *name, sqlite3_stmt **st, cr_error *err)
{
    *st = cr_sql_prepare(im->db, name, err);
    return *st ? 0 : cr_error_exit_code(err);
}

int cr_ingest_param(sqlite3_stmt *st, const char *name)
{
    return sqlite3_bind_parameter_index(st, name);
}

/* Finds the bind index of every parameter of b->st, whose names carry suffix
 * (":date" + "_3" in the batch statement, "" elsewhere). */
static void find_params(cr_importer *im, bound_stmt *b, const char *suffix)
{
    char pname[96];
#define PARAM(name) (snprintf(pname, sizeof pname, ":%s%s", (name), suffix), cr_ingest_param(b->st, pname))
    for (size_t c = 0; c < im->kind->column_count; c++)
        b->column[c] = PARAM(im->kind->columns[c].name);
    static const char *const utc_names[6] = {"opened_utc", "closed_utc", "rma_approved_utc",
                                             "shipped_utc", "delivered_utc", "updated_utc"};
    for (int i = 0; i < 6; i++)
        b->utc[i] = PARAM(utc_names[i]);
    b->last_seen_utc = PARAM("last_seen_utc");
    b->start_utc = PARAM("start_utc");
    b->end_utc = PARAM("end_utc");
    b->local_date = PARAM("local_date");
    b->rowid = PARAM("rowid");
    b->old_rowid = PARAM("old_rowid");
    b->src_line = PARAM("src_line");
    b->src_sha256 = PARAM("src_sha256");
#undef PARAM
}

static int prepare_bound(cr_importer *im, const char *what, bound_stmt *b, cr_error *err)
{
    char name[64];
    snprintf(name, sizeof name, "import.%s.%s", im->kind->name, what);
    int rc = cr_ingest_prepare_named(im, name, &b->st, err);
    if (rc)
        return rc;
    find_params(im, b, "");
    return 0;
}

/* The kind's single-row INSERT turned into a BATCH_ROWS-row one: the VALUES
 * tuple repeated, its parameters renamed ":name_ROW". */
static char *batch_insert_sql(const char *sql)
{
    const char *values = strstr(sql, "VALUES");
    const char *open = values ? strchr(values, '(') : NULL;
    /* The tuple's last ')' before the statement's ';' (a comment may follow). */
    const char *end = open ? strchr(open, ';') : NULL, *close = NULL;
    for (const char *p = open; p && p < (end ? end : open + strlen(open)); p++)
        if (*p == ')')
            close = p;
    if (!close)
        return NULL;
    size_t tuple_len = (size_t)(close - open) + 1, prefix_len = (size_t)(open - sql);
    size_t params = 0;
    for (const char *p = open; p <= close; p++)
        params += *p == ':';
    /* Each row: the tuple, a comma, and "_NN" after every parameter name. */
    size_t cap = prefix_len + BATCH_ROWS * (tuple_len + 1 + params * 4) + 1;
    char *out = malloc(cap), *w = out;
    if (!out)
        return NULL;
    memcpy(w, sql, prefix_len);
    w += prefix_len;
    for (int row = 0; row < BATCH_ROWS; row++) {
        if (row)
            *w++ = ',';
        for (const char *p = open; p <= close; p++) {
            *w++ = *p;
            if (*p != ':')
                continue;
            while (p[1] == '_' || (p[1] >= 'a' && p[1] <= 'z') || (p[1] >= '0' && p[1] <= '9'))
                *w++ = *++p;
            w += snprintf(w, (size_t)(out + cap - w), "_%d", row);
        }
    }
    *w = '\0';
    return out;
}

static int prepare_batch(cr_importer *im, cr_error *err)
{
    char name[64];
    snprintf(name, sizeof name, "import.%s.insert", im->kind->name);
    char *sql = batch_insert_sql(cr_sql(name));
    if (!sql)
        return cr_error_set(err, EX_SOFTWARE, NULL, 0, 0, "cannot build the batch insert");
    sqlite3_stmt *st = cr_db_prepare(im->db, sql, err);
    free(sql);
    if (!st)
        return err->code;
    for (int row = 0; row < BATCH_ROWS; row++) {
        char suffix[16];
        snprintf(suffix, sizeof suffix, "_%d", row);
        im->batch[row].st = st;
        find_params(im, &im->batch[row], suffix);
    }
    im->batching = true;
    return 0;
}

/* K.source for one row, and the same for a whole batch of BATCH_ROWS. */
static int prepare_sources(cr_importer *im, cr_error *err)
{
    char name[64];
    snprintf(name, sizeof name, "import.%s.source", im->kind->name);
    int rc = cr_ingest_prepare_named(im, name, &im->source, err);
    if (rc || !im->batching)
        return rc;
    char *sql = batch_insert_sql(cr_sql(name));
    if (!sql)
        return cr_error_set(err, EX_SOFTWARE, NULL, 0, 0, "cannot build the batch source insert");
    im->source_batch = cr_db_prepare(im->db, sql, err);
    free(sql);
    if (!im->source_batch)
        return err->code;
    char pname[32];
    for (int row = 0; row < BATCH_ROWS; row++) {
        snprintf(pname, sizeof pname, ":src_import_%d", row);
        sqlite3_bind_int64(im->source_batch, cr_ingest_param(im->source_batch, pname), im->import_id);
        snprintf(pname, sizeof pname, ":row_%d", row);
        im->source_row[row] = cr_ingest_param(im->source_batch, pname);
        snprintf(pname, sizeof pname, ":src_line_%d", row);
        im->source_line[row] = cr_ingest_param(im->source_batch, pname);
    }
    return 0;
}

/* Names this file and line as the source of the stored row. */
static int write_source(cr_importer *im, sqlite3_int64 row, long line, cr_error *err)
{
    sqlite3_stmt *st = im->source;
    sqlite3_bind_int64(st, cr_ingest_param(st, ":row"), row);
    sqlite3_bind_int64(st, cr_ingest_param(st, ":src_import"), im->import_id);
    sqlite3_bind_int64(st, cr_ingest_param(st, ":src_line"), line);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : cr_db_fail(im->db, rc, "cannot note the row's source", err);
}

int cr_ingest_prepare_statements(cr_importer *im, cr_error *err)
{
    const char *k = im->kind->name;
    int rc;
    sqlite3_stmt *max = NULL;
    if ((rc = prepare_bound(im, "insert", &im->insert, err)) ||
        (rc = prepare_bound(im, "lookup", &im->lookup, err)) ||
        (rc = prepare_bound(im, "replace", &im->replace, err)) ||
        (!im->opt->skip_bad_rows && (rc = prepare_batch(im, err))))
        return rc;
    char name[64];
    snprintf(name, sizeof name, "import.%s.max_rowid", k);
    if ((rc = cr_ingest_prepare_named(im, name, &max, err)))
        return rc;
    rc = sqlite3_step(max);
    im->rowid_mark = rc == SQLITE_ROW ? sqlite3_column_int64(max, 0) : 0;
    im->next_rowid = im->rowid_mark;
    sqlite3_finalize(max);
    if (rc != SQLITE_ROW)
        return cr_db_fail(im->db, rc, "cannot read the table", err);
    if ((rc = cr_db_exec(im->db, "CREATE TEMP TABLE IF NOT EXISTS cr_touched (id INTEGER PRIMARY KEY); "
                                 "DELETE FROM temp.cr_touched", err)))
        return rc;
    if (!(im->touched = cr_db_prepare(im->db, "INSERT INTO temp.cr_touched (id) VALUES (?1)", err)))
        return err->code;
    if ((rc = cr_ingest_prepare_named(im, "import.account.timezone", &im->tz_lookup, err)))
        return rc;
    if ((rc = prepare_sources(im, err)))
        return rc;
    /* Keys seen in this file: h1 is the rowid (the fastest B-tree), h2 makes a
     * false "duplicate" a 2^-128 event. */
    if ((rc = cr_db_exec(im->db, "CREATE TEMP TABLE IF NOT EXISTS cr_seen ("
                                 "h1 INTEGER PRIMARY KEY, h2 INTEGER NOT NULL, "
                                 "line INTEGER NOT NULL, rank REAL); DELETE FROM temp.cr_seen", err)))
        return rc;
    im->seen_insert = cr_db_prepare(im->db, "INSERT INTO temp.cr_seen VALUES (?1, ?2, ?3, ?4)", err);
    if (!im->seen_insert)
        return err->code;
    im->seen_lookup = cr_db_prepare(im->db, "SELECT h2, line, rank FROM temp.cr_seen WHERE h1 = ?1", err);
    if (!im->seen_lookup)
        return err->code;
    im->seen_update = cr_db_prepare(im->db, "UPDATE temp.cr_seen SET line = ?2, rank = ?3 WHERE h1 = ?1", err);
    return im->seen_update ? 0 : err->code;
}

void cr_ingest_finalize_all(cr_importer *im)
{
    sqlite3_stmt **all[] = {&im->insert.st, &im->lookup.st, &im->replace.st, &im->touched,
                            &im->batch[0].st,
                            &im->seen_insert, &im->seen_lookup, &im->seen_update,
                            &im->tz_lookup, &im->snap_seen, &im->source, &im->source_batch};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        sqlite3_finalize(*all[i]);
        *all[i] = NULL;
    }
}

static void bind_int_or_null(sqlite3_stmt *st, int p, bool null, int64_t v)
{
    if (!p)
        return;
    if (null)
        sqlite3_bind_null(st, p);
    else
        sqlite3_bind_int64(st, p, v);
}

/* Binds the current record (values, derived values) to every parameter b takes. */
static void bind_row(cr_importer *im, const bound_stmt *b)
{
    sqlite3_stmt *st = b->st;
    for (size_t c = 0; c < im->kind->column_count; c++) {
        const cr_value *v = &im->values[c];
        int p = b->column[c];
        if (!p)
            continue;
        if (v->null)
            sqlite3_bind_null(st, p);
        else if (v->has_number)
            sqlite3_bind_int64(st, p, v->number);
        else
            sqlite3_bind_text(st, p, v->text, (int)v->len, SQLITE_STATIC);
    }
    const derived_values *d = &im->derived;
    for (int i = 0; i < 6; i++)
        bind_int_or_null(st, b->utc[i], d->utc_null[i], d->utc[i]);
    bind_int_or_null(st, b->last_seen_utc, d->last_seen_null, d->last_seen_utc);
    bind_int_or_null(st, b->start_utc, false, d->start_utc);
    bind_int_or_null(st, b->end_utc, false, d->end_utc);
    if (b->local_date)
        sqlite3_bind_text(st, b->local_date, d->local_date, 10, SQLITE_STATIC);
    if (b->src_line)
        sqlite3_bind_int64(st, b->src_line, im->line);
    if (b->src_sha256)
        sqlite3_bind_text(st, b->src_sha256, im->sha256, -1, SQLITE_STATIC);
}

static int step_done(cr_importer *im, const bound_stmt *b, sqlite3_int64 rowid,
                     sqlite3_int64 old_rowid, cr_error *err)
{
    bind_row(im, b);
    if (b->rowid)
        sqlite3_bind_int64(b->st, b->rowid, rowid);
    if (b->old_rowid)
        sqlite3_bind_int64(b->st, b->old_rowid, old_rowid);
    int rc = sqlite3_step(b->st);
    sqlite3_reset(b->st);
    return rc == SQLITE_DONE ? 0 : cr_db_fail(im->db, rc, "cannot store the row", err);
}

/* Stores the record in im->values row by row: insert, or replace / touch the
 * stored row. Sets *duplicate when its key was already written by this file
 * (the row is then left alone). */
static int store_row(cr_importer *im, long line, bool *duplicate, cr_error *err)
{
    int rc;
    *duplicate = false;
    im->line = line;
    sqlite3_int64 rowid = im->next_rowid + 1;
    if ((rc = step_done(im, &im->insert, rowid, 0, err)))
        return rc;
    if (sqlite3_changes(im->db)) {
        im->next_rowid = rowid;
        im->res->inserted++;
        return write_source(im, rowid, line, err);
    }
    bind_row(im, &im->lookup);
    rc = sqlite3_step(im->lookup.st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(im->lookup.st);
        return rc == SQLITE_DONE
                   ? cr_error_set(err, EX_SOFTWARE, im->path, line, 0, "the database refused the row")
                   : cr_db_fail(im->db, rc, "cannot look up the row", err);
    }
    sqlite3_int64 stored = sqlite3_column_int64(im->lookup.st, 0);
    bool changed = sqlite3_column_int(im->lookup.st, 1);
    bool may_replace = sqlite3_column_int(im->lookup.st, 2);
    bool other_source = sqlite3_column_int(im->lookup.st, 3);
    sqlite3_reset(im->lookup.st);
    if (stored > im->rowid_mark) {
        *duplicate = true;
        return 0;
    }
    /* A stored row: noted once, so that a repeat of the key in this file is
     * seen as a duplicate; the row itself is rewritten only when it changed. */
    sqlite3_bind_int64(im->touched, 1, stored);
    rc = sqlite3_step(im->touched);
    sqlite3_reset(im->touched);
    if (rc == SQLITE_CONSTRAINT) {
        *duplicate = true;
        return 0;
    }
    if (rc != SQLITE_DONE)
        return cr_db_fail(im->db, rc, "cannot note the row", err);
    if (!(changed && may_replace)) {
        im->res->unchanged++;
        /* Same values from other content (a corrected snapshot, a newer
         * export): the row now names this file. An unchanged file re-imported
         * has the same sha256 and lines, so its rows keep their source. */
        return changed || !other_source ? 0 : write_source(im, stored, line, err);
    }
    if ((rc = step_done(im, &im->replace, 0, stored, err)))
        return rc;
    im->res->updated++;
    return write_source(im, stored, line, err);
}

/* Copies the current record into batch slot i and binds it there. */
static int batch_add(cr_importer *im, long line, cr_error *err)
{
    batch_slot *slot = &im->slots[im->batched];
    size_t need = 0, ncols = im->kind->column_count;
    for (size_t c = 0; c < ncols; c++)
        if (!im->values[c].null && !im->values[c].has_number)
            need += im->values[c].len + 1;
    if (need > slot->text_cap) {
        char *grown = realloc(slot->text, need);
        if (!grown)
            return cr_error_nomem(err);
        slot->text = grown;
        slot->text_cap = need;
    }
    size_t used = 0;
    for (size_t c = 0; c < ncols; c++) {
        slot->values[c] = im->values[c];
        if (!im->values[c].null && !im->values[c].has_number) {
            memcpy(slot->text + used, im->values[c].text, im->values[c].len);
            slot->text[used + im->values[c].len] = '\0';
            slot->values[c].text = slot->text + used;
            used += im->values[c].len + 1;
        }
    }
    slot->derived = im->derived;
    slot->line = line;
    /* Bind from the slot's own copies: they live until the batch runs. */
    memcpy(im->values, slot->values, sizeof slot->values);
    im->derived = slot->derived;
    im->line = line;
    bind_row(im, &im->batch[im->batched]);
    sqlite3_bind_int64(im->batch[im->batched].st, im->batch[im->batched].rowid,
                       im->next_rowid + 1 + (sqlite3_int64)im->batched);
    im->batched++;
    return 0;
}

/* Runs the rows of the batch: all at once when BATCH_ROWS are waiting and none
 * conflicts; otherwise the rows not inserted (or all, for a short batch) go the
 * row-by-row way. */
int cr_ingest_batch_flush(cr_importer *im, cr_error *err)
{
    size_t n = im->batched, done = 0;
    int rc;
    im->batched = 0;
    if (n == 0)
        return 0;
    sqlite3_int64 first = im->next_rowid + 1;
    if (n == BATCH_ROWS) {
        rc = sqlite3_step(im->batch[0].st);
        sqlite3_reset(im->batch[0].st);
        if (rc != SQLITE_DONE)
            return cr_db_fail(im->db, rc, "cannot store the rows", err);
        done = (size_t)sqlite3_changes(im->db);
        im->next_rowid += BATCH_ROWS;
        im->res->inserted += (long long)done;
        if (done == n) {
            for (size_t i = 0; i < n; i++) {
                sqlite3_bind_int64(im->source_batch, im->source_row[i], first + (sqlite3_int64)i);
                sqlite3_bind_int64(im->source_batch, im->source_line[i], im->slots[i].line);
            }
            rc = sqlite3_step(im->source_batch);
            sqlite3_reset(im->source_batch);
            return rc == SQLITE_DONE ? 0 : cr_db_fail(im->db, rc, "cannot note the rows' sources", err);
        }
    }
    sqlite3_stmt *exists = NULL;
    if (done) {
        char sql[96];
        snprintf(sql, sizeof sql, "SELECT 1 FROM \"%s\" WHERE rowid = ?1", im->kind->table);
        if (!(exists = cr_db_prepare(im->db, sql, err)))
            return err->code;
    }
    rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        if (exists) {
            sqlite3_bind_int64(exists, 1, first + (sqlite3_int64)i);
            int found = sqlite3_step(exists) == SQLITE_ROW;
            sqlite3_reset(exists);
            if (found) {
                if ((rc = write_source(im, first + (sqlite3_int64)i, im->slots[i].line, err)))
                    break;
                continue;
            }
        }
        batch_slot *slot = &im->slots[i];
        memcpy(im->values, slot->values, sizeof slot->values);
        im->derived = slot->derived;
        bool duplicate;
        if ((rc = store_row(im, slot->line, &duplicate, err)))
            break;
        if (duplicate) {
            char why[512];
            cr_ingest_report_duplicate(im, slot->line, why, sizeof why);
            cr_ingest_report_error(im, slot->line, 1, why);
        }
    }
    sqlite3_finalize(exists);
    return rc;
}

/* Writes the current record (now, or with its batch). Sets *duplicate when its
 * key was already written by this file. */
int cr_ingest_write_record(cr_importer *im, long line, bool *duplicate, cr_error *err)
{
    int rc;
    *duplicate = false;
    if (!im->batching)
        return store_row(im, line, duplicate, err);
    if ((rc = batch_add(im, line, err)))
        return rc;
    return im->batched == BATCH_ROWS ? cr_ingest_batch_flush(im, err) : 0;
}
