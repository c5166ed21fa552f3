/* placeholder.c - the expression side of the template language: ${...}
 * placeholders, #{...} strings, formats, metric names and <if> tests.
 *
 * Placeholders: ${name} or ${name|format}, where name is
 *   - a parameter: built-in (account_id, period_start, ...) or declared;
 *   - data.SET.COLUMN (first row), data.SET.N.COLUMN (row N, from 0) or
 *     data.SET.rows (the row count) of a dataset;
 *   - row.COLUMN: the current row of a repeated item (<item each="SET">) or
 *     of a dataset's where test;
 *   - prev.PATH: PATH of the metrics document of the previous period of the
 *     same length (cr_period_previous), for changes against it;
 *   - a path of the metrics document (SPEC 5.8), e.g. adoption.rate,
 *     trueup_summary.video.charge_total, tickets.open_at_end.>30d; an array
 *     gives its length (tickets.p1 = the number of P1 tickets);
 * and format is text, integer, decimal[:N], percent[:N], money[:CUR], date,
 * datetime, month, period or hours[:N], written per the report's locale, or
 * label:PREFIX, which shows a value through the string PREFIXvalue
 * (${row.category|label:cat_} is #{cat_video} for "video"). A missing value shows
 * as an em dash. "$${" writes a literal "${", "##{" a literal "#{".
 *
 * Tests (<if test="...">):
 *   program in enterprise, partner_enterprise      (literal list)
 *   rma.breach                                     (true, non-zero, non-empty)
 *   not rma.breach and adoption.rate < 0.5         (and, or, not, parentheses)
 *   adoption.rate >= rma.threshold                 (a bare word that is a known
 *                                                   name is its value; else a
 *                                                   literal, or quote it: 'x')
 *   csm_email is not null, data.trueup.rows > 0
 * Comparisons are numeric when both sides are numbers, else textual; any null
 * operand makes a comparison false.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmreport/metrics.h"
#include "template_internal.h"

#define NULL_MARK "\xe2\x80\x94" /* U+2014 EM DASH for a missing value */

const char *const tpl_builtin_names[] = {
    "account_id", "account_name", "partner_id", "partner_name", "program", "locale",
    "currency", "period", "period_start", "period_end", "prev_period", "prev_period_start",
    "prev_period_end", "as_of", "csm_name", "csm_email", "delivered_by", "report_name",
    "p1_hours", "p2_hours", "p3_hours", "p4_hours",
    "currency_digits",   /* minor digits of the currency (ISO 4217): workbook formulas round to it */
};
const size_t tpl_builtin_count = sizeof tpl_builtin_names / sizeof tpl_builtin_names[0];

int tpl_builtin_index(const char *name)
{
    for (size_t i = 0; i < tpl_builtin_count; i++)
        if (strcmp(tpl_builtin_names[i], name) == 0)
            return (int)i;
    return -1;
}

/* ---------- formats ---------- */

bool tpl_parse_format(const char *s, cr_format *out)
{
    static const struct {
        const char *name;
        cr_format_kind kind;
        bool digits, currency;
    } kinds[] = {
        {"text", CR_FORMAT_TEXT, false, false},     {"integer", CR_FORMAT_INTEGER, false, false},
        {"decimal", CR_FORMAT_DECIMAL, true, false}, {"percent", CR_FORMAT_PERCENT, true, false},
        {"money", CR_FORMAT_MONEY, false, true},     {"date", CR_FORMAT_DATE, false, false},
        {"month", CR_FORMAT_MONTH, false, false},    {"hours", CR_FORMAT_HOURS, true, false},
        {"datetime", CR_FORMAT_DATETIME, false, false}, {"period", CR_FORMAT_PERIOD, false, false},
        {"period_in", CR_FORMAT_PERIOD_IN, false, false},
    };
    memset(out, 0, sizeof *out);
    out->decimals = -1;
    const char *colon = strchr(s, ':');
    size_t n = colon ? (size_t)(colon - s) : strlen(s);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strlen(kinds[i].name) != n || memcmp(kinds[i].name, s, n) != 0)
            continue;
        out->kind = kinds[i].kind;
        if (!colon)
            return true;
        const char *arg = colon + 1;
        if (kinds[i].digits && isdigit((unsigned char)arg[0]) && !arg[1]) {
            out->decimals = arg[0] - '0';
            return true;
        }
        if (kinds[i].currency && strlen(arg) == 3 && isupper((unsigned char)arg[0]) &&
            isupper((unsigned char)arg[1]) && isupper((unsigned char)arg[2])) {
            memcpy(out->currency, arg, 4);
            return true;
        }
        return false;
    }
    return false;
}

