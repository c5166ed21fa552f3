/* xmlsafe.c - reading the program's XML inputs safely (SPEC section 9).
 *
 * Order of defences: size cap while reading, byte checks before the parser sees
 * anything (gzip magic, UTF-8 only, no DOCTYPE anywhere), a parse from memory
 * with the network off and the document forced to UTF-8, a walk of the tree
 * (entity references, XInclude, depth) and finally the embedded XML schema.
 * libxml2 never prints: its first error is collected into the cr_error.
 */
#include "csmreport/xmlsafe.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlversion.h>

#include "embedded.h"

/* libxml2 2.12 made the structured error argument const; 2.9.14 (Debian 12)
 * does not have it. */
#if LIBXML_VERSION >= 21200
typedef const xmlError cr_xml_error_t;
#else
typedef xmlError cr_xml_error_t;
#endif

#define XINCLUDE_NS_2001 "http://www.w3.org/2001/XInclude"
#define XINCLUDE_NS_2003 "http://www.w3.org/2003/XInclude"

/* What the error handlers collect: the first error only, later ones are
 * usually consequences of it. */
typedef struct collector {
    bool have;
    bool parser;          /* from the parser (not well-formed) rather than the schema */
    long line, column;
    char message[CR_ERROR_MSG_MAX];
} collector;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_parser(void)
{
    xmlInitParser();
}

/* Replaces every occurrence of from by to in buf (NUL-terminated, size bytes). */
static void replace_all(char *buf, size_t size, const char *from, const char *to)
{
    size_t flen = strlen(from), tlen = strlen(to);
    char *p = buf;
    while ((p = strstr(p, from)) != NULL) {
        size_t rest = strlen(p + flen);
        if ((size_t)(p - buf) + tlen + rest + 1 > size)
            return;
        memmove(p + tlen, p + flen, rest + 1);
        memcpy(p, to, tlen);
        p += tlen;
    }
}

/* libxml2's messages are English sentences with capitals and full stops; the
 * house style is lowercase, problem first, no full stop. The wording is kept
 * so that a search engine still finds it. */
static void reword(char *msg, size_t size, bool parser)
{
    size_t n = strlen(msg);
    while (n > 0 && (isspace((unsigned char)msg[n - 1]) || msg[n - 1] == '.'))
        msg[--n] = '\0';
    if (strstr(msg, "Excessive depth in document")) {
        snprintf(msg, size, "elements nested deeper than %d levels", CR_XML_DEPTH_MAX);
        return;
    }
    replace_all(msg, size, "[facet 'enumeration'] ", "");
    replace_all(msg, size, "[facet 'pattern'] ", "");
    replace_all(msg, size, "[facet 'minLength'] ", "");
    replace_all(msg, size, "The attribute ", "attribute ");
    replace_all(msg, size, " is required but missing", " is required");
    replace_all(msg, size, "is not an element of the set", "is not one of");
    replace_all(msg, size, " of the local atomic type", "");
    replace_all(msg, size, "is not a valid value of the atomic type 'xs:boolean'",
                "is not true or false");
    replace_all(msg, size, "No matching global declaration available for the validation root",
                "not the root element this file should have");
    replace_all(msg, size, "Expected is one of", "expected one of");
    replace_all(msg, size, "Expected is", "expected");
    replace_all(msg, size, "Duplicate key-sequence", "duplicate value");
    replace_all(msg, size, "in unique identity-constraint", "breaks the rule");
    replace_all(msg, size, ". ", "; ");
    /* Lowercase a capital that starts a sentence part ("Element", "This",
     * "Missing"), not an acronym ("XML"). */
    for (char *p = msg; *p; p++) {
        bool start = p == msg || (p >= msg + 2 && (p[-2] == ':' || p[-2] == ';') && p[-1] == ' ');
        if (start && isupper((unsigned char)p[0]) && islower((unsigned char)p[1]))
            *p = (char)tolower((unsigned char)*p);
    }
    if (parser && strncmp(msg, "elements nested", 15) != 0) {
        char tmp[CR_ERROR_MSG_MAX];
        snprintf(tmp, sizeof tmp, "invalid XML: %s", msg);
        snprintf(msg, size, "%s", tmp);
    }
}

