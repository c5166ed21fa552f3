/* explain.c - the rule, the arithmetic and the source rows behind one figure
 * of the metrics document (explain.h).
 *
 * The figure's value is read from the document cr_metrics_compute builds, so
 * it is the metrics JSON's by construction; the arithmetic is rebuilt from the
 * figure's row and its inputs, as steps a reader (and tests/e2e/explain.sh)
 * can evaluate again; the inputs are the store's rows with their source
 * (src/sql/explain.sql, lineage of schema_v5.sql).
 */
#include "csmreport/explain.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmreport/db.h"
#include "csmreport/numfmt.h"
#include "csmreport/sql.h"
#include "explain_internal.h"
#include "metrics_internal.h"

typedef struct explainer {
    cr_metrics_ctx ctx;
    cr_locale loc;
    const cr_json *doc;
    cr_json *out, *steps, *text, *inputs;
    cr_error *err;
    int status;     /* first failure: a sysexits code */
} explainer;

/* ---- building the explanation ------------------------------------------ */

static void nomem(explainer *x)
{
    if (!x->status)
        x->status = cr_error_nomem(x->err);
}

static void put(explainer *x, cr_json *obj, const char *key, cr_json *v)
{
    if (!v || !cr_json_set(obj, key, v))
        nomem(x);
}

/* A copy of v that prints the same (fixed decimals kept). */
static cr_json *copy_json(const cr_json *v)
{
    size_t n;
    cr_json *c = NULL;
    switch (cr_json_type_of(v)) {
    case CR_JSON_NULL: return cr_json_null();
    case CR_JSON_BOOL: return cr_json_bool(cr_json_get_bool(v));
    case CR_JSON_INT: return cr_json_int(cr_json_get_int(v));
    case CR_JSON_STRING: return cr_json_string(cr_json_get_string(v));
    case CR_JSON_NUMBER: {
        char *s = cr_json_to_string(v, 0);
        const char *dot = s ? strchr(s, '.') : NULL;
        int decimals = dot && !strpbrk(s, "eE") ? (int)strlen(dot + 1) : -1;
        double d = cr_json_get_number(v);
        free(s);
        /* 21.00 stays 21.00; a shortest-form number stays one. */
        return decimals >= 0 && decimals <= 6 && cr_json_get_number(c = cr_json_fixed(d, decimals)) == d
                   ? c
                   : (cr_json_free(c), cr_json_number(d));
    }
    case CR_JSON_ARRAY:
        c = cr_json_array();
        n = cr_json_size(v);
        for (size_t i = 0; c && i < n; i++)
            if (!cr_json_append(c, copy_json(cr_json_at(v, i)))) {
                cr_json_free(c);
                return NULL;
            }
        return c;
    case CR_JSON_OBJECT:
        c = cr_json_object();
        n = cr_json_size(v);
        for (size_t i = 0; c && i < n; i++)
            if (!cr_json_set(c, cr_json_key_at(v, i), copy_json(cr_json_value_at(v, i)))) {
                cr_json_free(c);
                return NULL;
            }
        return c;
    }
    return NULL;
}

static void line(explainer *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(explainer *x, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (!cr_json_append(x->text, cr_json_string(buf)))
        nomem(x);
}

/* One step of the arithmetic: expr (Python syntax) over values gives result;
 * gives marks the step whose result, divided by scale, is the figure. values
 * is taken. */
static void step(explainer *x, const char *name, const char *expr, cr_json *values, cr_json *result,
                 bool gives, int64_t scale)
{
    cr_json *s = cr_json_object();
    if (!s || !cr_json_append(x->steps, s)) {
        cr_json_free(values);
        cr_json_free(result);
        cr_json_free(s);
        nomem(x);
        return;
    }
    put(x, s, "name", cr_json_string(name));
    put(x, s, "expr", cr_json_string(expr));
    put(x, s, "values", values ? values : cr_json_object());
    put(x, s, "result", result ? result : cr_json_null());
    if (gives) {
        put(x, s, "gives", cr_json_bool(true));
        if (scale != 1)
            put(x, s, "scale", cr_json_int(scale));
    }
}

/* values helpers: vals("n", 1, "m", 2.5, NULL) is awkward in C; these build
 * an object one key at a time. */
static cr_json *vobj(void)
{
    return cr_json_object();
}
static cr_json *vint(explainer *x, cr_json *o, const char *k, int64_t v)
{
    put(x, o, k, cr_json_int(v));
    return o;
}
static cr_json *vnum(explainer *x, cr_json *o, const char *k, double v)
{
    put(x, o, k, cr_json_number(v));
    return o;
}

/* Runs st (bound) and adds every row as an input of kind: its columns as
 * fields, src_file/src_line/src_date as its source. note(row) may add a
 * "note". Returns the number of rows, -1 on failure. */
static long add_inputs(explainer *x, sqlite3_stmt *st, const char *kind)
{
    long n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        cr_json *in = cr_json_object(), *fields = cr_json_object(), *src = NULL;
        if (!in || !cr_json_append(x->inputs, in)) {
            cr_json_free(in);
            cr_json_free(fields);
            nomem(x);
            return -1;
        }
        put(x, in, "kind", cr_json_string(kind));
        const char *file = NULL;
        int64_t src_line = 0;
        const char *date = NULL;
        for (int c = 0; c < sqlite3_column_count(st); c++) {
            const char *name = sqlite3_column_name(st, c);
            if (strcmp(name, "src_file") == 0) {
                file = cr_db_column_text(st, c);
                continue;
            }
            if (strcmp(name, "src_line") == 0) {
                src_line = sqlite3_column_int64(st, c);
                continue;
            }
            if (strcmp(name, "src_date") == 0) {
                date = cr_db_column_text(st, c);
                continue;
            }
            cr_json *v;
            switch (sqlite3_column_type(st, c)) {
            case SQLITE_INTEGER: v = cr_json_int(sqlite3_column_int64(st, c)); break;
            case SQLITE_FLOAT: v = cr_json_number(sqlite3_column_double(st, c)); break;
            case SQLITE_NULL: v = cr_json_null(); break;
            default: v = cr_json_string(cr_db_column_text(st, c)); break;
            }
            put(x, fields, name, v);
        }
        put(x, in, "fields", fields);
        if (file) {
            src = cr_json_object();
            put(x, src, "file", cr_json_string(file));
            put(x, src, "line", cr_json_int(src_line));
            put(x, src, "import_date", cr_json_string(date));
        }
        put(x, in, "source", src ? src : cr_json_null());
        n++;
    }
    if (rc != SQLITE_DONE && !x->status)
        x->status = cr_db_fail(x->ctx.db, rc, "cannot read the inputs", x->err);
    return x->status ? -1 : n;
}

