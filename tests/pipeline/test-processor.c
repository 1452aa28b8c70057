/* Tests of ImgprocProcessor against a loopback server that plays S3 and
 * DynamoDB: every outcome, the rendition keys and the DynamoDB item. */
#include "config.h"

#include "imgproc.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

typedef struct {
  SoupServer *server;
  GHashTable *objects;
  GPtrArray *puts;
  GPtrArray *items;
  guint gets;
  GPtrArray *get_paths;
  guint dynamodb_status;
  ImgprocProcessor *processor;
  ImgprocServiceConfig *config;
  ImgprocS3Client *s3;
  ImgprocDynamodbClient *dynamodb;
  GPtrArray *deletes;
  ImgprocTraceHeader *trace;
  guint hold_gets;
  GPtrArray *held_gets;
  guint release_late_id;
  guint most_gets_held;
} Fixture;

typedef struct {
  char *path;
  char *content_type;
  char *source_key;
  gsize size;
} Put;

static void
put_free (Put *put)
{
  g_free (put->path);
  g_free (put->content_type);
  g_free (put->source_key);
  g_free (put);
}

/* GETs are held until hold_gets of them wait at once, so that the most
 * held shows how many the processor and its client let through together;
 * fewer are let go after 2 s. */
static void
release_held_gets (Fixture *fixture)
{
  for (guint i = 0; i < fixture->held_gets->len; i++)
    soup_server_message_unpause (fixture->held_gets->pdata[i]);
  g_ptr_array_set_size (fixture->held_gets, 0);
  g_clear_handle_id (&fixture->release_late_id, g_source_remove);
}

static gboolean
release_held_gets_late (gpointer data)
{
  Fixture *fixture = data;

  fixture->release_late_id = 0;
  release_held_gets (fixture);
  return G_SOURCE_REMOVE;
}

