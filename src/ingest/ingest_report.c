/* ingest_report.c - what an import tells: row errors (the first
 * CR_IMPORT_ERRORS_MAX kept with file, line and column, all counted), the message
 * of a duplicate key, and the caller's progress line. Every part of the import
 * reports through here; nothing here calls back into the passes (ingest.c). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "csmreport/csv.h"
#include "ingest_internal.h"

void cr_ingest_report_error(cr_importer *im, long line, long column, const char *why)
{
    cr_import_result *res = im->res;
    res->error_total++;
    if (res->error_count < CR_IMPORT_ERRORS_MAX)
        cr_error_set(&res->errors[res->error_count++], EX_DATAERR, im->path, line, column, "%s", why);
}

/* The line of the first record of the file with the current record's key (for
 * the message of a duplicate; rare, so a second read of the file is fine). The
 * key columns of im->values are overwritten. Returns 0 when not found. */
static long earlier_line_of_key(cr_importer *im, long line)
{
    char key[4096], other[4096], why[256];
    long bad_line, bad_col, found = 0;
    size_t len = cr_ingest_key_text(im, key, sizeof key);
    cr_error ignored;
    cr_csv *saved = im->csv;
    im->csv = cr_ingest_open_reader(im, &ignored);
    if (!im->csv) {
        im->csv = saved;
        return 0;
    }
    int rc = cr_csv_next(im->csv, &ignored); /* header */
    while (rc > 0 && (rc = cr_csv_next(im->csv, &ignored)) != 0 && cr_csv_record_line(im->csv) < line) {
        if (rc < 0 && cr_csv_failed(im->csv))
            break;
        if (rc > 0 && cr_ingest_convert_record(im, true, why, sizeof why, &bad_line, &bad_col) &&
            cr_ingest_key_text(im, other, sizeof other) == len && memcmp(key, other, len) == 0) {
            found = cr_csv_record_line(im->csv);
            break;
        }
        rc = 1;
    }
    cr_csv_close(im->csv);
    im->csv = saved;
    return found;
}

void cr_ingest_report_duplicate(cr_importer *im, long line, char *why, size_t why_size)
{
    char keys[160];
    cr_ingest_key_names(im, keys, sizeof keys);
    long earlier = im->res->error_count < CR_IMPORT_ERRORS_MAX ? earlier_line_of_key(im, line) : 0;
    if (earlier)
        snprintf(why, why_size, "duplicate key: same %s as %s %ld", keys,
                 cr_ingest_line_word(im), earlier);
    else
        snprintf(why, why_size, "duplicate key: an earlier row of this file has the same %s", keys);
}

void cr_ingest_report_progress(cr_importer *im, const char *phase, unsigned long long done,
                               unsigned long long total, bool finished)
{
    if (!im->opt->progress)
        return;
    time_t now = time(NULL);
    if (!finished && now == im->last_progress)
        return;
    im->last_progress = now;
    im->progress_finished = finished;
    im->opt->progress(im->opt->progress_ctx, im->path, phase, done, total, im->res->rows_read, finished);
}
