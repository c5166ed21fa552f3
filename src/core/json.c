/* json.c - the JSON document model of json.h: values, path lookup, serialiser.
 *
 * Numbers made with cr_json_fixed / cr_json_money keep their exact decimal text
 * (computed once, when built), so every output prints the same digits; plain
 * numbers print the shortest text that reads back to the same double.
 */
#include "csmreport/json.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct cr_json {
    cr_json_type type;
    union {
        bool b;
        int64_t i;
        double d;
        char *s;
    } u;
    char *text;          /* NUMBER with fixed decimals: its exact text */
    cr_json **items;     /* ARRAY / OBJECT values */
    char **keys;         /* OBJECT keys, parallel to items */
    size_t count, cap;
};

/* Allocation failures of this thread (cr_json_alloc_failures). */
static _Thread_local unsigned long alloc_failures;

static void *counted(void *p)
{
    if (!p)
        alloc_failures++;
    return p;
}

unsigned long cr_json_alloc_failures(void) { return alloc_failures; }

static cr_json *new_value(cr_json_type type)
{
    cr_json *v = counted(calloc(1, sizeof *v));
    if (v)
        v->type = type;
    return v;
}

cr_json *cr_json_null(void) { return new_value(CR_JSON_NULL); }

cr_json *cr_json_bool(bool b)
{
    cr_json *v = new_value(CR_JSON_BOOL);
    if (v)
        v->u.b = b;
    return v;
}

cr_json *cr_json_int(int64_t i)
{
    cr_json *v = new_value(CR_JSON_INT);
    if (v)
        v->u.i = i;
    return v;
}

cr_json *cr_json_number(double d)
{
    if (!isfinite(d))
        return cr_json_null();
    cr_json *v = new_value(CR_JSON_NUMBER);
    if (v)
        v->u.d = d;
    return v;
}

/* Shortest "%.Ne" text of d (15 to 17 significant digits) that reads back as d. */
static void shortest_e(double d, char *buf, size_t size)
{
    for (int p = 15; p <= 17; p++) {
        snprintf(buf, size, "%.*e", p - 1, d);
        if (strtod(buf, NULL) == d)
            return;
    }
}

/* Rounds the decimal text of |d| to `decimals` places, half away from zero, on
 * its shortest round-trip digits (so 1.005 gives 1.01, as a person reads it). */
static char *format_fixed(double d, int decimals)
{
    if (decimals < 0)
        decimals = 0;
    if (decimals > 17)
        decimals = 17;
    char e[40];
    shortest_e(fabs(d), e, sizeof e);
    /* e is "D.DDDDe+XX": collect the digits and the decimal exponent. */
    char digits[24];
    int nd = 0;
    const char *p = e;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            digits[nd++] = *p;
    int exp10 = *p == 'e' ? atoi(p + 1) : 0;
    /* value = 0.d1d2d3... x 10^(exp10+1); the integer part has point digits. */
    int point = exp10 + 1;
    /* Keep point + decimals digits (may be <= 0: the value rounds to 0 or 1 unit). */
    int keep = point + decimals;
    char out[72];
    int len = 0;
    char kept[64];
    int nk = 0;
    bool round_up = false;
    if (keep >= 0) {
        for (int k = 0; k < keep && nk < 60; k++)
            kept[nk++] = k < nd ? digits[k] : '0';
        round_up = keep < nd && digits[keep] >= '5';
    }
    if (round_up) {
        int k = nk - 1;
        while (k >= 0 && kept[k] == '9')
            kept[k--] = '0';
        if (k >= 0) {
            kept[k]++;
        } else {
            memmove(kept + 1, kept, (size_t)nk);
            kept[0] = '1';
            nk++;
        }
    }
    /* Left-pad so there is at least one integer digit and `decimals` decimals. */
    while (nk < decimals + 1) {
        memmove(kept + 1, kept, (size_t)nk);
        kept[0] = '0';
        nk++;
    }
    bool zero = true;
    for (int k = 0; k < nk; k++)
        if (kept[k] != '0')
            zero = false;
    if (d < 0 && !zero)
        out[len++] = '-';
    int int_digits = nk - decimals;
    for (int k = 0; k < nk; k++) {
        if (k == int_digits)
            out[len++] = '.';
        out[len++] = kept[k];
    }
    out[len] = '\0';
    return counted(strdup(out));
}

cr_json *cr_json_fixed(double d, int decimals)
{
    if (!isfinite(d))
        return cr_json_null();
    cr_json *v = new_value(CR_JSON_NUMBER);
    if (!v)
        return NULL;
    v->u.d = d;
    v->text = format_fixed(d, decimals);
    if (!v->text) {
        free(v);
        return NULL;
    }
    return v;
}

