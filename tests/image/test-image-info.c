/* ImgprocImageInfo: header probing of every format, and its errors. */
#include "config.h"

#include "imgproc.h"
#include "test-image-util.h"

#include <string.h>

static ImgprocImageInfo *
probe (GBytes *bytes)
{
  g_autoptr(GError) error = NULL;
  ImgprocImageInfo *info = imgproc_image_info_new_from_bytes (bytes, &error);

  g_assert_no_error (error);
  g_assert_nonnull (info);
  return info;
}

static void
test_jpeg (void)
{
  g_autofree guint8 *pixels = test_image_fill (64, 32, 3, 0x336699ff);

  for (guint orientation = 0; orientation <= 8; orientation++)
    {
      g_autoptr(GBytes) jpeg = test_image_jpeg (pixels, 64, 32, 3, orientation);
      g_autoptr(ImgprocImageInfo) info = probe (jpeg);
      gboolean turned = orientation >= 5;

      g_assert_cmpint (imgproc_image_info_get_format (info), ==, IMGPROC_IMAGE_FORMAT_JPEG);
      g_assert_cmpstr (imgproc_image_info_get_mime_type (info), ==, "image/jpeg");
      g_assert_cmpuint (imgproc_image_info_get_width (info), ==, 64);
      g_assert_cmpuint (imgproc_image_info_get_height (info), ==, 32);
      g_assert_cmpuint (imgproc_image_info_get_orientation (info), ==, MAX (orientation, 1));
      g_assert_cmpuint (imgproc_image_info_get_display_width (info), ==, turned ? 32 : 64);
      g_assert_cmpuint (imgproc_image_info_get_display_height (info), ==, turned ? 64 : 32);
      g_assert_false (imgproc_image_info_get_has_alpha (info));
      g_assert_cmpuint (imgproc_image_info_get_byte_size (info), ==, g_bytes_get_size (jpeg));
    }
}

static void
test_png (void)
{
  g_autofree guint8 *rgb = test_image_fill (5, 7, 3, 0x102030ff);
  g_autofree guint8 *rgba = test_image_fill (5, 7, 4, 0x10203080);
  g_autoptr(GBytes) opaque = test_image_png (rgb, 5, 7, 3, 0);
  g_autoptr(GBytes) alpha = test_image_png (rgba, 5, 7, 4, 8);
  g_autoptr(ImgprocImageInfo) info = probe (opaque);
  g_autoptr(ImgprocImageInfo) info_alpha = probe (alpha);

  g_assert_cmpint (imgproc_image_info_get_format (info), ==, IMGPROC_IMAGE_FORMAT_PNG);
  g_assert_cmpuint (imgproc_image_info_get_width (info), ==, 5);
  g_assert_cmpuint (imgproc_image_info_get_height (info), ==, 7);
  g_assert_cmpuint (imgproc_image_info_get_orientation (info), ==, 1);
  g_assert_false (imgproc_image_info_get_has_alpha (info));

  g_assert_true (imgproc_image_info_get_has_alpha (info_alpha));
  g_assert_cmpuint (imgproc_image_info_get_orientation (info_alpha), ==, 8);
  g_assert_cmpuint (imgproc_image_info_get_display_width (info_alpha), ==, 7);
  g_assert_cmpuint (imgproc_image_info_get_display_height (info_alpha), ==, 5);
}

static void
test_webp (void)
{
  g_autofree guint8 *rgb = test_image_fill (30, 20, 3, 0x808080ff);
  g_autofree guint8 *rgba = test_image_fill (30, 20, 4, 0x80808040);
  g_autoptr(GBytes) lossy = test_image_webp (rgb, 30, 20, 3);
  g_autoptr(GBytes) alpha = test_image_webp (rgba, 30, 20, 4);
  g_autoptr(ImgprocImageInfo) info = probe (lossy);
  g_autoptr(ImgprocImageInfo) info_alpha = probe (alpha);

  g_assert_cmpint (imgproc_image_info_get_format (info), ==, IMGPROC_IMAGE_FORMAT_WEBP);
  g_assert_cmpuint (imgproc_image_info_get_width (info), ==, 30);
  g_assert_cmpuint (imgproc_image_info_get_height (info), ==, 20);
  g_assert_false (imgproc_image_info_get_has_alpha (info));
  g_assert_true (imgproc_image_info_get_has_alpha (info_alpha));
  g_assert_cmpuint (imgproc_image_info_get_width (info_alpha), ==, 30);
  g_assert_cmpuint (imgproc_image_info_get_height (info_alpha), ==, 20);

  for (guint orientation = 1; orientation <= 8; orientation++)
    {
      g_autoptr(GBytes) extended = test_image_webp_with_orientation (rgba, 30, 20, 4, orientation);
      g_autoptr(ImgprocImageInfo) info_exif = probe (extended);

      g_assert_cmpuint (imgproc_image_info_get_orientation (info_exif), ==, orientation);
      g_assert_true (imgproc_image_info_get_has_alpha (info_exif));
      g_assert_cmpuint (imgproc_image_info_get_display_width (info_exif), ==, orientation >= 5 ? 20 : 30);
    }
}

