/* A client of the Lambda Runtime API, the protocol of custom runtimes. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <gio/gio.h>
#include "imgproc-version.h"
#include "imgproc-invocation.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_LAMBDA_RUNTIME (imgproc_lambda_runtime_get_type ())

IMGPROC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (ImgprocLambdaRuntime, imgproc_lambda_runtime, IMGPROC, LAMBDA_RUNTIME, GObject)

IMGPROC_AVAILABLE_IN_ALL
ImgprocLambdaRuntime *imgproc_lambda_runtime_new (const char *api_address);
IMGPROC_AVAILABLE_IN_ALL
ImgprocLambdaRuntime *imgproc_lambda_runtime_new_from_environment (GError **error);
IMGPROC_AVAILABLE_IN_ALL
const char *imgproc_lambda_runtime_get_api_address (ImgprocLambdaRuntime *self);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_lambda_runtime_next_async (ImgprocLambdaRuntime *self,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
IMGPROC_AVAILABLE_IN_ALL
ImgprocInvocation *imgproc_lambda_runtime_next_finish (ImgprocLambdaRuntime  *self,
                                                       GAsyncResult          *result,
                                                       GError               **error);
IMGPROC_AVAILABLE_IN_ALL
ImgprocInvocation *imgproc_lambda_runtime_next_sync (ImgprocLambdaRuntime  *self,
                                                     GCancellable          *cancellable,
                                                     GError               **error);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_lambda_runtime_respond_async (ImgprocLambdaRuntime *self,
                                           const char           *request_id,
                                           GBytes               *body,
                                           const char           *content_type,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_lambda_runtime_respond_finish (ImgprocLambdaRuntime  *self,
                                                GAsyncResult          *result,
                                                GError               **error);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_lambda_runtime_respond_sync (ImgprocLambdaRuntime  *self,
                                              const char            *request_id,
                                              GBytes                *body,
                                              const char            *content_type,
                                              GCancellable          *cancellable,
                                              GError               **error);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_lambda_runtime_report_error_async (ImgprocLambdaRuntime *self,
                                                const char           *request_id,
                                                const char           *error_type,
                                                const char           *error_message,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_lambda_runtime_report_error_finish (ImgprocLambdaRuntime  *self,
                                                     GAsyncResult          *result,
                                                     GError               **error);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_lambda_runtime_report_error_sync (ImgprocLambdaRuntime  *self,
                                                   const char            *request_id,
                                                   const char            *error_type,
                                                   const char            *error_message,
                                                   GCancellable          *cancellable,
                                                   GError               **error);

G_END_DECLS
