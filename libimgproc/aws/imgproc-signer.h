/* AWS Signature Version 4: a pure function of request, credentials, region,
 * service and time. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib-object.h>
#include "imgproc-version.h"
#include "imgproc-credentials.h"
#include "imgproc-signing-request.h"

G_BEGIN_DECLS

/**
 * ImgprocSignerFlags:
 * @IMGPROC_SIGNER_FLAGS_NONE: the standard rules of every service but S3:
 *   the path is normalised and URI-encoded a second time
 * @IMGPROC_SIGNER_FLAGS_S3: S3's rules: the already-encoded path is used as
 *   it is (no normalisation, no second encoding), and an
 *   `x-amz-content-sha256` header is added and signed
 * @IMGPROC_SIGNER_FLAGS_UNSIGNED_PAYLOAD: sign the literal `UNSIGNED-PAYLOAD`
 *   instead of the body's hash (S3 over HTTPS only)
 * @IMGPROC_SIGNER_FLAGS_SIGN_BODY_HEADER: add and sign `x-amz-content-sha256`
 *   outside S3 mode too (as some test suites require)
 * @IMGPROC_SIGNER_FLAGS_OMIT_SESSION_TOKEN: add the session token after
 *   signing, unsigned, as a few services require
 * @IMGPROC_SIGNER_FLAGS_NO_PATH_NORMALIZATION: in standard mode, encode the
 *   path a second time but keep its `.`, `..` and empty segments (the
 *   "unnormalized" cases of AWS's test suite)
 *
 * How a request is to be signed.
 */
typedef enum /*< flags >*/ {
  IMGPROC_SIGNER_FLAGS_NONE = 0,
  IMGPROC_SIGNER_FLAGS_S3 = 1 << 0,
  IMGPROC_SIGNER_FLAGS_UNSIGNED_PAYLOAD = 1 << 1,
  IMGPROC_SIGNER_FLAGS_SIGN_BODY_HEADER = 1 << 2,
  IMGPROC_SIGNER_FLAGS_OMIT_SESSION_TOKEN = 1 << 3,
  IMGPROC_SIGNER_FLAGS_NO_PATH_NORMALIZATION = 1 << 4,
} ImgprocSignerFlags;

#define IMGPROC_TYPE_SIGNER (imgproc_signer_get_type ())

IMGPROC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (ImgprocSigner, imgproc_signer, IMGPROC, SIGNER, GObject)

IMGPROC_AVAILABLE_IN_ALL
ImgprocSigner *imgproc_signer_new (const char         *region,
                                   const char         *service,
                                   ImgprocSignerFlags  flags);

IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_signer_get_region (ImgprocSigner *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_signer_get_service (ImgprocSigner *self);
IMGPROC_AVAILABLE_IN_ALL
ImgprocSignerFlags imgproc_signer_get_flags (ImgprocSigner *self);

IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_signer_sign (ImgprocSigner          *self,
                              ImgprocSigningRequest  *request,
                              ImgprocCredentials     *credentials,
                              GDateTime              *time,
                              GError                **error);
IMGPROC_AVAILABLE_IN_ALL
char *imgproc_signer_presign (ImgprocSigner          *self,
                              ImgprocSigningRequest  *request,
                              ImgprocCredentials     *credentials,
                              GDateTime              *time,
                              guint                   expires_seconds,
                              GError                **error);

G_END_DECLS
