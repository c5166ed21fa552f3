/* explain_paths.c - the addressing rule of `csmreport explain`.
 *
 * A path is the dot path of the metrics document; an element of an array is
 * named by its identifying values instead of its index:
 *   trueup                      category.month   trueup.video.2026-07.charge
 *   adoption.by_month, tickets.opened_by_month, tickets.closed_by_month  month
 *   adoption.by_site            site             adoption.by_site.Bergen.rate
 *   rma.by_model, software.by_model, coverage.by_model                   model
 *   downtime.items              rma_number       downtime.items.RMA-100184.sla
 *   tickets.aging_breaches, tickets.p1           ticket_id
 *   tickets.ecps                cloud_partner
 *   devices                     serial
 * An element whose identifying value is missing, holds a '.', or is shared
 * with another element of its array keeps its index; the index form
 * (adoption.by_month.0.rate) is accepted everywhere too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain_internal.h"

static const struct {
    const char *array;
    const char *keys[2];
} identities[] = {
    {"trueup", {"category", "month"}},
    {"adoption.by_month", {"month", NULL}},
    {"adoption.by_site", {"site", NULL}},
    {"rma.by_model", {"model", NULL}},
    {"downtime.items", {"rma_number", NULL}},
    {"tickets.opened_by_month", {"month", NULL}},
    {"tickets.closed_by_month", {"month", NULL}},
    {"tickets.aging_breaches", {"ticket_id", NULL}},
    {"tickets.ecps", {"cloud_partner", NULL}},
    {"tickets.p1", {"ticket_id", NULL}},
    {"software.by_model", {"model", NULL}},
    {"coverage.by_model", {"model", NULL}},
    {"devices", {"serial", NULL}},
};

static int add(cr_explain_index *ix, const char *path, const char *index_path, const cr_json *node)
{
    if (ix->count == ix->cap) {
        size_t cap = ix->cap ? ix->cap * 2 : 256;
        cr_explain_entry *grown = realloc(ix->entries, cap * sizeof *grown);
        if (!grown)
            return -1;
        ix->entries = grown;
        ix->cap = cap;
    }
    cr_explain_entry *e = &ix->entries[ix->count];
    e->path = strdup(path);
    e->index_path = strdup(index_path);
    e->node = node;
    if (!e->path || !e->index_path) {
        free(e->path);
        free(e->index_path);
        return -1;
    }
    ix->count++;
    return 0;
}

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s%s", a, *a ? "." : "", b);
    return s;
}

/* The identifying segment(s) of element i of array (path), into buf; false
 * when it has none (missing, holds a '.'). */
static bool element_name(const char *array_path, const cr_json *el, char *buf, size_t size)
{
    for (size_t k = 0; k < sizeof identities / sizeof identities[0]; k++) {
        if (strcmp(identities[k].array, array_path) != 0)
            continue;
        buf[0] = '\0';
        for (int j = 0; j < 2 && identities[k].keys[j]; j++) {
            const char *v = cr_json_get_string(cr_json_get(el, identities[k].keys[j]));
            if (!v || !*v || strchr(v, '.'))
                return false;
            size_t used = strlen(buf);
            snprintf(buf + used, size - used, "%s%s", j ? "." : "", v);
        }
        return true;
    }
    return false;
}

static int walk(cr_explain_index *ix, const cr_json *node, const char *path, const char *index_path)
{
    if (*path && add(ix, path, index_path, node))
        return -1;
    cr_json_type t = cr_json_type_of(node);
    size_t n = cr_json_size(node);
    if (t == CR_JSON_OBJECT) {
        for (size_t i = 0; i < n; i++) {
            char *p = join(path, cr_json_key_at(node, i)), *q = join(index_path, cr_json_key_at(node, i));
            int rc = p && q ? walk(ix, cr_json_value_at(node, i), p, q) : -1;
            free(p);
            free(q);
            if (rc)
                return rc;
        }
    } else if (t == CR_JSON_ARRAY) {
        char (*names)[160] = calloc(n ? n : 1, sizeof *names);
        if (!names)
            return -1;
        for (size_t i = 0; i < n; i++)
            if (!element_name(index_path, cr_json_at(node, i), names[i], sizeof names[i]))
                names[i][0] = '\0';
        int rc = 0;
        for (size_t i = 0; i < n && !rc; i++) {
            bool unique = names[i][0] != '\0';
            for (size_t j = 0; j < n && unique; j++)
                unique = j == i || strcmp(names[i], names[j]) != 0;
            char idx[24];
            snprintf(idx, sizeof idx, "%zu", i);
            char *p = join(path, unique ? names[i] : idx), *q = join(index_path, idx);
            rc = p && q ? walk(ix, cr_json_at(node, i), p, q) : -1;
            free(p);
            free(q);
        }
        free(names);
        return rc;
    }
    return 0;
}

int cr_explain_index_build(const cr_json *doc, cr_explain_index *ix)
{
    memset(ix, 0, sizeof *ix);
    return walk(ix, doc, "", "");
}

void cr_explain_index_free(cr_explain_index *ix)
{
    for (size_t i = 0; i < ix->count; i++) {
        free(ix->entries[i].path);
        free(ix->entries[i].index_path);
    }
    free(ix->entries);
    memset(ix, 0, sizeof *ix);
}

const cr_explain_entry *cr_explain_index_find(const cr_explain_index *ix, const char *path)
{
    for (size_t i = 0; i < ix->count; i++)
        if (strcmp(ix->entries[i].path, path) == 0)
            return &ix->entries[i];
    for (size_t i = 0; i < ix->count; i++)
        if (strcmp(ix->entries[i].index_path, path) == 0)
            return &ix->entries[i];
    return NULL;
}

/* Leading segments a and b share. */
static size_t common_segments(const char *a, const char *b)
{
    size_t n = 0;
    for (;;) {
        size_t la = strcspn(a, "."), lb = strcspn(b, ".");
        if (la != lb || strncmp(a, b, la) != 0)
            return n;
        n++;
        if (!a[la] || !b[lb])
            return n;
        a += la + 1;
        b += lb + 1;
    }
}

void cr_explain_index_near(const cr_explain_index *ix, const char *path, size_t max, char *buf,
                           size_t size)
{
    size_t best = 0;
    for (size_t i = 0; i < ix->count; i++) {
        size_t c = common_segments(ix->entries[i].path, path);
        if (c > best)
            best = c;
    }
    /* Paths one segment below the shared part: the choices at the wrong step. */
    buf[0] = '\0';
    size_t shown = 0, used = 0;
    for (size_t i = 0; i < ix->count && shown < max; i++) {
        const char *p = ix->entries[i].path;
        size_t segs = 1;
        for (const char *c = p; *c; c++)
            segs += *c == '.';
        if (common_segments(p, path) != best || segs != best + 1)
            continue;
        int n = snprintf(buf + used, size - used, "%s%s", shown ? ", " : "", p);
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
        shown++;
    }
}
