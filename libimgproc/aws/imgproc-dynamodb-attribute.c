/* DynamoDB attribute values as json-glib nodes. Numbers stay strings from
 * end to end: a double cannot hold DynamoDB's 38 digits. */
#include "config.h"

#include "imgproc.h"

static const char *const type_names[] = {
  NULL, "S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"
};

static JsonNode *
wrap (ImgprocDynamodbType  type,
      JsonNode            *value)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_member (object, type_names[type], value);
  json_node_take_object (node, object);
  return node;
}

/**
 * imgproc_dynamodb_attribute_new_string:
 * @value: the string
 *
 * Makes a string attribute value, `{"S": value}`.
 *
 * Returns: (transfer full): the attribute value
 */
JsonNode *
imgproc_dynamodb_attribute_new_string (const char *value)
{
  g_return_val_if_fail (value != NULL, NULL);
  return wrap (IMGPROC_DYNAMODB_TYPE_S, json_node_init_string (json_node_alloc (), value));
}

/**
 * imgproc_dynamodb_attribute_new_number:
 * @value: the number in decimal, such as "42" or "-1.5E3"
 *
 * Makes a number attribute value, `{"N": value}`, keeping every digit.
 *
 * Returns: (transfer full): the attribute value
 */
JsonNode *
imgproc_dynamodb_attribute_new_number (const char *value)
{
  g_return_val_if_fail (value != NULL, NULL);
  return wrap (IMGPROC_DYNAMODB_TYPE_N, json_node_init_string (json_node_alloc (), value));
}

/**
 * imgproc_dynamodb_attribute_new_int:
 * @value: the integer
 *
 * Makes a number attribute value from an integer.
 *
 * Returns: (transfer full): the attribute value
 */
JsonNode *
imgproc_dynamodb_attribute_new_int (gint64 value)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  return imgproc_dynamodb_attribute_new_number (text);
}

/**
 * imgproc_dynamodb_attribute_new_binary:
 * @value: the bytes
 *
 * Makes a binary attribute value, `{"B": base64}`.
 *
 * Returns: (transfer full): the attribute value
 */
JsonNode *
imgproc_dynamodb_attribute_new_binary (GBytes *value)
{
  gsize length;
  const guchar *data;
  g_autofree char *encoded = NULL;

  g_return_val_if_fail (value != NULL, NULL);

  data = g_bytes_get_data (value, &length);
  encoded = g_base64_encode (data, length);
  return wrap (IMGPROC_DYNAMODB_TYPE_B, json_node_init_string (json_node_alloc (), encoded));
}

/**
 * imgproc_dynamodb_attribute_new_bool:
 * @value: the boolean
 *
 * Makes a boolean attribute value, `{"BOOL": value}`.
 *
 * Returns: (transfer full): the attribute value
 */
JsonNode *
imgproc_dynamodb_attribute_new_bool (gboolean value)
{
  return wrap (IMGPROC_DYNAMODB_TYPE_BOOL, json_node_init_boolean (json_node_alloc (), value));
}

/**
 * imgproc_dynamodb_attribute_new_null:
 *
 * Makes the null attribute value, `{"NULL": true}`.
 *
 * Returns: (transfer full): the attribute value
 */
JsonNode *
imgproc_dynamodb_attribute_new_null (void)
{
  return wrap (IMGPROC_DYNAMODB_TYPE_NULL, json_node_init_boolean (json_node_alloc (), TRUE));
}

/**
 * imgproc_dynamodb_attribute_new_map:
 * @value: names mapped to attribute values
 *
 * Makes a map attribute value, `{"M": value}`.
 *
 * Returns: (transfer full): the attribute value
 */
JsonNode *
imgproc_dynamodb_attribute_new_map (JsonObject *value)
{
  g_return_val_if_fail (value != NULL, NULL);
  return wrap (IMGPROC_DYNAMODB_TYPE_M, json_node_init_object (json_node_alloc (), value));
}

/**
 * imgproc_dynamodb_attribute_new_list:
 * @value: attribute values
 *
 * Makes a list attribute value, `{"L": value}`.
 *
 * Returns: (transfer full): the attribute value
 */
JsonNode *
imgproc_dynamodb_attribute_new_list (JsonArray *value)
{
  g_return_val_if_fail (value != NULL, NULL);
  return wrap (IMGPROC_DYNAMODB_TYPE_L, json_node_init_array (json_node_alloc (), value));
}

