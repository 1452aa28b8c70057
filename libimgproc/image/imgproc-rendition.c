/* An immutable, reference-counted rendition: encoded bytes plus their facts. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-rendition-private.h"

struct _ImgprocRendition
{
  gatomicrefcount ref_count;
  GBytes *bytes;
  guint target_width;
  guint width;
  guint height;
  ImgprocImageFormat format;
};

G_DEFINE_BOXED_TYPE (ImgprocRendition, imgproc_rendition,
                     imgproc_rendition_ref, imgproc_rendition_unref)

ImgprocRendition *
imgproc_rendition_new (GBytes             *bytes,
                       guint               target_width,
                       guint               width,
                       guint               height,
                       ImgprocImageFormat  format)
{
  ImgprocRendition *self;

  g_return_val_if_fail (bytes != NULL, NULL);

  self = g_new0 (ImgprocRendition, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->bytes = g_bytes_ref (bytes);
  self->target_width = target_width;
  self->width = width;
  self->height = height;
  self->format = format;
  return self;
}

/**
 * imgproc_rendition_ref:
 * @self: a rendition
 *
 * Takes a reference to @self.
 *
 * Returns: (transfer full): @self
 */
ImgprocRendition *
imgproc_rendition_ref (ImgprocRendition *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * imgproc_rendition_unref:
 * @self: (transfer full): a rendition
 *
 * Drops a reference to @self, and frees it with the last one.
 */
void
imgproc_rendition_unref (ImgprocRendition *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_bytes_unref (self->bytes);
      g_free (self);
    }
}

/**
 * imgproc_rendition_get_bytes:
 * @self: a rendition
 *
 * Gives the encoded file: what a caller writes to disk or uploads.
 *
 * Returns: (transfer none): the encoded bytes
 */
GBytes *
imgproc_rendition_get_bytes (const ImgprocRendition *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->bytes;
}

/**
 * imgproc_rendition_get_target_width:
 * @self: a rendition
 *
 * Gives the width that was asked for. It differs from the actual width when
 * the image was narrower (imgproc never upscales) or a maximum height applied.
 *
 * Returns: the requested width in pixels
 */
guint
imgproc_rendition_get_target_width (const ImgprocRendition *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->target_width;
}

/**
 * imgproc_rendition_get_width:
 * @self: a rendition
 *
 * Gives the width of the encoded image, after orientation.
 *
 * Returns: the width in pixels
 */
guint
imgproc_rendition_get_width (const ImgprocRendition *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->width;
}

/**
 * imgproc_rendition_get_height:
 * @self: a rendition
 *
 * Gives the height of the encoded image, after orientation.
 *
 * Returns: the height in pixels
 */
guint
imgproc_rendition_get_height (const ImgprocRendition *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->height;
}

/**
 * imgproc_rendition_get_format:
 * @self: a rendition
 *
 * Gives the format the rendition is encoded in.
 *
 * Returns: the format
 */
ImgprocImageFormat
imgproc_rendition_get_format (const ImgprocRendition *self)
{
  g_return_val_if_fail (self != NULL, IMGPROC_IMAGE_FORMAT_UNKNOWN);
  return self->format;
}

/**
 * imgproc_rendition_get_mime_type:
 * @self: a rendition
 *
 * Gives the MIME type to store as Content-Type, such as "image/jpeg".
 *
 * Returns: (transfer none): the MIME type
 */
const char *
imgproc_rendition_get_mime_type (const ImgprocRendition *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return imgproc_image_format_get_mime_type (self->format);
}

/**
 * imgproc_rendition_get_byte_size:
 * @self: a rendition
 *
 * Gives the size of the encoded file.
 *
 * Returns: the size in bytes
 */
gsize
imgproc_rendition_get_byte_size (const ImgprocRendition *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return g_bytes_get_size (self->bytes);
}
