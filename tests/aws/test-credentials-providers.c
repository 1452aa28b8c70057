/* Tests of the credentials value and every credentials provider: the
 * environment, shared files, web identity, container and IMDSv2 providers
 * against loopback stand-ins of the real endpoints, the chain and the cache. */
#include "config.h"
#include "imgproc.h"

#include <string.h>
#include <glib/gstdio.h>

#include "imgproc-credentials-private.h"
#include "fake-aws-endpoints.h"

static const char * const aws_variables[] = {
  "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
  "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
  "AWS_EC2_METADATA_DISABLED", "AWS_EC2_METADATA_SERVICE_ENDPOINT",
  "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "AWS_EC2_METADATA_V1_DISABLED", "AWS_REGION",
  "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_SQS",
  "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_STS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
};

typedef struct
{
  char *dir;
  FakeAwsEndpoints *endpoints;
} Fixture;

static char *
fixture_path (Fixture    *fixture,
              const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

static void
write_file (Fixture    *fixture,
            const char *name,
            const char *contents)
{
  g_autofree char *path = fixture_path (fixture, name);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *credentials = NULL;
  g_autofree char *config = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (aws_variables); i++)
    g_unsetenv (aws_variables[i]);

  fixture->dir = g_dir_make_tmp ("imgproc-credentials-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->endpoints = fake_aws_endpoints_new ();

  /* Never the developer's own files or instance metadata. */
  credentials = fixture_path (fixture, "credentials");
  config = fixture_path (fixture, "config");
  g_setenv ("HOME", fixture->dir, TRUE);
  g_setenv ("AWS_SHARED_CREDENTIALS_FILE", credentials, TRUE);
  g_setenv ("AWS_CONFIG_FILE", config, TRUE);
  g_setenv ("AWS_EC2_METADATA_DISABLED", "true", TRUE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = fixture_path (fixture, name);

      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  fake_aws_endpoints_free (fixture->endpoints);
}

static void
assert_no_secret (const GError *error)
{
  g_assert_nonnull (error);
  g_assert_null (strstr (error->message, FAKE_SECRET));
  g_assert_null (strstr (error->message, FAKE_TOKEN));
  g_assert_null (strstr (error->message, "envSecret"));
  g_assert_null (strstr (error->message, "fileSecret"));
  g_assert_null (strstr (error->message, "jwt-"));
}

static ImgprocCredentials *
load (ImgprocCredentialsProvider  *provider,
      GError                     **error)
{
  return imgproc_credentials_provider_load_sync (provider, NULL, error);
}

static void
test_credentials_value (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) soon = g_date_time_add_minutes (now, 3);
  g_autoptr(ImgprocCredentials) temporary = imgproc_credentials_new ("ASIA1", "s", "t", soon, "imds");
  g_autoptr(ImgprocCredentials) permanent = imgproc_credentials_new ("AKIA1", "s", "", NULL, NULL);
  ImgprocCredentials *copy;

  g_assert_cmpstr (imgproc_credentials_get_access_key_id (temporary), ==, "ASIA1");
  g_assert_cmpstr (imgproc_credentials_get_session_token (temporary), ==, "t");
  g_assert_cmpstr (imgproc_credentials_get_provider_name (temporary), ==, "imds");
  g_assert_true (imgproc_credentials_expires_within (temporary, 5 * G_TIME_SPAN_MINUTE));
  g_assert_false (imgproc_credentials_expires_within (temporary, G_TIME_SPAN_MINUTE));
  g_assert_false (imgproc_credentials_expires_within (permanent, G_MAXINT64 / 2));
  g_assert_null (imgproc_credentials_get_session_token (permanent));
  g_assert_null (imgproc_credentials_get_expiration (permanent));

  copy = g_boxed_copy (IMGPROC_TYPE_CREDENTIALS, temporary);
  g_assert_true (copy == temporary);
  g_boxed_free (IMGPROC_TYPE_CREDENTIALS, copy);
  g_assert_cmpstr (imgproc_credentials_get_secret_access_key (temporary), ==, "s");
}

static void
test_environment (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(ImgprocCredentialsProvider) provider = imgproc_environment_credentials_provider_new ();
  g_autoptr(ImgprocCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (load (provider, &error));
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_setenv ("AWS_SECRET_ACCESS_KEY", "envSecret", TRUE);
  g_assert_null (load (provider, &error));
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_INVALID);
  assert_no_secret (error);
  g_assert_nonnull (strstr (error->message, "environment"));
  g_clear_error (&error);

  g_setenv ("AWS_ACCESS_KEY_ID", "AKIAENV", TRUE);
  g_setenv ("AWS_SESSION_TOKEN", "envToken", TRUE);
  credentials = load (provider, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_credentials_get_access_key_id (credentials), ==, "AKIAENV");
  g_assert_cmpstr (imgproc_credentials_get_secret_access_key (credentials), ==, "envSecret");
  g_assert_cmpstr (imgproc_credentials_get_session_token (credentials), ==, "envToken");
  g_assert_null (imgproc_credentials_get_expiration (credentials));
  g_assert_cmpstr (imgproc_credentials_get_provider_name (credentials), ==, "environment");
  g_assert_cmpstr (imgproc_credentials_provider_get_name (provider), ==, "environment");
}

static const char credentials_file[] =
  "[default]\n"
  "aws_access_key_id = AKIADEFAULT\n"
  "aws_secret_access_key = fileSecretDefault\n"
  "\n"
  "# a comment\n"
  "[dev]\n"
  "aws_access_key_id=AKIADEVCREDS\n"
  "aws_secret_access_key=fileSecretDev\n"
  "aws_session_token = devToken\n"
  "[half]\n"
  "aws_access_key_id = AKIAHALF\n";

static const char config_file[] =
  "[default]\n"
  "region = eu-west-1\n"
  "[profile dev]\n"
  "aws_access_key_id = AKIADEVCONFIG\n"
  "region = eu-central-1\n"
  "[profile configonly]\n"
  "aws_access_key_id = AKIACONFIGONLY\n"
  "aws_secret_access_key = fileSecretConfigOnly\n"
  "[noprefix]\n"
  "aws_access_key_id = AKIANOPREFIX\n"
  "aws_secret_access_key = fileSecretNoPrefix\n"
  "[profile roleonly]\n"
  "role_arn = arn:aws:iam::111122223333:role/x\n";

static ImgprocCredentials *
load_profile (const char  *name,
              GError     **error)
{
  g_autoptr(ImgprocCredentialsProvider) provider = imgproc_profile_credentials_provider_new (name);

  return load (provider, error);
}

static void
test_profile (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(ImgprocCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (load_profile (NULL, &error));
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  write_file (fixture, "credentials", credentials_file);
  write_file (fixture, "config", config_file);

  credentials = load_profile (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_credentials_get_access_key_id (credentials), ==, "AKIADEFAULT");
  g_assert_cmpstr (imgproc_credentials_get_provider_name (credentials), ==, "profile");
  g_clear_pointer (&credentials, imgproc_credentials_unref);

  /* AWS_PROFILE picks the profile; the credentials file wins over config. */
  g_setenv ("AWS_PROFILE", "dev", TRUE);
  credentials = load_profile (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_credentials_get_access_key_id (credentials), ==, "AKIADEVCREDS");
  g_assert_cmpstr (imgproc_credentials_get_secret_access_key (credentials), ==, "fileSecretDev");
  g_assert_cmpstr (imgproc_credentials_get_session_token (credentials), ==, "devToken");
  g_clear_pointer (&credentials, imgproc_credentials_unref);

  /* The config file needs the "profile " prefix for named profiles. */
  credentials = load_profile ("configonly", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_credentials_get_access_key_id (credentials), ==, "AKIACONFIGONLY");
  g_clear_pointer (&credentials, imgproc_credentials_unref);

  g_assert_null (load_profile ("noprefix", &error));
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_null (load_profile ("roleonly", &error));
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_null (load_profile ("half", &error));
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_INVALID);
  assert_no_secret (error);
  g_assert_nonnull (strstr (error->message, "half"));
  g_clear_error (&error);

  g_assert_null (load_profile ("missing", &error));
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_NOT_FOUND);
}

