/* profile.c - import profiles (SPEC section 3): reading a profile file into a
 * cr_profile, and the two lookups the importer needs per value (null values
 * and value maps).
 *
 * src/xsd/profile.xsd checks the shape; this file checks what a schema cannot
 * express: field names against the kind's columns, column xor constant, format
 * directives, and map targets of enumerated columns.
 */
#include "csmreport/profile.h"
#include "csmreport/tz.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "csmreport/csv.h"
#include "csmreport/kinds.h"
#include "csmreport/xmlsafe.h"

/* Directives cr_timestamp_parse_format understands (datetime.h). */
static const char format_directives[] = "YymdeHIMSpbBz%";

static const char *const priorities[] = {"P1", "P2", "P3", "P4", NULL};

/* Fills err with the line of node; returns EX_CONFIG. */
static int fail(cr_error *err, const char *file, xmlNodePtr node, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(cr_error *err, const char *file, xmlNodePtr node, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    long line = node ? xmlGetLineNo(node) : 0;
    cr_error_setv(err, EX_CONFIG, file, line > 0 ? line : 0, 0, fmt, ap);
    va_end(ap);
    return EX_CONFIG;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Narrows [*s, *s + *len) to the text without surrounding spaces and tabs. */
static void trim(const char **s, size_t *len)
{
    while (*len > 0 && is_space(**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && is_space((*s)[*len - 1]))
        (*len)--;
}

/* strdup of the trimmed text. */
static char *dup_trimmed(const char *s)
{
    size_t len = strlen(s);
    trim(&s, &len);
    return strndup(s, len);
}

/* xs:boolean: "true"/"1" or "false"/"0", whitespace collapsed; absent gives dflt. */
static bool parse_bool(const char *v, bool dflt)
{
    if (!v)
        return dflt;
    size_t len = strlen(v);
    trim(&v, &len);
    return (len == 4 && memcmp(v, "true", 4) == 0) || (len == 1 && v[0] == '1');
}

static bool in_list(const char *const *list, const char *v)
{
    for (; *list; list++)
        if (strcmp(*list, v) == 0)
            return true;
    return false;
}

/* The values an enumerated column accepts, or NULL when any text goes. */
static const char *const *allowed_values(const cr_column *col)
{
    if (col->type == CR_V_ENUM)
        return col->enum_values;
    if (col->type == CR_V_PRIORITY)
        return priorities;
    return NULL;
}

static void list_join(char *buf, size_t size, const char *const *list)
{
    size_t n = 0;
    buf[0] = '\0';
    for (; *list && n < size; list++)
        n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "", *list);
}

static void columns_join(char *buf, size_t size, const cr_kind *kind)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < kind->column_count && n < size; i++)
        n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "", kind->columns[i].name);
}

/* A format must use only known directives and name a year, a month and a day;
 * a time-only format cannot give a date. Returns NULL or a reason. */
static const char *format_problem(const char *fmt, char *bad)
{
    bool year = false, month = false, day = false;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%')
            continue;
        p++;
        if (!*p)
            return "ends with a lone '%'";
        if (!strchr(format_directives, *p)) {
            *bad = *p;
            return NULL;
        }
        year |= *p == 'Y' || *p == 'y';
        month |= *p == 'm' || *p == 'b' || *p == 'B';
        day |= *p == 'd' || *p == 'e';
    }
    if (!year)
        return "has no year (%Y or %y)";
    if (!month)
        return "has no month (%m, %b or %B)";
    if (!day)
        return "has no day (%d or %e)";
    return NULL;
}

static int check_format(const cr_profile_field *f, const cr_column *col, const char *file,
                        xmlNodePtr node, cr_error *err)
{
    if (!f->column)
        return fail(err, file, node, "field '%s': format applies to a column, not a constant",
                    f->name);
    if (col->type != CR_V_DATE && col->type != CR_V_TIMESTAMP)
        return fail(err, file, node,
                    "field '%s': format applies only to date and timestamp fields, and '%s' is %s",
                    f->name, f->name, cr_value_type_name(col->type));
    char bad = 0;
    const char *why = format_problem(f->format, &bad);
    if (bad)
        return fail(err, file, node,
                    "field '%s': format '%s' has unknown directive '%%%c' (supported: %%Y %%y "
                    "%%m %%d %%e %%H %%I %%M %%S %%p %%b %%B %%z %%%%)",
                    f->name, f->format, bad);
    if (why)
        return fail(err, file, node, "field '%s': format '%s' %s", f->name, f->format, why);
    return 0;
}

