/* json.h - a small JSON document model: build, look up by path, serialise.
 *
 * The metrics engine builds one document per account and period (SPEC 5.8);
 * the text/CSV outputs, the templates and the tests all read that one document,
 * so a number on a page can never differ from `metrics --format json`.
 * Objects keep their keys in insertion order. A value belongs to the container
 * it was added to; cr_json_free on the root frees everything.
 */
#ifndef CSMREPORT_JSON_H
#define CSMREPORT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum cr_json_type {
    CR_JSON_NULL, CR_JSON_BOOL, CR_JSON_INT, CR_JSON_NUMBER, CR_JSON_STRING,
    CR_JSON_ARRAY, CR_JSON_OBJECT
} cr_json_type;

typedef struct cr_json cr_json;

/* Constructors; return NULL only when out of memory. */
cr_json *cr_json_null(void);
cr_json *cr_json_bool(bool b);
cr_json *cr_json_int(int64_t i);
/* A real number printed with up to 17 significant digits (shortest that reads
 * back the same); NaN and infinities become null. */
cr_json *cr_json_number(double d);
/* A number printed with exactly `decimals` decimals (hours: 2, money: the
 * currency's minor digits). */
cr_json *cr_json_fixed(double d, int decimals);
/* Money in integer minor units, printed as units with `decimals` decimals. */
cr_json *cr_json_money(int64_t minor_units, int decimals);
cr_json *cr_json_string(const char *s); /* copies s; NULL gives null */
cr_json *cr_json_array(void);
cr_json *cr_json_object(void);

void cr_json_free(cr_json *v);

/* Allocation failures of the calling thread in the builders so far. A
 * builder that failed leaves a key or item out: a document is whole only when
 * this did not change while it was built. */
unsigned long cr_json_alloc_failures(void);

/* Adds v (taking ownership) to an array / object (a repeated key replaces the
 * earlier value). Return v, for chaining into nested builders. */
cr_json *cr_json_append(cr_json *array, cr_json *v);
cr_json *cr_json_set(cr_json *object, const char *key, cr_json *v);

/* Reading. */
cr_json_type cr_json_type_of(const cr_json *v);
bool cr_json_is_null(const cr_json *v); /* true for NULL too */
bool cr_json_get_bool(const cr_json *v);
int64_t cr_json_get_int(const cr_json *v);  /* INT; NUMBER truncated */
double cr_json_get_number(const cr_json *v); /* INT or NUMBER */
const char *cr_json_get_string(const cr_json *v);
size_t cr_json_size(const cr_json *v);      /* array length / object key count */
cr_json *cr_json_at(const cr_json *array, size_t i);
const char *cr_json_key_at(const cr_json *object, size_t i);
cr_json *cr_json_value_at(const cr_json *object, size_t i);
cr_json *cr_json_get(const cr_json *object, const char *key);
/* Dotted path with array indexes: "adoption.by_month.0.rate", "tickets.open_at_end.>30d"
 * (a key may contain any character but '.'). NULL when absent. */
cr_json *cr_json_path(const cr_json *root, const char *path);

/* Serialises; indent 0 = compact, else pretty with that many spaces. Strings are
 * escaped per RFC 8259 (control characters as \u00XX); output is valid UTF-8
 * when the strings are. Returns 0, or -1 on a write error. */
int cr_json_write(const cr_json *v, FILE *out, int indent);
/* Same into a new NUL-terminated buffer the caller frees. */
char *cr_json_to_string(const cr_json *v, int indent);

#endif
