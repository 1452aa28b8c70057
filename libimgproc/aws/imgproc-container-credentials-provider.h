/* Credentials from the container credentials endpoint (ECS task roles, EKS Pod Identity). */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <gio/gio.h>
#include "imgproc-version.h"
#include "imgproc-credentials-provider.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_CONTAINER_CREDENTIALS_PROVIDER (imgproc_container_credentials_provider_get_type ())

IMGPROC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (ImgprocContainerCredentialsProvider, imgproc_container_credentials_provider, IMGPROC, CONTAINER_CREDENTIALS_PROVIDER, GObject)

IMGPROC_AVAILABLE_IN_ALL
ImgprocCredentialsProvider *imgproc_container_credentials_provider_new (void);

G_END_DECLS
