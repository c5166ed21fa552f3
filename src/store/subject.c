/* subject.c - an account or a partner as every reader sees it (subject.h):
 * one row of accounts_resolved / partners_resolved, the option flags parsed
 * and the program-wide defaults applied, here and nowhere else.
 */
#include "csmreport/subject.h"

#include <stdlib.h>
#include <string.h>

#include "csmreport/db.h"
#include "csmreport/numfmt.h"
#include "csmreport/sql.h"

/* The program-wide defaults, for a field no row gives (SPEC 3: an empty time
 * zone is UTC). The currency is EUR: the programs are priced in it, and an
 * account without a currency always had its amounts shown in EUR and
 * computed with EUR's two minor digits. */
static const char default_locale[] = "en";
static const char default_currency[] = "EUR";
static const char default_timezone[] = "UTC";

/* A column's text, or def when it is NULL or empty (copied); *from says
 * which. The view's *_from column (col_from < 0: none) names the row. */
static char *inherited(sqlite3_stmt *st, int col, int col_from, const char *def,
                       cr_subject_source *from)
{
    const char *text = cr_db_column_text(st, col);
    if (!text || !*text) {
        *from = CR_SUBJECT_FROM_DEFAULT;
        return strdup(def);
    }
    char *v = strdup(text);
    const char *f = col_from >= 0 ? (const char *)sqlite3_column_text(st, col_from) : NULL;
    *from = f && strcmp(f, "account") == 0 ? CR_SUBJECT_FROM_ACCOUNT : CR_SUBJECT_FROM_PARTNER;
    return v;
}

/* Sets the option flags from "onsite;four_hour;frurad" (spaces around flags
 * allowed, unknown flags ignored). */
static void parse_options(cr_subject *s)
{
    const char *p = s->options;
    while (p && *p) {
        while (*p == ' ' || *p == ';')
            p++;
        const char *end = p;
        while (*end && *end != ';')
            end++;
        size_t len = (size_t)(end - p);
        while (len && p[len - 1] == ' ')
            len--;
        if (len == 6 && memcmp(p, "onsite", 6) == 0)
            s->opt_onsite = true;
        else if (len == 9 && memcmp(p, "four_hour", 9) == 0)
            s->opt_four_hour = true;
        else if (len == 6 && memcmp(p, "frurad", 6) == 0)
            s->opt_frurad = true;
        p = end;
    }
}

static bool parse_date(sqlite3_stmt *st, int col, cr_date *out)
{
    const char *s = (const char *)sqlite3_column_text(st, col);
    return s && cr_date_parse(s, strlen(s), out);
}

/* The fields every subject has once its row is read; false when out of memory. */
static bool finish(cr_subject *s)
{
    if (!s->timezone || !s->locale || !s->currency)
        return false;
    s->currency_digits = cr_numfmt_currency_digits(s->currency);
    if (s->currency_digits < 0)
        s->currency_digits = 2; /* the importer checks codes; a hand-made row may not */
    return true;
}

/* Fills s from the current row of subject.account. */
static int read_account(sqlite3_stmt *st, const char *account_id, cr_subject *s, cr_error *err)
{
    s->account_id = cr_db_column_dup(st, 0, NULL);
    s->account_name = cr_db_column_dup(st, 1, NULL);
    s->partner_id = cr_db_column_dup(st, 2, NULL);
    s->partner_name = cr_db_column_dup(st, 3, NULL);
    s->program = cr_db_column_dup(st, 4, NULL);
    s->country = cr_db_column_dup(st, 7, NULL);
    s->region = cr_db_column_dup(st, 8, NULL);
    s->timezone = inherited(st, 9, 16, default_timezone, &s->timezone_from);
    s->locale = inherited(st, 10, 17, default_locale, &s->locale_from);
    s->currency = inherited(st, 11, 18, default_currency, &s->currency_from);
    s->recipients = cr_db_column_dup(st, 12, NULL);
    s->options = cr_db_column_dup(st, 13, NULL);
    s->csm_name = cr_db_column_dup(st, 14, NULL);
    s->csm_email = cr_db_column_dup(st, 15, NULL);
    if (!finish(s))
        return cr_error_nomem(err);
    parse_options(s);
    if (!s->account_id || !s->account_name || !s->program)
        return cr_error_set(err, EX_DATAERR, NULL, 0, 0, "account '%s' lacks a name or program",
                            account_id);
    if (!parse_date(st, 5, &s->term_start) || !parse_date(st, 6, &s->term_end))
        return cr_error_set(err, EX_DATAERR, NULL, 0, 0, "account '%s' has an invalid term",
                            account_id);
    s->billable = strcmp(s->program, "enterprise") == 0 ||
                  strcmp(s->program, "partner_enterprise") == 0;
    s->partner_program = strncmp(s->program, "partner_", 8) == 0;
    s->delivered_by = s->partner_program ? s->partner_name : NULL;
    return 0;
}