static void
test_gif (void)
{
  /* GIF89a 3x2 with a global table of 2 colours and a transparent colour. */
  static const guint8 gif[] = {
    'G', 'I', 'F', '8', '9', 'a', 3, 0, 2, 0, 0x80, 0, 0,
    0, 0, 0, 255, 255, 255,
    0x21, 0xf9, 4, 1, 0, 0, 0, 0,
    0x2c, 0, 0, 0, 0, 3, 0, 2, 0, 0,
    2, 2, 0x44, 0x01, 0, 0x3b,
  };
  g_autoptr(GBytes) bytes = g_bytes_new_static (gif, sizeof gif);
  g_autoptr(ImgprocImageInfo) info = probe (bytes);

  g_assert_cmpint (imgproc_image_info_get_format (info), ==, IMGPROC_IMAGE_FORMAT_GIF);
  g_assert_cmpuint (imgproc_image_info_get_width (info), ==, 3);
  g_assert_cmpuint (imgproc_image_info_get_height (info), ==, 2);
  g_assert_true (imgproc_image_info_get_has_alpha (info));
}

static GBytes *
save_with_pixbuf (const char *type,
                  gboolean    alpha)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, alpha, 8, 9, 4);
  g_autoptr(GError) error = NULL;
  gchar *buffer = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, 0x204060ff);
  gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, type, &error, NULL);
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, size);
}

static void
test_tiff_bmp (void)
{
  g_autoptr(GBytes) tiff = save_with_pixbuf ("tiff", TRUE);
  g_autoptr(GBytes) bmp = save_with_pixbuf ("bmp", FALSE);
  g_autoptr(ImgprocImageInfo) tiff_info = probe (tiff);
  g_autoptr(ImgprocImageInfo) bmp_info = probe (bmp);

  g_assert_cmpint (imgproc_image_info_get_format (tiff_info), ==, IMGPROC_IMAGE_FORMAT_TIFF);
  g_assert_cmpuint (imgproc_image_info_get_width (tiff_info), ==, 9);
  g_assert_cmpuint (imgproc_image_info_get_height (tiff_info), ==, 4);
  g_assert_true (imgproc_image_info_get_has_alpha (tiff_info));

  g_assert_cmpint (imgproc_image_info_get_format (bmp_info), ==, IMGPROC_IMAGE_FORMAT_BMP);
  g_assert_cmpuint (imgproc_image_info_get_width (bmp_info), ==, 9);
  g_assert_cmpuint (imgproc_image_info_get_height (bmp_info), ==, 4);
  g_assert_false (imgproc_image_info_get_has_alpha (bmp_info));
}

static void
assert_probe_error (const void *data,
                    gsize       len,
                    int         code)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, len);
  g_autoptr(GError) error = NULL;
  g_autoptr(ImgprocImageInfo) info = imgproc_image_info_new_from_bytes (bytes, &error);

  g_assert_null (info);
  g_assert_error (error, IMGPROC_IMAGE_ERROR, code);
  g_assert_cmpstr (error->message, !=, "");
}

