/* An STS client: GetCallerIdentity. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <gio/gio.h>
#include "imgproc-version.h"
#include "imgproc-aws-config.h"
#include "imgproc-caller-identity.h"
#include "imgproc-credentials-provider.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_STS_CLIENT (imgproc_sts_client_get_type ())

IMGPROC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (ImgprocStsClient, imgproc_sts_client, IMGPROC, STS_CLIENT, GObject)

IMGPROC_AVAILABLE_IN_ALL
ImgprocStsClient *imgproc_sts_client_new (ImgprocAwsConfig           *config,
                                          ImgprocCredentialsProvider *provider);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_sts_client_get_caller_identity_async (ImgprocStsClient    *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
IMGPROC_AVAILABLE_IN_ALL
ImgprocCallerIdentity *imgproc_sts_client_get_caller_identity_finish (ImgprocStsClient  *self,
                                                                      GAsyncResult      *result,
                                                                      GError           **error);
IMGPROC_AVAILABLE_IN_ALL
ImgprocCallerIdentity *imgproc_sts_client_get_caller_identity_sync (ImgprocStsClient  *self,
                                                                    GCancellable      *cancellable,
                                                                    GError           **error);

G_END_DECLS
