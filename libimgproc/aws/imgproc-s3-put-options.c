/* The optional headers of an S3 upload. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-s3-private.h"

G_DEFINE_BOXED_TYPE (ImgprocS3PutOptions, imgproc_s3_put_options,
                     imgproc_s3_put_options_ref, imgproc_s3_put_options_unref)

/**
 * imgproc_s3_put_options_new:
 *
 * Makes empty upload options: no cache control, no metadata, no encryption
 * header, no checksum, and an upload that may overwrite.
 *
 * Returns: (transfer full): new options
 */
ImgprocS3PutOptions *
imgproc_s3_put_options_new (void)
{
  ImgprocS3PutOptions *self = g_new0 (ImgprocS3PutOptions, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->metadata_names = g_ptr_array_new_with_free_func (g_free);
  self->metadata_values = g_ptr_array_new_with_free_func (g_free);
  return self;
}

/**
 * imgproc_s3_put_options_ref:
 * @self: the options
 *
 * Takes a reference to @self.
 *
 * Returns: (transfer full): @self
 */
ImgprocS3PutOptions *
imgproc_s3_put_options_ref (ImgprocS3PutOptions *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * imgproc_s3_put_options_unref:
 * @self: (transfer full): the options
 *
 * Drops a reference to @self, freeing it with the last one.
 */
void
imgproc_s3_put_options_unref (ImgprocS3PutOptions *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->cache_control);
  g_ptr_array_unref (self->metadata_names);
  g_ptr_array_unref (self->metadata_values);
  g_free (self->kms_key_id);
  g_free (self);
}

/**
 * imgproc_s3_put_options_set_cache_control:
 * @self: the options
 * @cache_control: (nullable): a Cache-Control value, such as
 *   `public, max-age=31536000, immutable`
 *
 * Sets the Cache-Control that S3 stores and serves with the object.
 */
void
imgproc_s3_put_options_set_cache_control (ImgprocS3PutOptions *self,
                                          const char          *cache_control)
{
  g_return_if_fail (self != NULL);

  g_free (self->cache_control);
  self->cache_control = g_strdup (cache_control);
}

/**
 * imgproc_s3_put_options_add_metadata:
 * @self: the options
 * @name: the metadata name, without `x-amz-meta-`; S3 stores it in lower case
 * @value: the value, which should be ASCII
 *
 * Adds one item of user metadata, sent as an `x-amz-meta-NAME` header.
 */
void
imgproc_s3_put_options_add_metadata (ImgprocS3PutOptions *self,
                                     const char          *name,
                                     const char          *value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL && *name != '\0');
  g_return_if_fail (value != NULL);

  g_ptr_array_add (self->metadata_names, g_strdup (name));
  g_ptr_array_add (self->metadata_values, g_strdup (value));
}

/**
 * imgproc_s3_put_options_set_sse_kms:
 * @self: the options
 * @enabled: whether to ask for SSE-KMS encryption
 * @kms_key_id: (nullable): the KMS key id, alias or ARN; %NULL for the
 *   account's `aws/s3` managed key
 *
 * Asks S3 to encrypt the object with KMS (`x-amz-server-side-encryption:
 * aws:kms`). The caller needs `kms:GenerateDataKey` on the key.
 */
void
imgproc_s3_put_options_set_sse_kms (ImgprocS3PutOptions *self,
                                    gboolean             enabled,
                                    const char          *kms_key_id)
{
  g_return_if_fail (self != NULL);

  self->sse_kms = enabled;
  g_free (self->kms_key_id);
  self->kms_key_id = enabled ? g_strdup (kms_key_id) : NULL;
}

/**
 * imgproc_s3_put_options_set_checksum:
 * @self: the options
 * @checksum: the checksum to send
 *
 * Chooses the checksum of the body that S3 verifies before it stores the
 * object.
 */
void
imgproc_s3_put_options_set_checksum (ImgprocS3PutOptions *self,
                                     ImgprocS3Checksum    checksum)
{
  g_return_if_fail (self != NULL);

  self->checksum = checksum;
}

/**
 * imgproc_s3_put_options_set_create_only:
 * @self: the options
 * @create_only: whether the upload must not replace an existing object
 *
 * Sends `If-None-Match: *`, so that the upload fails with
 * %IMGPROC_AWS_ERROR_PRECONDITION_FAILED when the key already exists.
 */
void
imgproc_s3_put_options_set_create_only (ImgprocS3PutOptions *self,
                                        gboolean             create_only)
{
  g_return_if_fail (self != NULL);

  self->create_only = create_only;
}
