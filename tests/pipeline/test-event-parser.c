/* Tests of ImgprocEventParser: every envelope, key decoding, Lambda batches,
 * and broken input that must give a GError, never a crash. */
#include "config.h"

#include "imgproc.h"

#include <string.h>

#define S3_RECORD(name, key) \
  "{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"eu-west-1\"," \
  "\"eventTime\":\"2024-01-01T12:00:00.123Z\",\"eventName\":\"" name "\"," \
  "\"s3\":{\"s3SchemaVersion\":\"1.0\",\"configurationId\":\"ingest\"," \
  "\"bucket\":{\"name\":\"my-bucket\",\"arn\":\"arn:aws:s3:::my-bucket\"}," \
  "\"object\":{\"key\":\"" key "\",\"size\":4887,\"eTag\":\"23e3b7ad\"," \
  "\"versionId\":\"v1\",\"sequencer\":\"0063280A82D9E2001C\"}}}"

static const char s3_notification[] =
  "{\"Records\":[" S3_RECORD ("ObjectCreated:Put", "incoming/red+flower%2B1.jpg") "]}";

static const char test_event[] =
  "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2014-10-13T15:57:02.089Z\","
  "\"Bucket\":\"bucketname\",\"RequestId\":\"5582815E1AEA5ADF\",\"HostId\":\"8cLeGA\"}";

static const char eventbridge_event[] =
  "{\"version\":\"0\",\"id\":\"17793124\",\"detail-type\":\"Object Created\",\"source\":\"aws.s3\","
  "\"account\":\"111122223333\",\"time\":\"2021-11-12T00:00:00Z\",\"region\":\"ca-central-1\","
  "\"resources\":[\"arn:aws:s3:::my-bucket\"],\"detail\":{\"version\":\"0\","
  "\"bucket\":{\"name\":\"my-bucket\"},\"object\":{\"key\":\"uploads/a b+c%20.jpg\",\"size\":5,"
  "\"etag\":\"b1946ac9\",\"version-id\":\"IYV3\",\"sequencer\":\"617f08299329d189\"},"
  "\"request-id\":\"N4N7\",\"requester\":\"123456789012\",\"reason\":\"PutObject\"}}";

