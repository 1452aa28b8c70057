/* The interface of everything that supplies AWS credentials. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <gio/gio.h>
#include "imgproc-version.h"
#include "imgproc-credentials.h"

G_BEGIN_DECLS

/**
 * IMGPROC_CREDENTIALS_ERROR:
 *
 * The error domain of credentials providers: errors in this domain come from
 * [enum@Imgproc.CredentialsError].
 */
#define IMGPROC_CREDENTIALS_ERROR (imgproc_credentials_error_quark ())

/**
 * ImgprocCredentialsError:
 * @IMGPROC_CREDENTIALS_ERROR_NOT_FOUND: this provider has nothing to offer
 *   here (its variables or files are absent); a chain moves on to the next
 * @IMGPROC_CREDENTIALS_ERROR_INVALID: the source exists but is malformed
 * @IMGPROC_CREDENTIALS_ERROR_UNAVAILABLE: the source could not be reached
 *   (a metadata endpoint is down or timed out)
 * @IMGPROC_CREDENTIALS_ERROR_REJECTED: the source refused (STS denied the
 *   role, IMDS answered 401/403)
 * @IMGPROC_CREDENTIALS_ERROR_EXPIRED: the only credentials at hand have expired
 *
 * Why no credentials could be had. The codes are append-only.
 */
typedef enum {
  IMGPROC_CREDENTIALS_ERROR_NOT_FOUND = 1,
  IMGPROC_CREDENTIALS_ERROR_INVALID = 2,
  IMGPROC_CREDENTIALS_ERROR_UNAVAILABLE = 3,
  IMGPROC_CREDENTIALS_ERROR_REJECTED = 4,
  IMGPROC_CREDENTIALS_ERROR_EXPIRED = 5,
} ImgprocCredentialsError;

IMGPROC_AVAILABLE_IN_ALL
GQuark imgproc_credentials_error_quark (void);

#define IMGPROC_TYPE_CREDENTIALS_PROVIDER (imgproc_credentials_provider_get_type ())

IMGPROC_AVAILABLE_IN_ALL
G_DECLARE_INTERFACE (ImgprocCredentialsProvider, imgproc_credentials_provider,
                     IMGPROC, CREDENTIALS_PROVIDER, GObject)

/**
 * ImgprocCredentialsProviderInterface:
 * @g_iface: the parent interface
 * @get_name: returns a short name such as "environment" or "imds"
 * @load_async: starts loading credentials
 * @load_finish: finishes loading credentials
 *
 * The virtual methods of [iface@Imgproc.CredentialsProvider].
 */
struct _ImgprocCredentialsProviderInterface
{
  GTypeInterface g_iface;

  const char *         (*get_name)    (ImgprocCredentialsProvider  *self);
  void                 (*load_async)  (ImgprocCredentialsProvider  *self,
                                       GCancellable                *cancellable,
                                       GAsyncReadyCallback          callback,
                                       gpointer                     user_data);
  ImgprocCredentials * (*load_finish) (ImgprocCredentialsProvider  *self,
                                       GAsyncResult                *result,
                                       GError                     **error);
};

IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_credentials_provider_get_name (ImgprocCredentialsProvider *self);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_credentials_provider_load_async (ImgprocCredentialsProvider *self,
                                              GCancellable               *cancellable,
                                              GAsyncReadyCallback         callback,
                                              gpointer                    user_data);
IMGPROC_AVAILABLE_IN_ALL
ImgprocCredentials *imgproc_credentials_provider_load_finish (ImgprocCredentialsProvider  *self,
                                                              GAsyncResult                *result,
                                                              GError                     **error);
IMGPROC_AVAILABLE_IN_ALL
ImgprocCredentials *imgproc_credentials_provider_load_sync (ImgprocCredentialsProvider  *self,
                                                            GCancellable                *cancellable,
                                                            GError                     **error);

G_END_DECLS
