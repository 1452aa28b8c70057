/* The service configuration: one static schema gives every setting its key,
 * type, default, environment variables, flag and description. The key file,
 * the environment and the command line all go through the same parser. */
#include "config.h"

#include <inttypes.h>

#include "imgproc.h"
#include "imgproc-private.h"
#include "imgproc-service-config-private.h"

#include <string.h>

typedef enum {
  TYPE_STRING,
  TYPE_URL,
  TYPE_BOOLEAN,
  TYPE_INT,
  TYPE_LIST,
  TYPE_WIDTHS,
  TYPE_CHOICE,
} SettingType;

typedef struct {
  const char *name;
  SettingType type;
  const char *default_value;
  gint64 min;
  gint64 max;
  /* TYPE_CHOICE: the accepted values, '|'-separated. */
  const char *choices;
  /* After the derived IMGPROC_<NAME>, in order: the first one set wins. */
  const char *extra_env[2];
  const char *arg_description;
  const char *description;
} Setting;

/* The order of this enum is the order of the schema below. */
enum {
  S_MODE,
  S_QUEUE_URL,
  S_REGION,
  S_ENDPOINT_URL,
  S_BUCKET,
  S_ALLOWED_BUCKETS,
  S_SOURCE_PREFIX,
  S_DESTINATION_PREFIX,
  S_WIDTHS,
  S_MAX_HEIGHT,
  S_FORMAT,
  S_QUALITY,
  S_STRIP_METADATA,
  S_TABLE,
  S_KMS_KEY_ID,
  S_CACHE_CONTROL,
  S_DELETE_RENDITIONS_ON_REMOVE,
  S_MAX_OBJECT_BYTES,
  S_MAX_PIXELS,
  S_DECODE_MEMORY,
  S_CONCURRENCY,
  S_VISIBILITY_TIMEOUT,
  S_SHUTDOWN_TIMEOUT,
  S_LOG_LEVEL,
  S_LOG_FORMAT,
  S_METRICS,
  S_METRICS_NAMESPACE,
  S_TRACING,
  S_HTTP_LISTEN,
  N_SETTINGS
};

#define MAX_WIDTH 16384
#define MAX_RENDITIONS 16

static const Setting schema[N_SETTINGS] = {
  { "mode", TYPE_CHOICE, "auto", 0, 0, "auto|daemon|lambda", { NULL, NULL }, "MODE",
    N_("How the service runs: \"daemon\" long-polls the SQS queue, \"lambda\" serves the "
       "Lambda Runtime API, \"auto\" picks lambda when AWS_LAMBDA_RUNTIME_API is set.") },
  { "queue-url", TYPE_URL, "", 0, 0, NULL, { NULL, NULL }, "URL",
    N_("The URL of the SQS queue of S3 events. Required in daemon mode.") },
  { "region", TYPE_STRING, "", 0, 0, NULL, { NULL, NULL }, "REGION",
    N_("The AWS region. Empty: AWS_REGION, AWS_DEFAULT_REGION or the shared config file, "
       "as the AWS SDKs resolve it.") },
  { "endpoint-url", TYPE_URL, "", 0, 0, NULL, { NULL, NULL }, "URL",
    N_("One endpoint for S3, SQS and DynamoDB, such as a local AWS stack. Empty: the AWS "
       "endpoints of the region.") },
  { "bucket", TYPE_STRING, "", 0, 0, NULL, { NULL, NULL }, "NAME",
    N_("The bucket renditions are written to. Empty: the bucket named in each event.") },
  { "allowed-buckets", TYPE_LIST, "", 0, 0, NULL, { NULL, NULL }, "NAME,...",
    N_("A comma-separated list of the buckets whose events are processed; events of other "
       "buckets are skipped. Empty: any bucket.") },
  { "source-prefix", TYPE_STRING, "uploads/", 0, 0, NULL, { NULL, NULL }, "PREFIX",
    N_("Only keys under this prefix are processed. A trailing '/' is added if missing.") },
  { "destination-prefix", TYPE_STRING, "processed/", 0, 0, NULL, { NULL, NULL }, "PREFIX",
    N_("Renditions are written under this prefix, as <destination-prefix><width>/<key under "
       "the source prefix, with the output format's extension>. Keys under it are never "
       "processed. It must not lie inside the source prefix, nor contain it.") },
  { "widths", TYPE_WIDTHS, "800,400", 1, MAX_WIDTH, NULL, { NULL, NULL }, "W,...",
    N_("The rendition widths in pixels, comma-separated: one rendition per width, from one "
       "decode. Images are never upscaled.") },
  { "max-height", TYPE_INT, "0", 0, MAX_WIDTH, NULL, { NULL, NULL }, "PIXELS",
    N_("The largest rendition height in pixels; a taller rendition is made narrower. "
       "0: no limit.") },
  { "format", TYPE_CHOICE, "same", 0, 0, "same|jpeg|png|webp", { NULL, NULL }, "FORMAT",
    N_("The format of the renditions: same, jpeg, png or webp.") },
  { "quality", TYPE_INT, "82", 1, 100, NULL, { NULL, NULL }, "1-100",
    N_("The JPEG and WebP quality of the renditions.") },
  { "strip-metadata", TYPE_BOOLEAN, "true", 0, 0, NULL, { NULL, NULL }, "BOOL",
    N_("Whether EXIF, XMP and other metadata are left out of the renditions.") },
  { "table", TYPE_STRING, "", 0, 0, NULL, { NULL, NULL }, "NAME",
    N_("The DynamoDB table that records each outcome. Empty: nothing is recorded.") },
  { "kms-key-id", TYPE_STRING, "", 0, 0, NULL, { NULL, NULL }, "KEY",
    N_("The KMS key id or ARN for SSE-KMS uploads of renditions. Empty: the bucket's "
       "default encryption.") },
  { "cache-control", TYPE_STRING, "public, max-age=31536000, immutable", 0, 0, NULL,
    { NULL, NULL }, "VALUE",
    N_("The Cache-Control header of the renditions.") },
  { "delete-renditions-on-remove", TYPE_BOOLEAN, "false", 0, 0, NULL, { NULL, NULL }, "BOOL",
    N_("Whether removing a source deletes its renditions. Otherwise removals are ignored.") },
  { "max-object-bytes", TYPE_INT, "52428800", 1, G_GINT64_CONSTANT (5497558138880), NULL,
    { NULL, NULL }, "BYTES",
    N_("Larger source objects are not downloaded: they fail permanently.") },
  { "max-pixels", TYPE_INT, "40000000", 1, G_GINT64_CONSTANT (1000000000), NULL,
    { NULL, NULL }, "PIXELS",
    N_("Larger images are not decoded: they fail permanently.") },
  { "decode-memory", TYPE_INT, "32", 0, 1048576, NULL, { NULL, NULL }, "MIB",
    N_("The memory, in MiB, that the decodes running at once may hold, estimated from each "
       "image's header (a progressive or multi-scan JPEG its packed coefficients, typically a "
       "tenth of its pixels' bytes, a sequential JPEG little, other formats 8 bytes per pixel). "
       "Images wait their turn until they fit; one that needs more runs alone. A JPEG whose "
       "coefficients outgrow their estimate is decoded again with plain arrays if those fit, "
       "and fails permanently if not. 0: one decode per processor, whatever their size.") },
  { "concurrency", TYPE_INT, "0", 0, 1024, NULL, { NULL, NULL }, "N",
    N_("How many messages are processed at once. 0: twice the number of processors.") },
  /* SQS takes 0 to 43200. 0 would show a message to every other worker at
   * once; the daemon extends every half timeout, so 2 leaves an extension a
   * second for its round trip, and lets tests hold a message past its
   * timeout, or wait for a redelivery, in seconds. */
  { "visibility-timeout", TYPE_INT, "60", 2, 43200, NULL, { NULL, NULL }, "SECONDS",
    N_("The visibility timeout the daemon sets, and extends while it works on a message.") },
  { "shutdown-timeout", TYPE_INT, "30", 0, 3600, NULL, { NULL, NULL }, "SECONDS",
    N_("On SIGTERM, how long the daemon lets work in flight finish before it releases the "
       "rest back to the queue.") },
  { "log-level", TYPE_CHOICE, "info", 0, 0, "error|critical|warning|message|info|debug",
    { "AWS_LAMBDA_LOG_LEVEL", NULL }, "LEVEL",
    N_("The least severe messages logged: error, critical, warning, message, info or debug. "
       "Lambda's names (FATAL, ERROR, WARN, INFO, DEBUG, TRACE) are accepted too.") },
  { "log-format", TYPE_CHOICE, "auto", 0, 0, "auto|text|json|journald",
    { "AWS_LAMBDA_LOG_FORMAT", NULL }, "FORMAT",
    N_("text, json (one JSON object per line) or journald. auto: journald under systemd, "
       "json on Lambda when its log format is JSON, text otherwise.") },
  { "metrics", TYPE_BOOLEAN, "true", 0, 0, NULL, { NULL, NULL }, "BOOL",
    N_("Whether metrics are emitted: CloudWatch EMF lines on Lambda, /metrics on the daemon.") },
  { "metrics-namespace", TYPE_STRING, "imgproc", 0, 0, NULL, { NULL, NULL }, "NAMESPACE",
    N_("The CloudWatch namespace of the metrics.") },
  { "tracing", TYPE_BOOLEAN, "true", 0, 0, NULL, { NULL, NULL }, "BOOL",
    N_("Whether X-Ray subsegments are sent for sampled invocations when "
       "AWS_XRAY_DAEMON_ADDRESS is set.") },
  { "http-listen", TYPE_STRING, "", 0, 0, NULL, { NULL, NULL }, "HOST:PORT",
    N_("A loopback address and port for /healthz and /metrics, such as 127.0.0.1:9464. "
       "Empty: no HTTP endpoint.") },
};

