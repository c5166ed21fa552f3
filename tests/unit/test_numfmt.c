/* test_numfmt.c - locale numbers, percentages, money and dates (SPEC section 4).
 *
 * Expected strings are written by hand from the rules in numfmt.h; the escapes
 * below spell the three special characters.
 */
#include "csmreport/numfmt.h"
#include "unit.h"

#include <limits.h>
#include <math.h>

#define NB "\xC2\xA0"     /* U+00A0 NO-BREAK SPACE */
#define NN "\xE2\x80\xAF" /* U+202F NARROW NO-BREAK SPACE */
#define MI "\xE2\x88\x92" /* U+2212 MINUS SIGN */

#define EN CR_LOCALE_EN
#define FR CR_LOCALE_FR
#define NO CR_LOCALE_NB
#define JA CR_LOCALE_JA

static const char *lname(cr_locale l)
{
    return cr_numfmt_locale_tag(l);
}

static void test_locale_tags(void)
{
    static const struct {
        const char *tag;
        cr_locale want;
    } t[] = {
        {"fr-CA", FR}, {"fr", FR}, {"FR_fr.UTF-8", FR}, {"nb-NO", NO}, {"no", NO},
        {"nn", NO},    {"NB", NO}, {"ja_JP", JA},      {"ja", JA},    {"en-GB", EN},
        {"en", EN},    {"de", EN}, {"", EN},           {NULL, EN},    {"fra", EN},
        {"french", EN}, {"fr@euro", FR},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        CHECK_INT(cr_numfmt_locale_from_tag(t[i].tag), t[i].want, "locale_from_tag %s",
                  t[i].tag ? t[i].tag : "NULL");
    CHECK_STR(cr_numfmt_locale_tag(FR), "fr", "locale_tag fr");
    CHECK_STR(cr_numfmt_locale_tag(NO), "nb", "locale_tag nb");
    CHECK_STR(cr_numfmt_locale_tag((cr_locale)99), "en", "locale_tag out of range");
}

static void test_int(void)
{
    static const struct {
        cr_locale loc;
        long long v;
        const char *want;
    } t[] = {
        {EN, 0, "0"},
        {EN, 7, "7"},
        {EN, 999, "999"},
        {EN, 1000, "1,000"},
        {EN, 1350, "1,350"},
        {EN, -1350, "-1,350"},
        {EN, 1234567, "1,234,567"},
        {EN, LLONG_MIN, "-9,223,372,036,854,775,808"},
        {EN, LLONG_MAX, "9,223,372,036,854,775,807"},
        {FR, 1350, "1" NN "350"},
        {FR, -1350, MI "1" NN "350"},
        {FR, 100, "100"},
        {FR, -7, MI "7"},
        {NO, 1234567, "1" NB "234" NB "567"},
        {NO, -1350, MI "1" NB "350"},
        {JA, 1350, "1,350"},
        {JA, -1350, "-1,350"},
    };
    char buf[64];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        int n = cr_numfmt_int(t[i].loc, t[i].v, buf, sizeof buf);
        CHECK_STR(buf, t[i].want, "int %s %lld", lname(t[i].loc), t[i].v);
        CHECK_INT(n, (long long)strlen(t[i].want), "int %s %lld length", lname(t[i].loc),
                  t[i].v);
    }
}

