/* ingest.c - one CSV export (or .xlsx sheet) into the store, whole or not at all.
 *
 * The flow: read the header and find where each canonical column comes from
 * (ingest_header.c), then per record: convert and check every value
 * (ingest_values.c) and write it (ingest_store.c): inserted when its key is new,
 * else the stored row is replaced when it changed. Every row inserted gets a
 * rowid above the table's largest at the start of the file, and every stored row
 * the file meets is noted in a TEMP table, so a key met twice in one file is a
 * duplicate: exact, in constant memory. A profile with a keep rule ("highest
 * sys_mod_count, then the last") reads the file twice: the first pass finds the
 * winning line of every key, kept in a TEMP table (a 128-bit hash per key).
 * Usage rows, most of any store, are instead collected, sorted by their key
 * and merged into their table at the end of the file (ingest_usage.c).
 * What a kind does beyond this common path (time zones, snapshots, checks) is
 * in its hooks in the kinds table (kinds.c, ingest_kinds.c). This file holds the
 * passes over the file, the import log and the entry point; the parts it calls
 * report through ingest_report.c and ingest_rejects.c and never call back.
 */
#include "csmreport/ingest.h"

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

/* Records the key of the current record. Returns 0 when new, the line of the
 * earlier record with the same key when it is a duplicate. */
static long seen_key(cr_importer *im, uint64_t h1, uint64_t h2, long line, double rank, double *old_rank)
{
    sqlite3_bind_int64(im->seen_insert, 1, (int64_t)h1);
    sqlite3_bind_int64(im->seen_insert, 2, (int64_t)h2);
    sqlite3_bind_int64(im->seen_insert, 3, line);
    sqlite3_bind_double(im->seen_insert, 4, rank);
    int rc = sqlite3_step(im->seen_insert);
    sqlite3_reset(im->seen_insert);
    if (rc == SQLITE_DONE)
        return 0;
    long earlier = 0;
    sqlite3_bind_int64(im->seen_lookup, 1, (int64_t)h1);
    if (sqlite3_step(im->seen_lookup) == SQLITE_ROW &&
        (uint64_t)sqlite3_column_int64(im->seen_lookup, 0) == h2) {
        earlier = (long)sqlite3_column_int64(im->seen_lookup, 1);
        *old_rank = sqlite3_column_double(im->seen_lookup, 2);
    }
    sqlite3_reset(im->seen_lookup);
    return earlier;
}

static void seen_set_winner(cr_importer *im, uint64_t h1, long line, double rank)
{
    sqlite3_bind_int64(im->seen_update, 1, (int64_t)h1);
    sqlite3_bind_int64(im->seen_update, 2, line);
    sqlite3_bind_double(im->seen_update, 3, rank);
    sqlite3_step(im->seen_update);
    sqlite3_reset(im->seen_update);
}

static long winner_line(cr_importer *im, uint64_t h1)
{
    long line = 0;
    sqlite3_bind_int64(im->seen_lookup, 1, (int64_t)h1);
    if (sqlite3_step(im->seen_lookup) == SQLITE_ROW)
        line = (long)sqlite3_column_int64(im->seen_lookup, 1);
    sqlite3_reset(im->seen_lookup);
    return line;
}

static int open_csv(cr_importer *im, cr_error *err)
{
    cr_csv_close(im->csv);
    im->csv = cr_ingest_open_reader(im, err);
    return im->csv ? 0 : err->code;
}

/* Reads the next record. Returns 1 with a record, 0 at the end, -1 on an error
 * that stops the file (err filled), 2 for a ragged row: a row error in why. */
static int next_record(cr_importer *im, char *why, size_t why_size, long *bad_line, long *bad_col,
                       cr_error *err)
{
    cr_error row;
    cr_error_clear(&row);
    int rc = cr_csv_next(im->csv, &row);
    if (rc >= 0)
        return rc;
    if (cr_csv_failed(im->csv)) {
        *err = row;
        return -1;
    }
    snprintf(why, why_size, "%.400s", row.message);
    *bad_line = row.line;
    *bad_col = row.column;
    return 2;
}

