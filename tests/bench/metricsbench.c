/* metricsbench.c - times the metrics engine in process and shows the query plans.
 *
 *   metricsbench --db DB --period P [--account ID] [--runs N] [--md FILE]
 *                [--plans-only] [--forbid t1,t2] SQLFILE...
 *
 * SQLFILEs are src/sql/metrics_*.sql: every "-- name: X" block is prepared as
 * "<section>.X" with sample parameters bound (the first account, the period's
 * bounds, its latest snapshot), and its EXPLAIN QUERY PLAN printed. A block whose
 * bytecode reads a --forbid table (default usage_days,usage_months,serials,tickets,devices,calls) from end
 * to end - a Rewind or Count on a cursor of that table or of one of its indexes,
 * which is what "SCAN t", "SCAN t USING [COVERING] INDEX i" and an automatic
 * index built from t are - is flagged. The bytecode is read rather than the plan
 * text because the plan names tables by their alias (the views call usage "u").
 *
 * Without --plans-only it then computes the metrics of every account once with a
 * profile of the statements (time per named query), once timed per account
 * (cr_metrics_compute only: the database is opened once, no process start-up),
 * and runs the median and the slowest account --runs times (min/median/max).
 * Output goes to stdout; --md writes the same figures as a markdown section.
 * Exit status: 0, 1 when a block is flagged, 2 on an error.
 *
 * Built by tests/bench/metrics.sh and tests/e2e/metrics_plan.sh against
 * BUILD/libcsmreport.a; not part of the program.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csmreport/datetime.h"
#include "csmreport/db.h"
#include "csmreport/error.h"
#include "csmreport/json.h"
#include "csmreport/metrics.h"
#include "csmreport/period.h"

#define MAX_BLOCKS 128
#define MAX_FORBID 16
#define MAX_OTHER 64

typedef struct block {
    char name[96]; /* "adoption.devices" */
    char *text;    /* the statement as in the file (comments included) */
    char *squeezed; /* the same without comments and blank runs, to compare */
    int calls;     /* profile: times it ran, and its total time */
    double ns;
    bool flagged;
} block;

typedef struct other_sql {
    char *text; /* statements run that are no metrics_*.sql block (calendar, BEGIN) */
    int calls;
    double ns;
} other_sql;

typedef struct bench {
    sqlite3 *db;
    block blocks[MAX_BLOCKS];
    size_t block_count;
    other_sql others[MAX_OTHER];
    size_t other_count;
    const char *forbid[MAX_FORBID];
    size_t forbid_count;
    char **accounts;
    size_t account_count;
    cr_period period;
    FILE *md;
} bench;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "metricsbench: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(2);
}

static char *dup_n(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (!c)
        die("out of memory", NULL);
    memcpy(c, s, n);
    c[n] = '\0';
    return c;
}

static double now_ns(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---- the named blocks, read the way src/metrics/metrics_util.c reads them */

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open", path);
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2) {
            cap *= 2;
            char *b = realloc(buf, cap);
            if (!b)
                free(buf);
            buf = b;
        }
    }
    fclose(f);
    if (!buf)
        die("out of memory", NULL);
    buf[len] = '\0';
    return buf;
}

static void load_blocks(bench *b, const char *path)
{
    static const char marker[] = "-- name:";
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t base_len = strlen(base);
    if (strncmp(base, "metrics_", 8) != 0 || base_len < 13 || strcmp(base + base_len - 4, ".sql") != 0)
        die("not a metrics_<section>.sql file", path);
    char *data = read_file(path);
    /* Only at the start of a line: a comment may mention the marker. */
    const char *p = data;
    while ((p = strstr(p, marker)) && p != data && p[-1] != '\n')
        p += sizeof marker - 1;
    while (p) {
        const char *name = p + sizeof marker - 1;
        while (*name == ' ' || *name == '\t')
            name++;
        const char *name_end = name;
        while (*name_end && !strchr(" \t\r\n", *name_end))
            name_end++;
        const char *body = strchr(name_end, '\n');
        body = body ? body + 1 : name_end + strlen(name_end);
        const char *next = body;
        while ((next = strstr(next, marker)) && next[-1] != '\n')
            next += sizeof marker - 1;
        const char *body_end = next ? next : body + strlen(body);
        if (b->block_count == MAX_BLOCKS)
            die("too many blocks", path);
        block *k = &b->blocks[b->block_count++];
        memset(k, 0, sizeof *k);
        snprintf(k->name, sizeof k->name, "%.*s.%.*s", (int)(base_len - 12), base + 8,
                 (int)(name_end - name), name);
        k->text = dup_n(body, (size_t)(body_end - body));
        p = next;
    }
    free(data);
}

