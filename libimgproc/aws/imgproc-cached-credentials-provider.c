/* Caches the credentials of another provider. They are refreshed a little
 * before they expire (5 to 15 minutes, with jitter, so that many workers do
 * not refresh at once); loads that arrive during a refresh wait for it; and
 * a failed refresh is survived with the old credentials while they last. */
#include "config.h"
#include "imgproc.h"
#include "imgproc-private.h"

#include "imgproc-credentials-private.h"

#define REFRESH_MIN_AHEAD (5 * G_TIME_SPAN_MINUTE)
#define REFRESH_JITTER (10 * G_TIME_SPAN_MINUTE)
/* Keys this close to expiry are not worth sending: the request may arrive late. */
#define STILL_USABLE (30 * G_TIME_SPAN_SECOND)

struct _ImgprocCachedCredentialsProvider
{
  GObject parent_instance;

  ImgprocCredentialsProvider *source;

  GMutex lock;
  ImgprocCredentials *cached;
  GTimeSpan refresh_ahead;
  GPtrArray *waiting;
  guint n_refreshes;
};

enum {
  PROP_0,
  PROP_SOURCE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void provider_iface_init (ImgprocCredentialsProviderInterface *iface);

/**
 * ImgprocCachedCredentialsProvider:
 *
 * Keeps the credentials of a source provider until shortly before they
 * expire, then refreshes them. Concurrent loads share one refresh. If a
 * refresh fails while the cached credentials are still valid, they are
 * returned instead of the error. Credentials without an expiry are kept for
 * the life of the cache, unless [method@Imgproc.CachedCredentialsProvider.invalidate]
 * drops them. Thread-safe.
 */
G_DEFINE_FINAL_TYPE_WITH_CODE (ImgprocCachedCredentialsProvider,
                               imgproc_cached_credentials_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (IMGPROC_TYPE_CREDENTIALS_PROVIDER,
                                                      provider_iface_init))

static void
imgproc_cached_credentials_provider_finalize (GObject *object)
{
  ImgprocCachedCredentialsProvider *self = IMGPROC_CACHED_CREDENTIALS_PROVIDER (object);

  g_clear_object (&self->source);
  g_clear_pointer (&self->cached, imgproc_credentials_unref);
  g_ptr_array_unref (self->waiting);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (imgproc_cached_credentials_provider_parent_class)->finalize (object);
}

static void
imgproc_cached_credentials_provider_get_property (GObject    *object,
                                                  guint       prop_id,
                                                  GValue     *value,
                                                  GParamSpec *pspec)
{
  ImgprocCachedCredentialsProvider *self = IMGPROC_CACHED_CREDENTIALS_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      g_value_set_object (value, self->source);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
imgproc_cached_credentials_provider_set_property (GObject      *object,
                                                  guint         prop_id,
                                                  const GValue *value,
                                                  GParamSpec   *pspec)
{
  ImgprocCachedCredentialsProvider *self = IMGPROC_CACHED_CREDENTIALS_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      g_clear_object (&self->source);
      self->source = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
imgproc_cached_credentials_provider_class_init (ImgprocCachedCredentialsProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = imgproc_cached_credentials_provider_finalize;
  object_class->get_property = imgproc_cached_credentials_provider_get_property;
  object_class->set_property = imgproc_cached_credentials_provider_set_property;

  /**
   * ImgprocCachedCredentialsProvider:source:
   *
   * The provider whose credentials are cached.
   */
  properties[PROP_SOURCE] =
    g_param_spec_object ("source", NULL, NULL, IMGPROC_TYPE_CREDENTIALS_PROVIDER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
imgproc_cached_credentials_provider_init (ImgprocCachedCredentialsProvider *self)
{
  g_mutex_init (&self->lock);
  self->waiting = g_ptr_array_new ();
}

static const char *
get_name (ImgprocCredentialsProvider *provider)
{
  ImgprocCachedCredentialsProvider *self = IMGPROC_CACHED_CREDENTIALS_PROVIDER (provider);

  return imgproc_credentials_provider_get_name (self->source);
}

static GTimeSpan
draw_refresh_ahead (void)
{
  return REFRESH_MIN_AHEAD + g_random_int_range (0, (gint32) (REFRESH_JITTER / G_TIME_SPAN_SECOND))
                             * G_TIME_SPAN_SECOND;
}

static void
source_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ImgprocCachedCredentialsProvider) self = user_data;
  g_autoptr(GPtrArray) waiting = NULL;
  g_autoptr(ImgprocCredentials) fresh = NULL;
  g_autoptr(ImgprocCredentials) fallback = NULL;
  GError *error = NULL;

  fresh = imgproc_credentials_provider_load_finish (IMGPROC_CREDENTIALS_PROVIDER (source),
                                                    result, &error);
  if (fresh != NULL && imgproc_credentials_expires_within (fresh, 0))
    {
      g_set_error (&error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_EXPIRED,
                   _("%s: the credentials supplied have already expired"),
                   imgproc_credentials_provider_get_name (self->source));
      g_clear_pointer (&fresh, imgproc_credentials_unref);
    }

  g_mutex_lock (&self->lock);
  waiting = g_steal_pointer (&self->waiting);
  self->waiting = g_ptr_array_new ();
  self->n_refreshes++;
  if (fresh != NULL)
    {
      g_clear_pointer (&self->cached, imgproc_credentials_unref);
      self->cached = imgproc_credentials_ref (fresh);
      self->refresh_ahead = draw_refresh_ahead ();
    }
  else if (self->cached != NULL && !imgproc_credentials_expires_within (self->cached, STILL_USABLE))
    fallback = imgproc_credentials_ref (self->cached);
  g_mutex_unlock (&self->lock);

  if (fallback != NULL)
    {
      g_debug ("%s: refresh failed, keeping the current credentials: %s",
               imgproc_credentials_provider_get_name (self->source), error->message);
      g_clear_error (&error);
    }

  for (guint i = 0; i < waiting->len; i++)
    {
      GTask *task = waiting->pdata[i];

      if (fresh != NULL)
        g_task_return_pointer (task, imgproc_credentials_ref (fresh),
                               (GDestroyNotify) imgproc_credentials_unref);
      else if (fallback != NULL)
        g_task_return_pointer (task, imgproc_credentials_ref (fallback),
                               (GDestroyNotify) imgproc_credentials_unref);
      else
        g_task_return_error (task, g_error_copy (error));
      g_object_unref (task);
    }
  g_clear_error (&error);
}

static void
load_async (ImgprocCredentialsProvider *provider,
            GCancellable               *cancellable,
            GAsyncReadyCallback         callback,
            gpointer                    user_data)
{
  ImgprocCachedCredentialsProvider *self = IMGPROC_CACHED_CREDENTIALS_PROVIDER (provider);
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  g_autoptr(ImgprocCredentials) usable = NULL;
  gboolean start_refresh = FALSE;

  g_task_set_source_tag (task, load_async);

  g_mutex_lock (&self->lock);
  if (self->cached != NULL && !imgproc_credentials_expires_within (self->cached, self->refresh_ahead))
    usable = imgproc_credentials_ref (self->cached);
  else
    {
      start_refresh = self->waiting->len == 0;
      g_ptr_array_add (self->waiting, g_object_ref (task));
    }
  g_mutex_unlock (&self->lock);

  if (usable != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&usable),
                             (GDestroyNotify) imgproc_credentials_unref);
      return;
    }

  /* The shared refresh is not cancelled with one of its waiters. */
  if (start_refresh)
    imgproc_credentials_provider_load_async (self->source, NULL, source_loaded_cb,
                                             g_object_ref (self));
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
 * imgproc_cached_credentials_provider_new:
 * @source: the provider whose credentials to cache
 *
 * Creates a cache in front of @source.
 *
 * Returns: (transfer full): a new [class@Imgproc.CachedCredentialsProvider]
 */
ImgprocCredentialsProvider *
imgproc_cached_credentials_provider_new (ImgprocCredentialsProvider *source)
{
  g_return_val_if_fail (IMGPROC_IS_CREDENTIALS_PROVIDER (source), NULL);

  return g_object_new (IMGPROC_TYPE_CACHED_CREDENTIALS_PROVIDER, "source", source, NULL);
}

/**
 * imgproc_cached_credentials_provider_invalidate:
 * @self: a [class@Imgproc.CachedCredentialsProvider]
 *
 * Drops the cached credentials, so that the next load refreshes them; for
 * when a service rejected them (`ExpiredToken`, `InvalidClientTokenId`).
 */
void
imgproc_cached_credentials_provider_invalidate (ImgprocCachedCredentialsProvider *self)
{
  g_return_if_fail (IMGPROC_IS_CACHED_CREDENTIALS_PROVIDER (self));

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->cached, imgproc_credentials_unref);
  g_mutex_unlock (&self->lock);
}

guint
imgproc_cached_credentials_provider_get_n_refreshes (ImgprocCachedCredentialsProvider *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->n_refreshes;
  g_mutex_unlock (&self->lock);
  return n;
}
