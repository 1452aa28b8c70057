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
  guint64 reservation;
  int msg_code;
} Decoded;

static void
decoded_clear (Decoded *decoded)
{
  g_clear_pointer (&decoded->pixels, g_free);
}

/* Both paths decode through libjpeg the same way; only the arrays differ.
 * A packed decode holds at most @reservation bytes; when it fails, its
 * peak and libjpeg's error code are kept. */
static gboolean
decode_within (GBytes   *jpeg,
               guint     scale_num,
               gboolean  packed,
               gsize     reservation,
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
      out->msg_code = err.pub.msg_code;
      if (cinfo.client_data != NULL)
        out->packed_peak = imgproc_coefficient_store_peak_bytes (&cinfo);
      jpeg_destroy_decompress (&cinfo);
      g_clear_pointer (&out->pixels, g_free);
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
  out->reservation = imgproc_coefficient_store_reservation (&cinfo, len);
  if (packed)
    imgproc_coefficient_store_install (&cinfo, reservation);
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

static gboolean
decode (GBytes   *jpeg,
        guint     scale_num,
        gboolean  packed,
        Decoded  *out)
{
  return decode_within (jpeg, scale_num, packed, G_MAXSIZE, out);
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
  g_assert_cmpuint (packed.packed_peak, <=, packed.reservation + full / 16);
  decoded_clear (&plain);
  decoded_clear (&packed);
}

/* A compressor of a three-component @width x @height image into memory,
 * with libjpeg's defaults for @color_space. */
static void
start_compress (struct jpeg_compress_struct *cinfo,
                struct jpeg_error_mgr       *err,
                unsigned char              **buffer,
                unsigned long               *size,
                guint                        width,
                guint                        height,
                J_COLOR_SPACE                color_space)
{
  cinfo->err = jpeg_std_error (err);
  jpeg_create_compress (cinfo);
  jpeg_mem_dest (cinfo, buffer, size);
  cinfo->image_width = width;
  cinfo->image_height = height;
  cinfo->input_components = 3;
  cinfo->in_color_space = color_space;
  jpeg_set_defaults (cinfo);
}

/* A JPEG of @pixels at @quality in the scans of @script, or by libjpeg's
 * standard progressive script when it is NULL. */
static GBytes *
encode_jpeg (const guint8         *pixels,
             guint                 width,
             guint                 height,
             int                   quality,
             const jpeg_scan_info *script,
             int                   n_scans)
{
  struct jpeg_compress_struct cinfo = { 0 };
  struct jpeg_error_mgr err;
  unsigned char *buffer = NULL;
  unsigned long size = 0;

  start_compress (&cinfo, &err, &buffer, &size, width, height, JCS_RGB);
  jpeg_set_quality (&cinfo, quality, TRUE);
  if (script == NULL)
    jpeg_simple_progression (&cinfo);
  else
    {
      cinfo.scan_info = script;
      cinfo.num_scans = n_scans;
    }
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

static GBytes *
progressive_jpeg (const guint8 *pixels,
                  guint         width,
                  guint         height,
                  int           quality)
{
  return encode_jpeg (pixels, width, height, quality, NULL, 0);
}

/* Sequential, but one scan per component: libjpeg then keeps every
 * coefficient until the last scan, as for a progressive file. */
static const jpeg_scan_info scan_per_component[] = {
  { 1, { 0 }, 0, DCTSIZE2 - 1, 0, 0 },
  { 1, { 1 }, 0, DCTSIZE2 - 1, 0, 0 },
  { 1, { 2 }, 0, DCTSIZE2 - 1, 0, 0 },
};

static GBytes *
scan_per_component_jpeg (const guint8 *pixels,
                         guint         width,
                         guint         height,
                         int           quality)
{
  return encode_jpeg (pixels, width, height, quality, scan_per_component,
                      G_N_ELEMENTS (scan_per_component));
}

/* A 4:4:4 progressive JPEG whose every AC coefficient is +-128, sent as
 * +-1 at Al = 7 and never refined: about 2 bits a coefficient in the file,
 * where packing one takes 3 bytes (it does not fit a byte). Written from
 * coefficients, with a script of its own: jpeg_simple_progression has no
 * Al = 7. */
static GBytes *
hostile_progressive_jpeg (guint width,
                          guint height)
{
  static const jpeg_scan_info script[] = {
    { 3, { 0, 1, 2 }, 0, 0, 0, 0 },
    { 1, { 0 }, 1, DCTSIZE2 - 1, 0, 7 },
    { 1, { 1 }, 1, DCTSIZE2 - 1, 0, 7 },
    { 1, { 2 }, 1, DCTSIZE2 - 1, 0, 7 },
  };
  struct jpeg_compress_struct cinfo = { 0 };
  struct jpeg_error_mgr err;
  jvirt_barray_ptr arrays[3];
  unsigned char *buffer = NULL;
  unsigned long size = 0;

  start_compress (&cinfo, &err, &buffer, &size, width, height, JCS_YCbCr);
  cinfo.comp_info[0].h_samp_factor = 1;
  cinfo.comp_info[0].v_samp_factor = 1;
  cinfo.scan_info = script;
  cinfo.num_scans = G_N_ELEMENTS (script);
  for (int ci = 0; ci < 3; ci++)
    arrays[ci] = cinfo.mem->request_virt_barray ((j_common_ptr) &cinfo, JPOOL_IMAGE, TRUE,
                                                 (width + 7) / 8, (height + 7) / 8, 1);
  cinfo.mem->realize_virt_arrays ((j_common_ptr) &cinfo);
  for (int ci = 0; ci < 3; ci++)
    for (JDIMENSION r = 0; r < (height + 7) / 8; r++)
      {
        JBLOCKARRAY row = cinfo.mem->access_virt_barray ((j_common_ptr) &cinfo, arrays[ci], r, 1, TRUE);

        for (JDIMENSION b = 0; b < (width + 7) / 8; b++)
          for (guint k = 1; k < DCTSIZE2; k++)
            row[0][b][k] = ((r + b + k) & 1) != 0 ? 128 : -128;
      }
  jpeg_write_coefficients (&cinfo, arrays);
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  return g_bytes_new_with_free_func (buffer, size, free, buffer);
}

/* Smooth, as photographs mostly are, so that it packs well. */
static guint8 *
gradient (guint width,
          guint height)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  guint8 *pixels = g_malloc ((gsize) width * height * 3);
  guint8 *p = pixels;

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        *p++ = (guint8) (x * 255 / width);
        *p++ = (guint8) (y * 255 / height);
        *p++ = (guint8) (((x + y) / 4 + g_rand_int_range (rand, 0, 8)) & 0xff);
      }
  return pixels;
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
 * the same pixels, and the store at most a fifth of libjpeg's arrays (a
 * sixth to a fifteenth, measured, with its window and scratch row). */
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
                                                        g_bytes_get_size (jpeg)) / 5);
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

