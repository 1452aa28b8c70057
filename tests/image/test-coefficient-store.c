/* The packed coefficient store must decode every progressive JPEG to exactly
 * the pixels libjpeg's own arrays give, in a fraction of their memory, and
 * fail damaged files as cleanly. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-coefficient-store-private.h"
#include "imgproc-jpeg-private.h"

#include <setjmp.h>
#include <string.h>
#include <jerror.h>

typedef struct
{
  struct jpeg_error_mgr pub;
  jmp_buf jump;
} TestErrorManager;

static void
test_error_exit (j_common_ptr cinfo)
{
  longjmp (((TestErrorManager *) cinfo->err)->jump, 1);
}

typedef struct
{
  guint8 *pixels;
  guint width;
  guint height;
  gsize packed_peak;
} Decoded;

static void
decoded_clear (Decoded *decoded)
{
  g_clear_pointer (&decoded->pixels, g_free);
}

/* Both paths decode through libjpeg the same way; only the arrays differ. */
static gboolean
decode (GBytes   *jpeg,
        guint     scale_num,
        gboolean  packed,
        Decoded  *out)
{
  struct jpeg_decompress_struct cinfo = { 0 };
  TestErrorManager err;
  gsize len;
  const guint8 *data = g_bytes_get_data (jpeg, &len);

  memset (out, 0, sizeof *out);
  cinfo.err = jpeg_std_error (&err.pub);
  err.pub.error_exit = test_error_exit;
  if (setjmp (err.jump))
    {
      jpeg_destroy_decompress (&cinfo);
      decoded_clear (out);
      return FALSE;
    }
  jpeg_create_decompress (&cinfo);
  jpeg_mem_src (&cinfo, data, (unsigned long) len);
  jpeg_read_header (&cinfo, TRUE);
  cinfo.out_color_space = JCS_RGB;
  cinfo.dct_method = JDCT_ISLOW;
  cinfo.scale_num = scale_num;
  cinfo.scale_denom = 8;
  cinfo.do_block_smoothing = FALSE;
  if (packed)
    imgproc_coefficient_store_install (&cinfo);
  jpeg_start_decompress (&cinfo);
  out->width = cinfo.output_width;
  out->height = cinfo.output_height;
  out->pixels = g_malloc ((gsize) out->width * out->height * 3);
  while (cinfo.output_scanline < cinfo.output_height)
    {
      JSAMPROW row = out->pixels + (gsize) cinfo.output_scanline * out->width * 3;

      if (jpeg_read_scanlines (&cinfo, &row, 1) != 1)
        longjmp (err.jump, 1);
    }
  if (packed)
    out->packed_peak = imgproc_coefficient_store_peak_bytes (&cinfo);
  jpeg_destroy_decompress (&cinfo);
  return TRUE;
}

static void
assert_same_pixels (GBytes     *jpeg,
                    guint       scale_num,
                    const char *name)
{
  Decoded plain, packed;
  gsize len;
  guint64 full = imgproc_jpeg_coefficient_bytes (g_bytes_get_data (jpeg, &len), g_bytes_get_size (jpeg));

  g_assert_true (decode (jpeg, scale_num, FALSE, &plain));
  g_assert_true (decode (jpeg, scale_num, TRUE, &packed));
  g_assert_cmpuint (packed.width, ==, plain.width);
  g_assert_cmpuint (packed.height, ==, plain.height);
  g_assert_cmpmem (packed.pixels, (gsize) packed.width * packed.height * 3,
                   plain.pixels, (gsize) plain.width * plain.height * 3);
  g_test_message ("%s at %u/8: %" G_GSIZE_FORMAT " packed bytes at most, %" G_GUINT64_FORMAT " plain",
                  name, scale_num, packed.packed_peak, full);
  /* With one row of MCUs, libjpeg never moves off the rows it works on. */
  if (plain.height * 8 / scale_num > 16)
    g_assert_cmpuint (packed.packed_peak, >, 0);
  g_assert_cmpuint (packed.packed_peak, <=,
                    imgproc_coefficient_store_estimate (full / sizeof (JBLOCK), len) + full / 16);
  decoded_clear (&plain);
  decoded_clear (&packed);
}

