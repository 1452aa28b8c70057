/* Decoding through GdkPixbufLoader with the type taken from the content,
 * and PNG/WebP encoding through gdk_pixbuf_save_to_buffer. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-private.h"
#include "imgproc-image-info-private.h"
#include "imgproc-pixbuf-private.h"

#include <string.h>

static const char *
loader_type (ImgprocImageFormat format)
{
  switch (format)
    {
    case IMGPROC_IMAGE_FORMAT_PNG:
      return "png";
    case IMGPROC_IMAGE_FORMAT_WEBP:
      return "webp";
    case IMGPROC_IMAGE_FORMAT_GIF:
      return "gif";
    case IMGPROC_IMAGE_FORMAT_TIFF:
      return "tiff";
    case IMGPROC_IMAGE_FORMAT_BMP:
      return "bmp";
    case IMGPROC_IMAGE_FORMAT_JPEG:
      return "jpeg";
    case IMGPROC_IMAGE_FORMAT_UNKNOWN:
    default:
      return NULL;
    }
}

/* The PNG loader hands out a partly filled image, without an error, when
 * the data stops inside IDAT; walking the chunks to IEND first catches it. */
static gboolean
png_is_complete (const guint8 *data,
                 gsize         len)
{
  gsize pos = 8;

  while (pos + 12 <= len)
    {
      guint32 chunk_len = (guint32) data[pos] << 24 | (guint32) data[pos + 1] << 16 |
                          (guint32) data[pos + 2] << 8 | data[pos + 3];

      if (chunk_len > G_MAXINT32 || pos + 12 + (gsize) chunk_len > len)
        return FALSE;
      if (memcmp (data + pos + 4, "IEND", 4) == 0)
        return TRUE;
      pos += 12 + (gsize) chunk_len;
    }
  return FALSE;
}

/* Likewise a GIF must reach its trailer byte, and a WebP the end its RIFF
 * header announces. */
static gboolean
is_truncated (const guint8       *data,
              gsize               len,
              ImgprocImageFormat  format)
{
  switch (format)
    {
    case IMGPROC_IMAGE_FORMAT_PNG:
      return !png_is_complete (data, len);
    case IMGPROC_IMAGE_FORMAT_GIF:
      return data[len - 1] != 0x3b;
    case IMGPROC_IMAGE_FORMAT_WEBP:
      return len < 12 ||
             8 + (gsize) ((guint32) data[7] << 24 | (guint32) data[6] << 16 |
                          (guint32) data[5] << 8 | data[4]) > len;
    default:
      return FALSE;
    }
}

GdkPixbuf *
imgproc_pixbuf_decode (const guint8        *data,
                       gsize                len,
                       ImgprocImageFormat   format,
                       GError             **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *type = loader_type (format);
  GdkPixbuf *pixbuf;
  gboolean ok;

  if (is_truncated (data, len, format))
    {
      g_set_error (error, IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_TRUNCATED,
                   _("The %s image is truncated: it ends before its last block"),
                   imgproc_image_format_get_name (format));
      return NULL;
    }
  if (type != NULL)
    loader = gdk_pixbuf_loader_new_with_type (type, NULL);
  if (loader == NULL)
    {
      g_set_error (error, IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_UNSUPPORTED,
                   _("No decoder for %s images is installed"),
                   imgproc_image_format_get_name (format));
      return NULL;
    }

  /* One write: the GIF loader re-parses from the start on each small write. */
  ok = gdk_pixbuf_loader_write (loader, data, len, &local_error);
  if (!gdk_pixbuf_loader_close (loader, ok ? &local_error : NULL))
    ok = FALSE;
  pixbuf = ok ? gdk_pixbuf_loader_get_pixbuf (loader) : NULL;
  if (pixbuf == NULL)
    {
      g_set_error (error, IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_CORRUPT,
                   _("The %s image is corrupt: %s"),
                   imgproc_image_format_get_name (format),
                   local_error != NULL ? local_error->message : _("no image in the data"));
      return NULL;
    }
  if (gdk_pixbuf_get_bits_per_sample (pixbuf) != 8 ||
      gdk_pixbuf_get_colorspace (pixbuf) != GDK_COLORSPACE_RGB ||
      gdk_pixbuf_get_n_channels (pixbuf) != (gdk_pixbuf_get_has_alpha (pixbuf) ? 4 : 3))
    {
      g_set_error (error, IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_UNSUPPORTED,
                   _("The %s decoder gave an unsupported pixel layout"),
                   imgproc_image_format_get_name (format));
      return NULL;
    }
  return g_object_ref (pixbuf);
}

GBytes *
imgproc_pixbuf_encode (const guint8        *pixels,
                       guint                width,
                       guint                height,
                       guint                channels,
                       ImgprocImageFormat   format,
                       guint                quality,
                       GError             **error)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *quality_str = NULL;
  gchar *buffer = NULL;
  gsize size = 0;
  gboolean ok;

  g_return_val_if_fail (channels == 3 || channels == 4, NULL);
  g_return_val_if_fail (format == IMGPROC_IMAGE_FORMAT_PNG || format == IMGPROC_IMAGE_FORMAT_WEBP, NULL);

  pixbuf = gdk_pixbuf_new_from_data (pixels, GDK_COLORSPACE_RGB, channels == 4, 8,
                                     (int) width, (int) height, (int) (width * channels),
                                     NULL, NULL);
  if (format == IMGPROC_IMAGE_FORMAT_PNG)
    ok = gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &local_error, NULL);
  else
    {
      quality_str = g_strdup_printf ("%u", quality);
      ok = gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "webp", &local_error,
                                      "quality", quality_str, NULL);
    }
  if (!ok)
    {
      g_set_error (error, IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_FAILED,
                   _("Could not encode the %s rendition: %s"),
                   imgproc_image_format_get_name (format), local_error->message);
      return NULL;
    }
  return g_bytes_new_take (buffer, size);
}
