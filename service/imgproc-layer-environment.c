/* The environment a program of the Lambda layer needs: the layer's own GIO
 * modules, pixbuf loaders, locales and CA bundle. Plain libc, as the
 * static launcher (imgproc-bootstrap.c) shares it with imgproc-service.
 * IMGPROC_BOOTSTRAP_TRACE=1 prints what it sets, to stderr. */
#include "config.h"

#include "imgproc-layer-environment.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#define LAMBDA_LAYER_ROOT "/opt"
#define LOADERS_CACHE "lib/gdk-pixbuf/loaders.cache"

static int tracing = -1;

void
imgproc_layer_die (int         status,
     const char *format,
     ...)
{
  va_list args;

  fputs ("bootstrap: ", stderr);
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
  exit (status);
}

void *
imgproc_layer_checked (void *allocated)
{
  if (allocated == NULL)
    imgproc_layer_die (1, "out of memory");
  return allocated;
}

/* The concatenation of the strings up to a NULL, newly allocated. */
char *
imgproc_layer_join (const char *first,
      ...)
{
  va_list args;
  size_t len = 0;
  char *result, *end;

  va_start (args, first);
  for (const char *s = first; s != NULL; s = va_arg (args, const char *))
    len += strlen (s);
  va_end (args);

  result = end = imgproc_layer_checked (malloc (len + 1));
  va_start (args, first);
  for (const char *s = first; s != NULL; s = va_arg (args, const char *))
    end = stpcpy (end, s);
  va_end (args);
  return result;
}

/* ${name:-} in shell terms: unset and empty are alike. */
const char *
imgproc_layer_env (const char *name)
{
  const char *value = getenv (name);

  return value != NULL && *value != '\0' ? value : NULL;
}

static int
is_tracing (void)
{
  if (tracing < 0)
    tracing = imgproc_layer_env ("IMGPROC_BOOTSTRAP_TRACE") != NULL;
  return tracing;
}

static void
set (const char *name,
     const char *value)
{
  if (setenv (name, value, 1) != 0)
    imgproc_layer_die (1, "cannot set %s: %s", name, strerror (errno));
  if (is_tracing ())
    fprintf (stderr, "bootstrap: %s=%s\n", name, value);
}

static void
set_default (const char *name,
             const char *value)
{
  if (imgproc_layer_env (name) == NULL)
    set (name, value);
}

static int
is_directory (const char *path)
{
  struct stat st;

  return stat (path, &st) == 0 && S_ISDIR (st.st_mode);
}

/* The shell's idea of the current folder: $PWD while it names it, as the
 * shell keeps the path a symbolic link was entered by. */
static char *
current_folder (void)
{
  const char *pwd = getenv ("PWD");
  struct stat named, current;

  if (pwd != NULL && pwd[0] == '/' && stat (pwd, &named) == 0 && stat (".", &current) == 0 &&
      named.st_dev == current.st_dev && named.st_ino == current.st_ino)
    return imgproc_layer_join (pwd, NULL);
  return imgproc_layer_checked (getcwd (NULL, 0));
}

/* What `cd FOLDER && pwd` prints: FOLDER after the current folder, with
 * "." and ".." taken out by name and slashes single, so that a layer
 * reached as opt/bootstrap from / is /opt. */
static char *
absolute_folder (const char *folder)
{
  char *cwd = current_folder ();
  char *joined = imgproc_layer_join (cwd, "/", folder, NULL);
  char *result = imgproc_layer_checked (malloc (strlen (joined) + 2));
  size_t len = 0;

  for (const char *name = joined; *name != '\0';)
    {
      size_t n = strcspn (name, "/");

      if (n == 2 && name[0] == '.' && name[1] == '.')
        {
          while (len > 0 && result[len - 1] != '/')
            len--;
          if (len > 0)
            len--;
        }
      else if (n > 0 && !(n == 1 && name[0] == '.'))
        {
          result[len++] = '/';
          memcpy (result + len, name, n);
          len += n;
        }
      name += n;
      name += strspn (name, "/");
    }
  if (len == 0)
    result[len++] = '/';
  result[len] = '\0';
  free (joined);
  free (cwd);
  return result;
}

/* The folder this program is in, by the path it was run by: the kernel's
 * AT_EXECFN, which is what a script's $0 was, not argv[0], which the
 * caller chooses (exec -a) or may leave out. Lambda runs /opt/bootstrap by
 * that absolute path. */
