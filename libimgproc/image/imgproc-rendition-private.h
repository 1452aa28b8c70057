/* Construction of renditions, for the resizer only. */
#pragma once

#include "imgproc-rendition.h"

G_BEGIN_DECLS

ImgprocRendition *imgproc_rendition_new (GBytes             *bytes,
                                         guint               target_width,
                                         guint               width,
                                         guint               height,
                                         ImgprocImageFormat  format);

G_END_DECLS
