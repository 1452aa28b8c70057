/* The SQS client, over the AWS JSON 1.0 protocol. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-private.h"
#include "imgproc-aws-clients-private.h"
#include "imgproc-sqs-private.h"

/**
 * ImgprocSqsClient:
 *
 * A client of SQS over the AWS JSON 1.0 protocol: ReceiveMessage with long
 * polling, DeleteMessage, ChangeMessageVisibility and SendMessage (each also
 * in batches of up to ten, with per-entry results), GetQueueAttributes and
 * GetQueueUrl. Every call is retried per the AWS "standard" mode; failures
 * are in the %IMGPROC_AWS_ERROR domain.
 */
struct _ImgprocSqsClient
{
  GObject parent_instance;

  ImgprocAwsClientSettings settings;
  ImgprocAwsClient *http;
};

G_DEFINE_FINAL_TYPE (ImgprocSqsClient, imgproc_sqs_client, G_TYPE_OBJECT)

static void
imgproc_sqs_client_constructed (GObject *object)
{
  ImgprocSqsClient *self = IMGPROC_SQS_CLIENT (object);

  G_OBJECT_CLASS (imgproc_sqs_client_parent_class)->constructed (object);

  self->http = imgproc_aws_client_new_from_settings (&self->settings, "sqs", IMGPROC_SIGNER_FLAGS_NONE);
}

static void
imgproc_sqs_client_finalize (GObject *object)
{
  ImgprocSqsClient *self = IMGPROC_SQS_CLIENT (object);

  imgproc_aws_client_settings_clear (&self->settings);
  g_clear_pointer (&self->http, imgproc_aws_client_unref);

  G_OBJECT_CLASS (imgproc_sqs_client_parent_class)->finalize (object);
}

