/* One SQS message handed to the pipeline, as a Lambda SQS event carries it. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib-object.h>
#include "imgproc-version.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_QUEUE_MESSAGE (imgproc_queue_message_get_type ())

/**
 * ImgprocQueueMessage:
 *
 * One message of a batch: its id (what `batchItemFailures` names), its
 * receipt handle, its body and the SQS attributes the pipeline uses. A direct
 * S3-event invocation of Lambda becomes one message without an id. It is
 * immutable, and safe to share between threads.
 */
typedef struct _ImgprocQueueMessage ImgprocQueueMessage;

IMGPROC_AVAILABLE_IN_ALL
GType imgproc_queue_message_get_type (void) G_GNUC_CONST;

IMGPROC_AVAILABLE_IN_ALL
ImgprocQueueMessage *imgproc_queue_message_new (const char *message_id,
                                                const char *receipt_handle,
                                                const char *body,
                                                guint       receive_count);
IMGPROC_AVAILABLE_IN_ALL
ImgprocQueueMessage *imgproc_queue_message_ref (ImgprocQueueMessage *self);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_queue_message_unref (ImgprocQueueMessage *self);

IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_queue_message_get_message_id (const ImgprocQueueMessage *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_queue_message_get_receipt_handle (const ImgprocQueueMessage *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_queue_message_get_body (const ImgprocQueueMessage *self);
IMGPROC_AVAILABLE_IN_ALL
guint imgproc_queue_message_get_receive_count (const ImgprocQueueMessage *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_queue_message_get_event_source_arn (const ImgprocQueueMessage *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_queue_message_get_trace_header (const ImgprocQueueMessage *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_queue_message_get_attribute (const ImgprocQueueMessage *self,
                                                 const char                *name);
IMGPROC_AVAILABLE_IN_ALL
char **imgproc_queue_message_list_attributes (const ImgprocQueueMessage *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImgprocQueueMessage, imgproc_queue_message_unref)

G_END_DECLS
