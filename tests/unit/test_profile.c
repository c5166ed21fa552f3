/* test_profile.c - import profiles (src/ingest/profile.c) and the safe XML reader
 * under them (src/core/xmlsafe.c): the shipped profiles, every value the real
 * exports hold, and a table of invalid or hostile profiles, each of which must
 * give EX_CONFIG (EX_NOINPUT for a missing file) at the right line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "csmreport/error.h"
#include "csmreport/kinds.h"
#include "csmreport/profile.h"
#include "csmreport/xmlsafe.h"
#include "unit.h"

static char top[1024];
static char tmpdir[256];

static const char *path_in_top(const char *rel, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", top, rel);
    return buf;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Writes len bytes to a new file in tmpdir and returns its path in buf. */
static const char *write_temp(const char *name, const void *data, size_t len, char *buf,
                              size_t size)
{
    snprintf(buf, size, "%s/%s", tmpdir, name);
    FILE *f = fopen(buf, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        printf("FAIL cannot write %s\n", buf);
        exit(1);
    }
    return buf;
}

/* ---- shipped profiles ------------------------------------------------- */

typedef struct map_case {
    const char *field, *value, *want; /* want NULL: strict field refuses it */
} map_case;

static void check_maps(const cr_profile *p, const map_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const cr_profile_field *f = cr_profile_find(p, cases[i].field);
        CHECK(f != NULL, "%s: field %s exists", p->name, cases[i].field);
        if (f)
            CHECK_STR(cr_profile_map_value(f, cases[i].value), cases[i].want,
                      "%s: %s '%s' maps to %s", p->name, cases[i].field, cases[i].value,
                      cases[i].want ? cases[i].want : "(refused)");
    }
}

typedef struct column_case {
    const char *field, *column, *format;
} column_case;

static void check_columns(const cr_profile *p, const column_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const cr_profile_field *f = cr_profile_find(p, cases[i].field);
        CHECK(f != NULL, "%s: field %s exists", p->name, cases[i].field);
        if (!f)
            continue;
        CHECK_STR(f->column, cases[i].column, "%s: %s reads column %s", p->name,
                  cases[i].field, cases[i].column ? cases[i].column : "(none)");
        CHECK_STR(f->format, cases[i].format, "%s: %s format %s", p->name, cases[i].field,
                  cases[i].format ? cases[i].format : "(none)");
    }
}

static cr_profile *load_shipped(const char *file)
{
    char path[1400], rel[256];
    snprintf(rel, sizeof rel, "samples/profiles/%s", file);
    cr_error err;
    cr_error_clear(&err);
    cr_profile *p = NULL;
    int rc = cr_profile_load(path_in_top(rel, path, sizeof path), &p, &err);
    CHECK_INT(rc, 0, "%s loads", file);
    if (rc) {
        char msg[2048];
        cr_error_format(&err, msg, sizeof msg);
        printf("     %s\n", msg);
    }
    return p;
}

static void test_poly_lens(void)
{
    cr_profile *p = load_shipped("poly-lens-devices.xml");
    if (!p)
        return;
    CHECK_STR(p->kind, "devices", "lens: kind");
    CHECK_INT(p->separator, 0, "lens: separator detected");
    CHECK_INT(p->field_count, 7, "lens: 7 fields");
    CHECK(p->keep_highest == NULL, "lens: no keep rule");
    CHECK(cr_profile_find(p, "snapshot_date") == NULL, "lens: snapshot_date from the command line");
    CHECK(cr_profile_find(p, "account_id") == NULL, "lens: account_id from the command line");
    static const column_case cols[] = {
        {"serial", "serial_number", NULL}, {"model", "device_model", NULL},
        {"firmware", "softwareVersion", NULL}, {"site", "site_name", NULL},
        {"room", "room_name", NULL}, {"status", "connected", NULL},
        {"last_seen", "lastDetected", NULL},
    };
    check_columns(p, cols, sizeof cols / sizeof cols[0]);
    static const map_case maps[] = {
        {"status", "true", "online"},   {"status", "TRUE", "online"},
        {"status", "True", "online"},   {"status", " tRuE ", "online"},
        {"status", "false", "offline"}, {"status", "FALSE", "offline"},
        {"status", "False", "offline"}, {"status", "unknown", "unknown"},
        {"serial", "ABC123", "ABC123"},
    };
    check_maps(p, maps, sizeof maps / sizeof maps[0]);
    cr_profile_free(p);
}

