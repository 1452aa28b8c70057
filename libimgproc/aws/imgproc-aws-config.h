/* Region, endpoints, retry settings and the default credentials chain,
 * resolved once the way the AWS SDKs do. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <gio/gio.h>
#include "imgproc-version.h"
#include "imgproc-credentials-provider.h"

G_BEGIN_DECLS

/**
 * ImgprocAwsRetryMode:
 * @IMGPROC_AWS_RETRY_MODE_STANDARD: the SDKs' "standard" mode
 * @IMGPROC_AWS_RETRY_MODE_LEGACY: the SDKs' "legacy" mode
 * @IMGPROC_AWS_RETRY_MODE_ADAPTIVE: the SDKs' "adaptive" mode (client-side
 *   rate limiting on top of standard)
 *
 * The retry mode asked for by `AWS_RETRY_MODE` or the config file's
 * `retry_mode`.
 */
typedef enum {
  IMGPROC_AWS_RETRY_MODE_STANDARD = 0,
  IMGPROC_AWS_RETRY_MODE_LEGACY = 1,
  IMGPROC_AWS_RETRY_MODE_ADAPTIVE = 2,
} ImgprocAwsRetryMode;

/**
 * IMGPROC_AWS_CONFIG_DEFAULT_MAX_ATTEMPTS:
 *
 * The number of attempts per request, the first included, when neither
 * `AWS_MAX_ATTEMPTS` nor the config file's `max_attempts` sets one.
 */
#define IMGPROC_AWS_CONFIG_DEFAULT_MAX_ATTEMPTS 3

#define IMGPROC_TYPE_AWS_CONFIG (imgproc_aws_config_get_type ())

IMGPROC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (ImgprocAwsConfig, imgproc_aws_config, IMGPROC, AWS_CONFIG, GObject)

IMGPROC_AVAILABLE_IN_ALL
ImgprocAwsConfig *imgproc_aws_config_new (const char *region);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_aws_config_load_async (GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
IMGPROC_AVAILABLE_IN_ALL
ImgprocAwsConfig *imgproc_aws_config_load_finish (GAsyncResult  *result,
                                                  GError       **error);
IMGPROC_AVAILABLE_IN_ALL
ImgprocAwsConfig *imgproc_aws_config_load_sync (GCancellable  *cancellable,
                                                GError       **error);

IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_aws_config_get_region (ImgprocAwsConfig *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_aws_config_get_profile (ImgprocAwsConfig *self);
IMGPROC_AVAILABLE_IN_ALL
char *imgproc_aws_config_get_endpoint (ImgprocAwsConfig *self,
                                       const char       *service);
IMGPROC_AVAILABLE_IN_ALL
char *imgproc_aws_config_get_endpoint_for_region (ImgprocAwsConfig *self,
                                                  const char       *service,
                                                  const char       *region);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_aws_config_has_endpoint_override (ImgprocAwsConfig *self,
                                                   const char       *service);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_aws_config_get_s3_force_path_style (ImgprocAwsConfig *self);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_aws_config_s3_bucket_needs_path_style (ImgprocAwsConfig *self,
                                                        const char       *bucket);
IMGPROC_AVAILABLE_IN_ALL
char *imgproc_aws_config_get_s3_uri_for (ImgprocAwsConfig *self,
                                         const char       *bucket,
                                         const char       *encoded_key);
IMGPROC_AVAILABLE_IN_ALL
char *imgproc_aws_config_get_s3_uri_for_region (ImgprocAwsConfig *self,
                                                const char       *region,
                                                const char       *bucket,
                                                const char       *encoded_key);
IMGPROC_AVAILABLE_IN_ALL
GUri *imgproc_aws_config_build_s3_uri (ImgprocAwsConfig *self,
                                       const char       *region,
                                       const char       *bucket,
                                       const char       *encoded_key);
IMGPROC_AVAILABLE_IN_ALL
guint imgproc_aws_config_get_max_attempts (ImgprocAwsConfig *self);
IMGPROC_AVAILABLE_IN_ALL
ImgprocAwsRetryMode imgproc_aws_config_get_retry_mode (ImgprocAwsConfig *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_aws_config_get_ca_file (ImgprocAwsConfig *self);

IMGPROC_AVAILABLE_IN_ALL
ImgprocCredentialsProvider *imgproc_aws_config_create_default_provider (ImgprocAwsConfig *self);

G_END_DECLS
