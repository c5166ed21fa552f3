/* numfmt.h - numbers, percentages, money and dates as each report locale writes
 * them (SPEC sections 4 and 6).
 *
 * The program's own tables, never the C library's locale: the output does not
 * depend on setlocale() or the environment, and every function is pure and safe
 * from any thread.
 *
 *            integer    decimal     percent   negative   money            date
 *   en       1,350      1,350.00    6.2%      -1,350     EUR 1,350.00     22 Nov 2026
 *   fr       1 350      1 350,00    6,2 %     −1 350     1 350,00 EUR     22 nov. 2026
 *   nb       1 350      1 350,00    6,2 %     −1 350     1 350,00 EUR     22. nov. 2026
 *   ja       1,350      1,350.00    6.2%      -1,350     JPY 1,350        2026年11月22日
 *
 * Separators: fr groups with U+202F NARROW NO-BREAK SPACE and puts U+202F before
 * "%"; nb uses U+00A0 NO-BREAK SPACE for both. The minus sign is U+2212 MINUS SIGN
 * in fr and nb (as CLDR has it) and ASCII '-' in en and ja. Money always shows the
 * ISO 4217 code, never a symbol ("kr" would be ambiguous across NOK/SEK/DKK): before
 * the amount in en and ja, after it in fr and nb, separated by U+00A0 in every
 * locale so that code and amount never break apart; the sign stays with the
 * digits ("EUR -1,350.00", "−1 350,00 EUR").
 *
 * Rounding is half away from zero on the decimal value: a double is first read
 * as its 15 significant decimal digits (DBL_DIG: enough to round-trip any value
 * typed as a decimal, and it absorbs binary noise such as 0.1 + 0.2), then
 * rounded in decimal. So 0.0625 -> "6.3%", 0.06249999 -> "6.2%", 0.0645 ->
 * "6.5%", 2.675 with 2 digits -> "2.68". Integers and money (integer minor
 * units) are exact. A result that rounds to zero has no sign ("0.0", not "-0.0").
 *
 * Output: every cr_numfmt_* writer is snprintf-like. It writes at most size bytes
 * including the NUL (never a partial UTF-8 sequence) and returns the length the
 * whole text has, excluding the NUL, so a return >= size means it was cut. It
 * returns -1 (and writes "" when size > 0) for input it cannot format: a NaN or
 * an infinity, a malformed date, a currency code that is not three letters. The
 * caller shows its own marker for a missing value. 64 bytes hold any number
 * below 1e18 with up to 6 decimals; 48 bytes hold any date.
 */
#ifndef CSMREPORT_NUMFMT_H
#define CSMREPORT_NUMFMT_H

#include <stdbool.h>
#include <stddef.h>

typedef enum cr_locale {
    CR_LOCALE_EN = 0,
    CR_LOCALE_FR,
    CR_LOCALE_NB,
    CR_LOCALE_JA,
    CR_LOCALE_COUNT
} cr_locale;

/* Most decimals any function writes; a larger request is capped to it. */
#define CR_NUMFMT_MAX_DIGITS 20

/* The locale of a tag such as "fr", "fr-CA", "fr_FR.UTF-8", "NB-no" (case does
 * not matter; only the language part is read). "no" and "nn" (Norwegian) give
 * nb. NULL, "" and any other language give en. */
cr_locale cr_numfmt_locale_from_tag(const char *tag);

/* The canonical tag of a locale: "en", "fr", "nb", "ja" ("en" when out of range). */
const char *cr_numfmt_locale_tag(cr_locale loc);

/* True when tag names a language the program writes (en, fr, nb, ja; also
 * no/nn for Norwegian, any region or encoding suffix): a --locale outside
 * these is a usage error, never a silent English report. */
bool cr_numfmt_locale_known(const char *tag);
#define CR_NUMFMT_LOCALES "en, fr, nb, ja"

/* True when a count n takes the singular in loc (CLDR's "one" category for
 * whole numbers): en and nb n = 1, fr n = 0 or 1, ja never. */
bool cr_numfmt_plural_one(cr_locale loc, double n);

/* An integer with grouping: 1350 -> "1,350" / "1 350". Exact for every value. */
int cr_numfmt_int(cr_locale loc, long long value, char *buf, size_t size);

/* A number with exactly `digits` decimals (0..CR_NUMFMT_MAX_DIGITS), grouped,
 * rounded half away from zero as above: 1350 with 2 -> "1,350.00" / "1 350,00". */
int cr_numfmt_decimal(cr_locale loc, double value, int digits, char *buf, size_t size);

/* A fraction as a percentage with `digits` decimals (1 is the report default):
 * 0.062 with 1 -> "6.2%" / "6,2 %". The rounding is on fraction × 100 as a
 * decimal, so 0.0625 -> "6.3%". */