/* ---- sample parameters and plans */

typedef struct sample {
    const char *account;
    char snapshot[11], start[11], end[11];
    int64_t start_utc, end_utc;
} sample;

/* Binds the parameters the metrics queries use: ?1 / :account the account,
 * :start/:end the period as UTC seconds, :snapshot, :category, :month_end.
 * Other positional ones stay NULL: with no sqlite_stat4 (the store is never
 * ANALYZEd) SQLite plans without looking at bound values, so the plan is the
 * one the engine gets. */
static void bind_sample(sqlite3_stmt *st, const sample *s)
{
    int n = sqlite3_bind_parameter_count(st);
    for (int i = 1; i <= n; i++) {
        const char *name = sqlite3_bind_parameter_name(st, i);
        if (!name)
            continue;
        if (strcmp(name, "?1") == 0 || strcmp(name, ":account") == 0)
            sqlite3_bind_text(st, i, s->account, -1, SQLITE_STATIC);
        else if (strcmp(name, ":start") == 0)
            sqlite3_bind_int64(st, i, s->start_utc);
        else if (strcmp(name, ":end") == 0)
            sqlite3_bind_int64(st, i, s->end_utc);
        else if (strcmp(name, ":snapshot") == 0 && s->snapshot[0])
            sqlite3_bind_text(st, i, s->snapshot, -1, SQLITE_STATIC);
        else if (strcmp(name, ":category") == 0)
            sqlite3_bind_text(st, i, "headset", -1, SQLITE_STATIC);
        else if (strcmp(name, ":month_end") == 0)
            sqlite3_bind_text(st, i, s->end, -1, SQLITE_STATIC);
    }
}

static sqlite3_stmt *prepare_prefixed(sqlite3 *db, const char *prefix, const char *text,
                                      const sample *s)
{
    size_t lp = strlen(prefix), lt = strlen(text);
    char *sql = malloc(lp + lt + 1);
    if (!sql)
        die("out of memory", NULL);
    memcpy(sql, prefix, lp);
    memcpy(sql + lp, text, lt + 1);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        die("cannot prepare", sqlite3_errmsg(db));
    free(sql);
    bind_sample(st, s);
    return st;
}