static JsonNode *
new_string_array (ImgprocDynamodbType  type,
                  const char *const   *values)
{
  JsonArray *array = json_array_new ();
  JsonNode *node;

  for (guint i = 0; values[i] != NULL; i++)
    json_array_add_string_element (array, values[i]);
  node = json_node_init_array (json_node_alloc (), array);
  json_array_unref (array);
  return wrap (type, node);
}

/**
 * imgproc_dynamodb_attribute_new_string_set:
 * @values: (array zero-terminated=1): distinct strings, at least one
 *
 * Makes a string set attribute value, `{"SS": [...]}`.
 *
 * Returns: (transfer full): the attribute value
 */
JsonNode *
imgproc_dynamodb_attribute_new_string_set (const char *const *values)
{
  g_return_val_if_fail (values != NULL && values[0] != NULL, NULL);
  return new_string_array (IMGPROC_DYNAMODB_TYPE_SS, values);
}

/**
 * imgproc_dynamodb_attribute_new_number_set:
 * @values: (array zero-terminated=1): distinct decimal numbers, at least one
 *
 * Makes a number set attribute value, `{"NS": [...]}`.
 *
 * Returns: (transfer full): the attribute value
 */
JsonNode *
imgproc_dynamodb_attribute_new_number_set (const char *const *values)
{
  g_return_val_if_fail (values != NULL && values[0] != NULL, NULL);
  return new_string_array (IMGPROC_DYNAMODB_TYPE_NS, values);
}

/**
 * imgproc_dynamodb_attribute_new_binary_set:
 * @values: (element-type GBytes): distinct byte strings, at least one
 *
 * Makes a binary set attribute value, `{"BS": [base64...]}`.
 *
 * Returns: (transfer full): the attribute value
 */
JsonNode *
imgproc_dynamodb_attribute_new_binary_set (GPtrArray *values)
{
  JsonArray *array;
  JsonNode *node;

  g_return_val_if_fail (values != NULL && values->len > 0, NULL);

  array = json_array_new ();
  for (guint i = 0; i < values->len; i++)
    {
      gsize length;
      const guchar *data = g_bytes_get_data (g_ptr_array_index (values, i), &length);
      g_autofree char *encoded = g_base64_encode (data, length);

      json_array_add_string_element (array, encoded);
    }
  node = json_node_init_array (json_node_alloc (), array);
  json_array_unref (array);
  return wrap (IMGPROC_DYNAMODB_TYPE_BS, node);
}

static JsonNode *
member_of_type (JsonNode            *attribute,
                ImgprocDynamodbType  type)
{
  JsonObject *object;

  if (attribute == NULL || !JSON_NODE_HOLDS_OBJECT (attribute))
    return NULL;
  object = json_node_get_object (attribute);
  if (json_object_get_size (object) != 1)
    return NULL;
  return json_object_get_member (object, type_names[type]);
}

/**
 * imgproc_dynamodb_attribute_type_of:
 * @attribute: an attribute value
 *
 * Tells the type of an attribute value.
 *
 * Returns: the type, or %IMGPROC_DYNAMODB_TYPE_INVALID if @attribute is not
 *   an object with exactly one known type key
 */
ImgprocDynamodbType
imgproc_dynamodb_attribute_type_of (JsonNode *attribute)
{
  for (guint type = IMGPROC_DYNAMODB_TYPE_S; type <= IMGPROC_DYNAMODB_TYPE_BS; type++)
    if (member_of_type (attribute, type) != NULL)
      return type;
  return IMGPROC_DYNAMODB_TYPE_INVALID;
}

static const char *
get_string_of (JsonNode            *attribute,
               ImgprocDynamodbType  type)
{
  JsonNode *value = member_of_type (attribute, type);

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (value);
}

/**
 * imgproc_dynamodb_attribute_get_string:
 * @attribute: an attribute value
 *
 * Reads a string attribute value.
 *
 * Returns: (nullable): the string, or %NULL if @attribute is not of type S
 */
const char *
imgproc_dynamodb_attribute_get_string (JsonNode *attribute)
{
  return get_string_of (attribute, IMGPROC_DYNAMODB_TYPE_S);
}

/**
 * imgproc_dynamodb_attribute_get_number:
 * @attribute: an attribute value
 *
 * Reads a number attribute value as the decimal text DynamoDB sent.
 *
 * Returns: (nullable): the number's text, or %NULL if @attribute is not of
 *   type N
 */
