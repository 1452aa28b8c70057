/* Turns SQS message bodies and Lambda events into object events. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib-object.h>
#include "imgproc-version.h"

G_BEGIN_DECLS

/**
 * ImgprocLambdaEventKind:
 * @IMGPROC_LAMBDA_EVENT_KIND_SQS_BATCH: an SQS event source mapping's batch:
 *   each record is a message, and failures are reported per message id
 * @IMGPROC_LAMBDA_EVENT_KIND_DIRECT: the function was invoked with an event
 *   notification itself (S3, SNS or EventBridge): one message without an id
 *
 * The shape of a Lambda invocation's event.
 */
typedef enum {
  IMGPROC_LAMBDA_EVENT_KIND_SQS_BATCH = 1,
  IMGPROC_LAMBDA_EVENT_KIND_DIRECT = 2,
} ImgprocLambdaEventKind;

#define IMGPROC_EVENT_PARSER_DEFAULT_MAX_BYTES (G_GUINT64_CONSTANT (6) * 1024 * 1024)

#define IMGPROC_TYPE_EVENT_PARSER (imgproc_event_parser_get_type ())

IMGPROC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (ImgprocEventParser, imgproc_event_parser, IMGPROC, EVENT_PARSER, GObject)

IMGPROC_AVAILABLE_IN_ALL
ImgprocEventParser *imgproc_event_parser_new (void);

IMGPROC_AVAILABLE_IN_ALL
guint64 imgproc_event_parser_get_max_bytes (ImgprocEventParser *self);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_event_parser_get_decode_eventbridge_keys (ImgprocEventParser *self);

IMGPROC_AVAILABLE_IN_ALL
GPtrArray *imgproc_event_parser_parse_message (ImgprocEventParser  *self,
                                               const char          *body,
                                               gssize               length,
                                               GError             **error);
IMGPROC_AVAILABLE_IN_ALL
GPtrArray *imgproc_event_parser_parse_lambda_event (ImgprocEventParser      *self,
                                                    const char              *event,
                                                    gssize                   length,
                                                    ImgprocLambdaEventKind  *kind,
                                                    GError                 **error);

G_END_DECLS