static void test_decimal(void)
{
    static const struct {
        cr_locale loc;
        double v;
        int digits;
        const char *want;
    } t[] = {
        {EN, 1350, 2, "1,350.00"},
        {FR, 1350, 2, "1" NN "350,00"},
        {NO, 1350, 2, "1" NB "350,00"},
        {JA, 1350, 2, "1,350.00"},
        {JA, 1350, 0, "1,350"},
        {EN, 2.675, 2, "2.68"},  /* binary 2.67499999... but decimal 2.675 */
        {EN, 1.005, 2, "1.01"},  /* binary 1.00499999... */
        {EN, 2.5, 0, "3"},
        {EN, -2.5, 0, "-3"},     /* half away from zero, not to even */
        {EN, 0.5, 0, "1"},
        {EN, 1.5, 0, "2"},
        {EN, 0.49999999, 0, "0"},
        {EN, -0.0001, 2, "0.00"}, /* no "-0.00" */
        {EN, -0.0, 1, "0.0"},
        {FR, -0.004, 2, "0,00"},
        {EN, 999.995, 2, "1,000.00"},
        {EN, 9.95, 1, "10.0"},
        {EN, 0.1 + 0.2, 2, "0.30"},
        {EN, 0.1 + 0.2, 17, "0.30000000000000000"}, /* 15 digits: noise dropped */
        {EN, 1e15, 0, "1,000,000,000,000,000"},
        {EN, 123456789.125, 2, "123,456,789.13"},
        {EN, 1e-7, 3, "0.000"},
        {EN, 0.0005, 3, "0.001"},
        {EN, 0.00049, 3, "0.000"},
        {EN, 12.3456, 0, "12"},
        {EN, 0.000123, 6, "0.000123"},
        {FR, 1234.5, 1, "1" NN "234,5"},
        {NO, -1234.5, 1, MI "1" NB "234,5"},
        {EN, 1, 25, "1.00000000000000000000"}, /* capped at 20 decimals */
        {EN, 3.14159, -1, "3"},                /* negative digits = 0 */
        {EN, 99999.5, 0, "100,000"},
    };
    char buf[128];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        int n = cr_numfmt_decimal(t[i].loc, t[i].v, t[i].digits, buf, sizeof buf);
        CHECK_STR(buf, t[i].want, "decimal %s %.17g/%d", lname(t[i].loc), t[i].v,
                  t[i].digits);
        CHECK_INT(n, (long long)strlen(t[i].want), "decimal %s %.17g/%d length",
                  lname(t[i].loc), t[i].v, t[i].digits);
    }
    CHECK_INT(cr_numfmt_decimal(EN, NAN, 2, buf, sizeof buf), -1, "decimal NaN is -1");
    CHECK_STR(buf, "", "decimal NaN writes empty");
    CHECK_INT(cr_numfmt_decimal(EN, INFINITY, 2, buf, sizeof buf), -1, "decimal inf is -1");
    CHECK_INT(cr_numfmt_decimal(EN, -INFINITY, 0, buf, sizeof buf), -1, "decimal -inf is -1");
    /* 1e300: 301 digits and 100 separators */
    CHECK_INT(cr_numfmt_decimal(EN, 1e300, 0, NULL, 0), 401, "decimal 1e300 length");
}

static void test_percent(void)
{
    static const struct {
        cr_locale loc;
        double v;
        int digits;
        const char *want;
    } t[] = {
        {EN, 0.062, 1, "6.2%"},
        {FR, 0.062, 1, "6,2" NN "%"},
        {NO, 0.062, 1, "6,2" NB "%"},
        {JA, 0.062, 1, "6.2%"},
        {EN, 0.0625, 1, "6.3%"},       /* exact half rounds away from zero */
        {EN, 0.06249999, 1, "6.2%"},
        {EN, 0.0645, 1, "6.5%"},       /* binary 0.06449999..., decimal 0.0645 */
        {EN, 0.0635, 1, "6.4%"},
        {EN, 5.0 / 80.0, 1, "6.3%"},   /* a computed rate */
        {EN, 1.0 / 3.0, 1, "33.3%"},
        {EN, 2.0 / 3.0, 1, "66.7%"},
        {EN, -0.0625, 1, "-6.3%"},
        {FR, -0.0625, 1, MI "6,3" NN "%"},
        {EN, 1.0, 1, "100.0%"},
        {EN, 12.345, 1, "1,234.5%"},
        {FR, 12.345, 1, "1" NN "234,5" NN "%"},
        {EN, 0, 1, "0.0%"},
        {EN, -0.0004, 1, "0.0%"},
        {EN, 0.99999, 1, "100.0%"},
        {EN, 0.9995, 1, "100.0%"},
        {EN, 0.9994, 1, "99.9%"},
        {EN, 0.05, 0, "5%"},
        {EN, 0.123456, 2, "12.35%"},
        {EN, 0.00125, 1, "0.1%"},
        {EN, 0.0015, 1, "0.2%"},
        {EN, 0.0005, 1, "0.1%"},
        {EN, 0.00049999, 1, "0.0%"},
        {EN, 0.07 * 100.0 / 100.0, 1, "7.0%"},
        {JA, 0.5, 0, "50%"},
    };
    char buf[64];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        int n = cr_numfmt_percent(t[i].loc, t[i].v, t[i].digits, buf, sizeof buf);
        CHECK_STR(buf, t[i].want, "percent %s %.17g/%d", lname(t[i].loc), t[i].v,
                  t[i].digits);
        CHECK_INT(n, (long long)strlen(t[i].want), "percent %s %.17g/%d length",
                  lname(t[i].loc), t[i].v, t[i].digits);
    }
    CHECK_INT(cr_numfmt_percent(FR, NAN, 1, buf, sizeof buf), -1, "percent NaN is -1");
    CHECK_STR(buf, "", "percent NaN writes empty");
}

