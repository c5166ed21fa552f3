/* tz.c - IANA time zones read from the system's TZif files (RFC 9636, tzfile(5)).
 *
 * The C library's zone state is process-wide, so this module reads the TZif data
 * itself: the 64-bit block of version 2+ files (the 32-bit block of version 1),
 * and the POSIX TZ footer ("CET-1CEST,M3.5.0,M10.5.0/3") for instants past the
 * last transition, which "slim" files rely on for every recent year. Loaded zones
 * are immutable and kept in a mutex-protected list until cr_tz_cleanup.
 */
#include "csmreport/tz.h"

#include "csmreport/datetime.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TZ_NAME_MAX 255
#define TZ_FILE_MAX (1 << 20)  /* real files are a few KiB */
#define TZ_FOOTER_MAX 256
#define TZ_PATH_MAX 4096
/* No real offset comes near this; it bounds the local_to_utc search window. */
#define TZ_OFFSET_LIMIT (26 * 3600)
#define TZ_DEFAULT_DIR "/usr/share/zoneinfo"

/* One end of a daylight saving period in a POSIX TZ rule. */
typedef struct rule_date {
    char kind;            /* 'J' Jn (no Feb 29), 'D' n (zero-based), 'M' Mm.w.d */
    int month, week, wday; /* 'M': 1..12, 1..5 (5 = last), 0 = Sunday */
    int yday;              /* 'J': 1..365; 'D': 0..365 */
    int time;              /* local seconds after midnight; may be < 0 or > 24h */
} rule_date;

typedef struct tz_rule {
    int std_off, dst_off; /* seconds east of UTC */
    bool has_dst;
    rule_date start, end;
} tz_rule;