static void test_servicenow_rest(void)
{
    cr_profile *p = load_shipped("servicenow-incidents-rest.xml");
    if (!p)
        return;
    CHECK_STR(p->kind, "tickets", "rest: kind");
    CHECK_INT(p->separator, ',', "rest: comma");
    CHECK_STR(p->keep_highest, "sys_mod_count", "rest: keep highest sys_mod_count");
    CHECK(p->keep_numeric, "rest: sys_mod_count compared as a number");
    CHECK(cr_profile_find(p, "account_id") == NULL, "rest: account_id from --account");
    static const column_case cols[] = {
        {"ticket_id", "number", NULL},          {"priority", "priority", NULL},
        {"status", "incident_state", NULL},     {"opened_at", "opened_at", NULL},
        {"closed_at", "closed_at", NULL},       {"root_cause", "close_code", NULL},
        {"updated_at", "sys_updated_on", NULL},
    };
    check_columns(p, cols, sizeof cols / sizeof cols[0]);
    /* Every priority and incident_state value of servicenow_demo_incidents_REST.csv
     * (priority 1-5, state 1, 2, 3, 7), plus the base system's 6 and 8. */
    static const map_case maps[] = {
        {"priority", "1", "P1"},        {"priority", "2", "P2"},
        {"priority", "3", "P3"},        {"priority", "4", "P4"},
        {"priority", "5", "P4"},        {"priority", "6", NULL},
        {"priority", "", NULL},         {"status", "1", "New"},
        {"status", "2", "In Progress"}, {"status", "3", "On Hold"},
        {"status", "6", "Resolved"},    {"status", "7", "Closed"},
        {"status", "8", "Canceled"},    {"status", "9", "9"},
    };
    check_maps(p, maps, sizeof maps / sizeof maps[0]);
    cr_profile_free(p);
}

static void test_uci_eventlog(void)
{
    cr_profile *p = load_shipped("uci-incident-eventlog.xml");
    if (!p)
        return;
    CHECK_STR(p->kind, "tickets", "uci: kind");
    CHECK_INT(p->separator, ',', "uci: comma");
    CHECK_STR(p->keep_highest, "sys_mod_count", "uci: keep highest sys_mod_count");
    CHECK(p->keep_numeric, "uci: sys_mod_count compared as a number");
    CHECK_INT(p->null_count, 1, "uci: one null value");
    CHECK(cr_profile_is_null(p, "?", 1), "uci: '?' is null");
    CHECK(cr_profile_is_null(p, " ? ", 3), "uci: ' ? ' is null");
    CHECK(!cr_profile_is_null(p, "?" "?", 2), "uci: two question marks are not null");
    CHECK(!cr_profile_is_null(p, "", 0), "uci: '' is not a listed null value");
    CHECK(cr_profile_is_null(p, "?x", 1), "uci: only len bytes are read ('?x', 1)");
    static const column_case cols[] = {
        {"ticket_id", "number", NULL},
        {"priority", "priority", NULL},
        {"status", "incident_state", NULL},
        {"opened_at", "opened_at", "%d-%m-%Y %H:%M"},
        {"closed_at", "closed_at", "%d-%m-%Y %H:%M"},
        {"root_cause", "closed_code", NULL},
        {"updated_at", "sys_updated_at", "%d-%m-%Y %H:%M"},
    };
    check_columns(p, cols, sizeof cols / sizeof cols[0]);
    /* Every priority and incident_state value of uci_incident_event_log_subset.csv. */
    static const map_case maps[] = {
        {"priority", "1 - Critical", "P1"},
        {"priority", "2 - High", "P2"},
        {"priority", "3 - Moderate", "P3"},
        {"priority", "4 - Low", "P4"},
        {"priority", "5 - Planning", "P4"},
        {"priority", "3 - moderate", NULL},
        {"priority", "3", NULL},
        {"status", "New", "New"},
        {"status", "Active", "In Progress"},
        {"status", "Awaiting User Info", "On Hold"},
        {"status", "Awaiting Evidence", "On Hold"},
        {"status", "Awaiting Problem", "On Hold"},
        {"status", "Awaiting Vendor", "On Hold"},
        {"status", "Resolved", "Resolved"},
        {"status", "Closed", "Closed"},
        {"root_cause", "code 6", "code 6"},
    };
    check_maps(p, maps, sizeof maps / sizeof maps[0]);
    cr_profile_free(p);
}