static void
handle (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  Fixture *fixture = user_data;
  const char *method = soup_server_message_get_method (msg);
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  const char *target = soup_message_headers_get_one (request, "X-Amz-Target");
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));

  if (target != NULL && g_str_has_suffix (target, ".PutItem"))
    {
      if (fixture->dynamodb_status == 400)
        {
          static const char reply[] =
            "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
            "\"message\":\"The conditional request failed\"}";
          soup_server_message_set_status (msg, 400, NULL);
          soup_server_message_set_response (msg, "application/x-amz-json-1.0", SOUP_MEMORY_STATIC,
                                            reply, strlen (reply));
          return;
        }
      if (fixture->dynamodb_status == 500)
        {
          static const char reply[] = "{\"__type\":\"InternalServerError\",\"message\":\"down\"}";
          soup_server_message_set_status (msg, 500, NULL);
          soup_server_message_set_response (msg, "application/x-amz-json-1.0", SOUP_MEMORY_STATIC,
                                            reply, strlen (reply));
          return;
        }
      g_ptr_array_add (fixture->items, g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body)));
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/x-amz-json-1.0", SOUP_MEMORY_STATIC, "{}", 2);
      return;
    }

  if (g_str_equal (method, "GET") && fixture->hold_gets > 0)
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (fixture->held_gets, g_object_ref (msg));
      fixture->most_gets_held = MAX (fixture->most_gets_held, fixture->held_gets->len);
      if (fixture->held_gets->len >= fixture->hold_gets)
        release_held_gets (fixture);
      else if (fixture->release_late_id == 0)
        fixture->release_late_id = g_timeout_add_seconds (2, release_held_gets_late, fixture);
    }

  if (g_str_equal (method, "GET"))
    {
      GBytes *object = g_hash_table_lookup (fixture->objects, path);

      fixture->gets++;
      g_ptr_array_add (fixture->get_paths, g_strdup (path));
      if (object == NULL)
        {
          static const char reply[] =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code>"
            "<Message>The specified key does not exist.</Message><RequestId>1</RequestId></Error>";
          soup_server_message_set_status (msg, 404, NULL);
          soup_server_message_set_response (msg, "application/xml", SOUP_MEMORY_STATIC, reply, strlen (reply));
          return;
        }
      soup_message_headers_replace (response, "ETag", "\"0123456789abcdef\"");
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (object, NULL), g_bytes_get_size (object));
      return;
    }

  if (g_str_equal (method, "PUT"))
    {
      Put *put = g_new0 (Put, 1);

      put->path = g_strdup (path);
      put->content_type = g_strdup (soup_message_headers_get_one (request, "Content-Type"));
      put->source_key = g_strdup (soup_message_headers_get_one (request, "x-amz-meta-source-key"));
      put->size = g_bytes_get_size (body);
      g_ptr_array_add (fixture->puts, put);
      soup_message_headers_replace (response, "ETag", "\"feedface\"");
      soup_server_message_set_status (msg, 200, NULL);
      return;
    }

  if (g_str_equal (method, "DELETE"))
    {
      g_ptr_array_add (fixture->deletes, g_strdup (path));
      soup_server_message_set_status (msg, 204, NULL);
      return;
    }

  soup_server_message_set_status (msg, 400, NULL);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ImgprocAwsConfig) aws = NULL;
  g_autoptr(ImgprocCredentialsProvider) credentials = NULL;
  g_autoptr(ImgprocS3Client) s3 = NULL;
  g_autoptr(ImgprocDynamodbClient) dynamodb = NULL;
  g_autofree char *endpoint = NULL;
  GSList *uris;

  fixture->objects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  fixture->puts = g_ptr_array_new_with_free_func ((GDestroyNotify) put_free);
  fixture->items = g_ptr_array_new_with_free_func (g_free);
  fixture->deletes = g_ptr_array_new_with_free_func (g_free);
  fixture->held_gets = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->get_paths = g_ptr_array_new_with_free_func (g_free);
  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, NULL, handle, fixture, NULL);
  g_assert_true (soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->server);
  endpoint = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_setenv ("AWS_ENDPOINT_URL", endpoint, TRUE);
  g_setenv ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", TRUE);
  g_setenv ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", TRUE);
  g_unsetenv ("AWS_SESSION_TOKEN");
  g_setenv ("AWS_MAX_ATTEMPTS", "1", TRUE);
  g_setenv ("AWS_CONFIG_FILE", "/nonexistent/imgproc-test", TRUE);
  g_setenv ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/imgproc-test", TRUE);

  fixture->config = imgproc_service_config_new ();
  g_assert_true (imgproc_service_config_set (fixture->config, "widths", "320,160",
                                             IMGPROC_SETTING_SOURCE_COMMAND_LINE, NULL));
  g_assert_true (imgproc_service_config_set (fixture->config, "format", "jpeg",
                                             IMGPROC_SETTING_SOURCE_COMMAND_LINE, NULL));
  g_assert_true (imgproc_service_config_set (fixture->config, "table", "images",
                                             IMGPROC_SETTING_SOURCE_COMMAND_LINE, NULL));
  g_assert_true (imgproc_service_config_set (fixture->config, "max-object-bytes", "20000000",
                                             IMGPROC_SETTING_SOURCE_COMMAND_LINE, NULL));
  g_assert_true (imgproc_service_config_validate (fixture->config, IMGPROC_SERVICE_MODE_LAMBDA, NULL));

  aws = imgproc_aws_config_new ("us-east-1");
  credentials = imgproc_environment_credentials_provider_new ();
  s3 = imgproc_s3_client_new (aws, credentials);
  dynamodb = imgproc_dynamodb_client_new (aws, credentials);
  fixture->processor = imgproc_processor_new (fixture->config, s3, dynamodb);
  fixture->s3 = g_object_ref (s3);
  fixture->dynamodb = g_object_ref (dynamodb);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->processor);
  g_clear_object (&fixture->config);
  g_clear_object (&fixture->s3);
  g_clear_object (&fixture->dynamodb);
  g_ptr_array_unref (fixture->deletes);
  release_held_gets (fixture);
  g_ptr_array_unref (fixture->held_gets);
  g_ptr_array_unref (fixture->get_paths);
  g_clear_pointer (&fixture->trace, imgproc_trace_header_unref);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_hash_table_unref (fixture->objects);
  g_ptr_array_unref (fixture->puts);
  g_ptr_array_unref (fixture->items);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
