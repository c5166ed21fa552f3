/* kinds.c - the canonical input kinds of SPEC section 3: columns, natural keys,
 * and the import hooks of each kind. */
#include "csmreport/kinds.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "csmreport/nearest.h"
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

/* ---------- header names as exports write them ---------- */

/* Other names real exports give a canonical column, normalised (lower case,
 * letters and digits only): "Serial Number" is "serialnumber". */
typedef struct synonym {
    const char *column;
    const char *names; /* space-separated */
} synonym;

static const synonym synonyms[] = {
    {"account_id", "account accountid accountnumber customer customerid customernumber "
                   "tenant tenantid organization organizationid org orgid"},
    {"account_name", "accountname customername companyname organizationname tenantname"},
    {"partner_id", "partner partnerid resellerid reseller"},
    {"partner_name", "partnername resellername"},
    {"program", "serviceprogram plan serviceplan supportprogram"},
    {"term_start", "termstart contractstart startdate contractstartdate"},
    {"term_end", "termend contractend enddate contractenddate"},
    {"country", "countrycode"},
    {"timezone", "tz timezonename zone"},
    {"recipients", "emails recipientemails mailto"},
    {"csm_name", "csm csmname successmanager"},
    {"csm_email", "csmemail successmanageremail"},
    {"category", "devicecategory devicetype producttype type"},
    {"agreed_count", "agreed quantity qty seats licenses licences devicesagreed"},
    {"annual_unit_price", "unitprice annualprice annualunitprice"},
    {"eos_date", "eos endofservice endofservicedate eosdate"},
    {"list_price", "listprice price msrp"},
    {"version", "firmwareversion softwareversion release"},
    {"release_date", "releasedate released releasedon"},
    {"name", "holiday holidayname title"},
    {"snapshot_date", "snapshot snapshotdate exportdate exportedon reportdate inventorydate "
                      "asof asofdate"},
    {"serial", "serialnumber serialno sn deviceserial deviceserialnumber devicesn hardwareid"},
    {"model", "devicemodel modelname productmodel product devicetype hardwaremodel"},
    {"firmware", "firmwareversion softwareversion software fwversion swversion"},
    {"site", "sitename location locationname office building"},
    {"site_id", "site sitename location locationid"},
    {"room", "roomname meetingroom space"},
    {"status", "state devicestatus connectionstatus connected online ticketstatus casestatus "
               "incidentstate"},
    {"last_seen", "lastseen lastdetected lastcontact lastonline lastconnected lastcheckin"},
    {"ticket_id", "ticket ticketnumber number issuekey key caseid casenumber case incident "
                  "incidentid incidentnumber id"},
    {"priority", "severity urgency prio ticketpriority casepriority incidentpriority"},
    {"opened_at", "opened created createdat createddate createdon opendate openedat "
                  "opened_on submitted datecreated dateopened"},
    {"closed_at", "closed resolved resolvedat resolvedon resolutiondate closedate closedon "
                  "dateclosed dateresolved"},
    {"cloud_partner", "cloudpartner ecps cloudprovider"},
    {"rma_number", "rma rmanumber rmaid rmano"},
    {"rma_approved_at", "rmaapproved rmaapprovedat rmadate rmaapprovaldate"},
    {"shipped_at", "shipped shipdate shippedon shippeddate"},
    {"delivered_at", "delivered deliverydate deliveredon delivereddate"},
    {"root_cause", "rootcause cause resolutioncode"},
    {"updated_at", "updated updatedat updatedon lastupdated modified lastmodified sysupdatedon"},
    {"date", "day usagedate"},
    {"calls", "callcount numberofcalls totalcalls"},
    {"call_minutes", "callminutes minutes totalminutes durationminutes"},
    {"meetings", "meetingcount numberofmeetings"},
    {"start_time", "starttime start calldate callstart started begin"},
    {"end_time", "endtime end callend ended"},
    {"protocol", "proto"},
    {"remote_party", "remoteparty remote dst destination callee"},
};

/* Writes the normalised form of s (ASCII letters lowered, digits, nothing
 * else) into buf. */
static void normalise(const char *s, char *buf, size_t size)
{
    size_t n = 0;
    for (; *s && n + 1 < size; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch >= 'A' && ch <= 'Z')
            buf[n++] = (char)(ch - 'A' + 'a');
        else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
            buf[n++] = (char)ch;
    }
    buf[n] = '\0';
}

static bool in_list(const char *names, const char *word)
{
    size_t len = strlen(word);
    for (const char *p = names; *p;) {
        const char *end = strchr(p, ' ');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && memcmp(p, word, n) == 0)
            return true;
        p += n;
        while (*p == ' ')
            p++;
    }
    return false;
}

