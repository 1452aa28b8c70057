/* The AWS clients over HTTPS, against a loopback TLS server whose CA is made
 * with libcrypto at test time: the profile's CA bundle is trusted, loaded at
 * the first https request, and nothing else is. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-aws-clients-private.h"
#include "aws-test-provider.h"
#include "fake-aws-endpoints.h"

#include <glib/gstdio.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <string.h>

typedef struct
{
  char *dir;
  char *ca_file;
  char *other_ca_file;
  GTlsCertificate *server_certificate;
} Pki;

static Pki pki;

/* Read by the sanitizer runtime, in --enable-sanitizers builds. GCC 12's
 * takes some of glibc's dynamic TLS blocks (GnuTLS's thread-locals) for a
 * glibc 2.19 layout, and its leak check then scans a bogus range and dies
 * (google/sanitizers#1322). Not intercepting __tls_get_addr avoids that. */
__attribute__ ((visibility ("default"))) const char *__asan_default_options (void);

__attribute__ ((visibility ("default"))) const char *
__asan_default_options (void)
{
  return "intercept_tls_get_addr=0";
}

static const char *const isolated_variables[] = {
  "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY",
  "IMGPROC_CA_FILE", "AWS_CA_BUNDLE", "AWS_PROFILE", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE",
  "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
  "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
};

static EVP_PKEY *
new_key (void)
{
  EVP_PKEY *key = EVP_EC_gen ("P-256");

  g_assert_nonnull (key);
  return key;
}

static void
add_extension (X509       *certificate,
               X509       *issuer,
               int         nid,
               const char *value)
{
  X509V3_CTX context;
  X509_EXTENSION *extension;

  X509V3_set_ctx_nodb (&context);
  X509V3_set_ctx (&context, issuer, certificate, NULL, NULL, 0);
  extension = X509V3_EXT_conf_nid (NULL, &context, nid, value);
  g_assert_nonnull (extension);
  g_assert_cmpint (X509_add_ext (certificate, extension, -1), ==, 1);
  X509_EXTENSION_free (extension);
}

/* A CA's own certificate when ISSUER is NULL; else a server certificate for
 * 127.0.0.1 and localhost that ISSUER signed. */
static X509 *
new_certificate (const char *common_name,
                 EVP_PKEY   *key,
                 X509       *issuer,
                 EVP_PKEY   *issuer_key)
{
  X509 *certificate = X509_new ();
  X509_NAME *subject = X509_get_subject_name (certificate);

  g_assert_cmpint (X509_set_version (certificate, X509_VERSION_3), ==, 1);
  ASN1_INTEGER_set (X509_get_serialNumber (certificate), g_random_int_range (1, G_MAXINT32));
  X509_gmtime_adj (X509_getm_notBefore (certificate), -3600);
  X509_gmtime_adj (X509_getm_notAfter (certificate), 24 * 3600);
  g_assert_cmpint (X509_set_pubkey (certificate, key), ==, 1);
  X509_NAME_add_entry_by_txt (subject, "CN", MBSTRING_ASC, (const unsigned char *) common_name, -1, -1, 0);
  if (issuer == NULL)
    {
      X509_set_issuer_name (certificate, subject);
      add_extension (certificate, certificate, NID_basic_constraints, "critical,CA:TRUE");
      add_extension (certificate, certificate, NID_key_usage, "critical,keyCertSign,cRLSign");
      add_extension (certificate, certificate, NID_subject_key_identifier, "hash");
    }
  else
    {
      X509_set_issuer_name (certificate, X509_get_subject_name (issuer));
      add_extension (certificate, issuer, NID_basic_constraints, "critical,CA:FALSE");
      add_extension (certificate, issuer, NID_key_usage, "critical,digitalSignature");
      add_extension (certificate, issuer, NID_ext_key_usage, "serverAuth");
      add_extension (certificate, issuer, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
      add_extension (certificate, issuer, NID_authority_key_identifier, "keyid");
    }
  g_assert_cmpint (X509_sign (certificate, issuer_key != NULL ? issuer_key : key, EVP_sha256 ()), >, 0);
  return certificate;
}

/* PEM of CERTIFICATE, followed by KEY's unless KEY is NULL. */
static char *
pem_of (X509     *certificate,
        EVP_PKEY *key)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data;
  long length;
  char *pem;

  g_assert_cmpint (PEM_write_bio_X509 (bio, certificate), ==, 1);
  if (key != NULL)
    g_assert_cmpint (PEM_write_bio_PrivateKey (bio, key, NULL, NULL, 0, NULL, NULL), ==, 1);
  length = BIO_get_mem_data (bio, &data);
  pem = g_strndup (data, length);
  BIO_free (bio);
  return pem;
}

