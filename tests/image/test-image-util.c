/* Synthetic test images: flat colours and rectangles, encoded to JPEG (with
 * an EXIF block written here), PNG (with an eXIf chunk) and WebP. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-jpeg-private.h"
#include "imgproc-pixbuf-private.h"
#include "test-image-util.h"

#include <string.h>
#include <zlib.h>

guint8 *
test_image_fill (guint   width,
                 guint   height,
                 guint   channels,
                 guint32 rgba)
{
  guint8 *pixels = g_malloc ((gsize) width * height * channels);

  test_image_fill_rect (pixels, width, channels, 0, 0, width, height, rgba);
  return pixels;
}

void
test_image_fill_rect (guint8  *pixels,
                      guint    width,
                      guint    channels,
                      guint    x0,
                      guint    y0,
                      guint    w,
                      guint    h,
                      guint32  rgba)
{
  guint8 v[4] = { rgba >> 24, (rgba >> 16) & 0xff, (rgba >> 8) & 0xff, rgba & 0xff };

  for (guint y = y0; y < y0 + h; y++)
    for (guint x = x0; x < x0 + w; x++)
      {
        guint8 *p = pixels + ((gsize) y * width + x) * channels;

        if (channels == 1)
          p[0] = v[0];
        else
          memcpy (p, v, channels);
      }
}

/* A big-endian TIFF block with IFD0 = { Orientation, a GPS IFD pointer }
 * and a GPS IFD with one tag, as a camera would write. */
GBytes *
test_image_exif_with_orientation (guint orientation)
{
  static const guint8 tiff[] = {
    'M', 'M', 0, 42, 0, 0, 0, 8,
    0, 2,
    0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 1, 0, 0,
    0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38,
    0, 0, 0, 0,
    0, 1,
    0, 0, 0, 1, 0, 0, 0, 4, 2, 2, 0, 0,
    0, 0, 0, 0,
  };
  guint8 *copy = g_memdup2 (tiff, sizeof tiff);

  copy[19] = (guint8) orientation;
  return g_bytes_new_take (copy, sizeof tiff);
}

GBytes *
test_image_jpeg (const guint8 *pixels,
                 guint         width,
                 guint         height,
                 guint         channels,
                 guint         orientation)
{
  g_autoptr(GBytes) exif = orientation > 0 ? test_image_exif_with_orientation (orientation) : NULL;
  g_autoptr(GError) error = NULL;
  gsize exif_len = 0;
  const guint8 *exif_data = exif != NULL ? g_bytes_get_data (exif, &exif_len) : NULL;
  GBytes *jpeg;

  jpeg = imgproc_jpeg_encode (pixels, width, height, channels, 95, exif_data, exif_len, &error);
  g_assert_no_error (error);
  return jpeg;
}

static void
put_be32 (GByteArray *array,
          guint32     v)
{
  guint8 b[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

  g_byte_array_append (array, b, 4);
}

GBytes *
test_image_png (const guint8 *pixels,
                guint         width,
                guint         height,
                guint         channels,
                guint         orientation)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = imgproc_pixbuf_encode (pixels, width, height, channels,
                                                 IMGPROC_IMAGE_FORMAT_PNG, 100, &error);
  g_autoptr(GBytes) exif = NULL;
  GByteArray *out;
  gsize png_len, exif_len;
  const guint8 *png_data;
  const guint8 *exif_data;
  gsize ihdr_end = 8 + 8 + 13 + 4;
  guint32 crc;

  g_assert_no_error (error);
  if (orientation == 0)
    return g_steal_pointer (&png);

  png_data = g_bytes_get_data (png, &png_len);
  exif = test_image_exif_with_orientation (orientation);
  exif_data = g_bytes_get_data (exif, &exif_len);

  out = g_byte_array_new ();
  g_byte_array_append (out, png_data, ihdr_end);
  put_be32 (out, exif_len);
  g_byte_array_append (out, (const guint8 *) "eXIf", 4);
  g_byte_array_append (out, exif_data, exif_len);
  crc = crc32 (0, (const Bytef *) "eXIf", 4);
  crc = crc32 (crc, exif_data, exif_len);
  put_be32 (out, crc);
  g_byte_array_append (out, png_data + ihdr_end, png_len - ihdr_end);
  return g_byte_array_free_to_bytes (out);
}

