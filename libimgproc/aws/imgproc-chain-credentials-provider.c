/* Tries providers in order: a provider with nothing to offer (NOT_FOUND)
 * passes to the next; any other failure stops the chain and is reported. */
#include "config.h"
#include "imgproc.h"
#include "imgproc-private.h"

struct _ImgprocChainCredentialsProvider
{
  GObject parent_instance;

  GPtrArray *providers;
};

static void provider_iface_init (ImgprocCredentialsProviderInterface *iface);

/**
 * ImgprocChainCredentialsProvider:
 *
 * Asks each of its providers in turn and returns the first credentials
 * found. A provider that has nothing to offer
 * (%IMGPROC_CREDENTIALS_ERROR_NOT_FOUND) passes to the next one; any other
 * error ends the search and is returned as it is, its message naming the
 * provider. The credentials keep the name of the provider that supplied them.
 */
G_DEFINE_FINAL_TYPE_WITH_CODE (ImgprocChainCredentialsProvider,
                               imgproc_chain_credentials_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (IMGPROC_TYPE_CREDENTIALS_PROVIDER,
                                                      provider_iface_init))

static void
imgproc_chain_credentials_provider_finalize (GObject *object)
{
  ImgprocChainCredentialsProvider *self = IMGPROC_CHAIN_CREDENTIALS_PROVIDER (object);

  g_ptr_array_unref (self->providers);

  G_OBJECT_CLASS (imgproc_chain_credentials_provider_parent_class)->finalize (object);
}

static void
imgproc_chain_credentials_provider_class_init (ImgprocChainCredentialsProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = imgproc_chain_credentials_provider_finalize;
}

static void
imgproc_chain_credentials_provider_init (ImgprocChainCredentialsProvider *self)
{
  self->providers = g_ptr_array_new_with_free_func (g_object_unref);
}

static const char *
get_name (ImgprocCredentialsProvider *provider)
{
  return "chain";
}

typedef struct
{
  guint next;
  GString *tried;
} ChainState;

static void
chain_state_free (ChainState *state)
{
  g_string_free (state->tried, TRUE);
  g_free (state);
}

static void try_next (GTask *task);

static void
provider_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  ImgprocCredentials *credentials;

  credentials = imgproc_credentials_provider_load_finish (IMGPROC_CREDENTIALS_PROVIDER (source),
                                                          result, &error);
  if (credentials != NULL)
    {
      g_task_return_pointer (task, credentials, (GDestroyNotify) imgproc_credentials_unref);
      return;
    }

  if (!g_error_matches (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_NOT_FOUND))
    {
      g_task_return_error (task, error);
      return;
    }

  g_error_free (error);
  try_next (g_steal_pointer (&task));
}

static void
try_next (GTask *task)
{
  ImgprocChainCredentialsProvider *self = g_task_get_source_object (task);
  ChainState *state = g_task_get_task_data (task);
  ImgprocCredentialsProvider *provider;

  if (state->next >= self->providers->len)
    {
      g_task_return_new_error (task, IMGPROC_CREDENTIALS_ERROR,
                               IMGPROC_CREDENTIALS_ERROR_NOT_FOUND,
                               _("No AWS credentials found (tried: %s)"), state->tried->str);
      g_object_unref (task);
      return;
    }

  provider = self->providers->pdata[state->next++];
  if (state->tried->len > 0)
    g_string_append (state->tried, ", ");
  g_string_append (state->tried, imgproc_credentials_provider_get_name (provider));

  imgproc_credentials_provider_load_async (provider, g_task_get_cancellable (task),
                                           provider_loaded_cb, task);
}

static void
load_async (ImgprocCredentialsProvider *provider,
            GCancellable               *cancellable,
            GAsyncReadyCallback         callback,
            gpointer                    user_data)
{
  GTask *task = g_task_new (provider, cancellable, callback, user_data);
  ChainState *state = g_new0 (ChainState, 1);

  g_task_set_source_tag (task, load_async);
  state->tried = g_string_new (NULL);
  g_task_set_task_data (task, state, (GDestroyNotify) chain_state_free);
  try_next (task);
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
 * imgproc_chain_credentials_provider_new:
 * @providers: (array length=n_providers) (transfer none): the providers, in
 *   the order to ask them
 * @n_providers: the number of providers
 *
 * Creates a chain of providers.
 *
 * Returns: (transfer full): a new [class@Imgproc.ChainCredentialsProvider]
 */
ImgprocCredentialsProvider *
imgproc_chain_credentials_provider_new (ImgprocCredentialsProvider **providers,
                                        gsize                        n_providers)
{
  ImgprocChainCredentialsProvider *self;

  g_return_val_if_fail (providers != NULL || n_providers == 0, NULL);

  self = g_object_new (IMGPROC_TYPE_CHAIN_CREDENTIALS_PROVIDER, NULL);
  for (gsize i = 0; i < n_providers; i++)
    {
      g_return_val_if_fail (IMGPROC_IS_CREDENTIALS_PROVIDER (providers[i]), NULL);
      g_ptr_array_add (self->providers, g_object_ref (providers[i]));
    }
  return IMGPROC_CREDENTIALS_PROVIDER (self);
}
