/* The little of EXIF that imgproc needs: the orientation tag of a TIFF-structured block. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define IMGPROC_EXIF_ORIENTATION_NORMAL 1

const guint8 *imgproc_exif_skip_prefix (const guint8 *data,
                                        gsize        *len);
guint imgproc_exif_get_orientation (const guint8 *tiff,
                                    gsize         len);
gboolean imgproc_exif_set_orientation (guint8 *tiff,
                                       gsize   len,
                                       guint   orientation);

G_END_DECLS
