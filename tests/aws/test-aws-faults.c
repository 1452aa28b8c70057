/* The AWS clients against misbehaving servers: an in-process SoupServer on
 * loopback (and a raw socket service for connection resets) that answers
 * with errors, throttling, skewed clocks, bad checksums and silence. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-aws-clients-private.h"
#include "aws-test-provider.h"

#include <string.h>
#include <zlib.h>

typedef struct _Fixture Fixture;
typedef void (*Respond) (Fixture *f, SoupServerMessage *msg, guint n);

struct _Fixture
{
  SoupServer *server;
  char *url;
  Respond respond;
  guint requests;
  GPtrArray *authorizations;
  GPtrArray *bodies;
  GPtrArray *paused;
  AwsTestProvider *provider;
  ImgprocCredentialsProvider *cached;
  ImgprocAwsConfig *config;
  ImgprocS3Client *s3;
  ImgprocSqsClient *sqs;
  ImgprocDynamodbClient *ddb;
  ImgprocStsClient *sts;
  GAsyncResult *result;
};

static void
handle (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  Fixture *f = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  f->requests++;
  g_ptr_array_add (f->authorizations, g_strdup (soup_message_headers_get_one (headers, "Authorization")));
  g_ptr_array_add (f->bodies, g_strndup (body->data, body->length));
  f->respond (f, msg, f->requests);
}

static void
tune (ImgprocAwsClient *http)
{
  /* Tiny backoff so that no test sleeps; the retry logic is unchanged. */
  imgproc_aws_client_set_backoff (http, 1, 2, 5);
  imgproc_aws_client_set_timeouts (http, 5000, 5000);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  GError *error = NULL;
  GSList *uris;

  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, handle, f, NULL);
  soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->url = g_uri_to_string_partial (uris->data, G_URI_HIDE_PASSWORD);
  if (g_str_has_suffix (f->url, "/"))
    f->url[strlen (f->url) - 1] = '\0';
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  f->authorizations = g_ptr_array_new_with_free_func (g_free);
  f->bodies = g_ptr_array_new_with_free_func (g_free);
  f->paused = g_ptr_array_new_with_free_func (g_object_unref);

  g_setenv ("AWS_ENDPOINT_URL", f->url, TRUE);
  f->config = imgproc_aws_config_new ("us-east-1");
  f->provider = aws_test_provider_new ("AKIDFAULTS", "secret");
  f->cached = imgproc_cached_credentials_provider_new (IMGPROC_CREDENTIALS_PROVIDER (f->provider));
  f->s3 = imgproc_s3_client_new (f->config, f->cached);
  f->sqs = imgproc_sqs_client_new (f->config, f->cached);
  f->ddb = imgproc_dynamodb_client_new (f->config, f->cached);
  f->sts = imgproc_sts_client_new (f->config, f->cached);
  tune (imgproc_s3_client_get_http (f->s3));
  tune (imgproc_sqs_client_get_http (f->sqs));
  tune (imgproc_dynamodb_client_get_http (f->ddb));
  tune (imgproc_sts_client_get_http (f->sts));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->s3);
  g_clear_object (&f->sqs);
  g_clear_object (&f->ddb);
  g_clear_object (&f->sts);
  g_clear_object (&f->cached);
  g_clear_object (&f->provider);
  g_clear_object (&f->config);
  soup_server_disconnect (f->server);
  g_ptr_array_unref (f->paused);
  g_clear_object (&f->server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_ptr_array_unref (f->authorizations);
  g_ptr_array_unref (f->bodies);
  g_free (f->url);
  g_clear_object (&f->result);
  g_unsetenv ("AWS_ENDPOINT_URL");
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Fixture *f = user_data;

  f->result = g_object_ref (result);
}

static GAsyncResult *
wait_for (Fixture *f)
{
  g_clear_object (&f->result);
  while (f->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return f->result;
}

static void
respond_with (SoupServerMessage *msg,
              guint              status,
              const char        *content_type,
              const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, strlen (body));
}

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              const char        *body)
{
  g_autofree char *crc = g_strdup_printf ("%lu", crc32 (0, (const guchar *) body, strlen (body)));

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "x-amz-crc32", crc);
  respond_with (msg, status, "application/x-amz-json-1.0", body);
}

static JsonObject *
key_a (void)
{
  JsonObject *key = json_object_new ();

  json_object_set_member (key, "source_key", imgproc_dynamodb_attribute_new_string ("a"));
  return key;
}

