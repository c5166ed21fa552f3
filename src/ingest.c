/* ingest.c - one CSV export into the store, whole or not at all.
 *
 * The flow: read the header, find the kind and where each canonical column
 * comes from (a header column, a profile constant, --account, --snapshot-date),
 * then per record: convert and check every value (values.c) and write it with
 * the kind's four statements (src/sql/import.sql): insert if the key is new,
 * else replace or touch the stored row. Every row written gets a rowid above
 * the table's largest at the start of the file, so a key conflicting with a row
 * above that mark is a duplicate within the file: exact, in constant memory.
 * A profile with a keep rule ("highest sys_mod_count, then the last") reads the
 * file twice: the first pass finds the winning line of every key, kept in a TEMP
 * table (a 128-bit hash per key).
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
#include "csmreport/sqlnamed.h"
#include "csmreport/tz.h"
#include "csmreport/values.h"

#define MAX_COLUMNS 16
#define NO_SOURCE (-1)

typedef struct column_source {
    int field;             /* header index, or NO_SOURCE */
    const char *constant;  /* used when field is NO_SOURCE; NULL = absent */
    const char *format;    /* profile date/time format */
    const cr_profile_field *profile_field;
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

typedef struct importer {
    sqlite3 *db;
    const char *path;
    const cr_import_options *opt;
    const cr_kind *kind;
    cr_import_result *res;
    cr_csv *csv;
    size_t header_count;
    char **header;                   /* copies of the header names */
    column_source src[MAX_COLUMNS];
    int keep_field;                  /* header index of the keep rule column, or -1 */
    cr_value values[MAX_COLUMNS];

    bound_stmt insert, lookup, replace;
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
    /* accounts: whose time zone changed */
    sqlite3_stmt *old_tz;
    char **retime_ids, **retime_zones;
    size_t retime_count;
    /* time zone of the last account looked up */
    char tz_account[128];
    const cr_tz *tz;

    char **dropped_indexes;          /* CREATE INDEX statements to run again */
    size_t dropped_count;
    bool bulk_empty;                 /* the natural-key index is among them */

    FILE *rejects;
    char rejects_tmp[4096];
    unsigned long long file_size;
    time_t last_progress;
} importer;

/* ---------- small helpers ---------- */

