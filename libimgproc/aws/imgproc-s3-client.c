/* The S3 REST client. Keys are encoded once with SigV4's strict UriEncode and
 * never go through g_uri_parse, which would drop `.`/`..` segments. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-private.h"
#include "imgproc-aws-clients-private.h"
#include "imgproc-aws-error-private.h"
#include "imgproc-aws-xml-private.h"
#include "imgproc-s3-private.h"
#include "imgproc-signer-private.h"

#include <string.h>

/**
 * ImgprocS3Client:
 *
 * A client of S3's REST API: GetObject into memory with a size limit,
 * PutObject with metadata, SSE-KMS and a checksum, HeadObject, paged
 * ListObjectsV2 (from the first key or after a given one) and DeleteObject.
 * Keys may hold any character, `//` and unicode included. Addressing is
 * virtual-hosted unless the configuration, the bucket name or the endpoint
 * asks for path style, and a bucket that lives in another region is followed
 * there. Every call is retried per the AWS
 * "standard" mode; failures are in the %IMGPROC_AWS_ERROR domain.
 */
struct _ImgprocS3Client
{
  GObject parent_instance;

  ImgprocAwsClientSettings settings;
  ImgprocAwsClient *http;
  gboolean force_path_style;

  GMutex lock;
  GHashTable *bucket_regions;
};

G_DEFINE_FINAL_TYPE (ImgprocS3Client, imgproc_s3_client, G_TYPE_OBJECT)

static void
imgproc_s3_client_constructed (GObject *object)
{
  ImgprocS3Client *self = IMGPROC_S3_CLIENT (object);

  G_OBJECT_CLASS (imgproc_s3_client_parent_class)->constructed (object);

  self->http = imgproc_aws_client_new_from_settings (&self->settings, "s3", IMGPROC_SIGNER_FLAGS_S3);
  if (self->http != NULL)
    self->force_path_style = imgproc_aws_config_get_s3_force_path_style (self->settings.config);
}

static void
imgproc_s3_client_finalize (GObject *object)
{
  ImgprocS3Client *self = IMGPROC_S3_CLIENT (object);

  imgproc_aws_client_settings_clear (&self->settings);
  g_clear_pointer (&self->http, imgproc_aws_client_unref);
  g_hash_table_unref (self->bucket_regions);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (imgproc_s3_client_parent_class)->finalize (object);
}

