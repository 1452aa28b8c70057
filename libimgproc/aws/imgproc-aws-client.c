/* The HTTP core of the AWS clients. Every attempt loads credentials (a cache
 * makes that cheap), is signed afresh and gets its own deadline; failures are
 * retried per AWS's "standard" mode. */
#include "config.h"

#include <inttypes.h>

#include "imgproc.h"
#include "imgproc-private.h"
#include "imgproc-aws-client-private.h"
#include "imgproc-aws-error-private.h"
#include "imgproc-aws-proxy-private.h"
#include "imgproc-signer-private.h"

#include <string.h>
#include <zlib.h>

#define RETRY_QUOTA_CAPACITY 500
#define RETRY_COST 5
#define RETRY_TIMEOUT_COST 10
#define ERROR_BODY_LIMIT (1024 * 1024)
#define SKEW_THRESHOLD (4 * G_TIME_SPAN_MINUTE)
#define READ_CHUNK 65536
#define PRESIZE_MAX (G_GUINT64_CONSTANT (256) * 1024 * 1024)
#define MAX_CONNECTIONS 32

struct _ImgprocAwsClient
{
  gatomicrefcount ref_count;
  ImgprocCredentialsProvider *provider;
  SoupSession *session;
  GError *setup_error;
  /* The CA bundle is loaded at the first https request, not at
   * construction: loading starts the TLS backend and parses every
   * certificate, which a start need not wait for, and http never needs. */
  char *ca_file;
  gboolean tls_database_set;
  GUri *endpoint;
  char *region;
  char *service;
  ImgprocSignerFlags flags;

  GMutex lock;
  /* Region to ImgprocSigner, so that each signer's cached signing key
   * serves every request to that region. */
  GHashTable *signers;
  guint connect_ms;
  guint read_ms;
  guint max_attempts;
  guint base_ms;
  guint throttling_base_ms;
  guint cap_ms;
  guint quota;
  GTimeSpan clock_offset;
};

struct _ImgprocAwsRequest
{
  char *method;
  char *scheme;
  char *host;
  int port;
  char *path;
  char *query;
  char *region;
  GPtrArray *header_names;
  GPtrArray *header_values;
  char *content_type;
  GBytes *body;
  guint64 max_response_size;
  guint extra_timeout_ms;
  gboolean verify_crc32;
};

ImgprocAwsClient *
imgproc_aws_client_new (ImgprocAwsConfig           *config,
                        ImgprocCredentialsProvider *provider,
                        const char                 *service,
                        ImgprocSignerFlags          flags)
{
  ImgprocAwsClient *self = g_new0 (ImgprocAwsClient, 1);
  g_autofree char *endpoint = imgproc_aws_config_get_endpoint (config, service);
  const char *ca_file = imgproc_aws_config_get_ca_file (config);
  g_autofree char *user_agent = g_strdup_printf ("imgproc/%s", imgproc_get_version ());
  GError *error = NULL;

  g_atomic_ref_count_init (&self->ref_count);
  self->provider = g_object_ref (provider);
  self->region = g_strdup (imgproc_aws_config_get_region (config));
  self->service = g_strdup (service);
  self->flags = flags;
  self->endpoint = endpoint != NULL ? g_uri_parse (endpoint, G_URI_FLAGS_ENCODED, &error) : NULL;
  if (self->endpoint == NULL)
    {
      /* A bad endpoint is reported by every request, not at construction,
       * so that a client can always be made. */
      self->setup_error = error != NULL ? error :
        g_error_new (IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_FAILED, "no endpoint for %s", service);
    }

  /* SoupContentDecoder would add Accept-Encoding and decompress, and
   * DynamoDB's x-amz-crc32 is computed over the bytes as sent. libsoup's
   * default of 2 connections per host would queue a service's concurrent
   * GetObjects and PutObjects behind each other; the SDKs pool 10 to 50. */
  self->session = soup_session_new_with_options ("user-agent", user_agent,
                                                 "timeout", 0,
                                                 "max-conns", MAX_CONNECTIONS,
                                                 "max-conns-per-host", MAX_CONNECTIONS,
                                                 "proxy-resolver", imgproc_aws_proxy_resolver_get_default (),
                                                 NULL);
  soup_session_remove_feature_by_type (self->session, SOUP_TYPE_CONTENT_DECODER);
  self->ca_file = g_strdup (ca_file);

  g_mutex_init (&self->lock);
  self->signers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->connect_ms = IMGPROC_AWS_DEFAULT_CONNECT_TIMEOUT * 1000;
  self->read_ms = IMGPROC_AWS_DEFAULT_TIMEOUT * 1000;
  self->max_attempts = MAX (imgproc_aws_config_get_max_attempts (config), 1);
  /* The bases AWS announced for the 2026 standard mode (wire notes §7.3). */
  self->base_ms = 50;
  self->throttling_base_ms = 1000;
  self->cap_ms = 20000;
  self->quota = RETRY_QUOTA_CAPACITY;
  return self;
}

