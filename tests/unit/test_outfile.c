/* test_outfile.c - outfile.h: the errno to exit code mapping (a table), a
 * commit that publishes the file whole and leaves no temporary, an abort that
 * leaves nothing, a symbolic link or a folder at the final name refused with
 * the link's target untouched, folders made safely (a link and a regular file
 * where a folder should be, each named as what it is), a read-only folder
 * giving EX_NOPERM (as an unprivileged user: when run as root, in a child that
 * drops to nobody, since root ignores permissions), and the safe names.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csmreport/outfile.h"
#include "unit.h"

static char top[64];

static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    if (d)
        closedir(d);
    return n;
}

static bool file_holds(const char *path, const char *want)
{
    char buf[256] = "";
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strcmp(buf, want) == 0;
}

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void test_exit_codes(void)
{
    static const struct {
        int errnum, code;
    } cases[] = {
        {EACCES, EX_NOPERM}, {EPERM, EX_NOPERM},    {EROFS, EX_NOPERM},
        {ENOSPC, EX_IOERR},  {EDQUOT, EX_IOERR},    {EIO, EX_IOERR},
        {ENOENT, EX_CANTCREAT}, {ENOTDIR, EX_CANTCREAT}, {ELOOP, EX_CANTCREAT},
        {EEXIST, EX_CANTCREAT}, {ENAMETOOLONG, EX_CANTCREAT}, {0, EX_CANTCREAT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_INT(cr_outfile_exit_code(cases[i].errnum), cases[i].code, "exit code of errno %d",
                  cases[i].errnum);
}

static void test_commit_abort(cr_outfile_dir *d)
{
    char dir[256], path[320];
    snprintf(dir, sizeof dir, "%s", cr_outfile_dir_path(d));
    snprintf(path, sizeof path, "%s/a.txt", dir);
    cr_error err;
    cr_error_clear(&err);
    cr_outfile *of;
    CHECK_INT(cr_outfile_open(d, "a.txt", &of, &err), 0, "open a.txt (%s)", err.message);
    if (!of)
        return;
    CHECK_STR(cr_outfile_name(of), path, "the name as the user knows it");
    CHECK_INT(count_entries(dir), 1, "the temporary file is there while writing");
    CHECK(access(path, F_OK) != 0, "no final file before the commit");
    FILE *f = cr_outfile_stream(of);
    CHECK(f && fputs("hello", f) >= 0, "write through the stream");
    CHECK_INT(cr_outfile_commit(of, &err), 0, "commit (%s)", err.message);
    CHECK(file_holds(path, "hello"), "the committed file holds what was written");
    CHECK_INT(count_entries(dir), 1, "no temporary file after the commit");
    mode_t mask = umask(022);
    umask(mask);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == (0666 & ~mask), "mode 0666 less the umask");

    /* over an existing file, through the path a library would open */
    CHECK_INT(cr_outfile_open(d, "a.txt", &of, &err), 0, "open a.txt again");
    if (of) {
        FILE *g = fopen(cr_outfile_path(of), "wb");
        CHECK(g != NULL, "the path opens the temporary file (%s)", cr_outfile_path(of));
        if (g) {
            fputs("second", g);
            fclose(g);
        }
        CHECK(file_holds(path, "hello"), "the old file stays until the commit");
        CHECK_INT(cr_outfile_commit(of, &err), 0, "commit over the old file");
        CHECK(file_holds(path, "second"), "the new content replaced the old");
    }
    CHECK_INT(count_entries(dir), 1, "still one file");

    CHECK_INT(cr_outfile_open(d, "b.txt", &of, &err), 0, "open b.txt");
    if (of) {
        fputs("half", cr_outfile_stream(of));
        cr_outfile_abort(of);
    }
    snprintf(path, sizeof path, "%s/b.txt", dir);
    CHECK(access(path, F_OK) != 0, "abort: no b.txt");
    CHECK_INT(count_entries(dir), 1, "abort: no temporary file");
    cr_outfile_abort(NULL);

    /* by path: the folder must exist */
    snprintf(path, sizeof path, "%s/c.txt", dir);
    CHECK_INT(cr_outfile_open_path(path, &of, &err), 0, "open by path");
    if (of) {
        fputs("c", cr_outfile_stream(of));
        CHECK_INT(cr_outfile_commit(of, &err), 0, "commit by path");
    }
    CHECK(file_holds(path, "c"), "by path: written");
    unlink(path);
    snprintf(path, sizeof path, "%s/missing/c.txt", dir);
    cr_error_clear(&err);
    CHECK_INT(cr_outfile_open_path(path, &of, &err), EX_CANTCREAT, "by path: missing folder");
    CHECK(of == NULL && strstr(err.message, "cannot create ") == err.message && strstr(err.message, path),
          "by path: the message names the file (%s)", err.message);
}