static int read_maps(cr_profile_field *f, const cr_column *col, xmlNodePtr field_node,
                     const char *file, cr_error *err)
{
    const char *const *allowed = allowed_values(col);
    size_t count = 0;
    for (xmlNodePtr n = field_node->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE)
            count++;
    if (count == 0)
        return 0;
    f->maps = calloc(count, sizeof *f->maps);
    if (!f->maps)
        return cr_error_set(err, CR_EX_NOMEM, file, 0, 0, "out of memory");
    for (xmlNodePtr n = field_node->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        cr_profile_map *m = &f->maps[f->map_count++];
        char *from = cr_xml_attr(n, "from"), *to = cr_xml_attr(n, "to");
        m->from = from ? dup_trimmed(from) : NULL;
        m->to = to;
        free(from);
        if (!m->from || !m->to)
            return cr_error_set(err, CR_EX_NOMEM, file, 0, 0, "out of memory");
        if (allowed && !in_list(allowed, m->to)) {
            char list[256];
            list_join(list, sizeof list, allowed);
            return fail(err, file, n, "field '%s': map to '%s' is not one of %s", f->name,
                        m->to, list);
        }
    }
    return 0;
}

/* A 1-based position: digits only, 1..CR_CSV_COLUMNS_MAX; 0 when it is not one. */
static int position(const char *v)
{
    int n = 0;
    if (!v || !*v)
        return 0;
    for (; *v; v++) {
        if (*v < '0' || *v > '9' || n > CR_CSV_COLUMNS_MAX)
            return 0;
        n = n * 10 + (*v - '0');
    }
    return n <= CR_CSV_COLUMNS_MAX ? n : 0;
}

/* With header="none" an export column is named by its position. */
static int check_position(const cr_profile *p, const char *what, const char *v, xmlNodePtr node,
                          cr_error *err)
{
    if (!p->headerless || !v || position(v))
        return 0;
    return fail(err, p->path, node,
                "%s '%s' is not a column position: with header=\"none\" columns are 1-based "
                "numbers (column=\"3\")", what, v);
}

/* occurrence and plus_seconds of a field. */
static int read_field_extras(cr_profile *p, cr_profile_field *f, const cr_column *col,
                             xmlNodePtr node, cr_error *err)
{
    const char *file = p->path;
    char *occ = cr_xml_attr(node, "occurrence");
    f->plus_seconds = cr_xml_attr(node, "plus_seconds");
    if (occ) {
        f->occurrence = position(occ);
        int bad = !f->occurrence;
        free(occ);
        if (bad)
            return fail(err, file, node, "field '%s': occurrence must be a whole number from 1",
                        f->name);
        if (!f->column)
            return fail(err, file, node, "field '%s': occurrence applies to a column, not a "
                        "constant", f->name);
    }
    if (f->plus_seconds) {
        if (col->type != CR_V_TIMESTAMP)
            return fail(err, file, node, "field '%s': plus_seconds applies only to timestamp "
                        "fields, and '%s' is %s", f->name, f->name, cr_value_type_name(col->type));
        if (!f->column)
            return fail(err, file, node, "field '%s': plus_seconds applies to a column, not a "
                        "constant", f->name);
    }
    if (check_position(p, "column", f->column, node, err) ||
        check_position(p, "plus_seconds", f->plus_seconds, node, err))
        return EX_CONFIG;
    return 0;
}

static int read_field(cr_profile *p, const cr_kind *kind, xmlNodePtr node, cr_error *err)
{
    const char *file = p->path;
    cr_profile_field *f = &p->fields[p->field_count++];
    f->name = cr_xml_attr(node, "name");
    f->column = cr_xml_attr(node, "column");
    f->constant = cr_xml_attr(node, "constant");
    f->format = cr_xml_attr(node, "format");
    char *strict = cr_xml_attr(node, "strict"), *icase = cr_xml_attr(node, "ignore-case");
    f->map_strict = parse_bool(strict, false);
    f->map_ignore_case = parse_bool(icase, false);
    free(strict);
    free(icase);
    if (!f->name)
        return fail(err, file, node, "field without a name");

    int idx = cr_kind_column_index(kind, f->name);
    if (idx < 0) {
        char cols[512];
        columns_join(cols, sizeof cols, kind);
        return fail(err, file, node, "field '%s' is not a column of kind '%s' (columns: %s)",
                    f->name, kind->name, cols);
    }
    const cr_column *col = &kind->columns[idx];
    if (f->column && f->constant)
        return fail(err, file, node, "field '%s': give either column or constant, not both",
                    f->name);
    if (!f->column && !f->constant)
        return fail(err, file, node, "field '%s': needs a column or a constant", f->name);
    if (f->format && check_format(f, col, file, node, err))
        return EX_CONFIG;
    const char *const *allowed = allowed_values(col);
    if (f->constant && allowed && !in_list(allowed, f->constant)) {
        char list[256];
        list_join(list, sizeof list, allowed);
        return fail(err, file, node, "field '%s': constant '%s' is not one of %s", f->name,
                    f->constant, list);
    }
    int rc = read_maps(f, col, node, file, err);
    if (rc)
        return rc;
    if (f->constant && f->map_count)
        return fail(err, file, node, "field '%s': maps apply to a column, not a constant",
                    f->name);
    if (f->map_strict && !f->map_count)
        return fail(err, file, node, "field '%s': strict=\"true\" needs at least one map",
                    f->name);
    return read_field_extras(p, f, col, node, err);
}

