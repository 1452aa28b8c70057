/* An immutable, reference-counted object record of an S3 event. */
#include "config.h"

#include "imgproc.h"

#include <json-glib/json-glib.h>
#include <string.h>

struct _ImgprocObjectEvent
{
  gatomicrefcount ref_count;
  ImgprocObjectEventKind kind;
  ImgprocEventOrigin origin;
  char *event_name;
  char *bucket;
  char *key;
  gint64 size;
  char *etag;
  char *sequencer;
  char *version_id;
  char *event_time;
};

G_DEFINE_BOXED_TYPE (ImgprocObjectEvent, imgproc_object_event,
                     imgproc_object_event_ref, imgproc_object_event_unref)

/**
 * imgproc_object_event_new:
 * @kind: what happened to the object
 * @origin: the envelope the event arrived in
 * @event_name: the S3 event name, such as "ObjectCreated:Put"
 * @bucket: the bucket name
 * @key: (nullable): the decoded object key; %NULL only for a test event
 * @size: the object size in bytes, or -1 when the event does not give it
 * @etag: (nullable): the object's ETag, without quotes
 * @sequencer: (nullable): the S3 sequencer, which orders events of one key
 * @version_id: (nullable): the object version, on versioned buckets
 * @event_time: (nullable): when the event happened, in ISO 8601
 *
 * Makes an object event. The parser makes them from notifications; callers
 * make them to enqueue synthetic events, as a backfill does.
 *
 * Returns: (transfer full): a new object event
 */
ImgprocObjectEvent *
imgproc_object_event_new (ImgprocObjectEventKind  kind,
                          ImgprocEventOrigin      origin,
                          const char             *event_name,
                          const char             *bucket,
                          const char             *key,
                          gint64                  size,
                          const char             *etag,
                          const char             *sequencer,
                          const char             *version_id,
                          const char             *event_time)
{
  ImgprocObjectEvent *self;

  g_return_val_if_fail (event_name != NULL, NULL);
  g_return_val_if_fail (bucket != NULL, NULL);
  g_return_val_if_fail (key != NULL || kind == IMGPROC_OBJECT_EVENT_KIND_TEST, NULL);

  self = g_new0 (ImgprocObjectEvent, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->kind = kind;
  self->origin = origin;
  self->event_name = g_strdup (event_name);
  self->bucket = g_strdup (bucket);
  self->key = g_strdup (key);
  self->size = size < 0 ? -1 : size;
  self->etag = g_strdup (etag);
  self->sequencer = g_strdup (sequencer);
  self->version_id = g_strdup (version_id);
  self->event_time = g_strdup (event_time);
  return self;
}

/**
 * imgproc_object_event_ref:
 * @self: an object event
 *
 * Takes a reference to @self.
 *
 * Returns: (transfer full): @self
 */
ImgprocObjectEvent *
imgproc_object_event_ref (ImgprocObjectEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * imgproc_object_event_unref:
 * @self: (transfer full): an object event
 *
 * Drops a reference to @self, and frees it with the last one.
 */
void
imgproc_object_event_unref (ImgprocObjectEvent *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->event_name);
      g_free (self->bucket);
      g_free (self->key);
      g_free (self->etag);
      g_free (self->sequencer);
      g_free (self->version_id);
      g_free (self->event_time);
      g_free (self);
    }
}

/**
 * imgproc_object_event_get_kind:
 * @self: an object event
 *
 * Tells what happened to the object: the guard acts only on creations, and on
 * removals when renditions of removed sources are deleted.
 *
 * Returns: the kind of event
 */
ImgprocObjectEventKind
imgproc_object_event_get_kind (const ImgprocObjectEvent *self)
{
  g_return_val_if_fail (self != NULL, IMGPROC_OBJECT_EVENT_KIND_OTHER);
  return self->kind;
}

/**
 * imgproc_object_event_get_origin:
 * @self: an object event
 *
 * Tells which envelope the event arrived in, for logs.
 *
 * Returns: the origin of the event
 */
ImgprocEventOrigin
imgproc_object_event_get_origin (const ImgprocObjectEvent *self)
{
  g_return_val_if_fail (self != NULL, IMGPROC_EVENT_ORIGIN_S3);
  return self->origin;
}

/**
 * imgproc_object_event_get_event_name:
 * @self: an object event
 *
 * Gives the event name as S3 wrote it, without the `s3:` prefix some
 * emulators add: "ObjectCreated:Put", "ObjectRemoved:Delete", "TestEvent", or
 * the EventBridge detail type such as "Object Created".
 *
 * Returns: (transfer none): the event name
 */
const char *
imgproc_object_event_get_event_name (const ImgprocObjectEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->event_name;
}

/**
 * imgproc_object_event_get_bucket:
 * @self: an object event
 *
 * Gives the name of the bucket the object lives in.
 *
 * Returns: (transfer none): the bucket name
 */
const char *
imgproc_object_event_get_bucket (const ImgprocObjectEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->bucket;
}

/**
 * imgproc_object_event_get_key:
 * @self: an object event
 *
 * Gives the object key, already form-URL-decoded: the key to pass to S3.
 *
 * Returns: (transfer none) (nullable): the key, or %NULL for a test event
 */
const char *
imgproc_object_event_get_key (const ImgprocObjectEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->key;
}

/**
 * imgproc_object_event_get_size:
 * @self: an object event
 *
 * Gives the object size the event announced. Removals carry no size.
 *
 * Returns: the size in bytes, or -1 when unknown
 */
