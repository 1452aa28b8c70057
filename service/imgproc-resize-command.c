/* `imgproc resize`: renditions of many files at once, one file per core,
 * from one shared resizer. Worker threads only compute and write files; the
 * main thread does all the printing, so lines never interleave. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-command.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#define MAX_WIDTH 65535
#define MAX_JOBS 1024
#define PROGRESS_REFRESH_USEC (100 * G_TIME_SPAN_MILLISECOND)

typedef struct {
  char *path;
  guint width;
  guint height;
  gsize byte_size;
} Output;

typedef struct {
  const char *file;
  char *stem;
  GError *error;
  GPtrArray *outputs;
} Job;

typedef struct {
  ImgprocResizer *resizer;
  const char *output_dir;
  GCancellable *cancellable;
  GAsyncQueue *finished;
} Shared;

typedef struct {
  gboolean enabled;
  gboolean shown;
  guint total;
  guint done;
} Progress;

static volatile sig_atomic_t interrupted = 0;

static void
output_free (Output *output)
{
  g_free (output->path);
  g_free (output);
}

static void
job_free (Job *job)
{
  g_free (job->stem);
  g_clear_error (&job->error);
  g_ptr_array_unref (job->outputs);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

/* "dir/photo.jpg" gives "photo"; a leading dot is part of the name. */
static char *
output_stem (const char *file)
{
  char *stem = g_path_get_basename (file);
  char *dot = strrchr (stem, '.');

  if (dot != NULL && dot != stem)
    *dot = '\0';

  return stem;
}

/* Writes to a hidden temporary file beside the target and renames it over
 * the target, so a reader never sees a partial output, even on failure. */