static void
imgproc_sqs_client_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ImgprocSqsClient *self = IMGPROC_SQS_CLIENT (object);

  if (!imgproc_aws_client_settings_get_property (&self->settings, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
imgproc_sqs_client_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ImgprocSqsClient *self = IMGPROC_SQS_CLIENT (object);

  if (!imgproc_aws_client_settings_set_property (&self->settings, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
imgproc_sqs_client_class_init (ImgprocSqsClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = imgproc_sqs_client_constructed;
  object_class->finalize = imgproc_sqs_client_finalize;
  object_class->get_property = imgproc_sqs_client_get_property;
  object_class->set_property = imgproc_sqs_client_set_property;

  /**
   * ImgprocSqsClient:config:
   *
   * The region, endpoint, retry and TLS settings.
   */
  /**
   * ImgprocSqsClient:credentials-provider:
   *
   * Where the credentials come from; when not set, the configuration's
   * default chain.
   */
  /**
   * ImgprocSqsClient:connect-timeout:
   *
   * How long to wait for a connection, in seconds; 0 waits for ever.
   */
  /**
   * ImgprocSqsClient:timeout:
   *
   * How long an answer may take once the request is sent, in seconds; 0 waits
   * for ever.
   */

  imgproc_aws_client_install_properties (object_class);
}

static void
imgproc_sqs_client_init (ImgprocSqsClient *self)
{
  imgproc_aws_client_settings_init (&self->settings);
}

/**
 * imgproc_sqs_client_new:
 * @config: the region, endpoints and retry settings
 * @provider: (nullable): where credentials come from; %NULL for the default
 *   chain of @config
 *
 * Makes an SQS client. It keeps one HTTP session for all its requests, and may
 * be shared by everything that talks to SQS.
 *
 * Returns: (transfer full): a new client
 */
ImgprocSqsClient *
imgproc_sqs_client_new (ImgprocAwsConfig           *config,
                       ImgprocCredentialsProvider *provider)
{
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (provider == NULL || IMGPROC_IS_CREDENTIALS_PROVIDER (provider), NULL);

  return g_object_new (IMGPROC_TYPE_SQS_CLIENT, "config", config, "credentials-provider", provider, NULL);
}

ImgprocAwsClient *
imgproc_sqs_client_get_http (ImgprocSqsClient *self)
{
  return self->http;
}


typedef void (*SqsParseFunc) (GTask *task, JsonObject *result);

typedef struct
{
  SqsParseFunc parse;
} SqsCall;

static void
on_sqs_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  ImgprocSqsClient *self = g_task_get_source_object (task);
  SqsCall *call = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonObject) object = imgproc_aws_client_call_json_finish (self->http, result, &error);

  if (object == NULL)
    g_task_return_error (task, error);
  else
    call->parse (task, object);
  g_object_unref (task);
}

static void
sqs_call (ImgprocSqsClient *self,
          const char       *operation,
          JsonBuilder      *builder,
          guint             extra_timeout_ms,
          SqsParseFunc      parse,
          GTask            *task)
{
  g_autofree char *target = g_strconcat ("AmazonSQS.", operation, NULL);
  SqsCall *call = g_new0 (SqsCall, 1);

  call->parse = parse;
  g_task_set_task_data (task, call, g_free);
  imgproc_aws_client_call_json_async (self->http, target, builder, extra_timeout_ms, FALSE,
                                      g_task_get_cancellable (task), on_sqs_done, task);
}

static void
add_queue_url (JsonBuilder *builder,
               const char  *queue_url)
{
  json_builder_set_member_name (builder, "QueueUrl");
  json_builder_add_string_value (builder, queue_url);
}

static void
parse_true (GTask      *task,
            JsonObject *result)
{
  g_task_return_boolean (task, TRUE);
}

static void
parse_batch (GTask      *task,
             JsonObject *result)
{
  g_task_return_pointer (task, imgproc_sqs_batch_result_new_from_json (result),
                         (GDestroyNotify) imgproc_sqs_batch_result_unref);
}

/* The batch operations differ only in their entries: each has @member set to
 * one of @values and, when @number_member is not %NULL, @number_member set to
 * @number. Entry ids are positions, so that results map back to the caller's
 * array. */
static void
sqs_batch_call (ImgprocSqsClient  *self,
                const char        *operation,
                const char        *queue_url,
                const char        *member,
                const char *const *values,
                const char        *number_member,
                gint64             number,
                GTask             *task)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_queue_url (builder, queue_url);
  json_builder_set_member_name (builder, "Entries");
  json_builder_begin_array (builder);
  for (guint i = 0; values[i] != NULL; i++)
    {
      g_autofree char *id = g_strdup_printf ("%u", i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "Id");
      json_builder_add_string_value (builder, id);
      json_builder_set_member_name (builder, member);
      json_builder_add_string_value (builder, values[i]);
      if (number_member != NULL)
        {
          json_builder_set_member_name (builder, number_member);
          json_builder_add_int_value (builder, number);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  sqs_call (self, operation, builder, 0, parse_batch, task);
}

static void
parse_receive_message (GTask      *task,
                       JsonObject *result)
{
  JsonNode *node = json_object_get_member (result, "Messages");
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) imgproc_sqs_message_unref);
  JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      GError *error = NULL;
      ImgprocSqsMessage *message;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      message = imgproc_sqs_message_new_from_json (json_node_get_object (element), &error);
      if (message == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      g_ptr_array_add (messages, message);
    }
  g_task_return_pointer (task, g_steal_pointer (&messages), (GDestroyNotify) g_ptr_array_unref);
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static void
return_string_member (GTask      *task,
                      JsonObject *result,
                      const char *name)
{
  const char *value = string_member (result, name);

  if (value == NULL)
    g_task_return_new_error (task, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_INVALID_RESPONSE,
                             _("SQS left out %s from its answer"), name);
  else
    g_task_return_pointer (task, g_strdup (value), g_free);
}

static void
parse_send_message (GTask      *task,
                    JsonObject *result)
{
  return_string_member (task, result, "MessageId");
}

static void
parse_queue_url (GTask      *task,
                 JsonObject *result)
{
  return_string_member (task, result, "QueueUrl");
}

static void
parse_queue_attributes (GTask      *task,
                        JsonObject *result)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  JsonNode *node = json_object_get_member (result, "Attributes");

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &value))
        if (JSON_NODE_HOLDS_VALUE (value))
          g_hash_table_insert (attributes, g_strdup (name), json_node_dup_string (value));
    }
  g_task_return_pointer (task, attributes, (GDestroyNotify) g_hash_table_unref);
}

/**
 * imgproc_sqs_client_receive_message_async:
 * @self: the client
 * @queue_url: the queue's URL, as GetQueueUrl or the queue's creator gave
 *   it
 * @max_messages: the most messages to take, 1 to 10
 * @wait_time_seconds: how long to wait for a message (long polling), 0 to
 *   20 seconds
 * @visibility_timeout: how long the messages stay hidden from other
 *   receivers, in seconds; -1 for the queue's setting
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the messages
 * @user_data: data for @callback
 *
 * Receives up to @max_messages messages, waiting up to @wait_time_seconds
 * for the first. Every system attribute and message attribute is asked for;
 * [method@Imgproc.SqsMessage.get_receive_count] tells how often a message
 * was delivered. The answer may take @wait_time_seconds longer than the
 * client's timeout.
 */