static void test_currency_digits(void)
{
    static const struct {
        const char *code;
        int want;
    } t[] = {
        {"EUR", 2}, {"usd", 2}, {"NOK", 2}, {"JPY", 0}, {"jpy", 0}, {"KRW", 0},
        {"ISK", 0}, {"KWD", 3}, {"BHD", 3}, {"CLF", 4}, {"XYZ", 2}, {"EU", -1},
        {"EURO", -1}, {"E1R", -1}, {"", -1}, {NULL, -1},
        {"D K", -1},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        CHECK_INT(cr_numfmt_currency_digits(t[i].code), t[i].want, "currency_digits %s",
                  t[i].code ? t[i].code : "NULL");
}

static void test_money(void)
{
    static const struct {
        cr_locale loc;
        long long minor;
        const char *code;
        const char *want;
    } t[] = {
        {EN, 135000, "EUR", "EUR" NB "1,350.00"},
        {FR, 135000, "EUR", "1" NN "350,00" NB "EUR"},
        {NO, 135000, "EUR", "1" NB "350,00" NB "EUR"},
        {NO, 135000, "NOK", "1" NB "350,00" NB "NOK"},
        {JA, 1350, "JPY", "JPY" NB "1,350"},
        {EN, 1350, "JPY", "JPY" NB "1,350"},
        {JA, 135000, "USD", "USD" NB "1,350.00"},
        {EN, -135000, "EUR", "EUR" NB "-1,350.00"},
        {FR, -5, "EUR", MI "0,05" NB "EUR"},
        {EN, 0, "EUR", "EUR" NB "0.00"},
        {EN, 5, "JPY", "JPY" NB "5"},
        {EN, 7, "EUR", "EUR" NB "0.07"},
        {EN, 1234567, "KWD", "KWD" NB "1,234.567"},
        {EN, 135000, "eur", "EUR" NB "1,350.00"},
        {EN, LLONG_MIN, "EUR", "EUR" NB "-92,233,720,368,547,758.08"},
    };
    char buf[64];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        int n = cr_numfmt_money(t[i].loc, t[i].minor, t[i].code, buf, sizeof buf);
        CHECK_STR(buf, t[i].want, "money %s %lld %s", lname(t[i].loc), t[i].minor, t[i].code);
        CHECK_INT(n, (long long)strlen(t[i].want), "money %s %lld %s length",
                  lname(t[i].loc), t[i].minor, t[i].code);
    }
    CHECK_INT(cr_numfmt_money(EN, 100, "EU", buf, sizeof buf), -1, "money bad code is -1");
    CHECK_STR(buf, "", "money bad code writes empty");
    CHECK_INT(cr_numfmt_money(EN, 100, NULL, buf, sizeof buf), -1, "money NULL code is -1");
}

static void test_money_units(void)
{
    static const struct {
        cr_locale loc;
        double amount;
        const char *code;
        const char *want;
    } t[] = {
        {EN, 1350.0, "EUR", "EUR" NB "1,350.00"},
        {FR, 1350.0, "EUR", "1" NN "350,00" NB "EUR"},
        {EN, 0.125, "EUR", "EUR" NB "0.13"},
        {EN, -0.125, "EUR", "EUR" NB "-0.13"},
        {EN, 2.675, "EUR", "EUR" NB "2.68"},
        {EN, 1350.4, "JPY", "JPY" NB "1,350"},
        {EN, 1350.5, "JPY", "JPY" NB "1,351"},
        {EN, -0.004, "EUR", "EUR" NB "0.00"},
        {EN, 1234.5678, "KWD", "KWD" NB "1,234.568"},
    };
    char buf[64];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        cr_numfmt_money_units(t[i].loc, t[i].amount, t[i].code, buf, sizeof buf);
        CHECK_STR(buf, t[i].want, "money_units %s %.17g %s", lname(t[i].loc), t[i].amount,
                  t[i].code);
    }
    CHECK_INT(cr_numfmt_money_units(EN, 1e20, "EUR", buf, sizeof buf), -1,
              "money_units too large is -1");
    CHECK_INT(cr_numfmt_money_units(EN, NAN, "EUR", buf, sizeof buf), -1,
              "money_units NaN is -1");
    CHECK_INT(cr_numfmt_money_units(EN, 1, "12", buf, sizeof buf), -1,
              "money_units bad code is -1");
}

