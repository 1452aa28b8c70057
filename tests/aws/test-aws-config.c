/* Tests of ImgprocAwsConfig: region, endpoint, S3 addressing and retry
 * settings, each from every source in order of precedence. */
#include "config.h"
#include "imgproc.h"

#include <string.h>
#include <glib/gstdio.h>

#include "fake-aws-endpoints.h"

static const char * const aws_variables[] = {
  "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
  "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_EC2_METADATA_DISABLED",
  "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
  "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL_DYNAMODB",
  "AWS_ENDPOINT_URL_STS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_S3_FORCE_PATH_STYLE",
  "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "IMGPROC_CA_FILE", "AWS_CA_BUNDLE",
};

typedef struct
{
  char *dir;
  char *config_path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *credentials = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (aws_variables); i++)
    g_unsetenv (aws_variables[i]);

  fixture->dir = g_dir_make_tmp ("imgproc-config-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->config_path = g_build_filename (fixture->dir, "config", NULL);
  credentials = g_build_filename (fixture->dir, "credentials", NULL);
  g_setenv ("HOME", fixture->dir, TRUE);
  g_setenv ("AWS_CONFIG_FILE", fixture->config_path, TRUE);
  g_setenv ("AWS_SHARED_CREDENTIALS_FILE", credentials, TRUE);
  g_setenv ("AWS_EC2_METADATA_DISABLED", "true", TRUE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_unlink (fixture->config_path);
  g_rmdir (fixture->dir);
  g_free (fixture->config_path);
  g_free (fixture->dir);
}

static void
write_config (Fixture    *fixture,
              const char *contents)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (fixture->config_path, contents, -1, &error);
  g_assert_no_error (error);
}

