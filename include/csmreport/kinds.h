/* kinds.h - the input kinds of SPEC section 3: their canonical columns, which
 * are required, how each value is checked, and the natural key.
 */
#ifndef CSMREPORT_KINDS_H
#define CSMREPORT_KINDS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum cr_value_type {
    CR_V_TEXT,       /* any text */
    CR_V_ID,         /* identifier: no control characters, not only spaces */
    CR_V_DATE,       /* YYYY-MM-DD */
    CR_V_TIMESTAMP,  /* ISO 8601 (SPEC 3), canonicalised */
    CR_V_COUNT,      /* non-negative integer */
    CR_V_MONEY,      /* non-negative decimal, stored as micro-units */
    CR_V_PERCENT,    /* non-negative decimal, stored as micro-percent */
    CR_V_ENUM,       /* one of enum_values */
    CR_V_TIMEZONE,   /* IANA zone name */
    CR_V_LOCALE,     /* en, fr, nb, ja, or a tag starting with one (en-GB) */
    CR_V_CURRENCY,   /* ISO 4217 code, three capital letters */
    CR_V_EMAILS,     /* ';'-separated addresses */
    CR_V_OPTIONS,    /* ';'-separated flags: onsite four_hour frurad */
    CR_V_PRIORITY    /* P1..P4 */
} cr_value_type;

typedef struct cr_column {
    const char *name;
    cr_value_type type;
    bool required;
    bool key;                          /* part of the natural key */
    const char *const *enum_values;    /* NULL-terminated, for CR_V_ENUM */
} cr_column;

typedef struct cr_kind {
    const char *name;                  /* "accounts", ... */
    const char *table;
    const cr_column *columns;
    size_t column_count;
} cr_kind;

extern const cr_kind cr_kinds[];
extern const size_t cr_kind_count;

/* The kind named name, or NULL. */
const cr_kind *cr_kind_find(const char *name);
/* Index of column name in kind, or -1. */
int cr_kind_column_index(const cr_kind *kind, const char *name);
/* Name of a value type, for messages ("date", "count", ...). */
const char *cr_value_type_name(cr_value_type t);

#endif
