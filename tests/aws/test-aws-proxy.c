/* The AWS clients and HTTP(S)_PROXY/NO_PROXY: a loopback SoupServer acts as
 * the proxy and records what reaches it. The environment is read once per
 * process, so each case that sends runs in a subprocess of its own. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-aws-clients-private.h"
#include "imgproc-aws-proxy-private.h"
#include "imgproc-imds-client-private.h"
#include "aws-test-provider.h"
#include "fake-aws-endpoints.h"

#include <glib/gstdio.h>
#include <string.h>

static const char *const proxy_variables[] = {
  "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY",
};

#define UNRESOLVABLE_HOST "sts.imgproc-proxy.test"

/* A server in a thread of its own, so that _sync calls reach it. It answers
 * as STS's GetCallerIdentity does, and refuses CONNECT. */
typedef struct
{
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  SoupServer *server;
  char *url;
  GMutex lock;
  GCond ready;
  GPtrArray *requests;
} Recorder;

static const char caller_identity[] =
  "<GetCallerIdentityResponse><GetCallerIdentityResult>"
  "<Arn>arn:aws:iam::123456789012:user/proxied</Arn>"
  "<UserId>AIDAPROXIED</UserId><Account>123456789012</Account>"
  "</GetCallerIdentityResult></GetCallerIdentityResponse>";

static void
record (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  Recorder *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_autofree char *uri = g_uri_to_string (soup_server_message_get_uri (msg));

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->requests, g_strdup_printf ("%s %s", method, uri));
  g_mutex_unlock (&self->lock);

  if (strcmp (method, "CONNECT") == 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_FORBIDDEN, NULL);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/xml", SOUP_MEMORY_STATIC,
                                    caller_identity, strlen (caller_identity));
}

static gpointer
recorder_thread (gpointer data)
{
  Recorder *self = data;
  GError *error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (self->context);
  self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, NULL, record, self, NULL);
  soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (self->server);
  g_mutex_lock (&self->lock);
  self->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_cond_signal (&self->ready);
  g_mutex_unlock (&self->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (self->loop);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static gboolean
quit (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static Recorder *
recorder_new (void)
{
  Recorder *self = g_new0 (Recorder, 1);

  g_mutex_init (&self->lock);
  g_cond_init (&self->ready);
  self->requests = g_ptr_array_new_with_free_func (g_free);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("recorder", recorder_thread, self);
  g_mutex_lock (&self->lock);
  while (self->url == NULL)
    g_cond_wait (&self->ready, &self->lock);
  g_mutex_unlock (&self->lock);
  return self;
}

static void
recorder_free (Recorder *self)
{
  g_main_context_invoke (self->context, quit, self->loop);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_ptr_array_unref (self->requests);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->ready);
  g_free (self->url);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Recorder, recorder_free)

static char *
recorder_requests (Recorder *self)
{
  char *joined;

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->requests, NULL);
  joined = g_strjoinv ("\n", (char **) self->requests->pdata);
  g_ptr_array_remove_index (self->requests, self->requests->len - 1);
  g_mutex_unlock (&self->lock);
  return joined;
}

static void
clear_proxy_environment (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (proxy_variables); i++)
    g_unsetenv (proxy_variables[i]);
}

static ImgprocStsClient *
sts_client_for (const char *endpoint)
{
  g_autoptr(ImgprocAwsConfig) config = NULL;
  g_autoptr(AwsTestProvider) provider = aws_test_provider_new ("AKIDPROXY", "secret");
  ImgprocStsClient *sts;

  g_setenv ("AWS_ENDPOINT_URL", endpoint, TRUE);
  config = imgproc_aws_config_new ("us-east-1");
  sts = imgproc_sts_client_new (config, IMGPROC_CREDENTIALS_PROVIDER (provider));
  imgproc_aws_client_set_max_attempts (imgproc_sts_client_get_http (sts), 1);
  return sts;
}

static GProxyResolver *
session_resolver (ImgprocStsClient *sts)
{
  SoupSession *session = imgproc_aws_client_get_session (imgproc_sts_client_get_http (sts));

  return soup_session_get_proxy_resolver (session);
}

static char *
lookup (const char * const *envp,
        const char         *uri)
{
  g_autoptr(GProxyResolver) resolver = imgproc_aws_proxy_resolver_new_for_environ (envp);
  g_auto(GStrv) proxies = NULL;
  GError *error = NULL;

  if (resolver == NULL)
    return g_strdup ("none");
  proxies = g_proxy_resolver_lookup (resolver, uri, NULL, &error);
  g_assert_no_error (error);
  return g_strjoinv (" ", proxies);
}

#define assert_lookup(envp, uri, expected) \
  G_STMT_START { \
    g_autofree char *found_ = lookup (envp, uri); \
    g_assert_cmpstr (found_, ==, expected); \
  } G_STMT_END