char *
imgproc_layer_root (const char *argv0)
{
  const char *given = imgproc_layer_env ("IMGPROC_LAYER_ROOT");
  const char *run_as = (const char *) getauxval (AT_EXECFN);
  const char *slash;
  char *folder, *absolute;

  if (given != NULL)
    return imgproc_layer_join (given, NULL);
  if (run_as == NULL)
    run_as = argv0;
  slash = strrchr (run_as, '/');
  if (slash == NULL)
    return absolute_folder (".");
  if (slash == run_as)
    return imgproc_layer_join ("/", NULL);
  folder = imgproc_layer_checked (strndup (run_as, (size_t) (slash - run_as)));
  if (folder[0] == '/')
    return folder;
  absolute = absolute_folder (folder);
  free (folder);
  return absolute;
}

static const char *
find_utf8_codeset (const char *locale)
{
  for (const char *dot = strchr (locale, '.'); dot != NULL; dot = strchr (dot + 1, '.'))
    if (strncasecmp (dot, ".utf-8", 6) == 0)
      return dot;
  return NULL;
}

/* glibc finds a UTF-8 locale under its name with the codeset normalised:
 * en_US.UTF-8@euro as en_US.utf8@euro. As the script did, the name ends
 * at the first dot and the rest follows the first ".UTF-8". */
static int
locale_in_layer (const char *locpath,
                 const char *locale)
{
  const char *codeset = find_utf8_codeset (locale);
  char *folder;
  int found;

  if (strcmp (locale, "C") == 0 || strcmp (locale, "POSIX") == 0)
    return 1;
  if (codeset != NULL)
    {
      char *name = imgproc_layer_checked (strndup (locale, strcspn (locale, ".")));

      folder = imgproc_layer_join (locpath, "/", name, ".utf8", codeset + 6, NULL);
      free (name);
    }
  else
    folder = imgproc_layer_join (locpath, "/", locale, NULL);
  found = is_directory (folder);
  free (folder);
  return found;
}

/* Lambda sets LANG=en_US.UTF-8, but the layer ships only C.utf8: glibc
 * would fall back to ASCII C and print ? for every quotation mark. A locale
 * the layer lacks becomes C.UTF-8, and its language stays in LANGUAGE for
 * the message catalogues. */
static void
choose_locale (const char *locpath)
{
  const char *locale, *requested;
  char *language;

  set_default ("LANG", "C.UTF-8");
  locale = imgproc_layer_env ("LC_ALL") ? imgproc_layer_env ("LC_ALL") : imgproc_layer_env ("LC_CTYPE") ? imgproc_layer_env ("LC_CTYPE") : imgproc_layer_env ("LANG");
  if (locale_in_layer (locpath, locale))
    return;
  requested = imgproc_layer_env ("LC_ALL") ? imgproc_layer_env ("LC_ALL") : imgproc_layer_env ("LC_MESSAGES") ? imgproc_layer_env ("LC_MESSAGES") : imgproc_layer_env ("LANG");
  language = imgproc_layer_checked (strndup (requested, strcspn (requested, ".@")));
  set_default ("LANGUAGE", language);
  free (language);
  set ("LC_ALL", "C.UTF-8");
}

static char *
read_file (const char *path,
           size_t     *len)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  char *data;
  ssize_t n;

  if (fd < 0 || fstat (fd, &st) != 0)
    imgproc_layer_die (1, "cannot read %s: %s", path, strerror (errno));
  data = imgproc_layer_checked (malloc ((size_t) st.st_size + 1));
  *len = 0;
  while ((n = read (fd, data + *len, (size_t) st.st_size - *len)) > 0)
    *len += (size_t) n;
  if (n < 0)
    imgproc_layer_die (1, "cannot read %s: %s", path, strerror (errno));
  close (fd);
  data[*len] = '\0';
  return data;
}

static void
write_all (int         fd,
           const char *data,
           size_t      len,
           const char *path)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        imgproc_layer_die (1, "cannot write %s: %s", path, strerror (errno));
      data += n;
      len -= (size_t) n;
    }
}

/* The loaders cache names each loader by its absolute /opt path; a layer
 * anywhere else gets a copy naming its own. Written beside and renamed, so
 * that two starts at once never read half a file. */