static void
imgproc_s3_client_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ImgprocS3Client *self = IMGPROC_S3_CLIENT (object);

  if (!imgproc_aws_client_settings_get_property (&self->settings, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
imgproc_s3_client_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ImgprocS3Client *self = IMGPROC_S3_CLIENT (object);

  if (!imgproc_aws_client_settings_set_property (&self->settings, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
imgproc_s3_client_class_init (ImgprocS3ClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = imgproc_s3_client_constructed;
  object_class->finalize = imgproc_s3_client_finalize;
  object_class->get_property = imgproc_s3_client_get_property;
  object_class->set_property = imgproc_s3_client_set_property;

  /**
   * ImgprocS3Client:config:
   *
   * The region, endpoint, retry and TLS settings.
   */
  /**
   * ImgprocS3Client:credentials-provider:
   *
   * Where the credentials come from; when not set, the configuration's
   * default chain.
   */
  /**
   * ImgprocS3Client:connect-timeout:
   *
   * How long to wait for a connection, in seconds; 0 waits for ever.
   */
  /**
   * ImgprocS3Client:timeout:
   *
   * How long an answer may take once the request is sent, in seconds; 0 waits
   * for ever.
   */

  imgproc_aws_client_install_properties (object_class);
}

static void
imgproc_s3_client_init (ImgprocS3Client *self)
{
  g_mutex_init (&self->lock);
  self->bucket_regions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  imgproc_aws_client_settings_init (&self->settings);
}

/**
 * imgproc_s3_client_new:
 * @config: the region, endpoints and retry settings
 * @provider: (nullable): where credentials come from; %NULL for the default
 *   chain of @config
 *
 * Makes an S3 client. It keeps one HTTP session for all its requests, and may
 * be shared by everything that talks to S3.
 *
 * Returns: (transfer full): a new client
 */
ImgprocS3Client *
imgproc_s3_client_new (ImgprocAwsConfig           *config,
                       ImgprocCredentialsProvider *provider)
{
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (provider == NULL || IMGPROC_IS_CREDENTIALS_PROVIDER (provider), NULL);

  return g_object_new (IMGPROC_TYPE_S3_CLIENT, "config", config, "credentials-provider", provider, NULL);
}

ImgprocAwsClient *
imgproc_s3_client_get_http (ImgprocS3Client *self)
{
  return self->http;
}

typedef struct _S3Call S3Call;
typedef void (*S3ParseFunc) (GTask *task, ImgprocAwsResponse *response);

struct _S3Call
{
  char *method;
  char *bucket;
  char *key;
  char *query;
  GPtrArray *header_names;
  GPtrArray *header_values;
  char *content_type;
  GBytes *body;
  guint64 max_size;
  S3ParseFunc parse;
  gboolean redirected;
};

static void
s3_call_free (S3Call *call)
{
  g_free (call->method);
  g_free (call->bucket);
  g_free (call->key);
  g_free (call->query);
  g_ptr_array_unref (call->header_names);
  g_ptr_array_unref (call->header_values);
  g_free (call->content_type);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_free (call);
}

static GTask *
s3_task_new (ImgprocS3Client     *self,
             gpointer             source_tag,
             const char          *method,
             const char          *bucket,
             const char          *key,
             S3ParseFunc          parse,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  S3Call *call = g_new0 (S3Call, 1);

  g_task_set_source_tag (task, source_tag);
  call->method = g_strdup (method);
  call->bucket = g_strdup (bucket);
  call->key = g_strdup (key);
  call->header_names = g_ptr_array_new_with_free_func (g_free);
  call->header_values = g_ptr_array_new_with_free_func (g_free);
  call->max_size = G_MAXUINT64;
  call->parse = parse;
  g_task_set_task_data (task, call, (GDestroyNotify) s3_call_free);
  return task;
}

static void
s3_call_add_header (S3Call     *call,
                    const char *name,
                    const char *value)
{
  g_ptr_array_add (call->header_names, g_strdup (name));
  g_ptr_array_add (call->header_values, g_strdup (value));
}

static char *
bucket_region (ImgprocS3Client *self,
               const char      *bucket)
{
  char *region;

  g_mutex_lock (&self->lock);
  region = g_strdup (g_hash_table_lookup (self->bucket_regions, bucket));
  g_mutex_unlock (&self->lock);
  return region != NULL ? region : g_strdup (imgproc_aws_client_get_region (self->http));
}

static ImgprocAwsRequest *
build_request (ImgprocS3Client *self,
               S3Call          *call)
{
  g_autofree char *region = bucket_region (self, call->bucket);
  g_autoptr(GUri) regional_endpoint = NULL;
  GUri *endpoint = imgproc_aws_client_get_endpoint (self->http);
  g_autofree char *host = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *encoded_key = NULL;
  g_autofree char *path = NULL;
  ImgprocAwsRequest *request;
  gboolean path_style;

  if (g_strcmp0 (region, imgproc_aws_client_get_region (self->http)) != 0)
    {
      g_autofree char *uri = imgproc_aws_config_get_endpoint_for_region (self->settings.config, "s3", region);
      regional_endpoint = uri != NULL ? g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL) : NULL;
      if (regional_endpoint != NULL)
        endpoint = regional_endpoint;
    }
  if (endpoint == NULL)
    return imgproc_aws_request_new (self->http, call->method, "/", call->query);

  host = g_strdup (g_uri_get_host (endpoint));
  prefix = g_strdup (g_uri_get_path (endpoint));
  while (*prefix != '\0' && prefix[strlen (prefix) - 1] == '/')
    prefix[strlen (prefix) - 1] = '\0';
  encoded_key = call->key != NULL ? imgproc_aws_uri_encode_string (call->key, TRUE) : NULL;
  /* A bucket cannot be a subdomain of an IP address or of localhost, as
   * local emulators are reached. */
  path_style = self->force_path_style ||
               imgproc_aws_config_s3_bucket_needs_path_style (self->settings.config, call->bucket) ||
               g_hostname_is_ip_address (host) || g_ascii_strcasecmp (host, "localhost") == 0;

  if (path_style)
    {
      path = encoded_key != NULL ? g_strdup_printf ("%s/%s/%s", prefix, call->bucket, encoded_key)
                                 : g_strdup_printf ("%s/%s", prefix, call->bucket);
    }
  else
    {
      g_autofree char *bucket_host = g_strdup_printf ("%s.%s", call->bucket, host);
      g_free (host);
      host = g_steal_pointer (&bucket_host);
      path = g_strdup_printf ("%s/%s", prefix, encoded_key != NULL ? encoded_key : "");
    }

  request = imgproc_aws_request_new_for_host (call->method, g_uri_get_scheme (endpoint), host,
                                              g_uri_get_port (endpoint), path, call->query);
  imgproc_aws_request_set_region (request, region);
  for (guint i = 0; i < call->header_names->len; i++)
    imgproc_aws_request_add_header (request, g_ptr_array_index (call->header_names, i),
                                    g_ptr_array_index (call->header_values, i));
  if (call->body != NULL)
    imgproc_aws_request_set_body (request, call->content_type, call->body);
  imgproc_aws_request_set_max_response_size (request, call->max_size);
  return request;
}

static void s3_call_send (GTask *task);

/* botocore's S3RegionRedirector: a 301, a 400 with `<Region>`, or a HEAD
 * refused with `x-amz-bucket-region` names the bucket's region; re-sign for it
 * and try once more. */
static gboolean
follow_region_redirect (GTask  *task,
                        GError *error)
{
  ImgprocS3Client *self = g_task_get_source_object (task);
  S3Call *call = g_task_get_task_data (task);
  g_autoptr(ImgprocAwsErrorDetails) details = NULL;
  g_autofree char *current = NULL;
  const char *region;
  guint status;

  if (call->redirected || error->domain != IMGPROC_AWS_ERROR)
    return FALSE;
  details = imgproc_aws_error_get_details (error);
  if (details == NULL)
    return FALSE;
  region = imgproc_aws_error_details_get_region (details);
  status = imgproc_aws_error_details_get_status (details);
  current = bucket_region (self, call->bucket);
  if (region == NULL || g_strcmp0 (region, current) == 0 ||
      !(status == 301 || status == 302 || status == 307 || status == 400))
    return FALSE;

  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->bucket_regions, g_strdup (call->bucket), g_strdup (region));
  g_mutex_unlock (&self->lock);
  call->redirected = TRUE;
  return TRUE;
}

static void
on_s3_sent (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  ImgprocS3Client *self = g_task_get_source_object (task);
  S3Call *call = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(ImgprocAwsResponse) response = imgproc_aws_client_send_finish (self->http, result, &error);

  if (response == NULL)
    {
      if (follow_region_redirect (task, error))
        {
          g_error_free (error);
          s3_call_send (task);
          return;
        }
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  call->parse (task, response);
  g_object_unref (task);
}

static void
s3_call_send (GTask *task)
{
  ImgprocS3Client *self = g_task_get_source_object (task);
  S3Call *call = g_task_get_task_data (task);

  imgproc_aws_client_send_async (self->http, build_request (self, call), g_task_get_cancellable (task),
                                 on_s3_sent, task);
}

typedef struct
{
  GBytes *body;
  ImgprocS3ObjectInfo *info;
} GetResult;

static void
get_result_free (GetResult *result)
{
  g_clear_pointer (&result->body, g_bytes_unref);
  g_clear_pointer (&result->info, imgproc_s3_object_info_unref);
  g_free (result);
}

static void
parse_get_object (GTask              *task,
                  ImgprocAwsResponse *response)
{
  S3Call *call = g_task_get_task_data (task);
  GetResult *result = g_new0 (GetResult, 1);

  result->body = g_bytes_ref (response->body);
  result->info = imgproc_s3_object_info_new_from_headers (call->key, response->headers);
  result->info->size = g_bytes_get_size (response->body);
  g_task_return_pointer (task, result, (GDestroyNotify) get_result_free);
}

/**
 * imgproc_s3_client_get_object_async:
 * @self: the client
 * @bucket: the bucket
 * @key: the object's key, unencoded
 * @max_size: the largest body to accept, in bytes; 0 for no limit
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the object has been read
 * @user_data: data for @callback
 *
 * Downloads an object into memory. A body larger than @max_size fails with
 * %IMGPROC_AWS_ERROR_TOO_LARGE, checked from Content-Length before the body is
 * read and again while it is read.
 */
void
imgproc_s3_client_get_object_async (ImgprocS3Client     *self,
                                    const char          *bucket,
                                    const char          *key,
                                    guint64              max_size,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;
  S3Call *call;

  g_return_if_fail (IMGPROC_IS_S3_CLIENT (self));
  g_return_if_fail (bucket != NULL && key != NULL);

  task = s3_task_new (self, imgproc_s3_client_get_object_async, "GET", bucket, key,
                      parse_get_object, cancellable, callback, user_data);
  call = g_task_get_task_data (task);
  call->max_size = max_size > 0 ? max_size : G_MAXUINT64;
  s3_call_send (task);
}

/**
 * imgproc_s3_client_get_object_finish:
 * @self: the client
 * @result: the result passed to the callback
 * @info: (out) (optional) (transfer full): the object's facts
 * @error: return location for an error
 *
 * Finishes [method@Imgproc.S3Client.get_object_async].
 *
 * Returns: (transfer full): the object's bytes, or %NULL on error
 */
GBytes *
imgproc_s3_client_get_object_finish (ImgprocS3Client      *self,
                                     GAsyncResult         *result,
                                     ImgprocS3ObjectInfo **info,
                                     GError              **error)
{
  GetResult *get;
  GBytes *body;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == imgproc_s3_client_get_object_async, NULL);

  get = g_task_propagate_pointer (G_TASK (result), error);
  if (get == NULL)
    return NULL;
  body = g_steal_pointer (&get->body);
  if (info != NULL)
    *info = g_steal_pointer (&get->info);
  get_result_free (get);
  return body;
}

/**
 * imgproc_s3_client_get_object_sync:
 * @self: the client
 * @bucket: the bucket
 * @key: the object's key, unencoded
 * @max_size: the largest body to accept, in bytes; 0 for no limit
 * @info: (out) (optional) (transfer full): the object's facts
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Downloads an object into memory, blocking; see
 * [method@Imgproc.S3Client.get_object_async].
 *
 * Returns: (transfer full): the object's bytes, or %NULL on error
 */
GBytes *
imgproc_s3_client_get_object_sync (ImgprocS3Client      *self,
                                   const char           *bucket,
                                   const char           *key,
                                   guint64               max_size,
                                   ImgprocS3ObjectInfo **info,
                                   GCancellable         *cancellable,
                                   GError              **error)
{
  ImgprocAwsSyncCall call;
  GBytes *body;

  imgproc_aws_sync_call_begin (&call);
  imgproc_s3_client_get_object_async (self, bucket, key, max_size, cancellable,
                                      imgproc_aws_sync_call_callback, &call);
  body = imgproc_s3_client_get_object_finish (self, imgproc_aws_sync_call_wait (&call), info, error);
  imgproc_aws_sync_call_end (&call);
  return body;
}

static void
parse_put_object (GTask              *task,
                  ImgprocAwsResponse *response)
{
  g_task_return_pointer (task, g_strdup (soup_message_headers_get_one (response->headers, "ETag")), g_free);
}

static char *
base64_digest (GChecksumType  type,
               GBytes        *body)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (type);
  guint8 digest[64];
  gsize length = sizeof digest;
  gsize size;
  const guchar *data = g_bytes_get_data (body, &size);

  if (size > 0)
    g_checksum_update (checksum, data, size);
  g_checksum_get_digest (checksum, digest, &length);
  return g_base64_encode (digest, length);
}

/**
 * imgproc_s3_client_put_object_async:
 * @self: the client
 * @bucket: the bucket
 * @key: the object's key, unencoded
 * @body: the object's bytes
 * @content_type: (nullable): the Content-Type to store
 * @options: (nullable): cache control, metadata, encryption and checksum
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the object is stored
 * @user_data: data for @callback
 *
 * Uploads an object in one request (up to 5 GB, as S3 allows).
 */
void
imgproc_s3_client_put_object_async (ImgprocS3Client     *self,
                                    const char          *bucket,
                                    const char          *key,
                                    GBytes              *body,
                                    const char          *content_type,
                                    ImgprocS3PutOptions *options,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;
  S3Call *call;

  g_return_if_fail (IMGPROC_IS_S3_CLIENT (self));
  g_return_if_fail (bucket != NULL && key != NULL && body != NULL);

  task = s3_task_new (self, imgproc_s3_client_put_object_async, "PUT", bucket, key,
                      parse_put_object, cancellable, callback, user_data);
  call = g_task_get_task_data (task);
  call->body = g_bytes_ref (body);
  call->content_type = g_strdup (content_type);
  if (options != NULL)
    {
      if (options->cache_control != NULL)
        s3_call_add_header (call, "Cache-Control", options->cache_control);
      for (guint i = 0; i < options->metadata_names->len; i++)
        {
          g_autofree char *name = g_strconcat ("x-amz-meta-", g_ptr_array_index (options->metadata_names, i), NULL);
          s3_call_add_header (call, name, g_ptr_array_index (options->metadata_values, i));
        }
      if (options->sse_kms)
        {
          s3_call_add_header (call, "x-amz-server-side-encryption", "aws:kms");
          if (options->kms_key_id != NULL)
            s3_call_add_header (call, "x-amz-server-side-encryption-aws-kms-key-id", options->kms_key_id);
        }
      if (options->checksum == IMGPROC_S3_CHECKSUM_MD5)
        {
          g_autofree char *digest = base64_digest (G_CHECKSUM_MD5, body);
          s3_call_add_header (call, "Content-MD5", digest);
        }
      else if (options->checksum == IMGPROC_S3_CHECKSUM_SHA256)
        {
          g_autofree char *digest = base64_digest (G_CHECKSUM_SHA256, body);
          s3_call_add_header (call, "x-amz-checksum-sha256", digest);
        }
      if (options->create_only)
        s3_call_add_header (call, "If-None-Match", "*");
    }
  s3_call_send (task);
}

/**
 * imgproc_s3_client_put_object_finish:
 * @self: the client
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@Imgproc.S3Client.put_object_async].
 *
 * Returns: (transfer full) (nullable): the stored object's ETag, quotes
 *   included, or %NULL on error (and when S3 sent none)
 */
char *
imgproc_s3_client_put_object_finish (ImgprocS3Client  *self,
                                     GAsyncResult     *result,
                                     GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == imgproc_s3_client_put_object_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * imgproc_s3_client_put_object_sync:
 * @self: the client
 * @bucket: the bucket
 * @key: the object's key, unencoded
 * @body: the object's bytes
 * @content_type: (nullable): the Content-Type to store
 * @options: (nullable): cache control, metadata, encryption and checksum
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Uploads an object, blocking; see [method@Imgproc.S3Client.put_object_async].
 *
 * Returns: (transfer full) (nullable): the stored object's ETag, or %NULL on
 *   error
 */
char *
imgproc_s3_client_put_object_sync (ImgprocS3Client      *self,
                                   const char           *bucket,
                                   const char           *key,
                                   GBytes               *body,
                                   const char           *content_type,
                                   ImgprocS3PutOptions  *options,
                                   GCancellable         *cancellable,
                                   GError              **error)
{
  ImgprocAwsSyncCall call;
  char *etag;

  imgproc_aws_sync_call_begin (&call);
  imgproc_s3_client_put_object_async (self, bucket, key, body, content_type, options, cancellable,
                                      imgproc_aws_sync_call_callback, &call);
  etag = imgproc_s3_client_put_object_finish (self, imgproc_aws_sync_call_wait (&call), error);
  imgproc_aws_sync_call_end (&call);
  return etag;
}

static void
parse_head_object (GTask              *task,
                   ImgprocAwsResponse *response)
{
  S3Call *call = g_task_get_task_data (task);

  g_task_return_pointer (task, imgproc_s3_object_info_new_from_headers (call->key, response->headers),
                         (GDestroyNotify) imgproc_s3_object_info_unref);
}

/**
 * imgproc_s3_client_head_object_async:
 * @self: the client
 * @bucket: the bucket
 * @key: the object's key, unencoded
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the object's facts
 * @user_data: data for @callback
 *
 * Reads an object's facts without its body. A missing object fails with
 * %IMGPROC_AWS_ERROR_NOT_FOUND (or %IMGPROC_AWS_ERROR_ACCESS_DENIED when the
 * caller may not list the bucket).
 */
void
imgproc_s3_client_head_object_async (ImgprocS3Client     *self,
                                     const char          *bucket,
                                     const char          *key,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (IMGPROC_IS_S3_CLIENT (self));
  g_return_if_fail (bucket != NULL && key != NULL);

  s3_call_send (s3_task_new (self, imgproc_s3_client_head_object_async, "HEAD", bucket, key,
                             parse_head_object, cancellable, callback, user_data));
}

/**
 * imgproc_s3_client_head_object_finish:
 * @self: the client
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@Imgproc.S3Client.head_object_async].
 *
 * Returns: (transfer full): the object's facts, or %NULL on error
 */
ImgprocS3ObjectInfo *
imgproc_s3_client_head_object_finish (ImgprocS3Client  *self,
                                      GAsyncResult     *result,
                                      GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == imgproc_s3_client_head_object_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * imgproc_s3_client_head_object_sync:
 * @self: the client
 * @bucket: the bucket
 * @key: the object's key, unencoded
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Reads an object's facts, blocking; see
 * [method@Imgproc.S3Client.head_object_async].
 *
 * Returns: (transfer full): the object's facts, or %NULL on error
 */
ImgprocS3ObjectInfo *
imgproc_s3_client_head_object_sync (ImgprocS3Client  *self,
                                    const char       *bucket,
                                    const char       *key,
                                    GCancellable     *cancellable,
                                    GError          **error)
{
  ImgprocAwsSyncCall call;
  ImgprocS3ObjectInfo *info;

  imgproc_aws_sync_call_begin (&call);
  imgproc_s3_client_head_object_async (self, bucket, key, cancellable, imgproc_aws_sync_call_callback, &call);
  info = imgproc_s3_client_head_object_finish (self, imgproc_aws_sync_call_wait (&call), error);
  imgproc_aws_sync_call_end (&call);
  return info;
}

static void
parse_delete_object (GTask              *task,
                     ImgprocAwsResponse *response)
{
  g_task_return_boolean (task, TRUE);
}

/**
 * imgproc_s3_client_delete_object_async:
 * @self: the client
 * @bucket: the bucket
 * @key: the object's key, unencoded
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the object is gone
 * @user_data: data for @callback
 *
 * Deletes an object. Deleting a key that does not exist succeeds, as in S3.
 */
void
imgproc_s3_client_delete_object_async (ImgprocS3Client     *self,
                                       const char          *bucket,
                                       const char          *key,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (IMGPROC_IS_S3_CLIENT (self));
  g_return_if_fail (bucket != NULL && key != NULL);

  s3_call_send (s3_task_new (self, imgproc_s3_client_delete_object_async, "DELETE", bucket, key,
                             parse_delete_object, cancellable, callback, user_data));
}

/**
 * imgproc_s3_client_delete_object_finish:
 * @self: the client
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@Imgproc.S3Client.delete_object_async].
 *
 * Returns: %TRUE if the object was deleted
 */
gboolean
imgproc_s3_client_delete_object_finish (ImgprocS3Client  *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == imgproc_s3_client_delete_object_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * imgproc_s3_client_delete_object_sync:
 * @self: the client
 * @bucket: the bucket
 * @key: the object's key, unencoded
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Deletes an object, blocking; see
 * [method@Imgproc.S3Client.delete_object_async].
 *
 * Returns: %TRUE if the object was deleted
 */
gboolean
imgproc_s3_client_delete_object_sync (ImgprocS3Client  *self,
                                      const char       *bucket,
                                      const char       *key,
                                      GCancellable     *cancellable,
                                      GError          **error)
{
  ImgprocAwsSyncCall call;
  gboolean ok;

  imgproc_aws_sync_call_begin (&call);
  imgproc_s3_client_delete_object_async (self, bucket, key, cancellable, imgproc_aws_sync_call_callback, &call);
  ok = imgproc_s3_client_delete_object_finish (self, imgproc_aws_sync_call_wait (&call), error);
  imgproc_aws_sync_call_end (&call);
  return ok;
}

typedef struct
{
  GPtrArray *objects;
  char *next_token;
} ListResult;

static void
list_result_free (ListResult *result)
{
  g_clear_pointer (&result->objects, g_ptr_array_unref);
  g_free (result->next_token);
  g_free (result);
}

static void
parse_list_objects (GTask              *task,
                    ImgprocAwsResponse *response)
{
  gsize length;
  const char *data = g_bytes_get_data (response->body, &length);
  g_autoptr(ImgprocAwsXmlNode) root = NULL;
  GError *error = NULL;
  ListResult *result;

  root = data != NULL ? imgproc_aws_xml_parse (data, length, &error) : NULL;
  if (root == NULL || !g_str_equal (root->name, "ListBucketResult"))
    {
      g_task_return_new_error (task, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_INVALID_RESPONSE,
                               _("S3 sent an unreadable object listing: %s"),
                               error != NULL ? error->message : _("no ListBucketResult"));
      g_clear_error (&error);
      return;
    }

  result = g_new0 (ListResult, 1);
  result->objects = g_ptr_array_new_with_free_func ((GDestroyNotify) imgproc_s3_object_info_unref);
  for (guint i = 0; i < root->children->len; i++)
    {
      ImgprocAwsXmlNode *entry = g_ptr_array_index (root->children, i);
      const char *key, *size, *modified;
      ImgprocS3ObjectInfo *info;

      if (!g_str_equal (entry->name, "Contents"))
        continue;
      key = imgproc_aws_xml_node_child_text (entry, "Key");
      if (key == NULL)
        continue;
      info = imgproc_s3_object_info_new (key);
      size = imgproc_aws_xml_node_child_text (entry, "Size");
      modified = imgproc_aws_xml_node_child_text (entry, "LastModified");
      if (size != NULL)
        info->size = g_ascii_strtoull (size, NULL, 10);
      info->etag = g_strdup (imgproc_aws_xml_node_child_text (entry, "ETag"));
      if (modified != NULL)
        info->last_modified = g_date_time_new_from_iso8601 (modified, NULL);
      g_ptr_array_add (result->objects, info);
    }
  if (g_strcmp0 (imgproc_aws_xml_node_child_text (root, "IsTruncated"), "true") == 0)
    result->next_token = g_strdup (imgproc_aws_xml_node_child_text (root, "NextContinuationToken"));
  g_task_return_pointer (task, result, (GDestroyNotify) list_result_free);
}

static void
append_query_parameter (GString    *query,
                        const char *name,
                        const char *value)
{
  g_autofree char *encoded = NULL;

  if (value == NULL)
    return;
  encoded = imgproc_aws_uri_encode_string (value, FALSE);
  g_string_append_printf (query, "&%s=%s", name, encoded);
}

static void
list_objects_start (ImgprocS3Client     *self,
                    gpointer             source_tag,
                    const char          *bucket,
                    const char          *prefix,
                    const char          *start_after,
                    const char          *continuation_token,
                    guint                max_keys,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task = s3_task_new (self, source_tag, "GET", bucket, NULL,
                             parse_list_objects, cancellable, callback, user_data);
  S3Call *call = g_task_get_task_data (task);
  GString *query = g_string_new ("list-type=2");

  append_query_parameter (query, "continuation-token", continuation_token);
  if (max_keys > 0)
    g_string_append_printf (query, "&max-keys=%u", max_keys);
  append_query_parameter (query, "prefix", prefix);
  append_query_parameter (query, "start-after", start_after);
  call->query = g_string_free (query, FALSE);
  s3_call_send (task);
}

static GPtrArray *
list_objects_finish (GAsyncResult  *result,
                     char         **next_continuation_token,
                     GError       **error)
{
  ListResult *list = g_task_propagate_pointer (G_TASK (result), error);
  GPtrArray *objects;

  if (list == NULL)
    return NULL;
  objects = g_steal_pointer (&list->objects);
  if (next_continuation_token != NULL)
    *next_continuation_token = g_steal_pointer (&list->next_token);
  list_result_free (list);
  return objects;
}

/**
 * imgproc_s3_client_list_objects_async:
 * @self: the client
 * @bucket: the bucket
 * @prefix: (nullable): list only keys that start with this
 * @continuation_token: (nullable): the token of the previous page, or %NULL
 *   for the first page
 * @max_keys: the most keys in one page; 0 for S3's default (1000)
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with one page of keys
 * @user_data: data for @callback
 *
 * Lists one page of keys with ListObjectsV2. Pass the token of one page to get
 * the next; the last page has none. To start after a given key, use
 * [method@Imgproc.S3Client.list_objects_after_async].
 */
void
imgproc_s3_client_list_objects_async (ImgprocS3Client     *self,
                                      const char          *bucket,
                                      const char          *prefix,
                                      const char          *continuation_token,
                                      guint                max_keys,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (IMGPROC_IS_S3_CLIENT (self));
  g_return_if_fail (bucket != NULL);

  list_objects_start (self, imgproc_s3_client_list_objects_async, bucket, prefix, NULL,
                      continuation_token, max_keys, cancellable, callback, user_data);
}

/**
 * imgproc_s3_client_list_objects_finish:
 * @self: the client
 * @result: the result passed to the callback
 * @next_continuation_token: (out) (optional) (nullable) (transfer full): the
 *   token of the next page, or %NULL on the last page
 * @error: return location for an error
 *
 * Finishes [method@Imgproc.S3Client.list_objects_async]. The entries carry
 * key, size, ETag and last modification.
 *
 * Returns: (transfer container) (element-type ImgprocS3ObjectInfo): the
 *   page's objects, or %NULL on error
 */
GPtrArray *
imgproc_s3_client_list_objects_finish (ImgprocS3Client  *self,
                                       GAsyncResult     *result,
                                       char            **next_continuation_token,
                                       GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == imgproc_s3_client_list_objects_async, NULL);

  return list_objects_finish (result, next_continuation_token, error);
}

/**
 * imgproc_s3_client_list_objects_sync:
 * @self: the client
 * @bucket: the bucket
 * @prefix: (nullable): list only keys that start with this
 * @continuation_token: (nullable): the token of the previous page, or %NULL
 * @max_keys: the most keys in one page; 0 for S3's default
 * @next_continuation_token: (out) (optional) (nullable) (transfer full): the
 *   token of the next page, or %NULL on the last page
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Lists one page of keys, blocking; see
 * [method@Imgproc.S3Client.list_objects_async].
 *
 * Returns: (transfer container) (element-type ImgprocS3ObjectInfo): the
 *   page's objects, or %NULL on error
 */
GPtrArray *
imgproc_s3_client_list_objects_sync (ImgprocS3Client  *self,
                                     const char       *bucket,
                                     const char       *prefix,
                                     const char       *continuation_token,
                                     guint             max_keys,
                                     char            **next_continuation_token,
                                     GCancellable     *cancellable,
                                     GError          **error)
{
  return imgproc_s3_client_list_objects_after_sync (self, bucket, prefix, NULL, continuation_token, max_keys,
                                                    next_continuation_token, cancellable, error);
}

/**
 * imgproc_s3_client_list_objects_after_async:
 * @self: the client
 * @bucket: the bucket
 * @prefix: (nullable): list only keys that start with this
 * @start_after: (nullable): list only keys that sort after this one, in the
 *   order of their UTF-8 bytes; it need not exist. %NULL starts at the first
 *   key
 * @continuation_token: (nullable): the token of the previous page, or %NULL
 *   for the first page
 * @max_keys: the most keys in one page; 0 for S3's default (1000)
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with one page of keys
 * @user_data: data for @callback
 *
 * Lists one page of keys with ListObjectsV2, from the key after @start_after
 * on: a listing that stopped at a key resumes there without listing again
 * the keys before it. Pass the token of one page to get the next (S3 then
 * ignores @start_after); the last page has none.
 */
void
imgproc_s3_client_list_objects_after_async (ImgprocS3Client     *self,
                                            const char          *bucket,
                                            const char          *prefix,
                                            const char          *start_after,
                                            const char          *continuation_token,
                                            guint                max_keys,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_return_if_fail (IMGPROC_IS_S3_CLIENT (self));
  g_return_if_fail (bucket != NULL);

  list_objects_start (self, imgproc_s3_client_list_objects_after_async, bucket, prefix, start_after,
                      continuation_token, max_keys, cancellable, callback, user_data);
}

/**
 * imgproc_s3_client_list_objects_after_finish:
 * @self: the client
 * @result: the result passed to the callback
 * @next_continuation_token: (out) (optional) (nullable) (transfer full): the
 *   token of the next page, or %NULL on the last page
 * @error: return location for an error
 *
 * Finishes [method@Imgproc.S3Client.list_objects_after_async]. The entries
 * carry key, size, ETag and last modification.
 *
 * Returns: (transfer container) (element-type ImgprocS3ObjectInfo): the
 *   page's objects, or %NULL on error
 */
GPtrArray *
imgproc_s3_client_list_objects_after_finish (ImgprocS3Client  *self,
                                             GAsyncResult     *result,
                                             char            **next_continuation_token,
                                             GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == imgproc_s3_client_list_objects_after_async,
                        NULL);

  return list_objects_finish (result, next_continuation_token, error);
}

/**
 * imgproc_s3_client_list_objects_after_sync:
 * @self: the client
 * @bucket: the bucket
 * @prefix: (nullable): list only keys that start with this
 * @start_after: (nullable): list only keys that sort after this one; %NULL
 *   starts at the first key
 * @continuation_token: (nullable): the token of the previous page, or %NULL
 * @max_keys: the most keys in one page; 0 for S3's default
 * @next_continuation_token: (out) (optional) (nullable) (transfer full): the
 *   token of the next page, or %NULL on the last page
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Lists one page of keys after a given key, blocking; see
 * [method@Imgproc.S3Client.list_objects_after_async].
 *
 * Returns: (transfer container) (element-type ImgprocS3ObjectInfo): the
 *   page's objects, or %NULL on error
 */
GPtrArray *
imgproc_s3_client_list_objects_after_sync (ImgprocS3Client  *self,
                                           const char       *bucket,
                                           const char       *prefix,
                                           const char       *start_after,
                                           const char       *continuation_token,
                                           guint             max_keys,
                                           char            **next_continuation_token,
                                           GCancellable     *cancellable,
                                           GError          **error)
{
  ImgprocAwsSyncCall call;
  GPtrArray *objects;

  imgproc_aws_sync_call_begin (&call);
  imgproc_s3_client_list_objects_after_async (self, bucket, prefix, start_after, continuation_token, max_keys,
                                              cancellable, imgproc_aws_sync_call_callback, &call);
  objects = imgproc_s3_client_list_objects_after_finish (self, imgproc_aws_sync_call_wait (&call),
                                                         next_continuation_token, error);
  imgproc_aws_sync_call_end (&call);
  return objects;
}
