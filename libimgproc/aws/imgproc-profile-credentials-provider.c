/* Static credentials of one profile of the shared credentials and config
 * files; the credentials file wins where both set a key. */
#include "config.h"
#include "imgproc.h"
#include "imgproc-private.h"

#include "imgproc-aws-shared-files-private.h"

struct _ImgprocProfileCredentialsProvider
{
  GObject parent_instance;

  char *profile;
};

enum {
  PROP_0,
  PROP_PROFILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void provider_iface_init (ImgprocCredentialsProviderInterface *iface);

/**
 * ImgprocProfileCredentialsProvider:
 *
 * Supplies the static keys (`aws_access_key_id`, `aws_secret_access_key`,
 * `aws_session_token`) of a profile of `~/.aws/credentials` and
 * `~/.aws/config`, or of the files named by `AWS_SHARED_CREDENTIALS_FILE` and
 * `AWS_CONFIG_FILE`. The profile is `AWS_PROFILE` unless given. The files are
 * read at each load.
 */
G_DEFINE_FINAL_TYPE_WITH_CODE (ImgprocProfileCredentialsProvider,
                               imgproc_profile_credentials_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (IMGPROC_TYPE_CREDENTIALS_PROVIDER,
                                                      provider_iface_init))

static void
imgproc_profile_credentials_provider_finalize (GObject *object)
{
  ImgprocProfileCredentialsProvider *self = IMGPROC_PROFILE_CREDENTIALS_PROVIDER (object);

  g_free (self->profile);

  G_OBJECT_CLASS (imgproc_profile_credentials_provider_parent_class)->finalize (object);
}

static void
imgproc_profile_credentials_provider_get_property (GObject    *object,
                                                   guint       prop_id,
                                                   GValue     *value,
                                                   GParamSpec *pspec)
{
  ImgprocProfileCredentialsProvider *self = IMGPROC_PROFILE_CREDENTIALS_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_string (value, self->profile);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
imgproc_profile_credentials_provider_set_property (GObject      *object,
                                                   guint         prop_id,
                                                   const GValue *value,
                                                   GParamSpec   *pspec)
{
  ImgprocProfileCredentialsProvider *self = IMGPROC_PROFILE_CREDENTIALS_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_free (self->profile);
      self->profile = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
imgproc_profile_credentials_provider_class_init (ImgprocProfileCredentialsProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = imgproc_profile_credentials_provider_finalize;
  object_class->get_property = imgproc_profile_credentials_provider_get_property;
  object_class->set_property = imgproc_profile_credentials_provider_set_property;

  /**
   * ImgprocProfileCredentialsProvider:profile:
   *
   * The profile to read, or %NULL for `AWS_PROFILE` (else "default") at
   * each load.
   */
  properties[PROP_PROFILE] =
    g_param_spec_string ("profile", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
imgproc_profile_credentials_provider_init (ImgprocProfileCredentialsProvider *self)
{
}

static const char *
get_name (ImgprocCredentialsProvider *provider)
{
  return "profile";
}

static ImgprocCredentials *
load_profile (ImgprocProfileCredentialsProvider  *self,
              GError                            **error)
{
  const char *name = self->profile != NULL ? self->profile : imgproc_aws_profile_name_from_env ();
  g_autoptr(ImgprocAwsProfile) profile = NULL;
  const char *id, *secret;
  GError *local_error = NULL;

  profile = imgproc_aws_profile_load (name, &local_error);
  if (profile == NULL)
    {
      g_set_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_INVALID,
                   _("profile: cannot read the shared AWS files: %s"), local_error->message);
      g_error_free (local_error);
      return NULL;
    }

  if (!profile->found)
    {
      g_set_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_NOT_FOUND,
                   _("profile: no profile “%s” in the shared AWS files"), name);
      return NULL;
    }

  id = imgproc_aws_profile_get (profile, "aws_access_key_id");
  secret = imgproc_aws_profile_get (profile, "aws_secret_access_key");
  if (id == NULL && secret == NULL)
    {
      g_set_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_NOT_FOUND,
                   _("profile: profile “%s” has no static keys"), name);
      return NULL;
    }
  if (id == NULL || secret == NULL)
    {
      g_set_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_INVALID,
                   _("profile: profile “%s” must set both aws_access_key_id and aws_secret_access_key"),
                   name);
      return NULL;
    }

  return imgproc_credentials_new (id, secret, imgproc_aws_profile_get (profile, "aws_session_token"),
                                  NULL, "profile");
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
  credentials = load_profile (IMGPROC_PROFILE_CREDENTIALS_PROVIDER (provider), &error);
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
 * imgproc_profile_credentials_provider_new:
 * @profile: (nullable): the profile name, or %NULL for `AWS_PROFILE`
 *
 * Creates a provider that reads a profile's static keys at each load.
 *
 * Returns: (transfer full): a new [class@Imgproc.ProfileCredentialsProvider]
 */
ImgprocCredentialsProvider *
imgproc_profile_credentials_provider_new (const char *profile)
{
  return g_object_new (IMGPROC_TYPE_PROFILE_CREDENTIALS_PROVIDER, "profile", profile, NULL);
}
