/* metrics_output.c - the metrics document as a terminal summary and as CSV rows
 * (section,key,subkey,value). Both walk the one JSON document, so their numbers
 * are the JSON's; rates are shown as percentages with one decimal in the text.
 */
#include <stdlib.h>
#include <string.h>

#include "metrics_internal.h"

static const struct {
    const char *key, *title;
} section_titles[] = {
    {"adoption", "Adoption"},
    {"trueup", "True-up"},
    {"trueup_summary", "True-up summary"},
    {"rma", "Headset RMA rate"},
    {"downtime", "Downtime and advance replacement"},
    {"tickets", "Service status"},
    {"software", "Software currency"},
    {"coverage", "Coverage"},
    {"billable", "Billable"},
};

/* Keys printed by the text header rather than as sections. */
static bool is_header_key(const char *key)
{
    static const char *const keys[] = {"account_id", "account_name", "program", "period",
                                       "as_of", "data_as_of"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        if (strcmp(key, keys[k]) == 0)
            return true;
    return false;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Rates are fractions in the JSON; the text shows them as percentages. */
static bool is_rate_key(const char *key)
{
    return key && (strcmp(key, "rate") == 0 || ends_with(key, "_rate") ||
                   strcmp(key, "sla_compliance") == 0 || strcmp(key, "threshold") == 0);
}

static const char *title_of(const char *key)
{
    for (size_t k = 0; k < sizeof section_titles / sizeof section_titles[0]; k++)
        if (strcmp(section_titles[k].key, key) == 0)
            return section_titles[k].title;
    return key;
}

/* Prints a scalar: its JSON text, strings unquoted, rates as "6.2%". */
static void write_scalar(const cr_json *v, const char *key, FILE *out)
{
    switch (cr_json_type_of(v)) {
    case CR_JSON_NULL:
        fputs("n/a", out);
        return;
    case CR_JSON_BOOL:
        fputs(cr_json_get_bool(v) ? "yes" : "no", out);
        return;
    case CR_JSON_STRING:
        fputs(cr_json_get_string(v), out);
        return;
    default:
        break;
    }
    if (is_rate_key(key) || (key && strcmp(key, "increase_pct") == 0)) {
        double pct = cr_json_get_number(v) * (is_rate_key(key) ? 100 : 1);
        cr_json *shown = cr_json_fixed(pct, 1);
        cr_json_write(shown, out, 0);
        cr_json_free(shown);
        putc('%', out);
        return;
    }
    /* Ratios and projections have many digits in the JSON; two are enough here. */
    if (cr_json_type_of(v) == CR_JSON_NUMBER) {
        double d = cr_json_get_number(v);
        if (d != (double)(long long)d) {
            cr_json *shown = cr_json_fixed(d, 2);
            cr_json_write(shown, out, 0);
            cr_json_free(shown);
            return;
        }
    }
    cr_json_write(v, out, 0);
}

static bool is_container(const cr_json *v)
{
    cr_json_type t = cr_json_type_of(v);
    return t == CR_JSON_ARRAY || t == CR_JSON_OBJECT;
}

/* A label for an array element: its first one or two leading string values
 * ("headset 2026-07", "T1 R1"). */
static size_t element_label(const cr_json *e, char *buf, size_t size)
{
    size_t used = 0, k = 0;
    buf[0] = '\0';
    for (; k < cr_json_size(e) && k < 2; k++) {
        const char *s = cr_json_get_string(cr_json_value_at(e, k));
        if (!s)
            break;
        int n = snprintf(buf + used, size - used, "%s%s", used ? " " : "", *s ? s : "(none)");
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
    return k; /* how many leading keys the label used */
}

static void indent_to(FILE *out, int depth)
{
    for (int k = 0; k < depth; k++)
        fputs("  ", out);
}

static void write_object_text(const cr_json *o, FILE *out, int depth);

/* One line per element of an array of objects; scalars inline. */
static void write_array_text(const cr_json *a, FILE *out, int depth)
{
    if (cr_json_size(a) == 0) {
        indent_to(out, depth);
        fputs("(none)\n", out);
        return;
    }
    for (size_t i = 0; i < cr_json_size(a); i++) {
        const cr_json *e = cr_json_at(a, i);
        indent_to(out, depth);
        if (cr_json_type_of(e) != CR_JSON_OBJECT) {
            write_scalar(e, NULL, out);
            putc('\n', out);
            continue;
        }
        char label[256];
        size_t used = element_label(e, label, sizeof label);
        fprintf(out, "%s:", used ? label : "-");
        for (size_t k = used; k < cr_json_size(e); k++) {
            const char *key = cr_json_key_at(e, k);
            const cr_json *v = cr_json_value_at(e, k);
            if (is_container(v) || ends_with(key, "_reason"))
                continue;
            fprintf(out, "%s %s ", k > used ? "," : "", key);
            write_scalar(v, key, out);
        }
        putc('\n', out);
    }
}

static void write_object_text(const cr_json *o, FILE *out, int depth)
{
    for (size_t k = 0; k < cr_json_size(o); k++) {
        const char *key = cr_json_key_at(o, k);
        const cr_json *v = cr_json_value_at(o, k);
        if (ends_with(key, "_reason"))
            continue; /* printed beside its null value */
        indent_to(out, depth);
        if (cr_json_type_of(v) == CR_JSON_OBJECT) {
            fprintf(out, "%s:\n", key);
            write_object_text(v, out, depth + 1);
        } else if (cr_json_type_of(v) == CR_JSON_ARRAY) {
            fprintf(out, "%s:\n", key);
            write_array_text(v, out, depth + 1);
        } else {
            fprintf(out, "%s: ", key);
            write_scalar(v, key, out);
            char reason_key[128];
            snprintf(reason_key, sizeof reason_key, "%s_reason", key);
            const char *reason = cr_json_get_string(cr_json_get(o, reason_key));
            if (cr_json_is_null(v) && reason)
                fprintf(out, " (%s)", reason);
            putc('\n', out);
        }
    }
}

static const char *str_at(const cr_json *doc, const char *path)
{
    const char *s = cr_json_get_string(cr_json_path(doc, path));
    return s ? s : "n/a";
}

int cr_metrics_write_text(const cr_json *doc, FILE *out)
{
    fprintf(out, "%s (%s), program %s\n", str_at(doc, "account_name"), str_at(doc, "account_id"),
            str_at(doc, "program"));
    fprintf(out, "Period %s (%s .. %s), as of %s\n", str_at(doc, "period.label"),
            str_at(doc, "period.start"), str_at(doc, "period.end"), str_at(doc, "as_of"));
    fprintf(out, "Data: latest snapshot %s, latest import %s\n",
            str_at(doc, "data_as_of.latest_snapshot"), str_at(doc, "data_as_of.latest_import"));
    for (size_t k = 0; k < cr_json_size(doc); k++) {
        const char *key = cr_json_key_at(doc, k);
        const cr_json *v = cr_json_value_at(doc, k);
        if (is_header_key(key) || ends_with(key, "_reason"))
            continue;
        fprintf(out, "\n== %s ==\n", title_of(key));
        if (cr_json_type_of(v) == CR_JSON_OBJECT) {
            write_object_text(v, out, 1);
        } else if (cr_json_type_of(v) == CR_JSON_ARRAY) {
            write_array_text(v, out, 1);
        } else {
            char reason_key[128];
            snprintf(reason_key, sizeof reason_key, "%s_reason", key);
            const char *reason = cr_json_get_string(cr_json_get(doc, reason_key));
            indent_to(out, 1);
            if (cr_json_is_null(v) && reason)
                fprintf(out, "n/a (%s)\n", reason);
            else {
                write_scalar(v, key, out);
                putc('\n', out);
            }
        }
    }
    return ferror(out) ? -1 : 0;
}

/* ---- CSV ---- */

/* One field per RFC 4180: quoted when it holds a comma, quote, CR or LF. */
static void csv_field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    putc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            putc('"', out);
        putc(*s, out);
    }
    putc('"', out);
}

static void csv_row(FILE *out, const char *section, const char *key, const char *subkey,
                    const cr_json *v)
{
    csv_field(out, section);
    putc(',', out);
    csv_field(out, key);
    putc(',', out);
    csv_field(out, subkey);
    putc(',', out);
    if (cr_json_type_of(v) == CR_JSON_STRING) {
        csv_field(out, cr_json_get_string(v));
    } else if (!cr_json_is_null(v)) {
        char *text = cr_json_to_string(v, 0);
        if (text)
            fputs(text, out);
        free(text);
    }
    fputs("\r\n", out);
}

/* Rows of every scalar under v; subkey is the path below key, array elements
 * named by their label (their leading string values) or their index. */
static void csv_walk(FILE *out, const char *section, const char *key, const char *subkey,
                     const cr_json *v)
{
    char path[512];
    if (cr_json_type_of(v) == CR_JSON_OBJECT) {
        for (size_t k = 0; k < cr_json_size(v); k++) {
            snprintf(path, sizeof path, "%s%s%s", subkey, *subkey ? "." : "", cr_json_key_at(v, k));
            csv_walk(out, section, key, path, cr_json_value_at(v, k));
        }
    } else if (cr_json_type_of(v) == CR_JSON_ARRAY) {
        for (size_t i = 0; i < cr_json_size(v); i++) {
            const cr_json *e = cr_json_at(v, i);
            char label[256];
            size_t used = cr_json_type_of(e) == CR_JSON_OBJECT ? element_label(e, label, sizeof label) : 0;
            if (!used)
                snprintf(label, sizeof label, "%zu", i);
            snprintf(path, sizeof path, "%s%s%s", subkey, *subkey ? "." : "", label);
            if (cr_json_type_of(e) != CR_JSON_OBJECT) {
                csv_walk(out, section, key, path, e);
                continue;
            }
            for (size_t k = used; k < cr_json_size(e); k++) {
                char sub[768];
                snprintf(sub, sizeof sub, "%s.%s", path, cr_json_key_at(e, k));
                csv_walk(out, section, key, sub, cr_json_value_at(e, k));
            }
        }
    } else {
        csv_row(out, section, key, subkey, v);
    }
}

int cr_metrics_write_csv(const cr_json *doc, FILE *out)
{
    fputs("section,key,subkey,value\r\n", out);
    for (size_t k = 0; k < cr_json_size(doc); k++) {
        const char *key = cr_json_key_at(doc, k);
        const cr_json *v = cr_json_value_at(doc, k);
        if (cr_json_type_of(v) == CR_JSON_OBJECT) {
            for (size_t j = 0; j < cr_json_size(v); j++)
                csv_walk(out, key, cr_json_key_at(v, j), "", cr_json_value_at(v, j));
        } else if (cr_json_type_of(v) == CR_JSON_ARRAY) {
            csv_walk(out, key, "", "", v);
        } else {
            csv_row(out, "report", key, "", v);
        }
    }
    return ferror(out) ? -1 : 0;
}