static void test_links(cr_outfile_dir *d)
{
    const char *dir = cr_outfile_dir_path(d);
    char victim[320], link[320];
    snprintf(victim, sizeof victim, "%s/victim", top);
    snprintf(link, sizeof link, "%s/link.txt", dir);
    put_file(victim, "keep");
    CHECK(symlink(victim, link) == 0, "links: set up");
    cr_error err;
    cr_error_clear(&err);
    cr_outfile *of;
    CHECK_INT(cr_outfile_open(d, "link.txt", &of, &err), EX_CANTCREAT, "a link at the name: refused");
    CHECK(strstr(err.message, "it is a symbolic link") && strstr(err.message, link),
          "the message names the link (%s)", err.message);
    CHECK(file_holds(victim, "keep"), "the link's target untouched");

    /* a link swapped in while the file is written: the commit refuses too */
    CHECK_INT(cr_outfile_open(d, "late.txt", &of, &err), 0, "open late.txt");
    if (of) {
        fputs("data", cr_outfile_stream(of));
        char late[320];
        snprintf(late, sizeof late, "%s/late.txt", dir);
        CHECK(symlink(victim, late) == 0, "a link made while writing");
        cr_error_clear(&err);
        CHECK_INT(cr_outfile_commit(of, &err), EX_CANTCREAT, "commit over a link refused");
        CHECK(strstr(err.message, "symbolic link") != NULL, "commit: says symbolic link (%s)", err.message);
        struct stat st;
        CHECK(lstat(late, &st) == 0 && S_ISLNK(st.st_mode), "the link left as it is");
        unlink(late);
    }
    CHECK(file_holds(victim, "keep"), "the link's target still untouched");
    unlink(link);

    /* a folder at the final name */
    char sub[320];
    snprintf(sub, sizeof sub, "%s/adir", dir);
    mkdir(sub, 0755);
    cr_error_clear(&err);
    CHECK_INT(cr_outfile_open(d, "adir", &of, &err), EX_CANTCREAT, "a folder at the name: refused");
    CHECK(strstr(err.message, "it is a folder") && !strstr(err.message, "symbolic"),
          "a folder is called a folder (%s)", err.message);
    rmdir(sub);
    CHECK_INT(count_entries(dir), 1, "links: no temporary file left");
    unlink(victim);
}

static void test_folders(cr_outfile_dir *d)
{
    const char *dir = cr_outfile_dir_path(d);
    cr_error err;
    cr_error_clear(&err);
    cr_outfile_dir *sub = NULL, *again = NULL;
    CHECK_INT(cr_outfile_make_dir(d, "ACC", &sub, &err), 0, "make ACC (%s)", err.message);
    CHECK_INT(cr_outfile_make_dir(d, "ACC", &again, &err), 0, "make ACC when it is there");
    char want[320];
    snprintf(want, sizeof want, "%s/ACC", dir);
    CHECK_STR(sub ? cr_outfile_dir_path(sub) : NULL, want, "the folder's name");
    cr_outfile_dir_close(again);
    cr_outfile_dir_close(sub);

    char file[320], target[320], link[320];
    snprintf(file, sizeof file, "%s/FILE", dir);
    put_file(file, "x");
    cr_error_clear(&err);
    CHECK_INT(cr_outfile_make_dir(d, "FILE", &sub, &err), EX_CANTCREAT, "a regular file where a folder goes");
    snprintf(want, sizeof want, "cannot create the folder %s/FILE: it is a regular file", dir);
    CHECK_STR(err.message, want, "a regular file is called a regular file");
    CHECK(sub == NULL, "no folder handle for a file");

    snprintf(target, sizeof target, "%s/elsewhere", top);
    snprintf(link, sizeof link, "%s/LINK", dir);
    mkdir(target, 0755);
    CHECK(symlink(target, link) == 0, "folders: link set up");
    cr_error_clear(&err);
    CHECK_INT(cr_outfile_make_dir(d, "LINK", &sub, &err), EX_CANTCREAT, "a link where a folder goes");
    snprintf(want, sizeof want, "cannot create the folder %s/LINK: it is a symbolic link", dir);
    CHECK_STR(err.message, want, "a link is called a symbolic link");
    CHECK_INT(count_entries(target), 0, "nothing made behind the link");

    /* the top folder: made with its parents; a file there refused */
    char deep[320];
    snprintf(deep, sizeof deep, "%s/p/q/r", top);
    cr_outfile_dir *top_dir = NULL;
    CHECK_INT(cr_outfile_dir_open(deep, &top_dir, &err), 0, "mkdir -p of the top folder");
    cr_outfile_dir_close(top_dir);
    cr_error_clear(&err);
    CHECK_INT(cr_outfile_dir_open(file, &top_dir, &err), EX_CANTCREAT, "top folder that is a file");
    CHECK(strstr(err.message, "it is a regular file") != NULL, "top folder: says regular file (%s)",
          err.message);
    unlink(file);
    unlink(link);
    rmdir(target);
    snprintf(deep, sizeof deep, "%s/p/q/r", top);
    rmdir(deep);
    snprintf(deep, sizeof deep, "%s/p/q", top);
    rmdir(deep);
    snprintf(deep, sizeof deep, "%s/p", top);
    rmdir(deep);
    snprintf(deep, sizeof deep, "%s/ACC", dir);
    rmdir(deep);
}

