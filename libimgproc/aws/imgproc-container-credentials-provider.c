/* Credentials from the container credentials endpoint: ECS task roles
 * (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) and EKS Pod Identity or custom
 * agents (AWS_CONTAINER_CREDENTIALS_FULL_URI). */
#include "config.h"
#include "imgproc.h"
#include "imgproc-private.h"

#include <string.h>
#include <libsoup/soup.h>

#include "imgproc-credentials-private.h"

#define ECS_HOST "http://169.254.170.2"
#define TIMEOUT_SECONDS 5

struct _ImgprocContainerCredentialsProvider
{
  GObject parent_instance;
};

static void provider_iface_init (ImgprocCredentialsProviderInterface *iface);

/**
 * ImgprocContainerCredentialsProvider:
 *
 * Supplies credentials from the container credentials endpoint.
 * `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is fetched from
 * `http://169.254.170.2`; otherwise `AWS_CONTAINER_CREDENTIALS_FULL_URI` is
 * used if it is `https`, or `http` to a host that resolves only to loopback
 * addresses, `169.254.170.2`, `169.254.170.23` or `fd00:ec2::23`. The
 * `Authorization` header comes from the file named by
 * `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read at each load), else from
 * `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
 */
G_DEFINE_FINAL_TYPE_WITH_CODE (ImgprocContainerCredentialsProvider,
                               imgproc_container_credentials_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (IMGPROC_TYPE_CREDENTIALS_PROVIDER,
                                                      provider_iface_init))

static void
imgproc_container_credentials_provider_class_init (ImgprocContainerCredentialsProviderClass *klass)
{
}

static void
imgproc_container_credentials_provider_init (ImgprocContainerCredentialsProvider *self)
{
}

static const char *
get_name (ImgprocCredentialsProvider *provider)
{
  return "container";
}

static gboolean
is_allowed_address (GInetAddress *address)
{
  g_autofree char *text = NULL;

  if (g_inet_address_get_is_loopback (address))
    return TRUE;
  text = g_inet_address_to_string (address);
  return g_str_equal (text, "169.254.170.2") || g_str_equal (text, "169.254.170.23") ||
         g_str_equal (text, "fd00:ec2::23");
}

/* Plain http is allowed only where no one else can listen. Every address the
 * host resolves to must qualify. */
static gboolean
full_uri_is_allowed (GUri    *uri,
                     GError **error)
{
  const char *scheme = g_uri_get_scheme (uri);
  const char *host = g_uri_get_host (uri);
  g_autoptr(GInetAddress) literal = NULL;
  GList *addresses;
  gboolean allowed = TRUE;

  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (scheme, "http") != 0 || host == NULL)
    {
      g_set_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_INVALID,
                   _("container: AWS_CONTAINER_CREDENTIALS_FULL_URI must be an http or https URI"));
      return FALSE;
    }

  literal = g_inet_address_new_from_string (host);
  if (literal != NULL)
    allowed = is_allowed_address (literal);
  else
    {
      g_autoptr(GResolver) resolver = g_resolver_get_default ();

      addresses = g_resolver_lookup_by_name (resolver, host, NULL, NULL);
      allowed = addresses != NULL;
      for (GList *l = addresses; l != NULL; l = l->next)
        allowed = allowed && is_allowed_address (l->data);
      g_resolver_free_addresses (addresses);
    }

  if (!allowed)
    g_set_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_INVALID,
                 _("container: plain http to %s is refused; AWS_CONTAINER_CREDENTIALS_FULL_URI "
                   "must use https or a loopback or container-agent host"), host);
  return allowed;
}