cr_json *cr_json_money(int64_t minor_units, int decimals)
{
    cr_json *v = new_value(CR_JSON_NUMBER);
    if (!v)
        return NULL;
    if (decimals < 0)
        decimals = 0;
    if (decimals > 18)
        decimals = 18;
    /* Exact integer text: magnitude as unsigned, split at the decimal point. */
    uint64_t mag = minor_units < 0 ? (uint64_t)0 - (uint64_t)minor_units : (uint64_t)minor_units;
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%" PRIu64, mag);
    /* Left-pad with zeros so there is an integer digit, then insert the point. */
    char all[40];
    int m = 0;
    for (int k = n; k < decimals + 1; k++)
        all[m++] = '0';
    memcpy(all + m, digits, (size_t)n);
    m += n;
    char out[48];
    int len = 0;
    if (minor_units < 0)
        out[len++] = '-';
    for (int k = 0; k < m; k++) {
        if (decimals > 0 && k == m - decimals)
            out[len++] = '.';
        out[len++] = all[k];
    }
    out[len] = '\0';
    v->text = counted(strdup(out));
    if (!v->text) {
        free(v);
        return NULL;
    }
    double scale = 1;
    for (int k = 0; k < decimals; k++)
        scale *= 10;
    v->u.d = (double)minor_units / scale;
    return v;
}

cr_json *cr_json_string(const char *s)
{
    if (!s)
        return cr_json_null();
    cr_json *v = new_value(CR_JSON_STRING);
    if (!v)
        return NULL;
    v->u.s = counted(strdup(s));
    if (!v->u.s) {
        free(v);
        return NULL;
    }
    return v;
}

cr_json *cr_json_array(void) { return new_value(CR_JSON_ARRAY); }
cr_json *cr_json_object(void) { return new_value(CR_JSON_OBJECT); }

void cr_json_free(cr_json *v)
{
    if (!v)
        return;
    for (size_t k = 0; k < v->count; k++) {
        cr_json_free(v->items[k]);
        if (v->keys)
            free(v->keys[k]);
    }
    free(v->items);
    free(v->keys);
    free(v->text);
    if (v->type == CR_JSON_STRING)
        free(v->u.s);
    free(v);
}

static bool grow(cr_json *c, bool with_keys)
{
    if (c->count < c->cap)
        return true;
    size_t cap = c->cap ? c->cap * 2 : 8;
    cr_json **items = counted(realloc(c->items, cap * sizeof *items));
    if (!items)
        return false;
    c->items = items;
    if (with_keys) {
        char **keys = counted(realloc(c->keys, cap * sizeof *keys));
        if (!keys)
            return false;
        c->keys = keys;
    }
    c->cap = cap;
    return true;
}

cr_json *cr_json_append(cr_json *array, cr_json *v)
{
    if (!v)
        return NULL;
    if (!array || array->type != CR_JSON_ARRAY || !grow(array, false)) {
        cr_json_free(v);
        return NULL;
    }
    array->items[array->count++] = v;
    return v;
}

cr_json *cr_json_set(cr_json *object, const char *key, cr_json *v)
{
    if (!v)
        return NULL;
    if (!object || object->type != CR_JSON_OBJECT || !key) {
        cr_json_free(v);
        return NULL;
    }
    for (size_t k = 0; k < object->count; k++) {
        if (strcmp(object->keys[k], key) == 0) {
            cr_json_free(object->items[k]);
            object->items[k] = v;
            return v;
        }
    }
    char *copy = counted(strdup(key));
    if (!copy || !grow(object, true)) {
        free(copy);
        cr_json_free(v);
        return NULL;
    }
    object->keys[object->count] = copy;
    object->items[object->count++] = v;
    return v;
}

cr_json_type cr_json_type_of(const cr_json *v) { return v ? v->type : CR_JSON_NULL; }
bool cr_json_is_null(const cr_json *v) { return !v || v->type == CR_JSON_NULL; }
bool cr_json_get_bool(const cr_json *v) { return v && v->type == CR_JSON_BOOL && v->u.b; }

int64_t cr_json_get_int(const cr_json *v)
{
    if (!v)
        return 0;
    if (v->type == CR_JSON_INT)
        return v->u.i;
    if (v->type == CR_JSON_NUMBER)
        return (int64_t)v->u.d;
    return 0;
}

double cr_json_get_number(const cr_json *v)
{
    if (!v)
        return 0;
    if (v->type == CR_JSON_INT)
        return (double)v->u.i;
    if (v->type == CR_JSON_NUMBER)
        return v->u.d;
    return 0;
}

