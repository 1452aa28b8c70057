/* An immutable, reference-counted queue message. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-queue-message-private.h"

#include <string.h>

struct _ImgprocQueueMessage
{
  gatomicrefcount ref_count;
  char *message_id;
  char *receipt_handle;
  char *body;
  guint receive_count;
  char *event_source_arn;
  char *trace_header;
  GHashTable *attributes;
};

G_DEFINE_BOXED_TYPE (ImgprocQueueMessage, imgproc_queue_message,
                     imgproc_queue_message_ref, imgproc_queue_message_unref)

/**
 * imgproc_queue_message_new:
 * @message_id: (nullable): the SQS message id, or %NULL for a direct invocation
 * @receipt_handle: (nullable): the receipt handle that deletes the message
 * @body: the message body
 * @receive_count: how many times SQS has delivered the message (1 the first
 *   time), or 0 when unknown
 *
 * Makes a queue message. The event parser makes them from Lambda events; the
 * SQS daemon makes them from ReceiveMessage.
 *
 * Returns: (transfer full): a new queue message
 */
ImgprocQueueMessage *
imgproc_queue_message_new (const char *message_id,
                           const char *receipt_handle,
                           const char *body,
                           guint       receive_count)
{
  ImgprocQueueMessage *self;

  g_return_val_if_fail (body != NULL, NULL);

  self = g_new0 (ImgprocQueueMessage, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->message_id = g_strdup (message_id);
  self->receipt_handle = g_strdup (receipt_handle);
  self->body = g_strdup (body);
  self->receive_count = receive_count;
  self->attributes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

/* Only before the message is shared: it is immutable afterwards. */
void
imgproc_queue_message_set_source (ImgprocQueueMessage *self,
                                  const char          *event_source_arn,
                                  const char          *trace_header)
{
  g_free (self->event_source_arn);
  self->event_source_arn = g_strdup (event_source_arn);
  g_free (self->trace_header);
  self->trace_header = g_strdup (trace_header);
}

void
imgproc_queue_message_take_attribute (ImgprocQueueMessage *self,
                                      char                *name,
                                      char                *string_value)
{
  g_hash_table_replace (self->attributes, name, string_value);
}

/**
 * imgproc_queue_message_ref:
 * @self: a queue message
 *
 * Takes a reference to @self.
 *
 * Returns: (transfer full): @self
 */
ImgprocQueueMessage *
imgproc_queue_message_ref (ImgprocQueueMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * imgproc_queue_message_unref:
 * @self: (transfer full): a queue message
 *
 * Drops a reference to @self, and frees it with the last one.
 */
void
imgproc_queue_message_unref (ImgprocQueueMessage *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->message_id);
      g_free (self->receipt_handle);
      g_free (self->body);
      g_free (self->event_source_arn);
      g_free (self->trace_header);
      g_hash_table_unref (self->attributes);
      g_free (self);
    }
}

/**
 * imgproc_queue_message_get_message_id:
 * @self: a queue message
 *
 * Gives the SQS message id: the `itemIdentifier` of a batch item failure.
 *
 * Returns: (transfer none) (nullable): the id, or %NULL for a direct invocation
 */
const char *
imgproc_queue_message_get_message_id (const ImgprocQueueMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->message_id;
}

/**
 * imgproc_queue_message_get_receipt_handle:
 * @self: a queue message
 *
 * Gives the receipt handle, which deletes the message or changes its
 * visibility.
 *
 * Returns: (transfer none) (nullable): the receipt handle, or %NULL
 */
const char *
imgproc_queue_message_get_receipt_handle (const ImgprocQueueMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->receipt_handle;
}

/**
 * imgproc_queue_message_get_body:
 * @self: a queue message
 *
 * Gives the message body: the event notification to parse.
 *
 * Returns: (transfer none): the body
 */
const char *
imgproc_queue_message_get_body (const ImgprocQueueMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->body;
}

/**
 * imgproc_queue_message_get_receive_count:
 * @self: a queue message
 *
 * Gives `ApproximateReceiveCount`: how many times SQS delivered the message.
 * The DynamoDB record stores it as the number of attempts.
 *
 * Returns: the receive count, or 0 when unknown
 */
guint
imgproc_queue_message_get_receive_count (const ImgprocQueueMessage *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->receive_count;
}

/**
 * imgproc_queue_message_get_event_source_arn:
 * @self: a queue message
 *
 * Gives the ARN of the queue the message came from.
 *
 * Returns: (transfer none) (nullable): the queue ARN, or %NULL
 */
const char *
imgproc_queue_message_get_event_source_arn (const ImgprocQueueMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->event_source_arn;
}

/**
 * imgproc_queue_message_get_trace_header:
 * @self: a queue message
 *
 * Gives the `AWSTraceHeader` system attribute: the X-Ray trace the message
 * was sent under.
 *
 * Returns: (transfer none) (nullable): the trace header, or %NULL
 */
const char *
imgproc_queue_message_get_trace_header (const ImgprocQueueMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->trace_header;
}

/**
 * imgproc_queue_message_get_attribute:
 * @self: a queue message
 * @name: a message attribute name
 *
 * Gives the string value of a message attribute (String and Number
 * attributes; binary ones are not kept).
 *
 * Returns: (transfer none) (nullable): the value, or %NULL when absent
 */
const char *
imgproc_queue_message_get_attribute (const ImgprocQueueMessage *self,
                                     const char                *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return g_hash_table_lookup (self->attributes, name);
}

static int
compare_names (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/**
 * imgproc_queue_message_list_attributes:
 * @self: a queue message
 *
 * Lists the names of the message attributes that have a string value.
 *
 * Returns: (transfer full) (array zero-terminated=1): the sorted names
 */
char **
imgproc_queue_message_list_attributes (const ImgprocQueueMessage *self)
{
  g_autofree const char **keys = NULL;
  guint n = 0;
  char **names;
  guint i;

  g_return_val_if_fail (self != NULL, NULL);

  keys = (const char **) g_hash_table_get_keys_as_array (self->attributes, &n);
  names = g_new0 (char *, n + 1);
  for (i = 0; i < n; i++)
    names[i] = g_strdup (keys[i]);
  g_qsort_with_data (names, n, sizeof (char *), compare_names, NULL);
  return names;
}
