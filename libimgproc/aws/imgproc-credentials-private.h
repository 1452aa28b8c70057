/* Internal helpers of the credentials area: wiping secrets, and shared parsing
 * used by several providers. */
#pragma once

#include "imgproc.h"

G_BEGIN_DECLS

void imgproc_secure_wipe (void *data,
                          gsize len);
void imgproc_secure_free_string (char *str);

ImgprocCredentials *imgproc_credentials_copy_with_provider (const ImgprocCredentials *self,
                                                            const char               *provider_name);

ImgprocCredentials *imgproc_credentials_from_json (GBytes      *body,
                                                  const char  *provider_name,
                                                  GError     **error);

guint imgproc_cached_credentials_provider_get_n_refreshes (ImgprocCachedCredentialsProvider *self);

G_END_DECLS
