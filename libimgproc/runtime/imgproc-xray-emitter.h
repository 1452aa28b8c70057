/* Sends X-Ray subsegments to the X-Ray daemon over UDP. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <gio/gio.h>
#include "imgproc-version.h"
#include "imgproc-trace-header.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_XRAY_EMITTER (imgproc_xray_emitter_get_type ())

IMGPROC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (ImgprocXrayEmitter, imgproc_xray_emitter, IMGPROC, XRAY_EMITTER, GObject)

IMGPROC_AVAILABLE_IN_ALL
ImgprocXrayEmitter *imgproc_xray_emitter_new (const char  *daemon_address,
                                              GError     **error);
IMGPROC_AVAILABLE_IN_ALL
ImgprocXrayEmitter *imgproc_xray_emitter_new_from_environment (GError **error);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_xray_emitter_get_daemon_address (ImgprocXrayEmitter *self);

IMGPROC_AVAILABLE_IN_ALL
char *imgproc_xray_emitter_build_subsegment (ImgprocXrayEmitter       *self,
                                             const ImgprocTraceHeader *trace,
                                             const char               *name,
                                             const char               *operation,
                                             double                    start_time,
                                             double                    end_time,
                                             guint                     http_status,
                                             char                    **subsegment_id);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_xray_emitter_send_subsegment (ImgprocXrayEmitter        *self,
                                               const ImgprocTraceHeader  *trace,
                                               const char                *name,
                                               const char                *operation,
                                               double                     start_time,
                                               double                     end_time,
                                               guint                      http_status,
                                               GError                   **error);

G_END_DECLS
