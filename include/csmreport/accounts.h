/* accounts.h - the accounts in the store as a user sees them: id, name,
 * partner, program, term and the range of dates their data covers
 * (`csmreport accounts`), whether an account has anything to report for a
 * period (render refuses an empty one), and the nearest id to a mistyped one.
 */
#ifndef CSMREPORT_ACCOUNTS_H
#define CSMREPORT_ACCOUNTS_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "csmreport/error.h"
#include "csmreport/json.h"

/* The accounts (account NULL: all, in id order; else only that one, an empty
 * array when unknown) as a JSON array of objects: account_id, account_name,
 * partner_id, partner_name, program, term_start, term_end, data_first,
 * data_last, inventory_first, inventory_last (dates, null when the account has
 * no such data). The caller frees it. NULL with err filled on failure. */
cr_json *cr_accounts_list(sqlite3 *db, const char *account, cr_error *err);

/* Why an account has nothing to report for a period: the facts, so that a
 * message (cr_accounts_gap_text) and a deck page in the report's language can
 * both say it. Dates are YYYY-MM-DD, "" when unknown or absent. */
typedef struct cr_period_gap {
    bool outside;              /* the period touches neither the term nor the data */
    char last[11];             /* the period's last day */
    char term_start[11], term_end[11];
    char data_first[11], data_last[11];
    char inventory_first[11];  /* the first snapshot; "" when none was imported */
} cr_period_gap;

/* Whether account (in the store) has something to report for the period
 * first..last (YYYY-MM-DD, inclusive): *empty with the facts in gap when it
 * has no inventory snapshot on or before last, or when the period touches
 * neither its term nor its data. Returns 0, or a code with err filled. */
int cr_accounts_check_period(sqlite3 *db, const char *account, const char *first,
                             const char *last, bool *empty, cr_period_gap *gap, cr_error *err);

/* The reason of gap as a message ("no inventory on or before 2026-09-30 (the
 * first snapshot is 2026-10-31)", "period 2024-Q1 is outside its term
 * 2025-01-01..2027-12-31 and its data 2025-01-31..2026-09-30"); label is the
 * period's. */
void cr_accounts_gap_text(const cr_period_gap *gap, const char *label, char *buf, size_t size);

/* Copies into buf the known account id nearest to id (nearest.h), or an
 * empty string when none is near or the store cannot be read. */
void cr_accounts_nearest(sqlite3 *db, const char *id, char *buf, size_t size);

#endif