const char *cr_json_get_string(const cr_json *v)
{
    return v && v->type == CR_JSON_STRING ? v->u.s : NULL;
}

size_t cr_json_size(const cr_json *v)
{
    return v && (v->type == CR_JSON_ARRAY || v->type == CR_JSON_OBJECT) ? v->count : 0;
}

cr_json *cr_json_at(const cr_json *array, size_t i)
{
    return array && array->type == CR_JSON_ARRAY && i < array->count ? array->items[i] : NULL;
}

const char *cr_json_key_at(const cr_json *object, size_t i)
{
    return object && object->type == CR_JSON_OBJECT && i < object->count ? object->keys[i] : NULL;
}

cr_json *cr_json_value_at(const cr_json *object, size_t i)
{
    return object && object->type == CR_JSON_OBJECT && i < object->count ? object->items[i] : NULL;
}

static cr_json *get_n(const cr_json *object, const char *key, size_t len)
{
    if (!object || object->type != CR_JSON_OBJECT)
        return NULL;
    for (size_t k = 0; k < object->count; k++)
        if (strlen(object->keys[k]) == len && memcmp(object->keys[k], key, len) == 0)
            return object->items[k];
    return NULL;
}

cr_json *cr_json_get(const cr_json *object, const char *key)
{
    return key ? get_n(object, key, strlen(key)) : NULL;
}

cr_json *cr_json_path(const cr_json *root, const char *path)
{
    if (!root || !path)
        return NULL;
    const cr_json *cur = root;
    const char *p = path;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (cur->type == CR_JSON_ARRAY) {
            if (len == 0 || len > 18)
                return NULL;
            size_t idx = 0;
            for (size_t k = 0; k < len; k++) {
                if (p[k] < '0' || p[k] > '9')
                    return NULL;
                idx = idx * 10 + (size_t)(p[k] - '0');
            }
            cur = cr_json_at(cur, idx);
        } else {
            cur = get_n(cur, p, len);
        }
        if (!cur)
            return NULL;
        if (!dot)
            return (cr_json *)cur;
        p = dot + 1;
    }
}

/* ---- serialiser ---- */

static void write_string(FILE *out, const char *s)
{
    putc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            putc('\\', out);
            putc(*p, out);
        } else if (*p < 0x20) {
            fprintf(out, "\\u%04x", *p);
        } else {
            putc(*p, out);
        }
    }
    putc('"', out);
}

static void write_shortest(FILE *out, double d)
{
    char buf[40];
    for (int p = 15; p <= 17; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    if (strcmp(buf, "-0") == 0)
        strcpy(buf, "0");
    fputs(buf, out);
}

static void newline(FILE *out, int indent, int depth)
{
    if (!indent)
        return;
    putc('\n', out);
    for (int k = 0; k < indent * depth; k++)
        putc(' ', out);
}

static void write_value(const cr_json *v, FILE *out, int indent, int depth)
{
    switch (v->type) {
    case CR_JSON_NULL:
        fputs("null", out);
        break;
    case CR_JSON_BOOL:
        fputs(v->u.b ? "true" : "false", out);
        break;
    case CR_JSON_INT:
        fprintf(out, "%" PRId64, v->u.i);
        break;
    case CR_JSON_NUMBER:
        if (v->text)
            fputs(v->text, out);
        else
            write_shortest(out, v->u.d);
        break;
    case CR_JSON_STRING:
        write_string(out, v->u.s);
        break;
    case CR_JSON_ARRAY:
    case CR_JSON_OBJECT: {
        bool obj = v->type == CR_JSON_OBJECT;
        putc(obj ? '{' : '[', out);
        for (size_t k = 0; k < v->count; k++) {
            if (k)
                putc(',', out);
            newline(out, indent, depth + 1);
            if (obj) {
                write_string(out, v->keys[k]);
                fputs(indent ? ": " : ":", out);
            }
            write_value(v->items[k], out, indent, depth + 1);
        }
        if (v->count)
            newline(out, indent, depth);
        putc(obj ? '}' : ']', out);
        break;
    }
    }
}

int cr_json_write(const cr_json *v, FILE *out, int indent)
{
    if (!v)
        fputs("null", out);
    else
        write_value(v, out, indent < 0 ? 0 : indent, 0);
    return ferror(out) ? -1 : 0;
}

char *cr_json_to_string(const cr_json *v, int indent)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&buf, &size);
    if (!mem)
        return NULL;
    int rc = cr_json_write(v, mem, indent);
    if (fclose(mem) != 0 || rc != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}