void
imgproc_sqs_client_receive_message_async (ImgprocSqsClient    *self,
                                          const char          *queue_url,
                                          guint                max_messages,
                                          guint                wait_time_seconds,
                                          int                  visibility_timeout,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  GTask *task;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_if_fail (IMGPROC_IS_SQS_CLIENT (self));
  g_return_if_fail (queue_url != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, imgproc_sqs_client_receive_message_async);
  json_builder_begin_object (builder);
  add_queue_url (builder, queue_url);
  json_builder_set_member_name (builder, "MaxNumberOfMessages");
  json_builder_add_int_value (builder, CLAMP (max_messages, 1, 10));
  json_builder_set_member_name (builder, "WaitTimeSeconds");
  json_builder_add_int_value (builder, MIN (wait_time_seconds, 20));
  if (visibility_timeout >= 0)
    {
      json_builder_set_member_name (builder, "VisibilityTimeout");
      json_builder_add_int_value (builder, visibility_timeout);
    }
  json_builder_set_member_name (builder, "MessageSystemAttributeNames");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "All");
  json_builder_end_array (builder);
  /* The deprecated name too: servers that predate MessageSystemAttributeNames
   * (local-aws-sqs among them) read only this one. */
  json_builder_set_member_name (builder, "AttributeNames");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "All");
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "MessageAttributeNames");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "All");
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  sqs_call (self, "ReceiveMessage", builder, MIN (wait_time_seconds, 20) * 1000, parse_receive_message, task);
}

/**
 * imgproc_sqs_client_receive_message_finish:
 * @self: the client
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@Imgproc.SqsClient.receive_message_async].
 *
 * Returns: (transfer container) (element-type ImgprocSqsMessage): the
 *   messages, possibly none, or %NULL on error
 */
