/* Credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <gio/gio.h>
#include "imgproc-version.h"
#include "imgproc-credentials-provider.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_ENVIRONMENT_CREDENTIALS_PROVIDER (imgproc_environment_credentials_provider_get_type ())

IMGPROC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (ImgprocEnvironmentCredentialsProvider, imgproc_environment_credentials_provider, IMGPROC, ENVIRONMENT_CREDENTIALS_PROVIDER, GObject)

IMGPROC_AVAILABLE_IN_ALL
ImgprocCredentialsProvider *imgproc_environment_credentials_provider_new (void);

G_END_DECLS