const char *tpl_label_prefix(const char *fmt)
{
    return fmt && strncmp(fmt, "label:", 6) == 0 && fmt[6] ? fmt + 6 : NULL;
}

char *tpl_label_text(const tpl_env *env, const char *prefix, const char *value)
{
    char key[160];
    if (!value)
        return strdup(NULL_MARK);
    snprintf(key, sizeof key, "%s%s", prefix, value);
    const tpl_string *s = strlen(prefix) + strlen(value) < sizeof key ? tpl_find_string(env->t, key)
                                                                      : NULL;
    if (!s)
        return strdup(value);
    return strdup(s->text[env->locale] ? s->text[env->locale] : s->text[0]);
}

bool tpl_value_number(const tpl_value *v, double *out)
{
    if (v->type == TV_NUMBER) {
        *out = v->number;
        return true;
    }
    if (v->type == TV_BOOL) {
        *out = v->boolean ? 1 : 0;
        return true;
    }
    if (v->type == TV_TEXT && v->text && *v->text) {
        char *end;
        double d = strtod(v->text, &end);
        if (*end == '\0' && isfinite(d)) {
            *out = d;
            return true;
        }
    }
    return false;
}

char *tpl_format_value(const tpl_env *env, const tpl_value *v, const cr_format *f)
{
    char buf[256];
    double d;
    if (v->type == TV_NULL)
        return strdup(NULL_MARK);
    cr_format_kind kind = f ? f->kind : CR_FORMAT_TEXT;
    if (!f) {
        /* By type: integers grouped, other numbers with 2 decimals. */
        if (v->type == TV_NUMBER)
            kind = v->number == floor(v->number) && fabs(v->number) < 1e15 ? CR_FORMAT_INTEGER
                                                                            : CR_FORMAT_DECIMAL;
    }
    if (v->type == TV_BOOL && kind == CR_FORMAT_TEXT)
        return strdup(v->boolean ? "true" : "false");
    int digits = f ? f->decimals : -1;
    int n = -1;
    switch (kind) {
    case CR_FORMAT_TEXT:
        if (v->type == TV_TEXT)
            return strdup(v->text ? v->text : "");
        /* A whole number as text is its digits, as the metrics JSON has it: a
         * year (rma.year) must not read "2 026". */
        if (v->number == floor(v->number) && fabs(v->number) < 1e15) {
            snprintf(buf, sizeof buf, "%.0f", v->number);
            return strdup(buf);
        }
        n = cr_numfmt_decimal(env->locale, v->number, 2, buf, sizeof buf);
        break;
    case CR_FORMAT_DATETIME:
    case CR_FORMAT_PERIOD:
    case CR_FORMAT_PERIOD_IN:
        if (v->type == TV_TEXT && v->text) {
            n = kind == CR_FORMAT_PERIOD      ? cr_numfmt_period(env->locale, v->text, buf, sizeof buf)
                : kind == CR_FORMAT_PERIOD_IN ? cr_numfmt_period_in(env->locale, v->text, buf,
                                                                    sizeof buf)
                                              : cr_numfmt_datetime(env->locale, v->text, buf,
                                                                   sizeof buf);
            if (n < 0)
                return strdup(v->text);
        }
        break;
    case CR_FORMAT_DATE:
    case CR_FORMAT_MONTH:
        if (v->type == TV_TEXT && v->text) {
            /* A timestamp shows as its date. */
            char day[11];
            snprintf(day, sizeof day, "%s", v->text);
            n = kind == CR_FORMAT_DATE ? cr_numfmt_date(env->locale, day, buf, sizeof buf)
                                       : cr_numfmt_month(env->locale, day, buf, sizeof buf);
            if (n < 0)
                return strdup(v->text);
        }
        break;
    default:
        if (!tpl_value_number(v, &d))
            return strdup(v->type == TV_TEXT && v->text ? v->text : NULL_MARK);
        switch (kind) {
        case CR_FORMAT_INTEGER:
            n = cr_numfmt_decimal(env->locale, d, 0, buf, sizeof buf);
            break;
        case CR_FORMAT_PERCENT:
            n = cr_numfmt_percent(env->locale, d, digits < 0 ? 1 : digits, buf, sizeof buf);
            break;
        case CR_FORMAT_MONEY: {
            const char *cur = f && f->currency[0] ? f->currency : env->currency;
            n = cr_numfmt_money_units(env->locale, d, cur, buf, sizeof buf);
            break;
        }
        default: /* DECIMAL, HOURS */
            n = cr_numfmt_decimal(env->locale, d, digits < 0 ? 2 : digits, buf, sizeof buf);
            break;
        }
    }
    if (n < 0)
        return strdup(NULL_MARK);
    return strdup(buf);
}

