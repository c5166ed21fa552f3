/* xlsxread.c - one sheet of an .xlsx workbook as records (see xlsxread.h).
 *
 * Every part is streamed from the archive through libxml2's xmlReader (never a
 * whole tree): the read callback counts the bytes against the part's limits and
 * refuses a DOCTYPE, even one split across two reads, before the parser sees it;
 * the reader runs with the network off and without entity substitution, and an
 * entity reference or DTD node that got through anyway stops the part. The
 * small parts (workbook, relationships, styles) and the shared strings are read
 * when the workbook is opened; the sheet is read a row per call.
 */
#include "csmreport/xlsxread.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/xmlreader.h>
#include <libxml/xmlversion.h>
#include <zip.h>

#include "csmreport/datetime.h"

/* libxml2 2.12 made the structured error argument const; 2.9.14 (Debian 12)
 * does not have it. */
#if LIBXML_VERSION >= 21200
typedef const xmlError xlsx_xml_error_t;
#else
typedef xmlError xlsx_xml_error_t;
#endif

#define EXCEL_COLUMNS_MAX 16384
#define EXCEL_ROWS_MAX 1048576L

/* What a cell's number format shows (flags; none: a number). */
enum { SHOW_NUMBER = 0, SHOW_DATE = 1, SHOW_TIME = 2, SHOW_SECONDS = 4 };

typedef struct sbuf {
    char *s;
    size_t len, cap;
} sbuf;

/* One part streamed from the archive. */
typedef struct part {
    const char *path;             /* the workbook file, for messages */
    char name[512];
    zip_file_t *zf;
    xmlTextReaderPtr rd;
    unsigned long long size, comp_size, read;
    char tail[8];                 /* last bytes of the previous read (DOCTYPE scan) */
    size_t tail_len;
    int stop;                     /* why the read callback refused: STOP_* */
    char why[256];                /* libxml2's or libzip's first error */
} part;

enum { STOP_NONE = 0, STOP_DOCTYPE, STOP_SIZE, STOP_ZIP };

typedef struct row_cell {
    long col;
    size_t off, len;
} row_cell;

struct cr_xlsx {
    char *path;
    zip_t *zip;
    unsigned long long file_size;
    char sheet[256];
    bool date1904;
    /* shared strings: string i is sst.s + sst_off[i], NUL-terminated */
    sbuf sst;
    size_t *sst_off, sst_n, sst_cap;
    /* per cell style (index of cellXfs): what its number format shows */
    unsigned char *xf_show;
    size_t xf_n;
    part sheet_part;
    bool sheet_done;
    unsigned long long cells;
    long last_row;
    /* the current row: its cells' text in text, one after the other */
    sbuf text;
    row_cell *rc;
    size_t rc_n, rc_cap;
    size_t width;                 /* header width; 0 before the header */
    cr_csv_cell *fields;
    sbuf val;                     /* a cell's raw <v> or inline text */
};

/* ---- small helpers ---------------------------------------------------- */

static int sbuf_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *ns = realloc(b->s, cap);
        if (!ns)
            return -1;
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return 0;
}

static bool name_is(xmlTextReaderPtr rd, const char *name)
{
    const xmlChar *n = xmlTextReaderConstLocalName(rd);
    return n && strcmp((const char *)n, name) == 0;
}

/* Value of the attribute with this local name (namespace: none, or any when
 * any_ns), copied into buf; false when absent. */
static bool attr(xmlTextReaderPtr rd, const char *name, bool any_ns, char *buf, size_t size)
{
    bool found = false;
    if (xmlTextReaderMoveToFirstAttribute(rd) != 1)
        return false;
    do {
        const xmlChar *ln = xmlTextReaderConstLocalName(rd);
        const xmlChar *ns = xmlTextReaderConstNamespaceUri(rd);
        if (ln && strcmp((const char *)ln, name) == 0 && (any_ns ? ns != NULL : ns == NULL)) {
            const char *v = (const char *)xmlTextReaderConstValue(rd);
            size_t n = v ? strlen(v) : 0;
            n = n < size ? n : size - 1;
            memcpy(buf, v ? v : "", n);
            buf[n] = '\0';
            found = true;
            break;
        }
    } while (xmlTextReaderMoveToNextAttribute(rd) == 1);
    xmlTextReaderMoveToElement(rd);
    return found;
}

/* ---- parts ------------------------------------------------------------ */

static bool contains(const char *hay, size_t n, const char *needle, size_t m)
{
    for (size_t i = 0; i + m <= n; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, m) == 0)
            return true;
    return false;
}

static bool doctype_in(part *p, const char *buf, size_t n)
{
    static const char pat[] = "<!DOCTYPE";
    const size_t plen = sizeof pat - 1;
    char w[sizeof p->tail + sizeof pat];
    size_t k = n < plen - 1 ? n : plen - 1;
    memcpy(w, p->tail, p->tail_len);
    memcpy(w + p->tail_len, buf, k);
    if (contains(w, p->tail_len + k, pat, plen) || contains(buf, n, pat, plen))
        return true;
    /* keep the last plen - 1 bytes of what was seen */
    size_t keep = sizeof p->tail;
    if (n >= keep) {
        memcpy(p->tail, buf + n - keep, keep);
        p->tail_len = keep;
    } else {
        size_t total = p->tail_len + n; /* w holds the old tail and all of buf */
        size_t from = total > keep ? total - keep : 0;
        memmove(p->tail, w + from, total - from);
        p->tail_len = total - from;
    }
    return false;
}

