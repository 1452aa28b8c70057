/* Tests of ImgprocLambdaRuntime against a loopback Runtime API. */
#include "config.h"

#include "imgproc.h"
#include "fake-runtime-api.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define TRACE "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"

typedef struct {
  FakeRuntimeApi *api;
  ImgprocLambdaRuntime *runtime;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->api = fake_runtime_api_new ();
  fixture->runtime = imgproc_lambda_runtime_new (fake_runtime_api_get_address (fixture->api));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->runtime);
  fake_runtime_api_free (fixture->api);
}

static void
test_next (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ImgprocInvocation) first = NULL;
  g_autoptr(ImgprocInvocation) second = NULL;
  gint64 deadline = g_get_real_time () / 1000 + 60000;
  gsize size = 0;
  const char *event;

  g_assert_cmpstr (imgproc_lambda_runtime_get_api_address (fixture->runtime), ==,
                   fake_runtime_api_get_address (fixture->api));

  fake_runtime_api_queue_event (fixture->api, "req-1", "{\"Records\":[]}", deadline, TRACE);
  fake_runtime_api_queue_event (fixture->api, "req-2", "{}", 0, NULL);

  first = imgproc_lambda_runtime_next_sync (fixture->runtime, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_invocation_get_request_id (first), ==, "req-1");
  g_assert_cmpint (imgproc_invocation_get_deadline_ms (first), ==, deadline);
  g_assert_cmpstr (imgproc_invocation_get_function_arn (first), ==,
                   "arn:aws:lambda:us-east-1:012345678912:function:imgproc-test");
  g_assert_cmpstr (imgproc_invocation_get_trace_id (first), ==, TRACE);
  event = g_bytes_get_data (imgproc_invocation_get_event (first), &size);
  g_assert_cmpmem (event, size, "{\"Records\":[]}", strlen ("{\"Records\":[]}"));
  g_assert_cmpint (imgproc_invocation_get_remaining_ms (first), >, 0);
  g_assert_cmpint (imgproc_invocation_get_remaining_ms (first), <=, 60000);
  g_assert_cmpstr (g_getenv ("_X_AMZN_TRACE_ID"), ==, TRACE);

  second = imgproc_lambda_runtime_next_sync (fixture->runtime, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_invocation_get_request_id (second), ==, "req-2");
  g_assert_null (imgproc_invocation_get_trace_id (second));
  g_assert_cmpint (imgproc_invocation_get_remaining_ms (second), ==, G_MAXINT64);
  /* An invocation without a trace must not inherit the previous one's. */
  g_assert_null (g_getenv ("_X_AMZN_TRACE_ID"));
  g_assert_cmpuint (fake_runtime_api_get_n_next (fixture->api), ==, 2);
}

static void
test_respond (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"batchItemFailures\":[]}", 24);
  g_autoptr(FakeRuntimePost) post = NULL;

  g_assert_true (imgproc_lambda_runtime_respond_sync (fixture->runtime, "req with space", body,
                                                      NULL, NULL, &error));
  g_assert_no_error (error);
  post = fake_runtime_api_wait_post (fixture->api);
  g_assert_cmpint (post->kind, ==, FAKE_RUNTIME_POST_RESPONSE);
  g_assert_cmpstr (post->request_id, ==, "req with space");
  g_assert_cmpstr (post->content_type, ==, "application/json");
  g_assert_null (post->error_type);
  g_assert_true (g_bytes_equal (post->body, body));
}

static void
assert_error_document (FakeRuntimePost *post,
                       const char      *type,
                       const char      *message)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  g_assert_cmpstr (post->content_type, ==, "application/json");
  g_assert_cmpstr (post->error_type, ==, type);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (post->body, NULL),
                                             g_bytes_get_size (post->body), NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "errorType"), ==, type);
  g_assert_cmpstr (json_object_get_string_member (object, "errorMessage"), ==, message);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "stackTrace")), ==, 0);
}

static void
test_report_error (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FakeRuntimePost) post = NULL;
  g_autoptr(FakeRuntimePost) init = NULL;

  g_assert_true (imgproc_lambda_runtime_report_error_sync (fixture->runtime, "req-9",
                                                           "Runtime.HandlerFailed",
                                                           "the event is \"bad\"", NULL, &error));
  g_assert_no_error (error);
  post = fake_runtime_api_wait_post (fixture->api);
  g_assert_cmpint (post->kind, ==, FAKE_RUNTIME_POST_ERROR);
  g_assert_cmpstr (post->request_id, ==, "req-9");
  assert_error_document (post, "Runtime.HandlerFailed", "the event is \"bad\"");

  g_assert_true (imgproc_lambda_runtime_report_error_sync (fixture->runtime, NULL,
                                                           "Runtime.InitFailed",
                                                           "no queue", NULL, &error));
  g_assert_no_error (error);
  init = fake_runtime_api_wait_post (fixture->api);
  g_assert_cmpint (init->kind, ==, FAKE_RUNTIME_POST_INIT_ERROR);
  assert_error_document (init, "Runtime.InitFailed", "no queue");
}

