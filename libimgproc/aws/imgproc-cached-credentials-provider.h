/* Caches another provider's credentials and refreshes them before they expire. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <gio/gio.h>
#include "imgproc-version.h"
#include "imgproc-credentials-provider.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_CACHED_CREDENTIALS_PROVIDER (imgproc_cached_credentials_provider_get_type ())

IMGPROC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (ImgprocCachedCredentialsProvider, imgproc_cached_credentials_provider, IMGPROC, CACHED_CREDENTIALS_PROVIDER, GObject)

IMGPROC_AVAILABLE_IN_ALL
ImgprocCredentialsProvider *imgproc_cached_credentials_provider_new (ImgprocCredentialsProvider *source);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_cached_credentials_provider_invalidate (ImgprocCachedCredentialsProvider *self);

G_END_DECLS
