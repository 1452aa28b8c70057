/* The Lambda layer's /opt/bootstrap: gives imgproc-service the layer's own
 * data (GIO modules, pixbuf loaders, locales, CA bundle) and execs it
 * through the layer's dynamic loader and libc, never the host's.
 *
 * It is a static program on libc alone rather than a shell script because
 * provided.al2023's /bin/sh is bash, whose own start was a sixth of the
 * page faults between exec and the first /next (bench/STARTUP-RESULTS.md).
 * IMGPROC_BOOTSTRAP_TRACE=1 prints what it sets, to stderr. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_PROGRAM "imgproc-service"
#define LAMBDA_LAYER_ROOT "/opt"
#define LOADERS_CACHE "lib/gdk-pixbuf/loaders.cache"

static int tracing;

static void __attribute__ ((noreturn, format (printf, 2, 3)))
die (int         status,
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

static void *
checked (void *allocated)
{
  if (allocated == NULL)
    die (1, "out of memory");
  return allocated;
}

/* The concatenation of the strings up to a NULL, newly allocated. */
static char *
join (const char *first,
      ...)
{
  va_list args;
  size_t len = 0;
  char *result, *end;

  va_start (args, first);
  for (const char *s = first; s != NULL; s = va_arg (args, const char *))
    len += strlen (s);
  va_end (args);

  result = end = checked (malloc (len + 1));
  va_start (args, first);
  for (const char *s = first; s != NULL; s = va_arg (args, const char *))
    end = stpcpy (end, s);
  va_end (args);
  return result;
}

/* ${name:-} in shell terms: unset and empty are alike. */
static const char *
env (const char *name)
{
  const char *value = getenv (name);

  return value != NULL && *value != '\0' ? value : NULL;
}

static void
set (const char *name,
     const char *value)
{
  if (setenv (name, value, 1) != 0)
    die (1, "cannot set %s: %s", name, strerror (errno));
  if (tracing)
    fprintf (stderr, "bootstrap: %s=%s\n", name, value);
}

static void
set_default (const char *name,
             const char *value)
{
  if (env (name) == NULL)
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
    return join (pwd, NULL);
  return checked (getcwd (NULL, 0));
}

/* What `cd FOLDER && pwd` prints: FOLDER after the current folder, with
 * "." and ".." taken out by name and slashes single, so that a layer
 * reached as opt/bootstrap from / is /opt. */
static char *
absolute_folder (const char *folder)
{
  char *cwd = current_folder ();
  char *joined = join (cwd, "/", folder, NULL);
  char *result = checked (malloc (strlen (joined) + 2));
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
static char *
layer_root (const char *argv0)
{
  const char *given = env ("IMGPROC_LAYER_ROOT");
  const char *run_as = (const char *) getauxval (AT_EXECFN);
  const char *slash;
  char *folder, *absolute;

  if (given != NULL)
    return join (given, NULL);
  if (run_as == NULL)
    run_as = argv0;
  slash = strrchr (run_as, '/');
  if (slash == NULL)
    return absolute_folder (".");
  if (slash == run_as)
    return join ("/", NULL);
  folder = checked (strndup (run_as, (size_t) (slash - run_as)));
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
      char *name = checked (strndup (locale, strcspn (locale, ".")));

      folder = join (locpath, "/", name, ".utf8", codeset + 6, NULL);
      free (name);
    }
  else
    folder = join (locpath, "/", locale, NULL);
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
  locale = env ("LC_ALL") ? env ("LC_ALL") : env ("LC_CTYPE") ? env ("LC_CTYPE") : env ("LANG");
  if (locale_in_layer (locpath, locale))
    return;
  requested = env ("LC_ALL") ? env ("LC_ALL") : env ("LC_MESSAGES") ? env ("LC_MESSAGES") : env ("LANG");
  language = checked (strndup (requested, strcspn (requested, ".@")));
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
    die (1, "cannot read %s: %s", path, strerror (errno));
  data = checked (malloc ((size_t) st.st_size + 1));
  *len = 0;
  while ((n = read (fd, data + *len, (size_t) st.st_size - *len)) > 0)
    *len += (size_t) n;
  if (n < 0)
    die (1, "cannot read %s: %s", path, strerror (errno));
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
        die (1, "cannot write %s: %s", path, strerror (errno));
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
  const char *tmpdir = env ("TMPDIR") ? env ("TMPDIR") : "/tmp";
  char *target = join (tmpdir, "/imgproc-loaders.cache", NULL);
  char *temporary = join (target, ".XXXXXX", NULL);
  char *replacement = join ("\"", layer, "/lib/gdk-pixbuf/", NULL);
  size_t len;
  char *data = read_file (cache, &len);
  const char *rest = data, *hit;
  int fd = mkstemp (temporary);

  if (fd < 0)
    die (1, "cannot write a loaders cache in %s: %s", tmpdir, strerror (errno));
  while ((hit = strstr (rest, needle)) != NULL)
    {
      write_all (fd, rest, (size_t) (hit - rest), temporary);
      write_all (fd, replacement, strlen (replacement), temporary);
      rest = hit + strlen (needle);
    }
  write_all (fd, rest, len - (size_t) (rest - data), temporary);
  if (fchmod (fd, 0644) != 0 || close (fd) != 0 || rename (temporary, target) != 0)
    die (1, "cannot write %s: %s", target, strerror (errno));
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
  char *bundled = join (layer, "/etc/ssl/certs/ca-certificates.crt", NULL);
  const char *candidates[] = {
    bundled, "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/certs/ca-certificates.crt",
  };

  if (env ("IMGPROC_CA_FILE") == NULL)
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
      if (access (candidates[i], R_OK) == 0)
        {
          set ("IMGPROC_CA_FILE", candidates[i]);
          break;
        }
  free (bundled);
}

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
        name = checked (strdup (entry->d_name));
      }
  closedir (dir);
  if (name == NULL)
    return NULL;
  loader = join (libdir, "/", name, NULL);
  free (name);
  return loader;
}

