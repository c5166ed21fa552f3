/* cmd_run.c - `csmreport run BATCH.xml [--date D] [--out DIR] [--smtp URL]
 * [--dry-run] [--summary FILE]`: the scheduled job (batch.h).
 *
 * The front end only: reads the options and the batch file, hands the run to
 * cr_run_batch and prints what its events say. A successful run prints
 * nothing (cron mails any output), except a last line saying where the files
 * went when stderr is a terminal; every failure is printed as it happens and
 * a one-line summary ends a run that had any; --verbose prints every step.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "csmreport/batch.h"
#include "csmreport/commands.h"
#include "csmreport/summary.h"

static const struct option run_options[] = {
    {"date", required_argument, NULL, 'd'},    {"out", required_argument, NULL, 'o'},
    {"smtp", required_argument, NULL, 's'},    {"dry-run", no_argument, NULL, 'n'},
    {"summary", required_argument, NULL, 'S'}, {NULL, 0, NULL, 0}};

const cr_cmd_syntax cr_cmd_run_syntax = {
    .usage = "usage: csmreport run BATCH.xml [--date YYYY-MM-DD] [--out DIR] [--smtp URL]\n"
             "                     [--dry-run] [--summary FILE]\n"
             "Runs a batch file (templates/batch.xsd): imports its inputs, renders its\n"
             "reports, writes their mail to the outbox as .eml files and sends them when\n"
             "the batch names a server. Relative paths in the batch file are read against\n"
             "its folder. --date sets the day previous-quarter and previous-month count\n"
             "from (default: today in the batch's time zone, UTC when it names none).\n"
             "--out replaces the batch's output folder, --smtp its mail server.\n"
             "--dry-run prints what would be imported, rendered and sent, and changes\n"
             "nothing. --summary writes what was done as JSON to FILE.\n"
             "A lock (DB.lock beside the database) makes a second run over the same\n"
             "database stop at once with exit 75. A failing input, report or message\n"
             "is printed and the rest goes on; the exit code is the first failure's:\n"
             "65 bad input, 66 missing input, 73/74/77 output, 75 lock or mail server\n"
             "unavailable, 78 invalid batch file or template. A successful run prints\n"
             "nothing (a last line on a terminal); --verbose prints every step.\n",
    .shortopts = "",
    .longopts = run_options};

static void print_error(const char *prefix, const cr_error *e)
{
    char line[CR_ERROR_MSG_MAX + CR_ERROR_FILE_MAX + 64];
    cr_error_format(e, line, sizeof line);
    if (prefix)
        fprintf(stderr, "csmreport: %s: %s\n", prefix, line);
    else
        fprintf(stderr, "csmreport: %s\n", line);
}

static const char *template_name(const cr_batch_report *rep)
{
    const char *s = rep ? strrchr(rep->template_path, '/') : NULL;
    return s ? s + 1 : rep ? rep->template_path : "";
}

typedef struct printer {
    const cr_cli *cli;
    bool dry_run;
    bool failures;
    bool line_open; /* a progress line is on the terminal, not ended */
} printer;

/* Ends an open progress line before any other line is printed. */
static void end_progress(printer *p)
{
    if (p->line_open)
        fputc('\n', stderr);
    p->line_open = false;
}

static void print_progress(printer *p, const cr_run_event *ev)
{
    if (!p->cli->progress)
        return;
    if (ev->path)
        fprintf(stderr, "\r\033[Kcsmreport: importing %s: %s %3d%%", ev->path, ev->phase,
                ev->total ? (int)(100.0 * (double)ev->done / (double)ev->total) : 0);
    else
        fprintf(stderr, "\r\033[Kcsmreport: rendering %s %s %llu/%llu", template_name(ev->report),
                ev->period, ev->done, ev->total);
    p->line_open = true;
}

