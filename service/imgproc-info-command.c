/* `imgproc info`: what each file's header says, as an aligned table or as
 * JSON, without decoding any pixels. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-command.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

enum {
  COLUMN_FILE,
  COLUMN_FORMAT,
  COLUMN_SIZE,
  COLUMN_ORIENTATION,
  COLUMN_DISPLAY_SIZE,
  COLUMN_ALPHA,
  COLUMN_BYTES,
  N_COLUMNS
};

static const char *
format_name (ImgprocImageFormat format)
{
  switch (format)
    {
    case IMGPROC_IMAGE_FORMAT_JPEG:
      return "JPEG";
    case IMGPROC_IMAGE_FORMAT_PNG:
      return "PNG";
    case IMGPROC_IMAGE_FORMAT_WEBP:
      return "WebP";
    case IMGPROC_IMAGE_FORMAT_GIF:
      return "GIF";
    case IMGPROC_IMAGE_FORMAT_TIFF:
      return "TIFF";
    case IMGPROC_IMAGE_FORMAT_BMP:
      return "BMP";
    case IMGPROC_IMAGE_FORMAT_UNKNOWN:
    default:
      return _("unknown");
    }
}

static const char *
format_nick (ImgprocImageFormat format)
{
  GEnumClass *enum_class = g_type_class_ref (IMGPROC_TYPE_IMAGE_FORMAT);
  GEnumValue *value = g_enum_get_value (enum_class, format);
  const char *nick = value != NULL ? value->value_nick : "unknown";

  g_type_class_unref (enum_class);
  return nick;
}

static void
add_json (JsonBuilder            *builder,
          const char             *file,
          const ImgprocImageInfo *info)
{
  ImgprocImageFormat format = imgproc_image_info_get_format (info);
  g_autofree char *display_name = g_filename_display_name (file);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, display_name);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, format_nick (format));
  json_builder_set_member_name (builder, "mime_type");
  json_builder_add_string_value (builder, imgproc_image_format_get_mime_type (format));
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, imgproc_image_info_get_width (info));
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, imgproc_image_info_get_height (info));
  json_builder_set_member_name (builder, "orientation");
  json_builder_add_int_value (builder, imgproc_image_info_get_orientation (info));
  json_builder_set_member_name (builder, "display_width");
  json_builder_add_int_value (builder, imgproc_image_info_get_display_width (info));
  json_builder_set_member_name (builder, "display_height");
  json_builder_add_int_value (builder, imgproc_image_info_get_display_height (info));
  json_builder_set_member_name (builder, "has_alpha");
  json_builder_add_boolean_value (builder, imgproc_image_info_get_has_alpha (info));
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, (gint64) imgproc_image_info_get_byte_size (info));
  json_builder_end_object (builder);
}

static char **
table_row (const char             *file,
           const ImgprocImageInfo *info)
{
  char **row = g_new0 (char *, N_COLUMNS + 1);

  row[COLUMN_FILE] = g_filename_display_name (file);
  row[COLUMN_FORMAT] = g_strdup (format_name (imgproc_image_info_get_format (info)));
  row[COLUMN_SIZE] = g_strdup_printf ("%ux%u", imgproc_image_info_get_width (info),
                                      imgproc_image_info_get_height (info));
  row[COLUMN_ORIENTATION] = g_strdup_printf ("%u", imgproc_image_info_get_orientation (info));
  row[COLUMN_DISPLAY_SIZE] = g_strdup_printf ("%ux%u",
                                              imgproc_image_info_get_display_width (info),
                                              imgproc_image_info_get_display_height (info));
  row[COLUMN_ALPHA] = g_strdup (imgproc_image_info_get_has_alpha (info) ? _("yes") : _("no"));
  row[COLUMN_BYTES] = g_strdup_printf ("%" G_GSIZE_FORMAT, imgproc_image_info_get_byte_size (info));

  return row;
}

/* Widths count characters, not bytes, so that translated headers and
 * non-ASCII file names stay aligned. */