int cr_numfmt_percent(cr_locale loc, double fraction, int digits, char *buf, size_t size);

/* Minor units of an ISO 4217 currency: 0 for JPY, KRW, ISK, ...; 3 for BHD,
 * KWD, ...; 4 for CLF, UYW; 2 for every other three-letter code (EUR, USD, NOK).
 * -1 when code is not three ASCII letters (case does not matter). */
int cr_numfmt_currency_digits(const char *code);

/* An amount in integer minor units (cents) of currency `code` with that
 * currency's decimals: (135000, "EUR") -> "EUR 1,350.00" / "1 350,00 EUR";
 * (1350, "JPY") -> "JPY 1,350". The code is written in upper case. Exact. */
int cr_numfmt_money(cr_locale loc, long long minor_units, const char *code, char *buf,
                    size_t size);

/* The same from an amount in currency units (135.5 EUR), rounded half away
 * from zero to the currency's minor units as a decimal (see above). -1 also when
 * the amount does not fit a long long of minor units. */
int cr_numfmt_money_units(cr_locale loc, double amount, const char *code, char *buf,
                          size_t size);

/* A date "YYYY-MM-DD" (exactly, a real Gregorian day, year 1..9999) as the
 * locale's medium form: "22 Nov 2026", "22 nov. 2026", "22. nov. 2026",
 * "2026年11月22日". Days are not zero-padded. */
int cr_numfmt_date(cr_locale loc, const char *iso_date, char *buf, size_t size);

/* A month "YYYY-MM" (or a full date "YYYY-MM-DD", whose day is checked then
 * ignored): "Nov 2026", "nov. 2026", "nov. 2026", "2026年11月". */
int cr_numfmt_month(cr_locale loc, const char *iso_month, char *buf, size_t size);

/* A timestamp "YYYY-MM-DDTHH:MM[:SS][offset]" (or with a space for the T) as
 * the locale's date and the local clock time, the offset dropped (the metrics
 * write an account's local times): "28 Sep 2026 08:00", "2026年9月28日 08:00". */
int cr_numfmt_datetime(cr_locale loc, const char *iso, char *buf, size_t size);

/* A period label as cr_period writes it, in the locale's words: "2026-Q3" is
 * "Q3 2026", "T3 2026", "3. kv. 2026", "2026年第3四半期"; "2026-10" a month
 * (cr_numfmt_month); "2026" a year ("2026年" in ja); "A..B" two dates with
 * an en dash. -1 for anything else. */
int cr_numfmt_period(cr_locale loc, const char *label, char *buf, size_t size);

/* A period label with the locale's word for "in" or "during" before it, as a
 * sentence needs it: "in Q3 2026", "au T3 2026" but "en sept. 2026" and
 * "en 2026", "i 3. kv. 2026", "from 1 Jul 2026 to 30 Sep 2026", "du 1 juil.
 * 2026 au 30 sept. 2026"; Japanese puts its particle after the words, so ja
 * is cr_numfmt_period's text. -1 for what cr_numfmt_period refuses. */
int cr_numfmt_period_in(cr_locale loc, const char *label, char *buf, size_t size);

/* The abbreviated name of month 1..12 as the date forms use it ("Nov",
 * "nov.", "nov.", "11月"); NULL when month is out of range. Static storage. */
const char *cr_numfmt_month_abbrev(cr_locale loc, int month);

/* Compact form for large numbers, as axis labels want them. The unit is chosen
 * from `reference` (pass the largest absolute value the labels share, so all
 * ticks of an axis use one unit; pass value itself for a lone number):
 *   en: M (1e6), B (1e9), T (1e12)            1200000 -> "1.2M"
 *   fr: M, Md, Bn after U+00A0                1200000 -> "1,2 M"
 *   nb: mill., mrd., bill. after U+00A0       1200000 -> "1,2 mill."
 *   ja: 万 (1e4), 億 (1e8), 兆 (1e12)          1200000 -> "120万"
 * A |reference| below 1e6 gets no unit and the plain decimal form. `digits` is
 * the number of decimals of the scaled number; a value of exactly 0 is "0". */
int cr_numfmt_compact(cr_locale loc, double value, double reference, int digits, char *buf,
                      size_t size);

/* The unit cr_numfmt_compact uses for `reference`: 1 (no unit), 1e4, 1e6, 1e8,
 * 1e9 or 1e12. Returned as its power of ten (0, 4, 6, 8, 9, 12), so a caller can
 * work out how many decimals a step needs. */
int cr_numfmt_compact_exponent(cr_locale loc, double reference);

#endif