static void collect(void *data, cr_xml_error_t *e)
{
    collector *c = data;
    if (c->have || !e || e->level < XML_ERR_ERROR)
        return;
    c->have = true;
    c->parser = e->domain == XML_FROM_PARSER || e->domain == XML_FROM_NAMESPACE ||
                e->domain == XML_FROM_IO || e->domain == XML_FROM_I18N;
    c->line = e->line;
    c->column = c->parser && e->int2 > 0 ? e->int2 : 0;
    if (e->node && !c->parser)
        c->line = xmlGetLineNo((xmlNodePtr)e->node);
    snprintf(c->message, sizeof c->message, "%s", e->message ? e->message : "unknown error");
    reword(c->message, sizeof c->message, c->parser);
}

/* For libxml2 code paths that report through the generic channel only. */
static void silence(void *data, const char *fmt, ...)
{
    (void)data;
    (void)fmt;
}

/* Copies the collected error, or a fallback message, into err. */
static int report(cr_error *err, const collector *c, const char *name, const char *fallback)
{
    if (c->have)
        return cr_error_set(err, EX_CONFIG, name, c->line > 0 ? c->line : 0, c->column, "%s",
                            c->message);
    return cr_error_set(err, EX_CONFIG, name, 0, 0, "%s", fallback);
}

static long line_of_offset(const char *data, size_t off)
{
    long line = 1;
    for (size_t i = 0; i < off; i++)
        if (data[i] == '\n')
            line++;
    return line;
}

/* The parser is told the input is UTF-8 and to ignore any encoding
 * declaration, so checking that the bytes are UTF-8 makes the DOCTYPE scan see
 * exactly what the parser will see (no UTF-16, UTF-7 or EBCDIC disguises).
 * Returns the offset of the first bad byte, or len when all is well. */
static size_t utf8_check(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        unsigned cp;
        if (c == 0)
            return i;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return i;
        }
        for (size_t k = 1; k <= n; k++) {
            if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return i;
        i += n + 1;
    }
    return len;
}

/* Refusals that need only the bytes. */
static int check_bytes(const char *data, size_t len, const char *name, cr_error *err)
{
    const unsigned char *u = (const unsigned char *)data;
    if (len >= 2 && u[0] == 0x1f && u[1] == 0x8b)
        return cr_error_set(err, EX_CONFIG, name, 0, 0,
                            "file is gzip-compressed: decompress it first");
    if (len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff)))
        return cr_error_set(err, EX_CONFIG, name, 1, 0, "file is UTF-16: save it as UTF-8");
    size_t bad = utf8_check(u, len);
    if (bad < len)
        return cr_error_set(err, EX_CONFIG, name, line_of_offset(data, bad), 0,
                            u[bad] == 0 ? "file contains a NUL byte (only UTF-8 is read)"
                                        : "file is not valid UTF-8 (byte offset %zu)",
                            bad);
    /* Refused before parsing: no DTD means no entity declarations, so no
     * entity expansion (billion laughs) and no external entities (XXE). A
     * DOCTYPE inside a comment is refused too; nobody needs one there. */
    static const char doctype[] = "<!DOCTYPE";
    size_t dlen = sizeof doctype - 1;
    for (size_t i = 0; i + dlen <= len; i++)
        if (data[i] == '<' && memcmp(data + i, doctype, dlen) == 0)
            return cr_error_set(err, EX_CONFIG, name, line_of_offset(data, i), 0,
                                "DOCTYPE declarations are not allowed (no DTD, no entities)");
    return 0;
}

static bool is_xinclude_ns(const xmlNs *ns)
{
    return ns && ns->href &&
           (strcmp((const char *)ns->href, XINCLUDE_NS_2001) == 0 ||
            strcmp((const char *)ns->href, XINCLUDE_NS_2003) == 0);
}

