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

/* How an export writes its values (a profile's format, decimal and thousands). */
typedef struct cr_value_style {
    const char *format;  /* date/time format, or NULL for ISO */
    char decimal;        /* '.' or ',' (0 = '.') */
    char thousands;      /* ' ', '.', ',', '\'' or 0 for none; ' ' also matches
                            U+00A0 and U+202F, which spreadsheets write */
} cr_value_style;

/* cr_value_convert with a style: counts, money and percentages are read with
 * its decimal mark and group separator (1 200,50); an id that is wholly a
 * whole number grouped by spaces (2 553) loses them. A timestamp column also
 * takes a bare date (ISO, or the date part of the format): 00:00 local time of
 * that day (SPEC section 3). style NULL is ISO and '.'. */
bool cr_value_convert_styled(const cr_column *col, const char *raw, size_t len,
                             const cr_value_style *style, cr_value *out, char *why,
                             size_t why_size);

/* Adds the whole seconds of raw[0..len) (a non-negative count, a decimal
 * fraction dropped) to the timestamp v (a derived end time: a call's start plus
 * its duration); v's text is rewritten. false with a reason for a bad count. */
bool cr_value_add_seconds(cr_value *v, const char *raw, size_t len, char *why, size_t why_size);

#endif
