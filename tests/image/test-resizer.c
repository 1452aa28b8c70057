/* ImgprocResizer: geometry, orientation, alpha, formats, filter quality,
 * malformed input, real photos and concurrent use. */
#include "config.h"

#include "imgproc.h"
#include "test-image-util.h"
#include "imgproc-jpeg-private.h"

#include <string.h>

#define RED 0xff0000ff
#define BLUE 0x0000ffff

static GPtrArray *
resize (ImgprocResizer *resizer,
        GBytes         *input)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *renditions = imgproc_resizer_process (resizer, input, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (renditions);
  return renditions;
}

/* Makes one rendition at @width with a resizer configured by the given
 * properties: the widths are set here, the rest is copied over. */
static ImgprocRendition *
resize_one (GBytes     *input,
            guint       width,
            const char *first_property,
            ...)
{
  g_autoptr(ImgprocResizer) configured = NULL;
  g_autoptr(ImgprocResizer) resizer = NULL;
  g_autoptr(GPtrArray) renditions = NULL;
  g_autoptr(GVariant) widths = g_variant_ref_sink (g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, &width, 1, sizeof (guint32)));
  g_autofree GParamSpec **specs = NULL;
  const char *names[16];
  GValue values[16] = { G_VALUE_INIT };
  guint n = 0;
  va_list args;

  va_start (args, first_property);
  configured = (ImgprocResizer *) g_object_new_valist (IMGPROC_TYPE_RESIZER, first_property, args);
  va_end (args);

  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (configured), &n);
  g_assert_cmpuint (n, <=, G_N_ELEMENTS (names));
  for (guint i = 0; i < n; i++)
    {
      names[i] = specs[i]->name;
      g_value_init (&values[i], specs[i]->value_type);
      if (g_str_equal (specs[i]->name, "widths"))
        g_value_set_variant (&values[i], widths);
      else
        g_object_get_property (G_OBJECT (configured), specs[i]->name, &values[i]);
    }
  resizer = (ImgprocResizer *) g_object_new_with_properties (IMGPROC_TYPE_RESIZER, n, names, values);
  for (guint i = 0; i < n; i++)
    g_value_unset (&values[i]);

  renditions = resize (resizer, input);
  g_assert_cmpuint (renditions->len, ==, 1);
  return imgproc_rendition_ref (renditions->pdata[0]);
}

static GBytes *
solid_jpeg (guint width,
            guint height)
{
  g_autofree guint8 *pixels = test_image_fill (width, height, 3, 0x80a0c0ff);

  return test_image_jpeg (pixels, width, height, 3, 0);
}

static void
assert_geometry (GBytes *input,
                 guint   target,
                 guint   max_height,
                 guint   width,
                 guint   height)
{
  g_autoptr(ImgprocRendition) r = resize_one (input, target, "max-height", max_height, NULL);
  g_autoptr(GdkPixbuf) decoded = test_image_decode (imgproc_rendition_get_bytes (r));

  g_assert_cmpuint (imgproc_rendition_get_target_width (r), ==, target);
  g_assert_cmpuint (imgproc_rendition_get_width (r), ==, width);
  g_assert_cmpuint (imgproc_rendition_get_height (r), ==, height);
  g_assert_cmpint (gdk_pixbuf_get_width (decoded), ==, width);
  g_assert_cmpint (gdk_pixbuf_get_height (decoded), ==, height);
}

static void
test_geometry_rounding (void)
{
  g_autoptr(GBytes) wide = solid_jpeg (1600, 1000);
  g_autofree guint8 *line = test_image_fill (100, 1, 3, 0x808080ff);
  g_autoptr(GBytes) thin = test_image_png (line, 100, 1, 3, 0);

  assert_geometry (wide, 10, 0, 10, 6);
  assert_geometry (thin, 50, 0, 50, 1);
  assert_geometry (thin, 1, 0, 1, 1);
}

static void
test_geometry_aspect (void)
{
  g_autoptr(GBytes) input = solid_jpeg (1000, 500);
  guint widths[] = { 400, 2000, 1000, 333 };
  g_autoptr(ImgprocResizer) resizer = imgproc_resizer_new (widths, G_N_ELEMENTS (widths));
  g_autoptr(GPtrArray) renditions = resize (resizer, input);
  static const guint expected[][2] = { { 400, 200 }, { 1000, 500 }, { 1000, 500 }, { 333, 167 } };

  g_assert_cmpuint (renditions->len, ==, G_N_ELEMENTS (widths));
  for (guint i = 0; i < renditions->len; i++)
    {
      ImgprocRendition *r = renditions->pdata[i];
      g_autoptr(GdkPixbuf) decoded = test_image_decode (imgproc_rendition_get_bytes (r));

      g_assert_cmpuint (imgproc_rendition_get_target_width (r), ==, widths[i]);
      g_assert_cmpuint (imgproc_rendition_get_width (r), ==, expected[i][0]);
      g_assert_cmpuint (imgproc_rendition_get_height (r), ==, expected[i][1]);
      g_assert_cmpint (gdk_pixbuf_get_width (decoded), ==, expected[i][0]);
      g_assert_cmpint (gdk_pixbuf_get_height (decoded), ==, expected[i][1]);
      /* Even the rendition that keeps its size is re-encoded, never copied. */
      g_assert_false (g_bytes_equal (imgproc_rendition_get_bytes (r), input));
    }
}

