/* mailtext.h - the subject and the short text of a report's message, in the
 * report's language (internal to src/batch: run.c builds the figures, this
 * writes them). */
#ifndef CSMREPORT_MAILTEXT_H
#define CSMREPORT_MAILTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "csmreport/batch.h"
#include "csmreport/error.h"
#include "csmreport/numfmt.h"
#include "csmreport/period.h"

#define CR_MAILTEXT_CURRENCIES 8

/* The headline figures of one message; each shown only when its have_ flag is set. */
typedef struct cr_mailtext_figures {
    bool have_accounts, have_devices, have_adoption, have_rma;
    long long accounts, devices;
    double adoption, rma_rate, rma_threshold;
    /* True-up charges of the period, per currency (minor units). */
    size_t charge_count;
    struct {
        char currency[4];
        long long minor;
    } charges[CR_MAILTEXT_CURRENCIES];
} cr_mailtext_figures;

typedef struct cr_mailtext_input {
    cr_locale loc;
    const char *stem;             /* the template's output stem: "qbr", "inventory", ... */
    const char *name;             /* the account's or partner's name */
    const cr_period *period;
    const cr_batch_text *custom;  /* the batch's texts in loc; NULL: built-in */
    const cr_mailtext_figures *figures;
    const char *const *attachments; /* file names */
    size_t attachment_count;
} cr_mailtext_input;

/* The period as loc writes it: "Q3 2026", "T3 2026", "3. kv. 2026", "2026年第3四半期". */
void cr_mailtext_period(cr_locale loc, const cr_period *p, char *buf, size_t size);

/* Builds *subject and *body (the caller frees both). Returns 0 or
 * CR_EX_NOMEM with err filled. */
int cr_mailtext_build(const cr_mailtext_input *in, char **subject, char **body, cr_error *err);

#endif