/* Refusals that need the tree. depth counts elements from the root (1). */
static int check_tree(xmlNodePtr node, int depth, const char *name, cr_error *err)
{
    for (; node; node = node->next) {
        long line = xmlGetLineNo(node);
        switch (node->type) {
        case XML_ENTITY_REF_NODE:
        case XML_ENTITY_NODE:
        case XML_ENTITY_DECL:
            return cr_error_set(err, EX_CONFIG, name, line > 0 ? line : 0, 0,
                                "entity references are not allowed");
        case XML_DTD_NODE:
        case XML_DOCUMENT_TYPE_NODE:
            return cr_error_set(err, EX_CONFIG, name, line > 0 ? line : 0, 0,
                                "DOCTYPE declarations are not allowed (no DTD, no entities)");
        case XML_XINCLUDE_START:
        case XML_XINCLUDE_END:
            return cr_error_set(err, EX_CONFIG, name, line > 0 ? line : 0, 0,
                                "XInclude is not allowed");
        case XML_ELEMENT_NODE: {
            if (depth > CR_XML_DEPTH_MAX)
                return cr_error_set(err, EX_CONFIG, name, line, 0,
                                    "elements nested deeper than %d levels", CR_XML_DEPTH_MAX);
            bool xi = is_xinclude_ns(node->ns);
            for (xmlNsPtr ns = node->nsDef; ns && !xi; ns = ns->next)
                xi = is_xinclude_ns(ns);
            for (xmlAttrPtr a = node->properties; a && !xi; a = a->next)
                xi = is_xinclude_ns(a->ns);
            if (xi)
                return cr_error_set(err, EX_CONFIG, name, line, 0,
                                    "element '%s': XInclude is not allowed", node->name);
            int rc = check_tree(node->children, depth + 1, name, err);
            if (rc)
                return rc;
            break;
        }
        default:
            break;
        }
    }
    return 0;
}

static int validate(xmlDocPtr doc, const char *xsd_name, const char *name, cr_error *err)
{
    const cr_embedded_file *xsd = cr_embedded_find(xsd_name);
    if (!xsd)
        return cr_error_set(err, EX_SOFTWARE, name, 0, 0, "no embedded schema named %s",
                            xsd_name);
    collector c = {0};
    int rc = EX_SOFTWARE;
    xmlSchemaParserCtxtPtr pctx = xmlSchemaNewMemParserCtxt(xsd->data, (int)xsd->size);
    if (!pctx) {
        cr_error_set(err, EX_SOFTWARE, name, 0, 0, "cannot read embedded schema %s", xsd_name);
        goto out;
    }
    xmlSchemaSetParserStructuredErrors(pctx, collect, &c);
    xmlSchemaPtr schema = xmlSchemaParse(pctx);
    if (!schema) {
        cr_error_set(err, EX_SOFTWARE, name, 0, 0, "embedded schema %s is invalid: %s",
                     xsd_name, c.have ? c.message : "unknown error");
        goto out_free_pctx;
    }
    xmlSchemaValidCtxtPtr vctx = xmlSchemaNewValidCtxt(schema);
    if (!vctx) {
        cr_error_set(err, CR_EX_NOMEM, name, 0, 0, "out of memory");
        goto out_free_schema;
    }
    xmlSchemaSetValidStructuredErrors(vctx, collect, &c);
    int v = xmlSchemaValidateDoc(vctx, doc);
    if (v == 0)
        rc = 0;
    else if (v > 0 || c.have)
        rc = report(err, &c, name, "document does not match its schema");
    else
        cr_error_set(err, EX_SOFTWARE, name, 0, 0, "schema validation failed internally");
    xmlSchemaFreeValidCtxt(vctx);
out_free_schema:
    xmlSchemaFree(schema);
out_free_pctx:
    xmlSchemaFreeParserCtxt(pctx);
out:
    return rc;
}