gint64
imgproc_object_event_get_size (const ImgprocObjectEvent *self)
{
  g_return_val_if_fail (self != NULL, -1);
  return self->size;
}

/**
 * imgproc_object_event_get_etag:
 * @self: an object event
 *
 * Gives the object's ETag without surrounding quotes.
 *
 * Returns: (transfer none) (nullable): the ETag, or %NULL when absent
 */
const char *
imgproc_object_event_get_etag (const ImgprocObjectEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->etag;
}

/**
 * imgproc_object_event_get_sequencer:
 * @self: an object event
 *
 * Gives the S3 sequencer: a hexadecimal string that orders the events of one
 * key. Compare two with [func@Imgproc.ObjectEvent.compare_sequencers].
 *
 * Returns: (transfer none) (nullable): the sequencer, or %NULL when absent
 */
const char *
imgproc_object_event_get_sequencer (const ImgprocObjectEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->sequencer;
}

/**
 * imgproc_object_event_get_version_id:
 * @self: an object event
 *
 * Gives the object version id, which only versioned buckets have.
 *
 * Returns: (transfer none) (nullable): the version id, or %NULL
 */
const char *
imgproc_object_event_get_version_id (const ImgprocObjectEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->version_id;
}

/**
 * imgproc_object_event_get_event_time:
 * @self: an object event
 *
 * Gives the time of the event as the notification wrote it (ISO 8601, UTC).
 *
 * Returns: (transfer none) (nullable): the event time, or %NULL
 */
const char *
imgproc_object_event_get_event_time (const ImgprocObjectEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->event_time;
}

/**
 * imgproc_object_event_compare_sequencers:
 * @a: (nullable): a sequencer
 * @b: (nullable): another sequencer
 *
 * Orders two S3 sequencers of the same key. Sequencers are hexadecimal
 * numbers of varying length: the shorter one is left-padded with zeros, which
 * is what a numeric comparison does. A missing sequencer sorts before any
 * present one, so an event that has one always wins over a record without.
 *
 * Returns: a negative number if @a is older than @b, zero if they are equal,
 *   a positive number if @a is newer
 */
int
imgproc_object_event_compare_sequencers (const char *a,
                                         const char *b)
{
  size_t len_a, len_b;

  if (a == NULL || *a == '\0')
    return (b == NULL || *b == '\0') ? 0 : -1;
  if (b == NULL || *b == '\0')
    return 1;

  /* Leading zeros do not change the number. */
  while (*a == '0' && a[1] != '\0')
    a++;
  while (*b == '0' && b[1] != '\0')
    b++;

  len_a = strlen (a);
  len_b = strlen (b);
  if (len_a != len_b)
    return len_a < len_b ? -1 : 1;

  for (; *a != '\0'; a++, b++)
    {
      int da = g_ascii_xdigit_value (*a);
      int db = g_ascii_xdigit_value (*b);

      if (da != db)
        return da < db ? -1 : 1;
    }
  return 0;
}

/* S3 writes keys form-URL-encoded: a space becomes '+', and every byte
 * outside the unreserved set and '/' becomes %XX. */
static char *
form_url_encode (const char *key)
{
  GString *out = g_string_sized_new (strlen (key) + 16);
  const guchar *p;

  for (p = (const guchar *) key; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p) || strchr ("-_.~/", *p) != NULL)
        g_string_append_c (out, *p);
      else if (*p == ' ')
        g_string_append_c (out, '+');
      else
        g_string_append_printf (out, "%%%02X", *p);
    }
  return g_string_free (out, FALSE);
}

/**
 * imgproc_object_event_to_s3_notification:
 * @self: an object event that is not a test event
 *
 * Writes @self as an S3 event notification with one record, the body S3
 * sends to SQS, with the key form-URL-encoded as S3 does. A backfill enqueues
 * these for objects that existed before the notification did; parsing the
 * result gives back an equal event.
 *
 * Returns: (transfer full): the JSON text of the notification
 */
char *
imgproc_object_event_to_s3_notification (const ImgprocObjectEvent *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *encoded_key = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->key != NULL, NULL);

  encoded_key = form_url_encode (self->key);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "Records");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "eventVersion");
  json_builder_add_string_value (builder, "2.1");
  json_builder_set_member_name (builder, "eventSource");
  json_builder_add_string_value (builder, "aws:s3");
  if (self->event_time != NULL)
    {
      json_builder_set_member_name (builder, "eventTime");
      json_builder_add_string_value (builder, self->event_time);
    }
  json_builder_set_member_name (builder, "eventName");
  json_builder_add_string_value (builder, self->event_name);
  json_builder_set_member_name (builder, "s3");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "s3SchemaVersion");
  json_builder_add_string_value (builder, "1.0");
  json_builder_set_member_name (builder, "bucket");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, self->bucket);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "object");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "key");
  json_builder_add_string_value (builder, encoded_key);
  if (self->size >= 0)
    {
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, self->size);
    }
  if (self->etag != NULL)
    {
      json_builder_set_member_name (builder, "eTag");
      json_builder_add_string_value (builder, self->etag);
    }
  if (self->version_id != NULL)
    {
      json_builder_set_member_name (builder, "versionId");
      json_builder_add_string_value (builder, self->version_id);
    }
  if (self->sequencer != NULL)
    {
      json_builder_set_member_name (builder, "sequencer");
      json_builder_add_string_value (builder, self->sequencer);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}
