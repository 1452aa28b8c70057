/* Tries providers in order, moving on when one has nothing to offer. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <gio/gio.h>
#include "imgproc-version.h"
#include "imgproc-credentials-provider.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_CHAIN_CREDENTIALS_PROVIDER (imgproc_chain_credentials_provider_get_type ())

IMGPROC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (ImgprocChainCredentialsProvider, imgproc_chain_credentials_provider, IMGPROC, CHAIN_CREDENTIALS_PROVIDER, GObject)

IMGPROC_AVAILABLE_IN_ALL
ImgprocCredentialsProvider *imgproc_chain_credentials_provider_new (ImgprocCredentialsProvider **providers, gsize n_providers);

G_END_DECLS
