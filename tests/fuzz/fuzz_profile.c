/* fuzz_profile.c - profile XML loading (cr_profile_load_memory) on any
 * bytes. Invariant: it either loads (0, a profile, no error) or fails (a
 * sysexits code, no profile, a message), never both or neither; a loaded
 * profile is consistent (a known kind, each field a column or a constant). */
#include <string.h>

#include "csmreport/kinds.h"
#include "csmreport/profile.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cr_profile *p = NULL;
    cr_error err;
    cr_error_clear(&err);
    int rc = cr_profile_load_memory((const char *)data, size, "fuzz.xml", &p, &err);
    if (rc == 0) {
        FUZZ_CHECK(p != NULL, "success without a profile");
        FUZZ_CHECK(err.code == 0 && !err.message[0], "success with an error: %s", err.message);
        const cr_kind *kind = cr_kind_find(p->kind);
        FUZZ_CHECK(kind != NULL, "profile for unknown kind '%s'", p->kind);
        for (size_t i = 0; i < p->field_count; i++) {
            const cr_profile_field *f = &p->fields[i];
            FUZZ_CHECK(cr_kind_column_index(kind, f->name) >= 0, "field '%s' not of %s", f->name,
                       kind->name);
            FUZZ_CHECK(!f->column != !f->constant, "field '%s': column and constant", f->name);
        }
        cr_profile_free(p);
    } else {
        FUZZ_CHECK(p == NULL, "failure (%d) with a profile", rc);
        FUZZ_CHECK(err.code == rc && err.message[0], "failure %d with code %d, message '%s'", rc,
                   err.code, err.message);
    }
    return 0;
}