/* First pass of a keep rule: the winning line of every key. */
static int find_winners(cr_importer *im, cr_error *err)
{
    char why[512];
    long bad_line, bad_col;
    int rc;
    while ((rc = next_record(im, why, sizeof why, &bad_line, &bad_col, err)) > 0) {
        if (rc == 2 || !cr_ingest_convert_record(im, true, why, sizeof why, &bad_line, &bad_col))
            continue; /* reported by the second pass */
        uint64_t h1, h2;
        cr_ingest_key_hashes(im, &h1, &h2);
        double rank = cr_ingest_keep_rank(im), old_rank = 0;
        long line = cr_csv_record_line(im->csv);
        if (seen_key(im, h1, h2, line, rank, &old_rank) && rank >= old_rank)
            seen_set_winner(im, h1, line, rank);
    }
    if (rc < 0)
        return err->code;
    return open_csv(im, err) || (rc = cr_csv_next(im->csv, err)) < 0 ? err->code : 0;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int import_records(cr_importer *im, cr_error *err)
{
    const cr_kind *kind = im->kind;
    char why[512];
    long bad_line = 0, bad_col = 0;
    int rc;
    /* Usage picks a keep rule's winners while merging (ingest_usage.c). */
    bool keep_rule = im->keep_field >= 0 && !im->usage;
    while ((rc = next_record(im, why, sizeof why, &bad_line, &bad_col, err)) > 0) {
        im->res->rows_read++;
        if ((im->res->rows_read & 4095) == 0)
            cr_ingest_report_progress(im, "reading", cr_csv_offset(im->csv), im->file_size, false);
        long line = cr_csv_record_line(im->csv);
        bool ok = rc == 1 && cr_ingest_convert_record(im, false, why, sizeof why, &bad_line, &bad_col);
        if (ok && im->usage) {
            ok = cr_ingest_usage_check(im, why, sizeof why, &bad_line, &bad_col);
        } else if (ok) {
            if (kind->derive)
                kind->derive(im);
            if (im->derive_error)
                return cr_db_fail(im->db, im->derive_error, "cannot look up the account's time zone",
                                  err);
            ok = !kind->check || kind->check(im, why, sizeof why, &bad_line, &bad_col);
        }
        if (ok && keep_rule) {
            uint64_t h1, h2;
            cr_ingest_key_hashes(im, &h1, &h2);
            if (winner_line(im, h1) != line) {
                im->res->superseded++;
                continue;
            }
        }
        /* Once the file has failed, only look for more errors. */
        if (ok && im->usage) {
            if ((rc = cr_ingest_usage_add(im, line, err)))
                return rc;
        } else if (ok && (im->opt->skip_bad_rows || !im->res->error_total)) {
            bool duplicate;
            if ((kind->before_write && (rc = kind->before_write(im, err))) ||
                (rc = cr_ingest_write_record(im, line, &duplicate, err)))
                return rc;
            if (duplicate) {
                cr_ingest_report_duplicate(im, line, why, sizeof why);
                bad_line = line;
                bad_col = 1;
                ok = false;
            }
        }
        if (!ok) {
            if (im->opt->skip_bad_rows && (rc = cr_ingest_rejects_row(im, why, err)))
                return rc;
            cr_ingest_report_error(im, bad_line, bad_col, why);
        }
    }
    /* Usage goes on with writing its sorted rows. */
    cr_ingest_report_progress(im, "reading", cr_csv_offset(im->csv), im->file_size, !im->usage);
    if (rc < 0)
        return err->code;
    if (!im->usage)
        return cr_ingest_batch_flush(im, err);
    if (!im->opt->skip_bad_rows && im->res->error_total)
        return 0;
    struct timespec t_merge;
    clock_gettime(CLOCK_MONOTONIC, &t_merge);
    rc = cr_ingest_usage_finish(im, err);
    im->res->seconds_merge = seconds_since(&t_merge);
    return rc;
}

static void utc_now(char *buf, size_t size)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int log_import(cr_importer *im, const char *started, cr_error *err)
{
    sqlite3_stmt *st;
    int rc = cr_ingest_prepare_named(im, "import.log.insert", &st, err);
    if (rc)
        return rc;
    char finished[32];
    utc_now(finished, sizeof finished);
    const cr_import_result *r = im->res;
    sqlite3_bind_int64(st, cr_ingest_param(st, ":id"), im->import_id);
    sqlite3_bind_text(st, cr_ingest_param(st, ":sha256"), im->sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, cr_ingest_param(st, ":file"), im->path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, cr_ingest_param(st, ":kind"), im->kind->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, cr_ingest_param(st, ":size_bytes"), (sqlite3_int64)im->file_size);
    sqlite3_bind_int64(st, cr_ingest_param(st, ":rows_read"), r->rows_read);
    sqlite3_bind_int64(st, cr_ingest_param(st, ":rows_inserted"), r->inserted);
    sqlite3_bind_int64(st, cr_ingest_param(st, ":rows_updated"), r->updated);
    sqlite3_bind_int64(st, cr_ingest_param(st, ":rows_unchanged"), r->unchanged);
    sqlite3_bind_int64(st, cr_ingest_param(st, ":rows_rejected"), r->rejected);
    sqlite3_bind_int64(st, cr_ingest_param(st, ":rows_superseded"), r->superseded);
    sqlite3_bind_int64(st, cr_ingest_param(st, ":rows_deleted"), r->deleted);
    sqlite3_bind_text(st, cr_ingest_param(st, ":started_at"), started, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, cr_ingest_param(st, ":finished_at"), finished, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, cr_ingest_param(st, ":seconds"), r->seconds);
    if (im->opt->profile)
        sqlite3_bind_text(st, cr_ingest_param(st, ":profile"), im->opt->profile->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, cr_ingest_param(st, ":program_version"), CR_VERSION, -1, SQLITE_STATIC);
    /* a kind with recipients (accounts, partners) counts who got other ones */
    for (size_t c = 0; c < im->kind->column_count; c++)
        if (strcmp(im->kind->columns[c].name, "recipients") == 0)
            sqlite3_bind_int64(st, cr_ingest_param(st, ":recipients_changed"),
                               r->recipients_changed);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : cr_db_fail(im->db, rc, "cannot write the import log", err);
}

/* The kind's statements: usage's own sort-and-merge path, or the common ones;
 * then what the kind sets up for itself. */
static int prepare(cr_importer *im, cr_error *err)
{
    const cr_kind *kind = im->kind;
    /* The common path's lookups compare the file's sha256 (lineage): wait
     * for it; usage's merge does not, so its hash runs beside the import. */
    int rc;
    if (kind->flags & CR_KIND_SORT_MERGE)
        rc = cr_ingest_usage_begin(im, err);
    else if (!(rc = cr_ingest_lineage_wait(im, err)))
        rc = cr_ingest_prepare_statements(im, err);
    if (!rc && kind->begin)
        rc = kind->begin(im, err);
    return rc;
}

static void finalize_all(cr_importer *im)
{
    cr_ingest_usage_free(im);
    cr_ingest_finalize_all(im);
}

static int run_import(cr_importer *im, cr_error *err)
{
    struct stat sb;
    int rc;
    if (stat(im->path, &sb) != 0)
        return cr_error_set(err, errno == ENOENT ? EX_NOINPUT : EX_IOERR, im->path, 0, 0,
                            "cannot open: %s", strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return cr_error_set(err, EX_NOINPUT, im->path, 0, 0, "not a regular file");
    im->file_size = (unsigned long long)sb.st_size;
    im->res->bytes = im->file_size;
    if ((rc = cr_ingest_check_options(im, err)) || (rc = open_csv(im, err)) || (rc = cr_ingest_read_header(im, err)) ||
        (rc = cr_ingest_resolve_kind(im, err)) || (rc = cr_ingest_map_columns(im, err)))
        return rc;
    snprintf(im->res->kind, sizeof im->res->kind, "%s", im->kind->name);
    if ((rc = cr_db_begin(im->db, err)))
        return rc;
    if ((rc = cr_ingest_lineage_begin(im, err)) || (rc = prepare(im, err)) ||
        (rc = cr_ingest_drop_indexes_for_bulk(im, err)))
        goto out_rollback;
    if (im->keep_field >= 0 && !im->usage && (rc = find_winners(im, err)))
        goto out_rollback;
    struct timespec t_rows;
    clock_gettime(CLOCK_MONOTONIC, &t_rows);
    if ((rc = import_records(im, err)))
        goto out_rollback;
    im->res->seconds_rows = seconds_since(&t_rows) - im->res->seconds_merge;
    if (im->res->error_total && !im->opt->skip_bad_rows) {
        rc = EX_DATAERR;
        goto out_rollback;
    }
    if (im->kind->end && (rc = im->kind->end(im, err)))
        goto out_rollback;
    struct timespec t_indexes;
    clock_gettime(CLOCK_MONOTONIC, &t_indexes);
    if ((rc = cr_ingest_rebuild_indexes(im, err)))
        goto out_rollback;
    im->res->seconds_indexes = seconds_since(&t_indexes);
    return 0;
out_rollback:
    finalize_all(im);
    cr_db_rollback(im->db);
    return rc;
}

int cr_ingest_file(sqlite3 *db, const char *path, const cr_import_options *opt,
                   cr_import_result *res, cr_error *err)
{
    cr_importer im = {.db = db, .path = path, .opt = opt, .res = res};
    struct timespec t0;
    char started[32];
    memset(res, 0, sizeof *res);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    utc_now(started, sizeof started);
    int rc = run_import(&im, err);
    if (im.last_progress && !im.progress_finished) /* stopped early: end the line */
        cr_ingest_report_progress(&im, "stopped", 0, 0, true);
    /* The file's sha256, for its import_log row (the hash thread may still run). */
    if (rc == 0 && (rc = cr_ingest_lineage_wait(&im, err)))
        cr_db_rollback(db);
    if (rc == 0) {
        res->seconds = seconds_since(&t0);
        finalize_all(&im);
        if ((rc = log_import(&im, started, err)) == 0)
            rc = cr_ingest_rejects_sync(&im, err);
        if (rc == 0)
            rc = cr_db_commit(db, err);
        if (rc)
            cr_db_rollback(db);
        if (rc == 0)
            rc = cr_ingest_rejects_publish(&im, err);
    }
    if (rc && res->error_total && !err->code)
        err->code = rc;
    for (int i = 0; i < res->error_count; i++) /* Sheet1!C7 for an .xlsx */
        cr_ingest_reader_position(&im, &res->errors[i]);
    cr_ingest_reader_position(&im, err);
    cr_ingest_rejects_drop(&im);
    cr_ingest_lineage_wait(&im, NULL);
    finalize_all(&im);
    cr_csv_close(im.csv);
    for (size_t i = 0; i < im.header_count && im.header; i++)
        free(im.header[i]);
    free(im.header);
    free(im.header_pos);
    for (size_t i = 0; i < BATCH_ROWS; i++)
        free(im.slots[i].text);
    for (size_t i = 0; i < im.dropped_count; i++)
        free(im.dropped_indexes[i]);
    free(im.dropped_indexes);
    return rc;
}
