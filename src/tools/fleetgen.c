/* fleetgen.c - deterministic generator of a synthetic, internally consistent
 * customer fleet in csmreport's canonical CSV formats (SPEC section 3), for the
 * benchmarks and the end-to-end tests.
 *
 *   fleetgen --out DIR [--accounts N] [--devices N] [--months N] [--start YYYY-MM]
 *            [--seed S] [--shuffle] [--usage-density F] [--partners N]
 *            [--calls N] [--verbose]
 *
 * Every value comes from a counter-based PRNG keyed by (seed, stream, entity), never
 * from the order of generation, so the same arguments give the same bytes and
 * --shuffle gives the same rows in another order. Usage rows are streamed; with
 * --shuffle they go to random temporary buckets that are shuffled one at a time,
 * so memory stays bounded whatever the size. Self-contained on purpose (own date
 * helpers, no libm), so that it builds without the rest of the library.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EX_USAGE_ 64
#define EX_CANTCREAT_ 73
#define EX_IOERR_ 74

/* ---------------------------------------------------------------- errors */

static const char *progname = "fleetgen";

__attribute__((format(printf, 2, 3), noreturn))
static void die(int code, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(code);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die(EX_IOERR_, "out of memory");
    return p;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        die(EX_IOERR_, "out of memory");
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        die(EX_IOERR_, "out of memory");
    return p;
}

/* ---------------------------------------------------------------- PRNG */

/* splitmix64's finaliser: a strong 64-bit mix, used both as the generator step
 * and to key independent streams. */
static uint64_t mix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

typedef struct rng {
    uint64_t s;
} rng;

/* Streams: each kind of entity draws from its own keyed generator. */
enum {
    S_ACCOUNT = 1, S_DEVICE, S_PARTNER, S_FIRMWARE, S_TICKETS, S_USAGE, S_SNAPSHOT,
    S_SHUFFLE, S_CALLS, S_SIZES, S_DEVSTATE
};

static uint64_t g_seed;

static rng rng_for(uint64_t stream, uint64_t a, uint64_t b)
{
    rng r = {mix64(g_seed ^ mix64(stream ^ mix64(a ^ mix64(b + 0x51ED270B))))};
    return r;
}

static uint64_t rng_next(rng *r)
{
    r->s += 0x9E3779B97F4A7C15ull;
    uint64_t z = r->s;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n); n > 0. The modulo bias is far below anything we measure. */
static uint64_t rng_below(rng *r, uint64_t n)
{
    return n ? rng_next(r) % n : 0;
}

/* Uniform in [lo, hi], inclusive. */
static int rng_range(rng *r, int lo, int hi)
{
    return lo + (int)rng_below(r, (uint64_t)(hi - lo + 1));
}