xmlDocPtr cr_xml_load_memory(const char *data, size_t len, const char *name,
                             const char *xsd_name, cr_error *err)
{
    if (!name)
        name = "(memory)";
    if (len > CR_XML_SIZE_MAX) {
        cr_error_set(err, EX_CONFIG, name, 0, 0, "file is larger than 1 MiB");
        return NULL;
    }
    if (check_bytes(data, len, name, err))
        return NULL;
    pthread_once(&init_once, init_parser);

    /* The handlers are per-thread in libxml2, so swapping them for the
     * duration of one parse is safe; they are put back afterwards. */
    collector c = {0};
    xmlStructuredErrorFunc old_serror = xmlStructuredError;
    void *old_sctx = xmlStructuredErrorContext;
    xmlGenericErrorFunc old_gerror = xmlGenericError;
    void *old_gctx = xmlGenericErrorContext;
    xmlSetStructuredErrorFunc(&c, collect);
    xmlSetGenericErrorFunc(NULL, silence);

    xmlDocPtr doc = NULL;
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        cr_error_set(err, CR_EX_NOMEM, name, 0, 0, "out of memory");
        goto out;
    }
    /* Never NOENT, DTDLOAD, DTDVALID or XINCLUDE. CDATA sections arrive as
     * plain text nodes so that readers need not care. */
    int options = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_IGNORE_ENC | XML_PARSE_BIG_LINES;
    doc = xmlCtxtReadMemory(ctxt, data, (int)len, name, "UTF-8", options);
    if (!doc || !ctxt->wellFormed || c.have) {
        report(err, &c, name, "invalid XML");
        goto fail;
    }
    if (doc->intSubset || doc->extSubset) {
        cr_error_set(err, EX_CONFIG, name, 0, 0,
                     "DOCTYPE declarations are not allowed (no DTD, no entities)");
        goto fail;
    }
    if (check_tree(doc->children, 1, name, err))
        goto fail;
    if (xsd_name && validate(doc, xsd_name, name, err))
        goto fail;
    goto out_free_ctxt;

fail:
    if (doc)
        xmlFreeDoc(doc);
    doc = NULL;
out_free_ctxt:
    xmlFreeParserCtxt(ctxt);
out:
    xmlSetStructuredErrorFunc(old_sctx, old_serror);
    xmlSetGenericErrorFunc(old_gctx, old_gerror);
    return doc;
}

/* Reads at most max_bytes + 1 bytes, so that a file that grows or lies about
 * its size (a device, a FIFO) still cannot make us read more than the cap. */
static char *read_capped(int fd, const char *path, size_t max_bytes, size_t *len, cr_error *err)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        cr_error_set(err, EX_IOERR, path, 0, 0, "cannot read file: %s", strerror(errno));
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        cr_error_set(err, EX_NOINPUT, path, 0, 0, "is a directory, not a file");
        return NULL;
    }
    if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max_bytes)
        goto too_big;
    size_t cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 4096;
    char *buf = malloc(cap);
    if (!buf) {
        cr_error_set(err, CR_EX_NOMEM, path, 0, 0, "out of memory");
        return NULL;
    }
    size_t n = 0;
    for (;;) {
        if (n == cap) {
            size_t ncap = cap * 2 > max_bytes + 1 ? max_bytes + 1 : cap * 2;
            if (ncap <= cap) {
                free(buf);
                goto too_big;
            }
            char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                cr_error_set(err, CR_EX_NOMEM, path, 0, 0, "out of memory");
                return NULL;
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            cr_error_set(err, EX_IOERR, path, 0, 0, "cannot read file: %s", strerror(e));
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > max_bytes) {
            free(buf);
            goto too_big;
        }
    }
    *len = n;
    return buf;

too_big:
    if (max_bytes % (1024 * 1024) == 0)
        cr_error_set(err, EX_CONFIG, path, 0, 0, "file is larger than %zu MiB",
                     max_bytes / (1024 * 1024));
    else
        cr_error_set(err, EX_CONFIG, path, 0, 0, "file is larger than %zu bytes", max_bytes);
    return NULL;
}

xmlDocPtr cr_xml_load(const char *path, const char *xsd_name, size_t max_bytes, cr_error *err)
{
    if (max_bytes == 0 || max_bytes > CR_XML_SIZE_MAX)
        max_bytes = CR_XML_SIZE_MAX;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        cr_error_set(err, EX_NOINPUT, path, 0, 0, "cannot open file: %s", strerror(errno));
        return NULL;
    }
    size_t len = 0;
    char *data = read_capped(fd, path, max_bytes, &len, err);
    close(fd);
    if (!data)
        return NULL;
    xmlDocPtr doc = cr_xml_load_memory(data, len, path, xsd_name, err);
    free(data);
    return doc;
}

char *cr_xml_attr(xmlNodePtr node, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(node, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *copy = strdup((const char *)v);
    xmlFree(v);
    return copy;
}