/* decimal, thousands, encoding, quotes and header of <profile>. */
static int read_reading(cr_profile *p, xmlNodePtr root, cr_error *err)
{
    const char *file = p->path;
    char *dec = cr_xml_attr(root, "decimal"), *th = cr_xml_attr(root, "thousands");
    char *quotes = cr_xml_attr(root, "quotes"), *header = cr_xml_attr(root, "header");
    int rc = 0;
    p->decimal = '.';
    if (dec && (strcmp(dec, ".") == 0 || strcmp(dec, ",") == 0))
        p->decimal = dec[0];
    else if (dec)
        rc = fail(err, file, root, "decimal '%s' is not '.' or ','", dec);
    if (!rc && th && strlen(th) == 1 && strchr(" .,'", th[0]) && th[0] != p->decimal)
        p->thousands = th[0];
    else if (!rc && th)
        rc = fail(err, file, root, "thousands '%s' is not one of ' ', '.', ',', \"'\" other than "
                  "the decimal mark '%c'", th, p->decimal);
    if (!rc && quotes && strcmp(quotes, "lenient") != 0 && strcmp(quotes, "strict") != 0)
        rc = fail(err, file, root, "quotes '%s' is not 'strict' or 'lenient'", quotes);
    p->quotes_lenient = quotes && strcmp(quotes, "lenient") == 0;
    if (!rc && header && strcmp(header, "none") != 0 && strcmp(header, "first") != 0)
        rc = fail(err, file, root, "header '%s' is not 'first' or 'none'", header);
    p->headerless = header && strcmp(header, "none") == 0;
    free(dec);
    free(th);
    free(quotes);
    free(header);
    if (rc)
        return rc;
    p->encoding = cr_xml_attr(root, "encoding");
    if (p->encoding && !cr_csv_encoding_known(p->encoding))
        return fail(err, file, root, "encoding '%s' is not known to iconv (e.g. windows-1252, "
                    "iso-8859-1, utf-16; iconv -l lists them)", p->encoding);
    return 0;
}

static int from_doc(xmlDocPtr doc, cr_profile *p, cr_error *err)
{
    const char *file = p->path;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root || strcmp((const char *)root->name, "profile") != 0)
        return fail(err, file, root, "not a profile: the root element must be <profile>");
    p->name = cr_xml_attr(root, "name");
    p->kind = cr_xml_attr(root, "kind");
    const cr_kind *kind = p->kind ? cr_kind_find(p->kind) : NULL;
    if (!kind)
        return fail(err, file, root, "unknown kind '%s'", p->kind ? p->kind : "");

    char *sep = cr_xml_attr(root, "separator");
    int rc = 0;
    if (!sep)
        p->separator = 0;
    else if (strcmp(sep, ",") == 0 || strcmp(sep, ";") == 0)
        p->separator = sep[0];
    else if (strcmp(sep, "tab") == 0)
        p->separator = '\t';
    else
        rc = fail(err, file, root, "separator '%s' is not one of ',', ';', 'tab'", sep);
    free(sep);
    if (rc)
        return rc;
    if ((rc = read_reading(p, root, err)))
        return rc;
    p->timezone = cr_xml_attr(root, "timezone");
    if (p->timezone && !cr_tz_valid(p->timezone))
        return fail(err, file, root, "unknown time zone '%s' (expected an IANA name such as UTC or "
                    "Europe/Oslo)", p->timezone);

    size_t nulls = 0, fields = 0;
    for (xmlNodePtr n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        nulls += strcmp((const char *)n->name, "null") == 0;
        fields += strcmp((const char *)n->name, "field") == 0;
    }
    p->null_values = nulls ? calloc(nulls, sizeof *p->null_values) : NULL;
    p->fields = fields ? calloc(fields, sizeof *p->fields) : NULL;
    if ((nulls && !p->null_values) || (fields && !p->fields))
        return cr_error_set(err, CR_EX_NOMEM, file, 0, 0, "out of memory");
    p->keep_numeric = true;

    for (xmlNodePtr n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *el = (const char *)n->name;
        if (strcmp(el, "null") == 0) {
            char *v = cr_xml_attr(n, "value");
            p->null_values[p->null_count] = v ? dup_trimmed(v) : NULL;
            free(v);
            if (!p->null_values[p->null_count++])
                return cr_error_set(err, CR_EX_NOMEM, file, 0, 0, "out of memory");
        } else if (strcmp(el, "field") == 0) {
            rc = read_field(p, kind, n, err);
            if (rc)
                return rc;
        } else if (strcmp(el, "keep") == 0) {
            char *numeric = cr_xml_attr(n, "numeric");
            p->keep_highest = cr_xml_attr(n, "highest");
            p->keep_numeric = parse_bool(numeric, true);
            free(numeric);
            if ((rc = check_position(p, "keep highest", p->keep_highest, n, err)))
                return rc;
        } else {
            return fail(err, file, n, "element '%s' is not part of a profile", el);
        }
    }
    return 0;
}

