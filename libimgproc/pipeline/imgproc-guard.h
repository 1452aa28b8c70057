/* Decides which object events the pipeline acts on, and where renditions go. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib-object.h>
#include "imgproc-version.h"
#include "imgproc-image-info.h"
#include "imgproc-object-event.h"

G_BEGIN_DECLS

/**
 * ImgprocSkipReason:
 * @IMGPROC_SKIP_REASON_NONE: the event is to be processed
 * @IMGPROC_SKIP_REASON_TEST_EVENT: the `s3:TestEvent` of a new notification
 * @IMGPROC_SKIP_REASON_NOT_CREATED: a removal (while renditions of removed
 *   sources are kept) or another event imgproc does not act on
 * @IMGPROC_SKIP_REASON_BUCKET_NOT_ALLOWED: the bucket is not in the allow-list
 * @IMGPROC_SKIP_REASON_OUTSIDE_SOURCE_PREFIX: the key is not under the source
 *   prefix
 * @IMGPROC_SKIP_REASON_UNDER_DESTINATION_PREFIX: the key is under the
 *   destination prefix: a rendition's own event, the loop the guard prevents
 * @IMGPROC_SKIP_REASON_EMPTY_NAME: the key has no file name under the source
 *   prefix: the prefix itself, or a "folder" key ending in '/'
 * @IMGPROC_SKIP_REASON_KEY_TOO_LONG: the key is longer than S3's 1024 bytes
 * @IMGPROC_SKIP_REASON_CONTROL_CHARACTER: the key contains a control character
 * @IMGPROC_SKIP_REASON_DOT_SEGMENT: a segment of the key is "." or "..", which
 *   would make rendition keys that tools resolve elsewhere
 * @IMGPROC_SKIP_REASON_LEADING_SLASH: the key, or its part under the source
 *   prefix, starts with '/'
 * @IMGPROC_SKIP_REASON_RENDITION_KEY_TOO_LONG: a rendition key would be longer
 *   than 1024 bytes
 *
 * Why the guard skipped an event. Skipped events are logged and acknowledged.
 * The codes are append-only.
 */
typedef enum {
  IMGPROC_SKIP_REASON_NONE = 0,
  IMGPROC_SKIP_REASON_TEST_EVENT = 1,
  IMGPROC_SKIP_REASON_NOT_CREATED = 2,
  IMGPROC_SKIP_REASON_BUCKET_NOT_ALLOWED = 3,
  IMGPROC_SKIP_REASON_OUTSIDE_SOURCE_PREFIX = 4,
  IMGPROC_SKIP_REASON_UNDER_DESTINATION_PREFIX = 5,
  IMGPROC_SKIP_REASON_EMPTY_NAME = 6,
  IMGPROC_SKIP_REASON_KEY_TOO_LONG = 7,
  IMGPROC_SKIP_REASON_CONTROL_CHARACTER = 8,
  IMGPROC_SKIP_REASON_DOT_SEGMENT = 9,
  IMGPROC_SKIP_REASON_LEADING_SLASH = 10,
  IMGPROC_SKIP_REASON_RENDITION_KEY_TOO_LONG = 11,
} ImgprocSkipReason;

IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_skip_reason_to_string (ImgprocSkipReason reason);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_skip_reason_describe (ImgprocSkipReason reason);

/**
 * IMGPROC_GUARD_MAX_KEY_BYTES:
 *
 * The longest key S3 accepts, in bytes of UTF-8.
 */
#define IMGPROC_GUARD_MAX_KEY_BYTES 1024

#define IMGPROC_TYPE_GUARD (imgproc_guard_get_type ())

IMGPROC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (ImgprocGuard, imgproc_guard, IMGPROC, GUARD, GObject)

IMGPROC_AVAILABLE_IN_ALL
ImgprocGuard *imgproc_guard_new (const char         *source_prefix,
                                 const char         *destination_prefix,
                                 const char * const *allowed_buckets);

IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_guard_get_source_prefix (ImgprocGuard *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_guard_get_destination_prefix (ImgprocGuard *self);
IMGPROC_AVAILABLE_IN_ALL
const char * const *imgproc_guard_get_allowed_buckets (ImgprocGuard *self);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_guard_get_accept_removals (ImgprocGuard *self);

IMGPROC_AVAILABLE_IN_ALL
ImgprocSkipReason imgproc_guard_check (ImgprocGuard             *self,
                                       const ImgprocObjectEvent *event,
                                       char                    **relative_key);
IMGPROC_AVAILABLE_IN_ALL
ImgprocSkipReason imgproc_guard_check_key (ImgprocGuard  *self,
                                           const char    *bucket,
                                           const char    *key,
                                           char         **relative_key);
IMGPROC_AVAILABLE_IN_ALL
char *imgproc_guard_rendition_key (ImgprocGuard       *self,
                                   const char         *relative_key,
                                   guint               width,
                                   ImgprocImageFormat  format);

G_END_DECLS
