/* The outcome of an SQS batch call, entry by entry. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib-object.h>
#include "imgproc-version.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_SQS_BATCH_RESULT (imgproc_sqs_batch_result_get_type ())

/**
 * ImgprocSqsBatchResult:
 *
 * Which entries of a DeleteMessageBatch, ChangeMessageVisibilityBatch or
 * SendMessageBatch succeeded and which failed. SQS answers HTTP 200 even when
 * some entries fail, so every caller must look at the failures. Entries are
 * numbered by their position in the request, from 0. It is immutable.
 */
typedef struct _ImgprocSqsBatchResult ImgprocSqsBatchResult;

IMGPROC_AVAILABLE_IN_ALL
GType imgproc_sqs_batch_result_get_type (void) G_GNUC_CONST;

IMGPROC_AVAILABLE_IN_ALL
ImgprocSqsBatchResult *imgproc_sqs_batch_result_ref (ImgprocSqsBatchResult *self);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_sqs_batch_result_unref (ImgprocSqsBatchResult *self);

IMGPROC_AVAILABLE_IN_ALL
guint imgproc_sqs_batch_result_get_n_successful (const ImgprocSqsBatchResult *self);
IMGPROC_AVAILABLE_IN_ALL
guint imgproc_sqs_batch_result_get_successful_index (const ImgprocSqsBatchResult *self,
                                                     guint                        i);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_sqs_batch_result_get_message_id (const ImgprocSqsBatchResult *self,
                                                     guint                        i);
IMGPROC_AVAILABLE_IN_ALL
guint imgproc_sqs_batch_result_get_n_failed (const ImgprocSqsBatchResult *self);
IMGPROC_AVAILABLE_IN_ALL
guint imgproc_sqs_batch_result_get_failed_index (const ImgprocSqsBatchResult *self,
                                                 guint                        i);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_sqs_batch_result_get_failed_code (const ImgprocSqsBatchResult *self,
                                                      guint                        i);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_sqs_batch_result_get_failed_message (const ImgprocSqsBatchResult *self,
                                                         guint                        i);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_sqs_batch_result_get_failed_sender_fault (const ImgprocSqsBatchResult *self,
                                                           guint                        i);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImgprocSqsBatchResult, imgproc_sqs_batch_result_unref)

G_END_DECLS