struct cr_tz {
    struct cr_tz *next;
    char *name;
    size_t ntrans;
    int64_t *trans;    /* ascending UTC instants */
    int32_t *trans_off; /* offset in force from trans[i] on */
    int32_t first_off; /* before the first transition (time type 0) */
    bool has_rule;     /* footer applies from the last transition on */
    tz_rule rule;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static cr_tz *cache;

/* ---- POSIX TZ rule ------------------------------------------------------- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* An abbreviation: three or more letters, or <...> of letters, digits, + and -. */
static bool parse_abbr(const char **pp)
{
    const char *p = *pp, *start;
    if (*p == '<') {
        start = ++p;
        while (is_alpha(*p) || is_digit(*p) || *p == '+' || *p == '-')
            p++;
        if (*p != '>' || p - start < 3)
            return false;
        p++;
    } else {
        start = p;
        while (is_alpha(*p))
            p++;
        if (p - start < 3)
            return false;
    }
    *pp = p;
    return true;
}

/* Unsigned number of min..max digits, at most limit. */
static bool parse_uint(const char **pp, int max_digits, int limit, int *out)
{
    const char *p = *pp;
    int v = 0, n = 0;
    while (is_digit(*p) && n < max_digits) {
        v = v * 10 + (*p++ - '0');
        n++;
    }
    if (n == 0 || is_digit(*p) || v > limit)
        return false;
    *out = v;
    *pp = p;
    return true;
}

/* [+-]h[h[h]][:mm[:ss]] in seconds, hours at most max_hours. */
static bool parse_hms(const char **pp, int max_hours, int *out)
{
    const char *p = *pp;
    int sign = 1, h, m = 0, s = 0;
    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    if (!parse_uint(&p, 3, max_hours, &h))
        return false;
    if (*p == ':') {
        p++;
        if (!parse_uint(&p, 2, 59, &m))
            return false;
        if (*p == ':') {
            p++;
            if (!parse_uint(&p, 2, 59, &s))
                return false;
        }
    }
    *out = sign * (h * 3600 + m * 60 + s);
    *pp = p;
    return true;
}

static bool parse_rule_date(const char **pp, rule_date *r)
{
    const char *p = *pp;
    memset(r, 0, sizeof *r);
    if (*p == 'M') {
        p++;
        r->kind = 'M';
        if (!parse_uint(&p, 2, 12, &r->month) || r->month < 1 || *p++ != '.' ||
            !parse_uint(&p, 1, 5, &r->week) || r->week < 1 || *p++ != '.' ||
            !parse_uint(&p, 1, 6, &r->wday))
            return false;
    } else if (*p == 'J') {
        p++;
        r->kind = 'J';
        if (!parse_uint(&p, 3, 365, &r->yday) || r->yday < 1)
            return false;
    } else {
        r->kind = 'D';
        if (!parse_uint(&p, 3, 365, &r->yday))
            return false;
    }
    r->time = 2 * 3600;
    /* RFC 9636 allows -167..167 hours (newer tzdata uses e.g. "/-1", "/25"). */
    if (*p == '/') {
        p++;
        if (!parse_hms(&p, 167, &r->time))
            return false;
    }
    *pp = p;
    return true;
}

/* The footer string; offsets in it count west of UTC, ours east. */
static bool parse_footer(const char *s, tz_rule *r)
{
    const char *p = s;
    int west;
    memset(r, 0, sizeof *r);
    if (!parse_abbr(&p) || !parse_hms(&p, 24, &west))
        return false;
    r->std_off = r->dst_off = -west;
    if (*p == '\0')
        return true;
    if (!parse_abbr(&p))
        return false;
    r->has_dst = true;
    r->dst_off = r->std_off + 3600;
    if (*p != ',' && *p != '\0') {
        if (!parse_hms(&p, 24, &west))
            return false;
        r->dst_off = -west;
    }
    if (*p == '\0') {
        /* No dates given: the US rule, as the C library assumes. */
        const char *def = "M3.2.0,M11.1.0";
        return parse_rule_date(&def, &r->start) && *def++ == ',' &&
               parse_rule_date(&def, &r->end);
    }
    if (*p++ != ',' || !parse_rule_date(&p, &r->start) || *p++ != ',' ||
        !parse_rule_date(&p, &r->end))
        return false;
    return *p == '\0';
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Local seconds (since the epoch) of a rule date in year. */
static int64_t rule_local_seconds(const rule_date *r, int year)
{
    int64_t days;
    if (r->kind == 'M') {
        int64_t first = cr_days_from_civil(year, r->month, 1);
        int first_wday = (cr_weekday(first) + 1) % 7; /* Sunday = 0 */
        int day = (r->wday - first_wday + 7) % 7 + 7 * (r->week - 1);
        int dim = cr_days_in_month(year, r->month);
        while (day >= dim) /* week 5 means the last such weekday */
            day -= 7;
        days = first + day;
    } else if (r->kind == 'J') {
        days = cr_days_from_civil(year, 1, 1) + r->yday - 1 +
               (cr_is_leap_year(year) && r->yday >= 60);
    } else {
        days = cr_days_from_civil(year, 1, 1) + r->yday;
    }
    return days * 86400 + r->time;
}

/* DST starts at a standard-time reading and ends at a daylight-time reading. */
static int64_t rule_start_utc(const tz_rule *r, int year)
{
    return rule_local_seconds(&r->start, year) - r->std_off;
}

static int64_t rule_end_utc(const tz_rule *r, int year)
{
    return rule_local_seconds(&r->end, year) - r->dst_off;
}

static int rule_year(const tz_rule *r, int64_t utc)
{
    return cr_civil_from_days(floor_div(utc + r->std_off, 86400)).year;
}

/* The offset of the latest rule transition at or before utc, looking at the
 * neighbouring years too since transition times may spill over a year end.
 * On a tie the start of DST wins (a zone on DST all year). */
static int rule_offset(const tz_rule *r, int64_t utc)
{
    if (!r->has_dst)
        return r->std_off;
    int year = rule_year(r, utc);
    int64_t best = INT64_MIN;
    int off = r->std_off;
    for (int y = year - 1; y <= year + 1; y++) {
        int64_t e = rule_end_utc(r, y), s = rule_start_utc(r, y);
        if (e <= utc && e >= best) {
            best = e;
            off = r->std_off;
        }
        if (s <= utc && s >= best) {
            best = s;
            off = r->dst_off;
        }
    }
    return off;
}

/* The first rule transition after utc. */
static bool rule_next(const tz_rule *r, int64_t utc, int64_t *next)
{
    if (!r->has_dst)
        return false;
    int year = rule_year(r, utc);
    int64_t best = INT64_MAX;
    for (int y = year - 1; y <= year + 2; y++) {
        int64_t e = rule_end_utc(r, y), s = rule_start_utc(r, y);
        if (e > utc && e < best)
            best = e;
        if (s > utc && s < best)
            best = s;
    }
    *next = best;
    return best != INT64_MAX;
}

/* ---- lookups ------------------------------------------------------------- */

/* Index of the last transition at or before utc; the caller knows one exists. */
static size_t find_transition(const cr_tz *tz, int64_t utc)
{
    size_t lo = 0, hi = tz->ntrans; /* trans[lo] <= utc < trans[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (tz->trans[mid] <= utc)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

int cr_tz_offset_at(const cr_tz *tz, int64_t utc)
{
    if (!tz)
        return 0;
    if (tz->ntrans == 0)
        return tz->has_rule ? rule_offset(&tz->rule, utc) : tz->first_off;
    if (utc < tz->trans[0])
        return tz->first_off;
    if (tz->has_rule && utc >= tz->trans[tz->ntrans - 1])
        return rule_offset(&tz->rule, utc);
    return tz->trans_off[find_transition(tz, utc)];
}

/* The first instant after utc where the offset may change. */
static bool next_transition(const cr_tz *tz, int64_t utc, int64_t *next)
{
    if (tz->ntrans > 0 && utc < tz->trans[tz->ntrans - 1]) {
        *next = utc < tz->trans[0] ? tz->trans[0] : tz->trans[find_transition(tz, utc) + 1];
        return true;
    }
    if (tz->has_rule && (tz->ntrans == 0 || utc >= tz->trans[tz->ntrans - 1]))
        return rule_next(&tz->rule, utc, next);
    return false;
}

int64_t cr_tz_utc_to_local(const cr_tz *tz, int64_t utc)
{
    return utc + cr_tz_offset_at(tz, utc);
}

int64_t cr_tz_local_to_utc(const cr_tz *tz, int64_t local_seconds)
{
    if (!tz)
        return local_seconds;
    /* Walk the constant-offset segments of the window that can hold the answer,
     * earliest first: the first segment containing local - offset is the earlier
     * instant of an overlap; a reading skipped between two segments (a gap) keeps
     * the offset of the segment before it. */
    int64_t t = local_seconds - TZ_OFFSET_LIMIT - 1;
    int off = cr_tz_offset_at(tz, t);
    for (int guard = 0; guard < 1000; guard++) {
        int64_t next, u = local_seconds - off;
        if (!next_transition(tz, t, &next) || u < next)
            return u;
        int next_off = cr_tz_offset_at(tz, next);
        if (local_seconds - next_off < next)
            return u; /* in the gap */
        t = next;
        off = next_off;
    }
    return local_seconds - cr_tz_offset_at(tz, local_seconds - off);
}

/* ---- loading ------------------------------------------------------------- */

typedef struct tzif_counts {
    uint64_t isut, isstd, leap, time, type, chars;
} tzif_counts;

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static bool read_header(const unsigned char *p, size_t avail, int *version, tzif_counts *c)
{
    if (avail < 44 || memcmp(p, "TZif", 4) != 0)
        return false;
    *version = p[4] == 0 ? 1 : p[4] - '0';
    c->isut = be32(p + 20);
    c->isstd = be32(p + 24);
    c->leap = be32(p + 28);
    c->time = be32(p + 32);
    c->type = be32(p + 36);
    c->chars = be32(p + 40);
    return *version >= 1 && *version <= 9;
}

static uint64_t block_size(const tzif_counts *c, int timesize)
{
    return c->time * (uint64_t)timesize + c->time + c->type * 6 + c->chars +
           c->leap * (uint64_t)(timesize + 4) + c->isstd + c->isut;
}

static void tz_free(cr_tz *tz)
{
    if (!tz)
        return;
    free(tz->name);
    free(tz->trans);
    free(tz->trans_off);
    free(tz);
}

/* Fills tz from the data block at p (times of timesize bytes). */
static bool parse_block(cr_tz *tz, const unsigned char *p, const tzif_counts *c, int timesize)
{
    /* Leap-second ("right/") zones count seconds on another scale than ours. */
    if (c->type == 0 || c->leap != 0)
        return false;
    const unsigned char *times = p, *idx = p + c->time * timesize;
    const unsigned char *types = idx + c->time;
    int32_t offs[256];
    if (c->type > 256)
        return false;
    for (uint64_t i = 0; i < c->type; i++) {
        int32_t off = (int32_t)be32(types + 6 * i);
        if (off < -TZ_OFFSET_LIMIT || off > TZ_OFFSET_LIMIT || types[6 * i + 4] > 1)
            return false;
        offs[i] = off;
    }
    tz->first_off = offs[0];
    tz->ntrans = (size_t)c->time;
    if (tz->ntrans == 0)
        return true;
    tz->trans = malloc(tz->ntrans * sizeof *tz->trans);
    tz->trans_off = malloc(tz->ntrans * sizeof *tz->trans_off);
    if (!tz->trans || !tz->trans_off)
        return false;
    for (size_t i = 0; i < tz->ntrans; i++) {
        tz->trans[i] = timesize == 8 ? be64(times + 8 * i) : (int32_t)be32(times + 4 * i);
        if (i > 0 && tz->trans[i] <= tz->trans[i - 1])
            return false;
        if (idx[i] >= c->type)
            return false;
        tz->trans_off[i] = offs[idx[i]];
    }
    return true;
}

/* Parses a whole TZif file into tz. */
static bool parse_tzif(cr_tz *tz, const unsigned char *data, size_t size)
{
    int version;
    tzif_counts c;
    if (!read_header(data, size, &version, &c))
        return false;
    uint64_t v1 = block_size(&c, 4);
    if (v1 > size - 44)
        return false;
    if (version == 1)
        return parse_block(tz, data + 44, &c, 4);

    const unsigned char *h2 = data + 44 + v1;
    size_t rest = size - 44 - (size_t)v1;
    int version2;
    if (!read_header(h2, rest, &version2, &c))
        return false;
    uint64_t v2 = block_size(&c, 8);
    if (v2 > rest - 44)
        return false;
    if (!parse_block(tz, h2 + 44, &c, 8))
        return false;

    /* The footer: "\n" TZ string "\n"; an empty string means no rule. */
    const unsigned char *f = h2 + 44 + v2;
    size_t flen = rest - 44 - (size_t)v2;
    if (flen < 2 || f[0] != '\n')
        return false;
    const unsigned char *nl = memchr(f + 1, '\n', flen - 1);
    if (!nl || (size_t)(nl - f - 1) >= TZ_FOOTER_MAX)
        return false;
    char footer[TZ_FOOTER_MAX];
    memcpy(footer, f + 1, (size_t)(nl - f - 1));
    footer[nl - f - 1] = '\0';
    if (footer[0] == '\0')
        return true;
    if (!parse_footer(footer, &tz->rule))
        return false;
    tz->has_rule = true;
    return true;
}

/* Reads path whole into a new buffer (caller frees). */
static unsigned char *read_file(const char *path, size_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    unsigned char *buf = NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 44 ||
        st.st_size > TZ_FILE_MAX)
        goto out_close;
    buf = malloc((size_t)st.st_size);
    if (!buf)
        goto out_close;
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n <= 0) {
            free(buf);
            buf = NULL;
            goto out_close;
        }
        got += (size_t)n;
    }
    *size = got;
out_close:
    close(fd);
    return buf;
}

