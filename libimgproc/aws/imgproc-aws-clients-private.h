/* Access to the HTTP core behind each public client, for tests that tune
 * backoff, timeouts and the retry quota. */
#pragma once

#include "imgproc.h"
#include "imgproc-aws-client-private.h"

G_BEGIN_DECLS

ImgprocAwsClient *imgproc_s3_client_get_http (ImgprocS3Client *self);
ImgprocAwsClient *imgproc_sqs_client_get_http (ImgprocSqsClient *self);
ImgprocAwsClient *imgproc_dynamodb_client_get_http (ImgprocDynamodbClient *self);
ImgprocAwsClient *imgproc_sts_client_get_http (ImgprocStsClient *self);

G_END_DECLS
