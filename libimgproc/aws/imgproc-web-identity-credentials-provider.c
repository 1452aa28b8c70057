/* Credentials from STS AssumeRoleWithWebIdentity, an unsigned call that trades
 * a web identity token (EKS IRSA and alike) for temporary keys of a role. */
#include "config.h"
#include "imgproc.h"
#include "imgproc-private.h"

#include <string.h>
#include <libsoup/soup.h>

#include "imgproc-aws-client-private.h"
#include "imgproc-aws-config-private.h"
#include "imgproc-aws-proxy-private.h"
#include "imgproc-aws-shared-files-private.h"
#include "imgproc-credentials-private.h"
#include "imgproc-signer-private.h"

#define TIMEOUT_SECONDS 10

struct _ImgprocWebIdentityCredentialsProvider
{
  GObject parent_instance;

  char *endpoint;
};

enum {
  PROP_0,
  PROP_ENDPOINT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void provider_iface_init (ImgprocCredentialsProviderInterface *iface);

/**
 * ImgprocWebIdentityCredentialsProvider:
 *
 * Supplies temporary credentials from STS `AssumeRoleWithWebIdentity`. The
 * token file and role come from `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`
 * and optional `AWS_ROLE_SESSION_NAME`, else from the profile's
 * `web_identity_token_file`, `role_arn` and `role_session_name`. The token
 * file is read again at each load, since it is rotated. The STS endpoint
 * follows `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, the config file and the
 * region, unless one is given. Over https it trusts the clients' CA bundle
 * (`IMGPROC_CA_FILE`, `AWS_CA_BUNDLE` or the profile's `ca_bundle`) when one
 * is set.
 */
G_DEFINE_FINAL_TYPE_WITH_CODE (ImgprocWebIdentityCredentialsProvider,
                               imgproc_web_identity_credentials_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (IMGPROC_TYPE_CREDENTIALS_PROVIDER,
                                                      provider_iface_init))

static void
imgproc_web_identity_credentials_provider_finalize (GObject *object)
{
  ImgprocWebIdentityCredentialsProvider *self = IMGPROC_WEB_IDENTITY_CREDENTIALS_PROVIDER (object);

  g_free (self->endpoint);

  G_OBJECT_CLASS (imgproc_web_identity_credentials_provider_parent_class)->finalize (object);
}

static void
imgproc_web_identity_credentials_provider_get_property (GObject    *object,
                                                        guint       prop_id,
                                                        GValue     *value,
                                                        GParamSpec *pspec)
{
  ImgprocWebIdentityCredentialsProvider *self = IMGPROC_WEB_IDENTITY_CREDENTIALS_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_ENDPOINT:
      g_value_set_string (value, self->endpoint);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
imgproc_web_identity_credentials_provider_set_property (GObject      *object,
                                                        guint         prop_id,
                                                        const GValue *value,
                                                        GParamSpec   *pspec)
{
  ImgprocWebIdentityCredentialsProvider *self = IMGPROC_WEB_IDENTITY_CREDENTIALS_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_ENDPOINT:
      g_free (self->endpoint);
      self->endpoint = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
imgproc_web_identity_credentials_provider_class_init (ImgprocWebIdentityCredentialsProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = imgproc_web_identity_credentials_provider_finalize;
  object_class->get_property = imgproc_web_identity_credentials_provider_get_property;
  object_class->set_property = imgproc_web_identity_credentials_provider_set_property;

  /**
   * ImgprocWebIdentityCredentialsProvider:endpoint:
   *
   * The STS endpoint, such as `https://sts.eu-west-1.amazonaws.com`, or
   * %NULL to resolve it from the environment at each load.
   */
  properties[PROP_ENDPOINT] =
    g_param_spec_string ("endpoint", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
imgproc_web_identity_credentials_provider_init (ImgprocWebIdentityCredentialsProvider *self)
{
}

static const char *
get_name (ImgprocCredentialsProvider *provider)
{
  return "web-identity";
}

typedef struct
{
  GString *text;
  const char *element;
  char *access_key_id;
  char *secret_access_key;
  char *session_token;
  char *expiration;
  char *error_code;
  char *error_message;
} StsResponse;

static void
sts_response_clear (StsResponse *response)
{
  imgproc_secure_wipe (response->text->str, response->text->len);
  g_string_free (response->text, TRUE);
  g_free (response->access_key_id);
  imgproc_secure_free_string (response->secret_access_key);
  imgproc_secure_free_string (response->session_token);
  g_free (response->expiration);
  g_free (response->error_code);
  g_free (response->error_message);
}

static void
start_element (GMarkupParseContext  *context,
               const char           *element_name,
               const char          **attribute_names,
               const char          **attribute_values,
               gpointer              user_data,
               GError              **error)
{
  StsResponse *response = user_data;

  imgproc_secure_wipe (response->text->str, response->text->len);
  g_string_truncate (response->text, 0);
}

static void
end_element (GMarkupParseContext  *context,
             const char           *element_name,
             gpointer              user_data,
             GError              **error)
{
  StsResponse *response = user_data;
  const GSList *stack = g_markup_parse_context_get_element_stack (context);
  const char *parent = stack->next != NULL ? stack->next->data : "";
  char **slot = NULL;

  if (g_str_equal (parent, "Credentials"))
    {
      if (g_str_equal (element_name, "AccessKeyId"))
        slot = &response->access_key_id;
      else if (g_str_equal (element_name, "SecretAccessKey"))
        slot = &response->secret_access_key;
      else if (g_str_equal (element_name, "SessionToken"))
        slot = &response->session_token;
      else if (g_str_equal (element_name, "Expiration"))
        slot = &response->expiration;
    }
  else if (g_str_equal (parent, "Error"))
    {
      if (g_str_equal (element_name, "Code"))
        slot = &response->error_code;
      else if (g_str_equal (element_name, "Message"))
        slot = &response->error_message;
    }

  if (slot != NULL && *slot == NULL)
    *slot = g_strstrip (g_strdup (response->text->str));
  imgproc_secure_wipe (response->text->str, response->text->len);
  g_string_truncate (response->text, 0);
}

static void
text (GMarkupParseContext  *context,
      const char           *text,
      gsize                 text_len,
      gpointer              user_data,
      GError              **error)
{
  StsResponse *response = user_data;

  g_string_append_len (response->text, text, text_len);
}

static const GMarkupParser sts_parser = { start_element, end_element, text, NULL, NULL };

static gboolean
parse_sts_response (GBytes      *body,
                    StsResponse *response)
{
  g_autoptr(GMarkupParseContext) context = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (body, &size);

  context = g_markup_parse_context_new (&sts_parser, G_MARKUP_IGNORE_QUALIFIED, response, NULL);
  return g_markup_parse_context_parse (context, data != NULL ? data : "", size, NULL) &&
         g_markup_parse_context_end_parse (context, NULL);
}

static void
response_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GDateTime) expires = NULL;
  StsResponse response = { NULL, };
  GError *error = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, error);
      else
        {
          g_task_return_new_error (task, IMGPROC_CREDENTIALS_ERROR,
                                   IMGPROC_CREDENTIALS_ERROR_UNAVAILABLE,
                                   _("web-identity: STS AssumeRoleWithWebIdentity failed: %s"),
                                   error->message);
          g_error_free (error);
        }
      return;
    }

  status = soup_message_get_status (message);
  response.text = g_string_new (NULL);
  if (!parse_sts_response (body, &response) && status == SOUP_STATUS_OK)
    {
      g_task_return_new_error (task, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_INVALID,
                               _("web-identity: STS answered with malformed XML"));
      sts_response_clear (&response);
      return;
    }

  if (status != SOUP_STATUS_OK)
    {
      gboolean retryable = status >= 500 ||
                           g_strcmp0 (response.error_code, "IDPCommunicationError") == 0;

      g_task_return_new_error (task, IMGPROC_CREDENTIALS_ERROR,
                               retryable ? IMGPROC_CREDENTIALS_ERROR_UNAVAILABLE
                                         : IMGPROC_CREDENTIALS_ERROR_REJECTED,
                               _("web-identity: STS AssumeRoleWithWebIdentity answered HTTP %u %s: %s"),
                               status,
                               response.error_code != NULL ? response.error_code : "",
                               response.error_message != NULL ? response.error_message : "");
      sts_response_clear (&response);
      return;
    }

  if (response.access_key_id == NULL || response.secret_access_key == NULL ||
      response.session_token == NULL)
    {
      g_task_return_new_error (task, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_INVALID,
                               _("web-identity: the STS response has no credentials"));
      sts_response_clear (&response);
      return;
    }

  if (response.expiration != NULL &&
      (expires = g_date_time_new_from_iso8601 (response.expiration, NULL)) == NULL)
    {
      g_task_return_new_error (task, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_INVALID,
                               _("web-identity: cannot parse the expiration “%s”"),
                               response.expiration);
      sts_response_clear (&response);
      return;
    }

  g_task_return_pointer (task,
                         imgproc_credentials_new (response.access_key_id,
                                                  response.secret_access_key,
                                                  response.session_token, expires,
                                                  "web-identity"),
                         (GDestroyNotify) imgproc_credentials_unref);
  sts_response_clear (&response);
}

static void
append_form_field (GString    *form,
                   const char *name,
                   const char *value)
{
  if (form->len > 0)
    g_string_append_c (form, '&');
  g_string_append (form, name);
  g_string_append_c (form, '=');
  imgproc_aws_uri_encode (form, value, -1, FALSE);
}

static void
load_async (ImgprocCredentialsProvider *provider,
            GCancellable               *cancellable,
            GAsyncReadyCallback         callback,
            gpointer                    user_data)
{
  ImgprocWebIdentityCredentialsProvider *self = IMGPROC_WEB_IDENTITY_CREDENTIALS_PROVIDER (provider);
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  g_autoptr(ImgprocAwsProfile) profile = NULL;
  g_autofree char *token_file = g_strdup (g_getenv ("AWS_WEB_IDENTITY_TOKEN_FILE"));
  g_autofree char *role_arn = g_strdup (g_getenv ("AWS_ROLE_ARN"));
  g_autofree char *session_name = g_strdup (g_getenv ("AWS_ROLE_SESSION_NAME"));
  g_autofree char *endpoint = NULL;
  g_autofree char *ca_file = NULL;
  g_autofree char *token = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  GString *form;
  gsize token_length = 0;
  GError *error = NULL;

  g_task_set_source_tag (task, load_async);

  if (token_file == NULL || *token_file == '\0' || role_arn == NULL || *role_arn == '\0')
    {
      profile = imgproc_aws_profile_load (imgproc_aws_profile_name_from_env (), NULL);
      if (profile != NULL && (token_file == NULL || *token_file == '\0'))
        {
          g_free (token_file);
          token_file = g_strdup (imgproc_aws_profile_get (profile, "web_identity_token_file"));
          g_free (role_arn);
          role_arn = g_strdup (imgproc_aws_profile_get (profile, "role_arn"));
          if (session_name == NULL)
            session_name = g_strdup (imgproc_aws_profile_get (profile, "role_session_name"));
        }
    }

  if (token_file == NULL || *token_file == '\0' || role_arn == NULL || *role_arn == '\0')
    {
      g_task_return_new_error (task, IMGPROC_CREDENTIALS_ERROR,
                               IMGPROC_CREDENTIALS_ERROR_NOT_FOUND,
                               _("web-identity: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not both set"));
      return;
    }

  if (!g_file_get_contents (token_file, &token, &token_length, &error))
    {
      g_task_return_new_error (task, IMGPROC_CREDENTIALS_ERROR,
                               IMGPROC_CREDENTIALS_ERROR_INVALID,
                               _("web-identity: cannot read the token file: %s"), error->message);
      g_error_free (error);
      return;
    }
  g_strstrip (token);

  if (session_name == NULL || *session_name == '\0')
    {
      g_free (session_name);
      session_name = g_strdup_printf ("imgproc-%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);
    }

  form = g_string_new (NULL);
  append_form_field (form, "Action", "AssumeRoleWithWebIdentity");
  append_form_field (form, "Version", "2011-06-15");
  append_form_field (form, "RoleArn", role_arn);
  append_form_field (form, "RoleSessionName", session_name);
  append_form_field (form, "WebIdentityToken", token);
  imgproc_secure_wipe (token, token_length);
  body = g_bytes_new_with_free_func (form->str, form->len,
                                     (GDestroyNotify) imgproc_secure_free_string, form->str);
  g_string_free (form, FALSE);

  endpoint = self->endpoint != NULL ? g_strdup (self->endpoint)
                                    : imgproc_aws_resolve_endpoint_from_env ("sts");
  message = soup_message_new ("POST", endpoint);
  if (message == NULL)
    {
      g_task_return_new_error (task, IMGPROC_CREDENTIALS_ERROR,
                               IMGPROC_CREDENTIALS_ERROR_INVALID,
                               _("web-identity: invalid STS endpoint %s"), endpoint);
      return;
    }
  soup_message_set_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Accept", "application/xml");
  soup_message_set_request_body_from_bytes (message, "application/x-www-form-urlencoded; charset=utf-8",
                                            body);

  session = soup_session_new_with_options ("timeout", TIMEOUT_SECONDS,
                                           "proxy-resolver", imgproc_aws_proxy_resolver_get_default (),
                                           NULL);
  /* The clients' CA bundle, as botocore's STS client for this call has. */
  ca_file = imgproc_aws_resolve_ca_file_from_env ();
  if (ca_file != NULL && g_strcmp0 (g_uri_peek_scheme (endpoint), "https") == 0)
    {
      g_autoptr(GTlsDatabase) database = imgproc_aws_tls_database_for_file (ca_file, &error);

      if (database == NULL)
        {
          g_task_return_new_error (task, IMGPROC_CREDENTIALS_ERROR,
                                   IMGPROC_CREDENTIALS_ERROR_UNAVAILABLE,
                                   _("web-identity: cannot load the CA bundle: %s"), error->message);
          g_error_free (error);
          return;
        }
      soup_session_set_tls_database (session, database);
    }
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, cancellable,
                                    response_cb, g_steal_pointer (&task));
}

static ImgprocCredentials *
load_finish (ImgprocCredentialsProvider  *provider,
             GAsyncResult                *result,
             GError                     **error)
{
  g_return_val_if_fail (g_task_is_valid (result, provider), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
provider_iface_init (ImgprocCredentialsProviderInterface *iface)
{
  iface->get_name = get_name;
  iface->load_async = load_async;
  iface->load_finish = load_finish;
}

/**
 * imgproc_web_identity_credentials_provider_new:
 *
 * Creates a web identity provider whose STS endpoint is resolved from the
 * environment and config file at each load.
 *
 * Returns: (transfer full): a new [class@Imgproc.WebIdentityCredentialsProvider]
 */
ImgprocCredentialsProvider *
imgproc_web_identity_credentials_provider_new (void)
{
  return g_object_new (IMGPROC_TYPE_WEB_IDENTITY_CREDENTIALS_PROVIDER, NULL);
}

/**
 * imgproc_web_identity_credentials_provider_new_for_endpoint:
 * @sts_endpoint: (nullable): the STS endpoint URL, or %NULL to resolve it
 *
 * Creates a web identity provider that calls STS at @sts_endpoint.
 *
 * Returns: (transfer full): a new [class@Imgproc.WebIdentityCredentialsProvider]
 */
ImgprocCredentialsProvider *
imgproc_web_identity_credentials_provider_new_for_endpoint (const char *sts_endpoint)
{
  return g_object_new (IMGPROC_TYPE_WEB_IDENTITY_CREDENTIALS_PROVIDER,
                       "endpoint", sts_endpoint, NULL);
}