static GPtrArray *
parse_ok (const char *body)
{
  g_autoptr(ImgprocEventParser) parser = imgproc_event_parser_new ();
  g_autoptr(GError) error = NULL;
  GPtrArray *events;

  events = imgproc_event_parser_parse_message (parser, body, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (events);
  return events;
}

static void
assert_fails (const char *body,
              gssize      length,
              int         code)
{
  g_autoptr(ImgprocEventParser) parser = imgproc_event_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;

  events = imgproc_event_parser_parse_message (parser, body, length, &error);
  g_assert_null (events);
  g_assert_error (error, IMGPROC_PIPELINE_ERROR, code);
  g_assert_nonnull (error->message);
}

static void
assert_first_s3_record (GPtrArray          *events,
                        ImgprocEventOrigin  origin)
{
  ImgprocObjectEvent *event;

  g_assert_cmpuint (events->len, ==, 1);
  event = g_ptr_array_index (events, 0);
  g_assert_cmpint (imgproc_object_event_get_kind (event), ==, IMGPROC_OBJECT_EVENT_KIND_CREATED);
  g_assert_cmpint (imgproc_object_event_get_origin (event), ==, origin);
  g_assert_cmpstr (imgproc_object_event_get_event_name (event), ==, "ObjectCreated:Put");
  g_assert_cmpstr (imgproc_object_event_get_bucket (event), ==, "my-bucket");
  g_assert_cmpstr (imgproc_object_event_get_key (event), ==, "incoming/red flower+1.jpg");
  g_assert_cmpint (imgproc_object_event_get_size (event), ==, 4887);
  g_assert_cmpstr (imgproc_object_event_get_etag (event), ==, "23e3b7ad");
  g_assert_cmpstr (imgproc_object_event_get_version_id (event), ==, "v1");
  g_assert_cmpstr (imgproc_object_event_get_sequencer (event), ==, "0063280A82D9E2001C");
  g_assert_cmpstr (imgproc_object_event_get_event_time (event), ==, "2024-01-01T12:00:00.123Z");
}

static void
test_s3_direct (void)
{
  g_autoptr(GPtrArray) events = parse_ok (s3_notification);

  assert_first_s3_record (events, IMGPROC_EVENT_ORIGIN_S3);
}

static char *
sns_envelope (const char *message)
{
  g_autofree char *escaped = g_strescape (message, NULL);

  return g_strdup_printf ("{\"Type\":\"Notification\",\"MessageId\":\"m-1\","
                          "\"TopicArn\":\"arn:aws:sns:eu-west-1:1:t\","
                          "\"Subject\":\"Amazon S3 Notification\",\"Message\":\"%s\","
                          "\"Timestamp\":\"2024-01-01T12:00:00.200Z\",\"SignatureVersion\":\"1\","
                          "\"Signature\":\"abc\",\"SigningCertURL\":\"https://x\","
                          "\"UnsubscribeURL\":\"https://y\"}", escaped);
}

static void
test_sns_envelope (void)
{
  g_autofree char *body = sns_envelope (s3_notification);
  g_autoptr(GPtrArray) events = parse_ok (body);

  assert_first_s3_record (events, IMGPROC_EVENT_ORIGIN_SNS);
}

static void
test_sns_raw_delivery (void)
{
  /* Raw delivery hands the S3 JSON itself to SQS. */
  g_autoptr(GPtrArray) events = parse_ok (s3_notification);

  assert_first_s3_record (events, IMGPROC_EVENT_ORIGIN_S3);
}

static void
test_sns_lambda_record (void)
{
  g_autofree char *escaped = g_strescape (s3_notification, NULL);
  g_autofree char *body =
    g_strdup_printf ("{\"Records\":[{\"EventSource\":\"aws:sns\",\"EventVersion\":\"1.0\","
                     "\"Sns\":{\"Type\":\"Notification\",\"Message\":\"%s\"}}]}", escaped);
  g_autoptr(GPtrArray) events = parse_ok (body);

  assert_first_s3_record (events, IMGPROC_EVENT_ORIGIN_SNS);
}

static void
test_sns_test_event (void)
{
  g_autofree char *body = sns_envelope (test_event);
  g_autoptr(GPtrArray) events = parse_ok (body);
  ImgprocObjectEvent *event;

  g_assert_cmpuint (events->len, ==, 1);
  event = g_ptr_array_index (events, 0);
  g_assert_cmpint (imgproc_object_event_get_kind (event), ==, IMGPROC_OBJECT_EVENT_KIND_TEST);
  g_assert_cmpint (imgproc_object_event_get_origin (event), ==, IMGPROC_EVENT_ORIGIN_SNS);
}

static void
test_sns_other_type (void)
{
  assert_fails ("{\"Type\":\"SubscriptionConfirmation\",\"Message\":\"confirm\"}", -1,
                IMGPROC_PIPELINE_ERROR_UNKNOWN_EVENT);
}

static void
test_test_event (void)
{
  g_autoptr(GPtrArray) events = parse_ok (test_event);
  ImgprocObjectEvent *event;

  g_assert_cmpuint (events->len, ==, 1);
  event = g_ptr_array_index (events, 0);
  g_assert_cmpint (imgproc_object_event_get_kind (event), ==, IMGPROC_OBJECT_EVENT_KIND_TEST);
  g_assert_cmpstr (imgproc_object_event_get_bucket (event), ==, "bucketname");
  g_assert_null (imgproc_object_event_get_key (event));
  g_assert_cmpstr (imgproc_object_event_get_event_time (event), ==, "2014-10-13T15:57:02.089Z");
}

static void
test_eventbridge (void)
{
  g_autoptr(GPtrArray) events = parse_ok (eventbridge_event);
  ImgprocObjectEvent *event;

  g_assert_cmpuint (events->len, ==, 1);
  event = g_ptr_array_index (events, 0);
  g_assert_cmpint (imgproc_object_event_get_kind (event), ==, IMGPROC_OBJECT_EVENT_KIND_CREATED);
  g_assert_cmpint (imgproc_object_event_get_origin (event), ==, IMGPROC_EVENT_ORIGIN_EVENTBRIDGE);
  g_assert_cmpstr (imgproc_object_event_get_event_name (event), ==, "Object Created");
  g_assert_cmpstr (imgproc_object_event_get_bucket (event), ==, "my-bucket");
  /* EventBridge keys are plain: '+' and '%20' stay as they are. */
  g_assert_cmpstr (imgproc_object_event_get_key (event), ==, "uploads/a b+c%20.jpg");
  g_assert_cmpint (imgproc_object_event_get_size (event), ==, 5);
  g_assert_cmpstr (imgproc_object_event_get_etag (event), ==, "b1946ac9");
  g_assert_cmpstr (imgproc_object_event_get_version_id (event), ==, "IYV3");
  g_assert_cmpstr (imgproc_object_event_get_sequencer (event), ==, "617f08299329d189");
  g_assert_cmpstr (imgproc_object_event_get_event_time (event), ==, "2021-11-12T00:00:00Z");
}

static void
test_eventbridge_decoded (void)
{
  g_autoptr(ImgprocEventParser) parser =
    g_object_new (IMGPROC_TYPE_EVENT_PARSER, "decode-eventbridge-keys", TRUE, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;

  g_assert_true (imgproc_event_parser_get_decode_eventbridge_keys (parser));
  events = imgproc_event_parser_parse_message (parser, eventbridge_event, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_object_event_get_key (g_ptr_array_index (events, 0)), ==,
                   "uploads/a b c .jpg");
}

static void
test_eventbridge_deleted (void)
{
  g_autofree char *body = NULL;
  g_autoptr(GPtrArray) events = NULL;
  GString *s = g_string_new (eventbridge_event);

  g_string_replace (s, "Object Created", "Object Deleted", 1);
  body = g_string_free (s, FALSE);
  events = parse_ok (body);
  g_assert_cmpint (imgproc_object_event_get_kind (g_ptr_array_index (events, 0)), ==,
                   IMGPROC_OBJECT_EVENT_KIND_REMOVED);
}

static void
test_several_records (void)
{
  g_autoptr(GPtrArray) events =
    parse_ok ("{\"Records\":[" S3_RECORD ("ObjectCreated:Put", "a.jpg") ","
              S3_RECORD ("ObjectRemoved:Delete", "b.jpg") ","
              S3_RECORD ("ObjectRestore:Completed", "c.jpg") ","
              S3_RECORD ("s3:ObjectCreated:CompleteMultipartUpload", "d.jpg") "]}");

  g_assert_cmpuint (events->len, ==, 4);
  g_assert_cmpstr (imgproc_object_event_get_key (g_ptr_array_index (events, 0)), ==, "a.jpg");
  g_assert_cmpint (imgproc_object_event_get_kind (g_ptr_array_index (events, 0)), ==,
                   IMGPROC_OBJECT_EVENT_KIND_CREATED);
  g_assert_cmpint (imgproc_object_event_get_kind (g_ptr_array_index (events, 1)), ==,
                   IMGPROC_OBJECT_EVENT_KIND_REMOVED);
  g_assert_cmpint (imgproc_object_event_get_kind (g_ptr_array_index (events, 2)), ==,
                   IMGPROC_OBJECT_EVENT_KIND_OTHER);
  g_assert_cmpint (imgproc_object_event_get_kind (g_ptr_array_index (events, 3)), ==,
                   IMGPROC_OBJECT_EVENT_KIND_CREATED);
  g_assert_cmpstr (imgproc_object_event_get_event_name (g_ptr_array_index (events, 3)), ==,
                   "ObjectCreated:CompleteMultipartUpload");
}

static void
test_removed_without_size (void)
{
  g_autoptr(GPtrArray) events =
    parse_ok ("{\"Records\":[{\"eventName\":\"ObjectRemoved:DeleteMarkerCreated\","
              "\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"k.png\","
              "\"sequencer\":\"00AB\",\"versionId\":null}}}]}");
  ImgprocObjectEvent *event = g_ptr_array_index (events, 0);

  g_assert_cmpint (imgproc_object_event_get_kind (event), ==, IMGPROC_OBJECT_EVENT_KIND_REMOVED);
  g_assert_cmpint (imgproc_object_event_get_size (event), ==, -1);
  g_assert_null (imgproc_object_event_get_etag (event));
  g_assert_null (imgproc_object_event_get_version_id (event));
  g_assert_null (imgproc_object_event_get_event_time (event));
}

static void
test_key_decoding (void)
{
  struct { const char *encoded; const char *decoded; } cases[] = {
    { "a+b", "a b" },
    { "a%2Bb", "a+b" },
    { "a%2bb", "a+b" },
    { "dir%2Fsub/x", "dir/sub/x" },
    { "caf%C3%A9+%E2%82%AC.jpg", "café €.jpg" },
    { "%25", "%" },
    { "semi%3Acolon%3B", "semi:colon;" },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body =
        g_strdup_printf ("{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{"
                         "\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"%s\"}}}]}",
                         cases[i].encoded);
      g_autoptr(GPtrArray) events = parse_ok (body);

      g_assert_cmpstr (imgproc_object_event_get_key (g_ptr_array_index (events, 0)), ==,
                       cases[i].decoded);
    }
}

static void
test_bad_keys (void)
{
  const char *keys[] = { "a%", "a%2", "a%zz", "%00", "%FF%FE", "", "%C3" };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *body =
        g_strdup_printf ("{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{"
                         "\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"%s\"}}}]}", keys[i]);

      assert_fails (body, -1, IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT);
    }
}

static void
test_etag_quotes (void)
{
  g_autoptr(GPtrArray) events =
    parse_ok ("{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{"
              "\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"k\",\"eTag\":\"\\\"abc\\\"\"}}}]}");

  g_assert_cmpstr (imgproc_object_event_get_etag (g_ptr_array_index (events, 0)), ==, "abc");
}

static void
test_malformed (void)
{
  struct { const char *body; int code; } cases[] = {
    { "", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "   ", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "not json", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Records\":[", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "[]", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "42", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "null", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "\"Records\"", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{}", IMGPROC_PIPELINE_ERROR_UNKNOWN_EVENT },
    { "{\"hello\":\"world\"}", IMGPROC_PIPELINE_ERROR_UNKNOWN_EVENT },
    { "{\"Records\":{}}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Records\":\"x\"}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Records\":[1]}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Records\":[null]}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Records\":[{}]}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Records\":[{\"eventSource\":\"aws:sqs\",\"body\":\"{}\"}]}", IMGPROC_PIPELINE_ERROR_UNKNOWN_EVENT },
    { "{\"Records\":[{\"s3\":{}}]}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Records\":[{\"eventName\":7,\"s3\":{}}]}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":[]}]}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"}}}]}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"\"},\"object\":{\"key\":\"k\"}}}]}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":1},\"object\":{\"key\":\"k\"}}}]}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":\"b\",\"object\":{\"key\":\"k\"}}}]}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":[\"k\"]}}}]}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"k\",\"size\":-1}}}]}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"k\",\"size\":\"12\"}}}]}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"k\",\"size\":1.5}}}]}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"k\",\"eTag\":5}}}]}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"k\",\"sequencer\":{}}}}]}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Type\":\"Notification\"}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Type\":\"Notification\",\"Message\":42}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Type\":\"Notification\",\"Message\":\"not json\"}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Type\":\"Notification\",\"Message\":\"{}\"}", IMGPROC_PIPELINE_ERROR_UNKNOWN_EVENT },
    { "{\"Type\":5}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Event\":[]}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Event\":\"s3:TestEvent\",\"Bucket\":{}}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"source\":\"aws.s3\",\"detail-type\":\"Object Created\"}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"source\":\"aws.s3\",\"detail-type\":\"Object Created\",\"detail\":{\"bucket\":{\"name\":\"b\"},\"object\":{}}}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"source\":\"aws.s3\",\"detail-type\":1,\"detail\":{}}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"source\":\"aws.ec2\",\"detail-type\":\"Object Created\",\"detail\":{}}", IMGPROC_PIPELINE_ERROR_UNKNOWN_EVENT },
    { "{\"Records\":[{\"Sns\":{\"Message\":\"[\"}}]}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Records\":[{\"Sns\":\"x\"}]}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
    { "{\"Records\":[{\"Sns\":{}}]}", IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, cases[i].body);
      assert_fails (cases[i].body, -1, cases[i].code);
    }
}

