/* Parses the envelopes an S3 event can arrive in, and Lambda SQS batches.
 * Every input is untrusted: any shape mismatch is a GError, never a crash. */
#include "config.h"

#include <inttypes.h>

#include "imgproc.h"
#include "imgproc-private.h"
#include "imgproc-queue-message-private.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* An SNS envelope holds one S3 notification; deeper nesting is an attack. */
#define MAX_ENVELOPE_DEPTH 2
/* json-glib's parser recurses, so a deeply nested document could exhaust the
 * stack: no real event nests deeper than a dozen levels. */
#define MAX_JSON_NESTING 64

struct _ImgprocEventParser
{
  GObject parent_instance;

  guint64 max_bytes;
  gboolean decode_eventbridge_keys;
};

G_DEFINE_FINAL_TYPE (ImgprocEventParser, imgproc_event_parser, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MAX_BYTES,
  PROP_DECODE_EVENTBRIDGE_KEYS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
imgproc_event_parser_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  ImgprocEventParser *self = IMGPROC_EVENT_PARSER (object);

  switch (prop_id)
    {
    case PROP_MAX_BYTES:
      g_value_set_uint64 (value, self->max_bytes);
      break;
    case PROP_DECODE_EVENTBRIDGE_KEYS:
      g_value_set_boolean (value, self->decode_eventbridge_keys);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
imgproc_event_parser_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  ImgprocEventParser *self = IMGPROC_EVENT_PARSER (object);

  switch (prop_id)
    {
    case PROP_MAX_BYTES:
      self->max_bytes = g_value_get_uint64 (value);
      break;
    case PROP_DECODE_EVENTBRIDGE_KEYS:
      self->decode_eventbridge_keys = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
imgproc_event_parser_class_init (ImgprocEventParserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = imgproc_event_parser_get_property;
  object_class->set_property = imgproc_event_parser_set_property;

  /**
   * ImgprocEventParser:max-bytes:
   *
   * The largest message or event the parser reads, in bytes. Anything larger
   * fails with %IMGPROC_PIPELINE_ERROR_EVENT_TOO_LARGE before parsing. The
   * default, 6 MiB, is Lambda's synchronous payload limit.
   */
  properties[PROP_MAX_BYTES] =
    g_param_spec_uint64 ("max-bytes", NULL, NULL,
                         1, G_MAXUINT32, IMGPROC_EVENT_PARSER_DEFAULT_MAX_BYTES,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * ImgprocEventParser:decode-eventbridge-keys:
   *
   * Whether EventBridge object keys are form-URL-decoded like those of S3
   * notifications. AWS documents EventBridge keys as plain, so the default is
   * %FALSE; the switch exists because that could not be confirmed.
   */
  properties[PROP_DECODE_EVENTBRIDGE_KEYS] =
    g_param_spec_boolean ("decode-eventbridge-keys", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
imgproc_event_parser_init (ImgprocEventParser *self)
{
  imgproc_ensure_i18n ();
  self->max_bytes = IMGPROC_EVENT_PARSER_DEFAULT_MAX_BYTES;
}

/**
 * imgproc_event_parser_new:
 *
 * Makes a parser with the default limits.
 *
 * Returns: (transfer full): a new event parser
 */
ImgprocEventParser *
imgproc_event_parser_new (void)
{
  return g_object_new (IMGPROC_TYPE_EVENT_PARSER, NULL);
}

/**
 * imgproc_event_parser_get_max_bytes:
 * @self: an event parser
 *
 * Gives [property@Imgproc.EventParser:max-bytes].
 *
 * Returns: the byte limit
 */
guint64
imgproc_event_parser_get_max_bytes (ImgprocEventParser *self)
{
  g_return_val_if_fail (IMGPROC_IS_EVENT_PARSER (self), 0);
  return self->max_bytes;
}

/**
 * imgproc_event_parser_get_decode_eventbridge_keys:
 * @self: an event parser
 *
 * Gives [property@Imgproc.EventParser:decode-eventbridge-keys].
 *
 * Returns: whether EventBridge keys are decoded
 */
gboolean
imgproc_event_parser_get_decode_eventbridge_keys (ImgprocEventParser *self)
{
  g_return_val_if_fail (IMGPROC_IS_EVENT_PARSER (self), FALSE);
  return self->decode_eventbridge_keys;
}

static gboolean
malformed (GError     **error,
           const char  *path,
           const char  *what)
{
  g_set_error (error, IMGPROC_PIPELINE_ERROR, IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT,
               /* Translators: the first %s is a JSON path such as
                * Records[0].s3.object.key, the second what is wrong with it */
               _("Malformed event: %s %s"), path, what);
  return FALSE;
}

static gboolean
check_nesting (const char  *text,
               gsize        length,
               GError     **error)
{
  gboolean in_string = FALSE;
  int depth = 0;
  gsize i;

  for (i = 0; i < length; i++)
    {
      char c = text[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > MAX_JSON_NESTING)
            return malformed (error, _("the document"), _("is nested too deeply"));
        }
      else if (c == '}' || c == ']')
        depth--;
    }
  return TRUE;
}

static JsonNode *
parse_json (ImgprocEventParser  *self,
            const char          *text,
            gssize               length,
            GError             **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize size = length < 0 ? strlen (text) : (gsize) length;
  JsonNode *root;

  if (size > self->max_bytes)
    {
      g_set_error (error, IMGPROC_PIPELINE_ERROR, IMGPROC_PIPELINE_ERROR_EVENT_TOO_LARGE,
                   _("The event is %" PRIu64 " bytes, more than the limit of %" PRIu64),
                   (guint64) size, self->max_bytes);
      return NULL;
    }
  if (memchr (text, '\0', size) != NULL)
    {
      malformed (error, _("the document"), _("contains a NUL byte"));
      return NULL;
    }
  if (!check_nesting (text, size, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, (gssize) size, &local_error))
    {
      g_set_error (error, IMGPROC_PIPELINE_ERROR, IMGPROC_PIPELINE_ERROR_MALFORMED_EVENT,
                   _("Malformed event: not valid JSON: %s"), local_error->message);
      return NULL;
    }
  root = json_parser_steal_root (parser);
  if (root == NULL)
    {
      malformed (error, _("the document"), _("is empty"));
      return NULL;
    }
  return root;
}

/* A member of the wrong type is an error; an absent or null one is not,
 * unless the caller requires it. */
static gboolean
get_string (JsonObject  *object,
            const char  *member,
            const char  *path,
            gboolean     required,
            const char **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        {
          g_autofree char *full = g_strconcat (path, ".", member, NULL);
          return malformed (error, full, _("is missing"));
        }
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_autofree char *full = g_strconcat (path, ".", member, NULL);
      return malformed (error, full, _("is not a string"));
    }
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
get_object (JsonObject  *object,
            const char  *member,
            const char  *path,
            gboolean     required,
            JsonObject **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        {
          g_autofree char *full = g_strconcat (path, ".", member, NULL);
          return malformed (error, full, _("is missing"));
        }
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *full = g_strconcat (path, ".", member, NULL);
      return malformed (error, full, _("is not an object"));
    }
  *out = json_node_get_object (node);
  return TRUE;
}

static gboolean
get_size (JsonObject  *object,
          const char  *member,
          const char  *path,
          gint64      *out,
          GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autofree char *full = NULL;

  *out = -1;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_INT64 && json_node_get_int (node) >= 0)
        {
          *out = json_node_get_int (node);
          return TRUE;
        }
      if (type == G_TYPE_DOUBLE)
        {
          double d = json_node_get_double (node);

          if (d >= 0 && d <= 9007199254740992.0 && d == (double) (gint64) d)
            {
              *out = (gint64) d;
              return TRUE;
            }
        }
    }
  full = g_strconcat (path, ".", member, NULL);
  return malformed (error, full, _("is not a size in bytes"));
}

/* S3 form-URL-encodes keys: '+' is a space, then %XX escapes. Decoding
 * after the '+' step keeps an encoded plus (%2B) a plus. */
static char *
form_url_decode (const char  *encoded,
                 const char  *path,
                 GError     **error)
{
  GString *out = g_string_sized_new (strlen (encoded));
  const char *p;

  for (p = encoded; *p != '\0'; p++)
    {
      if (*p == '+')
        g_string_append_c (out, ' ');
      else if (*p == '%')
        {
          int hi = g_ascii_xdigit_value (p[1]);
          int lo = hi < 0 ? -1 : g_ascii_xdigit_value (p[2]);

          if (hi < 0 || lo < 0)
            {
              g_string_free (out, TRUE);
              malformed (error, path, _("has an invalid percent escape"));
              return NULL;
            }
          if (hi == 0 && lo == 0)
            {
              g_string_free (out, TRUE);
              malformed (error, path, _("encodes a NUL byte"));
              return NULL;
            }
          g_string_append_c (out, (char) (hi * 16 + lo));
          p += 2;
        }
      else
        g_string_append_c (out, *p);
    }

  if (!g_utf8_validate (out->str, out->len, NULL))
    {
      g_string_free (out, TRUE);
      malformed (error, path, _("does not decode to UTF-8"));
      return NULL;
    }
  return g_string_free (out, FALSE);
}

static char *
unquote_etag (const char *etag)
{
  size_t len;

  if (etag == NULL)
    return NULL;
  len = strlen (etag);
  if (len >= 2 && etag[0] == '"' && etag[len - 1] == '"')
    return g_strndup (etag + 1, len - 2);
  return g_strdup (etag);
}

static ImgprocObjectEventKind
kind_from_s3_event_name (const char *name)
{
  if (g_str_has_prefix (name, "ObjectCreated:"))
    return IMGPROC_OBJECT_EVENT_KIND_CREATED;
  if (g_str_has_prefix (name, "ObjectRemoved:"))
    return IMGPROC_OBJECT_EVENT_KIND_REMOVED;
  return IMGPROC_OBJECT_EVENT_KIND_OTHER;
}

static gboolean
parse_s3_record (JsonObject          *record,
                 const char          *path,
                 ImgprocEventOrigin   origin,
                 GPtrArray           *events,
                 GError             **error)
{
  const char *event_name, *event_time, *bucket, *raw_key, *etag, *version_id, *sequencer;
  JsonObject *s3, *bucket_object, *object;
  g_autofree char *s3_path = g_strconcat (path, ".s3", NULL);
  g_autofree char *bucket_path = g_strconcat (s3_path, ".bucket", NULL);
  g_autofree char *object_path = g_strconcat (s3_path, ".object", NULL);
  g_autofree char *key_path = g_strconcat (object_path, ".key", NULL);
  g_autofree char *key = NULL;
  g_autofree char *unquoted_etag = NULL;
  gint64 size;

  if (!get_string (record, "eventName", path, TRUE, &event_name, error) ||
      !get_string (record, "eventTime", path, FALSE, &event_time, error) ||
      !get_object (record, "s3", path, TRUE, &s3, error) ||
      !get_object (s3, "bucket", s3_path, TRUE, &bucket_object, error) ||
      !get_string (bucket_object, "name", bucket_path, TRUE, &bucket, error) ||
      !get_object (s3, "object", s3_path, TRUE, &object, error) ||
      !get_string (object, "key", object_path, TRUE, &raw_key, error) ||
      !get_size (object, "size", object_path, &size, error) ||
      !get_string (object, "eTag", object_path, FALSE, &etag, error) ||
      !get_string (object, "versionId", object_path, FALSE, &version_id, error) ||
      !get_string (object, "sequencer", object_path, FALSE, &sequencer, error))
    return FALSE;

  if (*bucket == '\0')
    return malformed (error, bucket_path, _("is empty"));
  key = form_url_decode (raw_key, key_path, error);
  if (key == NULL)
    return FALSE;
  if (*key == '\0')
    return malformed (error, key_path, _("is empty"));

  /* MinIO and some emulators write "s3:ObjectCreated:Put". */
  if (g_str_has_prefix (event_name, "s3:"))
    event_name += 3;

  unquoted_etag = unquote_etag (etag);
  g_ptr_array_add (events,
                   imgproc_object_event_new (kind_from_s3_event_name (event_name), origin,
                                             event_name, bucket, key, size, unquoted_etag,
                                             sequencer, version_id, event_time));
  return TRUE;
}

static gboolean
parse_eventbridge (ImgprocEventParser  *self,
                   JsonObject          *root,
                   GPtrArray           *events,
                   GError             **error)
{
  const char *detail_type, *time, *bucket, *raw_key, *etag, *version_id, *sequencer;
  JsonObject *detail, *bucket_object, *object;
  g_autofree char *key = NULL;
  g_autofree char *unquoted_etag = NULL;
  ImgprocObjectEventKind kind = IMGPROC_OBJECT_EVENT_KIND_OTHER;
  gint64 size;

  if (!get_string (root, "detail-type", "$", TRUE, &detail_type, error) ||
      !get_string (root, "time", "$", FALSE, &time, error) ||
      !get_object (root, "detail", "$", TRUE, &detail, error) ||
      !get_object (detail, "bucket", "$.detail", TRUE, &bucket_object, error) ||
      !get_string (bucket_object, "name", "$.detail.bucket", TRUE, &bucket, error) ||
      !get_object (detail, "object", "$.detail", TRUE, &object, error) ||
      !get_string (object, "key", "$.detail.object", TRUE, &raw_key, error) ||
      !get_size (object, "size", "$.detail.object", &size, error) ||
      !get_string (object, "etag", "$.detail.object", FALSE, &etag, error) ||
      !get_string (object, "version-id", "$.detail.object", FALSE, &version_id, error) ||
      !get_string (object, "sequencer", "$.detail.object", FALSE, &sequencer, error))
    return FALSE;

  if (*bucket == '\0')
    return malformed (error, "$.detail.bucket.name", _("is empty"));
  if (self->decode_eventbridge_keys)
    {
      key = form_url_decode (raw_key, "$.detail.object.key", error);
      if (key == NULL)
        return FALSE;
    }
  else if (!g_utf8_validate (raw_key, -1, NULL))
    return malformed (error, "$.detail.object.key", _("is not UTF-8"));
  else
    key = g_strdup (raw_key);
  if (*key == '\0')
    return malformed (error, "$.detail.object.key", _("is empty"));

  if (g_str_equal (detail_type, "Object Created"))
    kind = IMGPROC_OBJECT_EVENT_KIND_CREATED;
  else if (g_str_equal (detail_type, "Object Deleted"))
    kind = IMGPROC_OBJECT_EVENT_KIND_REMOVED;

  unquoted_etag = unquote_etag (etag);
  g_ptr_array_add (events,
                   imgproc_object_event_new (kind, IMGPROC_EVENT_ORIGIN_EVENTBRIDGE,
                                             detail_type, bucket, key, size, unquoted_etag,
                                             sequencer, version_id, time));
  return TRUE;
}

static gboolean parse_body (ImgprocEventParser  *self,
                            const char          *text,
                            gssize               length,
                            ImgprocEventOrigin   origin,
                            int                  depth,
                            GPtrArray           *events,
                            GError             **error);

static gboolean
parse_root (ImgprocEventParser  *self,
            JsonNode            *root,
            ImgprocEventOrigin   origin,
            int                  depth,
            GPtrArray           *events,
            GError             **error)
{
  JsonObject *object;
  JsonNode *records;
  const char *type, *event, *source;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return malformed (error, "$", _("is not a JSON object"));
  object = json_node_get_object (root);

  records = json_object_get_member (object, "Records");
  if (records != NULL)
    {
      JsonArray *array;
      guint i, n;

      if (!JSON_NODE_HOLDS_ARRAY (records))
        return malformed (error, "$.Records", _("is not an array"));
      array = json_node_get_array (records);
      n = json_array_get_length (array);
      for (i = 0; i < n; i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          g_autofree char *path = g_strdup_printf ("$.Records[%u]", i);
          JsonObject *record, *sns;
          const char *event_source, *message;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            return malformed (error, path, _("is not an object"));
          record = json_node_get_object (element);

          if (json_object_has_member (record, "s3"))
            {
              if (!parse_s3_record (record, path, origin, events, error))
                return FALSE;
              continue;
            }
          if (!get_object (record, "Sns", path, FALSE, &sns, error))
            return FALSE;
          if (sns != NULL)
            {
              g_autofree char *sns_path = g_strconcat (path, ".Sns", NULL);

              if (!get_string (sns, "Message", sns_path, TRUE, &message, error) ||
                  !parse_body (self, message, -1, IMGPROC_EVENT_ORIGIN_SNS, depth + 1, events, error))
                return FALSE;
              continue;
            }
          if (!get_string (record, "eventSource", path, FALSE, &event_source, error))
            return FALSE;
          if (g_strcmp0 (event_source, "aws:sqs") == 0)
            {
              g_set_error (error, IMGPROC_PIPELINE_ERROR, IMGPROC_PIPELINE_ERROR_UNKNOWN_EVENT,
                           _("The message is a Lambda SQS event, not an SQS message body"));
              return FALSE;
            }
          return malformed (error, path, _("is neither an S3 nor an SNS record"));
        }
      return TRUE;
    }

  if (!get_string (object, "Type", "$", FALSE, &type, error))
    return FALSE;
  if (type != NULL)
    {
      const char *message;

      if (!g_str_equal (type, "Notification"))
        {
          g_set_error (error, IMGPROC_PIPELINE_ERROR, IMGPROC_PIPELINE_ERROR_UNKNOWN_EVENT,
                       _("The SNS message of type “%s” is not a notification"), type);
          return FALSE;
        }
      if (!get_string (object, "Message", "$", TRUE, &message, error))
        return FALSE;
      return parse_body (self, message, -1, IMGPROC_EVENT_ORIGIN_SNS, depth + 1, events, error);
    }

  if (!get_string (object, "Event", "$", FALSE, &event, error))
    return FALSE;
  if (g_strcmp0 (event, "s3:TestEvent") == 0)
    {
      const char *bucket, *time;

      if (!get_string (object, "Bucket", "$", FALSE, &bucket, error) ||
          !get_string (object, "Time", "$", FALSE, &time, error))
        return FALSE;
      g_ptr_array_add (events,
                       imgproc_object_event_new (IMGPROC_OBJECT_EVENT_KIND_TEST, origin,
                                                 "TestEvent", bucket != NULL ? bucket : "",
                                                 NULL, -1, NULL, NULL, NULL, time));
      return TRUE;
    }

  if (!get_string (object, "source", "$", FALSE, &source, error))
    return FALSE;
  if (g_strcmp0 (source, "aws.s3") == 0 && json_object_has_member (object, "detail-type"))
    return parse_eventbridge (self, object, events, error);

  g_set_error (error, IMGPROC_PIPELINE_ERROR, IMGPROC_PIPELINE_ERROR_UNKNOWN_EVENT,
               _("The message is not an S3, SNS or EventBridge event"));
  return FALSE;
}

static gboolean
parse_body (ImgprocEventParser  *self,
            const char          *text,
            gssize               length,
            ImgprocEventOrigin   origin,
            int                  depth,
            GPtrArray           *events,
            GError             **error)
{
  g_autoptr(JsonNode) root = NULL;

  if (depth > MAX_ENVELOPE_DEPTH)
    return malformed (error, "$", _("wraps notifications too deeply"));
  root = parse_json (self, text, length, error);
  if (root == NULL)
    return FALSE;
  return parse_root (self, root, origin, depth, events, error);
}

/**
 * imgproc_event_parser_parse_message:
 * @self: an event parser
 * @body: (array length=length) (element-type guint8): an SQS message body
 * @length: the length of @body in bytes, or -1 if it is nul-terminated
 * @error: return location for a #GError
 *
 * Parses an SQS message body (or the body of a Lambda SQS record) into its
 * object events. It reads S3 notifications, delivered directly or through SNS
 * with raw delivery; SNS envelopes (`Type` "Notification", the notification
 * as the `Message` string); SNS-to-Lambda records (`Records[].Sns`); and
 * EventBridge events from `aws.s3`. Every record of a message is returned, in
 * order.
 *
 * S3 keys are form-URL-decoded ('+' is a space, then `%XX`). The
 * `s3:TestEvent` becomes one event of kind %IMGPROC_OBJECT_EVENT_KIND_TEST,
 * so a caller acknowledges it; removals and other events are returned with
 * their kind, for the guard to decide.
 *
 * Returns: (transfer container) (element-type ImgprocObjectEvent): the object
 *   events, possibly none; %NULL with @error set if the body is not JSON, too
 *   large, or of no known shape
 */
GPtrArray *
imgproc_event_parser_parse_message (ImgprocEventParser  *self,
                                    const char          *body,
                                    gssize               length,
                                    GError             **error)
{
  g_autoptr(GPtrArray) events = NULL;

  g_return_val_if_fail (IMGPROC_IS_EVENT_PARSER (self), NULL);
  g_return_val_if_fail (body != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  events = g_ptr_array_new_with_free_func ((GDestroyNotify) imgproc_object_event_unref);
  if (!parse_body (self, body != NULL ? body : "", length, IMGPROC_EVENT_ORIGIN_S3, 0, events, error))
    return NULL;
  return g_steal_pointer (&events);
}

static guint
parse_receive_count (const char *text)
{
  guint64 count = 0;

  if (text == NULL ||
      !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT, &count, NULL))
    return 0;
  return (guint) count;
}

static gboolean
parse_sqs_record (JsonObject  *record,
                  const char  *path,
                  GPtrArray   *messages,
                  GError     **error)
{
  const char *message_id, *receipt_handle, *body, *arn;
  const char *receive_count = NULL, *trace_header = NULL;
  JsonObject *attributes, *message_attributes;
  g_autoptr(ImgprocQueueMessage) message = NULL;

  if (!get_string (record, "messageId", path, TRUE, &message_id, error) ||
      !get_string (record, "receiptHandle", path, FALSE, &receipt_handle, error) ||
      !get_string (record, "body", path, TRUE, &body, error) ||
      !get_string (record, "eventSourceARN", path, FALSE, &arn, error) ||
      !get_object (record, "attributes", path, FALSE, &attributes, error) ||
      !get_object (record, "messageAttributes", path, FALSE, &message_attributes, error))
    return FALSE;

  /* An empty id cannot be named in batchItemFailures, and Lambda fails the
   * whole batch for one: better to fail it here, explicitly. */
  if (*message_id == '\0')
    {
      g_autofree char *full = g_strconcat (path, ".messageId", NULL);
      return malformed (error, full, _("is empty"));
    }

  if (attributes != NULL)
    {
      g_autofree char *attributes_path = g_strconcat (path, ".attributes", NULL);

      if (!get_string (attributes, "ApproximateReceiveCount", attributes_path, FALSE,
                       &receive_count, error) ||
          !get_string (attributes, "AWSTraceHeader", attributes_path, FALSE,
                       &trace_header, error))
        return FALSE;
    }

  message = imgproc_queue_message_new (message_id, receipt_handle, body,
                                       parse_receive_count (receive_count));
  imgproc_queue_message_set_source (message, arn, trace_header);

  if (message_attributes != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *node;

      json_object_iter_init (&iter, message_attributes);
      while (json_object_iter_next (&iter, &name, &node))
        {
          JsonNode *value;

          /* Binary and list attributes are not used: skip them quietly. */
          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          value = json_object_get_member (json_node_get_object (node), "stringValue");
          if (value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
              json_node_get_value_type (value) == G_TYPE_STRING)
            imgproc_queue_message_take_attribute (message, g_strdup (name),
                                                  g_strdup (json_node_get_string (value)));
        }
    }

  g_ptr_array_add (messages, g_steal_pointer (&message));
  return TRUE;
}

static gboolean
is_sqs_record (JsonNode *node)
{
  JsonNode *source;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  source = json_object_get_member (json_node_get_object (node), "eventSource");
  return source != NULL && JSON_NODE_HOLDS_VALUE (source) &&
         json_node_get_value_type (source) == G_TYPE_STRING &&
         g_str_equal (json_node_get_string (source), "aws:sqs");
}

/**
 * imgproc_event_parser_parse_lambda_event:
 * @self: an event parser
 * @event: (array length=length) (element-type guint8): the event of a Lambda
 *   invocation, as the Runtime API's `next` returned it
 * @length: the length of @event in bytes, or -1 if it is nul-terminated
 * @kind: (out) (optional): where to store the shape of the event
 * @error: return location for a #GError
 *
 * Parses the event of a Lambda invocation into the messages to process. An
 * SQS batch (`Records[]` with `eventSource` "aws:sqs") gives one message per
 * record, with its `messageId`, `receiptHandle`, `body`,
 * `ApproximateReceiveCount`, `AWSTraceHeader`, `eventSourceARN` and string
 * message attributes. Any other event must be a notification that
 * [method@Imgproc.EventParser.parse_message] reads (a direct S3, SNS or
 * EventBridge invocation): it gives one message without an id, whose body is
 * the event itself.
 *
 * A record without a usable `messageId` fails the whole event, because Lambda
 * could not be told which message failed.
 *
 * Returns: (transfer container) (element-type ImgprocQueueMessage): the
 *   messages; %NULL with @error set if the event cannot be used
 */
GPtrArray *
imgproc_event_parser_parse_lambda_event (ImgprocEventParser      *self,
                                         const char              *event,
                                         gssize                   length,
                                         ImgprocLambdaEventKind  *kind,
                                         GError                 **error)
{
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonNode *records = NULL;
  gsize size;

  g_return_val_if_fail (IMGPROC_IS_EVENT_PARSER (self), NULL);
  g_return_val_if_fail (event != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (event == NULL)
    event = "";
  size = length < 0 ? strlen (event) : (gsize) length;
  root = parse_json (self, event, (gssize) size, error);
  if (root == NULL)
    return NULL;

  messages = g_ptr_array_new_with_free_func ((GDestroyNotify) imgproc_queue_message_unref);
  if (JSON_NODE_HOLDS_OBJECT (root))
    records = json_object_get_member (json_node_get_object (root), "Records");

  if (records != NULL && JSON_NODE_HOLDS_ARRAY (records) &&
      json_array_get_length (json_node_get_array (records)) > 0 &&
      is_sqs_record (json_array_get_element (json_node_get_array (records), 0)))
    {
      JsonArray *array = json_node_get_array (records);
      guint i, n = json_array_get_length (array);

      for (i = 0; i < n; i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          g_autofree char *path = g_strdup_printf ("$.Records[%u]", i);

          if (!is_sqs_record (element))
            {
              malformed (error, path, _("is not an SQS record, unlike the first one"));
              return NULL;
            }
          if (!parse_sqs_record (json_node_get_object (element), path, messages, error))
            return NULL;
        }
      if (kind != NULL)
        *kind = IMGPROC_LAMBDA_EVENT_KIND_SQS_BATCH;
      return g_steal_pointer (&messages);
    }

  {
    g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) imgproc_object_event_unref);
    g_autofree char *body = g_strndup (event, size);

    if (!parse_root (self, root, IMGPROC_EVENT_ORIGIN_S3, 0, events, error))
      return NULL;
    g_ptr_array_add (messages, imgproc_queue_message_new (NULL, NULL, body, 0));
  }
  if (kind != NULL)
    *kind = IMGPROC_LAMBDA_EVENT_KIND_DIRECT;
  return g_steal_pointer (&messages);
}
