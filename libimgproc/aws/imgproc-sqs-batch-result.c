/* The per-entry outcome of an SQS batch call. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-sqs-private.h"

typedef struct
{
  guint index;
  char *message_id;
  char *code;
  char *message;
  gboolean sender_fault;
} Entry;

struct _ImgprocSqsBatchResult
{
  gatomicrefcount ref_count;
  GArray *successful;
  GArray *failed;
};

G_DEFINE_BOXED_TYPE (ImgprocSqsBatchResult, imgproc_sqs_batch_result,
                     imgproc_sqs_batch_result_ref, imgproc_sqs_batch_result_unref)

static void
entry_clear (Entry *entry)
{
  g_free (entry->message_id);
  g_free (entry->code);
  g_free (entry->message);
}

static char *
dup_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_dup_string (node);
}

static void
read_entries (JsonObject *object,
              const char *member,
              GArray     *entries)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *item;
      g_autofree char *id = NULL;
      guint64 index;
      Entry entry = { 0 };

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      item = json_node_get_object (element);
      id = dup_string_member (item, "Id");
      if (id == NULL || !g_ascii_string_to_unsigned (id, 10, 0, G_MAXUINT, &index, NULL))
        continue;
      entry.index = (guint) index;
      entry.message_id = dup_string_member (item, "MessageId");
      entry.code = dup_string_member (item, "Code");
      entry.message = dup_string_member (item, "Message");
      entry.sender_fault = json_object_get_boolean_member_with_default (item, "SenderFault", FALSE);
      g_array_append_val (entries, entry);
    }
}

ImgprocSqsBatchResult *
imgproc_sqs_batch_result_new_from_json (JsonObject *object)
{
  ImgprocSqsBatchResult *self = g_new0 (ImgprocSqsBatchResult, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->successful = g_array_new (FALSE, TRUE, sizeof (Entry));
  self->failed = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (self->successful, (GDestroyNotify) entry_clear);
  g_array_set_clear_func (self->failed, (GDestroyNotify) entry_clear);
  read_entries (object, "Successful", self->successful);
  read_entries (object, "Failed", self->failed);
  return self;
}

/**
 * imgproc_sqs_batch_result_ref:
 * @self: the result
 *
 * Takes a reference to @self.
 *
 * Returns: (transfer full): @self
 */
ImgprocSqsBatchResult *
imgproc_sqs_batch_result_ref (ImgprocSqsBatchResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * imgproc_sqs_batch_result_unref:
 * @self: (transfer full): the result
 *
 * Drops a reference to @self, freeing it with the last one.
 */
void
imgproc_sqs_batch_result_unref (ImgprocSqsBatchResult *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_array_unref (self->successful);
  g_array_unref (self->failed);
  g_free (self);
}

/**
 * imgproc_sqs_batch_result_get_n_successful:
 * @self: the result
 *
 * Counts the entries that succeeded.
 *
 * Returns: the number of successful entries
 */
guint
imgproc_sqs_batch_result_get_n_successful (const ImgprocSqsBatchResult *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->successful->len;
}

/**
 * imgproc_sqs_batch_result_get_successful_index:
 * @self: the result
 * @i: which successful entry, below [method@Imgproc.SqsBatchResult.get_n_successful]
 *
 * Tells which request entry the @i-th success belongs to.
 *
 * Returns: the entry's position in the request, from 0
 */
guint
imgproc_sqs_batch_result_get_successful_index (const ImgprocSqsBatchResult *self,
                                               guint                        i)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (i < self->successful->len, 0);
  return g_array_index (self->successful, Entry, i).index;
}

/**
 * imgproc_sqs_batch_result_get_message_id:
 * @self: the result
 * @i: which successful entry
 *
 * Gives the id of the message the @i-th success of a SendMessageBatch sent.
 *
 * Returns: (nullable): the message id; %NULL for other batch calls
 */
const char *
imgproc_sqs_batch_result_get_message_id (const ImgprocSqsBatchResult *self,
                                         guint                        i)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (i < self->successful->len, NULL);
  return g_array_index (self->successful, Entry, i).message_id;
}

/**
 * imgproc_sqs_batch_result_get_n_failed:
 * @self: the result
 *
 * Counts the entries that failed.
 *
 * Returns: the number of failed entries
 */
guint
imgproc_sqs_batch_result_get_n_failed (const ImgprocSqsBatchResult *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->failed->len;
}

/**
 * imgproc_sqs_batch_result_get_failed_index:
 * @self: the result
 * @i: which failed entry, below [method@Imgproc.SqsBatchResult.get_n_failed]
 *
 * Tells which request entry the @i-th failure belongs to.
 *
 * Returns: the entry's position in the request, from 0
 */
guint
imgproc_sqs_batch_result_get_failed_index (const ImgprocSqsBatchResult *self,
                                           guint                        i)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (i < self->failed->len, 0);
  return g_array_index (self->failed, Entry, i).index;
}

/**
 * imgproc_sqs_batch_result_get_failed_code:
 * @self: the result
 * @i: which failed entry
 *
 * Gives the AWS error code of the @i-th failure, such as
 * `ReceiptHandleIsInvalid`.
 *
 * Returns: (nullable): the error code
 */
const char *
imgproc_sqs_batch_result_get_failed_code (const ImgprocSqsBatchResult *self,
                                          guint                        i)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (i < self->failed->len, NULL);
  return g_array_index (self->failed, Entry, i).code;
}

/**
 * imgproc_sqs_batch_result_get_failed_message:
 * @self: the result
 * @i: which failed entry
 *
 * Gives the service's explanation of the @i-th failure.
 *
 * Returns: (nullable): the error message
 */
const char *
imgproc_sqs_batch_result_get_failed_message (const ImgprocSqsBatchResult *self,
                                             guint                        i)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (i < self->failed->len, NULL);
  return g_array_index (self->failed, Entry, i).message;
}

/**
 * imgproc_sqs_batch_result_get_failed_sender_fault:
 * @self: the result
 * @i: which failed entry
 *
 * Tells whether the @i-th failure was the caller's fault; entries that were
 * not may succeed when sent again.
 *
 * Returns: %TRUE if the entry itself was wrong
 */
gboolean
imgproc_sqs_batch_result_get_failed_sender_fault (const ImgprocSqsBatchResult *self,
                                                  guint                        i)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (i < self->failed->len, FALSE);
  return g_array_index (self->failed, Entry, i).sender_fault;
}