static sqlite3_stmt *prepare(explainer *x, const char *name)
{
    if (x->status)
        return NULL;
    sqlite3_stmt *st = cr_sql_prepare(x->ctx.db, name, x->err);
    if (!st)
        x->status = cr_error_exit_code(x->err);
    return st;
}

/* ---- formatting for the text lines -------------------------------------- */

static const char *fmt_int(explainer *x, int64_t v, char *buf, size_t size)
{
    if (v < 0) {
        char tmp[32];
        cr_numfmt_int(x->loc, -v, tmp, sizeof tmp);
        snprintf(buf, size, "\u2212%.31s", tmp);
    } else {
        cr_numfmt_int(x->loc, v, buf, size);
    }
    return buf;
}

static const char *fmt_dec(explainer *x, double v, int digits, char *buf, size_t size)
{
    cr_numfmt_decimal(x->loc, v, digits, buf, size);
    return buf;
}

static const char *fmt_money(explainer *x, int64_t minor, char *buf, size_t size)
{
    cr_numfmt_money(x->loc, minor, x->ctx.account->currency, buf, size);
    return buf;
}

static const char *fmt_utc(explainer *x, int64_t utc, char *buf, size_t size)
{
    int64_t local = cr_tz_utc_to_local(x->ctx.tz, utc);
    int64_t day = local / 86400, secs = local % 86400;
    if (secs < 0) {
        secs += 86400;
        day--;
    }
    char date[16];
    cr_date_format(cr_civil_from_days(day), date);
    snprintf(buf, size, "%s %02d:%02d:%02d", date, (int)(secs / 3600), (int)(secs / 60 % 60),
             (int)(secs % 60));
    return buf;
}

static int64_t pow10i(int digits)
{
    int64_t p = 1;
    while (digits-- > 0)
        p *= 10;
    return p;
}

/* ---- sections ------------------------------------------------------------ */

static const char *const rule_trueup =
    "Per category the agreed count N is checked every month against the month's inventory M "
    "(devices whose model is not end-of-service at the month's end). An increase of at least "
    "trueup_pct % over N (100 \u00d7 (M \u2212 N) \u2265 trueup_pct \u00d7 N) triggers a true-up, "
    "charged pro rata from the first day of that month: added devices \u00d7 annual unit price "
    "\u00d7 months remaining in the term / 12; N then becomes M (SPEC 5.4).";
static const char *const rule_rma =
    "Headset RMAs (distinct RMA numbers, dated by their earliest approval, else opening) from "
    "1 January to as-of are counted against the installed base: the headset agreed count after "
    "true-ups, else the headset inventory. The annual threshold is breached when 100 \u00d7 count > "
    "rma_threshold_pct \u00d7 installed base, strictly above (SPEC 5.2).";
static const char *const rule_downtime =
    "An approved RMA must be delivered by the end (23:59:59 local) of the first business day after "
    "the local date of approval (with the four_hour option: approval + 4 h); business days are "
    "Monday to Friday except the account's holidays. Delivered by the deadline: met; undelivered "
    "with the deadline passed at as-of: missed; else pending (SPEC 5.3).";
static const char *const rule_adoption =
    "Deployed: the distinct devices of the month's inventory (the latest snapshot in the month, "
    "else the last earlier one, stale). Active: deployed devices with at least one usage row in "
    "the period with calls or call minutes above 0. Rate = active / deployed (SPEC 5.1).";
static const char *const rule_tickets =
    "Tickets opened (opened_at) or closed (closed_at) within the period's bounds in the "
    "account's time zone, by priority and by month; open at the end: opened on or before and "
    "not closed by the end of as-of (SPEC 5.5).";
static const char *const rule_software =
    "Each device of the as-of inventory against its model's firmware releases up to as-of: "
    "current (the latest), n_minus_1 (the one before), outdated (older), unknown (SPEC 5.6).";
static const char *const rule_coverage =
    "The devices of the as-of inventory by category and model; eos: the model's eos_date is on "
    "or before as-of; offline_30d: not online and last seen more than 30 days before as-of "
    "(SPEC 5.7).";
static const char *const rule_account =
    "A fact of the account or the period as stored and asked for (SPEC 5.8).";

/* The month-m inventory devices of one category, marked added / removed
 * against the previous month's inventory. *devices, *eos: counted rows. */
static void trueup_devices(explainer *x, const char *category, int year, int month, int64_t *devices,
                           int64_t *eos, char snap[11])
{
    cr_date as_of = x->ctx.period.end;
    bool stale;
    char prev[11] = "";
    *devices = *eos = 0;
    snap[0] = '\0';
    if (!cr_metrics_month_snapshot(&x->ctx, year, month, as_of, snap, &stale, x->err))
        return;
    int py = month == 1 ? year - 1 : year, pm = month == 1 ? 12 : month - 1;
    if (!cr_metrics_month_snapshot(&x->ctx, py, pm, as_of, prev, &stale, x->err) ||
        strcmp(prev, snap) == 0)
        prev[0] = '\0';
    char eos_day[11];
    cr_date_format((cr_date){year, month, cr_days_in_month(year, month)}, eos_day);
    sqlite3_stmt *st = prepare(x, "explain.devices");
    if (!st)
        return;
    size_t first = cr_json_size(x->inputs);
    cr_sql_bind_text(st, ":account", x->ctx.account->account_id);
    cr_sql_bind_text(st, ":snapshot", snap);
    cr_sql_bind_text(st, ":category", category);
    cr_sql_bind_text(st, ":eos_day", eos_day);
    add_inputs(x, st, "device");
    sqlite3_finalize(st);
    size_t last = cr_json_size(x->inputs);
    /* The previous check's devices: which are new, which went away. */
    if (prev[0] && (st = prepare(x, "explain.devices")) != NULL) {
        cr_sql_bind_text(st, ":account", x->ctx.account->account_id);
        cr_sql_bind_text(st, ":snapshot", prev);
        cr_sql_bind_text(st, ":category", category);
        cr_sql_bind_text(st, ":eos_day", eos_day);
        add_inputs(x, st, "device");
        sqlite3_finalize(st);
    }
    size_t end = cr_json_size(x->inputs);
    for (size_t i = first; i < end; i++) {
        cr_json *in = cr_json_at(x->inputs, i);
        cr_json *f = cr_json_get(in, "fields");
        const char *serial = cr_json_get_string(cr_json_get(f, "serial"));
        bool in_other = false;
        size_t from = i < last ? last : first, to = i < last ? end : last;
        for (size_t j = from; j < to && !in_other; j++)
            in_other = strcmp(serial, cr_json_get_string(cr_json_get(
                                          cr_json_get(cr_json_at(x->inputs, j), "fields"), "serial"))) == 0;
        const char *note = i < last ? (prev[0] && !in_other ? "added" : NULL)
                                    : (in_other ? "previous" : "removed");
        if (note)
            put(x, in, "note", cr_json_string(note));
        if (i < last) {
            bool is_eos = cr_json_get_int(cr_json_get(f, "eos")) != 0;
            (*devices)++;
            *eos += is_eos;
        }
    }
    /* Devices of both checks are listed once: drop the previous copies. */
    cr_json *kept = cr_json_array();
    if (!kept) {
        nomem(x);
        return;
    }
    /* The contract line first, then the devices added and removed, then the rest. */
    for (int pass = 0; pass < 3; pass++)
        for (size_t i = 0; i < end; i++) {
            cr_json *in = cr_json_at(x->inputs, i);
            const char *note = cr_json_get_string(cr_json_get(in, "note"));
            if (note && strcmp(note, "previous") == 0)
                continue;
            int rank = i < first ? 0 : note ? 1 : 2;
            if (rank == pass && !cr_json_append(kept, copy_json(in)))
                nomem(x);
        }
    cr_json_set(x->out, "inputs", kept);
    x->inputs = kept;
}

