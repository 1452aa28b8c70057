/* The DynamoDB client, over the AWS JSON 1.0 protocol. Items are typed
 * attribute JSON, built and read with the imgproc_dynamodb_attribute_ helpers. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-private.h"
#include "imgproc-aws-clients-private.h"

/**
 * ImgprocDynamodbClient:
 *
 * A client of DynamoDB: PutItem, UpdateItem and GetItem with condition,
 * update and projection expressions. Items are #JsonObject values in
 * DynamoDB's typed attribute form, built and read with the
 * `imgproc_dynamodb_attribute_` functions. Each answer is checked against its
 * `x-amz-crc32`; a false condition fails with
 * %IMGPROC_AWS_ERROR_CONDITIONAL_CHECK_FAILED.
 */
struct _ImgprocDynamodbClient
{
  GObject parent_instance;

  ImgprocAwsClientSettings settings;
  ImgprocAwsClient *http;
};

G_DEFINE_FINAL_TYPE (ImgprocDynamodbClient, imgproc_dynamodb_client, G_TYPE_OBJECT)

static void
imgproc_dynamodb_client_constructed (GObject *object)
{
  ImgprocDynamodbClient *self = IMGPROC_DYNAMODB_CLIENT (object);

  G_OBJECT_CLASS (imgproc_dynamodb_client_parent_class)->constructed (object);

  self->http = imgproc_aws_client_new_from_settings (&self->settings, "dynamodb", IMGPROC_SIGNER_FLAGS_NONE);
}

static void
imgproc_dynamodb_client_finalize (GObject *object)
{
  ImgprocDynamodbClient *self = IMGPROC_DYNAMODB_CLIENT (object);

  imgproc_aws_client_settings_clear (&self->settings);
  g_clear_pointer (&self->http, imgproc_aws_client_unref);

  G_OBJECT_CLASS (imgproc_dynamodb_client_parent_class)->finalize (object);
}

static void
imgproc_dynamodb_client_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ImgprocDynamodbClient *self = IMGPROC_DYNAMODB_CLIENT (object);

  if (!imgproc_aws_client_settings_get_property (&self->settings, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
imgproc_dynamodb_client_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ImgprocDynamodbClient *self = IMGPROC_DYNAMODB_CLIENT (object);

  if (!imgproc_aws_client_settings_set_property (&self->settings, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
imgproc_dynamodb_client_class_init (ImgprocDynamodbClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = imgproc_dynamodb_client_constructed;
  object_class->finalize = imgproc_dynamodb_client_finalize;
  object_class->get_property = imgproc_dynamodb_client_get_property;
  object_class->set_property = imgproc_dynamodb_client_set_property;

  /**
   * ImgprocDynamodbClient:config:
   *
   * The region, endpoint, retry and TLS settings.
   */
  /**
   * ImgprocDynamodbClient:credentials-provider:
   *
   * Where the credentials come from; when not set, the configuration's
   * default chain.
   */
  /**
   * ImgprocDynamodbClient:connect-timeout:
   *
   * How long to wait for a connection, in seconds; 0 waits for ever.
   */
  /**
   * ImgprocDynamodbClient:timeout:
   *
   * How long an answer may take once the request is sent, in seconds; 0 waits
   * for ever.
   */

  imgproc_aws_client_install_properties (object_class);
}

static void
imgproc_dynamodb_client_init (ImgprocDynamodbClient *self)
{
  imgproc_aws_client_settings_init (&self->settings);
}

/**
 * imgproc_dynamodb_client_new:
 * @config: the region, endpoints and retry settings
 * @provider: (nullable): where credentials come from; %NULL for the default
 *   chain of @config
 *
 * Makes a DynamoDB client. It keeps one HTTP session for all its requests, and may
 * be shared by everything that talks to DynamoDB.
 *
 * Returns: (transfer full): a new client
 */
ImgprocDynamodbClient *
imgproc_dynamodb_client_new (ImgprocAwsConfig           *config,
                       ImgprocCredentialsProvider *provider)
{
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (provider == NULL || IMGPROC_IS_CREDENTIALS_PROVIDER (provider), NULL);

  return g_object_new (IMGPROC_TYPE_DYNAMODB_CLIENT, "config", config, "credentials-provider", provider, NULL);
}

ImgprocAwsClient *
imgproc_dynamodb_client_get_http (ImgprocDynamodbClient *self)
{
  return self->http;
}


static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}

static void
add_object (JsonBuilder *builder,
            const char  *member,
            JsonObject  *value)
{
  JsonNode *node;

  if (value == NULL || json_object_get_size (value) == 0)
    return;
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, value);
  json_builder_set_member_name (builder, member);
  json_builder_add_value (builder, node);
}

static void
add_expression_attributes (JsonBuilder *builder,
                           JsonObject  *names,
                           JsonObject  *values)
{
  add_object (builder, "ExpressionAttributeNames", names);
  add_object (builder, "ExpressionAttributeValues", values);
}

static void
add_return_values (JsonBuilder                 *builder,
                   ImgprocDynamodbReturnValues  return_values)
{
  static const char *const names[] = { "NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW" };

  if (return_values == IMGPROC_DYNAMODB_RETURN_VALUES_NONE || return_values >= G_N_ELEMENTS (names))
    return;
  add_string (builder, "ReturnValues", names[return_values]);
}

static void
on_dynamodb_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  ImgprocDynamodbClient *self = g_task_get_source_object (task);
  const char *member = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonObject) object = imgproc_aws_client_call_json_finish (self->http, result, &error);
  JsonNode *node;

  if (object == NULL)
    {
      g_task_return_error (task, error);
    }
  else
    {
      node = json_object_get_member (object, member);
      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        g_task_return_pointer (task, json_object_ref (json_node_get_object (node)),
                               (GDestroyNotify) json_object_unref);
      else
        g_task_return_pointer (task, NULL, NULL);
    }
  g_object_unref (task);
}

