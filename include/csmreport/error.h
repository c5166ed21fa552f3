/* error.h - the one error record every action function fills.
 *
 * Library code never prints: a function that can fail returns a status and
 * fills a cr_error; the front end (main.c) prints it once as
 * "csmreport: FILE:LINE:COLUMN: message" and exits with err.code.
 */
#ifndef CSMREPORT_ERROR_H
#define CSMREPORT_ERROR_H

#include <stdarg.h>
#include <sysexits.h>

#define CR_ERROR_FILE_MAX 512
#define CR_ERROR_MSG_MAX 1024

typedef struct cr_error {
    int code;                       /* sysexits.h code; 0 when no error */
    char file[CR_ERROR_FILE_MAX];   /* input file, "" when none */
    long line;                      /* 1-based; 0 when unknown */
    long column;                    /* 1-based; 0 when unknown */
    char message[CR_ERROR_MSG_MAX]; /* lowercase, problem first, no full stop */
} cr_error;

/* The one exit code of a failed allocation, everywhere (an operating-system
 * error in sysexits terms). */
#define CR_EX_NOMEM EX_OSERR

/* Clears err (code 0, empty strings). */
void cr_error_clear(cr_error *err);

/* Fills err and returns code, so that "return cr_error_set(...)" reads well.
 * file may be NULL. err may be NULL (the error is then only returned). */
int cr_error_set(cr_error *err, int code, const char *file, long line, long column,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
int cr_error_setv(cr_error *err, int code, const char *file, long line, long column,
                  const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

/* The exit code of an action that failed: err->code, or EX_SOFTWARE when the
 * action failed without filling err (or err is NULL). Never 0, so a caller that
 * returns it never turns a failure into success. */
int cr_error_exit_code(const cr_error *err);

/* Fills err with "out of memory" and returns CR_EX_NOMEM. */
int cr_error_nomem(cr_error *err);

/* Formats "FILE:LINE:COLUMN: message" (parts that are unknown left out) into buf. */
void cr_error_format(const cr_error *err, char *buf, unsigned long size);

#endif
