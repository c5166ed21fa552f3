/* check.c - the data-quality report (SPEC section 2): runs each named query of
 * check.sql and gathers its findings into one JSON document.
 */
#include "csmreport/check.h"

#include <stdbool.h>
#include <stdio.h>

#include "csmreport/db.h"
#include "csmreport/sql.h"

typedef struct check_def {
    const char *id;       /* also the query name, check.<id> */
    const char *severity; /* "warning": a metric is wrong or missing; "info": a default applies */
    const char *title;
} check_def;

/* Report order: reference data first, then the data that hangs off it. */
static const check_def checks[] = {
    {"unknown_models", "warning", "models not in the catalog (category unknown)"},
    {"devices_without_account", "warning", "devices of account ids not in accounts"},
    {"tickets_without_account", "warning", "tickets of account ids not in accounts"},
    {"usage_without_account", "warning", "usage and calls of account ids not in accounts"},
    {"contracts_without_account", "warning", "contract lines of account ids not in accounts"},
    {"tickets_without_device", "info", "tickets for serials never in the account's inventory"},
    {"usage_unknown_serials", "warning",
     "usage for serials never in the account's inventory (not counted by metrics)"},
    {"stale_snapshots", "warning",
     "months without an inventory snapshot (the previous one is carried forward)"},
    {"enterprise_without_contract", "warning",
     "enterprise accounts without contract lines (no true-up, no RMA threshold)"},
    {"unknown_partner", "info", "accounts naming a partner not in partners"},
    {"missing_firmware_data", "info",
     "inventory models without firmware releases (software currency unknown)"},
    {"missing_holidays", "warning",
     "term years without holidays (business-day rules count them as business days)"},
    {"rma_incomplete", "warning", "RMA tickets with missing or inconsistent dates"},
    {"accounts_missing_settings", "info",
     "accounts without time zone, currency or locale (defaults apply)"},
    {"accounts_without_inventory", "warning",
     "accounts without any inventory snapshot (nothing to report)"},
    {"accounts_without_recent_usage", "warning",
     "accounts with an inventory but no usage in the last 90 days of data (adoption 0 %)"},
    {"contract_category_without_devices", "warning",
     "contract lines whose category has no device in the latest inventory"},
    {"old_inventory", "warning",
     "accounts whose latest inventory is more than 45 days older than the latest data"},
};

/* Runs one check for account_id (NULL: every account); adds its entry to
 * `list` and its count to *problems. */
static int run_one(sqlite3 *db, const check_def *c, const char *account_id,
                   const char *data_date, cr_json *list, int64_t *problems, cr_error *err)
{
    char name[96];
    snprintf(name, sizeof name, "check.%s", c->id);
    sqlite3_stmt *st = cr_sql_cached(db, name, err);
    if (!st)
        return cr_error_exit_code(err);
    cr_sql_bind_text(st, ":account_id", account_id);
    cr_sql_bind_text(st, ":data_date", data_date);

    /* count is set now to keep the key order and replaced (in place) below */
    cr_json *entry = cr_json_append(list, cr_json_object());
    cr_json *examples = NULL, *subjects = NULL;
    if (!entry || !cr_json_set(entry, "id", cr_json_string(c->id))
        || !cr_json_set(entry, "title", cr_json_string(c->title))
        || !cr_json_set(entry, "severity", cr_json_string(c->severity))
        || !cr_json_set(entry, "count", cr_json_int(0))
        || !(examples = cr_json_set(entry, "examples", cr_json_array()))
        || !(subjects = cr_json_set(entry, "subjects", cr_json_array()))) {
        cr_sql_release(st);
        return cr_error_nomem(err);
    }

    int rc = 0, step;
    int64_t count = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (count++ >= CR_CHECK_EXAMPLES)
            continue;
        const char *detail = cr_db_column_text(st, 0);
        const char *subject = cr_db_column_text(st, 1);
        if (!cr_json_append(examples, cr_json_string(detail ? detail : ""))
            || !cr_json_append(subjects, subject ? cr_json_string(subject) : cr_json_null())) {
            rc = cr_error_nomem(err);
            goto out_finalize;
        }
    }
    if (step != SQLITE_DONE) {
        char what[128];
        snprintf(what, sizeof what, "check %s", c->id);
        rc = cr_db_fail(db, step, what, err);
        goto out_finalize;
    }
    if (!cr_json_set(entry, "count", cr_json_int(count))) {
        rc = cr_error_nomem(err);
        goto out_finalize;
    }
    *problems += count;