int cr_subject_load(sqlite3 *db, const char *account_id, cr_subject **out, cr_error *err)
{
    *out = NULL;
    cr_subject *s = calloc(1, sizeof *s);
    if (!s)
        return cr_error_nomem(err);
    int rc;
    sqlite3_stmt *st = cr_sql_cached(db, "subject.account", err);
    if (!st) {
        rc = cr_error_exit_code(err);
        goto out_free_subject;
    }
    cr_sql_bind_text(st, ":account", account_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE)
        rc = cr_error_set(err, EX_DATAERR, NULL, 0, 0, "unknown account '%s'", account_id);
    else if (step != SQLITE_ROW)
        rc = cr_db_fail(db, step, "cannot read account", err);
    else
        rc = read_account(st, account_id, s, err);
    cr_sql_release(st);
out_free_subject:
    if (rc)
        cr_subject_free(s);
    else
        *out = s;
    return rc;
}

/* Adds the partner's accounts (id, name) to s. */
static int load_partner_accounts(sqlite3 *db, cr_subject *s, cr_error *err)
{
    sqlite3_stmt *st = cr_sql_cached(db, "subject.partner_accounts", err);
    if (!st)
        return cr_error_exit_code(err);
    cr_sql_bind_text(st, ":partner", s->partner_id);
    int rc = 0, step;
    size_t cap = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (s->account_count == cap) {
            cap = cap ? cap * 2 : 16;
            cr_subject_account *n = realloc(s->accounts, cap * sizeof *n);
            if (!n) {
                rc = cr_error_nomem(err);
                break;
            }
            s->accounts = n;
        }
        cr_subject_account *a = &s->accounts[s->account_count++];
        a->account_id = cr_db_column_dup(st, 0, NULL);
        a->account_name = cr_db_column_dup(st, 1, NULL);
        if (!a->account_id || !a->account_name) {
            rc = cr_error_nomem(err);
            break;
        }
    }
    if (!rc && step != SQLITE_DONE)
        rc = cr_db_fail(db, step, "cannot read partner accounts", err);
    cr_sql_release(st);
    return rc;
}

int cr_subject_load_partner(sqlite3 *db, const char *partner_id, cr_subject **out,
                            cr_error *err)
{
    *out = NULL;
    cr_subject *s = calloc(1, sizeof *s);
    if (!s)
        return cr_error_nomem(err);
    s->is_partner = true;
    int rc;
    sqlite3_stmt *st = cr_sql_cached(db, "subject.partner", err);
    if (!st) {
        rc = cr_error_exit_code(err);
        goto out_free_subject;
    }
    cr_sql_bind_text(st, ":partner", partner_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        rc = cr_error_set(err, EX_DATAERR, NULL, 0, 0, "unknown partner '%s'", partner_id);
    } else if (step != SQLITE_ROW) {
        rc = cr_db_fail(db, step, "cannot read partner", err);
    } else {
        s->partner_id = cr_db_column_dup(st, 0, NULL);
        s->partner_name = cr_db_column_dup(st, 1, NULL);
        s->locale = inherited(st, 2, -1, default_locale, &s->locale_from);
        s->currency = inherited(st, 3, -1, default_currency, &s->currency_from);
        s->timezone = inherited(st, 4, -1, default_timezone, &s->timezone_from);
        s->recipients = cr_db_column_dup(st, 5, NULL);
        s->delivered_by = s->partner_name;
        rc = !s->partner_id || !s->partner_name || !finish(s) ? cr_error_nomem(err) : 0;
    }
    cr_sql_release(st);
    if (!rc)
        rc = load_partner_accounts(db, s, err);
out_free_subject:
    if (rc)
        cr_subject_free(s);
    else
        *out = s;
    return rc;
}

void cr_subject_free(cr_subject *s)
{
    if (!s)
        return;
    char *fields[] = {s->account_id, s->account_name, s->program, s->country, s->region,
                      s->options, s->csm_name, s->csm_email, s->partner_id, s->partner_name,
                      s->recipients, s->timezone, s->locale, s->currency};
    for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
        free(fields[k]);
    for (size_t k = 0; k < s->account_count; k++) {
        free(s->accounts[k].account_id);
        free(s->accounts[k].account_name);
    }
    free(s->accounts);
    free(s);
}

int cr_subject_list(sqlite3 *db, cr_subject_listing what, const char *id, cr_subject_each_fn each,
                    void *ctx, cr_error *err)
{
    static const char *const queries[] = {
        [CR_SUBJECT_LIST_ACCOUNT] = "subject.list_account",
        [CR_SUBJECT_LIST_PARTNER_ACCOUNTS] = "subject.list_partner_accounts",
        [CR_SUBJECT_LIST_ACCOUNTS] = "subject.list_accounts",
        [CR_SUBJECT_LIST_PARTNERS] = "subject.list_partners",
    };
    sqlite3_stmt *st = cr_sql_cached(db, queries[what], err);
    if (!st)
        return cr_error_exit_code(err);
    cr_sql_bind_text(st, ":account", id);
    cr_sql_bind_text(st, ":partner", id);
    int rc = 0, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *sid = (const char *)sqlite3_column_text(st, 0);
        const char *partner = (const char *)sqlite3_column_text(st, 1);
        if (sid && (rc = each(ctx, sid, partner && *partner ? partner : NULL, err)))
            break;
    }
    if (!rc && step != SQLITE_DONE)
        rc = cr_db_fail(db, step, "cannot list the subjects", err);
    cr_sql_release(st);
    return rc;
}
