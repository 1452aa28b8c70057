/* AWS credentials: an immutable value whose secret is wiped when freed. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib-object.h>
#include "imgproc-version.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_CREDENTIALS (imgproc_credentials_get_type ())

/**
 * ImgprocCredentials:
 *
 * An access key id, its secret, an optional session token and an optional
 * expiry, plus the name of the provider that supplied them. Immutable and
 * reference counted; the secret and token are overwritten with zeros on free.
 */
typedef struct _ImgprocCredentials ImgprocCredentials;

IMGPROC_AVAILABLE_IN_ALL
GType imgproc_credentials_get_type (void) G_GNUC_CONST;

IMGPROC_AVAILABLE_IN_ALL
ImgprocCredentials *imgproc_credentials_new (const char *access_key_id,
                                             const char *secret_access_key,
                                             const char *session_token,
                                             GDateTime  *expiration,
                                             const char *provider_name);
IMGPROC_AVAILABLE_IN_ALL
ImgprocCredentials *imgproc_credentials_ref (ImgprocCredentials *self);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_credentials_unref (ImgprocCredentials *self);

IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_credentials_get_access_key_id (const ImgprocCredentials *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_credentials_get_secret_access_key (const ImgprocCredentials *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_credentials_get_session_token (const ImgprocCredentials *self);
IMGPROC_AVAILABLE_IN_ALL
GDateTime *imgproc_credentials_get_expiration (const ImgprocCredentials *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_credentials_get_provider_name (const ImgprocCredentials *self);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_credentials_expires_within (const ImgprocCredentials *self,
                                             GTimeSpan                 span);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImgprocCredentials, imgproc_credentials_unref)

G_END_DECLS