static void
test_embedded_nul (void)
{
  static const char body[] = "{\"Event\":\"s3:TestEvent\"}\0garbage";

  assert_fails (body, sizeof body - 1, IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT);
}

static void
test_empty_records (void)
{
  g_autoptr(GPtrArray) events = parse_ok ("{\"Records\":[]}");

  g_assert_cmpuint (events->len, ==, 0);
}

static void
test_too_large (void)
{
  g_autoptr(ImgprocEventParser) parser =
    g_object_new (IMGPROC_TYPE_EVENT_PARSER, "max-bytes", (guint64) 64, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;

  g_assert_cmpuint (imgproc_event_parser_get_max_bytes (parser), ==, 64);
  events = imgproc_event_parser_parse_message (parser, s3_notification, -1, &error);
  g_assert_null (events);
  g_assert_error (error, IMGPROC_PIPELINE_ERROR, IMGPROC_PIPELINE_ERROR_EVENT_TOO_LARGE);
}

static void
test_deep_nesting (void)
{
  GString *s = g_string_new ("{\"Records\":");
  g_autofree char *body = NULL;
  int i;

  for (i = 0; i < 100000; i++)
    g_string_append_c (s, '[');
  for (i = 0; i < 100000; i++)
    g_string_append_c (s, ']');
  g_string_append_c (s, '}');
  body = g_string_free (s, FALSE);
  assert_fails (body, -1, IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT);
}

static void
test_nested_sns (void)
{
  /* An SNS envelope inside an SNS envelope inside another one. */
  g_autofree char *once = sns_envelope (s3_notification);
  g_autofree char *twice = sns_envelope (once);
  g_autofree char *thrice = sns_envelope (twice);
  g_autoptr(GPtrArray) events = parse_ok (twice);

  g_assert_cmpuint (events->len, ==, 1);
  assert_fails (thrice, -1, IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT);
}

static void
test_huge_strings (void)
{
  g_autofree char *key = g_strnfill (1024 * 1024, 'k');
  g_autofree char *body =
    g_strdup_printf ("{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{"
                     "\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"%s\"}}}]}", key);
  g_autoptr(GPtrArray) events = parse_ok (body);

  /* The parser keeps the key: the guard refuses it for its length. */
  g_assert_cmpuint (strlen (imgproc_object_event_get_key (g_ptr_array_index (events, 0))), ==,
                    1024 * 1024);
}

static void
test_mutations (void)
{
  g_autoptr(ImgprocEventParser) parser = imgproc_event_parser_new ();
  g_autofree char *sns = sns_envelope (s3_notification);
  const char *seeds[] = { s3_notification, sns, eventbridge_event, test_event };
  GRand *rand = g_rand_new_with_seed (20261126);
  guint parsed = 0, failed = 0;
  gsize s;
  int i;

  /* Flipped, dropped and truncated bytes: each result is a list or an error. */
  for (s = 0; s < G_N_ELEMENTS (seeds); s++)
    for (i = 0; i < 2000; i++)
      {
        g_autofree char *body = g_strdup (seeds[s]);
        gsize len = strlen (body);
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) events = NULL;
        int edits = g_rand_int_range (rand, 1, 4);

        while (edits-- > 0)
          {
            gsize at = g_rand_int_range (rand, 0, (gint32) len);

            switch (g_rand_int_range (rand, 0, 3))
              {
              case 0:
                body[at] = (char) g_rand_int_range (rand, 1, 256);
                break;
              case 1:
                memmove (body + at, body + at + 1, len - at);
                len--;
                break;
              default:
                len = at + 1;
                body[len] = '\0';
              }
            if (len < 2)
              break;
          }

        events = imgproc_event_parser_parse_message (parser, body, (gssize) len, &error);
        g_assert_true ((events == NULL) != (error == NULL));
        if (events != NULL)
          parsed++;
        else
          {
            g_assert_true (error->domain == IMGPROC_PIPELINE_ERROR);
            failed++;
          }
      }
  g_rand_free (rand);
  g_test_message ("%u parsed, %u refused", parsed, failed);
  g_assert_cmpuint (failed, >, 0);
}

