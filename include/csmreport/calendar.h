/* calendar.h - business days of an account (SPEC section 4): Monday-Friday
 * except the holidays of the account's country (and region) from the holidays
 * table, in the account's time zone.
 */
#ifndef CSMREPORT_CALENDAR_H
#define CSMREPORT_CALENDAR_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "csmreport/datetime.h"
#include "csmreport/error.h"
#include "csmreport/tz.h"

typedef struct cr_calendar cr_calendar;

/* Loads the holidays that apply to country/region (NULL or "" region = national
 * holidays only; a holiday with an empty region applies to every region) and
 * keeps tz. Returns NULL and fills err on failure. Free with cr_calendar_free. */
cr_calendar *cr_calendar_load(sqlite3 *db, const char *country, const char *region,
                              const cr_tz *tz, cr_error *err);
void cr_calendar_free(cr_calendar *cal);

bool cr_calendar_is_holiday(const cr_calendar *cal, int64_t day);
bool cr_calendar_is_business_day(const cr_calendar *cal, int64_t day);
/* The first business day strictly after day. */
int64_t cr_calendar_next_business_day(const cr_calendar *cal, int64_t day);

/* Next-business-day advance replacement deadline for an approval at UTC
 * instant approved: 23:59:59 local of the first business day after the local
 * date of approval, as a UTC instant. */
int64_t cr_calendar_nbd_deadline(const cr_calendar *cal, int64_t approved_utc);

/* UTC instants of 00:00:00 of the local day `day` and of 23:59:59 of it. */
int64_t cr_calendar_day_start_utc(const cr_calendar *cal, int64_t day);
int64_t cr_calendar_day_end_utc(const cr_calendar *cal, int64_t day);

/* Local day number (days since 1970-01-01) of UTC instant utc. */
int64_t cr_calendar_local_day(const cr_calendar *cal, int64_t utc);

const cr_tz *cr_calendar_tz(const cr_calendar *cal);

#endif