/* ---------- names ---------- */

int tpl_check_name(const cr_template *t, const char *name, long line, cr_error *err)
{
    if (tpl_builtin_index(name) >= 0 || tpl_find_param(t, name))
        return 0;
    /* row.COLUMN: the columns of a metrics dataset are known only when it
     * runs; a column a row lacks is null. */
    if (strncmp(name, "row.", 4) == 0 && name[4])
        return 0;
    /* The device list is computed only for a metrics dataset that reads it
     * (cr_template.metrics_devices), so a name cannot reach it. */
    const char *m = strncmp(name, "prev.", 5) == 0 ? name + 5 : name;
    if (strncmp(m, "devices", 7) == 0 && (!m[7] || m[7] == '.') && cr_metrics_path_known(m))
        return cr_error_set(err, EX_CONFIG, t->path, line, 0,
                            "'%s': read the device list through a metrics dataset "
                            "(<dataset name=\"...\" metrics=\"devices\"/>)", name);
    if (strncmp(name, "prev.", 5) == 0 && cr_metrics_path_known(name + 5)) {
        if (t->scope == CR_SCOPE_PARTNER)
            return cr_error_set(err, EX_CONFIG, t->path, line, 0,
                                "'%s': metric names need scope=\"account\"", name);
        return 0;
    }
    if (strncmp(name, "data.", 5) == 0) {
        const char *set = name + 5, *dot = strchr(set, '.');
        if (!dot)
            return cr_error_set(err, EX_CONFIG, t->path, line, 0,
                                "'%s': write data.SET.COLUMN, data.SET.N.COLUMN or data.SET.rows",
                                name);
        char *setname = strndup(set, (size_t)(dot - set));
        const tpl_dataset *ds = setname ? tpl_find_dataset(t, setname, NULL) : NULL;
        free(setname);
        if (!ds)
            return cr_error_set(err, EX_CONFIG, t->path, line, 0, "'%s': no dataset of that name",
                                name);
        const char *col = dot + 1;
        if (strcmp(col, "rows") == 0)
            return 0;
        const char *d2 = strchr(col, '.');
        if (d2 && d2 > col && strspn(col, "0123456789") == (size_t)(d2 - col))
            col = d2 + 1;
        if (ds->sql) {
            for (size_t i = 0; i < ds->column_count; i++)
                if (strcmp(ds->columns[i], col) == 0)
                    return 0;
            return cr_error_set(err, EX_CONFIG, t->path, line, 0,
                                "'%s': dataset '%s' has no column '%s'", name, ds->name, col);
        }
        return 0;
    }
    if (cr_metrics_path_known(name)) {
        if (t->scope == CR_SCOPE_PARTNER)
            return cr_error_set(err, EX_CONFIG, t->path, line, 0,
                                "'%s': metric names need scope=\"account\"; a partner report "
                                "reads metrics through a metrics dataset (one row per account)",
                                name);
        return 0;
    }
    return cr_error_set(err, EX_CONFIG, t->path, line, 0,
                        "unknown name '%s' (not a parameter, a data.SET value or a metric)", name);
}

