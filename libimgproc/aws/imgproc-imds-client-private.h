/* A client of the EC2 instance metadata service (IMDSv2): session token PUT,
 * token reuse until shortly before it expires, a new token after a 401. */
#pragma once

#include <gio/gio.h>
#include "imgproc.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_IMDS_CLIENT (imgproc_imds_client_get_type ())
G_DECLARE_FINAL_TYPE (ImgprocImdsClient, imgproc_imds_client, IMGPROC, IMDS_CLIENT, GObject)

ImgprocImdsClient *imgproc_imds_client_new (void);
gboolean imgproc_imds_client_is_disabled (void);
const char *imgproc_imds_client_get_endpoint (ImgprocImdsClient *self);

void imgproc_imds_client_get_async (ImgprocImdsClient   *self,
                                    const char          *path,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
GBytes *imgproc_imds_client_get_finish (ImgprocImdsClient  *self,
                                        GAsyncResult       *result,
                                        GError            **error);

G_END_DECLS
