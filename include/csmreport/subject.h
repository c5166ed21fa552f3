/* subject.h - what an account or a partner is, resolved once for every reader.
 *
 * A report's subject is an account (QBR, metrics) or a partner (partner
 * reports). Its currency, locale and time zone may come from the account's own
 * row, from its partner's row (partners export) or, when neither gives one,
 * from the program-wide defaults below. The views accounts_resolved and
 * partners_resolved (schema_v3.sql) say which row gives what; this module turns
 * a view row into a cr_subject and is the only place that applies a default.
 * Metrics, templates, rendering and mail all read a subject through it, so an
 * amount can never be in NOK in one output and in EUR in another.
 */
#ifndef CSMREPORT_SUBJECT_H
#define CSMREPORT_SUBJECT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "csmreport/datetime.h"
#include "csmreport/error.h"

/* Where an inherited field came from. */
typedef enum cr_subject_source {
    CR_SUBJECT_FROM_DEFAULT,   /* no row gives it: the default above */
    CR_SUBJECT_FROM_ACCOUNT,   /* the account's own row */
    CR_SUBJECT_FROM_PARTNER,   /* the partner's row (or, for a partner without
                                * one, what most of its accounts say) */
} cr_subject_source;

/* One account of a partner subject. */
typedef struct cr_subject_account {
    char *account_id, *account_name;
} cr_subject_account;

typedef struct cr_subject {
    bool is_partner;            /* a partner subject; else an account */
    /* Account subjects only (NULL / zero for a partner). */
    char *account_id, *account_name, *program;
    cr_date term_start, term_end;
    char *country, *region;     /* NULL when not given */
    char *options;              /* as written ("onsite;frurad"), NULL when none */
    bool opt_onsite, opt_four_hour, opt_frurad;
    bool billable;              /* program enterprise or partner_enterprise */
    bool partner_program;       /* partner_* program: the partner delivers it */
    char *csm_name, *csm_email; /* NULL when not given */
    /* Both kinds. partner_id/partner_name are NULL for an account without a
     * partner; a partner without any name is named by its id. */
    char *partner_id, *partner_name;
    char *recipients;           /* ";"-separated, NULL when none */
    /* Never NULL: given, inherited or the program-wide default (subject.c). */
    char *timezone, *locale, *currency;
    cr_subject_source timezone_from, locale_from, currency_from;
    int currency_digits;        /* ISO 4217 minor digits of currency */
    /* Who delivers the service, as reports say it: the partner's name for a
     * partner subject and for an account of a partner program; else NULL. */
    const char *delivered_by;
    /* Partner subjects: its accounts, in account_id order. */
    cr_subject_account *accounts;
    size_t account_count;
} cr_subject;

/* Loads account account_id into *out (the caller frees it with
 * cr_subject_free). An unknown account is EX_DATAERR "unknown account 'X'",
 * an account without name or program or with an invalid term EX_DATAERR too. */
int cr_subject_load(sqlite3 *db, const char *account_id, cr_subject **out, cr_error *err);

/* Loads partner partner_id (listed in the partners export or named by an
 * account) with its accounts into *out. An unknown partner is EX_DATAERR
 * "unknown partner 'X'". */
int cr_subject_load_partner(sqlite3 *db, const char *partner_id, cr_subject **out,
                            cr_error *err);

/* Frees a subject; NULL is a no-op. */
void cr_subject_free(cr_subject *s);

/* Which subjects cr_subject_list lists. */
typedef enum cr_subject_listing {
    CR_SUBJECT_LIST_ACCOUNT,          /* the account id, when it exists */
    CR_SUBJECT_LIST_PARTNER_ACCOUNTS, /* the accounts of partner id */
    CR_SUBJECT_LIST_ACCOUNTS,         /* every account */
    CR_SUBJECT_LIST_PARTNERS,         /* every partner */
} cr_subject_listing;

/* Called per listed subject: its id and its partner (the partner itself for a
 * partner; NULL for an account without one). A non-zero return stops the
 * listing and is returned by cr_subject_list. */
typedef int (*cr_subject_each_fn)(void *ctx, const char *id, const char *partner_id,
                                  cr_error *err);

/* Lists the subjects of `what` in id order (id: the account or partner it
 * needs, else NULL). Returns 0, each's status, or a sysexits code with err
 * filled. */
int cr_subject_list(sqlite3 *db, cr_subject_listing what, const char *id, cr_subject_each_fn each,
                    void *ctx, cr_error *err);

#endif