static void test_dates(void)
{
    static const struct {
        cr_locale loc;
        const char *in;
        const char *want; /* NULL: invalid, -1 */
    } t[] = {
        {EN, "2026-11-22", "22 Nov 2026"},
        {FR, "2026-11-22", "22 nov. 2026"},
        {NO, "2026-11-22", "22. nov. 2026"},
        {JA, "2026-11-22", "2026\xE5\xB9\xB4" "11\xE6\x9C\x88" "22\xE6\x97\xA5"},
        {EN, "2026-01-01", "1 Jan 2026"},
        {EN, "2026-09-30", "30 Sep 2026"},
        {FR, "2026-02-05", "5 f\xC3\xA9vr. 2026"},
        {FR, "2026-08-15", "15 ao\xC3\xBBt 2026"},
        {FR, "2026-06-01", "1 juin 2026"},
        {FR, "2026-12-24", "24 d\xC3\xA9" "c. 2026"},
        {NO, "2026-05-17", "17. mai 2026"},
        {NO, "2026-12-24", "24. des. 2026"},
        {NO, "2026-10-01", "1. okt. 2026"},
        {JA, "2026-01-05", "2026\xE5\xB9\xB4" "1\xE6\x9C\x88" "5\xE6\x97\xA5"},
        {EN, "2024-02-29", "29 Feb 2024"},
        {EN, "2000-02-29", "29 Feb 2000"},
        {EN, "1900-02-29", NULL},
        {EN, "2026-02-29", NULL},
        {EN, "2026-04-31", NULL},
        {EN, "2026-13-01", NULL},
        {EN, "2026-00-10", NULL},
        {EN, "2026-11-00", NULL},
        {EN, "0000-01-01", NULL},
        {EN, "2026-1-5", NULL},
        {EN, "2026-11-22T10:00", NULL},
        {EN, "2026/11/22", NULL},
        {EN, "2026-11", NULL},
        {EN, "", NULL},
        {EN, NULL, NULL},
    };
    char buf[48];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        int n = cr_numfmt_date(t[i].loc, t[i].in, buf, sizeof buf);
        if (t[i].want) {
            CHECK_STR(buf, t[i].want, "date %s %s", lname(t[i].loc), t[i].in);
            CHECK_INT(n, (long long)strlen(t[i].want), "date %s %s length", lname(t[i].loc),
                      t[i].in);
        } else {
            CHECK(n == -1 && buf[0] == '\0', "date %s %s rejected", lname(t[i].loc),
                  t[i].in ? t[i].in : "NULL");
        }
    }
}

static void test_months(void)
{
    static const struct {
        cr_locale loc;
        const char *in;
        const char *want;
    } t[] = {
        {EN, "2026-11", "Nov 2026"},
        {FR, "2026-11", "nov. 2026"},
        {NO, "2026-11", "nov. 2026"},
        {JA, "2026-11", "2026\xE5\xB9\xB4" "11\xE6\x9C\x88"},
        {EN, "2026-11-22", "Nov 2026"},
        {FR, "2026-06", "juin 2026"},
        {FR, "2026-03", "mars 2026"},
        {NO, "2026-05", "mai 2026"},
        {NO, "2026-01", "jan. 2026"},
        {JA, "2026-01", "2026\xE5\xB9\xB4" "1\xE6\x9C\x88"},
        {EN, "2026-11-31", NULL},
        {EN, "2026-13", NULL},
        {EN, "2026", NULL},
        {EN, "2026-1", NULL},
    };
    char buf[48];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        int n = cr_numfmt_month(t[i].loc, t[i].in, buf, sizeof buf);
        if (t[i].want)
            CHECK_STR(buf, t[i].want, "month %s %s", lname(t[i].loc), t[i].in);
        else
            CHECK(n == -1 && buf[0] == '\0', "month %s %s rejected", lname(t[i].loc),
                  t[i].in);
    }
    CHECK_STR(cr_numfmt_month_abbrev(EN, 11), "Nov", "month_abbrev en 11");
    CHECK_STR(cr_numfmt_month_abbrev(FR, 2), "f\xC3\xA9vr.", "month_abbrev fr 2");
    CHECK_STR(cr_numfmt_month_abbrev(JA, 12), "12\xE6\x9C\x88", "month_abbrev ja 12");
    CHECK(cr_numfmt_month_abbrev(EN, 0) == NULL, "month_abbrev 0 is NULL");
    CHECK(cr_numfmt_month_abbrev(EN, 13) == NULL, "month_abbrev 13 is NULL");
}