static void print_import(printer *p, const cr_run_event *ev)
{
    const cr_import_result *res = ev->import;
    if (ev->err) {
        p->failures = true;
        for (int e = 0; e < res->error_count; e++)
            print_error(NULL, &res->errors[e]);
        if (res->error_total > res->error_count)
            fprintf(stderr, "csmreport: %s: %lld more bad rows not shown\n", ev->path,
                    res->error_total - res->error_count);
        if (ev->err->message[0])
            print_error(NULL, ev->err);
        if (res->error_total)
            fprintf(stderr, "csmreport: %s: %lld bad row%s; nothing imported from this file\n",
                    ev->path, res->error_total, res->error_total == 1 ? "" : "s");
        return;
    }
    if (res->rejected)
        fprintf(stderr, "csmreport: warning: %s: %lld row%s rejected, written to %s\n", ev->path,
                res->rejected, res->rejected == 1 ? "" : "s", res->rejects_path);
    cr_cli_note(p->cli, "imported %s: %s, %lld rows read, %lld inserted, %lld updated", ev->path,
                res->kind, res->rows_read, res->inserted, res->updated);
}

static void on_event(void *ctx, const cr_run_event *ev)
{
    printer *p = ctx;
    char prefix[1024];
    if (ev->kind == CR_RUN_PROGRESS) {
        print_progress(p, ev);
        return;
    }
    bool prints = ev->err || p->cli->verbose || ev->kind >= CR_RUN_WOULD_IMPORT ||
                  (ev->kind == CR_RUN_IMPORTED && ev->import->rejected);
    if (prints)
        end_progress(p);
    switch (ev->kind) {
    case CR_RUN_PROGRESS:
        break;
    case CR_RUN_IMPORTED:
        print_import(p, ev);
        break;
    case CR_RUN_REPORT_FAILED:
        p->failures = true;
        snprintf(prefix, sizeof prefix, "report %s %s", template_name(ev->report),
                 ev->period ? ev->period : "");
        print_error(prefix, ev->err);
        break;
    case CR_RUN_RENDERED:
        if (ev->err) {
            p->failures = true;
            snprintf(prefix, sizeof prefix, "%s %s: %s", template_name(ev->report), ev->period,
                     ev->subject_id);
            print_error(prefix, ev->err);
        } else {
            cr_cli_note(p->cli, "rendered %s %s: %s%s%s", template_name(ev->report), ev->period,
                        ev->pdf ? ev->pdf : "", ev->pdf && ev->xlsx ? ", " : "",
                        ev->xlsx ? ev->xlsx : "");
        }
        break;
    case CR_RUN_QUEUED:
        if (ev->err) {
            p->failures = true;
            snprintf(prefix, sizeof prefix, "mail of %s %s for %s", template_name(ev->report),
                     ev->period, ev->subject_id);
            print_error(prefix, ev->err);
        } else {
            cr_cli_note(p->cli, "mail of %s %s for %s to %s: %s", template_name(ev->report),
                        ev->period, ev->subject_id, ev->to,
                        ev->queued == CR_MAIL_QUEUED         ? ev->eml
                        : ev->queued == CR_MAIL_ALREADY_SENT ? "already sent"
                                                             : "already in the outbox");
        }
        break;
    case CR_RUN_NO_RECIPIENTS:
        cr_cli_note(p->cli, "no mail for %s %s %s: no recipients", template_name(ev->report),
                    ev->period, ev->subject_id);
        break;
    case CR_RUN_SENT:
        if (ev->err) {
            char line[CR_ERROR_MSG_MAX + CR_ERROR_FILE_MAX + 64];
            cr_error_format(ev->err, line, sizeof line);
            p->failures = true;
            fprintf(stderr, "csmreport: %s%s%s: %s%s\n", ev->path ? ev->path : "",
                    ev->path ? "/" : "", ev->eml, line,
                    ev->err->code == EX_TEMPFAIL ? " (left in the outbox for the next run)" : "");
        } else {
            cr_cli_note(p->cli, "sent %s", ev->eml);
        }
        break;
    case CR_RUN_WOULD_IMPORT:
        printf("import  %s\n", ev->path);
        break;
    case CR_RUN_WOULD_RENDER:
        if (ev->err)
            printf("render  %s %s: %s\n", template_name(ev->report), ev->period,
                   ev->err->message);
        else
            printf("render  %s %s %s -> %s%s%s\n", template_name(ev->report), ev->period,
                   ev->subject_id, ev->pdf ? ev->pdf : "", ev->pdf && ev->xlsx ? " " : "",
                   ev->xlsx ? ev->xlsx : "");
        break;
    case CR_RUN_WOULD_MAIL:
        if (ev->to)
            printf("mail    %s %s %s to %s\n", template_name(ev->report), ev->period,
                   ev->subject_id, ev->to);
        else
            printf("mail    %s %s %s: no recipients, no mail\n", template_name(ev->report),
                   ev->period, ev->subject_id);
        break;
    case CR_RUN_WOULD_SEND:
        if (ev->transport)
            printf("send    the outbox %s through %s\n", ev->eml, ev->transport);
        else
            printf("send    nothing: no server named, messages stay in %s\n", ev->eml);
        break;
    }
}

