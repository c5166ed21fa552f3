/* profile_init.c - a starting profile for an export (profile_init.h). */
#include "csmreport/profile_init.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csmreport/csv.h"
#include "csmreport/datetime.h"
#include "csmreport/kinds.h"

/* Formats tried, in order, for values that are not ISO 8601: day-first before
 * month-first (an ambiguous file is said so in the profile). */
static const char *const time_formats[] = {
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M",
    "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
    "%d/%b/%y %I:%M %p", "%d/%b/%Y %H:%M", "%d %b %Y %H:%M", "%b %d, %Y %I:%M %p",
    "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d", "%d %b %Y",
    "%b %d, %Y", "%d/%m/%y", "%m/%d/%y",
};
#define N_FORMATS (sizeof time_formats / sizeof time_formats[0])

/* A growing text. */
typedef struct text {
    char *buf;
    size_t len, cap;
    bool failed;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text *t, const char *fmt, ...)
{
    if (t->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = true;
            return;
        }
        if ((size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = (t->cap + (size_t)n + 1) * 2;
        char *b = realloc(t->buf, cap);
        if (!b) {
            t->failed = true;
            return;
        }
        t->buf = b;
        t->cap = cap;
    }
}

/* s escaped for an XML attribute or comment ("--" cannot stand in a comment). */
static void put_escaped(text *t, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': put(t, "&amp;"); break;
        case '<': put(t, "&lt;"); break;
        case '>': put(t, "&gt;"); break;
        case '"': put(t, "&quot;"); break;
        case '-': put(t, s[1] == '-' ? "-&#45;" : "-"); if (s[1] == '-') s++; break;
        default:
            if ((unsigned char)*s < 0x20)
                put(t, " ");
            else
                put(t, "%c", *s);
        }
    }
}

/* The rows read: rows[r][field]. */
typedef struct sample {
    char ***rows;
    size_t count, fields;
} sample;

static void free_sample(sample *s)
{
    for (size_t r = 0; r < s->count; r++) {
        for (size_t f = 0; f < s->fields; f++)
            free(s->rows[r][f]);
        free(s->rows[r]);
    }
    free(s->rows);
}

/* How the values of field f read as a date or time: "iso" when every
 * non-empty value is ISO 8601 (or a plain date), else the first format that
 * reads them all, NULL when none does or there are none. *ambiguous when a
 * month-first format reads them all too. */
static const char *guess_format(const sample *s, size_t f, bool date_only, bool *ambiguous,
                                size_t *values)
{
    *ambiguous = false;
    *values = 0;
    bool iso = true;
    for (size_t r = 0; r < s->count; r++) {
        const char *v = s->rows[r][f];
        if (!*v)
            continue;
        (*values)++;
        cr_timestamp ts;
        cr_date d;
        bool ok = cr_date_parse(v, strlen(v), &d) ||
                  (!date_only && cr_timestamp_parse_iso(v, strlen(v), &ts));
        iso = iso && ok;
    }
    if (*values == 0)
        return NULL;
    if (iso)
        return "iso";
    const char *found = NULL;
    for (size_t k = 0; k < N_FORMATS; k++) {
        bool all = true;
        for (size_t r = 0; r < s->count && all; r++) {
            const char *v = s->rows[r][f];
            cr_timestamp ts;
            all = !*v || cr_timestamp_parse_format(v, strlen(v), time_formats[k], &ts);
        }
        if (!all)
            continue;
        if (!found) {
            found = time_formats[k];
        } else if (strstr(found, "%d/%m") && strstr(time_formats[k], "%m/%d")) {
            *ambiguous = true;
            break;
        }
    }
    return found;
}

/* P1..P4 for a priority value when its words say it ("1 - Critical",
 * "High", "Sev 2"), else NULL. */
static const char *guess_priority(const char *v)
{
    static const struct { const char *word; const char *p; } words[] = {
        {"critical", "P1"}, {"blocker", "P1"}, {"urgent", "P1"}, {"highest", "P1"},
        {"emergency", "P1"}, {"high", "P2"}, {"major", "P2"}, {"medium", "P3"},
        {"moderate", "P3"}, {"normal", "P3"}, {"low", "P4"}, {"lowest", "P4"},
        {"minor", "P4"}, {"trivial", "P4"}, {"planning", "P4"}};
    for (const char *p = v; *p; p++)
        if (*p >= '1' && *p <= '5' && (p[1] < '0' || p[1] > '9') &&
            (p == v || p[-1] < '0' || p[-1] > '9'))
            return *p == '1' ? "P1" : *p == '2' ? "P2" : *p == '3' ? "P3" : "P4";
    char low[64];
    size_t n = 0;
    for (; v[n] && n + 1 < sizeof low; n++)
        low[n] = (char)((v[n] >= 'A' && v[n] <= 'Z') ? v[n] - 'A' + 'a' : v[n]);
    low[n] = '\0';
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
        if (strstr(low, words[w].word))
            return words[w].p;
    return NULL;
}

/* The <map> lines of a priority field: each distinct value of the sample
 * once, in order of appearance. */
static void put_priority_maps(text *t, const sample *s, size_t f)
{
    size_t listed = 0;
    for (size_t r = 0; r < s->count && listed < 20; r++) {
        const char *v = s->rows[r][f];
        bool seen = !*v;
        for (size_t q = 0; q < r && !seen; q++)
            seen = strcmp(s->rows[q][f], v) == 0;
        if (seen || (strlen(v) == 2 && v[0] == 'P' && v[1] >= '1' && v[1] <= '4'))
            continue;
        listed++;
        const char *p = guess_priority(v);
        if (p) {
            put(t, "    <map from=\"");
            put_escaped(t, v);
            put(t, "\" to=\"%s\"/>  <!-- guessed: check -->\n", p);
        } else {
            put(t, "    <!-- fill in P1..P4 and uncomment: <map from=\"");
            put_escaped(t, v);
            put(t, "\" to=\"P?\"/> -->\n");
        }
    }
}

