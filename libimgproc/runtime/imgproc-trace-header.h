/* The X-Ray trace header: Root, Parent and Sampled. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib-object.h>
#include "imgproc-version.h"

G_BEGIN_DECLS

/**
 * ImgprocTraceSampling:
 * @IMGPROC_TRACE_SAMPLING_UNKNOWN: the header has no `Sampled` field
 * @IMGPROC_TRACE_SAMPLING_NOT_SAMPLED: `Sampled=0`
 * @IMGPROC_TRACE_SAMPLING_SAMPLED: `Sampled=1`: segments are to be sent
 * @IMGPROC_TRACE_SAMPLING_REQUESTED: `Sampled=?`: the decision is left to
 *   the receiver
 *
 * The sampling decision a trace header carries.
 */
typedef enum {
  IMGPROC_TRACE_SAMPLING_UNKNOWN = 0,
  IMGPROC_TRACE_SAMPLING_NOT_SAMPLED = 1,
  IMGPROC_TRACE_SAMPLING_SAMPLED = 2,
  IMGPROC_TRACE_SAMPLING_REQUESTED = 3,
} ImgprocTraceSampling;

#define IMGPROC_TYPE_TRACE_HEADER (imgproc_trace_header_get_type ())

/**
 * ImgprocTraceHeader:
 *
 * A parsed X-Ray trace header, such as
 * `Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1`.
 * It is immutable.
 */
typedef struct _ImgprocTraceHeader ImgprocTraceHeader;

IMGPROC_AVAILABLE_IN_ALL
GType imgproc_trace_header_get_type (void) G_GNUC_CONST;

IMGPROC_AVAILABLE_IN_ALL
ImgprocTraceHeader *imgproc_trace_header_parse (const char  *header,
                                                GError     **error);
IMGPROC_AVAILABLE_IN_ALL
ImgprocTraceHeader *imgproc_trace_header_ref (ImgprocTraceHeader *self);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_trace_header_unref (ImgprocTraceHeader *self);

IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_trace_header_get_root (const ImgprocTraceHeader *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_trace_header_get_parent (const ImgprocTraceHeader *self);
IMGPROC_AVAILABLE_IN_ALL
ImgprocTraceSampling imgproc_trace_header_get_sampling (const ImgprocTraceHeader *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_trace_header_to_string (const ImgprocTraceHeader *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImgprocTraceHeader, imgproc_trace_header_unref)

G_END_DECLS