int cr_cmd_run(const cr_cli *cli, int argc, char **argv, cr_error *err)
{
    const char *date_text = NULL, *out_dir = NULL, *smtp = NULL, *summary_path = NULL;
    bool dry_run = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, cr_cmd_run_syntax.shortopts, cr_cmd_run_syntax.longopts,
                            NULL)) != -1) {
        switch (c) {
        case 'd': date_text = optarg; break;
        case 'o': out_dir = optarg; break;
        case 's': smtp = optarg; break;
        case 'n': dry_run = true; break;
        case 'S': summary_path = optarg; break;
        default: return CR_CMD_USAGE;
        }
    }
    if (argc - optind != 1)
        return argc - optind ? cr_error_set(err, EX_USAGE, NULL, 0, 0,
                                            "run takes one batch file, not %d", argc - optind)
                             : CR_CMD_USAGE;
    cr_date date;
    if (date_text && !cr_date_parse(date_text, strlen(date_text), &date))
        return cr_error_set(err, EX_USAGE, NULL, 0, 0,
                            "--date wants a real day as YYYY-MM-DD, not '%s'", date_text);
    if (smtp && strncmp(smtp, "smtp://", 7) != 0 && strncmp(smtp, "smtps://", 8) != 0)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0,
                            "--smtp wants smtp://HOST[:PORT] or smtps://HOST[:PORT], not '%s'",
                            smtp);
    if (out_dir && !*out_dir)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "an empty --out");

    cr_batch *b = NULL;
    int rc = cr_batch_load(argv[optind], &b, err);
    if (rc)
        return rc;
    if (smtp && !b->mail) {
        rc = cr_error_set(err, EX_USAGE, NULL, 0, 0,
                          "--smtp given, but %s has no <mail> element: nothing to send", b->path);
        cr_batch_free(b);
        return rc;
    }

    printer p = {.cli = cli, .dry_run = dry_run};
    cr_run_options opt = {.db_path = cli->db_path, .date = date_text ? &date : NULL,
                          .out_dir = out_dir, .smtp_url = smtp, .dry_run = dry_run,
                          .now = (long long)time(NULL), .on_event = on_event, .ctx = &p};
    cr_run_result res;
    cr_json *summary = NULL;
    rc = cr_run_batch(b, &opt, &res, &summary, err);
    end_progress(&p);
    int exit_code = rc ? rc : res.exit_code;

    if (summary_path && summary) {
        cr_error serr;
        cr_error_clear(&serr);
        if (cr_summary_write(summary, exit_code, summary_path, &serr)) {
            print_error(NULL, &serr);
            if (!exit_code)
                exit_code = serr.code;
        }
    }
    cr_json_free(summary);
    if (!rc) {
        bool tell_all = p.failures || res.exit_code || cli->verbose;
        if (tell_all)
            fprintf(stderr,
                    "csmreport: run %s%s: imports %zu ok, %zu failed; reports %zu written, "
                    "%zu failed; mail %zu queued, %zu sent, %zu deferred, %zu failed; exit %d\n",
                    b->name, dry_run ? " (dry run)" : "", res.imports_ok, res.imports_failed,
                    res.reports_written, res.reports_failed, res.mail_queued, res.mail_sent,
                    res.mail_deferred, res.mail_failed + res.mail_send_failed, exit_code);
        else if (cli->progress && !dry_run)
            fprintf(stderr, "csmreport: %zu report(s) written to %s%s%s\n", res.reports_written,
                    res.out_dir, res.outbox[0] ? ", mail in " : "", res.outbox);
    }
    cr_batch_free(b);
    return exit_code;
}