add_object (Fixture    *fixture,
            const char *path,
            GBytes     *bytes)
{
  g_hash_table_replace (fixture->objects, g_strdup (path), g_bytes_ref (bytes));
}

static GBytes *
load_image (const char *name)
{
  const char *dir = g_getenv ("IMGPROC_TESTDATA");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (dir == NULL)
    dir = "../shared/testdata";
  path = g_build_filename (dir, "images", name, NULL);
  if (!g_file_get_contents (path, &contents, &length, &error))
    return NULL;
  return g_bytes_new_take (contents, length);
}

static void
done (GObject      *source,
      GAsyncResult *result,
      gpointer      user_data)
{
  ImgprocRecordResult **out = user_data;

  *out = imgproc_processor_process_finish (IMGPROC_PROCESSOR (source), result);
}

static ImgprocObjectEvent *
created_event (const char *key,
               gint64      size,
               const char *sequencer)
{
  return imgproc_object_event_new (IMGPROC_OBJECT_EVENT_KIND_CREATED, IMGPROC_EVENT_ORIGIN_S3,
                                   "ObjectCreated:Put", "media", key, size, "0123456789abcdef",
                                   sequencer, NULL, "2026-11-26T19:00:00.000Z");
}

static ImgprocRecordResult *
process (Fixture    *fixture,
         const char *key,
         gint64      size,
         const char *sequencer)
{
  g_autoptr(ImgprocObjectEvent) event = created_event (key, size, sequencer);
  ImgprocRecordResult *result = NULL;

  imgproc_processor_process_async (fixture->processor, event, 2, fixture->trace, NULL, done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return result;
}

static JsonObject *
parse_item (JsonParser *parser,
            const char *text)
{
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "Item");
}

static const char *
item_string (JsonObject *item,
             const char *name)
{
  return json_object_get_string_member (json_object_get_object_member (item, name), "S");
}

static void
test_success (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GBytes) image = load_image ("flower-2268x1512.png");
  g_autoptr(ImgprocRecordResult) result = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char * const *keys;
  JsonObject *item;
  Put *put;

  if (image == NULL)
    {
      g_test_skip ("IMGPROC_TESTDATA has no flower-2268x1512.png");
      return;
    }
  add_object (fixture, "/media/uploads/a b/flower+1.PNG", image);
  result = process (fixture, "uploads/a b/flower+1.PNG", (gint64) g_bytes_get_size (image), "0063280A82D9E2001C");

  if (imgproc_record_result_get_error (result) != NULL)
    g_test_message ("%s", imgproc_record_result_get_error (result)->message);
  g_assert_cmpint (imgproc_record_result_get_outcome (result), ==, IMGPROC_OUTCOME_SUCCESS);
  g_assert_true (imgproc_record_result_is_acknowledged (result));
  g_assert_false (imgproc_record_result_get_stale (result));
  keys = imgproc_record_result_get_rendition_keys (result);
  g_assert_cmpuint (g_strv_length ((char **) keys), ==, 2);
  g_assert_cmpstr (keys[0], ==, "processed/320/a b/flower+1.jpg");
  g_assert_cmpstr (keys[1], ==, "processed/160/a b/flower+1.jpg");
  g_assert_cmpuint (imgproc_record_result_get_bytes_in (result), ==, g_bytes_get_size (image));
  g_assert_cmpuint (imgproc_record_result_get_bytes_out (result), >, 0);

  g_assert_cmpuint (fixture->puts->len, ==, 2);
  put = g_ptr_array_index (fixture->puts, 0);
  g_assert_cmpstr (put->path, ==, "/media/processed/320/a b/flower+1.jpg");
  g_assert_cmpstr (put->content_type, ==, "image/jpeg");
  g_assert_cmpstr (put->source_key, ==, "uploads/a%20b/flower%2B1.PNG");

  g_assert_cmpuint (fixture->items->len, ==, 1);
  item = parse_item (parser, g_ptr_array_index (fixture->items, 0));
  g_assert_cmpstr (item_string (item, "source_key"), ==, "uploads/a b/flower+1.PNG");
  g_assert_cmpstr (item_string (item, "status"), ==, "processed");
  g_assert_cmpstr (item_string (item, "bucket"), ==, "media");
  g_assert_cmpstr (item_string (item, "sequencer"), ==, "000000000000000063280A82D9E2001C");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (item, "attempts"), "N"), ==, "2");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_object_get_object_member (item, "renditions"), "L")), ==, 2);
}

