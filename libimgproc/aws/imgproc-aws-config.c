/* Region, endpoints, S3 addressing, retry settings and the CA file, resolved
 * once from the environment, the shared config files and, for the region,
 * instance metadata, in the AWS SDKs' order of precedence. */
#include "config.h"
#include "imgproc.h"
#include "imgproc-private.h"

#include <string.h>

#include "imgproc-aws-config-private.h"
#include "imgproc-aws-shared-files-private.h"
#include "imgproc-imds-client-private.h"

#define FALLBACK_REGION "us-east-1"

struct _ImgprocAwsConfig
{
  GObject parent_instance;

  char *region;
  char *profile;
  /* service → endpoint URL, only for services with an override */
  GHashTable *endpoint_overrides;
  gboolean s3_force_path_style;
  guint max_attempts;
  ImgprocAwsRetryMode retry_mode;
  char *ca_file;

  GMutex provider_lock;
  ImgprocCredentialsProvider *default_provider;
};

enum {
  PROP_0,
  PROP_REGION,
  PROP_PROFILE,
  PROP_S3_FORCE_PATH_STYLE,
  PROP_MAX_ATTEMPTS,
  PROP_RETRY_MODE,
  PROP_CA_FILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const known_services[] = { "s3", "sqs", "dynamodb", "sts" };

/**
 * ImgprocAwsConfig:
 *
 * The AWS settings shared by every client, resolved once and immutable
 * afterwards:
 *
 * - the region: `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the profile's
 *   `region`, then instance metadata (`placement/region`);
 * - endpoints per service ("s3", "sqs", "dynamodb", "sts"): the regional
 *   `https://SERVICE.REGION.amazonaws.com` (`.com.cn` in China), overridden by
 *   `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, then the profile's
 *   `[services x]` section, then its `endpoint_url`; all ignored when
 *   `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true;
 * - S3 path-style addressing: forced by `AWS_S3_FORCE_PATH_STYLE=true`, the
 *   profile's `s3 = addressing_style = path`, or an S3 endpoint override; and
 *   used for bucket names that are not DNS-compatible;
 * - `AWS_MAX_ATTEMPTS` / `max_attempts` (default 3), `AWS_RETRY_MODE` /
 *   `retry_mode`, and a CA file from `IMGPROC_CA_FILE` (else `AWS_CA_BUNDLE`
 *   or the profile's `ca_bundle`).
 *
 * The profile is `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else "default".
 */
G_DEFINE_FINAL_TYPE (ImgprocAwsConfig, imgproc_aws_config, G_TYPE_OBJECT)

static void
imgproc_aws_config_finalize (GObject *object)
{
  ImgprocAwsConfig *self = IMGPROC_AWS_CONFIG (object);

  g_free (self->region);
  g_free (self->profile);
  g_hash_table_unref (self->endpoint_overrides);
  g_free (self->ca_file);
  g_clear_object (&self->default_provider);
  g_mutex_clear (&self->provider_lock);

  G_OBJECT_CLASS (imgproc_aws_config_parent_class)->finalize (object);
}

static void
imgproc_aws_config_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ImgprocAwsConfig *self = IMGPROC_AWS_CONFIG (object);

