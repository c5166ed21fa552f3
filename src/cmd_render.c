/* cmd_render.c - `csmreport render --template T.xml (--account ID | --partner ID |
 * --all) --period P [--out DIR] [--pdf] [--xlsx] [--locale L] [-j N]
 * [--shard K/N] [--db FILE] [--quiet]`: renders a template for each selected
 * account (or partner) into a PDF deck and an XLSX workbook.
 *
 * The template is loaded once and shared read-only; N worker threads each open
 * their own read-only connection and take subjects from a shared counter. Files
 * go to OUT/<account>/<account>_<stem>_<period>.pdf|.xlsx, or for a partner
 * template OUT/partners/<partner>/<partner>_<stem>_<period>.*; every part of
 * those names that comes from data is reduced to [A-Za-z0-9._-] (plus a short
 * hash when that changed it). Folders are created and then opened with
 * O_NOFOLLOW, and the writers are given paths through /proc/self/fd/<folder>,
 * so nothing is ever written through a symbolic link, even one swapped in
 * while we run. One failing subject is reported ("csmreport: ID: message") and
 * the others go on; the exit code is the first failure's (in subject order).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csmreport/commands.h"
#include "csmreport/db.h"
#include "csmreport/deck.h"
#include "csmreport/period.h"
#include "csmreport/report.h"
#include "csmreport/template.h"
#include "csmreport/workbook.h"

#define MAX_JOBS 256
#define NAME_PART_MAX 96

static void render_usage(FILE *out)
{
    fprintf(out,
            "usage: csmreport render [--db FILE] --template T.xml\n"
            "                        (--account ID | --partner ID | --all) --period P\n"
            "                        [--out DIR] [--pdf] [--xlsx] [--locale L] [-j N]\n"
            "                        [--shard K/N] [--quiet]\n"
            "Renders the template for each selected account (for a partner template: each\n"
            "partner) into OUT/ID/ID_STEM_PERIOD.pdf and .xlsx (partners under\n"
            "OUT/partners/). --pdf or --xlsx writes only that one. -j N renders with N\n"
            "threads. --shard K/N (K from 1 to N) keeps a stable share of the partners,\n"
            "with all accounts of a partner in the same share, so N machines can split\n"
            "the work. P is 2026-Q3, 2026-10, 2026 or 2026-07-01..2026-09-30.\n");
}

/* ---------- names ---------- */

static uint32_t fnv1a32(const char *s)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 16777619u;
    }
    return h;
}

static uint64_t fnv1a64(const char *s)
{
    uint64_t h = 14695981039346656037ull;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    return h;
}

/* s reduced to [A-Za-z0-9._-] into out (size > NAME_PART_MAX + 10): other
 * bytes become '_', a leading '.' too (no ".", ".." or hidden names), at most
 * NAME_PART_MAX bytes; when that changed anything, "-" and 8 hex digits of a
 * hash of the original follow, so two names cannot collide by cleaning. */
static void safe_part(const char *s, char *out, size_t size)
{
    size_t o = 0;
    bool changed = false;
    for (const char *p = s; *p; p++) {
        char ch = *p;
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                  ch == '_' || ch == '-' || (ch == '.' && o > 0);
        if (o >= NAME_PART_MAX) {
            changed = true;
            break;
        }
        out[o++] = ok ? ch : '_';
        changed |= !ok;
    }
    if (o == 0)
        changed = true;
    out[o] = '\0';
    if (changed)
        snprintf(out + o, size - o, "-%08x", (unsigned)fnv1a32(s));
}

/* ---------- subjects ---------- */

typedef struct subject {
    char *id;        /* account_id or partner_id */
    char *shard_key; /* the partner, or the account when it has none */
    int rc;
    char message[CR_ERROR_MSG_MAX + CR_ERROR_FILE_MAX + 64];
} subject;

typedef struct subject_list {
    subject *items;
    size_t count, cap;
} subject_list;

static int add_subject(subject_list *l, const char *id, const char *shard_key, cr_error *err)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        subject *n = realloc(l->items, cap * sizeof *n);
        if (!n)
            return cr_error_set(err, EX_OSERR, NULL, 0, 0, "out of memory");
        l->items = n;
        l->cap = cap;
    }
    subject *s = &l->items[l->count];
    memset(s, 0, sizeof *s);
    s->id = strdup(id);
    s->shard_key = strdup(shard_key && *shard_key ? shard_key : id);
    if (!s->id || !s->shard_key) {
        free(s->id);
        free(s->shard_key);
        return cr_error_set(err, EX_OSERR, NULL, 0, 0, "out of memory");
    }
    l->count++;
    return 0;
}

