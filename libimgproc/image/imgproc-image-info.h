/* What an image's header says, read without decoding its pixels. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib-object.h>
#include "imgproc-version.h"

G_BEGIN_DECLS

/**
 * ImgprocImageFormat:
 * @IMGPROC_IMAGE_FORMAT_UNKNOWN: not an image format imgproc knows
 * @IMGPROC_IMAGE_FORMAT_JPEG: JPEG (baseline or progressive; YCbCr, grayscale or CMYK)
 * @IMGPROC_IMAGE_FORMAT_PNG: PNG, 8 or 16 bits per channel
 * @IMGPROC_IMAGE_FORMAT_WEBP: WebP, lossy or lossless
 * @IMGPROC_IMAGE_FORMAT_GIF: GIF (the first frame is used)
 * @IMGPROC_IMAGE_FORMAT_TIFF: TIFF
 * @IMGPROC_IMAGE_FORMAT_BMP: Windows bitmap
 *
 * An image file format, as detected from the content.
 */
typedef enum {
  IMGPROC_IMAGE_FORMAT_UNKNOWN = 0,
  IMGPROC_IMAGE_FORMAT_JPEG = 1,
  IMGPROC_IMAGE_FORMAT_PNG = 2,
  IMGPROC_IMAGE_FORMAT_WEBP = 3,
  IMGPROC_IMAGE_FORMAT_GIF = 4,
  IMGPROC_IMAGE_FORMAT_TIFF = 5,
  IMGPROC_IMAGE_FORMAT_BMP = 6,
} ImgprocImageFormat;

IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_image_format_get_mime_type (ImgprocImageFormat format);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_image_format_get_extension (ImgprocImageFormat format);

#define IMGPROC_TYPE_IMAGE_INFO (imgproc_image_info_get_type ())

/**
 * ImgprocImageInfo:
 *
 * The facts an image's header gives: format, stored dimensions, EXIF
 * orientation and byte size. It is immutable.
 */
typedef struct _ImgprocImageInfo ImgprocImageInfo;

IMGPROC_AVAILABLE_IN_ALL
GType imgproc_image_info_get_type (void) G_GNUC_CONST;

IMGPROC_AVAILABLE_IN_ALL
ImgprocImageInfo *imgproc_image_info_new_from_bytes (GBytes  *data,
                                                     GError **error);
IMGPROC_AVAILABLE_IN_ALL
ImgprocImageInfo *imgproc_image_info_new_from_file (const char  *path,
                                                    GError     **error);
IMGPROC_AVAILABLE_IN_ALL
ImgprocImageInfo *imgproc_image_info_ref (ImgprocImageInfo *self);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_image_info_unref (ImgprocImageInfo *self);

IMGPROC_AVAILABLE_IN_ALL
ImgprocImageFormat imgproc_image_info_get_format (const ImgprocImageInfo *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_image_info_get_mime_type (const ImgprocImageInfo *self);
IMGPROC_AVAILABLE_IN_ALL
guint imgproc_image_info_get_width (const ImgprocImageInfo *self);
IMGPROC_AVAILABLE_IN_ALL
guint imgproc_image_info_get_height (const ImgprocImageInfo *self);
IMGPROC_AVAILABLE_IN_ALL
guint imgproc_image_info_get_orientation (const ImgprocImageInfo *self);
IMGPROC_AVAILABLE_IN_ALL
guint imgproc_image_info_get_display_width (const ImgprocImageInfo *self);
IMGPROC_AVAILABLE_IN_ALL
guint imgproc_image_info_get_display_height (const ImgprocImageInfo *self);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_image_info_get_has_alpha (const ImgprocImageInfo *self);
IMGPROC_AVAILABLE_IN_ALL
gsize imgproc_image_info_get_byte_size (const ImgprocImageInfo *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImgprocImageInfo, imgproc_image_info_unref)

G_END_DECLS