  switch (prop_id)
    {
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    case PROP_PROFILE:
      g_value_set_string (value, self->profile);
      break;
    case PROP_S3_FORCE_PATH_STYLE:
      g_value_set_boolean (value, self->s3_force_path_style);
      break;
    case PROP_MAX_ATTEMPTS:
      g_value_set_uint (value, self->max_attempts);
      break;
    case PROP_RETRY_MODE:
      g_value_set_enum (value, self->retry_mode);
      break;
    case PROP_CA_FILE:
      g_value_set_string (value, self->ca_file);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
imgproc_aws_config_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ImgprocAwsConfig *self = IMGPROC_AWS_CONFIG (object);

  switch (prop_id)
    {
    case PROP_REGION:
      g_free (self->region);
      self->region = g_value_dup_string (value);
      break;
    case PROP_PROFILE:
      g_free (self->profile);
      self->profile = g_value_dup_string (value);
      break;
    case PROP_S3_FORCE_PATH_STYLE:
      self->s3_force_path_style = g_value_get_boolean (value);
      break;
    case PROP_MAX_ATTEMPTS:
      self->max_attempts = g_value_get_uint (value);
      break;
    case PROP_RETRY_MODE:
      self->retry_mode = g_value_get_enum (value);
      break;
    case PROP_CA_FILE:
      g_free (self->ca_file);
      self->ca_file = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
imgproc_aws_config_class_init (ImgprocAwsConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = imgproc_aws_config_finalize;
  object_class->get_property = imgproc_aws_config_get_property;
  object_class->set_property = imgproc_aws_config_set_property;

  /**
   * ImgprocAwsConfig:region:
   *
   * The region, such as "eu-west-1".
   */
  properties[PROP_REGION] =
    g_param_spec_string ("region", NULL, NULL, FALLBACK_REGION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * ImgprocAwsConfig:profile:
   *
   * The profile of the shared files the settings were read from.
   */
  properties[PROP_PROFILE] =
    g_param_spec_string ("profile", NULL, NULL, "default",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * ImgprocAwsConfig:s3-force-path-style:
   *
   * Whether S3 is always addressed path-style (`https://host/bucket/key`).
   */
  properties[PROP_S3_FORCE_PATH_STYLE] =
    g_param_spec_boolean ("s3-force-path-style", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * ImgprocAwsConfig:max-attempts:
   *
   * The number of attempts per request, the first included.
   */
  properties[PROP_MAX_ATTEMPTS] =
    g_param_spec_uint ("max-attempts", NULL, NULL, 1, G_MAXUINT,
                       IMGPROC_AWS_CONFIG_DEFAULT_MAX_ATTEMPTS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * ImgprocAwsConfig:retry-mode:
   *
   * The retry mode asked for.
   */
  properties[PROP_RETRY_MODE] =
    g_param_spec_enum ("retry-mode", NULL, NULL, IMGPROC_TYPE_AWS_RETRY_MODE,
                       IMGPROC_AWS_RETRY_MODE_STANDARD,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * ImgprocAwsConfig:ca-file:
   *
   * A PEM file of CA certificates to verify TLS with instead of the system's,
   * or %NULL.
   */
  properties[PROP_CA_FILE] =
    g_param_spec_string ("ca-file", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
imgproc_aws_config_init (ImgprocAwsConfig *self)
{
  self->endpoint_overrides = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->max_attempts = IMGPROC_AWS_CONFIG_DEFAULT_MAX_ATTEMPTS;
  g_mutex_init (&self->provider_lock);
}

static const char *
non_empty_env (const char *variable)
{
  const char *value = g_getenv (variable);

  return value != NULL && *value != '\0' ? value : NULL;
}

static char *
service_env_variable (const char *service)
{
  g_autofree char *upper = g_ascii_strup (service, -1);

  g_strdelimit (upper, "- ", '_');
  return g_strconcat ("AWS_ENDPOINT_URL_", upper, NULL);
}

static char *
strip_trailing_slashes (const char *url)
{
  char *copy = g_strdup (url);
  gsize len = strlen (copy);

  while (len > 0 && copy[len - 1] == '/')
    copy[--len] = '\0';
  return copy;
}

static const char *
find_endpoint_override (const ImgprocAwsProfile *profile,
                        const char              *service)
{
  g_autofree char *variable = service_env_variable (service);
  g_autofree char *services_key = g_strconcat (service, ".endpoint_url", NULL);
  const char *value;

  if (imgproc_aws_env_is_true ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))
    return NULL;
  if ((value = non_empty_env (variable)) != NULL ||
      (value = non_empty_env ("AWS_ENDPOINT_URL")) != NULL)
    return value;
  if (profile == NULL)
    return NULL;
  value = g_hash_table_lookup (profile->services, services_key);
  if (value != NULL && *value != '\0')
    return value;
  return imgproc_aws_profile_get (profile, "endpoint_url");
}

static guint
parse_max_attempts (const char *text)
{
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT, &value, NULL))
    return 0;
  return (guint) value;
}

static ImgprocAwsRetryMode
parse_retry_mode (const char *text)
{
  if (text != NULL && g_ascii_strcasecmp (text, "legacy") == 0)
    return IMGPROC_AWS_RETRY_MODE_LEGACY;
  if (text != NULL && g_ascii_strcasecmp (text, "adaptive") == 0)
    return IMGPROC_AWS_RETRY_MODE_ADAPTIVE;
  return IMGPROC_AWS_RETRY_MODE_STANDARD;
}

/* Everything but the IMDS region, which only the async load asks for. */
static ImgprocAwsConfig *
resolve (const char               *region,
         const ImgprocAwsProfile  *profile)
{
  ImgprocAwsConfig *self;
  const char *max_attempts_text = non_empty_env ("AWS_MAX_ATTEMPTS");
  const char *retry_mode_text = non_empty_env ("AWS_RETRY_MODE");
  const char *ca_file = non_empty_env ("IMGPROC_CA_FILE");
  const char *addressing = NULL;
  guint max_attempts;

  if (profile != NULL)
    {
      if (max_attempts_text == NULL)
        max_attempts_text = imgproc_aws_profile_get (profile, "max_attempts");
      if (retry_mode_text == NULL)
        retry_mode_text = imgproc_aws_profile_get (profile, "retry_mode");
      addressing = imgproc_aws_profile_get (profile, "s3.addressing_style");
    }
  if (ca_file == NULL)
    ca_file = non_empty_env ("AWS_CA_BUNDLE");
  if (ca_file == NULL && profile != NULL)
    ca_file = imgproc_aws_profile_get (profile, "ca_bundle");
  max_attempts = parse_max_attempts (max_attempts_text);

  self = g_object_new (IMGPROC_TYPE_AWS_CONFIG,
                       "region", region != NULL ? region : FALLBACK_REGION,
                       "profile", profile != NULL ? profile->name : "default",
                       "s3-force-path-style",
                       imgproc_aws_env_is_true ("AWS_S3_FORCE_PATH_STYLE") ||
                       g_strcmp0 (addressing, "path") == 0,
                       "max-attempts", max_attempts > 0 ? max_attempts
                                                        : IMGPROC_AWS_CONFIG_DEFAULT_MAX_ATTEMPTS,
                       "retry-mode", parse_retry_mode (retry_mode_text),
                       "ca-file", ca_file,
                       NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (known_services); i++)
    {
      const char *endpoint = find_endpoint_override (profile, known_services[i]);

      if (endpoint != NULL)
        g_hash_table_insert (self->endpoint_overrides, g_strdup (known_services[i]),
                             strip_trailing_slashes (endpoint));
    }
  if (g_hash_table_contains (self->endpoint_overrides, "s3"))
    self->s3_force_path_style = TRUE;

  return self;
}

static const char *
region_from_env_or_profile (const ImgprocAwsProfile *profile)
{
  const char *region = non_empty_env ("AWS_REGION");

  if (region == NULL)
    region = non_empty_env ("AWS_DEFAULT_REGION");
  if (region == NULL && profile != NULL)
    region = imgproc_aws_profile_get (profile, "region");
  return region;
}

static ImgprocAwsProfile *
load_profile_quietly (void)
{
  g_autoptr(GError) error = NULL;
  ImgprocAwsProfile *profile;

  profile = imgproc_aws_profile_load (imgproc_aws_profile_name_from_env (), &error);
  if (profile == NULL)
    g_warning ("Cannot read the shared AWS config files: %s", error->message);
  return profile;
}

/**
 * imgproc_aws_config_new:
 * @region: (nullable): the region, or %NULL to take it from the environment
 *   or the profile (else "us-east-1")
 *
 * Resolves the settings synchronously, without asking instance metadata for
 * the region.
 *
 * Returns: (transfer full): a new [class@Imgproc.AwsConfig]
 */
ImgprocAwsConfig *
imgproc_aws_config_new (const char *region)
{
  g_autoptr(ImgprocAwsProfile) profile = load_profile_quietly ();

  if (region == NULL || *region == '\0')
    region = region_from_env_or_profile (profile);
  return resolve (region, profile);
}

char *
imgproc_aws_resolve_endpoint_from_env (const char *service)
{
  g_autoptr(ImgprocAwsProfile) profile = load_profile_quietly ();
  const char *region = region_from_env_or_profile (profile);
  g_autoptr(ImgprocAwsConfig) config = resolve (region, profile);

  /* STS still has a global endpoint for callers that set no region. */
  if (region == NULL && g_str_equal (service, "sts") &&
      !imgproc_aws_config_has_endpoint_override (config, "sts"))
    return g_strdup ("https://sts.amazonaws.com");
  return imgproc_aws_config_get_endpoint (config, service);
}

char *
imgproc_aws_resolve_ca_file_from_env (void)
{
  g_autoptr(ImgprocAwsProfile) profile = load_profile_quietly ();
  g_autoptr(ImgprocAwsConfig) config = resolve (region_from_env_or_profile (profile), profile);

  return g_strdup (imgproc_aws_config_get_ca_file (config));
}

typedef struct
{
  ImgprocAwsProfile *profile;
  ImgprocImdsClient *imds;
} LoadData;

static void
load_data_free (LoadData *data)
{
  imgproc_aws_profile_free (data->profile);
  g_clear_object (&data->imds);
  g_free (data);
}

static void
imds_region_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autofree char *region = NULL;
  GError *error = NULL;

  body = imgproc_imds_client_get_finish (IMGPROC_IMDS_CLIENT (source), result, &error);
  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, error);
      else
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                   _("No AWS region configured: set AWS_REGION, or a region "
                                     "in the AWS config file (%s)"), error->message);
          g_error_free (error);
        }
      return;
    }

  region = g_strstrip (g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body)));
  g_task_return_pointer (task, resolve (region, data->profile), g_object_unref);
}