static void free_subjects(subject_list *l)
{
    for (size_t i = 0; i < l->count; i++) {
        free(l->items[i].id);
        free(l->items[i].shard_key);
    }
    free(l->items);
}

/* Runs sql (one optional text parameter) and adds a subject per row of
 * (id, shard key). */
static int select_subjects(sqlite3 *db, const char *sql, const char *param, subject_list *l,
                           cr_error *err)
{
    sqlite3_stmt *st = cr_db_prepare(db, sql, err);
    if (!st)
        return err->code ? err->code : EX_SOFTWARE;
    if (param)
        cr_db_bind_text(st, 1, param);
    int rc = 0, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = cr_db_column_text(st, 0);
        if (id && (rc = add_subject(l, id, cr_db_column_text(st, 1), err)))
            break;
    }
    if (!rc && step != SQLITE_DONE)
        rc = cr_db_fail(db, step, "cannot list the subjects", err);
    sqlite3_finalize(st);
    return rc;
}

/* ---------- the work ---------- */

typedef struct job {
    const cr_template *tmpl;
    const char *db_path, *out_dir, *locale, *stem;
    const cr_period *period;
    int64_t created;
    bool pdf, xlsx, partner_scope, progress;
    bool have_proc; /* /proc/self/fd reaches an open folder */
    subject_list *subjects;
    size_t next, done;
    pthread_mutex_t lock;
} job;

/* Creates (if missing) and opens the folder name inside dirfd, refusing a
 * symbolic link. Returns the new descriptor or -1 with errno set. */
static int open_subdir(int dirfd, const char *name)
{
    if (mkdirat(dirfd, name, 0777) != 0 && errno != EEXIST)
        return -1;
    return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Renders one subject on db; fills s->rc and s->message on failure. */
static void render_one(job *j, sqlite3 *db, subject *s)
{
    cr_error e;
    cr_error_clear(&e);
    cr_render_request req = {.db = db, .subject_id = s->id, .period = j->period,
                             .locale = j->locale, .created = j->created};
    cr_report *rep = NULL;
    int rc = cr_template_resolve(j->tmpl, &req, &rep, &e);

    char id[NAME_PART_MAX + 16], stem[NAME_PART_MAX + 16], period[NAME_PART_MAX + 16];
    safe_part(s->id, id, sizeof id);
    safe_part(j->stem, stem, sizeof stem);
    safe_part(j->period->label, period, sizeof period);
    char shown[CR_ERROR_FILE_MAX];
    int base = -1, sub = -1, dir = -1;
    if (!rc) {
        base = open(j->out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        sub = base < 0 ? -1 : j->partner_scope ? open_subdir(base, "partners") : dup(base);
        dir = sub < 0 ? -1 : open_subdir(sub, id);
        if (dir < 0) {
            int errnum = errno;
            char why[128] = "it is a symbolic link";
            if (errnum != ELOOP && errnum != ENOTDIR && strerror_r(errnum, why, sizeof why) != 0)
                snprintf(why, sizeof why, "error %d", errnum);
            rc = cr_error_set(&e, EX_CANTCREAT, NULL, 0, 0, "cannot create the folder %s%s/%s: %s",
                              j->out_dir, j->partner_scope ? "/partners" : "", id, why);
        }
    }
    for (int k = 0; k < 2 && !rc; k++) {
        bool want = k == 0 ? j->pdf : j->xlsx;
        if (!want)
            continue;
        const char *ext = k == 0 ? "pdf" : "xlsx";
        char path[CR_ERROR_FILE_MAX];
        if (j->have_proc)
            snprintf(path, sizeof path, "/proc/self/fd/%d/%s_%s_%s.%s", dir, id, stem, period, ext);
        else /* no /proc: the folder by name, checked above */
            snprintf(path, sizeof path, "%s%s/%s/%s_%s_%s.%s", j->out_dir,
                     j->partner_scope ? "/partners" : "", id, id, stem, period, ext);
        rc = k == 0 ? cr_deck_write(rep, path, &e) : cr_workbook_write(rep, path, &e);
        if (rc && e.file[0]) {
            /* name the file as the user knows it, not through /proc */
            snprintf(shown, sizeof shown, "%s%s/%s/%s_%s_%s.%s", j->out_dir,
                     j->partner_scope ? "/partners" : "", id, id, stem, period, ext);
            snprintf(e.file, sizeof e.file, "%s", shown);
        }
    }
    if (dir >= 0)
        close(dir);
    if (sub >= 0)
        close(sub);
    if (base >= 0)
        close(base);
    cr_report_free(rep);
    s->rc = rc;
    if (rc)
        cr_error_format(&e, s->message, sizeof s->message);
}

static void *worker(void *arg)
{
    job *j = arg;
    cr_error e;
    cr_error_clear(&e);
    sqlite3 *db = cr_db_open(j->db_path, CR_DB_READONLY, &e);
    for (;;) {
        pthread_mutex_lock(&j->lock);
        size_t i = j->next++;
        pthread_mutex_unlock(&j->lock);
        if (i >= j->subjects->count)
            break;
        subject *s = &j->subjects->items[i];
        if (!db) {
            s->rc = e.code ? e.code : EX_SOFTWARE;
            cr_error_format(&e, s->message, sizeof s->message);
        } else {
            render_one(j, db, s);
        }
        pthread_mutex_lock(&j->lock);
        j->done++;
        if (j->progress)
            fprintf(stderr, "\rrendering %zu/%zu", j->done, j->subjects->count);
        pthread_mutex_unlock(&j->lock);
    }
    cr_db_close(db);
    return NULL;
}

/* SOURCE_DATE_EPOCH when it is a plain number, else now. */
static int64_t creation_time(void)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (s && *s) {
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (!*end && !errno && v >= 0)
            return v;
    }
    return (int64_t)time(NULL);
}

/* Creates dir and its missing parents (mkdir -p). */
static int make_out_dir(const char *dir, cr_error *err)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "output folder name too long");
    for (char *p = buf + 1; ; p++) {
        bool end = *p == '\0';
        if (*p == '/' || end) {
            *p = '\0';
            if (buf[0] && mkdir(buf, 0777) != 0 && errno != EEXIST)
                return cr_error_set(err, EX_CANTCREAT, buf, 0, 0, "cannot create the output folder: %s",
                                    strerror(errno));
            if (end)
                break;
            *p = '/';
        }
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return cr_error_set(err, EX_CANTCREAT, dir, 0, 0, "the output folder is not a folder");
    return 0;
}

