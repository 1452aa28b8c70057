/* Every operation of the S3, SQS, DynamoDB and STS clients through the local AWS
 * stack's SigV4-verifying front (botocore recomputes each signature). Run by
 * test-aws-clients.sh inside "aws-stack run", which provides the env. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-aws-clients-private.h"
#include "aws-test-provider.h"

#include <string.h>

typedef struct
{
  ImgprocAwsConfig *config;
  ImgprocCredentialsProvider *provider;
  ImgprocS3Client *s3;
  ImgprocSqsClient *sqs;
  ImgprocDynamodbClient *ddb;
  const char *bucket;
  const char *queue_url;
  const char *dlq_url;
  const char *table;
  char *run;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->config = imgproc_aws_config_new (NULL);
  f->provider = imgproc_aws_config_create_default_provider (f->config);
  f->s3 = imgproc_s3_client_new (f->config, f->provider);
  f->sqs = imgproc_sqs_client_new (f->config, f->provider);
  f->ddb = imgproc_dynamodb_client_new (f->config, f->provider);
  f->bucket = g_getenv ("IMGPROC_TEST_BUCKET");
  f->queue_url = g_getenv ("IMGPROC_TEST_QUEUE_URL");
  f->dlq_url = g_getenv ("IMGPROC_TEST_DLQ_URL");
  f->table = g_getenv ("IMGPROC_TEST_TABLE");
  /* Unique per test, so that the tests share the stack without meeting. */
  f->run = g_uuid_string_random ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->s3);
  g_clear_object (&f->sqs);
  g_clear_object (&f->ddb);
  g_clear_object (&f->provider);
  g_clear_object (&f->config);
  g_free (f->run);
}