/**
 * imgproc_aws_config_load_async:
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the settings are resolved
 * @user_data: data for @callback
 *
 * Resolves the settings from the environment and the shared files, asking
 * instance metadata for the region when nothing else names one (unless
 * `AWS_EC2_METADATA_DISABLED` is true). Finish with
 * [func@Imgproc.AwsConfig.load_finish].
 */
void
imgproc_aws_config_load_async (GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  LoadData *data = g_new0 (LoadData, 1);
  GError *error = NULL;
  const char *region;

  g_task_set_source_tag (task, imgproc_aws_config_load_async);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);

  data->profile = imgproc_aws_profile_load (imgproc_aws_profile_name_from_env (), &error);
  if (data->profile == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  region = region_from_env_or_profile (data->profile);
  if (region != NULL)
    {
      g_task_return_pointer (task, resolve (region, data->profile), g_object_unref);
      return;
    }

  if (imgproc_imds_client_is_disabled ())
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("No AWS region configured: set AWS_REGION, or a region "
                                 "in the AWS config file"));
      return;
    }

  data->imds = imgproc_imds_client_new ();
  imgproc_imds_client_get_async (data->imds, "/latest/meta-data/placement/region",
                                 cancellable, imds_region_cb, g_steal_pointer (&task));
}

/**
 * imgproc_aws_config_load_finish:
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes resolving the settings. Fails with %G_IO_ERROR_NOT_FOUND when no
 * region can be found.
 *
 * Returns: (transfer full): the settings, or %NULL with @error set
 */
