/* The partial batch response of a Lambda SQS invocation. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib-object.h>
#include "imgproc-version.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_BATCH_RESPONSE (imgproc_batch_response_get_type ())

IMGPROC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (ImgprocBatchResponse, imgproc_batch_response, IMGPROC, BATCH_RESPONSE, GObject)

IMGPROC_AVAILABLE_IN_ALL
ImgprocBatchResponse *imgproc_batch_response_new (void);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_batch_response_add_failure (ImgprocBatchResponse *self,
                                         const char           *message_id);
IMGPROC_AVAILABLE_IN_ALL
guint imgproc_batch_response_get_n_failures (ImgprocBatchResponse *self);
IMGPROC_AVAILABLE_IN_ALL
char **imgproc_batch_response_list_failures (ImgprocBatchResponse *self);
IMGPROC_AVAILABLE_IN_ALL
char *imgproc_batch_response_to_json (ImgprocBatchResponse *self);
IMGPROC_AVAILABLE_IN_ALL
GBytes *imgproc_batch_response_to_bytes (ImgprocBatchResponse *self);

G_END_DECLS