static uint64_t hash64(const char *s, size_t len, uint64_t seed)
{
    /* FNV-1a with a final avalanche: fast enough, well mixed for B-tree keys. */
    uint64_t h = 1469598103934665603ULL ^ seed;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static void add_error(importer *im, long line, long column, const char *why)
{
    cr_import_result *res = im->res;
    res->error_total++;
    if (res->error_count < CR_IMPORT_ERRORS_MAX)
        cr_error_set(&res->errors[res->error_count++], EX_DATAERR, im->path, line, column, "%s", why);
}

static const char *raw_field(importer *im, int field, size_t *len)
{
    if ((size_t)field >= cr_csv_count(im->csv)) {
        *len = 0;
        return "";
    }
    return cr_csv_field(im->csv, (size_t)field, len);
}

/* ---------- header ---------- */

static bool header_equal(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0;
}

static int find_header(importer *im, const char *name)
{
    for (size_t i = 0; i < im->header_count; i++)
        if (header_equal(im->header[i], name))
            return (int)i;
    return -1;
}

static int read_header(importer *im, cr_error *err)
{
    int rc = cr_csv_next(im->csv, err);
    if (rc < 0)
        return err->code;
    if (rc == 0)
        return cr_error_set(err, EX_DATAERR, im->path, 1, 1, "file is empty");
    im->header_count = cr_csv_count(im->csv);
    im->header = calloc(im->header_count, sizeof *im->header);
    if (!im->header)
        return cr_error_set(err, EX_OSERR, im->path, 0, 0, "out of memory");
    for (size_t i = 0; i < im->header_count; i++) {
        size_t len;
        const char *name = cr_csv_field(im->csv, i, &len);
        while (len && (*name == ' ' || *name == '\t')) {
            name++;
            len--;
        }
        while (len && (name[len - 1] == ' ' || name[len - 1] == '\t'))
            len--;
        im->header[i] = malloc(len + 1);
        if (!im->header[i])
            return cr_error_set(err, EX_OSERR, im->path, 0, 0, "out of memory");
        memcpy(im->header[i], name, len);
        im->header[i][len] = '\0';
        for (size_t j = 0; j < i; j++)
            if (im->header[i][0] && header_equal(im->header[i], im->header[j]))
                return cr_error_set(err, EX_DATAERR, im->path, cr_csv_field_line(im->csv, i),
                                    cr_csv_field_column(im->csv, i),
                                    "duplicate column '%s' in the header (also column %zu)",
                                    im->header[i], j + 1);
    }
    return 0;
}

/* The kind whose required columns are all in the header, preferring the one that
 * explains the most columns; a clear message when none fits. */
static int detect_kind(importer *im, cr_error *err)
{
    const cr_kind *best = NULL, *closest = NULL;
    int best_score = -1, closest_missing = 1 << 30, ties = 0;
    for (size_t k = 0; k < cr_kind_count; k++) {
        const cr_kind *kind = &cr_kinds[k];
        int missing = 0, present = 0;
        for (size_t c = 0; c < kind->column_count; c++) {
            bool here = find_header(im, kind->columns[c].name) >= 0;
            present += here;
            missing += kind->columns[c].required && !here;
        }
        if (missing == 0) {
            if (present > best_score) {
                best = kind;
                best_score = present;
                ties = 0;
            } else if (present == best_score) {
                ties++;
            }
        } else if (present > 0 && missing < closest_missing) {
            closest = kind;
            closest_missing = missing;
        }
    }
    if (best && !ties) {
        im->kind = best;
        return 0;
    }
    if (best)
        return cr_error_set(err, EX_DATAERR, im->path, 1, 0,
                            "cannot tell the kind of export from its header; use --kind");
    if (!closest)
        return cr_error_set(err, EX_DATAERR, im->path, 1, 0,
                            "header has none of the canonical column names of any kind "
                            "(see SPEC section 3); use --kind with --profile to map the columns");
    char missing[512] = "";
    size_t used = 0;
    for (size_t c = 0; c < closest->column_count && used < sizeof missing - 64; c++)
        if (closest->columns[c].required && find_header(im, closest->columns[c].name) < 0)
            used += (size_t)snprintf(missing + used, sizeof missing - used, "%s%s",
                                     used ? ", " : "", closest->columns[c].name);
    return cr_error_set(err, EX_DATAERR, im->path, 1, 0,
                        "cannot tell the kind of export from its header: closest is %s, which "
                        "misses the required column(s) %s; use --kind and --profile",
                        closest->name, missing);
}

static int map_columns(importer *im, cr_error *err)
{
    const cr_profile *profile = im->opt->profile;
    const cr_kind *kind = im->kind;
    im->keep_field = -1;
    for (size_t c = 0; c < kind->column_count; c++) {
        const cr_column *col = &kind->columns[c];
        column_source *s = &im->src[c];
        s->field = NO_SOURCE;
        const cr_profile_field *pf = profile ? cr_profile_find(profile, col->name) : NULL;
        s->profile_field = pf;
        if (pf) {
            s->format = pf->format;
            if (pf->column) {
                s->field = find_header(im, pf->column);
                if (s->field < 0)
                    return cr_error_set(err, EX_DATAERR, im->path, 1, 0,
                                        "missing column '%s' (mapped to %s by profile %s)",
                                        pf->column, col->name, profile->name);
            } else {
                s->constant = pf->constant;
            }
        } else {
            s->field = find_header(im, col->name);
        }
        if (s->field < 0 && !s->constant) {
            if (strcmp(col->name, "account_id") == 0 && im->opt->account)
                s->constant = im->opt->account;
            else if (strcmp(col->name, "snapshot_date") == 0 && im->opt->snapshot_date)
                s->constant = im->opt->snapshot_date;
        }
        if (s->field < 0 && !s->constant && col->required) {
            const char *hint = strcmp(col->name, "account_id") == 0 ? " (or give --account)"
                             : strcmp(col->name, "snapshot_date") == 0 ? " (or give --snapshot-date)"
                             : "";
            return cr_error_set(err, EX_DATAERR, im->path, 1, 0,
                                "missing required column '%s' for a %s file%s", col->name,
                                kind->name, hint);
        }
    }
    if (profile && profile->keep_highest) {
        im->keep_field = find_header(im, profile->keep_highest);
        if (im->keep_field < 0)
            return cr_error_set(err, EX_DATAERR, im->path, 1, 0,
                                "missing column '%s' (the keep rule of profile %s)",
                                profile->keep_highest, profile->name);
    }
    return 0;
}

/* ---------- statements ---------- */

static int prepare_named(importer *im, const char *name, sqlite3_stmt **st, cr_error *err)
{
    const char *sql = cr_sql(name);
    if (!sql)
        return cr_error_set(err, EX_SOFTWARE, NULL, 0, 0, "statement %s is missing", name);
    *st = cr_db_prepare(im->db, sql, err);
    return *st ? 0 : err->code;
}

static int param(sqlite3_stmt *st, const char *name)
{
    return sqlite3_bind_parameter_index(st, name);
}

/* Finds the bind index of every parameter of b->st, whose names carry suffix
 * (":date" + "_3" in the batch statement, "" elsewhere). */
static void find_params(importer *im, bound_stmt *b, const char *suffix)
{
    char pname[96];
#define PARAM(name) (snprintf(pname, sizeof pname, ":%s%s", (name), suffix), param(b->st, pname))
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
#undef PARAM
}

static int prepare_bound(importer *im, const char *what, bound_stmt *b, cr_error *err)
{
    char name[64];
    snprintf(name, sizeof name, "import.%s.%s", im->kind->name, what);
    int rc = prepare_named(im, name, &b->st, err);
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
    const char *close = open ? strrchr(open, ')') : NULL;
    if (!close)
        return NULL;
    size_t tuple_len = (size_t)(close - open) + 1, prefix_len = (size_t)(open - sql);
    size_t cap = prefix_len + BATCH_ROWS * (tuple_len * 2 + 2) + 2;
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
            w += sprintf(w, "_%d", row);
        }
    }
    *w = '\0';
    return out;
}

static int prepare_batch(importer *im, cr_error *err)
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