static JsonObject *
get_item (Fixture  *f,
          GError  **error)
{
  g_autoptr(JsonObject) key = key_a ();

  imgproc_dynamodb_client_get_item_async (f->ddb, "jobs", key, TRUE, NULL, NULL, NULL, on_done, f);
  return imgproc_dynamodb_client_get_item_finish (f->ddb, wait_for (f), error);
}

static void
assert_aws_code (GError     *error,
                 int         code,
                 guint       status,
                 const char *aws_code)
{
  g_autoptr(ImgprocAwsErrorDetails) details = NULL;

  g_assert_error (error, IMGPROC_AWS_ERROR, code);
  details = imgproc_aws_error_get_details (error);
  g_assert_nonnull (details);
  g_assert_cmpuint (imgproc_aws_error_details_get_status (details), ==, status);
  g_assert_cmpstr (imgproc_aws_error_details_get_code (details), ==, aws_code);
}

static void
respond_500_twice (Fixture           *f,
                   SoupServerMessage *msg,
                   guint              n)
{
  if (n < 3)
    respond_json (msg, 500, "{\"__type\":\"com.amazon.coral.service#InternalFailure\",\"message\":\"boom\"}");
  else
    respond_json (msg, 200, "{\"Item\":{\"source_key\":{\"S\":\"a\"}}}");
}

static void
test_retry_500 (Fixture       *f,
                gconstpointer  data)
{
  GError *error = NULL;
  g_autoptr(JsonObject) item = NULL;

  f->respond = respond_500_twice;
  item = get_item (f, &error);
  g_assert_no_error (error);
  g_assert_nonnull (item);
  g_assert_cmpstr (imgproc_dynamodb_attribute_get_string (json_object_get_member (item, "source_key")), ==, "a");
  g_assert_cmpuint (f->requests, ==, 3);
  /* Each attempt is signed afresh, for DynamoDB in the configured region. */
  g_assert_nonnull (strstr (g_ptr_array_index (f->authorizations, 2), "/us-east-1/dynamodb/aws4_request"));
}

static void
respond_slowdown_twice (Fixture           *f,
                        SoupServerMessage *msg,
                        guint              n)
{
  if (n < 3)
    respond_with (msg, 503, "application/xml",
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>"
                  "<Message>Please reduce your request rate.</Message><RequestId>R1</RequestId></Error>");
  else
    respond_with (msg, 200, "image/png", "hello");
}

static void
test_retry_slowdown (Fixture       *f,
                     gconstpointer  data)
{
  GError *error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(ImgprocS3ObjectInfo) info = NULL;

  f->respond = respond_slowdown_twice;
  imgproc_s3_client_get_object_async (f->s3, "images", "in/a.png", 0, NULL, on_done, f);
  body = imgproc_s3_client_get_object_finish (f->s3, wait_for (f), &info, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "hello", 5);
  g_assert_cmpstr (imgproc_s3_object_info_get_content_type (info), ==, "image/png");
  g_assert_cmpuint (imgproc_s3_object_info_get_size (info), ==, 5);
  g_assert_cmpuint (f->requests, ==, 3);
  g_assert_nonnull (strstr (g_ptr_array_index (f->authorizations, 0), "/us-east-1/s3/aws4_request"));
}

static void
respond_throttling (Fixture           *f,
                    SoupServerMessage *msg,
                    guint              n)
{
  respond_json (msg, 400, "{\"__type\":\"com.amazon.coral.availability#ThrottlingException\","
                          "\"message\":\"Rate of requests exceeds the allowed throughput.\"}");
}

static void
test_throttling_gives_up (Fixture       *f,
                          gconstpointer  data)
{
  GError *error = NULL;
  g_autoptr(JsonObject) item = NULL;

  f->respond = respond_throttling;
  item = get_item (f, &error);
  g_assert_null (item);
  assert_aws_code (error, IMGPROC_AWS_ERROR_THROTTLED, 400, "ThrottlingException");
  g_assert_cmpuint (f->requests, ==, IMGPROC_AWS_CONFIG_DEFAULT_MAX_ATTEMPTS);
  g_error_free (error);
}

static void
respond_validation (Fixture           *f,
                    SoupServerMessage *msg,
                    guint              n)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "x-amzn-RequestId", "REQ-123");
  respond_json (msg, 400, "{\"__type\":\"com.amazon.coral.validate#ValidationException\","
                          "\"message\":\"The provided key element does not match the schema\"}");
}

