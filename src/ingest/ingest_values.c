/* ingest_values.c - one record: its fields as read, every value converted and
 * checked (values.c) after the profile's null values and maps, where each value
 * was read, and the record's natural key. Checks across values and values
 * derived from the account's time zone are the kinds' hooks (ingest_kinds.c). */
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
#include "csmreport/strdict.h"
#include "csmreport/tz.h"
#include "csmreport/values.h"
#include "ingest_internal.h"

const char *cr_ingest_raw_field(cr_importer *im, int field, size_t *len)
{
    if ((size_t)field >= cr_csv_count(im->csv)) {
        *len = 0;
        return "";
    }
    return cr_csv_field(im->csv, (size_t)field, len);
}

/* Raw text of column c in the current record after the profile's null values
 * and maps. Returns false when a strict map does not know the value. */
static bool column_text(cr_importer *im, size_t c, const char **text, size_t *len, char *why, size_t why_size)
{
    const column_source *s = &im->src[c];
    if (s->field == NO_SOURCE) {
        *text = s->constant ? s->constant : "";
        *len = strlen(*text);
        return true;
    }
    *text = cr_ingest_raw_field(im, s->field, len);
    const cr_profile *profile = im->opt->profile;
    if (!profile)
        return true;
    if (cr_profile_is_null(profile, *text, *len)) {
        *text = "";
        *len = 0;
        return true;
    }
    if (s->profile_field && s->profile_field->map_count) {
        const char *mapped = cr_profile_map_value(s->profile_field, *text);
        if (!mapped) {
            snprintf(why, why_size, "value '%.40s' of column '%s' is not mapped by profile %s",
                     *text, im->header[s->field], profile->name);
            return false;
        }
        *text = mapped;
        *len = strlen(mapped);
    }
    return true;
}

long cr_ingest_column_line(cr_importer *im, size_t c)
{
    int f = im->src[c].field;
    return f >= 0 && (size_t)f < cr_csv_count(im->csv) ? cr_csv_field_line(im->csv, (size_t)f)
                                                        : cr_csv_record_line(im->csv);
}

long cr_ingest_column_col(cr_importer *im, size_t c)
{
    int f = im->src[c].field;
    return f >= 0 && (size_t)f < cr_csv_count(im->csv) ? cr_csv_field_column(im->csv, (size_t)f) : 1;
}

/* A naive time of an export whose profile names its zone gets that zone's
 * offset at that instant, written into the stored text: it then no longer
 * depends on the account's zone (which re-timing would apply). */
static void pin_to_profile_zone(cr_importer *im, cr_value *v)
{
    const cr_tz *tz = cr_tz_get(im->opt->profile->timezone, NULL);
    if (!tz)
        return; /* checked when the profile was loaded */
    int64_t local = cr_timestamp_local_seconds(&v->ts);
    v->ts.has_offset = true;
    v->ts.offset_seconds = (int)(local - cr_tz_local_to_utc(tz, local));
    cr_timestamp_format(&v->ts, v->buf);
    v->text = v->buf;
    v->len = strlen(v->buf);
}

/* A derived end time: the value plus the seconds of its plus_seconds column
 * (an empty one adds nothing). */
static bool add_seconds(cr_importer *im, size_t c, cr_value *v, char *why, size_t why_size,
                        long *bad_line, long *bad_col)
{
    int f = im->src[c].plus_field;
    size_t len;
    const char *raw = cr_ingest_raw_field(im, f, &len);
    if (len == 0 || cr_profile_is_null(im->opt->profile, raw, len))
        return true;
    if (cr_value_add_seconds(v, raw, len, why, why_size))
        return true;
    char reason[512];
    snprintf(reason, sizeof reason, "%s: %s (plus_seconds column '%s')", im->kind->columns[c].name,
             why, im->header[f]);
    snprintf(why, why_size, "%s", reason);
    if ((size_t)f < cr_csv_count(im->csv)) {
        *bad_line = cr_csv_field_line(im->csv, (size_t)f);
        *bad_col = cr_csv_field_column(im->csv, (size_t)f);
    }
    return false;
}

