/* explain_internal.h - what the explain parts share (not a public API):
 * explain_paths.c addresses the document's figures, explain.c explains one,
 * explain_text.c prints an explanation. */
#ifndef CSMREPORT_EXPLAIN_INTERNAL_H
#define CSMREPORT_EXPLAIN_INTERNAL_H

#include <stddef.h>

#include "csmreport/json.h"

/* One addressable node: its path with array elements named by identifying
 * values, the same with array indexes (for cr_json_path), the node. */
typedef struct cr_explain_entry {
    char *path, *index_path;
    const cr_json *node;
} cr_explain_entry;

typedef struct cr_explain_index {
    cr_explain_entry *entries;
    size_t count, cap;
} cr_explain_index;

/* Every node of doc (objects, arrays and leaves). -1 when out of memory. */
int cr_explain_index_build(const cr_json *doc, cr_explain_index *ix);
void cr_explain_index_free(cr_explain_index *ix);
/* The entry named path (by identifying values or by indexes), or NULL. */
const cr_explain_entry *cr_explain_index_find(const cr_explain_index *ix, const char *path);
/* Up to max paths nearest to path (longest common leading segments), joined
 * by ", " into buf. */
void cr_explain_index_near(const cr_explain_index *ix, const char *path, size_t max, char *buf,
                           size_t size);

#endif