static const char sqs_batch[] =
  "{\"Records\":["
  "{\"messageId\":\"059f36b4-1\",\"receiptHandle\":\"AQEBwJ1\",\"body\":\"{\\\"Records\\\":[]}\","
  "\"attributes\":{\"ApproximateReceiveCount\":\"3\",\"SentTimestamp\":\"1545082649183\","
  "\"SenderId\":\"AIDAI\",\"ApproximateFirstReceiveTimestamp\":\"1545082649185\","
  "\"AWSTraceHeader\":\"Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1\"},"
  "\"messageAttributes\":{\"origin\":{\"stringValue\":\"backfill\",\"dataType\":\"String\"},"
  "\"blob\":{\"binaryValue\":\"AAE=\",\"dataType\":\"Binary\"}},"
  "\"md5OfBody\":\"e4e68fb7\",\"eventSource\":\"aws:sqs\","
  "\"eventSourceARN\":\"arn:aws:sqs:us-east-2:123456789012:my-queue\",\"awsRegion\":\"us-east-2\"},"
  "{\"messageId\":\"059f36b4-2\",\"receiptHandle\":\"AQEBwJ2\",\"body\":\"not json\","
  "\"attributes\":{\"ApproximateReceiveCount\":\"x\"},\"messageAttributes\":{},"
  "\"eventSource\":\"aws:sqs\"}]}";

