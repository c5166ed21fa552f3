/* runsort.h - an external sort of fixed-size records by a 64-bit key.
 *
 * Records are gathered in a chunk of bounded size; a full chunk is radix-sorted
 * and written to an unlinked run file, and the runs are merged back in key
 * order. Memory stays at about two chunks whatever the number of records, and
 * input that fits in one chunk never touches the disk. The sort is stable:
 * records with equal keys come back in the order they were pushed.
 *
 * A record starts with its key, a uint64_t; the rest is the caller's.
 */
#ifndef CSMREPORT_RUNSORT_H
#define CSMREPORT_RUNSORT_H

#include <stddef.h>
#include <stdint.h>

#include "csmreport/error.h"

typedef struct cr_runsort cr_runsort;

/* record_size is a multiple of 8 and at least 8; spill_dir is where run files
 * go (created there and unlinked at once). NULL with err on failure. */
cr_runsort *cr_runsort_new(size_t record_size, size_t chunk_records, const char *spill_dir,
                           cr_error *err);

/* Room for the next record, to fill before the next call. NULL with err when a
 * full chunk cannot be written out. */
void *cr_runsort_push(cr_runsort *s, cr_error *err);

/* Ends the input: sorts what is left and prepares the merge. */
int cr_runsort_finish(cr_runsort *s, cr_error *err);

/* The next record in key order, valid until the next call; NULL at the end,
 * or on a read error with err set (check err->code). */
const void *cr_runsort_next(cr_runsort *s, cr_error *err);

uint64_t cr_runsort_count(const cr_runsort *s);
/* Run files written (0 when everything fitted in one chunk). */
size_t cr_runsort_runs(const cr_runsort *s);

void cr_runsort_free(cr_runsort *s);

#endif
