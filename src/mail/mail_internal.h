/* mail_internal.h - what the files of src/mail share (mail.h is the contract).
 *
 * mail.c builds and queues a message; mailaddr.c checks header values and
 * parses addresses; outbox.c owns the outbox folder (names, sent log, moves,
 * locks); mail_send.c walks the outbox and hands each message to smtp.c or
 * sendmail.c. The parts call down (into outbox.c, mailaddr.c), never up.
 */
#ifndef CSMREPORT_MAIL_INTERNAL_H
#define CSMREPORT_MAIL_INTERNAL_H

#include <gmime/gmime.h>
#include <stdbool.h>
#include <stddef.h>

#include "csmreport/mail.h"
#include "csmreport/outfile.h"

/* Largest attachment read (a mail server refuses far less), and largest .eml
 * sent. */
#define CR_MAIL_ATTACHMENT_MAX ((size_t)32 << 20)
#define CR_MAIL_EML_MAX ((size_t)64 << 20)

/* The key: sha256 in lowercase hex. */
#define CR_MAIL_KEY_LEN 64

/* ---- gmime.c */

/* g_mime_init, once per process (pthread_once); every file that uses GMime
 * calls it first. */
void cr_gmime_init(void);

/* ---- mailaddr.c */

/* Refuses (EX_DATAERR, naming field) a header value with CR, LF, NUL (a C
 * string ends at it: len says how long the caller meant it to be, or -1),
 * any other control character but TAB, U+2028/U+2029 or invalid UTF-8. */
int cr_mailaddr_check_value(const char *field, const char *value, long len, cr_error *err);

/* Parses value (addresses separated by ';' or ',') into a new list of
 * mailboxes (*out, unreffed by the caller). Each one must parse as it is
 * written: no group, nothing GMime had to repair, an ASCII addr-spec; the
 * list must not be empty. max 1 for a single address (From). */
int cr_mailaddr_parse(const char *field, const char *value, size_t max,
                      InternetAddressList **out, cr_error *err);

/* True when addr is a plain ASCII addr-spec (local@domain) we can send to. */
bool cr_mailaddr_valid(const char *addr);

/* ---- outbox.c */

typedef struct cr_outbox {
    cr_outfile_dir *dir; /* for publishing .eml files */
    int fd;              /* the same folder, for the log, locks, listing, moves */
    int lock_fd;         /* OUTBOX/.lock while cr_outbox_lock holds it, else -1 */
} cr_outbox;

/* Creates (mkdir -p) and opens the outbox folder path. */
int cr_outbox_open(const char *path, cr_outbox *ob, cr_error *err);
void cr_outbox_close(cr_outbox *ob);
const char *cr_outbox_path(const cr_outbox *ob);

/* Holds OUTBOX/.lock exclusively (waiting at most 30 s): queueing and the
 * bookkeeping of a sent message never interleave. */
int cr_outbox_lock(cr_outbox *ob, cr_error *err);
void cr_outbox_unlock(cr_outbox *ob);

/* The .eml name of a message: RUNDATE_BATCH_KEY32.eml (batch made safe and
 * cut), so one key has one name. */
void cr_outbox_name(const char *batch, const char *run_date, const char *key, char *out,
                    size_t size);

/* *found: key is listed in OUTBOX/sent.log. */
int cr_outbox_was_sent(const cr_outbox *ob, const char *key, bool *found, cr_error *err);

/* True when name is waiting in the outbox. */
bool cr_outbox_waiting(const cr_outbox *ob, const char *name);

/* Appends "KEY TAB NAME TAB TIME" to OUTBOX/sent.log and syncs it. */
int cr_outbox_log_sent(const cr_outbox *ob, const char *key, const char *name, cr_error *err);

/* Moves name from the outbox into its sub-folder folder ("sent", "failed"),
 * created when missing, never through a link. */
int cr_outbox_move(const cr_outbox *ob, const char *name, const char *folder, cr_error *err);

/* The .eml files waiting, oldest first (mtime, then name): *names (each
 * and the array g_free'd by the caller; g_strfreev). */
int cr_outbox_list(const cr_outbox *ob, char ***names, cr_error *err);

/* Claims name for sending: opens it and locks it (flock, not waiting).
 * *fd is -1 when it is gone or another sender holds it (skip it). */
int cr_outbox_claim(const cr_outbox *ob, const char *name, int *fd, cr_error *err);

/* ---- smtp.c and sendmail.c */

/* Who a message goes to, read back from its .eml. */
typedef struct cr_mail_envelope {
    char *from;  /* addr-spec */
    char **rcpt; /* NULL-terminated addr-specs */
    char *key;
} cr_mail_envelope;

typedef struct cr_smtp cr_smtp;

/* Checks t->smtp_url (smtp:// or smtps://) and makes a session (one curl
 * handle, its connection reused from message to message). EX_CONFIG when
 * the URL cannot be used. */
int cr_smtp_open(const cr_mail_transport *t, cr_smtp **out, cr_error *err);
void cr_smtp_close(cr_smtp *s);

/* Sends data (the .eml, LF or CRLF lines) to env. Returns 0, EX_TEMPFAIL (a
 * 4xx reply, a connection that failed or timed out: *down is set when the
 * server itself cannot be used, so the rest need not be tried) or
 * EX_UNAVAILABLE (a 5xx reply to this message). */
int cr_smtp_send(cr_smtp *s, const cr_mail_envelope *env, const char *data, size_t len,
                 bool *down, cr_error *err);

/* Checks the sendmail command line (words split on blanks, no shell; its
 * program found). EX_CONFIG when it cannot be run. *argv g_strfreev'd. */
int cr_sendmail_parse(const char *command, char ***argv, cr_error *err);

/* Pipes data to argv (recipients appended unless "-t" is there). Exit 0:
 * sent; 75, a signal or the time limit: EX_TEMPFAIL; any other status:
 * EX_UNAVAILABLE. */
int cr_sendmail_send(char *const *argv, const cr_mail_envelope *env, const char *data,
                     size_t len, long timeout_seconds, cr_error *err);

#endif
