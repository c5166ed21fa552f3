/* strdict.h - a hash table from strings to 64-bit values, for the dictionaries
 * an import keeps in memory (serial numbers to their ids, account ids to small
 * indexes). Entries are numbered in the order they were added; keys are copied.
 */
#ifndef CSMREPORT_STRDICT_H
#define CSMREPORT_STRDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cr_strdict cr_strdict;

/* 64-bit hash of s[0..len) (FNV-1a with a final mix); a second seed gives an
 * independent hash. */
uint64_t cr_hash64(const char *s, size_t len, uint64_t seed);

cr_strdict *cr_strdict_new(void);
void cr_strdict_free(cr_strdict *d);

/* The entry number of key s[0..len), or -1 when absent. */
long cr_strdict_find(const cr_strdict *d, const char *s, size_t len);
/* Adds a key that is not there yet; its entry number, or -1 out of memory. */
long cr_strdict_add(cr_strdict *d, const char *s, size_t len, int64_t value);

size_t cr_strdict_count(const cr_strdict *d);
/* Key and value of entry i (NUL-terminated key). */
const char *cr_strdict_key(const cr_strdict *d, long i);
int64_t cr_strdict_value(const cr_strdict *d, long i);

#endif
