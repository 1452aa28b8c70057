/* The AWS clients and HTTP(S)_PROXY/NO_PROXY: FakeAwsEndpoints acts as the
 * proxy and logs what reaches it. The environment is read once per process,
 * so each case that sends runs in a subprocess of its own. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-aws-clients-private.h"
#include "imgproc-aws-proxy-private.h"
#include "imgproc-imds-client-private.h"
#include "aws-test-provider.h"
#include "fake-aws-endpoints.h"

#include <glib/gstdio.h>
#include <string.h>

typedef struct
{
  const char *path;
  void (*run) (void);
} ProxyCase;

static const char *const proxy_variables[] = {
  "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY",
};

#define UNRESOLVABLE_HOST "sts.imgproc-proxy.test"

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

/* GetCallerIdentity through a client for ENDPOINT whose session resolves
 * proxies with a RESOLVER_TYPE, or with none at all for G_TYPE_NONE, so
 * that GIO's default resolver (libproxy, dconf) is never started. */
static char *
caller_user_id (const char  *endpoint,
                GType        resolver_type,
                GError     **error)
{
  g_autoptr(ImgprocStsClient) sts = sts_client_for (endpoint);
  g_autoptr(ImgprocCallerIdentity) identity = NULL;
  SoupSession *session = imgproc_aws_client_get_session (imgproc_sts_client_get_http (sts));
  GProxyResolver *resolver = soup_session_get_proxy_resolver (session);

  if (resolver_type == G_TYPE_NONE)
    g_assert_null (resolver);
  else
    g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (resolver, resolver_type));
  identity = imgproc_sts_client_get_caller_identity_sync (sts, NULL, error);
  return identity != NULL ? g_strdup (imgproc_caller_identity_get_user_id (identity)) : NULL;
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
no_variable (void)
{
  g_autoptr(FakeAwsEndpoints) endpoint = fake_aws_endpoints_new ();
  g_autofree char *direct = g_strdup_printf ("POST %s/", fake_aws_endpoints_get_url (endpoint));
  g_autofree char *user_id = NULL;
  GError *error = NULL;

  user_id = caller_user_id (fake_aws_endpoints_get_url (endpoint), G_TYPE_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (user_id, ==, FAKE_CALLER_USER_ID);
  fake_aws_endpoints_assert_log (endpoint, direct);
  assert_loaded_no_proxy_module ();
}

static void
http_proxy (void)
{
  g_autoptr(FakeAwsEndpoints) proxy = fake_aws_endpoints_new ();
  g_autofree char *user_id = NULL;
  GError *error = NULL;

  g_setenv ("HTTP_PROXY", fake_aws_endpoints_get_url (proxy), TRUE);
  g_setenv ("NO_PROXY", "169.254.169.254,example.org", TRUE);
  /* The host does not resolve: only the proxy can have answered. */
  user_id = caller_user_id ("http://" UNRESOLVABLE_HOST ":8080", G_TYPE_SIMPLE_PROXY_RESOLVER, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (user_id, ==, FAKE_CALLER_USER_ID);
  fake_aws_endpoints_assert_log (proxy, "POST http://" UNRESOLVABLE_HOST ":8080/");
}

/* An https endpoint goes through HTTPS_PROXY, as a CONNECT tunnel. */
static void
https_proxy (void)
{
  g_autoptr(FakeAwsEndpoints) proxy = fake_aws_endpoints_new ();
  g_autofree char *user_id = NULL;
  g_autofree char *seen = NULL;
  GError *error = NULL;

  g_setenv ("https_proxy", fake_aws_endpoints_get_url (proxy), TRUE);
  user_id = caller_user_id ("https://" UNRESOLVABLE_HOST, G_TYPE_SIMPLE_PROXY_RESOLVER, &error);
  g_assert_null (user_id);
  g_assert_nonnull (error);
  g_clear_error (&error);
  seen = fake_aws_endpoints_get_request_log (proxy);
  g_assert_true (g_str_has_prefix (seen, "CONNECT "));
  g_assert_nonnull (strstr (seen, UNRESOLVABLE_HOST ":443"));
}

static void
no_proxy (void)
{
  g_autoptr(FakeAwsEndpoints) proxy = fake_aws_endpoints_new ();
  g_autoptr(FakeAwsEndpoints) endpoint = fake_aws_endpoints_new ();
  g_autofree char *direct = g_strdup_printf ("POST %s/", fake_aws_endpoints_get_url (endpoint));
  g_autofree char *user_id = NULL;
  GError *error = NULL;

  g_setenv ("http_proxy", fake_aws_endpoints_get_url (proxy), TRUE);
  g_setenv ("no_proxy", "example.org, 127.0.0.0/8", TRUE);
  user_id = caller_user_id (fake_aws_endpoints_get_url (endpoint), G_TYPE_SIMPLE_PROXY_RESOLVER, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (user_id, ==, FAKE_CALLER_USER_ID);
  fake_aws_endpoints_assert_log (proxy, "");
  fake_aws_endpoints_assert_log (endpoint, direct);
}

static char *
access_key_from (ImgprocCredentialsProvider *provider)
{
  g_autoptr(ImgprocCredentials) credentials = NULL;
  GError *error = NULL;

  credentials = imgproc_credentials_provider_load_sync (provider, NULL, &error);
  g_assert_no_error (error);
  return g_strdup (imgproc_credentials_get_access_key_id (credentials));
}

/* Instance metadata and container credentials go direct whatever the
 * environment says; the web identity's STS call goes through the proxy. */
static void
credential_endpoints (void)
{
  g_autoptr(FakeAwsEndpoints) proxy = fake_aws_endpoints_new ();
  g_autoptr(FakeAwsEndpoints) endpoints = fake_aws_endpoints_new ();
  g_autoptr(ImgprocCredentialsProvider) imds = NULL;
  g_autoptr(ImgprocCredentialsProvider) container = NULL;
  g_autoptr(ImgprocCredentialsProvider) web_identity = NULL;
  g_autofree char *container_uri = g_strconcat (fake_aws_endpoints_get_url (endpoints),
                                                "/container/creds", NULL);
  g_autofree char *token_dir = NULL;
  g_autofree char *token_file = NULL;
  g_autofree char *access_key = NULL;
  g_autofree char *role_arn = NULL;
  GError *error = NULL;

  g_setenv ("HTTP_PROXY", fake_aws_endpoints_get_url (proxy), TRUE);

  g_unsetenv ("AWS_EC2_METADATA_DISABLED");
  g_setenv ("AWS_EC2_METADATA_SERVICE_ENDPOINT", fake_aws_endpoints_get_url (endpoints), TRUE);
  imds = imgproc_imds_credentials_provider_new ();
  access_key = access_key_from (imds);
  g_assert_cmpstr (access_key, ==, "ASIAIMDSEXAMPLE");
  g_clear_pointer (&access_key, g_free);

  fake_aws_endpoints_set_container_authorization (endpoints, "Bearer proxied");
  g_setenv ("AWS_CONTAINER_CREDENTIALS_FULL_URI", container_uri, TRUE);
  g_setenv ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer proxied", TRUE);
  container = imgproc_container_credentials_provider_new ();
  access_key = access_key_from (container);
  g_assert_cmpstr (access_key, ==, "ASIACONTAINER");
  g_clear_pointer (&access_key, g_free);

  fake_aws_endpoints_assert_log (proxy, "");

  token_dir = g_dir_make_tmp ("imgproc-proxy-XXXXXX", &error);
  g_assert_no_error (error);
  token_file = g_build_filename (token_dir, "token", NULL);
  g_file_set_contents (token_file, "jwt", -1, &error);
  g_assert_no_error (error);
  g_setenv ("AWS_WEB_IDENTITY_TOKEN_FILE", token_file, TRUE);
  g_setenv ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/proxied", TRUE);
  web_identity = imgproc_web_identity_credentials_provider_new_for_endpoint ("http://" UNRESOLVABLE_HOST);
  access_key = access_key_from (web_identity);
  g_assert_cmpstr (access_key, ==, "ASIAWEBIDENTITY");
  role_arn = fake_aws_endpoints_get_last_role_arn (proxy);
  g_assert_cmpstr (role_arn, ==, "arn:aws:iam::123456789012:role/proxied");
  fake_aws_endpoints_assert_log (proxy, "POST http://" UNRESOLVABLE_HOST "/");
  g_unlink (token_file);
  g_rmdir (token_dir);
}

static const ProxyCase proxy_cases[] = {
  { "/aws/proxy/no-variable", no_variable },
  { "/aws/proxy/http-proxy", http_proxy },
  { "/aws/proxy/https-proxy", https_proxy },
  { "/aws/proxy/no-proxy", no_proxy },
  { "/aws/proxy/credential-endpoints", credential_endpoints },
};

static void
run_in_subprocess (gconstpointer data)
{
  const ProxyCase *proxy_case = data;

  if (g_test_subprocess ())
    {
      clear_proxy_environment ();
      proxy_case->run ();
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
  for (gsize i = 0; i < G_N_ELEMENTS (proxy_cases); i++)
    g_test_add_data_func (proxy_cases[i].path, &proxy_cases[i], run_in_subprocess);
  return g_test_run ();
}
