/* fuzz.h - what the libFuzzer harnesses share: a failed invariant aborts with
 * its reason (libFuzzer then saves the input as crash-*), so a broken
 * invariant is found as surely as a sanitizer report. */
#ifndef CSMREPORT_FUZZ_H
#define CSMREPORT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, ...)                                                  \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "invariant broken: %s: ", #cond);                  \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
            abort();                                                           \
        }                                                                      \
    } while (0)

#endif