typedef struct {
  char *text;
  ImgprocSettingSource source;
  gint64 number;
  char **list;
  GArray *widths;
} Value;

struct _ImgprocServiceConfig
{
  GObject parent_instance;

  Value values[N_SETTINGS];
};

G_DEFINE_FINAL_TYPE (ImgprocServiceConfig, imgproc_service_config, G_TYPE_OBJECT)

static GParamSpec *properties[N_SETTINGS + 1];

static void
value_clear (Value *value)
{
  g_clear_pointer (&value->text, g_free);
  g_clear_pointer (&value->list, g_strfreev);
  g_clear_pointer (&value->widths, g_array_unref);
}

static void
imgproc_service_config_finalize (GObject *object)
{
  ImgprocServiceConfig *self = IMGPROC_SERVICE_CONFIG (object);
  guint i;

  for (i = 0; i < N_SETTINGS; i++)
    value_clear (&self->values[i]);

  G_OBJECT_CLASS (imgproc_service_config_parent_class)->finalize (object);
}

static void
imgproc_service_config_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  ImgprocServiceConfig *self = IMGPROC_SERVICE_CONFIG (object);
  const Value *v;

  if (prop_id == 0 || prop_id > N_SETTINGS)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }

  v = &self->values[prop_id - 1];
  switch (schema[prop_id - 1].type)
    {
    case TYPE_BOOLEAN:
      g_value_set_boolean (value, v->number != 0);
      break;
    case TYPE_INT:
      g_value_set_int64 (value, v->number);
      break;
    case TYPE_LIST:
      g_value_set_boxed (value, v->list);
      break;
    default:
      g_value_set_string (value, v->text);
    }
}

static void
imgproc_service_config_class_init (ImgprocServiceConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  guint i;

  object_class->finalize = imgproc_service_config_finalize;
  object_class->get_property = imgproc_service_config_get_property;

  /* One read-only property per setting, named like its key, so that
   * bindings and g_object_get() see the same schema. */
  for (i = 0; i < N_SETTINGS; i++)
    {
      const Setting *s = &schema[i];
      GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

      switch (s->type)
        {
        case TYPE_BOOLEAN:
          properties[i + 1] = g_param_spec_boolean (s->name, NULL, s->description,
                                                    g_str_equal (s->default_value, "true"), flags);
          break;
        case TYPE_INT:
          properties[i + 1] = g_param_spec_int64 (s->name, NULL, s->description,
                                                  s->min, s->max,
                                                  g_ascii_strtoll (s->default_value, NULL, 10),
                                                  flags);
          break;
        case TYPE_LIST:
          properties[i + 1] = g_param_spec_boxed (s->name, NULL, s->description,
                                                  G_TYPE_STRV, flags);
          break;
        default:
          properties[i + 1] = g_param_spec_string (s->name, NULL, s->description,
                                                   s->default_value, flags);
        }
    }

  g_object_class_install_properties (object_class, N_SETTINGS + 1, properties);
}

static int
find_setting (const char *name)
{
  int i;

  for (i = 0; i < N_SETTINGS; i++)
    if (g_str_equal (schema[i].name, name))
      return i;
  return -1;
}

static char *
env_name (const Setting *s)
{
  g_autofree char *upper = g_ascii_strup (s->name, -1);

  g_strdelimit (upper, "-", '_');
  return g_strconcat ("IMGPROC_", upper, NULL);
}

static const char *
source_name (ImgprocSettingSource source)
{
  switch (source)
    {
    case IMGPROC_SETTING_SOURCE_KEY_FILE:
      return _("the configuration file");
    case IMGPROC_SETTING_SOURCE_ENVIRONMENT:
      return _("the environment");
    case IMGPROC_SETTING_SOURCE_COMMAND_LINE:
      return _("the command line");
    case IMGPROC_SETTING_SOURCE_DEFAULT:
    default:
      return _("the defaults");
    }
}