int cr_kind_match_header(const char *column, const char *const *header, size_t n,
                         const bool *taken, bool *exact)
{
    if (exact)
        *exact = false;
    for (size_t i = 0; i < n; i++)
        if ((!taken || !taken[i]) && strcasecmp(header[i], column) == 0) {
            if (exact)
                *exact = true;
            return (int)i;
        }
    char want[64], have[256];
    normalise(column, want, sizeof want);
    const char *names = NULL;
    for (size_t s = 0; s < sizeof synonyms / sizeof synonyms[0]; s++)
        if (strcmp(synonyms[s].column, column) == 0)
            names = synonyms[s].names;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++) {
            if (taken && taken[i])
                continue;
            normalise(header[i], have, sizeof have);
            if (pass == 0 ? strcmp(have, want) == 0 : names && *have && in_list(names, have))
                return (int)i;
        }
    return -1;
}

/* ---------- messages ---------- */

/* Appends the kind names, comma-separated, to buf. */
static void list_kinds(char *buf, size_t size)
{
    size_t used = strlen(buf);
    for (size_t k = 0; k < cr_kind_count && used < size; k++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", k ? ", " : "", cr_kinds[k].name);
}

int cr_kind_error_unknown(const char *name, cr_error *err)
{
    const char *names[16];
    size_t n = cr_kind_count < 16 ? cr_kind_count : 16;
    for (size_t k = 0; k < n; k++)
        names[k] = cr_kinds[k].name;
    const char *near = cr_nearest_pick(name, names, n);
    char kinds[256] = "";
    list_kinds(kinds, sizeof kinds);
    if (near)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0,
                            "unknown kind '%s'; did you mean '%s'? (kinds: %s)", name, near, kinds);
    return cr_error_set(err, EX_USAGE, NULL, 0, 0, "unknown kind '%s' (kinds: %s)", name, kinds);
}

/* What the header has of kind's required columns: their count found, and
 * (when buf is given) "found a, b (as 'B'); missing c, d" in buf. */
static int describe_kind(const cr_kind *kind, const char *const *header, size_t n, char *buf,
                         size_t size, int *missing_count)
{
    int found = 0;
    size_t used = 0;
    char missing[512] = "";
    size_t mused = 0;
    if (buf)
        buf[0] = '\0';
    for (size_t c = 0; c < kind->column_count; c++) {
        const cr_column *col = &kind->columns[c];
        if (!col->required)
            continue;
        bool exact;
        int at = cr_kind_match_header(col->name, header, n, NULL, &exact);
        if (at >= 0) {
            found++;
            if (buf && used < size) {
                if (exact)
                    used += (size_t)snprintf(buf + used, size - used, "%s%s",
                                             used ? ", " : "found ", col->name);
                else
                    used += (size_t)snprintf(buf + used, size - used, "%s%s (as '%s')",
                                             used ? ", " : "found ", col->name, header[at]);
            }
        } else if (mused < sizeof missing) {
            if (missing_count)
                (*missing_count)++;
            mused += (size_t)snprintf(missing + mused, sizeof missing - mused, "%s%s",
                                      mused ? ", " : "", col->name);
        }
    }
    if (buf && used < size)
        snprintf(buf + used, size - used, "%smissing %s", used ? "; " : "",
                 mused ? missing : "none: it needs a profile");
    return found;
}

int cr_kind_error_no_match(const char *path, const char *const *header, size_t n,
                           cr_error *err)
{
    enum { SHOWN = 3 };
    /* the kinds with the most required columns found, then the fewest missing */
    const cr_kind *best[SHOWN] = {NULL};
    int score[SHOWN] = {0}, short_of[SHOWN] = {0};
    for (size_t k = 0; k < cr_kind_count; k++) {
        int missing = 0;
        int found = describe_kind(&cr_kinds[k], header, n, NULL, 0, &missing);
        if (found == 0)
            continue;
        for (int s = 0; s < SHOWN; s++) {
            if (!best[s] || found > score[s] || (found == score[s] && missing < short_of[s])) {
                size_t move = SHOWN - 1 - (size_t)s;
                memmove(&best[s + 1], &best[s], move * sizeof best[0]);
                memmove(&score[s + 1], &score[s], move * sizeof score[0]);
                memmove(&short_of[s + 1], &short_of[s], move * sizeof short_of[0]);
                best[s] = &cr_kinds[k];
                score[s] = found;
                short_of[s] = missing;
                break;
            }
        }
    }
    char msg[CR_ERROR_MSG_MAX];
    size_t used = 0;
    if (!best[0]) {
        char kinds[256] = "";
        list_kinds(kinds, sizeof kinds);
        return cr_error_set(err, EX_DATAERR, path, 1, 0,
                            "the header has none of the columns of any kind (%s); start a "
                            "profile with 'csmreport profile init --kind K FILE'", kinds);
    }
    used += (size_t)snprintf(msg, sizeof msg, "cannot tell the kind of export from its header; "
                                              "nearest:");
    for (int s = 0; s < SHOWN && best[s] && used < sizeof msg; s++) {
        char what[600];
        describe_kind(best[s], header, n, what, sizeof what, NULL);
        used += (size_t)snprintf(msg + used, sizeof msg - used, "%s %s (%s)", s ? ";" : "",
                                 best[s]->name, what);
    }
    return cr_error_set(err, EX_DATAERR, path, 1, 0,
                        "%s; use --kind with a profile: 'csmreport profile init --kind %s FILE' "
                        "writes one",
                        msg, best[0]->name);
}