static GBytes *
bytes_of (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static void
assert_aws_error (GError     *error,
                  int         code,
                  guint       status,
                  const char *aws_code)
{
  g_autoptr(ImgprocAwsErrorDetails) details = NULL;

  g_assert_error (error, IMGPROC_AWS_ERROR, code);
  details = imgproc_aws_error_get_details (error);
  g_assert_nonnull (details);
  g_assert_cmpuint (imgproc_aws_error_details_get_status (details), ==, status);
  if (aws_code != NULL)
    g_assert_cmpstr (imgproc_aws_error_details_get_code (details), ==, aws_code);
}

static void
test_s3_objects (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *key = g_strdup_printf ("clients/%s/photo.png", f->run);
  g_autoptr(GBytes) body = bytes_of ("\x89PNG not really");
  g_autoptr(ImgprocS3PutOptions) options = imgproc_s3_put_options_new ();
  g_autoptr(ImgprocS3ObjectInfo) info = NULL;
  g_autoptr(ImgprocS3ObjectInfo) head = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autofree char *etag = NULL;
  GError *error = NULL;

  imgproc_s3_put_options_set_cache_control (options, "public, max-age=31536000, immutable");
  imgproc_s3_put_options_add_metadata (options, "Orig-Name", "x y");
  imgproc_s3_put_options_add_metadata (options, "width", "10");
  imgproc_s3_put_options_set_sse_kms (options, TRUE, "alias/imgproc-test");
  imgproc_s3_put_options_set_checksum (options, IMGPROC_S3_CHECKSUM_SHA256);
  etag = imgproc_s3_client_put_object_sync (f->s3, f->bucket, key, body, "image/png", options, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (etag);
  g_assert_true (g_str_has_prefix (etag, "\""));

  got = imgproc_s3_client_get_object_sync (f->s3, f->bucket, key, 1024, &info, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (got, body));
  g_assert_cmpstr (imgproc_s3_object_info_get_key (info), ==, key);
  g_assert_cmpstr (imgproc_s3_object_info_get_content_type (info), ==, "image/png");
  g_assert_cmpstr (imgproc_s3_object_info_get_etag (info), ==, etag);
  g_assert_cmpuint (imgproc_s3_object_info_get_size (info), ==, g_bytes_get_size (body));
  g_assert_cmpstr (imgproc_s3_object_info_get_metadata_value (info, "orig-name"), ==, "x y");
  g_assert_cmpstr (imgproc_s3_object_info_get_metadata_value (info, "WIDTH"), ==, "10");
  g_assert_cmpuint (g_hash_table_size (imgproc_s3_object_info_get_metadata (info)), ==, 2);
  g_assert_nonnull (imgproc_s3_object_info_get_last_modified (info));

  head = imgproc_s3_client_head_object_sync (f->s3, f->bucket, key, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (imgproc_s3_object_info_get_size (head), ==, g_bytes_get_size (body));
  g_assert_cmpstr (imgproc_s3_object_info_get_content_type (head), ==, "image/png");
  g_assert_cmpstr (imgproc_s3_object_info_get_cache_control (head), ==, "public, max-age=31536000, immutable");
  g_assert_cmpstr (imgproc_s3_object_info_get_etag (head), ==, etag);
  g_clear_pointer (&head, imgproc_s3_object_info_unref);

  g_assert_true (imgproc_s3_client_delete_object_sync (f->s3, f->bucket, key, NULL, &error));
  g_assert_no_error (error);
  head = imgproc_s3_client_head_object_sync (f->s3, f->bucket, key, NULL, &error);
  g_assert_null (head);
  assert_aws_error (error, IMGPROC_AWS_ERROR_NOT_FOUND, 404, NULL);
  g_clear_error (&error);

  g_clear_pointer (&got, g_bytes_unref);
  got = imgproc_s3_client_get_object_sync (f->s3, f->bucket, key, 0, NULL, NULL, &error);
  g_assert_null (got);
  assert_aws_error (error, IMGPROC_AWS_ERROR_NOT_FOUND, 404, "NoSuchKey");
  g_clear_error (&error);
}

static void
test_s3_md5 (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *key = g_strdup_printf ("clients/%s/md5.txt", f->run);
  g_autoptr(GBytes) body = bytes_of ("checked with Content-MD5");
  g_autoptr(ImgprocS3PutOptions) options = imgproc_s3_put_options_new ();
  g_autoptr(GBytes) got = NULL;
  g_autofree char *etag = NULL;
  g_autofree char *md5 = g_compute_checksum_for_bytes (G_CHECKSUM_MD5, body);
  g_autofree char *quoted = g_strdup_printf ("\"%s\"", md5);
  GError *error = NULL;

  imgproc_s3_put_options_set_checksum (options, IMGPROC_S3_CHECKSUM_MD5);
  imgproc_s3_put_options_set_create_only (options, FALSE);
  etag = imgproc_s3_client_put_object_sync (f->s3, f->bucket, key, body, "text/plain", options, NULL, &error);
  g_assert_no_error (error);
  /* s3rver's ETag of a single-part upload is the body's MD5. */
  g_assert_cmpstr (etag, ==, quoted);
  got = imgproc_s3_client_get_object_sync (f->s3, f->bucket, key, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (got, body));
}

static void
test_s3_hostile_keys (Fixture       *f,
                      gconstpointer  data)
{
  const char *suffixes[] = {
    "in/a b+c.png",
    "and&equals=plus+.jpg",
    "ünïcødé/日本語 ファイル.webp",
    "double//slash/x.png",
    "odd ?#%;:@$!'()*,[]~.png",
    "two  spaces.png",
  };
  g_autofree char *prefix = g_strdup_printf ("hostile/%s/", f->run);
  g_autoptr(GPtrArray) listed = NULL;
  GError *error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *key = g_strconcat (prefix, suffixes[i], NULL);
      g_autoptr(GBytes) body = bytes_of (key);
      g_autoptr(GBytes) got = NULL;
      g_autoptr(ImgprocS3ObjectInfo) info = NULL;
      g_autofree char *etag = NULL;

      etag = imgproc_s3_client_put_object_sync (f->s3, f->bucket, key, body, "application/octet-stream",
                                                NULL, NULL, &error);
      g_assert_no_error (error);
      got = imgproc_s3_client_get_object_sync (f->s3, f->bucket, key, 0, &info, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (got, body));
      g_assert_cmpstr (imgproc_s3_object_info_get_key (info), ==, key);
    }

  listed = imgproc_s3_client_list_objects_sync (f->s3, f->bucket, prefix, NULL, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, G_N_ELEMENTS (suffixes));
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *key = g_strconcat (prefix, suffixes[i], NULL);
      gboolean found = FALSE;

      for (guint j = 0; j < listed->len; j++)
        found |= g_str_equal (imgproc_s3_object_info_get_key (g_ptr_array_index (listed, j)), key);
      g_assert_true (found);
    }
}

static void
test_s3_list_paged (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *prefix = g_strdup_printf ("paged/%s/", f->run);
  g_autofree char *token = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint pages = 0;
  GError *error = NULL;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *key = g_strdup_printf ("%s%u.txt", prefix, i);
      g_autoptr(GBytes) body = bytes_of ("page");
      g_autofree char *etag = imgproc_s3_client_put_object_sync (f->s3, f->bucket, key, body, "text/plain",
                                                                 NULL, NULL, &error);
      g_assert_no_error (error);
    }

  do
    {
      g_autofree char *next = NULL;
      g_autoptr(GPtrArray) page = imgproc_s3_client_list_objects_sync (f->s3, f->bucket, prefix, token, 2,
                                                                       &next, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (page->len, <=, 2);
      for (guint i = 0; i < page->len; i++)
        {
          ImgprocS3ObjectInfo *info = g_ptr_array_index (page, i);
          g_assert_cmpuint (imgproc_s3_object_info_get_size (info), ==, 4);
          g_assert_nonnull (imgproc_s3_object_info_get_etag (info));
          g_hash_table_add (seen, g_strdup (imgproc_s3_object_info_get_key (info)));
        }
      g_free (token);
      token = g_steal_pointer (&next);
      pages++;
      g_assert_cmpuint (pages, <=, 5);
    }
  while (token != NULL);

  g_assert_cmpuint (g_hash_table_size (seen), ==, 5);
  g_assert_cmpuint (pages, ==, 3);
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Every key of @prefix after @start_after, one page of @max_keys at a time. */
static GPtrArray *
list_keys_after (Fixture    *f,
                 const char *prefix,
                 const char *start_after,
                 guint       max_keys)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *token = NULL;
  guint pages = 0;

  do
    {
      g_autofree char *next = NULL;
      g_autoptr(GPtrArray) page = NULL;
      GError *error = NULL;

      page = imgproc_s3_client_list_objects_after_sync (f->s3, f->bucket, prefix, start_after, token, max_keys,
                                                        &next, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (max_keys == 0 || page->len <= max_keys);
      for (guint i = 0; i < page->len; i++)
        g_ptr_array_add (keys, g_strdup (imgproc_s3_object_info_get_key (g_ptr_array_index (page, i))));
      g_free (token);
      token = g_steal_pointer (&next);
      g_assert_cmpuint (++pages, <=, 20);
    }
  while (token != NULL);
  return keys;
}

/* S3 orders keys by their UTF-8 bytes, so "a" < "a!" < "a-b" < "a.jpg" <
 * "a/b": keys that a store walking its directories by file name would list
 * out of order, and with them pages and start-after would skip keys. */
static void
test_s3_list_after (Fixture       *f,
                    gconstpointer  data)
{
  const char *suffixes[] = {
    "a", "a!", "a&b", "a-b", "a.jpg", "a/b", "b c/d", "ü/x", "日本/語",
  };
  g_autofree char *prefix = g_strdup_printf ("after/%s/", f->run);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  GError *error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *key = g_strconcat (prefix, suffixes[i], NULL);
      g_autoptr(GBytes) body = bytes_of (key);
      g_autofree char *etag = imgproc_s3_client_put_object_sync (f->s3, f->bucket, key, body, "text/plain",
                                                                 NULL, NULL, &error);
      g_assert_no_error (error);
      g_ptr_array_add (keys, g_steal_pointer (&key));
    }
  /* strcmp orders as the UTF-8 bytes do. */
  g_ptr_array_sort (keys, compare_keys);

  for (guint from = 0; from <= keys->len; from++)
    {
      g_autofree char *start_after = from == 0 ? NULL : g_strdup (g_ptr_array_index (keys, from - 1));
      g_autoptr(GPtrArray) one_by_one = list_keys_after (f, prefix, start_after, 1);
      g_autoptr(GPtrArray) all = list_keys_after (f, prefix, start_after, 0);

      g_assert_cmpuint (one_by_one->len, ==, keys->len - from);
      g_assert_cmpuint (all->len, ==, keys->len - from);
      for (guint i = from; i < keys->len; i++)
        {
          g_assert_cmpstr (g_ptr_array_index (one_by_one, i - from), ==, g_ptr_array_index (keys, i));
          g_assert_cmpstr (g_ptr_array_index (all, i - from), ==, g_ptr_array_index (keys, i));
        }
    }

  /* A start-after key need not exist. */
  {
    g_autofree char *between = g_strconcat (prefix, "a.", NULL);
    g_autofree char *last = g_strconcat (prefix, "\U0010FFFF", NULL);
    g_autoptr(GPtrArray) rest = list_keys_after (f, prefix, between, 2);
    g_autoptr(GPtrArray) none = list_keys_after (f, prefix, last, 0);

    g_assert_cmpuint (rest->len, ==, 5);
    g_assert_cmpstr (g_ptr_array_index (rest, 0), ==, g_ptr_array_index (keys, 4));
    g_assert_cmpuint (none->len, ==, 0);
  }
}

static void
test_s3_size_limit (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *key = g_strdup_printf ("clients/%s/big.bin", f->run);
  g_autofree char *data_ = g_strnfill (1000, 'x');
  g_autoptr(GBytes) body = bytes_of (data_);
  g_autoptr(GBytes) got = NULL;
  g_autofree char *etag = NULL;
  GError *error = NULL;

  etag = imgproc_s3_client_put_object_sync (f->s3, f->bucket, key, body, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  got = imgproc_s3_client_get_object_sync (f->s3, f->bucket, key, 999, NULL, NULL, &error);
  g_assert_null (got);
  g_assert_error (error, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_TOO_LARGE);
  g_clear_error (&error);
  got = imgproc_s3_client_get_object_sync (f->s3, f->bucket, key, 1000, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 1000);
}

/* The right key id with a wrong secret: only a real signature check notices. */
static void
test_wrong_secret (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(AwsTestProvider) wrong = aws_test_provider_new (g_getenv ("AWS_ACCESS_KEY_ID"), "not-the-secret");
  g_autoptr(ImgprocS3Client) s3 = imgproc_s3_client_new (f->config, IMGPROC_CREDENTIALS_PROVIDER (wrong));
  g_autoptr(ImgprocSqsClient) sqs = imgproc_sqs_client_new (f->config, IMGPROC_CREDENTIALS_PROVIDER (wrong));
  g_autoptr(ImgprocDynamodbClient) ddb = imgproc_dynamodb_client_new (f->config, IMGPROC_CREDENTIALS_PROVIDER (wrong));
  g_autoptr(JsonObject) key = json_object_new ();
  g_autoptr(GBytes) got = NULL;
  g_autoptr(JsonObject) item = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  GError *error = NULL;

  got = imgproc_s3_client_get_object_sync (s3, f->bucket, "anything", 0, NULL, NULL, &error);
  assert_aws_error (error, IMGPROC_AWS_ERROR_SIGNATURE, 403, "SignatureDoesNotMatch");
  g_clear_error (&error);

  attributes = imgproc_sqs_client_get_queue_attributes_sync (sqs, f->queue_url, NULL, NULL, &error);
  g_assert_null (attributes);
  g_assert_error (error, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_SIGNATURE);
  g_clear_error (&error);

  json_object_set_member (key, "source_key", imgproc_dynamodb_attribute_new_string ("x"));
  item = imgproc_dynamodb_client_get_item_sync (ddb, f->table, key, FALSE, NULL, NULL, NULL, &error);
  g_assert_null (item);
  g_assert_error (error, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_SIGNATURE);
  g_clear_error (&error);
  /* A signature error is final: one request each, no retries. */
  g_assert_cmpuint (aws_test_provider_get_loads (wrong), ==, 3);
}

static void
delete_all (Fixture   *f,
            const char *queue_url,
            GPtrArray  *messages)
{
  for (guint i = 0; i < messages->len; i++)
    {
      GError *error = NULL;
      ImgprocSqsMessage *message = g_ptr_array_index (messages, i);

      imgproc_sqs_client_delete_message_sync (f->sqs, queue_url, imgproc_sqs_message_get_receipt_handle (message),
                                              NULL, &error);
      g_assert_no_error (error);
    }
}

/* Receives until a message with each of @bodies has shown up, in the order
 * of @bodies; other tests' leftovers are deleted on the way. */
static GPtrArray *
receive_bodies (Fixture           *f,
                const char        *queue_url,
                const char *const *bodies)
{
  guint wanted = g_strv_length ((char **) bodies);
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) imgproc_sqs_message_unref);
  guint n_found = 0;

  g_ptr_array_set_size (found, wanted);
  for (guint round = 0; round < 10 && n_found < wanted; round++)
    {
      GError *error = NULL;
      g_autoptr(GPtrArray) messages = imgproc_sqs_client_receive_message_sync (f->sqs, queue_url, 10, 2, 30,
                                                                               NULL, &error);
      g_autoptr(GPtrArray) others = g_ptr_array_new ();

      g_assert_no_error (error);
      for (guint i = 0; i < messages->len; i++)
        {
          ImgprocSqsMessage *message = g_ptr_array_index (messages, i);
          gboolean mine = FALSE;

          for (guint j = 0; j < wanted; j++)
            if (g_str_equal (imgproc_sqs_message_get_body (message), bodies[j]) &&
                g_ptr_array_index (found, j) == NULL)
              {
                found->pdata[j] = imgproc_sqs_message_ref (message);
                n_found++;
                mine = TRUE;
                break;
              }
          if (!mine)
            g_ptr_array_add (others, message);
        }
      delete_all (f, queue_url, others);
    }
  g_assert_cmpuint (n_found, ==, wanted);
  return found;
}