/* Finds the end of a ${...} / #{...} starting at p (pointing after the '{'). */
static const char *closing_brace(const char *p)
{
    return strchr(p, '}');
}

int tpl_check_text(const cr_template *t, const char *text, long line, cr_error *err)
{
    if (!text)
        return 0;
    /* Element text keeps its line breaks here, so an error names the line
     * of the placeholder itself. */
    for (const char *p = text; *p; p++) {
        if (*p == '\n')
            line++;
        if ((p[0] == '$' && p[1] == '$' && p[2] == '{') || (p[0] == '#' && p[1] == '#' && p[2] == '{')) {
            p += 2;
            continue;
        }
        if ((p[0] != '$' && p[0] != '#') || p[1] != '{')
            continue;
        const char *end = closing_brace(p + 2);
        if (!end)
            return cr_error_set(err, EX_CONFIG, t->path, line, 0, "'%c{' without its closing '}'",
                                p[0]);
        char *inner = strndup(p + 2, (size_t)(end - p - 2));
        if (!inner)
            return cr_error_set(err, CR_EX_NOMEM, t->path, line, 0, "out of memory");
        int rc = 0;
        if (p[0] == '#') {
            if (!tpl_find_string(t, inner))
                rc = cr_error_set(err, EX_CONFIG, t->path, line, 0,
                                  "unknown string '#{%s}' (not in <strings>)", inner);
        } else {
            char *bar = strchr(inner, '|');
            cr_format f;
            if (bar) {
                *bar = '\0';
                if (!tpl_label_prefix(bar + 1) && !tpl_parse_format(bar + 1, &f))
                    rc = cr_error_set(err, EX_CONFIG, t->path, line, 0,
                                      "unknown format '%s' in ${%s|%s} (integer, decimal:N, "
                                      "percent:N, money, date, datetime, month, period, hours, "
                                      "text, label:PREFIX)",
                                      bar + 1, inner, bar + 1);
            }
            if (!rc)
                rc = tpl_check_name(t, inner, line, err);
        }
        free(inner);
        if (rc)
            return rc;
        p = end;
    }
    return 0;
}

/* ---------- expansion ---------- */

