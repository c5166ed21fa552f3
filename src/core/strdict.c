/* strdict.c - open addressing over entry numbers, keys in their own blocks. */
#include "csmreport/strdict.h"

#include <stdlib.h>
#include <string.h>

typedef struct entry {
    char *key;
    size_t len;
    uint64_t hash;
    int64_t value;
} entry;

struct cr_strdict {
    entry *entries;
    size_t count, cap;
    long *slots;      /* entry number + 1; 0 = empty */
    size_t slot_mask; /* slot count - 1 (a power of two) */
};

uint64_t cr_hash64(const char *s, size_t len, uint64_t seed)
{
    /* FNV-1a with a final avalanche: fast, and well mixed for B-tree keys and
     * for the low bits a power-of-two table uses. */
    uint64_t h = 1469598103934665603ULL ^ seed;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

cr_strdict *cr_strdict_new(void)
{
    cr_strdict *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->slot_mask = 255;
    if (!(d->slots = calloc(d->slot_mask + 1, sizeof *d->slots))) {
        free(d);
        return NULL;
    }
    return d;
}

void cr_strdict_free(cr_strdict *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->count; i++)
        free(d->entries[i].key);
    free(d->entries);
    free(d->slots);
    free(d);
}

static size_t slot_of(const cr_strdict *d, const char *s, size_t len, uint64_t hash)
{
    size_t i = (size_t)hash & d->slot_mask;
    for (;;) {
        long e = d->slots[i];
        if (e == 0)
            return i;
        const entry *en = &d->entries[e - 1];
        if (en->hash == hash && en->len == len && memcmp(en->key, s, len) == 0)
            return i;
        i = (i + 1) & d->slot_mask;
    }
}

long cr_strdict_find(const cr_strdict *d, const char *s, size_t len)
{
    return d->slots[slot_of(d, s, len, cr_hash64(s, len, 0))] - 1;
}

/* Doubles the slot table (kept at most half full). */
static bool grow_slots(cr_strdict *d)
{
    size_t mask = d->slot_mask * 2 + 1;
    long *slots = calloc(mask + 1, sizeof *slots);
    if (!slots)
        return false;
    for (size_t e = 0; e < d->count; e++) {
        size_t i = (size_t)d->entries[e].hash & mask;
        while (slots[i])
            i = (i + 1) & mask;
        slots[i] = (long)e + 1;
    }
    free(d->slots);
    d->slots = slots;
    d->slot_mask = mask;
    return true;
}

long cr_strdict_add(cr_strdict *d, const char *s, size_t len, int64_t value)
{
    if ((d->count + 1) * 2 > d->slot_mask + 1 && !grow_slots(d))
        return -1;
    if (d->count == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        entry *grown = realloc(d->entries, cap * sizeof *grown);
        if (!grown)
            return -1;
        d->entries = grown;
        d->cap = cap;
    }
    char *key = malloc(len + 1);
    if (!key)
        return -1;
    memcpy(key, s, len);
    key[len] = '\0';
    uint64_t hash = cr_hash64(s, len, 0);
    d->entries[d->count] = (entry){key, len, hash, value};
    d->slots[slot_of(d, s, len, hash)] = (long)d->count + 1;
    return (long)d->count++;
}

size_t cr_strdict_count(const cr_strdict *d)
{
    return d->count;
}

const char *cr_strdict_key(const cr_strdict *d, long i)
{
    return d->entries[i].key;
}

int64_t cr_strdict_value(const cr_strdict *d, long i)
{
    return d->entries[i].value;
}
