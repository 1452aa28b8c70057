/* The STS client: GetCallerIdentity over the query protocol. (The web
 * identity provider calls AssumeRoleWithWebIdentity itself, unsigned.) */
#include "config.h"

#include "imgproc.h"
#include "imgproc-private.h"
#include "imgproc-aws-clients-private.h"
#include "imgproc-aws-xml-private.h"

/**
 * ImgprocStsClient:
 *
 * A client of AWS STS: GetCallerIdentity, which tells whose credentials sign
 * the requests.
 */
struct _ImgprocStsClient
{
  GObject parent_instance;

  ImgprocAwsClientSettings settings;
  ImgprocAwsClient *http;
};

G_DEFINE_FINAL_TYPE (ImgprocStsClient, imgproc_sts_client, G_TYPE_OBJECT)

static void
imgproc_sts_client_constructed (GObject *object)
{
  ImgprocStsClient *self = IMGPROC_STS_CLIENT (object);

  G_OBJECT_CLASS (imgproc_sts_client_parent_class)->constructed (object);

  self->http = imgproc_aws_client_new_from_settings (&self->settings, "sts", IMGPROC_SIGNER_FLAGS_NONE);
}

static void
imgproc_sts_client_finalize (GObject *object)
{
  ImgprocStsClient *self = IMGPROC_STS_CLIENT (object);

  imgproc_aws_client_settings_clear (&self->settings);
  g_clear_pointer (&self->http, imgproc_aws_client_unref);

  G_OBJECT_CLASS (imgproc_sts_client_parent_class)->finalize (object);
}

static void
imgproc_sts_client_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ImgprocStsClient *self = IMGPROC_STS_CLIENT (object);

  if (!imgproc_aws_client_settings_get_property (&self->settings, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
imgproc_sts_client_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ImgprocStsClient *self = IMGPROC_STS_CLIENT (object);

  if (!imgproc_aws_client_settings_set_property (&self->settings, prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
imgproc_sts_client_class_init (ImgprocStsClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = imgproc_sts_client_constructed;
  object_class->finalize = imgproc_sts_client_finalize;
  object_class->get_property = imgproc_sts_client_get_property;
  object_class->set_property = imgproc_sts_client_set_property;

  /**
   * ImgprocStsClient:config:
   *
   * The region, endpoint, retry and TLS settings.
   */
  /**
   * ImgprocStsClient:credentials-provider:
   *
   * Where the credentials come from; when not set, the configuration's
   * default chain.
   */
  /**
   * ImgprocStsClient:connect-timeout:
   *
   * How long to wait for a connection, in seconds; 0 waits for ever.
   */
  /**
   * ImgprocStsClient:timeout:
   *
   * How long an answer may take once the request is sent, in seconds; 0 waits
   * for ever.
   */

  imgproc_aws_client_install_properties (object_class);
}

static void
imgproc_sts_client_init (ImgprocStsClient *self)
{
  imgproc_aws_client_settings_init (&self->settings);
}

/**
 * imgproc_sts_client_new:
 * @config: the region, endpoints and retry settings
 * @provider: (nullable): where credentials come from; %NULL for the default
 *   chain of @config
 *
 * Makes an STS client. It keeps one HTTP session for all its requests, and may
 * be shared by everything that talks to STS.
 *
 * Returns: (transfer full): a new client
 */
ImgprocStsClient *
imgproc_sts_client_new (ImgprocAwsConfig           *config,
                       ImgprocCredentialsProvider *provider)
{
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (provider == NULL || IMGPROC_IS_CREDENTIALS_PROVIDER (provider), NULL);

  return g_object_new (IMGPROC_TYPE_STS_CLIENT, "config", config, "credentials-provider", provider, NULL);
}

ImgprocAwsClient *
imgproc_sts_client_get_http (ImgprocStsClient *self)
{
  return self->http;
}


static void
on_caller_identity (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  ImgprocStsClient *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr(ImgprocAwsResponse) response = imgproc_aws_client_send_finish (self->http, result, &error);
  g_autoptr(ImgprocAwsXmlNode) root = NULL;
  ImgprocAwsXmlNode *identity;
  const char *account, *arn, *user_id;
  const char *data;
  gsize length;

  if (response == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  data = g_bytes_get_data (response->body, &length);
  root = data != NULL ? imgproc_aws_xml_parse (data, length, NULL) : NULL;
  identity = imgproc_aws_xml_node_find (root, "GetCallerIdentityResult");
  account = imgproc_aws_xml_node_child_text (identity, "Account");
  arn = imgproc_aws_xml_node_child_text (identity, "Arn");
  user_id = imgproc_aws_xml_node_child_text (identity, "UserId");
  if (account == NULL || arn == NULL || user_id == NULL)
    g_task_return_new_error (task, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_INVALID_RESPONSE,
                             "%s", _("STS sent no caller identity"));
  else
    g_task_return_pointer (task, imgproc_caller_identity_new (account, arn, user_id),
                           (GDestroyNotify) imgproc_caller_identity_unref);
  g_object_unref (task);
}

/**
 * imgproc_sts_client_get_caller_identity_async:
 * @self: the client
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the identity
 * @user_data: data for @callback
 *
 * Asks STS who the credentials belong to. The call needs no permission, so
 * it is the way to check that credentials work.
 */
void
imgproc_sts_client_get_caller_identity_async (ImgprocStsClient    *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (IMGPROC_IS_STS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, imgproc_sts_client_get_caller_identity_async);
  imgproc_aws_client_send_async (self->http,
                                 imgproc_aws_request_new_query (self->http, "GetCallerIdentity", "2011-06-15", NULL),
                                 cancellable, on_caller_identity, task);
}

/**
 * imgproc_sts_client_get_caller_identity_finish:
 * @self: the client
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Finishes [method@Imgproc.StsClient.get_caller_identity_async].
 *
 * Returns: (transfer full): the identity, or %NULL on error
 */
ImgprocCallerIdentity *
imgproc_sts_client_get_caller_identity_finish (ImgprocStsClient  *self,
                                               GAsyncResult      *result,
                                               GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        imgproc_sts_client_get_caller_identity_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * imgproc_sts_client_get_caller_identity_sync:
 * @self: the client
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Asks STS who the credentials belong to, blocking; see
 * [method@Imgproc.StsClient.get_caller_identity_async].
 *
 * Returns: (transfer full): the identity, or %NULL on error
 */
ImgprocCallerIdentity *
imgproc_sts_client_get_caller_identity_sync (ImgprocStsClient  *self,
                                             GCancellable      *cancellable,
                                             GError           **error)
{
  ImgprocAwsSyncCall call;
  ImgprocCallerIdentity *result;

  imgproc_aws_sync_call_begin (&call);
  imgproc_sts_client_get_caller_identity_async (self, cancellable, imgproc_aws_sync_call_callback,
                                                &call);
  result = imgproc_sts_client_get_caller_identity_finish (self, imgproc_aws_sync_call_wait (&call),
                                                          error);
  imgproc_aws_sync_call_end (&call);
  return result;
}
