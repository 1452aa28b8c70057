/* What S3 says about one object: in GetObject and HeadObject answers, and in
 * each entry of a ListObjectsV2 page. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib-object.h>
#include "imgproc-version.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_S3_OBJECT_INFO (imgproc_s3_object_info_get_type ())

/**
 * ImgprocS3ObjectInfo:
 *
 * The facts of one S3 object: key, size, content type, ETag, last
 * modification, cache control, user metadata (the `x-amz-meta-*` headers,
 * with lower-case names and without the prefix) and server-side encryption.
 * A ListObjectsV2 entry has no content type or metadata. It is immutable.
 */
typedef struct _ImgprocS3ObjectInfo ImgprocS3ObjectInfo;

IMGPROC_AVAILABLE_IN_ALL
GType imgproc_s3_object_info_get_type (void) G_GNUC_CONST;

IMGPROC_AVAILABLE_IN_ALL
ImgprocS3ObjectInfo *imgproc_s3_object_info_ref (ImgprocS3ObjectInfo *self);
IMGPROC_AVAILABLE_IN_ALL
void imgproc_s3_object_info_unref (ImgprocS3ObjectInfo *self);

IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_s3_object_info_get_key (const ImgprocS3ObjectInfo *self);
IMGPROC_AVAILABLE_IN_ALL
guint64 imgproc_s3_object_info_get_size (const ImgprocS3ObjectInfo *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_s3_object_info_get_content_type (const ImgprocS3ObjectInfo *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_s3_object_info_get_etag (const ImgprocS3ObjectInfo *self);
IMGPROC_AVAILABLE_IN_ALL
GDateTime *imgproc_s3_object_info_get_last_modified (const ImgprocS3ObjectInfo *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_s3_object_info_get_cache_control (const ImgprocS3ObjectInfo *self);
IMGPROC_AVAILABLE_IN_ALL
GHashTable *imgproc_s3_object_info_get_metadata (const ImgprocS3ObjectInfo *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_s3_object_info_get_metadata_value (const ImgprocS3ObjectInfo *self,
                                                       const char                *name);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_s3_object_info_get_server_side_encryption (const ImgprocS3ObjectInfo *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_s3_object_info_get_kms_key_id (const ImgprocS3ObjectInfo *self);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_s3_object_info_get_version_id (const ImgprocS3ObjectInfo *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImgprocS3ObjectInfo, imgproc_s3_object_info_unref)

G_END_DECLS
