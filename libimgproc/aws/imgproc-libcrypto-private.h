/* SHA-256 and HMAC-SHA256 from OpenSSL's libcrypto, which is opened at the
 * first signature instead of at exec. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define IMGPROC_SHA256_LEN 32

gboolean imgproc_libcrypto_load        (GError     **error);
gboolean imgproc_libcrypto_sha256      (const void  *data,
                                        gsize        len,
                                        guchar       out[IMGPROC_SHA256_LEN]);
gboolean imgproc_libcrypto_hmac_sha256 (const void  *key,
                                        gsize        key_len,
                                        const void  *data,
                                        gsize        data_len,
                                        guchar       out[IMGPROC_SHA256_LEN]);

G_END_DECLS
