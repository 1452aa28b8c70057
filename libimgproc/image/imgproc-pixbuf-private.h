/* gdk-pixbuf as the general image layer: every format but JPEG in, PNG and WebP out. */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include "imgproc-image-info.h"

G_BEGIN_DECLS

GdkPixbuf *imgproc_pixbuf_decode (const guint8        *data,
                                  gsize                len,
                                  ImgprocImageFormat   format,
                                  GError             **error);

GBytes *imgproc_pixbuf_encode (const guint8        *pixels,
                               guint                width,
                               guint                height,
                               guint                channels,
                               ImgprocImageFormat   format,
                               guint                quality,
                               GError             **error);

G_END_DECLS
