/* metrics_util.c - helpers the metric sections share: percentiles (SPEC 4),
 * exact half-away-from-zero division, and the named queries of the embedded
 * src/sql/metrics_<section>.sql files.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "metrics_internal.h"

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double cr_median(double *v, size_t n)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, compare_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double cr_p90(double *v, size_t n)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, compare_double);
    size_t rank = (9 * n + 9) / 10; /* ceil(0.9 n), in integers */
    return v[rank - 1];
}

int64_t cr_div_round_half_away(cr_int128 a, cr_int128 b)
{
    if (b < 0) {
        a = -a;
        b = -b;
    }
    cr_int128 q = a / b, r = a % b; /* C truncates toward zero */
    if (r < 0)
        r = -r;
    if (2 * r >= b)
        q += a < 0 ? -1 : 1;
    return (int64_t)q;
}

/* ---- named queries ----
 * Every "-- name: X" line starts a block that runs to the next such line. The
 * blocks are copied once into static storage (NUL-terminated), so the texts live
 * as long as the program without a heap allocation to leak. */

#define SQL_ARENA_SIZE (256 * 1024)
#define SQL_MAX_QUERIES 256

static char sql_arena[SQL_ARENA_SIZE];
static struct named_sql {
    const char *name; /* "adoption.active" */
    const char *text;
} sql_queries[SQL_MAX_QUERIES];
static size_t sql_count;
static pthread_once_t sql_once = PTHREAD_ONCE_INIT;

/* Copies n bytes and a NUL into the arena; NULL when it is full. */
static const char *arena_put(size_t *used, const char *s, size_t n)
{
    if (*used + n + 1 > SQL_ARENA_SIZE)
        return NULL;
    char *p = sql_arena + *used;
    memcpy(p, s, n);
    p[n] = '\0';
    *used += n + 1;
    return p;
}

static void parse_file(size_t *used, const char *section, size_t section_len, const char *data)
{
    static const char marker[] = "-- name:";
    const char *p = strstr(data, marker);
    while (p && sql_count < SQL_MAX_QUERIES) {
        const char *name = p + sizeof marker - 1;
        while (*name == ' ' || *name == '\t')
            name++;
        const char *name_end = name;
        while (*name_end && *name_end != '\n' && *name_end != '\r' && *name_end != ' ' &&
               *name_end != '\t')
            name_end++;
        const char *body = strchr(name_end, '\n');
        body = body ? body + 1 : name_end + strlen(name_end);
        const char *next = strstr(body, marker);
        const char *body_end = next ? next : body + strlen(body);

        char full[128];
        size_t name_len = (size_t)(name_end - name);
        if (section_len + 1 + name_len < sizeof full) {
            memcpy(full, section, section_len);
            full[section_len] = '.';
            memcpy(full + section_len + 1, name, name_len);
            const char *n = arena_put(used, full, section_len + 1 + name_len);
            const char *t = n ? arena_put(used, body, (size_t)(body_end - body)) : NULL;
            if (t) {
                sql_queries[sql_count].name = n;
                sql_queries[sql_count].text = t;
                sql_count++;
            }
        }
        p = next;
    }
}

static void load_queries(void)
{
    size_t used = 0;
    for (const cr_embedded_file *f = cr_embedded; f->name; f++) {
        size_t len = strlen(f->name);
        if (strncmp(f->name, "metrics_", 8) != 0 || len < 12 ||
            strcmp(f->name + len - 4, ".sql") != 0)
            continue;
        parse_file(&used, f->name + 8, len - 12, f->data);
    }
}

const char *cr_metrics_sql(const char *name)
{
    pthread_once(&sql_once, load_queries);
    for (size_t k = 0; k < sql_count; k++)
        if (strcmp(sql_queries[k].name, name) == 0)
            return sql_queries[k].text;
    return NULL;
}
