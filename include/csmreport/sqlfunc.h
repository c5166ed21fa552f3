/* sqlfunc.h - csmreport's SQL functions (sqlfunc.c):
 *   cr_local_to_utc(timestamp, zone)   UTC epoch second of a stored timestamp
 *   cr_local_date(utc, zone)           'YYYY-MM-DD' of an instant in a zone
 *   cr_month_activity(date, minutes, first_month, month_count)
 *                                      aggregate: minutes and active months
 */
#ifndef CSMREPORT_SQLFUNC_H
#define CSMREPORT_SQLFUNC_H

#include <sqlite3.h>

/* Registers every function on db. Returns SQLite's result code (SQLITE_OK on
 * success): the store (db.c), which opened db, reports a failure. */
int cr_sqlfunc_register(sqlite3 *db);

#endif
