/* ingest_lineage.c - what a file's rows name as their source: the file's
 * sha256 and its import_log id, reserved before the rows are written
 * (src/sql/schema_v5.sql). The hash is computed by a thread of its own while
 * the file is imported (a 5M-row usage export: no added wall time on a
 * second core); the kinds whose lookups compare it wait for it first. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csmreport/db.h"
#include "csmreport/sha256.h"
#include "ingest_internal.h"

/* The file's SHA-256, read in 1 MiB blocks on the hashing thread. */
static int hash_file(cr_importer *im, cr_error *err)
{
    int fd = open(im->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cr_error_set(err, errno == ENOENT ? EX_NOINPUT : EX_IOERR, im->path, 0, 0,
                            "cannot open: %s", strerror(errno));
    int rc = 0;
    enum { BUF = 1 << 20 };
    unsigned char *buf = malloc(BUF);
    cr_sha256 sum;
    cr_sha256_init(&sum);
    if (!buf) {
        rc = cr_error_nomem(err);
        goto out_close;
    }
    for (;;) {
        ssize_t n = read(fd, buf, BUF);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = cr_error_set(err, EX_IOERR, im->path, 0, 0, "cannot read: %s", strerror(errno));
            goto out_close;
        }
        if (n == 0)
            break;
        cr_sha256_update(&sum, buf, (size_t)n);
    }
    cr_sha256_final_hex(&sum, im->sha256);
out_close:
    free(buf);
    close(fd);
    return rc;
}

static void *hash_main(void *arg)
{
    cr_importer *im = arg;
    cr_error_clear(&im->hash_err);
    im->hash_rc = hash_file(im, &im->hash_err);
    return NULL;
}

int cr_ingest_lineage_begin(cr_importer *im, cr_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = cr_ingest_prepare_named(im, "import.log.next_id", &st, err);
    if (rc)
        return rc;
    rc = sqlite3_step(st);
    im->import_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return cr_db_fail(im->db, rc, "cannot read the import log", err);
    if (pthread_create(&im->hash_thread, NULL, hash_main, im) == 0) {
        im->hashing = true;
        return 0;
    }
    return hash_file(im, err); /* no thread: hash now */
}

int cr_ingest_lineage_wait(cr_importer *im, cr_error *err)
{
    if (!im->hashing)
        return 0;
    pthread_join(im->hash_thread, NULL);
    im->hashing = false;
    if (im->hash_rc && err)
        *err = im->hash_err;
    return im->hash_rc;
}