GBytes *
test_image_webp (const guint8 *pixels,
                 guint         width,
                 guint         height,
                 guint         channels)
{
  g_autoptr(GError) error = NULL;
  GBytes *webp = imgproc_pixbuf_encode (pixels, width, height, channels,
                                        IMGPROC_IMAGE_FORMAT_WEBP, 100, &error);

  g_assert_no_error (error);
  return webp;
}

static void
put_le32 (GByteArray *array,
          guint32     v)
{
  guint8 b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

  g_byte_array_append (array, b, 4);
}

/* Rewraps a simple (VP8 or VP8L) WebP as extended VP8X with an EXIF chunk. */
GBytes *
test_image_webp_with_orientation (const guint8 *pixels,
                                  guint         width,
                                  guint         height,
                                  guint         channels,
                                  guint         orientation)
{
  g_autoptr(GBytes) simple = test_image_webp (pixels, width, height, channels);
  g_autoptr(GBytes) exif = test_image_exif_with_orientation (orientation);
  gsize len, exif_len;
  const guint8 *data = g_bytes_get_data (simple, &len);
  const guint8 *exif_data = g_bytes_get_data (exif, &exif_len);
  GByteArray *out = g_byte_array_new ();
  guint8 vp8x[10] = { 0x08 | (channels == 4 ? 0x10 : 0), 0, 0, 0,
                      (width - 1) & 0xff, ((width - 1) >> 8) & 0xff, (width - 1) >> 16,
                      (height - 1) & 0xff, ((height - 1) >> 8) & 0xff, (height - 1) >> 16 };

  g_assert_cmpmem (data + 12, 3, "VP8", 3);
  g_byte_array_append (out, (const guint8 *) "RIFF", 4);
  put_le32 (out, 0);
  g_byte_array_append (out, (const guint8 *) "WEBPVP8X", 8);
  put_le32 (out, sizeof vp8x);
  g_byte_array_append (out, vp8x, sizeof vp8x);
  g_byte_array_append (out, data + 12, len - 12);
  g_byte_array_append (out, (const guint8 *) "EXIF", 4);
  put_le32 (out, exif_len);
  g_byte_array_append (out, exif_data, exif_len);
  if (exif_len & 1)
    g_byte_array_append (out, (const guint8 *) "", 1);
  out->data[4] = (out->len - 8) & 0xff;
  out->data[5] = ((out->len - 8) >> 8) & 0xff;
  out->data[6] = ((out->len - 8) >> 16) & 0xff;
  out->data[7] = (out->len - 8) >> 24;
  return g_byte_array_free_to_bytes (out);
}

GdkPixbuf *
test_image_decode (GBytes *bytes)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_loader_write_bytes (loader, bytes, &error);
  g_assert_no_error (error);
  gdk_pixbuf_loader_close (loader, &error);
  g_assert_no_error (error);
  return g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));
}

static gboolean
contains (const guint8 *data,
          gsize         len,
          const char   *needle,
          gsize         needle_len)
{
  for (gsize i = 0; i + needle_len <= len; i++)
    if (memcmp (data + i, needle, needle_len) == 0)
      return TRUE;
  return FALSE;
}

/* Any EXIF container: JPEG APP1 "Exif\0\0", PNG eXIf, WebP EXIF chunk. */
gboolean
test_image_has_exif (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  return contains (data, len, "Exif\0\0", 6) ||
         contains (data, len, "eXIf", 4) ||
         contains (data, len, "EXIF", 4) ||
         contains (data, len, "MM\0*\0\0\0\x08", 8) ||
         contains (data, len, "II*\0\x08\0\0\0", 8);
}