ImgprocAwsConfig *
imgproc_aws_config_load_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == imgproc_aws_config_load_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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
 * imgproc_aws_config_load_sync:
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Resolves the settings like [func@Imgproc.AwsConfig.load_async], blocking
 * the calling thread.
 *
 * Returns: (transfer full): the settings, or %NULL with @error set
 */
ImgprocAwsConfig *
imgproc_aws_config_load_sync (GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;
  ImgprocAwsConfig *config;

  g_main_context_push_thread_default (context);
  imgproc_aws_config_load_async (cancellable, load_sync_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  config = imgproc_aws_config_load_finish (result, error);
  g_main_context_pop_thread_default (context);

  return config;
}

/**
 * imgproc_aws_config_get_region:
 * @self: a [class@Imgproc.AwsConfig]
 *
 * Gets the region.
 *
 * Returns: (transfer none): the region
 */
const char *
imgproc_aws_config_get_region (ImgprocAwsConfig *self)
{
  g_return_val_if_fail (IMGPROC_IS_AWS_CONFIG (self), NULL);
  return self->region;
}

/**
 * imgproc_aws_config_get_profile:
 * @self: a [class@Imgproc.AwsConfig]
 *
 * Gets the name of the profile the settings were read from.
 *
 * Returns: (transfer none): the profile name
 */
const char *
imgproc_aws_config_get_profile (ImgprocAwsConfig *self)
{
  g_return_val_if_fail (IMGPROC_IS_AWS_CONFIG (self), NULL);
  return self->profile;
}

/**
 * imgproc_aws_config_has_endpoint_override:
 * @self: a [class@Imgproc.AwsConfig]
 * @service: a service: "s3", "sqs", "dynamodb" or "sts"
 *
 * Tells whether the endpoint of @service was set by the environment or the
 * config file rather than derived from the region.
 *
 * Returns: %TRUE if the endpoint is overridden
 */
gboolean
imgproc_aws_config_has_endpoint_override (ImgprocAwsConfig *self,
                                          const char       *service)
{
  g_return_val_if_fail (IMGPROC_IS_AWS_CONFIG (self), FALSE);
  g_return_val_if_fail (service != NULL, FALSE);

  return g_hash_table_contains (self->endpoint_overrides, service);
}

/**
 * imgproc_aws_config_get_endpoint_for_region:
 * @self: a [class@Imgproc.AwsConfig]
 * @service: a service: "s3", "sqs", "dynamodb" or "sts"
 * @region: (nullable): the region, or %NULL for the configured one
 *
 * Gets the endpoint of @service in @region, such as
 * `https://sqs.eu-west-1.amazonaws.com`, without a trailing slash. An
 * override applies to every region. For S3 this is the path-style base;
 * [method@Imgproc.AwsConfig.build_s3_uri] builds object URIs.
 *
 * Returns: (transfer full): the endpoint URL
 */
char *
imgproc_aws_config_get_endpoint_for_region (ImgprocAwsConfig *self,
                                            const char       *service,
                                            const char       *region)
{
  const char *override;
  g_autofree char *lower = NULL;

  g_return_val_if_fail (IMGPROC_IS_AWS_CONFIG (self), NULL);
  g_return_val_if_fail (service != NULL, NULL);

  override = g_hash_table_lookup (self->endpoint_overrides, service);
  if (override != NULL)
    return g_strdup (override);

  if (region == NULL)
    region = self->region;
  lower = g_ascii_strdown (service, -1);
  return g_strdup_printf ("https://%s.%s.amazonaws.com%s", lower, region,
                          g_str_has_prefix (region, "cn-") ? ".cn" : "");
}

/**
 * imgproc_aws_config_get_endpoint:
 * @self: a [class@Imgproc.AwsConfig]
 * @service: a service: "s3", "sqs", "dynamodb" or "sts"
 *
 * Gets the endpoint of @service in the configured region; see
 * [method@Imgproc.AwsConfig.get_endpoint_for_region].
 *
 * Returns: (transfer full): the endpoint URL
 */
char *
imgproc_aws_config_get_endpoint (ImgprocAwsConfig *self,
                                 const char       *service)
{
  return imgproc_aws_config_get_endpoint_for_region (self, service, NULL);
}

/**
 * imgproc_aws_config_get_s3_force_path_style:
 * @self: a [class@Imgproc.AwsConfig]
 *
 * Tells whether S3 is always addressed path-style: when asked for, or when
 * the S3 endpoint is overridden (local emulators, custom endpoints).
 *
 * Returns: %TRUE for path-style addressing of every bucket
 */
gboolean
imgproc_aws_config_get_s3_force_path_style (ImgprocAwsConfig *self)
{
  g_return_val_if_fail (IMGPROC_IS_AWS_CONFIG (self), FALSE);
  return self->s3_force_path_style;
}

/**
 * imgproc_aws_config_s3_bucket_needs_path_style:
 * @self: a [class@Imgproc.AwsConfig]
 * @bucket: a bucket name
 *
 * Tells whether @bucket must be addressed path-style: with path style forced,
 * or when its name cannot be a DNS label under the TLS wildcard certificate
 * (dots, upper case, underscores, wrong length, or an IP address form).
 *
 * Returns: %TRUE if @bucket needs path-style addressing
 */
gboolean
imgproc_aws_config_s3_bucket_needs_path_style (ImgprocAwsConfig *self,
                                               const char       *bucket)
{
  gsize len;
  g_autoptr(GInetAddress) address = NULL;

  g_return_val_if_fail (IMGPROC_IS_AWS_CONFIG (self), TRUE);
  g_return_val_if_fail (bucket != NULL, TRUE);

  if (self->s3_force_path_style)
    return TRUE;

  len = strlen (bucket);
  if (len < 3 || len > 63 || !g_ascii_isalnum (bucket[0]) || !g_ascii_isalnum (bucket[len - 1]))
    return TRUE;
  for (const char *p = bucket; *p != '\0'; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '-'))
      return TRUE;
  address = g_inet_address_new_from_string (bucket);
  return address != NULL;
}

