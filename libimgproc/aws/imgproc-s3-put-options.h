/* The optional parts of an S3 PutObject: cache control, user metadata,
 * SSE-KMS, an integrity checksum and create-only writes. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib-object.h>
#include "imgproc-version.h"

G_BEGIN_DECLS

/**
 * ImgprocS3Checksum:
 * @IMGPROC_S3_CHECKSUM_NONE: send no checksum header
 * @IMGPROC_S3_CHECKSUM_MD5: send `Content-MD5`
 * @IMGPROC_S3_CHECKSUM_SHA256: send `x-amz-checksum-sha256`
 *
 * Which checksum of the body S3 is to verify on upload; a mismatch fails the
 * upload with `BadDigest`.
 */
typedef enum {
  IMGPROC_S3_CHECKSUM_NONE = 0,
  IMGPROC_S3_CHECKSUM_MD5 = 1,
  IMGPROC_S3_CHECKSUM_SHA256 = 2,
} ImgprocS3Checksum;

#define IMGPROC_TYPE_S3_PUT_OPTIONS (imgproc_s3_put_options_get_type ())

/**
 * ImgprocS3PutOptions:
 *
 * The optional headers of an upload with
 * [method@Imgproc.S3Client.put_object_async]. Fill it before the upload
 * starts; the client only reads it.
 */
typedef struct _ImgprocS3PutOptions ImgprocS3PutOptions;

IMGPROC_AVAILABLE_IN_ALL
GType imgproc_s3_put_options_get_type (void) G_GNUC_CONST;

IMGPROC_AVAILABLE_IN_ALL
ImgprocS3PutOptions *imgproc_s3_put_options_new (void);
IMGPROC_AVAILABLE_IN_ALL
ImgprocS3PutOptions *imgproc_s3_put_options_ref (ImgprocS3PutOptions *self);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_s3_put_options_unref (ImgprocS3PutOptions *self);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_s3_put_options_set_cache_control (ImgprocS3PutOptions *self,
                                               const char          *cache_control);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_s3_put_options_add_metadata (ImgprocS3PutOptions *self,
                                          const char          *name,
                                          const char          *value);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_s3_put_options_set_sse_kms (ImgprocS3PutOptions *self,
                                         gboolean             enabled,
                                         const char          *kms_key_id);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_s3_put_options_set_checksum (ImgprocS3PutOptions *self,
                                          ImgprocS3Checksum    checksum);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_s3_put_options_set_create_only (ImgprocS3PutOptions *self,
                                             gboolean             create_only);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImgprocS3PutOptions, imgproc_s3_put_options_unref)

G_END_DECLS
