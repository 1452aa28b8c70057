/* What the processor did with one object event. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib-object.h>
#include "imgproc-version.h"
#include "imgproc-guard.h"

G_BEGIN_DECLS

/**
 * ImgprocOutcome:
 * @IMGPROC_OUTCOME_SUCCESS: the renditions are stored and the outcome
 *   recorded (or a newer record already exists): acknowledge the message
 * @IMGPROC_OUTCOME_SKIPPED: the guard skipped the event: acknowledge it
 * @IMGPROC_OUTCOME_TRANSIENT_FAILURE: a failure that may pass (network,
 *   throttling, a service error): do not acknowledge, so that SQS delivers
 *   the message again and, after maxReceiveCount, moves it to the DLQ
 * @IMGPROC_OUTCOME_PERMANENT_FAILURE: the object can never be processed
 *   (corrupt, unsupported, too large, gone): recorded as failed, and not
 *   acknowledged either, so that it reaches the DLQ for inspection
 *
 * The outcome of one record.
 */
typedef enum {
  IMGPROC_OUTCOME_SUCCESS = 1,
  IMGPROC_OUTCOME_SKIPPED = 2,
  IMGPROC_OUTCOME_TRANSIENT_FAILURE = 3,
  IMGPROC_OUTCOME_PERMANENT_FAILURE = 4,
} ImgprocOutcome;

#define IMGPROC_TYPE_RECORD_RESULT (imgproc_record_result_get_type ())

/**
 * ImgprocRecordResult:
 *
 * The result of processing one object event: the outcome, why it was
 * skipped or failed, the rendition keys written, and the figures the metrics
 * need. It is immutable.
 */
typedef struct _ImgprocRecordResult ImgprocRecordResult;

IMGPROC_AVAILABLE_IN_ALL
GType imgproc_record_result_get_type (void) G_GNUC_CONST;

IMGPROC_AVAILABLE_IN_ALL
ImgprocRecordResult *imgproc_record_result_ref (ImgprocRecordResult *self);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_record_result_unref (ImgprocRecordResult *self);

IMGPROC_AVAILABLE_IN_ALL
ImgprocOutcome imgproc_record_result_get_outcome (const ImgprocRecordResult *self);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_record_result_is_acknowledged (const ImgprocRecordResult *self);
IMGPROC_AVAILABLE_IN_ALL
ImgprocSkipReason imgproc_record_result_get_skip_reason (const ImgprocRecordResult *self);
IMGPROC_AVAILABLE_IN_ALL
const GError *imgproc_record_result_get_error (const ImgprocRecordResult *self);
IMGPROC_AVAILABLE_IN_ALL
const char * const *imgproc_record_result_get_rendition_keys (const ImgprocRecordResult *self);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_record_result_get_stale (const ImgprocRecordResult *self);
IMGPROC_AVAILABLE_IN_ALL
guint64 imgproc_record_result_get_bytes_in (const ImgprocRecordResult *self);
IMGPROC_AVAILABLE_IN_ALL
guint64 imgproc_record_result_get_bytes_out (const ImgprocRecordResult *self);
IMGPROC_AVAILABLE_IN_ALL
double imgproc_record_result_get_duration_ms (const ImgprocRecordResult *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImgprocRecordResult, imgproc_record_result_unref)

G_END_DECLS
