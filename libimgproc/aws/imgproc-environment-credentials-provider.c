/* Credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and optional
 * AWS_SESSION_TOKEN, read at each load. */
#include "config.h"
#include "imgproc.h"
#include "imgproc-private.h"

struct _ImgprocEnvironmentCredentialsProvider
{
  GObject parent_instance;
};

static void provider_iface_init (ImgprocCredentialsProviderInterface *iface);

/**
 * ImgprocEnvironmentCredentialsProvider:
 *
 * Supplies the credentials of the environment variables `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY` and optional `AWS_SESSION_TOKEN`, as Lambda sets
 * them. They have no expiry.
 */
G_DEFINE_FINAL_TYPE_WITH_CODE (ImgprocEnvironmentCredentialsProvider,
                               imgproc_environment_credentials_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (IMGPROC_TYPE_CREDENTIALS_PROVIDER,
                                                      provider_iface_init))

static void
imgproc_environment_credentials_provider_class_init (ImgprocEnvironmentCredentialsProviderClass *klass)
{
}

static void
imgproc_environment_credentials_provider_init (ImgprocEnvironmentCredentialsProvider *self)
{
}

static const char *
get_name (ImgprocCredentialsProvider *provider)
{
  return "environment";
}

static ImgprocCredentials *
load_from_environment (GError **error)
{
  const char *id = g_getenv ("AWS_ACCESS_KEY_ID");
  const char *secret = g_getenv ("AWS_SECRET_ACCESS_KEY");
  const char *token = g_getenv ("AWS_SESSION_TOKEN");

  if ((id == NULL || *id == '\0') && (secret == NULL || *secret == '\0'))
    {
      g_set_error_literal (error, IMGPROC_CREDENTIALS_ERROR,
                           IMGPROC_CREDENTIALS_ERROR_NOT_FOUND,
                           _("environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"));
      return NULL;
    }
  if (id == NULL || *id == '\0' || secret == NULL || *secret == '\0')
    {
      g_set_error_literal (error, IMGPROC_CREDENTIALS_ERROR,
                           IMGPROC_CREDENTIALS_ERROR_INVALID,
                           _("environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together"));
      return NULL;
    }
  return imgproc_credentials_new (id, secret, token, NULL, "environment");
}

static void
load_async (ImgprocCredentialsProvider *provider,
            GCancellable               *cancellable,
            GAsyncReadyCallback         callback,
            gpointer                    user_data)
{
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  GError *error = NULL;
  ImgprocCredentials *credentials;

  g_task_set_source_tag (task, load_async);
  credentials = load_from_environment (&error);
  if (credentials == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, credentials, (GDestroyNotify) imgproc_credentials_unref);
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
 * imgproc_environment_credentials_provider_new:
 *
 * Creates a provider that reads the credentials environment variables at
 * each load.
 *
 * Returns: (transfer full): a new [class@Imgproc.EnvironmentCredentialsProvider]
 */
ImgprocCredentialsProvider *
imgproc_environment_credentials_provider_new (void)
{
  return g_object_new (IMGPROC_TYPE_ENVIRONMENT_CREDENTIALS_PROVIDER, NULL);
}