static void
set_web_identity (Fixture    *fixture,
                  const char *token)
{
  g_autofree char *token_path = fixture_path (fixture, "web-identity-token");

  write_file (fixture, "web-identity-token", token);
  g_setenv ("AWS_WEB_IDENTITY_TOKEN_FILE", token_path, TRUE);
  g_setenv ("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/imgproc", TRUE);
  g_setenv ("AWS_ROLE_SESSION_NAME", "imgproc-test", TRUE);
  g_setenv ("AWS_ENDPOINT_URL_STS", fake_aws_endpoints_get_url (fixture->endpoints), TRUE);
}

static void
test_web_identity (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(ImgprocCredentialsProvider) provider = imgproc_web_identity_credentials_provider_new ();
  g_autoptr(ImgprocCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *seen_token = NULL;
  g_autofree char *seen_role = NULL;

  g_assert_null (load (provider, &error));
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  set_web_identity (fixture, "jwt-first\n");
  credentials = load (provider, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_credentials_get_access_key_id (credentials), ==, "ASIAWEBIDENTITY");
  g_assert_cmpstr (imgproc_credentials_get_secret_access_key (credentials), ==, FAKE_SECRET);
  g_assert_cmpstr (imgproc_credentials_get_session_token (credentials), ==, FAKE_TOKEN);
  g_assert_nonnull (imgproc_credentials_get_expiration (credentials));
  g_assert_false (imgproc_credentials_expires_within (credentials, 30 * G_TIME_SPAN_MINUTE));
  g_assert_cmpstr (imgproc_credentials_get_provider_name (credentials), ==, "web-identity");
  seen_token = fake_aws_endpoints_get_last_web_identity_token (fixture->endpoints);
  seen_role = fake_aws_endpoints_get_last_role_arn (fixture->endpoints);
  g_assert_cmpstr (seen_token, ==, "jwt-first");
  g_assert_cmpstr (seen_role, ==, "arn:aws:iam::111122223333:role/imgproc");
  g_clear_pointer (&credentials, imgproc_credentials_unref);
  g_clear_pointer (&seen_token, g_free);

  /* The token file is rotated: every load reads it again. */
  write_file (fixture, "web-identity-token", "jwt-second");
  credentials = load (provider, &error);
  g_assert_no_error (error);
  seen_token = fake_aws_endpoints_get_last_web_identity_token (fixture->endpoints);
  g_assert_cmpstr (seen_token, ==, "jwt-second");

  fake_aws_endpoints_set_sts_error (fixture->endpoints, "InvalidIdentityToken");
  g_assert_null (load (provider, &error));
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "InvalidIdentityToken"));
  g_assert_nonnull (strstr (error->message, "web-identity"));
  assert_no_secret (error);
  g_clear_error (&error);

  fake_aws_endpoints_set_sts_error (fixture->endpoints, "IDPCommunicationError");
  g_assert_null (load (provider, &error));
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_UNAVAILABLE);
  assert_no_secret (error);
}