GPtrArray *
imgproc_sqs_client_receive_message_finish (ImgprocSqsClient  *self,
                                           GAsyncResult      *result,
                                           GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        imgproc_sqs_client_receive_message_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * imgproc_sqs_client_receive_message_sync:
 * @self: the client
 * @queue_url: the queue's URL, as GetQueueUrl or the queue's creator gave
 *   it
 * @max_messages: the most messages to take, 1 to 10
 * @wait_time_seconds: how long to wait for a message (long polling), 0 to
 *   20 seconds
 * @visibility_timeout: how long the messages stay hidden from other
 *   receivers, in seconds; -1 for the queue's setting
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Receives messages, blocking; see
 * [method@Imgproc.SqsClient.receive_message_async].
 *
 * Returns: (transfer container) (element-type ImgprocSqsMessage): the
 *   messages, possibly none, or %NULL on error
 */
GPtrArray *
imgproc_sqs_client_receive_message_sync (ImgprocSqsClient  *self,
                                         const char        *queue_url,
                                         guint              max_messages,
                                         guint              wait_time_seconds,
                                         int                visibility_timeout,
                                         GCancellable      *cancellable,
                                         GError           **error)
{
  ImgprocAwsSyncCall call;
  GPtrArray *result;

  imgproc_aws_sync_call_begin (&call);
  imgproc_sqs_client_receive_message_async (self, queue_url, max_messages, wait_time_seconds,
                                            visibility_timeout, cancellable,
                                            imgproc_aws_sync_call_callback, &call);
  result = imgproc_sqs_client_receive_message_finish (self, imgproc_aws_sync_call_wait (&call),
                                                      error);
  imgproc_aws_sync_call_end (&call);
  return result;
}

/**
 * imgproc_sqs_client_delete_message_async:
 * @self: the client
 * @queue_url: the queue's URL, as GetQueueUrl or the queue's creator gave
 *   it
 * @receipt_handle: the handle from the latest receive of the message
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the message is deleted
 * @user_data: data for @callback
 *
 * Deletes a received message, acknowledging it.
 */
void
imgproc_sqs_client_delete_message_async (ImgprocSqsClient    *self,
                                         const char          *queue_url,
                                         const char          *receipt_handle,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  GTask *task;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_if_fail (IMGPROC_IS_SQS_CLIENT (self));
  g_return_if_fail (queue_url != NULL && receipt_handle != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, imgproc_sqs_client_delete_message_async);
  json_builder_begin_object (builder);
  add_queue_url (builder, queue_url);
  json_builder_set_member_name (builder, "ReceiptHandle");
  json_builder_add_string_value (builder, receipt_handle);
  json_builder_end_object (builder);
  sqs_call (self, "DeleteMessage", builder, 0, parse_true, task);
}

/**
 * imgproc_sqs_client_delete_message_finish:
 * @self: the client
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@Imgproc.SqsClient.delete_message_async].
 *
 * Returns: %TRUE if the message was deleted
 */
gboolean
imgproc_sqs_client_delete_message_finish (ImgprocSqsClient  *self,
                                          GAsyncResult      *result,
                                          GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        imgproc_sqs_client_delete_message_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * imgproc_sqs_client_delete_message_sync:
 * @self: the client
 * @queue_url: the queue's URL, as GetQueueUrl or the queue's creator gave
 *   it
 * @receipt_handle: the handle from the latest receive of the message
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Deletes a message, blocking; see
 * [method@Imgproc.SqsClient.delete_message_async].
 *
 * Returns: %TRUE if the message was deleted
 */
gboolean
imgproc_sqs_client_delete_message_sync (ImgprocSqsClient  *self,
                                        const char        *queue_url,
                                        const char        *receipt_handle,
                                        GCancellable      *cancellable,
                                        GError           **error)
{
  ImgprocAwsSyncCall call;
  gboolean result;

  imgproc_aws_sync_call_begin (&call);
  imgproc_sqs_client_delete_message_async (self, queue_url, receipt_handle, cancellable,
                                           imgproc_aws_sync_call_callback, &call);
  result = imgproc_sqs_client_delete_message_finish (self, imgproc_aws_sync_call_wait (&call),
                                                     error);
  imgproc_aws_sync_call_end (&call);
  return result;
}

/**
 * imgproc_sqs_client_delete_message_batch_async:
 * @self: the client
 * @queue_url: the queue's URL, as GetQueueUrl or the queue's creator gave
 *   it
 * @receipt_handles: (array zero-terminated=1): up to 10 receipt handles
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the outcome of each entry
 * @user_data: data for @callback
 *
 * Deletes up to ten messages in one call. The call succeeds even when some
 * entries fail: look at the result's failures.
 */
void
imgproc_sqs_client_delete_message_batch_async (ImgprocSqsClient    *self,
                                               const char          *queue_url,
                                               const char *const   *receipt_handles,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (IMGPROC_IS_SQS_CLIENT (self));
  g_return_if_fail (queue_url != NULL && receipt_handles != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, imgproc_sqs_client_delete_message_batch_async);
  sqs_batch_call (self, "DeleteMessageBatch", queue_url, "ReceiptHandle", receipt_handles, NULL, 0, task);
}

/**
 * imgproc_sqs_client_delete_message_batch_finish:
 * @self: the client
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@Imgproc.SqsClient.delete_message_batch_async].
 *
 * Returns: (transfer full): which entries succeeded and which failed, or
 *   %NULL if the whole call failed
 */
ImgprocSqsBatchResult *
imgproc_sqs_client_delete_message_batch_finish (ImgprocSqsClient  *self,
                                                GAsyncResult      *result,
                                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        imgproc_sqs_client_delete_message_batch_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * imgproc_sqs_client_delete_message_batch_sync:
 * @self: the client
 * @queue_url: the queue's URL, as GetQueueUrl or the queue's creator gave
 *   it
 * @receipt_handles: (array zero-terminated=1): up to 10 receipt handles
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Deletes messages in one call, blocking; see
 * [method@Imgproc.SqsClient.delete_message_batch_async].
 *
 * Returns: (transfer full): which entries succeeded and which failed, or
 *   %NULL if the whole call failed
 */
ImgprocSqsBatchResult *
imgproc_sqs_client_delete_message_batch_sync (ImgprocSqsClient   *self,
                                              const char         *queue_url,
                                              const char *const  *receipt_handles,
                                              GCancellable       *cancellable,
                                              GError            **error)
{
  ImgprocAwsSyncCall call;
  ImgprocSqsBatchResult *result;

  imgproc_aws_sync_call_begin (&call);
  imgproc_sqs_client_delete_message_batch_async (self, queue_url, receipt_handles, cancellable,
                                                 imgproc_aws_sync_call_callback, &call);
  result = imgproc_sqs_client_delete_message_batch_finish (self, imgproc_aws_sync_call_wait (&call),
                                                           error);
  imgproc_aws_sync_call_end (&call);
  return result;
}

/**
 * imgproc_sqs_client_change_message_visibility_async:
 * @self: the client
 * @queue_url: the queue's URL, as GetQueueUrl or the queue's creator gave
 *   it
 * @receipt_handle: the handle from the latest receive of the message
 * @visibility_timeout: seconds from now until the message is visible again,
 *   0 to 43200
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the visibility is changed
 * @user_data: data for @callback
 *
 * Hides a received message for longer while it is being worked on, or, with
 * 0, makes it visible again now.
 */
void
imgproc_sqs_client_change_message_visibility_async (ImgprocSqsClient    *self,
                                                    const char          *queue_url,
                                                    const char          *receipt_handle,
                                                    guint                visibility_timeout,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data)
{
  GTask *task;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_if_fail (IMGPROC_IS_SQS_CLIENT (self));
  g_return_if_fail (queue_url != NULL && receipt_handle != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, imgproc_sqs_client_change_message_visibility_async);
  json_builder_begin_object (builder);
  add_queue_url (builder, queue_url);
  json_builder_set_member_name (builder, "ReceiptHandle");
  json_builder_add_string_value (builder, receipt_handle);
  json_builder_set_member_name (builder, "VisibilityTimeout");
  json_builder_add_int_value (builder, visibility_timeout);
  json_builder_end_object (builder);
  sqs_call (self, "ChangeMessageVisibility", builder, 0, parse_true, task);
}

/**
 * imgproc_sqs_client_change_message_visibility_finish:
 * @self: the client
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@Imgproc.SqsClient.change_message_visibility_async].
 *
 * Returns: %TRUE if the visibility was changed
 */
gboolean
imgproc_sqs_client_change_message_visibility_finish (ImgprocSqsClient  *self,
                                                     GAsyncResult      *result,
                                                     GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        imgproc_sqs_client_change_message_visibility_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * imgproc_sqs_client_change_message_visibility_sync:
 * @self: the client
 * @queue_url: the queue's URL, as GetQueueUrl or the queue's creator gave
 *   it
 * @receipt_handle: the handle from the latest receive of the message
 * @visibility_timeout: seconds from now until the message is visible again,
 *   0 to 43200
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Changes a message's visibility, blocking; see
 * [method@Imgproc.SqsClient.change_message_visibility_async].
 *
 * Returns: %TRUE if the visibility was changed
 */
gboolean
imgproc_sqs_client_change_message_visibility_sync (ImgprocSqsClient  *self,
                                                   const char        *queue_url,
                                                   const char        *receipt_handle,
                                                   guint              visibility_timeout,
                                                   GCancellable      *cancellable,
                                                   GError           **error)
{
  ImgprocAwsSyncCall call;
  gboolean result;

  imgproc_aws_sync_call_begin (&call);
  imgproc_sqs_client_change_message_visibility_async (self, queue_url, receipt_handle,
                                                      visibility_timeout, cancellable,
                                                      imgproc_aws_sync_call_callback, &call);
  result = imgproc_sqs_client_change_message_visibility_finish (self, imgproc_aws_sync_call_wait (&call),
                                                                error);
  imgproc_aws_sync_call_end (&call);
  return result;
}

/**
 * imgproc_sqs_client_change_message_visibility_batch_async:
 * @self: the client
 * @queue_url: the queue's URL, as GetQueueUrl or the queue's creator gave
 *   it
 * @receipt_handles: (array zero-terminated=1): up to 10 receipt handles
 * @visibility_timeout: seconds from now until the messages are visible
 *   again, 0 to 43200
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the outcome of each entry
 * @user_data: data for @callback
 *
 * Changes the visibility of up to ten messages in one call. The call
 * succeeds even when some entries fail: look at the result's failures.
 */
void
imgproc_sqs_client_change_message_visibility_batch_async (ImgprocSqsClient    *self,
                                                          const char          *queue_url,
                                                          const char *const   *receipt_handles,
                                                          guint                visibility_timeout,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (IMGPROC_IS_SQS_CLIENT (self));
  g_return_if_fail (queue_url != NULL && receipt_handles != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, imgproc_sqs_client_change_message_visibility_batch_async);
  sqs_batch_call (self, "ChangeMessageVisibilityBatch", queue_url, "ReceiptHandle", receipt_handles,
                  "VisibilityTimeout", visibility_timeout, task);
}

/**
 * imgproc_sqs_client_change_message_visibility_batch_finish:
 * @self: the client
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@Imgproc.SqsClient.change_message_visibility_batch_async].
 *
 * Returns: (transfer full): which entries succeeded and which failed, or
 *   %NULL if the whole call failed
 */
ImgprocSqsBatchResult *
imgproc_sqs_client_change_message_visibility_batch_finish (ImgprocSqsClient  *self,
                                                           GAsyncResult      *result,
                                                           GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        imgproc_sqs_client_change_message_visibility_batch_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * imgproc_sqs_client_change_message_visibility_batch_sync:
 * @self: the client
 * @queue_url: the queue's URL, as GetQueueUrl or the queue's creator gave
 *   it
 * @receipt_handles: (array zero-terminated=1): up to 10 receipt handles
 * @visibility_timeout: seconds from now until the messages are visible
 *   again, 0 to 43200
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Changes the visibility of messages in one call, blocking; see
 * [method@Imgproc.SqsClient.change_message_visibility_batch_async].
 *
 * Returns: (transfer full): which entries succeeded and which failed, or
 *   %NULL if the whole call failed
 */
ImgprocSqsBatchResult *
imgproc_sqs_client_change_message_visibility_batch_sync (ImgprocSqsClient   *self,
                                                         const char         *queue_url,
                                                         const char *const  *receipt_handles,
                                                         guint               visibility_timeout,
                                                         GCancellable       *cancellable,
                                                         GError            **error)
{
  ImgprocAwsSyncCall call;
  ImgprocSqsBatchResult *result;

  imgproc_aws_sync_call_begin (&call);
  imgproc_sqs_client_change_message_visibility_batch_async (self, queue_url, receipt_handles,
                                                            visibility_timeout, cancellable,
                                                            imgproc_aws_sync_call_callback, &call);
  result = imgproc_sqs_client_change_message_visibility_batch_finish (self, imgproc_aws_sync_call_wait (&call),
                                                                      error);
  imgproc_aws_sync_call_end (&call);
  return result;
}

/**
 * imgproc_sqs_client_send_message_async:
 * @self: the client
 * @queue_url: the queue's URL, as GetQueueUrl or the queue's creator gave
 *   it
 * @body: the message body, 1 byte to 1 MiB of XML-safe Unicode
 * @delay_seconds: how long the message stays invisible after sending, 0 to
 *   900
 * @message_attributes: (nullable) (element-type utf8 utf8): String message
 *   attributes to attach
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the message id
 * @user_data: data for @callback
 *
 * Sends one message to a queue.
 */
void
imgproc_sqs_client_send_message_async (ImgprocSqsClient    *self,
                                       const char          *queue_url,
                                       const char          *body,
                                       guint                delay_seconds,
                                       GHashTable          *message_attributes,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_if_fail (IMGPROC_IS_SQS_CLIENT (self));
  g_return_if_fail (queue_url != NULL && body != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, imgproc_sqs_client_send_message_async);
  json_builder_begin_object (builder);
  add_queue_url (builder, queue_url);
  json_builder_set_member_name (builder, "MessageBody");
  json_builder_add_string_value (builder, body);
  if (delay_seconds > 0)
    {
      json_builder_set_member_name (builder, "DelaySeconds");
      json_builder_add_int_value (builder, delay_seconds);
    }
  if (message_attributes != NULL && g_hash_table_size (message_attributes) > 0)
    {
      GHashTableIter iter;
      gpointer name, value;

      json_builder_set_member_name (builder, "MessageAttributes");
      json_builder_begin_object (builder);
      g_hash_table_iter_init (&iter, message_attributes);
      while (g_hash_table_iter_next (&iter, &name, &value))
        {
          json_builder_set_member_name (builder, name);
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "DataType");
          json_builder_add_string_value (builder, "String");
          json_builder_set_member_name (builder, "StringValue");
          json_builder_add_string_value (builder, value);
          json_builder_end_object (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  sqs_call (self, "SendMessage", builder, 0, parse_send_message, task);
}

/**
 * imgproc_sqs_client_send_message_finish:
 * @self: the client
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@Imgproc.SqsClient.send_message_async].
 *
 * Returns: (transfer full): the new message's id, or %NULL on error
 */
char *
imgproc_sqs_client_send_message_finish (ImgprocSqsClient  *self,
                                        GAsyncResult      *result,
                                        GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        imgproc_sqs_client_send_message_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * imgproc_sqs_client_send_message_sync:
 * @self: the client
 * @queue_url: the queue's URL, as GetQueueUrl or the queue's creator gave
 *   it
 * @body: the message body, 1 byte to 1 MiB of XML-safe Unicode
 * @delay_seconds: how long the message stays invisible after sending, 0 to
 *   900
 * @message_attributes: (nullable) (element-type utf8 utf8): String message
 *   attributes to attach
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Sends a message, blocking; see
 * [method@Imgproc.SqsClient.send_message_async].
 *
 * Returns: (transfer full): the new message's id, or %NULL on error
 */
char *
imgproc_sqs_client_send_message_sync (ImgprocSqsClient  *self,
                                      const char        *queue_url,
                                      const char        *body,
                                      guint              delay_seconds,
                                      GHashTable        *message_attributes,
                                      GCancellable      *cancellable,
                                      GError           **error)
{
  ImgprocAwsSyncCall call;
  char *result;

  imgproc_aws_sync_call_begin (&call);
  imgproc_sqs_client_send_message_async (self, queue_url, body, delay_seconds, message_attributes,
                                         cancellable, imgproc_aws_sync_call_callback, &call);
  result = imgproc_sqs_client_send_message_finish (self, imgproc_aws_sync_call_wait (&call), error);
  imgproc_aws_sync_call_end (&call);
  return result;
}

/**
 * imgproc_sqs_client_send_message_batch_async:
 * @self: the client
 * @queue_url: the queue's URL, as GetQueueUrl or the queue's creator gave
 *   it
 * @bodies: (array zero-terminated=1): up to 10 message bodies
 * @delay_seconds: how long the messages stay invisible after sending, 0 to
 *   900
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the outcome of each entry
 * @user_data: data for @callback
 *
 * Sends up to ten messages in one call. The call succeeds even when some
 * entries fail: look at the result's failures.
 */
void
imgproc_sqs_client_send_message_batch_async (ImgprocSqsClient    *self,
                                             const char          *queue_url,
                                             const char *const   *bodies,
                                             guint                delay_seconds,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (IMGPROC_IS_SQS_CLIENT (self));
  g_return_if_fail (queue_url != NULL && bodies != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, imgproc_sqs_client_send_message_batch_async);
  sqs_batch_call (self, "SendMessageBatch", queue_url, "MessageBody", bodies,
                  delay_seconds > 0 ? "DelaySeconds" : NULL, delay_seconds, task);
}

/**
 * imgproc_sqs_client_send_message_batch_finish:
 * @self: the client
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@Imgproc.SqsClient.send_message_batch_async].
 *
 * Returns: (transfer full): which entries were sent (with their message
 *   ids) and which failed, or %NULL if the whole call failed
 */
ImgprocSqsBatchResult *
imgproc_sqs_client_send_message_batch_finish (ImgprocSqsClient  *self,
                                              GAsyncResult      *result,
                                              GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        imgproc_sqs_client_send_message_batch_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * imgproc_sqs_client_send_message_batch_sync:
 * @self: the client
 * @queue_url: the queue's URL, as GetQueueUrl or the queue's creator gave
 *   it
 * @bodies: (array zero-terminated=1): up to 10 message bodies
 * @delay_seconds: how long the messages stay invisible after sending, 0 to
 *   900
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Sends messages in one call, blocking; see
 * [method@Imgproc.SqsClient.send_message_batch_async].
 *
 * Returns: (transfer full): which entries were sent (with their message
 *   ids) and which failed, or %NULL if the whole call failed
 */
ImgprocSqsBatchResult *
imgproc_sqs_client_send_message_batch_sync (ImgprocSqsClient   *self,
                                            const char         *queue_url,
                                            const char *const  *bodies,
                                            guint               delay_seconds,
                                            GCancellable       *cancellable,
                                            GError            **error)
{
  ImgprocAwsSyncCall call;
  ImgprocSqsBatchResult *result;

  imgproc_aws_sync_call_begin (&call);
  imgproc_sqs_client_send_message_batch_async (self, queue_url, bodies, delay_seconds, cancellable,
                                               imgproc_aws_sync_call_callback, &call);
  result = imgproc_sqs_client_send_message_batch_finish (self, imgproc_aws_sync_call_wait (&call),
                                                         error);
  imgproc_aws_sync_call_end (&call);
  return result;
}

/**
 * imgproc_sqs_client_get_queue_attributes_async:
 * @self: the client
 * @queue_url: the queue's URL, as GetQueueUrl or the queue's creator gave
 *   it
 * @attribute_names: (nullable) (array zero-terminated=1): the attributes to
 *   read, such as `ApproximateNumberOfMessages` or `RedrivePolicy`; %NULL
 *   for all
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the attributes
 * @user_data: data for @callback
 *
 * Reads a queue's attributes. Every value is a string, as SQS sends it;
 * `RedrivePolicy` is itself JSON.
 */
void
imgproc_sqs_client_get_queue_attributes_async (ImgprocSqsClient    *self,
                                               const char          *queue_url,
                                               const char *const   *attribute_names,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  GTask *task;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_if_fail (IMGPROC_IS_SQS_CLIENT (self));
  g_return_if_fail (queue_url != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, imgproc_sqs_client_get_queue_attributes_async);
  json_builder_begin_object (builder);
  add_queue_url (builder, queue_url);
  json_builder_set_member_name (builder, "AttributeNames");
  json_builder_begin_array (builder);
  if (attribute_names == NULL)
    json_builder_add_string_value (builder, "All");
  for (guint i = 0; attribute_names != NULL && attribute_names[i] != NULL; i++)
    json_builder_add_string_value (builder, attribute_names[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  sqs_call (self, "GetQueueAttributes", builder, 0, parse_queue_attributes, task);
}

/**
 * imgproc_sqs_client_get_queue_attributes_finish:
 * @self: the client
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@Imgproc.SqsClient.get_queue_attributes_async].
 *
 * Returns: (transfer container) (element-type utf8 utf8): the attributes
 *   by name, or %NULL on error
 */
GHashTable *
imgproc_sqs_client_get_queue_attributes_finish (ImgprocSqsClient  *self,
                                                GAsyncResult      *result,
                                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        imgproc_sqs_client_get_queue_attributes_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * imgproc_sqs_client_get_queue_attributes_sync:
 * @self: the client
 * @queue_url: the queue's URL, as GetQueueUrl or the queue's creator gave
 *   it
 * @attribute_names: (nullable) (array zero-terminated=1): the attributes to
 *   read, such as `ApproximateNumberOfMessages` or `RedrivePolicy`; %NULL
 *   for all
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Reads a queue's attributes, blocking; see
 * [method@Imgproc.SqsClient.get_queue_attributes_async].
 *
 * Returns: (transfer container) (element-type utf8 utf8): the attributes
 *   by name, or %NULL on error
 */
GHashTable *
imgproc_sqs_client_get_queue_attributes_sync (ImgprocSqsClient   *self,
                                              const char         *queue_url,
                                              const char *const  *attribute_names,
                                              GCancellable       *cancellable,
                                              GError            **error)
{
  ImgprocAwsSyncCall call;
  GHashTable *result;

  imgproc_aws_sync_call_begin (&call);
  imgproc_sqs_client_get_queue_attributes_async (self, queue_url, attribute_names, cancellable,
                                                 imgproc_aws_sync_call_callback, &call);
  result = imgproc_sqs_client_get_queue_attributes_finish (self, imgproc_aws_sync_call_wait (&call),
                                                           error);
  imgproc_aws_sync_call_end (&call);
  return result;
}

/**
 * imgproc_sqs_client_get_queue_url_async:
 * @self: the client
 * @queue_name: the queue's name
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the URL
 * @user_data: data for @callback
 *
 * Finds the URL of a queue of the caller's account by its name.
 */
void
imgproc_sqs_client_get_queue_url_async (ImgprocSqsClient    *self,
                                        const char          *queue_name,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_if_fail (IMGPROC_IS_SQS_CLIENT (self));
  g_return_if_fail (queue_name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, imgproc_sqs_client_get_queue_url_async);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "QueueName");
  json_builder_add_string_value (builder, queue_name);
  json_builder_end_object (builder);
  sqs_call (self, "GetQueueUrl", builder, 0, parse_queue_url, task);
}

/**
 * imgproc_sqs_client_get_queue_url_finish:
 * @self: the client
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@Imgproc.SqsClient.get_queue_url_async].
 *
 * Returns: (transfer full): the queue's URL, or %NULL on error
 */
char *
imgproc_sqs_client_get_queue_url_finish (ImgprocSqsClient  *self,
                                         GAsyncResult      *result,
                                         GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        imgproc_sqs_client_get_queue_url_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * imgproc_sqs_client_get_queue_url_sync:
 * @self: the client
 * @queue_name: the queue's name
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Finds a queue's URL, blocking; see
 * [method@Imgproc.SqsClient.get_queue_url_async].
 *
 * Returns: (transfer full): the queue's URL, or %NULL on error
 */
char *
imgproc_sqs_client_get_queue_url_sync (ImgprocSqsClient  *self,
                                       const char        *queue_name,
                                       GCancellable      *cancellable,
                                       GError           **error)
{
  ImgprocAwsSyncCall call;
  char *result;

  imgproc_aws_sync_call_begin (&call);
  imgproc_sqs_client_get_queue_url_async (self, queue_name, cancellable,
                                          imgproc_aws_sync_call_callback, &call);
  result = imgproc_sqs_client_get_queue_url_finish (self, imgproc_aws_sync_call_wait (&call),
                                                    error);
  imgproc_aws_sync_call_end (&call);
  return result;
}