static void
on_processed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

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
                                      1000, 0, IMGPROC_JPEG_ARRAYS_PACKED, &counting_sink, &rows, &peak, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rows, ==, 2988 / 4);
  g_assert_cmpuint (peak, >, 0);
  g_assert_cmpuint (peak, <=, imgproc_jpeg_decode_memory (g_bytes_get_data (large, NULL),
                                                          g_bytes_get_size (large),
                                                          IMGPROC_JPEG_ARRAYS_PACKED));
  g_assert_cmpuint (imgproc_jpeg_decode_memory (g_bytes_get_data (large, NULL), g_bytes_get_size (large),
                                                IMGPROC_JPEG_ARRAYS_PACKED), <,
                    imgproc_jpeg_coefficient_bytes (g_bytes_get_data (large, NULL), g_bytes_get_size (large)) / 3);

  g_assert_true (imgproc_jpeg_decode (g_bytes_get_data (small, NULL), g_bytes_get_size (small),
                                      1000, 0, IMGPROC_JPEG_ARRAYS_PACKED, &counting_sink, &rows, &peak, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (peak, ==, 0);
  g_assert_cmpuint (imgproc_jpeg_decode_memory (g_bytes_get_data (small, NULL), g_bytes_get_size (small),
                                                IMGPROC_JPEG_ARRAYS_PACKED), ==,
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

      g_assert_false (imgproc_jpeg_decode (data, len * cut / 4, 1000, 0, IMGPROC_JPEG_ARRAYS_PACKED,
                                           &counting_sink, &rows,
                                           NULL, NULL, &error));
      g_assert_error (error, IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_TRUNCATED);
      g_assert_cmpuint (rows, ==, 0);
    }
}

/* libjpeg asks for each component's blocks rounded up to its sampling
 * factors: 17x17 at 4:2:0 is 4x4 luma blocks (not 3x3) and 2x2 of each
 * chroma. */
static void
test_mcu_rounding (void)
{
  g_autofree guint8 *pixels = noise (17, 17);
  g_autoptr(GBytes) jpeg = progressive_jpeg (pixels, 17, 17, 90);

  g_assert_cmpuint (imgproc_jpeg_coefficient_bytes (g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg)),
                    ==, (16 + 4 + 4) * sizeof (JBLOCK));
}

