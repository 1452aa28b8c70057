/* The Lambda layer's /opt/imgproc-launch: runs a program of the layer's
 * bin/ (IMGPROC_BOOTSTRAP_PROGRAM, imgproc-service by default) with the
 * layer's environment, through the layer's dynamic loader and libc, from
 * wherever the layer is. Lambda itself runs /opt/bootstrap, which is
 * imgproc-service linked to /opt/lib's loader and sets that environment
 * itself: an exec fewer (bench/STARTUP-RESULTS.md). A static program on
 * libc alone, as it runs before anything of the layer is set up. */
#include "config.h"

#include "imgproc-layer-environment.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_PROGRAM "imgproc-service"

/* lib/ld-linux-*.so.*, the first by name as the script's glob had it. */
static char *
find_loader (const char *libdir)
{
  DIR *dir = opendir (libdir);
  struct dirent *entry;
  char *name = NULL, *loader;

  if (dir == NULL)
    return NULL;
  while ((entry = readdir (dir)) != NULL)
    if (strncmp (entry->d_name, "ld-linux-", 9) == 0 && strstr (entry->d_name, ".so.") != NULL &&
        (name == NULL || strcmp (entry->d_name, name) < 0))
      {
        free (name);
        name = imgproc_layer_checked (strdup (entry->d_name));
      }
  closedir (dir);
  if (name == NULL)
    return NULL;
  loader = imgproc_layer_join (libdir, "/", name, NULL);
  free (name);
  return loader;
}

int
main (int    argc,
      char **argv)
{
  const char *given = imgproc_layer_env ("IMGPROC_BOOTSTRAP_PROGRAM");
  const char *program = given != NULL ? given : DEFAULT_PROGRAM;
  char *layer, *libdir, *path, *loader;
  char **args;

  if (strchr (program, '/') != NULL)
    imgproc_layer_die (2, "IMGPROC_BOOTSTRAP_PROGRAM names a program in the layer's bin/, not a path: %s",
                       program);
  layer = imgproc_layer_root (argc > 0 ? argv[0] : "");
  libdir = imgproc_layer_join (layer, "/lib", NULL);

  imgproc_layer_environment_set (layer);

  loader = find_loader (libdir);
  if (loader == NULL)
    imgproc_layer_die (127, "no dynamic loader in %s", libdir);
  path = imgproc_layer_join (layer, "/bin/", program, NULL);
  /* Five arguments of our own, the program, argv[1..], and the NULL; argc
   * is 0 when the caller passed no argv at all. */
  args = imgproc_layer_checked (calloc ((size_t) (argc > 0 ? argc : 1) + 6, sizeof *args));
  args[0] = loader;
  args[1] = (char *) "--library-path";
  args[2] = libdir;
  args[3] = (char *) "--argv0";
  args[4] = path;
  args[5] = path;
  for (int i = 1; i < argc; i++)
    args[5 + i] = argv[i];
  if (imgproc_layer_env ("IMGPROC_BOOTSTRAP_TRACE") != NULL)
    fprintf (stderr, "bootstrap: exec %s --library-path %s --argv0 %s %s\n", loader, libdir, path, path);
  execv (loader, args);
  /* The shell's statuses for a failed exec: 127 for a missing file (a
   * dangling link), 126 for one that cannot run. */
  imgproc_layer_die (errno == ENOENT ? 127 : 126, "cannot run %s: %s", loader, strerror (errno));
}