static void
test_web_identity_explicit_endpoint (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(ImgprocCredentialsProvider) provider = NULL;
  g_autoptr(ImgprocCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  set_web_identity (fixture, "jwt-explicit");
  g_setenv ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9/unused", TRUE);
  provider = imgproc_web_identity_credentials_provider_new_for_endpoint (
    fake_aws_endpoints_get_url (fixture->endpoints));
  credentials = load (provider, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_credentials_get_access_key_id (credentials), ==, "ASIAWEBIDENTITY");
}

static void
test_container (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(ImgprocCredentialsProvider) provider = imgproc_container_credentials_provider_new ();
  g_autoptr(ImgprocCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *full_uri = g_strconcat (fake_aws_endpoints_get_url (fixture->endpoints),
                                           "/container/creds", NULL);
  g_autofree char *token_path = fixture_path (fixture, "container-token");

  g_assert_null (load (provider, &error));
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  fake_aws_endpoints_set_container_authorization (fixture->endpoints, "Bearer pod-identity-1");
  g_setenv ("AWS_CONTAINER_CREDENTIALS_FULL_URI", full_uri, TRUE);
  write_file (fixture, "container-token", "Bearer pod-identity-1\n");
  g_setenv ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_path, TRUE);
  g_setenv ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer stale", TRUE);

  credentials = load (provider, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_credentials_get_access_key_id (credentials), ==, "ASIACONTAINER");
  g_assert_cmpstr (imgproc_credentials_get_session_token (credentials), ==, FAKE_TOKEN);
  g_assert_nonnull (imgproc_credentials_get_expiration (credentials));
  g_assert_cmpstr (imgproc_credentials_get_provider_name (credentials), ==, "container");
  g_clear_pointer (&credentials, imgproc_credentials_unref);

  /* The file is read at each load. */
  write_file (fixture, "container-token", "Bearer wrong");
  g_assert_null (load (provider, &error));
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_REJECTED);
  assert_no_secret (error);
  g_clear_error (&error);

  /* Without the file, the variable holds the token. */
  g_unsetenv ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  g_setenv ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer pod-identity-1", TRUE);
  credentials = load (provider, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_credentials_get_access_key_id (credentials), ==, "ASIACONTAINER");
}