/* The schema's kind list and cr_kinds must agree: a profile of every kind,
 * mapping its first column, loads. */
static void test_every_kind(void)
{
    for (size_t i = 0; i < cr_kind_count; i++) {
        char xml[512];
        int n = snprintf(xml, sizeof xml,
                         "<profile name='k' kind='%s'><field name='%s' column='c'/></profile>",
                         cr_kinds[i].name, cr_kinds[i].columns[0].name);
        cr_profile *p = NULL;
        cr_error err;
        cr_error_clear(&err);
        int rc = cr_profile_load_memory(xml, (size_t)n, "kind.xml", &p, &err);
        CHECK_INT(rc, 0, "kind %s accepted by schema and code (%s)", cr_kinds[i].name,
                  err.message);
        cr_profile_free(p);
    }
}

/* Separators, trimming of map sources, null values. */
static void test_details(void)
{
    static const struct {
        const char *attr;
        char want;
    } seps[] = {{" separator=','", ','}, {" separator=';'", ';'}, {" separator='tab'", '\t'},
                {"", 0}};
    for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++) {
        char xml[256];
        int n = snprintf(xml, sizeof xml,
                         "<profile name='s' kind='devices'%s><field name='serial' "
                         "column='sn'/></profile>",
                         seps[i].attr);
        cr_profile *p = NULL;
        int rc = cr_profile_load_memory(xml, (size_t)n, "sep.xml", &p, NULL);
        CHECK_INT(rc, 0, "separator '%s' loads", seps[i].attr);
        if (p)
            CHECK_INT(p->separator, seps[i].want, "separator '%s' read", seps[i].attr);
        cr_profile_free(p);
    }

    static const char xml[] =
        "<profile name='d' kind='tickets'>\n"
        "  <null value=' N/A '/>\n"
        "  <null value='-'/>\n"
        "  <field name='ticket_id' column='id'/>\n"
        "  <field name='priority' column='prio' strict='1'>\n"
        "    <map from=' High ' to='P2'/>\n"
        "  </field>\n"
        "  <field name='account_id' constant='ACME'/>\n"
        "  <field name='opened_at' column='opened' format='%m/%d/%Y %I:%M %p'/>\n"
        "  <keep highest='version' numeric='false'/>\n"
        "</profile>\n";
    cr_profile *p = NULL;
    cr_error err;
    cr_error_clear(&err);
    int rc = cr_profile_load_memory(xml, sizeof xml - 1, "details.xml", &p, &err);
    CHECK_INT(rc, 0, "details profile loads (%s)", err.message);
    if (!p)
        return;
    CHECK_STR(p->path, "details.xml", "details: path kept");
    CHECK_STR(p->name, "d", "details: name");
    CHECK(cr_profile_is_null(p, "N/A", 3), "details: 'N/A' null (declared with spaces)");
    CHECK(cr_profile_is_null(p, "  -", 3), "details: '  -' null");
    CHECK(!cr_profile_is_null(p, "n/a", 3), "details: null values are case-sensitive");
    const cr_profile_field *f = cr_profile_find(p, "priority");
    CHECK(f && f->map_strict && !f->map_ignore_case, "details: strict='1' read");
    if (f) {
        CHECK_STR(cr_profile_map_value(f, "High"), "P2", "details: 'High' maps");
        CHECK_STR(cr_profile_map_value(f, "  High\t"), "P2", "details: padded 'High' maps");
        CHECK_STR(cr_profile_map_value(f, "HIGH"), NULL, "details: 'HIGH' refused (case matters)");
    }
    f = cr_profile_find(p, "account_id");
    CHECK(f && !f->column && f->constant && strcmp(f->constant, "ACME") == 0,
          "details: constant account_id");
    CHECK(cr_profile_find(p, "serial") == NULL, "details: unmapped field not found");
    CHECK_STR(p->keep_highest, "version", "details: keep column");
    CHECK(!p->keep_numeric, "details: keep numeric='false'");
    cr_profile_free(p);
}

