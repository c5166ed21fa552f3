/* sha256.h - SHA-256 (FIPS 180-4), the one digest of csmreport: the file an
 * import read (lineage, import_log.sha256), a mail's attachments and its
 * sent-log key. Plain C, no allocation (so it cannot fail), no library: the
 * hashing of an import runs on a thread of its own, where a library's lazy
 * set-up failing under memory pressure would take the process down. */
#ifndef CSMREPORT_SHA256_H
#define CSMREPORT_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CR_SHA256_HEX_SIZE 65 /* 64 hex digits and the NUL */

typedef struct cr_sha256 {
    uint32_t h[8];
    uint64_t bytes;       /* hashed so far */
    unsigned char block[64];
    size_t used;          /* bytes waiting in block */
} cr_sha256;

void cr_sha256_init(cr_sha256 *s);
void cr_sha256_update(cr_sha256 *s, const void *data, size_t len);
/* Ends the digest: its 64 lowercase hex digits into hex. */
void cr_sha256_final_hex(cr_sha256 *s, char hex[CR_SHA256_HEX_SIZE]);
/* The digest of data[0..len) in one call. */
void cr_sha256_hex(const void *data, size_t len, char hex[CR_SHA256_HEX_SIZE]);

/* true: never the CPU's SHA extensions, always plain C (for the unit test,
 * which checks both paths give the same digests). */
extern bool cr_sha256_plain_only;

#endif