static void
test_not_retried_400 (Fixture       *f,
                      gconstpointer  data)
{
  GError *error = NULL;
  g_autoptr(JsonObject) item = NULL;
  g_autoptr(ImgprocAwsErrorDetails) details = NULL;
  g_autoptr(ImgprocAwsErrorDetails) from_message = NULL;
  g_autoptr(GError) plain = NULL;

  f->respond = respond_validation;
  item = get_item (f, &error);
  g_assert_null (item);
  assert_aws_code (error, IMGPROC_AWS_ERROR_INVALID_REQUEST, 400, "ValidationException");
  g_assert_cmpuint (f->requests, ==, 1);
  details = imgproc_aws_error_get_details (error);
  g_assert_cmpstr (imgproc_aws_error_details_get_request_id (details), ==, "REQ-123");
  g_assert_cmpstr (imgproc_aws_error_details_get_message (details), ==,
                   "The provided key element does not match the schema");

  /* What a Python GLib.Error keeps: domain, code and message only. */
  plain = g_error_new_literal (error->domain, error->code, error->message);
  from_message = imgproc_aws_error_get_details (plain);
  g_assert_nonnull (from_message);
  g_assert_cmpuint (imgproc_aws_error_details_get_status (from_message), ==, 400);
  g_assert_cmpstr (imgproc_aws_error_details_get_code (from_message), ==, "ValidationException");
  g_assert_cmpstr (imgproc_aws_error_details_get_request_id (from_message), ==, "REQ-123");
  g_error_free (error);
}

typedef struct
{
  GSocketService *service;
  int connections;
  guint16 port;
  gboolean reset_first;
  GMutex lock;
  char *request_line;
} RawServer;

/* With reset_first, the first connection is closed without an answer; the
 * others get a hand-written answer, and the request line is kept as it came
 * off the wire. Runs in the service's threads. */