static void
test_environment (void)
{
  const char *const empty[] = { "PATH=/bin", NULL };
  const char *const http_only[] = { "HTTP_PROXY=proxy.corp:3128", NULL };
  const char *const both[] = {
    "HTTPS_PROXY=http://upper:1", "https_proxy=http://lower:2", "http_proxy=//plain:3", NULL,
  };
  const char *const cleared[] = { "HTTPS_PROXY=http://upper:1", "https_proxy=", NULL };
  const char *const excluded[] = {
    "https_proxy=http://proxy:8080",
    "NO_PROXY= .internal.example , 10.0.0.0/8,s3.eu-west-1.amazonaws.com:8443,",
    NULL,
  };
  const char *const everything[] = { "HTTP_PROXY=http://proxy:8080", "no_proxy=localhost,*", NULL };

  assert_lookup (empty, "https://sqs.us-east-1.amazonaws.com/", "none");

  /* Only the scheme's own variable applies; a bare host:port is http://. */
  assert_lookup (http_only, "http://s3.amazonaws.com/", "http://proxy.corp:3128");
  assert_lookup (http_only, "https://s3.amazonaws.com/", "direct://");

  /* As in botocore: lowercase wins, and an empty lowercase one clears. */
  assert_lookup (both, "https://sts.amazonaws.com/", "http://lower:2");
  assert_lookup (both, "http://sts.amazonaws.com/", "http://plain:3");
  assert_lookup (cleared, "https://sts.amazonaws.com/", "none");

  assert_lookup (excluded, "https://sqs.us-east-1.amazonaws.com/", "http://proxy:8080");
  assert_lookup (excluded, "https://internal.example/", "direct://");
  assert_lookup (excluded, "https://s3.internal.example/", "direct://");
  assert_lookup (excluded, "https://notinternal.example/", "http://proxy:8080");
  assert_lookup (excluded, "https://10.1.2.3:9000/", "direct://");
  assert_lookup (excluded, "https://s3.eu-west-1.amazonaws.com:8443/", "direct://");
  assert_lookup (excluded, "https://s3.eu-west-1.amazonaws.com/", "http://proxy:8080");

  assert_lookup (everything, "http://s3.amazonaws.com/", "none");
}

static void
assert_loaded_no_proxy_module (void)
{
  g_autofree char *maps = NULL;
  GError *error = NULL;

  g_file_get_contents ("/proc/self/maps", &maps, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (maps, "libgiolibproxy"));
  g_assert_null (strstr (maps, "libgiognomeproxy"));
  g_assert_null (strstr (maps, "libdconfsettings"));
}

