/* explain_text.c - an explanation (explain.h) for a terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmreport/explain.h"

#define SHOWN_INPUTS 10

static void print_fields(const cr_json *fields, FILE *out)
{
    for (size_t i = 0; i < cr_json_size(fields); i++) {
        const cr_json *v = cr_json_value_at(fields, i);
        if (cr_json_is_null(v))
            continue;
        const char *k = cr_json_key_at(fields, i);
        /* UTC epoch columns are for the arithmetic, not for reading. */
        size_t kl = strlen(k);
        if (kl > 4 && strcmp(k + kl - 4, "_utc") == 0)
            continue;
        char *s = cr_json_type_of(v) == CR_JSON_STRING ? NULL : cr_json_to_string(v, 0);
        fprintf(out, "%s%s=%s", i ? " " : "", k, s ? s : cr_json_get_string(v));
        free(s);
    }
}

int cr_explain_write_text(const cr_json *ex, FILE *out, bool all)
{
    char *value = cr_json_to_string(cr_json_get(ex, "value"), 0);
    fprintf(out, "%s = %s\n", cr_json_get_string(cr_json_get(ex, "path")), value ? value : "?");
    free(value);
    fprintf(out, "account %s, period %s\n\n", cr_json_get_string(cr_json_get(ex, "account_id")),
            cr_json_get_string(cr_json_get(ex, "period")));
    fprintf(out, "Rule: %s\n", cr_json_get_string(cr_json_get(ex, "rule")));
    const cr_json *text = cr_json_get(ex, "text");
    if (cr_json_size(text)) {
        fprintf(out, "\nArithmetic:\n");
        for (size_t i = 0; i < cr_json_size(text); i++)
            fprintf(out, "  %s\n", cr_json_get_string(cr_json_at(text, i)));
    }
    const cr_json *inputs = cr_json_get(ex, "inputs");
    size_t n = cr_json_size(inputs);
    fprintf(out, "\nInputs (%zu):\n", n);
    for (size_t i = 0; i < n && (all || i < SHOWN_INPUTS); i++) {
        const cr_json *in = cr_json_at(inputs, i);
        const char *note = cr_json_get_string(cr_json_get(in, "note"));
        fprintf(out, "  %s%s%s%s: ", cr_json_get_string(cr_json_get(in, "kind")), note ? " (" : "",
                note ? note : "", note ? ")" : "");
        print_fields(cr_json_get(in, "fields"), out);
        const cr_json *act = cr_json_get(in, "active_days");
        if (act) {
            char *s = cr_json_to_string(act, 0);
            fprintf(out, " active_days=%s", s ? s : "?");
            free(s);
        }
        const cr_json *src = cr_json_get(in, "source");
        if (cr_json_is_null(src))
            fprintf(out, "  [unknown source]\n");
        else
            fprintf(out, "  [%s:%lld, imported %s]\n", cr_json_get_string(cr_json_get(src, "file")),
                    (long long)cr_json_get_int(cr_json_get(src, "line")),
                    cr_json_get_string(cr_json_get(src, "import_date")));
    }
    if (!all && n > SHOWN_INPUTS)
        fprintf(out, "  ... and %zu more (--all prints every row)\n", n - SHOWN_INPUTS);
    return ferror(out) ? -1 : 0;
}