/* A progressive JPEG of @pixels at @quality, by libjpeg's standard script. */
static GBytes *
progressive_jpeg (const guint8 *pixels,
                  guint         width,
                  guint         height,
                  int           quality)
{
  struct jpeg_compress_struct cinfo = { 0 };
  struct jpeg_error_mgr err;
  unsigned char *buffer = NULL;
  unsigned long size = 0;

  cinfo.err = jpeg_std_error (&err);
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, &buffer, &size);
  cinfo.image_width = width;
  cinfo.image_height = height;
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, quality, TRUE);
  jpeg_simple_progression (&cinfo);
  jpeg_start_compress (&cinfo, TRUE);
  while (cinfo.next_scanline < height)
    {
      JSAMPROW row = (JSAMPROW) (pixels + (gsize) cinfo.next_scanline * width * 3);

      jpeg_write_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  return g_bytes_new_with_free_func (buffer, size, free, buffer);
}

static guint8 *
noise (guint width,
       guint height)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  guint8 *pixels = g_malloc ((gsize) width * height * 3);

  for (gsize i = 0; i < (gsize) width * height * 3; i++)
    pixels[i] = (guint8) g_rand_int_range (rand, 0, 256);
  return pixels;
}

/* Noise at quality 100 leaves almost no coefficient zero: the worst case
 * for packing, with values that need all 16 bits after dequantisation. */
static void
test_noise (void)
{
  g_autofree guint8 *pixels = noise (333, 217);
  g_autoptr(GBytes) jpeg = progressive_jpeg (pixels, 333, 217, 100);

  for (guint scale = 1; scale <= 8; scale *= 2)
    assert_same_pixels (jpeg, scale, "noise");
}

/* Widths and heights that are not multiples of the MCU leave partial
 * blocks at the right and bottom edges. */
static void
test_odd_sizes (void)
{
  static const guint sizes[][2] = { { 1, 1 }, { 7, 9 }, { 17, 33 }, { 250, 3 } };

  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree guint8 *pixels = noise (sizes[i][0], sizes[i][1]);
      g_autoptr(GBytes) jpeg = progressive_jpeg (pixels, sizes[i][0], sizes[i][1], 90);

      assert_same_pixels (jpeg, 8, "odd size");
      assert_same_pixels (jpeg, 1, "odd size");
    }
}

static GBytes *
load_photo (const char *name)
{
  const char *testdata = g_getenv ("IMGPROC_TESTDATA");
  g_autofree char *path = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (testdata == NULL)
    return NULL;
  path = g_build_filename (testdata, "images", name, NULL);
  if (!g_file_get_contents (path, &contents, &length, NULL))
    return NULL;
  return g_bytes_new_take (contents, length);
}

/* Every progressive photo of the test data, at the scales the resizer uses:
 * the same pixels, and the packed rows at most a sixth of libjpeg's arrays
 * (a tenth to a fifteenth, measured). */
static void
test_photos (void)
{
  static const char *const names[] = {
    "bridge-4352x2448-progressive.jpg",
    "dragonfly-4224x3168-progressive.jpg",
    "greenmeadow-1280x1024-progressive.jpg",
    "picos-3264x2448-progressive.jpg",
    "seeding-5312x2988-progressive.jpg",
  };
  guint n_photos = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GBytes) jpeg = load_photo (names[i]);
      Decoded packed;

      if (jpeg == NULL)
        continue;
      n_photos++;
      assert_same_pixels (jpeg, 2, names[i]);
      assert_same_pixels (jpeg, 4, names[i]);
      g_assert_true (decode (jpeg, 1, TRUE, &packed));
      g_assert_cmpuint (packed.packed_peak, <,
                        imgproc_jpeg_coefficient_bytes (g_bytes_get_data (jpeg, NULL),
                                                        g_bytes_get_size (jpeg)) / 6);
      decoded_clear (&packed);
    }
  if (n_photos == 0)
    g_test_skip ("IMGPROC_TESTDATA has none of the progressive photos");
}