static void
test_geometry_max_height (void)
{
  g_autoptr(GBytes) input = solid_jpeg (1000, 500);

  assert_geometry (input, 800, 100, 200, 100);
  assert_geometry (input, 800, 400, 800, 400);
  assert_geometry (input, 800, 1000, 800, 400);
  assert_geometry (input, 2000, 250, 500, 250);
}

static void
pixel_at (GdkPixbuf *pixbuf,
          guint      x,
          guint      y,
          guint8    *rgba)
{
  const guint8 *p = gdk_pixbuf_read_pixels (pixbuf) +
                    (gsize) y * gdk_pixbuf_get_rowstride (pixbuf) +
                    (gsize) x * gdk_pixbuf_get_n_channels (pixbuf);

  rgba[0] = p[0];
  rgba[1] = p[1];
  rgba[2] = p[2];
  rgba[3] = gdk_pixbuf_get_has_alpha (pixbuf) ? p[3] : 255;
}

static gboolean
is_red (const guint8 *p)
{
  return p[0] > 200 && p[1] < 60 && p[2] < 60;
}

static gboolean
is_blue (const guint8 *p)
{
  return p[0] < 60 && p[1] < 60 && p[2] > 200;
}

/* A 64x32 blue image with a red 16x16 block in its stored top-left corner:
 * after orientation o the block must be in the corner EXIF says. */
typedef enum {
  CONTAINER_JPEG,
  CONTAINER_PNG,
  CONTAINER_WEBP,
} Container;

static void
check_orientations (Container container)
{
  /* Corners: 0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left. */
  static const guint red_corner[9] = { 0, 0, 1, 2, 3, 0, 1, 2, 3 };
  g_autofree guint8 *pixels = test_image_fill (64, 32, 3, BLUE);

  test_image_fill_rect (pixels, 64, 3, 0, 0, 16, 16, RED);
  for (guint o = 1; o <= 8; o++)
    for (guint target = 64; target >= 16; target /= 2)
      {
        g_autoptr(GBytes) input = container == CONTAINER_PNG ? test_image_png (pixels, 64, 32, 3, o)
                                  : container == CONTAINER_WEBP ? test_image_webp_with_orientation (pixels, 64, 32, 3, o)
                                  : test_image_jpeg (pixels, 64, 32, 3, o);
        g_autoptr(ImgprocRendition) r = resize_one (input, target, NULL);
        g_autoptr(GdkPixbuf) out = test_image_decode (imgproc_rendition_get_bytes (r));
        gboolean turned = o >= 5;
        guint w = turned ? MIN (target, 32) : target;
        guint h = turned ? w * 2 : w / 2;
        guint corners[4][2] = { { 1, 1 }, { w - 2, 1 }, { w - 2, h - 2 }, { 1, h - 2 } };

        g_test_message ("orientation %u, width %u", o, target);
        g_assert_cmpint (gdk_pixbuf_get_width (out), ==, w);
        g_assert_cmpint (gdk_pixbuf_get_height (out), ==, h);
        g_assert_cmpuint (imgproc_rendition_get_width (r), ==, w);
        g_assert_cmpuint (imgproc_rendition_get_height (r), ==, h);
        for (guint c = 0; c < 4; c++)
          {
            guint8 rgba[4];

            pixel_at (out, corners[c][0], corners[c][1], rgba);
            if (c == red_corner[o])
              g_assert_true (is_red (rgba));
            else
              g_assert_true (is_blue (rgba));
          }
        g_assert_false (test_image_has_exif (imgproc_rendition_get_bytes (r)));
      }
}

static void
test_orientation_jpeg (void)
{
  check_orientations (CONTAINER_JPEG);
}

static void
test_orientation_png (void)
{
  check_orientations (CONTAINER_PNG);
}

static void
test_orientation_webp (void)
{
  check_orientations (CONTAINER_WEBP);
}

static void
test_orientation_off (void)
{
  g_autofree guint8 *pixels = test_image_fill (64, 32, 3, BLUE);
  g_autoptr(GBytes) input = NULL;
  g_autoptr(ImgprocRendition) r = NULL;

  test_image_fill_rect (pixels, 64, 3, 0, 0, 16, 16, RED);
  input = test_image_jpeg (pixels, 64, 32, 3, 6);
  r = resize_one (input, 64, "auto-orient", FALSE, NULL);
  g_assert_cmpuint (imgproc_rendition_get_width (r), ==, 64);
  g_assert_cmpuint (imgproc_rendition_get_height (r), ==, 32);
}

/* Metadata kept on request: the EXIF block survives with orientation 1,
 * since the pixels were already turned. */
static void
test_keep_metadata (void)
{
  g_autofree guint8 *pixels = test_image_fill (64, 32, 3, BLUE);
  g_autoptr(GBytes) input = test_image_jpeg (pixels, 64, 32, 3, 6);
  g_autoptr(ImgprocRendition) r = resize_one (input, 32, "strip-metadata", FALSE, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ImgprocImageInfo) info = imgproc_image_info_new_from_bytes (imgproc_rendition_get_bytes (r), &error);

  g_assert_no_error (error);
  g_assert_true (test_image_has_exif (imgproc_rendition_get_bytes (r)));
  g_assert_cmpuint (imgproc_image_info_get_orientation (info), ==, 1);
  g_assert_cmpuint (imgproc_image_info_get_width (info), ==, 32);
  g_assert_cmpuint (imgproc_image_info_get_height (info), ==, 64);
}

/* Left half opaque red, right half fully transparent green. */
static guint8 *
half_transparent (guint width,
                  guint height)
{
  guint8 *pixels = test_image_fill (width, height, 4, 0x00ff0000);

  test_image_fill_rect (pixels, width, 4, 0, 0, width / 2, height, RED);
  return pixels;
}