static gboolean
on_raw_connection (GThreadedSocketService *service,
                   GSocketConnection      *connection,
                   GObject                *source_object,
                   gpointer                user_data)
{
  RawServer *server = user_data;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr(GDataInputStream) data = NULL;
  static const char body[] = "{}";
  g_autofree char *response = NULL;
  gsize length = 0;

  if (g_atomic_int_add (&server->connections, 1) == 0 && server->reset_first)
    {
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }

  data = g_data_input_stream_new (in);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (data), FALSE);
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (data, NULL, NULL, NULL);

      if (line == NULL || *line == '\0' || g_str_equal (line, "\r"))
        break;
      g_mutex_lock (&server->lock);
      if (server->request_line == NULL)
        server->request_line = g_strdup (line);
      g_mutex_unlock (&server->lock);
      if (g_ascii_strncasecmp (line, "Content-Length:", 15) == 0)
        length = g_ascii_strtoull (line + 15, NULL, 10);
    }
  if (length > 0)
    {
      g_autofree char *request_body = g_malloc (length);
      g_input_stream_read_all (G_INPUT_STREAM (data), request_body, length, NULL, NULL, NULL);
    }
  response = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\n"
                              "Content-Length: %zu\r\nx-amz-crc32: %lu\r\nConnection: close\r\n\r\n%s",
                              strlen (body), crc32 (0, (const guchar *) body, strlen (body)), body);
  g_output_stream_write_all (out, response, strlen (response), NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static ImgprocAwsConfig *
raw_server_start (RawServer *server,
                  gboolean   reset_first)
{
  GError *error = NULL;
  g_autofree char *url = NULL;

  g_mutex_init (&server->lock);
  server->reset_first = reset_first;
  server->service = g_threaded_socket_service_new (2);
  server->port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (server->service), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (server->service, "run", G_CALLBACK (on_raw_connection), server);
  g_socket_service_start (server->service);

  url = g_strdup_printf ("http://127.0.0.1:%u", server->port);
  g_setenv ("AWS_ENDPOINT_URL", url, TRUE);
  return imgproc_aws_config_new ("us-east-1");
}

static void
raw_server_stop (RawServer *server)
{
  g_socket_service_stop (server->service);
  g_socket_listener_close (G_SOCKET_LISTENER (server->service));
  g_object_unref (server->service);
  g_free (server->request_line);
  g_mutex_clear (&server->lock);
}

static void
test_connection_reset (Fixture       *f,
                       gconstpointer  data)
{
  RawServer server = { 0 };
  GError *error = NULL;
  g_autoptr(ImgprocAwsConfig) config = raw_server_start (&server, TRUE);
  g_autoptr(ImgprocDynamodbClient) ddb = imgproc_dynamodb_client_new (config, f->cached);
  g_autoptr(JsonObject) key = key_a ();
  g_autoptr(JsonObject) item = NULL;

  tune (imgproc_dynamodb_client_get_http (ddb));
  imgproc_dynamodb_client_get_item_async (ddb, "jobs", key, FALSE, NULL, NULL, NULL, on_done, f);
  item = imgproc_dynamodb_client_get_item_finish (ddb, wait_for (f), &error);
  g_assert_no_error (error);
  g_assert_null (item);
  g_assert_cmpint (g_atomic_int_get (&server.connections), ==, 2);
  raw_server_stop (&server);
}

/* The key reaches the wire encoded once, strictly, with its `.`, `..` and
 * empty segments intact: nothing on the way may normalise it. */
static void
test_s3_key_on_the_wire (Fixture       *f,
                         gconstpointer  data)
{
  RawServer server = { 0 };
  GError *error = NULL;
  g_autoptr(ImgprocAwsConfig) config = raw_server_start (&server, FALSE);
  g_autoptr(ImgprocS3Client) s3 = imgproc_s3_client_new (config, f->cached);
  g_autoptr(GBytes) body = NULL;

  tune (imgproc_s3_client_get_http (s3));
  imgproc_s3_client_get_object_async (s3, "images", "a/./b/../c//d e+f&g=h~ü.png", 0, NULL, on_done, f);
  body = imgproc_s3_client_get_object_finish (s3, wait_for (f), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (server.request_line, ==,
                   "GET /images/a/./b/../c//d%20e%2Bf%26g%3Dh~%C3%BC.png HTTP/1.1\r");
  raw_server_stop (&server);
}

static void
respond_never (Fixture           *f,
               SoupServerMessage *msg,
               guint              n)
{
  soup_server_message_pause (msg);
  g_ptr_array_add (f->paused, g_object_ref (msg));
}

static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  GError *error = NULL;
  g_autoptr(JsonObject) item = NULL;

  f->respond = respond_never;
  imgproc_aws_client_set_timeouts (imgproc_dynamodb_client_get_http (f->ddb), 5000, 100);
  item = get_item (f, &error);
  g_assert_error (error, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_TIMEOUT);
  /* Timeouts are transient: every attempt was made. */
  g_assert_cmpuint (f->requests, ==, 3);
  g_error_free (error);
}

static gboolean
answer_late (gpointer user_data)
{
  SoupServerMessage *msg = user_data;

  respond_with (msg, 200, "application/x-amz-json-1.0", "{\"Messages\":[]}");
  soup_server_message_unpause (msg);
  return G_SOURCE_REMOVE;
}

/* Answers after 300 ms, as a long poll does when a message arrives. */
static void
respond_late (Fixture           *f,
              SoupServerMessage *msg,
              guint              n)
{
  soup_server_message_pause (msg);
  g_timeout_add_full (G_PRIORITY_DEFAULT, 300, answer_late, g_object_ref (msg), g_object_unref);
}

static void
test_long_poll_outlasts_timeout (Fixture       *f,
                                 gconstpointer  data)
{
  GError *error = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *queue_url = g_strconcat (f->url, "/123456789012/jobs", NULL);

  f->respond = respond_late;
  imgproc_aws_client_set_timeouts (imgproc_sqs_client_get_http (f->sqs), 5000, 100);
  imgproc_sqs_client_receive_message_async (f->sqs, queue_url, 10, 1, -1, NULL, on_done, f);
  messages = imgproc_sqs_client_receive_message_finish (f->sqs, wait_for (f), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 0);
  g_assert_cmpuint (f->requests, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (f->bodies, 0), "\"WaitTimeSeconds\":1"));
}

typedef struct
{
  Fixture *fixture;
  GCancellable *cancellable;
  guint source_id;
} CancelOnceSeen;

/* Cancels only after the server has the request: a fixed delay raced the
 * request itself on a loaded machine. The server runs on this main context. */
static gboolean
cancel_once_seen (gpointer user_data)
{
  CancelOnceSeen *pending = user_data;

  if (pending->fixture->requests == 0)
    return G_SOURCE_CONTINUE;
  g_cancellable_cancel (pending->cancellable);
  pending->source_id = 0;
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(JsonObject) key = key_a ();
  g_autoptr(JsonObject) item = NULL;
  GError *error = NULL;

  CancelOnceSeen pending = { f, cancellable, 0 };

  f->respond = respond_never;
  pending.source_id = g_timeout_add (10, cancel_once_seen, &pending);
  imgproc_dynamodb_client_get_item_async (f->ddb, "jobs", key, FALSE, NULL, NULL, cancellable, on_done, f);
  item = imgproc_dynamodb_client_get_item_finish (f->ddb, wait_for (f), &error);
  /* The source points into this frame: it must not outlive the test. */
  g_clear_handle_id (&pending.source_id, g_source_remove);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (f->requests, ==, 1);
  g_error_free (error);
}