static void
count_row (gpointer      user_data,
           const guint8 *row)
{
  (*(guint *) user_data)++;
}

static gboolean
accept_geometry (gpointer   user_data,
                 guint      width,
                 guint      height,
                 guint      channels,
                 GError   **error)
{
  return TRUE;
}

static const ImgprocRowSink counting_sink = { accept_geometry, count_row };

/* The decoder packs only large progressive photos, and says how much. */
static void
test_decoder_packs_large_photos (void)
{
  g_autoptr(GBytes) large = load_photo ("seeding-5312x2988-progressive.jpg");
  g_autoptr(GBytes) small = load_photo ("greenmeadow-1280x1024-progressive.jpg");
  gsize peak = G_MAXSIZE;
  guint rows = 0;
  g_autoptr(GError) error = NULL;

  if (large == NULL || small == NULL)
    {
      g_test_skip ("IMGPROC_TESTDATA lacks the seeding or greenmeadow photo");
      return;
    }
  g_assert_true (imgproc_jpeg_decode (g_bytes_get_data (large, NULL), g_bytes_get_size (large),
                                      1000, 0, &counting_sink, &rows, &peak, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rows, ==, 2988 / 4);
  g_assert_cmpuint (peak, >, 0);
  g_assert_cmpuint (peak, <=, imgproc_jpeg_decode_memory (g_bytes_get_data (large, NULL),
                                                          g_bytes_get_size (large)));
  g_assert_cmpuint (imgproc_jpeg_decode_memory (g_bytes_get_data (large, NULL), g_bytes_get_size (large)), <,
                    imgproc_jpeg_coefficient_bytes (g_bytes_get_data (large, NULL), g_bytes_get_size (large)) / 3);

  g_assert_true (imgproc_jpeg_decode (g_bytes_get_data (small, NULL), g_bytes_get_size (small),
                                      1000, 0, &counting_sink, &rows, &peak, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (peak, ==, 0);
  g_assert_cmpuint (imgproc_jpeg_decode_memory (g_bytes_get_data (small, NULL), g_bytes_get_size (small)), ==,
                    imgproc_jpeg_coefficient_bytes (g_bytes_get_data (small, NULL), g_bytes_get_size (small)));
}

/* A progressive photo cut anywhere in its scans fails as truncated, and
 * the store's rows are freed on the way out (LeakSanitizer checks). */
static void
test_truncated (void)
{
  g_autoptr(GBytes) photo = load_photo ("seeding-5312x2988-progressive.jpg");
  gsize len;
  const guint8 *data;

  if (photo == NULL)
    {
      g_test_skip ("IMGPROC_TESTDATA lacks the seeding photo");
      return;
    }
  data = g_bytes_get_data (photo, &len);
  for (guint cut = 1; cut <= 3; cut++)
    {
      guint rows = 0;
      g_autoptr(GError) error = NULL;

      g_assert_false (imgproc_jpeg_decode (data, len * cut / 4, 1000, 0, &counting_sink, &rows,
                                           NULL, NULL, &error));
      g_assert_error (error, IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_TRUNCATED);
      g_assert_cmpuint (rows, ==, 0);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/coefficient-store/noise", test_noise);
  g_test_add_func ("/coefficient-store/odd-sizes", test_odd_sizes);
  g_test_add_func ("/coefficient-store/photos", test_photos);
  g_test_add_func ("/coefficient-store/decoder-packs-large-photos", test_decoder_packs_large_photos);
  g_test_add_func ("/coefficient-store/truncated", test_truncated);

  return g_test_run ();
}