/* The read-only checks, for an unprivileged user. */
static void read_only_checks(const char *ro)
{
    cr_error err;
    cr_error_clear(&err);
    cr_outfile_dir *d = NULL, *sub = NULL;
    CHECK_INT(cr_outfile_dir_open(ro, &d, &err), 0, "read-only: open (%s)", err.message);
    if (!d)
        return;
    cr_outfile *of = NULL;
    CHECK_INT(cr_outfile_open(d, "x.pdf", &of, &err), EX_NOPERM, "read-only: a file gives 77");
    CHECK(strstr(err.message, "permission denied") && strstr(err.message, ro) &&
              strstr(err.message, "needs write access"),
          "read-only: names the file and what is needed (%s)", err.message);
    cr_error_clear(&err);
    CHECK_INT(cr_outfile_make_dir(d, "ACC", &sub, &err), EX_NOPERM, "read-only: a folder gives 77");
    CHECK(strstr(err.message, "cannot create the folder ") == err.message,
          "read-only: names the folder (%s)", err.message);
    cr_outfile_abort(of);
    cr_outfile_dir_close(sub);
    cr_outfile_dir_close(d);
    CHECK_INT(count_entries(ro), 0, "read-only: nothing made");
}

static void test_read_only(void)
{
    char ro[128];
    snprintf(ro, sizeof ro, "%s/ro", top);
    CHECK(mkdir(ro, 0555) == 0 && chmod(ro, 0555) == 0, "read-only folder made");
    if (geteuid() != 0) {
        read_only_checks(ro);
    } else {
        /* root passes every permission check: try as nobody in a child */
        chmod(top, 0755);
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            if (setgid(65534) != 0 || setuid(65534) != 0) {
                printf("SKIP read-only: cannot become nobody\n");
                fflush(stdout);
                _exit(0);
            }
            read_only_checks(ro);
            _exit(unit_exit());
        }
        int status = 0;
        CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "read-only checks as nobody passed");
        chmod(top, 0700);
    }
    rmdir(ro);
}

static void test_safe_name(void)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"US-HARBOR", "US-HARBOR"},
        {"a.b_c-9", "a.b_c-9"},
        {"2026-Q3", "2026-Q3"},
    };
    char out[CR_OUTFILE_NAME_SIZE];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_outfile_safe_name(cases[i].in, out, sizeof out);
        CHECK_STR(out, cases[i].want, "safe name '%s' unchanged", cases[i].in);
    }
    static const char *const changed[] = {"../etc", "a/b", ".hidden", "", "日本", "x\ny", ".", ".."};
    for (size_t i = 0; i < sizeof changed / sizeof changed[0]; i++) {
        cr_outfile_safe_name(changed[i], out, sizeof out);
        bool clean = out[0] != '.' && strlen(out) >= 9;
        for (const char *c = out; *c; c++)
            clean &= (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
                     *c == '_' || *c == '-' || *c == '.';
        CHECK(clean && out[strlen(out) - 9] == '-', "safe name of case %zu cleaned and hashed (%s)", i, out);
    }
    cr_outfile_safe_name("a/b", out, sizeof out);
    CHECK(strncmp(out, "a_b-", 4) == 0 && strlen(out) == 12, "a/b becomes a_b and a hash (%s)", out);
    char a[CR_OUTFILE_NAME_SIZE], b[CR_OUTFILE_NAME_SIZE];
    cr_outfile_safe_name("a/b", a, sizeof a);
    cr_outfile_safe_name("a:b", b, sizeof b);
    CHECK(strcmp(a, b) != 0, "safe names of a/b and a:b differ");
    cr_outfile_safe_name("a/b", b, sizeof b);
    CHECK_STR(a, b, "safe names are stable");
    char longer[300];
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    cr_outfile_safe_name(longer, out, sizeof out);
    CHECK_INT(strlen(out), 96 + 9, "safe name: long names cut at 96 plus the hash");
}

int main(void)
{
    test_exit_codes();
    test_safe_name();
    snprintf(top, sizeof top, "/tmp/csmreport-outfile.XXXXXX");
    if (!mkdtemp(top)) {
        CHECK(0, "temporary folder");
        return unit_exit();
    }
    char out[128];
    snprintf(out, sizeof out, "%s/out", top);
    cr_error err;
    cr_error_clear(&err);
    cr_outfile_dir *d = NULL;
    CHECK_INT(cr_outfile_dir_open(out, &d, &err), 0, "open the output folder (%s)", err.message);
    if (d) {
        test_commit_abort(d);
        test_links(d);
        test_folders(d);
        cr_outfile_dir_close(d);
    }
    test_read_only();
    char path[160];
    snprintf(path, sizeof path, "%s/out/a.txt", top);
    unlink(path);
    rmdir(out);
    CHECK_INT(count_entries(top), 0, "every file removed");
    rmdir(top);
    return unit_exit();
}
