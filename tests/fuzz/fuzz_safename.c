/* fuzz_safename.c - the file-name sanitiser (cr_outfile_safe_name) on any
 * bytes. Invariants: the name matches [A-Za-z0-9._-]+, does not start with
 * '.', fits its buffer; a name that is already safe (and short) is kept as
 * it is; the same input gives the same name. */
#include <stdbool.h>
#include <string.h>

#include "csmreport/outfile.h"
#include "fuzz.h"

static bool safe_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0'; /* a name from data is a C string: it ends at a NUL */
    /* exactly the documented room, on the heap, so ASan sees one byte too many */
    char *out = malloc(CR_OUTFILE_NAME_SIZE), *again = malloc(CR_OUTFILE_NAME_SIZE);
    if (!out || !again)
        abort();
    cr_outfile_safe_name(s, out, CR_OUTFILE_NAME_SIZE);
    size_t n = strnlen(out, CR_OUTFILE_NAME_SIZE);
    FUZZ_CHECK(n > 0 && n < CR_OUTFILE_NAME_SIZE, "name of %zu bytes", n);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(safe_char(out[i]), "byte 0x%02x at %zu of '%s'", (unsigned char)out[i], i, out);
    FUZZ_CHECK(out[0] != '.', "hidden name '%s'", out);
    bool clean = s[0] && s[0] != '.' && strlen(s) <= 96;
    for (const char *p = s; clean && *p; p++)
        clean = safe_char(*p);
    if (clean)
        FUZZ_CHECK(strcmp(out, s) == 0, "safe name '%s' changed to '%s'", s, out);
    else
        FUZZ_CHECK(strcmp(out, s) != 0, "unsafe name kept");
    cr_outfile_safe_name(s, again, CR_OUTFILE_NAME_SIZE);
    FUZZ_CHECK(strcmp(out, again) == 0, "'%s' then '%s'", out, again);
    free(again);
    free(out);
    free(s);
    return 0;
}