static gboolean
invalid (GError               **error,
         const Setting         *s,
         const char            *text,
         ImgprocSettingSource   source,
         const char            *why)
{
  g_autofree char *shown = g_utf8_make_valid (text, -1);

  g_set_error (error, IMGPROC_PIPELINE_ERROR, IMGPROC_PIPELINE_ERROR_INVALID_CONFIG,
               /* Translators: “value” for setting (from where): why it is wrong */
               _("Invalid value “%s” for %s (from %s): %s"),
               shown, s->name, source_name (source), why);
  return FALSE;
}

static gboolean
has_control_character (const char *text)
{
  const guchar *p;

  for (p = (const guchar *) text; *p != '\0'; p++)
    if (*p < 0x20 || *p == 0x7f)
      return TRUE;
  return FALSE;
}

static gboolean
parse_boolean (const char *text,
               gint64     *out)
{
  static const char *truths[] = { "true", "yes", "on", "1", NULL };
  static const char *falsehoods[] = { "false", "no", "off", "0", NULL };
  guint i;

  for (i = 0; truths[i] != NULL; i++)
    if (g_ascii_strcasecmp (text, truths[i]) == 0)
      {
        *out = 1;
        return TRUE;
      }
  for (i = 0; falsehoods[i] != NULL; i++)
    if (g_ascii_strcasecmp (text, falsehoods[i]) == 0)
      {
        *out = 0;
        return TRUE;
      }
  return FALSE;
}

/* Lambda's level names, and a few common spellings, map onto GLib's. */
static const char *
canonical_choice (const Setting *s,
                  const char    *text)
{
  static const struct { const char *setting, *alias, *canonical; } aliases[] = {
    { "log-level", "trace", "debug" },
    { "log-level", "warn", "warning" },
    { "log-level", "fatal", "error" },
    { "format", "jpg", "jpeg" },
  };
  g_auto(GStrv) choices = g_strsplit (s->choices, "|", -1);
  guint i;

  for (i = 0; choices[i] != NULL; i++)
    if (g_ascii_strcasecmp (text, choices[i]) == 0)
      return g_intern_string (choices[i]);
  for (i = 0; i < G_N_ELEMENTS (aliases); i++)
    if (g_str_equal (s->name, aliases[i].setting) &&
        g_ascii_strcasecmp (text, aliases[i].alias) == 0)
      return aliases[i].canonical;
  return NULL;
}

static char **
split_list (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  GPtrArray *items = g_ptr_array_new ();
  guint i;

  for (i = 0; parts[i] != NULL; i++)
    {
      char *item = g_strstrip (parts[i]);

      if (*item != '\0')
        g_ptr_array_add (items, g_strdup (item));
    }
  g_ptr_array_add (items, NULL);
  return (char **) g_ptr_array_free (items, FALSE);
}

static gboolean
parse_value (const Setting         *s,
             const char            *text,
             ImgprocSettingSource   source,
             Value                 *out,
             GError               **error)
{
  memset (out, 0, sizeof *out);
  out->source = source;

  if (!g_utf8_validate (text, -1, NULL))
    return invalid (error, s, text, source, _("it is not UTF-8"));
  if (has_control_character (text))
    return invalid (error, s, text, source, _("it contains a control character"));

  switch (s->type)
    {
    case TYPE_STRING:
      out->text = g_strstrip (g_strdup (text));
      return TRUE;

    case TYPE_URL:
      {
        g_autofree char *stripped = g_strstrip (g_strdup (text));

        if (*stripped != '\0')
          {
            g_autoptr(GUri) uri = g_uri_parse (stripped, G_URI_FLAGS_ENCODED, NULL);
            const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;

            if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
                (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0))
              return invalid (error, s, text, source, _("it is not an http or https URL"));
          }
        out->text = g_steal_pointer (&stripped);
        return TRUE;
      }

    case TYPE_BOOLEAN:
      {
        g_autofree char *stripped = g_strstrip (g_strdup (text));

        if (!parse_boolean (stripped, &out->number))
          return invalid (error, s, text, source, _("expected true or false"));
        out->text = g_strdup (out->number ? "true" : "false");
        return TRUE;
      }

    case TYPE_INT:
      {
        g_autofree char *stripped = g_strstrip (g_strdup (text));
        g_autofree char *why = NULL;
        gint64 number;

        if (!g_ascii_string_to_signed (stripped, 10, G_MININT64, G_MAXINT64, &number, NULL))
          return invalid (error, s, text, source, _("it is not a whole number"));
        if (number < s->min || number > s->max)
          {
            why = g_strdup_printf (_("it must lie between %" PRId64 " and %" PRId64),
                                   s->min, s->max);
            return invalid (error, s, text, source, why);
          }
        out->number = number;
        out->text = g_strdup_printf ("%" G_GINT64_FORMAT, number);
        return TRUE;
      }

    case TYPE_LIST:
      out->list = split_list (text);
      out->text = g_strjoinv (",", out->list);
      return TRUE;

    case TYPE_WIDTHS:
      {
        g_auto(GStrv) items = split_list (text);
        g_autofree char *why = NULL;
        guint i, j;

        if (items[0] == NULL)
          return invalid (error, s, text, source, _("at least one width is needed"));
        if (g_strv_length (items) > MAX_RENDITIONS)
          {
            why = g_strdup_printf (_("at most %d widths are allowed"), MAX_RENDITIONS);
            return invalid (error, s, text, source, why);
          }
        out->widths = g_array_new (FALSE, FALSE, sizeof (guint));
        for (i = 0; items[i] != NULL; i++)
          {
            guint64 width;

            if (!g_ascii_string_to_unsigned (items[i], 10, 1, MAX_WIDTH, &width, NULL))
              {
                why = g_strdup_printf (_("“%s” is not a width between 1 and %d"), items[i], MAX_WIDTH);
                value_clear (out);
                return invalid (error, s, text, source, why);
              }
            for (j = 0; j < out->widths->len; j++)
              if (g_array_index (out->widths, guint, j) == (guint) width)
                {
                  why = g_strdup_printf (_("the width %s is listed twice"), items[i]);
                  value_clear (out);
                  return invalid (error, s, text, source, why);
                }
            g_array_append_vals (out->widths, &(guint) { (guint) width }, 1);
          }
        out->text = g_strjoinv (",", items);
        return TRUE;
      }

    case TYPE_CHOICE:
      {
        g_autofree char *stripped = g_strstrip (g_strdup (text));
        const char *choice = canonical_choice (s, stripped);
        g_autofree char *why = NULL;

        if (choice == NULL)
          {
            g_autofree char *listed = g_strdup (s->choices);

            g_strdelimit (listed, "|", ',');
            why = g_strdup_printf (_("expected one of %s"), listed);
            return invalid (error, s, text, source, why);
          }
        out->text = g_strdup (choice);
        return TRUE;
      }

    default:
      g_assert_not_reached ();
    }
}

