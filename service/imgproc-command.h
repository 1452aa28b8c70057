/* The subcommands of the imgproc tool, and the helpers they share. Each
 * command is a main() of its own: it gets the arguments after its name. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses shared by every command. */
#define IMGPROC_EXIT_OK 0
#define IMGPROC_EXIT_FAILED 1
#define IMGPROC_EXIT_USAGE 2
#define IMGPROC_EXIT_INTERRUPTED 130

int imgproc_resize_command (int argc, char **argv);
int imgproc_info_command (int argc, char **argv);
int imgproc_aws_command (int argc, char **argv);
int imgproc_backfill_command (int argc, char **argv);

GOptionContext *imgproc_command_option_context_new (const char *command,
                                                    const char *parameter_string,
                                                    const char *summary,
                                                    const char *description);
gboolean imgproc_command_parse (GOptionContext   *context,
                                int              *argc,
                                char           ***argv);
void imgproc_command_print_version (void);
void imgproc_command_usage_error (const char *format,
                                  ...) G_GNUC_PRINTF (1, 2);
void imgproc_command_file_error (const char   *file,
                                 const GError *error);

GBytes *imgproc_command_load_file (const char  *file,
                                   GError     **error);

G_END_DECLS
