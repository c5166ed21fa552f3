/* fuzz_kind.c - kind detection from a header row (ingest_header.c) on any
 * bytes. Invariant: detection either picks a kind whose required columns
 * are all in the header (a name matches caselessly, surrounding blanks
 * trimmed), or refuses with a data error and a message; never both. */
#include <string.h>
#include <strings.h>

#include "csmreport/csv.h"
#include "csmreport/kinds.h"
#include "fuzz.h"
#include "ingest_internal.h"

static bool in_header(const cr_importer *im, const char *name)
{
    for (size_t i = 0; i < im->header_count; i++)
        if (strcasecmp(im->header[i], name) == 0)
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cr_error err;
    cr_error_clear(&err);
    cr_import_options opt = {0};
    cr_import_result res = {0};
    cr_importer im = {.path = "fuzz.csv", .opt = &opt, .res = &res};
    im.csv = cr_csv_open_memory((const char *)data, size, "fuzz.csv", 0, &err);
    FUZZ_CHECK(im.csv != NULL, "cannot open a memory reader: %s", err.message);
    if (cr_ingest_read_header(&im, &err) == 0) {
        int rc = cr_ingest_resolve_kind(&im, &err);
        if (rc == 0) {
            FUZZ_CHECK(im.kind != NULL && err.code == 0, "success without a kind or with an error");
            for (size_t c = 0; c < im.kind->column_count; c++)
                if (im.kind->columns[c].required)
                    FUZZ_CHECK(in_header(&im, im.kind->columns[c].name),
                               "kind %s picked without its required column %s", im.kind->name,
                               im.kind->columns[c].name);
        } else {
            FUZZ_CHECK(rc == EX_DATAERR && err.code == rc && err.message[0],
                       "refusal %d with code %d, message '%s'", rc, err.code, err.message);
        }
    } else {
        FUZZ_CHECK(err.code != 0 && err.message[0], "a bad header without code or message");
    }
    for (size_t i = 0; i < im.header_count && im.header; i++)
        free(im.header[i]);
    free(im.header);
    cr_csv_close(im.csv);
    return 0;
}