static void contract_input(explainer *x, const char *category, double *pct, double *price,
                           bool *has_price, double *rma_pct)
{
    sqlite3_stmt *st = prepare(x, "explain.contract");
    if (!st)
        return;
    cr_sql_bind_text(st, ":account", x->ctx.account->account_id);
    cr_sql_bind_text(st, ":category", category);
    size_t before = cr_json_size(x->inputs);
    add_inputs(x, st, "contract");
    sqlite3_finalize(st);
    if (cr_json_size(x->inputs) == before)
        return;
    cr_json *f = cr_json_get(cr_json_at(x->inputs, before), "fields");
    if (pct)
        *pct = cr_json_get_number(cr_json_get(f, "trueup_pct"));
    if (rma_pct)
        *rma_pct = cr_json_get_number(cr_json_get(f, "rma_threshold_pct"));
    cr_json *p = cr_json_get(f, "annual_unit_price");
    if (price && !cr_json_is_null(p)) {
        *price = cr_json_get_number(p);
        *has_price = true;
    }
}

static void explain_trueup(explainer *x, const cr_json *row, const char *field)
{
    const char *category = cr_json_get_string(cr_json_get(row, "category"));
    const char *month_s = cr_json_get_string(cr_json_get(row, "month"));
    int year = 0, month = 0;
    if (!category || !month_s || sscanf(month_s, "%d-%d", &year, &month) != 2)
        return;
    int64_t n = cr_json_get_int(cr_json_get(row, "agreed"));
    int64_t m = cr_json_get_int(cr_json_get(row, "actual"));
    bool triggered = cr_json_get_bool(cr_json_get(row, "triggered"));
    double pct = 5, price = 0;
    bool has_price = false;
    put(x, x->out, "rule", cr_json_string(rule_trueup));
    contract_input(x, category, &pct, &price, &has_price, NULL);
    int64_t devices, eos;
    char snap[11];
    trueup_devices(x, category, year, month, &devices, &eos, snap);
    char a[64], b[64], c[64], d[64], e[64], f[64];
    int digits = x->ctx.account->currency_digits;

    step(x, "actual", "devices - eos", vint(x, vint(x, vobj(), "devices", devices), "eos", eos),
         cr_json_int(devices - eos), strcmp(field, "actual") == 0, 1);
    step(x, "eos", "eos", vint(x, vobj(), "eos", eos), cr_json_int(eos), strcmp(field, "eos") == 0, 1);
    line(x, "%s: %s %s devices in the inventory of %s (snapshot %s), %s end-of-service \u2192 M = %s",
         month_s, fmt_int(x, devices, a, sizeof a), category, month_s, snap[0] ? snap : "none",
         fmt_int(x, eos, b, sizeof b), fmt_int(x, m, c, sizeof c));
    double baseline = (double)n * (1 + pct / 100);
    step(x, "baseline", "agreed * (1 + trueup_pct / 100)",
         vnum(x, vint(x, vobj(), "agreed", n), "trueup_pct", pct), cr_json_fixed(baseline, 2),
         strcmp(field, "baseline") == 0, 1);
    step(x, "agreed", "agreed", vint(x, vobj(), "agreed", n), cr_json_int(n), strcmp(field, "agreed") == 0, 1);
    if (n > 0) {
        step(x, "increase_pct", "100 * (actual - agreed) / agreed",
             vint(x, vint(x, vobj(), "actual", m), "agreed", n), cr_json_number(100.0 * (double)(m - n) / (double)n),
             strcmp(field, "increase_pct") == 0, 1);
        step(x, "triggered", "100 * (actual - agreed) >= trueup_pct * agreed",
             vnum(x, vint(x, vint(x, vobj(), "actual", m), "agreed", n), "trueup_pct", pct),
             cr_json_bool(triggered), strcmp(field, "triggered") == 0, 1);
        line(x, "100 \u00d7 (%s \u2212 %s) = %s %s %s \u00d7 %s = %s \u2192 %s", fmt_int(x, m, a, sizeof a),
             fmt_int(x, n, b, sizeof b), fmt_int(x, 100 * (m - n), c, sizeof c), triggered ? "\u2265" : "<",
             fmt_dec(x, pct, pct == floor(pct) ? 0 : 2, d, sizeof d), fmt_int(x, n, e, sizeof e),
             fmt_dec(x, pct * (double)n, pct * (double)n == floor(pct * (double)n) ? 0 : 2, f, sizeof f),
             triggered ? "triggered" : "not triggered");
    } else {
        step(x, "increase_pct", "None", vobj(), cr_json_null(), strcmp(field, "increase_pct") == 0, 1);
        step(x, "triggered", "actual > 0", vint(x, vobj(), "actual", m), cr_json_bool(triggered),
             strcmp(field, "triggered") == 0, 1);
        line(x, "agreed 0: %s > 0 \u2192 %s", fmt_int(x, m, a, sizeof a), triggered ? "triggered" : "not triggered");
    }
    if (!triggered) {
        step(x, "added", "0", vobj(), cr_json_int(0), strcmp(field, "added") == 0, 1);
        step(x, "months_remaining", "None", vobj(), cr_json_null(), strcmp(field, "months_remaining") == 0, 1);
        step(x, "charge", "0", vobj(), cr_json_int(0), strcmp(field, "charge") == 0, pow10i(digits));
        return;
    }
    int64_t added = m - n;
    cr_date te = x->ctx.account->term_end;
    int64_t months = (int64_t)(te.year - year) * 12 + te.month - month + 1;
    step(x, "added", "actual - agreed", vint(x, vint(x, vobj(), "actual", m), "agreed", n), cr_json_int(added),
         strcmp(field, "added") == 0, 1);
    step(x, "months_remaining", "(term_end_year - year) * 12 + term_end_month - month + 1",
         vint(x, vint(x, vint(x, vint(x, vobj(), "term_end_year", te.year), "term_end_month", te.month), "year", year),
              "month", month),
         cr_json_int(months), strcmp(field, "months_remaining") == 0, 1);
    if (!has_price) {
        step(x, "charge", "None", vobj(), cr_json_null(), strcmp(field, "charge") == 0, 1);
        line(x, "no annual_unit_price in the contract line \u2192 no charge");
        return;
    }
    int64_t price_minor = llround(price * (double)pow10i(digits));
    int64_t charge = cr_div_round_half_away((cr_int128)added * price_minor * months, 12);
    step(x, "charge", "round_half_away(added * unit_price_minor * months_remaining / 12)",
         vint(x, vint(x, vint(x, vobj(), "added", added), "unit_price_minor", price_minor), "months_remaining", months),
         cr_json_int(charge), strcmp(field, "charge") == 0, pow10i(digits));
    line(x, "%s device%s \u00d7 %s \u00d7 %s/12 = %s", fmt_int(x, added, a, sizeof a), added == 1 ? "" : "s",
         fmt_money(x, price_minor, b, sizeof b), fmt_int(x, months, c, sizeof c), fmt_money(x, charge, d, sizeof d));
}

