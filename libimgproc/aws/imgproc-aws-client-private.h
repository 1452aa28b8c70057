/* The HTTP core shared by the S3, SQS, DynamoDB and STS clients: one
 * SoupSession, signing of every attempt, timeouts, and the AWS "standard"
 * retry mode with its retry quota and clock-skew correction. */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include "imgproc-aws-config.h"
#include "imgproc-credentials-provider.h"
#include "imgproc-signer.h"

G_BEGIN_DECLS

typedef struct _ImgprocAwsClient ImgprocAwsClient;
typedef struct _ImgprocAwsRequest ImgprocAwsRequest;

typedef struct
{
  guint status;
  SoupMessageHeaders *headers;
  GBytes *body;
} ImgprocAwsResponse;

#define IMGPROC_AWS_DEFAULT_CONNECT_TIMEOUT 10
#define IMGPROC_AWS_DEFAULT_TIMEOUT 60

ImgprocAwsClient *imgproc_aws_client_new (ImgprocAwsConfig           *config,
                                          ImgprocCredentialsProvider *provider,
                                          const char                 *service,
                                          ImgprocSignerFlags          flags);
ImgprocAwsClient *imgproc_aws_client_ref (ImgprocAwsClient *self);
void imgproc_aws_client_unref (ImgprocAwsClient *self);

const char *imgproc_aws_client_get_region (ImgprocAwsClient *self);
GUri *imgproc_aws_client_get_endpoint (ImgprocAwsClient *self);
SoupSession *imgproc_aws_client_get_session (ImgprocAwsClient *self);
GTlsDatabase *imgproc_aws_tls_database_for_file (const char  *path,
                                                GError     **error);
ImgprocSigner *imgproc_aws_client_get_signer (ImgprocAwsClient *self,
                                              const char       *region);
void imgproc_aws_client_set_timeouts (ImgprocAwsClient *self,
                                      guint             connect_ms,
                                      guint             read_ms);
void imgproc_aws_client_set_max_attempts (ImgprocAwsClient *self,
                                          guint             max_attempts);
void imgproc_aws_client_set_backoff (ImgprocAwsClient *self,
                                     guint             base_ms,
                                     guint             throttling_base_ms,
                                     guint             cap_ms);
void imgproc_aws_client_set_retry_quota (ImgprocAwsClient *self,
                                         guint             tokens);
guint imgproc_aws_client_get_retry_quota (ImgprocAwsClient *self);
void imgproc_aws_client_set_clock_offset (ImgprocAwsClient *self,
                                          GTimeSpan         offset);
GTimeSpan imgproc_aws_client_get_clock_offset (ImgprocAwsClient *self);

ImgprocAwsRequest *imgproc_aws_request_new (ImgprocAwsClient *client,
                                            const char       *method,
                                            const char       *encoded_path,
                                            const char       *encoded_query);
ImgprocAwsRequest *imgproc_aws_request_new_for_host (const char *method,
                                                     const char *scheme,
                                                     const char *host,
                                                     int         port,
                                                     const char *encoded_path,
                                                     const char *encoded_query);
void imgproc_aws_request_free (ImgprocAwsRequest *self);
void imgproc_aws_request_set_region (ImgprocAwsRequest *self,
                                     const char        *region);
void imgproc_aws_request_add_header (ImgprocAwsRequest *self,
                                     const char        *name,
                                     const char        *value);
void imgproc_aws_request_set_body (ImgprocAwsRequest *self,
                                   const char        *content_type,
                                   GBytes            *body);
void imgproc_aws_request_set_max_response_size (ImgprocAwsRequest *self,
                                                guint64            max_size);
void imgproc_aws_request_set_extra_timeout (ImgprocAwsRequest *self,
                                            guint              extra_ms);
void imgproc_aws_request_set_verify_crc32 (ImgprocAwsRequest *self,
                                           gboolean           verify);

void imgproc_aws_client_send_async (ImgprocAwsClient    *self,
                                    ImgprocAwsRequest   *request,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
ImgprocAwsResponse *imgproc_aws_client_send_finish (ImgprocAwsClient  *self,
                                                    GAsyncResult      *result,
                                                    GError           **error);
void imgproc_aws_response_free (ImgprocAwsResponse *self);

ImgprocAwsRequest *imgproc_aws_request_new_json (ImgprocAwsClient *client,
                                                 const char       *target,
                                                 JsonBuilder      *body);
JsonObject *imgproc_aws_response_get_json (ImgprocAwsResponse  *response,
                                           GError             **error);
void imgproc_aws_client_call_json_async (ImgprocAwsClient    *self,
                                         const char          *target,
                                         JsonBuilder         *body,
                                         guint                extra_timeout_ms,
                                         gboolean             verify_crc32,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
JsonObject *imgproc_aws_client_call_json_finish (ImgprocAwsClient  *self,
                                                 GAsyncResult      *result,
                                                 GError           **error);
ImgprocAwsRequest *imgproc_aws_request_new_query (ImgprocAwsClient *client,
                                                  const char       *action,
                                                  const char       *version,
                                                  ...) G_GNUC_NULL_TERMINATED;

/* Runs an _async call to its end on a private main context, for _sync. */
typedef struct
{
  GMainContext *context;
  GAsyncResult *result;
} ImgprocAwsSyncCall;

void imgproc_aws_sync_call_begin (ImgprocAwsSyncCall *call);
void imgproc_aws_sync_call_callback (GObject      *source,
                                     GAsyncResult *result,
                                     gpointer      user_data);
GAsyncResult *imgproc_aws_sync_call_wait (ImgprocAwsSyncCall *call);
void imgproc_aws_sync_call_end (ImgprocAwsSyncCall *call);

/* The construct-only properties every public client has: config,
 * credentials-provider, connect-timeout and timeout. A client installs them
 * with ids 1 to IMGPROC_AWS_CLIENT_N_PROPS - 1, numbers its own from
 * IMGPROC_AWS_CLIENT_N_PROPS, and hands the shared ids to the settings
 * functions. The doc comments stay in each client, where the GIR scanner
 * attaches them to that class's properties. */
enum {
  IMGPROC_AWS_CLIENT_PROP_CONFIG = 1,
  IMGPROC_AWS_CLIENT_PROP_CREDENTIALS_PROVIDER,
  IMGPROC_AWS_CLIENT_PROP_CONNECT_TIMEOUT,
  IMGPROC_AWS_CLIENT_PROP_TIMEOUT,
  IMGPROC_AWS_CLIENT_N_PROPS
};

typedef struct
{
  ImgprocAwsConfig *config;
  ImgprocCredentialsProvider *provider;
  guint connect_timeout;
  guint timeout;
} ImgprocAwsClientSettings;

void imgproc_aws_client_install_properties (GObjectClass *object_class);
void imgproc_aws_client_settings_init (ImgprocAwsClientSettings *settings);
void imgproc_aws_client_settings_clear (ImgprocAwsClientSettings *settings);
gboolean imgproc_aws_client_settings_get_property (ImgprocAwsClientSettings *settings,
                                                   guint                     prop_id,
                                                   GValue                   *value);
gboolean imgproc_aws_client_settings_set_property (ImgprocAwsClientSettings *settings,
                                                   guint                     prop_id,
                                                   const GValue             *value);
ImgprocAwsClient *imgproc_aws_client_new_from_settings (ImgprocAwsClientSettings *settings,
                                                        const char               *service,
                                                        ImgprocSignerFlags        flags);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImgprocAwsRequest, imgproc_aws_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImgprocAwsResponse, imgproc_aws_response_free)

G_END_DECLS