static void
test_skipped (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(ImgprocRecordResult) result = process (fixture, "processed/320/a.jpg", 10, NULL);

  g_assert_cmpint (imgproc_record_result_get_outcome (result), ==, IMGPROC_OUTCOME_SKIPPED);
  g_assert_cmpint (imgproc_record_result_get_skip_reason (result), ==,
                   IMGPROC_SKIP_REASON_UNDER_DESTINATION_PREFIX);
  g_assert_true (imgproc_record_result_is_acknowledged (result));
  g_assert_cmpuint (fixture->gets, ==, 0);
  g_assert_cmpuint (fixture->items->len, ==, 0);
}

static void
test_corrupt (Fixture       *fixture,
              gconstpointer  data)
{
  static const char not_a_jpeg[] = "\xff\xd8\xff\xe0 this is not a JPEG at all";
  g_autoptr(GBytes) junk = g_bytes_new_static (not_a_jpeg, sizeof not_a_jpeg - 1);
  g_autoptr(ImgprocRecordResult) result = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *item;

  add_object (fixture, "/media/uploads/bad.jpg", junk);
  result = process (fixture, "uploads/bad.jpg", sizeof not_a_jpeg - 1, "01");
  g_assert_cmpint (imgproc_record_result_get_outcome (result), ==, IMGPROC_OUTCOME_PERMANENT_FAILURE);
  g_assert_false (imgproc_record_result_is_acknowledged (result));
  g_assert_true (imgproc_record_result_get_error (result)->domain == IMGPROC_IMAGE_ERROR);
  g_assert_cmpuint (fixture->puts->len, ==, 0);
  g_assert_cmpuint (fixture->items->len, ==, 1);
  item = parse_item (parser, g_ptr_array_index (fixture->items, 0));
  g_assert_cmpstr (item_string (item, "status"), ==, "failed");
  g_assert_cmpstr (item_string (item, "error_code"), ==, "permanent");
  g_assert_nonnull (item_string (item, "error"));
}

static void
test_too_large (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(ImgprocRecordResult) result = process (fixture, "uploads/huge.jpg", 999999999, NULL);

  g_assert_cmpint (imgproc_record_result_get_outcome (result), ==, IMGPROC_OUTCOME_PERMANENT_FAILURE);
  g_assert_error (imgproc_record_result_get_error (result), IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_TOO_LARGE);
  g_assert_cmpuint (fixture->gets, ==, 0);
  g_assert_cmpuint (fixture->items->len, ==, 1);
}

static void
test_missing (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(ImgprocRecordResult) result = process (fixture, "uploads/gone.jpg", 10, NULL);

  g_assert_cmpint (imgproc_record_result_get_outcome (result), ==, IMGPROC_OUTCOME_PERMANENT_FAILURE);
  g_assert_error (imgproc_record_result_get_error (result), IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_NOT_FOUND);
  g_assert_cmpuint (fixture->gets, ==, 1);
}

static void
test_stale (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GBytes) image = load_image ("flower-2268x1512.png");
  g_autoptr(ImgprocRecordResult) result = NULL;

  if (image == NULL)
    {
      g_test_skip ("IMGPROC_TESTDATA has no flower-2268x1512.png");
      return;
    }
  fixture->dynamodb_status = 400;
  add_object (fixture, "/media/uploads/old.png", image);
  result = process (fixture, "uploads/old.png", -1, "0A");
  g_assert_cmpint (imgproc_record_result_get_outcome (result), ==, IMGPROC_OUTCOME_SUCCESS);
  g_assert_true (imgproc_record_result_get_stale (result));
}

static void
test_record_unavailable (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GBytes) image = load_image ("flower-2268x1512.png");
  g_autoptr(ImgprocRecordResult) result = NULL;

  if (image == NULL)
    {
      g_test_skip ("IMGPROC_TESTDATA has no flower-2268x1512.png");
      return;
    }
  fixture->dynamodb_status = 500;
  add_object (fixture, "/media/uploads/x.png", image);
  result = process (fixture, "uploads/x.png", -1, "0B");
  g_assert_cmpint (imgproc_record_result_get_outcome (result), ==, IMGPROC_OUTCOME_TRANSIENT_FAILURE);
  g_assert_false (imgproc_record_result_is_acknowledged (result));
}