static void
check_alpha_kept (GBytes             *input,
                  ImgprocImageFormat  format)
{
  g_autoptr(ImgprocRendition) r = resize_one (input, 32, NULL);
  g_autoptr(GdkPixbuf) out = test_image_decode (imgproc_rendition_get_bytes (r));
  guint8 left[4], right[4];

  g_assert_cmpint (imgproc_rendition_get_format (r), ==, format);
  g_assert_true (gdk_pixbuf_get_has_alpha (out));
  pixel_at (out, 2, 8, left);
  pixel_at (out, 29, 8, right);
  g_assert_cmpuint (left[3], >, 240);
  g_assert_true (is_red (left));
  g_assert_cmpuint (right[3], <, 16);
}

static void
test_alpha_png (void)
{
  g_autofree guint8 *pixels = half_transparent (64, 32);
  g_autoptr(GBytes) input = test_image_png (pixels, 64, 32, 4, 0);

  check_alpha_kept (input, IMGPROC_IMAGE_FORMAT_PNG);
}

static void
test_alpha_webp (void)
{
  g_autofree guint8 *pixels = half_transparent (64, 32);
  g_autoptr(GBytes) input = test_image_webp (pixels, 64, 32, 4);

  check_alpha_kept (input, IMGPROC_IMAGE_FORMAT_WEBP);
}

/* Premultiplied resampling: the transparent green must not tint the red edge,
 * and transparent pixels become the background in JPEG. */
static void
test_alpha_flattened (void)
{
  g_autofree guint8 *pixels = half_transparent (64, 32);
  g_autoptr(GBytes) input = test_image_png (pixels, 64, 32, 4, 0);
  g_autoptr(ImgprocRendition) r = resize_one (input, 32,
                                              "output-format", IMGPROC_OUTPUT_FORMAT_JPEG,
                                              "background", 0x0000ff, NULL);
  g_autoptr(GdkPixbuf) out = test_image_decode (imgproc_rendition_get_bytes (r));
  g_autoptr(ImgprocRendition) white = resize_one (input, 32, "output-format", IMGPROC_OUTPUT_FORMAT_JPEG, NULL);
  g_autoptr(GdkPixbuf) out_white = test_image_decode (imgproc_rendition_get_bytes (white));
  guint8 left[4], right[4], edge[4];

  g_assert_cmpint (imgproc_rendition_get_format (r), ==, IMGPROC_IMAGE_FORMAT_JPEG);
  g_assert_false (gdk_pixbuf_get_has_alpha (out));
  pixel_at (out, 2, 8, left);
  pixel_at (out, 29, 8, right);
  g_assert_true (is_red (left));
  g_assert_true (is_blue (right));
  pixel_at (out, 15, 8, edge);
  g_assert_cmpuint (edge[1], <, 40);

  pixel_at (out_white, 29, 8, right);
  g_assert_cmpuint (right[0], >, 240);
  g_assert_cmpuint (right[1], >, 240);
  g_assert_cmpuint (right[2], >, 240);
}

static void
test_output_formats (void)
{
  static const struct {
    ImgprocOutputFormat requested;
    ImgprocImageFormat format;
    const char *mime;
    const char *pixbuf_name;
  } cases[] = {
    { IMGPROC_OUTPUT_FORMAT_SAME, IMGPROC_IMAGE_FORMAT_JPEG, "image/jpeg", "jpeg" },
    { IMGPROC_OUTPUT_FORMAT_JPEG, IMGPROC_IMAGE_FORMAT_JPEG, "image/jpeg", "jpeg" },
    { IMGPROC_OUTPUT_FORMAT_PNG, IMGPROC_IMAGE_FORMAT_PNG, "image/png", "png" },
    { IMGPROC_OUTPUT_FORMAT_WEBP, IMGPROC_IMAGE_FORMAT_WEBP, "image/webp", "webp" },
  };
  g_autoptr(GBytes) input = solid_jpeg (300, 200);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ImgprocRendition) r = resize_one (input, 150, "output-format", cases[i].requested, NULL);
      g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(ImgprocImageInfo) info = NULL;
      g_autofree char *format_name = NULL;
      GdkPixbuf *out;

      g_assert_cmpint (imgproc_rendition_get_format (r), ==, cases[i].format);
      g_assert_cmpstr (imgproc_rendition_get_mime_type (r), ==, cases[i].mime);
      g_assert_cmpuint (imgproc_rendition_get_byte_size (r), ==, g_bytes_get_size (imgproc_rendition_get_bytes (r)));

      gdk_pixbuf_loader_write_bytes (loader, imgproc_rendition_get_bytes (r), &error);
      g_assert_no_error (error);
      gdk_pixbuf_loader_close (loader, &error);
      g_assert_no_error (error);
      out = gdk_pixbuf_loader_get_pixbuf (loader);
      format_name = gdk_pixbuf_format_get_name (gdk_pixbuf_loader_get_format (loader));
      g_assert_cmpstr (format_name, ==, cases[i].pixbuf_name);
      g_assert_cmpint (gdk_pixbuf_get_width (out), ==, 150);
      g_assert_cmpint (gdk_pixbuf_get_height (out), ==, 100);

      info = imgproc_image_info_new_from_bytes (imgproc_rendition_get_bytes (r), &error);
      g_assert_no_error (error);
      g_assert_cmpint (imgproc_image_info_get_format (info), ==, cases[i].format);
    }
}

