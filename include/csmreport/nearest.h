/* nearest.h - "did you mean": the nearest of a list of names to a mistyped
 * one (commands, kinds, account ids), by edit distance. */
#ifndef CSMREPORT_NEAREST_H
#define CSMREPORT_NEAREST_H

#include <stddef.h>

/* The Levenshtein distance of a and b (compared caselessly for ASCII), or
 * max + 1 when it is more than max (or either is longer than 64 bytes). */
size_t cr_nearest_distance(const char *a, const char *b, size_t max);

/* The most similar name to word among names[0..n) (ties: the first), or NULL
 * when none is close: at most 2 edits, and fewer than half the word's length. */
const char *cr_nearest_pick(const char *word, const char *const *names, size_t n);

#endif
