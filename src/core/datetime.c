/* datetime.c - civil dates, timestamps and their text forms (SPEC sections 3, 4).
 *
 * Everything here runs once per CSV value in large imports: no allocation, no
 * locale or C library time calls, digits parsed by hand. Day arithmetic follows
 * Howard Hinnant's "chrono-Compatible Low-Level Date Algorithms".
 */
#include "csmreport/datetime.h"

#include <string.h>

/* Years the text forms can carry (four digits). */
#define YEAR_MIN 1
#define YEAR_MAX 9999

int64_t cr_days_from_civil(int year, int month, int day)
{
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                      /* [0, 399] */
    int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;             /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

cr_date cr_civil_from_days(int64_t days)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    cr_date d;
    d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
    d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
    d.year = (int)(yoe + era * 400 + (d.month <= 2));
    return d;
}

bool cr_is_leap_year(int year)
{
    return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

int cr_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    return month == 2 && cr_is_leap_year(year) ? 29 : days[month - 1];
}

int cr_weekday(int64_t days)
{
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    int64_t r = (days + 3) % 7;
    return (int)(r < 0 ? r + 7 : r);
}

bool cr_date_valid(cr_date d)
{
    return d.year >= YEAR_MIN && d.year <= YEAR_MAX && d.month >= 1 && d.month <= 12 &&
           d.day >= 1 && d.day <= cr_days_in_month(d.year, d.month);
}

int cr_date_compare(cr_date a, cr_date b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    if (a.day != b.day)
        return a.day < b.day ? -1 : 1;
    return 0;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Exactly n digits at s (the caller has checked the length). */
static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* "YYYY-MM-DD" at s, 10 bytes available. */
static bool parse_date10(const char *s, cr_date *out)
{
    cr_date d;
    if (s[4] != '-' || s[7] != '-' || !digits(s, 4, &d.year) || !digits(s + 5, 2, &d.month) ||
        !digits(s + 8, 2, &d.day) || !cr_date_valid(d))
        return false;
    *out = d;
    return true;
}

bool cr_date_parse(const char *s, size_t len, cr_date *out)
{
    if (!s || len != 10)
        return false;
    return parse_date10(s, out);
}

/* Two digits of v (its magnitude modulo 100, so output stays bounded). */
static char *put2(char *p, int v)
{
    v %= 100;
    if (v < 0)
        v = -v;
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
    return p + 2;
}

void cr_date_format(cr_date d, char *buf)
{
    /* Fields outside the four/two digit ranges (never a valid date) are reduced
     * modulo the field width so the output stays 10 bytes. */
    int y = d.year % 10000;
    char *p = put2(buf, y / 100);
    p = put2(p, y % 100);
    *p++ = '-';
    p = put2(p, d.month);
    *p++ = '-';
    p = put2(p, d.day);
    *p = '\0';
}

static bool time_valid(int h, int m, int s)
{
    return h >= 0 && h <= 23 && m >= 0 && m <= 59 && s >= 0 && s <= 59;
}

/* A UTC designator or offset at s[*i..len): "Z", "+HH:MM", "+HHMM", "+HH" (allow_hh).
 * Offsets up to 23:59 either way. */
static bool parse_offset(const char *s, size_t len, size_t *i, bool allow_hh, int *offset)
{
    size_t p = *i;
    if (p >= len)
        return false;
    if (s[p] == 'Z' || s[p] == 'z') {
        *offset = 0;
        *i = p + 1;
        return true;
    }
    if (s[p] != '+' && s[p] != '-')
        return false;
    int sign = s[p] == '-' ? -1 : 1;
    int hh, mm = 0;
    p++;
    if (len - p < 2 || !digits(s + p, 2, &hh))
        return false;
    p += 2;
    if (p < len && s[p] == ':') {
        if (len - p < 3 || !digits(s + p + 1, 2, &mm))
            return false;
        p += 3;
    } else if (len - p >= 2 && is_digit(s[p])) {
        if (!digits(s + p, 2, &mm))
            return false;
        p += 2;
    } else if (!allow_hh) {
        return false;
    }
    if (hh > 23 || mm > 59)
        return false;
    *offset = sign * (hh * 3600 + mm * 60);
    *i = p;
    return true;
}

bool cr_timestamp_parse_iso(const char *s, size_t len, cr_timestamp *out)
{
    cr_timestamp ts = {0};
    /* Shortest form: "YYYY-MM-DD HH:MM" (16 bytes). */
    if (!s || len < 16 || !parse_date10(s, &ts.date))
        return false;
    if (s[10] != 'T' && s[10] != ' ')
        return false;
    if (s[13] != ':' || !digits(s + 11, 2, &ts.hour) || !digits(s + 14, 2, &ts.minute))
        return false;
    size_t i = 16;
    if (i < len && s[i] == ':') {
        if (len - i < 3 || !digits(s + i + 1, 2, &ts.second))
            return false;
        i += 3;
        /* A fraction of a second is allowed and dropped (not rounded). */
        if (i < len && (s[i] == '.' || s[i] == ',')) {
            size_t start = ++i;
            while (i < len && is_digit(s[i]))
                i++;
            if (i == start)
                return false;
        }
    }
    if (!time_valid(ts.hour, ts.minute, ts.second))
        return false;
    if (i < len) {
        if (!parse_offset(s, len, &i, true, &ts.offset_seconds))
            return false;
        ts.has_offset = true;
    }
    if (i != len)
        return false;
    *out = ts;
    return true;
}

/* Case-insensitive ASCII compare of n bytes; b is lowercase. */
static bool ascii_ieq(const char *a, const char *b, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        char c = a[k];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != b[k])
            return false;
    }
    return true;
}

