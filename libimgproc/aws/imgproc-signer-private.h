/* What the AWS clients need of the signer beyond its public API: signing a
 * SoupMessage in place, and the encoding and hashing helpers of SigV4. */
#pragma once

#include <libsoup/soup.h>
#include "imgproc.h"

G_BEGIN_DECLS

gboolean imgproc_signer_sign_soup_message (ImgprocSigner       *self,
                                           SoupMessage         *message,
                                           GBytes              *body,
                                           ImgprocCredentials  *credentials,
                                           GDateTime           *time,
                                           GError             **error);

char *imgproc_aws_sha256_hex (const void *data,
                              gsize       len);
void imgproc_aws_uri_encode (GString    *out,
                             const char *str,
                             gssize      len,
                             gboolean    keep_slash);
char *imgproc_aws_uri_encode_string (const char *str,
                                     gboolean    keep_slash);

G_END_DECLS