static void
respond_expired_for_old_key (Fixture           *f,
                             SoupServerMessage *msg,
                             guint              n)
{
  const char *authorization = g_ptr_array_index (f->authorizations, n - 1);

  if (strstr (authorization, "Credential=AKIDOLD/") != NULL)
    respond_json (msg, 400, "{\"__type\":\"com.amazon.coral.service#ExpiredTokenException\","
                            "\"message\":\"The security token included in the request is expired\"}");
  else
    respond_json (msg, 200, "{}");
}

static void
test_expired_credentials (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_hours (now, 2);
  g_autoptr(JsonObject) item = NULL;
  GError *error = NULL;

  g_clear_object (&f->provider);
  f->provider = g_object_new (AWS_TYPE_TEST_PROVIDER, NULL);
  aws_test_provider_push (f->provider, "AKIDOLD", "secret", later);
  aws_test_provider_push (f->provider, "AKIDNEW", "secret", later);
  g_clear_object (&f->ddb);
  g_clear_object (&f->cached);
  f->cached = imgproc_cached_credentials_provider_new (IMGPROC_CREDENTIALS_PROVIDER (f->provider));
  f->ddb = imgproc_dynamodb_client_new (f->config, f->cached);
  tune (imgproc_dynamodb_client_get_http (f->ddb));

  f->respond = respond_expired_for_old_key;
  item = get_item (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests, ==, 2);
  g_assert_cmpuint (aws_test_provider_get_loads (f->provider), ==, 2);
  g_assert_nonnull (strstr (g_ptr_array_index (f->authorizations, 1), "Credential=AKIDNEW/"));
}

static void
respond_ok (Fixture           *f,
            SoupServerMessage *msg,
            guint              n)
{
  respond_json (msg, 200, "{}");
}

static void
test_expiring_credentials_refreshed (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) soon = g_date_time_add_minutes (now, 1);
  g_autoptr(GDateTime) later = g_date_time_add_hours (now, 2);
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  GError *error = NULL;

  g_clear_object (&f->provider);
  f->provider = g_object_new (AWS_TYPE_TEST_PROVIDER, NULL);
  aws_test_provider_push (f->provider, "AKIDSOON", "secret", soon);
  aws_test_provider_push (f->provider, "AKIDNEW", "secret", later);
  g_clear_object (&f->ddb);
  g_clear_object (&f->cached);
  f->cached = imgproc_cached_credentials_provider_new (IMGPROC_CREDENTIALS_PROVIDER (f->provider));
  f->ddb = imgproc_dynamodb_client_new (f->config, f->cached);
  tune (imgproc_dynamodb_client_get_http (f->ddb));

  f->respond = respond_ok;
  first = get_item (f, &error);
  g_assert_no_error (error);
  second = get_item (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests, ==, 2);
  g_assert_nonnull (strstr (g_ptr_array_index (f->authorizations, 0), "Credential=AKIDSOON/"));
  /* The first keys were within the cache's refresh window at the second call. */
  g_assert_nonnull (strstr (g_ptr_array_index (f->authorizations, 1), "Credential=AKIDNEW/"));
}

/* Like S3: refuse a request whose X-Amz-Date is 15 minutes or more away from
 * the server's clock, naming the server's time in Date. */
static void
respond_skew_checked (Fixture           *f,
                      SoupServerMessage *msg,
                      guint              n)
{
  const char *amz_date = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "X-Amz-Date");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) signed_at = NULL;
  g_autofree char *iso = NULL;
  g_autofree char *date = soup_date_time_to_string (now, SOUP_DATE_HTTP);

  g_assert_nonnull (amz_date);
  iso = g_strdup_printf ("%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", amz_date, amz_date + 4, amz_date + 6,
                         amz_date + 9, amz_date + 11, amz_date + 13);
  signed_at = g_date_time_new_from_iso8601 (iso, NULL);
  g_assert_nonnull (signed_at);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Date", date);
  if (ABS (g_date_time_difference (now, signed_at)) >= 15 * G_TIME_SPAN_MINUTE)
    respond_with (msg, 403, "application/xml",
                  "<Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the request "
                  "time and the current time is too large.</Message></Error>");
  else
    respond_with (msg, 200, "text/plain", "on time");
}

