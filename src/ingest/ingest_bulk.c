/* ingest_bulk.c - a bulk load: the table's indexes dropped before the rows and
 * built again after them, in the same transaction. */
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

/* A bulk load into a table that is small beside the file: its secondary indexes
 * are dropped and built again after the rows, inside the same transaction (one
 * sort instead of millions of random B-tree inserts). Into an empty table, the
 * natural-key index goes too (calls keeps its key as a named UNIQUE index;
 * usage has a path of its own, ingest_usage.c): every row is then a plain append, in any input order, and a key
 * repeated within the file makes the index build fail, which is then turned
 * into row errors (report_bulk_duplicates). The other tables' keys are
 * constraints and stay: their upserts need them. */
#define BULK_MIN_BYTES (16ULL << 20)
#define BULK_BYTES_PER_ROW 40

int cr_ingest_drop_indexes_for_bulk(cr_importer *im, cr_error *err)
{
    unsigned long long new_rows = im->file_size / BULK_BYTES_PER_ROW;
    if (im->usage) /* its table has no index to drop */
        return 0;
    if (im->file_size < BULK_MIN_BYTES || new_rows < (unsigned long long)im->rowid_mark / 4)
        return 0;
    /* Without the key index nothing conflicts: the rejects of skip_bad_rows and
     * a keep rule's choice need the row-by-row conflicts, so they keep it. */
    im->bulk_empty = im->rowid_mark == 0 && !im->opt->skip_bad_rows && im->keep_field < 0;
    sqlite3_stmt *st = cr_db_prepare(im->db, "SELECT name, sql FROM sqlite_schema "
                                             "WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL "
                                             "AND (?2 OR sql NOT LIKE 'CREATE UNIQUE%') "
                                             "ORDER BY sql LIKE 'CREATE UNIQUE%' DESC",
                                     err);
    if (!st)
        return err->code;
    sqlite3_bind_text(st, 1, im->kind->table, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, im->bulk_empty);
    int rc = 0;
    /* Collect first: an index cannot be dropped while the query runs. */
    char names[8][128];
    size_t n = 0;
    while (n < 8 && sqlite3_step(st) == SQLITE_ROW) {
        char **grown = realloc(im->dropped_indexes, (im->dropped_count + 1) * sizeof *grown);
        if (!grown || !(grown[im->dropped_count] = strdup((const char *)sqlite3_column_text(st, 1)))) {
            if (grown)
                im->dropped_indexes = grown;
            rc = cr_error_nomem(err);
            break;
        }
        im->dropped_indexes = grown;
        im->dropped_count++;
        snprintf(names[n++], sizeof names[0], "%s", (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    for (size_t i = 0; i < n && !rc; i++) {
        char drop[192];
        snprintf(drop, sizeof drop, "DROP INDEX \"%s\"", names[i]);
        rc = cr_db_exec(im->db, drop, err);
    }
    return rc;
}

/* The file repeated a key while the key index was down: finds the repeats
 * (rows are rowid 1, 2, ... in file order), the lines of those records, and
 * reports each as a row error. */
static int report_bulk_duplicates(cr_importer *im, cr_error *err)
{
    char sql[512], keys[160];
    cr_ingest_key_names(im, keys, sizeof keys);
    snprintf(sql, sizeof sql,
             "SELECT min(rowid), max(rowid) FROM \"%s\" GROUP BY %s HAVING count(*) > 1 "
             "ORDER BY 2 LIMIT %d", im->kind->table, keys, CR_IMPORT_ERRORS_MAX);
    sqlite3_stmt *st = cr_db_prepare(im->db, sql, err);
    if (!st)
        return err->code;
    sqlite3_int64 first[CR_IMPORT_ERRORS_MAX], later[CR_IMPORT_ERRORS_MAX];
    int n = 0;
    while (n < CR_IMPORT_ERRORS_MAX && sqlite3_step(st) == SQLITE_ROW) {
        first[n] = sqlite3_column_int64(st, 0);
        later[n] = sqlite3_column_int64(st, 1);
        n++;
    }
    sqlite3_finalize(st);
    /* Record k of the file is rowid k: one more read of the file gives lines. */
    long first_line[CR_IMPORT_ERRORS_MAX] = {0}, later_line[CR_IMPORT_ERRORS_MAX] = {0};
    cr_error ignored;
    cr_csv *csv = cr_ingest_open_reader(im, &ignored);
    if (csv && cr_csv_next(csv, &ignored) > 0) {
        sqlite3_int64 k = 0;
        while (cr_csv_next(csv, &ignored) > 0) {
            k++;
            for (int i = 0; i < n; i++) {
                if (first[i] == k)
                    first_line[i] = cr_csv_record_line(csv);
                if (later[i] == k)
                    later_line[i] = cr_csv_record_line(csv);
            }
        }
    }
    cr_csv_close(csv);
    for (int i = 0; i < n; i++) {
        char why[256];
        snprintf(why, sizeof why, "duplicate key: same %s as %s %ld", keys,
                 cr_ingest_line_word(im), first_line[i]);
        cr_ingest_report_error(im, later_line[i], 1, why);
    }
    if (n == 0)
        return cr_error_set(err, EX_DATAERR, im->path, 0, 0, "duplicate keys in the file");
    return EX_DATAERR;
}

int cr_ingest_rebuild_indexes(cr_importer *im, cr_error *err)
{
    for (size_t i = 0; i < im->dropped_count; i++) {
        int rc = cr_db_exec(im->db, im->dropped_indexes[i], err);
        if (rc == EX_DATAERR && im->bulk_empty && i == 0) {
            cr_error_clear(err);
            return report_bulk_duplicates(im, err);
        }
        if (rc)
            return rc;
    }
    return 0;
}