/* The table a root page belongs to (a table's or one of its indexes'), or NULL. */
static char *table_of_root(sqlite3 *db, int root, char *index_name, size_t index_size)
{
    sqlite3_stmt *st;
    index_name[0] = '\0';
    if (sqlite3_prepare_v2(db, "SELECT tbl_name, type, name FROM sqlite_schema WHERE rootpage = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        die("cannot read the schema", sqlite3_errmsg(db));
    sqlite3_bind_int(st, 1, root);
    char *table = NULL;
    if (sqlite3_step(st) == SQLITE_ROW) {
        table = dup_n((const char *)sqlite3_column_text(st, 0),
                      (size_t)sqlite3_column_bytes(st, 0));
        if (strcmp((const char *)sqlite3_column_text(st, 1), "index") == 0)
            snprintf(index_name, index_size, "%s", (const char *)sqlite3_column_text(st, 2));
    }
    sqlite3_finalize(st);
    return table;
}

/* Prints the full scans of forbidden tables in the block's bytecode to out;
 * returns how many. Cursors opened on the main database (OpenRead/ReopenIdx,
 * p3 = 0) are mapped to their table by root page; a Rewind (a loop from the
 * first row) or a Count (count(*) walks the whole b-tree) on such a cursor is
 * a full scan. Temporary b-trees (materialized CTEs, sorters) have no root page
 * in the schema and do not count. */
static int full_scans(bench *b, const block *k, const sample *s, FILE *out)
{
    enum { MAX_CURSORS = 256 };
    int root_of[MAX_CURSORS] = {0};
    bool scanned[MAX_CURSORS] = {false};
    sqlite3_stmt *st = prepare_prefixed(b->db, "EXPLAIN ", k->text, s);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *op = (const char *)sqlite3_column_text(st, 1);
        int p1 = sqlite3_column_int(st, 2), p2 = sqlite3_column_int(st, 3),
            p3 = sqlite3_column_int(st, 4);
        if (p1 < 0 || p1 >= MAX_CURSORS)
            continue;
        if ((strcmp(op, "OpenRead") == 0 || strcmp(op, "ReopenIdx") == 0) && p3 == 0)
            root_of[p1] = p2;
        else if (strcmp(op, "Rewind") == 0 || strcmp(op, "Count") == 0)
            scanned[p1] = true;
    }
    sqlite3_finalize(st);
    int found = 0;
    for (int c = 0; c < MAX_CURSORS; c++) {
        if (!scanned[c] || !root_of[c])
            continue;
        char index[128];
        char *table = table_of_root(b->db, root_of[c], index, sizeof index);
        if (!table)
            continue;
        for (size_t f = 0; f < b->forbid_count; f++) {
            if (strcmp(table, b->forbid[f]) != 0)
                continue;
            fprintf(out, "  FULL SCAN of %s%s%s%s\n", table, index[0] ? " (through index " : "",
                    index, index[0] ? ")" : "");
            found++;
        }
        free(table);
    }
    return found;
}

/* EXPLAIN QUERY PLAN as the sqlite3 shell draws it, each line prefixed. */
static void print_plan(bench *b, const block *k, const sample *s, FILE *out, const char *prefix)
{
    enum { MAX_NODES = 512 };
    int ids[MAX_NODES], depth[MAX_NODES], n = 0;
    sqlite3_stmt *st = prepare_prefixed(b->db, "EXPLAIN QUERY PLAN ", k->text, s);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int id = sqlite3_column_int(st, 0), parent = sqlite3_column_int(st, 1), d = 0;
        for (int i = n - 1; i >= 0; i--)
            if (ids[i] == parent) {
                d = depth[i] + 1;
                break;
            }
        if (n < MAX_NODES) {
            ids[n] = id;
            depth[n++] = d;
        }
        fprintf(out, "%s%*s%s\n", prefix, 2 * d, "", (const char *)sqlite3_column_text(st, 3));
    }
    sqlite3_finalize(st);
}

/* Sample parameters: the first account, the period, the account's latest
 * snapshot on or before the period's end. */