static void
test_clock_skew (Fixture       *f,
                 gconstpointer  data)
{
  ImgprocAwsClient *http = imgproc_s3_client_get_http (f->s3);
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;

  /* The local clock is an hour slow. */
  imgproc_aws_client_set_clock_offset (http, -G_TIME_SPAN_HOUR);
  f->respond = respond_skew_checked;
  imgproc_s3_client_get_object_async (f->s3, "images", "k", 0, NULL, on_done, f);
  body = imgproc_s3_client_get_object_finish (f->s3, wait_for (f), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests, ==, 2);
  g_assert_cmpint (ABS (imgproc_aws_client_get_clock_offset (http)), <, 5 * G_TIME_SPAN_MINUTE);
  g_clear_pointer (&body, g_bytes_unref);

  /* Corrected once, the offset holds for later calls. */
  imgproc_s3_client_get_object_async (f->s3, "images", "k", 0, NULL, on_done, f);
  body = imgproc_s3_client_get_object_finish (f->s3, wait_for (f), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests, ==, 3);
}

static void
respond_bad_crc (Fixture           *f,
                 SoupServerMessage *msg,
                 guint              n)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "x-amz-crc32", "12345");
  respond_with (msg, 200, "application/x-amz-json-1.0", "{\"Item\":{\"source_key\":{\"S\":\"a\"}}}");
}

static void
test_crc32_mismatch (Fixture       *f,
                     gconstpointer  data)
{
  GError *error = NULL;
  g_autoptr(JsonObject) item = NULL;

  f->respond = respond_bad_crc;
  item = get_item (f, &error);
  g_assert_error (error, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_CHECKSUM_MISMATCH);
  /* botocore retries a CRC32 mismatch; so do we. */
  g_assert_cmpuint (f->requests, ==, 3);
  g_error_free (error);
}

static void
respond_500 (Fixture           *f,
             SoupServerMessage *msg,
             guint              n)
{
  respond_json (msg, 500, "{\"__type\":\"InternalServerError\",\"message\":\"down\"}");
}

static void
test_retry_quota (Fixture       *f,
                  gconstpointer  data)
{
  ImgprocAwsClient *http = imgproc_dynamodb_client_get_http (f->ddb);
  g_autoptr(JsonObject) item = NULL;
  GError *error = NULL;

  /* Enough for one retry (cost 5). */
  imgproc_aws_client_set_retry_quota (http, 5);
  f->respond = respond_500;
  item = get_item (f, &error);
  assert_aws_code (error, IMGPROC_AWS_ERROR_UNAVAILABLE, 500, "InternalServerError");
  g_clear_error (&error);
  g_assert_cmpuint (f->requests, ==, 2);
  g_assert_cmpuint (imgproc_aws_client_get_retry_quota (http), ==, 0);

  /* An empty quota means no retries at all. */
  item = get_item (f, &error);
  g_assert_error (error, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_UNAVAILABLE);
  g_clear_error (&error);
  g_assert_cmpuint (f->requests, ==, 3);

  /* A success without retries gives one token back. */
  f->respond = respond_ok;
  item = get_item (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (imgproc_aws_client_get_retry_quota (http), ==, 1);
}

static void
respond_redirect_once (Fixture           *f,
                       SoupServerMessage *msg,
                       guint              n)
{
  if (n == 1)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "x-amz-bucket-region", "eu-west-1");
      respond_with (msg, 301, "application/xml",
                    "<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access "
                    "must be addressed using the specified endpoint.</Message>"
                    "<Endpoint>images.s3.eu-west-1.amazonaws.com</Endpoint></Error>");
    }
  else
    {
      respond_with (msg, 200, "text/plain", "moved");
    }
}

static void
test_region_redirect (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;

  f->respond = respond_redirect_once;
  imgproc_s3_client_get_object_async (f->s3, "images", "k", 0, NULL, on_done, f);
  body = imgproc_s3_client_get_object_finish (f->s3, wait_for (f), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests, ==, 2);
  g_assert_nonnull (strstr (g_ptr_array_index (f->authorizations, 0), "/us-east-1/s3/aws4_request"));
  g_assert_nonnull (strstr (g_ptr_array_index (f->authorizations, 1), "/eu-west-1/s3/aws4_request"));

  /* The bucket's region is remembered. */
  g_clear_pointer (&body, g_bytes_unref);
  imgproc_s3_client_get_object_async (f->s3, "images", "k", 0, NULL, on_done, f);
  body = imgproc_s3_client_get_object_finish (f->s3, wait_for (f), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (g_ptr_array_index (f->authorizations, 2), "/eu-west-1/s3/aws4_request"));
}

static void
respond_big (Fixture           *f,
             SoupServerMessage *msg,
             guint              n)
{
  char body[100];

  memset (body, 'x', sizeof body);
  soup_server_message_set_status (msg, 200, NULL);
  if (n == 2)
    soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg), SOUP_ENCODING_CHUNKED);
  soup_server_message_set_response (msg, "image/jpeg", SOUP_MEMORY_COPY, body, sizeof body);
}

