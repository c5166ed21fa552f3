/* test_explain.c - the addressing rule of `csmreport explain` (explain_paths.c):
 * array elements by identifying values, index fallback for a missing, dotted
 * or repeated value, the index form accepted, the nearest paths of a wrong one. */
#include <stdlib.h>
#include <string.h>

#include "csmreport/explain.h"
#include "csmreport/json.h"
#include "explain_internal.h"
#include "unit.h"

static cr_json *row(const char *k1, const char *v1, const char *k2, const char *v2, int64_t n)
{
    cr_json *o = cr_json_object();
    cr_json_set(o, k1, cr_json_string(v1));
    if (k2)
        cr_json_set(o, k2, cr_json_string(v2));
    cr_json_set(o, "count", cr_json_int(n));
    return o;
}

int main(void)
{
    cr_json *doc = cr_json_object();
    cr_json *tu = cr_json_set(doc, "trueup", cr_json_array());
    cr_json_append(tu, row("category", "video", "month", "2026-07", 1));
    cr_json_append(tu, row("category", "video", "month", "2026-08", 2));
    cr_json *ad = cr_json_set(doc, "adoption", cr_json_object());
    cr_json *sites = cr_json_set(ad, "by_site", cr_json_array());
    cr_json_append(sites, row("site", "Bergen", NULL, NULL, 3));
    cr_json_append(sites, row("site", "St. Olav", NULL, NULL, 4)); /* a dot: index */
    cr_json_append(sites, row("site", "Oslo", NULL, NULL, 5));
    cr_json_append(sites, row("site", "Oslo", NULL, NULL, 6));     /* repeated: index */
    cr_json *other = cr_json_set(doc, "misc", cr_json_array());    /* no identity: index */
    cr_json_append(other, row("name", "x", NULL, NULL, 7));

    cr_explain_index ix;
    CHECK(cr_explain_index_build(doc, &ix) == 0, "index builds");
    struct {
        const char *path;
        int64_t count;
    } cases[] = {
        {"trueup.video.2026-07.count", 1}, {"trueup.video.2026-08.count", 2}, {"trueup.1.count", 2},
        {"adoption.by_site.Bergen.count", 3}, {"adoption.by_site.1.count", 4},
        {"adoption.by_site.2.count", 5}, {"adoption.by_site.3.count", 6}, {"misc.0.count", 7},
        {"adoption.by_site.0.count", 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const cr_explain_entry *e = cr_explain_index_find(&ix, cases[i].path);
        CHECK(e && cr_json_get_int(e->node) == cases[i].count, "%s addresses its element", cases[i].path);
    }
    CHECK(!cr_explain_index_find(&ix, "adoption.by_site.Oslo.count"), "a repeated value is no address");
    CHECK(!cr_explain_index_find(&ix, "adoption.by_site.St. Olav.count"), "a dotted value is no address");
    CHECK(!cr_explain_index_find(&ix, "trueup.video.2026-09"), "an absent month is unknown");

    char near[512];
    cr_explain_index_near(&ix, "trueup.video.2026-09.charge", 12, near, sizeof near);
    CHECK_STR(near, "trueup.video.2026-07, trueup.video.2026-08", "near a wrong month: the months");
    cr_explain_index_near(&ix, "adoption.by_sit", 12, near, sizeof near);
    CHECK_STR(near, "adoption.by_site", "near a wrong key: the section's keys");
    cr_explain_index_near(&ix, "nope", 12, near, sizeof near);
    CHECK_STR(near, "trueup, adoption, misc", "near nothing: the top-level keys");

    cr_json *paths = cr_explain_paths(doc);
    CHECK(paths && cr_json_size(paths) == ix.count, "cr_explain_paths lists every entry");
    CHECK_STR(cr_json_get_string(cr_json_at(paths, 1)), "trueup.video.2026-07", "paths in document order");
    cr_json_free(paths);
    cr_explain_index_free(&ix);
    cr_json_free(doc);
    return unit_exit();
}