static void
print_table (GPtrArray *rows)
{
  glong widths[N_COLUMNS] = { 0 };
  GString *line = g_string_new (NULL);

  for (guint r = 0; r < rows->len; r++)
    {
      char **row = g_ptr_array_index (rows, r);

      for (int c = 0; c < N_COLUMNS; c++)
        widths[c] = MAX (widths[c], g_utf8_strlen (row[c], -1));
    }

  for (guint r = 0; r < rows->len; r++)
    {
      char **row = g_ptr_array_index (rows, r);

      g_string_truncate (line, 0);
      for (int c = 0; c < N_COLUMNS; c++)
        {
          glong padding = widths[c] - g_utf8_strlen (row[c], -1);

          if (c == COLUMN_BYTES)
            {
              for (glong i = 0; i < padding; i++)
                g_string_append_c (line, ' ');
              g_string_append (line, row[c]);
            }
          else
            {
              g_string_append (line, row[c]);
              if (c + 1 < N_COLUMNS)
                for (glong i = 0; i < padding; i++)
                  g_string_append_c (line, ' ');
            }
          if (c + 1 < N_COLUMNS)
            g_string_append (line, "  ");
        }
      g_print ("%s\n", line->str);
    }

  g_string_free (line, TRUE);
}

static char **
table_header (void)
{
  char **row = g_new0 (char *, N_COLUMNS + 1);

  /* TRANSLATORS: the column headers of `imgproc info`, in capitals */
  row[COLUMN_FILE] = g_strdup (_("FILE"));
  row[COLUMN_FORMAT] = g_strdup (_("FORMAT"));
  row[COLUMN_SIZE] = g_strdup (_("SIZE"));
  row[COLUMN_ORIENTATION] = g_strdup (_("ORIENTATION"));
  row[COLUMN_DISPLAY_SIZE] = g_strdup (_("DISPLAYED"));
  row[COLUMN_ALPHA] = g_strdup (_("ALPHA"));
  row[COLUMN_BYTES] = g_strdup (_("BYTES"));

  return row;
}

static void
print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

int
imgproc_info_command (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  gboolean json = FALSE;
  guint failed = 0;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print a JSON array with one object per file"), NULL },
    G_OPTION_ENTRY_NULL
  };

  context = imgproc_command_option_context_new (
    "info", _("FILE…"),
    _("Shows what the header of each image says: format, stored dimensions, EXIF\n"
      "orientation, dimensions once oriented, whether it has alpha, and its size in\n"
      "bytes. The format is detected from the content, not from the file name, and\n"
      "no pixels are decoded."),
    _("Examples:\n"
      "  imgproc info photo.jpg\n"
      "  imgproc info --json *.png *.webp\n"
      "\n"
      "A file that cannot be read is reported on standard error in one line, and\n"
      "makes the exit status 1; the other files are still shown."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!imgproc_command_parse (context, &argc, &argv))
    return IMGPROC_EXIT_USAGE;

  if (argc < 2)
    {
      imgproc_command_usage_error (_("No files given"));
      return IMGPROC_EXIT_USAGE;
    }

  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_ptr_array_add (rows, table_header ());
  builder = json_builder_new ();
  json_builder_begin_array (builder);

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = imgproc_command_load_file (argv[i], &error);
      g_autoptr(ImgprocImageInfo) info = NULL;

      if (bytes != NULL)
        info = imgproc_image_info_new_from_bytes (bytes, &error);
      if (info == NULL)
        {
          imgproc_command_file_error (argv[i], error);
          failed++;
          continue;
        }

      if (json)
        add_json (builder, argv[i], info);
      else
        g_ptr_array_add (rows, table_row (argv[i], info));
    }

  json_builder_end_array (builder);
  if (json)
    print_json (builder);
  else if (rows->len > 1)
    print_table (rows);

  return failed > 0 ? IMGPROC_EXIT_FAILED : IMGPROC_EXIT_OK;
}
