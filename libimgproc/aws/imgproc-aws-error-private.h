/* Building AWS errors from responses, and telling which ones to retry. */
#pragma once

#include <libsoup/soup.h>
#include "imgproc-aws-error.h"

G_BEGIN_DECLS

typedef enum {
  IMGPROC_AWS_RETRY_NEVER,
  IMGPROC_AWS_RETRY_TRANSIENT,
  IMGPROC_AWS_RETRY_THROTTLING,
  IMGPROC_AWS_RETRY_TIMEOUT,
} ImgprocAwsRetryKind;

ImgprocAwsErrorDetails *imgproc_aws_error_details_new (guint       status,
                                                       const char *code,
                                                       const char *message,
                                                       const char *request_id,
                                                       const char *region);
GError *imgproc_aws_error_new_with_details (ImgprocAwsError         code,
                                            ImgprocAwsErrorDetails *details,
                                            const char             *text);
GError *imgproc_aws_error_new_from_response (guint               status,
                                             SoupMessageHeaders *headers,
                                             GBytes             *body);
ImgprocAwsError imgproc_aws_error_code_for (guint       status,
                                            const char *aws_code);
ImgprocAwsRetryKind imgproc_aws_error_retry_kind (const GError *error);
gboolean imgproc_aws_error_is_clock_skew_candidate (const GError *error);

G_END_DECLS