static bool in_header(const char *const *header, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (header[i] && strcasecmp(header[i], name) == 0)
            return true;
    return false;
}

static bool kind_has(const cr_kind *kind, const char *name)
{
    for (size_t c = 0; c < kind->column_count; c++)
        if (strcasecmp(kind->columns[c].name, name) == 0)
            return true;
    return false;
}

/* Header names that are another kind's canonical columns but none of kind's. */
static size_t unplaced(const char *const *header, size_t count, const cr_kind *kind,
                       const char **names, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        if (!header[i] || !header[i][0] || kind_has(kind, header[i]))
            continue;
        for (size_t k = 0; k < cr_kind_count; k++)
            if (&cr_kinds[k] != kind && kind_has(&cr_kinds[k], header[i])) {
                if (n < max)
                    names[n] = header[i];
                n++;
                break;
            }
    }
    return n;
}

static void append(char *buf, size_t size, size_t *used, const char *a, const char *b)
{
    if (*used >= size)
        return;
    int w = snprintf(buf + *used, size - *used, "%s%s", a, b);
    *used = w < 0 ? size : *used + (size_t)w;
}

/* "as K it cannot place X, Y" or "as K it lacks X" for one candidate. */
static void describe(char *why, size_t size, size_t *used, const char *const *header, size_t count,
                     const cr_kind *kind, bool fits)
{
    append(why, size, used, *used ? "; as " : "as ", kind->name);
    if (fits) {
        const char *names[8];
        size_t n = unplaced(header, count, kind, names, 8);
        if (n == 0) {
            append(why, size, used, " it fits as well", "");
            return;
        }
        append(why, size, used, " it cannot place ", "");
        for (size_t i = 0; i < n && i < 8; i++)
            append(why, size, used, i ? ", " : "", names[i]);
        if (n > 8)
            append(why, size, used, ", ...", "");
        return;
    }
    append(why, size, used, " it lacks ", "");
    bool first = true;
    for (size_t c = 0; c < kind->column_count; c++)
        if (kind->columns[c].required && !in_header(header, count, kind->columns[c].name)) {
            append(why, size, used, first ? "" : ", ", kind->columns[c].name);
            first = false;
        }
}

cr_kind_verdict cr_kind_detect(const char *const *header, size_t count, const cr_kind **kind,
                               char *why, size_t why_size)
{
    const cr_kind *best = NULL;
    int best_score = -1, ties = 0;
    bool fits[sizeof cr_kinds / sizeof cr_kinds[0]] = {0};
    for (size_t k = 0; k < cr_kind_count; k++) {
        int present = 0;
        bool all = true;
        for (size_t c = 0; c < cr_kinds[k].column_count; c++) {
            bool here = in_header(header, count, cr_kinds[k].columns[c].name);
            present += here;
            all = all && (here || !cr_kinds[k].columns[c].required);
        }
        if (!all)
            continue;
        fits[k] = true;
        if (present > best_score) {
            best = &cr_kinds[k];
            best_score = present;
            ties = 0;
        } else if (present == best_score) {
            ties++;
        }
    }
    if (!best)
        return CR_KIND_NONE;
    const char *names[1];
    if (!ties && unplaced(header, count, best, names, 1) == 0) {
        *kind = best;
        return CR_KIND_FOUND;
    }
    /* The candidates: every kind that fits, and every kind owning a column
     * the best fit cannot place. */
    size_t used = 0;
    if (why_size)
        why[0] = '\0';
    for (size_t k = 0; k < cr_kind_count; k++)
        if (fits[k])
            describe(why, why_size, &used, header, count, &cr_kinds[k], true);
    for (size_t k = 0; k < cr_kind_count; k++) {
        if (fits[k])
            continue;
        bool owns = false;
        for (size_t i = 0; i < count && !owns; i++)
            owns = header[i] && header[i][0] && !kind_has(best, header[i]) &&
                   kind_has(&cr_kinds[k], header[i]);
        if (owns)
            describe(why, why_size, &used, header, count, &cr_kinds[k], false);
    }
    return CR_KIND_REFUSED;
}