static void
imgproc_service_config_init (ImgprocServiceConfig *self)
{
  guint i;

  imgproc_ensure_i18n ();
  for (i = 0; i < N_SETTINGS; i++)
    {
      gboolean ok = parse_value (&schema[i], schema[i].default_value,
                                 IMGPROC_SETTING_SOURCE_DEFAULT, &self->values[i], NULL);
      g_assert (ok);
    }
}

/**
 * imgproc_service_config_new:
 *
 * Makes a configuration that holds the built-in defaults. Read the sources
 * into it with [method@Imgproc.ServiceConfig.load_key_file],
 * [method@Imgproc.ServiceConfig.load_environment] and the option group of
 * [method@Imgproc.ServiceConfig.get_option_group], in any order: the
 * precedence is command line, then environment, then key file, then
 * defaults. Then call [method@Imgproc.ServiceConfig.validate].
 *
 * Returns: (transfer full): a new configuration
 */
ImgprocServiceConfig *
imgproc_service_config_new (void)
{
  return g_object_new (IMGPROC_TYPE_SERVICE_CONFIG, NULL);
}

/**
 * imgproc_service_config_list_settings:
 *
 * Lists the names of every setting of the schema, in the schema's order. A
 * name is at once the key-file key, the property name and the long
 * command-line flag; the environment variable is `IMGPROC_` and the name in
 * upper case with '-' as '_'.
 *
 * Returns: (transfer full) (array zero-terminated=1): the setting names
 */
char **
imgproc_service_config_list_settings (void)
{
  char **names = g_new0 (char *, N_SETTINGS + 1);
  guint i;

  for (i = 0; i < N_SETTINGS; i++)
    names[i] = g_strdup (schema[i].name);
  return names;
}

/**
 * imgproc_service_config_get_default_path:
 *
 * Gives the configuration file read when none is named: `IMGPROC_CONFIG`
 * when set, else `imgproc/imgproc.conf` under the system configuration
 * directory (`/etc/imgproc/imgproc.conf` in the packages).
 *
 * Returns: (transfer none) (type filename): the default path
 */
const char *
imgproc_service_config_get_default_path (void)
{
  const char *path = g_getenv ("IMGPROC_CONFIG");

  if (path != NULL && *path != '\0')
    return path;
  return SYSCONFDIR "/imgproc/imgproc.conf";
}

/**
 * imgproc_service_config_set:
 * @self: a configuration
 * @name: a setting name
 * @value: the value as text, as it would appear in the key file
 * @source: where the value comes from
 * @error: return location for a #GError
 *
 * Sets one setting from text. Lists are comma-separated, booleans are
 * true/false (yes/no, on/off, 1/0), and choices are matched without regard to
 * case. A value from a source of lower precedence than the current one is
 * checked but does not replace it.
 *
 * Returns: %TRUE if the value is valid; %FALSE with @error set
 *   (%IMGPROC_PIPELINE_ERROR_UNKNOWN_SETTING or
 *   %IMGPROC_PIPELINE_ERROR_INVALID_CONFIG) otherwise
 */