static char *
read_authorization (GError **error)
{
  const char *path = g_getenv ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  const char *value = g_getenv ("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  char *token = NULL;

  if (path != NULL && *path != '\0')
    {
      GError *local_error = NULL;

      if (!g_file_get_contents (path, &token, NULL, &local_error))
        {
          g_set_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_INVALID,
                       _("container: cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: %s"),
                       local_error->message);
          g_error_free (local_error);
          return NULL;
        }
      g_strstrip (token);
    }
  else if (value != NULL && *value != '\0')
    token = g_strdup (value);

  if (token != NULL && (strchr (token, '\r') != NULL || strchr (token, '\n') != NULL))
    {
      imgproc_secure_free_string (token);
      g_set_error_literal (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_INVALID,
                           _("container: the authorization token contains a line break"));
      return NULL;
    }
  return token;
}

static void
response_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  ImgprocCredentials *credentials;
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
                                   _("container: the credentials endpoint failed: %s"),
                                   error->message);
          g_error_free (error);
        }
      return;
    }

  status = soup_message_get_status (message);
  if (status != SOUP_STATUS_OK)
    {
      g_task_return_new_error (task, IMGPROC_CREDENTIALS_ERROR,
                               status >= 400 && status < 500
                               ? IMGPROC_CREDENTIALS_ERROR_REJECTED
                               : IMGPROC_CREDENTIALS_ERROR_UNAVAILABLE,
                               _("container: the credentials endpoint answered HTTP %u"), status);
      return;
    }

  credentials = imgproc_credentials_from_json (body, "container", &error);
  if (credentials == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, credentials, (GDestroyNotify) imgproc_credentials_unref);
}

static void
load_async (ImgprocCredentialsProvider *provider,
            GCancellable               *cancellable,
            GAsyncReadyCallback         callback,
            gpointer                    user_data)
{
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  const char *relative = g_getenv ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  const char *full = g_getenv ("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  g_autofree char *uri_string = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) message = NULL;
  GError *error = NULL;
  char *authorization;

  g_task_set_source_tag (task, load_async);

  if (relative != NULL && *relative != '\0')
    uri_string = g_strconcat (ECS_HOST, relative[0] == '/' ? "" : "/", relative, NULL);
  else if (full != NULL && *full != '\0')
    uri_string = g_strdup (full);
  else
    {
      g_task_return_new_error (task, IMGPROC_CREDENTIALS_ERROR,
                               IMGPROC_CREDENTIALS_ERROR_NOT_FOUND,
                               _("container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and "
                                 "AWS_CONTAINER_CREDENTIALS_FULL_URI are not set"));
      return;
    }

  uri = g_uri_parse (uri_string, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL)
    {
      g_task_return_new_error (task, IMGPROC_CREDENTIALS_ERROR,
                               IMGPROC_CREDENTIALS_ERROR_INVALID,
                               _("container: invalid credentials URI %s"), uri_string);
      return;
    }
  if ((relative == NULL || *relative == '\0') && !full_uri_is_allowed (uri, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  authorization = read_authorization (&error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  message = soup_message_new_from_uri ("GET", uri);
  soup_message_set_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Accept", "application/json");
  if (authorization != NULL)
    {
      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "Authorization", authorization);
      imgproc_secure_free_string (authorization);
    }

  /* Never through a proxy, as botocore's ContainerMetadataFetcher, whose
   * session has no proxies: the endpoint is link-local (169.254.170.2,
   * 169.254.170.23 on EKS) or loopback, and the answer is credentials. */
  session = soup_session_new_with_options ("timeout", TIMEOUT_SECONDS,
                                           "idle-timeout", TIMEOUT_SECONDS,
                                           "proxy-resolver", NULL,
                                           NULL);
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
 * imgproc_container_credentials_provider_new:
 *
 * Creates a provider for the container credentials endpoint; the variables
 * are read at each load.
 *
 * Returns: (transfer full): a new [class@Imgproc.ContainerCredentialsProvider]
 */
ImgprocCredentialsProvider *
imgproc_container_credentials_provider_new (void)
{
  return g_object_new (IMGPROC_TYPE_CONTAINER_CREDENTIALS_PROVIDER, NULL);
}
