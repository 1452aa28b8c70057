/* Internals of the S3 client shared between its files. */
#pragma once

#include <libsoup/soup.h>
#include "imgproc-s3-object-info.h"
#include "imgproc-s3-put-options.h"

G_BEGIN_DECLS

struct _ImgprocS3ObjectInfo
{
  gatomicrefcount ref_count;
  char *key;
  guint64 size;
  char *content_type;
  char *etag;
  GDateTime *last_modified;
  char *cache_control;
  GHashTable *metadata;
  char *server_side_encryption;
  char *kms_key_id;
  char *version_id;
};

struct _ImgprocS3PutOptions
{
  gatomicrefcount ref_count;
  char *cache_control;
  GPtrArray *metadata_names;
  GPtrArray *metadata_values;
  gboolean sse_kms;
  char *kms_key_id;
  ImgprocS3Checksum checksum;
  gboolean create_only;
};

ImgprocS3ObjectInfo *imgproc_s3_object_info_new (const char *key);
ImgprocS3ObjectInfo *imgproc_s3_object_info_new_from_headers (const char         *key,
                                                              SoupMessageHeaders *headers);

G_END_DECLS
