/* One HTTP request as the signer sees it, and what signing found out. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib-object.h>
#include "imgproc-version.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_SIGNING_REQUEST (imgproc_signing_request_get_type ())

IMGPROC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (ImgprocSigningRequest, imgproc_signing_request,
                      IMGPROC, SIGNING_REQUEST, GObject)

/* The path and query are given as they go on the wire: already URI-encoded.
 * Headers keep their order and may repeat. After imgproc_signer_sign() the
 * request also carries the added headers (X-Amz-Date, Authorization, and
 * X-Amz-Security-Token / x-amz-content-sha256 where they apply), and the
 * intermediate stages of the computation. */
IMGPROC_AVAILABLE_IN_ALL
ImgprocSigningRequest *imgproc_signing_request_new (const char *method,
                                                    const char *host,
                                                    const char *path,
                                                    const char *query);
IMGPROC_AVAILABLE_IN_ALL
ImgprocSigningRequest *imgproc_signing_request_new_from_uri (const char  *method,
                                                             const char  *uri,
                                                             GError     **error);

IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_signing_request_get_method (ImgprocSigningRequest *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_signing_request_get_scheme (ImgprocSigningRequest *self);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_signing_request_set_scheme (ImgprocSigningRequest *self,
                                         const char            *scheme);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_signing_request_get_host (ImgprocSigningRequest *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_signing_request_get_path (ImgprocSigningRequest *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_signing_request_get_query (ImgprocSigningRequest *self);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_signing_request_add_header (ImgprocSigningRequest *self,
                                         const char            *name,
                                         const char            *value);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_signing_request_set_header (ImgprocSigningRequest *self,
                                         const char            *name,
                                         const char            *value);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_signing_request_get_header (ImgprocSigningRequest *self,
                                                const char            *name);
IMGPROC_AVAILABLE_IN_ALL
GStrv imgproc_signing_request_get_header_names (ImgprocSigningRequest *self);
IMGPROC_AVAILABLE_IN_ALL
GStrv imgproc_signing_request_get_header_values (ImgprocSigningRequest *self);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_signing_request_set_body (ImgprocSigningRequest *self,
                                       GBytes                *body);
IMGPROC_AVAILABLE_IN_ALL
GBytes *imgproc_signing_request_get_body (ImgprocSigningRequest *self);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_signing_request_set_payload_hash (ImgprocSigningRequest *self,
                                               const char            *hex_sha256);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_signing_request_get_payload_hash (ImgprocSigningRequest *self);

IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_signing_request_get_canonical_request (ImgprocSigningRequest *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_signing_request_get_string_to_sign (ImgprocSigningRequest *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_signing_request_get_signature (ImgprocSigningRequest *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_signing_request_get_signed_headers (ImgprocSigningRequest *self);
IMGPROC_AVAILABLE_IN_ALL
char *imgproc_signing_request_to_string (ImgprocSigningRequest *self);

G_END_DECLS