ImgprocAwsClient *
imgproc_aws_client_ref (ImgprocAwsClient *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
imgproc_aws_client_unref (ImgprocAwsClient *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_object_unref (self->provider);
  g_object_unref (self->session);
  g_clear_error (&self->setup_error);
  g_free (self->ca_file);
  g_clear_pointer (&self->endpoint, g_uri_unref);
  g_free (self->region);
  g_free (self->service);
  g_hash_table_unref (self->signers);
  g_mutex_clear (&self->lock);
  g_free (self);
}

/* Each class gets pspecs of its own: a GParamSpec has one owner type. */
void
imgproc_aws_client_install_properties (GObjectClass *object_class)
{
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                      G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  g_object_class_install_property (object_class, IMGPROC_AWS_CLIENT_PROP_CONFIG,
                                   g_param_spec_object ("config", NULL, NULL,
                                                        IMGPROC_TYPE_AWS_CONFIG, flags));
  g_object_class_install_property (object_class, IMGPROC_AWS_CLIENT_PROP_CREDENTIALS_PROVIDER,
                                   g_param_spec_object ("credentials-provider", NULL, NULL,
                                                        IMGPROC_TYPE_CREDENTIALS_PROVIDER, flags));
  g_object_class_install_property (object_class, IMGPROC_AWS_CLIENT_PROP_CONNECT_TIMEOUT,
                                   g_param_spec_uint ("connect-timeout", NULL, NULL, 0, G_MAXUINT / 1000,
                                                      IMGPROC_AWS_DEFAULT_CONNECT_TIMEOUT, flags));
  g_object_class_install_property (object_class, IMGPROC_AWS_CLIENT_PROP_TIMEOUT,
                                   g_param_spec_uint ("timeout", NULL, NULL, 0, G_MAXUINT / 1000,
                                                      IMGPROC_AWS_DEFAULT_TIMEOUT, flags));
}

void
imgproc_aws_client_settings_init (ImgprocAwsClientSettings *settings)
{
  settings->config = NULL;
  settings->provider = NULL;
  settings->connect_timeout = IMGPROC_AWS_DEFAULT_CONNECT_TIMEOUT;
  settings->timeout = IMGPROC_AWS_DEFAULT_TIMEOUT;
}

void
imgproc_aws_client_settings_clear (ImgprocAwsClientSettings *settings)
{
  g_clear_object (&settings->config);
  g_clear_object (&settings->provider);
}

gboolean
imgproc_aws_client_settings_get_property (ImgprocAwsClientSettings *settings,
                                          guint                     prop_id,
                                          GValue                   *value)
{
  switch (prop_id)
    {
    case IMGPROC_AWS_CLIENT_PROP_CONFIG:
      g_value_set_object (value, settings->config);
      return TRUE;
    case IMGPROC_AWS_CLIENT_PROP_CREDENTIALS_PROVIDER:
      g_value_set_object (value, settings->provider);
      return TRUE;
    case IMGPROC_AWS_CLIENT_PROP_CONNECT_TIMEOUT:
      g_value_set_uint (value, settings->connect_timeout);
      return TRUE;
    case IMGPROC_AWS_CLIENT_PROP_TIMEOUT:
      g_value_set_uint (value, settings->timeout);
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
imgproc_aws_client_settings_set_property (ImgprocAwsClientSettings *settings,
                                          guint                     prop_id,
                                          const GValue             *value)
{
  switch (prop_id)
    {
    case IMGPROC_AWS_CLIENT_PROP_CONFIG:
      g_set_object (&settings->config, g_value_get_object (value));
      return TRUE;
    case IMGPROC_AWS_CLIENT_PROP_CREDENTIALS_PROVIDER:
      g_set_object (&settings->provider, g_value_get_object (value));
      return TRUE;
    case IMGPROC_AWS_CLIENT_PROP_CONNECT_TIMEOUT:
      settings->connect_timeout = g_value_get_uint (value);
      return TRUE;
    case IMGPROC_AWS_CLIENT_PROP_TIMEOUT:
      settings->timeout = g_value_get_uint (value);
      return TRUE;
    default:
      return FALSE;
    }
}

/* For a client's constructed(): with no provider given, the configuration's
 * default chain is made here and kept in @settings, so that the property
 * reads back what is used. */
ImgprocAwsClient *
imgproc_aws_client_new_from_settings (ImgprocAwsClientSettings *settings,
                                      const char               *service,
                                      ImgprocSignerFlags        flags)
{
  ImgprocAwsClient *client;

  g_return_val_if_fail (settings->config != NULL, NULL);

  if (settings->provider == NULL)
    settings->provider = imgproc_aws_config_create_default_provider (settings->config);
  client = imgproc_aws_client_new (settings->config, settings->provider, service, flags);
  imgproc_aws_client_set_timeouts (client, settings->connect_timeout * 1000, settings->timeout * 1000);
  return client;
}

const char *
imgproc_aws_client_get_region (ImgprocAwsClient *self)
{
  return self->region;
}

SoupSession *
imgproc_aws_client_get_session (ImgprocAwsClient *self)
{
  return self->session;
}

GUri *
imgproc_aws_client_get_endpoint (ImgprocAwsClient *self)
{
  return self->endpoint;
}

/* A signer may be shared between threads: it guards its key cache itself. */
ImgprocSigner *
imgproc_aws_client_get_signer (ImgprocAwsClient *self,
                               const char       *region)
{
  ImgprocSigner *signer;

  if (region == NULL)
    region = self->region;
  g_return_val_if_fail (region != NULL && *region != '\0', NULL);

  g_mutex_lock (&self->lock);
  signer = g_hash_table_lookup (self->signers, region);
  if (signer == NULL)
    {
      signer = imgproc_signer_new (region, self->service, self->flags);
      g_hash_table_insert (self->signers, g_strdup (region), signer);
    }
  g_object_ref (signer);
  g_mutex_unlock (&self->lock);
  return signer;
}

void
imgproc_aws_client_set_timeouts (ImgprocAwsClient *self,
                                 guint             connect_ms,
                                 guint             read_ms)
{
  g_mutex_lock (&self->lock);
  self->connect_ms = connect_ms;
  self->read_ms = read_ms;
  g_mutex_unlock (&self->lock);
}

void
imgproc_aws_client_set_max_attempts (ImgprocAwsClient *self,
                                     guint             max_attempts)
{
  g_mutex_lock (&self->lock);
  self->max_attempts = MAX (max_attempts, 1);
  g_mutex_unlock (&self->lock);
}

void
imgproc_aws_client_set_backoff (ImgprocAwsClient *self,
                                guint             base_ms,
                                guint             throttling_base_ms,
                                guint             cap_ms)
{
  g_mutex_lock (&self->lock);
  self->base_ms = base_ms;
  self->throttling_base_ms = throttling_base_ms;
  self->cap_ms = cap_ms;
  g_mutex_unlock (&self->lock);
}

void
imgproc_aws_client_set_retry_quota (ImgprocAwsClient *self,
                                    guint             tokens)
{
  g_mutex_lock (&self->lock);
  self->quota = tokens;
  g_mutex_unlock (&self->lock);
}

guint
imgproc_aws_client_get_retry_quota (ImgprocAwsClient *self)
{
  guint quota;

  g_mutex_lock (&self->lock);
  quota = self->quota;
  g_mutex_unlock (&self->lock);
  return quota;
}

void
imgproc_aws_client_set_clock_offset (ImgprocAwsClient *self,
                                     GTimeSpan         offset)
{
  g_mutex_lock (&self->lock);
  self->clock_offset = offset;
  g_mutex_unlock (&self->lock);
}

GTimeSpan
imgproc_aws_client_get_clock_offset (ImgprocAwsClient *self)
{
  GTimeSpan offset;

  g_mutex_lock (&self->lock);
  offset = self->clock_offset;
  g_mutex_unlock (&self->lock);
  return offset;
}

ImgprocAwsRequest *
imgproc_aws_request_new_for_host (const char *method,
                                  const char *scheme,
                                  const char *host,
                                  int         port,
                                  const char *encoded_path,
                                  const char *encoded_query)
{
  ImgprocAwsRequest *self = g_new0 (ImgprocAwsRequest, 1);

  self->method = g_strdup (method);
  self->scheme = g_strdup (scheme);
  self->host = g_strdup (host);
  self->port = port;
  self->path = g_strdup (encoded_path != NULL && *encoded_path != '\0' ? encoded_path : "/");
  self->query = g_strdup (encoded_query != NULL && *encoded_query != '\0' ? encoded_query : NULL);
  self->header_names = g_ptr_array_new_with_free_func (g_free);
  self->header_values = g_ptr_array_new_with_free_func (g_free);
  self->max_response_size = G_MAXUINT64;
  return self;
}

/* The endpoint may carry a path prefix (a proxy's mount point, say), which
 * goes before the request's own path. */
ImgprocAwsRequest *
imgproc_aws_request_new (ImgprocAwsClient *client,
                         const char       *method,
                         const char       *encoded_path,
                         const char       *encoded_query)
{
  GUri *endpoint = client->endpoint;
  g_autofree char *prefix = NULL;
  g_autofree char *path = NULL;

  if (endpoint == NULL)
    return imgproc_aws_request_new_for_host (method, "https", "invalid", -1, encoded_path, encoded_query);
  prefix = g_strdup (g_uri_get_path (endpoint));
  while (*prefix != '\0' && prefix[strlen (prefix) - 1] == '/')
    prefix[strlen (prefix) - 1] = '\0';
  path = g_strconcat (prefix, encoded_path, NULL);
  return imgproc_aws_request_new_for_host (method, g_uri_get_scheme (endpoint),
                                           g_uri_get_host (endpoint), g_uri_get_port (endpoint),
                                           path, encoded_query);
}

void
imgproc_aws_request_free (ImgprocAwsRequest *self)
{
  if (self == NULL)
    return;
  g_free (self->method);
  g_free (self->scheme);
  g_free (self->host);
  g_free (self->path);
  g_free (self->query);
  g_free (self->region);
  g_ptr_array_unref (self->header_names);
  g_ptr_array_unref (self->header_values);
  g_free (self->content_type);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_free (self);
}

void
imgproc_aws_request_set_region (ImgprocAwsRequest *self,
                                const char        *region)
{
  g_free (self->region);
  self->region = g_strdup (region);
}

void
imgproc_aws_request_add_header (ImgprocAwsRequest *self,
                                const char        *name,
                                const char        *value)
{
  g_ptr_array_add (self->header_names, g_strdup (name));
  g_ptr_array_add (self->header_values, g_strdup (value));
}

void
imgproc_aws_request_set_body (ImgprocAwsRequest *self,
                              const char        *content_type,
                              GBytes            *body)
{
  g_free (self->content_type);
  self->content_type = g_strdup (content_type);
  g_clear_pointer (&self->body, g_bytes_unref);
  self->body = body != NULL ? g_bytes_ref (body) : NULL;
}

void
imgproc_aws_request_set_max_response_size (ImgprocAwsRequest *self,
                                           guint64            max_size)
{
  self->max_response_size = max_size;
}

void
imgproc_aws_request_set_extra_timeout (ImgprocAwsRequest *self,
                                       guint              extra_ms)
{
  self->extra_timeout_ms = extra_ms;
}

void
imgproc_aws_request_set_verify_crc32 (ImgprocAwsRequest *self,
                                      gboolean           verify)
{
  self->verify_crc32 = verify;
}

void
imgproc_aws_response_free (ImgprocAwsResponse *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->headers, soup_message_headers_unref);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_free (self);
}

typedef struct
{
  ImgprocAwsClient *client;
  ImgprocAwsRequest *request;
  guint attempt;
  guint last_cost;
  gboolean skew_corrected;
  gboolean refreshing_credentials;
  char *refused_access_key_id;
  GError *pending_error;
  GCancellable *cancellable;

  SoupMessage *message;
  GInputStream *stream;
  GByteArray *buffer;
  guint64 limit;
  GCancellable *attempt_cancellable;
  gulong cancelled_id;
  GSource *deadline;
  gboolean timed_out;
  gboolean connected;
  guint read_ms;
  GSource *sleep;
  GSource *sleep_cancel;
} SendData;

static void
clear_attempt (SendData *data)
{
  if (data->cancelled_id != 0)
    {
      g_cancellable_disconnect (data->cancellable, data->cancelled_id);
      data->cancelled_id = 0;
    }
  if (data->deadline != NULL)
    {
      g_source_destroy (data->deadline);
      g_clear_pointer (&data->deadline, g_source_unref);
    }
  if (data->message != NULL)
    g_signal_handlers_disconnect_by_data (data->message, data);
  g_clear_object (&data->message);
  g_clear_object (&data->stream);
  g_clear_pointer (&data->buffer, g_byte_array_unref);
  g_clear_object (&data->attempt_cancellable);
  data->timed_out = FALSE;
  data->connected = FALSE;
}

static void
send_data_free (SendData *data)
{
  clear_attempt (data);
  if (data->sleep != NULL)
    {
      g_source_destroy (data->sleep);
      g_source_unref (data->sleep);
    }
  if (data->sleep_cancel != NULL)
    {
      g_source_destroy (data->sleep_cancel);
      g_source_unref (data->sleep_cancel);
    }
  g_clear_error (&data->pending_error);
  g_free (data->refused_access_key_id);
  g_clear_object (&data->cancellable);
  imgproc_aws_request_free (data->request);
  imgproc_aws_client_unref (data->client);
  g_free (data);
}

static void start_attempt (GTask *task);
static void fail_attempt (GTask *task, GError *error);

static void
forward_cancel (GCancellable *cancellable,
                gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static gboolean
on_deadline (gpointer user_data)
{
  GTask *task = user_data;
  SendData *data = g_task_get_task_data (task);

  data->timed_out = TRUE;
  g_cancellable_cancel (data->attempt_cancellable);
  g_clear_pointer (&data->deadline, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
arm_deadline (GTask *task,
              guint  ms)
{
  SendData *data = g_task_get_task_data (task);

  if (data->deadline != NULL)
    {
      g_source_destroy (data->deadline);
      g_clear_pointer (&data->deadline, g_source_unref);
    }
  if (ms == 0)
    return;
  data->deadline = g_timeout_source_new (ms);
  g_source_set_callback (data->deadline, on_deadline, task, NULL);
  g_source_attach (data->deadline, g_task_get_context (task));
}

/* The connect timeout ends once the request is on the wire; from there the
 * read timeout runs. A kept-alive connection skips straight to writing. */
static void
on_connected (GTask *task)
{
  SendData *data = g_task_get_task_data (task);

  if (data->connected)
    return;
  data->connected = TRUE;
  arm_deadline (task, data->read_ms);
}

static void
on_network_event (SoupMessage        *message,
                  GSocketClientEvent  event,
                  GIOStream          *connection,
                  gpointer            user_data)
{
  if (event == G_SOCKET_CLIENT_COMPLETE)
    on_connected (G_TASK (user_data));
}

static void
on_wrote_headers (SoupMessage *message,
                  gpointer     user_data)
{
  on_connected (G_TASK (user_data));
}

static GError *
transport_error (GTask  *task,
                 GError *error)
{
  SendData *data = g_task_get_task_data (task);
  GError *result;

  if (data->timed_out)
    {
      result = g_error_new (IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_TIMEOUT,
                            data->connected ? _("No answer from %s within the time limit")
                                            : _("Could not connect to %s within the time limit"),
                            data->request->host);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      return error;
    }
  else
    {
      result = g_error_new (IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_NETWORK,
                            _("Could not reach %s: %s"), data->request->host, error->message);
    }
  g_error_free (error);
  return result;
}

static void
finish_response (GTask *task)
{
  SendData *data = g_task_get_task_data (task);
  ImgprocAwsClient *client = data->client;
  guint status = soup_message_get_status (data->message);
  SoupMessageHeaders *headers = soup_message_get_response_headers (data->message);
  g_autoptr(GBytes) body = g_byte_array_free_to_bytes (g_steal_pointer (&data->buffer));
  ImgprocAwsResponse *response;

  arm_deadline (task, 0);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      fail_attempt (task, imgproc_aws_error_new_from_response (status, headers, body));
      return;
    }

  if (data->request->verify_crc32)
    {
      const char *expected = soup_message_headers_get_one (headers, "x-amz-crc32");
      guint64 expected_crc;
      gsize length;
      const guchar *bytes = g_bytes_get_data (body, &length);
      uLong crc = crc32 (crc32 (0L, Z_NULL, 0), bytes != NULL ? bytes : (const guchar *) "", length);

      if (expected != NULL &&
          (!g_ascii_string_to_unsigned (expected, 10, 0, G_MAXUINT32, &expected_crc, NULL) ||
           expected_crc != crc))
        {
          fail_attempt (task, g_error_new (IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_CHECKSUM_MISMATCH,
                                           _("The answer does not match its x-amz-crc32 (expected %s, got %lu)"),
                                           expected, (unsigned long) crc));
          return;
        }
    }

  g_mutex_lock (&client->lock);
  client->quota = MIN (client->quota + (data->attempt > 1 ? data->last_cost : 1), RETRY_QUOTA_CAPACITY);
  g_mutex_unlock (&client->lock);

  response = g_new0 (ImgprocAwsResponse, 1);
  response->status = status;
  response->headers = soup_message_headers_ref (headers);
  response->body = g_steal_pointer (&body);
  g_task_return_pointer (task, response, (GDestroyNotify) imgproc_aws_response_free);
  g_object_unref (task);
}

static GError *
too_large_error (GTask   *task,
                 guint64  size)
{
  SendData *data = g_task_get_task_data (task);

  return g_error_new (IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_TOO_LARGE,
                      _("The answer is larger than the limit of %" PRIu64 " bytes (%" PRIu64 ")"),
                      data->limit, size);
}

static void
on_closed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_input_stream_close_finish (G_INPUT_STREAM (source), result, NULL);
  finish_response (G_TASK (user_data));
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  SendData *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);

  if (chunk == NULL)
    {
      fail_attempt (task, transport_error (task, error));
      return;
    }
  if (g_bytes_get_size (chunk) == 0)
    {
      /* Closing hands the connection back to the session; left to itself,
       * libsoup may do it only on a later turn of this call's context. */
      g_input_stream_close_async (data->stream, G_PRIORITY_DEFAULT, NULL, on_closed, task);
      return;
    }
  g_byte_array_append (data->buffer, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  if (data->buffer->len > data->limit)
    {
      g_input_stream_close (data->stream, NULL, NULL);
      g_task_return_error (task, too_large_error (task, data->buffer->len));
      g_object_unref (task);
      return;
    }
  g_input_stream_read_bytes_async (data->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   data->attempt_cancellable, on_read, task);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  SendData *data = g_task_get_task_data (task);
  GError *error = NULL;
  guint status;
  goffset length;

  data->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (data->stream == NULL)
    {
      fail_attempt (task, transport_error (task, error));
      return;
    }

  status = soup_message_get_status (data->message);
  data->limit = SOUP_STATUS_IS_SUCCESSFUL (status) ? data->request->max_response_size : ERROR_BODY_LIMIT;
  length = soup_message_headers_get_content_length (soup_message_get_response_headers (data->message));
  if (SOUP_STATUS_IS_SUCCESSFUL (status) && (guint64) length > data->limit &&
      g_strcmp0 (data->request->method, "HEAD") != 0)
    {
      g_input_stream_close (data->stream, NULL, NULL);
      g_task_return_error (task, too_large_error (task, length));
      g_object_unref (task);
      return;
    }
  /* One allocation of the announced size, for a body that has a limit:
   * growing by doubling would leave the heap holes of every smaller size
   * behind for each image. A HEAD answer announces a body it does not
   * send, and an unlimited body is not worth trusting its header for. */
  if (length > 0 && data->limit != G_MAXUINT64 && (guint64) length <= MIN (data->limit, PRESIZE_MAX) &&
      g_strcmp0 (data->request->method, "HEAD") != 0)
    {
      data->buffer = g_byte_array_new_take (g_malloc ((gsize) length), (gsize) length);
      g_byte_array_set_size (data->buffer, 0);
    }
  else
    data->buffer = g_byte_array_new ();
  g_input_stream_read_bytes_async (data->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   data->attempt_cancellable, on_read, task);
}

static SoupMessage *
build_message (SendData            *data,
               ImgprocCredentials  *credentials,
               GError             **error)
{
  ImgprocAwsRequest *request = data->request;
  ImgprocAwsClient *client = data->client;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(ImgprocSigner) signer = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) real_now = g_date_time_new_now_utc ();
  SoupMessageHeaders *headers;

  uri = g_uri_build (G_URI_FLAGS_ENCODED, request->scheme, NULL, request->host, request->port,
                     request->path, request->query, NULL);
  message = soup_message_new_from_uri (request->method, uri);
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (message);
  for (guint i = 0; i < request->header_names->len; i++)
    soup_message_headers_append (headers, g_ptr_array_index (request->header_names, i),
                                 g_ptr_array_index (request->header_values, i));
  if (request->body != NULL)
    soup_message_set_request_body_from_bytes (message, request->content_type, request->body);

  signer = imgproc_aws_client_get_signer (client, request->region);
  if (signer == NULL)
    {
      g_set_error_literal (error, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_FAILED, _("No region to sign the request for"));
      return NULL;
    }
  now = g_date_time_add (real_now, imgproc_aws_client_get_clock_offset (client));
  if (!imgproc_signer_sign_soup_message (signer, message, request->body, credentials, now, error))
    return NULL;
  return g_steal_pointer (&message);
}

static void
on_credentials (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  SendData *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(ImgprocCredentials) credentials = NULL;
  guint connect_ms;

  credentials = imgproc_credentials_provider_load_finish (IMGPROC_CREDENTIALS_PROVIDER (source), result, &error);
  if (credentials == NULL)
    {
      g_clear_error (&data->pending_error);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (data->refreshing_credentials)
    {
      data->refreshing_credentials = FALSE;
      if (g_strcmp0 (data->refused_access_key_id, imgproc_credentials_get_access_key_id (credentials)) == 0)
        {
          g_task_return_error (task, g_steal_pointer (&data->pending_error));
          g_object_unref (task);
          return;
        }
    }
  g_clear_error (&data->pending_error);
  g_free (data->refused_access_key_id);
  data->refused_access_key_id = g_strdup (imgproc_credentials_get_access_key_id (credentials));

  data->message = build_message (data, credentials, &error);
  if (data->message == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  data->attempt_cancellable = g_cancellable_new ();
  if (data->cancellable != NULL)
    data->cancelled_id = g_cancellable_connect (data->cancellable, G_CALLBACK (forward_cancel),
                                                g_object_ref (data->attempt_cancellable), g_object_unref);
  g_mutex_lock (&data->client->lock);
  connect_ms = data->client->connect_ms;
  data->read_ms = data->client->read_ms > 0 ? data->client->read_ms + data->request->extra_timeout_ms : 0;
  g_mutex_unlock (&data->client->lock);
  g_signal_connect (data->message, "network-event", G_CALLBACK (on_network_event), task);
  g_signal_connect (data->message, "wrote-headers", G_CALLBACK (on_wrote_headers), task);
  arm_deadline (task, connect_ms);
  soup_session_send_async (data->client->session, data->message, G_PRIORITY_DEFAULT,
                           data->attempt_cancellable, on_sent, task);
}

static void
start_attempt (GTask *task)
{
  SendData *data = g_task_get_task_data (task);

  clear_attempt (data);
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  imgproc_credentials_provider_load_async (data->client->provider, g_task_get_cancellable (task),
                                           on_credentials, task);
}

static gboolean
on_sleep_over (gpointer user_data)
{
  GTask *task = user_data;
  SendData *data = g_task_get_task_data (task);

  g_source_destroy (data->sleep);
  g_clear_pointer (&data->sleep, g_source_unref);
  if (data->sleep_cancel != NULL)
    {
      g_source_destroy (data->sleep_cancel);
      g_clear_pointer (&data->sleep_cancel, g_source_unref);
    }
  start_attempt (task);
  return G_SOURCE_REMOVE;
}

static gboolean
on_sleep_cancelled (GCancellable *cancellable,
                    gpointer      user_data)
{
  return on_sleep_over (user_data);
}

static void
sleep_then_retry (GTask *task,
                  guint  delay_ms)
{
  SendData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  data->sleep = g_timeout_source_new (delay_ms);
  g_source_set_callback (data->sleep, on_sleep_over, task, NULL);
  g_source_attach (data->sleep, g_task_get_context (task));
  if (cancellable != NULL)
    {
      data->sleep_cancel = g_cancellable_source_new (cancellable);
      g_source_set_callback (data->sleep_cancel, G_SOURCE_FUNC (on_sleep_cancelled), task, NULL);
      g_source_attach (data->sleep_cancel, g_task_get_context (task));
    }
}

static gboolean
correct_clock (SendData *data)
{
  const char *date_header;
  g_autoptr(GDateTime) server_time = NULL;
  g_autoptr(GDateTime) now = NULL;
  GTimeSpan offset;

  if (data->message == NULL)
    return FALSE;
  date_header = soup_message_headers_get_one (soup_message_get_response_headers (data->message), "Date");
  if (date_header == NULL)
    return FALSE;
  server_time = soup_date_time_new_from_http_string (date_header);
  if (server_time == NULL)
    return FALSE;
  now = g_date_time_new_now_utc ();
  offset = g_date_time_difference (server_time, now);
  if (ABS (offset - imgproc_aws_client_get_clock_offset (data->client)) < SKEW_THRESHOLD)
    return FALSE;
  imgproc_aws_client_set_clock_offset (data->client, offset);
  return TRUE;
}

static void
fail_attempt (GTask  *task,
              GError *error)
{
  SendData *data = g_task_get_task_data (task);
  ImgprocAwsClient *client = data->client;
  ImgprocAwsRetryKind kind;
  guint cost, max_attempts, base_ms, cap_ms;
  guint64 ceiling;
  gboolean have_tokens;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      g_clear_error (&error);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("The request was cancelled"));
      g_object_unref (task);
      return;
    }

  if (!data->skew_corrected && imgproc_aws_error_is_clock_skew_candidate (error) && correct_clock (data))
    {
      data->skew_corrected = TRUE;
      g_error_free (error);
      start_attempt (task);
      return;
    }

  if (g_error_matches (error, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_EXPIRED_CREDENTIALS) &&
      data->pending_error == NULL && !data->refreshing_credentials)
    {
      /* Retry once, and only if the provider hands out other keys. */
      if (IMGPROC_IS_CACHED_CREDENTIALS_PROVIDER (client->provider))
        imgproc_cached_credentials_provider_invalidate (IMGPROC_CACHED_CREDENTIALS_PROVIDER (client->provider));
      data->refreshing_credentials = TRUE;
      data->pending_error = error;
      start_attempt (task);
      return;
    }

  kind = imgproc_aws_error_retry_kind (error);
  g_mutex_lock (&client->lock);
  max_attempts = client->max_attempts;
  cost = kind == IMGPROC_AWS_RETRY_TIMEOUT ? RETRY_TIMEOUT_COST : RETRY_COST;
  have_tokens = client->quota >= cost;
  if (kind != IMGPROC_AWS_RETRY_NEVER && data->attempt < max_attempts && have_tokens)
    client->quota -= cost;
  base_ms = kind == IMGPROC_AWS_RETRY_THROTTLING ? client->throttling_base_ms : client->base_ms;
  cap_ms = client->cap_ms;
  g_mutex_unlock (&client->lock);

  if (kind == IMGPROC_AWS_RETRY_NEVER || data->attempt >= max_attempts || !have_tokens)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  g_error_free (error);
  data->last_cost = cost;
  /* Full jitter: a random delay below min(base × 2^(attempt−1), cap). */
  ceiling = MIN ((guint64) base_ms << MIN (data->attempt - 1, 20u), (guint64) cap_ms);
  data->attempt++;
  clear_attempt (data);
  sleep_then_retry (task, (guint) g_random_double_range (0, (double) ceiling + 1));
}

/* One database per CA file in the process: the clients of a service (and
 * its web identity provider) trust the same bundle, and each parse of it
 * costs about as much as a start. */
GTlsDatabase *
imgproc_aws_tls_database_for_file (const char  *path,
                                   GError     **error)
{
  static GMutex lock;
  static char *cached_path;
  static GTlsDatabase *cached;
  GTlsDatabase *database;

  g_mutex_lock (&lock);
  if (cached != NULL && g_str_equal (cached_path, path))
    database = g_object_ref (cached);
  else
    {
      database = g_tls_file_database_new (path, error);
      if (database != NULL)
        {
          g_set_object (&cached, database);
          g_free (cached_path);
          cached_path = g_strdup (path);
        }
    }
  g_mutex_unlock (&lock);
  return database;
}

/* A CA file that cannot be loaded fails the https request, as a bad
 * endpoint would; the next request reads it again, so a bundle caught while
 * it is being replaced does not fail the client for good. */
static gboolean
ensure_tls_database (ImgprocAwsClient  *self,
                     GError           **error)
{
  gboolean ok = TRUE;

  g_mutex_lock (&self->lock);
  if (!self->tls_database_set)
    {
      g_autoptr(GTlsDatabase) database = imgproc_aws_tls_database_for_file (self->ca_file, error);

      ok = database != NULL;
      if (ok)
        {
          soup_session_set_tls_database (self->session, database);
          self->tls_database_set = TRUE;
        }
    }
  g_mutex_unlock (&self->lock);
  return ok;
}

void
imgproc_aws_client_send_async (ImgprocAwsClient    *self,
                               ImgprocAwsRequest   *request,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  SendData *data = g_new0 (SendData, 1);
  GError *error = NULL;

  g_task_set_source_tag (task, imgproc_aws_client_send_async);
  data->client = imgproc_aws_client_ref (self);
  data->request = request;
  data->attempt = 1;
  data->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) send_data_free);

  if (self->setup_error != NULL)
    {
      g_task_return_error (task, g_error_copy (self->setup_error));
      g_object_unref (task);
      return;
    }
  if (self->ca_file != NULL && g_ascii_strcasecmp (request->scheme, "https") == 0 &&
      !ensure_tls_database (self, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  start_attempt (task);
}

ImgprocAwsResponse *
imgproc_aws_client_send_finish (ImgprocAwsClient  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
imgproc_aws_sync_call_begin (ImgprocAwsSyncCall *call)
{
  call->context = g_main_context_new ();
  call->result = NULL;
  g_main_context_push_thread_default (call->context);
}

void
imgproc_aws_sync_call_callback (GObject      *source,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  ImgprocAwsSyncCall *call = user_data;

  call->result = g_object_ref (result);
}

GAsyncResult *
imgproc_aws_sync_call_wait (ImgprocAwsSyncCall *call)
{
  while (call->result == NULL)
    g_main_context_iteration (call->context, TRUE);
  return call->result;
}

void
imgproc_aws_sync_call_end (ImgprocAwsSyncCall *call)
{
  /* Let sources the call left behind (a connection going idle) run down
   * while the context is still the thread's default. */
  while (g_main_context_pending (call->context))
    g_main_context_iteration (call->context, FALSE);
  g_main_context_pop_thread_default (call->context);
  g_main_context_unref (call->context);
  g_clear_object (&call->result);
}

/* AWS JSON 1.0 (SQS, DynamoDB): POST / with the operation in X-Amz-Target. */
ImgprocAwsRequest *
imgproc_aws_request_new_json (ImgprocAwsClient *client,
                              const char       *target,
                              JsonBuilder      *body)
{
  ImgprocAwsRequest *request = imgproc_aws_request_new (client, "POST", "/", NULL);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (body);
  gsize length;
  char *text;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  imgproc_aws_request_add_header (request, "X-Amz-Target", target);
  imgproc_aws_request_set_body (request, "application/x-amz-json-1.0", g_bytes_new_take (text, length));
  g_bytes_unref (request->body);
  return request;
}

/* local-aws-sqs answers a successful DeleteMessage with no body at all,
 * which means the same as `{}`. */
JsonObject *
imgproc_aws_response_get_json (ImgprocAwsResponse  *response,
                               GError             **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  GError *parse_error = NULL;
  gsize length;
  const char *data = g_bytes_get_data (response->body, &length);
  JsonNode *root;

  imgproc_ensure_i18n ();

  if (length == 0)
    return json_object_new ();
  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    {
      g_set_error (error, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_INVALID_RESPONSE,
                   _("The service sent unreadable JSON: %s"), parse_error->message);
      g_error_free (parse_error);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_INVALID_RESPONSE,
                           _("The service sent JSON that is not an object"));
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

/* AWS query protocol (STS): a form POST of Action, Version and parameters,
 * given as name, value pairs. */
ImgprocAwsRequest *
imgproc_aws_request_new_query (ImgprocAwsClient *client,
                               const char       *action,
                               const char       *version,
                               ...)
{
  ImgprocAwsRequest *request = imgproc_aws_request_new (client, "POST", "/", NULL);
  GString *form = g_string_new (NULL);
  g_autofree char *encoded_action = imgproc_aws_uri_encode_string (action, FALSE);
  g_autofree char *encoded_version = imgproc_aws_uri_encode_string (version, FALSE);
  const char *name;
  va_list args;
  gsize length;

  g_string_append_printf (form, "Action=%s&Version=%s", encoded_action, encoded_version);
  va_start (args, version);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      const char *value = va_arg (args, const char *);
      g_autofree char *encoded_name = imgproc_aws_uri_encode_string (name, FALSE);
      g_autofree char *encoded_value = imgproc_aws_uri_encode_string (value, FALSE);

      g_string_append_printf (form, "&%s=%s", encoded_name, encoded_value);
    }
  va_end (args);
  length = form->len;
  imgproc_aws_request_set_body (request, "application/x-www-form-urlencoded; charset=utf-8",
                                g_bytes_new_take (g_string_free (form, FALSE), length));
  g_bytes_unref (request->body);
  return request;
}

static void
on_json_sent (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  ImgprocAwsClient *client = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(ImgprocAwsResponse) response = imgproc_aws_client_send_finish (client, result, &error);
  JsonObject *object;

  if (response == NULL)
    {
      g_task_return_error (task, error);
    }
  else if ((object = imgproc_aws_response_get_json (response, &error)) == NULL)
    {
      g_task_return_error (task, error);
    }
  else
    {
      g_task_return_pointer (task, object, (GDestroyNotify) json_object_unref);
    }
  g_object_unref (task);
}

void
imgproc_aws_client_call_json_async (ImgprocAwsClient    *self,
                                    const char          *target,
                                    JsonBuilder         *body,
                                    guint                extra_timeout_ms,
                                    gboolean             verify_crc32,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  ImgprocAwsRequest *request = imgproc_aws_request_new_json (self, target, body);

  g_task_set_source_tag (task, imgproc_aws_client_call_json_async);
  g_task_set_task_data (task, imgproc_aws_client_ref (self), (GDestroyNotify) imgproc_aws_client_unref);
  imgproc_aws_request_set_extra_timeout (request, extra_timeout_ms);
  imgproc_aws_request_set_verify_crc32 (request, verify_crc32);
  imgproc_aws_client_send_async (self, request, cancellable, on_json_sent, task);
}

JsonObject *
imgproc_aws_client_call_json_finish (ImgprocAwsClient  *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