/* ---- invalid and hostile profiles ------------------------------------ */

typedef struct bad_case {
    const char *name;
    const char *xml;
    long line;           /* 0: no line expected */
    const char *message; /* a part the message must hold */
} bad_case;

#define HEAD "<?xml version='1.0' encoding='UTF-8'?>\n"

static const bad_case bad_cases[] = {
    {"unknown kind",
     HEAD "<profile name='x' kind='widgets'>\n<field name='serial' column='s'/>\n</profile>\n", 2,
     "attribute 'kind'"},
    {"unknown field name",
     HEAD "<profile name='x' kind='devices'>\n<field name='serial' column='s'/>\n"
          "<field name='serail' column='t'/>\n</profile>\n",
     4, "field 'serail' is not a column of kind 'devices'"},
    {"column and constant",
     HEAD "<profile name='x' kind='tickets'>\n\n<field name='account_id' column='a' constant='b'/>\n"
          "</profile>\n",
     4, "either column or constant, not both"},
    {"neither column nor constant",
     HEAD "<profile name='x' kind='tickets'>\n<field name='account_id'/>\n</profile>\n", 3,
     "needs a column or a constant"},
    {"bad format directive",
     HEAD "<profile name='x' kind='tickets'>\n<field name='ticket_id' column='n'/>\n"
          "<field name='opened_at' column='o' format='%d/%m/%Y %Q'/>\n</profile>\n",
     4, "unknown directive '%Q'"},
    {"format without a year",
     HEAD "<profile name='x' kind='tickets'>\n<field name='opened_at' column='o' format='%d/%m %H:%M'/>\n"
          "</profile>\n",
     3, "has no year"},
    {"format ending in a lone percent",
     HEAD "<profile name='x' kind='tickets'>\n<field name='opened_at' column='o' format='%Y-%m-%d %'/>\n"
          "</profile>\n",
     3, "lone '%'"},
    {"format on a text column",
     HEAD "<profile name='x' kind='tickets'>\n<field name='status' column='s' format='%Y-%m-%d'/>\n"
          "</profile>\n",
     3, "only to date and timestamp fields"},
    {"format on a constant",
     HEAD "<profile name='x' kind='devices'>\n<field name='snapshot_date' constant='2026-01-01' "
          "format='%Y-%m-%d'/>\n</profile>\n",
     3, "not a constant"},
    {"bad separator",
     HEAD "<profile name='x' kind='devices' separator='|'>\n<field name='serial' column='s'/>\n"
          "</profile>\n",
     2, "attribute 'separator'"},
    {"unknown time zone",
     HEAD "<profile name='x' kind='tickets' timezone='Mars/Olympus'>\n"
          "<field name='ticket_id' column='n'/>\n</profile>\n",
     2, "unknown time zone 'Mars/Olympus'"},
    {"malformed XML",
     HEAD "<profile name='x' kind='devices'>\n<field name='serial' column='s'>\n\n</profile>\n", 5,
     "invalid XML: opening and ending tag mismatch"},
    {"unterminated attribute",
     HEAD "<profile name='x' kind='devices'>\n<field name='serial column='s'/>\n</profile>\n", 3,
     "invalid XML"},
    {"missing attribute",
     HEAD "<profile name='x' kind='devices'>\n<field column='s'/>\n</profile>\n", 3,
     "element 'field': attribute 'name' is required"},
    {"unknown element",
     HEAD "<profile name='x' kind='devices'>\n<field name='serial' column='s'/>\n<script/>\n"
          "</profile>\n",
     4, "element 'script'"},
    {"fields before nulls",
     HEAD "<profile name='x' kind='devices'>\n<field name='serial' column='s'/>\n<null value='-'/>\n"
          "</profile>\n",
     4, "element 'null'"},
    {"no field at all",
     HEAD "<profile name='x' kind='devices'>\n</profile>\n", 2, "missing child element"},
    {"duplicate field",
     HEAD "<profile name='x' kind='devices'>\n<field name='serial' column='s'/>\n"
          "<field name='serial' column='t'/>\n</profile>\n",
     4, "one-field-per-name"},
    {"duplicate map source",
     HEAD "<profile name='x' kind='tickets'>\n<field name='priority' column='p'>\n"
          "<map from='1' to='P1'/>\n<map from='1' to='P2'/>\n</field>\n</profile>\n",
     5, "one-map-per-source-value"},
    {"map to a priority that does not exist",
     HEAD "<profile name='x' kind='tickets'>\n<field name='priority' column='p'>\n"
          "<map from='1' to='P1'/>\n<map from='5' to='P5'/>\n</field>\n</profile>\n",
     5, "map to 'P5' is not one of P1, P2, P3, P4"},
    {"map to an unknown program",
     HEAD "<profile name='x' kind='accounts'>\n<field name='program' column='p'>\n"
          "<map from='E' to='elite'/>\n<map from='G' to='gold'/>\n</field>\n</profile>\n",
     5, "map to 'gold' is not one of elite, poly_plus"},
    {"constant priority out of range",
     HEAD "<profile name='x' kind='tickets'>\n<field name='priority' constant='P0'/>\n</profile>\n", 3,
     "constant 'P0'"},
    {"maps on a constant",
     HEAD "<profile name='x' kind='tickets'>\n<field name='priority' constant='P1'>\n"
          "<map from='1' to='P1'/>\n</field>\n</profile>\n",
     3, "maps apply to a column"},
    {"strict without maps",
     HEAD "<profile name='x' kind='tickets'>\n<field name='priority' column='p' strict='true'/>\n"
          "</profile>\n",
     3, "needs at least one map"},
    {"bad boolean",
     HEAD "<profile name='x' kind='tickets'>\n<field name='priority' column='p' strict='yes'/>\n"
          "</profile>\n",
     3, "attribute 'strict'"},
    {"wrong root element",
     HEAD "<profiles/>\n", 2, "element 'profiles': not the root element"},
    {"billion laughs",
     HEAD "<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
          " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
          " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
          " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
          " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
          " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
          " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
          " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
          " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
          " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
          "]>\n<profile name='&lol9;' kind='devices'><field name='serial' column='s'/></profile>\n",
     2, "DOCTYPE declarations are not allowed"},
    {"external entity (XXE)",
     HEAD "\n<!DOCTYPE profile [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>\n"
          "<profile name='&xxe;' kind='devices'><field name='serial' column='s'/></profile>\n",
     3, "DOCTYPE declarations are not allowed"},
    {"external DTD",
     HEAD "<!DOCTYPE profile SYSTEM \"http://example.invalid/profile.dtd\">\n"
          "<profile name='x' kind='devices'><field name='serial' column='s'/></profile>\n",
     2, "DOCTYPE declarations are not allowed"},
    {"DOCTYPE hidden in UTF-7",
     "<?xml version='1.0' encoding='UTF-7'?>\n+ADw-!DOCTYPE profile +AFs- +ADw-!ENTITY x "
     "SYSTEM +ACI-file:///etc/passwd+ACI-+AD4- +AF0-+AD4-\n"
     "<profile name='x' kind='devices'><field name='serial' column='s'/></profile>\n",
     2, "invalid XML"},
    {"undeclared entity reference",
     HEAD "<profile name='&x;' kind='devices'>\n<field name='serial' column='s'/>\n</profile>\n", 2,
     "invalid XML: entity 'x' not defined"},
    {"XInclude element",
     HEAD "<profile name='x' kind='devices' xmlns:xi='http://www.w3.org/2001/XInclude'>\n"
          "<field name='serial' column='s'/>\n<xi:include href='/etc/passwd' parse='text'/>\n"
          "</profile>\n",
     2, "XInclude is not allowed"},
    {"XInclude 2003 element",
     HEAD "<profile name='x' kind='devices'>\n<field name='serial' column='s'/>\n"
          "<include xmlns='http://www.w3.org/2003/XInclude' href='other.xml'/>\n</profile>\n",
     4, "XInclude is not allowed"},
};

