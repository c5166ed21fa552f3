/* profile.h - import profiles: how a real export maps onto a canonical kind
 * (SPEC section 3). A profile is an XML file validated against the embedded
 * src/xsd/profile.xsd; samples/profiles/ ships profiles for a Poly Lens device
 * export and for ServiceNow incident exports.
 *
 *   <profile name="servicenow-incidents" kind="tickets" separator="," timezone="UTC">
 *     <null value="?"/>                              values that mean "empty"
 *     <field name="ticket_id" column="number"/>
 *     <field name="opened_at" column="opened_at" format="%d-%m-%Y %H:%M"/>
 *     <field name="priority" column="priority">
 *       <map from="1 - Critical" to="P1"/> ...         exact match after trimming
 *     </field>
 *     <field name="status" column="connected" ignore-case="true" strict="true">
 *       <map from="true" to="online"/> ...             TRUE, True, ... too
 *     </field>
 *     <field name="account_id" constant="ACME"/>       (or --account)
 *     <keep highest="sys_mod_count"/>                  duplicates: highest wins, then last
 *   </profile>
 *
 * Exports as they come: on <profile>, decimal="," thousands=" " (numbers such as
 * 1 200,50; also an id that is wholly a number grouped by spaces, 2 553), encoding=
 * "windows-1252" (any iconv name), quotes="lenient", header="none" (then every
 * column is a 1-based position, column="3"); on <field>, occurrence="2" (the
 * second column of a repeated header name) and plus_seconds="duration" (an end
 * time: the column's time plus that column's seconds).
 */
#ifndef CSMREPORT_PROFILE_H
#define CSMREPORT_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "csmreport/error.h"

typedef struct cr_profile_map {
    char *from, *to;
} cr_profile_map;

typedef struct cr_profile_field {
    char *name;       /* canonical column, e.g. "opened_at" */
    char *column;     /* header name in the export, or NULL for a constant */
    char *constant;   /* value when column is NULL */
    char *format;     /* cr_timestamp_parse_format format for dates/timestamps, or NULL */
    cr_profile_map *maps;
    size_t map_count;
    bool map_strict;  /* true: a value matching no map is an error; false: kept as is */
    bool map_ignore_case; /* ignore-case="true": maps compare ASCII letters caselessly */
    int occurrence;   /* occurrence="N": the N-th column of a repeated header name; 0 = not given */
    char *plus_seconds; /* plus_seconds="COL": timestamp = column's + COL's whole seconds, or NULL */
} cr_profile_field;

typedef struct cr_profile {
    char *path;       /* file it was read from */
    char *name;
    char *kind;       /* "devices", "tickets", ... */
    char separator;   /* ',', ';', '\t', or 0 to detect */
    char **null_values;
    size_t null_count;
    cr_profile_field *fields;
    size_t field_count;
    char *keep_highest;    /* export column, or NULL: duplicate keys are errors */
    bool keep_numeric;     /* compare keep_highest values as numbers (default) */
    char *timezone;        /* zone of timestamps without an offset, or NULL: the account's */
    /* exports as they come */
    char decimal;          /* decimal="," : '.' (default) or ',' */
    char thousands;        /* thousands=" " "." "," "'": group separator of numbers, 0 = none */
    char *encoding;        /* encoding="windows-1252": an iconv name, or NULL: UTF-8 */
    bool quotes_lenient;   /* quotes="lenient": quotes inside unquoted fields are text */
    bool headerless;       /* header="none": no header row, columns are 1-based positions */
} cr_profile;

/* Loads and validates path. EX_CONFIG with file:line for an invalid profile
 * (unknown kind, a field name that is not a column of that kind, both or
 * neither of column/constant, a bad format directive). Free with cr_profile_free. */
int cr_profile_load(const char *path, cr_profile **out, cr_error *err);
/* Same from a buffer (tests, profiles built in memory); name is used in
 * messages and kept as p->path. */
int cr_profile_load_memory(const char *data, size_t len, const char *name, cr_profile **out,
                           cr_error *err);
void cr_profile_free(cr_profile *p);

/* The field entry for a canonical column, or NULL. */
const cr_profile_field *cr_profile_find(const cr_profile *p, const char *name);

/* True when value (length len) is one of the profile's null values. */
bool cr_profile_is_null(const cr_profile *p, const char *value, size_t len);

/* The mapped value of value for field f, value itself when no map matches and
 * the field is not strict, or NULL when strict and nothing matches. */
const char *cr_profile_map_value(const cr_profile_field *f, const char *value);

#endif