static ImgprocSqsMessage *
receive_body (Fixture    *f,
              const char *queue_url,
              const char *body)
{
  const char *bodies[] = { body, NULL };
  g_autoptr(GPtrArray) found = receive_bodies (f, queue_url, bodies);

  return imgproc_sqs_message_ref (g_ptr_array_index (found, 0));
}

static void
test_sqs_messages (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *body = g_strdup_printf ("{\"key\":\"in/a b&c.png\",\"run\":\"%s\"}", f->run);
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(ImgprocSqsMessage) message = NULL;
  g_autoptr(ImgprocSqsMessage) again = NULL;
  g_autofree char *message_id = NULL;
  g_autofree char *url = NULL;
  GError *error = NULL;

  url = imgproc_sqs_client_get_queue_url_sync (f->sqs, "jobs-dlq", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, f->dlq_url);

  g_hash_table_insert (attributes, "trace", "t-1");
  message_id = imgproc_sqs_client_send_message_sync (f->sqs, f->dlq_url, body, 0, attributes, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (message_id);

  message = receive_body (f, f->dlq_url, body);
  g_assert_cmpstr (imgproc_sqs_message_get_message_id (message), ==, message_id);
  g_assert_cmpuint (imgproc_sqs_message_get_receive_count (message), ==, 1);
  g_assert_nonnull (imgproc_sqs_message_get_attribute (message, "SentTimestamp"));
  g_assert_cmpstr (imgproc_sqs_message_get_message_attribute (message, "trace"), ==, "t-1");

  /* Visible again at once: the "nack". */
  imgproc_sqs_client_change_message_visibility_sync (f->sqs, f->dlq_url,
                                                     imgproc_sqs_message_get_receipt_handle (message), 0,
                                                     NULL, &error);
  g_assert_no_error (error);
  again = receive_body (f, f->dlq_url, body);
  g_assert_cmpstr (imgproc_sqs_message_get_message_id (again), ==, message_id);
  /* local-aws-sqs also counts the visibility change as a receive. */
  g_assert_cmpuint (imgproc_sqs_message_get_receive_count (again), >=, 2);

  g_assert_true (imgproc_sqs_client_delete_message_sync (f->sqs, f->dlq_url,
                                                         imgproc_sqs_message_get_receipt_handle (again),
                                                         NULL, &error));
  g_assert_no_error (error);
}

static void
test_sqs_batches (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *b0 = g_strdup_printf ("batch-0-%s", f->run);
  g_autofree char *b1 = g_strdup_printf ("batch-1-%s", f->run);
  g_autofree char *b2 = g_strdup_printf ("batch-2-%s", f->run);
  const char *bodies[] = { b0, b1, b2, NULL };
  const char *handles[5] = { NULL };
  g_autoptr(ImgprocSqsBatchResult) sent = NULL;
  g_autoptr(ImgprocSqsBatchResult) hidden = NULL;
  g_autoptr(ImgprocSqsBatchResult) deleted = NULL;
  g_autoptr(GPtrArray) received = NULL;
  g_autofree char *delayed = g_strdup_printf ("batch-delayed-%s", f->run);
  const char *late_bodies[] = { delayed, NULL };
  g_autoptr(ImgprocSqsBatchResult) late = NULL;
  g_autoptr(GPtrArray) early = NULL;
  GError *error = NULL;

  sent = imgproc_sqs_client_send_message_batch_sync (f->sqs, f->dlq_url, bodies, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (imgproc_sqs_batch_result_get_n_successful (sent), ==, 3);
  g_assert_cmpuint (imgproc_sqs_batch_result_get_n_failed (sent), ==, 0);
  for (guint i = 0; i < 3; i++)
    g_assert_nonnull (imgproc_sqs_batch_result_get_message_id (sent, i));

  received = receive_bodies (f, f->dlq_url, bodies);
  for (guint i = 0; i < 3; i++)
    handles[i] = imgproc_sqs_message_get_receipt_handle (g_ptr_array_index (received, i));

  hidden = imgproc_sqs_client_change_message_visibility_batch_sync (f->sqs, f->dlq_url, handles, 60, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (imgproc_sqs_batch_result_get_n_successful (hidden), ==, 3);
  g_assert_cmpuint (imgproc_sqs_batch_result_get_n_failed (hidden), ==, 0);

  /* One bogus handle: HTTP 200, and that entry alone fails. */
  handles[3] = "bogus-receipt-handle";
  deleted = imgproc_sqs_client_delete_message_batch_sync (f->sqs, f->dlq_url, handles, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (imgproc_sqs_batch_result_get_n_successful (deleted), ==, 3);
  g_assert_cmpuint (imgproc_sqs_batch_result_get_n_failed (deleted), ==, 1);
  g_assert_cmpuint (imgproc_sqs_batch_result_get_failed_index (deleted, 0), ==, 3);
  g_assert_cmpstr (imgproc_sqs_batch_result_get_failed_code (deleted, 0), ==, "ReceiptHandleIsInvalid");
  g_assert_true (imgproc_sqs_batch_result_get_failed_sender_fault (deleted, 0));

  /* A batch's DelaySeconds reaches SQS: fifteen minutes outlast the test. */
  late = imgproc_sqs_client_send_message_batch_sync (f->sqs, f->dlq_url, late_bodies, 900, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (imgproc_sqs_batch_result_get_n_successful (late), ==, 1);
  early = imgproc_sqs_client_receive_message_sync (f->sqs, f->dlq_url, 10, 1, 30, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < early->len; i++)
    g_assert_cmpstr (imgproc_sqs_message_get_body (g_ptr_array_index (early, i)), !=, late_bodies[0]);
}

static void
test_sqs_queue_attributes (Fixture       *f,
                           gconstpointer  data)
{
  const char *names[] = { "QueueArn", "VisibilityTimeout", NULL };
  g_autoptr(GHashTable) all = NULL;
  g_autoptr(GHashTable) some = NULL;
  g_autoptr(JsonNode) policy = NULL;
  GError *error = NULL;

  all = imgproc_sqs_client_get_queue_attributes_sync (f->sqs, f->queue_url, NULL, NULL, &error);
  g_assert_no_error (error);
  policy = json_from_string (g_hash_table_lookup (all, "RedrivePolicy"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (policy), "deadLetterTargetArn"), ==,
                   g_getenv ("IMGPROC_TEST_DLQ_ARN"));

  some = imgproc_sqs_client_get_queue_attributes_sync (f->sqs, f->queue_url, names, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (some, "VisibilityTimeout"), ==, "30");
  g_assert_true (g_str_has_suffix (g_hash_table_lookup (some, "QueueArn"), ":jobs"));

  g_clear_pointer (&all, g_hash_table_unref);
  all = imgproc_sqs_client_get_queue_attributes_sync (f->sqs, "http://127.0.0.1:1/1/none", NULL, NULL, &error);
  g_assert_null (all);
  g_assert_error (error, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

static JsonObject *
every_type_item (const char *source_key)
{
  JsonObject *item = json_object_new ();
  JsonObject *map = json_object_new ();
  JsonArray *list = json_array_new ();
  g_autoptr(GPtrArray) blobs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  const char *strings[] = { "a", "b", NULL };
  const char *numbers[] = { "1", "2.5", "12345678901234567890123456789012345678", NULL };
  g_autoptr(GBytes) blob = g_bytes_new ("\0\1\2\377", 4);

  g_ptr_array_add (blobs, g_bytes_new ("x", 1));
  g_ptr_array_add (blobs, g_bytes_new ("\0y", 2));
  json_object_set_member (map, "src", imgproc_dynamodb_attribute_new_string ("s3"));
  json_array_add_element (list, imgproc_dynamodb_attribute_new_int (7));
  json_array_add_element (list, imgproc_dynamodb_attribute_new_string ("seven"));

  json_object_set_member (item, "source_key", imgproc_dynamodb_attribute_new_string (source_key));
  json_object_set_member (item, "status", imgproc_dynamodb_attribute_new_string ("NEW"));
  json_object_set_member (item, "tries", imgproc_dynamodb_attribute_new_number ("0"));
  json_object_set_member (item, "big", imgproc_dynamodb_attribute_new_number ("98765432109876543210987654321098765432"));
  json_object_set_member (item, "blob", imgproc_dynamodb_attribute_new_binary (blob));
  json_object_set_member (item, "done", imgproc_dynamodb_attribute_new_bool (FALSE));
  json_object_set_member (item, "err", imgproc_dynamodb_attribute_new_null ());
  json_object_set_member (item, "meta", imgproc_dynamodb_attribute_new_map (map));
  json_object_set_member (item, "tags", imgproc_dynamodb_attribute_new_list (list));
  json_object_set_member (item, "ss", imgproc_dynamodb_attribute_new_string_set (strings));
  json_object_set_member (item, "ns", imgproc_dynamodb_attribute_new_number_set (numbers));
  json_object_set_member (item, "bs", imgproc_dynamodb_attribute_new_binary_set (blobs));
  json_object_unref (map);
  json_array_unref (list);
  return item;
}

static JsonObject *
key_of (const char *source_key)
{
  JsonObject *key = json_object_new ();

  json_object_set_member (key, "source_key", imgproc_dynamodb_attribute_new_string (source_key));
  return key;
}

static void
test_dynamodb_items (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *source_key = g_strdup_printf ("in/%s/a b+c.png", f->run);
  g_autoptr(JsonObject) item = every_type_item (source_key);
  g_autoptr(JsonObject) names = json_object_new ();
  g_autoptr(JsonObject) key = key_of (source_key);
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonObject) got = NULL;
  g_autoptr(GBytes) blob = NULL;
  g_autoptr(GPtrArray) blobs = NULL;
  g_auto(GStrv) strings = NULL;
  g_auto(GStrv) numbers = NULL;
  JsonObject *map;
  JsonArray *list;
  GError *error = NULL;

  json_object_set_string_member (names, "#k", "source_key");
  result = imgproc_dynamodb_client_put_item_sync (f->ddb, f->table, item, "attribute_not_exists(#k)", names,
                                                  NULL, IMGPROC_DYNAMODB_RETURN_VALUES_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (result);

  /* The same put again: the condition fails, with its own error code. */
  result = imgproc_dynamodb_client_put_item_sync (f->ddb, f->table, item, "attribute_not_exists(#k)", names,
                                                  NULL, IMGPROC_DYNAMODB_RETURN_VALUES_NONE, NULL, &error);
  g_assert_null (result);
  assert_aws_error (error, IMGPROC_AWS_ERROR_CONDITIONAL_CHECK_FAILED, 400, "ConditionalCheckFailedException");
  g_clear_error (&error);

  got = imgproc_dynamodb_client_get_item_sync (f->ddb, f->table, key, TRUE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (got);
#define MEMBER(name) json_object_get_member (got, name)
  g_assert_cmpint (imgproc_dynamodb_attribute_type_of (MEMBER ("source_key")), ==, IMGPROC_DYNAMODB_TYPE_S);
  g_assert_cmpstr (imgproc_dynamodb_attribute_get_string (MEMBER ("source_key")), ==, source_key);
  g_assert_cmpstr (imgproc_dynamodb_attribute_get_number (MEMBER ("tries")), ==, "0");
  g_assert_cmpstr (imgproc_dynamodb_attribute_get_number (MEMBER ("big")), ==,
                   "98765432109876543210987654321098765432");
  blob = imgproc_dynamodb_attribute_get_binary (MEMBER ("blob"));
  g_assert_cmpmem (g_bytes_get_data (blob, NULL), g_bytes_get_size (blob), "\0\1\2\377", 4);
  g_assert_cmpint (imgproc_dynamodb_attribute_type_of (MEMBER ("done")), ==, IMGPROC_DYNAMODB_TYPE_BOOL);
  g_assert_false (imgproc_dynamodb_attribute_get_bool (MEMBER ("done")));
  g_assert_cmpint (imgproc_dynamodb_attribute_type_of (MEMBER ("err")), ==, IMGPROC_DYNAMODB_TYPE_NULL);
  map = imgproc_dynamodb_attribute_get_map (MEMBER ("meta"));
  g_assert_cmpstr (imgproc_dynamodb_attribute_get_string (json_object_get_member (map, "src")), ==, "s3");
  list = imgproc_dynamodb_attribute_get_list (MEMBER ("tags"));
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  g_assert_cmpstr (imgproc_dynamodb_attribute_get_number (json_array_get_element (list, 0)), ==, "7");
  g_assert_cmpstr (imgproc_dynamodb_attribute_get_string (json_array_get_element (list, 1)), ==, "seven");
  g_assert_cmpint (imgproc_dynamodb_attribute_type_of (MEMBER ("ss")), ==, IMGPROC_DYNAMODB_TYPE_SS);
  strings = imgproc_dynamodb_attribute_get_strings (MEMBER ("ss"));
  g_assert_cmpuint (g_strv_length (strings), ==, 2);
  g_assert_true (g_strv_contains ((const char *const *) strings, "b"));
  g_assert_cmpint (imgproc_dynamodb_attribute_type_of (MEMBER ("ns")), ==, IMGPROC_DYNAMODB_TYPE_NS);
  numbers = imgproc_dynamodb_attribute_get_strings (MEMBER ("ns"));
  g_assert_cmpuint (g_strv_length (numbers), ==, 3);
  g_assert_true (g_strv_contains ((const char *const *) numbers, "12345678901234567890123456789012345678"));
  g_assert_cmpint (imgproc_dynamodb_attribute_type_of (MEMBER ("bs")), ==, IMGPROC_DYNAMODB_TYPE_BS);
  blobs = imgproc_dynamodb_attribute_get_binary_set (MEMBER ("bs"));
  g_assert_cmpuint (blobs->len, ==, 2);
#undef MEMBER
}

static void
test_dynamodb_update (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *source_key = g_strdup_printf ("in/%s/update.png", f->run);
  g_autoptr(JsonObject) key = key_of (source_key);
  g_autoptr(JsonObject) names = json_object_new ();
  g_autoptr(JsonObject) values = json_object_new ();
  g_autoptr(JsonObject) attributes = NULL;
  g_autoptr(JsonObject) missing = NULL;
  g_autoptr(JsonObject) missing_key = key_of ("never/written");
  GError *error = NULL;
  const char *update = "SET #s = :s, tries = if_not_exists(tries, :zero) + :one";

  json_object_set_string_member (names, "#s", "status");
  json_object_set_member (values, ":s", imgproc_dynamodb_attribute_new_string ("DONE"));
  json_object_set_member (values, ":zero", imgproc_dynamodb_attribute_new_int (0));
  json_object_set_member (values, ":one", imgproc_dynamodb_attribute_new_int (1));
  attributes = imgproc_dynamodb_client_update_item_sync (f->ddb, f->table, key, update, "attribute_not_exists(#s)",
                                                         names, values, IMGPROC_DYNAMODB_RETURN_VALUES_ALL_NEW,
                                                         NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (attributes);
  g_assert_cmpstr (imgproc_dynamodb_attribute_get_string (json_object_get_member (attributes, "status")), ==, "DONE");
  g_assert_cmpstr (imgproc_dynamodb_attribute_get_number (json_object_get_member (attributes, "tries")), ==, "1");
  g_clear_pointer (&attributes, json_object_unref);

  /* Only from NEW: the item is DONE, so the condition fails. */
  json_object_set_member (values, ":expected", imgproc_dynamodb_attribute_new_string ("NEW"));
  attributes = imgproc_dynamodb_client_update_item_sync (f->ddb, f->table, key, update, "#s = :expected",
                                                         names, values, IMGPROC_DYNAMODB_RETURN_VALUES_UPDATED_NEW,
                                                         NULL, &error);
  g_assert_null (attributes);
  g_assert_error (error, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_CONDITIONAL_CHECK_FAILED);
  g_clear_error (&error);

  missing = imgproc_dynamodb_client_get_item_sync (f->ddb, f->table, missing_key, FALSE, "#s", names, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (missing);
}

/* The front plays STS: it answers GetCallerIdentity once the signature holds. */
static void
test_sts_caller_identity (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(ImgprocStsClient) sts = imgproc_sts_client_new (f->config, f->provider);
  g_autoptr(ImgprocCallerIdentity) identity = NULL;
  GError *error = NULL;

  identity = imgproc_sts_client_get_caller_identity_sync (sts, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (identity);
  g_assert_cmpstr (imgproc_caller_identity_get_account (identity), ==, "000000000000");
  g_assert_cmpstr (imgproc_caller_identity_get_arn (identity), ==, "arn:aws:iam::000000000000:user/imgproc-test");
  g_assert_cmpstr (imgproc_caller_identity_get_user_id (identity), ==, "AIDAIMGPROCTEST");
}

static void
test_sts_wrong_secret (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(AwsTestProvider) wrong = aws_test_provider_new (g_getenv ("AWS_ACCESS_KEY_ID"), "not-the-secret");
  g_autoptr(ImgprocStsClient) sts = imgproc_sts_client_new (f->config, IMGPROC_CREDENTIALS_PROVIDER (wrong));
  g_autoptr(ImgprocCallerIdentity) identity = NULL;
  GError *error = NULL;

  identity = imgproc_sts_client_get_caller_identity_sync (sts, NULL, &error);
  g_assert_null (identity);
  assert_aws_error (error, IMGPROC_AWS_ERROR_SIGNATURE, 403, "SignatureDoesNotMatch");
  g_clear_error (&error);
  g_assert_cmpuint (aws_test_provider_get_loads (wrong), ==, 1);
}

/* `imgproc aws whoami` end to end: the built CLI, configured by the same env. */
static void
test_sts_cli_whoami (Fixture       *f,
                     gconstpointer  data)
{
  const char *cli = g_getenv ("IMGPROC_CLI");
  const char *argv[] = { cli, "aws", "whoami", "--json", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *doc;
  int status = -1;
  GError *error = NULL;

  if (cli == NULL)
    {
      g_test_skip ("IMGPROC_CLI is not set (run by make check)");
      return;
    }
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("imgproc aws whoami: %s%s", out, err);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  doc = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (doc, "account"), ==, "000000000000");
  g_assert_cmpstr (json_object_get_string_member (doc, "arn"), ==, "arn:aws:iam::000000000000:user/imgproc-test");
}

static void
on_async_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

/* The _async path on the caller's own main context, as the daemon uses it. */
static void
test_s3_async (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *key = g_strdup_printf ("clients/%s/async.txt", f->run);
  g_autoptr(GBytes) body = bytes_of ("async");
  g_autoptr(GBytes) got = NULL;
  g_autofree char *etag = NULL;
  GAsyncResult *result = NULL;
  GError *error = NULL;

  imgproc_s3_client_put_object_async (f->s3, f->bucket, key, body, "text/plain", NULL, NULL,
                                      on_async_done, &result);
  etag = imgproc_s3_client_put_object_finish (f->s3, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (etag);
  g_clear_object (&result);

  imgproc_s3_client_get_object_async (f->s3, f->bucket, key, 0, NULL, on_async_done, &result);
  got = imgproc_s3_client_get_object_finish (f->s3, wait_for (&result), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (got, body));
  g_clear_object (&result);
}

/* The four clients share their property code; each must still own, read
 * back and default its properties on its own class. */
static void
test_client_properties (Fixture       *f,
                        gconstpointer  data)
{
  GType types[] = {
    IMGPROC_TYPE_S3_CLIENT, IMGPROC_TYPE_SQS_CLIENT, IMGPROC_TYPE_DYNAMODB_CLIENT, IMGPROC_TYPE_STS_CLIENT,
  };
  const char *names[] = { "config", "credentials-provider", "connect-timeout", "timeout" };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autoptr(GTypeClass) klass = g_type_class_ref (types[i]);
      g_autoptr(GObject) tuned = NULL;
      g_autoptr(GObject) plain = NULL;
      g_autoptr(ImgprocAwsConfig) config = NULL;
      g_autoptr(ImgprocCredentialsProvider) provider = NULL;
      guint connect_timeout, timeout;

      for (guint j = 0; j < G_N_ELEMENTS (names); j++)
        {
          GParamSpec *pspec = g_object_class_find_property (G_OBJECT_CLASS (klass), names[j]);

          g_assert_nonnull (pspec);
          g_assert_true (pspec->owner_type == types[i]);
          g_assert_true (pspec->flags & G_PARAM_CONSTRUCT_ONLY);
          g_assert_true (pspec->flags & G_PARAM_READWRITE);
        }

      tuned = g_object_new (types[i], "config", f->config, "credentials-provider", f->provider,
                            "connect-timeout", 3, "timeout", 7, NULL);
      g_object_get (tuned, "config", &config, "credentials-provider", &provider,
                    "connect-timeout", &connect_timeout, "timeout", &timeout, NULL);
      g_assert_true (config == f->config);
      g_assert_true (provider == f->provider);
      g_assert_cmpuint (connect_timeout, ==, 3);
      g_assert_cmpuint (timeout, ==, 7);
      g_clear_object (&provider);

      plain = g_object_new (types[i], "config", f->config, NULL);
      g_object_get (plain, "credentials-provider", &provider,
                    "connect-timeout", &connect_timeout, "timeout", &timeout, NULL);
      g_assert_true (IMGPROC_IS_CREDENTIALS_PROVIDER (provider));
      g_assert_cmpuint (connect_timeout, ==, 10);
      g_assert_cmpuint (timeout, ==, 60);
    }
}

/* One signer per region for the client's life, so that its cached signing
 * key serves every request rather than being derived anew for each. */
static void
test_signer_reuse (Fixture       *f,
                   gconstpointer  data)
{
  ImgprocAwsClient *http = imgproc_sqs_client_get_http (f->sqs);
  const char *region = imgproc_aws_client_get_region (http);
  const char *const names[] = { "QueueArn", NULL };
  g_autoptr(ImgprocSigner) first = imgproc_aws_client_get_signer (http, NULL);
  g_autoptr(ImgprocSigner) again = NULL;
  g_autoptr(ImgprocSigner) by_name = NULL;
  g_autoptr(ImgprocSigner) elsewhere = NULL;
  GError *error = NULL;

  g_assert_cmpstr (imgproc_signer_get_region (first), ==, region);
  g_assert_cmpstr (imgproc_signer_get_service (first), ==, "sqs");
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GHashTable) attributes = imgproc_sqs_client_get_queue_attributes_sync (f->sqs, f->queue_url,
                                                                                       names, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (g_hash_table_lookup (attributes, "QueueArn"));
    }

  again = imgproc_aws_client_get_signer (http, NULL);
  by_name = imgproc_aws_client_get_signer (http, region);
  g_assert_true (again == first);
  g_assert_true (by_name == first);
  elsewhere = imgproc_aws_client_get_signer (http, g_str_equal (region, "eu-west-3") ? "ap-south-2" : "eu-west-3");
  g_assert_true (elsewhere != first);
  g_assert_cmpstr (imgproc_signer_get_service (elsewhere), ==, "sqs");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("IMGPROC_TEST_BUCKET") == NULL)
    {
      g_test_skip ("not run inside tests/aws/aws-stack run");
      return 77;
    }

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/aws/clients/properties", test_client_properties);
  ADD ("/aws/clients/signer-reuse", test_signer_reuse);
  ADD ("/aws/clients/s3/objects", test_s3_objects);
  ADD ("/aws/clients/s3/md5-checksum", test_s3_md5);
  ADD ("/aws/clients/s3/hostile-keys", test_s3_hostile_keys);
  ADD ("/aws/clients/s3/list-paged", test_s3_list_paged);
  ADD ("/aws/clients/s3/list-after", test_s3_list_after);
  ADD ("/aws/clients/s3/size-limit", test_s3_size_limit);
  ADD ("/aws/clients/s3/async", test_s3_async);
  ADD ("/aws/clients/wrong-secret", test_wrong_secret);
  ADD ("/aws/clients/sqs/messages", test_sqs_messages);
  ADD ("/aws/clients/sqs/batches", test_sqs_batches);
  ADD ("/aws/clients/sqs/queue-attributes", test_sqs_queue_attributes);
  ADD ("/aws/clients/dynamodb/items", test_dynamodb_items);
  ADD ("/aws/clients/dynamodb/update", test_dynamodb_update);
  ADD ("/aws/clients/sts/caller-identity", test_sts_caller_identity);
  ADD ("/aws/clients/sts/wrong-secret", test_sts_wrong_secret);
  ADD ("/aws/clients/sts/cli-whoami", test_sts_cli_whoami);
#undef ADD

  return g_test_run ();
}
