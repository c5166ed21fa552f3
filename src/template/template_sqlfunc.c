/* template_sqlfunc.c - SQL functions of the template connection, so that
 * dataset SQL can read what the program computed for the subject it resolves
 * (SPEC 6: every metric reachable from a template, by the same code):
 *
 *   metrics_json(account_id)   the metrics document of that account for the
 *                              period (cr_metrics_compute, the very text of
 *                              `metrics --format json`), for the subject's own
 *                              account(s) only; NULL for any other. Read it
 *                              with SQLite's JSON functions: json_each(
 *                              metrics_json(a.account_id), '$.trueup').
 *   check_json(account_id)     the data-quality findings of that account
 *                              (cr_check_run_account, the very text of
 *                              `check --account ID --format json`), for the
 *                              subject's own account(s) only; NULL for any
 *                              other. Computed on first use, once per subject:
 *                              json_each(check_json(:account_id), '$.checks').
 *   tr(key)                    the <strings> text of key in the report's
 *                              language (English when it has none; the key
 *                              itself when the template has no such string;
 *                              placeholders in it are not expanded)
 *   format_money(amount, code) an amount in currency units shown per the
 *                              report's locale in that currency (a partner's
 *                              accounts may bill in several); NULL for a NULL
 *                              amount or a currency that is not a
 *                              three-letter code (ISO 4217 minor units;
 *                              2 for a code it does not list)
 *
 * The state (texts copied, documents serialised) belongs to the connection
 * once registered: it is freed when the next subject's replaces it or when
 * the connection closes, so a statement still stepping after
 * cr_template_resolve returns (a streamed sheet) never reads freed memory.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "csmreport/check.h"
#include "csmreport/json.h"
#include "template_internal.h"

typedef struct sqlfunc_state {
    cr_locale locale;
    size_t string_count;
    const cr_template *t;      /* outlives every resolve: tr() finds keys in it */
    const char **keys;         /* point into texts' block: see state_new */
    char **texts;
    size_t account_count;
    char **ids, **docs;
    char **checks;             /* check_json per account, made on first use */
} sqlfunc_state;

static void state_free(sqlfunc_state *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->string_count; i++)
        free(s->texts[i]);
    free(s->texts);
    free(s->keys);
    for (size_t i = 0; i < s->account_count; i++) {
        free(s->ids[i]);
        free(s->docs[i]);
        if (s->checks)
            free(s->checks[i]);
    }
    free(s->ids);
    free(s->docs);
    free(s->checks);
    free(s);
}

/* The functions are registered once per connection, with this as their
 * data; each resolve puts its state in. Registering them again would expire
 * every prepared statement of the connection (the metrics' cached ones too),
 * for each account of a render. An entry leaves when SQLite drops the last of
 * its functions (the connection closes). */
typedef struct sqlfunc_conn {
    sqlite3 *db;
    sqlfunc_state *state;
    /* the store's latest data date for check_json: a whole-store scan, asked
     * once per connection rather than once per account of a render */
    char data_date[16];
    bool have_data_date;
    int refs; /* one per registered function */
    struct sqlfunc_conn *next;
} sqlfunc_conn;
static sqlfunc_conn *conns;
static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;

static void conn_release(void *p)
{
    sqlfunc_conn *c = p;
    pthread_mutex_lock(&conns_lock);
    bool last = --c->refs == 0;
    if (last)
        for (sqlfunc_conn **q = &conns; *q; q = &(*q)->next)
            if (*q == c) {
                *q = c->next;
                break;
            }
    pthread_mutex_unlock(&conns_lock);
    if (last) {
        state_free(c->state);
        free(c);
    }
}

static const sqlfunc_state *state_of(sqlite3_context *ctx)
{
    return ((const sqlfunc_conn *)sqlite3_user_data(ctx))->state;
}

/* True when a dataset's SQL names word (lowercase; any case in the SQL): only
 * then are the metrics documents serialised, so a template that does not read
 * them pays nothing. */
static bool template_reads(const cr_template *t, const char *word)
{
    for (size_t d = 0; d < t->dataset_count; d++)
        for (const char *p = t->datasets[d].sql; p && *p; p++) {
            size_t k = 0;
            while (word[k] && tolower((unsigned char)p[k]) == word[k])
                k++;
            if (!word[k])
                return true;
        }
    return false;
}

static sqlfunc_state *state_new(const cr_template *t, cr_locale loc, size_t n,
                                const char *const *ids, const cr_json *const *docs)
{
    sqlfunc_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->locale = loc;
    s->t = t;
    s->keys = calloc(t->string_count + 1, sizeof *s->keys);
    s->texts = calloc(t->string_count + 1, sizeof *s->texts);
    if (!s->keys || !s->texts)
        goto fail;
    for (size_t i = 0; i < t->string_count; i++) {
        const tpl_string *str = &t->strings[i];
        const char *text = str->text[loc] ? str->text[loc] : str->text[CR_LOCALE_EN];
        s->keys[i] = str->key;   /* the template outlives every resolve */
        if (!(s->texts[i] = strdup(text ? text : "")))
            goto fail;
        s->string_count = i + 1;
    }
    bool metrics = template_reads(t, "metrics_json"), checks = template_reads(t, "check_json");
    if (n == 0 || (!metrics && !checks))
        return s;
    s->ids = calloc(n, sizeof *s->ids);
    s->docs = calloc(n, sizeof *s->docs);
    s->checks = calloc(n, sizeof *s->checks);
    if (!s->ids || !s->docs || !s->checks)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        s->account_count = i + 1;
        s->ids[i] = strdup(ids[i]);
        s->docs[i] = metrics && docs[i] ? cr_json_to_string(docs[i], 0) : NULL;
        if (!s->ids[i] || (metrics && docs[i] && !s->docs[i]))
            goto fail;
    }
    return s;
