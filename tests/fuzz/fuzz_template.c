/* fuzz_template.c - template XML loading (cr_template_load: safe XML
 * reading, the report.xsd schema, the model, dataset SQL checked in the
 * sandbox) on any bytes. Invariant: it either loads (0, a template, no
 * error) or fails (a sysexits code, no template, a message), never both or
 * neither. cr_template_load reads a path: each input goes to one scratch
 * file of this process. */
#include <string.h>
#include <unistd.h>

#include "csmreport/template.h"
#include "fuzz.h"

static char path[64];

static void scratch_write(const uint8_t *data, size_t size)
{
    if (!path[0]) {
        const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
        snprintf(path, sizeof path, "%.40s/fuzz-tpl-XXXXXX", dir);
        int fd = mkstemp(path);
        FUZZ_CHECK(fd >= 0, "cannot make %s", path);
        close(fd);
    }
    FILE *fp = fopen(path, "wb");
    FUZZ_CHECK(fp && fwrite(data, 1, size, fp) == size && fclose(fp) == 0, "cannot write %s", path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    scratch_write(data, size);
    cr_template *t = NULL;
    cr_error err;
    cr_error_clear(&err);
    int rc = cr_template_load(path, &t, &err);
    if (rc == 0) {
        FUZZ_CHECK(t != NULL, "success without a template");
        FUZZ_CHECK(err.code == 0 && !err.message[0], "success with an error: %s", err.message);
        const char *stem = cr_template_output_stem(t);
        FUZZ_CHECK(stem && *stem, "a template without an output name");
        cr_template_free(t);
    } else {
        FUZZ_CHECK(t == NULL, "failure (%d) with a template", rc);
        FUZZ_CHECK(err.code == rc && err.message[0], "failure %d with code %d, message '%s'", rc,
                   err.code, err.message);
    }
    return 0;
}
