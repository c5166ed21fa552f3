/* ingest_kinds.h - the import hooks that the kinds table (kinds.c) names; see
 * cr_kind in csmreport/kinds.h for when each kind of hook runs. Defined in
 * ingest_kinds.c. */
#ifndef CSMREPORT_INGEST_KINDS_H
#define CSMREPORT_INGEST_KINDS_H

#include <stdbool.h>
#include <stddef.h>

#include "csmreport/error.h"

struct cr_importer;

/* accounts, partners: an account's effective time zone (its own, else its
 * partner's, else UTC) noted before the file; at its end the naive timestamps
 * of every account whose zone changed are read again in the new zone. */
int cr_ingest_kinds_zones_begin(struct cr_importer *im, cr_error *err);
int cr_ingest_kinds_zones_end(struct cr_importer *im, cr_error *err);

/* devices: each (account, snapshot_date) of the file is noted; at its end the
 * rows of those snapshots that the file did not write are removed. */
int cr_ingest_kinds_snapshots_begin(struct cr_importer *im, cr_error *err);
int cr_ingest_kinds_snapshots_note(struct cr_importer *im, cr_error *err);
int cr_ingest_kinds_snapshots_end(struct cr_importer *im, cr_error *err);

/* UTC instants of a row's timestamps, in its account's effective zone. */
void cr_ingest_kinds_tickets_derive(struct cr_importer *im);
void cr_ingest_kinds_devices_derive(struct cr_importer *im);
void cr_ingest_kinds_calls_derive(struct cr_importer *im);

/* A value that must not be before another of the same row. */
bool cr_ingest_kinds_accounts_check(struct cr_importer *im, char *why, size_t why_size,
                                    long *bad_line, long *bad_col);
bool cr_ingest_kinds_tickets_check(struct cr_importer *im, char *why, size_t why_size,
                                   long *bad_line, long *bad_col);
bool cr_ingest_kinds_calls_check(struct cr_importer *im, char *why, size_t why_size,
                                 long *bad_line, long *bad_col);

#endif