/* One to max digits at s[*i..len). */
static bool parse_num(const char *s, size_t len, size_t *i, int min_digits, int max_digits,
                      int *out)
{
    size_t p = *i;
    int v = 0, n = 0;
    while (p < len && n < max_digits && is_digit(s[p])) {
        v = v * 10 + (s[p] - '0');
        p++;
        n++;
    }
    if (n < min_digits)
        return false;
    *out = v;
    *i = p;
    return true;
}

/* An English month name, full or three-letter, any case. */
static bool parse_month_name(const char *s, size_t len, size_t *i, int *month)
{
    static const char *const names[12] = {"january", "february", "march",     "april",
                                          "may",     "june",     "july",      "august",
                                          "september", "october", "november", "december"};
    size_t rest = len - *i;
    for (int m = 0; m < 12; m++) {
        size_t n = strlen(names[m]);
        if (rest >= n && ascii_ieq(s + *i, names[m], n)) {
            *i += n;
            *month = m + 1;
            return true;
        }
    }
    for (int m = 0; m < 12; m++) {
        if (rest >= 3 && ascii_ieq(s + *i, names[m], 3)) {
            *i += 3;
            *month = m + 1;
            return true;
        }
    }
    return false;
}

bool cr_timestamp_parse_format(const char *s, size_t len, const char *format,
                               cr_timestamp *out)
{
    cr_timestamp ts = {0};
    int year = -1, month = -1, day = -1, hour12 = -1, pm = -1, v;
    size_t i = 0;
    if (!s || !format)
        return false;
    for (const char *f = format; *f; f++) {
        if (*f == ' ') {
            if (i >= len || s[i] != ' ')
                return false;
            while (i < len && s[i] == ' ')
                i++;
            continue;
        }
        if (*f != '%') {
            if (i >= len || s[i] != *f)
                return false;
            i++;
            continue;
        }
        switch (*++f) {
        case 'Y':
            if (!parse_num(s, len, &i, 4, 4, &year) || year < YEAR_MIN)
                return false;
            break;
        case 'y':
            if (!parse_num(s, len, &i, 2, 2, &v))
                return false;
            year = v < 69 ? 2000 + v : 1900 + v; /* the POSIX pivot */
            break;
        case 'm':
            if (!parse_num(s, len, &i, 1, 2, &month))
                return false;
            break;
        case 'e':
            if (i < len && s[i] == ' ')
                i++;
            /* fall through */
        case 'd':
            if (!parse_num(s, len, &i, 1, 2, &day))
                return false;
            break;
        case 'H':
            if (!parse_num(s, len, &i, 1, 2, &ts.hour) || ts.hour > 23)
                return false;
            hour12 = -1;
            break;
        case 'I':
            if (!parse_num(s, len, &i, 1, 2, &hour12) || hour12 < 1 || hour12 > 12)
                return false;
            break;
        case 'M':
            if (!parse_num(s, len, &i, 1, 2, &ts.minute) || ts.minute > 59)
                return false;
            break;
        case 'S':
            if (!parse_num(s, len, &i, 1, 2, &ts.second) || ts.second > 59)
                return false;
            break;
        case 'p':
            if (len - i < 2 || (s[i + 1] != 'M' && s[i + 1] != 'm'))
                return false;
            if (s[i] == 'A' || s[i] == 'a')
                pm = 0;
            else if (s[i] == 'P' || s[i] == 'p')
                pm = 1;
            else
                return false;
            i += 2;
            break;
        case 'b':
        case 'B':
            if (!parse_month_name(s, len, &i, &month))
                return false;
            break;
        case 'z':
            if (!parse_offset(s, len, &i, false, &ts.offset_seconds))
                return false;
            ts.has_offset = true;
            break;
        case '%':
            if (i >= len || s[i] != '%')
                return false;
            i++;
            break;
        default: /* unknown directive, or '%' at the end of the format */
            return false;
        }
    }
    if (i != len || year < 0 || month < 0 || day < 0)
        return false;
    if (hour12 >= 0) {
        /* 12 AM is midnight, 12 PM noon; without %p the hour is taken as written. */
        ts.hour = pm < 0 ? hour12 : hour12 % 12 + (pm ? 12 : 0);
    }
    ts.date.year = year;
    ts.date.month = month;
    ts.date.day = day;
    if (!cr_date_valid(ts.date))
        return false;
    *out = ts;
    return true;
}

