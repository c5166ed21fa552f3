/* ingest_internal.h - what the parts of the cr_importer share (not a public API).
 *
 *   ingest.c         the passes over the file, the import log, the entry point
 *   ingest_reader.c  opening the file: CSV, an .xlsx sheet, or a binary file refused
 *   ingest_header.c  the header: kind detection, where each canonical column comes from
 *   ingest_kinds.c   the kinds' hooks: derived values, checks, snapshots, re-timing
 *   ingest_store.c   the statements (src/sql/import.sql), batched and row-by-row writes
 *   ingest_bulk.c    index drop and rebuild around a bulk load
 *   ingest_usage.c   usage rows: sorted by their integer key, then merged in
 *   ingest_lineage.c the file's sha256 and import id, which every row it writes names
 *   ingest_rejects.c FILE.rejected.csv
 *   ingest_report.c  row errors, duplicate messages, the progress line
 *   ingest_values.c  one record: fields as read, values converted and checked, the key
 *
 * Calls run down this list from ingest.c (which alone calls the kinds' hooks),
 * never back up into ingest.c.
 */
#ifndef CSMREPORT_INGEST_INTERNAL_H
#define CSMREPORT_INGEST_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "csmreport/csv.h"
#include "csmreport/error.h"
#include "csmreport/ingest.h"
#include "csmreport/kinds.h"
#include "csmreport/sha256.h"
#include "csmreport/tz.h"
#include "csmreport/values.h"

#define MAX_COLUMNS 16
#define NO_SOURCE (-1)

typedef struct column_source {
    int field;             /* header index, or NO_SOURCE */
    const char *constant;  /* used when field is NO_SOURCE; NULL = absent */
    const char *format;    /* profile date/time format */
    const cr_profile_field *profile_field;
    int plus_field;        /* header index of a plus_seconds column, or NO_SOURCE */
} column_source;

/* Values computed from a record: UTC instants of its timestamps (tickets,
 * devices, calls) and the local day of a call. */
typedef struct derived_values {
    bool utc_null[6];
    int64_t utc[6];          /* tickets: opened, closed, rma_approved, shipped, delivered, updated */
    bool last_seen_null;
    int64_t last_seen_utc, start_utc, end_utc;
    char local_date[11];
} derived_values;

/* A statement with the bind index of every parameter it may take (0 = absent). */
typedef struct bound_stmt {
    sqlite3_stmt *st;
    int column[MAX_COLUMNS];
    int utc[6];
    int last_seen_utc, start_utc, end_utc, local_date, rowid, old_rowid;
    int src_line, src_sha256;  /* the lookup's lineage test (schema_v5.sql) */
} bound_stmt;

/* Rows waiting for the batch INSERT: their values, copied out of the CSV
 * reader's buffer. */
#define BATCH_ROWS 32

typedef struct batch_slot {
    cr_value values[MAX_COLUMNS];
    derived_values derived;
    long line;
    char *text;          /* the values' text, one after the other */
    size_t text_cap;
} batch_slot;