static void
test_size_limit (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;

  f->respond = respond_big;
  /* Refused from Content-Length, then from the bytes as they come (chunked). */
  for (guint i = 0; i < 2; i++)
    {
      imgproc_s3_client_get_object_async (f->s3, "images", "big.jpg", 10, NULL, on_done, f);
      body = imgproc_s3_client_get_object_finish (f->s3, wait_for (f), NULL, &error);
      g_assert_null (body);
      g_assert_error (error, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_TOO_LARGE);
      g_clear_error (&error);
    }
  g_assert_cmpuint (f->requests, ==, 2);

  imgproc_s3_client_get_object_async (f->s3, "images", "big.jpg", 100, NULL, on_done, f);
  body = imgproc_s3_client_get_object_finish (f->s3, wait_for (f), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (body), ==, 100);
}

static void
respond_sts (Fixture           *f,
             SoupServerMessage *msg,
             guint              n)
{
  respond_with (msg, 200, "text/xml",
                "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
                "  <GetCallerIdentityResult>\n"
                "    <Arn>arn:aws:iam::123456789012:user/ci</Arn>\n"
                "    <UserId>AIDAEXAMPLE</UserId>\n"
                "    <Account>123456789012</Account>\n"
                "  </GetCallerIdentityResult>\n"
                "  <ResponseMetadata><RequestId>01234567-89ab</RequestId></ResponseMetadata>\n"
                "</GetCallerIdentityResponse>\n");
}

static void
test_sts_caller_identity (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(ImgprocCallerIdentity) identity = NULL;
  GError *error = NULL;

  f->respond = respond_sts;
  imgproc_sts_client_get_caller_identity_async (f->sts, NULL, on_done, f);
  identity = imgproc_sts_client_get_caller_identity_finish (f->sts, wait_for (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_caller_identity_get_account (identity), ==, "123456789012");
  g_assert_cmpstr (imgproc_caller_identity_get_arn (identity), ==, "arn:aws:iam::123456789012:user/ci");
  g_assert_cmpstr (imgproc_caller_identity_get_user_id (identity), ==, "AIDAEXAMPLE");
  g_assert_cmpstr (g_ptr_array_index (f->bodies, 0), ==, "Action=GetCallerIdentity&Version=2011-06-15");
  g_assert_nonnull (strstr (g_ptr_array_index (f->authorizations, 0), "/us-east-1/sts/aws4_request"));
}

static void
respond_sts_denied (Fixture           *f,
                    SoupServerMessage *msg,
                    guint              n)
{
  respond_with (msg, 403, "text/xml",
                "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                "<Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>"
                "<Message>The security token included in the request is invalid.</Message></Error>"
                "<RequestId>4fc0-STS</RequestId></ErrorResponse>");
}

static void
test_sts_error (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(ImgprocCallerIdentity) identity = NULL;
  g_autoptr(ImgprocAwsErrorDetails) details = NULL;
  GError *error = NULL;

  f->respond = respond_sts_denied;
  imgproc_sts_client_get_caller_identity_async (f->sts, NULL, on_done, f);
  identity = imgproc_sts_client_get_caller_identity_finish (f->sts, wait_for (f), &error);
  assert_aws_code (error, IMGPROC_AWS_ERROR_ACCESS_DENIED, 403, "InvalidClientTokenId");
  details = imgproc_aws_error_get_details (error);
  g_assert_cmpstr (imgproc_aws_error_details_get_request_id (details), ==, "4fc0-STS");
  g_error_free (error);
}

static void
respond_sqs_quirks (Fixture           *f,
                    SoupServerMessage *msg,
                    guint              n)
{
  const char *target = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "X-Amz-Target");

  if (g_strcmp0 (target, "AmazonSQS.DeleteMessage") == 0)
    {
      /* local-aws-sqs: a successful delete has an empty body. */
      soup_server_message_set_status (msg, 200, NULL);
    }
  else if (g_strcmp0 (target, "AmazonSQS.DeleteMessageBatch") == 0)
    {
      respond_with (msg, 200, "application/x-amz-json-1.0",
                    "{\"Successful\":[{\"Id\":\"0\"}],\"Failed\":[{\"Id\":\"1\",\"SenderFault\":true,"
                    "\"Code\":\"ReceiptHandleIsInvalid\",\"Message\":\"bogus\"}]}");
    }
  else if (g_strcmp0 (target, "AmazonSQS.ReceiveMessage") == 0)
    {
      respond_with (msg, 200, "application/x-amz-json-1.0",
                    "{\"Messages\":[{\"MessageId\":\"m1\",\"ReceiptHandle\":\"rh\",\"Body\":\"hi\","
                    "\"MD5OfBody\":\"00000000000000000000000000000000\"}]}");
    }
  else
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender");
      respond_with (msg, 400, "application/x-amz-json-1.0", "{\"message\":\"The specified queue does not exist.\"}");
    }
}

