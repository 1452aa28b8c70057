/* A received SQS message, read from the JSON protocol's answer. The body's
 * MD5 is checked, as the AWS SDKs do. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-private.h"
#include "imgproc-sqs-private.h"

struct _ImgprocSqsMessage
{
  gatomicrefcount ref_count;
  char *message_id;
  char *receipt_handle;
  char *body;
  GHashTable *attributes;
  GHashTable *message_attributes;
};

G_DEFINE_BOXED_TYPE (ImgprocSqsMessage, imgproc_sqs_message,
                     imgproc_sqs_message_ref, imgproc_sqs_message_unref)

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

ImgprocSqsMessage *
imgproc_sqs_message_new_from_json (JsonObject  *object,
                                   GError     **error)
{
  g_autoptr(ImgprocSqsMessage) self = g_new0 (ImgprocSqsMessage, 1);
  const char *md5 = string_member (object, "MD5OfBody");
  JsonObject *attributes = object_member (object, "Attributes");
  JsonObject *message_attributes = object_member (object, "MessageAttributes");

  imgproc_ensure_i18n ();

  g_atomic_ref_count_init (&self->ref_count);
  self->message_id = g_strdup (string_member (object, "MessageId"));
  self->receipt_handle = g_strdup (string_member (object, "ReceiptHandle"));
  self->body = g_strdup (string_member (object, "Body"));
  self->attributes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->message_attributes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (self->receipt_handle == NULL || self->body == NULL)
    {
      g_set_error_literal (error, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_INVALID_RESPONSE,
                           _("SQS sent a message without a body or receipt handle"));
      return NULL;
    }
  if (md5 != NULL)
    {
      g_autofree char *actual = g_compute_checksum_for_string (G_CHECKSUM_MD5, self->body, -1);
      if (g_ascii_strcasecmp (actual, md5) != 0)
        {
          g_set_error (error, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_CHECKSUM_MISMATCH,
                       _("The body of SQS message %s does not match its MD5"), self->message_id);
          return NULL;
        }
    }

  if (attributes != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, attributes);
      while (json_object_iter_next (&iter, &name, &value))
        if (JSON_NODE_HOLDS_VALUE (value))
          g_hash_table_insert (self->attributes, g_strdup (name), json_node_dup_string (value));
    }
  if (message_attributes != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, message_attributes);
      while (json_object_iter_next (&iter, &name, &value))
        {
          JsonObject *attribute = JSON_NODE_HOLDS_OBJECT (value) ? json_node_get_object (value) : NULL;
          const char *text = string_member (attribute, "StringValue");

          if (text == NULL)
            text = string_member (attribute, "BinaryValue");
          if (text != NULL)
            g_hash_table_insert (self->message_attributes, g_strdup (name), g_strdup (text));
        }
    }
  return g_steal_pointer (&self);
}

/**
 * imgproc_sqs_message_ref:
 * @self: the message
 *
 * Takes a reference to @self.
 *
 * Returns: (transfer full): @self
 */
ImgprocSqsMessage *
imgproc_sqs_message_ref (ImgprocSqsMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * imgproc_sqs_message_unref:
 * @self: (transfer full): the message
 *
 * Drops a reference to @self, freeing it with the last one.
 */
void
imgproc_sqs_message_unref (ImgprocSqsMessage *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->message_id);
  g_free (self->receipt_handle);
  g_free (self->body);
  g_clear_pointer (&self->attributes, g_hash_table_unref);
  g_clear_pointer (&self->message_attributes, g_hash_table_unref);
  g_free (self);
}

/**
 * imgproc_sqs_message_get_message_id:
 * @self: the message
 *
 * Gives the id SQS assigned to the message; it stays the same across receives.
 *
 * Returns: (nullable): the message id
 */
const char *
imgproc_sqs_message_get_message_id (const ImgprocSqsMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->message_id;
}

/**
 * imgproc_sqs_message_get_receipt_handle:
 * @self: the message
 *
 * Gives the handle of this receive, which deletes the message or changes its
 * visibility. Each receive gets a new one; use the latest.
 *
 * Returns: the receipt handle
 */
const char *
imgproc_sqs_message_get_receipt_handle (const ImgprocSqsMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->receipt_handle;
}

/**
 * imgproc_sqs_message_get_body:
 * @self: the message
 *
 * Gives the message's body, whose MD5 has been checked.
 *
 * Returns: the body
 */
const char *
imgproc_sqs_message_get_body (const ImgprocSqsMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->body;
}

/**
 * imgproc_sqs_message_get_receive_count:
 * @self: the message
 *
 * Tells how many times the message has been received, this time included
 * (the `ApproximateReceiveCount` attribute).
 *
 * Returns: the receive count, or 0 if SQS did not say
 */
guint
imgproc_sqs_message_get_receive_count (const ImgprocSqsMessage *self)
{
  const char *count;
  guint64 value = 0;

  g_return_val_if_fail (self != NULL, 0);

  count = g_hash_table_lookup (self->attributes, "ApproximateReceiveCount");
  if (count == NULL || !g_ascii_string_to_unsigned (count, 10, 0, G_MAXUINT, &value, NULL))
    return 0;
  return (guint) value;
}

/**
 * imgproc_sqs_message_get_attribute:
 * @self: the message
 * @name: a system attribute name, such as `SentTimestamp`
 *
 * Looks up one system attribute.
 *
 * Returns: (nullable): the attribute's value, or %NULL if absent
 */
const char *
imgproc_sqs_message_get_attribute (const ImgprocSqsMessage *self,
                                   const char              *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return g_hash_table_lookup (self->attributes, name);
}

/**
 * imgproc_sqs_message_get_attributes:
 * @self: the message
 *
 * Gives all the system attributes SQS sent.
 *
 * Returns: (transfer none) (element-type utf8 utf8): the system attributes
 */
GHashTable *
imgproc_sqs_message_get_attributes (const ImgprocSqsMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->attributes;
}

/**
 * imgproc_sqs_message_get_message_attribute:
 * @self: the message
 * @name: a message attribute name
 *
 * Looks up one message attribute: its `StringValue`, or for a binary attribute
 * its `BinaryValue` in base64.
 *
 * Returns: (nullable): the attribute's value, or %NULL if absent
 */
const char *
imgproc_sqs_message_get_message_attribute (const ImgprocSqsMessage *self,
                                           const char              *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return g_hash_table_lookup (self->message_attributes, name);
}

/**
 * imgproc_sqs_message_get_message_attributes:
 * @self: the message
 *
 * Gives all the message attributes, as for
 * [method@Imgproc.SqsMessage.get_message_attribute].
 *
 * Returns: (transfer none) (element-type utf8 utf8): the message attributes
 */
GHashTable *
imgproc_sqs_message_get_message_attributes (const ImgprocSqsMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->message_attributes;
}