static void
test_tracing (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GBytes) image = load_image ("flower-2268x1512.png");
  g_autoptr(ImgprocRecordResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocket) daemon = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(ImgprocXrayEmitter) emitter = NULL;
  g_autofree char *address = NULL;
  g_autoptr(GString) names = g_string_new (NULL);
  char buffer[65536];
  gssize received;

  if (image == NULL)
    {
      g_test_skip ("IMGPROC_TESTDATA has no flower-2268x1512.png");
      return;
    }
  daemon = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (daemon, any, TRUE, &error));
  bound = g_socket_get_local_address (daemon, &error);
  address = g_strdup_printf ("127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  emitter = imgproc_xray_emitter_new (address, &error);
  g_assert_no_error (error);
  imgproc_processor_set_xray_emitter (fixture->processor, emitter);
  fixture->trace = imgproc_trace_header_parse ("Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;"
                                               "Parent=9a9197af755a6419;Sampled=1", &error);
  g_assert_no_error (error);

  add_object (fixture, "/media/uploads/t.png", image);
  result = process (fixture, "uploads/t.png", -1, "0C");
  g_assert_cmpint (imgproc_record_result_get_outcome (result), ==, IMGPROC_OUTCOME_SUCCESS);

  /* GetObject, two PutObject and PutItem, each one datagram. */
  g_socket_set_blocking (daemon, FALSE);
  while ((received = g_socket_receive (daemon, buffer, sizeof buffer - 1, NULL, NULL)) > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      const char *newline;
      JsonObject *object;

      buffer[received] = '\0';
      newline = strchr (buffer, '\n');
      g_assert_nonnull (newline);
      g_assert_true (json_parser_load_from_data (parser, newline + 1, -1, NULL));
      object = json_node_get_object (json_parser_get_root (parser));
      g_string_append_printf (names, "%s.%s ", json_object_get_string_member (object, "name"),
                              json_object_get_string_member (json_object_get_object_member (object, "aws"), "operation"));
    }
  g_assert_cmpstr (names->str, ==, "S3.GetObject S3.PutObject S3.PutObject DynamoDB.PutItem ");
}

static void
removed_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ImgprocRecordResult **out = user_data;

  *out = imgproc_processor_process_finish (IMGPROC_PROCESSOR (source), result);
}