static double rng_unit(rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static bool rng_chance(rng *r, double p)
{
    return rng_unit(r) < p;
}

/* Index drawn with the given integer weights. */
static int rng_weighted(rng *r, const int *w, int n)
{
    int total = 0;
    for (int i = 0; i < n; i++)
        total += w[i];
    if (total <= 0)
        return 0;
    int x = (int)rng_below(r, (uint64_t)total);
    for (int i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

/* floor(x) plus one with probability frac(x): keeps expected counts exact. */
static long round_random(rng *r, double x)
{
    long n = (long)x;
    return n + (rng_unit(r) < x - (double)n ? 1 : 0);
}

/* ---------------------------------------------------------------- dates */

/* Days since 1970-01-01, proleptic Gregorian (H. Hinnant's algorithms). */
static int32_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int32_t z, int *y, int *m, int *d)
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

/* 0 = Sunday .. 6 = Saturday. */
static int weekday(int32_t z)
{
    return (int)(((z % 7) + 11) % 7);
}

static int days_in_month(int y, int m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

/* First day of the month that is `months` after (y, m). */
static int32_t month_start(int y, int m, int months)
{
    int idx = y * 12 + (m - 1) + months;
    int yy = idx >= 0 ? idx / 12 : (idx - 11) / 12;
    return days_from_civil(yy, idx - yy * 12 + 1, 1);
}

static void fmt_date(char out[16], int32_t day)
{
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
}

/* Easter Sunday (anonymous Gregorian algorithm). */
static int32_t easter(int y)
{
    int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
    int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
    return days_from_civil(y, month, day);
}

/* The n-th (1..5, or -1 = last) weekday wd (0 = Sunday) of a month. */
static int32_t nth_weekday(int y, int m, int n, int wd)
{
    if (n < 0) {
        int32_t last = days_from_civil(y, m, days_in_month(y, m));
        return last - (weekday(last) - wd + 7) % 7;
    }
    int32_t first = days_from_civil(y, m, 1);
    return first + (wd - weekday(first) + 7) % 7 + 7 * (n - 1);
}

/* Timestamp styles of the exports: naive local, UTC with Z, local with offset,
 * naive without seconds. t is local seconds; off the zone's offset in minutes. */
enum { TS_NAIVE, TS_UTC, TS_OFFSET, TS_NAIVE_MIN, TS_STYLES };

static void fmt_ts(char out[48], int64_t t, int style, int off)
{
    if (style == TS_UTC)
        t -= (int64_t)off * 60;
    int64_t day = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    int secs = (int)(t - day * 86400);
    int y, m, d;
    civil_from_days((int32_t)day, &y, &m, &d);
    int hh = secs / 3600, mm = secs / 60 % 60, ss = secs % 60;
    switch (style) {
    case TS_UTC:
        snprintf(out, 48, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, hh, mm, ss);
        break;
    case TS_OFFSET:
        snprintf(out, 48, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, m, d, hh, mm, ss,
                 off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60);
        break;
    case TS_NAIVE_MIN:
        snprintf(out, 48, "%04d-%02d-%02d %02d:%02d", y, m, d, hh, mm);
        break;
    default:
        snprintf(out, 48, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, hh, mm, ss);
        break;
    }
}

/* ---------------------------------------------------------------- CSV output */

/* One output file. Rows go straight to DIR/.NAME.tmp, or with shuffling to
 * length-prefixed records in nbuckets anonymous temporary files picked at
 * random; closing shuffles each bucket in memory (one bucket at a time) and
 * appends it, then renames the file into place so no half file is left. */
#define MAX_BUCKETS 256

typedef struct sink {
    char *path, *tmp;
    FILE *out;
    FILE *bucket[MAX_BUCKETS];
    int nbuckets;
    rng shuffle;
    long long rows, bytes;
} sink;

static const char *g_dir;

static char *path_join(const char *dir, const char *prefix, const char *name)
{
    size_t n = strlen(dir) + strlen(prefix) + strlen(name) + 2;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s%s", dir, prefix, name);
    return p;
}

static void sink_open(sink *s, const char *name, const char *header, int nbuckets)
{
    memset(s, 0, sizeof *s);
    s->path = path_join(g_dir, "", name);
    s->tmp = path_join(g_dir, ".", name);
    s->out = fopen(s->tmp, "wb");
    if (!s->out)
        die(EX_CANTCREAT_, "cannot create %s: %s", s->tmp, strerror(errno));
    setvbuf(s->out, NULL, _IOFBF, 1 << 20);
    fputs(header, s->out);
    fputc('\n', s->out);
    s->bytes = (long long)strlen(header) + 1;
    s->nbuckets = nbuckets > MAX_BUCKETS ? MAX_BUCKETS : nbuckets;
    uint64_t h = 1469598103934665603ull; /* FNV-1a of the name: one order per file */
    for (const char *c = name; *c; c++)
        h = (h ^ (unsigned char)*c) * 1099511628211ull;
    s->shuffle = rng_for(S_SHUFFLE, h, 0);
    for (int i = 0; i < s->nbuckets; i++) {
        char *t = path_join(g_dir, ".fleetgen-", "XXXXXX");
        int fd = mkstemp(t);
        if (fd < 0)
            die(EX_CANTCREAT_, "cannot create %s: %s", t, strerror(errno));
        unlink(t); /* anonymous: vanishes with the process, even on a crash */
        free(t);
        s->bucket[i] = fdopen(fd, "w+b");
        if (!s->bucket[i])
            die(EX_CANTCREAT_, "cannot open a temporary file: %s", strerror(errno));
        setvbuf(s->bucket[i], NULL, _IOFBF, 64 << 10);
    }
}

static void sink_write(sink *s, const char *row, size_t len)
{
    s->rows++;
    s->bytes += (long long)len;
    if (s->nbuckets == 0) {
        fwrite(row, 1, len, s->out);
        return;
    }
    FILE *b = s->bucket[rng_below(&s->shuffle, (uint64_t)s->nbuckets)];
    uint32_t n = (uint32_t)len;
    fwrite(&n, sizeof n, 1, b);
    fwrite(row, 1, len, b);
}

static void sink_flush_bucket(sink *s, FILE *b, char **buf, size_t *cap, size_t **offs,
                              size_t *ocap)
{
    if (fflush(b) != 0 || ferror(b))
        die(EX_IOERR_, "cannot write a temporary file: %s", strerror(errno));
    off_t size = ftello(b);
    if (size < 0 || fseeko(b, 0, SEEK_SET) != 0)
        die(EX_IOERR_, "cannot seek a temporary file: %s", strerror(errno));
    if ((size_t)size > *cap) {
        *cap = (size_t)size;
        *buf = xrealloc(*buf, *cap);
    }
    if (size > 0 && fread(*buf, 1, (size_t)size, b) != (size_t)size)
        die(EX_IOERR_, "cannot read a temporary file");
    fclose(b);
    size_t n = 0;
    for (size_t p = 0; p + sizeof(uint32_t) <= (size_t)size;) {
        uint32_t len;
        memcpy(&len, *buf + p, sizeof len);
        if (n == *ocap) {
            *ocap = *ocap ? *ocap * 2 : 4096;
            *offs = xrealloc(*offs, *ocap * sizeof **offs);
        }
        (*offs)[n++] = p;
        p += sizeof len + len;
    }
    for (size_t i = n; i > 1; i--) { /* Fisher-Yates */
        size_t j = (size_t)rng_below(&s->shuffle, i);
        size_t t = (*offs)[i - 1];
        (*offs)[i - 1] = (*offs)[j];
        (*offs)[j] = t;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t len;
        memcpy(&len, *buf + (*offs)[i], sizeof len);
        fwrite(*buf + (*offs)[i] + sizeof len, 1, len, s->out);
    }
}

static void sink_close(sink *s)
{
    char *buf = NULL;
    size_t cap = 0, ocap = 0, *offs = NULL;
    for (int i = 0; i < s->nbuckets; i++)
        sink_flush_bucket(s, s->bucket[i], &buf, &cap, &offs, &ocap);
    free(buf);
    free(offs);
    if (fflush(s->out) != 0 || ferror(s->out) || fclose(s->out) != 0)
        die(EX_IOERR_, "cannot write %s: %s", s->tmp, strerror(errno));
    if (rename(s->tmp, s->path) != 0)
        die(EX_IOERR_, "cannot rename %s: %s", s->tmp, strerror(errno));
    free(s->tmp);
    free(s->path);
}

/* A CSV row under construction: fields quoted only where RFC 4180 needs it. */
typedef struct row {
    char *p;
    size_t len, cap;
    bool first;
} row;

static void row_raw(row *r, const char *s, size_t n)
{
    if (r->len + n + 2 > r->cap) {
        r->cap = (r->len + n + 2) * 2;
        r->p = xrealloc(r->p, r->cap);
    }
    memcpy(r->p + r->len, s, n);
    r->len += n;
}

static void row_sep(row *r)
{
    if (!r->first)
        row_raw(r, ",", 1);
    r->first = false;
}

static void row_str(row *r, const char *s)
{
    row_sep(r);
    if (!strpbrk(s, ",\"\r\n")) {
        row_raw(r, s, strlen(s));
        return;
    }
    row_raw(r, "\"", 1);
    for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1) {
        row_raw(r, s, (size_t)(q - s) + 1); /* up to and with the quote, then double it */
        row_raw(r, "\"", 1);
    }
    row_raw(r, s, strlen(s));
    row_raw(r, "\"", 1);
}

__attribute__((format(printf, 2, 3)))
static void row_fmt(row *r, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    row_str(r, buf);
}

static void row_date(row *r, int32_t day)
{
    char b[16];
    fmt_date(b, day);
    row_str(r, b);
}

static void row_ts(row *r, int64_t t, int style, int off)
{
    char b[48];
    if (t < 0) {
        row_str(r, "");
        return;
    }
    fmt_ts(b, t, style, off);
    row_str(r, b);
}

/* Money in minor units with the currency's digits (2, or 0 for JPY). */
static void row_money(row *r, long long minor, int digits)
{
    if (digits == 0)
        row_fmt(r, "%lld", minor);
    else
        row_fmt(r, "%lld.%02lld", minor / 100, minor % 100);
}

static void row_end(row *r, sink *s)
{
    row_raw(r, "\n", 1);
    sink_write(s, r->p, r->len);
    r->len = 0;
    r->first = true;
}

/* ---------------------------------------------------------------- reference tables */

enum { CAT_HEADSET, CAT_VIDEO, CAT_VOICE, CAT_INFRA, CAT_COUNT };
static const char *const cat_names[] = {"headset", "video", "voice", "infrastructure"};

#define NO_EOS 9999

typedef struct model_def {
    const char *name;
    int cat;
    int weight;     /* share within its category */
    int eos_months; /* end of service, months after --start (may be negative) */
    int price_usd;  /* list price */
    int fw_major;
} model_def;

static const model_def models[] = {
    {"Voyager Focus 2", CAT_HEADSET, 14, NO_EOS, 299, 2},
    {"Voyager 4320 UC", CAT_HEADSET, 16, NO_EOS, 189, 2},
    {"Voyager 4310 UC", CAT_HEADSET, 8, NO_EOS, 169, 2},
    {"Voyager 5200 UC", CAT_HEADSET, 6, 3, 199, 1},
    {"Voyager Free 60 UC", CAT_HEADSET, 6, NO_EOS, 249, 3},
    {"Voyager Surround 80 UC", CAT_HEADSET, 3, NO_EOS, 329, 1},
    {"Blackwire 3320", CAT_HEADSET, 14, NO_EOS, 49, 1},
    {"Blackwire 5220", CAT_HEADSET, 5, -12, 79, 1},
    {"Blackwire 8225", CAT_HEADSET, 3, NO_EOS, 149, 1},
    {"Savi 7320", CAT_HEADSET, 5, 14, 379, 4},
    {"Savi 8220", CAT_HEADSET, 6, NO_EOS, 429, 4},
    {"EncorePro 320", CAT_HEADSET, 4, NO_EOS, 89, 1},
    {"EncorePro 720", CAT_HEADSET, 3, NO_EOS, 129, 1},
    {"Sync 20+", CAT_HEADSET, 3, NO_EOS, 149, 1},
    {"Sync 40", CAT_HEADSET, 2, NO_EOS, 199, 1},
    {"Sync 60", CAT_HEADSET, 2, NO_EOS, 299, 1},
    {"Studio X30", CAT_VIDEO, 8, 18, 1999, 4},
    {"Studio X50", CAT_VIDEO, 10, NO_EOS, 3499, 4},
    {"Studio X52", CAT_VIDEO, 10, NO_EOS, 3799, 4},
    {"Studio X70", CAT_VIDEO, 4, NO_EOS, 6999, 4},
    {"Studio X72", CAT_VIDEO, 3, NO_EOS, 7499, 4},
    {"Studio R30", CAT_VIDEO, 6, NO_EOS, 899, 1},
    {"Studio E70", CAT_VIDEO, 3, NO_EOS, 2999, 1},
    {"Studio USB", CAT_VIDEO, 3, -6, 1199, 1},
    {"G7500", CAT_VIDEO, 4, 9, 4999, 4},
    {"TC8", CAT_VIDEO, 8, NO_EOS, 699, 4},
    {"TC10", CAT_VIDEO, 5, NO_EOS, 799, 4},
    {"CCX 400", CAT_VOICE, 10, NO_EOS, 229, 8},
    {"CCX 505", CAT_VOICE, 10, NO_EOS, 349, 8},
    {"CCX 600", CAT_VOICE, 6, NO_EOS, 499, 8},
    {"CCX 700", CAT_VOICE, 4, NO_EOS, 649, 8},
    {"VVX 250", CAT_VOICE, 6, -6, 179, 6},
    {"VVX 350", CAT_VOICE, 6, NO_EOS, 219, 6},
    {"VVX 450", CAT_VOICE, 6, 6, 299, 6},
    {"Edge E220", CAT_VOICE, 8, NO_EOS, 199, 8},
    {"Edge E350", CAT_VOICE, 6, NO_EOS, 279, 8},
    {"Trio 8300", CAT_VOICE, 3, NO_EOS, 599, 7},
    {"Trio 8800", CAT_VOICE, 2, 9, 1199, 7},
    {"Trio C60", CAT_VOICE, 4, NO_EOS, 999, 7},
    {"Rove 30", CAT_VOICE, 3, NO_EOS, 169, 8},
    {"Rove 40", CAT_VOICE, 2, NO_EOS, 199, 8},
    {"Rove B2", CAT_INFRA, 6, NO_EOS, 349, 8},
    {"Rove B4", CAT_INFRA, 3, NO_EOS, 599, 8},
    {"RealPresence DMA 7000", CAT_INFRA, 1, 12, 24999, 10},
    {"RealPresence Collaboration Server", CAT_INFRA, 1, NO_EOS, 39999, 9},
};
#define MODEL_COUNT ((int)(sizeof models / sizeof models[0]))

typedef struct country_def {
    const char *code;
    int weight;
    const char *tz[3];
    int tz_off[3]; /* standard offset, minutes east (DST ignored: data, not a clock) */
    const char *locale, *currency;
    int digits;
    int fx_per_100usd; /* price conversion, in the currency's major unit */
    const char *cities[4];
    const char *legal;
} country_def;

static const country_def countries[] = {
    {"US", 30, {"America/New_York", "America/Chicago", "America/Los_Angeles"}, {-300, -360, -480},
     "en-US", "USD", 2, 100, {"New York", "Chicago", "San Francisco", "Austin"}, ", Inc."},
    {"GB", 15, {"Europe/London", NULL, NULL}, {0, 0, 0}, "en-GB", "GBP", 2, 79,
     {"London", "Manchester", "Edinburgh", "Bristol"}, " Ltd"},
    {"DE", 12, {"Europe/Berlin", NULL, NULL}, {60, 0, 0}, "en-DE", "EUR", 2, 92,
     {"Berlin", "München", "Hamburg", "Frankfurt am Main"}, " GmbH"},
    {"FR", 10, {"Europe/Paris", NULL, NULL}, {60, 0, 0}, "fr-FR", "EUR", 2, 92,
     {"Paris", "Lyon", "Toulouse", "Lille"}, " SA"},
    {"NO", 10, {"Europe/Oslo", NULL, NULL}, {60, 0, 0}, "nb-NO", "NOK", 2, 1080,
     {"Oslo", "Bergen", "Trondheim", "Tromsø"}, " AS"},
    {"JP", 10, {"Asia/Tokyo", NULL, NULL}, {540, 0, 0}, "ja-JP", "JPY", 0, 15000,
     {"東京", "大阪", "名古屋", "福岡"}, ""},
    {"CA", 6, {"America/Toronto", "America/Vancouver", NULL}, {-300, -480, 0}, "en-CA", "USD", 2,
     100, {"Toronto", "Vancouver", "Montréal", "Calgary"}, " Ltd."},
    {"NL", 7, {"Europe/Amsterdam", NULL, NULL}, {60, 0, 0}, "en-NL", "EUR", 2, 92,
     {"Amsterdam", "Rotterdam", "Utrecht", "Eindhoven"}, " B.V."},
};
#define COUNTRY_COUNT ((int)(sizeof countries / sizeof countries[0]))

enum { H_FIXED, H_EASTER, H_NTH };

typedef struct holiday_rule {
    const char *country, *region;
    int kind, month, day; /* day: day of month, Easter offset, or n-th (-1 last) */
    int wday;             /* H_NTH: 0 = Sunday */
    const char *name;
} holiday_rule;

/* A few holidays per country: fixed dates, Easter-based and n-th weekday ones,
 * chosen so that no two fall on the same date in any year. */
static const holiday_rule holiday_rules[] = {
    {"US", "", H_FIXED, 1, 1, 0, "New Year's Day"},
    {"US", "", H_NTH, 5, -1, 1, "Memorial Day"},
    {"US", "", H_FIXED, 7, 4, 0, "Independence Day"},
    {"US", "", H_NTH, 9, 1, 1, "Labor Day"},
    {"US", "", H_NTH, 11, 4, 4, "Thanksgiving Day"},
    {"US", "", H_FIXED, 12, 25, 0, "Christmas Day"},
    {"US", "US-CA", H_FIXED, 3, 31, 0, "César Chávez Day"},
    {"GB", "", H_FIXED, 1, 1, 0, "New Year's Day"},
    {"GB", "", H_EASTER, 0, -2, 0, "Good Friday"},
    {"GB", "", H_NTH, 5, 1, 1, "Early May bank holiday"},
    {"GB", "", H_FIXED, 12, 25, 0, "Christmas Day"},
    {"GB", "", H_FIXED, 12, 26, 0, "Boxing Day"},
    {"GB", "GB-SCT", H_FIXED, 1, 2, 0, "2nd January"},
    {"GB", "GB-SCT", H_FIXED, 11, 30, 0, "St Andrew's Day"},
    {"DE", "", H_FIXED, 1, 1, 0, "Neujahr"},
    {"DE", "", H_EASTER, 0, -2, 0, "Karfreitag"},
    {"DE", "", H_EASTER, 0, 1, 0, "Ostermontag"},
    {"DE", "", H_FIXED, 5, 1, 0, "Tag der Arbeit"},
    {"DE", "", H_FIXED, 10, 3, 0, "Tag der Deutschen Einheit"},
    {"DE", "", H_FIXED, 12, 25, 0, "1. Weihnachtstag"},
    {"DE", "", H_FIXED, 12, 26, 0, "2. Weihnachtstag"},
    {"FR", "", H_FIXED, 1, 1, 0, "Jour de l'an"},
    {"FR", "", H_EASTER, 0, 1, 0, "Lundi de Pâques"},
    {"FR", "", H_FIXED, 5, 1, 0, "Fête du Travail"},
    {"FR", "", H_FIXED, 5, 8, 0, "Victoire 1945"},
    {"FR", "", H_FIXED, 7, 14, 0, "Fête nationale"},
    {"FR", "", H_FIXED, 8, 15, 0, "Assomption"},
    {"FR", "", H_FIXED, 11, 1, 0, "Toussaint"},
    {"FR", "", H_FIXED, 11, 11, 0, "Armistice 1918"},
    {"FR", "", H_FIXED, 12, 25, 0, "Noël"},
    {"NO", "", H_FIXED, 1, 1, 0, "1. nyttårsdag"},
    {"NO", "", H_EASTER, 0, -3, 0, "Skjærtorsdag"},
    {"NO", "", H_EASTER, 0, -2, 0, "Langfredag"},
    {"NO", "", H_EASTER, 0, 1, 0, "2. påskedag"},
    {"NO", "", H_FIXED, 5, 1, 0, "Arbeidernes dag"},
    {"NO", "", H_FIXED, 5, 17, 0, "Grunnlovsdag"},
    {"NO", "", H_FIXED, 12, 25, 0, "1. juledag"},
    {"NO", "", H_FIXED, 12, 26, 0, "2. juledag"},
    {"JP", "", H_FIXED, 1, 1, 0, "元日"},
    {"JP", "", H_FIXED, 2, 11, 0, "建国記念の日"},
    {"JP", "", H_FIXED, 2, 23, 0, "天皇誕生日"},
    {"JP", "", H_FIXED, 4, 29, 0, "昭和の日"},
    {"JP", "", H_FIXED, 5, 3, 0, "憲法記念日"},
    {"JP", "", H_FIXED, 5, 4, 0, "みどりの日"},
    {"JP", "", H_FIXED, 5, 5, 0, "こどもの日"},
    {"JP", "", H_FIXED, 11, 3, 0, "文化の日"},
    {"JP", "", H_FIXED, 11, 23, 0, "勤労感謝の日"},
    {"CA", "", H_FIXED, 1, 1, 0, "New Year's Day"},
    {"CA", "", H_EASTER, 0, -2, 0, "Good Friday"},
    {"CA", "", H_FIXED, 7, 1, 0, "Canada Day"},
    {"CA", "", H_NTH, 9, 1, 1, "Labour Day"},
    {"CA", "", H_FIXED, 12, 25, 0, "Christmas Day"},
    {"CA", "", H_FIXED, 12, 26, 0, "Boxing Day"},
    {"NL", "", H_FIXED, 1, 1, 0, "Nieuwjaarsdag"},
    {"NL", "", H_EASTER, 0, 1, 0, "Tweede Paasdag"},
    {"NL", "", H_FIXED, 4, 27, 0, "Koningsdag"},
    {"NL", "", H_FIXED, 5, 5, 0, "Bevrijdingsdag"},
    {"NL", "", H_FIXED, 12, 25, 0, "Eerste Kerstdag"},
    {"NL", "", H_FIXED, 12, 26, 0, "Tweede Kerstdag"},
};
#define HOLIDAY_RULE_COUNT ((int)(sizeof holiday_rules / sizeof holiday_rules[0]))

enum { P_ELITE, P_POLY_PLUS, P_ENTERPRISE, P_PARTNER_POLY_PLUS, P_PARTNER_ENTERPRISE, P_COUNT };
static const char *const program_names[] = {"elite", "poly_plus", "enterprise",
                                            "partner_poly_plus", "partner_enterprise"};

static const char *const partner_names[] = {
    "Nordic Collaboration AS", "Bridgepoint Unified Communications Inc.",
    "Intégrateur Visio SAS", "Tokyo AV Systems K.K.", "Rheinland Kommunikation GmbH",
    "Atlantic AV Partners, LLC", "Polder ICT B.V.", "Maple Leaf Voice Ltd.",
    "Thames Valley \"UC\" Services Ltd", "Sakura Network Solutions",
};
static const int partner_country[] = {4, 0, 3, 5, 2, 0, 7, 6, 1, 5};
#define PARTNER_NAME_COUNT ((int)(sizeof partner_names / sizeof partner_names[0]))

static const char *const name_first[] = {
    "Nordlys", "Fjord", "Atlas", "Summit", "Harbor", "Aurora", "Granite", "Meridian",
    "Cobalt", "Evergreen", "Beacon", "Pioneer", "Crescent", "Sterling", "Horizon",
    "Redwood", "Lumen", "Vantage", "Keystone", "Northwind",
};
static const char *const name_second[] = {
    "Energy", "Logistics", "Health", "Bank", "Insurance", "Media", "Foods", "Shipping",
    "Consulting", "Software", "Pharma", "Retail", "Telecom", "Engineering", "Airlines",
    "Hotels", "Legal", "Capital", "Mining", "Education",
};
static const char *const jp_first[] = {"さくら", "富士", "青空", "大和", "北斗",
                                       "朝日", "みなと", "若葉", "光", "松風"};
static const char *const jp_second[] = {"通信", "物流", "銀行", "製薬", "電機",
                                        "商事", "保険", "建設", "食品", "航空"};

static const char *const csm_names[] = {"Ingrid Bakken", "Frédéric Dupont", "佐藤 花子",
                                        "James O'Neill", "Sarah Miller", "Lukas Schmidt",
                                        "Emma Clarke", "Kenji Watanabe"};
static const char *const csm_emails[] = {
    "ingrid.bakken@poly.example", "frederic.dupont@poly.example", "hanako.sato@poly.example",
    "james.oneill@poly.example", "sarah.miller@poly.example", "lukas.schmidt@poly.example",
    "emma.clarke@poly.example", "kenji.watanabe@poly.example"};
#define CSM_COUNT ((int)(sizeof csm_names / sizeof csm_names[0]))

static const char *const site_suffix[] = {"HQ", "Office", "Campus", "Tower, Floor 3", "Branch"};
static const char *const cloud_partners[] = {"Microsoft Teams", "Zoom", "Google Meet"};
static const char *const root_causes[] = {
    "Firmware defect in the audio DSP driver, fixed in the next release",
    "Network outage at customer site (DHCP scope exhausted)",
    "Power supply failure; unit replaced under RMA",
    "Cloud service incident, vendor reference \"INC-4821\"",
    "Misconfigured SIP proxy\nafter a change window",
    "Certificate expired on the provisioning server",
};
#define ROOT_CAUSE_COUNT ((int)(sizeof root_causes / sizeof root_causes[0]))

/* ---------------------------------------------------------------- the fleet */

typedef struct options {
    const char *out;
    int accounts, devices_total, months, start_y, start_m, partners, shuffle, verbose;
    uint64_t seed;
    double density;
    long long calls;
} options;

typedef struct release {
    char version[24];
    int32_t day;
} release;

#define MAX_RELEASES 6

typedef struct model_state {
    int32_t eos_day; /* INT32_MAX: none */
    release rel[MAX_RELEASES];
    int nrel;
} model_state;

typedef struct partner {
    char id[16];
    int country;
} partner;

typedef struct account {
    char id[16];
    char name[160];
    int program, partner, country, tz, csm, nsites, ts_style;
    const char *region;
    int32_t term_start, term_end;
    char options[32];
    int32_t first_dev, ndev;
    double grow_frac, churn_frac, ticket_rate, rma_rate;
    int cat_weight[CAT_COUNT];
    int32_t agreed[3];
    bool has_cat[3];
} account;

typedef struct device {
    char serial[12];
    int32_t account;
    int32_t start, end, dark; /* active days; dark: last day seen (INT32_MAX: never) */
    int16_t model, m_first, m_last;
    uint8_t site, room, fw_lag, activity;
} device;

typedef struct ticket {
    int64_t opened, closed, approved, shipped, delivered, updated; /* local s, -1 none */
    int64_t rma;                                                  /* -1: none */
    int32_t account, device;
    uint32_t seq;
    uint8_t priority, status, cloud, root_cause;
    bool blank_model;
} ticket;

static options opt;
static int32_t d_first, d_last;       /* first and last day of the generated months */
static int32_t *month_first;          /* [months + 1] */
static model_state mstate[MODEL_COUNT];
static partner *partners;
static account *accounts;
static device *devices;
static int32_t ndevices;
static ticket *tickets;
static size_t nticket, ticket_cap;

/* Day of the account's devices snapshot in month m (1-based day of month). */
static int snapshot_dom(int a, int m)
{
    rng r = rng_for(S_SNAPSHOT, (uint64_t)a, (uint64_t)m);
    int dim = month_first[m + 1] - month_first[m];
    int base = (int)(mix64(g_seed ^ (uint64_t)a) % 28u) + 1; /* accounts export on their own day */
    int dom = base + rng_range(&r, -2, 2);
    return dom < 1 ? 1 : dom > dim ? dim : dom;
}

static int32_t snapshot_day(int a, int m)
{
    return month_first[m] + snapshot_dom(a, m) - 1;
}

static void build_models(void)
{
    for (int i = 0; i < MODEL_COUNT; i++) {
        model_state *ms = &mstate[i];
        const model_def *md = &models[i];
        rng r = rng_for(S_FIRMWARE, (uint64_t)i, 0);
        ms->eos_day = INT32_MAX;
        int32_t anchor = d_last - (int32_t)rng_below(&r, 45);
        if (md->eos_months != NO_EOS) {
            ms->eos_day = month_start(opt.start_y, opt.start_m, md->eos_months) + 14;
            if (ms->eos_day + 60 < anchor)
                anchor = ms->eos_day + 60; /* no releases long after end of service */
        }
        ms->nrel = 3 + (int)rng_below(&r, MAX_RELEASES - 2);
        int minor0 = (int)rng_below(&r, 5);
        /* Releases spread from before the data to its end (or end of service),
         * so every snapshot has a current release to compare with. */
        int32_t first = d_first - 60 - (int32_t)rng_below(&r, 300);
        if (first > anchor - 90 * (ms->nrel - 1))
            first = anchor - 90 * (ms->nrel - 1);
        int32_t step = (anchor - first) / (ms->nrel - 1);
        for (int k = 0; k < ms->nrel; k++) {
            int32_t jitter = (int32_t)rng_below(&r, (uint64_t)(step / 3 + 1)) - step / 6;
            ms->rel[k].day = first + step * k + (k > 0 ? jitter : 0);
        }
        ms->rel[ms->nrel - 1].day = anchor;
        if (ms->nrel >= 4 && rng_chance(&r, 0.15))
            ms->rel[2].day = ms->rel[1].day; /* two releases on one day: ties go by version */
        for (int k = 0; k < ms->nrel; k++)
            snprintf(ms->rel[k].version, sizeof ms->rel[k].version, "%d.%d.%d", md->fw_major,
                     minor0 + k, (int)rng_below(&r, 3));
    }
}

/* The partner's name, the same in partners.csv and accounts.csv. */
static void partner_name(int p, char *buf, size_t size)
{
    if (p < PARTNER_NAME_COUNT)
        snprintf(buf, size, "%s", partner_names[p]);
    else
        snprintf(buf, size, "%s %d", partner_names[p % PARTNER_NAME_COUNT],
                 p / PARTNER_NAME_COUNT + 1);
}

static void build_partners(void)
{
    partners = xcalloc((size_t)opt.partners, sizeof *partners);
    for (int p = 0; p < opt.partners; p++) {
        snprintf(partners[p].id, sizeof partners[p].id, "P%03d", p + 1);
        partners[p].country = partner_country[p % PARTNER_NAME_COUNT];
    }
}

static void account_name(account *ac, int i)
{
    const country_def *c = &countries[ac->country];
    char extra[16] = "";
    if (strcmp(c->code, "JP") == 0) {
        int a = i % 10, b = (i / 10 + a) % 10;
        if (i >= 100)
            snprintf(extra, sizeof extra, "%d", i / 100 + 1);
        snprintf(ac->name, sizeof ac->name, "株式会社%s%s%s", jp_first[a], jp_second[b], extra);
        return;
    }
    int a = i % 20, b = (i / 20 + a) % 20;
    if (i >= 400)
        snprintf(extra, sizeof extra, " %d", i / 400 + 1);
    if (i % 41 == 5) /* a few names with quotes, for RFC 4180 quoting */
        snprintf(ac->name, sizeof ac->name, "\"%s\" %s%s%s", name_first[a], name_second[b], extra,
                 c->legal);
    else
        snprintf(ac->name, sizeof ac->name, "%s %s%s%s", name_first[a], name_second[b], extra,
                 c->legal);
}

static void build_accounts(void)
{
    accounts = xcalloc((size_t)opt.accounts, sizeof *accounts);
    int cw[COUNTRY_COUNT];
    for (int c = 0; c < COUNTRY_COUNT; c++)
        cw[c] = countries[c].weight;
    int pw[P_COUNT] = {14, 24, 30, 12, 20};
    if (opt.partners == 0)
        pw[P_PARTNER_POLY_PLUS] = pw[P_PARTNER_ENTERPRISE] = 0;
    for (int i = 0; i < opt.accounts; i++) {
        account *ac = &accounts[i];
        rng r = rng_for(S_ACCOUNT, (uint64_t)i, 0);
        snprintf(ac->id, sizeof ac->id, "ACC%05d", i + 1);
        ac->program = rng_weighted(&r, pw, P_COUNT);
        ac->partner = -1;
        ac->country = rng_weighted(&r, cw, COUNTRY_COUNT);
        if (ac->program == P_PARTNER_POLY_PLUS || ac->program == P_PARTNER_ENTERPRISE) {
            ac->partner = (int)rng_below(&r, (uint64_t)opt.partners);
            if (rng_chance(&r, 0.7)) /* partners mostly serve their own country */
                ac->country = partners[ac->partner].country;
        }
        const country_def *c = &countries[ac->country];
        int ntz = c->tz[2] ? 3 : c->tz[1] ? 2 : 1;
        ac->tz = (int)rng_below(&r, (uint64_t)ntz);
        ac->region = "";
        if (strcmp(c->code, "GB") == 0 && rng_chance(&r, 0.3))
            ac->region = "GB-SCT";
        if (strcmp(c->code, "US") == 0 && ac->tz == 2)
            ac->region = "US-CA";
        account_name(ac, i);
        ac->csm = (int)rng_below(&r, CSM_COUNT);

        /* The term covers every generated month: it starts up to 11 months before. */
        int back = (int)rng_below(&r, 12);
        int years = (back + opt.months + 11) / 12;
        if (years < 3)
            years = 3;
        ac->term_start = month_start(opt.start_y, opt.start_m, -back);
        ac->term_end = month_start(opt.start_y, opt.start_m, -back + 12 * years) - 1;

        bool ent = ac->program == P_ENTERPRISE || ac->program == P_PARTNER_ENTERPRISE;
        ac->options[0] = '\0';
        if (rng_chance(&r, ent ? 0.4 : 0.1))
            strcat(ac->options, "onsite");
        if (rng_chance(&r, ent ? 0.2 : 0.05))
            strcat(ac->options, ac->options[0] ? ";four_hour" : "four_hour");
        if (rng_chance(&r, ent ? 0.15 : 0.03))
            strcat(ac->options, ac->options[0] ? ";frurad" : "frurad");
        ac->ts_style = (int)rng_below(&r, TS_STYLES);

        /* About a third of the accounts grow enough for true-ups. */
        if (rng_chance(&r, 0.3)) {
            ac->grow_frac = 0.10 + 0.15 * rng_unit(&r);
            ac->churn_frac = 0.01 + 0.02 * rng_unit(&r);
        } else {
            ac->grow_frac = 0.02 * rng_unit(&r);
            ac->churn_frac = 0.03 * rng_unit(&r);
        }
        ac->ticket_rate = 0.05 + 0.10 * rng_unit(&r);
        ac->rma_rate = rng_chance(&r, 0.3) ? 0.045 + 0.045 * rng_unit(&r)
                                           : 0.01 + 0.035 * rng_unit(&r);
        ac->cat_weight[CAT_HEADSET] = rng_range(&r, 40, 70);
        ac->cat_weight[CAT_VOICE] = rng_range(&r, 15, 35);
        ac->cat_weight[CAT_VIDEO] = rng_range(&r, 8, 25);
        ac->cat_weight[CAT_INFRA] = rng_chance(&r, 0.5) ? rng_range(&r, 1, 5) : 0;
    }
}

/* Model of a new device of category cat: one still sold at day `day`. */
static int pick_model(rng *r, int cat, int32_t day)
{
    int w[MODEL_COUNT];
    for (int attempt = 0; attempt < 2; attempt++) {
        int total = 0;
        for (int i = 0; i < MODEL_COUNT; i++) {
            w[i] = models[i].cat == cat && (attempt || mstate[i].eos_day > day) ? models[i].weight
                                                                                 : 0;
            total += w[i];
        }
        if (total > 0)
            return rng_weighted(r, w, MODEL_COUNT);
    }
    return 0;
}

static void build_devices(void)
{
    int A = opt.accounts, M = opt.months;
    /* Account sizes: a heavy-tailed weight per account (1/(0.08+u): a few big
     * customers, many small ones), then the exact total by largest share. */
    double *w = xmalloc((size_t)A * sizeof *w), wsum = 0;
    for (int a = 0; a < A; a++) {
        rng r = rng_for(S_SIZES, (uint64_t)a, 0);
        w[a] = 1.0 / (0.08 + rng_unit(&r));
        wsum += w[a];
    }
    int32_t given = 0;
    for (int a = 0; a < A; a++) {
        accounts[a].ndev = (int32_t)((double)opt.devices_total * w[a] / wsum);
        given += accounts[a].ndev;
    }
    for (int a = 0; given < opt.devices_total; a = (a + 1) % A, given++)
        accounts[a].ndev++;
    free(w);

    ndevices = opt.devices_total;
    devices = xcalloc((size_t)ndevices, sizeof *devices);
    uint32_t serial_key = (uint32_t)mix64(g_seed ^ 0x5E51A1);
    int32_t next = 0;
    for (int a = 0; a < A; a++) {
        account *ac = &accounts[a];
        ac->first_dev = next;
        rng ar = rng_for(S_ACCOUNT, (uint64_t)a, 1);
        ac->nsites = 1 + (int)(ac->ndev / 300) + (int)rng_below(&ar, 3);
        if (ac->nsites > 12)
            ac->nsites = 12;
        for (int32_t k = 0; k < ac->ndev; k++, next++) {
            device *dv = &devices[next];
            rng r = rng_for(S_DEVICE, (uint64_t)next, 0);
            dv->account = a;
            int cat = rng_weighted(&r, ac->cat_weight, CAT_COUNT);
            dv->m_first = 0;
            dv->m_last = (int16_t)(M - 1);
            if (M > 1 && rng_chance(&r, ac->grow_frac))
                dv->m_first = (int16_t)(1 + rng_below(&r, (uint64_t)(M - 1)));
            if (M > 1 && dv->m_first < M - 1 && rng_chance(&r, ac->churn_frac))
                dv->m_last = (int16_t)rng_range(&r, dv->m_first, M - 2);
            /* A device joins on or before its first snapshot and leaves at the
             * end of its last month, so every usage day is covered by inventory. */
            dv->start = dv->m_first == 0
                            ? d_first
                            : month_first[dv->m_first] +
                                  (int32_t)rng_below(&r, (uint64_t)snapshot_dom(a, dv->m_first));
            dv->end = month_first[dv->m_last + 1] - 1;
            dv->dark = INT32_MAX;
            if (rng_chance(&r, 0.04))
                dv->dark = dv->start + (int32_t)rng_below(&r, (uint64_t)(dv->end - dv->start + 1));
            dv->model = (int16_t)pick_model(&r, cat, dv->m_first ? dv->start : INT32_MIN);
            dv->site = (uint8_t)rng_below(&r, (uint64_t)ac->nsites);
            dv->room = (uint8_t)rng_below(&r, 40);
            static const int lag_w[] = {55, 22, 10, 5, 4, 4};
            dv->fw_lag = (uint8_t)rng_weighted(&r, lag_w, 6);
            static const int act_w[] = {12, 30, 45, 13};
            dv->activity = (uint8_t)rng_weighted(&r, act_w, 4);
            /* Serials: a keyed 32-bit bijection of the global index, so unique. */
            uint32_t x = (uint32_t)next * 0x9E3779B1u;
            x ^= serial_key;
            x ^= x >> 16;
            x *= 0x85EBCA6Bu;
            x ^= x >> 13;
            static const char prefix[] = "HVPI";
            snprintf(dv->serial, sizeof dv->serial, "%c%c%08" PRIX32, 'S', prefix[cat], x);
        }
    }

    /* Contract lines (Poly+ Enterprise programs): agreed counts near the first
     * month's coverable devices; growing accounts then pass +5 % later. */
    for (int a = 0; a < A; a++) {
        account *ac = &accounts[a];
        int32_t n0[3] = {0, 0, 0};
        for (int32_t k = ac->first_dev; k < ac->first_dev + ac->ndev; k++) {
            const device *dv = &devices[k];
            int cat = models[dv->model].cat;
            if (cat == CAT_INFRA)
                continue;
            ac->has_cat[cat] = true;
            if (dv->m_first == 0 && mstate[dv->model].eos_day > month_first[1] - 1)
                n0[cat]++;
        }
        rng r = rng_for(S_ACCOUNT, (uint64_t)a, 2);
        for (int c = 0; c < 3; c++) {
            double f = ac->grow_frac >= 0.1 ? 0.97 + 0.04 * rng_unit(&r)
                                            : 1.02 + 0.04 * rng_unit(&r);
            ac->agreed[c] = (int32_t)((double)n0[c] * f + 0.5);
        }
    }
}

static bool device_active(const device *dv, int32_t day)
{
    return day >= dv->start && day <= dv->end;
}

/* ---------------------------------------------------------------- reference files */

static void write_partners(void)
{
    sink s;
    row r = {.first = true};
    sink_open(&s, "partners.csv", "partner_id,partner_name,locale,currency,recipients",
              opt.shuffle ? 4 : 0);
    for (int p = 0; p < opt.partners; p++) {
        const country_def *c = &countries[partners[p].country];
        row_str(&r, partners[p].id);
        char name[128];
        partner_name(p, name, sizeof name);
        row_str(&r, name);
        row_str(&r, c->locale);
        row_str(&r, c->currency);
        row_fmt(&r, "reports@%s.partner.example;ops@%s.partner.example", partners[p].id,
                partners[p].id);
        row_end(&r, &s);
    }
    sink_close(&s);
    free(r.p);
    if (opt.verbose)
        printf("partners.csv   %12lld rows %10.1f MB\n", s.rows, (double)s.bytes / 1e6);
}

static void write_accounts(void)
{
    sink s;
    row r = {.first = true};
    sink_open(&s, "accounts.csv",
              "account_id,account_name,partner_id,partner_name,program,term_start,term_end,"
              "country,region,timezone,locale,currency,recipients,options,csm_name,csm_email",
              opt.shuffle ? 4 : 0);
    for (int a = 0; a < opt.accounts; a++) {
        const account *ac = &accounts[a];
        const country_def *c = &countries[ac->country];
        row_str(&r, ac->id);
        row_str(&r, ac->name);
        row_str(&r, ac->partner >= 0 ? partners[ac->partner].id : "");
        char pname[128] = "";
        if (ac->partner >= 0)
            partner_name(ac->partner, pname, sizeof pname);
        row_str(&r, pname);
        row_str(&r, program_names[ac->program]);
        row_date(&r, ac->term_start);
        row_date(&r, ac->term_end);
        row_str(&r, c->code);
        row_str(&r, ac->region);
        row_str(&r, c->tz[ac->tz]);
        row_str(&r, c->locale);
        row_str(&r, c->currency);
        char lower[16];
        size_t i = 0;
        for (; ac->id[i] && i + 1 < sizeof lower; i++)
            lower[i] = (char)(ac->id[i] >= 'A' && ac->id[i] <= 'Z' ? ac->id[i] + 32 : ac->id[i]);
        lower[i] = '\0';
        row_fmt(&r, "it@%s.example.com;facilities@%s.example.com", lower, lower);
        row_str(&r, ac->options);
        row_str(&r, csm_names[ac->csm]);
        row_str(&r, csm_emails[ac->csm]);
        row_end(&r, &s);
    }
    sink_close(&s);
    free(r.p);
    if (opt.verbose)
        printf("accounts.csv   %12lld rows %10.1f MB\n", s.rows, (double)s.bytes / 1e6);
}

static void write_contracts(void)
{
    sink s;
    row r = {.first = true};
    sink_open(&s, "contracts.csv",
              "account_id,category,agreed_count,annual_unit_price,trueup_pct,rma_threshold_pct",
              opt.shuffle ? 4 : 0);
    static const int price_usd[3] = {48, 720, 96}; /* per device and year */
    for (int a = 0; a < opt.accounts; a++) {
        const account *ac = &accounts[a];
        if (ac->program != P_ENTERPRISE && ac->program != P_PARTNER_ENTERPRISE)
            continue;
        const country_def *c = &countries[ac->country];
        rng r0 = rng_for(S_ACCOUNT, (uint64_t)a, 3);
        for (int cat = 0; cat < 3; cat++) {
            if (!ac->has_cat[cat])
                continue;
            row_str(&r, ac->id);
            row_str(&r, cat_names[cat]);
            row_fmt(&r, "%" PRId32, ac->agreed[cat]);
            if (rng_chance(&r0, 0.9)) {
                long long minor = (long long)price_usd[cat] * c->fx_per_100usd; /* cents-ish */
                if (c->digits == 0)
                    minor /= 100;
                row_money(&r, minor, c->digits);
            } else {
                row_str(&r, ""); /* no price: the charge is null */
            }
            uint64_t v = rng_below(&r0, 10);
            row_str(&r, v < 7 ? "" : v < 9 ? "5" : "7.5");
            row_str(&r, rng_chance(&r0, 0.8) ? "" : "5");
            row_end(&r, &s);
        }
    }
    sink_close(&s);
    free(r.p);
    if (opt.verbose)
        printf("contracts.csv  %12lld rows %10.1f MB\n", s.rows, (double)s.bytes / 1e6);
}

static void write_catalog(void)
{
    sink s;
    row r = {.first = true};
    sink_open(&s, "catalog.csv", "model,category,eos_date,list_price", opt.shuffle ? 4 : 0);
    for (int i = 0; i < MODEL_COUNT; i++) {
        row_str(&r, models[i].name);
        row_str(&r, cat_names[models[i].cat]);
        if (mstate[i].eos_day == INT32_MAX)
            row_str(&r, "");
        else
            row_date(&r, mstate[i].eos_day);
        row_fmt(&r, "%d.00", models[i].price_usd);
        row_end(&r, &s);
    }
    sink_close(&s);
    free(r.p);
    if (opt.verbose)
        printf("catalog.csv    %12lld rows %10.1f MB\n", s.rows, (double)s.bytes / 1e6);
}

static void write_firmware(void)
{
    sink s;
    row r = {.first = true};
    sink_open(&s, "firmware.csv", "model,version,release_date", opt.shuffle ? 4 : 0);
    for (int i = 0; i < MODEL_COUNT; i++) {
        for (int k = 0; k < mstate[i].nrel; k++) {
            row_str(&r, models[i].name);
            row_str(&r, mstate[i].rel[k].version);
            row_date(&r, mstate[i].rel[k].day);
            row_end(&r, &s);
        }
    }
    sink_close(&s);
    free(r.p);
    if (opt.verbose)
        printf("firmware.csv   %12lld rows %10.1f MB\n", s.rows, (double)s.bytes / 1e6);
}

typedef struct holiday {
    int32_t day;
    int rule;
} holiday;

static int holiday_cmp(const void *pa, const void *pb)
{
    const holiday *a = pa, *b = pb;
    if (a->day != b->day)
        return a->day < b->day ? -1 : 1;
    return a->rule - b->rule;
}

static void write_holidays(void)
{
    sink s;
    row r = {.first = true};
    sink_open(&s, "holidays.csv", "country,date,region,name", opt.shuffle ? 4 : 0);
    int y0, y1, mm, dd;
    civil_from_days(d_first, &y0, &mm, &dd);
    civil_from_days(d_last, &y1, &mm, &dd);
    /* Every year of every term: business-day rules need them all. */
    for (int a = 0; a < opt.accounts; a++) {
        int ys, ye;
        civil_from_days(accounts[a].term_start, &ys, &mm, &dd);
        civil_from_days(accounts[a].term_end, &ye, &mm, &dd);
        y0 = ys < y0 ? ys : y0;
        y1 = ye > y1 ? ye : y1;
    }
    size_t cap = (size_t)(y1 - y0 + 1) * HOLIDAY_RULE_COUNT;
    holiday *h = xmalloc(cap * sizeof *h);
    for (int c = 0; c < COUNTRY_COUNT; c++) {
        size_t n = 0;
        for (int y = y0; y <= y1; y++) {
            for (int k = 0; k < HOLIDAY_RULE_COUNT; k++) {
                const holiday_rule *hr = &holiday_rules[k];
                if (strcmp(hr->country, countries[c].code) != 0)
                    continue;
                int32_t day = hr->kind == H_FIXED    ? days_from_civil(y, hr->month, hr->day)
                              : hr->kind == H_EASTER ? easter(y) + hr->day
                                                     : nth_weekday(y, hr->month, hr->day, hr->wday);
                h[n].day = day;
                h[n++].rule = k;
            }
        }
        qsort(h, n, sizeof *h, holiday_cmp);
        for (size_t i = 0; i < n; i++) {
            const holiday_rule *hr = &holiday_rules[h[i].rule];
            row_str(&r, hr->country);
            row_date(&r, h[i].day);
            row_str(&r, hr->region);
            row_str(&r, hr->name);
            row_end(&r, &s);
        }
    }
    free(h);
    sink_close(&s);
    free(r.p);
    if (opt.verbose)
        printf("holidays.csv   %12lld rows %10.1f MB\n", s.rows, (double)s.bytes / 1e6);
}

/* ---------------------------------------------------------------- devices */

/* The firmware a device reports at day `day`: the latest release then, minus
 * its lag; a few report nothing or a version that is in no table. */
static const char *device_firmware(const device *dv, int32_t idx, int32_t day, char *buf,
                                   size_t size)
{
    const model_state *ms = &mstate[dv->model];
    if (dv->fw_lag == 4)
        return "";
    if (dv->fw_lag == 5)
        return "0.9.9-beta";
    int j = -1;
    for (int k = 0; k < ms->nrel; k++)
        if (ms->rel[k].day <= day)
            j = k;
    if (j < 0)
        return "";
    j -= dv->fw_lag;
    if (j < 0)
        j = 0;
    if (idx % 3 == 0) /* a build number after the release: 4.0.2.0002 */
        snprintf(buf, size, "%s.%04d", ms->rel[j].version, (int)(idx % 97) + 1);
    else
        snprintf(buf, size, "%s", ms->rel[j].version);
    return buf;
}

static void site_name(const account *ac, int site, char *buf, size_t size)
{
    const country_def *c = &countries[ac->country];
    if (site < 4)
        snprintf(buf, size, "%s %s", c->cities[site], site_suffix[site % 5]);
    else
        snprintf(buf, size, "%s %s %d", c->cities[site % 4], site_suffix[site % 5], site / 4 + 1);
}

static void room_name(const device *dv, char *buf, size_t size)
{
    int cat = models[dv->model].cat;
    if (cat == CAT_HEADSET)
        buf[0] = '\0'; /* personal devices have no room */
    else if (cat == CAT_INFRA)
        snprintf(buf, size, "Server room");
    else if (dv->room < 4)
        snprintf(buf, size, "Boardroom %d", dv->room + 1);
    else if (dv->room < 14)
        snprintf(buf, size, "Huddle %c", 'A' + dv->room - 4);
    else
        snprintf(buf, size, "Room %d%02d", dv->room % 5 + 1, dv->room);
}

static void write_devices(void)
{
    sink s;
    row r = {.first = true};
    sink_open(&s, "devices.csv",
              "snapshot_date,account_id,serial,model,firmware,site,room,status,last_seen",
              opt.shuffle ? MAX_BUCKETS : 0);
    char fw[48], site[96], room[48], snap[16];
    for (int m = 0; m < opt.months; m++) {
        for (int a = 0; a < opt.accounts; a++) {
            const account *ac = &accounts[a];
            int32_t day = snapshot_day(a, m);
            fmt_date(snap, day);
            for (int32_t k = ac->first_dev; k < ac->first_dev + ac->ndev; k++) {
                const device *dv = &devices[k];
                if (m < dv->m_first || m > dv->m_last)
                    continue;
                rng dr = rng_for(S_DEVSTATE, (uint64_t)k, (uint64_t)m);
                row_str(&r, snap);
                row_str(&r, ac->id);
                row_str(&r, dv->serial);
                row_str(&r, models[dv->model].name);
                row_str(&r, device_firmware(dv, k, day, fw, sizeof fw));
                site_name(ac, dv->site, site, sizeof site);
                row_str(&r, site);
                room_name(dv, room, sizeof room);
                row_str(&r, room);
                int64_t seen;
                bool online = true;
                if (dv->dark < day) {
                    online = false;
                    seen = (int64_t)dv->dark * 86400 + rng_range(&dr, 28800, 64800);
                } else if (rng_chance(&dr, 0.03)) {
                    online = false;
                    int32_t back = rng_range(&dr, 1, 4);
                    int32_t sd = day - back < dv->start ? dv->start : day - back;
                    seen = (int64_t)sd * 86400 + rng_range(&dr, 0, 86399);
                } else {
                    seen = (int64_t)day * 86400 + rng_range(&dr, 0, 7 * 3600);
                }
                row_str(&r, online ? "online" : "offline");
                row_ts(&r, seen, TS_UTC, 0);
                row_end(&r, &s);
            }
        }
    }
    sink_close(&s);
    free(r.p);
    if (opt.verbose)
        printf("devices.csv    %12lld rows %10.1f MB\n", s.rows, (double)s.bytes / 1e6);
}

/* ---------------------------------------------------------------- tickets */

static ticket *ticket_new(void)
{
    if (nticket == ticket_cap) {
        ticket_cap = ticket_cap ? ticket_cap * 2 : 1024;
        tickets = xrealloc(tickets, ticket_cap * sizeof *tickets);
    }
    ticket *t = &tickets[nticket++];
    memset(t, 0, sizeof *t);
    t->closed = t->approved = t->shipped = t->delivered = t->updated = t->rma = -1;
    t->device = -1;
    return t;
}

/* A device of the account (of category cat, or any when cat < 0) active on day. */
static int32_t pick_device(rng *r, const account *ac, int cat, int32_t day)
{
    if (ac->ndev == 0)
        return -1;
    for (int attempt = 0; attempt < 64; attempt++) {
        int32_t k = ac->first_dev + (int32_t)rng_below(r, (uint64_t)ac->ndev);
        if (device_active(&devices[k], day) && (cat < 0 || models[devices[k].model].cat == cat))
            return k;
    }
    return -1;
}

/* An opening time: a day in the range, mostly a weekday, in business hours. */
static int64_t pick_open_time(rng *r)
{
    int32_t span = d_last - d_first + 1;
    int32_t day = d_first + (int32_t)rng_below(r, (uint64_t)span);
    int wd = weekday(day);
    if ((wd == 0 || wd == 6) && rng_chance(r, 0.8))
        day = d_first + (int32_t)rng_below(r, (uint64_t)span);
    return (int64_t)day * 86400 + rng_range(r, 7 * 3600, 19 * 3600);
}

static int64_t hours(rng *r, double lo, double hi)
{
    double u = rng_unit(r);
    return (int64_t)((lo + (hi - lo) * u * u) * 3600.0); /* skewed to quick */
}

static void make_ticket(rng *r, int a, bool rma, int cat, uint32_t *seq, int64_t end)
{
    const account *ac = &accounts[a];
    ticket *t = ticket_new();
    t->account = a;
    t->seq = (*seq)++;
    t->opened = pick_open_time(r);
    int32_t day = (int32_t)(t->opened / 86400);
    t->device = pick_device(r, ac, cat, day);
    if (rma && t->device < 0) {
        nticket--; /* no such device that day */
        return;
    }
    static const int prio_w[] = {4, 16, 50, 30};
    static const int rma_prio_w[] = {0, 60, 40, 0};
    t->priority = (uint8_t)rng_weighted(r, rma ? rma_prio_w : prio_w, 4);
    t->blank_model = t->device >= 0 && rng_chance(r, 0.08);
    if (!rma && t->device >= 0 && rng_chance(r, 0.03))
        t->device = -1; /* a general question, no device */
    int64_t last = t->opened;
    if (rma) {
        t->rma = (int64_t)(a + 1) * 100000 + *seq;
        bool fast = strstr(ac->options, "four_hour") != NULL;
        t->approved = t->opened + (fast ? rng_range(r, 600, 5400) : hours(r, 0.5, 30));
        t->shipped = t->approved + (fast ? rng_range(r, 600, 3600) : hours(r, 1, 20));
        t->delivered = t->shipped + (fast ? rng_range(r, 3600, 12000) : hours(r, 8, 60));
        if (rng_chance(r, 0.04))
            t->delivered = -1; /* lost in transit */
        t->closed = t->delivered >= 0 ? t->delivered + hours(r, 1, 48) : -1;
    } else {
        static const double lo[] = {1, 2, 4, 8}, hi[] = {36, 120, 400, 900};
        t->closed = t->opened + hours(r, lo[t->priority], hi[t->priority]);
        if (rng_chance(r, 0.03))
            t->closed = -1; /* forgotten: ages past its escalation threshold */
        if (t->device >= 0 && models[devices[t->device].model].cat != CAT_HEADSET &&
            rng_chance(r, 0.15))
            t->cloud = (uint8_t)(1 + rng_below(r, 3));
    }
    if (t->priority == 0 && rng_chance(r, 0.6))
        t->root_cause = (uint8_t)(1 + rng_below(r, ROOT_CAUSE_COUNT));
    /* Nothing is known after the end of the data: later steps did not happen yet. */
    int64_t *steps[] = {&t->approved, &t->shipped, &t->delivered, &t->closed};
    bool cut = false;
    for (int i = 0; i < 4; i++) {
        if (*steps[i] > end)
            cut = true;
        if (cut)
            *steps[i] = -1;
        else if (*steps[i] > last)
            last = *steps[i];
    }
    if (t->delivered < 0 && rma)
        t->closed = -1;
    t->updated = last + rng_range(r, 0, 3600);
    if (t->updated > end)
        t->updated = end;
    t->status = t->closed >= 0 ? (uint8_t)rng_below(r, 2) : (uint8_t)(2 + rng_below(r, 3));

    /* Some RMAs span two tickets: a follow-up on the same RMA number. */
    if (rma && rng_chance(r, 0.06)) {
        ticket *f = ticket_new();
        t = &tickets[nticket - 2]; /* the array may have moved */
        *f = *t;
        f->seq = (*seq)++;
        f->opened = t->opened + hours(r, 2, 72);
        f->priority = 2;
        f->approved = rng_chance(r, 0.5) ? -1 : t->approved;
        f->shipped = -1;
        f->root_cause = 0;
        if (f->opened > end) {
            nticket--;
            return;
        }
        f->closed = f->opened + hours(r, 1, 24);
        if (f->closed > end)
            f->closed = -1;
        if (f->delivered >= 0 && f->delivered < f->opened)
            f->delivered = -1;
        f->updated = f->closed >= 0 ? f->closed : f->opened;
        f->status = f->closed >= 0 ? 0 : 2;
    }
}

static int ticket_cmp(const void *pa, const void *pb)
{
    const ticket *a = pa, *b = pb;
    if (a->opened != b->opened)
        return a->opened < b->opened ? -1 : 1;
    if (a->account != b->account)
        return a->account < b->account ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void build_tickets(void)
{
    int64_t end = (int64_t)d_last * 86400 + 86399;
    double years = (double)(d_last - d_first + 1) / 365.25;
    double span = (double)(d_last - d_first + 1);
    for (int a = 0; a < opt.accounts; a++) {
        const account *ac = &accounts[a];
        double avg[CAT_COUNT] = {0, 0, 0, 0}, all = 0;
        for (int32_t k = ac->first_dev; k < ac->first_dev + ac->ndev; k++) {
            double share = (double)(devices[k].end - devices[k].start + 1) / span;
            avg[models[devices[k].model].cat] += share;
            all += share;
        }
        rng r = rng_for(S_TICKETS, (uint64_t)a, 0);
        uint32_t seq = 0;
        long n_hs = round_random(&r, avg[CAT_HEADSET] * years * ac->rma_rate);
        long n_rma = round_random(&r, (all - avg[CAT_HEADSET]) * years * 0.02);
        long n_plain = round_random(&r, all * years * ac->ticket_rate);
        for (long i = 0; i < n_hs; i++)
            make_ticket(&r, a, true, CAT_HEADSET, &seq, end);
        for (long i = 0; i < n_rma; i++) {
            int cat = 1 + (int)rng_below(&r, 3);
            make_ticket(&r, a, true, cat, &seq, end);
        }
        for (long i = 0; i < n_plain; i++)
            make_ticket(&r, a, false, -1, &seq, end);
    }
    if (nticket > 1)
        qsort(tickets, nticket, sizeof *tickets, ticket_cmp);
}

static void write_tickets(void)
{
    static const char *const status_names[] = {"Closed", "Resolved", "Open", "In Progress",
                                               "Awaiting Customer"};
    sink s;
    row r = {.first = true};
    sink_open(&s, "tickets.csv",
              "ticket_id,account_id,site_id,serial,model,priority,status,opened_at,closed_at,"
              "cloud_partner,rma_number,rma_approved_at,shipped_at,delivered_at,root_cause,"
              "updated_at",
              opt.shuffle ? 16 : 0);
    char buf[96];
    for (size_t i = 0; i < nticket; i++) {
        const ticket *t = &tickets[i];
        const account *ac = &accounts[t->account];
        const device *dv = t->device >= 0 ? &devices[t->device] : NULL;
        int style = ac->ts_style, off = countries[ac->country].tz_off[ac->tz];
        row_fmt(&r, "CS%08zu", i + 1);
        row_str(&r, ac->id);
        if (dv)
            site_name(ac, dv->site, buf, sizeof buf);
        row_str(&r, dv ? buf : "");
        row_str(&r, dv ? dv->serial : "");
        row_str(&r, dv && !t->blank_model ? models[dv->model].name : "");
        row_fmt(&r, "P%d", t->priority + 1);
        row_str(&r, status_names[t->status]);
        row_ts(&r, t->opened, style, off);
        row_ts(&r, t->closed, style, off);
        row_str(&r, t->cloud ? cloud_partners[t->cloud - 1] : "");
        if (t->rma >= 0)
            row_fmt(&r, "RMA%09" PRId64, t->rma);
        else
            row_str(&r, "");
        row_ts(&r, t->approved, style, off);
        row_ts(&r, t->shipped, style, off);
        row_ts(&r, t->delivered, style, off);
        row_str(&r, t->root_cause ? root_causes[t->root_cause - 1] : "");
        row_ts(&r, t->updated, style, off);
        row_end(&r, &s);
    }
    sink_close(&s);
    free(r.p);
    if (opt.verbose)
        printf("tickets.csv    %12lld rows %10.1f MB\n", s.rows, (double)s.bytes / 1e6);
}

/* ---------------------------------------------------------------- usage */

static char *put_uint(char *p, unsigned v)
{
    char t[12];
    int n = 0;
    do
        t[n++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    while (n)
        *p++ = t[--n];
    return p;
}

/* One row per device-day with probability density, decided by a hash of
 * (seed, device, day) so that the rows do not depend on the output order. */
static void write_usage(void)
{
    sink s;
    sink_open(&s, "usage.csv", "date,account_id,serial,calls,call_minutes,meetings",
              opt.shuffle ? MAX_BUCKETS : 0);
    uint64_t thr = (uint64_t)(opt.density * 9007199254740992.0); /* F * 2^53 */
    uint64_t useed = mix64(g_seed ^ 0xA5A5F00Dull);
    static const unsigned level[] = {0, 1, 2, 4};
    char line[128], date[16];
    for (int32_t day = d_first; day <= d_last; day++) {
        fmt_date(date, day);
        int wd = weekday(day);
        bool weekend = wd == 0 || wd == 6;
        for (int32_t k = 0; k < ndevices; k++) {
            const device *dv = &devices[k];
            if (day < dv->start || day > dv->end || day > dv->dark)
                continue;
            uint64_t h = mix64(useed ^ ((uint64_t)k << 21) ^ (uint64_t)(day - d_first));
            if ((h >> 11) >= thr)
                continue;
            uint64_t v = mix64(h);
            unsigned a = level[dv->activity], calls = 0, mins = 0, meets = 0;
            if (weekend)
                a = (v & 7) == 0 ? a / 2 : 0;
            if (a) {
                unsigned x = (unsigned)(v >> 8), y = (unsigned)(v >> 24) & 0xFFFF;
                switch (models[dv->model].cat) {
                case CAT_HEADSET:
                    calls = x % (4 * a + 1);
                    mins = calls * (2 + y % 12);
                    meets = calls / 3;
                    break;
                case CAT_VIDEO:
                    meets = x % (2 * a + 1);
                    calls = meets;
                    mins = meets * (15 + y % 46);
                    break;
                case CAT_VOICE:
                    calls = x % (5 * a + 1);
                    mins = calls * (1 + y % 8);
                    break;
                default:
                    calls = x % (a + 1);
                    mins = calls * (1 + y % 5);
                    break;
                }
            }
            char *p = line;
            memcpy(p, date, 10), p += 10, *p++ = ',';
            const char *id = accounts[dv->account].id;
            size_t n = strlen(id);
            memcpy(p, id, n), p += n, *p++ = ',';
            n = strlen(dv->serial);
            memcpy(p, dv->serial, n), p += n, *p++ = ',';
            p = put_uint(p, calls), *p++ = ',';
            p = put_uint(p, mins), *p++ = ',';
            p = put_uint(p, meets), *p++ = '\n';
            sink_write(&s, line, (size_t)(p - line));
        }
    }
    sink_close(&s);
    if (opt.verbose)
        printf("usage.csv      %12lld rows %10.1f MB\n", s.rows, (double)s.bytes / 1e6);
}

/* ---------------------------------------------------------------- calls */

/* opt.calls call records split evenly over the devices, each device's calls at
 * strictly increasing times within its active days (the key serial+start_time
 * stays unique). */
static void write_calls(void)
{
    static const char *const dirs[] = {"inbound", "outbound"};
    static const char *const protos[] = {"SIP", "Microsoft Teams", "Zoom", "H.323"};
    sink s;
    row r = {.first = true};
    sink_open(&s, "calls.csv",
              "account_id,serial,start_time,end_time,direction,protocol,remote_party",
              opt.shuffle ? MAX_BUCKETS : 0);
    long long total = opt.calls, D = ndevices;
    for (long long k = 0; k < D && total > 0; k++) {
        long long c = total * (k + 1) / D - total * k / D;
        if (c == 0)
            continue;
        const device *dv = &devices[k];
        rng cr = rng_for(S_CALLS, (uint64_t)k, 0);
        int32_t last_day = dv->dark < dv->end ? dv->dark : dv->end;
        int64_t from = (int64_t)dv->start * 86400 + 7 * 3600;
        int64_t to = (int64_t)last_day * 86400 + 19 * 3600;
        int64_t slot = (to - from) / c;
        int64_t prev = -1;
        for (long long i = 0; i < c; i++) {
            int64_t t0 = from + slot * i;
            if (slot > 2)
                t0 += (int64_t)rng_below(&cr, (uint64_t)(slot / 2));
            if (t0 <= prev)
                t0 = prev + 1;
            prev = t0;
            int64_t dur = 20 + (int64_t)rng_below(&cr, 3600);
            row_str(&r, accounts[dv->account].id);
            row_str(&r, dv->serial);
            row_ts(&r, t0, TS_UTC, 0);
            row_ts(&r, t0 + dur, TS_UTC, 0);
            row_str(&r, dirs[rng_below(&cr, 2)]);
            row_str(&r, protos[rng_below(&cr, 4)]);
            if (rng_chance(&cr, 0.5)) {
                /* one draw per statement: argument order is unspecified in C */
                int n[4];
                for (int q = 0; q < 4; q++)
                    n[q] = (int)rng_below(&cr, q == 0 ? 90 : 100) + (q == 0 ? 10 : 0);
                row_fmt(&r, "+47 %02d %02d %02d %02d", n[0], n[1], n[2], n[3]);
            } else {
                row_fmt(&r, "sip:user%04d@customer.example", (int)rng_below(&cr, 10000));
            }
            row_end(&r, &s);
        }
    }
    sink_close(&s);
    free(r.p);
    if (opt.verbose)
        printf("calls.csv      %12lld rows %10.1f MB\n", s.rows, (double)s.bytes / 1e6);
}

/* ---------------------------------------------------------------- main */

static void usage(FILE *f)
{
    fprintf(f, "usage: fleetgen --out DIR [--accounts N=200] [--devices N=50000] [--months N=24]\n"
               "                [--start YYYY-MM=2025-01] [--seed S=1] [--shuffle]\n"
               "                [--usage-density F=0.5] [--partners N=accounts/25]\n"
               "                [--calls N=0] [--verbose]\n"
               "writes DIR/{partners,accounts,contracts,catalog,firmware,holidays,devices,\n"
               "tickets,usage}.csv (and calls.csv with --calls): a deterministic synthetic fleet\n"
               "in csmreport's canonical CSV formats\n");
}

static long long parse_int(const char *name, const char *v, long long lo, long long hi)
{
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || end == v || *end || x < lo || x > hi)
        die(EX_USAGE_, "%s: '%s' is not a number in %lld..%lld", name, v, lo, hi);
    return x;
}

static void parse_args(int argc, char **argv)
{
    opt.accounts = 200;
    opt.devices_total = 50000;
    opt.months = 24;
    opt.start_y = 2025;
    opt.start_m = 1;
    opt.seed = 1;
    opt.density = 0.5;
    opt.partners = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        char name[32];
        const char *eq = strchr(a, '=');
        if (strncmp(a, "--", 2) == 0 && eq && (size_t)(eq - a) < sizeof name) {
            memcpy(name, a, (size_t)(eq - a));
            name[eq - a] = '\0';
            a = name;
            v = eq + 1;
        }
        if (strcmp(a, "--shuffle") == 0 || strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0 ||
            strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            if (v)
                die(EX_USAGE_, "%s takes no value", a);
            if (strcmp(a, "--shuffle") == 0)
                opt.shuffle = 1;
            else if (a[2] == 'h' || a[1] == 'h')
                usage(stdout), exit(0);
            else
                opt.verbose = 1;
            continue;
        }
        if (!v) {
            if (i + 1 >= argc) {
                usage(stderr);
                die(EX_USAGE_, "%s: missing value", a);
            }
            v = argv[++i];
        }
        if (strcmp(a, "--out") == 0)
            opt.out = v;
        else if (strcmp(a, "--accounts") == 0)
            opt.accounts = (int)parse_int(a, v, 1, 1000000);
        else if (strcmp(a, "--devices") == 0)
            opt.devices_total = (int)parse_int(a, v, 0, 100000000);
        else if (strcmp(a, "--months") == 0)
            opt.months = (int)parse_int(a, v, 1, 600);
        else if (strcmp(a, "--seed") == 0)
            opt.seed = (uint64_t)parse_int(a, v, 0, INT64_MAX);
        else if (strcmp(a, "--partners") == 0)
            opt.partners = (int)parse_int(a, v, 0, 100000);
        else if (strcmp(a, "--calls") == 0)
            opt.calls = parse_int(a, v, 0, 2000000000);
        else if (strcmp(a, "--usage-density") == 0) {
            char *end;
            errno = 0;
            opt.density = strtod(v, &end);
            if (errno || end == v || *end || !(opt.density >= 0 && opt.density <= 1))
                die(EX_USAGE_, "--usage-density: '%s' is not a number in 0..1", v);
        } else if (strcmp(a, "--start") == 0) {
            int y, m;
            char tail;
            if (sscanf(v, "%4d-%2d%c", &y, &m, &tail) != 2 || y < 1900 || y > 2200 || m < 1 ||
                m > 12 || strlen(v) != 7)
                die(EX_USAGE_, "--start: '%s' is not YYYY-MM", v);
            opt.start_y = y;
            opt.start_m = m;
        } else {
            usage(stderr);
            die(EX_USAGE_, "unknown option %s", a);
        }
    }
    if (!opt.out) {
        usage(stderr);
        die(EX_USAGE_, "--out DIR is required");
    }
    if (opt.partners < 0)
        opt.partners = opt.accounts / 25 > 0 ? opt.accounts / 25 : 1;
}

/* mkdir -p */
static void make_dirs(const char *path)
{
    char *p = xmalloc(strlen(path) + 1);
    strcpy(p, path);
    for (char *q = p + 1;; q++) {
        if (*q == '/' || *q == '\0') {
            char c = *q;
            *q = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST)
                die(EX_CANTCREAT_, "cannot create %s: %s", p, strerror(errno));
            *q = c;
            if (!c)
                break;
        }
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        die(EX_CANTCREAT_, "%s is not a directory", path);
    free(p);
}

int main(int argc, char **argv)
{
    parse_args(argc, argv);
    g_seed = mix64(opt.seed ^ 0xF1EE7);
    g_dir = opt.out;
    make_dirs(opt.out);

    month_first = xmalloc((size_t)(opt.months + 1) * sizeof *month_first);
    for (int m = 0; m <= opt.months; m++)
        month_first[m] = month_start(opt.start_y, opt.start_m, m);
    d_first = month_first[0];
    d_last = month_first[opt.months] - 1;

    build_models();
    build_partners();
    build_accounts();
    build_devices();
    build_tickets();

    write_partners();
    write_accounts();
    write_contracts();
    write_catalog();
    write_firmware();
    write_holidays();
    write_devices();
    write_tickets();
    write_usage();
    if (opt.calls > 0)
        write_calls();

    free(tickets);
    free(devices);
    free(accounts);
    free(partners);
    free(month_first);
    return 0;
}