/* GIF, TIFF and BMP become JPEG when opaque and PNG when transparent. */
static void
test_output_same_for_other_formats (void)
{
  g_autoptr(GdkPixbuf) opaque = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 40, 20);
  g_autoptr(GdkPixbuf) clear = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 40, 20);
  const char *types[] = { "tiff", "bmp" };

  gdk_pixbuf_fill (opaque, 0x336699ff);
  gdk_pixbuf_fill (clear, 0x33669900);
  for (gsize i = 0; i < G_N_ELEMENTS (types); i++)
    for (guint transparent = 0; transparent < 2; transparent++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) input = NULL;
        g_autoptr(ImgprocRendition) r = NULL;
        gchar *buffer = NULL;
        gsize size = 0;

        /* gdk-pixbuf writes BMP without alpha, so only TIFF can be transparent. */
        if (transparent && strcmp (types[i], "bmp") == 0)
          continue;
        gdk_pixbuf_save_to_buffer (transparent ? clear : opaque, &buffer, &size, types[i], &error, NULL);
        g_assert_no_error (error);
        input = g_bytes_new_take (buffer, size);
        r = resize_one (input, 20, NULL);
        g_assert_cmpint (imgproc_rendition_get_format (r), ==,
                         transparent ? IMGPROC_IMAGE_FORMAT_PNG : IMGPROC_IMAGE_FORMAT_JPEG);
        g_assert_cmpuint (imgproc_rendition_get_width (r), ==, 20);
        g_assert_cmpuint (imgproc_rendition_get_height (r), ==, 10);
      }
}

static guint
jpeg_components (GBytes *jpeg)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (jpeg, &len);

  for (gsize pos = 2; pos + 10 < len;)
    {
      guint marker = data[pos + 1];
      gsize seg = (gsize) data[pos + 2] << 8 | data[pos + 3];

      if (marker == 0xc0 || marker == 0xc1 || marker == 0xc2)
        return data[pos + 9];
      pos += 2 + seg;
    }
  return 0;
}

static void
test_grayscale (void)
{
  g_autofree guint8 *gray = test_image_fill (80, 40, 1, 0x80000000);
  g_autoptr(GBytes) input = test_image_jpeg (gray, 80, 40, 1, 0);
  g_autoptr(ImgprocRendition) r = resize_one (input, 40, NULL);
  g_autoptr(ImgprocRendition) png = resize_one (input, 40, "output-format", IMGPROC_OUTPUT_FORMAT_PNG, NULL);
  g_autoptr(GdkPixbuf) out = test_image_decode (imgproc_rendition_get_bytes (png));
  guint8 p[4];

  g_assert_cmpuint (jpeg_components (input), ==, 1);
  g_assert_cmpuint (jpeg_components (imgproc_rendition_get_bytes (r)), ==, 1);
  pixel_at (out, 10, 10, p);
  g_assert_cmpuint (p[0], ==, 0x80);
  g_assert_cmpuint (p[1], ==, 0x80);
  g_assert_cmpuint (p[2], ==, 0x80);
}

/* Halving a one-pixel checkerboard must give flat grey: any aliasing or
 * nearest-neighbour sampling shows up as a pattern. */
static void
test_checkerboard (void)
{
  guint size = 64;
  g_autofree guint8 *pixels = test_image_fill (size, size, 3, 0x000000ff);
  g_autoptr(GBytes) input = NULL;
  g_autoptr(ImgprocRendition) r = NULL;
  g_autoptr(GdkPixbuf) out = NULL;
  guint lo = 255, hi = 0, edge_lo = 255, edge_hi = 0;

  for (guint y = 0; y < size; y++)
    for (guint x = (y & 1); x < size; x += 2)
      memset (pixels + ((gsize) y * size + x) * 3, 255, 3);
  input = test_image_png (pixels, size, size, 3, 0);
  r = resize_one (input, size / 2, NULL);
  out = test_image_decode (imgproc_rendition_get_bytes (r));
  g_assert_cmpint (gdk_pixbuf_get_width (out), ==, size / 2);

  for (guint y = 0; y < size / 2; y++)
    for (guint x = 0; x < size / 2; x++)
      {
        gboolean edge = x == 0 || y == 0 || x == size / 2 - 1 || y == size / 2 - 1;
        guint8 p[4];

        pixel_at (out, x, y, p);
        for (guint c = 0; c < 3; c++)
          {
            if (edge)
              edge_lo = MIN (edge_lo, p[c]), edge_hi = MAX (edge_hi, p[c]);
            else
              lo = MIN (lo, p[c]), hi = MAX (hi, p[c]);
          }
      }
  g_test_message ("checkerboard halved: inside %u..%u, edges %u..%u", lo, hi, edge_lo, edge_hi);
  /* Exactly mid-grey inside; the outermost pixels see a clipped kernel, and
   * differ by as much as Pillow's Lanczos does there (124..131). */
  g_assert_cmpuint (lo, >=, 127);
  g_assert_cmpuint (hi, <=, 128);
  g_assert_cmpuint (edge_lo, >=, 123);
  g_assert_cmpuint (edge_hi, <=, 132);
}

static void
assert_process_error (ImgprocResizer *resizer,
                      GBytes         *input,
                      int             code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) renditions = imgproc_resizer_process (resizer, input, NULL, &error);

  g_assert_null (renditions);
  g_assert_error (error, IMGPROC_IMAGE_ERROR, code);
  g_test_message ("%s", error->message);
}

