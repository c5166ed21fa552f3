/* ingest_header.c - the header row of an export: its names, the kind they
 * describe, and where each canonical column of that kind comes from (a header
 * column, a profile constant, --account or --snapshot-date). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csmreport/csv.h"
#include "csmreport/datetime.h"
#include "csmreport/db.h"
#include "csmreport/kinds.h"
#include "csmreport/sql.h"
#include "csmreport/tz.h"
#include "csmreport/values.h"
#include "ingest_internal.h"

static bool header_equal(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0;
}

/* The column of name for a field (occurrence: the N-th of a repeated name, 0:
 * the only one). Returns its index, -1 when absent (or fewer than occurrence),
 * or -2 when repeated and no occurrence says which: *first and *second are the
 * first two. */
static int find_column(cr_importer *im, const char *name, int occurrence, int *first, int *second)
{
    int seen = 0;
    *first = *second = -1;
    for (size_t i = 0; i < im->header_count; i++) {
        if (!header_equal(im->header[i], name))
            continue;
        seen++;
        if (occurrence && seen == occurrence)
            return (int)i;
        if (seen == 1)
            *first = (int)i;
        else if (seen == 2)
            *second = (int)i;
    }
    if (occurrence)
        return -1;
    return seen > 1 ? -2 : *first;
}

/* A repeated header name that a field uses: both positions, and the way out. */
static int repeated(cr_importer *im, const char *name, int first, int second, const char *used_by,
                    cr_error *err)
{
    const cr_profile *profile = im->opt->profile;
    return cr_error_set(err, EX_DATAERR, im->path, im->header_pos[2 * second],
                        im->header_pos[2 * second + 1],
                        "column '%s' is repeated in the header (columns %d and %d, at %ld:%ld and "
                        "%ld:%ld) and %s uses it; say which with occurrence=\"1\" or "
                        "occurrence=\"2\" on its <field>%s%s",
                        name, first + 1, second + 1, im->header_pos[2 * first],
                        im->header_pos[2 * first + 1], im->header_pos[2 * second],
                        im->header_pos[2 * second + 1], used_by,
                        profile ? " in profile " : " in a profile", profile ? profile->name : "");
}

int cr_ingest_read_header(cr_importer *im, cr_error *err)
{
    int rc = cr_csv_next(im->csv, err);
    if (rc < 0)
        return err->code;
    if (rc == 0)
        return cr_error_set(err, EX_DATAERR, im->path, 1, 1, "file is empty");
    im->header_count = cr_csv_count(im->csv);
    im->header = calloc(im->header_count, sizeof *im->header);
    im->header_pos = calloc(2 * im->header_count, sizeof *im->header_pos);
    if (!im->header || !im->header_pos)
        return cr_error_set(err, CR_EX_NOMEM, im->path, 0, 0, "out of memory");
    for (size_t i = 0; i < im->header_count; i++) {
        size_t len;
        const char *name = cr_csv_field(im->csv, i, &len);
        while (len && (*name == ' ' || *name == '\t')) {
            name++;
            len--;
        }
        while (len && (name[len - 1] == ' ' || name[len - 1] == '\t'))
            len--;
        im->header[i] = malloc(len + 1);
        if (!im->header[i])
            return cr_error_set(err, CR_EX_NOMEM, im->path, 0, 0, "out of memory");
        memcpy(im->header[i], name, len);
        im->header[i][len] = '\0';
        /* a repeated name is an error only where a field uses it (map_columns) */
        im->header_pos[2 * i] = cr_csv_field_line(im->csv, i);
        im->header_pos[2 * i + 1] = cr_csv_field_column(im->csv, i);
    }
    return 0;
}

/* The kind cr_kind_detect decides; a clear message when it refuses or none fits. */
static int detect_kind(cr_importer *im, cr_error *err)
{
    char why[700];
    switch (cr_kind_detect((const char *const *)im->header, im->header_count, &im->kind, why,
                           sizeof why)) {
    case CR_KIND_FOUND:
        return 0;
    case CR_KIND_REFUSED:
        return cr_error_set(err, EX_DATAERR, im->path, 1, 0,
                            "cannot tell the kind of export from its header: %s; use --kind "
                            "(and --profile to map renamed columns)", why);
    case CR_KIND_NONE:
        break;
    }
    /* the message ranks every kind itself (kinds.c) */
    return cr_kind_error_no_match(im->path, (const char *const *)im->header, im->header_count,
                                  err);
}