static void
test_sqs_quirks (Fixture       *f,
                 gconstpointer  data)
{
  const char *handles[] = { "good", "bogus", NULL };
  g_autoptr(ImgprocSqsBatchResult) batch = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *url = NULL;
  GError *error = NULL;
  gboolean ok;

  f->respond = respond_sqs_quirks;
  imgproc_sqs_client_delete_message_async (f->sqs, "http://q/1/jobs", "rh", NULL, on_done, f);
  ok = imgproc_sqs_client_delete_message_finish (f->sqs, wait_for (f), &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  imgproc_sqs_client_delete_message_batch_async (f->sqs, "http://q/1/jobs", handles, NULL, on_done, f);
  batch = imgproc_sqs_client_delete_message_batch_finish (f->sqs, wait_for (f), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (imgproc_sqs_batch_result_get_n_successful (batch), ==, 1);
  g_assert_cmpuint (imgproc_sqs_batch_result_get_successful_index (batch, 0), ==, 0);
  g_assert_cmpuint (imgproc_sqs_batch_result_get_n_failed (batch), ==, 1);
  g_assert_cmpuint (imgproc_sqs_batch_result_get_failed_index (batch, 0), ==, 1);
  g_assert_cmpstr (imgproc_sqs_batch_result_get_failed_code (batch, 0), ==, "ReceiptHandleIsInvalid");
  g_assert_true (imgproc_sqs_batch_result_get_failed_sender_fault (batch, 0));

  /* A body that does not match its MD5 is refused, as the SDKs do. */
  imgproc_sqs_client_receive_message_async (f->sqs, "http://q/1/jobs", 1, 0, -1, NULL, on_done, f);
  messages = imgproc_sqs_client_receive_message_finish (f->sqs, wait_for (f), &error);
  g_assert_error (error, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_CHECKSUM_MISMATCH);
  g_clear_error (&error);

  /* No __type: the code comes from x-amzn-query-error. */
  imgproc_sqs_client_get_queue_url_async (f->sqs, "nope", NULL, on_done, f);
  url = imgproc_sqs_client_get_queue_url_finish (f->sqs, wait_for (f), &error);
  assert_aws_code (error, IMGPROC_AWS_ERROR_NOT_FOUND, 400, "AWS.SimpleQueueService.NonExistentQueue");
  g_error_free (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_setenv ("AWS_CONFIG_FILE", "/dev/null", TRUE);
  g_setenv ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null", TRUE);
  g_unsetenv ("AWS_MAX_ATTEMPTS");
  g_unsetenv ("AWS_PROFILE");
  g_setenv ("AWS_EC2_METADATA_DISABLED", "true", TRUE);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/aws/faults/retry-500", test_retry_500);
  ADD ("/aws/faults/retry-503-slowdown", test_retry_slowdown);
  ADD ("/aws/faults/throttling-gives-up", test_throttling_gives_up);
  ADD ("/aws/faults/400-not-retried", test_not_retried_400);
  ADD ("/aws/faults/connection-reset", test_connection_reset);
  ADD ("/aws/faults/s3-key-on-the-wire", test_s3_key_on_the_wire);
  ADD ("/aws/faults/timeout", test_timeout);
  ADD ("/aws/faults/long-poll-outlasts-timeout", test_long_poll_outlasts_timeout);
  ADD ("/aws/faults/cancel", test_cancel);
  ADD ("/aws/faults/expired-credentials", test_expired_credentials);
  ADD ("/aws/faults/expiring-credentials-refreshed", test_expiring_credentials_refreshed);
  ADD ("/aws/faults/clock-skew", test_clock_skew);
  ADD ("/aws/faults/crc32-mismatch", test_crc32_mismatch);
  ADD ("/aws/faults/retry-quota", test_retry_quota);
  ADD ("/aws/faults/region-redirect", test_region_redirect);
  ADD ("/aws/faults/size-limit", test_size_limit);
  ADD ("/aws/faults/sts-caller-identity", test_sts_caller_identity);
  ADD ("/aws/faults/sts-error", test_sts_error);
  ADD ("/aws/faults/sqs-quirks", test_sqs_quirks);
#undef ADD

  return g_test_run ();
}