static char *
rewritten_loaders_cache (const char *layer,
                         const char *cache)
{
  static const char needle[] = "\"" LAMBDA_LAYER_ROOT "/lib/gdk-pixbuf/";
  const char *tmpdir = imgproc_layer_env ("TMPDIR") ? imgproc_layer_env ("TMPDIR") : "/tmp";
  char *target = imgproc_layer_join (tmpdir, "/imgproc-loaders.cache", NULL);
  char *temporary = imgproc_layer_join (target, ".XXXXXX", NULL);
  char *replacement = imgproc_layer_join ("\"", layer, "/lib/gdk-pixbuf/", NULL);
  size_t len;
  char *data = read_file (cache, &len);
  const char *rest = data, *hit;
  int fd = mkstemp (temporary);

  if (fd < 0)
    imgproc_layer_die (1, "cannot write a loaders cache in %s: %s", tmpdir, strerror (errno));
  while ((hit = strstr (rest, needle)) != NULL)
    {
      write_all (fd, rest, (size_t) (hit - rest), temporary);
      write_all (fd, replacement, strlen (replacement), temporary);
      rest = hit + strlen (needle);
    }
  write_all (fd, rest, len - (size_t) (rest - data), temporary);
  if (fchmod (fd, 0644) != 0 || close (fd) != 0 || rename (temporary, target) != 0)
    imgproc_layer_die (1, "cannot write %s: %s", target, strerror (errno));
  free (data);
  free (replacement);
  free (temporary);
  return target;
}

/* gnutls looks only at Debian's compiled-in CA path, which AL2023 lacks:
 * imgproc loads this file itself. The layer's bundle wins; the host's is
 * the fallback. */
static void
choose_ca_file (const char *layer)
{
  char *bundled = imgproc_layer_join (layer, "/etc/ssl/certs/ca-certificates.crt", NULL);
  const char *candidates[] = {
    bundled, "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/certs/ca-certificates.crt",
  };

  if (imgproc_layer_env ("IMGPROC_CA_FILE") == NULL)
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
      if (access (candidates[i], R_OK) == 0)
        {
          set ("IMGPROC_CA_FILE", candidates[i]);
          break;
        }
  free (bundled);
}

/* Gives the program the layer's own data, never the host's: what the
 * launcher sets before it execs a program of the layer, and what
 * imgproc-service sets for itself when Lambda runs it as the layer's
 * bootstrap. */
void
imgproc_layer_environment_set (const char *layer)
{
  char *libdir = imgproc_layer_join (layer, "/lib", NULL);
  char *locpath, *cache, *path;

  /* Lambda's LD_LIBRARY_PATH points at the host image's libraries, which
   * are not ours. */
  unsetenv ("LD_LIBRARY_PATH");
  unsetenv ("LD_PRELOAD");
  unsetenv ("GCONV_PATH");

  path = imgproc_layer_join (libdir, "/gio/modules", NULL);
  set ("GIO_MODULE_DIR", path);
  free (path);
  set ("GSETTINGS_BACKEND", "memory");
  path = imgproc_layer_join (layer, "/share", NULL);
  set ("XDG_DATA_DIRS", path);
  free (path);
  locpath = imgproc_layer_join (libdir, "/locale", NULL);
  set ("LOCPATH", locpath);
  choose_locale (locpath);
  path = imgproc_layer_join (layer, "/share/locale", NULL);
  set_default ("IMGPROC_LOCALEDIR", path);
  free (path);

  cache = imgproc_layer_join (layer, "/" LOADERS_CACHE, NULL);
  if (strcmp (layer, LAMBDA_LAYER_ROOT) != 0)
    {
      char *rewritten = rewritten_loaders_cache (layer, cache);

      free (cache);
      cache = rewritten;
    }
  set ("GDK_PIXBUF_MODULE_FILE", cache);
  choose_ca_file (layer);
  free (cache);
  free (locpath);
  free (libdir);

}

/* The layer whose bootstrap this process was run as, or NULL: Lambda runs
 * /opt/bootstrap, which is imgproc-service itself in a layer. */
char *
imgproc_layer_root_of_bootstrap (void)
{
  const char *run_as = (const char *) getauxval (AT_EXECFN);
  const char *slash = run_as != NULL ? strrchr (run_as, '/') : NULL;
  char *layer, *cache;
  int is_layer;

  if (slash == NULL || strcmp (slash, "/bootstrap") != 0)
    return NULL;
  layer = imgproc_layer_root (run_as);
  cache = imgproc_layer_join (layer, "/" LOADERS_CACHE, NULL);
  is_layer = access (cache, R_OK) == 0;
  free (cache);
  if (is_layer)
    return layer;
  free (layer);
  return NULL;
}
