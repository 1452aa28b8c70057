/* The library's run-time version and its one-time gettext set-up. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-private.h"

#include <locale.h>

/**
 * imgproc_get_version:
 *
 * Tells which version of libimgproc is loaded at run time, which may be newer
 * than the headers a program was compiled against.
 *
 * Returns: (transfer none): the version, such as "0.1.0"
 */
const char *
imgproc_get_version (void)
{
  return IMGPROC_VERSION_S;
}

/* The Lambda layer cannot install into the compiled-in LOCALEDIR, so it points
 * IMGPROC_LOCALEDIR at its own copy of the catalogues. */
void
imgproc_ensure_i18n (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      const char *dir = g_getenv ("IMGPROC_LOCALEDIR");

      bindtextdomain (GETTEXT_PACKAGE, dir != NULL && *dir != '\0' ? dir : LOCALEDIR);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      g_once_init_leave (&done, 1);
    }
}
