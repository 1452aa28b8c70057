/* An S3 client: GetObject with a size limit, PutObject, HeadObject,
 * ListObjectsV2 and DeleteObject, with region redirects followed. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <gio/gio.h>
#include "imgproc-version.h"
#include "imgproc-aws-config.h"
#include "imgproc-credentials-provider.h"
#include "imgproc-s3-object-info.h"
#include "imgproc-s3-put-options.h"

G_BEGIN_DECLS

#define IMGPROC_TYPE_S3_CLIENT (imgproc_s3_client_get_type ())

IMGPROC_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (ImgprocS3Client, imgproc_s3_client, IMGPROC, S3_CLIENT, GObject)

IMGPROC_AVAILABLE_IN_ALL
ImgprocS3Client *imgproc_s3_client_new (ImgprocAwsConfig           *config,
                                        ImgprocCredentialsProvider *provider);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_s3_client_get_object_async (ImgprocS3Client     *self,
                                         const char          *bucket,
                                         const char          *key,
                                         guint64              max_size,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
IMGPROC_AVAILABLE_IN_ALL
GBytes *imgproc_s3_client_get_object_finish (ImgprocS3Client      *self,
                                             GAsyncResult         *result,
                                             ImgprocS3ObjectInfo **info,
                                             GError              **error);
IMGPROC_AVAILABLE_IN_ALL
GBytes *imgproc_s3_client_get_object_sync (ImgprocS3Client      *self,
                                           const char           *bucket,
                                           const char           *key,
                                           guint64               max_size,
                                           ImgprocS3ObjectInfo **info,
                                           GCancellable         *cancellable,
                                           GError              **error);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_s3_client_put_object_async (ImgprocS3Client     *self,
                                         const char          *bucket,
                                         const char          *key,
                                         GBytes              *body,
                                         const char          *content_type,
                                         ImgprocS3PutOptions *options,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
IMGPROC_AVAILABLE_IN_ALL
char *imgproc_s3_client_put_object_finish (ImgprocS3Client  *self,
                                           GAsyncResult     *result,
                                           GError          **error);
IMGPROC_AVAILABLE_IN_ALL
char *imgproc_s3_client_put_object_sync (ImgprocS3Client      *self,
                                         const char           *bucket,
                                         const char           *key,
                                         GBytes               *body,
                                         const char           *content_type,
                                         ImgprocS3PutOptions  *options,
                                         GCancellable         *cancellable,
                                         GError              **error);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_s3_client_head_object_async (ImgprocS3Client     *self,
                                          const char          *bucket,
                                          const char          *key,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
IMGPROC_AVAILABLE_IN_ALL
ImgprocS3ObjectInfo *imgproc_s3_client_head_object_finish (ImgprocS3Client  *self,
                                                           GAsyncResult     *result,
                                                           GError          **error);
IMGPROC_AVAILABLE_IN_ALL
ImgprocS3ObjectInfo *imgproc_s3_client_head_object_sync (ImgprocS3Client  *self,
                                                         const char       *bucket,
                                                         const char       *key,
                                                         GCancellable     *cancellable,
                                                         GError          **error);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_s3_client_delete_object_async (ImgprocS3Client     *self,
                                            const char          *bucket,
                                            const char          *key,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_s3_client_delete_object_finish (ImgprocS3Client  *self,
                                                 GAsyncResult     *result,
                                                 GError          **error);
IMGPROC_AVAILABLE_IN_ALL
gboolean imgproc_s3_client_delete_object_sync (ImgprocS3Client  *self,
                                               const char       *bucket,
                                               const char       *key,
                                               GCancellable     *cancellable,
                                               GError          **error);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_s3_client_list_objects_async (ImgprocS3Client     *self,
                                           const char          *bucket,
                                           const char          *prefix,
                                           const char          *continuation_token,
                                           guint                max_keys,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
IMGPROC_AVAILABLE_IN_ALL
GPtrArray *imgproc_s3_client_list_objects_finish (ImgprocS3Client  *self,
                                                  GAsyncResult     *result,
                                                  char            **next_continuation_token,
                                                  GError          **error);
IMGPROC_AVAILABLE_IN_ALL
GPtrArray *imgproc_s3_client_list_objects_sync (ImgprocS3Client  *self,
                                                const char       *bucket,
                                                const char       *prefix,
                                                const char       *continuation_token,
                                                guint             max_keys,
                                                char            **next_continuation_token,
                                                GCancellable     *cancellable,
                                                GError          **error);

IMGPROC_AVAILABLE_IN_ALL
void imgproc_s3_client_list_objects_after_async (ImgprocS3Client     *self,
                                                 const char          *bucket,
                                                 const char          *prefix,
                                                 const char          *start_after,
                                                 const char          *continuation_token,
                                                 guint                max_keys,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
IMGPROC_AVAILABLE_IN_ALL
GPtrArray *imgproc_s3_client_list_objects_after_finish (ImgprocS3Client  *self,
                                                        GAsyncResult     *result,
                                                        char            **next_continuation_token,
                                                        GError          **error);
IMGPROC_AVAILABLE_IN_ALL
GPtrArray *imgproc_s3_client_list_objects_after_sync (ImgprocS3Client  *self,
                                                      const char       *bucket,
                                                      const char       *prefix,
                                                      const char       *start_after,
                                                      const char       *continuation_token,
                                                      guint             max_keys,
                                                      char            **next_continuation_token,
                                                      GCancellable     *cancellable,
                                                      GError          **error);

G_END_DECLS