static char *
write_ca_file (const char *name,
               X509       *ca)
{
  g_autofree char *pem = pem_of (ca, NULL);
  char *path = g_build_filename (pki.dir, name, NULL);
  GError *error = NULL;

  g_file_set_contents (path, pem, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
pki_init (void)
{
  EVP_PKEY *ca_key = new_key ();
  EVP_PKEY *other_ca_key = new_key ();
  EVP_PKEY *server_key = new_key ();
  X509 *ca = new_certificate ("imgproc test CA", ca_key, NULL, NULL);
  X509 *other_ca = new_certificate ("imgproc other test CA", other_ca_key, NULL, NULL);
  X509 *server = new_certificate ("localhost", server_key, ca, ca_key);
  g_autofree char *server_pem = pem_of (server, server_key);
  GError *error = NULL;

  pki.dir = g_dir_make_tmp ("imgproc-tls-XXXXXX", &error);
  g_assert_no_error (error);
  pki.ca_file = write_ca_file ("ca.pem", ca);
  pki.other_ca_file = write_ca_file ("other-ca.pem", other_ca);
  pki.server_certificate = g_tls_certificate_new_from_pem (server_pem, -1, &error);
  g_assert_no_error (error);

  X509_free (server);
  X509_free (other_ca);
  X509_free (ca);
  EVP_PKEY_free (server_key);
  EVP_PKEY_free (other_ca_key);
  EVP_PKEY_free (ca_key);
}

static void
pki_clear (void)
{
  g_unlink (pki.ca_file);
  g_unlink (pki.other_ca_file);
  g_rmdir (pki.dir);
  g_free (pki.ca_file);
  g_free (pki.other_ca_file);
  g_free (pki.dir);
  g_clear_object (&pki.server_certificate);
}

/* An STS client for ENDPOINT that trusts CA_FILE (NULL: the system's CAs),
 * both read from the profile as in production. A file, not the environment,
 * because the servers' threads are running by now. */
static ImgprocStsClient *
sts_client_for (const char *endpoint,
                const char *ca_file)
{
  g_autofree char *config_file = g_build_filename (pki.dir, "config", NULL);
  g_autofree char *profile = g_strdup_printf ("[default]\nendpoint_url = %s\n%s%s\n", endpoint,
                                              ca_file != NULL ? "ca_bundle = " : "",
                                              ca_file != NULL ? ca_file : "");
  g_autoptr(ImgprocAwsConfig) config = NULL;
  g_autoptr(AwsTestProvider) provider = aws_test_provider_new ("AKIDTLS", "secret");
  GError *error = NULL;

  g_file_set_contents (config_file, profile, -1, &error);
  g_assert_no_error (error);
  config = imgproc_aws_config_new ("us-east-1");
  g_unlink (config_file);
  g_assert_cmpstr (imgproc_aws_config_get_ca_file (config), ==, ca_file);
  return imgproc_sts_client_new (config, IMGPROC_CREDENTIALS_PROVIDER (provider));
}

static char *
caller_user_id (ImgprocStsClient  *sts,
                GError           **error)
{
  g_autoptr(ImgprocCallerIdentity) identity = imgproc_sts_client_get_caller_identity_sync (sts, NULL, error);

  return identity != NULL ? g_strdup (imgproc_caller_identity_get_user_id (identity)) : NULL;
}

static void
test_trusted_ca (void)
{
  g_autoptr(FakeAwsEndpoints) server = fake_aws_endpoints_new_https (pki.server_certificate);
  const char *url = fake_aws_endpoints_get_url (server);
  g_autofree char *expected_log = g_strdup_printf ("POST %s/\nPOST %s/", url, url);
  g_autoptr(ImgprocStsClient) sts = sts_client_for (url, pki.ca_file);
  g_autofree char *user_id = NULL;
  g_autofree char *again = NULL;
  GError *error = NULL;

  g_assert_true (g_str_has_prefix (url, "https://127.0.0.1:"));
  user_id = caller_user_id (sts, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (user_id, ==, FAKE_CALLER_USER_ID);
  /* The second request finds the CA already loaded. */
  again = caller_user_id (sts, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, FAKE_CALLER_USER_ID);
  fake_aws_endpoints_assert_log (server, expected_log);
}

static void
assert_untrusted (const char *ca_file)
{
  g_autoptr(FakeAwsEndpoints) server = fake_aws_endpoints_new_https (pki.server_certificate);
  g_autoptr(ImgprocStsClient) sts = sts_client_for (fake_aws_endpoints_get_url (server), ca_file);
  g_autofree char *user_id = NULL;
  GError *error = NULL;

  user_id = caller_user_id (sts, &error);
  g_assert_null (user_id);
  g_assert_error (error, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_NETWORK);
  g_test_message ("untrusted: %s", error->message);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_assert_nonnull (strstr (error->message, "certificate"));
  g_clear_error (&error);
  /* The handshake failed: no request reached the server. */
  fake_aws_endpoints_assert_log (server, "");
}

static void
test_untrusted_ca (void)
{
  assert_untrusted (pki.other_ca_file);
}

static void
test_system_ca (void)
{
  assert_untrusted (NULL);
}

/* A bundle that cannot be read fails that request, and a later one reads it
 * again: a bundle caught while being replaced does not fail the client. */
static void
test_ca_file_appears (void)
{
  g_autoptr(FakeAwsEndpoints) server = fake_aws_endpoints_new_https (pki.server_certificate);
  g_autofree char *late_ca_file = g_build_filename (pki.dir, "late-ca.pem", NULL);
  g_autoptr(ImgprocStsClient) sts = sts_client_for (fake_aws_endpoints_get_url (server), late_ca_file);
  g_autofree char *pem = NULL;
  g_autofree char *user_id = NULL;
  GError *error = NULL;

  user_id = caller_user_id (sts, &error);
  g_assert_null (user_id);
  g_assert_nonnull (error);
  g_test_message ("missing CA file: %s", error->message);
  g_assert_nonnull (strstr (error->message, late_ca_file));
  g_clear_error (&error);
  fake_aws_endpoints_assert_log (server, "");

  g_file_get_contents (pki.ca_file, &pem, NULL, &error);
  g_assert_no_error (error);
  g_file_set_contents (late_ca_file, pem, -1, &error);
  g_assert_no_error (error);
  user_id = caller_user_id (sts, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (user_id, ==, FAKE_CALLER_USER_ID);
  g_unlink (late_ca_file);
}

/* The clients never follow a redirect themselves (S3's region redirect is
 * a new request, which loads the CA like any other), so an http endpoint
 * that redirects to https cannot reach it past the CA file. */
static void
test_redirect_to_https (void)
{
  g_autoptr(FakeAwsEndpoints) https = fake_aws_endpoints_new_https (pki.server_certificate);
  g_autoptr(FakeAwsEndpoints) http = fake_aws_endpoints_new ();
  g_autofree char *location = g_strconcat (fake_aws_endpoints_get_url (https), "/", NULL);
  g_autofree char *expected_log = g_strdup_printf ("POST %s/", fake_aws_endpoints_get_url (http));
  g_autoptr(ImgprocStsClient) sts = sts_client_for (fake_aws_endpoints_get_url (http), pki.ca_file);
  g_autofree char *user_id = NULL;
  GError *error = NULL;

  fake_aws_endpoints_set_redirect (http, location);
  user_id = caller_user_id (sts, &error);
  g_assert_null (user_id);
  g_assert_error (error, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_REDIRECT);
  g_clear_error (&error);
  fake_aws_endpoints_assert_log (http, expected_log);
  fake_aws_endpoints_assert_log (https, "");
}

/* Loads web identity credentials from SERVER, with a profile that names
 * CA_FILE as its CA bundle. */
static ImgprocCredentials *
web_identity_credentials (FakeAwsEndpoints  *server,
                          const char        *ca_file,
                          GError           **error)
{
  g_autofree char *config_file = g_build_filename (pki.dir, "config", NULL);
  g_autofree char *token_file = g_build_filename (pki.dir, "token", NULL);
  g_autofree char *profile = g_strdup_printf ("[default]\nweb_identity_token_file = %s\n"
                                              "role_arn = arn:aws:iam::123456789012:role/tls\n"
                                              "ca_bundle = %s\n", token_file, ca_file);
  g_autoptr(ImgprocCredentialsProvider) provider = NULL;
  ImgprocCredentials *credentials;
  GError *local_error = NULL;

  g_file_set_contents (token_file, "jwt", -1, &local_error);
  g_assert_no_error (local_error);
  g_file_set_contents (config_file, profile, -1, &local_error);
  g_assert_no_error (local_error);
  provider = imgproc_web_identity_credentials_provider_new_for_endpoint (fake_aws_endpoints_get_url (server));
  credentials = imgproc_credentials_provider_load_sync (provider, NULL, error);
  g_unlink (config_file);
  g_unlink (token_file);
  return credentials;
}

/* AssumeRoleWithWebIdentity trusts the same CA bundle as the clients, as in
 * botocore: behind a TLS-inspecting proxy, a pod's credentials need it. */
static void
test_web_identity_ca_bundle (void)
{
  g_autoptr(FakeAwsEndpoints) server = fake_aws_endpoints_new_https (pki.server_certificate);
  g_autofree char *missing_ca_file = g_build_filename (pki.dir, "missing-ca.pem", NULL);
  g_autoptr(ImgprocCredentials) credentials = NULL;
  g_autofree char *role_arn = NULL;
  GError *error = NULL;

  credentials = web_identity_credentials (server, missing_ca_file, &error);
  g_assert_null (credentials);
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, missing_ca_file));
  g_clear_error (&error);
  fake_aws_endpoints_assert_log (server, "");

  credentials = web_identity_credentials (server, pki.ca_file, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_credentials_get_access_key_id (credentials), ==, "ASIAWEBIDENTITY");
  role_arn = fake_aws_endpoints_get_last_role_arn (server);
  g_assert_cmpstr (role_arn, ==, "arn:aws:iam::123456789012:role/tls");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *config_file = NULL;
  g_autofree char *no_credentials = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  pki_init ();
  for (gsize i = 0; i < G_N_ELEMENTS (isolated_variables); i++)
    g_unsetenv (isolated_variables[i]);
  config_file = g_build_filename (pki.dir, "config", NULL);
  no_credentials = g_build_filename (pki.dir, "no-credentials", NULL);
  g_setenv ("AWS_CONFIG_FILE", config_file, TRUE);
  g_setenv ("AWS_SHARED_CREDENTIALS_FILE", no_credentials, TRUE);

  g_test_add_func ("/aws/tls/trusted-ca", test_trusted_ca);
  g_test_add_func ("/aws/tls/untrusted-ca", test_untrusted_ca);
  g_test_add_func ("/aws/tls/system-ca", test_system_ca);
  g_test_add_func ("/aws/tls/ca-file-appears", test_ca_file_appears);
  g_test_add_func ("/aws/tls/redirect-to-https", test_redirect_to_https);
  g_test_add_func ("/aws/tls/web-identity-ca-bundle", test_web_identity_ca_bundle);
  status = g_test_run ();
  pki_clear ();
  return status;
}
