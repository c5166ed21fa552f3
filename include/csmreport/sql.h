/* sql.h - named SQL statements kept in the .sql files of src/sql/.
 *
 * A file holds blocks that start with a line "-- name: NAME"; a block runs to
 * the next such line. cr_sql("import.tickets.upsert") is block "tickets.upsert"
 * of the embedded import.sql. The text lives as long as the program; lookups
 * are thread-safe.
 */
#ifndef CSMREPORT_SQLNAMED_H
#define CSMREPORT_SQLNAMED_H

/* The statement text, or NULL when there is no such block. */
const char *cr_sql(const char *qualified_name);

#endif
