/* kinds.c - the canonical input kinds of SPEC section 3: columns, natural keys,
 * and the import hooks of each kind. */
#include "csmreport/kinds.h"

#include <string.h>

#include "ingest_kinds.h"

static const char *const programs[] = {"elite", "poly_plus", "enterprise", "partner_poly_plus",
                                       "partner_enterprise", NULL};
static const char *const contract_categories[] = {"headset", "video", "voice", NULL};
static const char *const catalog_categories[] = {"headset", "video", "voice", "infrastructure", NULL};

#define COL(n, t, req, key) {n, t, req, key, NULL}
#define ENUM(n, req, key, values) {n, CR_V_ENUM, req, key, values}

static const cr_column accounts_cols[] = {
    COL("account_id", CR_V_ID, true, true),
    COL("account_name", CR_V_TEXT, true, false),
    COL("partner_id", CR_V_ID, false, false),
    COL("partner_name", CR_V_TEXT, false, false),
    ENUM("program", true, false, programs),
    COL("term_start", CR_V_DATE, true, false),
    COL("term_end", CR_V_DATE, true, false),
    COL("country", CR_V_ID, false, false),
    COL("region", CR_V_ID, false, false),
    COL("timezone", CR_V_TIMEZONE, false, false),
    COL("locale", CR_V_LOCALE, false, false),
    COL("currency", CR_V_CURRENCY, false, false),
    COL("recipients", CR_V_EMAILS, false, false),
    COL("options", CR_V_OPTIONS, false, false),
    COL("csm_name", CR_V_TEXT, false, false),
    COL("csm_email", CR_V_EMAILS, false, false),
};

static const cr_column partners_cols[] = {
    COL("partner_id", CR_V_ID, true, true),
    COL("partner_name", CR_V_TEXT, true, false),
    COL("locale", CR_V_LOCALE, false, false),
    COL("currency", CR_V_CURRENCY, false, false),
    COL("recipients", CR_V_EMAILS, false, false),
    COL("timezone", CR_V_TIMEZONE, false, false),
};

static const cr_column contracts_cols[] = {
    COL("account_id", CR_V_ID, true, true),
    ENUM("category", true, true, contract_categories),
    COL("agreed_count", CR_V_COUNT, true, false),
    COL("annual_unit_price", CR_V_MONEY, false, false),
    COL("trueup_pct", CR_V_PERCENT, false, false),
    COL("rma_threshold_pct", CR_V_PERCENT, false, false),
};

static const cr_column catalog_cols[] = {
    COL("model", CR_V_ID, true, true),
    ENUM("category", true, false, catalog_categories),
    COL("eos_date", CR_V_DATE, false, false),
    COL("list_price", CR_V_MONEY, false, false),
};

static const cr_column firmware_cols[] = {
    COL("model", CR_V_ID, true, true),
    COL("version", CR_V_ID, true, true),
    COL("release_date", CR_V_DATE, true, false),
};

static const cr_column holidays_cols[] = {
    COL("country", CR_V_ID, true, true),
    COL("date", CR_V_DATE, true, true),
    COL("region", CR_V_ID, false, true),
    COL("name", CR_V_TEXT, false, false),
};

static const cr_column devices_cols[] = {
    COL("snapshot_date", CR_V_DATE, true, true),
    COL("account_id", CR_V_ID, true, true),
    COL("serial", CR_V_ID, true, true),
    COL("model", CR_V_ID, true, false),
    COL("firmware", CR_V_TEXT, false, false),
    COL("site", CR_V_TEXT, false, false),
    COL("room", CR_V_TEXT, false, false),
    COL("status", CR_V_TEXT, false, false),
    COL("last_seen", CR_V_TIMESTAMP, false, false),
};

