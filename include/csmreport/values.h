/* values.h - checking and converting one CSV value of a canonical column
 * (SPEC section 3): what "a bad row" means, in one place.
 */
#ifndef CSMREPORT_VALUES_H
#define CSMREPORT_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csmreport/datetime.h"
#include "csmreport/kinds.h"

typedef struct cr_value {
    bool null;           /* empty value */
    const char *text;    /* text to store (into the input or buf), when !null */
    size_t len;
    bool has_number;     /* COUNT: the count; MONEY/PERCENT: micro-units */
    int64_t number;
    bool has_timestamp;  /* DATE and TIMESTAMP */
    cr_timestamp ts;
    char buf[40];
} cr_value;

/* Checks raw[0..len) as a value of col and converts it into out. format is a
 * profile date/time format for DATE and TIMESTAMP columns, or NULL for ISO.
 * Surrounding spaces are trimmed, except for TEXT columns. An empty value is
 * null (an error for a required column is the caller's call). On a bad value,
 * returns false with a reason in why ("'12,5' is not a whole number"). */
bool cr_value_convert(const cr_column *col, const char *raw, size_t len, const char *format,
                      cr_value *out, char *why, size_t why_size);

/* The characters a value of col may hold (SPEC section 9): no C0 or C1 control
 * character (free text may hold tab and line breaks), no U+FEFF, and in ids
 * and names no bidi override or isolate (U+202A-U+202E, U+2066-U+2069). False
 * with the character and its position (1-based, in characters) in why. Called
 * by cr_value_convert for ID and TEXT columns. */
bool cr_value_check_chars(const cr_column *col, const char *s, size_t len, char *why,
                          size_t why_size);

#endif