static void
test_removal (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(ImgprocObjectEvent) removed =
    imgproc_object_event_new (IMGPROC_OBJECT_EVENT_KIND_REMOVED, IMGPROC_EVENT_ORIGIN_S3,
                              "ObjectRemoved:Delete", "media", "uploads/a/b.PNG", -1, NULL, "0F", NULL, NULL);
  g_autoptr(ImgprocRecordResult) kept = NULL;
  g_autoptr(ImgprocRecordResult) result = NULL;
  g_autoptr(ImgprocProcessor) deleting = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *item;

  /* By default a removal is skipped. */
  imgproc_processor_process_async (fixture->processor, removed, 1, NULL, NULL, removed_done, &kept);
  while (kept == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (imgproc_record_result_get_outcome (kept), ==, IMGPROC_OUTCOME_SKIPPED);
  g_assert_cmpint (imgproc_record_result_get_skip_reason (kept), ==, IMGPROC_SKIP_REASON_NOT_CREATED);

  g_assert_true (imgproc_service_config_set (fixture->config, "delete-renditions-on-remove", "true",
                                             IMGPROC_SETTING_SOURCE_COMMAND_LINE, NULL));
  deleting = imgproc_processor_new (fixture->config, fixture->s3, fixture->dynamodb);
  imgproc_processor_process_async (deleting, removed, 1, NULL, NULL, removed_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpint (imgproc_record_result_get_outcome (result), ==, IMGPROC_OUTCOME_SUCCESS);
  g_assert_cmpuint (fixture->deletes->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (fixture->deletes, 0), ==, "/media/processed/320/a/b.jpg");
  g_assert_cmpstr (g_ptr_array_index (fixture->deletes, 1), ==, "/media/processed/160/a/b.jpg");
  g_assert_cmpuint (fixture->gets, ==, 0);
  item = parse_item (parser, g_ptr_array_index (fixture->items, 0));
  g_assert_cmpstr (item_string (item, "status"), ==, "removed");
}

static void
done_count (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GPtrArray *results = user_data;

  g_ptr_array_add (results, imgproc_processor_process_finish (IMGPROC_PROCESSOR (source), result));
}

/* A processor of the fixture's clients that lets @in_flight events hold an
 * image at once. */
static ImgprocProcessor *
processor_with_images_in_flight (Fixture *fixture,
                                 guint    in_flight)
{
  return g_object_new (IMGPROC_TYPE_PROCESSOR, "config", fixture->config, "s3-client", fixture->s3,
                       "dynamodb-client", fixture->dynamodb, "max-images-in-flight", in_flight, NULL);
}

/* However many events are processed at once, only max-images-in-flight of
 * them download or decode: the others wait before their GetObject. */
static void
test_admission (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GBytes) image = load_image ("tulips-alpha-500x500.png");
  g_autoptr(ImgprocProcessor) processor = NULL;
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) imgproc_record_result_unref);
  guint in_flight = 0;

  if (image == NULL)
    {
      g_test_skip ("IMGPROC_TESTDATA has no tulips-alpha-500x500.png");
      return;
    }
  processor = processor_with_images_in_flight (fixture, 4);
  g_object_get (processor, "max-images-in-flight", &in_flight, NULL);
  g_assert_cmpuint (in_flight, ==, 4);
  g_object_get (fixture->processor, "max-images-in-flight", &in_flight, NULL);
  g_assert_cmpuint (in_flight, ==, g_get_num_processors () + 1);

  fixture->hold_gets = 4;
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *key = g_strdup_printf ("uploads/tulips-%u.png", i);
      g_autofree char *path = g_strdup_printf ("/media/%s", key);
      g_autofree char *sequencer = g_strdup_printf ("%016X", i + 1);
      g_autoptr(ImgprocObjectEvent) event = created_event (key, (gint64) g_bytes_get_size (image), sequencer);

      add_object (fixture, path, image);
      imgproc_processor_process_async (processor, event, 1, NULL, NULL, done_count, results);
    }
  while (results->len < 8)
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < results->len; i++)
    g_assert_cmpint (imgproc_record_result_get_outcome (results->pdata[i]), ==, IMGPROC_OUTCOME_SUCCESS);
  g_assert_cmpuint (fixture->gets, ==, 8);
  /* Four at once also shows that the S3 client does not hold requests back
   * (libsoup's default is two connections per host). */
  g_assert_cmpuint (fixture->most_gets_held, ==, 4);
}

static void
process_named (Fixture          *fixture,
               ImgprocProcessor *processor,
               GBytes           *image,
               const char       *name,
               gint64            declared_size,
               GPtrArray        *results)
{
  g_autofree char *key = g_strdup_printf ("uploads/%s.png", name);
  g_autofree char *path = g_strdup_printf ("/media/%s", key);
  g_autoptr(ImgprocObjectEvent) event = created_event (key, declared_size, "01");

  add_object (fixture, path, image);
  imgproc_processor_process_async (processor, event, 1, NULL, NULL, done_count, results);
}

/* The events of a batch reach their GetObject largest first, by the size
 * their event declares, and those without a size last in their order; a
 * batch goes after the events that were waiting before it. */
