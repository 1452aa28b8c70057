/* The error domain of the AWS clients, and the facts an AWS error response
 * carries: HTTP status, AWS error code, message and request id. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib-object.h>
#include "imgproc-version.h"

G_BEGIN_DECLS

/**
 * IMGPROC_AWS_ERROR:
 *
 * The error domain of the S3, SQS, DynamoDB and STS clients: errors in this
 * domain come from [enum@Imgproc.AwsError]. Their details (HTTP status, AWS
 * error code, request id) are read with [func@Imgproc.aws_error_get_details].
 */
#define IMGPROC_AWS_ERROR (imgproc_aws_error_quark ())

/**
 * ImgprocAwsError:
 * @IMGPROC_AWS_ERROR_FAILED: any other failure; the AWS error code tells more
 * @IMGPROC_AWS_ERROR_NETWORK: no answer: the connection failed or was reset
 * @IMGPROC_AWS_ERROR_TIMEOUT: the connection or the answer took too long
 * @IMGPROC_AWS_ERROR_THROTTLED: the service asked to slow down (SlowDown,
 *   ThrottlingException, ProvisionedThroughputExceededException, HTTP 429…)
 * @IMGPROC_AWS_ERROR_UNAVAILABLE: a transient server fault (HTTP 500, 502,
 *   503, 504, InternalError, RequestTimeout)
 * @IMGPROC_AWS_ERROR_ACCESS_DENIED: the caller may not do this (AccessDenied,
 *   InvalidAccessKeyId, UnrecognizedClientException)
 * @IMGPROC_AWS_ERROR_NOT_FOUND: the bucket, key, queue, table or item does not
 *   exist (NoSuchKey, NoSuchBucket, QueueDoesNotExist, ResourceNotFoundException)
 * @IMGPROC_AWS_ERROR_CONDITIONAL_CHECK_FAILED: a DynamoDB condition expression
 *   was false
 * @IMGPROC_AWS_ERROR_SIGNATURE: the request signature was refused
 *   (SignatureDoesNotMatch, IncompleteSignature, InvalidSignatureException)
 * @IMGPROC_AWS_ERROR_CLOCK_SKEW: the local clock is too far from the
 *   service's, even after correcting it once
 * @IMGPROC_AWS_ERROR_EXPIRED_CREDENTIALS: the session token has expired and
 *   fresh credentials did not help
 * @IMGPROC_AWS_ERROR_TOO_LARGE: a body is larger than the limit given, or than
 *   the service accepts
 * @IMGPROC_AWS_ERROR_INVALID_REQUEST: the service refused the request as
 *   malformed (ValidationException, InvalidParameterValue, BadDigest…)
 * @IMGPROC_AWS_ERROR_INVALID_RESPONSE: the answer could not be understood
 * @IMGPROC_AWS_ERROR_CHECKSUM_MISMATCH: the answer does not match its
 *   checksum (DynamoDB's `x-amz-crc32`)
 * @IMGPROC_AWS_ERROR_REDIRECT: S3 answered with a redirect that could not be
 *   followed (the bucket lives in another region that could not be found)
 * @IMGPROC_AWS_ERROR_PRECONDITION_FAILED: an HTTP precondition such as
 *   `If-None-Match` was not met
 *
 * Why an AWS call failed. Cancellation is reported as %G_IO_ERROR_CANCELLED,
 * and missing credentials in the %IMGPROC_CREDENTIALS_ERROR domain. The codes
 * are append-only: a code keeps its number in every later release.
 */
typedef enum {
  IMGPROC_AWS_ERROR_FAILED = 1,
  IMGPROC_AWS_ERROR_NETWORK = 2,
  IMGPROC_AWS_ERROR_TIMEOUT = 3,
  IMGPROC_AWS_ERROR_THROTTLED = 4,
  IMGPROC_AWS_ERROR_UNAVAILABLE = 5,
  IMGPROC_AWS_ERROR_ACCESS_DENIED = 6,
  IMGPROC_AWS_ERROR_NOT_FOUND = 7,
  IMGPROC_AWS_ERROR_CONDITIONAL_CHECK_FAILED = 8,
  IMGPROC_AWS_ERROR_SIGNATURE = 9,
  IMGPROC_AWS_ERROR_CLOCK_SKEW = 10,
  IMGPROC_AWS_ERROR_EXPIRED_CREDENTIALS = 11,
  IMGPROC_AWS_ERROR_TOO_LARGE = 12,
  IMGPROC_AWS_ERROR_INVALID_REQUEST = 13,
  IMGPROC_AWS_ERROR_INVALID_RESPONSE = 14,
  IMGPROC_AWS_ERROR_CHECKSUM_MISMATCH = 15,
  IMGPROC_AWS_ERROR_REDIRECT = 16,
  IMGPROC_AWS_ERROR_PRECONDITION_FAILED = 17,
} ImgprocAwsError;

IMGPROC_AVAILABLE_IN_ALL
GQuark imgproc_aws_error_quark (void);

#define IMGPROC_TYPE_AWS_ERROR_DETAILS (imgproc_aws_error_details_get_type ())

/**
 * ImgprocAwsErrorDetails:
 *
 * What an AWS service said about a failed request: the HTTP status, the AWS
 * error code (such as `NoSuchKey` or `ConditionalCheckFailedException`, with
 * any `namespace#` prefix removed), the service's message, the request id and,
 * for S3 redirects, the bucket's region. It is immutable.
 */
typedef struct _ImgprocAwsErrorDetails ImgprocAwsErrorDetails;

IMGPROC_AVAILABLE_IN_ALL
GType imgproc_aws_error_details_get_type (void) G_GNUC_CONST;

IMGPROC_AVAILABLE_IN_ALL
ImgprocAwsErrorDetails *imgproc_aws_error_get_details (const GError *error);

IMGPROC_AVAILABLE_IN_ALL
ImgprocAwsErrorDetails *imgproc_aws_error_details_ref (ImgprocAwsErrorDetails *self);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_aws_error_details_unref (ImgprocAwsErrorDetails *self);

IMGPROC_AVAILABLE_IN_ALL
guint imgproc_aws_error_details_get_status (const ImgprocAwsErrorDetails *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_aws_error_details_get_code (const ImgprocAwsErrorDetails *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_aws_error_details_get_message (const ImgprocAwsErrorDetails *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_aws_error_details_get_request_id (const ImgprocAwsErrorDetails *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_aws_error_details_get_region (const ImgprocAwsErrorDetails *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImgprocAwsErrorDetails, imgproc_aws_error_details_unref)

G_END_DECLS