typedef struct cr_importer {
    sqlite3 *db;
    const char *path;
    const cr_import_options *opt;
    const cr_kind *kind;
    cr_import_result *res;
    cr_csv *csv;
    size_t header_count;
    char **header;                   /* copies of the header names */
    long *header_pos;                /* line and column of header field i at [2i], [2i+1] */
    column_source src[MAX_COLUMNS];
    int keep_field;                  /* header index of the keep rule column, or -1 */
    cr_value values[MAX_COLUMNS];

    bound_stmt insert, lookup, replace;
    /* Lineage: this file's import_log id (reserved at the start), its sha256,
     * and the line of the record being bound. */
    int64_t import_id;
    char sha256[CR_SHA256_HEX_SIZE]; /* written by the hash thread until joined */
    bool hashing;                    /* the hash thread runs */
    pthread_t hash_thread;
    int hash_rc;
    cr_error hash_err;
    long line;
    sqlite3_stmt *source;            /* K.source: a row's source (K_src) */
    sqlite3_stmt *source_batch;      /* the same for BATCH_ROWS rows */
    int source_row[BATCH_ROWS], source_line[BATCH_ROWS]; /* its bind indexes */
    sqlite3_stmt *touched;           /* notes a stored row this file wrote or matched */
    /* Fresh rows are inserted BATCH_ROWS at a time (one statement execution
     * instead of 32: about half of SQLite's per-row cost); conflicts fall back
     * to the row-by-row path. Not used with skip_bad_rows, whose rejects need
     * the raw row. */
    bool batching;
    bound_stmt batch[BATCH_ROWS];    /* one statement; the bind indexes of row i */
    batch_slot slots[BATCH_ROWS];
    size_t batched;
    sqlite3_int64 rowid_mark;        /* largest rowid before this file */
    sqlite3_int64 next_rowid;
    derived_values derived;
    sqlite3_stmt *seen_insert, *seen_lookup, *seen_update;
    sqlite3_stmt *tz_lookup;
    /* devices: snapshots replaced by this file */
    sqlite3_stmt *snap_seen;
    char last_snap[160];
    /* time zone of the last account looked up */
    char tz_account[128];
    const cr_tz *tz;
    /* An SQLite error of a derive hook's lookup (the hooks return nothing):
     * the row's values would be wrong, so the file fails after the hook. */
    int derive_error;

    struct usage_load *usage;        /* usage's own path (ingest_usage.c), or NULL */

    char **dropped_indexes;          /* CREATE INDEX statements to run again */
    size_t dropped_count;
    bool bulk_empty;                 /* the natural-key index is among them */

    bool progress_finished;          /* the last progress call said finished */

    /* The file's format, found at its first opening (ingest_reader.c). */
    bool format_known, xlsx;
    char sheet[256];                 /* .xlsx: the sheet read */

    FILE *rejects;
    char rejects_tmp[4096];
    unsigned long long file_size;
    time_t last_progress;
} cr_importer;

/* ingest_reader.c */
/* Opens the file for reading its records from the start: CSV text as the
 * profile says (separator, encoding, quotes, header="none"), or the sheet of
 * an .xlsx workbook; any other binary file is an EX_DATAERR saying what it
 * looks like. Every read of the file (import, duplicates, rejects) opens it
 * here, so all see the same records. */
cr_csv *cr_ingest_open_reader(cr_importer *im, cr_error *err);
/* .xlsx: rewrites a position line:column of the file into Sheet1!C7. */
void cr_ingest_reader_position(const cr_importer *im, cr_error *e);
/* What a record's position counts in messages: "line", or "row" in a sheet. */
const char *cr_ingest_line_word(const cr_importer *im);

/* ingest_header.c */
int cr_ingest_read_header(cr_importer *im, cr_error *err);
int cr_ingest_map_columns(cr_importer *im, cr_error *err);
int cr_ingest_resolve_kind(cr_importer *im, cr_error *err);
int cr_ingest_check_options(cr_importer *im, cr_error *err);

/* ingest_report.c */
/* Counts a bad row and keeps its message among the first CR_IMPORT_ERRORS_MAX. */
void cr_ingest_report_error(cr_importer *im, long line, long column, const char *why);
/* The message of a duplicate key at line, naming the earlier line when found
 * (the key columns of im->values are overwritten). */
void cr_ingest_report_duplicate(cr_importer *im, long line, char *why, size_t why_size);
/* Tells the caller's progress callback, at most once a second unless finished. */
void cr_ingest_report_progress(cr_importer *im, const char *phase, unsigned long long done,
                               unsigned long long total, bool finished);

/* ingest_rejects.c */
/* A key met again in one file: the later line and the first with that key. */
typedef struct cr_ingest_duplicate {
    long line, first;
} cr_ingest_duplicate;