static void make_sample(bench *b, sample *s)
{
    memset(s, 0, sizeof *s);
    s->account = b->account_count ? b->accounts[0] : "";
    cr_date_format(b->period.start, s->start);
    cr_date_format(b->period.end, s->end);
    s->start_utc = cr_days_from_civil(b->period.start.year, b->period.start.month,
                                      b->period.start.day) * 86400;
    s->end_utc = cr_days_from_civil(b->period.end.year, b->period.end.month, b->period.end.day) *
                     86400 + 86399;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(b->db, "SELECT max(snapshot_date) FROM devices "
                                  "WHERE account_id = ?1 AND snapshot_date <= ?2",
                           -1, &st, NULL) != SQLITE_OK)
        die("cannot read devices", sqlite3_errmsg(b->db));
    sqlite3_bind_text(st, 1, s->account, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, s->end, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT)
        snprintf(s->snapshot, sizeof s->snapshot, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

/* Prints every block's plan and flags; returns the number of flagged blocks. */
static int plans(bench *b, bool verbose)
{
    sample s;
    make_sample(b, &s);
    int flagged = 0;
    if (verbose)
        printf("== query plans (account %s, snapshot %s, period %s)\n", s.account,
               s.snapshot[0] ? s.snapshot : "none", b->period.label);
    if (b->md) {
        fprintf(b->md, "\nQuery plans (`EXPLAIN QUERY PLAN` of every block of "
                       "`src/sql/metrics_*.sql`, account %s, snapshot %s):\n\n```\n",
                s.account, s.snapshot[0] ? s.snapshot : "none");
    }
    for (size_t i = 0; i < b->block_count; i++) {
        block *k = &b->blocks[i];
        char *scans = NULL;
        size_t scans_len = 0;
        FILE *mem = open_memstream(&scans, &scans_len);
        if (!mem)
            die("out of memory", NULL);
        int n = full_scans(b, k, &s, mem);
        fclose(mem);
        k->flagged = n > 0;
        flagged += k->flagged;
        if (verbose) {
            printf("-- %s%s\n", k->name, n ? "   <-- FULL SCAN" : "");
            print_plan(b, k, &s, stdout, "  ");
            fputs(scans, stdout);
        } else {
            printf("%s %s\n", n ? "scan" : "ok", k->name);
            fputs(scans, stdout);
        }
        if (b->md) {
            fprintf(b->md, "-- %s%s\n", k->name, n ? "   <-- FULL SCAN" : "");
            print_plan(b, k, &s, b->md, "  ");
            fputs(scans, b->md);
        }
        free(scans);
    }
    if (b->md)
        fprintf(b->md, "```\n\n%s\n", flagged ? "**Some queries scan a whole big table (flagged above).**"
                                             : "No query scans usage_days, usage_months, serials, tickets, devices or calls "
                                               "in full (checked on the bytecode).");
    return flagged;
}

/* ---- the profile: time per statement text */

static char *squeeze(const char *s)
{
    /* The text without comments, whitespace runs as one space (to compare). */
    size_t n = strlen(s);
    char *out = malloc(n + 1), *o = out;
    if (!out)
        die("out of memory", NULL);
    bool space = false;
    while (*s) {
        if (s[0] == '-' && s[1] == '-') {
            while (*s && *s != '\n')
                s++;
            space = true;
            continue;
        }
        if (strchr(" \t\r\n", *s)) {
            space = true;
            s++;
            continue;
        }
        if (space && o != out)
            *o++ = ' ';
        space = false;
        *o++ = *s++;
    }
    *o = '\0';
    return out;
}

static int on_profile(unsigned type, void *ctx, void *p, void *x)
{
    bench *b = ctx;
    if (type != SQLITE_TRACE_PROFILE)
        return 0;
    double ns = (double)*(sqlite3_int64 *)x;
    char *text = squeeze(sqlite3_sql(p));
    for (size_t i = 0; i < b->block_count; i++) {
        if (strcmp(b->blocks[i].squeezed, text) == 0) {
            b->blocks[i].calls++;
            b->blocks[i].ns += ns;
            free(text);
            return 0;
        }
    }
    for (size_t i = 0; i < b->other_count; i++)
        if (strcmp(b->others[i].text, text) == 0) {
            b->others[i].calls++;
            b->others[i].ns += ns;
            free(text);
            return 0;
        }
    if (b->other_count < MAX_OTHER) {
        b->others[b->other_count++] = (other_sql){text, 1, ns};
        return 0;
    }
    free(text);
    return 0;
}

/* Wall time of one computation in ms; *cpu_ms (may be NULL) its thread CPU time,
 * which a busy shared machine does not inflate. */
static double compute_cpu(bench *b, const char *account, double *cpu_ms)
{
    cr_error err;
    cr_error_clear(&err);
    cr_json *doc = NULL;
    double c0 = now_ns(CLOCK_THREAD_CPUTIME_ID), t0 = now_ns(CLOCK_MONOTONIC);
    int rc = cr_metrics_compute(b->db, account, &b->period, NULL, &doc, &err);
    double t = now_ns(CLOCK_MONOTONIC) - t0;
    if (cpu_ms)
        *cpu_ms = (now_ns(CLOCK_THREAD_CPUTIME_ID) - c0) / 1e6;
    if (rc) {
        char msg[CR_ERROR_MSG_MAX + CR_ERROR_FILE_MAX + 64];
        cr_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "metricsbench: account %s: %s\n", account, msg);
        exit(2);
    }
    cr_json_free(doc);
    return t / 1e6;
}

static double compute(bench *b, const char *account)
{
    return compute_cpu(b, account, NULL);
}

static void profile_run(bench *b)
{
    for (size_t i = 0; i < b->block_count; i++)
        b->blocks[i].squeezed = squeeze(b->blocks[i].text);
    sqlite3_trace_v2(b->db, SQLITE_TRACE_PROFILE, on_profile, b);
    for (size_t a = 0; a < b->account_count; a++)
        compute(b, b->accounts[a]);
    sqlite3_trace_v2(b->db, 0, NULL, NULL);
}

