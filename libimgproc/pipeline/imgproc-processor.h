/* Runs the steps of DESIGN.md for one object event: guard, fetch, resize,
 * store, record. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <gio/gio.h>
#include "imgproc-version.h"
#include "imgproc-object-event.h"
#include "imgproc-record-result.h"
#include "imgproc-service-config.h"
#include "imgproc-s3-client.h"
#include "imgproc-dynamodb-client.h"
#include "imgproc-trace-header.h"
#include "imgproc-xray-emitter.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_PROCESSOR (imgproc_processor_get_type ())

IMGPROC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (ImgprocProcessor, imgproc_processor, IMGPROC, PROCESSOR, GObject)

IMGPROC_AVAILABLE_IN_ALL
ImgprocProcessor *imgproc_processor_new (ImgprocServiceConfig  *config,
                                         ImgprocS3Client       *s3,
                                         ImgprocDynamodbClient *dynamodb);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_processor_set_xray_emitter (ImgprocProcessor   *self,
                                         ImgprocXrayEmitter *emitter);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_processor_begin_batch (ImgprocProcessor *self);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_processor_end_batch (ImgprocProcessor *self);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_processor_process_async (ImgprocProcessor         *self,
                                      ImgprocObjectEvent       *event,
                                      guint                     attempts,
                                      ImgprocTraceHeader       *trace,
                                      GCancellable             *cancellable,
                                      GAsyncReadyCallback       callback,
                                      gpointer                  user_data);
IMGPROC_AVAILABLE_IN_ALL
ImgprocRecordResult *imgproc_processor_process_finish (ImgprocProcessor  *self,
                                                       GAsyncResult      *result);

G_END_DECLS
