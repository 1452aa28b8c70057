/* Makes resized renditions of an image from one decode. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <gio/gio.h>
#include "imgproc-version.h"
#include "imgproc-image-info.h"
#include "imgproc-rendition.h"

G_BEGIN_DECLS

/**
 * ImgprocOutputFormat:
 * @IMGPROC_OUTPUT_FORMAT_SAME: the input's format: JPEG, PNG and WebP stay
 *   as they are; GIF, TIFF and BMP become PNG when they have alpha and JPEG
 *   otherwise
 * @IMGPROC_OUTPUT_FORMAT_JPEG: JPEG; alpha is flattened onto the background
 * @IMGPROC_OUTPUT_FORMAT_PNG: PNG
 * @IMGPROC_OUTPUT_FORMAT_WEBP: lossy WebP, with alpha when the input has it
 *
 * The format of the renditions.
 */
typedef enum {
  IMGPROC_OUTPUT_FORMAT_SAME = 0,
  IMGPROC_OUTPUT_FORMAT_JPEG = 1,
  IMGPROC_OUTPUT_FORMAT_PNG = 2,
  IMGPROC_OUTPUT_FORMAT_WEBP = 3,
} ImgprocOutputFormat;

#define IMGPROC_RESIZER_DEFAULT_WIDTH 800
#define IMGPROC_RESIZER_DEFAULT_QUALITY 85
#define IMGPROC_RESIZER_DEFAULT_MAX_PIXELS G_GUINT64_CONSTANT (100000000)

#define IMGPROC_TYPE_RESIZER (imgproc_resizer_get_type ())

IMGPROC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (ImgprocResizer, imgproc_resizer, IMGPROC, RESIZER, GObject)

IMGPROC_AVAILABLE_IN_ALL
ImgprocResizer *imgproc_resizer_new (const guint *widths,
                                     gsize        n_widths);

IMGPROC_AVAILABLE_IN_ALL
const guint *imgproc_resizer_get_widths (ImgprocResizer *self,
                                         gsize          *n_widths);
IMGPROC_AVAILABLE_IN_ALL
guint imgproc_resizer_get_max_height (ImgprocResizer *self);
IMGPROC_AVAILABLE_IN_ALL
ImgprocOutputFormat imgproc_resizer_get_output_format (ImgprocResizer *self);
IMGPROC_AVAILABLE_IN_ALL
guint imgproc_resizer_get_quality (ImgprocResizer *self);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_resizer_get_strip_metadata (ImgprocResizer *self);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_resizer_get_auto_orient (ImgprocResizer *self);
IMGPROC_AVAILABLE_IN_ALL
guint32 imgproc_resizer_get_background (ImgprocResizer *self);
IMGPROC_AVAILABLE_IN_ALL
guint64 imgproc_resizer_get_max_bytes (ImgprocResizer *self);
IMGPROC_AVAILABLE_IN_ALL
guint64 imgproc_resizer_get_max_pixels (ImgprocResizer *self);
IMGPROC_AVAILABLE_IN_ALL
guint64 imgproc_resizer_get_decode_memory_budget (ImgprocResizer *self);

IMGPROC_AVAILABLE_IN_ALL
GPtrArray *imgproc_resizer_process (ImgprocResizer  *self,
                                    GBytes          *input,
                                    GCancellable    *cancellable,
                                    GError         **error);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_resizer_process_async (ImgprocResizer      *self,
                                    GBytes              *input,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
IMGPROC_AVAILABLE_IN_ALL
GPtrArray *imgproc_resizer_process_finish (ImgprocResizer  *self,
                                           GAsyncResult    *result,
                                           GError         **error);

G_END_DECLS
