/* mailtext.c - the words of a report's message in en, fr, nb and ja: the
 * subject, an opening line (the batch may replace both), two to four headline
 * figures and the list of attachments. Plain text: nothing here is markup. */
#include "mailtext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct words {
    const char *qbr, *inventory, *report;
    const char *subject, *opening;
    const char *accounts, *devices, *adoption, *rma, *charge;
    const char *attachments, *footer;
} words;

/* Indexed by cr_locale. {report}, {name}, {period} are filled in. */
static const words WORDS[CR_LOCALE_COUNT] = {
    [CR_LOCALE_EN] = {"Quarterly business review", "Monthly inventory report", "Report",
                      "{report} — {name} — {period}",
                      "Attached: {report} for {name}, {period}.",
                      "Customer accounts", "Devices", "Adoption",
                      "Headset RMA rate (threshold {threshold})", "True-up charges",
                      "Attachments:", "This message was written by csmreport."},
    [CR_LOCALE_FR] = {"Revue trimestrielle d’activité", "Rapport mensuel d’inventaire",
                      "Rapport", "{report} — {name} — {period}",
                      "Ci-joint : {report} pour {name}, {period}.",
                      "Comptes clients", "Appareils", "Taux d’adoption",
                      "Taux de RMA des casques (seuil {threshold})", "Régularisations (true-up)",
                      "Pièces jointes :", "Ce message a été rédigé par csmreport."},
    [CR_LOCALE_NB] = {"Kvartalsvis forretningsgjennomgang", "Månedlig inventarrapport",
                      "Rapport", "{report} — {name} — {period}",
                      "Vedlagt: {report} for {name}, {period}.",
                      "Kundekontoer", "Enheter", "Bruksgrad",
                      "RMA-rate for hodesett (terskel {threshold})", "True-up-kostnader",
                      "Vedlegg:", "Denne meldingen er laget av csmreport."},
    [CR_LOCALE_JA] = {"四半期ビジネスレビュー", "月次インベントリレポート", "レポート",
                      "{report} — {name} — {period}",
                      "{name}の{period}の{report}をお送りします。",
                      "顧客アカウント数", "デバイス数", "利用率",
                      "ヘッドセット RMA 率（しきい値 {threshold}）", "トゥルーアップ料金",
                      "添付ファイル：", "このメールは csmreport が作成しました。"},
};

void cr_mailtext_period(cr_locale loc, const cr_period *p, char *buf, size_t size)
{
    int y = p->start.year;
    char a[48], b[48], iso[11];
    switch (p->kind) {
    case CR_PERIOD_QUARTER: {
        int q = (p->start.month - 1) / 3 + 1;
        if (loc == CR_LOCALE_FR)
            snprintf(buf, size, "T%d %d", q, y);
        else if (loc == CR_LOCALE_NB)
            snprintf(buf, size, "%d. kv. %d", q, y);
        else if (loc == CR_LOCALE_JA)
            snprintf(buf, size, "%d年第%d四半期", y, q);
        else
            snprintf(buf, size, "Q%d %d", q, y);
        return;
    }
    case CR_PERIOD_MONTH:
        cr_date_format(p->start, iso);
        if (cr_numfmt_month(loc, iso, buf, size) < 0)
            snprintf(buf, size, "%s", p->label);
        return;
    case CR_PERIOD_YEAR:
        snprintf(buf, size, loc == CR_LOCALE_JA ? "%d年" : "%d", y);
        return;
    case CR_PERIOD_RANGE:
    default:
        cr_date_format(p->start, iso);
        cr_numfmt_date(loc, iso, a, sizeof a);
        cr_date_format(p->end, iso);
        cr_numfmt_date(loc, iso, b, sizeof b);
        snprintf(buf, size, "%s – %s", a, b);
        return;
    }
}

/* Writes text to f with {report}, {name}, {period} and {threshold} filled in;
 * any other brace is written as it is. */
static void fill(FILE *f, const char *text, const char *report, const char *name,
                 const char *period, const char *threshold)
{
    static const char *const keys[] = {"{report}", "{name}", "{period}", "{threshold}"};
    const char *values[] = {report, name, period, threshold};
    for (const char *s = text; *s;) {
        bool done = false;
        for (size_t k = 0; k < 4 && *s == '{'; k++) {
            size_t n = strlen(keys[k]);
            if (strncmp(s, keys[k], n) == 0) {
                fputs(values[k] ? values[k] : "", f);
                s += n;
                done = true;
                break;
            }
        }
        if (!done)
            fputc(*s++, f);
    }
}