static void profile_report(bench *b)
{
    double total = 0;
    for (size_t i = 0; i < b->block_count; i++)
        total += b->blocks[i].ns;
    for (size_t i = 0; i < b->other_count; i++)
        total += b->others[i].ns;
    printf("\n== time per query, all %zu accounts (profile pass, SQLite's own clock)\n",
           b->account_count);
    printf("  %-28s %8s %10s %10s %6s\n", "query", "runs", "total ms", "ms/account", "share");
    if (b->md)
        fprintf(b->md, "\nTime per query over all accounts (SQLite profile; a statement's time "
                       "includes the steps the engine makes on it):\n\n"
                       "| query | runs | total ms | ms per account | share |\n"
                       "| --- | ---: | ---: | ---: | ---: |\n");
    for (size_t i = 0; i < b->block_count + b->other_count; i++) {
        const char *name;
        char label[64];
        int calls;
        double ns;
        if (i < b->block_count) {
            name = b->blocks[i].name;
            calls = b->blocks[i].calls;
            ns = b->blocks[i].ns;
        } else {
            const other_sql *o = &b->others[i - b->block_count];
            snprintf(label, sizeof label, "(%.40s)", o->text);
            name = label;
            calls = o->calls;
            ns = o->ns;
        }
        double share = total > 0 ? 100 * ns / total : 0;
        printf("  %-28s %8d %10.1f %10.3f %5.1f%%\n", name, calls, ns / 1e6,
               ns / 1e6 / (double)b->account_count, share);
        if (b->md && (calls || i < b->block_count))
            fprintf(b->md, "| `%s` | %d | %.1f | %.3f | %.1f %% |\n", name, calls, ns / 1e6,
                    ns / 1e6 / (double)b->account_count, share);
    }
}

/* min / median / max of v[0..n) (sorts v). */
static void stats(double *v, size_t n, double *min, double *median, double *max)
{
    qsort(v, n, sizeof *v, compare_double);
    *min = v[0];
    *max = v[n - 1];
    *median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void repeat(bench *b, const char *account, const char *why, int runs)
{
    double *t = malloc((size_t)runs * sizeof *t), *c = malloc((size_t)runs * sizeof *c);
    double min, median, max, cmin, cmedian, cmax;
    if (!t || !c)
        die("out of memory", NULL);
    for (int r = 0; r < runs; r++)
        t[r] = compute_cpu(b, account, &c[r]);
    stats(t, (size_t)runs, &min, &median, &max);
    stats(c, (size_t)runs, &cmin, &cmedian, &cmax);
    printf("  one account, %s (%s), %d runs: min %.2f ms, median %.2f ms, max %.2f ms "
           "(CPU median %.2f ms)\n", why, account, runs, min, median, max, cmedian);
    if (b->md)
        fprintf(b->md, "| one account: %s (%s), %d runs | %.2f ms | %.2f ms | %.2f ms | CPU median %.2f ms |\n",
                why, account, runs, min, median, max, cmedian);
    free(t);
    free(c);
}

static void timings(bench *b, int runs)
{
    size_t n = b->account_count;
    double *t = malloc(n * sizeof *t), *sorted = malloc(n * sizeof *sorted);
    if (!t || !sorted)
        die("out of memory", NULL);
    double cpu0 = now_ns(CLOCK_PROCESS_CPUTIME_ID), wall0 = now_ns(CLOCK_MONOTONIC);
    for (size_t a = 0; a < n; a++)
        t[a] = compute(b, b->accounts[a]);
    double wall = (now_ns(CLOCK_MONOTONIC) - wall0) / 1e9,
           cpu = (now_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu0) / 1e9;
    memcpy(sorted, t, n * sizeof *t);
    double min, median, max;
    stats(sorted, n, &min, &median, &max);
    size_t slowest = 0, middle = 0;
    for (size_t a = 0; a < n; a++) {
        if (t[a] > t[slowest])
            slowest = a;
        if (t[a] == median)
            middle = a;
    }
    /* For an even count the median falls between two accounts: take the lower. */
    if (n % 2 == 0)
        for (size_t a = 0; a < n; a++)
            if (t[a] == sorted[n / 2 - 1])
                middle = a;

    printf("\n== timings, period %s (warm cache, one thread)\n", b->period.label);
    printf("  all %zu accounts: %.2f s wall, %.2f s CPU; per account min %.2f ms, "
           "median %.2f ms, max %.2f ms (%s)\n",
           n, wall, cpu, min, median, max, b->accounts[slowest]);
    if (b->md) {
        fprintf(b->md, "| measure | min | median | max | total |\n| --- | ---: | ---: | ---: | ---: |\n");
        fprintf(b->md, "| all %zu accounts, one pass, per account | %.2f ms | %.2f ms | %.2f ms (%s) "
                       "| %.2f s wall, %.2f s CPU |\n",
                n, min, median, max, b->accounts[slowest], wall, cpu);
    }
    /* One line for tests/bench/metrics.sh to check the goals with. */
    printf("summary %s accounts=%zu total_s=%.3f median_ms=%.3f max_ms=%.3f\n", b->period.label, n,
           wall, median, max);
    repeat(b, b->accounts[middle], "the median account", runs);
    repeat(b, b->accounts[slowest], "the slowest account", runs);
    free(t);
    free(sorted);
}

/* Every account, or only the one given with --account. */
static void load_accounts(bench *b, const char *only)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(b->db, "SELECT account_id FROM accounts WHERE ?1 IS NULL OR account_id = ?1 "
                                  "ORDER BY account_id", -1, &st, NULL) != SQLITE_OK)
        die("cannot read accounts", sqlite3_errmsg(b->db));
    if (only)
        sqlite3_bind_text(st, 1, only, -1, SQLITE_STATIC);
    size_t cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (b->account_count == cap) {
            cap = cap ? 2 * cap : 256;
            char **a = realloc(b->accounts, cap * sizeof *a);
            if (!a)
                die("out of memory", NULL);
            b->accounts = a;
        }
        b->accounts[b->account_count++] =
            dup_n((const char *)sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
    }
    sqlite3_finalize(st);
}

