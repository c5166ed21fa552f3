/* ingest_rejects.c - FILE.rejected.csv of --skip-bad-rows: the rejected rows as
 * read, with a reason column, written to a temporary file beside the export and
 * published by rename only when the import commits. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csmreport/csv.h"
#include "ingest_internal.h"

static void write_csv_field(FILE *f, const char *s, size_t len)
{
    bool quote = len == 0 ? false : strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ' || s[len - 1] == ' ';
    if (!quote) {
        fwrite(s, 1, len, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            fputc('"', f);
        fputc(s[i], f);
    }
    fputc('"', f);
}

int cr_ingest_rejects_row(cr_importer *im, const char *reason, cr_error *err)
{
    if (!im->rejects) {
        snprintf(im->rejects_tmp, sizeof im->rejects_tmp, "%s.rejected.csv.XXXXXX", im->path);
        int fd = mkstemp(im->rejects_tmp);
        if (fd < 0 || !(im->rejects = fdopen(fd, "w"))) {
            if (fd >= 0)
                close(fd);
            return cr_error_set(err, EX_CANTCREAT, im->rejects_tmp, 0, 0,
                                "cannot create the rejects file: %s", strerror(errno));
        }
        for (size_t i = 0; i < im->header_count; i++) {
            write_csv_field(im->rejects, im->header[i], strlen(im->header[i]));
            fputc(',', im->rejects);
        }
        fputs("reason\r\n", im->rejects);
    }
    for (size_t i = 0; i < im->header_count; i++) {
        size_t len;
        const char *s = cr_ingest_raw_field(im, (int)i, &len);
        write_csv_field(im->rejects, s, len);
        fputc(',', im->rejects);
    }
    write_csv_field(im->rejects, reason, strlen(reason));
    fputs("\r\n", im->rejects);
    im->res->rejected++;
    return 0;
}

int cr_ingest_rejects_duplicates(cr_importer *im, const cr_ingest_duplicate *dups, size_t n,
                                 cr_error *err)
{
    char keys[160], why[256];
    cr_ingest_key_names(im, keys, sizeof keys);
    cr_csv *saved = im->csv;
    if (!(im->csv = cr_ingest_open_reader(im, err))) {
        im->csv = saved;
        return err->code;
    }
    int rc = cr_csv_next(im->csv, err) < 0 ? err->code : 0; /* the header */
    size_t i = 0;
    while (!rc && i < n) {
        cr_error row;
        cr_error_clear(&row);
        int got = cr_csv_next(im->csv, &row);
        if (got == 0)
            break;
        if (got < 0 && cr_csv_failed(im->csv)) {
            *err = row;
            rc = err->code;
        }
        /* A ragged row was rejected by the first reading: not one of these. */
        if (got < 0 || cr_csv_record_line(im->csv) != dups[i].line)
            continue;
        snprintf(why, sizeof why, "duplicate key: same %s as %s %ld", keys,
                 cr_ingest_line_word(im), dups[i].first);
        rc = cr_ingest_rejects_row(im, why, err);
        cr_ingest_report_error(im, dups[i].line, 1, why);
        i++;
    }
    cr_csv_close(im->csv);
    im->csv = saved;
    if (!rc && i < n)
        rc = cr_error_set(err, EX_IOERR, im->path, 0, 0, "the file changed while it was imported");
    return rc;
}

int cr_ingest_rejects_sync(cr_importer *im, cr_error *err)
{
    if (!im->rejects)
        return 0;
    snprintf(im->res->rejects_path, sizeof im->res->rejects_path, "%s.rejected.csv", im->path);
    if (fflush(im->rejects) != 0 || fsync(fileno(im->rejects)) != 0)
        return cr_error_set(err, EX_IOERR, im->rejects_tmp, 0, 0, "cannot write: %s", strerror(errno));
    return 0;
}

int cr_ingest_rejects_publish(cr_importer *im, cr_error *err)
{
    if (!im->rejects)
        return 0;
    fclose(im->rejects);
    im->rejects = NULL;
    if (rename(im->rejects_tmp, im->res->rejects_path) != 0)
        return cr_error_set(err, EX_CANTCREAT, im->res->rejects_path, 0, 0, "cannot create: %s",
                            strerror(errno));
    return 0;
}

void cr_ingest_rejects_drop(cr_importer *im)
{
    if (im->rejects) {
        fclose(im->rejects);
        im->rejects = NULL;
        unlink(im->rejects_tmp);
    }
}
