/* An SQS client over the AWS JSON 1.0 protocol: receive with long polling,
 * delete, change visibility, send (each also in batches), queue attributes. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <gio/gio.h>
#include "imgproc-version.h"
#include "imgproc-aws-config.h"
#include "imgproc-credentials-provider.h"
#include "imgproc-sqs-message.h"
#include "imgproc-sqs-batch-result.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_SQS_CLIENT (imgproc_sqs_client_get_type ())

IMGPROC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (ImgprocSqsClient, imgproc_sqs_client, IMGPROC, SQS_CLIENT, GObject)

IMGPROC_AVAILABLE_IN_ALL
ImgprocSqsClient *imgproc_sqs_client_new (ImgprocAwsConfig           *config,
                                          ImgprocCredentialsProvider *provider);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_sqs_client_receive_message_async (ImgprocSqsClient    *self,
                                               const char          *queue_url,
                                               guint                max_messages,
                                               guint                wait_time_seconds,
                                               int                  visibility_timeout,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
IMGPROC_AVAILABLE_IN_ALL
GPtrArray *imgproc_sqs_client_receive_message_finish (ImgprocSqsClient  *self,
                                                      GAsyncResult      *result,
                                                      GError           **error);
IMGPROC_AVAILABLE_IN_ALL
GPtrArray *imgproc_sqs_client_receive_message_sync (ImgprocSqsClient  *self,
                                                    const char        *queue_url,
                                                    guint              max_messages,
                                                    guint              wait_time_seconds,
                                                    int                visibility_timeout,
                                                    GCancellable      *cancellable,
                                                    GError           **error);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_sqs_client_delete_message_async (ImgprocSqsClient    *self,
                                              const char          *queue_url,
                                              const char          *receipt_handle,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_sqs_client_delete_message_finish (ImgprocSqsClient  *self,
                                                   GAsyncResult      *result,
                                                   GError           **error);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_sqs_client_delete_message_sync (ImgprocSqsClient  *self,
                                                 const char        *queue_url,
                                                 const char        *receipt_handle,
                                                 GCancellable      *cancellable,
                                                 GError           **error);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_sqs_client_delete_message_batch_async (ImgprocSqsClient    *self,
                                                    const char          *queue_url,
                                                    const char *const   *receipt_handles,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
IMGPROC_AVAILABLE_IN_ALL
ImgprocSqsBatchResult *imgproc_sqs_client_delete_message_batch_finish (ImgprocSqsClient  *self,
                                                                       GAsyncResult      *result,
                                                                       GError           **error);
IMGPROC_AVAILABLE_IN_ALL
ImgprocSqsBatchResult *imgproc_sqs_client_delete_message_batch_sync (ImgprocSqsClient   *self,
                                                                     const char         *queue_url,
                                                                     const char *const  *receipt_handles,
                                                                     GCancellable       *cancellable,
                                                                     GError            **error);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_sqs_client_change_message_visibility_async (ImgprocSqsClient    *self,
                                                         const char          *queue_url,
                                                         const char          *receipt_handle,
                                                         guint                visibility_timeout,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_sqs_client_change_message_visibility_finish (ImgprocSqsClient  *self,
                                                              GAsyncResult      *result,
                                                              GError           **error);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_sqs_client_change_message_visibility_sync (ImgprocSqsClient  *self,
                                                            const char        *queue_url,
                                                            const char        *receipt_handle,
                                                            guint              visibility_timeout,
                                                            GCancellable      *cancellable,
                                                            GError           **error);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_sqs_client_change_message_visibility_batch_async (ImgprocSqsClient    *self,
                                                               const char          *queue_url,
                                                               const char *const   *receipt_handles,
                                                               guint                visibility_timeout,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
IMGPROC_AVAILABLE_IN_ALL
ImgprocSqsBatchResult *imgproc_sqs_client_change_message_visibility_batch_finish (ImgprocSqsClient  *self,
                                                                                  GAsyncResult      *result,
                                                                                  GError           **error);
IMGPROC_AVAILABLE_IN_ALL
ImgprocSqsBatchResult *imgproc_sqs_client_change_message_visibility_batch_sync (ImgprocSqsClient   *self,
                                                                                const char         *queue_url,
                                                                                const char *const  *receipt_handles,
                                                                                guint               visibility_timeout,
                                                                                GCancellable       *cancellable,
                                                                                GError            **error);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_sqs_client_send_message_async (ImgprocSqsClient    *self,
                                            const char          *queue_url,
                                            const char          *body,
                                            guint                delay_seconds,
                                            GHashTable          *message_attributes,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
IMGPROC_AVAILABLE_IN_ALL
char *imgproc_sqs_client_send_message_finish (ImgprocSqsClient  *self,
                                              GAsyncResult      *result,
                                              GError           **error);
IMGPROC_AVAILABLE_IN_ALL
char *imgproc_sqs_client_send_message_sync (ImgprocSqsClient  *self,
                                            const char        *queue_url,
                                            const char        *body,
                                            guint              delay_seconds,
                                            GHashTable        *message_attributes,
                                            GCancellable      *cancellable,
                                            GError           **error);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_sqs_client_send_message_batch_async (ImgprocSqsClient    *self,
                                                  const char          *queue_url,
                                                  const char *const   *bodies,
                                                  guint                delay_seconds,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
IMGPROC_AVAILABLE_IN_ALL
ImgprocSqsBatchResult *imgproc_sqs_client_send_message_batch_finish (ImgprocSqsClient  *self,
                                                                     GAsyncResult      *result,
                                                                     GError           **error);
IMGPROC_AVAILABLE_IN_ALL
ImgprocSqsBatchResult *imgproc_sqs_client_send_message_batch_sync (ImgprocSqsClient   *self,
                                                                   const char         *queue_url,
                                                                   const char *const  *bodies,
                                                                   guint               delay_seconds,
                                                                   GCancellable       *cancellable,
                                                                   GError            **error);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_sqs_client_get_queue_attributes_async (ImgprocSqsClient    *self,
                                                    const char          *queue_url,
                                                    const char *const   *attribute_names,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
IMGPROC_AVAILABLE_IN_ALL
GHashTable *imgproc_sqs_client_get_queue_attributes_finish (ImgprocSqsClient  *self,
                                                            GAsyncResult      *result,
                                                            GError           **error);
IMGPROC_AVAILABLE_IN_ALL
GHashTable *imgproc_sqs_client_get_queue_attributes_sync (ImgprocSqsClient   *self,
                                                          const char         *queue_url,
                                                          const char *const  *attribute_names,
                                                          GCancellable       *cancellable,
                                                          GError            **error);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_sqs_client_get_queue_url_async (ImgprocSqsClient    *self,
                                             const char          *queue_name,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
IMGPROC_AVAILABLE_IN_ALL
char *imgproc_sqs_client_get_queue_url_finish (ImgprocSqsClient  *self,
                                               GAsyncResult      *result,
                                               GError           **error);
IMGPROC_AVAILABLE_IN_ALL
char *imgproc_sqs_client_get_queue_url_sync (ImgprocSqsClient  *self,
                                             const char        *queue_name,
                                             GCancellable      *cancellable,
                                             GError           **error);

G_END_DECLS