/* Converts every column of the current record into im->values. On a bad value
 * records the error (or the reject) and returns false. only_keys converts the
 * natural key columns only (the keep rule's first pass, errors not recorded). */
bool cr_ingest_convert_record(cr_importer *im, bool only_keys, char *why, size_t why_size, long *bad_line,
                           long *bad_col)
{
    const cr_kind *kind = im->kind;
    for (size_t c = 0; c < kind->column_count; c++) {
        const cr_column *col = &kind->columns[c];
        cr_value *v = &im->values[c];
        if (only_keys && !col->key)
            continue;
        const char *text;
        size_t len;
        *bad_line = cr_ingest_column_line(im, c);
        *bad_col = cr_ingest_column_col(im, c);
        if (!column_text(im, c, &text, &len, why, why_size))
            return false;
        /* A workbook's date cells come as ISO text, whatever format the
         * profile gives for the CSV export of the same data. */
        const char *format = im->src[c].format;
        cr_date d;
        cr_timestamp ts;
        if (format && im->xlsx && (cr_date_parse(text, len, &d) || cr_timestamp_parse_iso(text, len, &ts)))
            format = NULL;
        const cr_profile *profile = im->opt->profile;
        cr_value_style style = {.format = format,
                                .decimal = profile ? profile->decimal : '.',
                                .thousands = profile ? profile->thousands : 0};
        if (!cr_value_convert_styled(col, text, len, &style, v, why, why_size)) {
            char reason[512];
            snprintf(reason, sizeof reason, "%s: %s", col->name, why);
            snprintf(why, why_size, "%s", reason);
            return false;
        }
        if (!v->null && im->src[c].plus_field != NO_SOURCE && !add_seconds(im, c, v, why, why_size,
                                                                           bad_line, bad_col))
            return false;
        if (v->null && col->required) {
            snprintf(why, why_size, "%s: required value is empty", col->name);
            return false;
        }
        if (col->type == CR_V_TIMESTAMP && !v->null && !v->ts.has_offset && im->opt->profile &&
            im->opt->profile->timezone)
            pin_to_profile_zone(im, v);
    }
    return true;
}

int cr_ingest_value_index(const cr_importer *im, const char *name)
{
    return cr_kind_column_index(im->kind, name);
}

/* The natural key of the current record as one string (values joined by 0x1f). */
size_t cr_ingest_key_text(const cr_importer *im, char *key, size_t size)
{
    size_t used = 0;
    for (size_t c = 0; c < im->kind->column_count; c++) {
        if (!im->kind->columns[c].key)
            continue;
        const cr_value *v = &im->values[c];
        size_t n = v->null ? 0 : v->len;
        if (used + n + 1 > size)
            n = size - used - 1;
        memcpy(key + used, v->text, n);
        used += n;
        key[used++] = '\x1f';
    }
    return used;
}

void cr_ingest_key_hashes(cr_importer *im, uint64_t *h1, uint64_t *h2)
{
    char key[4096];
    size_t used = cr_ingest_key_text(im, key, sizeof key);
    *h1 = cr_hash64(key, used, 0);
    *h2 = cr_hash64(key, used, 0x9e3779b97f4a7c15ULL);
}

double cr_ingest_keep_rank(cr_importer *im)
{
    size_t len;
    const char *s = cr_ingest_raw_field(im, im->keep_field, &len);
    char *end;
    double d = strtod(s, &end);
    return end == s ? -1e300 : d;
}

void cr_ingest_key_names(const cr_importer *im, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t c = 0; c < im->kind->column_count && used < size; c++)
        if (im->kind->columns[c].key)
            used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
                                     im->kind->columns[c].name);
}
