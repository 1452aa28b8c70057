/* Structured logging for the service: plain text, JSON lines or journald. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib.h>
#include "imgproc-version.h"

G_BEGIN_DECLS

/**
 * ImgprocLogFormat:
 * @IMGPROC_LOG_FORMAT_AUTO: journald when stderr is the journal
 *   (`JOURNAL_STREAM`), JSON when `AWS_LAMBDA_LOG_FORMAT` is JSON, text
 *   otherwise
 * @IMGPROC_LOG_FORMAT_TEXT: one line per record: time, level, message, then
 *   the fields as `name=value`
 * @IMGPROC_LOG_FORMAT_JSON: one JSON object per line, with `timestamp`
 *   (RFC 3339), `level`, `message`, `requestId` and the fields, as Lambda's
 *   JSON log format expects
 * @IMGPROC_LOG_FORMAT_JOURNALD: native journald records with every field
 *
 * How log records are written.
 */
typedef enum {
  IMGPROC_LOG_FORMAT_AUTO = 0,
  IMGPROC_LOG_FORMAT_TEXT = 1,
  IMGPROC_LOG_FORMAT_JSON = 2,
  IMGPROC_LOG_FORMAT_JOURNALD = 3,
} ImgprocLogFormat;

IMGPROC_AVAILABLE_IN_ALL
ImgprocLogFormat imgproc_log_format_from_string (const char *name);
IMGPROC_AVAILABLE_IN_ALL
ImgprocLogFormat imgproc_log_resolve_format (ImgprocLogFormat format);
IMGPROC_AVAILABLE_IN_ALL
GLogLevelFlags imgproc_log_level_from_string (const char *name);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_log_install (ImgprocLogFormat format,
                          GLogLevelFlags   threshold);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_log_set_request_id (const char *request_id);

G_END_DECLS
