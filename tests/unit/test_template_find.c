/* test_template_find.c - cr_template_find: a path or a file here used as
 * given, NAME then NAME.xml in ./templates, a folder of that name not taken
 * for a template, and a name found nowhere: EX_NOINPUT naming every folder
 * looked in (./templates and the compiled-in DATADIR/templates).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csmreport/template.h"
#include "unit.h"

static void touch(const char *path)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs("<report/>\n", f);
        fclose(f);
    }
}

/* The path found for name, or "!CODE: message" when none; static buffer. */
static const char *find(const char *name)
{
    static char result[2048];
    char *path = NULL;
    cr_error err;
    cr_error_clear(&err);
    int rc = cr_template_find(name, &path, &err);
    if (rc)
        snprintf(result, sizeof result, "!%d: %s", rc, err.message);
    else
        snprintf(result, sizeof result, "%s", path);
    free(path);
    return result;
}

int main(void)
{
    char dir[] = "/tmp/csmreport-tfind.XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) {
        CHECK(0, "template_find: a scratch folder");
        return unit_exit();
    }
    mkdir("templates", 0755);
    mkdir("templates/folder.xml", 0755);
    touch("templates/qbr.xml");
    touch("templates/plain");
    touch("templates/mine.xml");
    touch("mine.xml");

    CHECK_STR(find("qbr"), "./templates/qbr.xml", "template_find: qbr is templates/qbr.xml");
    CHECK_STR(find("qbr.xml"), "./templates/qbr.xml", "template_find: qbr.xml is templates/qbr.xml");
    CHECK_STR(find("plain"), "./templates/plain", "template_find: a name as it is before NAME.xml");
    CHECK_STR(find("mine.xml"), "mine.xml", "template_find: a file here comes first");
    CHECK_STR(find("mine"), "./templates/mine.xml", "template_find: mine (no file 'mine' here)");
    CHECK_STR(find("sub/none.xml"), "sub/none.xml", "template_find: a path is used as given");
    CHECK_STR(find("/abs/qbr"), "/abs/qbr", "template_find: an absolute path is used as given");

    const char *r = find("nope");
    CHECK(strncmp(r, "!66: ", 5) == 0, "template_find: a name found nowhere is EX_NOINPUT (%s)", r);
    CHECK(strstr(r, "no template 'nope'") != NULL, "template_find: ... naming it");
    CHECK(strstr(r, "nope.xml") != NULL, "template_find: ... and NAME.xml");
    CHECK(strstr(r, "./templates") != NULL, "template_find: ... and ./templates");
    CHECK(strstr(r, CR_DATADIR "/templates") != NULL,
          "template_find: ... and the installed folder %s/templates", CR_DATADIR);
    r = find("folder");
    CHECK(strncmp(r, "!66: ", 5) == 0, "template_find: a folder is not a template (%s)", r);
    r = find("nope.xml");
    CHECK(strstr(r, "nope.xml.xml") == NULL && strncmp(r, "!66: ", 5) == 0,
          "template_find: NAME.xml is not looked for as NAME.xml.xml (%s)", r);

    unlink("mine.xml");
    unlink("templates/mine.xml");
    unlink("templates/plain");
    unlink("templates/qbr.xml");
    rmdir("templates/folder.xml");
    rmdir("templates");
    if (chdir("/") == 0)
        rmdir(dir);
    return unit_exit();
}
