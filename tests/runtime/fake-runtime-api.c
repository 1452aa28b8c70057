/* The loopback Runtime API of the Lambda tests. */
#include "config.h"

#include "fake-runtime-api.h"

#include <libsoup/soup.h>
#include <string.h>

#define FUNCTION_ARN "arn:aws:lambda:us-east-1:012345678912:function:imgproc-test"

typedef struct {
  char *request_id;
  char *event;
  gint64 deadline_ms;
  char *trace_id;
} QueuedEvent;

struct _FakeRuntimeApi
{
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  SoupServer *server;
  char *address;

  GMutex lock;
  GCond cond;
  GQueue events;
  GQueue waiting;
  GQueue posts;
  guint n_next;
  guint post_status;
  gboolean ready;
};

static void
queued_event_free (QueuedEvent *event)
{
  g_free (event->request_id);
  g_free (event->event);
  g_free (event->trace_id);
  g_free (event);
}

void
fake_runtime_post_free (FakeRuntimePost *post)
{
  g_free (post->request_id);
  g_free (post->content_type);
  g_free (post->error_type);
  g_bytes_unref (post->body);
  g_free (post);
}

/* Called in the server thread with the lock held. */
static void
serve_waiting (FakeRuntimeApi *api)
{
  while (!g_queue_is_empty (&api->events) && !g_queue_is_empty (&api->waiting))
    {
      QueuedEvent *event = g_queue_pop_head (&api->events);
      SoupServerMessage *msg = g_queue_pop_head (&api->waiting);
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
      g_autofree char *deadline = g_strdup_printf ("%" G_GINT64_FORMAT, event->deadline_ms);

      soup_message_headers_replace (headers, "Lambda-Runtime-Aws-Request-Id", event->request_id);
      soup_message_headers_replace (headers, "Lambda-Runtime-Deadline-Ms", deadline);
      soup_message_headers_replace (headers, "Lambda-Runtime-Invoked-Function-Arn", FUNCTION_ARN);
      if (event->trace_id != NULL)
        soup_message_headers_replace (headers, "Lambda-Runtime-Trace-Id", event->trace_id);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        event->event, strlen (event->event));
      soup_server_message_unpause (msg);
      g_object_unref (msg);
      queued_event_free (event);
    }
}

static gboolean
serve_waiting_idle (gpointer data)
{
  FakeRuntimeApi *api = data;

  g_mutex_lock (&api->lock);
  serve_waiting (api);
  g_mutex_unlock (&api->lock);
  return G_SOURCE_REMOVE;
}

static void
record_post (FakeRuntimeApi      *api,
             SoupServerMessage   *msg,
             FakeRuntimePostKind  kind,
             const char          *request_id)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  FakeRuntimePost *post = g_new0 (FakeRuntimePost, 1);

  post->kind = kind;
  post->request_id = g_strdup (request_id);
  post->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  post->error_type = g_strdup (soup_message_headers_get_one (headers, "Lambda-Runtime-Function-Error-Type"));
  post->body = g_bytes_ref (bytes);

  g_mutex_lock (&api->lock);
  g_queue_push_tail (&api->posts, post);
  soup_server_message_set_status (msg, api->post_status, NULL);
  g_cond_broadcast (&api->cond);
  g_mutex_unlock (&api->lock);
}

