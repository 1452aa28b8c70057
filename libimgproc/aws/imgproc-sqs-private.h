/* Internals of the SQS client shared between its files. */
#pragma once

#include <json-glib/json-glib.h>
#include "imgproc-sqs-message.h"
#include "imgproc-sqs-batch-result.h"

G_BEGIN_DECLS

ImgprocSqsMessage *imgproc_sqs_message_new_from_json (JsonObject  *object,
                                                      GError     **error);
ImgprocSqsBatchResult *imgproc_sqs_batch_result_new_from_json (JsonObject *object);

G_END_DECLS