static void
test_container_refuses_remote_http (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(ImgprocCredentialsProvider) provider = imgproc_container_credentials_provider_new ();
  g_autoptr(GError) error = NULL;
  guint requests_before = fake_aws_endpoints_get_requests (fixture->endpoints);

  g_setenv ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.0.2.10:8080/creds", TRUE);
  g_assert_null (load (provider, &error));
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "192.0.2.10"));
  g_clear_error (&error);

  g_setenv ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "ftp://127.0.0.1/creds", TRUE);
  g_assert_null (load (provider, &error));
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_INVALID);
  g_assert_cmpuint (fake_aws_endpoints_get_requests (fixture->endpoints), ==, requests_before);
}

static void
use_fake_imds (Fixture *fixture)
{
  g_unsetenv ("AWS_EC2_METADATA_DISABLED");
  g_setenv ("AWS_EC2_METADATA_SERVICE_ENDPOINT", fake_aws_endpoints_get_url (fixture->endpoints), TRUE);
}

static void
imds_fixture_set_up (Fixture       *fixture,
                     gconstpointer  data)
{
  fixture_set_up (fixture, data);
  use_fake_imds (fixture);
}

static void
test_imds (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(ImgprocCredentialsProvider) provider = NULL;
  g_autoptr(ImgprocCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  provider = imgproc_imds_credentials_provider_new ();
  credentials = load (provider, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_credentials_get_access_key_id (credentials), ==, "ASIAIMDSEXAMPLE");
  g_assert_cmpstr (imgproc_credentials_get_secret_access_key (credentials), ==, FAKE_SECRET);
  g_assert_cmpstr (imgproc_credentials_get_session_token (credentials), ==, FAKE_TOKEN);
  g_assert_nonnull (imgproc_credentials_get_expiration (credentials));
  g_assert_cmpstr (imgproc_credentials_get_provider_name (credentials), ==, "imds");
  g_assert_cmpuint (fake_aws_endpoints_get_imds_token_puts (fixture->endpoints), ==, 1);
  g_assert_cmpuint (fake_aws_endpoints_get_imds_unauthorized (fixture->endpoints), ==, 0);
  g_clear_pointer (&credentials, imgproc_credentials_unref);

  /* The token is reused while it is valid. */
  credentials = load (provider, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fake_aws_endpoints_get_imds_token_puts (fixture->endpoints), ==, 1);
  g_clear_pointer (&credentials, imgproc_credentials_unref);

  /* A 401 means the token is no longer good: fetch a new one and go on. */
  fake_aws_endpoints_rotate_imds_token (fixture->endpoints);
  credentials = load (provider, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_credentials_get_access_key_id (credentials), ==, "ASIAIMDSEXAMPLE");
  g_assert_cmpuint (fake_aws_endpoints_get_imds_unauthorized (fixture->endpoints), ==, 1);
  g_assert_cmpuint (fake_aws_endpoints_get_imds_token_puts (fixture->endpoints), ==, 2);
}

static void
test_imds_no_role (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(ImgprocCredentialsProvider) provider = NULL;
  g_autoptr(GError) error = NULL;

  fake_aws_endpoints_set_imds_role (fixture->endpoints, "");
  provider = imgproc_imds_credentials_provider_new ();
  g_assert_null (load (provider, &error));
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_NOT_FOUND);
}

