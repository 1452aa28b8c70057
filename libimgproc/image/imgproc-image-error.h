/* The error domain of everything that reads, resizes or writes images. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib.h>
#include "imgproc-version.h"

G_BEGIN_DECLS

/**
 * IMGPROC_IMAGE_ERROR:
 *
 * The error domain of images: errors in this domain come from
 * [enum@Imgproc.ImageError].
 */
#define IMGPROC_IMAGE_ERROR (imgproc_image_error_quark ())

/**
 * ImgprocImageError:
 * @IMGPROC_IMAGE_ERROR_UNSUPPORTED: the content is not an image format that
 *   imgproc reads (detected from the bytes, never from a file name)
 * @IMGPROC_IMAGE_ERROR_CORRUPT: the image is damaged: its data cannot be decoded
 * @IMGPROC_IMAGE_ERROR_TRUNCATED: the image ends before its data does
 * @IMGPROC_IMAGE_ERROR_TOO_LARGE: the input exceeds the byte or pixel limit;
 *   the pixel limit is checked from the header, before decoding
 * @IMGPROC_IMAGE_ERROR_EMPTY: the input has no bytes at all
 * @IMGPROC_IMAGE_ERROR_FAILED: an output could not be encoded
 *
 * Why an image could not be turned into renditions. The codes are
 * append-only: a code keeps its number in every later release.
 */
typedef enum {
  IMGPROC_IMAGE_ERROR_UNSUPPORTED = 1,
  IMGPROC_IMAGE_ERROR_CORRUPT = 2,
  IMGPROC_IMAGE_ERROR_TRUNCATED = 3,
  IMGPROC_IMAGE_ERROR_TOO_LARGE = 4,
  IMGPROC_IMAGE_ERROR_EMPTY = 5,
  IMGPROC_IMAGE_ERROR_FAILED = 6,
} ImgprocImageError;

IMGPROC_AVAILABLE_IN_ALL
GQuark imgproc_image_error_quark (void);

G_END_DECLS
