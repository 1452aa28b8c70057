/* One S3 object event, whatever envelope it arrived in. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib-object.h>
#include "imgproc-version.h"

G_BEGIN_DECLS

/**
 * ImgprocObjectEventKind:
 * @IMGPROC_OBJECT_EVENT_KIND_CREATED: an object was created or overwritten
 *   (`ObjectCreated:*`, EventBridge "Object Created")
 * @IMGPROC_OBJECT_EVENT_KIND_REMOVED: an object was deleted or got a delete
 *   marker (`ObjectRemoved:*`, EventBridge "Object Deleted")
 * @IMGPROC_OBJECT_EVENT_KIND_TEST: the `s3:TestEvent` S3 sends when a
 *   notification is configured; it names a bucket but no object
 * @IMGPROC_OBJECT_EVENT_KIND_OTHER: any other S3 event (restore, tagging,
 *   lifecycle, replication...), which imgproc does not act on
 *
 * What happened to the object.
 */
typedef enum {
  IMGPROC_OBJECT_EVENT_KIND_CREATED = 1,
  IMGPROC_OBJECT_EVENT_KIND_REMOVED = 2,
  IMGPROC_OBJECT_EVENT_KIND_TEST = 3,
  IMGPROC_OBJECT_EVENT_KIND_OTHER = 4,
} ImgprocObjectEventKind;

/**
 * ImgprocEventOrigin:
 * @IMGPROC_EVENT_ORIGIN_S3: an S3 event notification (`Records[].s3`),
 *   delivered to SQS directly, through SNS with raw delivery, or to Lambda
 * @IMGPROC_EVENT_ORIGIN_SNS: an S3 event notification inside an SNS envelope
 * @IMGPROC_EVENT_ORIGIN_EVENTBRIDGE: an EventBridge event from `aws.s3`
 *
 * The envelope an event arrived in.
 */
typedef enum {
  IMGPROC_EVENT_ORIGIN_S3 = 1,
  IMGPROC_EVENT_ORIGIN_SNS = 2,
  IMGPROC_EVENT_ORIGIN_EVENTBRIDGE = 3,
} ImgprocEventOrigin;

#define IMGPROC_TYPE_OBJECT_EVENT (imgproc_object_event_get_type ())

/**
 * ImgprocObjectEvent:
 *
 * One object record of an event notification: the event name, the bucket,
 * the decoded key and the object's facts. It is immutable, and safe to share
 * between threads.
 */
typedef struct _ImgprocObjectEvent ImgprocObjectEvent;

IMGPROC_AVAILABLE_IN_ALL
GType imgproc_object_event_get_type (void) G_GNUC_CONST;

IMGPROC_AVAILABLE_IN_ALL
ImgprocObjectEvent *imgproc_object_event_new (ImgprocObjectEventKind  kind,
                                              ImgprocEventOrigin      origin,
                                              const char             *event_name,
                                              const char             *bucket,
                                              const char             *key,
                                              gint64                  size,
                                              const char             *etag,
                                              const char             *sequencer,
                                              const char             *version_id,
                                              const char             *event_time);
IMGPROC_AVAILABLE_IN_ALL
ImgprocObjectEvent *imgproc_object_event_ref (ImgprocObjectEvent *self);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_object_event_unref (ImgprocObjectEvent *self);

IMGPROC_AVAILABLE_IN_ALL
ImgprocObjectEventKind imgproc_object_event_get_kind (const ImgprocObjectEvent *self);
IMGPROC_AVAILABLE_IN_ALL
ImgprocEventOrigin imgproc_object_event_get_origin (const ImgprocObjectEvent *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_object_event_get_event_name (const ImgprocObjectEvent *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_object_event_get_bucket (const ImgprocObjectEvent *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_object_event_get_key (const ImgprocObjectEvent *self);
IMGPROC_AVAILABLE_IN_ALL
gint64 imgproc_object_event_get_size (const ImgprocObjectEvent *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_object_event_get_etag (const ImgprocObjectEvent *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_object_event_get_sequencer (const ImgprocObjectEvent *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_object_event_get_version_id (const ImgprocObjectEvent *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_object_event_get_event_time (const ImgprocObjectEvent *self);

IMGPROC_AVAILABLE_IN_ALL
int imgproc_object_event_compare_sequencers (const char *a,
                                             const char *b);

IMGPROC_AVAILABLE_IN_ALL
char *imgproc_object_event_to_s3_notification (const ImgprocObjectEvent *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImgprocObjectEvent, imgproc_object_event_unref)

G_END_DECLS
