/* Credentials of the EC2 instance role: discover the role name, then fetch
 * its JSON credentials from the instance metadata service. */
#include "config.h"
#include "imgproc.h"
#include "imgproc-private.h"

#include <string.h>

#include "imgproc-imds-client-private.h"
#include "imgproc-credentials-private.h"

#define CREDENTIALS_PATH "/latest/meta-data/iam/security-credentials/"

struct _ImgprocImdsCredentialsProvider
{
  GObject parent_instance;

  GMutex lock;
  ImgprocImdsClient *client;
};

static void provider_iface_init (ImgprocCredentialsProviderInterface *iface);

/**
 * ImgprocImdsCredentialsProvider:
 *
 * Supplies the credentials of the EC2 instance role through IMDSv2: a
 * session token PUT (reused while valid, renewed after a 401), role
 * discovery and the role's JSON credentials. `AWS_EC2_METADATA_DISABLED=true`
 * turns it off; `AWS_EC2_METADATA_SERVICE_ENDPOINT` (or
 * `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6`) changes the endpoint. The
 * variables are read at the first load. Timeouts are short, so that hosts
 * outside EC2 fail fast.
 */
G_DEFINE_FINAL_TYPE_WITH_CODE (ImgprocImdsCredentialsProvider,
                               imgproc_imds_credentials_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (IMGPROC_TYPE_CREDENTIALS_PROVIDER,
                                                      provider_iface_init))

static void
imgproc_imds_credentials_provider_finalize (GObject *object)
{
  ImgprocImdsCredentialsProvider *self = IMGPROC_IMDS_CREDENTIALS_PROVIDER (object);

  g_clear_object (&self->client);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (imgproc_imds_credentials_provider_parent_class)->finalize (object);
}

static void
imgproc_imds_credentials_provider_class_init (ImgprocImdsCredentialsProviderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = imgproc_imds_credentials_provider_finalize;
}

static void
imgproc_imds_credentials_provider_init (ImgprocImdsCredentialsProvider *self)
{
  g_mutex_init (&self->lock);
}

static const char *
get_name (ImgprocCredentialsProvider *provider)
{
  return "imds";
}

static void
credentials_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  ImgprocCredentials *credentials;

  body = imgproc_imds_client_get_finish (IMGPROC_IMDS_CLIENT (source), result, &error);
  if (body == NULL)
    {
      if (g_error_matches (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_NOT_FOUND))
        error->code = IMGPROC_CREDENTIALS_ERROR_UNAVAILABLE;
      g_task_return_error (task, error);
      return;
    }

  credentials = imgproc_credentials_from_json (body, "imds", &error);
  if (credentials == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, credentials, (GDestroyNotify) imgproc_credentials_unref);
}

static void
role_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *role = NULL;
  g_autofree char *path = NULL;
  GCancellable *cancellable;
  GError *error = NULL;
  char *newline;

  body = imgproc_imds_client_get_finish (IMGPROC_IMDS_CLIENT (source), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  role = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  if ((newline = strchr (role, '\n')) != NULL)
    *newline = '\0';
  g_strstrip (role);
  if (*role == '\0' || strchr (role, '/') != NULL)
    {
      g_task_return_new_error (task, IMGPROC_CREDENTIALS_ERROR,
                               IMGPROC_CREDENTIALS_ERROR_NOT_FOUND,
                               _("imds: the instance has no usable IAM role"));
      return;
    }

  path = g_strconcat (CREDENTIALS_PATH, role, NULL);
  cancellable = g_task_get_cancellable (task);
  imgproc_imds_client_get_async (IMGPROC_IMDS_CLIENT (source), path, cancellable,
                                 credentials_cb, g_steal_pointer (&task));
}

static void
load_async (ImgprocCredentialsProvider *provider,
            GCancellable               *cancellable,
            GAsyncReadyCallback         callback,
            gpointer                    user_data)
{
  ImgprocImdsCredentialsProvider *self = IMGPROC_IMDS_CREDENTIALS_PROVIDER (provider);
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  g_autoptr(ImgprocImdsClient) client = NULL;

  g_task_set_source_tag (task, load_async);

  if (imgproc_imds_client_is_disabled ())
    {
      g_task_return_new_error (task, IMGPROC_CREDENTIALS_ERROR,
                               IMGPROC_CREDENTIALS_ERROR_NOT_FOUND,
                               _("imds: disabled by AWS_EC2_METADATA_DISABLED"));
      return;
    }

  g_mutex_lock (&self->lock);
  if (self->client == NULL)
    self->client = imgproc_imds_client_new ();
  client = g_object_ref (self->client);
  g_mutex_unlock (&self->lock);

  imgproc_imds_client_get_async (client, CREDENTIALS_PATH, cancellable, role_cb,
                                 g_steal_pointer (&task));
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
 * imgproc_imds_credentials_provider_new:
 *
 * Creates a provider for the EC2 instance role.
 *
 * Returns: (transfer full): a new [class@Imgproc.ImdsCredentialsProvider]
 */
ImgprocCredentialsProvider *
imgproc_imds_credentials_provider_new (void)
{
  return g_object_new (IMGPROC_TYPE_IMDS_CREDENTIALS_PROVIDER, NULL);
}