typedef struct sbuf {
    char *s;
    size_t len, cap;
    bool oom;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *ns = realloc(b->s, cap);
        if (!ns) {
            b->oom = true;
            return;
        }
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static int expand_into(const tpl_env *env, const char *text, sbuf *b, int depth, cr_error *err)
{
    const char *p = text;
    while (*p) {
        if ((p[0] == '$' || p[0] == '#') && p[1] == p[0] && p[2] == '{') {
            sb_add(b, p, 1);
            sb_add(b, "{", 1);
            p += 3;
            continue;
        }
        if ((p[0] != '$' && p[0] != '#') || p[1] != '{') {
            sb_add(b, p, 1);
            p++;
            continue;
        }
        const char *end = closing_brace(p + 2);
        if (!end) {
            sb_add(b, p, strlen(p));
            break;
        }
        char *inner = strndup(p + 2, (size_t)(end - p - 2));
        if (!inner)
            return cr_error_nomem(err);
        int rc = 0;
        if (p[0] == '#') {
            const tpl_string *s = tpl_find_string(env->t, inner);
            const char *txt = s ? (s->text[env->locale] ? s->text[env->locale] : s->text[0]) : "";
            if (s && s->count && s->one[env->locale]) {
                tpl_value n = {.type = TV_NULL};
                double d;
                rc = env->lookup(env->ctx, s->count, &n, err);
                if (!rc && tpl_value_number(&n, &d) && cr_numfmt_plural_one(env->locale, d))
                    txt = s->one[env->locale];
            }
            /* A string may hold placeholders, not other strings (no loops). */
            if (!rc && depth == 0)
                rc = expand_into(env, txt, b, 1, err);
            else if (!rc)
                sb_add(b, txt, strlen(txt));
        } else {
            char *bar = strchr(inner, '|');
            cr_format f, *fp = NULL;
            const char *label = NULL;
            if (bar) {
                *bar = '\0';
                label = tpl_label_prefix(bar + 1);
                if (!label && tpl_parse_format(bar + 1, &f))
                    fp = &f;
            }
            tpl_value v = {.type = TV_NULL};
            rc = env->lookup(env->ctx, inner, &v, err);
            if (!rc) {
                char *s = label && v.type == TV_TEXT ? tpl_label_text(env, label, v.text)
                                                     : tpl_format_value(env, &v, fp);
                if (s)
                    sb_add(b, s, strlen(s));
                else
                    b->oom = true;
                free(s);
            }
        }
        free(inner);
        if (rc)
            return rc;
        p = end + 1;
    }
    return 0;
}

int tpl_expand(const tpl_env *env, const char *text, char **out, cr_error *err)
{
    sbuf b = {0};
    *out = NULL;
    sb_add(&b, "", 0);
    int rc = expand_into(env, text ? text : "", &b, 0, err);
    if (!rc && b.oom)
        rc = cr_error_nomem(err);
    if (rc) {
        free(b.s);
        return rc;
    }
    *out = b.s;
    return 0;
}

/* ---------- conditions ---------- */

typedef enum cond_op { C_OR, C_AND, C_NOT, C_TRUTHY, C_CMP, C_IN, C_NOT_IN, C_IS_NULL, C_NOT_NULL } cond_op;
typedef enum cmp_op { K_EQ, K_NE, K_LT, K_LE, K_GT, K_GE } cmp_op;

typedef struct operand {
    bool is_name;      /* else a literal */
    char *text;        /* the name, or the literal text */
} operand;

struct tpl_cond {
    cond_op op;
    tpl_cond *a, *b;
    operand lhs, rhs;
    cmp_op cmp;
    char **list;
    size_t list_count;
};

void tpl_cond_free(tpl_cond *c)
{
    if (!c)
        return;
    tpl_cond_free(c->a);
    tpl_cond_free(c->b);
    free(c->lhs.text);
    free(c->rhs.text);
    for (size_t i = 0; i < c->list_count; i++)
        free(c->list[i]);
    free(c->list);
    free(c);
}

typedef enum tok_type { T_END, T_WORD, T_NUMBER, T_STRING, T_OP, T_LPAREN, T_RPAREN, T_COMMA, T_BAD } tok_type;

typedef struct parser {
    const cr_template *t;
    const char *text, *p;
    long line;
    cr_error *err;
    tok_type type;
    char tok[256];
    int rc;
} parser;

static bool word_char(char c, char prev)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-' ||
           (c == '>' && prev == '.');
}

