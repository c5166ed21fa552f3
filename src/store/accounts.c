/* accounts.c - the accounts with their data range (accounts.h), from the
 * queries of accounts.sql. */
#include "csmreport/accounts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmreport/db.h"
#include "csmreport/nearest.h"
#include "csmreport/sql.h"

/* Column names of accounts.list, as the JSON keys. */
static const char *const keys[] = {"account_id", "account_name", "partner_id", "partner_name",
                                   "program", "term_start", "term_end", "data_first",
                                   "data_last", "inventory_first", "inventory_last"};
#define N_KEYS (sizeof keys / sizeof keys[0])

cr_json *cr_accounts_list(sqlite3 *db, const char *account, cr_error *err)
{
    sqlite3_stmt *st = cr_sql_prepare(db, "accounts.list", err);
    if (!st)
        return NULL;
    cr_sql_bind_text(st, ":account", account);
    cr_json *list = cr_json_array();
    if (!list)
        goto out_nomem;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        cr_json *o = cr_json_append(list, cr_json_object());
        if (!o)
            goto out_nomem;
        for (size_t k = 0; k < N_KEYS; k++)
            if (!cr_json_set(o, keys[k], cr_json_string(cr_db_column_text(st, (int)k))))
                goto out_nomem;
    }
    if (step != SQLITE_DONE) {
        cr_db_fail(db, step, "cannot list the accounts", err);
        goto out_free;
    }
    sqlite3_finalize(st);
    return list;
out_nomem:
    cr_error_nomem(err);
out_free:
    sqlite3_finalize(st);
    cr_json_free(list);
    return NULL;
}

static const char *text_of(const cr_json *o, const char *key)
{
    return cr_json_is_null(cr_json_get(o, key)) ? NULL : cr_json_get_string(cr_json_get(o, key));
}

static void copy_date(char dst[11], const char *src)
{
    snprintf(dst, 11, "%s", src ? src : "");
}

int cr_accounts_check_period(sqlite3 *db, const char *account, const char *first,
                             const char *last, bool *empty, cr_period_gap *gap, cr_error *err)
{
    *empty = false;
    memset(gap, 0, sizeof *gap);
    /* the common case, an account in its term with an inventory, in two seeks */
    sqlite3_stmt *st = cr_sql_cached(db, "accounts.term_inventory", err);
    if (!st)
        return cr_error_exit_code(err);
    cr_sql_bind_text(st, ":account", account);
    int step = sqlite3_step(st);
    bool fine = false;
    if (step == SQLITE_ROW) {
        const char *ts = cr_db_column_text(st, 0), *te = cr_db_column_text(st, 1);
        const char *inv = cr_db_column_text(st, 2);
        fine = ts && te && inv && strcmp(first, te) <= 0 && strcmp(last, ts) >= 0 &&
               strcmp(inv, last) <= 0;
    }
    cr_sql_release(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return cr_db_fail(db, step, "account term", err);
    if (fine)
        return 0;
    cr_json *list = cr_accounts_list(db, account, err);
    if (!list)
        return cr_error_exit_code(err);
    const cr_json *a = cr_json_at(list, 0);
    if (a) {
        const char *inv = text_of(a, "inventory_first");
        const char *ts = text_of(a, "term_start"), *te = text_of(a, "term_end");
        const char *df = text_of(a, "data_first"), *dl = text_of(a, "data_last");
        bool in_term = ts && te && strcmp(first, te) <= 0 && strcmp(last, ts) >= 0;
        bool in_data = df && dl && strcmp(first, dl) <= 0 && strcmp(last, df) >= 0;
        *empty = (!in_term && !in_data) || !inv || strcmp(inv, last) > 0;
        gap->outside = !in_term && !in_data;
        copy_date(gap->last, last);
        copy_date(gap->term_start, ts);
        copy_date(gap->term_end, te);
        copy_date(gap->data_first, df);
        copy_date(gap->data_last, dl);
        copy_date(gap->inventory_first, inv);
    }
    cr_json_free(list);
    return 0;
}

void cr_accounts_gap_text(const cr_period_gap *gap, const char *label, char *buf, size_t size)
{
    if (gap->outside)
        snprintf(buf, size, "period %s is outside its term %s..%s and its data %s..%s", label,
                 *gap->term_start ? gap->term_start : "?", *gap->term_end ? gap->term_end : "?",
                 *gap->data_first ? gap->data_first : "(none)",
                 *gap->data_last ? gap->data_last : "(none)");
    else if (*gap->inventory_first)
        snprintf(buf, size, "no inventory on or before %s (the first snapshot is %s)", gap->last,
                 gap->inventory_first);
    else
        snprintf(buf, size, "no inventory on or before %s (no devices file imported for it)",
                 gap->last);
}

void cr_accounts_nearest(sqlite3 *db, const char *id, char *buf, size_t size)
{
    buf[0] = '\0';
    cr_error err;
    cr_error_clear(&err);
    sqlite3_stmt *st = cr_sql_prepare(db, "accounts.ids", &err);
    if (!st)
        return;
    char **ids = NULL;
    size_t n = 0, cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **grown = realloc(ids, cap * sizeof *grown);
            if (!grown)
                break;
            ids = grown;
        }
        bool ok;
        char *s = cr_db_column_dup(st, 0, &ok);
        if (!s)
            break;
        ids[n++] = s;
    }
    sqlite3_finalize(st);
    const char *near = cr_nearest_pick(id, (const char *const *)ids, n);
    if (near)
        snprintf(buf, size, "%s", near);
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
}