static void test_bad_cases(void)
{
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const bad_case *c = &bad_cases[i];
        cr_profile *p = NULL;
        cr_error err;
        cr_error_clear(&err);
        double t0 = now_seconds();
        int rc = cr_profile_load_memory(c->xml, strlen(c->xml), "bad.xml", &p, &err);
        double took = now_seconds() - t0;
        CHECK_INT(rc, EX_CONFIG, "%s: EX_CONFIG", c->name);
        CHECK_INT(err.code, EX_CONFIG, "%s: err.code", c->name);
        CHECK(p == NULL, "%s: no profile", c->name);
        CHECK_STR(err.file, "bad.xml", "%s: file named", c->name);
        CHECK_INT(err.line, c->line, "%s: line %ld (%s)", c->name, c->line, err.message);
        CHECK(strstr(err.message, c->message) != NULL, "%s: message has '%s' (got '%s')",
              c->name, c->message, err.message);
        CHECK(strstr(err.message, "root:") == NULL && strstr(err.message, "/bin/") == NULL,
              "%s: no file contents in the message", c->name);
        CHECK(took < 1.0, "%s: refused in %.3f s", c->name, took);
        cr_profile_free(p);
    }
}

/* Nested <x> elements inside a valid profile, one per line. */
static char *nested_profile(int depth, size_t *len)
{
    size_t cap = 200 + (size_t)depth * 10;
    char *s = malloc(cap);
    size_t n = (size_t)snprintf(s, cap, "<profile name='x' kind='devices'>\n");
    for (int i = 1; i < depth; i++)
        n += (size_t)snprintf(s + n, cap - n, "<x>\n");
    for (int i = 1; i < depth; i++)
        n += (size_t)snprintf(s + n, cap - n, "</x>");
    n += (size_t)snprintf(s + n, cap - n, "</profile>\n");
    *len = n;
    return s;
}