/**
 * imgproc_aws_config_build_s3_uri:
 * @self: a [class@Imgproc.AwsConfig]
 * @region: (nullable): the bucket's region, or %NULL for the configured one
 * @bucket: the bucket name
 * @encoded_key: (nullable): the object key, URI-encoded with `/` kept (S3
 *   rules), without an added leading slash; %NULL for the bucket itself
 *
 * Builds the URI of an object, virtual-hosted
 * (`https://BUCKET.s3.REGION.amazonaws.com/KEY`) or path-style
 * (`https://s3.REGION.amazonaws.com/BUCKET/KEY`) as
 * [method@Imgproc.AwsConfig.s3_bucket_needs_path_style] decides. The URI is
 * built from encoded parts, so `./`, `../` and `//` in keys are kept; do not
 * round-trip it through g_uri_parse(), which removes dot segments.
 *
 * Returns: (transfer full): the URI
 */
GUri *
imgproc_aws_config_build_s3_uri (ImgprocAwsConfig *self,
                                 const char       *region,
                                 const char       *bucket,
                                 const char       *encoded_key)
{
  g_autofree char *endpoint = NULL;
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  g_autofree char *base_path = NULL;
  g_autofree char *path = NULL;
  g_autofree char *full_host = NULL;
  int port = -1;
  gboolean path_style;

  g_return_val_if_fail (IMGPROC_IS_AWS_CONFIG (self), NULL);
  g_return_val_if_fail (bucket != NULL && *bucket != '\0', NULL);

  endpoint = imgproc_aws_config_get_endpoint_for_region (self, "s3", region);
  if (!g_uri_split (endpoint, G_URI_FLAGS_ENCODED, &scheme, NULL, &host, &port,
                    &base_path, NULL, NULL, NULL))
    return NULL;

  if (encoded_key == NULL)
    encoded_key = "";
  if (base_path == NULL)
    base_path = g_strdup ("");
  while (g_str_has_suffix (base_path, "/"))
    base_path[strlen (base_path) - 1] = '\0';

  path_style = imgproc_aws_config_s3_bucket_needs_path_style (self, bucket);
  if (path_style)
    {
      g_autofree char *encoded_bucket = g_uri_escape_string (bucket, NULL, FALSE);

      path = *encoded_key != '\0'
             ? g_strdup_printf ("%s/%s/%s", base_path, encoded_bucket, encoded_key)
             : g_strdup_printf ("%s/%s", base_path, encoded_bucket);
      full_host = g_strdup (host);
    }
  else
    {
      path = g_strdup_printf ("%s/%s", base_path, encoded_key);
      full_host = g_strconcat (bucket, ".", host, NULL);
    }

  return g_uri_build (G_URI_FLAGS_ENCODED, scheme, NULL, full_host, port, path, NULL, NULL);
}