static void put_field(text *t, const cr_kind *kind, const cr_column *col, const char *header,
                      size_t f, const sample *s)
{
    bool is_time = col->type == CR_V_DATE || col->type == CR_V_TIMESTAMP;
    const char *format = NULL;
    bool ambiguous = false;
    size_t values = 0;
    if (is_time)
        format = guess_format(s, f, col->type == CR_V_DATE, &ambiguous, &values);
    put(t, "  <field name=\"%s\" column=\"", col->name);
    put_escaped(t, header);
    put(t, "\"");
    if (format && strcmp(format, "iso") != 0)
        put(t, " format=\"%s\"", format);
    bool maps = col->type == CR_V_PRIORITY;
    put(t, maps ? ">" : "/>");
    if (is_time && values && !format)
        put(t, "  <!-- no format read the first rows: add format=\"...\" -->");
    else if (ambiguous)
        put(t, "  <!-- day/month or month/day: the first rows fit both; check -->");
    else if (is_time && !values)
        put(t, "  <!-- empty in the first rows: add format=\"...\" if not ISO 8601 -->");
    put(t, "\n");
    if (maps) {
        put_priority_maps(t, s, f);
        put(t, "  </field>\n");
    }
    (void)kind;
}

int cr_profile_init_write(const char *path, const char *kind_name, char **out, cr_error *err)
{
    *out = NULL;
    const cr_kind *kind = cr_kind_find(kind_name);
    if (!kind)
        return cr_kind_error_unknown(kind_name, err);
    cr_csv *csv = cr_csv_open_file(path, 0, err);
    if (!csv)
        return cr_error_exit_code(err);
    int rc = 0;
    size_t n = 0;
    char **header = NULL;
    bool *taken = NULL;
    sample s = {0};
    text t = {0};
    int got = cr_csv_next(csv, err);
    if (got <= 0) {
        rc = got < 0 ? cr_error_exit_code(err)
                     : cr_error_set(err, EX_DATAERR, path, 1, 1, "file is empty");
        goto out_close;
    }
    n = cr_csv_count(csv);
    header = calloc(n, sizeof *header);
    taken = calloc(n, sizeof *taken);
    s.fields = n;
    s.rows = calloc(CR_PROFILE_INIT_ROWS, sizeof *s.rows);
    if (!header || !taken || !s.rows)
        goto out_nomem;
    for (size_t i = 0; i < n; i++)
        if (!(header[i] = strdup(cr_csv_field(csv, i, NULL))))
            goto out_nomem;
    while (s.count < CR_PROFILE_INIT_ROWS && (got = cr_csv_next(csv, err)) > 0) {
        char **row = calloc(n, sizeof *row);
        if (!row)
            goto out_nomem;
        s.rows[s.count++] = row;
        for (size_t i = 0; i < n; i++)
            if (!(row[i] = strdup(cr_csv_field(csv, i, NULL))))
                goto out_nomem;
    }
    if (got < 0 && cr_csv_failed(csv)) {
        rc = cr_error_exit_code(err);
        goto out_close;
    }
    cr_error_clear(err); /* a ragged row among the first: the import says so */

    char sep = cr_csv_separator(csv);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    put(&t, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- A starting profile for ");
    put_escaped(&t, base);
    put(&t, ", written by csmreport profile init\n     from its header and first %zu row(s). "
            "Check each field, fill in what is marked, and\n     import with the profile "
            "option of csmreport import. -->\n", s.count);
    put(&t, "<profile name=\"");
    char stem[128];
    snprintf(stem, sizeof stem, "%s", base);
    char *dot = strrchr(stem, '.');
    if (dot && dot != stem)
        *dot = '\0';
    put_escaped(&t, stem);
    put(&t, "\" kind=\"%s\"%s>\n", kind->name,
        sep == ';' ? " separator=\";\"" : sep == '\t' ? " separator=\"tab\"" : "");
    for (size_t c = 0; c < kind->column_count; c++) {
        const cr_column *col = &kind->columns[c];
        int at = cr_kind_match_header(col->name, (const char *const *)header, n, taken, NULL);
        if (at < 0) {
            if (col->required) {
                put(&t, "  <!-- %s (required, %s): no column matched; add <field name=\"%s\" "
                        "column=\"...\"/>", col->name, cr_value_type_name(col->type), col->name);
                if (strcmp(col->name, "account_id") == 0)
                    put(&t, ", a constant, or give the account option of import");
                else if (strcmp(col->name, "snapshot_date") == 0)
                    put(&t, " or give the snapshot date option of import");
                put(&t, " -->\n");
            }
            continue;
        }
        taken[at] = true;
        put_field(&t, kind, col, header[at], (size_t)at, &s);
    }
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (taken[i])
            continue;
        put(&t, any ? ", " : "  <!-- not mapped (ignored at import): ");
        put_escaped(&t, header[i]);
        any = true;
    }
    if (any)
        put(&t, " -->\n");
    put(&t, "</profile>\n");
    if (t.failed)
        goto out_nomem;
    *out = t.buf;
    t.buf = NULL;
    goto out_close;
out_nomem:
    rc = cr_error_nomem(err);
out_close:
    free(t.buf);
    free_sample(&s);
    if (header)
        for (size_t i = 0; i < n; i++)
            free(header[i]);
    free(header);
    free(taken);
    cr_csv_close(csv);
    return rc;
}