static void test_depth(void)
{
    /* 100 deep: the parser accepts it, the tree walk refuses element 65 (line 65). */
    static const struct {
        int depth;
        long line;
        const char *message;
    } cases[] = {
        {100, 65, "nested deeper than 64 levels"},
        {300, 0, "nested deeper than 64 levels"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        char *xml = nested_profile(cases[i].depth, &len);
        cr_profile *p = NULL;
        cr_error err;
        cr_error_clear(&err);
        int rc = cr_profile_load_memory(xml, len, "deep.xml", &p, &err);
        CHECK_INT(rc, EX_CONFIG, "%d deep: EX_CONFIG", cases[i].depth);
        if (cases[i].line)
            CHECK_INT(err.line, cases[i].line, "%d deep: line", cases[i].depth);
        else
            CHECK(err.line > 64, "%d deep: line %ld past 64", cases[i].depth, err.line);
        CHECK(strstr(err.message, cases[i].message) != NULL, "%d deep: message '%s'",
              cases[i].depth, err.message);
        cr_profile_free(p);
        free(xml);
    }
    /* 64 deep is allowed by the walk (the schema then refuses <x>). */
    size_t len;
    char *xml = nested_profile(64, &len);
    cr_error err;
    cr_error_clear(&err);
    xmlDocPtr doc = cr_xml_load_memory(xml, len, "deep64.xml", NULL, &err);
    CHECK(doc != NULL, "64 deep: parses without a schema (%s)", err.message);
    xmlFreeDoc(doc);
    free(xml);
}

/* File-level refusals: size, gzip, encoding, missing file. */
static void test_files(void)
{
    char path[512];
    cr_profile *p = NULL;
    cr_error err;

    /* 2 MiB of valid-looking XML: a comment that never matters. */
    size_t big = 2u * 1024 * 1024;
    char *data = malloc(big);
    memset(data, ' ', big);
    memcpy(data, "<profile", 8);
    write_temp("big.xml", data, big, path, sizeof path);
    free(data);
    cr_error_clear(&err);
    CHECK_INT(cr_profile_load(path, &p, &err), EX_CONFIG, "2 MiB file: EX_CONFIG");
    CHECK_STR(err.message, "file is larger than 1 MiB", "2 MiB file: message");
    CHECK_STR(err.file, path, "2 MiB file: file named");
    CHECK(p == NULL, "2 MiB file: no profile");

    /* gzip of "<profile/>" would be inflated by libxml2's file reader. */
    static const unsigned char gz[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                       0x03, 0xb3, 0x29, 0x28, 0xca, 0x4f, 0xcb, 0xcc, 0x49,
                                       0xd5, 0xb7, 0x03, 0x00};
    write_temp("gz.xml", gz, sizeof gz, path, sizeof path);
    cr_error_clear(&err);
    CHECK_INT(cr_profile_load(path, &p, &err), EX_CONFIG, "gzip file: EX_CONFIG");
    CHECK(strstr(err.message, "gzip") != NULL, "gzip file: message '%s'", err.message);

    /* UTF-16 with a BOM: could hide a DOCTYPE from a byte scan. */
    static const char utf16[] = "\xff\xfe<\0p\0/\0>\0";
    write_temp("utf16.xml", utf16, sizeof utf16 - 1, path, sizeof path);
    cr_error_clear(&err);
    CHECK_INT(cr_profile_load(path, &p, &err), EX_CONFIG, "UTF-16 file: EX_CONFIG");
    CHECK(strstr(err.message, "UTF-16") != NULL, "UTF-16 file: message '%s'", err.message);

    /* UTF-16 without a BOM: NUL bytes. */
    static const char utf16nobom[] = "<\0?\0x\0m\0l\0";
    write_temp("utf16b.xml", utf16nobom, sizeof utf16nobom - 1, path, sizeof path);
    cr_error_clear(&err);
    CHECK_INT(cr_profile_load(path, &p, &err), EX_CONFIG, "NUL bytes: EX_CONFIG");
    CHECK(strstr(err.message, "NUL") != NULL, "NUL bytes: message '%s'", err.message);

    /* Latin-1 bytes. */
    static const char latin1[] = "<profile name='caf\xe9' kind='devices'/>";
    write_temp("latin1.xml", latin1, sizeof latin1 - 1, path, sizeof path);
    cr_error_clear(&err);
    CHECK_INT(cr_profile_load(path, &p, &err), EX_CONFIG, "Latin-1: EX_CONFIG");
    CHECK(strstr(err.message, "UTF-8") != NULL, "Latin-1: message '%s'", err.message);

    /* A valid file on disk, with a UTF-8 name and a BOM. */
    static const char good[] = "\xef\xbb\xbf<profile name='caf\xc3\xa9' kind='devices'>\n"
                               "<field name='serial' column='s'/></profile>\n";
    write_temp("good.xml", good, sizeof good - 1, path, sizeof path);
    cr_error_clear(&err);
    CHECK_INT(cr_profile_load(path, &p, &err), 0, "UTF-8 file with BOM loads (%s)", err.message);
    if (p)
        CHECK_STR(p->name, "caf\xc3\xa9", "UTF-8 name kept");
    cr_profile_free(p);
    p = NULL;

    /* An invalid file on disk: the line still comes through. */
    static const char badfile[] = "<profile name='x' kind='devices'>\n\n"
                                  "<field name='nope' column='s'/></profile>\n";
    write_temp("bad.xml", badfile, sizeof badfile - 1, path, sizeof path);
    cr_error_clear(&err);
    CHECK_INT(cr_profile_load(path, &p, &err), EX_CONFIG, "bad file: EX_CONFIG");
    CHECK_INT(err.line, 3, "bad file: line 3");
    CHECK_STR(err.file, path, "bad file: file named");

    snprintf(path, sizeof path, "%s/does-not-exist.xml", tmpdir);
    cr_error_clear(&err);
    CHECK_INT(cr_profile_load(path, &p, &err), EX_NOINPUT, "missing file: EX_NOINPUT");
    CHECK_INT(err.code, EX_NOINPUT, "missing file: err.code");
    CHECK_STR(err.file, path, "missing file: file named");
    CHECK(p == NULL, "missing file: no profile");

    cr_error_clear(&err);
    CHECK_INT(cr_profile_load(tmpdir, &p, &err), EX_NOINPUT, "directory: EX_NOINPUT");

    /* A smaller cap given by the caller. */
    cr_error_clear(&err);
    snprintf(path, sizeof path, "%s/good.xml", tmpdir);
    xmlDocPtr doc = cr_xml_load(path, "profile.xsd", 16, &err);
    CHECK(doc == NULL && err.code == EX_CONFIG, "cap of 16 bytes refuses the file");
    CHECK_STR(err.message, "file is larger than 16 bytes", "cap of 16 bytes: message");
    xmlFreeDoc(doc);
}

static void test_xml_attr(void)
{
    static const char xml[] = "<profile name='n' kind='devices'><field name='serial' "
                              "column='s'/></profile>";
    cr_error err;
    cr_error_clear(&err);
    xmlDocPtr doc = cr_xml_load_memory(xml, sizeof xml - 1, "attr.xml", "profile.xsd", &err);
    CHECK(doc != NULL, "cr_xml_load_memory: valid document (%s)", err.message);
    if (!doc)
        return;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    char *v = cr_xml_attr(root, "kind");
    CHECK_STR(v, "devices", "cr_xml_attr: present");
    free(v);
    v = cr_xml_attr(root, "separator");
    CHECK_STR(v, NULL, "cr_xml_attr: absent");
    free(v);
    xmlFreeDoc(doc);

    cr_error_clear(&err);
    doc = cr_xml_load_memory(xml, sizeof xml - 1, "attr.xml", "no-such.xsd", &err);
    CHECK(doc == NULL && err.code == EX_SOFTWARE, "unknown schema name: EX_SOFTWARE");
}

int main(void)
{
    const char *t = getenv("TOP");
    snprintf(top, sizeof top, "%s", t && *t ? t : ".");
    snprintf(tmpdir, sizeof tmpdir, "%s/csmreport-profile-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir)) {
        printf("FAIL cannot create a temporary directory\n");
        return 1;
    }

    test_poly_lens();
    test_servicenow_rest();
    test_uci_eventlog();
    test_every_kind();
    test_details();
    test_bad_cases();
    test_depth();
    test_files();
    test_xml_attr();

    static const char *const temps[] = {"big.xml", "gz.xml", "utf16.xml", "utf16b.xml",
                                        "latin1.xml", "good.xml", "bad.xml"};
    for (size_t i = 0; i < sizeof temps / sizeof temps[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", tmpdir, temps[i]);
        unlink(path);
    }
    rmdir(tmpdir);
    return unit_exit();
}
