/* One Lambda invocation as the Runtime API's next call hands it out. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib-object.h>
#include "imgproc-version.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_INVOCATION (imgproc_invocation_get_type ())

/**
 * ImgprocInvocation:
 *
 * The context and event of one Lambda invocation: request id, deadline,
 * function ARN, X-Ray trace id and the event bytes. It is immutable, and safe
 * to share between threads.
 */
typedef struct _ImgprocInvocation ImgprocInvocation;

IMGPROC_AVAILABLE_IN_ALL
GType imgproc_invocation_get_type (void) G_GNUC_CONST;

IMGPROC_AVAILABLE_IN_ALL
ImgprocInvocation *imgproc_invocation_new (const char *request_id,
                                           gint64      deadline_ms,
                                           const char *function_arn,
                                           const char *trace_id,
                                           GBytes     *event);
IMGPROC_AVAILABLE_IN_ALL
ImgprocInvocation *imgproc_invocation_ref (ImgprocInvocation *self);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_invocation_unref (ImgprocInvocation *self);

IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_invocation_get_request_id (const ImgprocInvocation *self);
IMGPROC_AVAILABLE_IN_ALL
gint64 imgproc_invocation_get_deadline_ms (const ImgprocInvocation *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_invocation_get_function_arn (const ImgprocInvocation *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_invocation_get_trace_id (const ImgprocInvocation *self);
IMGPROC_AVAILABLE_IN_ALL
GBytes *imgproc_invocation_get_event (const ImgprocInvocation *self);
IMGPROC_AVAILABLE_IN_ALL
gint64 imgproc_invocation_get_remaining_ms (const ImgprocInvocation *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImgprocInvocation, imgproc_invocation_unref)

G_END_DECLS