static int prepare_statements(importer *im, cr_error *err)
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
    if ((rc = prepare_named(im, name, &max, err)))
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
    if ((rc = prepare_named(im, "import.account.timezone", &im->tz_lookup, err)))
        return rc;
    if (strcmp(k, "devices") == 0) {
        if ((rc = cr_db_exec(im->db, "CREATE TEMP TABLE IF NOT EXISTS cr_snapshots ("
                                     "account_id TEXT, snapshot_date TEXT, "
                                     "PRIMARY KEY (account_id, snapshot_date)) WITHOUT ROWID; "
                                     "DELETE FROM temp.cr_snapshots", err)))
            return rc;
        im->snap_seen = cr_db_prepare(im->db, "INSERT OR IGNORE INTO temp.cr_snapshots VALUES (?1, ?2)", err);
        if (!im->snap_seen)
            return err->code;
    }
    if (strcmp(k, "accounts") == 0 &&
        (rc = prepare_named(im, "import.accounts.old_timezone", &im->old_tz, err)))
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

static void finalize_all(importer *im)
{
    sqlite3_stmt **all[] = {&im->insert.st, &im->lookup.st, &im->replace.st, &im->touched,
                            &im->batch[0].st,
                            &im->seen_insert, &im->seen_lookup, &im->seen_update,
                            &im->tz_lookup, &im->snap_seen,
                            &im->old_tz};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        sqlite3_finalize(*all[i]);
        *all[i] = NULL;
    }
}

/* ---------- values ---------- */

/* Raw text of column c in the current record after the profile's null values
 * and maps. Returns false when a strict map does not know the value. */
static bool column_text(importer *im, size_t c, const char **text, size_t *len, char *why, size_t why_size)
{
    const column_source *s = &im->src[c];
    if (s->field == NO_SOURCE) {
        *text = s->constant ? s->constant : "";
        *len = strlen(*text);
        return true;
    }
    *text = raw_field(im, s->field, len);
    const cr_profile *profile = im->opt->profile;
    if (!profile)
        return true;
    if (cr_profile_is_null(profile, *text, *len)) {
        *text = "";
        *len = 0;
        return true;
    }
    if (s->profile_field && s->profile_field->map_count) {
        const char *mapped = cr_profile_map_value(s->profile_field, *text);
        if (!mapped) {
            snprintf(why, why_size, "value '%.40s' of column '%s' is not mapped by profile %s",
                     *text, im->header[s->field], profile->name);
            return false;
        }
        *text = mapped;
        *len = strlen(mapped);
    }
    return true;
}

static long column_line(importer *im, size_t c)
{
    int f = im->src[c].field;
    return f >= 0 && (size_t)f < cr_csv_count(im->csv) ? cr_csv_field_line(im->csv, (size_t)f)
                                                        : cr_csv_record_line(im->csv);
}

static long column_col(importer *im, size_t c)
{
    int f = im->src[c].field;
    return f >= 0 && (size_t)f < cr_csv_count(im->csv) ? cr_csv_field_column(im->csv, (size_t)f) : 1;
}

/* Converts every column of the current record into im->values. On a bad value
 * records the error (or the reject) and returns false. only_keys converts the
 * natural key columns only (the keep rule's first pass, errors not recorded). */
static bool convert_record(importer *im, bool only_keys, char *why, size_t why_size, long *bad_line,
                           long *bad_col)
{
    const cr_kind *kind = im->kind;
    for (size_t c = 0; c < kind->column_count; c++) {
        const cr_column *col = &kind->columns[c];
        cr_value *v = &im->values[c];
        if (only_keys && !col->key)
            continue;
        const char *text;
        size_t len;
        *bad_line = column_line(im, c);
        *bad_col = column_col(im, c);
        if (!column_text(im, c, &text, &len, why, why_size))
            return false;
        if (!cr_value_convert(col, text, len, im->src[c].format, v, why, why_size)) {
            char reason[512];
            snprintf(reason, sizeof reason, "%s: %s", col->name, why);
            snprintf(why, why_size, "%s", reason);
            return false;
        }
        if (v->null && col->required) {
            snprintf(why, why_size, "%s: required value is empty", col->name);
            return false;
        }
    }
    return true;
}

static int value_index(const importer *im, const char *name)
{
    return cr_kind_column_index(im->kind, name);
}

/* Cross-field checks of one record, on its converted and derived values. */
static bool check_record(importer *im, char *why, size_t why_size, long *bad_line, long *bad_col)
{
    const char *k = im->kind->name;
    const derived_values *d = &im->derived;
    int at = -1;
    if (strcmp(k, "accounts") == 0) {
        at = value_index(im, "term_end");
        if (cr_date_compare(im->values[at].ts.date, im->values[value_index(im, "term_start")].ts.date) < 0) {
            snprintf(why, why_size, "term_end is before term_start");
            goto bad;
        }
    } else if (strcmp(k, "calls") == 0) {
        at = value_index(im, "end_time");
        if (d->end_utc < d->start_utc) {
            snprintf(why, why_size, "end_time is before start_time");
            goto bad;
        }
    } else if (strcmp(k, "tickets") == 0) {
        at = value_index(im, "closed_at");
        if (!d->utc_null[1] && d->utc[1] < d->utc[0]) {
            snprintf(why, why_size, "closed_at is before opened_at");
            goto bad;
        }
    }
    return true;
bad:
    *bad_line = column_line(im, (size_t)at);
    *bad_col = column_col(im, (size_t)at);
    return false;
}

/* The time zone of an account (UTC until its accounts row arrives: the accounts
 * import then re-reads the naive times). */