static void explain_trueup_summary(explainer *x, const char *category)
{
    put(x, x->out, "rule",
        cr_json_string("The state after the monthly true-up walk up to as-of: agreed_now is N after the "
                       "last true-up, baseline_now = N \u00d7 (1 + trueup_pct/100), events and charges are "
                       "the sums of the triggered months (SPEC 5.4)."));
    contract_input(x, category, NULL, NULL, NULL, NULL);
    const cr_json *rows = cr_json_get(x->doc, "trueup");
    int64_t events = 0, added = 0;
    for (size_t i = 0; i < cr_json_size(rows); i++) {
        const cr_json *r = cr_json_at(rows, i);
        const char *c = cr_json_get_string(cr_json_get(r, "category"));
        if (!c || strcmp(c, category) != 0 || !cr_json_get_bool(cr_json_get(r, "triggered")))
            continue;
        events++;
        added += cr_json_get_int(cr_json_get(r, "added"));
        line(x, "%s: true-up of %lld device(s)", cr_json_get_string(cr_json_get(r, "month")),
             (long long)cr_json_get_int(cr_json_get(r, "added")));
    }
    step(x, "events", "events", vint(x, vobj(), "events", events), cr_json_int(events), false, 1);
    step(x, "added_total", "added", vint(x, vobj(), "added", added), cr_json_int(added), false, 1);
}

/* RMA tickets: one RMA (rma), or every RMA dated in [start, end]. Returns the
 * number of input rows. */
static long rma_inputs(explainer *x, const char *rma, int64_t start, int64_t end)
{
    sqlite3_stmt *st = prepare(x, "explain.rma_tickets");
    if (!st)
        return -1;
    cr_sql_bind_text(st, ":account", x->ctx.account->account_id);
    cr_sql_bind_text(st, ":rma", rma);
    cr_sql_bind_int64(st, ":start", start);
    cr_sql_bind_int64(st, ":end", end);
    long n = add_inputs(x, st, "ticket");
    sqlite3_finalize(st);
    return n;
}

static void explain_rma(explainer *x, const char *field)
{
    const cr_json *r = cr_json_get(x->doc, "rma");
    put(x, x->out, "rule", cr_json_string(rule_rma));
    if (cr_json_is_null(r))
        return;
    int64_t year = cr_json_get_int(cr_json_get(r, "year"));
    int64_t jan1 = cr_days_from_civil((int)year, 1, 1);
    int64_t start = cr_calendar_day_start_utc(x->ctx.calendar, jan1);
    double pct = 5, rma_pct = 5;
    contract_input(x, "headset", &pct, NULL, NULL, &rma_pct);
    size_t first = cr_json_size(x->inputs);
    rma_inputs(x, NULL, start, x->ctx.end_utc);
    /* Only headset RMAs count (the category of the RMA's earliest ticket). */
    cr_json *kept = cr_json_array();
    int64_t rmas = 0;
    const char *last = NULL;
    bool headset = false;
    for (size_t i = 0; kept && i < cr_json_size(x->inputs); i++) {
        cr_json *in = cr_json_at(x->inputs, i);
        if (i >= first) {
            cr_json *f = cr_json_get(in, "fields");
            const char *num = cr_json_get_string(cr_json_get(f, "rma_number"));
            if (!last || strcmp(last, num) != 0) {
                const char *cat = cr_json_get_string(cr_json_get(f, "category"));
                headset = cat && strcmp(cat, "headset") == 0;
                rmas += headset;
                last = num;
            }
            if (!headset)
                continue;
        }
        cr_json_append(kept, copy_json(in));
    }
    if (!kept) {
        nomem(x);
        return;
    }
    cr_json_set(x->out, "inputs", kept);
    x->inputs = kept;
    int64_t count = cr_json_get_int(cr_json_get(r, "count"));
    const cr_json *base_j = cr_json_get(r, "installed_base");
    int64_t base = cr_json_get_int(base_j);
    char a[64], b[64], c[64], d[64], e[64];
    step(x, "count", "rmas", vint(x, vobj(), "rmas", rmas), cr_json_int(rmas), strcmp(field, "count") == 0, 1);
    line(x, "%s headset RMA%s from %lld-01-01 to %s", fmt_int(x, rmas, a, sizeof a), rmas == 1 ? "" : "s",
         (long long)year, cr_json_get_string(cr_json_get(x->doc, "as_of")));
    line(x, "installed base %s (%s)", fmt_int(x, base, a, sizeof a),
         cr_json_get_string(cr_json_get(r, "basis")) ? cr_json_get_string(cr_json_get(r, "basis")) : "-");
    int64_t pct_micros = llround(rma_pct * 1e6);
    int64_t excess = count - (int64_t)((cr_int128)pct_micros * base / 100000000);
    if (excess < 0)
        excess = 0;
    step(x, "excess_count", "max(0, count - rma_threshold_pct_micros * installed_base // 100000000)",
         vint(x, vint(x, vint(x, vobj(), "count", count), "installed_base", base), "rma_threshold_pct_micros",
              pct_micros),
         cr_json_int(excess), strcmp(field, "excess_count") == 0, 1);
    if (cr_json_is_null(base_j) || base == 0)
        return;
    step(x, "rate", "count / installed_base", vint(x, vint(x, vobj(), "count", count), "installed_base", base),
         cr_json_number((double)count / (double)base), strcmp(field, "rate") == 0, 1);
    step(x, "threshold", "rma_threshold_pct / 100", vnum(x, vobj(), "rma_threshold_pct", rma_pct),
         cr_json_number(rma_pct / 100), strcmp(field, "threshold") == 0, 1);
    bool breach = cr_json_get_bool(cr_json_get(r, "breach"));
    step(x, "breach", "100 * count > rma_threshold_pct * installed_base",
         vnum(x, vint(x, vint(x, vobj(), "count", count), "installed_base", base), "rma_threshold_pct", rma_pct),
         cr_json_bool(breach), strcmp(field, "breach") == 0, 1);
    line(x, "100 \u00d7 %s = %s %s %s \u00d7 %s = %s \u2192 %s", fmt_int(x, count, a, sizeof a),
         fmt_int(x, 100 * count, b, sizeof b), breach ? ">" : "\u2264",
         fmt_dec(x, rma_pct, rma_pct == floor(rma_pct) ? 0 : 2, c, sizeof c), fmt_int(x, base, d, sizeof d),
         fmt_dec(x, rma_pct * (double)base, rma_pct * (double)base == floor(rma_pct * (double)base) ? 0 : 2, e,
                 sizeof e),
         breach ? "breach" : "no breach");
    cr_date as_of = x->ctx.period.end;
    int64_t elapsed = cr_days_from_civil(as_of.year, as_of.month, as_of.day) - jan1 + 1;
    int64_t days = cr_is_leap_year((int)year) ? 366 : 365;
    double projected = (double)count * (double)days / (double)elapsed;
    step(x, "projected_count", "count * days_in_year / days_elapsed",
         vint(x, vint(x, vint(x, vobj(), "count", count), "days_in_year", days), "days_elapsed", elapsed),
         cr_json_number(projected), strcmp(field, "projected_count") == 0, 1);
    step(x, "projected_rate", "count * days_in_year / days_elapsed / installed_base",
         vint(x, vint(x, vint(x, vint(x, vobj(), "count", count), "days_in_year", days), "days_elapsed", elapsed),
              "installed_base", base),
         cr_json_number(projected / (double)base), strcmp(field, "projected_rate") == 0, 1);
}

