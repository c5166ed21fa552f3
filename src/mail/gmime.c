/* gmime.c - GMime's one-time set-up, shared by every part of mail/ that builds
 * or parses a message or an address. */
#include "mail_internal.h"

#include <gmime/gmime.h>
#include <pthread.h>

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_start(void)
{
    g_mime_init();
}

void cr_gmime_init(void)
{
    pthread_once(&gmime_once, gmime_start);
}