static void
test_imds_v1_fallback (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(ImgprocCredentialsProvider) provider = NULL;
  g_autoptr(ImgprocCredentialsProvider) strict = NULL;
  g_autoptr(ImgprocCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  fake_aws_endpoints_set_imds_v1_only (fixture->endpoints);
  provider = imgproc_imds_credentials_provider_new ();
  credentials = load (provider, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_credentials_get_access_key_id (credentials), ==, "ASIAIMDSEXAMPLE");

  g_setenv ("AWS_EC2_METADATA_V1_DISABLED", "true", TRUE);
  strict = imgproc_imds_credentials_provider_new ();
  g_assert_null (load (strict, &error));
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "403"));
}

static void
test_imds_disabled (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(ImgprocCredentialsProvider) provider = NULL;
  g_autoptr(GError) error = NULL;

  g_setenv ("AWS_EC2_METADATA_DISABLED", "true", TRUE);
  provider = imgproc_imds_credentials_provider_new ();
  g_assert_null (load (provider, &error));
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_NOT_FOUND);
  g_assert_cmpuint (fake_aws_endpoints_get_requests (fixture->endpoints), ==, 0);
}

static void
test_imds_unreachable (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(ImgprocCredentialsProvider) provider = NULL;
  g_autoptr(GError) error = NULL;

  g_unsetenv ("AWS_EC2_METADATA_DISABLED");
  /* Port 9 (discard) on loopback: refused at once, nothing listens. */
  g_setenv ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9/", TRUE);
  provider = imgproc_imds_credentials_provider_new ();
  g_assert_null (load (provider, &error));
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "imds"));
}

static ImgprocCredentialsProvider *
default_chain (void)
{
  ImgprocCredentialsProvider *links[] = {
    imgproc_environment_credentials_provider_new (),
    imgproc_profile_credentials_provider_new (NULL),
    imgproc_web_identity_credentials_provider_new (),
    imgproc_container_credentials_provider_new (),
    imgproc_imds_credentials_provider_new (),
  };
  ImgprocCredentialsProvider *chain = imgproc_chain_credentials_provider_new (links, G_N_ELEMENTS (links));

  for (gsize i = 0; i < G_N_ELEMENTS (links); i++)
    g_object_unref (links[i]);
  return chain;
}

static void
assert_chain_picks (const char *provider_name)
{
  g_autoptr(ImgprocCredentialsProvider) chain = default_chain ();
  g_autoptr(ImgprocCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = load (chain, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_credentials_get_provider_name (credentials), ==, provider_name);
}

static void
test_chain_order (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *full_uri = g_strconcat (fake_aws_endpoints_get_url (fixture->endpoints),
                                           "/container/creds", NULL);

  /* Set every source, then remove them from the front. */
  use_fake_imds (fixture);
  g_setenv ("AWS_CONTAINER_CREDENTIALS_FULL_URI", full_uri, TRUE);
  set_web_identity (fixture, "jwt-chain");
  write_file (fixture, "credentials", credentials_file);
  g_setenv ("AWS_ACCESS_KEY_ID", "AKIAENV", TRUE);
  g_setenv ("AWS_SECRET_ACCESS_KEY", "envSecret", TRUE);

  assert_chain_picks ("environment");
  g_unsetenv ("AWS_ACCESS_KEY_ID");
  g_unsetenv ("AWS_SECRET_ACCESS_KEY");
  assert_chain_picks ("profile");
  write_file (fixture, "credentials", "");
  assert_chain_picks ("web-identity");
  g_unsetenv ("AWS_WEB_IDENTITY_TOKEN_FILE");
  assert_chain_picks ("container");
  g_unsetenv ("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  assert_chain_picks ("imds");
}

static void
test_chain_stops_on_error (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(ImgprocCredentialsProvider) chain = default_chain ();
  g_autoptr(GError) error = NULL;

  /* IMDS would answer, but a configured web identity that fails is an error. */
  use_fake_imds (fixture);
  set_web_identity (fixture, "jwt-rejected");
  fake_aws_endpoints_set_sts_error (fixture->endpoints, "AccessDenied");
  g_assert_null (load (chain, &error));
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_REJECTED);
  g_assert_true (g_str_has_prefix (error->message, "web-identity:"));
  assert_no_secret (error);
}

static void
test_chain_none (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(ImgprocCredentialsProvider) chain = default_chain ();
  g_autoptr(GError) error = NULL;

  g_assert_null (load (chain, &error));
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "environment, profile, web-identity, container, imds"));
}