/**
 * imgproc_aws_config_get_s3_uri_for_region:
 * @self: a [class@Imgproc.AwsConfig]
 * @region: (nullable): the bucket's region, or %NULL for the configured one
 * @bucket: the bucket name
 * @encoded_key: (nullable): the URI-encoded key, or %NULL for the bucket
 *
 * Like [method@Imgproc.AwsConfig.build_s3_uri], as a string.
 *
 * Returns: (transfer full): the URI
 */
char *
imgproc_aws_config_get_s3_uri_for_region (ImgprocAwsConfig *self,
                                          const char       *region,
                                          const char       *bucket,
                                          const char       *encoded_key)
{
  g_autoptr(GUri) uri = imgproc_aws_config_build_s3_uri (self, region, bucket, encoded_key);

  return uri != NULL ? g_uri_to_string (uri) : NULL;
}

/**
 * imgproc_aws_config_get_s3_uri_for:
 * @self: a [class@Imgproc.AwsConfig]
 * @bucket: the bucket name
 * @encoded_key: (nullable): the URI-encoded key, or %NULL for the bucket
 *
 * Like [method@Imgproc.AwsConfig.build_s3_uri] in the configured region, as
 * a string.
 *
 * Returns: (transfer full): the URI
 */
char *
imgproc_aws_config_get_s3_uri_for (ImgprocAwsConfig *self,
                                   const char       *bucket,
                                   const char       *encoded_key)
{
  return imgproc_aws_config_get_s3_uri_for_region (self, NULL, bucket, encoded_key);
}

