/* Who the credentials belong to, as STS GetCallerIdentity says. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib-object.h>
#include "imgproc-version.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_CALLER_IDENTITY (imgproc_caller_identity_get_type ())

/**
 * ImgprocCallerIdentity:
 *
 * The account, ARN and user id of the principal whose credentials signed a
 * GetCallerIdentity call. It is immutable.
 */
typedef struct _ImgprocCallerIdentity ImgprocCallerIdentity;

IMGPROC_AVAILABLE_IN_ALL
GType imgproc_caller_identity_get_type (void) G_GNUC_CONST;

IMGPROC_AVAILABLE_IN_ALL
ImgprocCallerIdentity *imgproc_caller_identity_new (const char *account,
                                                    const char *arn,
                                                    const char *user_id);
IMGPROC_AVAILABLE_IN_ALL
ImgprocCallerIdentity *imgproc_caller_identity_ref (ImgprocCallerIdentity *self);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_caller_identity_unref (ImgprocCallerIdentity *self);

IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_caller_identity_get_account (const ImgprocCallerIdentity *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_caller_identity_get_arn (const ImgprocCallerIdentity *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_caller_identity_get_user_id (const ImgprocCallerIdentity *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImgprocCallerIdentity, imgproc_caller_identity_unref)

G_END_DECLS
