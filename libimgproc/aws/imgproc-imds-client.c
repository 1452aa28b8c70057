/* A client of the EC2 instance metadata service, IMDSv2 first: it PUTs for a
 * session token, reuses it until shortly before its TTL ends, and fetches a
 * new one when a GET answers 401. A token PUT answered 403/404/405 falls back
 * to IMDSv1 unless AWS_EC2_METADATA_V1_DISABLED is true. */
#include "config.h"
#include "imgproc.h"
#include "imgproc-private.h"

#include <string.h>
#include <libsoup/soup.h>

#include "imgproc-imds-client-private.h"
#include "imgproc-aws-shared-files-private.h"
#include "imgproc-credentials-private.h"

#define DEFAULT_ENDPOINT "http://169.254.169.254"
#define DEFAULT_ENDPOINT_IPV6 "http://[fd00:ec2::254]"
#define TOKEN_TTL_SECONDS 21600
#define TOKEN_MARGIN (60 * G_TIME_SPAN_SECOND)
/* Off EC2 nothing answers; the chain must not hang on it. */
#define TIMEOUT_SECONDS 2

struct _ImgprocImdsClient
{
  GObject parent_instance;

  char *endpoint;
  gboolean v1_disabled;

  GMutex lock;
  char *token;
  gint64 token_expires_at;
  gboolean use_v1;
};

G_DEFINE_FINAL_TYPE (ImgprocImdsClient, imgproc_imds_client, G_TYPE_OBJECT)

static void
imgproc_imds_client_finalize (GObject *object)
{
  ImgprocImdsClient *self = IMGPROC_IMDS_CLIENT (object);

  g_free (self->endpoint);
  imgproc_secure_free_string (self->token);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (imgproc_imds_client_parent_class)->finalize (object);
}

static void
imgproc_imds_client_class_init (ImgprocImdsClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = imgproc_imds_client_finalize;
}

static void
imgproc_imds_client_init (ImgprocImdsClient *self)
{
  g_mutex_init (&self->lock);
}

gboolean
imgproc_imds_client_is_disabled (void)
{
  return imgproc_aws_env_is_true ("AWS_EC2_METADATA_DISABLED");
}

ImgprocImdsClient *
imgproc_imds_client_new (void)
{
  ImgprocImdsClient *self = g_object_new (IMGPROC_TYPE_IMDS_CLIENT, NULL);
  const char *endpoint = g_getenv ("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  const char *mode = g_getenv ("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");

  if (endpoint == NULL || *endpoint == '\0')
    endpoint = (mode != NULL && g_ascii_strcasecmp (mode, "IPv6") == 0)
               ? DEFAULT_ENDPOINT_IPV6 : DEFAULT_ENDPOINT;
  self->endpoint = g_strdup (endpoint);
  while (g_str_has_suffix (self->endpoint, "/"))
    self->endpoint[strlen (self->endpoint) - 1] = '\0';
  self->v1_disabled = imgproc_aws_env_is_true ("AWS_EC2_METADATA_V1_DISABLED");
  return self;
}

const char *
imgproc_imds_client_get_endpoint (ImgprocImdsClient *self)
{
  return self->endpoint;
}

typedef struct
{
  SoupSession *session;
  char *path;
  gboolean token_refreshed;
} GetData;

static void
get_data_free (GetData *data)
{
  g_clear_object (&data->session);
  g_free (data->path);
  g_free (data);
}

static void send_get (GTask *task);
static void send_token_put (GTask *task);

static void
return_transport_error (GTask      *task,
                        const char *what,
                        GError     *error)
{
  ImgprocImdsClient *self = g_task_get_source_object (task);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, error);
  else
    {
      g_task_return_new_error (task, IMGPROC_CREDENTIALS_ERROR,
                               IMGPROC_CREDENTIALS_ERROR_UNAVAILABLE,
                               _("imds: %s at %s failed: %s"), what, self->endpoint,
                               error->message);
      g_error_free (error);
    }
}

static void
token_put_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ImgprocImdsClient *self = g_task_get_source_object (task);
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      return_transport_error (task, _("the token request"), error);
      return;
    }

  status = soup_message_get_status (message);
  if (status == SOUP_STATUS_OK && g_bytes_get_size (body) > 0)
    {
      g_mutex_lock (&self->lock);
      imgproc_secure_free_string (self->token);
      self->token = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
      g_strstrip (self->token);
      self->token_expires_at = g_get_monotonic_time () +
                               TOKEN_TTL_SECONDS * G_TIME_SPAN_SECOND - TOKEN_MARGIN;
      self->use_v1 = FALSE;
      g_mutex_unlock (&self->lock);
      send_get (g_steal_pointer (&task));
      return;
    }

  if ((status == SOUP_STATUS_FORBIDDEN || status == SOUP_STATUS_NOT_FOUND ||
       status == SOUP_STATUS_METHOD_NOT_ALLOWED) && !self->v1_disabled)
    {
      g_mutex_lock (&self->lock);
      self->use_v1 = TRUE;
      g_mutex_unlock (&self->lock);
      send_get (g_steal_pointer (&task));
      return;
    }

  g_task_return_new_error (task, IMGPROC_CREDENTIALS_ERROR,
                           status == SOUP_STATUS_BAD_REQUEST || status == SOUP_STATUS_FORBIDDEN
                           ? IMGPROC_CREDENTIALS_ERROR_REJECTED
                           : IMGPROC_CREDENTIALS_ERROR_UNAVAILABLE,
                           _("imds: the token request at %s answered HTTP %u"),
                           self->endpoint, status);
}