static void next(parser *ps)
{
    const char *p = ps->p;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    ps->tok[0] = '\0';
    size_t n = 0;
    if (!*p) {
        ps->type = T_END;
    } else if (*p == '(' || *p == ')' || *p == ',') {
        ps->type = *p == '(' ? T_LPAREN : *p == ')' ? T_RPAREN : T_COMMA;
        ps->tok[0] = *p++;
        ps->tok[1] = '\0';
    } else if (*p == '\'') {
        /* 'text', with '' for a quote inside, as in SQL. */
        p++;
        while (*p && (*p != '\'' || p[1] == '\'') && n < sizeof ps->tok - 1) {
            if (*p == '\'')
                p++;
            ps->tok[n++] = *p++;
        }
        ps->tok[n] = '\0';
        ps->type = *p == '\'' ? T_STRING : T_BAD;
        if (*p)
            p++;
    } else if (strchr("=!<>", *p)) {
        ps->tok[n++] = *p++;
        if (*p == '=' || (ps->tok[0] == '<' && *p == '>'))
            ps->tok[n++] = *p++;
        ps->tok[n] = '\0';
        ps->type = strcmp(ps->tok, "!") == 0 ? T_BAD : T_OP;
    } else if (isdigit((unsigned char)*p) || (*p == '-' && isdigit((unsigned char)p[1]))) {
        /* A number, unless letters follow ("0-2d" is not a name start anyway). */
        char *end;
        strtod(p, &end);
        n = (size_t)(end - p) < sizeof ps->tok - 1 ? (size_t)(end - p) : sizeof ps->tok - 1;
        memcpy(ps->tok, p, n);
        ps->tok[n] = '\0';
        p = end;
        ps->type = T_NUMBER;
    } else if (isalpha((unsigned char)*p) || *p == '_') {
        char prev = 0;
        while (*p && word_char(*p, prev) && n < sizeof ps->tok - 1) {
            prev = *p;
            ps->tok[n++] = *p++;
        }
        ps->tok[n] = '\0';
        ps->type = T_WORD;
    } else {
        ps->tok[0] = *p;
        ps->tok[1] = '\0';
        ps->type = T_BAD;
        p++;
    }
    ps->p = p;
}

static tpl_cond *fail(parser *ps, const char *what)
{
    if (!ps->rc)
        ps->rc = cr_error_set(ps->err, EX_CONFIG, ps->t->path, ps->line, 0,
                              "test \"%s\": %s%s%s%s", ps->text, what,
                              ps->type == T_END ? "" : " near '",
                              ps->type == T_END ? " at its end" : ps->tok,
                              ps->type == T_END ? "" : "'");
    return NULL;
}

static bool is_word(const parser *ps, const char *w)
{
    return ps->type == T_WORD && strcmp(ps->tok, w) == 0;
}

static bool is_keyword(const char *w)
{
    static const char *const kw[] = {"and", "or", "not", "in", "is", "null"};
    for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
        if (strcmp(w, kw[i]) == 0)
            return true;
    return false;
}

/* A bare word on the right: a name when it is one, else a literal. */
static bool known_name(const cr_template *t, const char *w)
{
    cr_error e;
    return tpl_check_name(t, w, 0, &e) == 0;
}

static tpl_cond *new_cond(parser *ps, cond_op op)
{
    tpl_cond *c = calloc(1, sizeof *c);
    if (!c && !ps->rc)
        ps->rc = cr_error_set(ps->err, CR_EX_NOMEM, ps->t->path, ps->line, 0, "out of memory");
    if (c)
        c->op = op;
    return c;
}

static tpl_cond *parse_or(parser *ps);

static bool parse_literal(parser *ps, char **out)
{
    if (ps->type != T_WORD && ps->type != T_NUMBER && ps->type != T_STRING)
        return false;
    *out = strdup(ps->tok);
    next(ps);
    return *out != NULL;
}