/* Noise does not compress, so a cut lands deep in the entropy-coded data. */
static GBytes *
noise_jpeg (void)
{
  g_autofree guint8 *pixels = g_malloc (256 * 256 * 3);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  for (gsize i = 0; i < 256 * 256 * 3; i++)
    pixels[i] = (guint8) g_rand_int_range (rand, 0, 256);
  return test_image_jpeg (pixels, 256, 256, 3, 0);
}

static gsize
jpeg_scan_offset (GBytes *jpeg)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (jpeg, &len);

  for (gsize pos = 2; pos + 4 < len;)
    {
      gsize seg = (gsize) data[pos + 2] << 8 | data[pos + 3];

      if (data[pos + 1] == 0xda)
        return pos;
      pos += 2 + seg;
    }
  g_assert_not_reached ();
}

static void
test_malformed (void)
{
  g_autoptr(ImgprocResizer) resizer = imgproc_resizer_new (NULL, 0);
  g_autoptr(GBytes) jpeg = noise_jpeg ();
  gsize len;
  const guint8 *data = g_bytes_get_data (jpeg, &len);
  gsize scan = jpeg_scan_offset (jpeg);
  g_autoptr(GBytes) truncated = g_bytes_new (data, len * 6 / 10);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) text = g_bytes_new_static ("This is a text file, not an image.\n", 36);
  g_autoptr(GByteArray) garbage = g_byte_array_new ();
  g_autoptr(GByteArray) scan_garbage = g_byte_array_new ();
  g_autoptr(GBytes) garbage_bytes = NULL;
  g_autoptr(GBytes) scan_garbage_bytes = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  static const guint8 huge_png[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
    0, 0, 0, 13, 'I', 'H', 'D', 'R',
    0x00, 0x01, 0x86, 0xa0, 0x00, 0x01, 0x86, 0xa0, 8, 2, 0, 0, 0,
    0x00, 0x00, 0x00, 0x00,
    0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82,
  };
  g_autoptr(GBytes) huge = g_bytes_new_static (huge_png, sizeof huge_png);
  /* A JPEG header declaring 65535x65535, beyond the default 100 MP. */
  g_autoptr(GByteArray) huge_jpeg = g_byte_array_new ();
  static const guint8 sof[] = { 0xff, 0xc0, 0, 17, 8, 0xff, 0xff, 0xff, 0xff, 3,
                                1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1 };
  g_autoptr(GBytes) huge_jpeg_bytes = NULL;

  /* Garbage where the next marker should be, right after the headers. */
  g_byte_array_append (garbage, data, scan);
  for (gsize i = 0; i < 4096; i++)
    {
      guint8 b = (guint8) g_rand_int_range (rand, 0, 255);

      g_byte_array_append (garbage, &b, 1);
    }
  garbage_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&garbage));

  /* A complete scan header, then random entropy data and an end marker. */
  g_byte_array_append (scan_garbage, data, scan + 2 + ((gsize) data[scan + 2] << 8 | data[scan + 3]));
  for (gsize i = 0; i < 20000; i++)
    {
      guint8 b = (guint8) g_rand_int_range (rand, 0, 255);

      g_byte_array_append (scan_garbage, &b, 1);
    }
  g_byte_array_append (scan_garbage, (const guint8 *) "\xff\xd9", 2);
  scan_garbage_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&scan_garbage));

  g_byte_array_append (huge_jpeg, data, 2);
  g_byte_array_append (huge_jpeg, sof, sizeof sof);
  g_byte_array_append (huge_jpeg, data + scan, len - scan);
  huge_jpeg_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&huge_jpeg));

  assert_process_error (resizer, truncated, IMGPROC_IMAGE_ERROR_TRUNCATED);
  assert_process_error (resizer, garbage_bytes, IMGPROC_IMAGE_ERROR_CORRUPT);
  assert_process_error (resizer, scan_garbage_bytes, IMGPROC_IMAGE_ERROR_CORRUPT);
  assert_process_error (resizer, empty, IMGPROC_IMAGE_ERROR_EMPTY);
  assert_process_error (resizer, huge, IMGPROC_IMAGE_ERROR_TOO_LARGE);
  assert_process_error (resizer, huge_jpeg_bytes, IMGPROC_IMAGE_ERROR_TOO_LARGE);
  assert_process_error (resizer, text, IMGPROC_IMAGE_ERROR_UNSUPPORTED);
}