static int part_read(void *ctx, char *buf, int len)
{
    part *p = ctx;
    zip_int64_t n = zip_fread(p->zf, buf, (zip_uint64_t)len);
    if (n < 0) {
        p->stop = STOP_ZIP;
        snprintf(p->why, sizeof p->why, "%s", zip_file_strerror(p->zf));
        return -1;
    }
    p->read += (unsigned long long)n;
    /* The sizes in the archive may lie: count what really comes out. */
    if (p->read > p->size || p->read > CR_XLSX_PART_MAX) {
        p->stop = STOP_SIZE;
        return -1;
    }
    if (doctype_in(p, buf, (size_t)n)) {
        p->stop = STOP_DOCTYPE;
        return -1;
    }
    return (int)n;
}

static int part_close_cb(void *ctx)
{
    (void)ctx;
    return 0;
}

static void part_error(void *ctx, xlsx_xml_error_t *e)
{
    part *p = ctx;
    if (p->why[0] || !e || e->level < XML_ERR_ERROR)
        return;
    /* libxml2's sentence, in the house style: lowercase, no full stop */
    char msg[200];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "error");
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' ' || msg[n - 1] == '.'))
        msg[--n] = '\0';
    for (char *nl = msg; (nl = strchr(nl, '\n')) != NULL;)
        *nl = ' ';
    if (msg[0] >= 'A' && msg[0] <= 'Z' && msg[1] >= 'a' && msg[1] <= 'z')
        msg[0] = (char)(msg[0] - 'A' + 'a');
    snprintf(p->why, sizeof p->why, "%s (line %d)", msg, e->line);
}

/* The error of a part that stopped. */
static int part_fail(part *p, cr_error *err)
{
    switch (p->stop) {
    case STOP_DOCTYPE:
        return cr_error_set(err, EX_DATAERR, p->path, 0, 0,
                            "part %s: DOCTYPE declarations are not allowed (no DTD, no entities)",
                            p->name);
    case STOP_SIZE:
        return cr_error_set(err, EX_DATAERR, p->path, 0, 0,
                            "part %s expands beyond its stated size or the limit of %llu MiB: "
                            "damaged, or a zip bomb",
                            p->name, CR_XLSX_PART_MAX >> 20);
    case STOP_ZIP:
        return cr_error_set(err, EX_DATAERR, p->path, 0, 0,
                            "part %s cannot be read (damaged or truncated archive): %s", p->name,
                            p->why);
    default:
        return cr_error_set(err, EX_DATAERR, p->path, 0, 0, "part %s: invalid XML: %s", p->name,
                            p->why[0] ? p->why : "not well-formed");
    }
}

static void part_close(part *p)
{
    if (p->rd)
        xmlFreeTextReader(p->rd);
    p->rd = NULL;
    if (p->zf)
        zip_fclose(p->zf);
    p->zf = NULL;
}

/* Opens entry name for streaming, after checking its sizes. *absent (when
 * given) is set instead of an error for an entry the archive does not have. */
static int part_open(cr_xlsx *x, part *p, const char *name, bool *absent, cr_error *err)
{
    memset(p, 0, sizeof *p);
    p->path = x->path;
    snprintf(p->name, sizeof p->name, "%s", name);
    zip_stat_t st;
    zip_int64_t idx = zip_name_locate(x->zip, name, 0);
    if (idx < 0 || zip_stat_index(x->zip, (zip_uint64_t)idx, 0, &st) != 0) {
        if (absent) {
            *absent = true;
            return 0;
        }
        return cr_error_set(err, EX_DATAERR, x->path, 0, 0, "not an .xlsx workbook: part %s is missing",
                            name);
    }
    if (absent)
        *absent = false;
    p->size = (st.valid & ZIP_STAT_SIZE) ? st.size : CR_XLSX_PART_MAX;
    p->comp_size = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
    if (p->size > CR_XLSX_PART_MAX)
        return cr_error_set(err, EX_DATAERR, x->path, 0, 0,
                            "part %s is %llu MiB uncompressed, over the limit of %llu MiB",
                            name, p->size >> 20, CR_XLSX_PART_MAX >> 20);
    if (p->size > CR_XLSX_RATIO_FROM &&
        p->size / (p->comp_size ? p->comp_size : 1) > CR_XLSX_RATIO_MAX)
        return cr_error_set(err, EX_DATAERR, x->path, 0, 0,
                            "part %s expands %llu times (%llu MiB from %llu KiB): refused as a "
                            "zip bomb (limit %d times beyond %llu MiB)",
                            name, p->size / (p->comp_size ? p->comp_size : 1), p->size >> 20,
                            p->comp_size >> 10, CR_XLSX_RATIO_MAX, CR_XLSX_RATIO_FROM >> 20);
    p->zf = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
    if (!p->zf)
        return cr_error_set(err, EX_DATAERR, x->path, 0, 0, "part %s cannot be read: %s", name,
                            zip_strerror(x->zip));
    /* No NOENT, DTDLOAD, DTDATTR or XINCLUDE: entities stay unexpanded. */
    p->rd = xmlReaderForIO(part_read, part_close_cb, p, name, "UTF-8",
                           XML_PARSE_NONET | XML_PARSE_IGNORE_ENC | XML_PARSE_NOCDATA);
    if (!p->rd) {
        part_close(p);
        return cr_error_nomem(err);
    }
    xmlTextReaderSetStructuredErrorHandler(p->rd, part_error, p);
    return 0;
}

/* Advances to the next node: 1, 0 at the end of the part, -1 (err filled). */
static int step(part *p, cr_error *err)
{
    int rc = xmlTextReaderRead(p->rd);
    if (rc == 1) {
        int t = xmlTextReaderNodeType(p->rd);
        if (t == XML_READER_TYPE_DOCUMENT_TYPE || t == XML_READER_TYPE_ENTITY_REFERENCE ||
            t == XML_READER_TYPE_ENTITY) {
            p->stop = STOP_DOCTYPE;
            rc = -1;
        }
    }
    if (rc < 0 || (rc == 0 && p->why[0]))
        return part_fail(p, err), -1;
    return rc;
}