int
main (int    argc,
      char **argv)
{
  const char *program = env ("IMGPROC_BOOTSTRAP_PROGRAM") ? env ("IMGPROC_BOOTSTRAP_PROGRAM")
                                                          : DEFAULT_PROGRAM;
  char *layer, *libdir, *locpath, *cache, *path, *loader;
  char **args;

  tracing = env ("IMGPROC_BOOTSTRAP_TRACE") != NULL;
  if (strchr (program, '/') != NULL)
    die (2, "IMGPROC_BOOTSTRAP_PROGRAM names a program in the layer's bin/, not a path: %s", program);
  layer = layer_root (argc > 0 ? argv[0] : "");
  libdir = join (layer, "/lib", NULL);

  /* Lambda's LD_LIBRARY_PATH points at the host image's libraries, which
   * are not ours. */
  unsetenv ("LD_LIBRARY_PATH");
  unsetenv ("LD_PRELOAD");
  unsetenv ("GCONV_PATH");

  path = join (libdir, "/gio/modules", NULL);
  set ("GIO_MODULE_DIR", path);
  free (path);
  set ("GSETTINGS_BACKEND", "memory");
  path = join (layer, "/share", NULL);
  set ("XDG_DATA_DIRS", path);
  free (path);
  locpath = join (libdir, "/locale", NULL);
  set ("LOCPATH", locpath);
  choose_locale (locpath);
  path = join (layer, "/share/locale", NULL);
  set_default ("IMGPROC_LOCALEDIR", path);
  free (path);

  cache = join (layer, "/" LOADERS_CACHE, NULL);
  if (strcmp (layer, LAMBDA_LAYER_ROOT) != 0)
    {
      char *rewritten = rewritten_loaders_cache (layer, cache);

      free (cache);
      cache = rewritten;
    }
  set ("GDK_PIXBUF_MODULE_FILE", cache);
  choose_ca_file (layer);

  loader = find_loader (libdir);
  if (loader == NULL)
    die (127, "no dynamic loader in %s", libdir);
  path = join (layer, "/bin/", program, NULL);
  /* Five arguments of our own, the program, argv[1..], and the NULL; argc
   * is 0 when the caller passed no argv at all. */
  args = checked (calloc ((size_t) (argc > 0 ? argc : 1) + 6, sizeof *args));
  args[0] = loader;
  args[1] = (char *) "--library-path";
  args[2] = libdir;
  args[3] = (char *) "--argv0";
  args[4] = path;
  args[5] = path;
  for (int i = 1; i < argc; i++)
    args[5 + i] = argv[i];
  if (tracing)
    fprintf (stderr, "bootstrap: exec %s --library-path %s --argv0 %s %s\n", loader, libdir, path, path);
  execv (loader, args);
  /* The shell's statuses for a failed exec: 127 for a missing file (a
   * dangling link), 126 for one that cannot run. */
  die (errno == ENOENT ? 127 : 126, "cannot run %s: %s", loader, strerror (errno));
}