static ImgprocAwsConfig *
load (void)
{
  g_autoptr(GError) error = NULL;
  ImgprocAwsConfig *config = imgproc_aws_config_load_sync (NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (config);
  return config;
}

static void
assert_region (const char *expected)
{
  g_autoptr(ImgprocAwsConfig) config = load ();

  g_assert_cmpstr (imgproc_aws_config_get_region (config), ==, expected);
}

static void
test_region_precedence (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(FakeAwsEndpoints) imds = fake_aws_endpoints_new ();
  g_autoptr(ImgprocAwsConfig) explicit_config = NULL;
  g_autoptr(GError) error = NULL;

  /* Nothing names a region and IMDS is off: a clear error. */
  g_assert_null (imgproc_aws_config_load_sync (NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "AWS_REGION"));
  g_clear_error (&error);

  g_unsetenv ("AWS_EC2_METADATA_DISABLED");
  g_setenv ("AWS_EC2_METADATA_SERVICE_ENDPOINT", fake_aws_endpoints_get_url (imds), TRUE);
  assert_region ("eu-north-1");

  write_config (fixture, "[default]\nregion = ap-southeast-2\n[profile other]\nregion = sa-east-1\n");
  assert_region ("ap-southeast-2");
  g_setenv ("AWS_PROFILE", "other", TRUE);
  assert_region ("sa-east-1");

  g_setenv ("AWS_DEFAULT_REGION", "us-west-2", TRUE);
  assert_region ("us-west-2");
  g_setenv ("AWS_REGION", "eu-west-3", TRUE);
  assert_region ("eu-west-3");

  explicit_config = imgproc_aws_config_new ("ca-central-1");
  g_assert_cmpstr (imgproc_aws_config_get_region (explicit_config), ==, "ca-central-1");
  g_assert_cmpstr (imgproc_aws_config_get_profile (explicit_config), ==, "other");
}

static void
assert_endpoint (ImgprocAwsConfig *config,
                 const char       *service,
                 const char       *expected)
{
  g_autofree char *endpoint = imgproc_aws_config_get_endpoint (config, service);

  g_assert_cmpstr (endpoint, ==, expected);
}

static void
test_default_endpoints (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(ImgprocAwsConfig) config = imgproc_aws_config_new ("eu-west-1");
  g_autoptr(ImgprocAwsConfig) china = imgproc_aws_config_new ("cn-north-1");
  g_autofree char *other_region = NULL;

  assert_endpoint (config, "sqs", "https://sqs.eu-west-1.amazonaws.com");
  assert_endpoint (config, "dynamodb", "https://dynamodb.eu-west-1.amazonaws.com");
  assert_endpoint (config, "sts", "https://sts.eu-west-1.amazonaws.com");
  assert_endpoint (config, "s3", "https://s3.eu-west-1.amazonaws.com");
  assert_endpoint (china, "sqs", "https://sqs.cn-north-1.amazonaws.com.cn");
  other_region = imgproc_aws_config_get_endpoint_for_region (config, "s3", "us-east-2");
  g_assert_cmpstr (other_region, ==, "https://s3.us-east-2.amazonaws.com");
  g_assert_false (imgproc_aws_config_has_endpoint_override (config, "sqs"));
  g_assert_false (imgproc_aws_config_get_s3_force_path_style (config));
  g_assert_cmpuint (imgproc_aws_config_get_max_attempts (config), ==, 3);
  g_assert_cmpint (imgproc_aws_config_get_retry_mode (config), ==, IMGPROC_AWS_RETRY_MODE_STANDARD);
  g_assert_null (imgproc_aws_config_get_ca_file (config));
}

static void
test_endpoint_precedence (Fixture       *fixture,
                          gconstpointer  data)
{
  write_config (fixture,
                "[default]\n"
                "region = eu-west-1\n"
                "endpoint_url = http://profile.example:1000\n"
                "services = local\n"
                "[services local]\n"
                "sqs =\n"
                "  endpoint_url = http://services-sqs.example:2000/\n"
                "dynamodb =\n"
                "  endpoint_url = http://services-ddb.example:3000\n");

  {
    g_autoptr(ImgprocAwsConfig) config = load ();

    assert_endpoint (config, "sqs", "http://services-sqs.example:2000");
    assert_endpoint (config, "dynamodb", "http://services-ddb.example:3000");
    assert_endpoint (config, "sts", "http://profile.example:1000");
    g_assert_true (imgproc_aws_config_has_endpoint_override (config, "s3"));
  }

  g_setenv ("AWS_ENDPOINT_URL", "http://127.0.0.1:4000", TRUE);
  g_setenv ("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:5000", TRUE);
  {
    g_autoptr(ImgprocAwsConfig) config = load ();

    assert_endpoint (config, "sqs", "http://127.0.0.1:5000");
    assert_endpoint (config, "dynamodb", "http://127.0.0.1:4000");
    assert_endpoint (config, "s3", "http://127.0.0.1:4000");
  }

  g_setenv ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", TRUE);
  {
    g_autoptr(ImgprocAwsConfig) config = load ();

    assert_endpoint (config, "sqs", "https://sqs.eu-west-1.amazonaws.com");
    g_assert_false (imgproc_aws_config_has_endpoint_override (config, "s3"));
  }
}

static void
assert_s3_uri (ImgprocAwsConfig *config,
               const char       *bucket,
               const char       *key,
               const char       *expected)
{
  g_autofree char *uri = imgproc_aws_config_get_s3_uri_for (config, bucket, key);

  g_assert_cmpstr (uri, ==, expected);
}

static void
test_s3_addressing (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(ImgprocAwsConfig) config = imgproc_aws_config_new ("eu-west-1");
  g_autoptr(GUri) uri = NULL;
  g_autofree char *redirected = NULL;

  assert_s3_uri (config, "my-bucket", "a%20b/c%2Bd.jpg",
                 "https://my-bucket.s3.eu-west-1.amazonaws.com/a%20b/c%2Bd.jpg");
  assert_s3_uri (config, "my.dotted.bucket", "k",
                 "https://s3.eu-west-1.amazonaws.com/my.dotted.bucket/k");
  assert_s3_uri (config, "Upper_Case", "k", "https://s3.eu-west-1.amazonaws.com/Upper_Case/k");
  assert_s3_uri (config, "my-bucket", NULL, "https://my-bucket.s3.eu-west-1.amazonaws.com/");
  g_assert_true (imgproc_aws_config_s3_bucket_needs_path_style (config, "192.168.1.1"));
  g_assert_true (imgproc_aws_config_s3_bucket_needs_path_style (config, "ab"));
  g_assert_false (imgproc_aws_config_s3_bucket_needs_path_style (config, "images-2024"));

  /* Keys with dot segments and empty segments reach the URI untouched. */
  uri = imgproc_aws_config_build_s3_uri (config, NULL, "my-bucket", "a//./b/../c");
  g_assert_cmpstr (g_uri_get_path (uri), ==, "/a//./b/../c");
  g_assert_cmpstr (g_uri_get_host (uri), ==, "my-bucket.s3.eu-west-1.amazonaws.com");

  redirected = imgproc_aws_config_get_s3_uri_for_region (config, "us-west-2", "my-bucket", "k");
  g_assert_cmpstr (redirected, ==, "https://my-bucket.s3.us-west-2.amazonaws.com/k");
}

static void
test_s3_path_style (Fixture       *fixture,
                    gconstpointer  data)
{
  g_setenv ("AWS_REGION", "us-east-1", TRUE);
  {
    g_autoptr(ImgprocAwsConfig) config = NULL;

    g_setenv ("AWS_S3_FORCE_PATH_STYLE", "true", TRUE);
    config = load ();
    g_assert_true (imgproc_aws_config_get_s3_force_path_style (config));
    assert_s3_uri (config, "my-bucket", "k", "https://s3.us-east-1.amazonaws.com/my-bucket/k");
    g_unsetenv ("AWS_S3_FORCE_PATH_STYLE");
  }
  {
    g_autoptr(ImgprocAwsConfig) config = NULL;

    write_config (fixture, "[default]\ns3 =\n  addressing_style = path\n");
    config = load ();
    g_assert_true (imgproc_aws_config_get_s3_force_path_style (config));
    write_config (fixture, "");
  }
  {
    g_autoptr(ImgprocAwsConfig) config = NULL;

    /* A local emulator: path style, its port, and its base path kept. */
    g_setenv ("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:4569/s3/", TRUE);
    config = load ();
    g_assert_true (imgproc_aws_config_get_s3_force_path_style (config));
    assert_s3_uri (config, "my-bucket", "a//b", "http://127.0.0.1:4569/s3/my-bucket/a//b");
    assert_s3_uri (config, "my-bucket", NULL, "http://127.0.0.1:4569/s3/my-bucket");
  }
}

static void
test_retry_settings (Fixture       *fixture,
                     gconstpointer  data)
{
  g_setenv ("AWS_REGION", "us-east-1", TRUE);
  write_config (fixture, "[default]\nmax_attempts = 5\nretry_mode = legacy\nca_bundle = /etc/profile-ca.pem\n");
  {
    g_autoptr(ImgprocAwsConfig) config = load ();

    g_assert_cmpuint (imgproc_aws_config_get_max_attempts (config), ==, 5);
    g_assert_cmpint (imgproc_aws_config_get_retry_mode (config), ==, IMGPROC_AWS_RETRY_MODE_LEGACY);
    g_assert_cmpstr (imgproc_aws_config_get_ca_file (config), ==, "/etc/profile-ca.pem");
  }

  g_setenv ("AWS_MAX_ATTEMPTS", "7", TRUE);
  g_setenv ("AWS_RETRY_MODE", "adaptive", TRUE);
  g_setenv ("IMGPROC_CA_FILE", "/etc/imgproc/ca.pem", TRUE);
  {
    g_autoptr(ImgprocAwsConfig) config = load ();

    g_assert_cmpuint (imgproc_aws_config_get_max_attempts (config), ==, 7);
    g_assert_cmpint (imgproc_aws_config_get_retry_mode (config), ==, IMGPROC_AWS_RETRY_MODE_ADAPTIVE);
    g_assert_cmpstr (imgproc_aws_config_get_ca_file (config), ==, "/etc/imgproc/ca.pem");
  }

  g_setenv ("AWS_MAX_ATTEMPTS", "zero", TRUE);
  write_config (fixture, "");
  {
    g_autoptr(ImgprocAwsConfig) config = load ();

    g_assert_cmpuint (imgproc_aws_config_get_max_attempts (config), ==, 3);
  }
}

static void
test_default_provider (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(ImgprocAwsConfig) config = imgproc_aws_config_new ("eu-west-1");
  g_autoptr(ImgprocCredentialsProvider) first = imgproc_aws_config_create_default_provider (config);
  g_autoptr(ImgprocCredentialsProvider) second = imgproc_aws_config_create_default_provider (config);
  g_autoptr(ImgprocCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (first == second);
  g_assert_true (IMGPROC_IS_CACHED_CREDENTIALS_PROVIDER (first));

  g_assert_null (imgproc_credentials_provider_load_sync (first, NULL, &error));
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_setenv ("AWS_ACCESS_KEY_ID", "AKIAENV", TRUE);
  g_setenv ("AWS_SECRET_ACCESS_KEY", "envSecret", TRUE);
  credentials = imgproc_credentials_provider_load_sync (first, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_credentials_get_provider_name (credentials), ==, "environment");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/aws-config/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("region-precedence", test_region_precedence);
  ADD ("default-endpoints", test_default_endpoints);
  ADD ("endpoint-precedence", test_endpoint_precedence);
  ADD ("s3-addressing", test_s3_addressing);
  ADD ("s3-path-style", test_s3_path_style);
  ADD ("retry-settings", test_retry_settings);
  ADD ("default-provider", test_default_provider);
#undef ADD

  return g_test_run ();
}