int cr_ingest_map_columns(cr_importer *im, cr_error *err)
{
    const cr_profile *profile = im->opt->profile;
    const cr_kind *kind = im->kind;
    im->keep_field = -1;
    for (size_t c = 0; c < kind->column_count; c++) {
        const cr_column *col = &kind->columns[c];
        column_source *s = &im->src[c];
        int first, second;
        char used_by[160];
        s->field = NO_SOURCE;
        s->plus_field = NO_SOURCE;
        const cr_profile_field *pf = profile ? cr_profile_find(profile, col->name) : NULL;
        s->profile_field = pf;
        snprintf(used_by, sizeof used_by, "field '%s'", col->name);
        if (pf) {
            s->format = pf->format;
            if (pf->column) {
                s->field = find_column(im, pf->column, pf->occurrence, &first, &second);
                if (s->field == -2)
                    return repeated(im, pf->column, first, second, used_by, err);
                if (s->field < 0 && pf->occurrence && first >= 0)
                    return cr_error_set(err, EX_DATAERR, im->path, 1, 0,
                                        "field '%s' of profile %s asks for occurrence %d of column "
                                        "'%s', and the header has it %d time%s",
                                        col->name, profile->name, pf->occurrence, pf->column,
                                        second >= 0 ? 2 : 1, second >= 0 ? "s" : "");
                if (s->field < 0 && profile->headerless)
                    return cr_error_set(err, EX_DATAERR, im->path, 1, 0,
                                        "column %s (mapped to %s by profile %s) is beyond the "
                                        "%zu columns of the first row", pf->column, col->name,
                                        profile->name, im->header_count);
                if (s->field < 0)
                    return cr_error_set(err, EX_DATAERR, im->path, 1, 0,
                                        "missing column '%s' (mapped to %s by profile %s)",
                                        pf->column, col->name, profile->name);
            } else {
                s->constant = pf->constant;
            }
            if (pf->plus_seconds) {
                s->plus_field = find_column(im, pf->plus_seconds, 0, &first, &second);
                snprintf(used_by, sizeof used_by, "the plus_seconds of field '%s'", col->name);
                if (s->plus_field == -2)
                    return repeated(im, pf->plus_seconds, first, second, used_by, err);
                if (s->plus_field < 0)
                    return cr_error_set(err, EX_DATAERR, im->path, 1, 0,
                                        "missing column '%s' (plus_seconds of %s in profile %s)",
                                        pf->plus_seconds, col->name, profile->name);
            }
        } else {
            s->field = find_column(im, col->name, 0, &first, &second);
            if (s->field == -2)
                return repeated(im, col->name, first, second, used_by, err);
        }
        if (s->field < 0 && !s->constant) {
            if (strcmp(col->name, "account_id") == 0 && im->opt->account)
                s->constant = im->opt->account;
            else if (strcmp(col->name, "snapshot_date") == 0 && im->opt->snapshot_date)
                s->constant = im->opt->snapshot_date;
        }
        if (s->field < 0 && !s->constant && col->required) {
            const char *hint = strcmp(col->name, "account_id") == 0 ? " (or give --account)"
                             : strcmp(col->name, "snapshot_date") == 0 ? " (or give --snapshot-date)"
                             : "";
            return cr_error_set(err, EX_DATAERR, im->path, 1, 0,
                                "missing required column '%s' for a %s file%s", col->name,
                                kind->name, hint);
        }
    }
    if (profile && profile->keep_highest) {
        int first, second;
        im->keep_field = find_column(im, profile->keep_highest, 0, &first, &second);
        if (im->keep_field == -2)
            return repeated(im, profile->keep_highest, first, second, "the keep rule", err);
        if (im->keep_field < 0)
            return cr_error_set(err, EX_DATAERR, im->path, 1, 0,
                                "missing column '%s' (the keep rule of profile %s)",
                                profile->keep_highest, profile->name);
    }
    return 0;
}

int cr_ingest_resolve_kind(cr_importer *im, cr_error *err)
{
    const char *name = im->opt->kind ? im->opt->kind
                     : im->opt->profile ? im->opt->profile->kind : NULL;
    if (!name)
        return detect_kind(im, err);
    im->kind = cr_kind_find(name);
    if (!im->kind)
        return cr_kind_error_unknown(name, err);
    if (im->opt->profile && strcmp(im->opt->profile->kind, name) != 0)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "profile %s is for %s files, not %s",
                            im->opt->profile->name, im->opt->profile->kind, name);
    return 0;
}

int cr_ingest_check_options(cr_importer *im, cr_error *err)
{
    const cr_import_options *o = im->opt;
    cr_date d;
    if (o->snapshot_date && !cr_date_parse(o->snapshot_date, strlen(o->snapshot_date), &d))
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "--snapshot-date '%s' is not a date (YYYY-MM-DD)",
                            o->snapshot_date);
    return 0;
}
