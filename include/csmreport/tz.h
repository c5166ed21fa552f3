/* tz.h - IANA time zones read from the system's TZif files (tzdata).
 *
 * The C library's localtime/mktime work through the process-wide TZ variable,
 * which cannot be switched while other threads render reports. This module reads
 * /usr/share/zoneinfo/NAME (or $TZDIR/NAME) itself: version 1-4 TZif data with
 * the POSIX TZ footer rule for instants past the last transition. Zones are
 * loaded once, cached, immutable and shared: every function here is thread-safe.
 */
#ifndef CSMREPORT_TZ_H
#define CSMREPORT_TZ_H

#include <stdbool.h>
#include <stdint.h>

#include "csmreport/error.h"

typedef struct cr_tz cr_tz;

/* The zone named name ("Europe/Oslo", "UTC"); NULL or "" gives UTC. Returns NULL
 * and fills err (EX_DATAERR, "unknown time zone 'X'") for a name that is not a
 * valid zone (names with "..", a leading '/', or characters outside
 * [A-Za-z0-9/_+-] are refused before any file is opened). The result lives
 * until cr_tz_cleanup; do not free it. */
const cr_tz *cr_tz_get(const char *name, cr_error *err);

/* True when name is a loadable zone (same rules as cr_tz_get). */
bool cr_tz_valid(const char *name);

/* The zone's name as given ("UTC" for the default). */
const char *cr_tz_name(const cr_tz *tz);

/* UTC offset in seconds east, at the UTC instant utc. */
int cr_tz_offset_at(const cr_tz *tz, int64_t utc);

/* UTC instant of a local wall-clock reading given as local seconds (see
 * cr_timestamp_local_seconds). A reading in a gap (spring forward) is taken with
 * the offset in force before the gap, i.e. the instant one hour later for the
 * usual one-hour gap; a reading in an overlap (fall back) gives the earlier
 * instant (SPEC section 3). */
int64_t cr_tz_local_to_utc(const cr_tz *tz, int64_t local_seconds);

/* Local seconds of the UTC instant utc. */
int64_t cr_tz_utc_to_local(const cr_tz *tz, int64_t utc);

/* Frees every cached zone (at program exit; for leak checkers). */
void cr_tz_cleanup(void);

#endif