/* One downtime item: its tickets, the deadline with the days skipped, the SLA. */
static void explain_downtime_item(explainer *x, const cr_json *item, const char *field)
{
    const char *rma = cr_json_get_string(cr_json_get(item, "rma_number"));
    put(x, x->out, "rule", cr_json_string(rule_downtime));
    size_t first = cr_json_size(x->inputs);
    if (rma_inputs(x, rma, 0, 0) <= 0)
        return;
    /* The RMA's opened (earliest opened_at), approved (its date), delivered
     * (earliest delivery), from its tickets. */
    int64_t opened = INT64_MAX, approved = 0, delivered = INT64_MAX;
    for (size_t i = first; i < cr_json_size(x->inputs); i++) {
        cr_json *f = cr_json_get(cr_json_at(x->inputs, i), "fields");
        int64_t o = cr_json_get_int(cr_json_get(f, "opened_utc"));
        if (o < opened)
            opened = o;
        approved = cr_json_get_int(cr_json_get(f, "rma_date_utc"));
        cr_json *dv = cr_json_get(f, "delivered_utc");
        if (!cr_json_is_null(dv) && cr_json_get_int(dv) < delivered)
            delivered = cr_json_get_int(dv);
    }
    bool four = x->ctx.account->opt_four_hour;
    int64_t deadline = four ? approved + 4 * 3600 : cr_calendar_nbd_deadline(x->ctx.calendar, approved);
    char a[64], b[64];
    int64_t day = cr_calendar_local_day(x->ctx.calendar, approved);
    int64_t dday = cr_calendar_local_day(x->ctx.calendar, deadline);
    if (four) {
        line(x, "approved %s + 4 h \u2192 deadline %s", fmt_utc(x, approved, a, sizeof a),
             fmt_utc(x, deadline, b, sizeof b));
    } else {
        char days[512] = "";
        size_t used = 0;
        static const char *const wd[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
        for (int64_t d = day + 1; d < dday && used < sizeof days - 40; d++) {
            char ds[16];
            cr_date_format(cr_civil_from_days(d), ds);
            used += (size_t)snprintf(days + used, sizeof days - used, "%s%s %s%s", used ? ", " : "", ds,
                                     wd[cr_weekday(d)], cr_calendar_is_holiday(x->ctx.calendar, d) ? " holiday" : "");
        }
        char dd[16];
        cr_date_format(cr_civil_from_days(dday), dd);
        line(x, "approved %s (%s) \u2192 first business day after it: %s %s%s%s \u2192 deadline %s",
             fmt_utc(x, approved, a, sizeof a), wd[cr_weekday(day)], dd,
             wd[cr_weekday(dday)], used ? "; skipped " : "", days, fmt_utc(x, deadline, b, sizeof b));
        if (x->ctx.account->country) {
            char from[16], to[16];
            cr_date_format(cr_civil_from_days(day + 1), from);
            cr_date_format(cr_civil_from_days(dday), to);
            sqlite3_stmt *st = prepare(x, "explain.holidays");
            if (st) {
                cr_sql_bind_text(st, ":country", x->ctx.account->country);
                cr_sql_bind_text(st, ":region", x->ctx.account->region);
                cr_sql_bind_text(st, ":from", from);
                cr_sql_bind_text(st, ":to", to);
                add_inputs(x, st, "holiday");
                sqlite3_finalize(st);
            }
        }
    }
    cr_json *v = vint(x, vint(x, vint(x, vobj(), "deadline_utc", deadline), "as_of_end_utc", x->ctx.end_utc),
                      "opened_utc", opened);
    put(x, v, "delivered_utc", delivered == INT64_MAX ? cr_json_null() : cr_json_int(delivered));
    const char *sla = cr_json_get_string(cr_json_get(item, "sla"));
    step(x, "sla",
         "(\"met\" if delivered_utc <= deadline_utc else \"missed\") if delivered_utc is not None "
         "else (\"missed\" if deadline_utc <= as_of_end_utc else \"pending\")",
         v, cr_json_string(sla), strcmp(field, "sla") == 0, 1);
    if (delivered != INT64_MAX) {
        line(x, "delivered %s %s deadline %s \u2192 %s", fmt_utc(x, delivered, a, sizeof a),
             delivered <= deadline ? "\u2264" : ">", fmt_utc(x, deadline, b, sizeof b), sla);
        double hours = (double)(delivered - opened) / 3600.0;
        step(x, "downtime_hours", "round_half_away((delivered_utc - opened_utc) / 36) / 100",
             vint(x, vint(x, vobj(), "delivered_utc", delivered), "opened_utc", opened),
             cr_json_fixed(hours, 2), strcmp(field, "downtime_hours") == 0, 1);
        char h[64];
        line(x, "downtime %s \u2212 opened %s = %s h", fmt_utc(x, delivered, a, sizeof a),
             fmt_utc(x, opened, b, sizeof b), fmt_dec(x, hours, 2, h, sizeof h));
    } else {
        line(x, "not delivered; deadline %s %s end of as-of \u2192 %s", fmt_utc(x, deadline, a, sizeof a),
             deadline <= x->ctx.end_utc ? "\u2264" : ">", sla);
    }
}

static void explain_downtime(explainer *x, const char *field)
{
    const cr_json *d = cr_json_get(x->doc, "downtime");
    put(x, x->out, "rule", cr_json_string(rule_downtime));
    rma_inputs(x, NULL, x->ctx.start_utc, x->ctx.end_utc);
    if (cr_json_is_null(d))
        return;
    int64_t met = cr_json_get_int(cr_json_get(d, "met")), missed = cr_json_get_int(cr_json_get(d, "missed"));
    const cr_json *items = cr_json_get(d, "items");
    int64_t m2 = 0, x2 = 0, p2 = 0;
    for (size_t i = 0; i < cr_json_size(items); i++) {
        const char *s = cr_json_get_string(cr_json_get(cr_json_at(items, i), "sla"));
        m2 += s && strcmp(s, "met") == 0;
        x2 += s && strcmp(s, "missed") == 0;
        p2 += s && strcmp(s, "pending") == 0;
        line(x, "%s: %s", cr_json_get_string(cr_json_get(cr_json_at(items, i), "rma_number")), s ? s : "-");
    }
    step(x, "met", "met", vint(x, vobj(), "met", m2), cr_json_int(m2), strcmp(field, "met") == 0, 1);
    step(x, "missed", "missed", vint(x, vobj(), "missed", x2), cr_json_int(x2), strcmp(field, "missed") == 0, 1);
    step(x, "pending", "pending", vint(x, vobj(), "pending", p2), cr_json_int(p2), strcmp(field, "pending") == 0, 1);
    step(x, "sla_compliance", "met / (met + missed) if met + missed else None",
         vint(x, vint(x, vobj(), "met", met), "missed", missed),
         met + missed ? cr_json_number((double)met / (double)(met + missed)) : cr_json_null(),
         strcmp(field, "sla_compliance") == 0, 1);
}

/* Adoption: the inventory devices (of a site or category) with their usage. */
static void explain_adoption(explainer *x, const cr_json *row, const char *scope, const char *key,
                             const char *field)
{
    put(x, x->out, "rule", cr_json_string(rule_adoption));
    const cr_json *ad = cr_json_get(x->doc, "adoption");
    if (cr_json_is_null(ad))
        return;
    const char *snap = cr_json_get_string(cr_json_get(strcmp(scope, "by_month") == 0 ? row : ad, "snapshot_date"));
    int64_t first_day = x->ctx.start_day, last_day = x->ctx.end_day;
    if (strcmp(scope, "by_month") == 0) {
        int y, m;
        if (sscanf(key, "%d-%d", &y, &m) == 2) {
            first_day = cr_days_from_civil(y, m, 1);
            last_day = first_day + cr_days_in_month(y, m) - 1;
        }
    }
    if (!snap)
        return;
    sqlite3_stmt *st = prepare(x, "explain.devices");
    if (!st)
        return;
    size_t first = cr_json_size(x->inputs);
    cr_sql_bind_text(st, ":account", x->ctx.account->account_id);
    cr_sql_bind_text(st, ":snapshot", snap);
    cr_sql_bind_text(st, ":category", strcmp(scope, "by_category") == 0 ? key : NULL);
    cr_sql_bind_text(st, ":site", strcmp(scope, "by_site") == 0 ? key : NULL);
    cr_sql_bind_text(st, ":eos_day", NULL);
    add_inputs(x, st, "device");
    sqlite3_finalize(st);
    /* Usage per device in the months of the scope (the monthly roll-up with
     * its per device-month source). */
    cr_date f = cr_civil_from_days(first_day);
    int64_t month_first = cr_days_from_civil(f.year, f.month, 1);
    st = prepare(x, "explain.usage_months");
    if (!st)
        return;
    cr_sql_bind_text(st, ":account", x->ctx.account->account_id);
    cr_sql_bind_int64(st, ":first_day", month_first);
    cr_sql_bind_int64(st, ":last_day", last_day);
    cr_json *usage = cr_json_array(), *saved = x->inputs;
    x->inputs = usage;
    add_inputs(x, st, "usage");
    sqlite3_finalize(st);
    /* Days of per-call records without a usage row count too (SPEC 3). */
    if ((st = prepare(x, "explain.call_days")) != NULL) {
        char from[16], to[16];
        cr_date_format(cr_civil_from_days(first_day), from);
        cr_date_format(cr_civil_from_days(last_day), to);
        cr_sql_bind_text(st, ":account", x->ctx.account->account_id);
        cr_sql_bind_text(st, ":from", from);
        cr_sql_bind_text(st, ":to", to);
        add_inputs(x, st, "calls");
        sqlite3_finalize(st);
    }
    x->inputs = saved;
    int64_t deployed = 0, active = 0;
    for (size_t i = first; i < cr_json_size(x->inputs); i++) {
        cr_json *in = cr_json_at(x->inputs, i);
        const char *serial = cr_json_get_string(cr_json_get(cr_json_get(in, "fields"), "serial"));
        deployed++;
        int64_t days = 0, minutes = 0;
        bool seen = false;
        for (size_t j = 0; j < cr_json_size(usage); j++) {
            cr_json *u = cr_json_at(usage, j);
            cr_json *uf = cr_json_get(u, "fields");
            if (strcmp(cr_json_get_string(cr_json_get(uf, "serial")), serial) != 0)
                continue;
            seen = true;
            days += cr_json_get_int(cr_json_get(uf, "active_days"));
            minutes += cr_json_get_int(cr_json_get(uf, "call_minutes"));
            bool calls = strcmp(cr_json_get_string(cr_json_get(u, "kind")), "calls") == 0;
            put(x, in, calls ? "calls_source" : "usage_source", copy_json(cr_json_get(u, "source")));
        }
        if (seen) {
            put(x, in, "active_days", cr_json_int(days));
            put(x, in, "call_minutes", cr_json_int(minutes));
        }
        active += days > 0;
    }
    cr_json_free(usage);
    int64_t d = cr_json_get_int(cr_json_get(row, "deployed")), a = cr_json_get_int(cr_json_get(row, "active"));
    char s1[64], s2[64], s3[64];
    step(x, "deployed", "devices", vint(x, vobj(), "devices", deployed), cr_json_int(deployed),
         strcmp(field, "deployed") == 0, 1);
    /* Active from the roll-up's active days (whole months); the document's
     * count also reads per-call records, so the step states its own count. */
    /* The roll-up holds whole months: for a period of whole months the count
     * is the figure; for another range it is shown beside it. */
    cr_date ps = x->ctx.period.start, pe = x->ctx.period.end;
    bool whole = ps.day == 1 && pe.day == cr_days_in_month(pe.year, pe.month);
    step(x, "active_in_usage", "devices_with_active_days", vint(x, vobj(), "devices_with_active_days", active),
         cr_json_int(active), whole && strcmp(field, "active") == 0, 1);
    step(x, "rate", "active / deployed if deployed else None", vint(x, vint(x, vobj(), "active", a), "deployed", d),
         d ? cr_json_number((double)a / (double)d) : cr_json_null(), strcmp(field, "rate") == 0, 1);
    line(x, "deployed %s (snapshot %s), active %s \u2192 rate = active / deployed = %s", fmt_int(x, d, s1, sizeof s1),
         snap, fmt_int(x, a, s2, sizeof s2),
         d ? (cr_numfmt_percent(x->loc, (double)a / (double)d, 1, s3, sizeof s3), s3) : "n/a");
    if (strcmp(field, "minutes_per_active_device") == 0 && a) {
        int64_t mins = cr_json_get_int(cr_json_get(row, "call_minutes"));
        step(x, "minutes_per_active_device", "call_minutes / active",
             vint(x, vint(x, vobj(), "call_minutes", mins), "active", a), cr_json_number((double)mins / (double)a),
             true, 1);
    }
}

static void tickets_input(explainer *x, const char *which, const char *priority, int64_t start, int64_t end)
{
    sqlite3_stmt *st = prepare(x, "explain.tickets");
    if (!st)
        return;
    cr_sql_bind_text(st, ":account", x->ctx.account->account_id);
    cr_sql_bind_text(st, ":which", which);
    cr_sql_bind_text(st, ":priority", priority);
    cr_sql_bind_int64(st, ":start", start);
    cr_sql_bind_int64(st, ":end", end);
    add_inputs(x, st, "ticket");
    sqlite3_finalize(st);
}

static void explain_tickets(explainer *x, const char *const *seg, size_t nseg)
{
    put(x, x->out, "rule", cr_json_string(rule_tickets));
    int64_t start = x->ctx.start_utc, end = x->ctx.end_utc;
    const char *which = "opened", *priority = NULL;
    bool counted = false;
    if (nseg >= 2 && (strcmp(seg[1], "opened") == 0 || strcmp(seg[1], "closed") == 0)) {
        which = seg[1];
        counted = nseg == 2;
    } else if (nseg == 3 && (strcmp(seg[1], "opened_by_priority") == 0 ||
                             strcmp(seg[1], "closed_by_priority") == 0)) {
        which = seg[1][0] == 'o' ? "opened" : "closed";
        priority = seg[2];
        counted = true;
    } else if (nseg >= 2 && strcmp(seg[1], "open_at_end") == 0) {
        which = "open";
        counted = nseg == 3 && strcmp(seg[2], "total") == 0;
    }
    tickets_input(x, which, priority, start, end);
    if (counted) {
        int64_t n = (int64_t)cr_json_size(x->inputs);
        step(x, seg[nseg - 1], "tickets", vint(x, vobj(), "tickets", n), cr_json_int(n), true, 1);
        char a[64];
        line(x, "%s tickets %s%s%s in %s", fmt_int(x, n, a, sizeof a), which, priority ? " with priority " : "",
             priority ? priority : "", x->ctx.period.label);
    }
}

/* by_month count: the month's own bounds. */
static void explain_tickets_month(explainer *x, const char *which, const cr_json *row)
{
    put(x, x->out, "rule", cr_json_string(rule_tickets));
    int y, m;
    const char *month = cr_json_get_string(cr_json_get(row, "month"));
    if (!month || sscanf(month, "%d-%d", &y, &m) != 2)
        return;
    int64_t first = cr_days_from_civil(y, m, 1), last = first + cr_days_in_month(y, m) - 1;
    if (first < x->ctx.start_day)
        first = x->ctx.start_day;
    if (last > x->ctx.end_day)
        last = x->ctx.end_day;
    tickets_input(x, which, NULL, cr_calendar_day_start_utc(x->ctx.calendar, first),
                  cr_calendar_day_end_utc(x->ctx.calendar, last));
    int64_t n = (int64_t)cr_json_size(x->inputs);
    step(x, "count", "tickets", vint(x, vobj(), "tickets", n), cr_json_int(n), true, 1);
    char a[64];
    line(x, "%s tickets %s in %s", fmt_int(x, n, a, sizeof a), which, month);
}

/* The as-of inventory, for the sections that read it. */
static void asof_devices(explainer *x, const char *section)
{
    const char *snap = cr_json_get_string(cr_json_get(cr_json_get(x->doc, section), "snapshot_date"));
    if (!snap)
        snap = cr_json_get_string(cr_json_get(cr_json_get(x->doc, "adoption"), "snapshot_date"));
    if (!snap)
        return;
    sqlite3_stmt *st = prepare(x, "explain.devices");
    if (!st)
        return;
    cr_sql_bind_text(st, ":account", x->ctx.account->account_id);
    cr_sql_bind_text(st, ":snapshot", snap);
    cr_sql_bind_text(st, ":category", NULL);
    cr_sql_bind_text(st, ":site", NULL);
    cr_sql_bind_text(st, ":eos_day", cr_json_get_string(cr_json_get(x->doc, "as_of")));
    add_inputs(x, st, "device");
    sqlite3_finalize(st);
}

static void explain_account(explainer *x)
{
    put(x, x->out, "rule", cr_json_string(rule_account));
    sqlite3_stmt *st = prepare(x, "explain.account");
    if (!st)
        return;
    cr_sql_bind_text(st, ":account", x->ctx.account->account_id);
    add_inputs(x, st, "account");
    sqlite3_finalize(st);
}

/* Splits path into at most 8 segments (in buf). */
static size_t split(const char *path, char *buf, size_t size, const char **seg)
{
    snprintf(buf, size, "%s", path);
    size_t n = 0;
    for (char *p = buf; n < 8;) {
        seg[n++] = p;
        char *dot = strchr(p, '.');
        if (!dot)
            break;
        *dot = '\0';
        p = dot + 1;
    }
    return n;
}

/* Chooses the section's explanation from the index path of the figure. */
static void explain_entry(explainer *x, const cr_explain_entry *e)
{
    char buf[512];
    const char *seg[8];
    size_t n = split(e->index_path, buf, sizeof buf, seg);
    const char *field = seg[n - 1];
    const char *s = seg[0];
    put(x, x->out, "section", cr_json_string(s));
    if (strcmp(s, "trueup") == 0 && n == 3) {
        explain_trueup(x, cr_json_at(cr_json_get(x->doc, "trueup"), (size_t)atol(seg[1])), field);
    } else if (strcmp(s, "trueup") == 0 && n == 2) {
        explain_trueup(x, e->node, "");
    } else if (strcmp(s, "trueup_summary") == 0 && n >= 2) {
        explain_trueup_summary(x, seg[1]);
    } else if (strcmp(s, "rma") == 0) {
        explain_rma(x, n == 2 ? field : "");
    } else if (strcmp(s, "downtime") == 0 && n >= 3 && strcmp(seg[1], "items") == 0) {
        explain_downtime_item(x, cr_json_at(cr_json_get(cr_json_get(x->doc, "downtime"), "items"),
                                            (size_t)atol(seg[2])),
                              n == 4 ? field : "");
    } else if (strcmp(s, "downtime") == 0) {
        explain_downtime(x, n == 2 ? field : "");
    } else if (strcmp(s, "adoption") == 0) {
        const cr_json *ad = cr_json_get(x->doc, "adoption");
        if (n >= 3 && strcmp(seg[1], "by_category") == 0)
            explain_adoption(x, cr_json_get(cr_json_get(ad, "by_category"), seg[2]), "by_category", seg[2],
                             n == 4 ? field : "");
        else if (n >= 3 && (strcmp(seg[1], "by_site") == 0 || strcmp(seg[1], "by_month") == 0)) {
            const cr_json *row = cr_json_at(cr_json_get(ad, seg[1]), (size_t)atol(seg[2]));
            const char *key = cr_json_get_string(cr_json_get(row, seg[1][3] == 's' ? "site" : "month"));
            explain_adoption(x, row, seg[1], key ? key : "", n == 4 ? field : "");
        } else
            explain_adoption(x, ad, "all", "", n == 2 ? field : "");
    } else if (strcmp(s, "tickets") == 0 && n >= 3 &&
               (strcmp(seg[1], "opened_by_month") == 0 || strcmp(seg[1], "closed_by_month") == 0)) {
        const cr_json *row = cr_json_at(cr_json_get(cr_json_get(x->doc, "tickets"), seg[1]), (size_t)atol(seg[2]));
        if (n == 4 && strcmp(field, "count") == 0)
            explain_tickets_month(x, seg[1][0] == 'o' ? "opened" : "closed", row);
        else
            explain_tickets(x, seg, n);
    } else if (strcmp(s, "tickets") == 0) {
        explain_tickets(x, seg, n);
    } else if (strcmp(s, "software") == 0) {
        put(x, x->out, "rule", cr_json_string(rule_software));
        asof_devices(x, "software");
    } else if (strcmp(s, "coverage") == 0 || strcmp(s, "devices") == 0) {
        put(x, x->out, "rule", cr_json_string(rule_coverage));
        asof_devices(x, "coverage");
    } else {
        explain_account(x);
    }
}

struct cr_explain {
    cr_metrics_ctx ctx;
    cr_json *doc;
    cr_explain_index ix;
};

int cr_explain_open(sqlite3 *db, const char *account_id, const cr_period *period, cr_explain **out,
                    cr_error *err)
{
    cr_explain *ex = calloc(1, sizeof *ex);
    *out = NULL;
    if (!ex)
        return cr_error_nomem(err);
    int rc = cr_metrics_compute(db, account_id, period, NULL, &ex->doc, err);
    if (!rc && cr_explain_index_build(ex->doc, &ex->ix))
        rc = cr_error_nomem(err);
    if (!rc)
        rc = cr_metrics_ctx_init(&ex->ctx, db, account_id, period, NULL, err);
    if (rc) {
        cr_explain_close(ex);
        return rc;
    }
    *out = ex;
    return 0;
}

void cr_explain_close(cr_explain *ex)
{
    if (!ex)
        return;
    cr_metrics_ctx_free(&ex->ctx);
    cr_explain_index_free(&ex->ix);
    cr_json_free(ex->doc);
    free(ex);
}

const cr_json *cr_explain_document(const cr_explain *ex)
{
    return ex->doc;
}

int cr_explain_figure(cr_explain *ex, const char *path, cr_json **out, cr_error *err)
{
    *out = NULL;
    const cr_explain_entry *e = cr_explain_index_find(&ex->ix, path);
    if (!e) {
        char near[700];
        cr_explain_index_near(&ex->ix, path, 12, near, sizeof near);
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "no figure '%.200s' in the metrics document; near it: %s",
                            path, near[0] ? near : "(none)");
    }
    explainer x = {.err = err, .ctx = ex->ctx, .doc = ex->doc};
    x.loc = cr_numfmt_locale_from_tag(x.ctx.account->locale);
    x.out = cr_json_object();
    x.steps = cr_json_array();
    x.text = cr_json_array();
    x.inputs = cr_json_array();
    if (!x.out || !x.steps || !x.text || !x.inputs) {
        cr_json_free(x.steps);
        cr_json_free(x.text);
        cr_json_free(x.inputs);
        cr_json_free(x.out);
        return cr_error_nomem(err);
    }
    put(&x, x.out, "account_id", cr_json_string(x.ctx.account->account_id));
    put(&x, x.out, "period", cr_json_string(x.ctx.period.label));
    put(&x, x.out, "path", cr_json_string(e->path));
    put(&x, x.out, "index_path", cr_json_string(e->index_path));
    put(&x, x.out, "value", copy_json(e->node));
    put(&x, x.out, "currency", cr_json_string(x.ctx.account->currency));
    put(&x, x.out, "arithmetic", x.steps);
    put(&x, x.out, "text", x.text);
    put(&x, x.out, "inputs", x.inputs);
    explain_entry(&x, e);
    if (!cr_json_get(x.out, "rule"))
        put(&x, x.out, "rule", cr_json_string(rule_account));
    put(&x, x.out, "inputs_total", cr_json_int((int64_t)cr_json_size(x.inputs)));
    if (x.status) {
        cr_json_free(x.out);
        return x.status;
    }
    *out = x.out;
    return 0;
}

int cr_explain_compute(sqlite3 *db, const char *account_id, const cr_period *period, const char *path,
                       cr_json **out, cr_error *err)
{
    cr_explain *ex;
    *out = NULL;
    int rc = cr_explain_open(db, account_id, period, &ex, err);
    if (rc)
        return rc;
    rc = cr_explain_figure(ex, path, out, err);
    cr_explain_close(ex);
    return rc;
}

cr_json *cr_explain_paths(const cr_json *doc)
{
    cr_explain_index ix;
    cr_json *paths = cr_json_array();
    if (!paths || cr_explain_index_build(doc, &ix)) {
        cr_json_free(paths);
        return NULL;
    }
    for (size_t i = 0; i < ix.count; i++)
        if (!cr_json_append(paths, cr_json_string(ix.entries[i].path))) {
            cr_json_free(paths);
            paths = NULL;
            break;
        }
    cr_explain_index_free(&ix);
    return paths;
}
