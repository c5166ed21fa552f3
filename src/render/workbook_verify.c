/* workbook_verify.c - reads a written workbook back before it is published:
 * every member of the zip inflates to its recorded size and CRC, and every
 * XML member (.xml, .rels) is well-formed (SPEC 9).
 *
 * libxlsxwriter writes each part into a temporary file and zips it, but
 * does not see a failed write into that file (it rewinds the stream, which
 * clears the error): on a disk that fills up a part can be cut short, or
 * lose its first write (the XML declaration every part of libxlsxwriter's
 * starts with, so that is checked too), while the zip is still written and
 * closed "successfully". A lost write that leaves a part well-formed and
 * declared is beyond what reading back can see. Found by fault
 * injection (tests/e2e/faults.sh); this check is what keeps such a workbook
 * from being published with exit 0.
 */
#include <errno.h>
#include <libxml/parser.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "csmreport/workbook.h"

#define CHUNK 65536
#define NAME_MAX_LEN 512

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }

static bool xml_member(const char *name)
{
    size_t n = strlen(name);
    return (n > 4 && strcmp(name + n - 4, ".xml") == 0) ||
           (n > 5 && strcmp(name + n - 5, ".rels") == 0);
}

/* Inflates (or copies, method 0) one member from fp's current position,
 * checking its size and CRC, and feeding XML members to a push parser.
 * Returns NULL when it is sound, else what is wrong (static text). */
static const char *check_member(FILE *fp, const char *name, int method, uint32_t csize,
                                uint32_t usize, uint32_t crc_want, unsigned char *in,
                                unsigned char *out)
{
    z_stream z = {0};
    if (method == 8 && inflateInit2(&z, -MAX_WBITS) != Z_OK)
        return "cannot inflate";
    if (method != 8 && method != 0)
        return "an unknown compression method";
    xmlParserCtxtPtr x = NULL;
    if (xml_member(name)) {
        /* SAX2 with no callbacks: the parser checks well-formedness and
         * builds nothing (a tree of every part was a fifth of a render) */
        static xmlSAXHandler check_only = {.initialized = XML_SAX2_MAGIC};
        x = xmlCreatePushParserCtxt(&check_only, NULL, NULL, 0, name);
        if (!x) {
            if (method == 8)
                inflateEnd(&z);
            return "out of memory";
        }
        xmlCtxtUseOptions(x, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    }
    const char *why = NULL;
    char head[5];
    size_t head_len = 0;
    uLong crc = crc32(0, NULL, 0);
    unsigned long long total = 0;
    uint32_t left = csize;
    int zrc = Z_OK;
    while (!why && (left > 0 || (method == 8 && zrc != Z_STREAM_END))) {
        size_t want = left < CHUNK ? left : CHUNK;
        size_t got = want ? fread(in, 1, want, fp) : 0;
        if (got != want) {
            why = "is cut short";
            break;
        }
        left -= (uint32_t)got;
        if (method == 0) {
            crc = crc32(crc, in, (uInt)got);
            total += got;
            for (size_t k = 0; k < got && head_len < sizeof head; k++)
                head[head_len++] = (char)in[k];
            if (x && xmlParseChunk(x, (const char *)in, (int)got, 0) != 0)
                why = "is not well-formed XML";
            continue;
        }
        z.next_in = in;
        z.avail_in = (uInt)got;
        do {
            z.next_out = out;
            z.avail_out = CHUNK;
            zrc = inflate(&z, Z_NO_FLUSH);
            if (zrc != Z_OK && zrc != Z_STREAM_END && !(zrc == Z_BUF_ERROR && got == 0)) {
                why = "does not inflate";
                break;
            }
            size_t n = CHUNK - z.avail_out;
            crc = crc32(crc, out, (uInt)n);
            total += n;
            for (size_t k = 0; k < n && head_len < sizeof head; k++)
                head[head_len++] = (char)out[k];
            if (x && n && xmlParseChunk(x, (const char *)out, (int)n, 0) != 0)
                why = "is not well-formed XML";
        } while (!why && z.avail_out == 0 && zrc != Z_STREAM_END);
        if (!why && left == 0 && zrc != Z_STREAM_END)
            why = "is cut short";
    }
    if (!why && (total != usize || crc != crc_want))
        why = "does not match its recorded size and CRC";
    if (x) {
        if (!why && (xmlParseChunk(x, NULL, 0, 1) != 0 || !x->wellFormed))
            why = "is not well-formed XML";
        if (!why && (head_len < sizeof head || memcmp(head, "<?xml", sizeof head) != 0))
            why = "lacks its XML declaration";
        xmlFreeDoc(x->myDoc);
        xmlFreeParserCtxt(x);
    }
    if (method == 8)
        inflateEnd(&z);
    return why;
}

int cr_workbook_verify(const char *path, const char *shown, cr_error *err)
{
    int rc = 0;
    unsigned char *in = malloc(CHUNK), *out = malloc(CHUNK), tail[65557];
    FILE *fp = fopen(path, "rb");
    if (!in || !out || !fp) {
        rc = fp ? cr_error_nomem(err)
                : cr_error_set(err, EX_IOERR, NULL, 0, 0, "cannot read back %s: %s", shown,
                               strerror(errno));
        goto out_free;
    }
    /* the end of central directory record, within the last 64 KiB + 22 */
    long size = fseek(fp, 0, SEEK_END) == 0 ? ftell(fp) : -1;
    long from = size > (long)sizeof tail ? size - (long)sizeof tail : 0;
    size_t n = size >= 22 && fseek(fp, from, SEEK_SET) == 0 ? fread(tail, 1, (size_t)(size - from), fp) : 0;
    long eocd = -1;
    for (long i = (long)n - 22; i >= 0 && eocd < 0; i--)
        if (le32(tail + i) == 0x06054b50)
            eocd = i;
    const char *why = eocd < 0 ? "has no zip directory" : NULL;
    char name[NAME_MAX_LEN + 1] = "";
    if (!why) {
        unsigned entries = le16(tail + eocd + 10);
        long cd = (long)le32(tail + eocd + 16);
        for (unsigned e = 0; e < entries && !why; e++) {
            unsigned char h[46], lh[30];
            if (fseek(fp, cd, SEEK_SET) != 0 || fread(h, 1, 46, fp) != 46 || le32(h) != 0x02014b50) {
                why = "has a broken zip directory";
                break;
            }
            unsigned nlen = le16(h + 28), xlen = le16(h + 30), clen = le16(h + 32);
            size_t keep = nlen < NAME_MAX_LEN ? nlen : NAME_MAX_LEN;
            if (fread(name, 1, keep, fp) != keep) {
                why = "has a broken zip directory";
                break;
            }
            name[keep] = '\0';
            cd += 46 + (long)nlen + xlen + clen;
            long local = (long)le32(h + 42);
            if (fseek(fp, local, SEEK_SET) != 0 || fread(lh, 1, 30, fp) != 30 ||
                le32(lh) != 0x04034b50 ||
                fseek(fp, local + 30 + le16(lh + 26) + le16(lh + 28), SEEK_SET) != 0) {
                why = "has a broken member header";
                break;
            }
            why = check_member(fp, name, le16(h + 10), le32(h + 20), le32(h + 24), le32(h + 16), in,
                               out);
        }
    }
    if (why)
        rc = cr_error_set(err, EX_IOERR, NULL, 0, 0,
                          "cannot write %s: %s%s %s (a write that failed unseen?); not published",
                          shown, name[0] ? "its part " : "it", name, why);
out_free:
    if (fp)
        fclose(fp);
    free(in);
    free(out);
    return rc;
}
