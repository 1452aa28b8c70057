/* What every subcommand of the imgproc tool does alike: option parsing with
 * --help and --version, error lines, and reading an input file. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-command.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

void
imgproc_command_print_version (void)
{
  g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
}

static gboolean
on_version (const char  *option_name,
            const char  *value,
            gpointer     data,
            GError     **error)
{
  imgproc_command_print_version ();
  exit (IMGPROC_EXIT_OK);
}

static const GOptionEntry version_entries[] = {
  { "version", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, (gpointer) on_version,
    N_("Show the version and exit"), NULL },
  G_OPTION_ENTRY_NULL
};

/* GOption prints "Usage: PRGNAME [OPTION…]", so the program name becomes
 * "imgproc COMMAND" while the command runs. The strings come translated. */
GOptionContext *
imgproc_command_option_context_new (const char *command,
                                    const char *parameter_string,
                                    const char *summary,
                                    const char *description)
{
  GOptionContext *context;
  g_autofree char *prgname = g_strdup_printf ("%s %s", PACKAGE_NAME, command);

  g_set_prgname (prgname);
  context = g_option_context_new (parameter_string);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, version_entries, GETTEXT_PACKAGE);

  return context;
}

gboolean
imgproc_command_parse (GOptionContext   *context,
                       int              *argc,
                       char           ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      imgproc_command_usage_error ("%s", error->message);
      return FALSE;
    }

  return TRUE;
}

/* The program name is "imgproc" or "imgproc COMMAND", whichever runs. */
void
imgproc_command_usage_error (const char *format,
                             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("%s: %s\n", g_get_prgname (), message);
  /* TRANSLATORS: %s is "imgproc" or "imgproc COMMAND" */
  g_printerr (_("Try “%s --help” for more information.\n"), g_get_prgname ());
}

void
imgproc_command_file_error (const char   *file,
                            const GError *error)
{
  g_autofree char *display_name = g_filename_display_name (file);

  g_printerr ("%s: %s: %s\n", PACKAGE_NAME, display_name, error->message);
}

static void
set_errno_error (GError **error,
                 int      saved_errno)
{
  g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                       g_strerror (saved_errno));
}

/* Regular files are mapped rather than read, so that a large input costs
 * no copy; pipes and devices cannot be mapped and are read whole. The error
 * says what went wrong without repeating the file name, which the caller
 * prints in front of it. */
GBytes *
imgproc_command_load_file (const char  *file,
                           GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local_error = NULL;
  struct stat st;
  char *contents;
  gsize length;
  int fd;

  fd = g_open (file, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      set_errno_error (error, errno);
      return NULL;
    }

  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      g_close (fd, NULL);
      set_errno_error (error, saved_errno);
      return NULL;
    }

  if (S_ISDIR (st.st_mode))
    {
      g_close (fd, NULL);
      set_errno_error (error, EISDIR);
      return NULL;
    }

  if (S_ISREG (st.st_mode))
    {
      mapped = g_mapped_file_new_from_fd (fd, FALSE, &local_error);
      g_close (fd, NULL);
      if (mapped == NULL)
        {
          g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                               local_error->message);
          return NULL;
        }
      return g_mapped_file_get_bytes (mapped);
    }

  g_close (fd, NULL);
  if (!g_file_get_contents (file, &contents, &length, &local_error))
    {
      g_set_error_literal (error, G_FILE_ERROR, local_error->code,
                           local_error->message);
      return NULL;
    }

  return g_bytes_new_take (contents, length);
}
