/* Service counters, written as CloudWatch EMF lines or Prometheus text. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib-object.h>
#include "imgproc-version.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_METRICS (imgproc_metrics_get_type ())

IMGPROC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (ImgprocMetrics, imgproc_metrics, IMGPROC, METRICS, GObject)

IMGPROC_AVAILABLE_IN_ALL
ImgprocMetrics *imgproc_metrics_new (const char *metrics_namespace,
                                     const char *function_name);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_metrics_get_namespace (ImgprocMetrics *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_metrics_get_function_name (ImgprocMetrics *self);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_metrics_add_processed (ImgprocMetrics *self,
                                    double          duration_ms,
                                    guint64         bytes_in,
                                    guint64         bytes_out);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_metrics_add_failure (ImgprocMetrics *self,
                                  double          duration_ms);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_metrics_add_skipped (ImgprocMetrics *self);

IMGPROC_AVAILABLE_IN_ALL
char *imgproc_metrics_flush_emf (ImgprocMetrics *self,
                                 gint64          timestamp_ms,
                                 const char     *request_id);
IMGPROC_AVAILABLE_IN_ALL
char *imgproc_metrics_to_prometheus (ImgprocMetrics *self);

G_END_DECLS
