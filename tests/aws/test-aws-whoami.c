/* `imgproc aws whoami` against a fake STS on loopback: what it prints, which
 * provider it names, and how it fails without credentials. */
#include "config.h"

#include "imgproc.h"

#include <libsoup/soup.h>
#include <string.h>
#include <sys/wait.h>

typedef struct
{
  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;
  SoupServer *server;
  char *url;
  char *authorization;
  GMutex lock;
} Fixture;

static void
handle (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  Fixture *f = user_data;
  static const char body[] =
    "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
    "<GetCallerIdentityResult><Arn>arn:aws:iam::210987654321:user/whoami-test</Arn>"
    "<UserId>AIDAWHOAMITEST</UserId><Account>210987654321</Account></GetCallerIdentityResult>"
    "</GetCallerIdentityResponse>";

  g_mutex_lock (&f->lock);
  g_free (f->authorization);
  f->authorization = g_strdup (soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                              "Authorization"));
  g_mutex_unlock (&f->lock);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/xml", SOUP_MEMORY_STATIC, body, strlen (body));
}

/* The server runs in its own thread: the test blocks in g_spawn_sync. */
static gpointer
serve (gpointer user_data)
{
  Fixture *f = user_data;

  g_main_context_push_thread_default (f->context);
  g_main_loop_run (f->loop);
  g_main_context_pop_thread_default (f->context);
  return NULL;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  GError *error = NULL;
  GSList *uris;

  g_mutex_init (&f->lock);
  f->context = g_main_context_new ();
  f->loop = g_main_loop_new (f->context, FALSE);
  g_main_context_push_thread_default (f->context);
  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, handle, f, NULL);
  soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_main_context_pop_thread_default (f->context);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  f->thread = g_thread_new ("fake-sts", serve, f);
}

static gboolean
quit (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, quit, f->loop, NULL);
  g_source_attach (source, f->context);
  g_source_unref (source);
  g_thread_join (f->thread);
  g_main_context_push_thread_default (f->context);
  soup_server_disconnect (f->server);
  g_object_unref (f->server);
  g_main_context_pop_thread_default (f->context);
  g_main_loop_unref (f->loop);
  g_main_context_unref (f->context);
  g_free (f->url);
  g_free (f->authorization);
  g_mutex_clear (&f->lock);
}

static int
run_cli (Fixture     *f,
         gboolean     with_credentials,
         const char  *extra,
         char       **out,
         char       **err)
{
  const char *cli = g_getenv ("IMGPROC_CLI");
  g_auto(GStrv) env = g_get_environ ();
  const char *argv[] = { cli, "aws", "whoami", extra, NULL };
  GError *error = NULL;
  int status;

  env = g_environ_setenv (env, "AWS_ENDPOINT_URL_STS", f->url, TRUE);
  env = g_environ_setenv (env, "AWS_CONFIG_FILE", "/dev/null", TRUE);
  env = g_environ_setenv (env, "AWS_SHARED_CREDENTIALS_FILE", "/dev/null", TRUE);
  env = g_environ_setenv (env, "AWS_EC2_METADATA_DISABLED", "true", TRUE);
  env = g_environ_setenv (env, "AWS_REGION", "eu-west-1", TRUE);
  env = g_environ_setenv (env, "LC_ALL", "C", TRUE);
  env = g_environ_unsetenv (env, "AWS_PROFILE");
  env = g_environ_unsetenv (env, "AWS_SESSION_TOKEN");
  env = g_environ_unsetenv (env, "AWS_WEB_IDENTITY_TOKEN_FILE");
  env = g_environ_unsetenv (env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  env = g_environ_unsetenv (env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (with_credentials)
    {
      env = g_environ_setenv (env, "AWS_ACCESS_KEY_ID", "AKIDWHOAMI", TRUE);
      env = g_environ_setenv (env, "AWS_SECRET_ACCESS_KEY", "whoami-secret-never-shown", TRUE);
    }
  else
    {
      env = g_environ_unsetenv (env, "AWS_ACCESS_KEY_ID");
      env = g_environ_unsetenv (env, "AWS_SECRET_ACCESS_KEY");
    }

  g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, &error);
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_whoami (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (f, TRUE, NULL, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "210987654321"));
  g_assert_nonnull (strstr (out, "arn:aws:iam::210987654321:user/whoami-test"));
  g_assert_nonnull (strstr (out, "AIDAWHOAMITEST"));
  g_assert_nonnull (strstr (out, "environment"));
  g_assert_nonnull (strstr (out, "eu-west-1"));
  g_assert_null (strstr (out, "whoami-secret-never-shown"));
  g_assert_nonnull (strstr (f->authorization, "Credential=AKIDWHOAMI/"));
  g_assert_nonnull (strstr (f->authorization, "/eu-west-1/sts/aws4_request"));
}

static void
test_whoami_json (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  GError *error = NULL;

  g_assert_cmpint (run_cli (f, TRUE, "--json", &out, &err), ==, 0);
  root = json_from_string (out, &error);
  g_assert_no_error (error);
  object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (object, "account"), ==, "210987654321");
  g_assert_cmpstr (json_object_get_string_member (object, "user_id"), ==, "AIDAWHOAMITEST");
  g_assert_cmpstr (json_object_get_string_member (object, "credentials_provider"), ==, "environment");
}

static void
test_whoami_without_credentials (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (f, FALSE, NULL, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "no AWS credentials"));
  g_assert_cmpstr (out, ==, "");
  g_assert_null (f->authorization);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("IMGPROC_CLI") == NULL)
    {
      g_test_skip ("IMGPROC_CLI is not set (run through make check)");
      return 77;
    }
  g_test_add ("/aws/whoami/text", Fixture, NULL, fixture_set_up, test_whoami, fixture_tear_down);
  g_test_add ("/aws/whoami/json", Fixture, NULL, fixture_set_up, test_whoami_json, fixture_tear_down);
  g_test_add ("/aws/whoami/no-credentials", Fixture, NULL, fixture_set_up, test_whoami_without_credentials,
              fixture_tear_down);
  return g_test_run ();
}
