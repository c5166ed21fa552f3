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

static int find_header(cr_importer *im, const char *name)
{
    for (size_t i = 0; i < im->header_count; i++)
        if (header_equal(im->header[i], name))
            return (int)i;
    return -1;
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
    if (!im->header)
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
        for (size_t j = 0; j < i; j++)
            if (im->header[i][0] && header_equal(im->header[i], im->header[j]))
                return cr_error_set(err, EX_DATAERR, im->path, cr_csv_field_line(im->csv, i),
                                    cr_csv_field_column(im->csv, i),
                                    "duplicate column '%s' in the header (also column %zu)",
                                    im->header[i], j + 1);
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
        s->field = NO_SOURCE;
        const cr_profile_field *pf = profile ? cr_profile_find(profile, col->name) : NULL;
        s->profile_field = pf;
        if (pf) {
            s->format = pf->format;
            if (pf->column) {
                s->field = find_header(im, pf->column);
                if (s->field < 0)
                    return cr_error_set(err, EX_DATAERR, im->path, 1, 0,
                                        "missing column '%s' (mapped to %s by profile %s)",
                                        pf->column, col->name, profile->name);
            } else {
                s->constant = pf->constant;
            }
        } else {
            s->field = find_header(im, col->name);
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
        im->keep_field = find_header(im, profile->keep_highest);
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
