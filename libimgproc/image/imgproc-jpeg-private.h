/* JPEG through libjpeg-turbo directly: DCT-scaled streaming decode and encode. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Receives the decoded rows in order: begin once with the output geometry
 * (1 channel for grayscale, 3 for everything else), then one call per row. */
typedef struct
{
  gboolean (*begin) (gpointer   user_data,
                     guint      width,
                     guint      height,
                     guint      channels,
                     GError   **error);
  void (*row) (gpointer      user_data,
               const guint8 *row);
} ImgprocRowSink;

/* How a multi-scan JPEG keeps its coefficients: packed when they are
 * large, within a reservation that fails the decode with
 * IMGPROC_IMAGE_ERROR_TOO_LARGE when passed; or in libjpeg's own arrays,
 * whose size the header fixes. */
typedef enum
{
  IMGPROC_JPEG_ARRAYS_PACKED,
  IMGPROC_JPEG_ARRAYS_PLAIN,
} ImgprocJpegArrays;

gboolean imgproc_jpeg_decode (const guint8         *data,
                              gsize                 len,
                              guint                 min_width,
                              guint                 min_height,
                              ImgprocJpegArrays     arrays,
                              const ImgprocRowSink *sink,
                              gpointer              user_data,
                              gsize                *coefficient_peak,
                              GCancellable         *cancellable,
                              GError              **error);

GBytes *imgproc_jpeg_encode (const guint8  *pixels,
                             guint          width,
                             guint          height,
                             guint          channels,
                             guint          quality,
                             const guint8  *exif,
                             gsize          exif_len,
                             GError       **error);

const guint8 *imgproc_jpeg_find_exif (const guint8 *data,
                                      gsize         len,
                                      gsize        *exif_len);

guint64 imgproc_jpeg_coefficient_bytes (const guint8 *data,
                                        gsize         len);

guint64 imgproc_jpeg_decode_memory (const guint8      *data,
                                    gsize              len,
                                    ImgprocJpegArrays  arrays);

G_END_DECLS
