/* A DynamoDB client: PutItem, UpdateItem and GetItem with condition and
 * update expressions, answers checked against x-amz-crc32. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include "imgproc-version.h"
#include "imgproc-aws-config.h"
#include "imgproc-credentials-provider.h"

G_BEGIN_DECLS

/**
 * ImgprocDynamodbReturnValues:
 * @IMGPROC_DYNAMODB_RETURN_VALUES_NONE: return nothing
 * @IMGPROC_DYNAMODB_RETURN_VALUES_ALL_OLD: the whole item as it was before
 * @IMGPROC_DYNAMODB_RETURN_VALUES_UPDATED_OLD: the changed attributes as they were
 * @IMGPROC_DYNAMODB_RETURN_VALUES_ALL_NEW: the whole item as it is now
 * @IMGPROC_DYNAMODB_RETURN_VALUES_UPDATED_NEW: the changed attributes as they are now
 *
 * Which attributes a write returns (DynamoDB's `ReturnValues`).
 */
typedef enum {
  IMGPROC_DYNAMODB_RETURN_VALUES_NONE = 0,
  IMGPROC_DYNAMODB_RETURN_VALUES_ALL_OLD = 1,
  IMGPROC_DYNAMODB_RETURN_VALUES_UPDATED_OLD = 2,
  IMGPROC_DYNAMODB_RETURN_VALUES_ALL_NEW = 3,
  IMGPROC_DYNAMODB_RETURN_VALUES_UPDATED_NEW = 4,
} ImgprocDynamodbReturnValues;

#define IMGPROC_TYPE_DYNAMODB_CLIENT (imgproc_dynamodb_client_get_type ())

IMGPROC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (ImgprocDynamodbClient, imgproc_dynamodb_client, IMGPROC, DYNAMODB_CLIENT, GObject)

IMGPROC_AVAILABLE_IN_ALL
ImgprocDynamodbClient *imgproc_dynamodb_client_new (ImgprocAwsConfig           *config,
                                                    ImgprocCredentialsProvider *provider);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_dynamodb_client_put_item_async (ImgprocDynamodbClient       *self,
                                             const char                  *table_name,
                                             JsonObject                  *item,
                                             const char                  *condition_expression,
                                             JsonObject                  *expression_attribute_names,
                                             JsonObject                  *expression_attribute_values,
                                             ImgprocDynamodbReturnValues  return_values,
                                             GCancellable                *cancellable,
                                             GAsyncReadyCallback          callback,
                                             gpointer                     user_data);
IMGPROC_AVAILABLE_IN_ALL
JsonObject *imgproc_dynamodb_client_put_item_finish (ImgprocDynamodbClient  *self,
                                                     GAsyncResult           *result,
                                                     GError                **error);
IMGPROC_AVAILABLE_IN_ALL
JsonObject *imgproc_dynamodb_client_put_item_sync (ImgprocDynamodbClient        *self,
                                                   const char                   *table_name,
                                                   JsonObject                   *item,
                                                   const char                   *condition_expression,
                                                   JsonObject                   *expression_attribute_names,
                                                   JsonObject                   *expression_attribute_values,
                                                   ImgprocDynamodbReturnValues   return_values,
                                                   GCancellable                 *cancellable,
                                                   GError                      **error);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_dynamodb_client_update_item_async (ImgprocDynamodbClient       *self,
                                                const char                  *table_name,
                                                JsonObject                  *key,
                                                const char                  *update_expression,
                                                const char                  *condition_expression,
                                                JsonObject                  *expression_attribute_names,
                                                JsonObject                  *expression_attribute_values,
                                                ImgprocDynamodbReturnValues  return_values,
                                                GCancellable                *cancellable,
                                                GAsyncReadyCallback          callback,
                                                gpointer                     user_data);
IMGPROC_AVAILABLE_IN_ALL
JsonObject *imgproc_dynamodb_client_update_item_finish (ImgprocDynamodbClient  *self,
                                                        GAsyncResult           *result,
                                                        GError                **error);
IMGPROC_AVAILABLE_IN_ALL
JsonObject *imgproc_dynamodb_client_update_item_sync (ImgprocDynamodbClient        *self,
                                                      const char                   *table_name,
                                                      JsonObject                   *key,
                                                      const char                   *update_expression,
                                                      const char                   *condition_expression,
                                                      JsonObject                   *expression_attribute_names,
                                                      JsonObject                   *expression_attribute_values,
                                                      ImgprocDynamodbReturnValues   return_values,
                                                      GCancellable                 *cancellable,
                                                      GError                      **error);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_dynamodb_client_get_item_async (ImgprocDynamodbClient *self,
                                             const char            *table_name,
                                             JsonObject            *key,
                                             gboolean               consistent_read,
                                             const char            *projection_expression,
                                             JsonObject            *expression_attribute_names,
                                             GCancellable          *cancellable,
                                             GAsyncReadyCallback    callback,
                                             gpointer               user_data);
IMGPROC_AVAILABLE_IN_ALL
JsonObject *imgproc_dynamodb_client_get_item_finish (ImgprocDynamodbClient  *self,
                                                     GAsyncResult           *result,
                                                     GError                **error);
IMGPROC_AVAILABLE_IN_ALL
JsonObject *imgproc_dynamodb_client_get_item_sync (ImgprocDynamodbClient  *self,
                                                   const char             *table_name,
                                                   JsonObject             *key,
                                                   gboolean                consistent_read,
                                                   const char             *projection_expression,
                                                   JsonObject             *expression_attribute_names,
                                                   GCancellable           *cancellable,
                                                   GError                **error);

G_END_DECLS
