/* fuzz_xlsx.c - the .xlsx sheet reader (xlsxread.h) on any bytes, written to
 * a file as the reader opens workbooks by path (libzip). Invariants: the
 * binary sniffer names what it sees or returns NULL; opening either gives a
 * reader or an error with a sysexits code and a message; every field of a
 * record read is valid UTF-8 without NUL, with a position; an error has a
 * code and a message; after a fatal error the reader stays failed. */
#include <string.h>
#include <unistd.h>

#include "csmreport/csv.h"
#include "csmreport/xlsxread.h"
#include "fuzz.h"

static char path[64];

static void make_path(void)
{
    if (path[0])
        return;
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm"
                      : getenv("TMPDIR")            ? getenv("TMPDIR")
                                                    : "/tmp";
    snprintf(path, sizeof path, "%s/fuzz-xlsx-%ld.xlsx", dir, (long)getpid());
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *what = cr_xlsx_sniff_binary(data, size);
    FUZZ_CHECK(what == NULL || what[0], "the sniffer names nothing");
    make_path();
    FILE *f = fopen(path, "wb");
    FUZZ_CHECK(f != NULL, "cannot write %s", path);
    FUZZ_CHECK(fwrite(data, 1, size, f) == size, "short write to %s", path);
    fclose(f);

    cr_error err;
    cr_error_clear(&err);
    char sheet[256] = "";
    cr_csv *r = cr_xlsx_open_records(path, NULL, sheet, sizeof sheet, &err);
    if (!r) {
        FUZZ_CHECK(err.code != 0 && err.message[0], "no reader and no error");
        unlink(path);
        return 0;
    }
    for (long records = 0; records < 100000; records++) {
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
            continue; /* a bad row: the reader goes on */
        }
        size_t n = cr_csv_count(r);
        FUZZ_CHECK(n <= CR_CSV_COLUMNS_MAX, "record of %zu fields", n);
        for (size_t i = 0; i < n; i++) {
            size_t len;
            const char *v = cr_csv_field(r, i, &len);
            FUZZ_CHECK(v != NULL && strlen(v) == len, "field %zu holds a NUL", i);
            FUZZ_CHECK(cr_utf8_invalid_at(v, len) == (size_t)-1, "field %zu is not UTF-8", i);
        }
    }
    cr_csv_close(r);
    unlink(path);
    return 0;
}