static void
handle (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  FakeRuntimeApi *api = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  guint n = g_strv_length (parts);

  /* "", "2018-06-01", "runtime", ... */
  if (n < 4 || !g_str_equal (parts[1], "2018-06-01") || !g_str_equal (parts[2], "runtime"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  if (n == 5 && g_str_equal (method, "GET") && g_str_equal (parts[3], "invocation") &&
      g_str_equal (parts[4], "next"))
    {
      g_mutex_lock (&api->lock);
      api->n_next++;
      soup_server_message_pause (msg);
      g_queue_push_tail (&api->waiting, g_object_ref (msg));
      serve_waiting (api);
      g_cond_broadcast (&api->cond);
      g_mutex_unlock (&api->lock);
      return;
    }

  if (n == 6 && g_str_equal (method, "POST") && g_str_equal (parts[3], "invocation"))
    {
      g_autofree char *request_id = g_uri_unescape_string (parts[4], NULL);

      if (g_str_equal (parts[5], "response"))
        record_post (api, msg, FAKE_RUNTIME_POST_RESPONSE, request_id);
      else if (g_str_equal (parts[5], "error"))
        record_post (api, msg, FAKE_RUNTIME_POST_ERROR, request_id);
      else
        soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  if (n == 5 && g_str_equal (method, "POST") && g_str_equal (parts[3], "init") &&
      g_str_equal (parts[4], "error"))
    {
      record_post (api, msg, FAKE_RUNTIME_POST_INIT_ERROR, NULL);
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static gpointer
server_thread (gpointer data)
{
  FakeRuntimeApi *api = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;
  GUri *uri;

  g_main_context_push_thread_default (api->context);
  api->server = soup_server_new ("server-header", "fake-runtime-api", NULL);
  soup_server_add_handler (api->server, "/2018-06-01", handle, api, NULL);
  if (!soup_server_listen_local (api->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("fake Runtime API: %s", error->message);
  uris = soup_server_get_uris (api->server);
  uri = uris->data;

  g_mutex_lock (&api->lock);
  api->address = g_strdup_printf ("127.0.0.1:%d", g_uri_get_port (uri));
  api->ready = TRUE;
  g_cond_broadcast (&api->cond);
  g_mutex_unlock (&api->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (api->loop);

  g_mutex_lock (&api->lock);
  while (!g_queue_is_empty (&api->waiting))
    {
      SoupServerMessage *msg = g_queue_pop_head (&api->waiting);

      soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
      soup_server_message_unpause (msg);
      g_object_unref (msg);
    }
  g_mutex_unlock (&api->lock);
  soup_server_disconnect (api->server);
  g_clear_object (&api->server);
  while (g_main_context_iteration (api->context, FALSE))
    ;
  g_main_context_pop_thread_default (api->context);
  return NULL;
}

FakeRuntimeApi *
fake_runtime_api_new (void)
{
  FakeRuntimeApi *api = g_new0 (FakeRuntimeApi, 1);

  g_mutex_init (&api->lock);
  g_cond_init (&api->cond);
  g_queue_init (&api->events);
  g_queue_init (&api->waiting);
  g_queue_init (&api->posts);
  api->post_status = SOUP_STATUS_ACCEPTED;
  api->context = g_main_context_new ();
  api->loop = g_main_loop_new (api->context, FALSE);
  api->thread = g_thread_new ("fake-runtime-api", server_thread, api);

  g_mutex_lock (&api->lock);
  while (!api->ready)
    g_cond_wait (&api->cond, &api->lock);
  g_mutex_unlock (&api->lock);
  return api;
}

static gboolean
quit_idle (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
fake_runtime_api_free (FakeRuntimeApi *api)
{
  g_main_context_invoke (api->context, quit_idle, api->loop);
  g_thread_join (api->thread);
  g_main_loop_unref (api->loop);
  g_main_context_unref (api->context);
  g_queue_clear_full (&api->events, (GDestroyNotify) queued_event_free);
  g_queue_clear_full (&api->posts, (GDestroyNotify) fake_runtime_post_free);
  g_mutex_clear (&api->lock);
  g_cond_clear (&api->cond);
  g_free (api->address);
  g_free (api);
}

const char *
fake_runtime_api_get_address (FakeRuntimeApi *api)
{
  return api->address;
}

void
fake_runtime_api_queue_event (FakeRuntimeApi *api,
                              const char     *request_id,
                              const char     *event,
                              gint64          deadline_ms,
                              const char     *trace_id)
{
  QueuedEvent *queued = g_new0 (QueuedEvent, 1);

  queued->request_id = g_strdup (request_id);
  queued->event = g_strdup (event);
  queued->deadline_ms = deadline_ms;
  queued->trace_id = g_strdup (trace_id);

  g_mutex_lock (&api->lock);
  g_queue_push_tail (&api->events, queued);
  g_mutex_unlock (&api->lock);
  g_main_context_invoke (api->context, serve_waiting_idle, api);
}

void
fake_runtime_api_set_status (FakeRuntimeApi *api,
                             guint           post_status)
{
  g_mutex_lock (&api->lock);
  api->post_status = post_status;
  g_mutex_unlock (&api->lock);
}

guint
fake_runtime_api_get_n_next (FakeRuntimeApi *api)
{
  guint n;

  g_mutex_lock (&api->lock);
  n = api->n_next;
  g_mutex_unlock (&api->lock);
  return n;
}

/* Waits without a deadline of its own: the test harness's timeout is the
 * backstop, and a timing assertion here would make tests flaky. */
FakeRuntimePost *
fake_runtime_api_wait_post (FakeRuntimeApi *api)
{
  FakeRuntimePost *post;

  g_mutex_lock (&api->lock);
  while (g_queue_is_empty (&api->posts))
    g_cond_wait (&api->cond, &api->lock);
  post = g_queue_pop_head (&api->posts);
  g_mutex_unlock (&api->lock);
  return post;
}
