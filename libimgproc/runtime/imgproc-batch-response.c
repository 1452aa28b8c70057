/* Builds {"batchItemFailures":[{"itemIdentifier":…}]}. Records of a batch are
 * processed concurrently, so failures may be added from any thread. */
#include "config.h"

#include "imgproc.h"

#include <json-glib/json-glib.h>
#include <string.h>

struct _ImgprocBatchResponse
{
  GObject parent_instance;

  GMutex lock;
  GPtrArray *failures;
};

G_DEFINE_FINAL_TYPE (ImgprocBatchResponse, imgproc_batch_response, G_TYPE_OBJECT)

static void
imgproc_batch_response_finalize (GObject *object)
{
  ImgprocBatchResponse *self = IMGPROC_BATCH_RESPONSE (object);

  g_ptr_array_unref (self->failures);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (imgproc_batch_response_parent_class)->finalize (object);
}

static void
imgproc_batch_response_class_init (ImgprocBatchResponseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = imgproc_batch_response_finalize;
}

static void
imgproc_batch_response_init (ImgprocBatchResponse *self)
{
  g_mutex_init (&self->lock);
  self->failures = g_ptr_array_new_with_free_func (g_free);
}

/**
 * imgproc_batch_response_new:
 *
 * Makes an empty batch response: every message succeeded until a failure is
 * added.
 *
 * Returns: (transfer full): a new batch response
 */
ImgprocBatchResponse *
imgproc_batch_response_new (void)
{
  return g_object_new (IMGPROC_TYPE_BATCH_RESPONSE, NULL);
}

/**
 * imgproc_batch_response_add_failure:
 * @self: a batch response
 * @message_id: the `messageId` of a message that failed
 *
 * Marks a message as failed, so that SQS delivers it again (and, after
 * `maxReceiveCount` deliveries, moves it to the dead-letter queue). Adding
 * the same id twice lists it once. The id must not be empty: Lambda fails the
 * whole batch for an empty identifier. Safe to call from any thread.
 */
void
imgproc_batch_response_add_failure (ImgprocBatchResponse *self,
                                    const char           *message_id)
{
  guint i;

  g_return_if_fail (IMGPROC_IS_BATCH_RESPONSE (self));
  g_return_if_fail (message_id != NULL && *message_id != '\0');

  g_mutex_lock (&self->lock);
  for (i = 0; i < self->failures->len; i++)
    if (g_str_equal (g_ptr_array_index (self->failures, i), message_id))
      break;
  if (i == self->failures->len)
    g_ptr_array_add (self->failures, g_strdup (message_id));
  g_mutex_unlock (&self->lock);
}

/**
 * imgproc_batch_response_get_n_failures:
 * @self: a batch response
 *
 * Counts the failed messages.
 *
 * Returns: the number of distinct failed message ids
 */
guint
imgproc_batch_response_get_n_failures (ImgprocBatchResponse *self)
{
  guint n;

  g_return_val_if_fail (IMGPROC_IS_BATCH_RESPONSE (self), 0);

  g_mutex_lock (&self->lock);
  n = self->failures->len;
  g_mutex_unlock (&self->lock);
  return n;
}

/**
 * imgproc_batch_response_list_failures:
 * @self: a batch response
 *
 * Lists the failed message ids in the order they were added.
 *
 * Returns: (transfer full) (array zero-terminated=1): the message ids
 */
char **
imgproc_batch_response_list_failures (ImgprocBatchResponse *self)
{
  char **ids;
  guint i;

  g_return_val_if_fail (IMGPROC_IS_BATCH_RESPONSE (self), NULL);

  g_mutex_lock (&self->lock);
  ids = g_new0 (char *, self->failures->len + 1);
  for (i = 0; i < self->failures->len; i++)
    ids[i] = g_strdup (g_ptr_array_index (self->failures, i));
  g_mutex_unlock (&self->lock);
  return ids;
}

/**
 * imgproc_batch_response_to_json:
 * @self: a batch response
 *
 * Writes the response Lambda expects from a function whose SQS event source
 * mapping reports batch item failures:
 * `{"batchItemFailures":[{"itemIdentifier":"<messageId>"},…]}`, with an
 * empty list when every message succeeded.
 *
 * Returns: (transfer full): the JSON text
 */
char *
imgproc_batch_response_to_json (ImgprocBatchResponse *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  guint i;

  g_return_val_if_fail (IMGPROC_IS_BATCH_RESPONSE (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "batchItemFailures");
  json_builder_begin_array (builder);
  g_mutex_lock (&self->lock);
  for (i = 0; i < self->failures->len; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "itemIdentifier");
      json_builder_add_string_value (builder, g_ptr_array_index (self->failures, i));
      json_builder_end_object (builder);
    }
  g_mutex_unlock (&self->lock);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/**
 * imgproc_batch_response_to_bytes:
 * @self: a batch response
 *
 * Gives [method@Imgproc.BatchResponse.to_json] as bytes, ready for
 * [method@Imgproc.LambdaRuntime.respond_async].
 *
 * Returns: (transfer full): the JSON bytes
 */
GBytes *
imgproc_batch_response_to_bytes (ImgprocBatchResponse *self)
{
  char *json;
  gsize length;

  g_return_val_if_fail (IMGPROC_IS_BATCH_RESPONSE (self), NULL);

  json = imgproc_batch_response_to_json (self);
  length = strlen (json);
  return g_bytes_new_take (json, length);
}
