/* One message as SQS ReceiveMessage returns it. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib-object.h>
#include "imgproc-version.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_SQS_MESSAGE (imgproc_sqs_message_get_type ())

/**
 * ImgprocSqsMessage:
 *
 * A received SQS message: its id, the receipt handle that deletes it or
 * changes its visibility, its body, its system attributes (such as
 * `ApproximateReceiveCount` and `SentTimestamp`, as strings) and its message
 * attributes. It is immutable.
 */
typedef struct _ImgprocSqsMessage ImgprocSqsMessage;

IMGPROC_AVAILABLE_IN_ALL
GType imgproc_sqs_message_get_type (void) G_GNUC_CONST;

IMGPROC_AVAILABLE_IN_ALL
ImgprocSqsMessage *imgproc_sqs_message_ref (ImgprocSqsMessage *self);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_sqs_message_unref (ImgprocSqsMessage *self);

IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_sqs_message_get_message_id (const ImgprocSqsMessage *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_sqs_message_get_receipt_handle (const ImgprocSqsMessage *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_sqs_message_get_body (const ImgprocSqsMessage *self);
IMGPROC_AVAILABLE_IN_ALL
guint imgproc_sqs_message_get_receive_count (const ImgprocSqsMessage *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_sqs_message_get_attribute (const ImgprocSqsMessage *self,
                                               const char              *name);
IMGPROC_AVAILABLE_IN_ALL
GHashTable *imgproc_sqs_message_get_attributes (const ImgprocSqsMessage *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_sqs_message_get_message_attribute (const ImgprocSqsMessage *self,
                                                       const char              *name);
IMGPROC_AVAILABLE_IN_ALL
GHashTable *imgproc_sqs_message_get_message_attributes (const ImgprocSqsMessage *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImgprocSqsMessage, imgproc_sqs_message_unref)

G_END_DECLS
