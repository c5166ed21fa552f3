/* outfile.h - the one way to publish an output file (SPEC sections 7 and 9):
 * decks, workbooks and, next, the mail outbox all go through it.
 *
 * A file is written as a temporary ".NAME.XXXXXX" in its destination folder,
 * then published by cr_outfile_commit: flushed, synced, renamed over NAME and
 * the folder synced, so a reader (a mailer) never sees a half file. Any
 * failure, and cr_outfile_abort, removes the temporary file.
 *
 * Folders are opened once (cr_outfile_dir_open for the --out folder, which
 * may itself be a link the user made) and the folders below it are created
 * and opened without following a symbolic link (cr_outfile_make_dir). Files
 * are created relative to an open folder, so a folder swapped for a link
 * during the run is never written through. The final name is never followed
 * either: a symbolic link or a non-regular file there is refused (and left as
 * it is).
 *
 * New files get mode 0666 less the umask, as any file a program creates
 * (0644 under the usual umask 022).
 *
 * Every output error goes through one mapping, cr_outfile_exit_code:
 * EACCES, EPERM, EROFS give EX_NOPERM (77; the message says what access is
 * needed), ENOSPC, EDQUOT, EFBIG, EIO give EX_IOERR (74), any other EX_CANTCREAT
 * (73). Messages name the file or folder as the user knows it ("OUT/A/x.pdf",
 * not a /proc path), problem first: "cannot create OUT/A/x.pdf: ...". err->file
 * is left empty: the message names it.
 *
 * Thread-safety: a cr_outfile_dir may be shared by threads once opened (it is
 * only read); a cr_outfile belongs to one thread.
 */
#ifndef CSMREPORT_OUTFILE_H
#define CSMREPORT_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

#include "csmreport/error.h"

/* Room cr_outfile_safe_name needs: at most 96 bytes of name, "-" and 8 hex
 * digits of hash, the terminating NUL. */
#define CR_OUTFILE_NAME_SIZE 112

/* An open output folder: its descriptor and its name as the user knows it. */
typedef struct cr_outfile_dir cr_outfile_dir;

/* A file being written; published by cr_outfile_commit or dropped by
 * cr_outfile_abort (each frees it). */
typedef struct cr_outfile cr_outfile;

/* Creates path and its missing parents (mkdir -p) and opens it into *out
 * (the caller closes it with cr_outfile_dir_close). Links in path are
 * followed: it is the folder the user named. A file where a folder should be
 * is refused, naming it. */
int cr_outfile_dir_open(const char *path, cr_outfile_dir **out, cr_error *err);

/* Creates the folder name (one component, no '/') inside parent when missing
 * and opens it into *out (closed by the caller with cr_outfile_dir_close),
 * never through a symbolic link: a link, a regular file or another non-folder
 * there is refused with EX_CANTCREAT and a message saying which. */
int cr_outfile_make_dir(const cr_outfile_dir *parent, const char *name, cr_outfile_dir **out,
                        cr_error *err);

/* The folder's name as the user knows it (owned by d). */
const char *cr_outfile_dir_path(const cr_outfile_dir *d);

/* Closes and frees d; NULL is a no-op. */
void cr_outfile_dir_close(cr_outfile_dir *d);

/* Starts the file name (one component, no '/') in dir: creates its temporary
 * file (O_EXCL, O_CLOEXEC) into *out. Refused at once when name is a symbolic
 * link or not a regular file, so no work is done for a file that cannot be
 * published. dir may be closed before *out is committed (it keeps its own
 * descriptor). */
int cr_outfile_open(const cr_outfile_dir *dir, const char *name, cr_outfile **out, cr_error *err);

/* cr_outfile_open for "FOLDER/NAME" (or "NAME" in the current folder): the
 * folder must exist (links in it followed, as the user named it). For callers
 * that are handed a path (cr_deck_write, cr_workbook_write, tests). */
int cr_outfile_open_path(const char *path, cr_outfile **out, cr_error *err);

/* The temporary file as a stream for writing (opened on first call, owned by
 * of; do not fclose it). NULL when it cannot be made (errno set). */
FILE *cr_outfile_stream(cr_outfile *of);

/* A path that opens the temporary file itself, for a library that wants a
 * path to write to (libxlsxwriter): /proc/self/fd/N, or the temporary name
 * when /proc is missing. Owned by of. Do not mix with cr_outfile_stream. */
const char *cr_outfile_path(const cr_outfile *of);

/* A path reaching the destination folder, for a library's own scratch files
 * (libxlsxwriter's tmpdir): /proc/self/fd/N, or the folder's name. Owned by of. */
const char *cr_outfile_folder(const cr_outfile *of);

/* The final file as the user knows it ("OUT/A/A_qbr_2026-Q3.pdf"). Owned by of. */
const char *cr_outfile_name(const cr_outfile *of);

/* Publishes of: flushes the stream, fsyncs the file, renames it over its name
 * (refused when that is now a symbolic link or not a regular file) and fsyncs
 * the folder. Frees of in every case; on failure the temporary file is
 * removed and err filled by the one mapping. */
int cr_outfile_commit(cr_outfile *of, cr_error *err);

/* Publishes files that go together (an account's PDF and workbook): every
 * one is flushed, synced and checked before the first is renamed, so a
 * failure of any of them (a full disk) publishes none. Only a rename that
 * fails after an earlier one succeeded can leave a set half published. Frees
 * every ofs[i] (set to NULL) in every case. */
int cr_outfile_commit_all(cr_outfile **ofs, size_t n, cr_error *err);

/* Drops of: removes the temporary file and frees of. NULL is a no-op. */
void cr_outfile_abort(cr_outfile *of);

/* Fills err for errnum while doing action ("write") on of's file, through the
 * one mapping, and returns the exit code. For writers that see an error of
 * their own stream. of stays open (abort it). */
int cr_outfile_fail(const cr_outfile *of, int errnum, const char *action, cr_error *err);

/* The exit code of an output error errnum: EX_NOPERM for EACCES, EPERM,
 * EROFS; EX_IOERR for ENOSPC, EDQUOT, EIO; else EX_CANTCREAT. */
int cr_outfile_exit_code(int errnum);

/* Reduces s to [A-Za-z0-9._-] into out (size at least CR_OUTFILE_NAME_SIZE):
 * other bytes become '_', a leading '.' too (no ".", ".." or hidden names),
 * at most 96 bytes are kept; when that changed anything "-" and 8 hex digits
 * of a hash of s follow, so two names cannot collide by cleaning. Used for
 * every part of an output name taken from data. */
void cr_outfile_safe_name(const char *s, char *out, size_t size);

#endif
