/* numfmt.c - locale number, money and date text from the program's own tables.
 *
 * Numbers go through a small decimal digit string (struct dec) so that rounding
 * happens on decimal digits, never on binary fractions; see numfmt.h for the
 * rules each locale follows.
 */
#include "csmreport/numfmt.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NBSP "\xC2\xA0"        /* U+00A0 NO-BREAK SPACE */
#define NNBSP "\xE2\x80\xAF"   /* U+202F NARROW NO-BREAK SPACE */
#define MINUS "\xE2\x88\x92"   /* U+2212 MINUS SIGN */

typedef struct locale_info {
    const char *tag;
    const char *group;      /* between groups of three digits */
    const char *decimal;    /* decimal separator */
    const char *minus;      /* sign of a negative number */
    const char *percent;    /* suffix, with the space before it if any */
    const char *code_space; /* between a currency code and the amount */
    bool code_after;        /* currency code after the amount */
    const char *months[12];
} locale_info;

static const locale_info locales[CR_LOCALE_COUNT] = {
    [CR_LOCALE_EN] = {"en", ",", ".", "-", "%", NBSP, false,
                      {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                       "Nov", "Dec"}},
    [CR_LOCALE_FR] = {"fr", NNBSP, ",", MINUS, NNBSP "%", NBSP, true,
                      {"janv.", "f\xC3\xA9vr.", "mars", "avr.", "mai", "juin", "juil.",
                       "ao\xC3\xBBt", "sept.", "oct.", "nov.", "d\xC3\xA9" "c."}},
    [CR_LOCALE_NB] = {"nb", NBSP, ",", MINUS, NBSP "%", NBSP, true,
                      {"jan.", "feb.", "mar.", "apr.", "mai", "jun.", "jul.", "aug.", "sep.",
                       "okt.", "nov.", "des."}},
    [CR_LOCALE_JA] = {"ja", ",", ".", "-", "%", NBSP, false,
                      {"1\xE6\x9C\x88", "2\xE6\x9C\x88", "3\xE6\x9C\x88", "4\xE6\x9C\x88",
                       "5\xE6\x9C\x88", "6\xE6\x9C\x88", "7\xE6\x9C\x88", "8\xE6\x9C\x88",
                       "9\xE6\x9C\x88", "10\xE6\x9C\x88", "11\xE6\x9C\x88",
                       "12\xE6\x9C\x88"}},
};

#define JA_YEAR "\xE5\xB9\xB4"  /* 年 */
#define JA_MONTH "\xE6\x9C\x88" /* 月 */
#define JA_DAY "\xE6\x97\xA5"   /* 日 */

static const locale_info *info(cr_locale loc)
{
    return (unsigned)loc < CR_LOCALE_COUNT ? &locales[loc] : &locales[CR_LOCALE_EN];
}

/* ---- output sink: snprintf semantics, whole tokens only ---------------- */

typedef struct sink {
    char *buf;
    size_t size;
    size_t len;  /* length of the whole text so far */
    bool full;   /* a token did not fit: nothing more is stored */
} sink;

static void sink_init(sink *s, char *buf, size_t size)
{
    s->buf = buf;
    s->size = size;
    s->len = 0;
    s->full = false;
    if (size > 0)
        buf[0] = '\0';
}

/* Appends a token (a complete UTF-8 text) or, when it does not fit, nothing:
 * a cut output never ends inside a multi-byte character. */
static void put_n(sink *s, const char *p, size_t n)
{
    if (!s->full && s->size > 0 && s->len + n < s->size) {
        memcpy(s->buf + s->len, p, n);
        s->buf[s->len + n] = '\0';
    } else {
        s->full = true;
    }
    s->len += n;
}

static void put(sink *s, const char *p)
{
    put_n(s, p, strlen(p));
}

static int sink_done(const sink *s)
{
    return s->len > INT32_MAX ? INT32_MAX : (int)s->len;
}

static int fail(char *buf, size_t size)
{
    if (size > 0)
        buf[0] = '\0';
    return -1;
}

