/* kinds.h - the input kinds of SPEC section 3: their canonical columns, which
 * are required, how each value is checked, the natural key, and what importing
 * the kind does beyond the common path (its flags and hooks). Adding a kind is
 * adding an entry to cr_kinds (kinds.c), its statements to src/sql/import.sql,
 * and, when it needs them, its hooks (src/ingest/ingest_kinds.c).
 */
#ifndef CSMREPORT_KINDS_H
#define CSMREPORT_KINDS_H

#include <stdbool.h>
#include <stddef.h>

#include "csmreport/error.h"

typedef enum cr_value_type {
    CR_V_TEXT,       /* any text */
    CR_V_ID,         /* identifier: no control characters, not only spaces */
    CR_V_DATE,       /* YYYY-MM-DD */
    CR_V_TIMESTAMP,  /* ISO 8601 (SPEC 3), canonicalised */
    CR_V_COUNT,      /* non-negative integer */
    CR_V_MONEY,      /* non-negative decimal, stored as micro-units */
    CR_V_PERCENT,    /* non-negative decimal, stored as micro-percent */
    CR_V_ENUM,       /* one of enum_values */
    CR_V_TIMEZONE,   /* IANA zone name */
    CR_V_LOCALE,     /* en, fr, nb, ja, or a tag starting with one (en-GB) */
    CR_V_CURRENCY,   /* ISO 4217 code, three capital letters */
    CR_V_EMAILS,     /* ';'-separated addresses */
    CR_V_OPTIONS,    /* ';'-separated flags: onsite four_hour frurad */
    CR_V_PRIORITY    /* P1..P4 */
} cr_value_type;

typedef struct cr_column {
    const char *name;
    cr_value_type type;
    bool required;
    bool key;                          /* part of the natural key */
    const char *const *enum_values;    /* NULL-terminated, for CR_V_ENUM */
} cr_column;

/* Properties of a kind (cr_kind.flags). */
enum {
    /* Rows are collected, sorted by their key and merged into the table at the
     * end of the file, instead of the common row-by-row path (usage). */
    CR_KIND_SORT_MERGE = 1u << 0,
};

struct cr_importer; /* an import in progress (src/ingest/ingest_internal.h) */

typedef struct cr_kind {
    const char *name;                  /* "accounts", ... */
    const char *table;
    const cr_column *columns;
    size_t column_count;
    unsigned flags;                    /* CR_KIND_* */
    /* Hooks of the import, each NULL when the kind needs none; an int hook
     * returns 0 or an exit code with err filled. Not called on the
     * CR_KIND_SORT_MERGE path. */
    /* After the statements are prepared, before the first row. */
    int (*begin)(struct cr_importer *im, cr_error *err);
    /* Values computed from a converted row (UTC instants, local dates). */
    void (*derive)(struct cr_importer *im);
    /* Checks across the values of a derived row: false with a reason and the
     * position of the offending value. */
    bool (*check)(struct cr_importer *im, char *why, size_t why_size, long *bad_line, long *bad_col);
    /* A good row about to be written. */
    int (*before_write)(struct cr_importer *im, cr_error *err);
    /* After the last row, inside the file's transaction. */
    int (*end)(struct cr_importer *im, cr_error *err);
} cr_kind;

extern const cr_kind cr_kinds[];
extern const size_t cr_kind_count;

/* The kind named name, or NULL. */
const cr_kind *cr_kind_find(const char *name);
/* Index of column name in kind, or -1. */
int cr_kind_column_index(const cr_kind *kind, const char *name);
/* What kind detection decided about a header (cr_kind_detect). */
typedef enum cr_kind_verdict {
    CR_KIND_FOUND,     /* one kind fits and places every canonical column found */
    CR_KIND_REFUSED,   /* a fit that leaves other kinds' columns, or a tie */
    CR_KIND_NONE       /* no kind has all its required columns */
} cr_kind_verdict;

/* Kind detection (SPEC sections 3 and 9), header names compared without case.
 * A kind fits when all its required columns are in the header; the fit that
 * explains the most columns wins, but only when no other fit explains as many
 * and the header carries no canonical column of another kind that the winner
 * cannot place (an accounts export with account_id renamed is no partners
 * file). FOUND sets *kind. REFUSED fills why with the candidates and what each
 * lacks. NONE leaves both alone (the caller names the closest kinds). */
cr_kind_verdict cr_kind_detect(const char *const *header, size_t count, const cr_kind **kind,
                               char *why, size_t why_size);
/* Name of a value type, for messages ("date", "count", ...). */
const char *cr_value_type_name(cr_value_type t);

/* The header field (index into header[0..n)) that stands for the canonical
 * column: its own name in any case; else a name equal to it once case, spaces
 * and punctuation are dropped ("Account ID"); else one of the names exports
 * give it ("Serial Number", "Device Serial", "Created", "Opened", "Resolved",
 * kinds.c's synonyms table). Fields whose taken[i] is true are skipped (taken
 * may be NULL). -1 when none; *exact (may be NULL) says the name matched as is. */
int cr_kind_match_header(const char *column, const char *const *header, size_t n,
                         const bool *taken, bool *exact);

/* Fills err (EX_USAGE) for a kind name that is not one: the nearest kind when
 * one is close, and the list of kinds. Returns EX_USAGE. */
int cr_kind_error_unknown(const char *name, cr_error *err);

/* Fills err (EX_DATAERR, path line 1) for a header whose kind cannot be told:
 * for the nearest kinds (most required columns found) every required column
 * found (and under which header name) and every one missing, and how to start
 * a profile (`csmreport profile init`). Returns EX_DATAERR. */
int cr_kind_error_no_match(const char *path, const char *const *header, size_t n,
                           cr_error *err);

#endif