static void test_compact(void)
{
    static const struct {
        cr_locale loc;
        double v, ref;
        int digits;
        const char *want;
    } t[] = {
        {EN, 1200000, 1200000, 1, "1.2M"},
        {FR, 1200000, 1200000, 1, "1,2" NB "M"},
        {NO, 1200000, 1200000, 1, "1,2" NB "mill."},
        {JA, 1200000, 1200000, 0, "120\xE4\xB8\x87"},
        {EN, 2500000000.0, 2500000000.0, 1, "2.5B"},
        {FR, 2500000000.0, 2500000000.0, 1, "2,5" NB "Md"},
        {NO, 2500000000.0, 2500000000.0, 1, "2,5" NB "mrd."},
        {JA, 1.5e9, 1.5e9, 0, "15\xE5\x84\x84"},
        {JA, 2e12, 2e12, 0, "2\xE5\x85\x86"},
        {EN, 1e12, 1e12, 0, "1T"},
        {EN, 0, 3000000, 1, "0"},
        {EN, 500000, 3000000, 1, "0.5M"},  /* unit from the reference */
        {EN, 3000000, 3000000, 1, "3.0M"},
        {EN, -1500000, 1500000, 1, "-1.5M"},
        {FR, -1500000, 1500000, 1, MI "1,5" NB "M"},
        {EN, 999999, 999999, 1, "999,999.0"}, /* below 1e6: plain */
        {EN, 1250000, 1250000, 1, "1.3M"},    /* half away from zero */
        {EN, 1e15, 1e15, 0, "1,000T"},
    };
    char buf[64];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        cr_numfmt_compact(t[i].loc, t[i].v, t[i].ref, t[i].digits, buf, sizeof buf);
        CHECK_STR(buf, t[i].want, "compact %s %.17g ref %.17g/%d", lname(t[i].loc), t[i].v,
                  t[i].ref, t[i].digits);
    }
    CHECK_INT(cr_numfmt_compact(EN, NAN, 1e6, 1, buf, sizeof buf), -1, "compact NaN is -1");
    CHECK_INT(cr_numfmt_compact_exponent(EN, 5e6), 6, "compact_exponent en 5e6");
    CHECK_INT(cr_numfmt_compact_exponent(JA, 5e6), 4, "compact_exponent ja 5e6");
    CHECK_INT(cr_numfmt_compact_exponent(EN, 5e5), 0, "compact_exponent en 5e5");
    CHECK_INT(cr_numfmt_compact_exponent(NO, -2e9), 9, "compact_exponent nb -2e9");
    CHECK_INT(cr_numfmt_compact_exponent(JA, 2e9), 8, "compact_exponent ja 2e9");
    CHECK_INT(cr_numfmt_compact_exponent(EN, NAN), 0, "compact_exponent NaN");
}

static void test_truncation(void)
{
    char buf[16];
    int n;

    n = cr_numfmt_int(EN, 1234567, buf, 4);
    CHECK_INT(n, 9, "truncated int returns full length");
    CHECK_STR(buf, "1,2", "truncated int keeps what fits");
    n = cr_numfmt_int(FR, 1350, buf, 3);
    CHECK_INT(n, 7, "truncated fr int returns full length");
    CHECK_STR(buf, "1", "truncation never splits U+202F");
    n = cr_numfmt_percent(NO, 0.062, 1, buf, 5);
    CHECK_INT(n, 6, "truncated nb percent length");
    CHECK_STR(buf, "6,2", "truncation never splits U+00A0");
    CHECK_INT(cr_numfmt_int(EN, 1350, NULL, 0), 5, "size 0 only measures");
    n = cr_numfmt_int(EN, 1350, buf, 6);
    CHECK(n == 5 && strcmp(buf, "1,350") == 0, "exact fit");
    n = cr_numfmt_date(EN, "2026-11-22", buf, 5);
    CHECK(n == 11 && strcmp(buf, "22 ") == 0, "truncated date keeps whole tokens");
}

