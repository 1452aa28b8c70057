/* Header probing shared by the resizer. */
#pragma once

#include "imgproc-image-info.h"

G_BEGIN_DECLS

ImgprocImageFormat imgproc_image_format_sniff (const guint8 *data,
                                               gsize         len);

const char *imgproc_image_format_get_name (ImgprocImageFormat format);

ImgprocImageInfo *imgproc_image_info_parse (const guint8  *data,
                                            gsize          len,
                                            GError       **error);

gboolean imgproc_image_info_get_transposed (const ImgprocImageInfo *self);

G_END_DECLS
