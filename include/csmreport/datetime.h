/* datetime.h - civil dates, timestamps and their text forms (SPEC sections 3, 4).
 *
 * Pure functions, no C library time zone state: safe from any thread. Days are
 * counted from 1970-01-01 in the proleptic Gregorian calendar.
 */
#ifndef CSMREPORT_DATETIME_H
#define CSMREPORT_DATETIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cr_date {
    int year, month, day;
} cr_date;

/* A wall-clock time, with an explicit UTC offset when the text carried one. */
typedef struct cr_timestamp {
    cr_date date;
    int hour, minute, second;
    bool has_offset;
    int offset_seconds; /* east of UTC; valid when has_offset */
} cr_timestamp;

int64_t cr_days_from_civil(int year, int month, int day);
cr_date cr_civil_from_days(int64_t days);
int cr_days_in_month(int year, int month);
bool cr_is_leap_year(int year);
/* 0 = Monday .. 6 = Sunday */
int cr_weekday(int64_t days);
bool cr_date_valid(cr_date d);
int cr_date_compare(cr_date a, cr_date b);

/* Strict "YYYY-MM-DD" (exactly 10 bytes, a real calendar day). */
bool cr_date_parse(const char *s, size_t len, cr_date *out);
/* Writes "YYYY-MM-DD" and a NUL into buf (11 bytes at least). */
void cr_date_format(cr_date d, char *buf);

/* ISO 8601 as SPEC section 3 allows: "YYYY-MM-DD HH:MM[:SS]" or with 'T', an
 * optional fraction of seconds (dropped), optional 'Z' or "+HH:MM"/"-HH:MM"
 * (also "+HHMM" and "+HH"). A bare date is not a timestamp. */
bool cr_timestamp_parse_iso(const char *s, size_t len, cr_timestamp *out);

/* strptime-like parsing with a profile format: %Y %y (2000-2068/1969-1999 as
 * POSIX) %m %d %e %H %I %M %S %p (AM/PM, any case) %b %B (English month names)
 * %z (+HH:MM, +HHMM, Z) %% and literal characters; a space in the format matches
 * one or more spaces. The whole input must be consumed. Missing time fields are 0,
 * so a date-only format yields midnight. */
bool cr_timestamp_parse_format(const char *s, size_t len, const char *format,
                               cr_timestamp *out);

/* Canonical text "YYYY-MM-DDTHH:MM:SS", plus "Z" or "+HH:MM" when has_offset.
 * buf holds 26 bytes at least. */
void cr_timestamp_format(const cr_timestamp *ts, char *buf);

/* Parses the canonical form back (what the store holds). */
bool cr_timestamp_parse_canonical(const char *s, cr_timestamp *out);

/* Seconds since 1970-01-01T00:00:00 of the wall-clock reading, ignoring any
 * offset ("local seconds"). */
int64_t cr_timestamp_local_seconds(const cr_timestamp *ts);

#endif