/* Every answer is checked against its x-amz-crc32, as botocore does. */
static void
dynamodb_call (ImgprocDynamodbClient *self,
               const char            *operation,
               JsonBuilder           *builder,
               const char            *result_member,
               GTask                 *task)
{
  g_autofree char *target = g_strconcat ("DynamoDB_20120810.", operation, NULL);

  g_task_set_task_data (task, (gpointer) result_member, NULL);
  imgproc_aws_client_call_json_async (self->http, target, builder, 0, TRUE,
                                      g_task_get_cancellable (task), on_dynamodb_done, task);
}

/**
 * imgproc_dynamodb_client_put_item_async:
 * @self: the client
 * @table_name: the table
 * @item: the item: attribute names mapped to attribute values, the key
 *   included
 * @condition_expression: (nullable): a condition the item must meet, such
 *   as `attribute_not_exists(#k)`
 * @expression_attribute_names: (nullable): placeholders such as `#s` mapped
 *   to attribute names
 * @expression_attribute_values: (nullable): placeholders such as `:v`
 *   mapped to attribute values
 * @return_values: which attributes to return
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the item is written
 * @user_data: data for @callback
 *
 * Writes a whole item, replacing any item with the same key. A false
 * @condition_expression fails with
 * %IMGPROC_AWS_ERROR_CONDITIONAL_CHECK_FAILED. Only `NONE` and `ALL_OLD` are
 * valid @return_values here.
 */
void
imgproc_dynamodb_client_put_item_async (ImgprocDynamodbClient       *self,
                                        const char                  *table_name,
                                        JsonObject                  *item,
                                        const char                  *condition_expression,
                                        JsonObject                  *expression_attribute_names,
                                        JsonObject                  *expression_attribute_values,
                                        ImgprocDynamodbReturnValues  return_values,
                                        GCancellable                *cancellable,
                                        GAsyncReadyCallback          callback,
                                        gpointer                     user_data)
{
  GTask *task;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_if_fail (IMGPROC_IS_DYNAMODB_CLIENT (self));
  g_return_if_fail (table_name != NULL && item != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, imgproc_dynamodb_client_put_item_async);
  json_builder_begin_object (builder);
  add_string (builder, "TableName", table_name);
  add_object (builder, "Item", item);
  add_string (builder, "ConditionExpression", condition_expression);
  add_expression_attributes (builder, expression_attribute_names, expression_attribute_values);
  add_return_values (builder, return_values);
  json_builder_end_object (builder);
  dynamodb_call (self, "PutItem", builder, "Attributes", task);
}

/**
 * imgproc_dynamodb_client_put_item_finish:
 * @self: the client
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@Imgproc.DynamodbClient.put_item_async].
 *
 * Returns: (transfer full) (nullable): the attributes asked for with
 *   @return_values, or %NULL (also when none were asked for, or on error)
 */