static void
test_no_variable (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(Recorder) endpoint = recorder_new ();
      g_autoptr(ImgprocStsClient) sts = NULL;
      g_autoptr(ImgprocCallerIdentity) identity = NULL;
      g_autofree char *seen = NULL;
      GError *error = NULL;

      clear_proxy_environment ();
      sts = sts_client_for (endpoint->url);
      g_assert_null (session_resolver (sts));
      identity = imgproc_sts_client_get_caller_identity_sync (sts, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (imgproc_caller_identity_get_user_id (identity), ==, "AIDAPROXIED");
      seen = recorder_requests (endpoint);
      g_assert_true (g_str_has_prefix (seen, "POST "));
      assert_loaded_no_proxy_module ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_http_proxy (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(Recorder) proxy = recorder_new ();
      g_autoptr(ImgprocStsClient) sts = NULL;
      g_autoptr(ImgprocCallerIdentity) identity = NULL;
      g_autofree char *seen = NULL;
      GError *error = NULL;

      clear_proxy_environment ();
      g_setenv ("HTTP_PROXY", proxy->url, TRUE);
      g_setenv ("NO_PROXY", "169.254.169.254,example.org", TRUE);
      /* The host does not resolve: only the proxy can have answered. */
      sts = sts_client_for ("http://" UNRESOLVABLE_HOST ":8080");
      g_assert_true (G_IS_SIMPLE_PROXY_RESOLVER (session_resolver (sts)));
      identity = imgproc_sts_client_get_caller_identity_sync (sts, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (imgproc_caller_identity_get_user_id (identity), ==, "AIDAPROXIED");
      seen = recorder_requests (proxy);
      g_assert_cmpstr (seen, ==, "POST http://" UNRESOLVABLE_HOST ":8080/");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* An https endpoint goes through HTTPS_PROXY, as a CONNECT tunnel. */
static void
test_https_proxy (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(Recorder) proxy = recorder_new ();
      g_autoptr(ImgprocStsClient) sts = NULL;
      g_autoptr(ImgprocCallerIdentity) identity = NULL;
      g_autofree char *seen = NULL;
      GError *error = NULL;

      clear_proxy_environment ();
      g_setenv ("https_proxy", proxy->url, TRUE);
      sts = sts_client_for ("https://" UNRESOLVABLE_HOST);
      identity = imgproc_sts_client_get_caller_identity_sync (sts, NULL, &error);
      g_assert_null (identity);
      g_assert_nonnull (error);
      g_clear_error (&error);
      seen = recorder_requests (proxy);
      g_assert_true (g_str_has_prefix (seen, "CONNECT "));
      g_assert_nonnull (strstr (seen, UNRESOLVABLE_HOST ":443"));
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_no_proxy (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(Recorder) proxy = recorder_new ();
      g_autoptr(Recorder) endpoint = recorder_new ();
      g_autoptr(ImgprocStsClient) sts = NULL;
      g_autoptr(ImgprocCallerIdentity) identity = NULL;
      g_autofree char *through_proxy = NULL;
      g_autofree char *direct = NULL;
      GError *error = NULL;

      clear_proxy_environment ();
      g_setenv ("http_proxy", proxy->url, TRUE);
      g_setenv ("no_proxy", "example.org, 127.0.0.0/8", TRUE);
      sts = sts_client_for (endpoint->url);
      identity = imgproc_sts_client_get_caller_identity_sync (sts, NULL, &error);
      g_assert_no_error (error);
      through_proxy = recorder_requests (proxy);
      direct = recorder_requests (endpoint);
      g_assert_cmpstr (through_proxy, ==, "");
      g_assert_true (g_str_has_prefix (direct, "POST "));
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* Instance metadata and container credentials go direct whatever the
 * environment says; the web identity's STS call goes through the proxy. */
static void
test_credential_endpoints (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(Recorder) proxy = recorder_new ();
      g_autoptr(FakeAwsEndpoints) endpoints = fake_aws_endpoints_new ();
      g_autoptr(ImgprocCredentialsProvider) imds = NULL;
      g_autoptr(ImgprocCredentialsProvider) container = NULL;
      g_autoptr(ImgprocCredentialsProvider) web_identity = NULL;
      g_autoptr(ImgprocCredentials) credentials = NULL;
      g_autofree char *container_uri = g_strconcat (fake_aws_endpoints_get_url (endpoints),
                                                    "/container/creds", NULL);
      g_autofree char *token_dir = NULL;
      g_autofree char *token_file = NULL;
      g_autofree char *seen = NULL;
      GError *error = NULL;

      clear_proxy_environment ();
      g_setenv ("HTTP_PROXY", proxy->url, TRUE);

      g_unsetenv ("AWS_EC2_METADATA_DISABLED");
      g_setenv ("AWS_EC2_METADATA_SERVICE_ENDPOINT", fake_aws_endpoints_get_url (endpoints), TRUE);
      imds = imgproc_imds_credentials_provider_new ();
      credentials = imgproc_credentials_provider_load_sync (imds, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (imgproc_credentials_get_access_key_id (credentials), ==, "ASIAIMDSEXAMPLE");
      g_clear_pointer (&credentials, imgproc_credentials_unref);

      fake_aws_endpoints_set_container_authorization (endpoints, "Bearer proxied");
      g_setenv ("AWS_CONTAINER_CREDENTIALS_FULL_URI", container_uri, TRUE);
      g_setenv ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer proxied", TRUE);
      container = imgproc_container_credentials_provider_new ();
      credentials = imgproc_credentials_provider_load_sync (container, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (imgproc_credentials_get_access_key_id (credentials), ==, "ASIACONTAINER");
      g_clear_pointer (&credentials, imgproc_credentials_unref);

      seen = recorder_requests (proxy);
      g_assert_cmpstr (seen, ==, "");
      g_clear_pointer (&seen, g_free);

      token_dir = g_dir_make_tmp ("imgproc-proxy-XXXXXX", &error);
      g_assert_no_error (error);
      token_file = g_build_filename (token_dir, "token", NULL);
      g_file_set_contents (token_file, "jwt", -1, &error);
      g_assert_no_error (error);
      g_setenv ("AWS_WEB_IDENTITY_TOKEN_FILE", token_file, TRUE);
      g_setenv ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/proxied", TRUE);
      web_identity = imgproc_web_identity_credentials_provider_new_for_endpoint ("http://" UNRESOLVABLE_HOST);
      credentials = imgproc_credentials_provider_load_sync (web_identity, NULL, &error);
      /* The recorder does not answer as AssumeRoleWithWebIdentity. */
      g_assert_null (credentials);
      g_clear_error (&error);
      seen = recorder_requests (proxy);
      g_assert_cmpstr (seen, ==, "POST http://" UNRESOLVABLE_HOST "/");
      g_unlink (token_file);
      g_rmdir (token_dir);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/aws/proxy/environment", test_environment);
  g_test_add_func ("/aws/proxy/no-variable", test_no_variable);
  g_test_add_func ("/aws/proxy/http-proxy", test_http_proxy);
  g_test_add_func ("/aws/proxy/https-proxy", test_https_proxy);
  g_test_add_func ("/aws/proxy/no-proxy", test_no_proxy);
  g_test_add_func ("/aws/proxy/credential-endpoints", test_credential_endpoints);
  return g_test_run ();
}