static gboolean
write_atomically (const char  *path,
                  GBytes      *bytes,
                  GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *temp_base = g_strdup_printf (".%s.XXXXXX", base);
  g_autofree char *temp_path = g_build_filename (dir, temp_base, NULL);
  g_autofree char *display_path = g_filename_display_name (path);
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  int saved_errno = 0;
  int fd;

  fd = g_mkstemp_full (temp_path, O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      saved_errno = errno;
      goto fail;
    }

  while (length > 0)
    {
      gssize written = write (fd, data, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written < 0)
        {
          saved_errno = errno;
          g_close (fd, NULL);
          goto fail_unlink;
        }
      data += written;
      length -= (gsize) written;
    }

  if (!g_close (fd, NULL))
    {
      saved_errno = errno;
      goto fail_unlink;
    }

  if (g_rename (temp_path, path) != 0)
    {
      saved_errno = errno;
      goto fail_unlink;
    }

  return TRUE;

fail_unlink:
  g_unlink (temp_path);
fail:
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
               _("Cannot write “%s”: %s"), display_path, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
write_renditions (Job        *job,
                  GPtrArray  *renditions,
                  Shared     *shared,
                  GError    **error)
{
  for (guint i = 0; i < renditions->len; i++)
    {
      ImgprocRendition *rendition = g_ptr_array_index (renditions, i);
      ImgprocImageFormat format = imgproc_rendition_get_format (rendition);
      g_autofree char *name = g_strdup_printf ("%s-%u.%s", job->stem,
                                               imgproc_rendition_get_target_width (rendition),
                                               imgproc_image_format_get_extension (format));
      Output *output = g_new0 (Output, 1);

      output->path = g_build_filename (shared->output_dir, name, NULL);
      output->width = imgproc_rendition_get_width (rendition);
      output->height = imgproc_rendition_get_height (rendition);
      output->byte_size = imgproc_rendition_get_byte_size (rendition);

      if (!write_atomically (output->path, imgproc_rendition_get_bytes (rendition), error))
        {
          output_free (output);
          return FALSE;
        }
      g_ptr_array_add (job->outputs, output);
    }

  return TRUE;
}

static void
resize_one (gpointer data,
            gpointer user_data)
{
  Job *job = data;
  Shared *shared = user_data;
  g_autoptr(GBytes) input = NULL;
  g_autoptr(GPtrArray) renditions = NULL;

  if (g_cancellable_set_error_if_cancelled (shared->cancellable, &job->error))
    goto done;

  input = imgproc_command_load_file (job->file, &job->error);
  if (input == NULL)
    goto done;

  renditions = imgproc_resizer_process (shared->resizer, input, shared->cancellable, &job->error);
  g_clear_pointer (&input, g_bytes_unref);
  if (renditions == NULL)
    goto done;

  /* A file whose renditions cannot all be written leaves none behind. */
  if (!write_renditions (job, renditions, shared, &job->error))
    {
      for (guint i = 0; i < job->outputs->len; i++)
        g_unlink (((Output *) g_ptr_array_index (job->outputs, i))->path);
      g_ptr_array_set_size (job->outputs, 0);
    }

done:
  g_async_queue_push (shared->finished, job);
}

static int
terminal_columns (void)
{
  struct winsize size;

  if (ioctl (STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
    return size.ws_col;

  return 80;
}

static void
progress_clear (Progress *progress)
{
  if (progress->shown)
    {
      g_printerr ("\r\033[K");
      progress->shown = FALSE;
    }
}

static void
progress_draw (Progress *progress)
{
  g_autofree char *counter = NULL;
  GString *line;
  int bar_width;
  int filled;

  if (!progress->enabled)
    return;

  counter = g_strdup_printf (" %3u%% %u/%u", progress->done * 100 / MAX (progress->total, 1),
                             progress->done, progress->total);
  bar_width = MIN (terminal_columns () - 1, 60) - (int) strlen (counter) - 2;
  if (bar_width < 10)
    bar_width = 10;
  filled = (int) ((guint64) bar_width * progress->done / MAX (progress->total, 1));

  line = g_string_new ("\r[");
  for (int i = 0; i < bar_width; i++)
    g_string_append_c (line, i < filled ? '#' : '-');
  g_string_append_c (line, ']');
  g_string_append (line, counter);
  g_printerr ("%s", line->str);
  g_string_free (line, TRUE);
  progress->shown = TRUE;
}

static void
print_verbose (Job *job)
{
  g_autofree char *display_name = g_filename_display_name (job->file);
  GString *line = g_string_new (display_name);

  g_string_append (line, ":");
  for (guint i = 0; i < job->outputs->len; i++)
    {
      Output *output = g_ptr_array_index (job->outputs, i);
      g_autofree char *display_path = g_filename_display_name (output->path);
      g_autofree char *size = g_format_size (output->byte_size);

      g_string_append_printf (line, "%s %s (%ux%u, %s)", i > 0 ? "," : "", display_path,
                              output->width, output->height, size);
    }
  g_print ("%s\n", line->str);
  fflush (stdout);
  g_string_free (line, TRUE);
}

static void
on_signal (int signum)
{
  interrupted = 1;
}

static void
catch_interrupts (void)
{
  struct sigaction action = { 0 };

  /* The first signal lets the files being resized finish; a second one
   * finds the default action back and ends the process at once. */
  action.sa_handler = on_signal;
  sigemptyset (&action.sa_mask);
  action.sa_flags = SA_RESTART | SA_RESETHAND;
  sigaction (SIGINT, &action, NULL);
  sigaction (SIGTERM, &action, NULL);
}

static gboolean
parse_widths (char   **arguments,
              GArray  *widths)
{
  for (gsize i = 0; arguments != NULL && arguments[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (arguments[i], ",", -1);

      for (gsize j = 0; parts[j] != NULL; j++)
        {
          guint64 width;
          gboolean seen = FALSE;

          if (!g_ascii_string_to_unsigned (g_strstrip (parts[j]), 10, 1, MAX_WIDTH, &width, NULL))
            {
              imgproc_command_usage_error (_("Invalid width “%s”: give a number of pixels from 1 to %u"),
                                           parts[j], MAX_WIDTH);
              return FALSE;
            }
          for (guint k = 0; k < widths->len; k++)
            seen |= g_array_index (widths, guint32, k) == width;
          if (!seen)
            g_array_append_val (widths, (guint32) { width });
        }
    }

  if (widths->len == 0)
    g_array_append_val (widths, (guint32) { IMGPROC_RESIZER_DEFAULT_WIDTH });

  return TRUE;
}

static gboolean
parse_format (const char          *text,
              ImgprocOutputFormat *format)
{
  if (text == NULL || g_ascii_strcasecmp (text, "same") == 0)
    *format = IMGPROC_OUTPUT_FORMAT_SAME;
  else if (g_ascii_strcasecmp (text, "jpeg") == 0 || g_ascii_strcasecmp (text, "jpg") == 0)
    *format = IMGPROC_OUTPUT_FORMAT_JPEG;
  else if (g_ascii_strcasecmp (text, "png") == 0)
    *format = IMGPROC_OUTPUT_FORMAT_PNG;
  else if (g_ascii_strcasecmp (text, "webp") == 0)
    *format = IMGPROC_OUTPUT_FORMAT_WEBP;
  else
    {
      imgproc_command_usage_error (_("Invalid format “%s”: use same, jpeg, png or webp"), text);
      return FALSE;
    }

  return TRUE;
}

static gboolean
parse_background (const char *text,
                  guint32    *rgb)
{
  guint64 value;

  if (text == NULL)
    return TRUE;

  if (*text == '#')
    text++;
  if (strlen (text) != 6 || !g_ascii_string_to_unsigned (text, 16, 0, 0xffffff, &value, NULL))
    {
      imgproc_command_usage_error (_("Invalid background “%s”: give a colour as #rrggbb"), text);
      return FALSE;
    }

  *rgb = (guint32) value;
  return TRUE;
}

static const char *
summary_text (void)
{
  return _("Makes a resized copy of each FILE for every --width, from one decode of the\n"
           "file. Images narrower than a width keep their size, but are still re-encoded\n"
           "and stripped of metadata. Files are worked on in parallel, one per core, with\n"
           "a progress bar when standard error is a terminal.");
}

static const char *
description_text (void)
{
  return _("Output names:\n"
           "  DIR/NAME-WIDTH.EXT, where NAME is the file name without its folder and its\n"
           "  last extension, WIDTH is the requested width (also when the image is\n"
           "  narrower and keeps its size) and EXT is jpg, png or webp, from the output\n"
           "  format; with --format same, GIF, TIFF and BMP files give jpg, or png when\n"
           "  they have alpha. Existing files are replaced. An output appears whole or not\n"
           "  at all, and a file whose renditions cannot all be written leaves none behind.\n"
           "\n"
           "Examples:\n"
           "  imgproc resize photo.jpg\n"
           "      writes ./photo-800.jpg\n"
           "  imgproc resize -w 320 -w 1280 -o out *.jpg\n"
           "      writes out/NAME-320.jpg and out/NAME-1280.jpg for each NAME.jpg\n"
           "  imgproc resize --format webp -q 75 -o web scans/*.png\n"
           "      writes web/NAME-800.webp for each NAME.png\n"
           "\n"
           "Exit status: 0 when every file was resized, 1 when any failed (each failure\n"
           "is one line on standard error, and the other files are still done), 2 for a\n"
           "usage error.");
}

static ImgprocResizer *
new_resizer (GArray              *widths,
             int                  max_height,
             ImgprocOutputFormat  format,
             int                  quality,
             gboolean             strip,
             gboolean             auto_orient,
             guint32              background,
             gint64               max_pixels,
             gint64               max_bytes)
{
  GVariant *widths_variant = g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, widths->data,
                                                        widths->len, sizeof (guint32));

  return g_object_new (IMGPROC_TYPE_RESIZER,
                       "widths", widths_variant,
                       "max-height", (guint) max_height,
                       "output-format", format,
                       "quality", (guint) quality,
                       "strip-metadata", strip,
                       "auto-orient", auto_orient,
                       "background", background,
                       "max-pixels", (guint64) max_pixels,
                       "max-bytes", (guint64) max_bytes,
                       NULL);
}

static void
print_summary (guint   files,
               guint   failed,
               guint   renditions,
               guint64 bytes,
               gdouble seconds)
{
  g_autofree char *files_text = g_strdup_printf (ngettext ("%u file", "%u files", files), files);
  g_autofree char *renditions_text = g_strdup_printf (ngettext ("%u rendition", "%u renditions",
                                                                renditions), renditions);
  g_autofree char *size = g_format_size (bytes);

  if (failed > 0)
    {
      g_autofree char *failed_text = g_strdup_printf (ngettext ("%u failed", "%u failed", failed),
                                                      failed);
      /* TRANSLATORS: "12 files (1 failed), 22 renditions, 1.2 MB in 0.84 s" */
      g_printerr (_("%s (%s), %s, %s in %.2f s\n"), files_text, failed_text, renditions_text,
                  size, seconds);
    }
  else
    /* TRANSLATORS: "12 files, 24 renditions, 1.2 MB in 0.84 s" */
    g_printerr (_("%s, %s, %s in %.2f s\n"), files_text, renditions_text, size, seconds);
}

int
imgproc_resize_command (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GArray) widths = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(ImgprocResizer) resizer = NULL;
  g_autoptr(GHashTable) stems = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GAsyncQueue) finished = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) width_args = NULL;
  g_autofree char *format_arg = NULL;
  g_autofree char *background_arg = NULL;
  g_autofree char *output_dir = NULL;
  int max_height = 0;
  int quality = IMGPROC_RESIZER_DEFAULT_QUALITY;
  gboolean no_strip = FALSE;
  gboolean no_auto_orient = FALSE;
  gint64 max_pixels = (gint64) IMGPROC_RESIZER_DEFAULT_MAX_PIXELS;
  gint64 max_bytes = 0;
  int jobs = (int) g_get_num_processors ();
  gboolean quiet = FALSE;
  gboolean verbose = FALSE;
  ImgprocOutputFormat format;
  guint32 background = 0xffffff;
  Progress progress = { 0 };
  Shared shared = { 0 };
  GThreadPool *pool;
  guint queued = 0;
  guint failed = 0;
  guint n_renditions = 0;
  guint64 n_bytes = 0;
  gint64 start;
  const GOptionEntry entries[] = {
    { "width", 'w', 0, G_OPTION_ARG_STRING_ARRAY, &width_args,
      N_("Width of a rendition in pixels; repeat it, or separate widths with commas (default 800)"),
      N_("N") },
    { "max-height", 0, 0, G_OPTION_ARG_INT, &max_height,
      N_("Largest height of a rendition; taller ones are made narrower"), N_("N") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_arg,
      N_("Output format: same, jpeg, png or webp (default same)"), N_("FORMAT") },
    { "quality", 'q', 0, G_OPTION_ARG_INT, &quality,
      N_("Quality of JPEG and WebP output, 1 to 100 (default 85)"), N_("Q") },
    { "no-strip", 0, 0, G_OPTION_ARG_NONE, &no_strip,
      N_("Keep the EXIF data of JPEG photos in JPEG renditions (default: strip all metadata)"), NULL },
    { "no-auto-orient", 0, 0, G_OPTION_ARG_NONE, &no_auto_orient,
      N_("Do not rotate or mirror images as their EXIF orientation says"), NULL },
    { "background", 0, 0, G_OPTION_ARG_STRING, &background_arg,
      N_("Colour behind transparent parts in JPEG output (default #ffffff)"), N_("#RRGGBB") },
    { "max-pixels", 0, 0, G_OPTION_ARG_INT64, &max_pixels,
      N_("Refuse images with more pixels, checked before decoding (default 100000000; 0: no limit)"), N_("N") },
    { "max-bytes", 0, 0, G_OPTION_ARG_INT64, &max_bytes,
      N_("Refuse files with more bytes (default 0: no limit)"), N_("N") },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs,
      N_("Files resized at once (default: the number of cores)"), N_("JOBS") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output_dir,
      N_("Folder for the renditions, created if needed (default: the current folder)"),
      N_("DIR") },
    { "quiet", 0, 0, G_OPTION_ARG_NONE, &quiet,
      N_("Print only errors: no progress bar, no summary"), NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
      N_("Print a line per file with the renditions made from it"), NULL },
    G_OPTION_ENTRY_NULL
  };

  context = imgproc_command_option_context_new ("resize", _("FILE…"), summary_text (),
                                                description_text ());
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!imgproc_command_parse (context, &argc, &argv))
    return IMGPROC_EXIT_USAGE;

  if (argc < 2)
    {
      imgproc_command_usage_error (_("No files given"));
      return IMGPROC_EXIT_USAGE;
    }
  if (!parse_widths (width_args, widths) || !parse_format (format_arg, &format) ||
      !parse_background (background_arg, &background))
    return IMGPROC_EXIT_USAGE;
  if (quality < 1 || quality > 100)
    {
      imgproc_command_usage_error (_("Invalid quality %d: give a number from 1 to 100"), quality);
      return IMGPROC_EXIT_USAGE;
    }
  if (max_height < 0 || max_height > MAX_WIDTH)
    {
      imgproc_command_usage_error (_("Invalid maximum height %d: give a number of pixels from 1 to %u"),
                                   max_height, MAX_WIDTH);
      return IMGPROC_EXIT_USAGE;
    }
  if (max_pixels < 0 || max_bytes < 0)
    {
      imgproc_command_usage_error (_("Invalid limit: give a number of at least 0"));
      return IMGPROC_EXIT_USAGE;
    }
  if (jobs < 1 || jobs > MAX_JOBS)
    {
      imgproc_command_usage_error (_("Invalid number of jobs %d: give a number from 1 to %u"),
                                   jobs, MAX_JOBS);
      return IMGPROC_EXIT_USAGE;
    }
  if (output_dir == NULL)
    output_dir = g_strdup (".");

  if (g_mkdir_with_parents (output_dir, 0777) != 0)
    {
      int saved_errno = errno;

      g_set_error_literal (&error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                           g_strerror (saved_errno));
      imgproc_command_file_error (output_dir, error);
      return IMGPROC_EXIT_FAILED;
    }

  resizer = new_resizer (widths, max_height, format, quality, !no_strip, !no_auto_orient,
                         background, max_pixels, max_bytes);

  cancellable = g_cancellable_new ();
  finished = g_async_queue_new ();
  shared.resizer = resizer;
  shared.output_dir = output_dir;
  shared.cancellable = cancellable;
  shared.finished = finished;

  pool = g_thread_pool_new (resize_one, &shared, MIN (jobs, argc - 1), FALSE, NULL);
  progress.enabled = !quiet && isatty (STDERR_FILENO);
  progress.total = (guint) argc - 1;
  catch_interrupts ();
  start = g_get_monotonic_time ();

  /* Two inputs with one name stem would write over each other's outputs. */
  stems = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (int i = 1; i < argc; i++)
    {
      Job *job = g_new0 (Job, 1);
      const char *first;

      job->file = argv[i];
      job->stem = output_stem (argv[i]);
      job->outputs = g_ptr_array_new_with_free_func ((GDestroyNotify) output_free);

      first = g_hash_table_lookup (stems, job->stem);
      if (first != NULL)
        {
          g_autofree char *display_first = g_filename_display_name (first);

          g_set_error (&job->error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                       _("Its output names would be the same as those of “%s”; skipped"),
                       display_first);
          g_async_queue_push (finished, job);
        }
      else
        {
          g_hash_table_insert (stems, g_strdup (job->stem), (gpointer) job->file);
          g_thread_pool_push (pool, job, NULL);
        }
      queued++;
    }

  progress_draw (&progress);
  while (progress.done < queued)
    {
      g_autoptr(Job) job = g_async_queue_timeout_pop (finished, PROGRESS_REFRESH_USEC);

      if (interrupted && !g_cancellable_is_cancelled (cancellable))
        g_cancellable_cancel (cancellable);
      if (job == NULL)
        continue;

      progress.done++;
      if (job->error != NULL)
        {
          if (!g_error_matches (job->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              progress_clear (&progress);
              imgproc_command_file_error (job->file, job->error);
            }
          failed++;
        }
      else
        {
          for (guint i = 0; i < job->outputs->len; i++)
            n_bytes += ((Output *) g_ptr_array_index (job->outputs, i))->byte_size;
          n_renditions += job->outputs->len;
          if (verbose)
            {
              progress_clear (&progress);
              print_verbose (job);
            }
        }
      progress_draw (&progress);
    }

  g_thread_pool_free (pool, FALSE, TRUE);
  progress_clear (&progress);

  if (interrupted)
    {
      g_printerr (_("%s: interrupted; files not yet started were left alone\n"), PACKAGE_NAME);
      return IMGPROC_EXIT_INTERRUPTED;
    }

  if (!quiet)
    print_summary (queued, failed, n_renditions, n_bytes,
                   (gdouble) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);

  return failed > 0 ? IMGPROC_EXIT_FAILED : IMGPROC_EXIT_OK;
}
