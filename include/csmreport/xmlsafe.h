/* xmlsafe.h - reading the program's XML inputs (templates, profiles, batch
 * files) safely (SPEC section 9).
 *
 * The file is read with a size cap, parsed from memory with network access off,
 * and refused when it holds a DOCTYPE (so no DTD, internal or external, and no
 * entity declarations), an entity reference, an XInclude element or namespace,
 * or nesting deeper than CR_XML_DEPTH_MAX; it is then validated against one of
 * the program's embedded XML schemas. Gzip-compressed input is refused (libxml2
 * would otherwise inflate it). Errors are EX_CONFIG with file, line and a
 * plain-language reason; a missing file is EX_NOINPUT.
 */
#ifndef CSMREPORT_XMLSAFE_H
#define CSMREPORT_XMLSAFE_H

#include <libxml/tree.h>
#include <stddef.h>

#include "csmreport/error.h"

#define CR_XML_SIZE_MAX (1024 * 1024)
#define CR_XML_DEPTH_MAX 64

/* Loads and validates path against the embedded schema xsd_name (e.g.
 * "profile.xsd"); max_bytes 0 means CR_XML_SIZE_MAX. Returns a document the
 * caller frees with xmlFreeDoc, or NULL with err filled. */
xmlDocPtr cr_xml_load(const char *path, const char *xsd_name, size_t max_bytes, cr_error *err);

/* Same from a buffer; name is used in messages. */
xmlDocPtr cr_xml_load_memory(const char *data, size_t len, const char *name,
                             const char *xsd_name, cr_error *err);

/* Attribute value copied with strdup (caller frees), or NULL when absent. */
char *cr_xml_attr(xmlNodePtr node, const char *name);

#endif