/**
 * imgproc_aws_config_get_max_attempts:
 * @self: a [class@Imgproc.AwsConfig]
 *
 * Gets the number of attempts per request, the first included.
 *
 * Returns: the maximum number of attempts, at least 1
 */
guint
imgproc_aws_config_get_max_attempts (ImgprocAwsConfig *self)
{
  g_return_val_if_fail (IMGPROC_IS_AWS_CONFIG (self), IMGPROC_AWS_CONFIG_DEFAULT_MAX_ATTEMPTS);
  return self->max_attempts;
}

/**
 * imgproc_aws_config_get_retry_mode:
 * @self: a [class@Imgproc.AwsConfig]
 *
 * Gets the retry mode asked for.
 *
 * Returns: the retry mode
 */
ImgprocAwsRetryMode
imgproc_aws_config_get_retry_mode (ImgprocAwsConfig *self)
{
  g_return_val_if_fail (IMGPROC_IS_AWS_CONFIG (self), IMGPROC_AWS_RETRY_MODE_STANDARD);
  return self->retry_mode;
}

/**
 * imgproc_aws_config_get_ca_file:
 * @self: a [class@Imgproc.AwsConfig]
 *
 * Gets the CA file to verify TLS with, for hosts that keep their bundle
 * elsewhere; pass it to g_tls_file_database_new() and
 * soup_session_set_tls_database().
 *
 * Returns: (transfer none) (nullable): the CA file, or %NULL for the system's
 */
const char *
imgproc_aws_config_get_ca_file (ImgprocAwsConfig *self)
{
  g_return_val_if_fail (IMGPROC_IS_AWS_CONFIG (self), NULL);
  return self->ca_file;
}

/**
 * imgproc_aws_config_create_default_provider:
 * @self: a [class@Imgproc.AwsConfig]
 *
 * Gets the default credentials provider: a cache in front of the chain
 * environment → profile → web identity → container → IMDS. The web identity
 * provider calls this configuration's STS endpoint. Every call returns the
 * same provider, so all clients share one cache.
 *
 * Returns: (transfer full): the default provider
 */
ImgprocCredentialsProvider *
imgproc_aws_config_create_default_provider (ImgprocAwsConfig *self)
{
  ImgprocCredentialsProvider *provider;

  g_return_val_if_fail (IMGPROC_IS_AWS_CONFIG (self), NULL);

  g_mutex_lock (&self->provider_lock);
  if (self->default_provider == NULL)
    {
      g_autofree char *sts = imgproc_aws_config_get_endpoint (self, "sts");
      g_autoptr(ImgprocCredentialsProvider) chain = NULL;
      ImgprocCredentialsProvider *links[] = {
        imgproc_environment_credentials_provider_new (),
        imgproc_profile_credentials_provider_new (self->profile),
        imgproc_web_identity_credentials_provider_new_for_endpoint (sts),
        imgproc_container_credentials_provider_new (),
        imgproc_imds_credentials_provider_new (),
      };

      chain = imgproc_chain_credentials_provider_new (links, G_N_ELEMENTS (links));
      for (gsize i = 0; i < G_N_ELEMENTS (links); i++)
        g_object_unref (links[i]);
      self->default_provider = imgproc_cached_credentials_provider_new (chain);
    }
  provider = g_object_ref (self->default_provider);
  g_mutex_unlock (&self->provider_lock);

  return provider;
}