/* Writes the current record, as read, with reason into the rejects file
 * (created at the first reject) and counts it. */
int cr_ingest_rejects_row(cr_importer *im, const char *reason, cr_error *err);
/* Writes the rows of these duplicates (by ascending line) into the rejects
 * file, and counts them as bad rows. */
int cr_ingest_rejects_duplicates(cr_importer *im, const cr_ingest_duplicate *dups, size_t n,
                                 cr_error *err);
/* Before the commit: names the rejects file in the result and syncs it. */
int cr_ingest_rejects_sync(cr_importer *im, cr_error *err);
/* After the commit: the rejects file under its name. */
int cr_ingest_rejects_publish(cr_importer *im, cr_error *err);
/* Removes an unpublished rejects file (any point, any number of times). */
void cr_ingest_rejects_drop(cr_importer *im);

/* ingest_values.c */
/* Field of the current record as read ("" past the end of a short row). */
const char *cr_ingest_raw_field(cr_importer *im, int field, size_t *len);
/* Converts the current record into im->values (only the key columns with
 * only_keys); false with a reason and position for a bad value. */
bool cr_ingest_convert_record(cr_importer *im, bool only_keys, char *why, size_t why_size,
                              long *bad_line, long *bad_col);
int cr_ingest_value_index(const cr_importer *im, const char *name);
/* Where the value of canonical column c was read (for messages). */
long cr_ingest_column_line(cr_importer *im, size_t c);
long cr_ingest_column_col(cr_importer *im, size_t c);
size_t cr_ingest_key_text(const cr_importer *im, char *key, size_t size);
void cr_ingest_key_hashes(cr_importer *im, uint64_t *h1, uint64_t *h2);
double cr_ingest_keep_rank(cr_importer *im);
void cr_ingest_key_names(const cr_importer *im, char *buf, size_t size);

/* ingest_store.c */
int cr_ingest_prepare_named(cr_importer *im, const char *name, sqlite3_stmt **st, cr_error *err);
int cr_ingest_param(sqlite3_stmt *st, const char *name);
int cr_ingest_prepare_statements(cr_importer *im, cr_error *err);
void cr_ingest_finalize_all(cr_importer *im);
int cr_ingest_batch_flush(cr_importer *im, cr_error *err);
/* Writes the converted record (now, or with its batch); *duplicate when this
 * file already wrote its key. cr_ingest_batch_flush writes what is waiting. */
int cr_ingest_write_record(cr_importer *im, long line, bool *duplicate, cr_error *err);

/* ingest_lineage.c */
/* Reserves the file's import_log id (under the file's write transaction) and
 * starts hashing it (sha256) on a thread. wait joins it: before anything reads
 * im->sha256, and before the importer returns (any path; a no-op when joined). */
int cr_ingest_lineage_begin(cr_importer *im, cr_error *err);
int cr_ingest_lineage_wait(cr_importer *im, cr_error *err);

/* ingest_bulk.c */
int cr_ingest_drop_indexes_for_bulk(cr_importer *im, cr_error *err);
int cr_ingest_rebuild_indexes(cr_importer *im, cr_error *err);

/* ingest_usage.c (CR_KIND_SORT_MERGE): begin prepares (instead of the generic statements), add
 * takes each good record, finish sorts, merges and writes them, reporting
 * duplicates; free is safe at any point. */
int cr_ingest_usage_begin(cr_importer *im, cr_error *err);
/* What the usage key can hold: a date from 1970-01-01 to 2149-06-06, counts
 * that fit 32 bits. false with a reason and position. */
bool cr_ingest_usage_check(cr_importer *im, char *why, size_t why_size, long *bad_line, long *bad_col);
int cr_ingest_usage_add(cr_importer *im, long line, cr_error *err);
int cr_ingest_usage_finish(cr_importer *im, cr_error *err);
void cr_ingest_usage_free(cr_importer *im);

#endif
