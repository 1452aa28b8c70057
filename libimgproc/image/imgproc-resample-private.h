/* A streaming Lanczos3 scaler: rows go in one by one as they are decoded. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _ImgprocScaler ImgprocScaler;

ImgprocScaler *imgproc_scaler_new (guint src_width,
                                   guint src_height,
                                   guint dst_width,
                                   guint dst_height,
                                   guint channels);
void imgproc_scaler_push_row (ImgprocScaler *self,
                              const guint8  *row);
guint8 *imgproc_scaler_finish (ImgprocScaler *self);
void imgproc_scaler_free (ImgprocScaler *self);

guint8 *imgproc_orient (const guint8 *pixels,
                        guint         width,
                        guint         height,
                        guint         channels,
                        guint         orientation,
                        guint        *out_width,
                        guint        *out_height);


G_END_DECLS