static const cr_tz *account_tz(importer *im, const cr_value *account)
{
    if (im->tz && account->len < sizeof im->tz_account && strlen(im->tz_account) == account->len &&
        memcmp(im->tz_account, account->text, account->len) == 0)
        return im->tz;
    const char *zone = NULL;
    sqlite3_bind_text(im->tz_lookup, 1, account->text, (int)account->len, SQLITE_STATIC);
    if (sqlite3_step(im->tz_lookup) == SQLITE_ROW)
        zone = (const char *)sqlite3_column_text(im->tz_lookup, 0);
    im->tz = cr_tz_get(zone, NULL);
    if (!im->tz)
        im->tz = cr_tz_get(NULL, NULL);
    sqlite3_reset(im->tz_lookup);
    if (account->len < sizeof im->tz_account) {
        memcpy(im->tz_account, account->text, account->len);
        im->tz_account[account->len] = '\0';
    } else {
        im->tz_account[0] = '\0';
    }
    return im->tz;
}

static int64_t utc_of(const cr_value *v, const cr_tz *tz)
{
    int64_t local = cr_timestamp_local_seconds(&v->ts);
    return v->ts.has_offset ? local - v->ts.offset_seconds : cr_tz_local_to_utc(tz, local);
}

/* Computes the derived values of the current record once, for every statement. */
static void compute_derived(importer *im)
{
    const char *k = im->kind->name;
    derived_values *d = &im->derived;
    int acc = value_index(im, "account_id");
    if (strcmp(k, "tickets") == 0) {
        static const char *const cols[6] = {"opened_at", "closed_at", "rma_approved_at",
                                            "shipped_at", "delivered_at", "updated_at"};
        const cr_tz *tz = account_tz(im, &im->values[acc]);
        for (int i = 0; i < 6; i++) {
            const cr_value *v = &im->values[value_index(im, cols[i])];
            d->utc_null[i] = v->null;
            d->utc[i] = v->null ? 0 : utc_of(v, tz);
        }
    } else if (strcmp(k, "devices") == 0) {
        const cr_value *v = &im->values[value_index(im, "last_seen")];
        d->last_seen_null = v->null;
        d->last_seen_utc = v->null ? 0 : utc_of(v, account_tz(im, &im->values[acc]));
    } else if (strcmp(k, "calls") == 0) {
        const cr_tz *tz = account_tz(im, &im->values[acc]);
        d->start_utc = utc_of(&im->values[value_index(im, "start_time")], tz);
        d->end_utc = utc_of(&im->values[value_index(im, "end_time")], tz);
        int64_t local = cr_tz_utc_to_local(tz, d->start_utc);
        int64_t day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
        cr_date_format(cr_civil_from_days(day), d->local_date);
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
static void bind_row(importer *im, const bound_stmt *b)
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
}

/* ---------- natural keys ---------- */

/* The natural key of the current record as one string (values joined by 0x1f). */
static size_t key_text(const importer *im, char *key, size_t size)
{
    size_t used = 0;
    for (size_t c = 0; c < im->kind->column_count; c++) {
        if (!im->kind->columns[c].key)
            continue;
        const cr_value *v = &im->values[c];
        size_t n = v->null ? 0 : v->len;
        if (used + n + 1 > size)
            n = size - used - 1;
        memcpy(key + used, v->text, n);
        used += n;
        key[used++] = '\x1f';
    }
    return used;
}

static void key_hashes(importer *im, uint64_t *h1, uint64_t *h2)
{
    char key[4096];
    size_t used = key_text(im, key, sizeof key);
    *h1 = hash64(key, used, 0);
    *h2 = hash64(key, used, 0x9e3779b97f4a7c15ULL);
}

static double keep_rank(importer *im)
{
    size_t len;
    const char *s = raw_field(im, im->keep_field, &len);
    char *end;
    double d = strtod(s, &end);
    return end == s ? -1e300 : d;
}

/* Records the key of the current record. Returns 0 when new, the line of the
 * earlier record with the same key when it is a duplicate. */
static long seen_key(importer *im, uint64_t h1, uint64_t h2, long line, double rank, double *old_rank)
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

static void seen_set_winner(importer *im, uint64_t h1, long line, double rank)
{
    sqlite3_bind_int64(im->seen_update, 1, (int64_t)h1);
    sqlite3_bind_int64(im->seen_update, 2, line);
    sqlite3_bind_double(im->seen_update, 3, rank);
    sqlite3_step(im->seen_update);
    sqlite3_reset(im->seen_update);
}

static long winner_line(importer *im, uint64_t h1)
{
    long line = 0;
    sqlite3_bind_int64(im->seen_lookup, 1, (int64_t)h1);
    if (sqlite3_step(im->seen_lookup) == SQLITE_ROW)
        line = (long)sqlite3_column_int64(im->seen_lookup, 1);
    sqlite3_reset(im->seen_lookup);
    return line;
}

/* ---------- rejects ---------- */

static void write_csv_field(FILE *f, const char *s, size_t len)
{
    bool quote = len == 0 ? false : strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ' || s[len - 1] == ' ';
    if (!quote) {
        fwrite(s, 1, len, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            fputc('"', f);
        fputc(s[i], f);
    }
    fputc('"', f);
}

static int reject_row(importer *im, const char *reason, cr_error *err)
{
    if (!im->rejects) {
        snprintf(im->rejects_tmp, sizeof im->rejects_tmp, "%s.rejected.csv.XXXXXX", im->path);
        int fd = mkstemp(im->rejects_tmp);
        if (fd < 0 || !(im->rejects = fdopen(fd, "w"))) {
            if (fd >= 0)
                close(fd);
            return cr_error_set(err, EX_CANTCREAT, im->rejects_tmp, 0, 0,
                                "cannot create the rejects file: %s", strerror(errno));
        }
        for (size_t i = 0; i < im->header_count; i++) {
            write_csv_field(im->rejects, im->header[i], strlen(im->header[i]));
            fputc(',', im->rejects);
        }
        fputs("reason\r\n", im->rejects);
    }
    for (size_t i = 0; i < im->header_count; i++) {
        size_t len;
        const char *s = raw_field(im, (int)i, &len);
        write_csv_field(im->rejects, s, len);
        fputc(',', im->rejects);
    }
    write_csv_field(im->rejects, reason, strlen(reason));
    fputs("\r\n", im->rejects);
    im->res->rejected++;
    return 0;
}

static void drop_rejects(importer *im)
{
    if (im->rejects) {
        fclose(im->rejects);
        im->rejects = NULL;
        unlink(im->rejects_tmp);
    }
}

/* ---------- writing ---------- */

/* Notes the (account, snapshot) of the current device row; at the end of the file
 * the rows of those snapshots that the file did not write are removed. */
static int remember_snapshot(importer *im, cr_error *err)
{
    const cr_value *acc = &im->values[value_index(im, "account_id")];
    const cr_value *snap = &im->values[value_index(im, "snapshot_date")];
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

/* A devices file replaces each snapshot it contains, whole: a device missing
 * from a corrected re-export is removed. */
static int remove_unlisted_devices(importer *im, cr_error *err)
{
    sqlite3_stmt *st;
    int rc = prepare_named(im, "import.devices.delete_unlisted", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, param(st, ":mark"), im->rowid_mark);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return cr_db_fail(im->db, rc, "cannot replace the snapshots", err);
    im->res->deleted = sqlite3_changes(im->db);
    return 0;
}

static int remember_timezone_change(importer *im, cr_error *err)
{
    const cr_value *acc = &im->values[value_index(im, "account_id")];
    const cr_value *zone = &im->values[value_index(im, "timezone")];
    char old_zone[128] = "", new_zone[128] = "";
    sqlite3_bind_text(im->old_tz, 1, acc->text, (int)acc->len, SQLITE_TRANSIENT);
    if (sqlite3_step(im->old_tz) == SQLITE_ROW)
        snprintf(old_zone, sizeof old_zone, "%s", (const char *)sqlite3_column_text(im->old_tz, 0));
    sqlite3_reset(im->old_tz);
    if (!zone->null)
        snprintf(new_zone, sizeof new_zone, "%.*s", (int)zone->len, zone->text);
    if (strcmp(old_zone, new_zone) == 0)
        return 0;
    char **ids = realloc(im->retime_ids, (im->retime_count + 1) * sizeof *ids);
    if (ids)
        im->retime_ids = ids;
    char **zones = realloc(im->retime_zones, (im->retime_count + 1) * sizeof *zones);
    if (zones)
        im->retime_zones = zones;
    if (!ids || !zones)
        return cr_error_set(err, EX_OSERR, NULL, 0, 0, "out of memory");
    im->retime_ids[im->retime_count] = malloc(acc->len + 1);
    im->retime_zones[im->retime_count] = dup_string(new_zone);
    if (!im->retime_ids[im->retime_count] || !im->retime_zones[im->retime_count]) {
        free(im->retime_ids[im->retime_count]);
        free(im->retime_zones[im->retime_count]);
        return cr_error_set(err, EX_OSERR, NULL, 0, 0, "out of memory");
    }
    memcpy(im->retime_ids[im->retime_count], acc->text, acc->len);
    im->retime_ids[im->retime_count][acc->len] = '\0';
    im->retime_count++;
    return 0;
}

/* Re-reads the naive timestamps of accounts whose time zone changed. */
static int retime_accounts(importer *im, cr_error *err)
{
    static const char *const names[] = {"import.accounts.retime_tickets", "import.accounts.retime_calls",
                                        "import.accounts.retime_devices"};
    for (size_t n = 0; n < 3; n++) {
        sqlite3_stmt *st;
        int rc = prepare_named(im, names[n], &st, err);
        if (rc)
            return rc;
        for (size_t i = 0; i < im->retime_count; i++) {
            sqlite3_bind_text(st, param(st, ":account_id"), im->retime_ids[i], -1, SQLITE_STATIC);
            sqlite3_bind_text(st, param(st, ":tz"), im->retime_zones[i], -1, SQLITE_STATIC);
            rc = sqlite3_step(st);
            sqlite3_reset(st);
            if (rc != SQLITE_DONE) {
                sqlite3_finalize(st);
                return cr_db_fail(im->db, rc, "cannot re-time the account's records", err);
            }
        }
        sqlite3_finalize(st);
    }
    return 0;
}

static int step_done(importer *im, const bound_stmt *b, sqlite3_int64 rowid,
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
static int store_row(importer *im, long line, bool *duplicate, cr_error *err)
{
    int rc;
    *duplicate = false;
    sqlite3_int64 rowid = im->next_rowid + 1;
    if ((rc = step_done(im, &im->insert, rowid, 0, err)))
        return rc;
    if (sqlite3_changes(im->db)) {
        im->next_rowid = rowid;
        im->res->inserted++;
        return 0;
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
        return 0;
    }
    if ((rc = step_done(im, &im->replace, 0, stored, err)))
        return rc;
    im->res->updated++;
    return 0;
}

static void report_duplicate(importer *im, long line, char *why, size_t why_size);

/* Copies the current record into batch slot i and binds it there. */
static int batch_add(importer *im, long line, cr_error *err)
{
    batch_slot *slot = &im->slots[im->batched];
    size_t need = 0, ncols = im->kind->column_count;
    for (size_t c = 0; c < ncols; c++)
        if (!im->values[c].null && !im->values[c].has_number)
            need += im->values[c].len + 1;
    if (need > slot->text_cap) {
        char *grown = realloc(slot->text, need);
        if (!grown)
            return cr_error_set(err, EX_OSERR, NULL, 0, 0, "out of memory");
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
    bind_row(im, &im->batch[im->batched]);
    sqlite3_bind_int64(im->batch[im->batched].st, im->batch[im->batched].rowid,
                       im->next_rowid + 1 + (sqlite3_int64)im->batched);
    im->batched++;
    return 0;
}

/* Runs the rows of the batch: all at once when BATCH_ROWS are waiting and none
 * conflicts; otherwise the rows not inserted (or all, for a short batch) go the
 * row-by-row way. */
static int batch_flush(importer *im, cr_error *err)
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
        if (done == n)
            return 0;
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
            if (found)
                continue;
        }
        batch_slot *slot = &im->slots[i];
        memcpy(im->values, slot->values, sizeof slot->values);
        im->derived = slot->derived;
        bool duplicate;
        if ((rc = store_row(im, slot->line, &duplicate, err)))
            break;
        if (duplicate) {
            char why[512];
            report_duplicate(im, slot->line, why, sizeof why);
            add_error(im, slot->line, 1, why);
        }
    }
    sqlite3_finalize(exists);
    return rc;
}

/* Writes the current record (now, or with its batch). Sets *duplicate when its
 * key was already written by this file. */
static int write_record(importer *im, long line, bool *duplicate, cr_error *err)
{
    int rc;
    *duplicate = false;
    if (im->snap_seen && (rc = remember_snapshot(im, err)))
        return rc;
    if (im->old_tz && (rc = remember_timezone_change(im, err)))
        return rc;
    if (!im->batching)
        return store_row(im, line, duplicate, err);
    if ((rc = batch_add(im, line, err)))
        return rc;
    return im->batched == BATCH_ROWS ? batch_flush(im, err) : 0;
}

static void key_names(const importer *im, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t c = 0; c < im->kind->column_count && used < size; c++)
        if (im->kind->columns[c].key)
            used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
                                     im->kind->columns[c].name);
}

