/* error.c - filling and formatting cr_error records. */
#include "csmreport/error.h"

#include <stdio.h>
#include <string.h>

void cr_error_clear(cr_error *err)
{
    if (!err)
        return;
    err->code = 0;
    err->file[0] = '\0';
    err->line = 0;
    err->column = 0;
    err->message[0] = '\0';
}

int cr_error_setv(cr_error *err, int code, const char *file, long line, long column,
                  const char *fmt, va_list ap)
{
    if (!err)
        return code;
    err->code = code;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->column = column;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    return code;
}

int cr_error_set(cr_error *err, int code, const char *file, long line, long column,
                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cr_error_setv(err, code, file, line, column, fmt, ap);
    va_end(ap);
    return code;
}

int cr_error_exit_code(const cr_error *err)
{
    return err && err->code ? err->code : EX_SOFTWARE;
}

int cr_error_nomem(cr_error *err)
{
    return cr_error_set(err, CR_EX_NOMEM, NULL, 0, 0, "out of memory");
}

void cr_error_format(const cr_error *err, char *buf, unsigned long size)
{
    if (!err->file[0])
        snprintf(buf, size, "%s", err->message);
    else if (err->line > 0 && err->column > 0)
        snprintf(buf, size, "%s:%ld:%ld: %s", err->file, err->line, err->column, err->message);
    else if (err->line > 0)
        snprintf(buf, size, "%s:%ld: %s", err->file, err->line, err->message);
    else
        snprintf(buf, size, "%s: %s", err->file, err->message);
}
