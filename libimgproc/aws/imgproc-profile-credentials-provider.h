/* Static credentials of a profile of the shared credentials and config files. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <gio/gio.h>
#include "imgproc-version.h"
#include "imgproc-credentials-provider.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_PROFILE_CREDENTIALS_PROVIDER (imgproc_profile_credentials_provider_get_type ())

IMGPROC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (ImgprocProfileCredentialsProvider, imgproc_profile_credentials_provider, IMGPROC, PROFILE_CREDENTIALS_PROVIDER, GObject)

IMGPROC_AVAILABLE_IN_ALL
ImgprocCredentialsProvider *imgproc_profile_credentials_provider_new (const char *profile);

G_END_DECLS
