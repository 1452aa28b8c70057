/* What the signer needs of a signing request beyond its public API. */
#pragma once

#include "imgproc.h"

G_BEGIN_DECLS

char *imgproc_signing_format_host (const char *scheme,
                                   const char *host,
                                   int         port);

void imgproc_signing_request_set_query (ImgprocSigningRequest *self,
                                        const char            *query);
guint imgproc_signing_request_get_n_headers (ImgprocSigningRequest *self);
const char *imgproc_signing_request_get_header_name_at (ImgprocSigningRequest *self,
                                                        guint                  index);
const char *imgproc_signing_request_get_header_value_at (ImgprocSigningRequest *self,
                                                         guint                  index);
void imgproc_signing_request_set_results (ImgprocSigningRequest *self,
                                          const char            *canonical_request,
                                          const char            *string_to_sign,
                                          const char            *signature,
                                          const char            *signed_headers);

G_END_DECLS
