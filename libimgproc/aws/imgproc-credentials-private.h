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

G_END_DECLS