static const cr_column tickets_cols[] = {
    COL("ticket_id", CR_V_ID, true, true),
    COL("account_id", CR_V_ID, true, false),
    COL("site_id", CR_V_TEXT, false, false),
    COL("serial", CR_V_ID, false, false),
    COL("model", CR_V_ID, false, false),
    COL("priority", CR_V_PRIORITY, true, false),
    COL("status", CR_V_TEXT, false, false),
    COL("opened_at", CR_V_TIMESTAMP, true, false),
    COL("closed_at", CR_V_TIMESTAMP, false, false),
    COL("cloud_partner", CR_V_TEXT, false, false),
    COL("rma_number", CR_V_ID, false, false),
    COL("rma_approved_at", CR_V_TIMESTAMP, false, false),
    COL("shipped_at", CR_V_TIMESTAMP, false, false),
    COL("delivered_at", CR_V_TIMESTAMP, false, false),
    COL("root_cause", CR_V_TEXT, false, false),
    COL("updated_at", CR_V_TIMESTAMP, false, false),
};

static const cr_column usage_cols[] = {
    COL("date", CR_V_DATE, true, true),
    COL("account_id", CR_V_ID, true, false),
    COL("serial", CR_V_ID, true, true),
    COL("calls", CR_V_COUNT, false, false),
    COL("call_minutes", CR_V_COUNT, false, false),
    COL("meetings", CR_V_COUNT, false, false),
};

static const cr_column calls_cols[] = {
    COL("account_id", CR_V_ID, true, false),
    COL("serial", CR_V_ID, true, true),
    COL("start_time", CR_V_TIMESTAMP, true, true),
    COL("end_time", CR_V_TIMESTAMP, true, false),
    COL("direction", CR_V_TEXT, false, false),
    COL("protocol", CR_V_TEXT, false, false),
    COL("remote_party", CR_V_TEXT, false, false),
};

#define COLUMNS(cols) .columns = cols, .column_count = sizeof cols / sizeof cols[0]

/* The hooks are in ingest_kinds.c. Naive timestamps are read in the account's
 * effective zone (its own, else its partner's): accounts and partners re-time
 * what a change of it moves; tickets, devices and calls derive their UTC
 * instants from it. */
const cr_kind cr_kinds[] = {
    {"accounts", "accounts", COLUMNS(accounts_cols), .check = cr_ingest_kinds_accounts_check,
     .begin = cr_ingest_kinds_zones_begin, .end = cr_ingest_kinds_zones_end},
    {"partners", "partners", COLUMNS(partners_cols),
     .begin = cr_ingest_kinds_zones_begin, .end = cr_ingest_kinds_zones_end},
    {"contracts", "contracts", COLUMNS(contracts_cols)},
    {"catalog", "catalog", COLUMNS(catalog_cols)},
    {"firmware", "firmware", COLUMNS(firmware_cols)},
    {"holidays", "holidays", COLUMNS(holidays_cols)},
    /* A devices file replaces each (account, snapshot_date) it contains, whole. */
    {"devices", "devices", COLUMNS(devices_cols), .derive = cr_ingest_kinds_devices_derive,
     .begin = cr_ingest_kinds_snapshots_begin, .before_write = cr_ingest_kinds_snapshots_note,
     .end = cr_ingest_kinds_snapshots_end},
    {"tickets", "tickets", COLUMNS(tickets_cols), .derive = cr_ingest_kinds_tickets_derive,
     .check = cr_ingest_kinds_tickets_check},
    {"usage", "usage", COLUMNS(usage_cols), .flags = CR_KIND_SORT_MERGE},
    {"calls", "calls", COLUMNS(calls_cols), .derive = cr_ingest_kinds_calls_derive,
     .check = cr_ingest_kinds_calls_check},
};
const size_t cr_kind_count = sizeof cr_kinds / sizeof cr_kinds[0];

const cr_kind *cr_kind_find(const char *name)
{
    for (size_t i = 0; i < cr_kind_count; i++)
        if (strcmp(cr_kinds[i].name, name) == 0)
            return &cr_kinds[i];
    return NULL;
}

int cr_kind_column_index(const cr_kind *kind, const char *name)
{
    for (size_t i = 0; i < kind->column_count; i++)
        if (strcmp(kind->columns[i].name, name) == 0)
            return (int)i;
    return -1;
}

const char *cr_value_type_name(cr_value_type t)
{
    static const char *const names[] = {"text", "identifier", "date (YYYY-MM-DD)", "timestamp",
                                        "count", "amount", "percentage", "value", "time zone",
                                        "locale", "currency code", "e-mail addresses",
                                        "options", "priority (P1-P4)"};
    return names[t];
}