out_finalize:
    cr_sql_release(st);
    return rc;
}

int cr_check_data_date(sqlite3 *db, char *buf, size_t size, cr_error *err)
{
    buf[0] = '\0';
    sqlite3_stmt *st = cr_sql_prepare(db, "check.data_date", err);
    if (!st)
        return cr_error_exit_code(err);
    int step = sqlite3_step(st);
    int rc = 0;
    if (step == SQLITE_ROW) {
        const char *d = cr_db_column_text(st, 0);
        snprintf(buf, size, "%s", d ? d : "");
    } else {
        rc = cr_db_fail(db, step, "check data date", err);
    }
    sqlite3_finalize(st);
    return rc;
}

/* True when account_id has an accounts row; false with err filled when it
 * has none (EX_DATAERR) or the query fails. */
static bool account_known(sqlite3 *db, const char *account_id, cr_error *err)
{
    sqlite3_stmt *st = cr_sql_cached(db, "check.account_known", err);
    if (!st)
        return false;
    cr_sql_bind_text(st, ":account_id", account_id);
    int step = sqlite3_step(st);
    cr_sql_release(st);
    if (step == SQLITE_ROW)
        return true;
    if (step == SQLITE_DONE)
        cr_error_set(err, EX_DATAERR, NULL, 0, 0, "unknown account '%s'", account_id);
    else
        cr_db_fail(db, step, "check account", err);
    return false;
}

cr_json *cr_check_run(sqlite3 *db, cr_error *err)
{
    return cr_check_run_account(db, NULL, err);
}

cr_json *cr_check_run_account(sqlite3 *db, const char *account_id, cr_error *err)
{
    return cr_check_run_account_at(db, account_id, NULL, err);
}

cr_json *cr_check_run_account_at(sqlite3 *db, const char *account_id, const char *data_date,
                                 cr_error *err)
{
    if (account_id && !*account_id)
        account_id = NULL;
    cr_json *doc = cr_json_object();
    cr_json *list = NULL;
    /* the whole-store document keeps its keys as they always were */
    if (doc && (!account_id || cr_json_set(doc, "account_id", cr_json_string(account_id))))
        list = cr_json_set(doc, "checks", cr_json_array());
    if (!list) {
        cr_json_free(doc);
        cr_error_nomem(err);
        return NULL;
    }
    /* One read transaction: every check sees the same data. Inside a statement
     * still stepping (a template dataset calling check_json) the connection
     * already reads one snapshot, and a ROLLBACK here would end it. */
    bool own = sqlite3_txn_state(db, NULL) == SQLITE_TXN_NONE;
    if (own && cr_db_exec(db, "BEGIN", err))
        goto out_free;
    int64_t problems = 0;
    char latest[16];
    if (data_date)
        snprintf(latest, sizeof latest, "%s", data_date);
    else if (cr_check_data_date(db, latest, sizeof latest, err))
        goto out_rollback;
    for (size_t k = 0; k < sizeof checks / sizeof checks[0]; k++)
        if (run_one(db, &checks[k], account_id, latest, list, &problems, err))
            goto out_rollback;
    if (account_id && problems == 0 && !account_known(db, account_id, err))
        goto out_rollback;
    if (own)
        cr_db_rollback(db); /* nothing was written: just ends the read */
    if (!cr_json_set(doc, "problems", cr_json_int(problems))) {
        cr_error_nomem(err);
        goto out_free;
    }
    return doc;

out_rollback:
    if (own)
        cr_db_rollback(db);
out_free:
    cr_json_free(doc);
    return NULL;
}