static void
test_errors (void)
{
  static const char text[] = "Hello, this is a text file and not an image.\n";
  static const guint8 jpeg_cut[] = { 0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F' };
  static const guint8 jpeg_garbage[] = { 0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0, 0, 'g', 'a', 'r', 'b' };
  static const guint8 png_no_ihdr[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
                                        0, 0, 0, 13, 'I', 'D', 'A', 'T',
                                        0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0, 0, 0, 0 };

  assert_probe_error ("", 0, IMGPROC_IMAGE_ERROR_EMPTY);
  assert_probe_error (text, sizeof text - 1, IMGPROC_IMAGE_ERROR_UNSUPPORTED);
  assert_probe_error (jpeg_cut, sizeof jpeg_cut, IMGPROC_IMAGE_ERROR_TRUNCATED);
  assert_probe_error (jpeg_garbage, sizeof jpeg_garbage, IMGPROC_IMAGE_ERROR_CORRUPT);
  assert_probe_error (png_no_ihdr, sizeof png_no_ihdr, IMGPROC_IMAGE_ERROR_CORRUPT);
  assert_probe_error ("GIF89a\1", 7, IMGPROC_IMAGE_ERROR_TRUNCATED);
}

static void
test_formats (void)
{
  g_assert_cmpstr (imgproc_image_format_get_mime_type (IMGPROC_IMAGE_FORMAT_JPEG), ==, "image/jpeg");
  g_assert_cmpstr (imgproc_image_format_get_mime_type (IMGPROC_IMAGE_FORMAT_PNG), ==, "image/png");
  g_assert_cmpstr (imgproc_image_format_get_mime_type (IMGPROC_IMAGE_FORMAT_WEBP), ==, "image/webp");
  g_assert_cmpstr (imgproc_image_format_get_mime_type (IMGPROC_IMAGE_FORMAT_GIF), ==, "image/gif");
  g_assert_cmpstr (imgproc_image_format_get_mime_type (IMGPROC_IMAGE_FORMAT_TIFF), ==, "image/tiff");
  g_assert_cmpstr (imgproc_image_format_get_mime_type (IMGPROC_IMAGE_FORMAT_BMP), ==, "image/bmp");
  g_assert_cmpstr (imgproc_image_format_get_mime_type (IMGPROC_IMAGE_FORMAT_UNKNOWN), ==, "application/octet-stream");
  g_assert_cmpstr (imgproc_image_format_get_extension (IMGPROC_IMAGE_FORMAT_JPEG), ==, "jpg");
  g_assert_cmpstr (imgproc_image_format_get_extension (IMGPROC_IMAGE_FORMAT_PNG), ==, "png");
  g_assert_cmpstr (imgproc_image_format_get_extension (IMGPROC_IMAGE_FORMAT_WEBP), ==, "webp");
  g_assert_cmpstr (imgproc_image_format_get_extension (IMGPROC_IMAGE_FORMAT_TIFF), ==, "tif");
}

/* The facts the testdata README gives for each photo, from the file itself. */
static void
test_photos (void)
{
  static const struct {
    const char *name;
    ImgprocImageFormat format;
    guint width, height;
    gboolean alpha;
  } photos[] = {
    { "kleiber-6028x3391.jpg", IMGPROC_IMAGE_FORMAT_JPEG, 6028, 3391, FALSE },
    { "seeding-5312x2988-progressive.jpg", IMGPROC_IMAGE_FORMAT_JPEG, 5312, 2988, FALSE },
    { "garden-cmyk-2560x1600.jpg", IMGPROC_IMAGE_FORMAT_JPEG, 2560, 1600, FALSE },
    { "flower-2268x1512.png", IMGPROC_IMAGE_FORMAT_PNG, 2268, 1512, FALSE },
    { "tulips-alpha-500x500.png", IMGPROC_IMAGE_FORMAT_PNG, 500, 500, TRUE },
    { "room-16bit-676x449.png", IMGPROC_IMAGE_FORMAT_PNG, 676, 449, FALSE },
    { "fallenleaf-2560x1600.webp", IMGPROC_IMAGE_FORMAT_WEBP, 2560, 1600, FALSE },
    { "rose-alpha-400x301.webp", IMGPROC_IMAGE_FORMAT_WEBP, 400, 301, TRUE },
    { "cups-2560x1600.gif", IMGPROC_IMAGE_FORMAT_GIF, 2560, 1600, FALSE },
    { "storm-1920x1280.tif", IMGPROC_IMAGE_FORMAT_TIFF, 1920, 1280, FALSE },
  };
  const char *testdata = g_getenv ("IMGPROC_TESTDATA");

  if (testdata == NULL)
    {
      g_test_skip ("IMGPROC_TESTDATA is not set");
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (photos); i++)
    {
      g_autofree char *path = g_build_filename (testdata, "images", photos[i].name, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(ImgprocImageInfo) info = imgproc_image_info_new_from_file (path, &error);

      g_test_message ("%s", photos[i].name);
      g_assert_no_error (error);
      g_assert_cmpint (imgproc_image_info_get_format (info), ==, photos[i].format);
      g_assert_cmpuint (imgproc_image_info_get_width (info), ==, photos[i].width);
      g_assert_cmpuint (imgproc_image_info_get_height (info), ==, photos[i].height);
      g_assert_cmpint (imgproc_image_info_get_has_alpha (info), ==, photos[i].alpha);
    }
}

static void
test_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ImgprocImageInfo) info = imgproc_image_info_new_from_file ("/nonexistent/file.jpg", &error);

  g_assert_null (info);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/image-info/jpeg", test_jpeg);
  g_test_add_func ("/image-info/png", test_png);
  g_test_add_func ("/image-info/webp", test_webp);
  g_test_add_func ("/image-info/gif", test_gif);
  g_test_add_func ("/image-info/tiff-bmp", test_tiff_bmp);
  g_test_add_func ("/image-info/errors", test_errors);
  g_test_add_func ("/image-info/formats", test_formats);
  g_test_add_func ("/image-info/photos", test_photos);
  g_test_add_func ("/image-info/missing-file", test_missing_file);

  return g_test_run ();
}
