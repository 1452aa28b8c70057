/* Credentials of the EC2 instance role, from the instance metadata service (IMDSv2). */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <gio/gio.h>
#include "imgproc-version.h"
#include "imgproc-credentials-provider.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_IMDS_CREDENTIALS_PROVIDER (imgproc_imds_credentials_provider_get_type ())

IMGPROC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (ImgprocImdsCredentialsProvider, imgproc_imds_credentials_provider, IMGPROC, IMDS_CREDENTIALS_PROVIDER, GObject)

IMGPROC_AVAILABLE_IN_ALL
ImgprocCredentialsProvider *imgproc_imds_credentials_provider_new (void);

G_END_DECLS