gboolean
imgproc_service_config_set (ImgprocServiceConfig  *self,
                            const char            *name,
                            const char            *value,
                            ImgprocSettingSource   source,
                            GError               **error)
{
  Value parsed;
  int index;

  g_return_val_if_fail (IMGPROC_IS_SERVICE_CONFIG (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  index = find_setting (name);
  if (index < 0)
    {
      g_autofree char *shown = g_utf8_make_valid (name, -1);

      g_set_error (error, IMGPROC_PIPELINE_ERROR, IMGPROC_PIPELINE_ERROR_UNKNOWN_SETTING,
                   _("Unknown setting “%s” (from %s)"), shown, source_name (source));
      return FALSE;
    }

  if (!parse_value (&schema[index], value, source, &parsed, error))
    return FALSE;

  if (source < self->values[index].source)
    {
      value_clear (&parsed);
      return TRUE;
    }

  value_clear (&self->values[index]);
  self->values[index] = parsed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[index + 1]);
  return TRUE;
}

static gboolean
load_key_file (ImgprocServiceConfig  *self,
               GKeyFile              *key_file,
               const char            *origin,
               GError               **error)
{
  g_auto(GStrv) keys = NULL;
  guint i;

  if (!g_key_file_has_group (key_file, IMGPROC_SERVICE_CONFIG_GROUP))
    return TRUE;

  keys = g_key_file_get_keys (key_file, IMGPROC_SERVICE_CONFIG_GROUP, NULL, NULL);
  for (i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *value = g_key_file_get_string (key_file, IMGPROC_SERVICE_CONFIG_GROUP,
                                                      keys[i], &local_error);

      if (value == NULL ||
          !imgproc_service_config_set (self, keys[i], value, IMGPROC_SETTING_SOURCE_KEY_FILE,
                                       &local_error))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", origin);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * imgproc_service_config_load_key_file:
 * @self: a configuration
 * @path: (nullable) (type filename): the key file, or %NULL for
 *   [func@Imgproc.ServiceConfig.get_default_path]
 * @error: return location for a #GError
 *
 * Reads the `[imgproc]` group of a GLib key file. A missing default file is
 * not an error, so a host without one runs on the environment and defaults; a
 * file named explicitly must exist. Keys the schema does not have are errors,
 * so a typo does not go unnoticed; other groups are ignored.
 *
 * Returns: %TRUE on success; %FALSE with @error set
 */
gboolean
imgproc_service_config_load_key_file (ImgprocServiceConfig  *self,
                                      const char            *path,
                                      GError               **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  gboolean explicit = path != NULL;

  g_return_val_if_fail (IMGPROC_IS_SERVICE_CONFIG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (path == NULL)
    {
      path = imgproc_service_config_get_default_path ();
      explicit = g_getenv ("IMGPROC_CONFIG") != NULL && *g_getenv ("IMGPROC_CONFIG") != '\0';
    }

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &local_error))
    {
      if (!explicit && g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, IMGPROC_PIPELINE_ERROR, IMGPROC_PIPELINE_ERROR_CONFIG_FILE,
                   _("Cannot read the configuration file %s: %s"), path, local_error->message);
      return FALSE;
    }
  return load_key_file (self, key_file, path, error);
}

/**
 * imgproc_service_config_load_key_file_data:
 * @self: a configuration
 * @data: the text of a key file
 * @length: the length of @data, or -1 if it is nul-terminated
 * @error: return location for a #GError
 *
 * Reads the `[imgproc]` group of a key file held in memory, like
 * [method@Imgproc.ServiceConfig.load_key_file].
 *
 * Returns: %TRUE on success; %FALSE with @error set
 */
gboolean
imgproc_service_config_load_key_file_data (ImgprocServiceConfig  *self,
                                           const char            *data,
                                           gssize                 length,
                                           GError               **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (IMGPROC_IS_SERVICE_CONFIG (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_key_file_load_from_data (key_file, data, length < 0 ? (gsize) -1 : (gsize) length,
                                  G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, IMGPROC_PIPELINE_ERROR, IMGPROC_PIPELINE_ERROR_CONFIG_FILE,
                   _("Cannot read the configuration: %s"), local_error->message);
      return FALSE;
    }
  return load_key_file (self, key_file, _("configuration"), error);
}

/**
 * imgproc_service_config_load_environment:
 * @self: a configuration
 * @envp: (nullable) (array zero-terminated=1): an environment as
 *   g_get_environ() gives it, or %NULL for the process's own
 * @error: return location for a #GError
 *
 * Reads the environment variables of the schema: `IMGPROC_<NAME>` for each
 * setting (`IMGPROC_QUEUE_URL`, `IMGPROC_SOURCE_PREFIX`...), the names the
 * Terraform module sets, and Lambda's `AWS_LAMBDA_LOG_LEVEL` and
 * `AWS_LAMBDA_LOG_FORMAT` after `IMGPROC_LOG_LEVEL` and `IMGPROC_LOG_FORMAT`.
 * An empty variable counts as unset.
 *
 * Returns: %TRUE on success; %FALSE with @error set on the first bad value
 */
gboolean
imgproc_service_config_load_environment (ImgprocServiceConfig  *self,
                                         const char * const    *envp,
                                         GError               **error)
{
  g_auto(GStrv) own = NULL;
  guint i;

  g_return_val_if_fail (IMGPROC_IS_SERVICE_CONFIG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (envp == NULL)
    envp = (const char * const *) (own = g_get_environ ());

  for (i = 0; i < N_SETTINGS; i++)
    {
      g_autofree char *primary = env_name (&schema[i]);
      const char *names[] = { primary, schema[i].extra_env[0], schema[i].extra_env[1] };
      guint j;

      for (j = 0; j < G_N_ELEMENTS (names) && names[j] != NULL; j++)
        {
          const char *value = g_environ_getenv ((char **) envp, names[j]);
          g_autoptr(GError) local_error = NULL;

          if (value == NULL || *value == '\0')
            continue;
          if (!imgproc_service_config_set (self, schema[i].name, value,
                                           IMGPROC_SETTING_SOURCE_ENVIRONMENT, &local_error))
            {
              g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", names[j]);
              return FALSE;
            }
          break;
        }
    }
  return TRUE;
}

static gboolean
option_callback (const char  *option_name,
                 const char  *value,
                 gpointer     data,
                 GError     **error)
{
  ImgprocServiceConfig *self = data;
  const char *name = option_name;
  int index;

  while (*name == '-')
    name++;
  index = find_setting (name);
  g_return_val_if_fail (index >= 0, FALSE);

  /* A bare boolean flag means true: --metrics, --metrics=false. */
  if (value == NULL)
    value = "true";
  return imgproc_service_config_set (self, name, value, IMGPROC_SETTING_SOURCE_COMMAND_LINE, error);
}

/**
 * imgproc_service_config_get_option_group:
 * @self: a configuration
 *
 * Makes the command-line options of the schema: one `--<name>=VALUE` flag per
 * setting, whose value goes into @self when the command line is parsed.
 * Boolean flags may omit their value, which means true. Add the group to a
 * #GOptionContext; @self must outlive the parsing.
 *
 * Returns: (transfer full): an option group named "config"
 */
GOptionGroup *
imgproc_service_config_get_option_group (ImgprocServiceConfig *self)
{
  static GOptionEntry entries[N_SETTINGS + 1];
  static gsize entries_ready = 0;
  GOptionGroup *group;

  g_return_val_if_fail (IMGPROC_IS_SERVICE_CONFIG (self), NULL);

  if (g_once_init_enter (&entries_ready))
    {
      guint i;

      for (i = 0; i < N_SETTINGS; i++)
        {
          entries[i].long_name = schema[i].name;
          entries[i].short_name = 0;
          entries[i].flags = schema[i].type == TYPE_BOOLEAN ? G_OPTION_FLAG_OPTIONAL_ARG : 0;
          entries[i].arg = G_OPTION_ARG_CALLBACK;
          entries[i].arg_data = (gpointer) option_callback;
          entries[i].description = schema[i].description;
          entries[i].arg_description = schema[i].arg_description;
        }
      g_once_init_leave (&entries_ready, 1);
    }

  group = g_option_group_new ("config", _("Settings (they override the environment and the configuration file):"),
                              _("Show the settings"), self, NULL);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_group_add_entries (group, entries);
  return group;
}

/**
 * imgproc_service_config_resolve_mode:
 * @self: a configuration
 * @envp: (nullable) (array zero-terminated=1): an environment, or %NULL for
 *   the process's own
 *
 * Turns the mode setting into the mode to run: "auto" becomes Lambda when
 * `AWS_LAMBDA_RUNTIME_API` is set, and the daemon otherwise.
 *
 * Returns: %IMGPROC_SERVICE_MODE_DAEMON or %IMGPROC_SERVICE_MODE_LAMBDA
 */
ImgprocServiceMode
imgproc_service_config_resolve_mode (ImgprocServiceConfig *self,
                                     const char * const   *envp)
{
  const char *mode, *api;

  g_return_val_if_fail (IMGPROC_IS_SERVICE_CONFIG (self), IMGPROC_SERVICE_MODE_DAEMON);

  mode = self->values[S_MODE].text;
  if (g_str_equal (mode, "daemon"))
    return IMGPROC_SERVICE_MODE_DAEMON;
  if (g_str_equal (mode, "lambda"))
    return IMGPROC_SERVICE_MODE_LAMBDA;

  api = envp != NULL ? g_environ_getenv ((char **) envp, "AWS_LAMBDA_RUNTIME_API")
                     : g_getenv ("AWS_LAMBDA_RUNTIME_API");
  return api != NULL && *api != '\0' ? IMGPROC_SERVICE_MODE_LAMBDA : IMGPROC_SERVICE_MODE_DAEMON;
}

static char *
normalize_prefix (const char *prefix)
{
  if (*prefix == '\0' || g_str_has_suffix (prefix, "/"))
    return g_strdup (prefix);
  return g_strconcat (prefix, "/", NULL);
}

static gboolean
contradiction (GError **error,
               char    *message)
{
  g_set_error_literal (error, IMGPROC_PIPELINE_ERROR, IMGPROC_PIPELINE_ERROR_INVALID_CONFIG, message);
  g_free (message);
  return FALSE;
}

static gboolean
is_loopback_listen (const char *listen)
{
  g_autofree char *host = NULL;
  const char *colon = strrchr (listen, ':');
  guint64 port;

  if (colon == NULL ||
      !g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &port, NULL))
    return FALSE;
  host = g_strndup (listen, colon - listen);
  return g_str_equal (host, "localhost") || g_str_equal (host, "[::1]") ||
         g_str_has_prefix (host, "127.");
}

/**
 * imgproc_service_config_validate:
 * @self: a configuration
 * @mode: the mode the service runs in; %IMGPROC_SERVICE_MODE_AUTO checks
 *   what every mode needs
 * @error: return location for a #GError
 *
 * Checks what single values cannot: that the daemon has a queue URL; that
 * the source and destination prefixes are both set and neither lies inside
 * the other (which would make the service process its own renditions); that
 * the bucket is in the allow-list when both are set; that the HTTP endpoint
 * listens on loopback only; and that metrics have a namespace. Each value was
 * already checked when it was read.
 *
 * Returns: %TRUE if the configuration can run; %FALSE with @error set
 *   (%IMGPROC_PIPELINE_ERROR_INVALID_CONFIG) naming the first problem
 */
gboolean
imgproc_service_config_validate (ImgprocServiceConfig  *self,
                                 ImgprocServiceMode     mode,
                                 GError               **error)
{
  g_autofree char *source = NULL;
  g_autofree char *destination = NULL;
  const char *bucket;
  char **allowed;

  g_return_val_if_fail (IMGPROC_IS_SERVICE_CONFIG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (mode == IMGPROC_SERVICE_MODE_DAEMON && *self->values[S_QUEUE_URL].text == '\0')
    return contradiction (error,
                          g_strdup (_("The daemon needs a queue URL: set queue-url in the "
                                      "configuration file, IMGPROC_QUEUE_URL or --queue-url")));

  source = normalize_prefix (self->values[S_SOURCE_PREFIX].text);
  destination = normalize_prefix (self->values[S_DESTINATION_PREFIX].text);
  if (*destination == '\0')
    return contradiction (error,
                          g_strdup (_("The destination prefix is empty: renditions would be "
                                      "written among the sources")));
  if (*source == '\0')
    return contradiction (error,
                          g_strdup_printf (_("The source prefix is empty, so the destination prefix "
                                             "“%s” lies inside it: renditions would be processed again"),
                                           destination));
  if (g_str_has_prefix (destination, source))
    return contradiction (error,
                          g_strdup_printf (_("The destination prefix “%s” lies inside the source "
                                             "prefix “%s”: renditions would be processed again"),
                                           destination, source));
  if (g_str_has_prefix (source, destination))
    return contradiction (error,
                          g_strdup_printf (_("The source prefix “%s” lies inside the destination "
                                             "prefix “%s”: sources would be skipped as renditions"),
                                           source, destination));

  bucket = self->values[S_BUCKET].text;
  allowed = self->values[S_ALLOWED_BUCKETS].list;
  if (*bucket != '\0' && allowed != NULL && allowed[0] != NULL &&
      !g_strv_contains ((const char * const *) allowed, bucket))
    return contradiction (error,
                          g_strdup_printf (_("The bucket “%s” is not in allowed-buckets"), bucket));

  if (*self->values[S_HTTP_LISTEN].text != '\0' &&
      !is_loopback_listen (self->values[S_HTTP_LISTEN].text))
    return contradiction (error,
                          g_strdup_printf (_("http-listen “%s” is not a loopback address and port, "
                                             "such as 127.0.0.1:9464"),
                                           self->values[S_HTTP_LISTEN].text));

  if (self->values[S_METRICS].number && *self->values[S_METRICS_NAMESPACE].text == '\0')
    return contradiction (error, g_strdup (_("Metrics are on but metrics-namespace is empty")));

  return TRUE;
}

/* Credentials in a URL's user info or query never reach a log. */
static char *
mask_url (const char *text)
{
  g_autoptr(GUri) uri = NULL;

  if (*text == '\0')
    return g_strdup (text);
  uri = g_uri_parse (text, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL)
    return g_strdup ("********");
  return g_uri_join (G_URI_FLAGS_ENCODED, g_uri_get_scheme (uri),
                     g_uri_get_userinfo (uri) != NULL ? "********" : NULL,
                     g_uri_get_host (uri), g_uri_get_port (uri), g_uri_get_path (uri),
                     g_uri_get_query (uri) != NULL ? "********" : NULL,
                     NULL);
}

/**
 * imgproc_service_config_dump:
 * @self: a configuration
 *
 * Writes the effective configuration as a key file that the service can
 * read back, with a comment on the source of each value. Credentials inside
 * URLs are masked. This is what `imgproc-service --check-config` prints.
 *
 * Returns: (transfer full): the text of the key file
 */
char *
imgproc_service_config_dump (ImgprocServiceConfig *self)
{
  GString *out;
  guint i;

  g_return_val_if_fail (IMGPROC_IS_SERVICE_CONFIG (self), NULL);

  out = g_string_new (NULL);
  g_string_append_printf (out, "[%s]\n", IMGPROC_SERVICE_CONFIG_GROUP);
  for (i = 0; i < N_SETTINGS; i++)
    {
      const Value *v = &self->values[i];
      g_autofree char *shown = schema[i].type == TYPE_URL ? mask_url (v->text) : g_strdup (v->text);

      g_string_append_printf (out, "# %s\n%s=%s\n", source_name (v->source), schema[i].name, shown);
    }
  return g_string_free (out, FALSE);
}

static void
append_wrapped_comment (GString    *out,
                        const char *text)
{
  g_auto(GStrv) words = g_strsplit (text, " ", -1);
  gsize column = 0;
  guint i;

  for (i = 0; words[i] != NULL; i++)
    {
      gsize len = strlen (words[i]);

      if (column > 0 && column + 1 + len > 78)
        {
          g_string_append_c (out, '\n');
          column = 0;
        }
      if (column == 0)
        {
          g_string_append (out, "#");
          column = 1;
        }
      g_string_append_c (out, ' ');
      g_string_append (out, words[i]);
      column += 1 + len;
    }
  g_string_append_c (out, '\n');
}

char *
imgproc_service_config_generate_documented_file (void)
{
  GString *out = g_string_new (NULL);
  guint i;

  g_string_append (out,
                   "# /etc/imgproc/imgproc.conf: the configuration of imgproc-service, a GLib key file.\n"
                   "#\n"
                   "# Each setting can be given in three places. The first that sets it wins:\n"
                   "#   1. a command-line flag, --<key>=VALUE;\n"
                   "#   2. an environment variable, IMGPROC_<KEY> (upper case, '-' as '_'),\n"
                   "#      plus the Lambda names listed below;\n"
                   "#   3. this file;\n"
                   "# and otherwise the built-in default, shown commented out below.\n"
                   "# `imgproc-service --check-config` validates the result and prints it.\n"
                   "# Lists are comma-separated; booleans are true or false.\n"
                   "# Generated from the schema in libimgproc/pipeline/imgproc-service-config.c.\n"
                   "\n");
  g_string_append_printf (out, "[%s]\n", IMGPROC_SERVICE_CONFIG_GROUP);

  for (i = 0; i < N_SETTINGS; i++)
    {
      const Setting *s = &schema[i];
      g_autofree char *primary = env_name (s);
      g_autofree char *also = NULL;

      g_string_append_c (out, '\n');
      append_wrapped_comment (out, s->description);
      if (s->extra_env[0] != NULL)
        also = g_strdup_printf (", then %s", s->extra_env[0]);
      g_string_append_printf (out, "# Environment: %s%s. Flag: --%s.\n",
                              primary, also != NULL ? also : "", s->name);
      g_string_append_printf (out, "#%s=%s\n", s->name, s->default_value);
    }
  return g_string_free (out, FALSE);
}

static const Value *
lookup (ImgprocServiceConfig *self,
        const char           *name)
{
  int index = find_setting (name);

  g_return_val_if_fail (index >= 0, NULL);
  return &self->values[index];
}

/**
 * imgproc_service_config_get_value:
 * @self: a configuration
 * @name: a setting name
 *
 * Gives the effective value of any setting in its canonical text form: the
 * form the dump writes.
 *
 * Returns: (transfer none): the value
 */
const char *
imgproc_service_config_get_value (ImgprocServiceConfig *self,
                                  const char           *name)
{
  const Value *v;

  g_return_val_if_fail (IMGPROC_IS_SERVICE_CONFIG (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  v = lookup (self, name);
  return v != NULL ? v->text : NULL;
}

/**
 * imgproc_service_config_get_source:
 * @self: a configuration
 * @name: a setting name
 *
 * Tells where the effective value of a setting came from.
 *
 * Returns: the source of the value
 */
ImgprocSettingSource
imgproc_service_config_get_source (ImgprocServiceConfig *self,
                                   const char           *name)
{
  const Value *v;

  g_return_val_if_fail (IMGPROC_IS_SERVICE_CONFIG (self), IMGPROC_SETTING_SOURCE_DEFAULT);
  g_return_val_if_fail (name != NULL, IMGPROC_SETTING_SOURCE_DEFAULT);

  v = lookup (self, name);
  return v != NULL ? v->source : IMGPROC_SETTING_SOURCE_DEFAULT;
}

#define TEXT_GETTER(getter, index) \
  const char * \
  getter (ImgprocServiceConfig *self) \
  { \
    g_return_val_if_fail (IMGPROC_IS_SERVICE_CONFIG (self), NULL); \
    return self->values[index].text; \
  }

#define NUMBER_GETTER(type, getter, index) \
  type \
  getter (ImgprocServiceConfig *self) \
  { \
    g_return_val_if_fail (IMGPROC_IS_SERVICE_CONFIG (self), 0); \
    return (type) self->values[index].number; \
  }

/**
 * imgproc_service_config_get_queue_url:
 * @self: a configuration
 *
 * Gives the `queue-url` setting.
 *
 * Returns: (transfer none): the queue URL, empty when unset
 */
TEXT_GETTER (imgproc_service_config_get_queue_url, S_QUEUE_URL)

/**
 * imgproc_service_config_get_region:
 * @self: a configuration
 *
 * Gives the `region` setting.
 *
 * Returns: (transfer none): the region, empty to resolve it as the SDKs do
 */
TEXT_GETTER (imgproc_service_config_get_region, S_REGION)

/**
 * imgproc_service_config_get_endpoint_url:
 * @self: a configuration
 *
 * Gives the `endpoint-url` setting.
 *
 * Returns: (transfer none): the endpoint URL, empty for AWS's endpoints
 */
TEXT_GETTER (imgproc_service_config_get_endpoint_url, S_ENDPOINT_URL)

/**
 * imgproc_service_config_get_bucket:
 * @self: a configuration
 *
 * Gives the `bucket` setting.
 *
 * Returns: (transfer none): the bucket, empty to use each event's
 */
TEXT_GETTER (imgproc_service_config_get_bucket, S_BUCKET)

/**
 * imgproc_service_config_get_table:
 * @self: a configuration
 *
 * Gives the `table` setting.
 *
 * Returns: (transfer none): the DynamoDB table, empty when nothing is recorded
 */
TEXT_GETTER (imgproc_service_config_get_table, S_TABLE)

/**
 * imgproc_service_config_get_kms_key_id:
 * @self: a configuration
 *
 * Gives the `kms-key-id` setting.
 *
 * Returns: (transfer none): the KMS key, empty for the bucket's default
 */
TEXT_GETTER (imgproc_service_config_get_kms_key_id, S_KMS_KEY_ID)

/**
 * imgproc_service_config_get_cache_control:
 * @self: a configuration
 *
 * Gives the `cache-control` setting.
 *
 * Returns: (transfer none): the Cache-Control value of renditions
 */
TEXT_GETTER (imgproc_service_config_get_cache_control, S_CACHE_CONTROL)

/**
 * imgproc_service_config_get_log_level:
 * @self: a configuration
 *
 * Gives the `log-level` setting, as a GLib level name.
 *
 * Returns: (transfer none): "error", "critical", "warning", "message",
 *   "info" or "debug"
 */
TEXT_GETTER (imgproc_service_config_get_log_level, S_LOG_LEVEL)

/**
 * imgproc_service_config_get_log_format:
 * @self: a configuration
 *
 * Gives the `log-format` setting.
 *
 * Returns: (transfer none): "auto", "text", "json" or "journald"
 */
TEXT_GETTER (imgproc_service_config_get_log_format, S_LOG_FORMAT)

/**
 * imgproc_service_config_get_metrics_namespace:
 * @self: a configuration
 *
 * Gives the `metrics-namespace` setting.
 *
 * Returns: (transfer none): the CloudWatch namespace
 */
TEXT_GETTER (imgproc_service_config_get_metrics_namespace, S_METRICS_NAMESPACE)

/**
 * imgproc_service_config_get_http_listen:
 * @self: a configuration
 *
 * Gives the `http-listen` setting.
 *
 * Returns: (transfer none): the loopback HOST:PORT, empty when off
 */
TEXT_GETTER (imgproc_service_config_get_http_listen, S_HTTP_LISTEN)

/**
 * imgproc_service_config_get_max_height:
 * @self: a configuration
 *
 * Gives the `max-height` setting.
 *
 * Returns: the largest rendition height, or 0 for no limit
 */
NUMBER_GETTER (guint, imgproc_service_config_get_max_height, S_MAX_HEIGHT)

/**
 * imgproc_service_config_get_quality:
 * @self: a configuration
 *
 * Gives the `quality` setting.
 *
 * Returns: the JPEG and WebP quality, 1 to 100
 */
NUMBER_GETTER (guint, imgproc_service_config_get_quality, S_QUALITY)

/**
 * imgproc_service_config_get_strip_metadata:
 * @self: a configuration
 *
 * Gives the `strip-metadata` setting.
 *
 * Returns: whether renditions leave metadata out
 */
NUMBER_GETTER (gboolean, imgproc_service_config_get_strip_metadata, S_STRIP_METADATA)

/**
 * imgproc_service_config_get_delete_renditions_on_remove:
 * @self: a configuration
 *
 * Gives the `delete-renditions-on-remove` setting.
 *
 * Returns: whether removing a source deletes its renditions
 */
NUMBER_GETTER (gboolean, imgproc_service_config_get_delete_renditions_on_remove, S_DELETE_RENDITIONS_ON_REMOVE)

/**
 * imgproc_service_config_get_max_object_bytes:
 * @self: a configuration
 *
 * Gives the `max-object-bytes` setting.
 *
 * Returns: the largest source object downloaded, in bytes
 */
NUMBER_GETTER (guint64, imgproc_service_config_get_max_object_bytes, S_MAX_OBJECT_BYTES)

/**
 * imgproc_service_config_get_max_pixels:
 * @self: a configuration
 *
 * Gives the `max-pixels` setting.
 *
 * Returns: the largest image decoded, in pixels
 */
NUMBER_GETTER (guint64, imgproc_service_config_get_max_pixels, S_MAX_PIXELS)

/**
 * imgproc_service_config_get_decode_memory:
 * @self: a configuration
 *
 * Gives the `decode-memory` setting.
 *
 * Returns: the decode memory budget in MiB, or 0 for none
 */
NUMBER_GETTER (guint64, imgproc_service_config_get_decode_memory, S_DECODE_MEMORY)

/**
 * imgproc_service_config_get_visibility_timeout:
 * @self: a configuration
 *
 * Gives the `visibility-timeout` setting.
 *
 * Returns: the visibility timeout in seconds
 */
NUMBER_GETTER (guint, imgproc_service_config_get_visibility_timeout, S_VISIBILITY_TIMEOUT)

/**
 * imgproc_service_config_get_shutdown_timeout:
 * @self: a configuration
 *
 * Gives the `shutdown-timeout` setting.
 *
 * Returns: the grace period on SIGTERM, in seconds
 */
NUMBER_GETTER (guint, imgproc_service_config_get_shutdown_timeout, S_SHUTDOWN_TIMEOUT)

/**
 * imgproc_service_config_get_metrics:
 * @self: a configuration
 *
 * Gives the `metrics` setting.
 *
 * Returns: whether metrics are emitted
 */
NUMBER_GETTER (gboolean, imgproc_service_config_get_metrics, S_METRICS)

/**
 * imgproc_service_config_get_tracing:
 * @self: a configuration
 *
 * Gives the `tracing` setting.
 *
 * Returns: whether X-Ray subsegments are sent
 */
NUMBER_GETTER (gboolean, imgproc_service_config_get_tracing, S_TRACING)

/**
 * imgproc_service_config_get_source_prefix:
 * @self: a configuration
 *
 * Gives the `source-prefix` setting, with a trailing '/' added when missing.
 *
 * Returns: (transfer none): the source prefix
 */
const char *
imgproc_service_config_get_source_prefix (ImgprocServiceConfig *self)
{
  g_autofree char *normal = NULL;

  g_return_val_if_fail (IMGPROC_IS_SERVICE_CONFIG (self), NULL);
  normal = normalize_prefix (self->values[S_SOURCE_PREFIX].text);
  return g_intern_string (normal);
}

/**
 * imgproc_service_config_get_destination_prefix:
 * @self: a configuration
 *
 * Gives the `destination-prefix` setting, with a trailing '/' added when
 * missing.
 *
 * Returns: (transfer none): the destination prefix
 */
const char *
imgproc_service_config_get_destination_prefix (ImgprocServiceConfig *self)
{
  g_autofree char *normal = NULL;

  g_return_val_if_fail (IMGPROC_IS_SERVICE_CONFIG (self), NULL);
  normal = normalize_prefix (self->values[S_DESTINATION_PREFIX].text);
  return g_intern_string (normal);
}

/**
 * imgproc_service_config_get_allowed_buckets:
 * @self: a configuration
 *
 * Gives the `allowed-buckets` setting.
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): the allowed
 *   buckets, or %NULL when any bucket is allowed
 */
const char * const *
imgproc_service_config_get_allowed_buckets (ImgprocServiceConfig *self)
{
  char **list;

  g_return_val_if_fail (IMGPROC_IS_SERVICE_CONFIG (self), NULL);
  list = self->values[S_ALLOWED_BUCKETS].list;
  return list != NULL && list[0] != NULL ? (const char * const *) list : NULL;
}

/**
 * imgproc_service_config_get_widths:
 * @self: a configuration
 * @n_widths: (out): where to store the number of widths
 *
 * Gives the `widths` setting: the target width of each rendition, in the
 * order given, without duplicates.
 *
 * Returns: (transfer none) (array length=n_widths): the widths
 */
const guint *
imgproc_service_config_get_widths (ImgprocServiceConfig *self,
                                   guint                *n_widths)
{
  GArray *widths;

  g_return_val_if_fail (IMGPROC_IS_SERVICE_CONFIG (self), NULL);
  g_return_val_if_fail (n_widths != NULL, NULL);

  widths = self->values[S_WIDTHS].widths;
  *n_widths = widths->len;
  return (const guint *) widths->data;
}

/**
 * imgproc_service_config_get_output_format:
 * @self: a configuration
 *
 * Gives the `format` setting as the resizer's output format.
 *
 * Returns: the output format of the renditions
 */
ImgprocOutputFormat
imgproc_service_config_get_output_format (ImgprocServiceConfig *self)
{
  const char *format;

  g_return_val_if_fail (IMGPROC_IS_SERVICE_CONFIG (self), IMGPROC_OUTPUT_FORMAT_SAME);

  format = self->values[S_FORMAT].text;
  if (g_str_equal (format, "jpeg"))
    return IMGPROC_OUTPUT_FORMAT_JPEG;
  if (g_str_equal (format, "png"))
    return IMGPROC_OUTPUT_FORMAT_PNG;
  if (g_str_equal (format, "webp"))
    return IMGPROC_OUTPUT_FORMAT_WEBP;
  return IMGPROC_OUTPUT_FORMAT_SAME;
}

/**
 * imgproc_service_config_get_concurrency:
 * @self: a configuration
 *
 * Gives the `concurrency` setting, with 0 resolved to twice the number of
 * processors.
 *
 * Returns: how many messages are processed at once
 */
guint
imgproc_service_config_get_concurrency (ImgprocServiceConfig *self)
{
  g_return_val_if_fail (IMGPROC_IS_SERVICE_CONFIG (self), 1);

  if (self->values[S_CONCURRENCY].number > 0)
    return (guint) self->values[S_CONCURRENCY].number;
  return MAX (1, g_get_num_processors () * 2);
}
