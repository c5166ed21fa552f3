/* template_find.c - a template named on the command line (`render --template
 * qbr`) found by name: the file as given, else NAME or NAME.xml in ./templates,
 * then in the installed templates folder (beside the program, for an
 * installation unpacked anywhere, then the one compiled in from the Makefile's
 * DATADIR). The search order is documented in the man page (FILES).
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csmreport/template.h"

#ifndef CR_DATADIR
#define CR_DATADIR "/usr/local/share/csmreport"
#endif

#define MAX_DIRS 3

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The folders searched, in order, without repeats; returns how many. The
 * installation beside the program is <bin>/../share/csmreport/templates, so a
 * package unpacked in a scratch root finds its own templates. */
static size_t search_dirs(char dirs[MAX_DIRS][PATH_MAX])
{
    size_t n = 0;
    snprintf(dirs[n++], PATH_MAX, "%s", "./templates");
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            char here[PATH_MAX], *real;
            if (snprintf(here, sizeof here, "%s/../share/csmreport/templates", exe) <
                    (int)sizeof here &&
                (real = realpath(here, NULL)) != NULL) {
                snprintf(dirs[n++], PATH_MAX, "%s", real);
                free(real);
            }
        }
    }
    char *installed = realpath(CR_DATADIR "/templates", NULL);
    const char *data = installed ? installed : CR_DATADIR "/templates";
    if (n < 2 || strcmp(dirs[1], data) != 0)
        snprintf(dirs[n++], PATH_MAX, "%s", data);
    free(installed);
    return n;
}

int cr_template_find(const char *name, char **path, cr_error *err)
{
    *path = NULL;
    /* a path, or a file of that name here: used as given (a missing path is
     * then the loader's "cannot open", naming it) */
    if (strchr(name, '/') || is_file(name) || !*name) {
        if (!(*path = strdup(name)))
            return cr_error_nomem(err);
        return 0;
    }
    char dirs[MAX_DIRS][PATH_MAX];
    size_t n = search_dirs(dirs);
    bool add_xml = !ends_with(name, ".xml");
    char candidate[PATH_MAX];
    for (size_t i = 0; i < n; i++) {
        for (int xml = 0; xml <= (add_xml ? 1 : 0); xml++) {
            if (snprintf(candidate, sizeof candidate, "%s/%s%s", dirs[i], name,
                         xml ? ".xml" : "") >= (int)sizeof candidate || !is_file(candidate))
                continue;
            if (!(*path = strdup(candidate)))
                return cr_error_nomem(err);
            return 0;
        }
    }
    char looked[3 * PATH_MAX + 16] = "";
    size_t used = 0;
    for (size_t i = 0; i < n && used < sizeof looked; i++) {
        int w = snprintf(looked + used, sizeof looked - used, "%s%s", i ? ", " : "", dirs[i]);
        used += w > 0 ? (size_t)w : 0;
    }
    if (add_xml)
        return cr_error_set(err, EX_NOINPUT, NULL, 0, 0,
                            "no template '%s': not a file here, and neither %s nor %s.xml in %s",
                            name, name, name, looked);
    return cr_error_set(err, EX_NOINPUT, NULL, 0, 0,
                        "no template '%s': not a file here, nor in %s", name, looked);
}