/* ---------- the passes ---------- */

static void show_progress(importer *im, bool done)
{
    if (!im->opt->progress)
        return;
    time_t now = time(NULL);
    if (!done && now == im->last_progress)
        return;
    im->last_progress = now;
    unsigned long long at = cr_csv_offset(im->csv);
    fprintf(stderr, "\rcsmreport: importing %s: %3d%% (%lld rows)%s", im->path,
            im->file_size ? (int)(100.0 * (double)at / (double)im->file_size) : 100,
            im->res->rows_read, done ? "\n" : "");
}

static int open_csv(importer *im, cr_error *err)
{
    cr_csv_close(im->csv);
    char sep = im->opt->profile ? im->opt->profile->separator : 0;
    im->csv = cr_csv_open_file(im->path, sep, err);
    return im->csv ? 0 : err->code;
}

/* Reads the next record. Returns 1 with a record, 0 at the end, -1 on an error
 * that stops the file (err filled), 2 for a ragged row: a row error in why. */
static int next_record(importer *im, char *why, size_t why_size, long *bad_line, long *bad_col,
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
static int find_winners(importer *im, cr_error *err)
{
    char why[512];
    long bad_line, bad_col;
    int rc;
    while ((rc = next_record(im, why, sizeof why, &bad_line, &bad_col, err)) > 0) {
        if (rc == 2 || !convert_record(im, true, why, sizeof why, &bad_line, &bad_col))
            continue; /* reported by the second pass */
        uint64_t h1, h2;
        key_hashes(im, &h1, &h2);
        double rank = keep_rank(im), old_rank = 0;
        long line = cr_csv_record_line(im->csv);
        if (seen_key(im, h1, h2, line, rank, &old_rank) && rank >= old_rank)
            seen_set_winner(im, h1, line, rank);
    }
    if (rc < 0)
        return err->code;
    return open_csv(im, err) || (rc = cr_csv_next(im->csv, err)) < 0 ? err->code : 0;
}

/* The line of the first record of the file with the current record's key (for
 * the message of a duplicate; rare, so a second read of the file is fine). The
 * key columns of im->values are overwritten. Returns 0 when not found. */
static long earlier_line_of_key(importer *im, long line)
{
    char key[4096], other[4096], why[256];
    long bad_line, bad_col, found = 0;
    size_t len = key_text(im, key, sizeof key);
    cr_error ignored;
    cr_csv *saved = im->csv;
    im->csv = cr_csv_open_file(im->path, cr_csv_separator(saved), &ignored);
    if (!im->csv) {
        im->csv = saved;
        return 0;
    }
    int rc = cr_csv_next(im->csv, &ignored); /* header */
    while (rc > 0 && (rc = cr_csv_next(im->csv, &ignored)) != 0 && cr_csv_record_line(im->csv) < line) {
        if (rc < 0 && cr_csv_failed(im->csv))
            break;
        if (rc > 0 && convert_record(im, true, why, sizeof why, &bad_line, &bad_col) &&
            key_text(im, other, sizeof other) == len && memcmp(key, other, len) == 0) {
            found = cr_csv_record_line(im->csv);
            break;
        }
        rc = 1;
    }
    cr_csv_close(im->csv);
    im->csv = saved;
    return found;
}

static int import_records(importer *im, cr_error *err)
{
    char why[512];
    long bad_line = 0, bad_col = 0;
    int rc;
    bool keep_rule = im->keep_field >= 0;
    while ((rc = next_record(im, why, sizeof why, &bad_line, &bad_col, err)) > 0) {
        im->res->rows_read++;
        if ((im->res->rows_read & 4095) == 0)
            show_progress(im, false);
        long line = cr_csv_record_line(im->csv);
        bool ok = rc == 1 && convert_record(im, false, why, sizeof why, &bad_line, &bad_col);
        if (ok) {
            compute_derived(im);
            ok = check_record(im, why, sizeof why, &bad_line, &bad_col);
        }
        if (ok && keep_rule) {
            uint64_t h1, h2;
            key_hashes(im, &h1, &h2);
            if (winner_line(im, h1) != line) {
                im->res->superseded++;
                continue;
            }
        }
        /* Once the file has failed, only look for more errors. */
        if (ok && (im->opt->skip_bad_rows || !im->res->error_total)) {
            bool duplicate;
            if ((rc = write_record(im, line, &duplicate, err)))
                return rc;
            if (duplicate) {
                report_duplicate(im, line, why, sizeof why);
                bad_line = line;
                bad_col = 1;
                ok = false;
            }
        }
        if (!ok) {
            if (im->opt->skip_bad_rows && (rc = reject_row(im, why, err)))
                return rc;
            add_error(im, bad_line, bad_col, why);
        }
    }
    show_progress(im, true);
    if (rc < 0)
        return err->code;
    return batch_flush(im, err);
}

/* The message of a duplicate key (naming the earlier line when it is found). */
static void report_duplicate(importer *im, long line, char *why, size_t why_size)
{
    char keys[160];
    key_names(im, keys, sizeof keys);
    long earlier = im->res->error_count < CR_IMPORT_ERRORS_MAX ? earlier_line_of_key(im, line) : 0;
    if (earlier)
        snprintf(why, why_size, "duplicate key: same %s as line %ld", keys, earlier);
    else
        snprintf(why, why_size, "duplicate key: an earlier row of this file has the same %s", keys);
}

static void utc_now(char *buf, size_t size)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int log_import(importer *im, const char *started, cr_error *err)
{
    sqlite3_stmt *st;
    int rc = prepare_named(im, "import.log.insert", &st, err);
    if (rc)
        return rc;
    char finished[32];
    utc_now(finished, sizeof finished);
    const cr_import_result *r = im->res;
    sqlite3_bind_text(st, param(st, ":file"), im->path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, param(st, ":kind"), im->kind->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, param(st, ":size_bytes"), (sqlite3_int64)im->file_size);
    sqlite3_bind_int64(st, param(st, ":rows_read"), r->rows_read);
    sqlite3_bind_int64(st, param(st, ":rows_inserted"), r->inserted);
    sqlite3_bind_int64(st, param(st, ":rows_updated"), r->updated);
    sqlite3_bind_int64(st, param(st, ":rows_unchanged"), r->unchanged);
    sqlite3_bind_int64(st, param(st, ":rows_rejected"), r->rejected);
    sqlite3_bind_int64(st, param(st, ":rows_superseded"), r->superseded);
    sqlite3_bind_int64(st, param(st, ":rows_deleted"), r->deleted);
    sqlite3_bind_text(st, param(st, ":started_at"), started, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, param(st, ":finished_at"), finished, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, param(st, ":seconds"), r->seconds);
    if (im->opt->profile)
        sqlite3_bind_text(st, param(st, ":profile"), im->opt->profile->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, param(st, ":program_version"), CR_VERSION, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : cr_db_fail(im->db, rc, "cannot write the import log", err);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int resolve_kind(importer *im, cr_error *err)
{
    const char *name = im->opt->kind ? im->opt->kind
                     : im->opt->profile ? im->opt->profile->kind : NULL;
    if (!name)
        return detect_kind(im, err);
    im->kind = cr_kind_find(name);
    if (!im->kind)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "unknown kind '%s'", name);
    if (im->opt->profile && strcmp(im->opt->profile->kind, name) != 0)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "profile %s is for %s files, not %s",
                            im->opt->profile->name, im->opt->profile->kind, name);
    return 0;
}

static int check_options(importer *im, cr_error *err)
{
    const cr_import_options *o = im->opt;
    cr_date d;
    if (o->snapshot_date && !cr_date_parse(o->snapshot_date, strlen(o->snapshot_date), &d))
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "--snapshot-date '%s' is not a date (YYYY-MM-DD)",
                            o->snapshot_date);
    return 0;
}