static void test_periods_and_times(void)
{
    static const struct {
        cr_locale loc;
        const char *in;
        const char *want;
    } t[] = {
        {EN, "2026-Q3", "Q3 2026"},
        {FR, "2026-Q3", "T3 2026"},
        {NO, "2026-Q3", "3. kv. 2026"},
        {JA, "2026-Q3", "2026\xE5\xB9\xB4\xE7\xAC\xAC" "3\xE5\x9B\x9B\xE5\x8D\x8A\xE6\x9C\x9F"},
        {FR, "2026-10", "oct. 2026"},
        {EN, "2026", "2026"},
        {JA, "2026", "2026\xE5\xB9\xB4"},
        {EN, "2026-07-01..2026-09-30", "1 Jul 2026 \xE2\x80\x93 30 Sep 2026"},
        {EN, "2026-Q5", NULL},
        {EN, "Q3", NULL},
    };
    char buf[96];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        int n = cr_numfmt_period(t[i].loc, t[i].in, buf, sizeof buf);
        if (t[i].want)
            CHECK_STR(buf, t[i].want, "period %s %s", lname(t[i].loc), t[i].in);
        else
            CHECK(n == -1, "period %s %s rejected", lname(t[i].loc), t[i].in);
    }
    /* after the language's "in": French changes its word with the kind */
    static const struct {
        cr_locale loc;
        const char *in;
        const char *want;
    } in[] = {
        {EN, "2026-Q3", "in Q3 2026"},
        {FR, "2026-Q3", "au T3 2026"},
        {FR, "2026-09", "en sept. 2026"},
        {FR, "2026", "en 2026"},
        {FR, "2026-07-01..2026-09-30", "du 1 juil. 2026 au 30 sept. 2026"},
        {NO, "2026-09", "i sep. 2026"},
        {NO, "2026-07-01..2026-09-30", "fra 1. jul. 2026 til 30. sep. 2026"},
        {EN, "2026-07-01..2026-09-30", "from 1 Jul 2026 to 30 Sep 2026"},
        {JA, "2026-Q3", "2026\xE5\xB9\xB4\xE7\xAC\xAC" "3\xE5\x9B\x9B\xE5\x8D\x8A\xE6\x9C\x9F"},
        {FR, "2026-Q5", NULL},
    };
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        int n = cr_numfmt_period_in(in[i].loc, in[i].in, buf, sizeof buf);
        if (in[i].want)
            CHECK_STR(buf, in[i].want, "period_in %s %s", lname(in[i].loc), in[i].in);
        else
            CHECK(n == -1, "period_in %s %s rejected", lname(in[i].loc), in[i].in);
    }
    cr_numfmt_datetime(EN, "2026-09-28T08:00:00+02:00", buf, sizeof buf);
    CHECK_STR(buf, "28 Sep 2026\xC2\xA0" "08:00", "datetime en drops seconds and offset");
    cr_numfmt_datetime(JA, "2026-09-28 23:59:59", buf, sizeof buf);
    CHECK_STR(buf, "2026\xE5\xB9\xB4" "9\xE6\x9C\x88" "28\xE6\x97\xA5 23:59", "datetime ja");
    CHECK(cr_numfmt_datetime(EN, "2026-09-28", buf, sizeof buf) == -1, "datetime needs a time");
    CHECK(cr_numfmt_locale_known("fr-FR") && cr_numfmt_locale_known("nb") &&
              cr_numfmt_locale_known("ja_JP.UTF-8") && cr_numfmt_locale_known("EN"),
          "known locales");
    CHECK(!cr_numfmt_locale_known("de") && !cr_numfmt_locale_known("") &&
              !cr_numfmt_locale_known(NULL) && !cr_numfmt_locale_known("english"),
          "unknown locales");
}

/* The singular of a count, per language (CLDR "one" for whole numbers). */
static void test_plural(void)
{
    static const struct {
        cr_locale loc;
        double n;
        bool one;
    } cases[] = {
        {CR_LOCALE_EN, 1, true},  {CR_LOCALE_EN, 0, false}, {CR_LOCALE_EN, 2, false},
        {CR_LOCALE_NB, 1, true},  {CR_LOCALE_NB, 0, false}, {CR_LOCALE_NB, 21, false},
        {CR_LOCALE_FR, 0, true},  {CR_LOCALE_FR, 1, true},  {CR_LOCALE_FR, 2, false},
        {CR_LOCALE_JA, 1, false}, {CR_LOCALE_JA, 0, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK(cr_numfmt_plural_one(cases[i].loc, cases[i].n) == cases[i].one, "plural %s %g",
              cr_numfmt_locale_tag(cases[i].loc), cases[i].n);
    }
}

int main(void)
{
    test_plural();
    test_periods_and_times();
    test_locale_tags();
    test_int();
    test_decimal();
    test_percent();
    test_currency_digits();
    test_money();
    test_money_units();
    test_dates();
    test_months();
    test_compact();
    test_truncation();
    return unit_exit();
}
