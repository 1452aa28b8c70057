/* The imgproc command-line tool: sets up the locale and hands the arguments
 * to one subcommand. A new command is one more row in the table below. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-command.h"

#include <locale.h>
#include <string.h>
#include <glib/gi18n.h>

typedef struct {
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} ImgprocCommand;

static const ImgprocCommand commands[] = {
  { "aws", imgproc_aws_command, N_("Check the AWS credentials (whoami)") },
  { "backfill", imgproc_backfill_command, N_("Enqueue S3 events for the images already in a bucket") },
  { "info", imgproc_info_command, N_("Show the format, dimensions and orientation of images") },
  { "resize", imgproc_resize_command, N_("Make resized renditions of images") },
};

static const ImgprocCommand *
find_command (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];

  return NULL;
}

/* gettext ignores LANGUAGE when the locale is "C", which is what a shell
 * without LANG gets; C.UTF-8 behaves the same otherwise, but lets
 * `LANGUAGE=de imgproc` speak German as users expect. */
static void
setup_i18n (void)
{
  const char *messages_locale;
  const char *language = g_getenv ("LANGUAGE");
  const char *dir = g_getenv ("IMGPROC_LOCALEDIR");

  setlocale (LC_ALL, "");
  messages_locale = setlocale (LC_MESSAGES, NULL);
  if (language != NULL && *language != '\0' && messages_locale != NULL &&
      (g_str_equal (messages_locale, "C") || g_str_equal (messages_locale, "POSIX")))
    setlocale (LC_ALL, "C.UTF-8");

  bindtextdomain (GETTEXT_PACKAGE, dir != NULL && *dir != '\0' ? dir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

static void
print_help (gboolean to_stderr)
{
  GString *help = g_string_new (NULL);
  int width = 0;

  g_string_append_printf (help, "%s\n  %s %s\n\n", _("Usage:"), PACKAGE_NAME,
                          _("COMMAND [OPTION…] [FILE…]"));
  g_string_append_printf (help, "%s\n\n",
                          _("Makes resized renditions of photographs as fast as libjpeg decodes them,\n"
                            "and tells what an image file holds."));
  g_string_append_printf (help, "%s\n", _("Commands:"));

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    width = MAX (width, (int) strlen (commands[i].name));
  width = MAX (width, (int) strlen ("help"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (help, "  %-*s  %s\n", width, commands[i].name, _(commands[i].summary));
  g_string_append_printf (help, "  %-*s  %s\n\n", width, "help", _("Show the help of a command"));

  g_string_append_printf (help, "%s\n", _("Options:"));
  g_string_append_printf (help, "  %-14s%s\n", "-h, --help", _("Show this help"));
  g_string_append_printf (help, "  %-14s%s\n\n", "--version", _("Show the version and exit"));

  g_string_append_printf (help, "%s\n\n",
                          _("Run “imgproc COMMAND --help” for the options and examples of a command."));

  if (to_stderr)
    g_printerr ("%s", help->str);
  else
    g_print ("%s", help->str);
  g_string_free (help, TRUE);
}

static int
unknown_command (const char *name)
{
  g_autofree char *display_name = g_filename_display_name (name);

  g_printerr (_("%s: unknown command “%s”\n"), PACKAGE_NAME, display_name);
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (*name != '\0' && g_str_has_prefix (commands[i].name, name))
      {
        g_printerr (_("Did you mean “%s %s”?\n"), PACKAGE_NAME, commands[i].name);
        break;
      }
  g_printerr (_("Run “%s help” for the list of commands.\n"), PACKAGE_NAME);

  return IMGPROC_EXIT_USAGE;
}

static int
run_help (int argc, char **argv)
{
  const ImgprocCommand *command;
  char *help_argv[] = { NULL, (char *) "--help", NULL };

  if (argc < 2)
    {
      print_help (FALSE);
      return IMGPROC_EXIT_OK;
    }

  if (argc > 2)
    {
      imgproc_command_usage_error (_("“help” takes one command"));
      return IMGPROC_EXIT_USAGE;
    }

  command = find_command (argv[1]);
  if (command == NULL)
    return unknown_command (argv[1]);

  help_argv[0] = (char *) command->name;
  return command->run (2, help_argv);
}

int
main (int argc, char **argv)
{
  const ImgprocCommand *command;
  const char *name;

  setup_i18n ();
  g_set_prgname (PACKAGE_NAME);

  if (argc < 2)
    {
      print_help (TRUE);
      return IMGPROC_EXIT_USAGE;
    }

  name = argv[1];
  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") || g_str_equal (name, "-?"))
    {
      print_help (FALSE);
      return IMGPROC_EXIT_OK;
    }
  if (g_str_equal (name, "--version"))
    {
      imgproc_command_print_version ();
      return IMGPROC_EXIT_OK;
    }
  if (g_str_equal (name, "help"))
    return run_help (argc - 1, argv + 1);
  if (name[0] == '-')
    {
      imgproc_command_usage_error (_("Unknown option %s; options come after the command"), name);
      return IMGPROC_EXIT_USAGE;
    }

  command = find_command (name);
  if (command == NULL)
    return unknown_command (name);

  return command->run (argc - 1, argv + 1);
}
