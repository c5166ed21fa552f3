/* mail.h - the e-mail that carries reports (SPEC section 8): never lost,
 * never sent twice, never a header from data.
 *
 * Two steps, so a crash or a down server loses nothing:
 *   1. cr_mail_queue builds one MIME message (multipart/mixed: a short
 *      localized text body, the reports as base64 attachments with their
 *      content types and RFC 2231 file names; Date, Message-ID, From, To,
 *      Subject) and publishes it as OUTBOX/<name>.eml through outfile.h.
 *   2. cr_mail_send_outbox sends every .eml of OUTBOX (SMTP through libcurl,
 *      STARTTLS when offered, smtps:// too; or a sendmail command). A sent
 *      message moves to OUTBOX/sent/; a temporary failure leaves it in OUTBOX
 *      for the next run; a permanent one is reported by name and moved to
 *      OUTBOX/failed/.
 *
 * Each message carries a key (X-Csmreport-Key: a hash of the batch name, the
 * run date, the sorted recipients and the sha256 of every attachment). The
 * sent log OUTBOX/sent.log lists the keys sent; cr_mail_queue does not queue a
 * message whose key is in it or already queued, so a re-run for the same date
 * never sends the same message twice.
 *
 * Header values (names, subject, addresses) with CR, LF or NUL, and addresses
 * that do not parse, are refused (EX_DATAERR) and nothing is queued.
 * Nothing here prints: outcomes go to the caller's callback.
 */
#ifndef CSMREPORT_MAIL_H
#define CSMREPORT_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csmreport/error.h"

/* A file to attach: path to read, the file name the recipient sees, and its
 * MIME type (NULL: from the name's extension, .pdf and .xlsx known). */
typedef struct cr_mail_attachment {
    const char *path;
    const char *filename;
    const char *content_type;
} cr_mail_attachment;

/* One message. The caller owns every pointer. */
typedef struct cr_mail_message {
    const char *from;               /* "Name <addr>" or "addr" */
    const char *to;                 /* ";"-separated addresses (recipients column) */
    const char *subject;            /* UTF-8, encoded per RFC 2047 when needed */
    const char *body;               /* UTF-8 plain text */
    const cr_mail_attachment *attachments;
    size_t attachment_count;
    const char *batch;              /* batch name: part of the key */
    const char *run_date;           /* YYYY-MM-DD of the run: part of the key */
    int64_t date;                   /* the Date header, seconds since the epoch (0: now) */
} cr_mail_message;

/* What cr_mail_queue did. */
typedef enum cr_mail_queued {
    CR_MAIL_QUEUED,          /* written to the outbox */
    CR_MAIL_ALREADY_SENT,    /* its key is in the sent log: nothing written */
    CR_MAIL_ALREADY_QUEUED,  /* its key is waiting in the outbox: nothing written */
} cr_mail_queued;

/* Builds m and writes it to outbox (created when missing) as an .eml file.
 * *what says whether it was written; eml_name (may be NULL) receives the file
 * name within outbox (size at least CR_MAIL_NAME_SIZE). Returns 0 or a
 * sysexits code with err filled: EX_DATAERR for a header value or address
 * that cannot go into a mail, EX_NOINPUT for an attachment that cannot be
 * read, outfile's codes for the outbox. */
#define CR_MAIL_NAME_SIZE 128
int cr_mail_queue(const char *outbox, const cr_mail_message *m, cr_mail_queued *what,
                  char *eml_name, cr_error *err);

/* How to send. Exactly one of smtp_url and sendmail is set. */
typedef struct cr_mail_transport {
    const char *smtp_url;    /* smtp://host:port (STARTTLS when offered) or smtps:// */
    const char *username;    /* NULL: no authentication */
    const char *password;
    bool require_tls;        /* refuse to send without TLS */
    const char *ca_file;     /* PEM file of the CAs the server's certificate is
                                checked against; NULL: the system's store */
    const char *sendmail;    /* a command line such as "/usr/sbin/sendmail -t -oi" */
    long timeout_seconds;    /* per message; 0: 60 */
} cr_mail_transport;

/* Called once per message tried: its file name in the outbox, and its
 * outcome: err NULL when sent (moved to sent/), else why (err->code
 * EX_TEMPFAIL: left in the outbox for the next run; other codes: permanent,
 * moved to failed/: EX_UNAVAILABLE for an SMTP 5xx or a sendmail exit other
 * than 0 and 75, EX_DATAERR for a file that is not a message we queued). */
typedef void (*cr_mail_sent_fn)(void *ctx, const char *eml_name, const cr_error *err);

typedef struct cr_mail_summary {
    size_t sent, deferred, failed;
} cr_mail_summary;

/* Sends every .eml waiting in outbox, oldest first. Returns 0 when every one
 * was tried (the summary and the callback say how each went), or a code with
 * err filled when the outbox cannot be read, when t is unusable before
 * anything is touched (EX_USAGE: not exactly one transport; EX_CONFIG: not
 * smtp:// or smtps://, sendmail program not found), or when a sent message
 * cannot be recorded in sent.log (the run stops there). */
int cr_mail_send_outbox(const char *outbox, const cr_mail_transport *t, cr_mail_sent_fn on_sent,
                        void *ctx, cr_mail_summary *summary, cr_error *err);

#endif