/* A bulk load into a table that is small beside the file: its secondary indexes
 * are dropped and built again after the rows, inside the same transaction (one
 * sort instead of millions of random B-tree inserts). Into an empty table, the
 * natural-key index goes too (usage and calls keep theirs as a named UNIQUE
 * index): every row is then a plain append, in any input order, and a key
 * repeated within the file makes the index build fail, which is then turned
 * into row errors (report_bulk_duplicates). The other tables' keys are
 * constraints and stay: their upserts need them. */
#define BULK_MIN_BYTES (16ULL << 20)
#define BULK_BYTES_PER_ROW 40

static int drop_indexes_for_bulk(importer *im, cr_error *err)
{
    unsigned long long new_rows = im->file_size / BULK_BYTES_PER_ROW;
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
        if (!grown || !(grown[im->dropped_count] = dup_string((const char *)sqlite3_column_text(st, 1)))) {
            if (grown)
                im->dropped_indexes = grown;
            rc = cr_error_set(err, EX_OSERR, NULL, 0, 0, "out of memory");
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
static int report_bulk_duplicates(importer *im, cr_error *err)
{
    char sql[512], keys[160];
    key_names(im, keys, sizeof keys);
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
    cr_csv *csv = cr_csv_open_file(im->path, cr_csv_separator(im->csv), &ignored);
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
        snprintf(why, sizeof why, "duplicate key: same %s as line %ld", keys, first_line[i]);
        add_error(im, later_line[i], 1, why);
    }
    if (n == 0)
        return cr_error_set(err, EX_DATAERR, im->path, 0, 0, "duplicate keys in the file");
    return EX_DATAERR;
}

static int rebuild_indexes(importer *im, cr_error *err)
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

static int run_import(importer *im, cr_error *err)
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
    if ((rc = check_options(im, err)) || (rc = open_csv(im, err)) || (rc = read_header(im, err)) ||
        (rc = resolve_kind(im, err)) || (rc = map_columns(im, err)))
        return rc;
    snprintf(im->res->kind, sizeof im->res->kind, "%s", im->kind->name);
    if ((rc = cr_db_begin(im->db, err)))
        return rc;
    if ((rc = prepare_statements(im, err)) || (rc = drop_indexes_for_bulk(im, err)))
        goto out_rollback;
    if (im->keep_field >= 0 && (rc = find_winners(im, err)))
        goto out_rollback;
    struct timespec t_rows;
    clock_gettime(CLOCK_MONOTONIC, &t_rows);
    if ((rc = import_records(im, err)))
        goto out_rollback;
    im->res->seconds_rows = seconds_since(&t_rows);
    if (im->res->error_total && !im->opt->skip_bad_rows) {
        rc = EX_DATAERR;
        goto out_rollback;
    }
    if ((im->snap_seen && (rc = remove_unlisted_devices(im, err))) ||
        (im->retime_count && (rc = retime_accounts(im, err))))
        goto out_rollback;
    struct timespec t_indexes;
    clock_gettime(CLOCK_MONOTONIC, &t_indexes);
    if ((rc = rebuild_indexes(im, err)))
        goto out_rollback;
    im->res->seconds_indexes = seconds_since(&t_indexes);
    return 0;
out_rollback:
    finalize_all(im);
    cr_db_rollback(im->db);
    return rc;
}

