/* The error domain of the pipeline: events, guard and service configuration. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib.h>
#include "imgproc-version.h"

G_BEGIN_DECLS

/**
 * IMGPROC_PIPELINE_ERROR:
 *
 * The error domain of the pipeline: errors in this domain come from
 * [enum@Imgproc.PipelineError].
 */
#define IMGPROC_PIPELINE_ERROR (imgproc_pipeline_error_quark ())

/**
 * ImgprocPipelineError:
 * @IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT: the message is not JSON, or a
 *   member of a known event shape is missing or has the wrong type
 * @IMGPROC_PIPELINE_ERROR_UNKNOWN_EVENT: the message is JSON but none of the
 *   event shapes imgproc reads (S3, SNS, EventBridge, Lambda SQS)
 * @IMGPROC_PIPELINE_ERROR_EVENT_TOO_LARGE: the message exceeds the parser's
 *   byte limit, so it was not parsed at all
 * @IMGPROC_PIPELINE_ERROR_INVALID_CONFIG: a setting has a value that cannot
 *   be used, or settings contradict each other
 * @IMGPROC_PIPELINE_ERROR_CONFIG_FILE: the configuration file cannot be read
 *   or is not a valid key file
 * @IMGPROC_PIPELINE_ERROR_UNKNOWN_SETTING: a setting name that the schema
 *   does not have
 *
 * Why an event or a configuration was refused. The codes are append-only: a
 * code keeps its number in every later release.
 */
typedef enum {
  IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT = 1,
  IMGPROC_PIPELINE_ERROR_UNKNOWN_EVENT = 2,
  IMGPROC_PIPELINE_ERROR_EVENT_TOO_LARGE = 3,
  IMGPROC_PIPELINE_ERROR_INVALID_CONFIG = 4,
  IMGPROC_PIPELINE_ERROR_CONFIG_FILE = 5,
  IMGPROC_PIPELINE_ERROR_UNKNOWN_SETTING = 6,
} ImgprocPipelineError;

IMGPROC_AVAILABLE_IN_ALL
GQuark imgproc_pipeline_error_quark (void);

G_END_DECLS