fail:
    state_free(s);
    return NULL;
}

static void fn_metrics_json(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const sqlfunc_state *s = state_of(ctx);
    const char *id = (const char *)sqlite3_value_text(argv[0]);
    for (size_t i = 0; id && i < s->account_count; i++)
        if (s->docs[i] && strcmp(s->ids[i], id) == 0) {
            /* the state outlives every statement of the connection */
            sqlite3_result_text(ctx, s->docs[i], -1, SQLITE_STATIC);
            return;
        }
    sqlite3_result_null(ctx);
}

static void fn_check_json(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    sqlfunc_conn *conn = sqlite3_user_data(ctx);
    sqlfunc_state *s = conn->state;
    const char *id = (const char *)sqlite3_value_text(argv[0]);
    size_t i = 0;
    while (id && i < s->account_count && strcmp(s->ids[i], id) != 0)
        i++;
    if (!id || i == s->account_count) {
        sqlite3_result_null(ctx);
        return;
    }
    if (!s->checks[i]) {
        /* the connection is the dataset's own, mid-statement: the checks read
         * the snapshot the dataset reads */
        cr_error e;
        cr_error_clear(&e);
        sqlite3 *db = sqlite3_context_db_handle(ctx);
        if (!conn->have_data_date) {
            /* one resolve at a time uses a connection: no lock needed */
            if (cr_check_data_date(db, conn->data_date, sizeof conn->data_date, &e)) {
                sqlite3_result_error(ctx, e.message[0] ? e.message : "check_json failed", -1);
                return;
            }
            conn->have_data_date = true;
        }
        cr_json *doc = cr_check_run_account_at(db, id, conn->data_date, &e);
        s->checks[i] = doc ? cr_json_to_string(doc, 0) : NULL;
        cr_json_free(doc);
        if (!s->checks[i]) {
            if (doc)
                sqlite3_result_error_nomem(ctx);
            else
                sqlite3_result_error(ctx, e.message[0] ? e.message : "check_json failed", -1);
            return;
        }
    }
    sqlite3_result_text(ctx, s->checks[i], -1, SQLITE_STATIC);
}

static void fn_tr(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const sqlfunc_state *s = state_of(ctx);
    const char *key = (const char *)sqlite3_value_text(argv[0]);
    if (!key) {
        sqlite3_result_null(ctx);
        return;
    }
    const tpl_string *str = tpl_find_string(s->t, key);
    size_t i = str ? (size_t)(str - s->t->strings) : s->string_count;
    if (i < s->string_count) {
        sqlite3_result_text(ctx, s->texts[i], -1, SQLITE_STATIC);
        return;
    }
    sqlite3_result_value(ctx, argv[0]);
}

static void fn_format_money(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const sqlfunc_state *s = state_of(ctx);
    const char *code = (const char *)sqlite3_value_text(argv[1]);
    char buf[96];
    int type = sqlite3_value_numeric_type(argv[0]);
    if ((type != SQLITE_INTEGER && type != SQLITE_FLOAT) || !code ||
        cr_numfmt_money_units(s->locale, sqlite3_value_double(argv[0]), code, buf, sizeof buf) < 0) {
        sqlite3_result_null(ctx);
        return;
    }
    sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

int tpl_sqlfunc_register(sqlite3 *db, const cr_template *t, cr_locale loc, size_t n,
                         const char *const *ids, const cr_json *const *docs, cr_error *err)
{
    static const struct {
        const char *name;
        int args;
        void (*fn)(sqlite3_context *, int, sqlite3_value **);
    } fns[] = {
        {"metrics_json", 1, fn_metrics_json},
        {"check_json", 1, fn_check_json},
        {"tr", 1, fn_tr},
        {"format_money", 2, fn_format_money},
    };
    sqlfunc_state *s = state_new(t, loc, n, ids, docs);
    if (!s)
        return cr_error_nomem(err);
    pthread_mutex_lock(&conns_lock);
    sqlfunc_conn *c = conns;
    while (c && c->db != db)
        c = c->next;
    sqlfunc_state *old = c ? c->state : NULL;
    if (c)
        c->state = s;
    pthread_mutex_unlock(&conns_lock);
    if (c) {
        state_free(old);
        return 0;
    }
    if (!(c = calloc(1, sizeof *c))) {
        state_free(s);
        return cr_error_nomem(err);
    }
    c->db = db;
    c->state = s;
    c->refs = (int)(sizeof fns / sizeof fns[0]);
    pthread_mutex_lock(&conns_lock);
    c->next = conns;
    conns = c;
    pthread_mutex_unlock(&conns_lock);
    int rc = SQLITE_OK;
    size_t i = 0;
    for (; i < sizeof fns / sizeof fns[0] && rc == SQLITE_OK; i++)
        /* SQLite calls conn_release when it drops a function, also when
         * registering fails */
        rc = sqlite3_create_function_v2(db, fns[i].name, fns[i].args,
                                        SQLITE_UTF8 | SQLITE_DETERMINISTIC, c, fns[i].fn, NULL,
                                        NULL, conn_release);
    /* the functions never registered hold no reference */
    for (; i < sizeof fns / sizeof fns[0]; i++)
        conn_release(c);
    if (rc != SQLITE_OK)
        return cr_error_set(err, EX_SOFTWARE, t->path, 0, 0,
                            "cannot register the template SQL functions: %s", sqlite3_errmsg(db));
    return 0;
}