static void
send_token_put (GTask *task)
{
  ImgprocImdsClient *self = g_task_get_source_object (task);
  GetData *data = g_task_get_task_data (task);
  g_autofree char *uri = g_strconcat (self->endpoint, "/latest/api/token", NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("PUT", uri);

  if (message == NULL)
    {
      g_task_return_new_error (task, IMGPROC_CREDENTIALS_ERROR,
                               IMGPROC_CREDENTIALS_ERROR_INVALID,
                               _("imds: invalid endpoint %s"), self->endpoint);
      g_object_unref (task);
      return;
    }

  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "X-aws-ec2-metadata-token-ttl-seconds",
                                G_STRINGIFY (TOKEN_TTL_SECONDS));
  soup_message_set_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  soup_session_send_and_read_async (data->session, message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), token_put_cb, task);
}

static void
get_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ImgprocImdsClient *self = g_task_get_source_object (task);
  GetData *data = g_task_get_task_data (task);
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      return_transport_error (task, _("the metadata request"), error);
      return;
    }

  status = soup_message_get_status (message);
  if (status == SOUP_STATUS_OK)
    {
      g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
      return;
    }

  if (status == SOUP_STATUS_UNAUTHORIZED && !data->token_refreshed)
    {
      data->token_refreshed = TRUE;
      g_mutex_lock (&self->lock);
      g_clear_pointer (&self->token, imgproc_secure_free_string);
      g_mutex_unlock (&self->lock);
      send_token_put (g_steal_pointer (&task));
      return;
    }

  g_task_return_new_error (task, IMGPROC_CREDENTIALS_ERROR,
                           status == SOUP_STATUS_NOT_FOUND ? IMGPROC_CREDENTIALS_ERROR_NOT_FOUND
                           : status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN
                           ? IMGPROC_CREDENTIALS_ERROR_REJECTED
                           : IMGPROC_CREDENTIALS_ERROR_UNAVAILABLE,
                           _("imds: GET %s answered HTTP %u"), data->path, status);
}

static void
send_get (GTask *task)
{
  ImgprocImdsClient *self = g_task_get_source_object (task);
  GetData *data = g_task_get_task_data (task);
  g_autofree char *uri = g_strconcat (self->endpoint, data->path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", uri);

  if (message == NULL)
    {
      g_task_return_new_error (task, IMGPROC_CREDENTIALS_ERROR,
                               IMGPROC_CREDENTIALS_ERROR_INVALID,
                               _("imds: invalid endpoint %s"), self->endpoint);
      g_object_unref (task);
      return;
    }

  g_mutex_lock (&self->lock);
  if (self->token != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message),
                                  "X-aws-ec2-metadata-token", self->token);
  g_mutex_unlock (&self->lock);

  soup_message_set_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  soup_session_send_and_read_async (data->session, message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), get_cb, task);
}

void
imgproc_imds_client_get_async (ImgprocImdsClient   *self,
                               const char          *path,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  GetData *data = g_new0 (GetData, 1);
  gboolean have_token;

  g_task_set_source_tag (task, imgproc_imds_client_get_async);
  /* A session per request: the caller's main context may change between
   * loads, and a SoupSession is bound to the context it first ran in. */
  /* Never through a proxy: the service is link-local (169.254.169.254,
   * fd00:ec2::254), which a proxy cannot reach for this instance, and the
   * answers are its credentials. botocore 1.29 (the AWS CLI's) does apply
   * HTTP_PROXY here unless NO_PROXY names the address, which AWS's guides
   * tell proxy users to set; its container-credentials fetcher, like ours,
   * never uses a proxy. */
  data->session = soup_session_new_with_options ("timeout", TIMEOUT_SECONDS,
                                                 "idle-timeout", TIMEOUT_SECONDS,
                                                 "proxy-resolver", NULL,
                                                 NULL);
  soup_session_remove_feature_by_type (data->session, SOUP_TYPE_CONTENT_DECODER);
  data->path = g_strdup (path);
  g_task_set_task_data (task, data, (GDestroyNotify) get_data_free);

  g_mutex_lock (&self->lock);
  have_token = self->use_v1 ||
               (self->token != NULL && g_get_monotonic_time () < self->token_expires_at);
  g_mutex_unlock (&self->lock);

  if (have_token)
    send_get (task);
  else
    send_token_put (task);
}

GBytes *
imgproc_imds_client_get_finish (ImgprocImdsClient  *self,
                                GAsyncResult       *result,
                                GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