/* One "  Label: value" line. */
static void figure(FILE *f, cr_locale loc, const char *label, const char *value)
{
    fprintf(f, "  %s%s%s\n", label,
            loc == CR_LOCALE_FR ? " : " : loc == CR_LOCALE_JA ? "：" : ": ", value);
}

static void write_figures(FILE *f, const cr_mailtext_input *in, const words *w)
{
    const cr_mailtext_figures *fg = in->figures;
    char v[96], t[32];
    if (!fg)
        return;
    if (fg->have_accounts) {
        cr_numfmt_int(in->loc, fg->accounts, v, sizeof v);
        figure(f, in->loc, w->accounts, v);
    }
    if (fg->have_devices) {
        cr_numfmt_int(in->loc, fg->devices, v, sizeof v);
        figure(f, in->loc, w->devices, v);
    }
    if (fg->have_adoption) {
        cr_numfmt_percent(in->loc, fg->adoption, 1, v, sizeof v);
        figure(f, in->loc, w->adoption, v);
    }
    if (fg->have_rma) {
        char *label = NULL;
        size_t len = 0;
        FILE *lf = open_memstream(&label, &len);
        cr_numfmt_percent(in->loc, fg->rma_threshold, 0, t, sizeof t);
        if (lf) {
            fill(lf, w->rma, NULL, NULL, NULL, t);
            fclose(lf);
        }
        cr_numfmt_percent(in->loc, fg->rma_rate, 1, v, sizeof v);
        figure(f, in->loc, label ? label : w->rma, v);
        free(label);
    }
    if (fg->charge_count) {
        char all[CR_MAILTEXT_CURRENCIES * 48] = "";
        for (size_t i = 0; i < fg->charge_count; i++) {
            cr_numfmt_money(in->loc, fg->charges[i].minor, fg->charges[i].currency, v, sizeof v);
            if (i)
                strncat(all, "; ", sizeof all - strlen(all) - 1);
            strncat(all, v, sizeof all - strlen(all) - 1);
        }
        figure(f, in->loc, w->charge, all);
    }
}

int cr_mailtext_build(const cr_mailtext_input *in, char **subject, char **body, cr_error *err)
{
    *subject = *body = NULL;
    cr_locale loc = in->loc < CR_LOCALE_COUNT ? in->loc : CR_LOCALE_EN;
    const words *w = &WORDS[loc];
    const char *report = !in->stem ? w->report
                         : strcmp(in->stem, "qbr") == 0 ? w->qbr
                         : strcmp(in->stem, "inventory") == 0 ? w->inventory
                         : w->report;
    char period[96];
    cr_mailtext_period(loc, in->period, period, sizeof period);
    const char *subject_text = in->custom && in->custom->subject ? in->custom->subject : w->subject;
    const char *opening = in->custom && in->custom->body ? in->custom->body : w->opening;

    size_t slen = 0, blen = 0;
    FILE *sf = open_memstream(subject, &slen);
    if (!sf)
        return cr_error_nomem(err);
    fill(sf, subject_text, report, in->name, period, NULL);
    if (fclose(sf)) {
        free(*subject);
        *subject = NULL;
        return cr_error_nomem(err);
    }
    FILE *bf = open_memstream(body, &blen);
    if (!bf) {
        free(*subject);
        *subject = NULL;
        return cr_error_nomem(err);
    }
    fill(bf, opening, report, in->name, period, NULL);
    fputs("\n\n", bf);
    write_figures(bf, in, w);
    if (in->attachment_count) {
        fprintf(bf, "\n%s\n", w->attachments);
        for (size_t i = 0; i < in->attachment_count; i++)
            fprintf(bf, "  %s\n", in->attachments[i]);
    }
    fprintf(bf, "\n-- \n%s\n", w->footer);
    if (fclose(bf)) {
        free(*subject);
        free(*body);
        *subject = *body = NULL;
        return cr_error_nomem(err);
    }
    return 0;
}