static tpl_cond *parse_cmp(parser *ps)
{
    if (ps->type != T_WORD || is_keyword(ps->tok))
        return fail(ps, "expected a name");
    if (tpl_check_name(ps->t, ps->tok, ps->line, ps->err)) {
        ps->rc = ps->err ? ps->err->code : EX_CONFIG;
        return NULL;
    }
    tpl_cond *c = new_cond(ps, C_TRUTHY);
    if (!c)
        return NULL;
    c->lhs.is_name = true;
    c->lhs.text = strdup(ps->tok);
    next(ps);
    if (ps->type == T_OP) {
        static const struct { const char *s; cmp_op op; } ops[] = {
            {"=", K_EQ}, {"==", K_EQ}, {"!=", K_NE}, {"<>", K_NE},
            {"<", K_LT}, {"<=", K_LE}, {">", K_GT}, {">=", K_GE},
        };
        bool found = false;
        for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
            if (strcmp(ops[i].s, ps->tok) == 0) {
                c->cmp = ops[i].op;
                found = true;
            }
        if (!found) {
            tpl_cond_free(c);
            return fail(ps, "unknown comparison");
        }
        c->op = C_CMP;
        next(ps);
        bool word = ps->type == T_WORD;
        if (!parse_literal(ps, &c->rhs.text)) {
            tpl_cond_free(c);
            return fail(ps, "expected a value");
        }
        c->rhs.is_name = word && known_name(ps->t, c->rhs.text);
    } else if (is_word(ps, "is")) {
        next(ps);
        c->op = C_IS_NULL;
        if (is_word(ps, "not")) {
            c->op = C_NOT_NULL;
            next(ps);
        }
        if (!is_word(ps, "null")) {
            tpl_cond_free(c);
            return fail(ps, "expected 'null'");
        }
        next(ps);
    } else if (is_word(ps, "in") || is_word(ps, "not")) {
        c->op = C_IN;
        if (is_word(ps, "not")) {
            c->op = C_NOT_IN;
            next(ps);
            if (!is_word(ps, "in")) {
                tpl_cond_free(c);
                return fail(ps, "expected 'in'");
            }
        }
        next(ps);
        for (;;) {
            char *item = NULL;
            if (!parse_literal(ps, &item)) {
                tpl_cond_free(c);
                return fail(ps, "expected a value of the list");
            }
            char **nl = realloc(c->list, (c->list_count + 1) * sizeof *nl);
            if (!nl) {
                free(item);
                tpl_cond_free(c);
                return fail(ps, "out of memory");
            }
            c->list = nl;
            c->list[c->list_count++] = item;
            if (ps->type != T_COMMA)
                break;
            next(ps);
        }
    }
    return c;
}

static tpl_cond *parse_unary(parser *ps)
{
    if (is_word(ps, "not")) {
        next(ps);
        tpl_cond *inner = parse_unary(ps);
        if (!inner)
            return NULL;
        tpl_cond *c = new_cond(ps, C_NOT);
        if (!c) {
            tpl_cond_free(inner);
            return NULL;
        }
        c->a = inner;
        return c;
    }
    if (ps->type == T_LPAREN) {
        next(ps);
        tpl_cond *c = parse_or(ps);
        if (!c)
            return NULL;
        if (ps->type != T_RPAREN) {
            tpl_cond_free(c);
            return fail(ps, "expected ')'");
        }
        next(ps);
        return c;
    }
    return parse_cmp(ps);
}

static tpl_cond *parse_binary(parser *ps, bool is_or)
{
    tpl_cond *left = is_or ? parse_binary(ps, false) : parse_unary(ps);
    while (left && is_word(ps, is_or ? "or" : "and")) {
        next(ps);
        tpl_cond *right = is_or ? parse_binary(ps, false) : parse_unary(ps);
        if (!right) {
            tpl_cond_free(left);
            return NULL;
        }
        tpl_cond *c = new_cond(ps, is_or ? C_OR : C_AND);
        if (!c) {
            tpl_cond_free(left);
            tpl_cond_free(right);
            return NULL;
        }
        c->a = left;
        c->b = right;
        left = c;
    }
    return left;
}

static tpl_cond *parse_or(parser *ps)
{
    return parse_binary(ps, true);
}

int tpl_cond_parse(const cr_template *t, const char *text, long line, tpl_cond **out,
                   cr_error *err)
{
    parser ps = {.t = t, .text = text, .p = text, .line = line, .err = err};
    *out = NULL;
    next(&ps);
    tpl_cond *c = parse_or(&ps);
    if (c && ps.type != T_END) {
        tpl_cond_free(c);
        c = fail(&ps, "unexpected text");
    }
    if (!c)
        return ps.rc ? ps.rc : cr_error_set(err, EX_CONFIG, t->path, line, 0, "invalid test");
    *out = c;
    return 0;
}