#define FAKE_TYPE_PROVIDER (fake_provider_get_type ())
G_DECLARE_FINAL_TYPE (FakeProvider, fake_provider, FAKE, PROVIDER, GObject)

/* A source whose answers are scripted: credentials or an error, one per
 * load, returned from an idle so that loads really overlap. */
struct _FakeProvider
{
  GObject parent_instance;
  GQueue answers;
  guint n_loads;
};

static void fake_provider_iface_init (ImgprocCredentialsProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FakeProvider, fake_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (IMGPROC_TYPE_CREDENTIALS_PROVIDER,
                                                      fake_provider_iface_init))

static void
fake_provider_finalize (GObject *object)
{
  FakeProvider *self = FAKE_PROVIDER (object);
  gpointer answer;

  while ((answer = g_queue_pop_head (&self->answers)) != NULL)
    if (answer != GINT_TO_POINTER (1))
      imgproc_credentials_unref (answer);
  G_OBJECT_CLASS (fake_provider_parent_class)->finalize (object);
}

static void
fake_provider_class_init (FakeProviderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fake_provider_finalize;
}

static void
fake_provider_init (FakeProvider *self)
{
  g_queue_init (&self->answers);
}

static const char *
fake_provider_get_name (ImgprocCredentialsProvider *provider)
{
  return "fake";
}

static gboolean
fake_provider_answer (gpointer data)
{
  GTask *task = data;
  FakeProvider *self = g_task_get_source_object (task);
  gpointer answer = g_queue_pop_head (&self->answers);

  if (answer == NULL || answer == GINT_TO_POINTER (1))
    g_task_return_new_error (task, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_UNAVAILABLE,
                             "fake: unavailable");
  else
    g_task_return_pointer (task, answer, (GDestroyNotify) imgproc_credentials_unref);
  return G_SOURCE_REMOVE;
}

static void
fake_provider_load_async (ImgprocCredentialsProvider *provider,
                          GCancellable               *cancellable,
                          GAsyncReadyCallback         callback,
                          gpointer                    user_data)
{
  FakeProvider *self = FAKE_PROVIDER (provider);
  GTask *task = g_task_new (provider, cancellable, callback, user_data);
  GSource *idle = g_idle_source_new ();

  self->n_loads++;
  g_source_set_callback (idle, fake_provider_answer, task, g_object_unref);
  g_source_attach (idle, g_task_get_context (task));
  g_source_unref (idle);
}

static ImgprocCredentials *
fake_provider_load_finish (ImgprocCredentialsProvider  *provider,
                           GAsyncResult                *result,
                           GError                     **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fake_provider_iface_init (ImgprocCredentialsProviderInterface *iface)
{
  iface->get_name = fake_provider_get_name;
  iface->load_async = fake_provider_load_async;
  iface->load_finish = fake_provider_load_finish;
}

static void
fake_provider_add (FakeProvider *self,
                   const char   *access_key_id,
                   int           expires_in_seconds)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expiration = expires_in_seconds != 0
                                    ? g_date_time_add_seconds (now, expires_in_seconds) : NULL;

  g_queue_push_tail (&self->answers, imgproc_credentials_new (access_key_id, FAKE_SECRET, FAKE_TOKEN,
                                                              expiration, "fake"));
}

static void
fake_provider_add_failure (FakeProvider *self)
{
  g_queue_push_tail (&self->answers, GINT_TO_POINTER (1));
}