static bool is_start(part *p, const char *name)
{
    return xmlTextReaderNodeType(p->rd) == XML_READER_TYPE_ELEMENT && name_is(p->rd, name);
}

static bool is_end(part *p, const char *name)
{
    return xmlTextReaderNodeType(p->rd) == XML_READER_TYPE_END_ELEMENT && name_is(p->rd, name);
}

/* At the start of element name: appends its text (of <t> children, not those
 * of phonetic runs <rPh>, when runs; else its own text) to out. */
static int read_text(part *p, const char *name, bool runs, sbuf *out, size_t max, cr_error *err)
{
    if (xmlTextReaderIsEmptyElement(p->rd))
        return 0;
    int depth = xmlTextReaderDepth(p->rd), rc;
    int in_t = runs ? 0 : 1, in_rph = 0;
    while ((rc = step(p, err)) == 1) {
        int t = xmlTextReaderNodeType(p->rd);
        if (t == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(p->rd) == depth &&
            name_is(p->rd, name))
            return 0;
        if (runs && t == XML_READER_TYPE_ELEMENT && !xmlTextReaderIsEmptyElement(p->rd)) {
            if (name_is(p->rd, "rPh"))
                in_rph++;
            else if (name_is(p->rd, "t"))
                in_t++;
        } else if (runs && t == XML_READER_TYPE_END_ELEMENT) {
            if (name_is(p->rd, "rPh"))
                in_rph--;
            else if (name_is(p->rd, "t"))
                in_t--;
        } else if ((t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_CDATA ||
                    t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
                    t == XML_READER_TYPE_WHITESPACE) &&
                   in_t > 0 && in_rph == 0) {
            const char *v = (const char *)xmlTextReaderConstValue(p->rd);
            size_t n = v ? strlen(v) : 0;
            if (out->len + n > max)
                return cr_error_set(err, EX_DATAERR, p->path, 0, 0,
                                    "part %s: a text over %zu bytes", p->name, max);
            if (sbuf_add(out, v ? v : "", n))
                return cr_error_nomem(err);
        }
    }
    return rc < 0 ? err->code
                  : cr_error_set(err, EX_DATAERR, p->path, 0, 0, "part %s ends inside <%s>",
                                 p->name, name);
}

/* ---- workbook structure ----------------------------------------------- */

/* A relationship's target, resolved against the folder of the part (base)
 * whose relationships these are. */
static void resolve_target(const char *base, const char *target, char *out, size_t size)
{
    char tmp[1024];
    if (target[0] == '/') {
        snprintf(tmp, sizeof tmp, "%s", target + 1);
    } else {
        const char *slash = strrchr(base, '/');
        int dir = slash ? (int)(slash - base + 1) : 0;
        snprintf(tmp, sizeof tmp, "%.*s%s", dir, base, target);
    }
    /* "a/b/../c" -> "a/c"; "./" dropped */
    char *segs[64];
    int n = 0;
    for (char *s = strtok(tmp, "/"); s && n < 64; s = strtok(NULL, "/")) {
        if (strcmp(s, ".") == 0)
            continue;
        if (strcmp(s, "..") == 0) {
            if (n)
                n--;
            continue;
        }
        segs[n++] = s;
    }
    out[0] = '\0';
    size_t len = 0;
    for (int i = 0; i < n && len < size; i++)
        len += (size_t)snprintf(out + len, size - len, "%s%s", i ? "/" : "", segs[i]);
}

/* The relationship targets of the part whose rels file is rels_name: the target
 * of the one with id (when id), else of the first whose type ends with
 * type_suffix. Empty when none. */
static int find_rel(cr_xlsx *x, const char *rels_name, const char *base, const char *id,
                    const char *type_suffix, char *out, size_t size, cr_error *err)
{
    part p;
    bool absent;
    out[0] = '\0';
    int rc = part_open(x, &p, rels_name, &absent, err);
    if (rc || absent)
        return rc;
    while ((rc = step(&p, err)) == 1) {
        if (!is_start(&p, "Relationship"))
            continue;
        char rid[256] = "", type[512] = "", target[512] = "", mode[32] = "";
        attr(p.rd, "Id", false, rid, sizeof rid);
        attr(p.rd, "Type", false, type, sizeof type);
        attr(p.rd, "Target", false, target, sizeof target);
        attr(p.rd, "TargetMode", false, mode, sizeof mode);
        if (strcasecmp(mode, "External") == 0)
            continue; /* never followed: no network, no outside files */
        size_t tl = strlen(type), sl = type_suffix ? strlen(type_suffix) : 0;
        if ((id && strcmp(rid, id) == 0) ||
            (!id && tl >= sl && strcmp(type + tl - sl, type_suffix) == 0)) {
            resolve_target(base, target, out, size);
            break;
        }
    }
    part_close(&p);
    return rc < 0 ? err->code : 0;
}