JsonObject *
imgproc_dynamodb_client_put_item_finish (ImgprocDynamodbClient  *self,
                                         GAsyncResult           *result,
                                         GError                **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        imgproc_dynamodb_client_put_item_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * imgproc_dynamodb_client_put_item_sync:
 * @self: the client
 * @table_name: the table
 * @item: the item: attribute names mapped to attribute values, the key
 *   included
 * @condition_expression: (nullable): a condition the item must meet, such
 *   as `attribute_not_exists(#k)`
 * @expression_attribute_names: (nullable): placeholders such as `#s` mapped
 *   to attribute names
 * @expression_attribute_values: (nullable): placeholders such as `:v`
 *   mapped to attribute values
 * @return_values: which attributes to return
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Writes an item, blocking; see
 * [method@Imgproc.DynamodbClient.put_item_async].
 *
 * Returns: (transfer full) (nullable): the attributes asked for with
 *   @return_values, or %NULL (also when none were asked for, or on error)
 */
JsonObject *
imgproc_dynamodb_client_put_item_sync (ImgprocDynamodbClient        *self,
                                       const char                   *table_name,
                                       JsonObject                   *item,
                                       const char                   *condition_expression,
                                       JsonObject                   *expression_attribute_names,
                                       JsonObject                   *expression_attribute_values,
                                       ImgprocDynamodbReturnValues   return_values,
                                       GCancellable                 *cancellable,
                                       GError                      **error)
{
  ImgprocAwsSyncCall call;
  JsonObject *result;

  imgproc_aws_sync_call_begin (&call);
  imgproc_dynamodb_client_put_item_async (self, table_name, item, condition_expression,
                                          expression_attribute_names, expression_attribute_values,
                                          return_values, cancellable,
                                          imgproc_aws_sync_call_callback, &call);
  result = imgproc_dynamodb_client_put_item_finish (self, imgproc_aws_sync_call_wait (&call),
                                                    error);
  imgproc_aws_sync_call_end (&call);
  return result;
}

/**
 * imgproc_dynamodb_client_update_item_async:
 * @self: the client
 * @table_name: the table
 * @key: the item's key attributes
 * @update_expression: what to change, such as `SET #s = :s REMOVE err`
 * @condition_expression: (nullable): a condition the item must meet, such
 *   as `attribute_not_exists(#k)`
 * @expression_attribute_names: (nullable): placeholders such as `#s` mapped
 *   to attribute names
 * @expression_attribute_values: (nullable): placeholders such as `:v`
 *   mapped to attribute values
 * @return_values: which attributes to return
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the item is updated
 * @user_data: data for @callback
 *
 * Changes some attributes of an item, creating it if it does not exist. A
 * false @condition_expression fails with
 * %IMGPROC_AWS_ERROR_CONDITIONAL_CHECK_FAILED.
 */
void
imgproc_dynamodb_client_update_item_async (ImgprocDynamodbClient       *self,
                                           const char                  *table_name,
                                           JsonObject                  *key,
                                           const char                  *update_expression,
                                           const char                  *condition_expression,
                                           JsonObject                  *expression_attribute_names,
                                           JsonObject                  *expression_attribute_values,
                                           ImgprocDynamodbReturnValues  return_values,
                                           GCancellable                *cancellable,
                                           GAsyncReadyCallback          callback,
                                           gpointer                     user_data)
{
  GTask *task;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_if_fail (IMGPROC_IS_DYNAMODB_CLIENT (self));
  g_return_if_fail (table_name != NULL && key != NULL && update_expression != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, imgproc_dynamodb_client_update_item_async);
  json_builder_begin_object (builder);
  add_string (builder, "TableName", table_name);
  add_object (builder, "Key", key);
  add_string (builder, "UpdateExpression", update_expression);
  add_string (builder, "ConditionExpression", condition_expression);
  add_expression_attributes (builder, expression_attribute_names, expression_attribute_values);
  add_return_values (builder, return_values);
  json_builder_end_object (builder);
  dynamodb_call (self, "UpdateItem", builder, "Attributes", task);
}

/**
 * imgproc_dynamodb_client_update_item_finish:
 * @self: the client
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@Imgproc.DynamodbClient.update_item_async].
 *
 * Returns: (transfer full) (nullable): the attributes asked for with
 *   @return_values, or %NULL (also when none were asked for, or on error)
 */
JsonObject *
imgproc_dynamodb_client_update_item_finish (ImgprocDynamodbClient  *self,
                                            GAsyncResult           *result,
                                            GError                **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        imgproc_dynamodb_client_update_item_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * imgproc_dynamodb_client_update_item_sync:
 * @self: the client
 * @table_name: the table
 * @key: the item's key attributes
 * @update_expression: what to change, such as `SET #s = :s REMOVE err`
 * @condition_expression: (nullable): a condition the item must meet, such
 *   as `attribute_not_exists(#k)`
 * @expression_attribute_names: (nullable): placeholders such as `#s` mapped
 *   to attribute names
 * @expression_attribute_values: (nullable): placeholders such as `:v`
 *   mapped to attribute values
 * @return_values: which attributes to return
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Updates an item, blocking; see
 * [method@Imgproc.DynamodbClient.update_item_async].
 *
 * Returns: (transfer full) (nullable): the attributes asked for with
 *   @return_values, or %NULL (also when none were asked for, or on error)
 */
JsonObject *
imgproc_dynamodb_client_update_item_sync (ImgprocDynamodbClient        *self,
                                          const char                   *table_name,
                                          JsonObject                   *key,
                                          const char                   *update_expression,
                                          const char                   *condition_expression,
                                          JsonObject                   *expression_attribute_names,
                                          JsonObject                   *expression_attribute_values,
                                          ImgprocDynamodbReturnValues   return_values,
                                          GCancellable                 *cancellable,
                                          GError                      **error)
{
  ImgprocAwsSyncCall call;
  JsonObject *result;

  imgproc_aws_sync_call_begin (&call);
  imgproc_dynamodb_client_update_item_async (self, table_name, key, update_expression,
                                             condition_expression, expression_attribute_names,
                                             expression_attribute_values, return_values,
                                             cancellable, imgproc_aws_sync_call_callback, &call);
  result = imgproc_dynamodb_client_update_item_finish (self, imgproc_aws_sync_call_wait (&call),
                                                       error);
  imgproc_aws_sync_call_end (&call);
  return result;
}

/**
 * imgproc_dynamodb_client_get_item_async:
 * @self: the client
 * @table_name: the table
 * @key: the item's key attributes
 * @consistent_read: whether to read the latest write (strongly consistent)
 * @projection_expression: (nullable): the attributes to read, such as `#s,
 *   tries`; %NULL for all
 * @expression_attribute_names: (nullable): placeholders such as `#s` mapped
 *   to attribute names
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the item
 * @user_data: data for @callback
 *
 * Reads one item by its key.
 */
void
imgproc_dynamodb_client_get_item_async (ImgprocDynamodbClient *self,
                                        const char            *table_name,
                                        JsonObject            *key,
                                        gboolean               consistent_read,
                                        const char            *projection_expression,
                                        JsonObject            *expression_attribute_names,
                                        GCancellable          *cancellable,
                                        GAsyncReadyCallback    callback,
                                        gpointer               user_data)
{
  GTask *task;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_if_fail (IMGPROC_IS_DYNAMODB_CLIENT (self));
  g_return_if_fail (table_name != NULL && key != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, imgproc_dynamodb_client_get_item_async);
  json_builder_begin_object (builder);
  add_string (builder, "TableName", table_name);
  add_object (builder, "Key", key);
  if (consistent_read)
    {
      json_builder_set_member_name (builder, "ConsistentRead");
      json_builder_add_boolean_value (builder, TRUE);
    }
  add_string (builder, "ProjectionExpression", projection_expression);
  add_expression_attributes (builder, expression_attribute_names, NULL);
  json_builder_end_object (builder);
  dynamodb_call (self, "GetItem", builder, "Item", task);
}

/**
 * imgproc_dynamodb_client_get_item_finish:
 * @self: the client
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@Imgproc.DynamodbClient.get_item_async].
 *
 * Returns: (transfer full) (nullable): the item, or %NULL if there is none
 *   (or on error)
 */
JsonObject *
imgproc_dynamodb_client_get_item_finish (ImgprocDynamodbClient  *self,
                                         GAsyncResult           *result,
                                         GError                **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        imgproc_dynamodb_client_get_item_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * imgproc_dynamodb_client_get_item_sync:
 * @self: the client
 * @table_name: the table
 * @key: the item's key attributes
 * @consistent_read: whether to read the latest write (strongly consistent)
 * @projection_expression: (nullable): the attributes to read, such as `#s,
 *   tries`; %NULL for all
 * @expression_attribute_names: (nullable): placeholders such as `#s` mapped
 *   to attribute names
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Reads an item, blocking; see
 * [method@Imgproc.DynamodbClient.get_item_async].
 *
 * Returns: (transfer full) (nullable): the item, or %NULL if there is none
 *   (or on error)
 */
JsonObject *
imgproc_dynamodb_client_get_item_sync (ImgprocDynamodbClient  *self,
                                       const char             *table_name,
                                       JsonObject             *key,
                                       gboolean                consistent_read,
                                       const char             *projection_expression,
                                       JsonObject             *expression_attribute_names,
                                       GCancellable           *cancellable,
                                       GError                **error)
{
  ImgprocAwsSyncCall call;
  JsonObject *result;

  imgproc_aws_sync_call_begin (&call);
  imgproc_dynamodb_client_get_item_async (self, table_name, key, consistent_read,
                                          projection_expression, expression_attribute_names,
                                          cancellable, imgproc_aws_sync_call_callback, &call);
  result = imgproc_dynamodb_client_get_item_finish (self, imgproc_aws_sync_call_wait (&call),
                                                    error);
  imgproc_aws_sync_call_end (&call);
  return result;
}