static void
async_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
test_async (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) next_result = NULL;
  g_autoptr(GAsyncResult) respond_result = NULL;
  g_autoptr(GAsyncResult) error_result = NULL;
  g_autoptr(ImgprocInvocation) invocation = NULL;
  g_autoptr(GBytes) body = g_bytes_new_static ("ok", 2);
  g_autoptr(FakeRuntimePost) response = NULL;
  g_autoptr(FakeRuntimePost) report = NULL;

  /* The request waits on the server until an event is queued. */
  imgproc_lambda_runtime_next_async (fixture->runtime, NULL, async_done, &next_result);
  /* Poll: the server's thread cannot wake this context. */
  while (fake_runtime_api_get_n_next (fixture->api) == 0)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_null (next_result);
  fake_runtime_api_queue_event (fixture->api, "req-async", "{\"a\":1}", 1, TRACE);
  invocation = imgproc_lambda_runtime_next_finish (fixture->runtime, wait_for (&next_result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_invocation_get_request_id (invocation), ==, "req-async");
  g_assert_cmpint (imgproc_invocation_get_remaining_ms (invocation), <, 0);
  g_assert_cmpstr (g_getenv ("_X_AMZN_TRACE_ID"), ==, TRACE);

  imgproc_lambda_runtime_respond_async (fixture->runtime, "req-async", body, "text/plain",
                                        NULL, async_done, &respond_result);
  g_assert_true (imgproc_lambda_runtime_respond_finish (fixture->runtime, wait_for (&respond_result), &error));
  g_assert_no_error (error);
  response = fake_runtime_api_wait_post (fixture->api);
  g_assert_cmpstr (response->content_type, ==, "text/plain");

  imgproc_lambda_runtime_report_error_async (fixture->runtime, "req-async", "Runtime.Timeout",
                                             "deadline", NULL, async_done, &error_result);
  g_assert_true (imgproc_lambda_runtime_report_error_finish (fixture->runtime, wait_for (&error_result), &error));
  g_assert_no_error (error);
  report = fake_runtime_api_wait_post (fixture->api);
  assert_error_document (report, "Runtime.Timeout", "deadline");
}

static void
test_statuses (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GBytes) body = g_bytes_new_static ("{}", 2);
  struct { guint status; int code; } cases[] = {
    { 400, IMGPROC_RUNTIME_ERROR_REJECTED },
    { 403, IMGPROC_RUNTIME_ERROR_REJECTED },
    { 413, IMGPROC_RUNTIME_ERROR_REJECTED },
    { 500, IMGPROC_RUNTIME_ERROR_CONTAINER },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FakeRuntimePost) post = NULL;

      fake_runtime_api_set_status (fixture->api, cases[i].status);
      g_assert_false (imgproc_lambda_runtime_respond_sync (fixture->runtime, "req", body, NULL,
                                                           NULL, &error));
      g_assert_error (error, IMGPROC_RUNTIME_ERROR, cases[i].code);
      post = fake_runtime_api_wait_post (fixture->api);
      g_assert_nonnull (post);
    }
}

static void
test_unreachable (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(ImgprocLambdaRuntime) runtime = NULL;
  g_autoptr(ImgprocInvocation) invocation = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;

  /* A port that was bound and closed: nothing listens there. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any, TRUE, &error));
  bound = g_socket_get_local_address (socket, &error);
  address = g_strdup_printf ("127.0.0.1:%u",
                             g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);

  runtime = imgproc_lambda_runtime_new (address);
  invocation = imgproc_lambda_runtime_next_sync (runtime, NULL, &error);
  g_assert_null (invocation);
  g_assert_error (error, IMGPROC_RUNTIME_ERROR, IMGPROC_RUNTIME_ERROR_TRANSPORT);
}

static void
test_bad_address (void)
{
  const char *addresses[] = { "not an address", "127.0.0.1", "127.0.0.1:9001/x", "user@127.0.0.1:1", "" };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (addresses); i++)
    {
      g_autoptr(ImgprocLambdaRuntime) runtime = imgproc_lambda_runtime_new (addresses[i]);
      g_autoptr(ImgprocInvocation) invocation = NULL;
      g_autoptr(GError) error = NULL;

      invocation = imgproc_lambda_runtime_next_sync (runtime, NULL, &error);
      g_assert_null (invocation);
      g_assert_error (error, IMGPROC_RUNTIME_ERROR, IMGPROC_RUNTIME_ERROR_NOT_CONFIGURED);
    }
}

static void
test_environment (void)
{
  g_autoptr(ImgprocLambdaRuntime) runtime = NULL;
  g_autoptr(GError) error = NULL;

  g_unsetenv ("AWS_LAMBDA_RUNTIME_API");
  runtime = imgproc_lambda_runtime_new_from_environment (&error);
  g_assert_null (runtime);
  g_assert_error (error, IMGPROC_RUNTIME_ERROR, IMGPROC_RUNTIME_ERROR_NOT_CONFIGURED);
  g_clear_error (&error);

  g_setenv ("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001", TRUE);
  runtime = imgproc_lambda_runtime_new_from_environment (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_lambda_runtime_get_api_address (runtime), ==, "127.0.0.1:9001");
  g_unsetenv ("AWS_LAMBDA_RUNTIME_API");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/lambda-runtime/next", Fixture, NULL, fixture_set_up, test_next, fixture_tear_down);
  g_test_add ("/lambda-runtime/respond", Fixture, NULL, fixture_set_up, test_respond, fixture_tear_down);
  g_test_add ("/lambda-runtime/report-error", Fixture, NULL, fixture_set_up, test_report_error, fixture_tear_down);
  g_test_add ("/lambda-runtime/async", Fixture, NULL, fixture_set_up, test_async, fixture_tear_down);
  g_test_add ("/lambda-runtime/statuses", Fixture, NULL, fixture_set_up, test_statuses, fixture_tear_down);
  g_test_add_func ("/lambda-runtime/unreachable", test_unreachable);
  g_test_add_func ("/lambda-runtime/bad-address", test_bad_address);
  g_test_add_func ("/lambda-runtime/environment", test_environment);

  return g_test_run ();
}