void cr_timestamp_format(const cr_timestamp *ts, char *buf)
{
    cr_date_format(ts->date, buf);
    char *p = buf + 10;
    *p++ = 'T';
    p = put2(p, ts->hour);
    *p++ = ':';
    p = put2(p, ts->minute);
    *p++ = ':';
    p = put2(p, ts->second);
    if (ts->has_offset) {
        int off = ts->offset_seconds;
        if (off == 0) {
            *p++ = 'Z';
        } else {
            *p++ = off < 0 ? '-' : '+';
            if (off < 0)
                off = -off;
            p = put2(p, off / 3600 % 100);
            *p++ = ':';
            p = put2(p, off / 60 % 60);
        }
    }
    *p = '\0';
}

bool cr_timestamp_parse_canonical(const char *s, cr_timestamp *out)
{
    cr_timestamp ts = {0};
    if (!s)
        return false;
    size_t len = strlen(s);
    if (len < 19 || !parse_date10(s, &ts.date) || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':' || !digits(s + 11, 2, &ts.hour) || !digits(s + 14, 2, &ts.minute) ||
        !digits(s + 17, 2, &ts.second) || !time_valid(ts.hour, ts.minute, ts.second))
        return false;
    if (len > 19) {
        size_t i = 19;
        if (s[i] == 'Z') {
            i++;
        } else if ((s[i] != '+' && s[i] != '-') || len != 25 ||
                   s[22] != ':' || !parse_offset(s, len, &i, false, &ts.offset_seconds)) {
            return false;
        }
        if (i != len)
            return false;
        ts.has_offset = true;
    }
    *out = ts;
    return true;
}

int64_t cr_timestamp_local_seconds(const cr_timestamp *ts)
{
    return cr_days_from_civil(ts->date.year, ts->date.month, ts->date.day) * 86400 +
           ts->hour * 3600 + ts->minute * 60 + ts->second;
}
