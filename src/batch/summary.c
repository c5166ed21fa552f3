/* summary.c - the JSON account of a run or a render (summary.h). */
#include "csmreport/summary.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "csmreport/outfile.h"

cr_json *cr_summary_new(const char *command)
{
    cr_json *s = cr_json_object();
    if (s && !cr_json_set(s, "command", cr_json_string(command))) {
        cr_json_free(s);
        return NULL;
    }
    return s;
}

/* Adds delta to the integer member key of obj. */
static void bump(cr_json *obj, const char *key, int64_t delta)
{
    cr_json_set(obj, key, cr_json_int(cr_json_get_int(cr_json_get(obj, key)) + delta));
}

cr_json *cr_summary_add_report(cr_json *summary, const char *template_path, const char *period)
{
    cr_json *reports = cr_json_get(summary, "reports");
    if (!reports && !(reports = cr_json_set(summary, "reports", cr_json_array())))
        return NULL;
    cr_json *r = cr_json_append(reports, cr_json_object());
    if (!r)
        return NULL;
    cr_json_set(r, "template", cr_json_string(template_path));
    cr_json_set(r, "period", period ? cr_json_string(period) : cr_json_null());
    cr_json_set(r, "status", cr_json_string("ok"));
    cr_json_set(r, "selected", cr_json_int(0));
    cr_json_set(r, "written", cr_json_int(0));
    cr_json_set(r, "failed", cr_json_int(0));
    cr_json_set(r, "files", cr_json_array());
    cr_json_set(r, "failures", cr_json_array());
    return r;
}

void cr_summary_set_error(cr_json *obj, const cr_error *err)
{
    char line[CR_ERROR_MSG_MAX + CR_ERROR_FILE_MAX + 64];
    cr_error_format(err, line, sizeof line);
    cr_json_set(obj, "exit_code", cr_json_int(cr_error_exit_code(err)));
    cr_json_set(obj, "error", cr_json_string(line));
}

void cr_summary_report_subject(cr_json *report, const char *subject_id, const char *pdf,
                               const char *xlsx, const cr_error *err)
{
    if (!report)
        return;
    cr_json *files = cr_json_get(report, "files");
    if (pdf)
        cr_json_append(files, cr_json_string(pdf));
    if (xlsx)
        cr_json_append(files, cr_json_string(xlsx));
    bump(report, "selected", 1);
    if (!err) {
        bump(report, "written", 1);
        return;
    }
    bump(report, "failed", 1);
    cr_json_set(report, "status", cr_json_string("failed"));
    cr_json *f = cr_json_append(cr_json_get(report, "failures"), cr_json_object());
    if (f) {
        cr_json_set(f, "subject", cr_json_string(subject_id));
        cr_summary_set_error(f, err);
    }
}

void cr_summary_report_failed(cr_json *report, const cr_error *err)
{
    if (!report)
        return;
    cr_json_set(report, "status", cr_json_string("failed"));
    cr_summary_set_error(report, err);
}

int cr_summary_write(cr_json *summary, int exit_code, const char *path, cr_error *err)
{
    cr_json_set(summary, "exit_code", cr_json_int(exit_code));
    cr_outfile *of = NULL;
    int rc = cr_outfile_open_path(path, &of, err);
    if (rc)
        return rc;
    errno = 0;
    FILE *f = cr_outfile_stream(of);
    if (!f || cr_json_write(summary, f, 2) || fputc('\n', f) == EOF) {
        rc = cr_outfile_fail(of, errno ? errno : EIO, "write", err);
        cr_outfile_abort(of);
        return rc;
    }
    return cr_outfile_commit(of, err);
}