/* What a zip archive that is not a workbook holds, for the message. */
static const char *describe_zip(cr_xlsx *x)
{
    zip_int64_t idx = zip_name_locate(x->zip, "mimetype", 0);
    if (idx >= 0) {
        char mt[128] = "";
        zip_file_t *f = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
        if (f) {
            zip_int64_t n = zip_fread(f, mt, sizeof mt - 1);
            mt[n > 0 ? n : 0] = '\0';
            zip_fclose(f);
        }
        if (strstr(mt, "opendocument.spreadsheet"))
            return "an OpenDocument spreadsheet (.ods), not an .xlsx workbook: save it as .xlsx "
                   "or as CSV UTF-8";
        if (strstr(mt, "opendocument"))
            return "an OpenDocument file, not a CSV export or an .xlsx workbook";
        if (strstr(mt, "epub"))
            return "an EPUB book, not a CSV export or an .xlsx workbook";
    }
    if (zip_name_locate(x->zip, "word/document.xml", 0) >= 0)
        return "a Word document (.docx), not a CSV export or an .xlsx workbook";
    if (zip_name_locate(x->zip, "ppt/presentation.xml", 0) >= 0)
        return "a PowerPoint presentation (.pptx), not a CSV export or an .xlsx workbook";
    if (zip_name_locate(x->zip, "xl/workbook.bin", 0) >= 0)
        return "a binary Excel workbook (.xlsb): save it as .xlsx or as CSV UTF-8";
    return "a zip archive, not a CSV export or an .xlsx workbook (unzip it first)";
}

typedef struct sheet_entry {
    char name[256], rid[256];
    bool hidden;
} sheet_entry;

#define SHEETS_MAX 256

static int read_workbook(cr_xlsx *x, const char *wb_name, sheet_entry *sheets, int *n,
                         cr_error *err)
{
    part p;
    int rc = part_open(x, &p, wb_name, NULL, err);
    if (rc)
        return rc;
    *n = 0;
    while ((rc = step(&p, err)) == 1) {
        char v[256];
        if (is_start(&p, "workbookPr") && attr(p.rd, "date1904", false, v, sizeof v))
            x->date1904 = strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0;
        if (is_start(&p, "sheet") && *n < SHEETS_MAX) {
            sheet_entry *s = &sheets[*n];
            memset(s, 0, sizeof *s);
            attr(p.rd, "name", false, s->name, sizeof s->name);
            attr(p.rd, "id", true, s->rid, sizeof s->rid);
            s->hidden = attr(p.rd, "state", false, v, sizeof v) && strcmp(v, "visible") != 0;
            (*n)++;
        }
    }
    part_close(&p);
    return rc < 0 ? err->code : 0;
}

