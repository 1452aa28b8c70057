/* Credentials from STS AssumeRoleWithWebIdentity with a token file (EKS IRSA and alike). */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <gio/gio.h>
#include "imgproc-version.h"
#include "imgproc-credentials-provider.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_WEB_IDENTITY_CREDENTIALS_PROVIDER (imgproc_web_identity_credentials_provider_get_type ())

IMGPROC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (ImgprocWebIdentityCredentialsProvider, imgproc_web_identity_credentials_provider, IMGPROC, WEB_IDENTITY_CREDENTIALS_PROVIDER, GObject)

IMGPROC_AVAILABLE_IN_ALL
ImgprocCredentialsProvider *imgproc_web_identity_credentials_provider_new (void);
IMGPROC_AVAILABLE_IN_ALL
ImgprocCredentialsProvider *imgproc_web_identity_credentials_provider_new_for_endpoint (const char *sts_endpoint);

G_END_DECLS