static void
test_truncated_everywhere (void)
{
  g_autoptr(ImgprocResizer) resizer = imgproc_resizer_new (NULL, 0);
  g_autoptr(GBytes) jpeg = solid_jpeg (64, 64);
  g_autofree guint8 *pixels = test_image_fill (64, 64, 3, 0x123456ff);
  g_autoptr(GBytes) png = test_image_png (pixels, 64, 64, 3, 0);
  GBytes *inputs[] = { jpeg, png };

  /* Every prefix fails cleanly with a typed error, and nothing crashes. */
  for (gsize i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (inputs[i], &len);

      for (gsize cut = 0; cut < len; cut += 1 + cut / 16)
        {
          g_autoptr(GBytes) prefix = g_bytes_new (data, cut);
          g_autoptr(GError) error = NULL;
          g_autoptr(GPtrArray) renditions = imgproc_resizer_process (resizer, prefix, NULL, &error);

          /* Only the end marker may be missing when everything else is there. */
          if (renditions != NULL)
            {
              g_test_message ("prefix %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " decodes", cut, len);
              g_assert_cmpuint (cut, >=, len - 12);
              continue;
            }
          g_assert_nonnull (error);
          g_assert_true (error->domain == IMGPROC_IMAGE_ERROR);
        }
    }
}

/* Real files of every format, cut at a few places: a typed error or, for
 * formats without an end marker, at least never a crash. */
static void
test_truncated_photos (void)
{
  static const char *names[] = {
    "eveningglow-2560x1600.jpg", "greenmeadow-1280x1024-progressive.jpg",
    "tulips-alpha-500x500.png", "rose-alpha-400x301.webp", "cups-2560x1600.gif",
    "storm-1920x1280.tif",
  };
  const char *testdata = g_getenv ("IMGPROC_TESTDATA");
  guint widths[] = { 200 };
  g_autoptr(ImgprocResizer) resizer = imgproc_resizer_new (widths, 1);

  if (testdata == NULL)
    {
      g_test_skip ("IMGPROC_TESTDATA is not set");
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (testdata, "images", names[i], NULL);
      g_autofree gchar *contents = NULL;
      gsize len = 0;

      if (!g_file_get_contents (path, &contents, &len, NULL))
        continue;
      for (guint tenth = 1; tenth < 10; tenth += 4)
        {
          g_autoptr(GBytes) prefix = g_bytes_new (contents, len * tenth / 10);
          g_autoptr(GError) error = NULL;
          g_autoptr(GPtrArray) renditions = imgproc_resizer_process (resizer, prefix, NULL, &error);
          gboolean strict = g_str_has_suffix (names[i], ".jpg") || g_str_has_suffix (names[i], ".png") ||
                            g_str_has_suffix (names[i], ".gif") || g_str_has_suffix (names[i], ".webp");

          g_test_message ("%s cut at %u/10: %s", names[i], tenth, error != NULL ? error->message : "decoded");
          if (strict)
            g_assert_error (error, IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_TRUNCATED);
          else if (error != NULL)
            g_assert_true (error->domain == IMGPROC_IMAGE_ERROR);
        }
    }
}

static void
test_limits (void)
{
  g_autoptr(GBytes) input = solid_jpeg (100, 80);
  g_autoptr(ImgprocResizer) bytes_limit = g_object_new (IMGPROC_TYPE_RESIZER, "max-bytes", (guint64) 100, NULL);
  g_autoptr(ImgprocResizer) pixel_limit = g_object_new (IMGPROC_TYPE_RESIZER, "max-pixels", (guint64) 7999, NULL);
  g_autoptr(ImgprocResizer) exact = g_object_new (IMGPROC_TYPE_RESIZER, "max-pixels", (guint64) 8000,
                                                  "max-bytes", (guint64) g_bytes_get_size (input), NULL);
  g_autoptr(GPtrArray) renditions = NULL;

  assert_process_error (bytes_limit, input, IMGPROC_IMAGE_ERROR_TOO_LARGE);
  assert_process_error (pixel_limit, input, IMGPROC_IMAGE_ERROR_TOO_LARGE);
  renditions = resize (exact, input);
  g_assert_cmpuint (renditions->len, ==, 1);
}

static void
test_properties (void)
{
  g_autoptr(ImgprocResizer) defaults = g_object_new (IMGPROC_TYPE_RESIZER, NULL);
  guint widths[] = { 1200, 300 };
  g_autoptr(ImgprocResizer) two = imgproc_resizer_new (widths, 2);
  g_autoptr(GVariant) variant = NULL;
  const guint *got;
  gsize n = 0;

  got = imgproc_resizer_get_widths (defaults, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (got[0], ==, 800);
  g_assert_cmpuint (imgproc_resizer_get_max_height (defaults), ==, 0);
  g_assert_cmpint (imgproc_resizer_get_output_format (defaults), ==, IMGPROC_OUTPUT_FORMAT_SAME);
  g_assert_cmpuint (imgproc_resizer_get_quality (defaults), ==, 85);
  g_assert_true (imgproc_resizer_get_strip_metadata (defaults));
  g_assert_true (imgproc_resizer_get_auto_orient (defaults));
  g_assert_cmphex (imgproc_resizer_get_background (defaults), ==, 0xffffff);
  g_assert_cmpuint (imgproc_resizer_get_max_bytes (defaults), ==, 0);
  g_assert_cmpuint (imgproc_resizer_get_max_pixels (defaults), ==, 100000000);

  got = imgproc_resizer_get_widths (two, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (got[0], ==, 1200);
  g_assert_cmpuint (got[1], ==, 300);
  g_object_get (two, "widths", &variant, NULL);
  g_assert_cmpstr (g_variant_get_type_string (variant), ==, "au");
  g_assert_cmpuint (g_variant_n_children (variant), ==, 2);
}

typedef struct
{
  ImgprocResizer *resizer;
  GBytes *inputs[3];
  GBytes *expected[3];
} SharedWork;

static gpointer
worker (gpointer data)
{
  SharedWork *work = data;

  for (guint round = 0; round < 4; round++)
    for (guint i = 0; i < G_N_ELEMENTS (work->inputs); i++)
      {
        g_autoptr(GPtrArray) renditions = resize (work->resizer, work->inputs[i]);

        g_assert_cmpuint (renditions->len, ==, 2);
        g_assert_true (g_bytes_equal (imgproc_rendition_get_bytes (renditions->pdata[0]), work->expected[i]));
      }
  return NULL;
}

/* One resizer, four threads: every output equals the single-threaded one. */
static void
test_threads (void)
{
  guint widths[] = { 100, 40 };
  SharedWork work = { imgproc_resizer_new (widths, 2) };
  g_autofree guint8 *pixels = test_image_fill (300, 200, 3, BLUE);
  g_autofree guint8 *rgba = half_transparent (300, 200);
  GThread *threads[4];

  test_image_fill_rect (pixels, 300, 3, 10, 10, 100, 50, RED);
  work.inputs[0] = test_image_jpeg (pixels, 300, 200, 3, 6);
  work.inputs[1] = test_image_png (rgba, 300, 200, 4, 0);
  work.inputs[2] = test_image_webp (pixels, 300, 200, 3);
  for (guint i = 0; i < G_N_ELEMENTS (work.inputs); i++)
    {
      g_autoptr(GPtrArray) renditions = resize (work.resizer, work.inputs[i]);

      work.expected[i] = g_bytes_ref (imgproc_rendition_get_bytes (renditions->pdata[0]));
    }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("resize", worker, &work);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  for (guint i = 0; i < G_N_ELEMENTS (work.inputs); i++)
    {
      g_bytes_unref (work.inputs[i]);
      g_bytes_unref (work.expected[i]);
    }
  g_object_unref (work.resizer);
}

static void
on_processed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_async (void)
{
  g_autoptr(ImgprocResizer) resizer = imgproc_resizer_new (NULL, 0);
  g_autoptr(GBytes) input = solid_jpeg (1000, 600);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) renditions = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) cancelled = NULL;
  g_autoptr(GPtrArray) none = NULL;

  imgproc_resizer_process_async (resizer, input, NULL, on_processed, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  renditions = imgproc_resizer_process_finish (resizer, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (renditions->len, ==, 1);
  g_assert_cmpuint (imgproc_rendition_get_width (renditions->pdata[0]), ==, 800);
  g_assert_cmpuint (imgproc_rendition_get_height (renditions->pdata[0]), ==, 480);

  g_cancellable_cancel (cancellable);
  imgproc_resizer_process_async (resizer, input, cancellable, on_processed, &cancelled);
  while (cancelled == NULL)
    g_main_context_iteration (NULL, TRUE);
  none = imgproc_resizer_process_finish (resizer, cancelled, &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

typedef struct {
  GPtrArray *finished;
  guint index;
} OrderedCall;

static void
on_ordered (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  OrderedCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) renditions = imgproc_resizer_process_finish (IMGPROC_RESIZER (source), result, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (renditions->len, ==, 1);
  g_ptr_array_add (call->finished, GUINT_TO_POINTER (call->index));
}

/* A budget smaller than any decode makes each one run alone, so the calls
 * end in the order they were made, however many threads the pool has. */
static void
test_async_budget (void)
{
  g_autoptr(ImgprocResizer) resizer = g_object_new (IMGPROC_TYPE_RESIZER,
                                                    "decode-memory-budget", (guint64) 1, NULL);
  g_autoptr(GBytes) input = solid_jpeg (2400, 1600);
  g_autoptr(GPtrArray) finished = g_ptr_array_new ();
  OrderedCall calls[8];

  g_assert_cmpuint (imgproc_resizer_get_decode_memory_budget (resizer), ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      calls[i].finished = finished;
      calls[i].index = i;
      imgproc_resizer_process_async (resizer, input, NULL, on_ordered, &calls[i]);
    }
  while (finished->len < G_N_ELEMENTS (calls))
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (finished->pdata[i]), ==, i);
}

static GBytes *
load_photo (const char *name)
{
  const char *testdata = g_getenv ("IMGPROC_TESTDATA");
  g_autofree char *path = g_build_filename (testdata != NULL ? testdata : "../shared/testdata",
                                            "images", name, NULL);
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return NULL;
  return g_bytes_new_take (contents, length);
}

/* Only multi-scan JPEGs keep their coefficients: 128 bytes per 8x8 block of
 * each component, so between 2 bytes per pixel (luma only) and 6 (4:4:4). */
static void
test_coefficient_bytes (void)
{
  g_autoptr(GBytes) progressive = load_photo ("bridge-4352x2448-progressive.jpg");
  g_autoptr(GBytes) sequential = load_photo ("kleiber-6028x3391.jpg");
  g_autoptr(GBytes) synthetic = solid_jpeg (640, 480);
  guint64 pixels = 4352 * 2448;
  guint64 bytes;

  g_assert_cmpuint (imgproc_jpeg_coefficient_bytes (g_bytes_get_data (synthetic, NULL),
                                                    g_bytes_get_size (synthetic)), ==, 0);
  g_assert_cmpuint (imgproc_jpeg_coefficient_bytes ((const guint8 *) "\xff\xd8\xff", 3), ==, 0);
  if (progressive == NULL || sequential == NULL)
    {
      g_test_skip ("IMGPROC_TESTDATA lacks the bridge or kleiber photo");
      return;
    }
  g_assert_cmpuint (imgproc_jpeg_coefficient_bytes (g_bytes_get_data (sequential, NULL),
                                                    g_bytes_get_size (sequential)), ==, 0);
  bytes = imgproc_jpeg_coefficient_bytes (g_bytes_get_data (progressive, NULL), g_bytes_get_size (progressive));
  g_test_message ("bridge: %" G_GUINT64_FORMAT " coefficient bytes", bytes);
  g_assert_cmpuint (bytes, >=, pixels * 2);
  g_assert_cmpuint (bytes, <=, (4352 + 16) * (2448 + 16) * 6);
  g_assert_cmpuint (bytes % 128, ==, 0);
}

static gboolean
photo_has_exif (GBytes *bytes)
{
  return test_image_has_exif (bytes);
}

/* Every file in the testdata folder: the right size and format, and no EXIF. */
static void
test_photos (void)
{
  const char *testdata = g_getenv ("IMGPROC_TESTDATA");
  g_autofree char *dir_path = NULL;
  g_autoptr(GDir) dir = NULL;
  guint widths[] = { 800, 320 };
  g_autoptr(ImgprocResizer) resizer = imgproc_resizer_new (widths, G_N_ELEMENTS (widths));
  const char *name;
  guint n_images = 0;

  if (testdata == NULL)
    {
      g_test_skip ("IMGPROC_TESTDATA is not set");
      return;
    }
  dir_path = g_build_filename (testdata, "images", NULL);
  dir = g_dir_open (dir_path, 0, NULL);
  if (dir == NULL)
    {
      g_test_skip ("no testdata images");
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) input = NULL;
      g_autoptr(ImgprocImageInfo) info = NULL;
      g_autoptr(GPtrArray) renditions = NULL;
      gchar *contents = NULL;
      gsize len = 0;
      ImgprocImageFormat format;
      gboolean had_exif;

      if (g_str_has_suffix (name, ".md"))
        continue;
      g_test_message ("%s", name);
      g_assert_true (g_file_get_contents (path, &contents, &len, &error));
      input = g_bytes_new_take (contents, len);
      info = imgproc_image_info_new_from_bytes (input, &error);
      g_assert_no_error (error);
      format = imgproc_image_info_get_format (info);
      had_exif = photo_has_exif (input);

      renditions = imgproc_resizer_process (resizer, input, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (renditions->len, ==, G_N_ELEMENTS (widths));
      for (guint i = 0; i < renditions->len; i++)
        {
          ImgprocRendition *r = renditions->pdata[i];
          guint dw = imgproc_image_info_get_display_width (info);
          guint dh = imgproc_image_info_get_display_height (info);
          guint w = MIN (widths[i], dw);
          guint h = MAX (1, (guint) (((guint64) dh * w * 2 + dw) / (2 * (guint64) dw)));
          g_autoptr(GdkPixbuf) out = test_image_decode (imgproc_rendition_get_bytes (r));
          ImgprocImageFormat expected = format;

          if (format != IMGPROC_IMAGE_FORMAT_JPEG && format != IMGPROC_IMAGE_FORMAT_PNG &&
              format != IMGPROC_IMAGE_FORMAT_WEBP)
            expected = imgproc_rendition_get_format (r) == IMGPROC_IMAGE_FORMAT_PNG
                       ? IMGPROC_IMAGE_FORMAT_PNG : IMGPROC_IMAGE_FORMAT_JPEG;
          g_assert_cmpint (imgproc_rendition_get_format (r), ==, expected);
          g_assert_cmpuint (imgproc_rendition_get_width (r), ==, w);
          g_assert_cmpuint (imgproc_rendition_get_height (r), ==, h);
          g_assert_cmpint (gdk_pixbuf_get_width (out), ==, w);
          g_assert_cmpint (gdk_pixbuf_get_height (out), ==, h);
          g_assert_false (test_image_has_exif (imgproc_rendition_get_bytes (r)));
        }
      g_test_message ("%s: %ux%u, EXIF in input: %d", name,
                      imgproc_rendition_get_width (renditions->pdata[0]),
                      imgproc_rendition_get_height (renditions->pdata[0]), had_exif);
      n_images++;
    }
  g_assert_cmpuint (n_images, >, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/resizer/geometry/rounding", test_geometry_rounding);
  g_test_add_func ("/resizer/geometry/aspect-no-upscale", test_geometry_aspect);
  g_test_add_func ("/resizer/geometry/max-height", test_geometry_max_height);
  g_test_add_func ("/resizer/orientation/jpeg", test_orientation_jpeg);
  g_test_add_func ("/resizer/orientation/png", test_orientation_png);
  g_test_add_func ("/resizer/orientation/webp", test_orientation_webp);
  g_test_add_func ("/resizer/orientation/off", test_orientation_off);
  g_test_add_func ("/resizer/metadata/keep", test_keep_metadata);
  g_test_add_func ("/resizer/alpha/png", test_alpha_png);
  g_test_add_func ("/resizer/alpha/webp", test_alpha_webp);
  g_test_add_func ("/resizer/alpha/flattened", test_alpha_flattened);
  g_test_add_func ("/resizer/format/each", test_output_formats);
  g_test_add_func ("/resizer/format/same-for-others", test_output_same_for_other_formats);
  g_test_add_func ("/resizer/format/grayscale", test_grayscale);
  g_test_add_func ("/resizer/filter/checkerboard", test_checkerboard);
  g_test_add_func ("/resizer/errors/malformed", test_malformed);
  g_test_add_func ("/resizer/errors/every-prefix", test_truncated_everywhere);
  g_test_add_func ("/resizer/errors/truncated-photos", test_truncated_photos);
  g_test_add_func ("/resizer/errors/limits", test_limits);
  g_test_add_func ("/resizer/properties", test_properties);
  g_test_add_func ("/resizer/threads", test_threads);
  g_test_add_func ("/resizer/async", test_async);
  g_test_add_func ("/resizer/async/budget-order", test_async_budget);
  g_test_add_func ("/resizer/coefficient-bytes", test_coefficient_bytes);
  g_test_add_func ("/resizer/photos", test_photos);

  return g_test_run ();
}