const char *
imgproc_dynamodb_attribute_get_number (JsonNode *attribute)
{
  return get_string_of (attribute, IMGPROC_DYNAMODB_TYPE_N);
}

/**
 * imgproc_dynamodb_attribute_get_binary:
 * @attribute: an attribute value
 *
 * Reads a binary attribute value.
 *
 * Returns: (transfer full) (nullable): the bytes, or %NULL if @attribute is
 *   not of type B
 */
GBytes *
imgproc_dynamodb_attribute_get_binary (JsonNode *attribute)
{
  const char *encoded = get_string_of (attribute, IMGPROC_DYNAMODB_TYPE_B);
  guchar *data;
  gsize length;

  if (encoded == NULL)
    return NULL;
  data = g_base64_decode (encoded, &length);
  return g_bytes_new_take (data, length);
}

/**
 * imgproc_dynamodb_attribute_get_bool:
 * @attribute: an attribute value
 *
 * Reads a boolean attribute value.
 *
 * Returns: the boolean; %FALSE also if @attribute is not of type BOOL
 */
gboolean
imgproc_dynamodb_attribute_get_bool (JsonNode *attribute)
{
  JsonNode *value = member_of_type (attribute, IMGPROC_DYNAMODB_TYPE_BOOL);

  return value != NULL && JSON_NODE_HOLDS_VALUE (value) && json_node_get_boolean (value);
}

/**
 * imgproc_dynamodb_attribute_get_map:
 * @attribute: an attribute value
 *
 * Reads a map attribute value.
 *
 * Returns: (transfer none) (nullable): the names and their attribute values,
 *   or %NULL if @attribute is not of type M
 */
JsonObject *
imgproc_dynamodb_attribute_get_map (JsonNode *attribute)
{
  JsonNode *value = member_of_type (attribute, IMGPROC_DYNAMODB_TYPE_M);

  return value != NULL && JSON_NODE_HOLDS_OBJECT (value) ? json_node_get_object (value) : NULL;
}

/**
 * imgproc_dynamodb_attribute_get_list:
 * @attribute: an attribute value
 *
 * Reads a list attribute value.
 *
 * Returns: (transfer none) (nullable): the attribute values, or %NULL if
 *   @attribute is not of type L
 */
JsonArray *
imgproc_dynamodb_attribute_get_list (JsonNode *attribute)
{
  JsonNode *value = member_of_type (attribute, IMGPROC_DYNAMODB_TYPE_L);

  return value != NULL && JSON_NODE_HOLDS_ARRAY (value) ? json_node_get_array (value) : NULL;
}

/**
 * imgproc_dynamodb_attribute_get_strings:
 * @attribute: an attribute value
 *
 * Reads a string set or a number set (numbers as their decimal text).
 *
 * Returns: (transfer full) (nullable): the members, or %NULL if @attribute
 *   is not of type SS or NS
 */
GStrv
imgproc_dynamodb_attribute_get_strings (JsonNode *attribute)
{
  JsonNode *value = member_of_type (attribute, IMGPROC_DYNAMODB_TYPE_SS);
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonArray *array;

  if (value == NULL)
    value = member_of_type (attribute, IMGPROC_DYNAMODB_TYPE_NS);
  if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value))
    return NULL;
  array = json_node_get_array (value);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *member = json_array_get_string_element (array, i);
      if (member != NULL)
        g_strv_builder_add (builder, member);
    }
  return g_strv_builder_end (builder);
}

/**
 * imgproc_dynamodb_attribute_get_binary_set:
 * @attribute: an attribute value
 *
 * Reads a binary set attribute value.
 *
 * Returns: (transfer container) (element-type GBytes) (nullable): the
 *   members, or %NULL if @attribute is not of type BS
 */
GPtrArray *
imgproc_dynamodb_attribute_get_binary_set (JsonNode *attribute)
{
  JsonNode *value = member_of_type (attribute, IMGPROC_DYNAMODB_TYPE_BS);
  GPtrArray *members;
  JsonArray *array;

  if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value))
    return NULL;
  array = json_node_get_array (value);
  members = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *encoded = json_array_get_string_element (array, i);
      gsize length = 0;
      guchar *data = encoded != NULL ? g_base64_decode (encoded, &length) : NULL;

      g_ptr_array_add (members, g_bytes_new_take (data, length));
    }
  return members;
}