static void
test_batch_order (Fixture       *fixture,
                  gconstpointer  data)
{
  static const char *const expected[] = {
    "first", "waiting", "size-9000", "size-5000", "size-1200a", "size-1200b", "size-300", "unsized-a",
    "unsized-b",
  };
  g_autoptr(GBytes) image = load_image ("tulips-alpha-500x500.png");
  g_autoptr(ImgprocProcessor) processor = NULL;
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) imgproc_record_result_unref);

  if (image == NULL)
    {
      g_test_skip ("IMGPROC_TESTDATA has no tulips-alpha-500x500.png");
      return;
    }
  processor = processor_with_images_in_flight (fixture, 1);

  /* The first takes the only turn at once; the second, though small, waits
   * ahead of the batch that comes after it. */
  process_named (fixture, processor, image, "first", 10, results);
  process_named (fixture, processor, image, "waiting", 10, results);
  imgproc_processor_begin_batch (processor);
  process_named (fixture, processor, image, "size-300", 300, results);
  process_named (fixture, processor, image, "unsized-a", -1, results);
  process_named (fixture, processor, image, "size-1200a", 1200, results);
  process_named (fixture, processor, image, "size-9000", 9000, results);
  process_named (fixture, processor, image, "unsized-b", -1, results);
  process_named (fixture, processor, image, "size-1200b", 1200, results);
  process_named (fixture, processor, image, "size-5000", 5000, results);
  imgproc_processor_end_batch (processor);
  while (results->len < G_N_ELEMENTS (expected))
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < results->len; i++)
    g_assert_cmpint (imgproc_record_result_get_outcome (results->pdata[i]), ==, IMGPROC_OUTCOME_SUCCESS);
  g_assert_cmpuint (fixture->get_paths->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *path = g_strdup_printf ("/media/uploads/%s.png", expected[i]);

      g_assert_cmpstr (g_ptr_array_index (fixture->get_paths, i), ==, path);
    }
}

/* The end of a batch starts as many of its events as there is room for,
 * not only one. */
static void
test_batch_room (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GBytes) image = load_image ("tulips-alpha-500x500.png");
  g_autoptr(ImgprocProcessor) processor = NULL;
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) imgproc_record_result_unref);

  if (image == NULL)
    {
      g_test_skip ("IMGPROC_TESTDATA has no tulips-alpha-500x500.png");
      return;
    }
  processor = processor_with_images_in_flight (fixture, 3);
  fixture->hold_gets = 2;
  imgproc_processor_begin_batch (processor);
  process_named (fixture, processor, image, "small", 100, results);
  process_named (fixture, processor, image, "large", 100000, results);
  imgproc_processor_end_batch (processor);
  while (results->len < 2)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (fixture->most_gets_held, ==, 2);
  g_assert_cmpuint (fixture->get_paths->len, ==, 2);
}

/* A cancelled event is a transient failure with a result of its own, and
 * leaves no record: it will be retried. */
static void
test_cancelled (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GBytes) image = load_image ("tulips-alpha-500x500.png");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(ImgprocObjectEvent) event = created_event ("uploads/tulips.png", 1000, "01");
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) imgproc_record_result_unref);
  ImgprocRecordResult *result;

  if (image == NULL)
    {
      g_test_skip ("IMGPROC_TESTDATA has no tulips-alpha-500x500.png");
      return;
    }
  add_object (fixture, "/media/uploads/tulips.png", image);
  g_cancellable_cancel (cancellable);
  imgproc_processor_process_async (fixture->processor, event, 1, NULL, cancellable, done_count, results);
  while (results->len < 1)
    g_main_context_iteration (NULL, TRUE);

  result = results->pdata[0];
  g_assert_nonnull (result);
  g_assert_cmpint (imgproc_record_result_get_outcome (result), ==, IMGPROC_OUTCOME_TRANSIENT_FAILURE);
  g_assert_false (imgproc_record_result_is_acknowledged (result));
  g_assert_error ((GError *) imgproc_record_result_get_error (result), G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (fixture->items->len, ==, 0);
  g_assert_cmpuint (fixture->puts->len, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/processor/success", test_success);
  ADD ("/processor/skipped", test_skipped);
  ADD ("/processor/corrupt", test_corrupt);
  ADD ("/processor/too-large", test_too_large);
  ADD ("/processor/missing", test_missing);
  ADD ("/processor/stale", test_stale);
  ADD ("/processor/record-unavailable", test_record_unavailable);
  ADD ("/processor/removal", test_removal);
  ADD ("/processor/tracing", test_tracing);
  ADD ("/processor/admission", test_admission);
  ADD ("/processor/batch-order", test_batch_order);
  ADD ("/processor/batch-room", test_batch_room);
  ADD ("/processor/cancelled", test_cancelled);
#undef ADD

  return g_test_run ();
}