/* The cache tests: a scripted source and the cache over it. */
typedef struct
{
  FakeProvider *source;
  ImgprocCredentialsProvider *cache;
} CacheFixture;

static void
cache_fixture_set_up (CacheFixture  *fixture,
                      gconstpointer  data)
{
  fixture->source = g_object_new (FAKE_TYPE_PROVIDER, NULL);
  fixture->cache = imgproc_cached_credentials_provider_new (IMGPROC_CREDENTIALS_PROVIDER (fixture->source));
}

static void
cache_fixture_tear_down (CacheFixture  *fixture,
                         gconstpointer  data)
{
  g_clear_object (&fixture->cache);
  g_clear_object (&fixture->source);
}

static void
test_cache_refreshes_before_expiry (CacheFixture  *fixture,
                                    gconstpointer  data)
{
  g_autoptr(ImgprocCredentials) first = NULL;
  g_autoptr(ImgprocCredentials) second = NULL;
  g_autoptr(ImgprocCredentials) third = NULL;
  g_autoptr(GError) error = NULL;

  /* Two hours left: far outside the refresh window, kept. */
  fake_provider_add (fixture->source, "ASIALONG", 2 * 3600);
  /* Three minutes left: inside any refresh window, refreshed at each load. */
  fake_provider_add (fixture->source, "ASIASHORT", 3 * 60);
  fake_provider_add (fixture->source, "ASIANEXT", 2 * 3600);

  first = load (fixture->cache, &error);
  g_assert_no_error (error);
  second = load (fixture->cache, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_credentials_get_access_key_id (second), ==, "ASIALONG");
  g_assert_cmpuint (fixture->source->n_loads, ==, 1);

  imgproc_cached_credentials_provider_invalidate (IMGPROC_CACHED_CREDENTIALS_PROVIDER (fixture->cache));
  g_clear_pointer (&second, imgproc_credentials_unref);
  second = load (fixture->cache, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_credentials_get_access_key_id (second), ==, "ASIASHORT");
  third = load (fixture->cache, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_credentials_get_access_key_id (third), ==, "ASIANEXT");
  g_assert_cmpuint (fixture->source->n_loads, ==, 3);
  g_assert_cmpstr (imgproc_credentials_provider_get_name (fixture->cache), ==, "fake");
}

static void
test_cache_keeps_valid_on_failure (CacheFixture  *fixture,
                                   gconstpointer  data)
{
  g_autoptr(ImgprocCredentials) first = NULL;
  g_autoptr(ImgprocCredentials) second = NULL;
  g_autoptr(GError) error = NULL;

  fake_provider_add (fixture->source, "ASIASTILLVALID", 3 * 60);
  fake_provider_add_failure (fixture->source);

  first = load (fixture->cache, &error);
  g_assert_no_error (error);
  second = load (fixture->cache, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_credentials_get_access_key_id (second), ==, "ASIASTILLVALID");
  g_assert_cmpuint (fixture->source->n_loads, ==, 2);
}

static void
test_cache_expired_is_an_error (CacheFixture  *fixture,
                                gconstpointer  data)
{
  g_autoptr(ImgprocCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  fake_provider_add (fixture->source, "ASIAEXPIRED", -60);
  g_assert_null (load (fixture->cache, &error));
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_EXPIRED);
  assert_no_secret (error);
  g_clear_error (&error);

  /* Credentials about to expire are not kept past a failed refresh. */
  fake_provider_add (fixture->source, "ASIAALMOST", 10);
  fake_provider_add_failure (fixture->source);
  credentials = load (fixture->cache, &error);
  g_assert_no_error (error);
  g_assert_null (load (fixture->cache, &error));
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_UNAVAILABLE);
}

typedef struct
{
  ImgprocCredentialsProvider *cache;
  guint pending;
  GPtrArray *results;
} Concurrent;

static void
concurrent_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Concurrent *state = user_data;
  g_autoptr(GError) error = NULL;
  ImgprocCredentials *credentials;

  credentials = imgproc_credentials_provider_load_finish (IMGPROC_CREDENTIALS_PROVIDER (source),
                                                          result, &error);
  g_assert_no_error (error);
  g_ptr_array_add (state->results, credentials);
  state->pending--;
}

