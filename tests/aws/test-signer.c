/* Tests of the SigV4 signer: every case of AWS's signing test suite in header
 * and query form, stage by stage, plus S3-mode and SoupMessage signing. */
#include "config.h"
#include "imgproc.h"

#include <string.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "imgproc-signer-private.h"

#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

typedef struct
{
  char *directory;
  char *name;
  gboolean query_form;
} SuiteCase;

static void
suite_case_free (gpointer data)
{
  SuiteCase *suite_case = data;

  g_free (suite_case->directory);
  g_free (suite_case->name);
  g_free (suite_case);
}

static char *
read_case_file (const SuiteCase *suite_case,
                const char      *file_name)
{
  g_autofree char *path = g_build_filename (suite_case->directory, file_name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static char *
read_stage (const SuiteCase *suite_case,
            const char      *stage)
{
  g_autofree char *file_name = g_strdup_printf ("%s-%s.txt",
                                                suite_case->query_form ? "query" : "header",
                                                stage);

  return read_case_file (suite_case, file_name);
}

/* request.txt: the request line (the target may hold spaces), headers as
 * `Name:value` with folded continuation lines, an empty line, the body. */
static ImgprocSigningRequest *
parse_request (const char *text)
{
  const char *body_start = strstr (text, "\n\n");
  g_autofree char *head = body_start != NULL ? g_strndup (text, body_start - text) : g_strdup (text);
  g_auto(GStrv) lines = g_strsplit (head, "\n", -1);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *method = NULL;
  g_autofree char *target = NULL;
  const char *first_space, *last_space, *question;
  const char *host = NULL;
  g_autofree char *path = NULL;
  g_autofree char *query = NULL;
  ImgprocSigningRequest *request;

  first_space = strchr (lines[0], ' ');
  last_space = strrchr (lines[0], ' ');
  g_assert_nonnull (first_space);
  g_assert_true (last_space > first_space);
  method = g_strndup (lines[0], first_space - lines[0]);
  target = g_strndup (first_space + 1, last_space - first_space - 1);
  question = strchr (target, '?');
  if (question != NULL)
    {
      path = g_strndup (target, question - target);
      query = g_strdup (question + 1);
    }
  else
    path = g_strdup (target);

  for (guint i = 1; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *colon;

      if (*line == '\0')
        continue;
      if (g_ascii_isspace (*line))
        {
          char *previous;

          g_assert_cmpuint (values->len, >, 0);
          previous = values->pdata[values->len - 1];
          values->pdata[values->len - 1] = g_strconcat (previous, "\n", line, NULL);
          g_free (previous);
          continue;
        }
      colon = strchr (line, ':');
      g_assert_nonnull (colon);
      g_ptr_array_add (names, g_strndup (line, colon - line));
      g_ptr_array_add (values, g_strdup (colon + 1));
    }

  for (guint i = 0; i < names->len; i++)
    if (g_ascii_strcasecmp (names->pdata[i], "host") == 0)
      host = values->pdata[i];
  g_assert_nonnull (host);

  request = imgproc_signing_request_new (method, host, path, query);
  for (guint i = 0; i < names->len; i++)
    imgproc_signing_request_add_header (request, names->pdata[i], values->pdata[i]);
  if (body_start != NULL && body_start[2] != '\0')
    {
      g_autoptr(GBytes) body = g_bytes_new (body_start + 2, strlen (body_start + 2));

      imgproc_signing_request_set_body (request, body);
    }
  return request;
}

static void
test_suite_case (gconstpointer data)
{
  const SuiteCase *suite_case = data;
  g_autofree char *context_text = read_case_file (suite_case, "context.json");
  g_autofree char *request_text = read_case_file (suite_case, "request.txt");
  g_autofree char *expected_canonical = read_stage (suite_case, "canonical-request");
  g_autofree char *expected_string_to_sign = read_stage (suite_case, "string-to-sign");
  g_autofree char *expected_signature = read_stage (suite_case, "signature");
  g_autofree char *expected_signed_request = read_stage (suite_case, "signed-request");
  g_autofree char *signed_request = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(ImgprocSigningRequest) request = NULL;
  g_autoptr(ImgprocSigner) signer = NULL;
  g_autoptr(ImgprocCredentials) credentials = NULL;
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GError) error = NULL;
  ImgprocSignerFlags flags = IMGPROC_SIGNER_FLAGS_NONE;
  JsonObject *context, *json_credentials;

  json_parser_load_from_data (parser, context_text, -1, &error);
  g_assert_no_error (error);
  context = json_node_get_object (json_parser_get_root (parser));
  json_credentials = json_object_get_object_member (context, "credentials");

  if (!json_object_get_boolean_member_with_default (context, "normalize", TRUE))
    flags |= IMGPROC_SIGNER_FLAGS_NO_PATH_NORMALIZATION;
  if (json_object_get_boolean_member_with_default (context, "sign_body", FALSE))
    flags |= IMGPROC_SIGNER_FLAGS_SIGN_BODY_HEADER;
  if (json_object_get_boolean_member_with_default (context, "omit_session_token", FALSE))
    flags |= IMGPROC_SIGNER_FLAGS_OMIT_SESSION_TOKEN;

  signer = imgproc_signer_new (json_object_get_string_member (context, "region"),
                               json_object_get_string_member (context, "service"), flags);
  credentials = imgproc_credentials_new (
    json_object_get_string_member (json_credentials, "access_key_id"),
    json_object_get_string_member (json_credentials, "secret_access_key"),
    json_object_get_string_member_with_default (json_credentials, "token", NULL),
    NULL, "test");
  time = g_date_time_new_from_iso8601 (json_object_get_string_member (context, "timestamp"), NULL);
  g_assert_nonnull (time);
  request = parse_request (request_text);

  if (suite_case->query_form)
    {
      g_autofree char *url = NULL;
      guint expires = json_object_get_int_member_with_default (context, "expiration_in_seconds",
                                                               3600);

      url = imgproc_signer_presign (signer, request, credentials, time, expires, &error);
      g_assert_no_error (error);
      g_assert_true (g_str_has_prefix (url, "https://example.amazonaws.com/"));
      g_assert_true (g_str_has_suffix (url, expected_signature));
    }
  else
    {
      imgproc_signer_sign (signer, request, credentials, time, &error);
      g_assert_no_error (error);
    }

  g_assert_cmpstr (imgproc_signing_request_get_canonical_request (request), ==, expected_canonical);
  g_assert_cmpstr (imgproc_signing_request_get_string_to_sign (request), ==, expected_string_to_sign);
  g_assert_cmpstr (imgproc_signing_request_get_signature (request), ==, expected_signature);
  signed_request = imgproc_signing_request_to_string (request);
  g_assert_cmpstr (signed_request, ==, expected_signed_request);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static guint
add_suite_tests (void)
{
  const char *testdata = g_getenv ("IMGPROC_TESTDATA");
  g_autofree char *suite = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const char *name;

  if (testdata == NULL)
    testdata = "../shared/testdata";
  suite = g_build_filename (testdata, "aws-sigv4-test-suite", NULL);
  dir = g_dir_open (suite, 0, &error);
  g_assert_no_error (error);

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *context = g_build_filename (suite, name, "context.json", NULL);

      if (g_file_test (context, G_FILE_TEST_EXISTS))
        g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_sort (names, compare_names);

  for (guint form = 0; form < 2; form++)
    for (guint i = 0; i < names->len; i++)
      {
        SuiteCase *suite_case = g_new0 (SuiteCase, 1);
        g_autofree char *test_path = NULL;

        suite_case->directory = g_build_filename (suite, names->pdata[i], NULL);
        suite_case->name = g_strdup (names->pdata[i]);
        suite_case->query_form = form == 1;
        test_path = g_strdup_printf ("/signer/suite/%s/%s", form == 1 ? "query" : "header",
                                     suite_case->name);
        g_test_add_data_func_full (test_path, suite_case, test_suite_case, suite_case_free);
      }

  return names->len;
}

static ImgprocCredentials *
example_credentials (const char *token)
{
  return imgproc_credentials_new ("AKIAIOSFODNN7EXAMPLE",
                                  "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                  token, NULL, "test");
}

static GDateTime *
example_time (void)
{
  return g_date_time_new_utc (2013, 5, 24, 0, 0, 0);
}

static void
test_s3_get_example (void)
{
  g_autoptr(ImgprocSigner) signer = imgproc_signer_new ("us-east-1", "s3", IMGPROC_SIGNER_FLAGS_S3);
  g_autoptr(ImgprocSigningRequest) request = NULL;
  g_autoptr(ImgprocCredentials) credentials = example_credentials (NULL);
  g_autoptr(GDateTime) time = example_time ();
  g_autoptr(GError) error = NULL;
  g_autofree char *canonical_hash = NULL;
  const char *canonical;

  request = imgproc_signing_request_new ("GET", "examplebucket.s3.amazonaws.com", "/test.txt", NULL);
  imgproc_signing_request_add_header (request, "Range", "bytes=0-9");

  g_assert_true (imgproc_signer_sign (signer, request, credentials, time, &error));
  g_assert_no_error (error);

  canonical = imgproc_signing_request_get_canonical_request (request);
  canonical_hash = imgproc_aws_sha256_hex (canonical, strlen (canonical));
  g_assert_cmpstr (canonical_hash, ==,
                   "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  g_assert_cmpstr (imgproc_signing_request_get_signed_headers (request), ==,
                   "host;range;x-amz-content-sha256;x-amz-date");
  g_assert_cmpstr (imgproc_signing_request_get_signature (request), ==,
                   "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  g_assert_cmpstr (imgproc_signing_request_get_header (request, "x-amz-content-sha256"), ==,
                   EMPTY_SHA256);
  g_assert_cmpstr (imgproc_signing_request_get_header (request, "x-amz-date"), ==,
                   "20130524T000000Z");
  g_assert_cmpstr (imgproc_signing_request_get_header (request, "Authorization"), ==,
                   "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                   "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                   "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

static char *
canonical_uri_of (const char *canonical_request)
{
  g_auto(GStrv) lines = g_strsplit (canonical_request, "\n", 3);

  return g_strdup (lines[1]);
}

static void
test_s3_keys_not_normalized (void)
{
  static const char * const keys[] = {
    "my file+1.txt", "a&b=c", "unicode/ü/ሴ.jpg", "a//b", "./x", "a/../b", "trailing/",
    "~tilde-_.", "100%",
  };
  g_autoptr(ImgprocSigner) s3 = imgproc_signer_new ("eu-west-1", "s3", IMGPROC_SIGNER_FLAGS_S3);
  g_autoptr(ImgprocSigner) standard = imgproc_signer_new ("eu-west-1", "sqs", IMGPROC_SIGNER_FLAGS_NONE);
  g_autoptr(ImgprocCredentials) credentials = example_credentials (NULL);
  g_autoptr(GDateTime) time = example_time ();

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *encoded = imgproc_aws_uri_encode_string (keys[i], TRUE);
      g_autofree char *path = g_strconcat ("/", encoded, NULL);
      g_autoptr(ImgprocSigningRequest) request = imgproc_signing_request_new (
        "GET", "bucket.s3.eu-west-1.amazonaws.com", path, NULL);
      g_autoptr(ImgprocSigningRequest) standard_request = imgproc_signing_request_new (
        "GET", "bucket.s3.eu-west-1.amazonaws.com", path, NULL);
      g_autofree char *uri = NULL;
      g_autofree char *standard_uri = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (imgproc_signer_sign (s3, request, credentials, time, &error));
      g_assert_no_error (error);
      uri = canonical_uri_of (imgproc_signing_request_get_canonical_request (request));
      g_assert_cmpstr (uri, ==, path);

      g_assert_true (imgproc_signer_sign (standard, standard_request, credentials, time, &error));
      g_assert_no_error (error);
      standard_uri = canonical_uri_of (imgproc_signing_request_get_canonical_request (standard_request));
      if (strchr (encoded, '%') != NULL)
        g_assert_nonnull (strstr (standard_uri, "%25"));
      g_assert_cmpstr (imgproc_signing_request_get_signature (request), !=,
                       imgproc_signing_request_get_signature (standard_request));
    }
}

static void
test_s3_key_encoding (void)
{
  g_autofree char *encoded = imgproc_aws_uri_encode_string ("my file+1.txt", TRUE);
  g_autofree char *unicode = imgproc_aws_uri_encode_string ("ü/ሴ a&b", TRUE);
  g_autofree char *query = imgproc_aws_uri_encode_string ("a/b=c+d", FALSE);

  g_assert_cmpstr (encoded, ==, "my%20file%2B1.txt");
  g_assert_cmpstr (unicode, ==, "%C3%BC/%E1%88%B4%20a%26b");
  g_assert_cmpstr (query, ==, "a%2Fb%3Dc%2Bd");
}

static void
test_s3_unsigned_payload (void)
{
  g_autoptr(ImgprocSigner) signer = imgproc_signer_new (
    "us-east-1", "s3", IMGPROC_SIGNER_FLAGS_S3 | IMGPROC_SIGNER_FLAGS_UNSIGNED_PAYLOAD);
  g_autoptr(ImgprocSigningRequest) request = NULL;
  g_autoptr(ImgprocCredentials) credentials = example_credentials (NULL);
  g_autoptr(GDateTime) time = example_time ();
  g_autoptr(GBytes) body = g_bytes_new_static ("large body", 10);
  g_autoptr(GError) error = NULL;

  request = imgproc_signing_request_new ("PUT", "examplebucket.s3.amazonaws.com", "/big.bin", NULL);
  imgproc_signing_request_set_body (request, body);
  g_assert_true (imgproc_signer_sign (signer, request, credentials, time, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (imgproc_signing_request_get_header (request, "x-amz-content-sha256"), ==,
                   "UNSIGNED-PAYLOAD");
  g_assert_true (g_str_has_suffix (imgproc_signing_request_get_canonical_request (request),
                                   "\nUNSIGNED-PAYLOAD"));
  g_assert_nonnull (strstr (imgproc_signing_request_get_canonical_request (request),
                            "x-amz-content-sha256:UNSIGNED-PAYLOAD\n"));
}

static void
test_s3_payload_hash (void)
{
  g_autoptr(ImgprocSigner) signer = imgproc_signer_new ("us-east-1", "s3", IMGPROC_SIGNER_FLAGS_S3);
  g_autoptr(ImgprocSigningRequest) request = NULL;
  g_autoptr(ImgprocCredentials) credentials = example_credentials (NULL);
  g_autoptr(GDateTime) time = example_time ();
  g_autoptr(GBytes) body = g_bytes_new_static ("Welcome to Amazon S3.", 21);
  g_autoptr(GError) error = NULL;

  request = imgproc_signing_request_new ("PUT", "examplebucket.s3.amazonaws.com",
                                         "/test%24file.text", NULL);
  imgproc_signing_request_add_header (request, "Date", "Fri, 24 May 2013 00:00:00 GMT");
  imgproc_signing_request_add_header (request, "x-amz-storage-class", "REDUCED_REDUNDANCY");
  imgproc_signing_request_set_body (request, body);
  g_assert_true (imgproc_signer_sign (signer, request, credentials, time, &error));
  g_assert_no_error (error);

  /* The PUT example of the S3 SigV4 documentation. */
  g_assert_cmpstr (imgproc_signing_request_get_header (request, "x-amz-content-sha256"), ==,
                   "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  g_assert_cmpstr (imgproc_signing_request_get_signed_headers (request), ==,
                   "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class");
  g_assert_cmpstr (imgproc_signing_request_get_signature (request), ==,
                   "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

static void
test_s3_presign (void)
{
  g_autoptr(ImgprocSigner) signer = imgproc_signer_new ("us-east-1", "s3", IMGPROC_SIGNER_FLAGS_S3);
  g_autoptr(ImgprocSigningRequest) request = NULL;
  g_autoptr(ImgprocCredentials) credentials = example_credentials (NULL);
  g_autoptr(GDateTime) time = example_time ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  request = imgproc_signing_request_new ("GET", "examplebucket.s3.amazonaws.com", "/test.txt", NULL);
  url = imgproc_signer_presign (signer, request, credentials, time, 86400, &error);
  g_assert_no_error (error);

  /* The presigned-URL example of the S3 SigV4 documentation. */
  g_assert_cmpstr (url, ==,
                   "https://examplebucket.s3.amazonaws.com/test.txt"
                   "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                   "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                   "&X-Amz-Date=20130524T000000Z&X-Amz-SignedHeaders=host&X-Amz-Expires=86400"
                   "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
  g_assert_null (imgproc_signing_request_get_header (request, "x-amz-content-sha256"));
  g_assert_true (g_str_has_suffix (imgproc_signing_request_get_canonical_request (request),
                                   "\nUNSIGNED-PAYLOAD"));

  g_clear_pointer (&url, g_free);
  url = imgproc_signer_presign (signer, request, credentials, time, 0, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_null (url);
}

static void
test_session_token (void)
{
  g_autoptr(ImgprocSigner) signer = imgproc_signer_new ("eu-west-1", "sqs", IMGPROC_SIGNER_FLAGS_NONE);
  g_autoptr(ImgprocSigningRequest) request = NULL;
  g_autoptr(ImgprocCredentials) credentials = example_credentials ("TOKEN/with+chars=");
  g_autoptr(GDateTime) time = example_time ();
  g_autoptr(GError) error = NULL;

  request = imgproc_signing_request_new ("POST", "sqs.eu-west-1.amazonaws.com", "/", NULL);
  g_assert_true (imgproc_signer_sign (signer, request, credentials, time, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_signing_request_get_header (request, "X-Amz-Security-Token"), ==,
                   "TOKEN/with+chars=");
  g_assert_cmpstr (imgproc_signing_request_get_signed_headers (request), ==,
                   "host;x-amz-date;x-amz-security-token");
  g_assert_null (imgproc_signing_request_get_header (request, "x-amz-content-sha256"));
}

static void
test_unsignable_headers (void)
{
  g_autoptr(ImgprocSigner) signer = imgproc_signer_new ("eu-west-1", "dynamodb", IMGPROC_SIGNER_FLAGS_NONE);
  g_autoptr(ImgprocSigningRequest) request = NULL;
  g_autoptr(ImgprocCredentials) credentials = example_credentials (NULL);
  g_autoptr(GDateTime) time = example_time ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  guint n_authorization = 0;

  request = imgproc_signing_request_new ("POST", "dynamodb.eu-west-1.amazonaws.com", "/", NULL);
  imgproc_signing_request_add_header (request, "User-Agent", "imgproc/1");
  imgproc_signing_request_add_header (request, "Expect", "100-continue");
  imgproc_signing_request_add_header (request, "Accept-Encoding", "gzip");
  imgproc_signing_request_add_header (request, "X-Amzn-Trace-Id", "Root=1-2-3");
  imgproc_signing_request_add_header (request, "Connection", "keep-alive");
  imgproc_signing_request_add_header (request, "Transfer-Encoding", "chunked");
  imgproc_signing_request_add_header (request, "Upgrade", "h2c");
  imgproc_signing_request_add_header (request, "Content-Type", "application/x-amz-json-1.0");
  imgproc_signing_request_add_header (request, "X-Amz-Target", "DynamoDB_20120810.GetItem");
  imgproc_signing_request_add_header (request, "X-Custom", "  a \t  b  ");

  g_assert_true (imgproc_signer_sign (signer, request, credentials, time, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_signing_request_get_signed_headers (request), ==,
                   "content-type;host;x-amz-date;x-amz-target;x-custom");
  g_assert_nonnull (strstr (imgproc_signing_request_get_canonical_request (request),
                            "\nx-custom:a b\n"));

  /* Signing again replaces the signature headers instead of adding more. */
  g_assert_true (imgproc_signer_sign (signer, request, credentials, time, &error));
  g_assert_no_error (error);
  names = imgproc_signing_request_get_header_names (request);
  for (guint i = 0; names[i] != NULL; i++)
    if (g_ascii_strcasecmp (names[i], "Authorization") == 0)
      n_authorization++;
  g_assert_cmpuint (n_authorization, ==, 1);
  g_assert_cmpstr (imgproc_signing_request_get_signed_headers (request), ==,
                   "content-type;host;x-amz-date;x-amz-target;x-custom");
}

static void
test_empty_credentials (void)
{
  g_autoptr(ImgprocSigner) signer = imgproc_signer_new ("eu-west-1", "sqs", IMGPROC_SIGNER_FLAGS_NONE);
  g_autoptr(ImgprocSigningRequest) request = imgproc_signing_request_new ("GET", "h", "/", NULL);
  g_autoptr(ImgprocCredentials) credentials = imgproc_credentials_new ("AKID", "", NULL, NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (imgproc_signer_sign (signer, request, credentials, NULL, &error));
  g_assert_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_INVALID);
}

static void
test_request_from_uri (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ImgprocSigningRequest) request = NULL;
  g_autoptr(ImgprocSigningRequest) plain = NULL;

  request = imgproc_signing_request_new_from_uri ("GET", "http://127.0.0.1:9000/b/a//./x%20y?list-type=2",
                                                  &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_signing_request_get_host (request), ==, "127.0.0.1:9000");
  g_assert_cmpstr (imgproc_signing_request_get_path (request), ==, "/b/a//./x%20y");
  g_assert_cmpstr (imgproc_signing_request_get_query (request), ==, "list-type=2");
  g_assert_cmpstr (imgproc_signing_request_get_scheme (request), ==, "http");

  plain = imgproc_signing_request_new_from_uri ("GET", "https://s3.amazonaws.com:443/", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_signing_request_get_host (plain), ==, "s3.amazonaws.com");

  g_assert_null (imgproc_signing_request_new_from_uri ("GET", "/relative", &error));
  g_assert_nonnull (error);
}

static void
test_signing_key_cache (void)
{
  g_autoptr(ImgprocSigner) signer = imgproc_signer_new ("us-east-1", "service", IMGPROC_SIGNER_FLAGS_NONE);
  g_autoptr(ImgprocCredentials) first = imgproc_credentials_new ("AKIDEXAMPLE",
                                                                 "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                                                 NULL, NULL, NULL);
  g_autoptr(ImgprocCredentials) second = imgproc_credentials_new ("AKIDEXAMPLE", "another-secret",
                                                                  NULL, NULL, NULL);
  g_autoptr(GDateTime) time = g_date_time_new_utc (2015, 8, 30, 12, 36, 0);
  g_autoptr(GDateTime) next_day = g_date_time_add_days (time, 1);
  g_autofree char *first_signature = NULL;
  g_autoptr(GError) error = NULL;

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(ImgprocSigningRequest) request = imgproc_signing_request_new (
        "GET", "example.amazonaws.com", "/", NULL);

      g_assert_true (imgproc_signer_sign (signer, request, first, time, &error));
      g_assert_cmpstr (imgproc_signing_request_get_signature (request), ==,
                       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    }

  /* A cached key must not leak into another secret or another day. */
  {
    g_autoptr(ImgprocSigningRequest) request = imgproc_signing_request_new (
      "GET", "example.amazonaws.com", "/", NULL);
    g_autoptr(ImgprocSigningRequest) again = imgproc_signing_request_new (
      "GET", "example.amazonaws.com", "/", NULL);

    g_assert_true (imgproc_signer_sign (signer, request, second, time, &error));
    g_assert_cmpstr (imgproc_signing_request_get_signature (request), !=,
                     "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    g_assert_true (imgproc_signer_sign (signer, again, first, next_day, &error));
    g_assert_true (g_str_has_prefix (imgproc_signing_request_get_string_to_sign (again),
                                     "AWS4-HMAC-SHA256\n20150831T123600Z\n20150831/"));
  }
}

static void
server_callback (SoupServer        *server,
                 SoupServerMessage *message,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  GPtrArray *received = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  GUri *uri = soup_server_message_get_uri (message);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "%s %s %s\n", soup_server_message_get_method (message),
                          g_uri_get_path (uri), g_uri_get_query (uri) ? g_uri_get_query (uri) : "");
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_string_append_printf (text, "%s:%s\n", name, value);
  g_ptr_array_add (received, g_string_free (text, FALSE));
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* A request signed in a SoupMessage must verify against what the server
 * received: same path bytes, same Host header, same signed header values. */
static void
test_soup_message (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GPtrArray) received = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(ImgprocSigner) signer = imgproc_signer_new ("eu-west-1", "s3", IMGPROC_SIGNER_FLAGS_S3);
  g_autoptr(ImgprocCredentials) credentials = example_credentials ("session-token");
  g_autoptr(GDateTime) time = example_time ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"a\":1}", 7);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(ImgprocSigningRequest) check = NULL;
  g_autofree char *host = NULL;
  GSList *uris;
  int port;

  soup_server_add_handler (server, NULL, server_callback, received, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  uri = g_uri_build (G_URI_FLAGS_ENCODED, "http", NULL, "127.0.0.1", port,
                     "/bucket/my%20file%2B1.txt//%C3%BC", "x-id=PutObject", NULL);
  message = soup_message_new_from_uri ("PUT", uri);
  soup_message_set_request_body_from_bytes (message, "application/json", body);
  soup_message_headers_append (soup_message_get_request_headers (message), "x-amz-meta-source",
                               "  test   run ");

  g_assert_true (imgproc_signer_sign_soup_message (signer, message, body, credentials, time, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (g_uri_get_path (soup_message_get_uri (message)), ==,
                   "/bucket/my%20file%2B1.txt//%C3%BC");

  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, store_result,
                                    &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  response = soup_session_send_and_read_finish (session, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (received->len, ==, 1);

  /* Re-sign what the server saw; the signature must be the same. The server
   * hands over the decoded path: encoding it again must give the wire path. */
  host = g_strdup_printf ("127.0.0.1:%d", port);
  {
    g_auto(GStrv) lines = g_strsplit (received->pdata[0], "\n", -1);
    g_auto(GStrv) request_line = g_strsplit (lines[0], " ", 0);
    g_autofree char *encoded_path = NULL;

    g_assert_cmpstr (request_line[0], ==, "PUT");
    g_assert_cmpstr (request_line[g_strv_length (request_line) - 1], ==, "x-id=PutObject");
    g_assert_true (g_str_has_prefix (lines[0], "PUT /bucket/my file+1.txt//\xc3\xbc "));
    encoded_path = imgproc_aws_uri_encode_string ("/bucket/my file+1.txt//\xc3\xbc", TRUE);
    g_assert_cmpstr (encoded_path, ==, "/bucket/my%20file%2B1.txt//%C3%BC");

    check = imgproc_signing_request_new ("PUT", host, encoded_path, "x-id=PutObject");
    for (guint i = 1; lines[i] != NULL && *lines[i] != '\0'; i++)
      {
        char *colon = strchr (lines[i], ':');

        *colon = '\0';
        if (g_ascii_strcasecmp (lines[i], "Authorization") != 0)
          imgproc_signing_request_add_header (check, lines[i], colon + 1);
      }
  }
  imgproc_signing_request_set_body (check, body);
  g_assert_true (imgproc_signer_sign (signer, check, credentials, time, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_signing_request_get_header (check, "Authorization"), ==,
                   soup_message_headers_get_one (soup_message_get_request_headers (message),
                                                 "Authorization"));
  g_assert_nonnull (strstr (imgproc_signing_request_get_signed_headers (check), "host"));
  g_assert_nonnull (strstr (imgproc_signing_request_get_signed_headers (check),
                            "x-amz-security-token"));
  g_assert_nonnull (strstr (received->pdata[0], "Authorization:AWS4-HMAC-SHA256 "));
}

/* S3 keys may hold "./", "../" and "//": they must be signed as they are sent. */
static void
test_soup_message_dot_segments (void)
{
  g_autoptr(ImgprocSigner) signer = imgproc_signer_new ("us-east-1", "s3", IMGPROC_SIGNER_FLAGS_S3);
  g_autoptr(ImgprocCredentials) credentials = example_credentials (NULL);
  g_autoptr(GDateTime) time = example_time ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(ImgprocSigningRequest) check = NULL;

  uri = g_uri_build (G_URI_FLAGS_ENCODED, "https", NULL, "bucket.s3.amazonaws.com", -1,
                     "/a/./b/../c//d", NULL, NULL);
  message = soup_message_new_from_uri ("GET", uri);
  g_assert_true (imgproc_signer_sign_soup_message (signer, message, NULL, credentials, time, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (g_uri_get_path (soup_message_get_uri (message)), ==, "/a/./b/../c//d");

  check = imgproc_signing_request_new ("GET", "bucket.s3.amazonaws.com", "/a/./b/../c//d", NULL);
  g_assert_true (imgproc_signer_sign (signer, check, credentials, time, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (imgproc_signing_request_get_canonical_request (check),
                                   "GET\n/a/./b/../c//d\n"));
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_request_headers (message),
                                                 "Authorization"), ==,
                   imgproc_signing_request_get_header (check, "Authorization"));
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_request_headers (message),
                                                 "x-amz-content-sha256"), ==, EMPTY_SHA256);
}

/* What the libcrypto cases sign in their child processes: their first
 * signature is what opens the library. */
static ImgprocSigningRequest *
example_get_request (void)
{
  return imgproc_signing_request_new ("GET", "examplebucket.s3.amazonaws.com", "/test.txt", NULL);
}

static gboolean
sign_s3_now (ImgprocSigningRequest  *request,
             GError                **error)
{
  g_autoptr(ImgprocSigner) signer = imgproc_signer_new ("us-east-1", "s3", IMGPROC_SIGNER_FLAGS_S3);
  g_autoptr(ImgprocCredentials) credentials = example_credentials (NULL);

  return imgproc_signer_sign (signer, request, credentials, NULL, error);
}

/* libcrypto is opened at the first signature, so a broken one is found
 * only then: the signature fails with the loader's reason, and works once
 * the library can be loaded. The child gets a damaged libcrypto first in
 * the loader's path, which is read at exec. */
static void
test_libcrypto_unloadable (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *fake = NULL;
  g_autofree char *old_path = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (g_test_subprocess ())
    {
      g_autoptr(ImgprocSigningRequest) request = example_get_request ();

      g_assert_false (sign_s3_now (request, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
      g_assert_null (imgproc_signing_request_get_header (request, "Authorization"));
      g_print ("%s\n", error->message);
      g_clear_error (&error);

      /* A failure is not remembered: once the damaged copy is gone, the
       * loader finds the system's. */
      g_assert_cmpint (g_unlink (g_getenv ("TEST_SIGNER_FAKE_LIBCRYPTO")), ==, 0);
      g_assert_true (sign_s3_now (request, &error));
      g_assert_no_error (error);
      g_assert_nonnull (imgproc_signing_request_get_header (request, "Authorization"));
      return;
    }

  dir = g_dir_make_tmp ("test-signer-XXXXXX", &error);
  g_assert_no_error (error);
  fake = g_build_filename (dir, "libcrypto.so.3", NULL);
  g_assert_true (g_file_set_contents (fake, "not a library", -1, &error));
  g_assert_no_error (error);
  old_path = g_strdup (g_getenv ("LD_LIBRARY_PATH"));
  path = old_path != NULL ? g_strconcat (dir, ":", old_path, NULL) : g_strdup (dir);
  g_setenv ("LD_LIBRARY_PATH", path, TRUE);
  g_setenv ("TEST_SIGNER_FAKE_LIBCRYPTO", fake, TRUE);

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);

  g_unsetenv ("TEST_SIGNER_FAKE_LIBCRYPTO");

  if (old_path != NULL)
    g_setenv ("LD_LIBRARY_PATH", old_path, TRUE);
  else
    g_unsetenv ("LD_LIBRARY_PATH");
  g_unlink (fake);
  g_rmdir (dir);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*libcrypto.so.3 could not be loaded*libcrypto.so.3*");
}

/* libcrypto is opened by its soname through the loader's search path
 * only: a NAME.so or NAME.la in the current folder (GModule's guesses)
 * neither breaks the signature nor gets loaded. */
static void
test_libcrypto_not_from_cwd (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *so = NULL;
  g_autofree char *la = NULL;
  g_autofree char *la_text = NULL;
  g_autoptr(GError) error = NULL;

  if (g_test_subprocess ())
    {
      g_autoptr(ImgprocSigningRequest) request = example_get_request ();

      g_assert_cmpint (g_chdir (g_getenv ("IMGPROC_TEST_SIGNER_CWD")), ==, 0);
      g_assert_true (sign_s3_now (request, &error));
      g_assert_no_error (error);
      g_assert_nonnull (imgproc_signing_request_get_header (request, "Authorization"));
      return;
    }

  dir = g_dir_make_tmp ("test-signer-XXXXXX", &error);
  g_assert_no_error (error);
  so = g_build_filename (dir, "libcrypto.so.3.so", NULL);
  g_assert_true (g_file_set_contents (so, "not a library", -1, &error));
  la = g_build_filename (dir, "libcrypto.so.3.la", NULL);
  la_text = g_strdup_printf ("dlname='missing.so'\nlibdir='%s'\ninstalled=yes\n", dir);
  g_assert_true (g_file_set_contents (la, la_text, -1, &error));
  g_assert_no_error (error);
  g_setenv ("IMGPROC_TEST_SIGNER_CWD", dir, TRUE);

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);

  g_unsetenv ("IMGPROC_TEST_SIGNER_CWD");
  g_unlink (so);
  g_unlink (la);
  g_rmdir (dir);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  guint n_cases;

  g_test_init (&argc, &argv, NULL);

  n_cases = add_suite_tests ();
  g_assert_cmpuint (n_cases, >=, 38);

  g_test_add_func ("/signer/s3/get-example", test_s3_get_example);
  g_test_add_func ("/signer/libcrypto-unloadable", test_libcrypto_unloadable);
  g_test_add_func ("/signer/libcrypto-not-from-cwd", test_libcrypto_not_from_cwd);
  g_test_add_func ("/signer/s3/put-example", test_s3_payload_hash);
  g_test_add_func ("/signer/s3/presign-example", test_s3_presign);
  g_test_add_func ("/signer/s3/key-encoding", test_s3_key_encoding);
  g_test_add_func ("/signer/s3/keys-not-normalized", test_s3_keys_not_normalized);
  g_test_add_func ("/signer/s3/unsigned-payload", test_s3_unsigned_payload);
  g_test_add_func ("/signer/session-token", test_session_token);
  g_test_add_func ("/signer/unsignable-headers", test_unsignable_headers);
  g_test_add_func ("/signer/empty-credentials", test_empty_credentials);
  g_test_add_func ("/signer/request-from-uri", test_request_from_uri);
  g_test_add_func ("/signer/signing-key-cache", test_signing_key_cache);
  g_test_add_func ("/signer/soup-message", test_soup_message);
  g_test_add_func ("/signer/soup-message-dot-segments", test_soup_message_dot_segments);

  return g_test_run ();
}