static bool parse_shard(const char *s, unsigned *k, unsigned *n)
{
    char *end;
    unsigned long a = strtoul(s, &end, 10);
    if (end == s || *end != '/')
        return false;
    const char *b = end + 1;
    unsigned long m = strtoul(b, &end, 10);
    if (end == b || *end || m == 0 || m > 100000 || a == 0 || a > m || s[0] == '-' || b[0] == '-')
        return false;
    *k = (unsigned)a;
    *n = (unsigned)m;
    return true;
}

int cr_cmd_render(int argc, char **argv, cr_error *err)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},      {"template", required_argument, NULL, 't'},
        {"account", required_argument, NULL, 'a'}, {"partner", required_argument, NULL, 'P'},
        {"all", no_argument, NULL, 'A'},           {"period", required_argument, NULL, 'p'},
        {"out", required_argument, NULL, 'o'},     {"pdf", no_argument, NULL, 'f'},
        {"xlsx", no_argument, NULL, 'x'},          {"locale", required_argument, NULL, 'l'},
        {"jobs", required_argument, NULL, 'j'},    {"shard", required_argument, NULL, 's'},
        {"quiet", no_argument, NULL, 'q'},         {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *db_path = CR_DEFAULT_DB, *template_path = NULL, *account = NULL, *partner = NULL;
    const char *period_text = NULL, *out_dir = ".", *locale = NULL, *shard_text = NULL;
    bool all = false, pdf = false, xlsx = false, quiet = false;
    long jobs = 1;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "j:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': db_path = optarg; break;
        case 't': template_path = optarg; break;
        case 'a': account = optarg; break;
        case 'P': partner = optarg; break;
        case 'A': all = true; break;
        case 'p': period_text = optarg; break;
        case 'o': out_dir = optarg; break;
        case 'f': pdf = true; break;
        case 'x': xlsx = true; break;
        case 'l': locale = optarg; break;
        case 's': shard_text = optarg; break;
        case 'q': quiet = true; break;
        case 'j': {
            char *end;
            jobs = strtol(optarg, &end, 10);
            if (*end || jobs < 1 || jobs > MAX_JOBS)
                return cr_error_set(err, EX_USAGE, NULL, 0, 0, "-j wants a number from 1 to %d",
                                    MAX_JOBS);
            break;
        }
        case 'h': render_usage(stdout); return 0;
        default: render_usage(stderr); return EX_USAGE;
        }
    }
    if (optind < argc)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "unexpected argument '%s'", argv[optind]);
    if (!template_path)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "render needs --template T.xml");
    if ((account != NULL) + (partner != NULL) + all != 1)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0,
                            "render needs exactly one of --account ID, --partner ID and --all");
    if ((account && !*account) || (partner && !*partner))
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "an empty --account or --partner");
    if (!period_text)
        return cr_error_set(err, EX_USAGE, NULL, 0, 0, "render needs --period P");
    unsigned shard_k = 1, shard_n = 1;
    if (shard_text && !parse_shard(shard_text, &shard_k, &shard_n))
        return cr_error_set(err, EX_USAGE, NULL, 0, 0,
                            "--shard wants K/N with 1 <= K <= N (e.g. 2/8), not '%s'", shard_text);
    if (!pdf && !xlsx)
        pdf = xlsx = true;
    cr_period period;
    int rc = cr_period_parse(period_text, NULL, &period, err);
    if (rc)
        return rc;

    cr_template *tmpl = NULL;
    if ((rc = cr_template_load(template_path, &tmpl, err)))
        return rc;
    bool partner_scope = cr_template_get_scope(tmpl) == CR_SCOPE_PARTNER;
    subject_list subjects = {0};
    sqlite3 *db = NULL;
    if (partner_scope && account) {
        rc = cr_error_set(err, EX_USAGE, NULL, 0, 0,
                          "%s is a partner report: use --partner ID or --all", template_path);
        goto out_free;
    }
    db = cr_db_open(db_path, CR_DB_READONLY, err);
    if (!db) {
        rc = err->code ? err->code : EX_SOFTWARE;
        goto out_free;
    }
    if (account)
        rc = select_subjects(db, "SELECT account_id, partner_id FROM accounts WHERE account_id = ?1",
                             account, &subjects, err);
    else if (partner && !partner_scope)
        rc = select_subjects(db, "SELECT account_id, partner_id FROM accounts WHERE partner_id = ?1 "
                                 "ORDER BY account_id", partner, &subjects, err);
    else if (partner)
        rc = add_subject(&subjects, partner, partner, err);
    else if (!partner_scope)
        rc = select_subjects(db, "SELECT account_id, partner_id FROM accounts ORDER BY account_id",
                             NULL, &subjects, err);
    else
        rc = select_subjects(db, "SELECT partner_id, partner_id FROM partners UNION "
                                 "SELECT DISTINCT partner_id, partner_id FROM accounts "
                                 "WHERE partner_id IS NOT NULL AND partner_id <> '' ORDER BY 1",
                             NULL, &subjects, err);
    cr_db_close(db);
    if (rc)
        goto out_free;
    if (account && subjects.count == 0) {
        rc = cr_error_set(err, EX_DATAERR, NULL, 0, 0, "unknown account '%s'", account);
        goto out_free;
    }
    if (partner && !partner_scope && subjects.count == 0) {
        rc = cr_error_set(err, EX_DATAERR, NULL, 0, 0, "no account has partner '%s'", partner);
        goto out_free;
    }

    /* the shard: a stable hash of the partner (or the partnerless account) */
    if (shard_n > 1) {
        size_t kept = 0;
        for (size_t i = 0; i < subjects.count; i++) {
            subject *s = &subjects.items[i];
            if (fnv1a64(s->shard_key) % shard_n == shard_k - 1) {
                subjects.items[kept++] = *s;
            } else {
                free(s->id);
                free(s->shard_key);
            }
        }
        subjects.count = kept;
    }
    if (subjects.count == 0)
        goto out_free;
    if ((rc = make_out_dir(out_dir, err)))
        goto out_free;

    job j = {.tmpl = tmpl, .db_path = db_path, .out_dir = out_dir, .locale = locale,
             .stem = cr_template_output_stem(tmpl), .period = &period, .created = creation_time(),
             .pdf = pdf, .xlsx = xlsx, .partner_scope = partner_scope,
             .progress = !quiet && isatty(STDERR_FILENO), .subjects = &subjects,
             .have_proc = access("/proc/self/fd", X_OK) == 0};
    if (!j.stem || !*j.stem)
        j.stem = "report";
    pthread_mutex_init(&j.lock, NULL);
    size_t threads = (size_t)jobs < subjects.count ? (size_t)jobs : subjects.count;
    pthread_t tids[MAX_JOBS];
    size_t started = 0;
    for (size_t i = 1; i < threads; i++) {
        if (pthread_create(&tids[started], NULL, worker, &j) != 0)
            break; /* fewer threads: the rest is done by those running */
        started++;
    }
    worker(&j);
    for (size_t i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    pthread_mutex_destroy(&j.lock);
    if (j.progress)
        fputc('\n', stderr);

    for (size_t i = 0; i < subjects.count; i++) {
        const subject *s = &subjects.items[i];
        if (!s->rc)
            continue;
        fprintf(stderr, "csmreport: %s: %s\n", s->id, s->message);
        if (!rc)
            rc = s->rc;
    }
    /* reported above: main prints nothing more */
    cr_error_clear(err);

out_free:
    free_subjects(&subjects);
    cr_template_free(tmpl);
    return rc;
}