/* ---- decimal digit strings ---------------------------------------------- */

/* The value is 0.d[0]d[1]...d[n-1] x 10^point, i.e. the decimal point sits after
 * the first `point` digits (point may be <= 0 or > n). */
typedef struct dec {
    char d[32];
    int n;
    int point;
    bool neg;
} dec;

/* 15 significant digits of a finite double (see numfmt.h for why 15). The
 * digits are read from "%.14e", whose radix character is skipped rather than
 * assumed, so the C locale plays no part. */
static void dec_from_double(double v, dec *x)
{
    char tmp[48];
    const char *p;

    x->neg = signbit(v) != 0;
    x->n = 0;
    snprintf(tmp, sizeof tmp, "%.14e", fabs(v));
    for (p = tmp; *p && *p != 'e' && *p != 'E'; p++)
        if (*p >= '0' && *p <= '9' && x->n < (int)sizeof x->d)
            x->d[x->n++] = *p;
    x->point = (*p ? (int)strtol(p + 1, NULL, 10) : 0) + 1;
    if (v == 0)
        x->point = 1;
}

static void dec_from_uint(unsigned long long u, bool neg, dec *x)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%llu", u);
    memcpy(x->d, tmp, (size_t)n);
    x->n = n;
    x->point = n;
    x->neg = neg;
}

static unsigned long long magnitude(long long v)
{
    return v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
}

/* Keeps `frac` decimals, rounding half away from zero (on the magnitude: a
 * dropped digit of 5 or more rounds up). */
static void dec_round(dec *x, int frac)
{
    int keep = x->point + frac;
    bool up;
    int i;

    if (keep >= x->n)
        return;
    if (keep < 0) {
        /* even the first digit is below half a unit of the last place */
        x->n = 0;
        return;
    }
    up = x->d[keep] >= '5';
    x->n = keep;
    if (!up)
        return;
    for (i = keep - 1; i >= 0 && x->d[i] == '9'; i--)
        x->d[i] = '0';
    if (i >= 0) {
        x->d[i]++;
    } else {
        memmove(x->d + 1, x->d, (size_t)keep);
        x->d[0] = '1';
        x->n++;
        x->point++;
    }
}

static char dec_digit(const dec *x, int pos)
{
    return pos >= 0 && pos < x->n ? x->d[pos] : '0';
}

static bool dec_is_zero(const dec *x)
{
    for (int i = 0; i < x->n; i++)
        if (x->d[i] != '0')
            return false;
    return true;
}

/* Drops leading zero digits, so that the integer part has no leading zeros. */
static void dec_trim(dec *x)
{
    int z = 0;
    while (z < x->n && x->d[z] == '0')
        z++;
    if (z == x->n) {
        x->n = 0;
        x->point = 0;
        return;
    }
    memmove(x->d, x->d + z, (size_t)(x->n - z));
    x->n -= z;
    x->point -= z;
}

/* Writes sign, grouped integer part and `frac` decimals of an already rounded
 * x (trimmed in place). */
static void put_dec(sink *s, const locale_info *li, dec *x, int frac)
{
    dec_trim(x);
    int int_digits = x->point > 0 ? x->point : 1;
    int first = x->point > 0 ? 0 : -1; /* -1: the lone "0" before the point */

    if (x->neg && !dec_is_zero(x))
        put(s, li->minus);
    for (int i = 0; i < int_digits; i++) {
        char c = dec_digit(x, first + i);
        if (i > 0 && (int_digits - i) % 3 == 0)
            put(s, li->group);
        put_n(s, &c, 1);
    }
    if (frac > 0)
        put(s, li->decimal);
    for (int j = 0; j < frac; j++) {
        char c = dec_digit(x, x->point + j);
        put_n(s, &c, 1);
    }
}

static int clamp_digits(int digits)
{
    return digits < 0 ? 0 : digits > CR_NUMFMT_MAX_DIGITS ? CR_NUMFMT_MAX_DIGITS : digits;
}

/* ---- public functions --------------------------------------------------- */