static void
test_lambda_sqs_batch (void)
{
  g_autoptr(ImgprocEventParser) parser = imgproc_event_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_auto(GStrv) names = NULL;
  ImgprocLambdaEventKind kind = 0;
  ImgprocQueueMessage *message;

  messages = imgproc_event_parser_parse_lambda_event (parser, sqs_batch, -1, &kind, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kind, ==, IMGPROC_LAMBDA_EVENT_KIND_SQS_BATCH);
  g_assert_cmpuint (messages->len, ==, 2);

  message = g_ptr_array_index (messages, 0);
  g_assert_cmpstr (imgproc_queue_message_get_message_id (message), ==, "059f36b4-1");
  g_assert_cmpstr (imgproc_queue_message_get_receipt_handle (message), ==, "AQEBwJ1");
  g_assert_cmpstr (imgproc_queue_message_get_body (message), ==, "{\"Records\":[]}");
  g_assert_cmpuint (imgproc_queue_message_get_receive_count (message), ==, 3);
  g_assert_cmpstr (imgproc_queue_message_get_event_source_arn (message), ==,
                   "arn:aws:sqs:us-east-2:123456789012:my-queue");
  g_assert_cmpstr (imgproc_queue_message_get_trace_header (message), ==,
                   "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1");
  g_assert_cmpstr (imgproc_queue_message_get_attribute (message, "origin"), ==, "backfill");
  g_assert_null (imgproc_queue_message_get_attribute (message, "blob"));
  names = imgproc_queue_message_list_attributes (message);
  g_assert_cmpuint (g_strv_length (names), ==, 1);

  /* A bad body is the processor's business, per message, not the parser's. */
  message = g_ptr_array_index (messages, 1);
  g_assert_cmpstr (imgproc_queue_message_get_body (message), ==, "not json");
  g_assert_cmpuint (imgproc_queue_message_get_receive_count (message), ==, 0);
  g_assert_null (imgproc_queue_message_get_trace_header (message));
}