/* Zone names are relative paths of plain components: nothing that could leave
 * the zone directory or reach a device, checked before any file is opened. */
static bool name_acceptable(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > TZ_NAME_MAX || name[0] == '/' || name[len - 1] == '/' ||
        strstr(name, "..") || strstr(name, "//"))
        return false;
    for (const char *p = name; *p; p++) {
        if (!is_alpha(*p) && !is_digit(*p) && *p != '/' && *p != '_' && *p != '+' &&
            *p != '-')
            return false;
    }
    return true;
}

static bool is_builtin_utc(const char *name)
{
    return strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0;
}

/* A new zone for a name already checked; NULL when it cannot be loaded. */
static cr_tz *tz_load(const char *name)
{
    cr_tz *tz = calloc(1, sizeof *tz);
    if (!tz)
        return NULL;
    tz->name = strdup(name);
    if (!tz->name)
        goto out_free;
    if (is_builtin_utc(name))
        return tz; /* works without tzdata installed */

    const char *dir = getenv("TZDIR");
    if (!dir || !*dir)
        dir = TZ_DEFAULT_DIR;
    char path[TZ_PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof path)
        goto out_free;
    size_t size = 0;
    unsigned char *data = read_file(path, &size);
    if (!data)
        goto out_free;
    bool ok = parse_tzif(tz, data, size);
    free(data);
    if (ok)
        return tz;
out_free:
    tz_free(tz);
    return NULL;
}

