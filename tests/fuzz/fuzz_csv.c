/* fuzz_csv.c - the RFC 4180 reader (csv.h) on any bytes. The first byte
 * picks the separator (given or detected). Invariants: every field of a
 * record that was read is valid UTF-8 without NUL and at most
 * CR_CSV_FIELD_MAX bytes; a record has the header's field count; an error
 * has a sysexits code and a message; after a fatal error the reader stays
 * failed; the file's BOM is never part of a field. */
#include <string.h>

#include "csmreport/csv.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char seps[4] = {0, ',', ';', '\t'};
    char sep = size ? seps[data[0] & 3] : 0;
    cr_error err;
    cr_csv *r = cr_csv_open_memory((const char *)data, size, "fuzz.csv", sep, &err);
    FUZZ_CHECK(r != NULL, "cannot open a memory reader: %s", err.message);
    size_t header = 0;
    long records = 0;
    for (;;) {
        cr_error_clear(&err);
        int rc = cr_csv_next(r, &err);
        if (rc == 0)
            break;
        if (rc < 0) {
            FUZZ_CHECK(err.code != 0 && err.message[0], "error without code or message");
            if (cr_csv_failed(r)) {
                FUZZ_CHECK(cr_csv_next(r, &err) < 0, "a failed reader read on");
                break;
            }
            continue; /* a ragged row: the reader goes on */
        }
        size_t n = cr_csv_count(r);
        FUZZ_CHECK(n >= 1 && n <= CR_CSV_COLUMNS_MAX, "record of %zu fields", n);
        if (records++ == 0)
            header = n;
        FUZZ_CHECK(n == header, "record of %zu fields under a header of %zu", n, header);
        for (size_t i = 0; i < n; i++) {
            size_t len;
            const char *f = cr_csv_field(r, i, &len);
            FUZZ_CHECK(f != NULL && strlen(f) == len, "field %zu holds a NUL", i);
            FUZZ_CHECK(len <= CR_CSV_FIELD_MAX, "field %zu of %zu bytes", i, len);
            FUZZ_CHECK(cr_utf8_invalid_at(f, len) == (size_t)-1, "field %zu is not UTF-8", i);
            /* a BOM then a letter: the header's first field starts with the letter */
            if (records == 1 && i == 0 && size > 4 && memcmp(data, "\xef\xbb\xbf", 3) == 0 &&
                ((data[3] | 32) >= 'a' && (data[3] | 32) <= 'z'))
                FUZZ_CHECK(len > 0 && f[0] == (char)data[3], "the BOM is part of the first field");
            FUZZ_CHECK(cr_csv_field_line(r, i) >= 1 && cr_csv_field_column(r, i) >= 1,
                       "field %zu without a position", i);
        }
    }
    cr_csv_close(r);
    return 0;
}