static void usage(void)
{
    fprintf(stderr, "usage: metricsbench --db DB --period P [--account ID] [--runs N] [--md FILE]\n"
                    "                    [--plans-only] [--forbid t1,t2] SQLFILE...\n");
    exit(2);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},    {"period", required_argument, NULL, 'p'},
        {"runs", required_argument, NULL, 'r'},  {"md", required_argument, NULL, 'm'},
        {"forbid", required_argument, NULL, 'f'}, {"plans-only", no_argument, NULL, 'P'},
        {"account", required_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};
    const char *db_path = NULL, *period_text = "2025-Q4", *md_path = NULL, *only = NULL;
    char forbid[256] = "usage_days,usage_months,serials,tickets,devices,calls";
    int runs = 20, c;
    bool plans_only = false;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': db_path = optarg; break;
        case 'p': period_text = optarg; break;
        case 'r': runs = atoi(optarg); break;
        case 'm': md_path = optarg; break;
        case 'f': snprintf(forbid, sizeof forbid, "%s", optarg); break;
        case 'P': plans_only = true; break;
        case 'a': only = optarg; break;
        default: usage();
        }
    }
    if (!db_path || optind == argc || runs < 1)
        usage();

    static bench b;
    for (char *save = NULL, *t = strtok_r(forbid, ",", &save); t && b.forbid_count < MAX_FORBID;
         t = strtok_r(NULL, ",", &save))
        b.forbid[b.forbid_count++] = t;
    for (int i = optind; i < argc; i++)
        load_blocks(&b, argv[i]);
    cr_error err;
    cr_error_clear(&err);
    if (cr_period_parse(period_text, NULL, &b.period, &err))
        die("bad period", err.message);
    b.db = cr_db_open(db_path, CR_DB_READONLY, &err);
    if (!b.db)
        die("cannot open the database", err.message);
    if (md_path && !(b.md = fopen(md_path, "w")))
        die("cannot write", md_path);
    load_accounts(&b, only);
    if (!b.account_count)
        die("no accounts in", db_path);

    if (b.md)
        fprintf(b.md, "### Period %s\n\n", b.period.label);
    if (!plans_only) {
        profile_run(&b); /* also warms the page cache and SQLite's */
        timings(&b, runs);
        profile_report(&b);
    }
    int flagged = plans(&b, !plans_only);

    if (b.md && fclose(b.md) != 0)
        die("cannot write", md_path);
    cr_db_close(b.db);
    for (size_t i = 0; i < b.block_count; i++) {
        free(b.blocks[i].text);
        free(b.blocks[i].squeezed);
    }
    for (size_t i = 0; i < b.other_count; i++)
        free(b.others[i].text);
    for (size_t a = 0; a < b.account_count; a++)
        free(b.accounts[a]);
    free(b.accounts);
    return flagged ? 1 : 0;
}