/* Shared tail of both loaders: consumes doc. */
static int load_doc(xmlDocPtr doc, const char *name, cr_profile **out, cr_error *err)
{
    cr_profile *p = calloc(1, sizeof *p);
    if (!p) {
        xmlFreeDoc(doc);
        return cr_error_set(err, CR_EX_NOMEM, name, 0, 0, "out of memory");
    }
    p->path = strdup(name);
    int rc = p->path ? from_doc(doc, p, err)
                     : cr_error_set(err, CR_EX_NOMEM, name, 0, 0, "out of memory");
    xmlFreeDoc(doc);
    if (rc) {
        cr_profile_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

int cr_profile_load(const char *path, cr_profile **out, cr_error *err)
{
    cr_error local;
    if (!err)
        err = &local;
    *out = NULL;
    xmlDocPtr doc = cr_xml_load(path, "profile.xsd", 0, err);
    if (!doc)
        return err->code;
    return load_doc(doc, path, out, err);
}

int cr_profile_load_memory(const char *data, size_t len, const char *name, cr_profile **out,
                           cr_error *err)
{
    cr_error local;
    if (!err)
        err = &local;
    *out = NULL;
    if (!name)
        name = "(memory)";
    xmlDocPtr doc = cr_xml_load_memory(data, len, name, "profile.xsd", err);
    if (!doc)
        return err->code;
    return load_doc(doc, name, out, err);
}

void cr_profile_free(cr_profile *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->field_count; i++) {
        cr_profile_field *f = &p->fields[i];
        free(f->name);
        free(f->column);
        free(f->constant);
        free(f->format);
        free(f->plus_seconds);
        for (size_t k = 0; k < f->map_count; k++) {
            free(f->maps[k].from);
            free(f->maps[k].to);
        }
        free(f->maps);
    }
    free(p->fields);
    for (size_t i = 0; i < p->null_count; i++)
        free(p->null_values[i]);
    free(p->null_values);
    free(p->keep_highest);
    free(p->timezone);
    free(p->encoding);
    free(p->kind);
    free(p->name);
    free(p->path);
    free(p);
}

const cr_profile_field *cr_profile_find(const cr_profile *p, const char *name)
{
    for (size_t i = 0; i < p->field_count; i++)
        if (strcmp(p->fields[i].name, name) == 0)
            return &p->fields[i];
    return NULL;
}

bool cr_profile_is_null(const cr_profile *p, const char *value, size_t len)
{
    trim(&value, &len);
    for (size_t i = 0; i < p->null_count; i++)
        if (strlen(p->null_values[i]) == len && memcmp(p->null_values[i], value, len) == 0)
            return true;
    return false;
}

const char *cr_profile_map_value(const cr_profile_field *f, const char *value)
{
    const char *v = value;
    size_t len = strlen(value);
    trim(&v, &len);
    for (size_t i = 0; i < f->map_count; i++) {
        const char *from = f->maps[i].from;
        if (strlen(from) != len)
            continue;
        if (f->map_ignore_case ? strncasecmp(from, v, len) == 0 : memcmp(from, v, len) == 0)
            return f->maps[i].to;
    }
    return f->map_strict ? NULL : value;
}