static void
test_cache_coalesces (CacheFixture  *fixture,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) imgproc_credentials_unref);
  Concurrent state = { NULL, 0, results };

  fake_provider_add (fixture->source, "ASIAONCE", 3600);
  fake_provider_add (fixture->source, "ASIATWICE", 3600);
  state.cache = fixture->cache;

  for (guint i = 0; i < 5; i++)
    {
      state.pending++;
      imgproc_credentials_provider_load_async (fixture->cache, NULL, concurrent_loaded, &state);
    }
  while (state.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (fixture->source->n_loads, ==, 1);
  g_assert_cmpuint (results->len, ==, 5);
  for (guint i = 0; i < results->len; i++)
    g_assert_cmpstr (imgproc_credentials_get_access_key_id (results->pdata[i]), ==, "ASIAONCE");
  g_assert_cmpuint (imgproc_cached_credentials_provider_get_n_refreshes (
                      IMGPROC_CACHED_CREDENTIALS_PROVIDER (fixture->cache)), ==, 1);
}

static guint n_log_messages;

/* Every log message of the run, debug ones included, is checked for the
 * secrets the fake endpoints hand out. */
static GLogWriterOutput
check_log_for_secrets (GLogLevelFlags   log_level,
                       const GLogField *fields,
                       gsize            n_fields,
                       gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    {
      g_autofree char *value = NULL;

      if (g_strcmp0 (fields[i].key, "MESSAGE") != 0)
        continue;
      value = fields[i].length < 0 ? g_strdup (fields[i].value)
                                   : g_strndup (fields[i].value, fields[i].length);
      n_log_messages++;
      if (strstr (value, FAKE_SECRET) != NULL || strstr (value, FAKE_TOKEN) != NULL ||
          strstr (value, "envSecret") != NULL || strstr (value, "fileSecret") != NULL)
        g_error ("a secret reached the log");
    }
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static void
test_no_secrets_logged (void)
{
  guint before = n_log_messages;

  /* The writer checks every message of the whole run and aborts on a
   * secret; this makes sure it is in place and sees debug messages. */
  g_debug ("checking that debug messages reach the writer");
  g_assert_cmpuint (n_log_messages, ==, before + 1);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  g_log_set_writer_func (check_log_for_secrets, NULL, NULL);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/credentials/value", test_credentials_value);
#define ADD(path, func) \
  g_test_add ("/credentials/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
#define ADD_IMDS(path, func) \
  g_test_add ("/credentials/" path, Fixture, NULL, imds_fixture_set_up, func, fixture_tear_down)
#define ADD_CACHE(path, func) \
  g_test_add ("/credentials/cache/" path, CacheFixture, NULL, cache_fixture_set_up, func, \
              cache_fixture_tear_down)
  ADD ("environment", test_environment);
  ADD ("profile", test_profile);
  ADD ("web-identity", test_web_identity);
  ADD ("web-identity/explicit-endpoint", test_web_identity_explicit_endpoint);
  ADD ("container", test_container);
  ADD ("container/refuses-remote-http", test_container_refuses_remote_http);
  ADD_IMDS ("imds", test_imds);
  ADD_IMDS ("imds/no-role", test_imds_no_role);
  ADD_IMDS ("imds/disabled", test_imds_disabled);
  ADD_IMDS ("imds/v1-fallback", test_imds_v1_fallback);
  ADD ("imds/unreachable", test_imds_unreachable);
  ADD ("chain/order", test_chain_order);
  ADD ("chain/stops-on-error", test_chain_stops_on_error);
  ADD ("chain/none", test_chain_none);
  ADD_CACHE ("refreshes-before-expiry", test_cache_refreshes_before_expiry);
  ADD_CACHE ("keeps-valid-on-failure", test_cache_keeps_valid_on_failure);
  ADD_CACHE ("expired-is-an-error", test_cache_expired_is_an_error);
  ADD_CACHE ("coalesces", test_cache_coalesces);
#undef ADD
#undef ADD_IMDS
#undef ADD_CACHE
  g_test_add_func ("/credentials/no-secrets-logged", test_no_secrets_logged);

  return g_test_run ();
}
