/* Building and reading DynamoDB attribute values: the typed JSON form
 * `{"S": "text"}`, `{"N": "42"}`, `{"M": {...}}` and so on. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib-object.h>
#include <json-glib/json-glib.h>
#include "imgproc-version.h"

G_BEGIN_DECLS

/**
 * ImgprocDynamodbType:
 * @IMGPROC_DYNAMODB_TYPE_INVALID: not an attribute value
 * @IMGPROC_DYNAMODB_TYPE_S: a string
 * @IMGPROC_DYNAMODB_TYPE_N: a number, kept as its decimal text (up to 38 digits)
 * @IMGPROC_DYNAMODB_TYPE_B: binary data, base64 on the wire
 * @IMGPROC_DYNAMODB_TYPE_BOOL: a boolean
 * @IMGPROC_DYNAMODB_TYPE_NULL: the null value
 * @IMGPROC_DYNAMODB_TYPE_M: a map of names to attribute values
 * @IMGPROC_DYNAMODB_TYPE_L: a list of attribute values
 * @IMGPROC_DYNAMODB_TYPE_SS: a set of strings
 * @IMGPROC_DYNAMODB_TYPE_NS: a set of numbers
 * @IMGPROC_DYNAMODB_TYPE_BS: a set of binary values
 *
 * The type of a DynamoDB attribute value, named as on the wire.
 */
typedef enum {
  IMGPROC_DYNAMODB_TYPE_INVALID = 0,
  IMGPROC_DYNAMODB_TYPE_S = 1,
  IMGPROC_DYNAMODB_TYPE_N = 2,
  IMGPROC_DYNAMODB_TYPE_B = 3,
  IMGPROC_DYNAMODB_TYPE_BOOL = 4,
  IMGPROC_DYNAMODB_TYPE_NULL = 5,
  IMGPROC_DYNAMODB_TYPE_M = 6,
  IMGPROC_DYNAMODB_TYPE_L = 7,
  IMGPROC_DYNAMODB_TYPE_SS = 8,
  IMGPROC_DYNAMODB_TYPE_NS = 9,
  IMGPROC_DYNAMODB_TYPE_BS = 10,
} ImgprocDynamodbType;

IMGPROC_AVAILABLE_IN_ALL
JsonNode *imgproc_dynamodb_attribute_new_string (const char *value);
IMGPROC_AVAILABLE_IN_ALL
JsonNode *imgproc_dynamodb_attribute_new_number (const char *value);
IMGPROC_AVAILABLE_IN_ALL
JsonNode *imgproc_dynamodb_attribute_new_int (gint64 value);
IMGPROC_AVAILABLE_IN_ALL
JsonNode *imgproc_dynamodb_attribute_new_binary (GBytes *value);
IMGPROC_AVAILABLE_IN_ALL
JsonNode *imgproc_dynamodb_attribute_new_bool (gboolean value);
IMGPROC_AVAILABLE_IN_ALL
JsonNode *imgproc_dynamodb_attribute_new_null (void);
IMGPROC_AVAILABLE_IN_ALL
JsonNode *imgproc_dynamodb_attribute_new_map (JsonObject *value);
IMGPROC_AVAILABLE_IN_ALL
JsonNode *imgproc_dynamodb_attribute_new_list (JsonArray *value);
IMGPROC_AVAILABLE_IN_ALL
JsonNode *imgproc_dynamodb_attribute_new_string_set (const char *const *values);
IMGPROC_AVAILABLE_IN_ALL
JsonNode *imgproc_dynamodb_attribute_new_number_set (const char *const *values);
IMGPROC_AVAILABLE_IN_ALL
JsonNode *imgproc_dynamodb_attribute_new_binary_set (GPtrArray *values);

IMGPROC_AVAILABLE_IN_ALL
ImgprocDynamodbType imgproc_dynamodb_attribute_type_of (JsonNode *attribute);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_dynamodb_attribute_get_string (JsonNode *attribute);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_dynamodb_attribute_get_number (JsonNode *attribute);
IMGPROC_AVAILABLE_IN_ALL
GBytes *imgproc_dynamodb_attribute_get_binary (JsonNode *attribute);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_dynamodb_attribute_get_bool (JsonNode *attribute);
IMGPROC_AVAILABLE_IN_ALL
JsonObject *imgproc_dynamodb_attribute_get_map (JsonNode *attribute);
IMGPROC_AVAILABLE_IN_ALL
JsonArray *imgproc_dynamodb_attribute_get_list (JsonNode *attribute);
IMGPROC_AVAILABLE_IN_ALL
GStrv imgproc_dynamodb_attribute_get_strings (JsonNode *attribute);
IMGPROC_AVAILABLE_IN_ALL
GPtrArray *imgproc_dynamodb_attribute_get_binary_set (JsonNode *attribute);

G_END_DECLS