/* One scan per component keeps the whole image as a progressive file
 * does: it is charged for, packed when large, and packing leaves its
 * pixels as they are. */
static void
test_scan_per_component (void)
{
  g_autofree guint8 *small_pixels = noise (333, 217);
  g_autoptr(GBytes) small = scan_per_component_jpeg (small_pixels, 333, 217, 90);
  g_autofree guint8 *large_pixels = gradient (2048, 1536);
  g_autoptr(GBytes) large = scan_per_component_jpeg (large_pixels, 2048, 1536, 90);
  const guint8 *data = g_bytes_get_data (large, NULL);
  gsize len = g_bytes_get_size (large);
  gsize peak = 0;
  guint rows = 0;
  g_autoptr(GError) error = NULL;

  /* 4:2:0: 42x28 luma blocks and 21x14 of each chroma. */
  g_assert_cmpuint (imgproc_jpeg_coefficient_bytes (g_bytes_get_data (small, NULL), g_bytes_get_size (small)),
                    ==, (42 * 28 + 2 * 21 * 14) * sizeof (JBLOCK));
  assert_same_pixels (small, 8, "scan per component");
  assert_same_pixels (small, 1, "scan per component");

  g_assert_cmpuint (imgproc_jpeg_coefficient_bytes (data, len), ==, (256 * 192 + 2 * 128 * 96) * sizeof (JBLOCK));
  g_assert_cmpuint (imgproc_jpeg_decode_memory (data, len, IMGPROC_JPEG_ARRAYS_PACKED), <,
                    imgproc_jpeg_coefficient_bytes (data, len) / 4);
  g_assert_true (imgproc_jpeg_decode (data, len, 1000, 0, IMGPROC_JPEG_ARRAYS_PACKED, &counting_sink, &rows,
                                      &peak, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rows, ==, 1536 / 2);
  g_assert_cmpuint (peak, >, 0);
  g_assert_cmpuint (peak, <=, imgproc_jpeg_decode_memory (data, len, IMGPROC_JPEG_ARRAYS_PACKED));
  assert_same_pixels (large, 2, "large scan per component");
}

/* Coefficients that pack worse than the file's size promises: rows that
 * would grow are kept raw, so the store never takes much more than
 * libjpeg's arrays; and within the reservation the decoder charges, the
 * decode fails cleanly as too large, where plain arrays still decode it. */
static void
test_hostile_progressive (void)
{
  g_autoptr(GBytes) jpeg = hostile_progressive_jpeg (1280, 1280);
  const guint8 *data = g_bytes_get_data (jpeg, NULL);
  gsize len = g_bytes_get_size (jpeg);
  guint64 plain = imgproc_jpeg_coefficient_bytes (data, len);
  guint64 reservation = imgproc_jpeg_decode_memory (data, len, IMGPROC_JPEG_ARRAYS_PACKED);
  Decoded unbounded, bounded;
  gsize peak = G_MAXSIZE;
  guint rows = 0;
  g_autoptr(GError) error = NULL;

  g_test_message ("%" G_GSIZE_FORMAT " bytes of file, %" G_GUINT64_FORMAT " of plain arrays, "
                  "%" G_GUINT64_FORMAT " reserved packed", len, plain, reservation);
  g_assert_cmpuint (plain, ==, 3 * 160 * 160 * sizeof (JBLOCK));
  g_assert_cmpuint (reservation, <, plain / 2);

  g_assert_true (decode (jpeg, 8, TRUE, &unbounded));
  g_test_message ("unbounded store: %" G_GSIZE_FORMAT " bytes at most", unbounded.packed_peak);
  g_assert_cmpuint (unbounded.packed_peak, <=, plain * 9 / 8);
  decoded_clear (&unbounded);

  g_assert_false (decode_within (jpeg, 8, TRUE, reservation, &bounded));
  g_assert_cmpint (bounded.msg_code, ==, IMGPROC_JERR_OVER_RESERVATION);
  g_assert_cmpuint (bounded.packed_peak, >, 0);
  g_assert_cmpuint (bounded.packed_peak, <=, reservation);

  g_assert_false (imgproc_jpeg_decode (data, len, 1000, 0, IMGPROC_JPEG_ARRAYS_PACKED, &counting_sink, &rows,
                                       &peak, NULL, &error));
  g_assert_error (error, IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "reserved"));
  g_assert_cmpuint (rows, ==, 0);
  g_clear_error (&error);

  g_assert_true (imgproc_jpeg_decode (data, len, 1000, 0, IMGPROC_JPEG_ARRAYS_PLAIN, &counting_sink, &rows,
                                      &peak, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rows, ==, 1280);
  g_assert_cmpuint (peak, ==, 0);
}

static GPtrArray *
process_async (ImgprocResizer  *resizer,
               GBytes          *input,
               GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  imgproc_resizer_process_async (resizer, input, NULL, on_processed, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return imgproc_resizer_process_finish (resizer, result, error);
}

/* The resizer decodes such a file again in plain arrays, charged in full,
 * when they fit in its budget (or it has none), and refuses it as too
 * large otherwise. */
static void
test_hostile_budget (void)
{
  g_autoptr(GBytes) jpeg = hostile_progressive_jpeg (1280, 1280);
  static const guint64 budgets[] = { 0, 16 << 20, 4 << 20 };

  for (gsize i = 0; i < G_N_ELEMENTS (budgets); i++)
    {
      g_autoptr(ImgprocResizer) resizer = g_object_new (IMGPROC_TYPE_RESIZER,
                                                        "decode-memory-budget", budgets[i], NULL);
      g_autoptr(GPtrArray) sync = NULL;
      g_autoptr(GPtrArray) async = NULL;
      g_autoptr(GError) sync_error = NULL;
      g_autoptr(GError) async_error = NULL;

      sync = imgproc_resizer_process (resizer, jpeg, NULL, &sync_error);
      async = process_async (resizer, jpeg, &async_error);
      if (budgets[i] == 4 << 20)
        {
          g_assert_error (sync_error, IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_TOO_LARGE);
          g_assert_error (async_error, IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_TOO_LARGE);
        }
      else
        {
          g_assert_no_error (sync_error);
          g_assert_no_error (async_error);
          g_assert_cmpuint (sync->len, >, 0);
          g_assert_cmpuint (async->len, ==, sync->len);
        }
    }
}

/* Each of the store's allocations, failing in turn, fails the one decode
 * with an error; once none fails, the decode succeeds. */
static void
test_out_of_memory (void)
{
  g_autofree guint8 *pixels = gradient (2048, 1536);
  g_autoptr(GBytes) jpeg = progressive_jpeg (pixels, 2048, 1536, 90);
  const guint8 *data = g_bytes_get_data (jpeg, NULL);
  gsize len = g_bytes_get_size (jpeg);
  gint failed = 0;

  for (gint n = 0; n < 200; n++)
    {
      g_autoptr(GError) error = NULL;
      guint rows = 0;
      gsize peak = 0;
      gboolean ok;

      imgproc_coefficient_store_fail_allocation (n);
      ok = imgproc_jpeg_decode (data, len, 1000, 0, IMGPROC_JPEG_ARRAYS_PACKED, &counting_sink, &rows,
                                &peak, NULL, &error);
      if (imgproc_coefficient_store_fail_allocation (-1) != -1)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpuint (rows, ==, 1536 / 2);
          break;
        }
      g_assert_false (ok);
      g_assert_error (error, IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_TOO_LARGE);
      g_assert_nonnull (strstr (error->message, "Insufficient memory"));
      g_assert_cmpuint (rows, ==, 0);
      failed++;
    }
  g_test_message ("%d allocations failed in turn", failed);
  g_assert_cmpint (failed, >=, 8);
  g_assert_cmpint (failed, <, 200);
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
  g_test_add_func ("/coefficient-store/mcu-rounding", test_mcu_rounding);
  g_test_add_func ("/coefficient-store/scan-per-component", test_scan_per_component);
  g_test_add_func ("/coefficient-store/hostile-progressive", test_hostile_progressive);
  g_test_add_func ("/coefficient-store/hostile-budget", test_hostile_budget);
  g_test_add_func ("/coefficient-store/out-of-memory", test_out_of_memory);

  return g_test_run ();
}