int cr_import_file(sqlite3 *db, const char *path, const cr_import_options *opt,
                   cr_import_result *res, cr_error *err)
{
    importer im = {.db = db, .path = path, .opt = opt, .res = res};
    struct timespec t0;
    char started[32];
    memset(res, 0, sizeof *res);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    utc_now(started, sizeof started);
    int rc = run_import(&im, err);
    if (rc == 0) {
        res->seconds = seconds_since(&t0);
        finalize_all(&im);
        if ((rc = log_import(&im, started, err)) == 0 && im.rejects) {
            snprintf(res->rejects_path, sizeof res->rejects_path, "%s.rejected.csv", path);
            if (fflush(im.rejects) != 0 || fsync(fileno(im.rejects)) != 0)
                rc = cr_error_set(err, EX_IOERR, im.rejects_tmp, 0, 0, "cannot write: %s", strerror(errno));
        }
        if (rc == 0)
            rc = cr_db_commit(db, err);
        if (rc)
            cr_db_rollback(db);
        if (rc == 0 && im.rejects) {
            fclose(im.rejects);
            im.rejects = NULL;
            if (rename(im.rejects_tmp, res->rejects_path) != 0)
                rc = cr_error_set(err, EX_CANTCREAT, res->rejects_path, 0, 0, "cannot create: %s",
                                  strerror(errno));
        }
    }
    if (rc && res->error_total && !err->code)
        err->code = rc;
    drop_rejects(&im);
    finalize_all(&im);
    cr_csv_close(im.csv);
    for (size_t i = 0; i < im.header_count && im.header; i++)
        free(im.header[i]);
    free(im.header);
    for (size_t i = 0; i < im.retime_count; i++) {
        free(im.retime_ids[i]);
        free(im.retime_zones[i]);
    }
    free(im.retime_ids);
    free(im.retime_zones);
    for (size_t i = 0; i < BATCH_ROWS; i++)
        free(im.slots[i].text);
    for (size_t i = 0; i < im.dropped_count; i++)
        free(im.dropped_indexes[i]);
    free(im.dropped_indexes);
    return rc;
}