/* The sheet asked for, or the first visible one; NULL with err filled. */
static const sheet_entry *pick_sheet(cr_xlsx *x, const sheet_entry *s, int n, const char *want,
                                     cr_error *err)
{
    if (n == 0) {
        cr_error_set(err, EX_DATAERR, x->path, 0, 0, "the workbook has no sheets");
        return NULL;
    }
    if (!want) {
        for (int i = 0; i < n; i++)
            if (!s[i].hidden)
                return &s[i];
        return &s[0];
    }
    for (int i = 0; i < n; i++)
        if (strcmp(s[i].name, want) == 0)
            return &s[i];
    for (int i = 0; i < n; i++)
        if (strcasecmp(s[i].name, want) == 0)
            return &s[i];
    char list[CR_ERROR_MSG_MAX / 2];
    size_t len = 0;
    list[0] = '\0';
    for (int i = 0; i < n && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s'%s'", i ? ", " : "", s[i].name);
    cr_error_set(err, EX_DATAERR, x->path, 0, 0, "no sheet named '%s' (the sheets: %s)", want, list);
    return NULL;
}

/* ---- number formats ------------------------------------------------------ */

static int builtin_show(long id)
{
    if (id >= 14 && id <= 17)
        return SHOW_DATE;
    if (id == 22)
        return SHOW_DATE | SHOW_TIME;
    if (id == 18 || id == 20)
        return SHOW_TIME;
    if (id == 19 || id == 21 || (id >= 45 && id <= 47))
        return SHOW_TIME | SHOW_SECONDS;
    return SHOW_NUMBER;
}

/* A custom format code's letters outside quotes, escapes and [colour] or
 * [$-locale] brackets; [h], [mm], [ss] (elapsed time) count as time. */
static int format_show(const char *code)
{
    bool date = false, time = false, month = false, seconds = false;
    for (const char *p = code; *p; p++) {
        char c = *p;
        if (c == '"') {
            while (p[1] && p[1] != '"')
                p++;
            if (p[1])
                p++;
        } else if (c == '\\' || c == '_' || c == '*') {
            if (p[1])
                p++;
        } else if (c == '[') {
            const char *e = strchr(p, ']');
            if (!e)
                break;
            size_t n = (size_t)(e - p - 1);
            if (n && strspn(p + 1, "hHmMsS") >= n) {
                time = true;
                seconds = seconds || (p[1] | 0x20) == 's';
            }
            p = e;
        } else if (strncasecmp(p, "AM/PM", 5) == 0) {
            time = true;
            p += 4;
        } else if (strncasecmp(p, "A/P", 3) == 0) {
            time = true;
            p += 2;
        } else {
            switch (c | 0x20) {
            case 'y': case 'd': date = true; break;
            case 'h': time = true; break;
            case 's': time = seconds = true; break;
            case 'm': month = true; break;
            default: break;
            }
        }
    }
    if (month && !time)
        date = true;
    return (date ? SHOW_DATE : 0) | (time ? SHOW_TIME : 0) | (seconds ? SHOW_SECONDS : 0);
}

typedef struct numfmt {
    long id;
    int show;
} numfmt;

static int read_styles(cr_xlsx *x, const char *name, cr_error *err)
{
    part p;
    bool absent;
    int rc = part_open(x, &p, name, &absent, err);
    if (rc || absent)
        return rc;
    numfmt *fmts = NULL;
    size_t nf = 0, cf = 0, xf_cap = 0;
    int in_xfs = 0;
    while ((rc = step(&p, err)) == 1) {
        char v[1024];
        if (is_start(&p, "numFmt")) {
            char code[1024] = "";
            if (!attr(p.rd, "numFmtId", false, v, sizeof v))
                continue;
            attr(p.rd, "formatCode", false, code, sizeof code);
            if (nf == cf) {
                cf = cf ? cf * 2 : 16;
                numfmt *n2 = realloc(fmts, cf * sizeof *fmts);
                if (!n2)
                    goto nomem;
                fmts = n2;
            }
            fmts[nf++] = (numfmt){strtol(v, NULL, 10), format_show(code)};
        } else if (is_start(&p, "cellXfs") && !xmlTextReaderIsEmptyElement(p.rd)) {
            in_xfs = 1;
        } else if (is_end(&p, "cellXfs")) {
            in_xfs = 0;
        } else if (in_xfs && is_start(&p, "xf")) {
            long id = attr(p.rd, "numFmtId", false, v, sizeof v) ? strtol(v, NULL, 10) : 0;
            int show = builtin_show(id);
            for (size_t i = 0; i < nf; i++)
                if (fmts[i].id == id)
                    show = fmts[i].show;
            if (x->xf_n == xf_cap) {
                xf_cap = xf_cap ? xf_cap * 2 : 64;
                unsigned char *n2 = realloc(x->xf_show, xf_cap);
                if (!n2)
                    goto nomem;
                x->xf_show = n2;
            }
            x->xf_show[x->xf_n++] = (unsigned char)show;
        }
    }
    free(fmts);
    part_close(&p);
    return rc < 0 ? err->code : 0;
nomem:
    free(fmts);
    part_close(&p);
    return cr_error_nomem(err);
}

static int read_shared_strings(cr_xlsx *x, const char *name, cr_error *err)
{
    part p;
    bool absent;
    int rc = part_open(x, &p, name, &absent, err);
    if (rc || absent)
        return rc;
    while ((rc = step(&p, err)) == 1) {
        if (!is_start(&p, "si"))
            continue;
        if (x->sst_n + 1 >= x->sst_cap) {
            size_t cap = x->sst_cap ? x->sst_cap * 2 : 1024;
            size_t *n2 = realloc(x->sst_off, cap * sizeof *n2);
            if (!n2)
                goto nomem;
            x->sst_off = n2;
            x->sst_cap = cap;
        }
        x->sst_off[x->sst_n] = x->sst.len;
        if ((rc = read_text(&p, "si", true, &x->sst, CR_XLSX_STRINGS_MAX, err)))
            break;
        if (x->sst.len - x->sst_off[x->sst_n] > CR_CSV_FIELD_MAX) {
            rc = cr_error_set(err, EX_DATAERR, x->path, 0, 0,
                              "shared string %zu is over %d bytes", x->sst_n, CR_CSV_FIELD_MAX);
            break;
        }
        if (sbuf_add(&x->sst, "", 0)) /* makes room for the NUL and writes it */
            goto nomem;
        x->sst.len++; /* keep the NUL: each string is a C string */
        x->sst_n++;
    }
    part_close(&p);
    return rc < 0 ? err->code : rc;
nomem:
    part_close(&p);
    return cr_error_nomem(err);
}

/* ---- opening ------------------------------------------------------------- */

static int zip_open_error(const char *path, int zerr, cr_error *err)
{
    switch (zerr) {
    case ZIP_ER_NOENT:
        return cr_error_set(err, EX_NOINPUT, path, 0, 0, "cannot open: no such file");
    case ZIP_ER_OPEN:
    case ZIP_ER_READ:
        return cr_error_set(err, EX_IOERR, path, 0, 0, "cannot read: %s", strerror(errno));
    case ZIP_ER_MEMORY:
        return cr_error_nomem(err);
    case ZIP_ER_NOZIP:
        return cr_error_set(err, EX_DATAERR, path, 0, 0,
                            "truncated or damaged .xlsx workbook (its zip directory is missing)");
    default: {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        int rc = cr_error_set(err, EX_DATAERR, path, 0, 0, "damaged .xlsx workbook: %s",
                              zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return rc;
    }
    }
}

static int open_sheet(cr_xlsx *x, const char *want, cr_error *err)
{
    char wb[512], rels[600], target[512];
    int rc = find_rel(x, "_rels/.rels", "", NULL, "/officeDocument", wb, sizeof wb, err);
    if (rc)
        return rc;
    if (!wb[0] || zip_name_locate(x->zip, wb, 0) < 0) {
        if (zip_name_locate(x->zip, "xl/workbook.xml", 0) < 0)
            return cr_error_set(err, EX_DATAERR, x->path, 0, 0, "file is %s", describe_zip(x));
        snprintf(wb, sizeof wb, "xl/workbook.xml");
    }
    const char *slash = strrchr(wb, '/');
    snprintf(rels, sizeof rels, "%.*s_rels/%s.rels", slash ? (int)(slash - wb + 1) : 0, wb,
             slash ? slash + 1 : wb);

    sheet_entry *sheets = calloc(SHEETS_MAX, sizeof *sheets);
    if (!sheets)
        return cr_error_nomem(err);
    int n = 0;
    const sheet_entry *s;
    if ((rc = read_workbook(x, wb, sheets, &n, err)))
        goto out;
    if (!(s = pick_sheet(x, sheets, n, want, err))) {
        rc = err->code;
        goto out;
    }
    snprintf(x->sheet, sizeof x->sheet, "%s", s->name);
    if ((rc = find_rel(x, rels, wb, s->rid, NULL, target, sizeof target, err)))
        goto out;
    if (!target[0]) {
        rc = cr_error_set(err, EX_DATAERR, x->path, 0, 0, "sheet '%s' has no part in the workbook",
                          s->name);
        goto out;
    }
    char styles[512], strings[512];
    if ((rc = find_rel(x, rels, wb, NULL, "/styles", styles, sizeof styles, err)) ||
        (rc = find_rel(x, rels, wb, NULL, "/sharedStrings", strings, sizeof strings, err)))
        goto out;
    if ((styles[0] && (rc = read_styles(x, styles, err))) ||
        (strings[0] && (rc = read_shared_strings(x, strings, err))))
        goto out;
    bool absent;
    if ((rc = part_open(x, &x->sheet_part, target, &absent, err)))
        goto out;
    if (absent)
        rc = cr_error_set(err, EX_DATAERR, x->path, 0, 0, "sheet '%s': part %s is missing",
                          s->name, target);
out:
    free(sheets);
    return rc;
}

cr_xlsx *cr_xlsx_open(const char *path, const char *sheet, cr_error *err)
{
    cr_xlsx *x = calloc(1, sizeof *x);
    if (!x || !(x->path = strdup(path)) ||
        !(x->fields = calloc(CR_CSV_COLUMNS_MAX, sizeof *x->fields))) {
        cr_xlsx_close(x);
        cr_error_nomem(err);
        return NULL;
    }
    int zerr = 0;
    x->zip = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    if (!x->zip) {
        zip_open_error(path, zerr, err);
        cr_xlsx_close(x);
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (f) {
        if (fseek(f, 0, SEEK_END) == 0)
            x->file_size = (unsigned long long)ftell(f);
        fclose(f);
    }
    if (open_sheet(x, sheet, err)) {
        cr_xlsx_close(x);
        return NULL;
    }
    return x;
}

void cr_xlsx_close(cr_xlsx *x)
{
    if (!x)
        return;
    part_close(&x->sheet_part);
    if (x->zip)
        zip_discard(x->zip);
    free(x->path);
    free(x->sst.s);
    free(x->sst_off);
    free(x->xf_show);
    free(x->text.s);
    free(x->rc);
    free(x->fields);
    free(x->val.s);
    free(x);
}

const char *cr_xlsx_sheet(const cr_xlsx *x)
{
    return x->sheet;
}

unsigned long long cr_xlsx_offset(const cr_xlsx *x)
{
    const part *p = &x->sheet_part;
    if (!p->size)
        return 0;
    return (unsigned long long)((double)p->read / (double)p->size * (double)x->file_size);
}

/* ---- cells ------------------------------------------------------------- */

/* "C7" -> column 3, row 7; false when not a cell reference. */
static bool parse_ref(const char *s, long *col, long *row)
{
    long c = 0, r = 0;
    const char *p = s;
    for (; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'); p++) {
        c = c * 26 + ((*p | 0x20) - 'a' + 1);
        if (c > EXCEL_COLUMNS_MAX)
            return false;
    }
    for (; *p >= '0' && *p <= '9'; p++) {
        r = r * 10 + (*p - '0');
        if (r > EXCEL_ROWS_MAX)
            return false;
    }
    if (*p || c == 0 || r == 0)
        return false;
    *col = c;
    *row = r;
    return true;
}

static void column_name(long col, char *buf)
{
    char tmp[8];
    int n = 0;
    while (col > 0 && n < 7) {
        col--;
        tmp[n++] = (char)('A' + col % 26);
        col /= 26;
    }
    for (int i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
}

void cr_xlsx_position(const char *sheet, long row, long col, char *buf, size_t size)
{
    bool plain = sheet[0] != '\0';
    for (const char *p = sheet; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '.' || (unsigned char)*p >= 0x80))
            plain = false;
    char name[600];
    if (plain) {
        snprintf(name, sizeof name, "%s", sheet);
    } else {
        size_t n = 0;
        name[n++] = '\'';
        for (const char *p = sheet; *p && n < sizeof name - 3; p++) {
            if (*p == '\'')
                name[n++] = '\'';
            name[n++] = *p;
        }
        name[n++] = '\'';
        name[n] = '\0';
    }
    if (col > 0) {
        char c[8];
        column_name(col, c);
        snprintf(buf, size, "%s!%s%ld", name, c, row);
    } else {
        snprintf(buf, size, "%s row %ld", name, row);
    }
}

/* An Excel serial day number as text: what the format shows (a date, a date
 * and time, a time of day), seconds only when the format shows them or they
 * are not zero. false when not a date. */
static bool serial_text(double v, bool date1904, int show, char *out, size_t size)
{
    if (!isfinite(v) || v < 0 || v > 2958466.0) /* up to 9999-12-31 */
        return false;
    int64_t days = (int64_t)floor(v);
    long secs = lround((v - (double)days) * 86400.0);
    if (secs >= 86400) {
        days++;
        secs -= 86400;
    }
    if (!(show & SHOW_DATE) && days == 0) {
        snprintf(out, size, "%02ld:%02ld:%02ld", secs / 3600, secs / 60 % 60, secs % 60);
        return true;
    }
    if (!date1904 && days == 60)
        return false; /* 1900-02-29: a day that never was (Lotus 1-2-3's bug) */
    int64_t epoch = date1904 ? cr_days_from_civil(1904, 1, 1)
                             : days < 60 ? cr_days_from_civil(1899, 12, 31)
                                         : cr_days_from_civil(1899, 12, 30);
    char d[16];
    cr_date_format(cr_civil_from_days(epoch + days), d);
    if (!(show & SHOW_TIME))
        snprintf(out, size, "%s", d);
    else if ((show & SHOW_SECONDS) || secs % 60)
        snprintf(out, size, "%s %02ld:%02ld:%02ld", d, secs / 3600, secs / 60 % 60, secs % 60);
    else
        snprintf(out, size, "%s %02ld:%02ld", d, secs / 3600, secs / 60 % 60);
    return true;
}

/* Excel writes numbers in their shortest round-trip form; integers lose the
 * exponent and ".0" a writer may leave, others are kept as written. */
static void number_text(const char *v, char *out, size_t size)
{
    /* most cells: a plain integer, already in its shortest form */
    size_t digits = strspn(v + (v[0] == '-'), "0123456789");
    size_t len = (v[0] == '-') + digits;
    if (digits && digits < 16 && !v[len] && (v[v[0] == '-'] != '0' || digits == 1) && len < size) {
        memcpy(out, v, len + 1);
        return;
    }
    char *end;
    double d = strtod(v, &end);
    if (end != v && !*end && isfinite(d) && d == floor(d) && fabs(d) < 1e15)
        snprintf(out, size, "%.0f", d);
    else if (end != v && !*end && strpbrk(v, "eE"))
        snprintf(out, size, "%.15g", d);
    else
        snprintf(out, size, "%s", v);
}

typedef struct cell_in {
    long col, style;
    char type[16];
} cell_in;

/* The text of the cell just read (raw value in x->val), appended to x->text.
 * A row error is noted in *why (first one of the row). */
static int cell_value(cr_xlsx *x, const cell_in *c, long row, char *why, size_t why_size,
                      long *why_col, cr_error *err)
{
    const char *v = x->val.s ? x->val.s : "";
    char buf[128];
    const char *text = v;
    size_t len = x->val.len;
    if (strcmp(c->type, "s") == 0) {
        char *end;
        unsigned long i = strtoul(v, &end, 10);
        if (end == v || *end || i >= x->sst_n)
            return cr_error_set(err, EX_DATAERR, x->path, row, c->col,
                                "shared string %s does not exist (damaged workbook)", v);
        text = x->sst.s + x->sst_off[i];
        len = strlen(text);
    } else if (strcmp(c->type, "b") == 0) {
        text = strcmp(v, "1") == 0 ? "TRUE" : "FALSE";
        len = strlen(text);
    } else if (strcmp(c->type, "e") == 0) {
        if (!why[0]) {
            snprintf(why, why_size, "cell holds the error value %s", v);
            *why_col = c->col;
        }
    } else if (strcmp(c->type, "d") == 0) {
        /* ISO 8601 date cell: "2026-01-15T00:00:00" */
        snprintf(buf, sizeof buf, "%s", v);
        char *t = strchr(buf, 'T');
        if (t && strcmp(t, "T00:00:00") == 0)
            *t = '\0';
        else if (t)
            *t = ' ';
        char *dot = strchr(buf, '.');
        if (dot)
            *dot = '\0';
        text = buf;
        len = strlen(buf);
    } else if ((c->type[0] == '\0' || strcmp(c->type, "n") == 0) && len) {
        int show = c->style >= 0 && (size_t)c->style < x->xf_n ? x->xf_show[c->style] : SHOW_NUMBER;
        if (show != SHOW_NUMBER) {
            if (!serial_text(strtod(v, NULL), x->date1904, show, buf, sizeof buf)) {
                if (!why[0]) {
                    snprintf(why, why_size, "cell shows a date but holds %s, not a date", v);
                    *why_col = c->col;
                }
                number_text(v, buf, sizeof buf);
            }
        } else {
            number_text(v, buf, sizeof buf);
        }
        text = buf;
        len = strlen(buf);
    }
    if (x->rc_n == x->rc_cap) {
        size_t cap = x->rc_cap ? x->rc_cap * 2 : 64;
        row_cell *n2 = realloc(x->rc, cap * sizeof *n2);
        if (!n2)
            return cr_error_nomem(err);
        x->rc = n2;
        x->rc_cap = cap;
    }
    x->rc[x->rc_n++] = (row_cell){c->col, x->text.len, len};
    if (sbuf_add(&x->text, text, len) || sbuf_add(&x->text, "", 0))
        return cr_error_nomem(err);
    x->text.len++; /* keep the NUL: each value is a C string */
    return 0;
}

/* Reads the next <row> element into x->rc / x->text. 1, 0 at the end, -1. */
static int read_row(cr_xlsx *x, long *row, char *why, size_t why_size, long *why_col, cr_error *err)
{
    part *p = &x->sheet_part;
    int rc;
    x->rc_n = 0;
    x->text.len = 0;
    while ((rc = step(p, err)) == 1 && !is_start(p, "row"))
        if (is_end(p, "sheetData"))
            return 0;
    if (rc <= 0)
        return rc;
    char v[64];
    long r = x->last_row + 1, ignored;
    if (attr(p->rd, "r", false, v, sizeof v)) {
        char *end;
        r = strtol(v, &end, 10);
        if (*end || r < 1 || r > EXCEL_ROWS_MAX)
            return cr_error_set(err, EX_DATAERR, x->path, 0, 0, "row number '%s' is not valid", v),
                   -1;
    }
    if (r <= x->last_row)
        return cr_error_set(err, EX_DATAERR, x->path, r, 0, "row %ld comes after row %ld", r,
                            x->last_row),
               -1;
    x->last_row = r;
    *row = r;
    if (xmlTextReaderIsEmptyElement(p->rd))
        return 1;
    long last_col = 0;
    while ((rc = step(p, err)) == 1 && !is_end(p, "row")) {
        if (!is_start(p, "c"))
            continue;
        if (++x->cells > CR_XLSX_CELLS_MAX)
            return cr_error_set(err, EX_DATAERR, x->path, r, 0,
                                "the sheet has more than %llu cells (the limit)", CR_XLSX_CELLS_MAX),
                   -1;
        cell_in c = {.col = last_col + 1, .style = 0};
        if (attr(p->rd, "r", false, v, sizeof v) && (!parse_ref(v, &c.col, &ignored) || ignored != r))
            return cr_error_set(err, EX_DATAERR, x->path, r, 0,
                                "cell reference '%s' is not in row %ld", v, r),
                   -1;
        if (c.col <= last_col)
            return cr_error_set(err, EX_DATAERR, x->path, r, c.col, "cells out of order"), -1;
        last_col = c.col;
        if (attr(p->rd, "s", false, v, sizeof v))
            c.style = strtol(v, NULL, 10);
        attr(p->rd, "t", false, c.type, sizeof c.type);
        x->val.len = 0;
        if (x->val.s)
            x->val.s[0] = '\0';
        if (!xmlTextReaderIsEmptyElement(p->rd)) {
            while ((rc = step(p, err)) == 1 && !is_end(p, "c")) {
                if (is_start(p, "v") && (rc = read_text(p, "v", false, &x->val, CR_CSV_FIELD_MAX, err)))
                    return -1;
                if (is_start(p, "is") && (rc = read_text(p, "is", true, &x->val, CR_CSV_FIELD_MAX, err)))
                    return -1;
            }
            if (rc <= 0)
                return rc < 0 ? -1 : (cr_error_set(err, EX_DATAERR, x->path, r, c.col,
                                                   "the sheet ends inside a cell"), -1);
        }
        if (cell_value(x, &c, r, why, why_size, why_col, err))
            return -1;
    }
    if (rc <= 0)
        return rc < 0 ? -1 : (cr_error_set(err, EX_DATAERR, x->path, r, 0, "the sheet ends inside a row"), -1);
    return 1;
}

int cr_xlsx_next(cr_xlsx *x, const cr_csv_cell **cells, size_t *n, long *row, cr_error *err)
{
    static const char empty[1] = "";
    if (x->sheet_done)
        return 0;
    for (;;) {
        char why[256] = "";
        long why_col = 0, r = 0;
        int rc = read_row(x, &r, why, sizeof why, &why_col, err);
        if (rc <= 0) {
            x->sheet_done = rc == 0;
            return rc;
        }
        long last = 0; /* last non-empty column */
        for (size_t i = 0; i < x->rc_n; i++)
            if (x->rc[i].len)
                last = x->rc[i].col;
        if (last == 0)
            continue; /* empty rows are formatting, not data */
        if (!x->width) {
            if (last > CR_CSV_COLUMNS_MAX)
                return cr_error_set(err, EX_DATAERR, x->path, r, last,
                                    "the header has more than %d columns", CR_CSV_COLUMNS_MAX),
                       -1;
            x->width = (size_t)last;
        }
        for (size_t i = 0; i < x->width; i++)
            x->fields[i] = (cr_csv_cell){empty, 0, r, (long)i + 1};
        for (size_t i = 0; i < x->rc_n; i++) {
            const row_cell *c = &x->rc[i];
            if ((size_t)c->col <= x->width) {
                x->fields[c->col - 1].s = x->text.s + c->off;
                x->fields[c->col - 1].len = c->len;
            } else if (c->len && !why[0]) {
                char a[8], b[8];
                column_name(c->col, a);
                column_name((long)x->width, b);
                snprintf(why, sizeof why, "a value in column %s, right of the header's last column %s",
                         a, b);
                why_col = c->col;
            }
        }
        *cells = x->fields;
        *n = x->width;
        *row = r;
        if (why[0]) {
            cr_error_set(err, EX_DATAERR, x->path, r, why_col, "%s", why);
            return 2;
        }
        return 1;
    }
}

/* ---- as a record reader ------------------------------------------------ */

static int source_next(void *ctx, const cr_csv_cell **cells, size_t *n, long *line, cr_error *err)
{
    return cr_xlsx_next(ctx, cells, n, line, err);
}

static unsigned long long source_offset(void *ctx)
{
    return cr_xlsx_offset(ctx);
}

static void source_close(void *ctx)
{
    cr_xlsx_close(ctx);
}

static const cr_csv_source xlsx_source = {source_next, source_offset, source_close};

cr_csv *cr_xlsx_open_records(const char *path, const char *sheet, char *sheet_name, size_t size,
                             cr_error *err)
{
    cr_xlsx *x = cr_xlsx_open(path, sheet, err);
    if (!x)
        return NULL;
    snprintf(sheet_name, size, "%s", x->sheet);
    return cr_csv_open_source(path, &xlsx_source, x, err);
}

/* ---- other binary files ---------------------------------------------- */

const char *cr_xlsx_sniff_binary(const unsigned char *h, size_t len)
{
    static const struct {
        const char *magic;
        size_t len;
        const char *what;
    } known[] = {
        {"PK\x03\x04", 4, "zip"},
        {"PK\x05\x06", 4, "zip"},
        {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8,
         "a legacy Excel .xls workbook (or another OLE2 Office file): save it as .xlsx or as CSV UTF-8"},
        {"%PDF-", 5, "a PDF document, not a CSV export"},
        {"\x1F\x8B", 2, "gzip-compressed: decompress it first"},
        {"BZh", 3, "bzip2-compressed: decompress it first"},
        {"\xFD" "7zXZ\x00", 6, "xz-compressed: decompress it first"},
        {"\x28\xB5\x2F\xFD", 4, "zstd-compressed: decompress it first"},
        {"7z\xBC\xAF\x27\x1C", 6, "a 7-Zip archive, not a CSV export"},
        {"Rar!\x1A\x07", 6, "a RAR archive, not a CSV export"},
        {"\x89PNG\r\n\x1A\n", 8, "a PNG image, not a CSV export"},
        {"\xFF\xD8\xFF", 3, "a JPEG image, not a CSV export"},
        {"GIF8", 4, "a GIF image, not a CSV export"},
        {"SQLite format 3", 16, "an SQLite database, not a CSV export (a csmreport store?)"},
        {"\x7F" "ELF", 4, "an executable program, not a CSV export"},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (len >= known[i].len && memcmp(h, known[i].magic, known[i].len) == 0)
            return known[i].what;
    return NULL;
}
