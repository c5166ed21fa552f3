/* formula.c - the formulas of workbook templates: Excel text in which the
 * template names cells by the sheet's column and fact names instead of A1
 * references, parsed into a cr_formula (report.h) whose references the
 * workbook writer places (cr_workbook_formula_a1).
 *
 *   [name]        column `name` of the same row, or fact `name` (a column
 *                 wins over a fact of the same name)
 *   [name@prev]   column `name` of the row above (the header row above the
 *                 first data row)
 *   [name@all]    every data row of column `name` (for SUM, COUNTIF, ...)
 *
 * Text inside "..." is left as written. Data never reaches a formula: the
 * formula text comes from the template, the cells it names hold the data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template_internal.h"

static bool name_char(char ch, bool first)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_' ||
           (!first && ch >= '0' && ch <= '9');
}

static long find(const char *const *names, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] && strlen(names[i]) == len && strncmp(names[i], name, len) == 0)
            return (long)i;
    return -1;
}

static bool push(cr_formula *f, cr_ref_kind kind, const char *text, size_t len, size_t index)
{
    cr_formula_part *n = realloc(f->parts, (f->part_count + 1) * sizeof *n);
    if (!n)
        return false;
    f->parts = n;
    cr_formula_part *p = &f->parts[f->part_count];
    *p = (cr_formula_part){.kind = kind, .index = index};
    if (text && !(p->text = strndup(text, len)))
        return false;
    f->part_count++;
    return true;
}

int tpl_formula_parse(const char *text, const char *const *columns, size_t ncols,
                      const char *const *facts, size_t nfacts, const char *path, long line,
                      const char *what, cr_formula **out, cr_error *err)
{
    if (out)
        *out = NULL;
    cr_formula *f = calloc(1, sizeof *f);
    if (!f)
        return cr_error_set(err, CR_EX_NOMEM, path, line, 0, "out of memory");
    const char *p = text ? text : "";
    while (*p == ' ')
        p++;
    if (*p == '=')
        p++;
    int rc = 0;
    if (!*p) {
        rc = cr_error_set(err, EX_CONFIG, path, line, 0, "%s: the formula is empty", what);
        goto out;
    }
    if (strstr(p, "${") || strstr(p, "#{")) {
        rc = cr_error_set(err, EX_CONFIG, path, line, 0,
                          "%s: a formula names cells ([name]); it takes no ${...} or #{...}", what);
        goto out;
    }
    const char *lit = p;
    bool quoted = false;
    for (; *p && !rc; p++) {
        if (*p == '"') {
            quoted = !quoted;
            continue;
        }
        if (quoted || (*p != '[' && *p != ']'))
            continue;
        if (*p == ']') {
            rc = cr_error_set(err, EX_CONFIG, path, line, 0, "%s: ']' without '['", what);
            break;
        }
        if (p > lit && !push(f, CR_REF_TEXT, lit, (size_t)(p - lit), 0)) {
            rc = cr_error_set(err, CR_EX_NOMEM, path, line, 0, "out of memory");
            break;
        }
        const char *name = ++p;
        while (name_char(*p, p == name))
            p++;
        size_t len = (size_t)(p - name);
        cr_ref_kind kind = CR_REF_CELL;
        if (strncmp(p, "@prev", 5) == 0) {
            kind = CR_REF_PREV;
            p += 5;
        } else if (strncmp(p, "@all", 4) == 0) {
            kind = CR_REF_COLUMN;
            p += 4;
        }
        if (len == 0 || *p != ']') {
            const char *end = strchr(name, ']');
            rc = cr_error_set(err, EX_CONFIG, path, line, 0,
                              "%s: '[%.*s' is not a reference: write [name], [name@prev] or "
                              "[name@all]", what, (int)(end ? (size_t)(end - name) : strlen(name)),
                              name);
            break;
        }
        long k = find(columns, ncols, name, len);
        if (k < 0 && kind == CR_REF_CELL && (k = find(facts, nfacts, name, len)) >= 0)
            kind = CR_REF_FACT;
        if (k < 0) {
            rc = cr_error_set(err, EX_CONFIG, path, line, 0,
                              "%s: unknown %s '%.*s' in the formula", what,
                              kind == CR_REF_CELL ? "column or fact" : "column", (int)len, name);
            break;
        }
        if (!push(f, kind, NULL, 0, (size_t)k)) {
            rc = cr_error_set(err, CR_EX_NOMEM, path, line, 0, "out of memory");
            break;
        }
        lit = p + 1;
    }
    if (!rc && quoted)
        rc = cr_error_set(err, EX_CONFIG, path, line, 0, "%s: unclosed '\"' in the formula", what);
    if (!rc && *lit && !push(f, CR_REF_TEXT, lit, strlen(lit), 0))
        rc = cr_error_set(err, CR_EX_NOMEM, path, line, 0, "out of memory");
out:
    if (rc || !out)
        cr_formula_free(f);
    else
        *out = f;
    return rc;
}
