/* One encoded output of the resizer: its bytes and its facts. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib-object.h>
#include "imgproc-version.h"
#include "imgproc-image-info.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_RENDITION (imgproc_rendition_get_type ())

/**
 * ImgprocRendition:
 *
 * An encoded rendition: the bytes of the file, and the facts a caller stores
 * beside it. It is immutable, and safe to share between threads.
 */
typedef struct _ImgprocRendition ImgprocRendition;

IMGPROC_AVAILABLE_IN_ALL
GType imgproc_rendition_get_type (void) G_GNUC_CONST;

IMGPROC_AVAILABLE_IN_ALL
ImgprocRendition *imgproc_rendition_ref (ImgprocRendition *self);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_rendition_unref (ImgprocRendition *self);

IMGPROC_AVAILABLE_IN_ALL
GBytes *imgproc_rendition_get_bytes (const ImgprocRendition *self);
IMGPROC_AVAILABLE_IN_ALL
guint imgproc_rendition_get_target_width (const ImgprocRendition *self);
IMGPROC_AVAILABLE_IN_ALL
guint imgproc_rendition_get_width (const ImgprocRendition *self);
IMGPROC_AVAILABLE_IN_ALL
guint imgproc_rendition_get_height (const ImgprocRendition *self);
IMGPROC_AVAILABLE_IN_ALL
ImgprocImageFormat imgproc_rendition_get_format (const ImgprocRendition *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_rendition_get_mime_type (const ImgprocRendition *self);
IMGPROC_AVAILABLE_IN_ALL
gsize imgproc_rendition_get_byte_size (const ImgprocRendition *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImgprocRendition, imgproc_rendition_unref)

G_END_DECLS
