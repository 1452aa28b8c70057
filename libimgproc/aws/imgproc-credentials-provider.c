/* The interface of everything that supplies AWS credentials, and the
 * synchronous wrapper shared by all of them. */
#include "config.h"
#include "imgproc.h"
#include "imgproc-private.h"

/**
 * imgproc_credentials_error_quark:
 *
 * Gets the error domain of credentials providers.
 *
 * Returns: the quark of %IMGPROC_CREDENTIALS_ERROR
 */
G_DEFINE_QUARK (imgproc-credentials-error-quark, imgproc_credentials_error)

/**
 * ImgprocCredentialsProvider:
 *
 * Supplies AWS credentials: from the environment, shared files, web identity,
 * a container endpoint or EC2 instance metadata, or a chain or cache of other
 * providers. Errors are in the [error@Imgproc.CredentialsError] domain and
 * never contain secrets.
 */
G_DEFINE_INTERFACE (ImgprocCredentialsProvider, imgproc_credentials_provider, G_TYPE_OBJECT)

static void
imgproc_credentials_provider_default_init (ImgprocCredentialsProviderInterface *iface)
{
}

/**
 * imgproc_credentials_provider_get_name:
 * @self: a [iface@Imgproc.CredentialsProvider]
 *
 * Gets the short name of the provider, such as "environment" or "imds", used
 * in error messages and in [method@Imgproc.Credentials.get_provider_name].
 *
 * Returns: (transfer none): the provider name
 */
const char *
imgproc_credentials_provider_get_name (ImgprocCredentialsProvider *self)
{
  ImgprocCredentialsProviderInterface *iface;

  g_return_val_if_fail (IMGPROC_IS_CREDENTIALS_PROVIDER (self), NULL);

  iface = IMGPROC_CREDENTIALS_PROVIDER_GET_IFACE (self);
  return iface->get_name (self);
}

/**
 * imgproc_credentials_provider_load_async:
 * @self: a [iface@Imgproc.CredentialsProvider]
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the credentials are loaded
 * @user_data: data for @callback
 *
 * Starts loading credentials. Finish with
 * [method@Imgproc.CredentialsProvider.load_finish].
 */
void
imgproc_credentials_provider_load_async (ImgprocCredentialsProvider *self,
                                         GCancellable               *cancellable,
                                         GAsyncReadyCallback         callback,
                                         gpointer                    user_data)
{
  ImgprocCredentialsProviderInterface *iface;

  g_return_if_fail (IMGPROC_IS_CREDENTIALS_PROVIDER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  iface = IMGPROC_CREDENTIALS_PROVIDER_GET_IFACE (self);
  iface->load_async (self, cancellable, callback, user_data);
}

/**
 * imgproc_credentials_provider_load_finish:
 * @self: a [iface@Imgproc.CredentialsProvider]
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes loading credentials.
 *
 * Returns: (transfer full): the credentials, or %NULL with @error set
 */
ImgprocCredentials *
imgproc_credentials_provider_load_finish (ImgprocCredentialsProvider  *self,
                                          GAsyncResult                *result,
                                          GError                     **error)
{
  ImgprocCredentialsProviderInterface *iface;

  g_return_val_if_fail (IMGPROC_IS_CREDENTIALS_PROVIDER (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  iface = IMGPROC_CREDENTIALS_PROVIDER_GET_IFACE (self);
  return iface->load_finish (self, result, error);
}

static void
load_sync_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/**
 * imgproc_credentials_provider_load_sync:
 * @self: a [iface@Imgproc.CredentialsProvider]
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Loads credentials, blocking the calling thread. The asynchronous path runs
 * on a private main context, so this is safe in any thread.
 *
 * Returns: (transfer full): the credentials, or %NULL with @error set
 */
ImgprocCredentials *
imgproc_credentials_provider_load_sync (ImgprocCredentialsProvider  *self,
                                        GCancellable                *cancellable,
                                        GError                     **error)
{
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  ImgprocCredentials *credentials;

  g_return_val_if_fail (IMGPROC_IS_CREDENTIALS_PROVIDER (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  context = g_main_context_new ();
  g_main_context_push_thread_default (context);

  imgproc_credentials_provider_load_async (self, cancellable, load_sync_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);

  credentials = imgproc_credentials_provider_load_finish (self, result, error);

  g_main_context_pop_thread_default (context);
  return credentials;
}
