/* nearest.c - "did you mean" suggestions (nearest.h). */
#include "csmreport/nearest.h"

#include <ctype.h>
#include <string.h>

size_t cr_nearest_distance(const char *a, const char *b, size_t max)
{
    enum { LONGEST = 64 };
    size_t la = strlen(a), lb = strlen(b);
    if (la > LONGEST || lb > LONGEST || (la > lb ? la - lb : lb - la) > max)
        return max + 1;
    size_t row[LONGEST + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (tolower((unsigned char)a[i - 1]) !=
                                  tolower((unsigned char)b[j - 1]));
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb] > max ? max + 1 : row[lb];
}

const char *cr_nearest_pick(const char *word, const char *const *names, size_t n)
{
    size_t len = strlen(word);
    /* "ab" must not suggest "xy": a suggestion keeps most of the word */
    size_t max = len / 2 < 2 ? (len ? (len - 1) / 2 : 0) : 2;
    if (len >= 2 && max == 0)
        max = 1;
    const char *best = NULL;
    size_t best_d = max + 1;
    for (size_t i = 0; i < n; i++) {
        size_t d = cr_nearest_distance(word, names[i], max);
        if (d < best_d) {
            best_d = d;
            best = names[i];
        }
    }
    return best;
}
