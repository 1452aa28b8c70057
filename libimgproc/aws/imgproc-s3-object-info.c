/* The facts of an S3 object, read from response headers or a listing. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-s3-private.h"

#include <string.h>

G_DEFINE_BOXED_TYPE (ImgprocS3ObjectInfo, imgproc_s3_object_info,
                     imgproc_s3_object_info_ref, imgproc_s3_object_info_unref)

ImgprocS3ObjectInfo *
imgproc_s3_object_info_new (const char *key)
{
  ImgprocS3ObjectInfo *self = g_new0 (ImgprocS3ObjectInfo, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->key = g_strdup (key);
  self->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

ImgprocS3ObjectInfo *
imgproc_s3_object_info_new_from_headers (const char         *key,
                                         SoupMessageHeaders *headers)
{
  ImgprocS3ObjectInfo *self = imgproc_s3_object_info_new (key);
  const char *last_modified = soup_message_headers_get_one (headers, "Last-Modified");
  SoupMessageHeadersIter iter;
  const char *name, *value;

  self->size = (guint64) MAX (soup_message_headers_get_content_length (headers), 0);
  self->content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  self->etag = g_strdup (soup_message_headers_get_one (headers, "ETag"));
  self->cache_control = g_strdup (soup_message_headers_get_one (headers, "Cache-Control"));
  self->server_side_encryption = g_strdup (soup_message_headers_get_one (headers, "x-amz-server-side-encryption"));
  self->kms_key_id = g_strdup (soup_message_headers_get_one (headers, "x-amz-server-side-encryption-aws-kms-key-id"));
  self->version_id = g_strdup (soup_message_headers_get_one (headers, "x-amz-version-id"));
  if (last_modified != NULL)
    self->last_modified = soup_date_time_new_from_http_string (last_modified);

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      if (g_ascii_strncasecmp (name, "x-amz-meta-", strlen ("x-amz-meta-")) == 0)
        g_hash_table_insert (self->metadata, g_ascii_strdown (name + strlen ("x-amz-meta-"), -1),
                             g_strdup (value));
    }
  return self;
}

/**
 * imgproc_s3_object_info_ref:
 * @self: the object facts
 *
 * Takes a reference to @self.
 *
 * Returns: (transfer full): @self
 */
ImgprocS3ObjectInfo *
imgproc_s3_object_info_ref (ImgprocS3ObjectInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * imgproc_s3_object_info_unref:
 * @self: (transfer full): the object facts
 *
 * Drops a reference to @self, freeing it with the last one.
 */
void
imgproc_s3_object_info_unref (ImgprocS3ObjectInfo *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->key);
  g_free (self->content_type);
  g_free (self->etag);
  g_clear_pointer (&self->last_modified, g_date_time_unref);
  g_free (self->cache_control);
  g_hash_table_unref (self->metadata);
  g_free (self->server_side_encryption);
  g_free (self->kms_key_id);
  g_free (self->version_id);
  g_free (self);
}

/**
 * imgproc_s3_object_info_get_key:
 * @self: the object facts
 *
 * Gives the object's key, unencoded.
 *
 * Returns: (transfer none): the key
 */
const char *
imgproc_s3_object_info_get_key (const ImgprocS3ObjectInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->key;
}

/**
 * imgproc_s3_object_info_get_size:
 * @self: the object facts
 *
 * Gives the object's size in bytes.
 *
 * Returns: the size in bytes
 */
guint64
imgproc_s3_object_info_get_size (const ImgprocS3ObjectInfo *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->size;
}

/**
 * imgproc_s3_object_info_get_content_type:
 * @self: the object facts
 *
 * Gives the Content-Type the object was stored with.
 *
 * Returns: (nullable): the content type, if known
 */
const char *
imgproc_s3_object_info_get_content_type (const ImgprocS3ObjectInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->content_type;
}

/**
 * imgproc_s3_object_info_get_etag:
 * @self: the object facts
 *
 * Gives the object's ETag as S3 sent it, double quotes included.
 *
 * Returns: (nullable): the ETag, if known
 */
const char *
imgproc_s3_object_info_get_etag (const ImgprocS3ObjectInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->etag;
}

/**
 * imgproc_s3_object_info_get_last_modified:
 * @self: the object facts
 *
 * Gives the time the object was last written.
 *
 * Returns: (transfer none) (nullable): the time, if known
 */
GDateTime *
imgproc_s3_object_info_get_last_modified (const ImgprocS3ObjectInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->last_modified;
}

/**
 * imgproc_s3_object_info_get_cache_control:
 * @self: the object facts
 *
 * Gives the Cache-Control the object was stored with.
 *
 * Returns: (nullable): the cache control, if any
 */
const char *
imgproc_s3_object_info_get_cache_control (const ImgprocS3ObjectInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->cache_control;
}

/**
 * imgproc_s3_object_info_get_metadata:
 * @self: the object facts
 *
 * Gives the user metadata: each `x-amz-meta-NAME` header as NAME (lower case)
 * and its value.
 *
 * Returns: (transfer none) (element-type utf8 utf8): the metadata
 */
GHashTable *
imgproc_s3_object_info_get_metadata (const ImgprocS3ObjectInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->metadata;
}

/**
 * imgproc_s3_object_info_get_metadata_value:
 * @self: the object facts
 * @name: a metadata name, without `x-amz-meta-`
 *
 * Looks up one user metadata value; the name is compared without case.
 *
 * Returns: (nullable): the value, or %NULL if the object has no such metadata
 */
const char *
imgproc_s3_object_info_get_metadata_value (const ImgprocS3ObjectInfo *self,
                                           const char                *name)
{
  g_autofree char *lower = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  lower = g_ascii_strdown (name, -1);
  return g_hash_table_lookup (self->metadata, lower);
}

/**
 * imgproc_s3_object_info_get_server_side_encryption:
 * @self: the object facts
 *
 * Gives the server-side encryption S3 reported, such as `aws:kms` or `AES256`.
 *
 * Returns: (nullable): the encryption, if reported
 */
const char *
imgproc_s3_object_info_get_server_side_encryption (const ImgprocS3ObjectInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->server_side_encryption;
}

/**
 * imgproc_s3_object_info_get_kms_key_id:
 * @self: the object facts
 *
 * Gives the KMS key S3 reported for an SSE-KMS object.
 *
 * Returns: (nullable): the key id or ARN, if reported
 */
const char *
imgproc_s3_object_info_get_kms_key_id (const ImgprocS3ObjectInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->kms_key_id;
}

/**
 * imgproc_s3_object_info_get_version_id:
 * @self: the object facts
 *
 * Gives the object's version on a versioned bucket.
 *
 * Returns: (nullable): the version id, if any
 */
const char *
imgproc_s3_object_info_get_version_id (const ImgprocS3ObjectInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->version_id;
}