static void
test_lambda_direct (void)
{
  g_autoptr(ImgprocEventParser) parser = imgproc_event_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) events = NULL;
  ImgprocLambdaEventKind kind = 0;
  ImgprocQueueMessage *message;

  messages = imgproc_event_parser_parse_lambda_event (parser, s3_notification, -1, &kind, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kind, ==, IMGPROC_LAMBDA_EVENT_KIND_DIRECT);
  g_assert_cmpuint (messages->len, ==, 1);
  message = g_ptr_array_index (messages, 0);
  g_assert_null (imgproc_queue_message_get_message_id (message));

  events = imgproc_event_parser_parse_message (parser, imgproc_queue_message_get_body (message),
                                               -1, &error);
  g_assert_no_error (error);
  assert_first_s3_record (events, IMGPROC_EVENT_ORIGIN_S3);
}

static void
test_lambda_malformed (void)
{
  const char *cases[] = {
    "",
    "[]",
    "{}",
    "{\"Records\":[{\"eventSource\":\"aws:sqs\",\"body\":\"{}\"}]}",
    "{\"Records\":[{\"eventSource\":\"aws:sqs\",\"messageId\":\"\",\"body\":\"{}\"}]}",
    "{\"Records\":[{\"eventSource\":\"aws:sqs\",\"messageId\":\"1\"}]}",
    "{\"Records\":[{\"eventSource\":\"aws:sqs\",\"messageId\":1,\"body\":\"{}\"}]}",
    "{\"Records\":[{\"eventSource\":\"aws:sqs\",\"messageId\":\"1\",\"body\":{}}]}",
    "{\"Records\":[{\"eventSource\":\"aws:sqs\",\"messageId\":\"1\",\"body\":\"{}\",\"attributes\":[]}]}",
    "{\"Records\":[{\"eventSource\":\"aws:sqs\",\"messageId\":\"1\",\"body\":\"{}\","
    "\"attributes\":{\"ApproximateReceiveCount\":2}}]}",
    "{\"Records\":[{\"eventSource\":\"aws:sqs\",\"messageId\":\"1\",\"body\":\"{}\"},{\"s3\":{}}]}",
    "{\"Records\":[{\"eventSource\":\"aws:sqs\",\"messageId\":\"1\",\"body\":\"{}\"},7]}",
  };
  g_autoptr(ImgprocEventParser) parser = imgproc_event_parser_new ();
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) messages = NULL;

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, cases[i]);
      messages = imgproc_event_parser_parse_lambda_event (parser, cases[i], -1, NULL, &error);
      g_assert_null (messages);
      g_assert_true (error != NULL && error->domain == IMGPROC_PIPELINE_ERROR);
    }
}