bool cr_numfmt_plural_one(cr_locale loc, double n)
{
    switch (loc) {
    case CR_LOCALE_FR:
        return n >= 0 && n < 2;
    case CR_LOCALE_JA:
        return false;
    default:
        return n == 1;
    }
}

cr_locale cr_numfmt_locale_from_tag(const char *tag)
{
    char lang[4];
    size_t n = 0;

    if (!tag)
        return CR_LOCALE_EN;
    while (tag[n] && tag[n] != '-' && tag[n] != '_' && tag[n] != '.' && tag[n] != '@') {
        if (n >= 3)
            return CR_LOCALE_EN;
        char c = tag[n];
        lang[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    lang[n] = '\0';
    if (strcmp(lang, "fr") == 0)
        return CR_LOCALE_FR;
    if (strcmp(lang, "nb") == 0 || strcmp(lang, "no") == 0 || strcmp(lang, "nn") == 0)
        return CR_LOCALE_NB;
    if (strcmp(lang, "ja") == 0)
        return CR_LOCALE_JA;
    return CR_LOCALE_EN;
}

bool cr_numfmt_locale_known(const char *tag)
{
    if (!tag || !*tag)
        return false;
    size_t n = strcspn(tag, "-_.@");
    if (n < 2 || n > 3)
        return false;
    static const char *const known[] = {"en", "fr", "nb", "no", "nn", "ja"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strlen(known[i]) == n && strncasecmp(tag, known[i], n) == 0)
            return true;
    return false;
}

const char *cr_numfmt_locale_tag(cr_locale loc)
{
    return info(loc)->tag;
}

int cr_numfmt_int(cr_locale loc, long long value, char *buf, size_t size)
{
    sink s;
    dec x;

    sink_init(&s, buf, size);
    dec_from_uint(magnitude(value), value < 0, &x);
    put_dec(&s, info(loc), &x, 0);
    return sink_done(&s);
}

int cr_numfmt_decimal(cr_locale loc, double value, int digits, char *buf, size_t size)
{
    sink s;
    dec x;

    if (!isfinite(value))
        return fail(buf, size);
    digits = clamp_digits(digits);
    sink_init(&s, buf, size);
    dec_from_double(value, &x);
    dec_round(&x, digits);
    put_dec(&s, info(loc), &x, digits);
    return sink_done(&s);
}

int cr_numfmt_percent(cr_locale loc, double fraction, int digits, char *buf, size_t size)
{
    const locale_info *li = info(loc);
    sink s;
    dec x;

    if (!isfinite(fraction))
        return fail(buf, size);
    digits = clamp_digits(digits);
    sink_init(&s, buf, size);
    dec_from_double(fraction, &x);
    x.point += 2; /* x 100, exactly, in decimal */
    dec_round(&x, digits);
    put_dec(&s, li, &x, digits);
    put(&s, li->percent);
    return sink_done(&s);
}

/* Upper-cases a three-letter code into out[4]; false when it is not one. */
static bool currency_code(const char *code, char out[4])
{
    if (!code)
        return false;
    for (int i = 0; i < 3; i++) {
        char c = code[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c < 'A' || c > 'Z')
            return false;
        out[i] = c;
    }
    out[3] = '\0';
    return code[3] == '\0';
}

int cr_numfmt_currency_digits(const char *code)
{
    /* ISO 4217 currencies whose minor unit is not 2 (list of 2024). */
    static const char zero[] = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV "
                               "XAF XOF XPF";
    static const char three[] = "BHD IQD JOD KWD LYD OMR TND";
    static const char four[] = "CLF UYW";
    char c[4];

    if (!currency_code(code, c))
        return -1;
    if (strstr(zero, c))
        return 0;
    if (strstr(three, c))
        return 3;
    if (strstr(four, c))
        return 4;
    return 2;
}

int cr_numfmt_money(cr_locale loc, long long minor_units, const char *code, char *buf,
                    size_t size)
{
    const locale_info *li = info(loc);
    int digits = cr_numfmt_currency_digits(code);
    char c[4];
    sink s;
    dec x;

    if (digits < 0 || !currency_code(code, c))
        return fail(buf, size);
    sink_init(&s, buf, size);
    dec_from_uint(magnitude(minor_units), minor_units < 0, &x);
    x.point -= digits;
    if (!li->code_after) {
        put(&s, c);
        put(&s, li->code_space);
    }
    put_dec(&s, li, &x, digits);
    if (li->code_after) {
        put(&s, li->code_space);
        put(&s, c);
    }
    return sink_done(&s);
}

int cr_numfmt_money_units(cr_locale loc, double amount, const char *code, char *buf,
                          size_t size)
{
    int digits = cr_numfmt_currency_digits(code);
    unsigned long long u = 0;
    dec x;

    if (digits < 0 || !isfinite(amount))
        return fail(buf, size);
    dec_from_double(amount, &x);
    x.point += digits; /* now counted in minor units */
    dec_round(&x, 0);
    if (x.point > 18)
        return fail(buf, size);
    for (int i = 0; i < x.point; i++)
        u = u * 10 + (unsigned)(dec_digit(&x, i) - '0');
    return cr_numfmt_money(loc, x.neg ? -(long long)u : (long long)u, code, buf, size);
}

/* Reads "YYYY-MM" and, when want_day, "-DD"; with allow_day a trailing "-DD" is
 * checked and ignored. */
static bool parse_ymd(const char *s, bool want_day, bool allow_day, int *y, int *m, int *d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t len;
    int v[3] = {0, 0, 1};

    if (!s)
        return false;
    len = strlen(s);
    if (!(len == 10 && (want_day || allow_day)) && !(len == 7 && !want_day))
        return false;
    for (size_t i = 0; i < len; i++) {
        bool dash = i == 4 || i == 7;
        if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return false;
    }
    v[0] = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    v[1] = (s[5] - '0') * 10 + (s[6] - '0');
    if (len == 10)
        v[2] = (s[8] - '0') * 10 + (s[9] - '0');
    if (v[0] < 1 || v[1] < 1 || v[1] > 12 || v[2] < 1)
        return false;
    {
        bool leap = (v[0] % 4 == 0 && v[0] % 100 != 0) || v[0] % 400 == 0;
        int last = mdays[v[1] - 1] + (v[1] == 2 && leap);
        if (v[2] > last)
            return false;
    }
    *y = v[0];
    *m = v[1];
    *d = v[2];
    return true;
}

const char *cr_numfmt_month_abbrev(cr_locale loc, int month)
{
    if (month < 1 || month > 12)
        return NULL;
    return info(loc)->months[month - 1];
}

int cr_numfmt_date(cr_locale loc, const char *iso_date, char *buf, size_t size)
{
    const char *mon;
    char num[16];
    int y, m, d;
    sink s;

    if (!parse_ymd(iso_date, true, true, &y, &m, &d))
        return fail(buf, size);
    mon = cr_numfmt_month_abbrev(loc, m);
    sink_init(&s, buf, size);
    switch ((unsigned)loc < CR_LOCALE_COUNT ? loc : CR_LOCALE_EN) {
    case CR_LOCALE_NB:
        snprintf(num, sizeof num, "%d. ", d);
        put(&s, num);
        put(&s, mon);
        snprintf(num, sizeof num, " %d", y);
        put(&s, num);
        break;
    case CR_LOCALE_JA:
        snprintf(num, sizeof num, "%d", y);
        put(&s, num);
        put(&s, JA_YEAR);
        put(&s, mon); /* "11月" */
        snprintf(num, sizeof num, "%d", d);
        put(&s, num);
        put(&s, JA_DAY);
        break;
    default: /* en, fr: "22 Nov 2026", "22 nov. 2026" */
        snprintf(num, sizeof num, "%d ", d);
        put(&s, num);
        put(&s, mon);
        snprintf(num, sizeof num, " %d", y);
        put(&s, num);
        break;
    }
    return sink_done(&s);
}

int cr_numfmt_month(cr_locale loc, const char *iso_month, char *buf, size_t size)
{
    char num[16];
    int y, m, d;
    sink s;

    if (!parse_ymd(iso_month, false, true, &y, &m, &d))
        return fail(buf, size);
    sink_init(&s, buf, size);
    if (loc == CR_LOCALE_JA) {
        snprintf(num, sizeof num, "%d", y);
        put(&s, num);
        put(&s, JA_YEAR);
        put(&s, cr_numfmt_month_abbrev(loc, m));
    } else {
        put(&s, cr_numfmt_month_abbrev(loc, m));
        snprintf(num, sizeof num, " %d", y);
        put(&s, num);
    }
    return sink_done(&s);
}

int cr_numfmt_datetime(cr_locale loc, const char *iso, char *buf, size_t size)
{
    char day[11], hm[6];
    int n;

    /* "YYYY-MM-DD" then 'T' or ' ', "HH:MM", the rest (seconds, offset) dropped:
     * the metrics write local times of the account. */
    if (!iso || strlen(iso) < 16 || (iso[10] != 'T' && iso[10] != ' ') || iso[13] != ':')
        return fail(buf, size);
    memcpy(day, iso, 10);
    day[10] = '\0';
    memcpy(hm, iso + 11, 5);
    hm[5] = '\0';
    if (hm[0] < '0' || hm[0] > '2' || hm[1] < '0' || hm[1] > '9' || hm[3] < '0' || hm[3] > '5' ||
        hm[4] < '0' || hm[4] > '9')
        return fail(buf, size);
    char date[64];
    if ((n = cr_numfmt_date(loc, day, date, sizeof date)) < 0)
        return fail(buf, size);
    sink s;
    sink_init(&s, buf, size);
    put(&s, date);
    put(&s, loc == CR_LOCALE_JA ? " " : NBSP);
    put(&s, hm);
    return sink_done(&s);
}

/* A range label "A..B" (two dates) as loc writes its two dates: 1, or 0 when
 * label is no range, -1 when it is one with a date that is not real. */
static int range_dates(cr_locale loc, const char *label, char from[64], char to[64])
{
    const char *dots = strstr(label, "..");
    if (!dots || dots - label != 10)
        return 0;
    char a[11];
    memcpy(a, label, 10);
    a[10] = '\0';
    if (cr_numfmt_date(loc, a, from, 64) < 0 || cr_numfmt_date(loc, dots + 2, to, 64) < 0)
        return -1;
    return 1;
}

int cr_numfmt_period(cr_locale loc, const char *label, char *buf, size_t size)
{
    char num[32], from[64], to[64];
    int y, q;
    char tail;
    sink s;

    if (!label)
        return fail(buf, size);
    int range = range_dates(loc, label, from, to);
    if (range < 0)
        return fail(buf, size);
    if (range) {
        sink_init(&s, buf, size);
        put(&s, from);
        put(&s, " \xE2\x80\x93 "); /* en dash */
        put(&s, to);
        return sink_done(&s);
    }
    if (sscanf(label, "%4d-Q%1d%c", &y, &q, &tail) == 2 && strlen(label) == 7 && q >= 1 && q <= 4) {
        sink_init(&s, buf, size);
        switch ((unsigned)loc < CR_LOCALE_COUNT ? loc : CR_LOCALE_EN) {
        case CR_LOCALE_FR: snprintf(num, sizeof num, "T%d %d", q, y); break;
        case CR_LOCALE_NB: snprintf(num, sizeof num, "%d. kv. %d", q, y); break;
        case CR_LOCALE_JA:
            snprintf(num, sizeof num, "%d" JA_YEAR "\xE7\xAC\xAC%d\xE5\x9B\x9B\xE5\x8D\x8A\xE6\x9C\x9F",
                     y, q); /* 第N四半期 */
            break;
        default: snprintf(num, sizeof num, "Q%d %d", q, y); break;
        }
        put(&s, num);
        return sink_done(&s);
    }
    if (strlen(label) == 7 && label[4] == '-')
        return cr_numfmt_month(loc, label, buf, size);
    if (strlen(label) == 4 && sscanf(label, "%4d%c", &y, &tail) == 1) {
        sink_init(&s, buf, size);
        snprintf(num, sizeof num, "%d%s", y, loc == CR_LOCALE_JA ? JA_YEAR : "");
        put(&s, num);
        return sink_done(&s);
    }
    return fail(buf, size);
}

int cr_numfmt_period_in(cr_locale loc, const char *label, char *buf, size_t size)
{
    char words[96];
    if (cr_numfmt_period(loc, label, words, sizeof words) < 0)
        return fail(buf, size);
    if (loc == CR_LOCALE_JA)
        return snprintf(buf, size, "%s", words) < (int)size ? (int)strlen(buf) : fail(buf, size);
    char from[64], to[64];
    sink s;
    sink_init(&s, buf, size);
    if (range_dates(loc, label, from, to) > 0) {
        static const char *const open[CR_LOCALE_COUNT] = {"from ", "du ", "fra ", ""};
        static const char *const mid[CR_LOCALE_COUNT] = {" to ", " au ", " til ", ""};
        put(&s, open[loc]);
        put(&s, from);
        put(&s, mid[loc]);
        put(&s, to);
        return sink_done(&s);
    }
    /* French says "au T3 2026" but "en sept. 2026" and "en 2026" */
    bool quarter = strlen(label) == 7 && label[5] == 'Q';
    if (loc == CR_LOCALE_FR)
        put(&s, quarter ? "au " : "en ");
    else if (loc == CR_LOCALE_NB)
        put(&s, "i ");
    else
        put(&s, "in ");
    put(&s, words);
    return sink_done(&s);
}

/* ---- compact numbers ---------------------------------------------------- */

typedef struct compact_unit {
    int exponent;       /* unit = 10^exponent */
    const char *suffix; /* with its leading space, if any */
} compact_unit;

/* Largest unit first; a list ends with exponent 0. */
static const compact_unit compact_units[CR_LOCALE_COUNT][4] = {
    [CR_LOCALE_EN] = {{12, "T"}, {9, "B"}, {6, "M"}, {0, ""}},
    [CR_LOCALE_FR] = {{12, NBSP "Bn"}, {9, NBSP "Md"}, {6, NBSP "M"}, {0, ""}},
    [CR_LOCALE_NB] = {{12, NBSP "bill."}, {9, NBSP "mrd."}, {6, NBSP "mill."}, {0, ""}},
    [CR_LOCALE_JA] = {{12, "\xE5\x85\x86"}, {8, "\xE5\x84\x84"}, {4, "\xE4\xB8\x87"}, {0, ""}},
};

static const compact_unit *compact_pick(cr_locale loc, double reference)
{
    const compact_unit *u = compact_units[(unsigned)loc < CR_LOCALE_COUNT ? loc : CR_LOCALE_EN];
    double r = fabs(reference);

    if (!(r >= 1e6)) /* also NaN */
        return &u[3];
    for (int i = 0; i < 3; i++)
        if (r >= pow(10.0, u[i].exponent))
            return &u[i];
    return &u[3];
}

int cr_numfmt_compact_exponent(cr_locale loc, double reference)
{
    return compact_pick(loc, reference)->exponent;
}

int cr_numfmt_compact(cr_locale loc, double value, double reference, int digits, char *buf,
                      size_t size)
{
    const compact_unit *u = compact_pick(loc, reference);
    sink s;
    dec x;

    if (!isfinite(value))
        return fail(buf, size);
    if (value == 0)
        return cr_numfmt_int(loc, 0, buf, size);
    digits = clamp_digits(digits);
    sink_init(&s, buf, size);
    dec_from_double(value, &x);
    x.point -= u->exponent; /* divide in decimal: no binary error */
    dec_round(&x, digits);
    put_dec(&s, info(loc), &x, digits);
    put(&s, u->suffix);
    return sink_done(&s);
}