static bool truthy(const tpl_value *v)
{
    switch (v->type) {
    case TV_BOOL:
        return v->boolean;
    case TV_NUMBER:
        return v->number != 0;
    case TV_TEXT:
        return v->text && *v->text && strcmp(v->text, "false") != 0 && strcmp(v->text, "0") != 0;
    default:
        return false;
    }
}

static const char *value_text(const tpl_value *v, char *buf, size_t size)
{
    if (v->type == TV_TEXT)
        return v->text ? v->text : "";
    if (v->type == TV_BOOL)
        return v->boolean ? "true" : "false";
    snprintf(buf, size, "%.17g", v->number);
    return buf;
}

/* -1, 0, 1; *ok false when either side is null. */
static int compare(const tpl_value *a, const tpl_value *b, bool *ok)
{
    double x, y;
    *ok = a->type != TV_NULL && b->type != TV_NULL;
    if (!*ok)
        return 0;
    if (tpl_value_number(a, &x) && tpl_value_number(b, &y))
        return x < y ? -1 : x > y ? 1 : 0;
    char ba[40], bb[40];
    int c = strcmp(value_text(a, ba, sizeof ba), value_text(b, bb, sizeof bb));
    return c < 0 ? -1 : c > 0;
}

static int operand_value(const operand *o, const tpl_env *env, tpl_value *v, cr_error *err)
{
    if (o->is_name)
        return env->lookup(env->ctx, o->text, v, err);
    v->type = TV_TEXT;
    v->text = o->text;
    return 0;
}

int tpl_cond_eval(const tpl_cond *c, const tpl_env *env, bool *result, cr_error *err)
{
    int rc;
    bool x, y;
    tpl_value a = {.type = TV_NULL}, b = {.type = TV_NULL};
    switch (c->op) {
    case C_OR:
    case C_AND:
        if ((rc = tpl_cond_eval(c->a, env, &x, err)))
            return rc;
        if (c->op == C_OR ? x : !x) {
            *result = x;
            return 0;
        }
        if ((rc = tpl_cond_eval(c->b, env, &y, err)))
            return rc;
        *result = y;
        return 0;
    case C_NOT:
        if ((rc = tpl_cond_eval(c->a, env, &x, err)))
            return rc;
        *result = !x;
        return 0;
    default:
        break;
    }
    if ((rc = operand_value(&c->lhs, env, &a, err)))
        return rc;
    switch (c->op) {
    case C_TRUTHY:
        *result = truthy(&a);
        return 0;
    case C_IS_NULL:
        *result = a.type == TV_NULL;
        return 0;
    case C_NOT_NULL:
        *result = a.type != TV_NULL;
        return 0;
    case C_IN:
    case C_NOT_IN: {
        bool found = false, ok;
        for (size_t i = 0; i < c->list_count && !found; i++) {
            tpl_value item = {.type = TV_TEXT, .text = c->list[i]};
            found = compare(&a, &item, &ok) == 0 && ok;
        }
        *result = c->op == C_IN ? found : (a.type != TV_NULL && !found);
        return 0;
    }
    case C_CMP: {
        if ((rc = operand_value(&c->rhs, env, &b, err)))
            return rc;
        bool ok;
        int k = compare(&a, &b, &ok);
        switch (c->cmp) {
        case K_EQ: *result = ok && k == 0; break;
        case K_NE: *result = ok && k != 0; break;
        case K_LT: *result = ok && k < 0; break;
        case K_LE: *result = ok && k <= 0; break;
        case K_GT: *result = ok && k > 0; break;
        default: *result = ok && k >= 0; break;
        }
        return 0;
    }
    default:
        *result = false;
        return 0;
    }
}