static void
test_round_trip (void)
{
  g_autoptr(ImgprocObjectEvent) original =
    imgproc_object_event_new (IMGPROC_OBJECT_EVENT_KIND_CREATED, IMGPROC_EVENT_ORIGIN_S3,
                              "ObjectCreated:Put", "b", "uploads/a b+c/ü%.jpg", 12,
                              "etag", "00FF", NULL, "2026-11-26T00:00:00Z");
  g_autofree char *json = imgproc_object_event_to_s3_notification (original);
  g_autoptr(GPtrArray) events = parse_ok (json);
  ImgprocObjectEvent *event = g_ptr_array_index (events, 0);

  g_assert_null (strchr (json, ' '));
  g_assert_cmpstr (imgproc_object_event_get_key (event), ==, "uploads/a b+c/ü%.jpg");
  g_assert_cmpstr (imgproc_object_event_get_bucket (event), ==, "b");
  g_assert_cmpint (imgproc_object_event_get_size (event), ==, 12);
  g_assert_cmpstr (imgproc_object_event_get_etag (event), ==, "etag");
  g_assert_cmpstr (imgproc_object_event_get_sequencer (event), ==, "00FF");
  g_assert_null (imgproc_object_event_get_version_id (event));
}

static void
test_sequencers (void)
{
  g_assert_cmpint (imgproc_object_event_compare_sequencers ("0063280A82D9E2001C", "0063280A82D9E2001C"), ==, 0);
  g_assert_cmpint (imgproc_object_event_compare_sequencers ("0063280A82D9E2001C", "0063280A82D9E2001D"), <, 0);
  /* Left padding: a shorter sequencer is a smaller number. */
  g_assert_cmpint (imgproc_object_event_compare_sequencers ("FF", "0100"), <, 0);
  g_assert_cmpint (imgproc_object_event_compare_sequencers ("00FF", "FF"), ==, 0);
  g_assert_cmpint (imgproc_object_event_compare_sequencers ("abc", "ABC"), ==, 0);
  g_assert_cmpint (imgproc_object_event_compare_sequencers ("617f08299329d189", "617f08299329d18"), >, 0);
  g_assert_cmpint (imgproc_object_event_compare_sequencers (NULL, "00"), <, 0);
  g_assert_cmpint (imgproc_object_event_compare_sequencers ("01", NULL), >, 0);
  g_assert_cmpint (imgproc_object_event_compare_sequencers (NULL, ""), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/event-parser/s3-direct", test_s3_direct);
  g_test_add_func ("/event-parser/sns-envelope", test_sns_envelope);
  g_test_add_func ("/event-parser/sns-raw-delivery", test_sns_raw_delivery);
  g_test_add_func ("/event-parser/sns-lambda-record", test_sns_lambda_record);
  g_test_add_func ("/event-parser/sns-test-event", test_sns_test_event);
  g_test_add_func ("/event-parser/sns-other-type", test_sns_other_type);
  g_test_add_func ("/event-parser/test-event", test_test_event);
  g_test_add_func ("/event-parser/eventbridge", test_eventbridge);
  g_test_add_func ("/event-parser/eventbridge-decoded", test_eventbridge_decoded);
  g_test_add_func ("/event-parser/eventbridge-deleted", test_eventbridge_deleted);
  g_test_add_func ("/event-parser/several-records", test_several_records);
  g_test_add_func ("/event-parser/removed-without-size", test_removed_without_size);
  g_test_add_func ("/event-parser/key-decoding", test_key_decoding);
  g_test_add_func ("/event-parser/bad-keys", test_bad_keys);
  g_test_add_func ("/event-parser/etag-quotes", test_etag_quotes);
  g_test_add_func ("/event-parser/malformed", test_malformed);
  g_test_add_func ("/event-parser/embedded-nul", test_embedded_nul);
  g_test_add_func ("/event-parser/empty-records", test_empty_records);
  g_test_add_func ("/event-parser/too-large", test_too_large);
  g_test_add_func ("/event-parser/deep-nesting", test_deep_nesting);
  g_test_add_func ("/event-parser/nested-sns", test_nested_sns);
  g_test_add_func ("/event-parser/huge-strings", test_huge_strings);
  g_test_add_func ("/event-parser/mutations", test_mutations);
  g_test_add_func ("/event-parser/lambda-sqs-batch", test_lambda_sqs_batch);
  g_test_add_func ("/event-parser/lambda-direct", test_lambda_direct);
  g_test_add_func ("/event-parser/lambda-malformed", test_lambda_malformed);
  g_test_add_func ("/event-parser/round-trip", test_round_trip);
  g_test_add_func ("/event-parser/sequencers", test_sequencers);

  return g_test_run ();
}