/* Copies name for an error message: printable ASCII only, bounded. */
static void printable_name(const char *name, char *buf, size_t size)
{
    size_t i = 0;
    for (; name[i] && i + 1 < size; i++)
        buf[i] = name[i] >= 0x20 && name[i] < 0x7f ? name[i] : '?';
    buf[i] = '\0';
}

/* The cached zone called name, loading it on first use; NULL when unknown. */
static const cr_tz *tz_lookup(const char *name)
{
    pthread_mutex_lock(&cache_lock);
    cr_tz *tz;
    for (tz = cache; tz; tz = tz->next)
        if (strcmp(tz->name, name) == 0)
            break;
    if (!tz) {
        /* Loaded under the lock: a zone is read once, however many threads ask. */
        tz = tz_load(name);
        if (tz) {
            tz->next = cache;
            cache = tz;
        }
    }
    pthread_mutex_unlock(&cache_lock);
    return tz;
}

const cr_tz *cr_tz_get(const char *name, cr_error *err)
{
    if (!name || !*name)
        name = "UTC";
    const cr_tz *tz = name_acceptable(name) ? tz_lookup(name) : NULL;
    if (!tz) {
        char shown[80];
        printable_name(name, shown, sizeof shown);
        cr_error_set(err, EX_DATAERR, NULL, 0, 0, "unknown time zone '%s'", shown);
    }
    return tz;
}

bool cr_tz_valid(const char *name)
{
    return cr_tz_get(name, NULL) != NULL;
}

const char *cr_tz_name(const cr_tz *tz)
{
    return tz ? tz->name : "UTC";
}

void cr_tz_cleanup(void)
{
    pthread_mutex_lock(&cache_lock);
    while (cache) {
        cr_tz *next = cache->next;
        tz_free(cache);
        cache = next;
    }
    pthread_mutex_unlock(&cache_lock);
}
