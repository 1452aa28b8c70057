/* The guard: the loop guard, the bucket allow-list, hostile keys, and the
 * deterministic layout of rendition keys. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-private.h"

#include <string.h>

/* The longest "<width>/" and extension a rendition key can get. */
#define LONGEST_WIDTH_SEGMENT 11
#define LONGEST_EXTENSION 5

struct _ImgprocGuard
{
  GObject parent_instance;

  char *source_prefix;
  char *destination_prefix;
  char **allowed_buckets;
  gboolean accept_removals;
};

G_DEFINE_FINAL_TYPE (ImgprocGuard, imgproc_guard, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SOURCE_PREFIX,
  PROP_DESTINATION_PREFIX,
  PROP_ALLOWED_BUCKETS,
  PROP_ACCEPT_REMOVALS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* "uploads" and "uploads/" mean the same folder; without the slash,
 * "uploads2/x" would match and "<dest>800/" would glue the width on. */
static char *
normalize_prefix (const char *prefix)
{
  if (prefix == NULL || *prefix == '\0')
    return g_strdup ("");
  if (g_str_has_suffix (prefix, "/"))
    return g_strdup (prefix);
  return g_strconcat (prefix, "/", NULL);
}

static void
imgproc_guard_finalize (GObject *object)
{
  ImgprocGuard *self = IMGPROC_GUARD (object);

  g_free (self->source_prefix);
  g_free (self->destination_prefix);
  g_strfreev (self->allowed_buckets);

  G_OBJECT_CLASS (imgproc_guard_parent_class)->finalize (object);
}

static void
imgproc_guard_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ImgprocGuard *self = IMGPROC_GUARD (object);

  switch (prop_id)
    {
    case PROP_SOURCE_PREFIX:
      g_value_set_string (value, self->source_prefix);
      break;
    case PROP_DESTINATION_PREFIX:
      g_value_set_string (value, self->destination_prefix);
      break;
    case PROP_ALLOWED_BUCKETS:
      g_value_set_boxed (value, self->allowed_buckets);
      break;
    case PROP_ACCEPT_REMOVALS:
      g_value_set_boolean (value, self->accept_removals);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
imgproc_guard_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  ImgprocGuard *self = IMGPROC_GUARD (object);

  switch (prop_id)
    {
    case PROP_SOURCE_PREFIX:
      g_free (self->source_prefix);
      self->source_prefix = normalize_prefix (g_value_get_string (value));
      break;
    case PROP_DESTINATION_PREFIX:
      g_free (self->destination_prefix);
      self->destination_prefix = normalize_prefix (g_value_get_string (value));
      break;
    case PROP_ALLOWED_BUCKETS:
      g_strfreev (self->allowed_buckets);
      self->allowed_buckets = g_value_dup_boxed (value);
      /* An empty list allows every bucket, like no list. */
      if (self->allowed_buckets != NULL && self->allowed_buckets[0] == NULL)
        g_clear_pointer (&self->allowed_buckets, g_strfreev);
      break;
    case PROP_ACCEPT_REMOVALS:
      self->accept_removals = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
imgproc_guard_class_init (ImgprocGuardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = imgproc_guard_finalize;
  object_class->get_property = imgproc_guard_get_property;
  object_class->set_property = imgproc_guard_set_property;

  /**
   * ImgprocGuard:source-prefix:
   *
   * Only keys under this prefix are processed. A non-empty prefix always ends
   * in '/': one is added if missing. The empty prefix is the whole bucket.
   */
  properties[PROP_SOURCE_PREFIX] =
    g_param_spec_string ("source-prefix", NULL, NULL,
                         "",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * ImgprocGuard:destination-prefix:
   *
   * Renditions are written under this prefix, and keys under it are never
   * processed: that is the loop guard. A '/' is added if missing.
   */
  properties[PROP_DESTINATION_PREFIX] =
    g_param_spec_string ("destination-prefix", NULL, NULL,
                         "",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * ImgprocGuard:allowed-buckets:
   *
   * The buckets whose events are processed; %NULL or empty allows any bucket
   * named in an event.
   */
  properties[PROP_ALLOWED_BUCKETS] =
    g_param_spec_boxed ("allowed-buckets", NULL, NULL,
                        G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * ImgprocGuard:accept-removals:
   *
   * Whether removals pass the guard, so that the renditions of a removed
   * source are deleted. By default they are skipped.
   */
  properties[PROP_ACCEPT_REMOVALS] =
    g_param_spec_boolean ("accept-removals", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
imgproc_guard_init (ImgprocGuard *self)
{
  imgproc_ensure_i18n ();
  self->source_prefix = g_strdup ("");
  self->destination_prefix = g_strdup ("");
}

/**
 * imgproc_guard_new:
 * @source_prefix: (nullable): the prefix of the keys to process
 * @destination_prefix: (nullable): the prefix renditions are written under
 * @allowed_buckets: (nullable) (array zero-terminated=1): the buckets whose
 *   events are processed, or %NULL for any
 *
 * Makes a guard that keeps removals out. Use g_object_new() with
 * [property@Imgproc.Guard:accept-removals] to let them in.
 *
 * Returns: (transfer full): a new guard
 */
ImgprocGuard *
imgproc_guard_new (const char         *source_prefix,
                   const char         *destination_prefix,
                   const char * const *allowed_buckets)
{
  return g_object_new (IMGPROC_TYPE_GUARD,
                       "source-prefix", source_prefix,
                       "destination-prefix", destination_prefix,
                       "allowed-buckets", allowed_buckets,
                       NULL);
}

/**
 * imgproc_guard_get_source_prefix:
 * @self: a guard
 *
 * Gives the normalised source prefix.
 *
 * Returns: (transfer none): the source prefix, empty or ending in '/'
 */
const char *
imgproc_guard_get_source_prefix (ImgprocGuard *self)
{
  g_return_val_if_fail (IMGPROC_IS_GUARD (self), NULL);
  return self->source_prefix;
}

/**
 * imgproc_guard_get_destination_prefix:
 * @self: a guard
 *
 * Gives the normalised destination prefix.
 *
 * Returns: (transfer none): the destination prefix, empty or ending in '/'
 */
const char *
imgproc_guard_get_destination_prefix (ImgprocGuard *self)
{
  g_return_val_if_fail (IMGPROC_IS_GUARD (self), NULL);
  return self->destination_prefix;
}

/**
 * imgproc_guard_get_allowed_buckets:
 * @self: a guard
 *
 * Gives the bucket allow-list.
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): the allowed
 *   buckets, or %NULL when any bucket is allowed
 */
const char * const *
imgproc_guard_get_allowed_buckets (ImgprocGuard *self)
{
  g_return_val_if_fail (IMGPROC_IS_GUARD (self), NULL);
  return (const char * const *) self->allowed_buckets;
}

/**
 * imgproc_guard_get_accept_removals:
 * @self: a guard
 *
 * Gives [property@Imgproc.Guard:accept-removals].
 *
 * Returns: whether removals pass the guard
 */
gboolean
imgproc_guard_get_accept_removals (ImgprocGuard *self)
{
  g_return_val_if_fail (IMGPROC_IS_GUARD (self), FALSE);
  return self->accept_removals;
}

static gboolean
has_control_character (const char *key)
{
  const guchar *p;

  for (p = (const guchar *) key; *p != '\0'; p++)
    {
      if (*p < 0x20 || *p == 0x7f)
        return TRUE;
      /* U+0080 to U+009F, the C1 controls, in UTF-8. */
      if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
        return TRUE;
    }
  return FALSE;
}

static gboolean
has_dot_segment (const char *path)
{
  const char *segment = path;

  while (segment != NULL)
    {
      const char *slash = strchr (segment, '/');
      size_t len = slash != NULL ? (size_t) (slash - segment) : strlen (segment);

      if ((len == 1 && segment[0] == '.') ||
          (len == 2 && segment[0] == '.' && segment[1] == '.'))
        return TRUE;
      segment = slash != NULL ? slash + 1 : NULL;
    }
  return FALSE;
}

/**
 * imgproc_guard_check_key:
 * @self: a guard
 * @bucket: (nullable): the bucket of the object, checked against the
 *   allow-list unless %NULL
 * @key: the decoded object key
 * @relative_key: (out) (optional) (transfer full) (nullable): where to store
 *   the key relative to the source prefix, when it passes
 *
 * Checks a key without an event, as a backfill does for listed objects. The
 * checks come in this order: the key's length (1024 bytes) and control
 * characters; the bucket allow-list; the loop guard (a key under the
 * destination prefix); the source prefix; then the part under the source
 * prefix, which must have a file name, must not start with '/', must have no
 * "." or ".." segment, and must give rendition keys of at most 1024 bytes.
 *
 * Returns: %IMGPROC_SKIP_REASON_NONE if the key is to be processed, or why not
 */
ImgprocSkipReason
imgproc_guard_check_key (ImgprocGuard  *self,
                         const char    *bucket,
                         const char    *key,
                         char         **relative_key)
{
  const char *relative;
  size_t key_len;

  if (relative_key != NULL)
    *relative_key = NULL;
  g_return_val_if_fail (IMGPROC_IS_GUARD (self), IMGPROC_SKIP_REASON_OUTSIDE_SOURCE_PREFIX);
  g_return_val_if_fail (key != NULL, IMGPROC_SKIP_REASON_OUTSIDE_SOURCE_PREFIX);

  key_len = strlen (key);
  if (key_len > IMGPROC_GUARD_MAX_KEY_BYTES)
    return IMGPROC_SKIP_REASON_KEY_TOO_LONG;
  if (has_control_character (key))
    return IMGPROC_SKIP_REASON_CONTROL_CHARACTER;
  if (bucket != NULL && self->allowed_buckets != NULL &&
      !g_strv_contains ((const char * const *) self->allowed_buckets, bucket))
    return IMGPROC_SKIP_REASON_BUCKET_NOT_ALLOWED;
  if (*self->destination_prefix != '\0' && g_str_has_prefix (key, self->destination_prefix))
    return IMGPROC_SKIP_REASON_UNDER_DESTINATION_PREFIX;
  if (!g_str_has_prefix (key, self->source_prefix))
    return IMGPROC_SKIP_REASON_OUTSIDE_SOURCE_PREFIX;

  relative = key + strlen (self->source_prefix);
  if (*relative == '/')
    return IMGPROC_SKIP_REASON_LEADING_SLASH;
  if (*relative == '\0' || g_str_has_suffix (relative, "/"))
    return IMGPROC_SKIP_REASON_EMPTY_NAME;
  if (has_dot_segment (relative))
    return IMGPROC_SKIP_REASON_DOT_SEGMENT;
  if (strlen (self->destination_prefix) + LONGEST_WIDTH_SEGMENT + strlen (relative) +
      LONGEST_EXTENSION > IMGPROC_GUARD_MAX_KEY_BYTES)
    return IMGPROC_SKIP_REASON_RENDITION_KEY_TOO_LONG;

  if (relative_key != NULL)
    *relative_key = g_strdup (relative);
  return IMGPROC_SKIP_REASON_NONE;
}

/**
 * imgproc_guard_check:
 * @self: a guard
 * @event: an object event
 * @relative_key: (out) (optional) (transfer full) (nullable): where to store
 *   the key relative to the source prefix, when the event passes
 *
 * Decides whether the pipeline acts on @event. Test events, removals (unless
 * [property@Imgproc.Guard:accept-removals] is set) and other events are
 * skipped first; then the key goes through [method@Imgproc.Guard.check_key].
 *
 * Returns: %IMGPROC_SKIP_REASON_NONE if the event is to be processed, or why
 *   it is skipped
 */
ImgprocSkipReason
imgproc_guard_check (ImgprocGuard             *self,
                     const ImgprocObjectEvent *event,
                     char                    **relative_key)
{
  if (relative_key != NULL)
    *relative_key = NULL;
  g_return_val_if_fail (IMGPROC_IS_GUARD (self), IMGPROC_SKIP_REASON_OUTSIDE_SOURCE_PREFIX);
  g_return_val_if_fail (event != NULL, IMGPROC_SKIP_REASON_OUTSIDE_SOURCE_PREFIX);

  switch (imgproc_object_event_get_kind (event))
    {
    case IMGPROC_OBJECT_EVENT_KIND_TEST:
      return IMGPROC_SKIP_REASON_TEST_EVENT;
    case IMGPROC_OBJECT_EVENT_KIND_REMOVED:
      if (!self->accept_removals)
        return IMGPROC_SKIP_REASON_NOT_CREATED;
      break;
    case IMGPROC_OBJECT_EVENT_KIND_CREATED:
      break;
    case IMGPROC_OBJECT_EVENT_KIND_OTHER:
    default:
      return IMGPROC_SKIP_REASON_NOT_CREATED;
    }

  return imgproc_guard_check_key (self,
                                  imgproc_object_event_get_bucket (event),
                                  imgproc_object_event_get_key (event),
                                  relative_key);
}

static const char *
extension_for_format (ImgprocImageFormat format)
{
  switch (format)
    {
    case IMGPROC_IMAGE_FORMAT_JPEG:
      return "jpg";
    case IMGPROC_IMAGE_FORMAT_PNG:
      return "png";
    case IMGPROC_IMAGE_FORMAT_WEBP:
      return "webp";
    case IMGPROC_IMAGE_FORMAT_GIF:
      return "gif";
    case IMGPROC_IMAGE_FORMAT_TIFF:
      return "tif";
    case IMGPROC_IMAGE_FORMAT_BMP:
      return "bmp";
    case IMGPROC_IMAGE_FORMAT_UNKNOWN:
    default:
      return NULL;
    }
}

/**
 * imgproc_guard_rendition_key:
 * @self: a guard
 * @relative_key: a key relative to the source prefix, as
 *   [method@Imgproc.Guard.check] gave it
 * @width: the rendition's target width
 * @format: the format of the rendition's bytes; %IMGPROC_IMAGE_FORMAT_UNKNOWN
 *   keeps the source's extension
 *
 * Gives the key a rendition is stored at. The layout is
 * `<destination prefix><width>/<relative key>`, where the extension of the
 * relative key's last segment is replaced by the format's lower-case one:
 * "jpg", "png", "webp", "gif", "tif" or "bmp". A name without an extension
 * (or one that only starts with a dot) gets the extension appended. So with
 * source "uploads/" and destination "thumbnails/", the 800-wide JPEG of
 * "uploads/a/b.JPG" is "thumbnails/800/a/b.jpg". The key depends only on
 * these inputs, so re-processing overwrites the same objects.
 *
 * Returns: (transfer full): the rendition key
 */
char *
imgproc_guard_rendition_key (ImgprocGuard       *self,
                             const char         *relative_key,
                             guint               width,
                             ImgprocImageFormat  format)
{
  const char *extension, *name, *dot;
  size_t stem_len;

  g_return_val_if_fail (IMGPROC_IS_GUARD (self), NULL);
  g_return_val_if_fail (relative_key != NULL, NULL);

  extension = extension_for_format (format);
  if (extension == NULL)
    return g_strdup_printf ("%s%u/%s", self->destination_prefix, width, relative_key);

  name = strrchr (relative_key, '/');
  name = name != NULL ? name + 1 : relative_key;
  dot = strrchr (name, '.');
  stem_len = (dot != NULL && dot != name) ? (size_t) (dot - relative_key) : strlen (relative_key);

  return g_strdup_printf ("%s%u/%.*s.%s", self->destination_prefix, width,
                          (int) stem_len, relative_key, extension);
}

/**
 * imgproc_skip_reason_to_string:
 * @reason: a skip reason
 *
 * Gives a stable, untranslated name for @reason, for logs, metrics and the
 * DynamoDB record: "test-event", "under-destination-prefix" and so on.
 *
 * Returns: (transfer none): the name
 */
const char *
imgproc_skip_reason_to_string (ImgprocSkipReason reason)
{
  switch (reason)
    {
    case IMGPROC_SKIP_REASON_NONE:
      return "none";
    case IMGPROC_SKIP_REASON_TEST_EVENT:
      return "test-event";
    case IMGPROC_SKIP_REASON_NOT_CREATED:
      return "not-created";
    case IMGPROC_SKIP_REASON_BUCKET_NOT_ALLOWED:
      return "bucket-not-allowed";
    case IMGPROC_SKIP_REASON_OUTSIDE_SOURCE_PREFIX:
      return "outside-source-prefix";
    case IMGPROC_SKIP_REASON_UNDER_DESTINATION_PREFIX:
      return "under-destination-prefix";
    case IMGPROC_SKIP_REASON_EMPTY_NAME:
      return "empty-name";
    case IMGPROC_SKIP_REASON_KEY_TOO_LONG:
      return "key-too-long";
    case IMGPROC_SKIP_REASON_CONTROL_CHARACTER:
      return "control-character";
    case IMGPROC_SKIP_REASON_DOT_SEGMENT:
      return "dot-segment";
    case IMGPROC_SKIP_REASON_LEADING_SLASH:
      return "leading-slash";
    case IMGPROC_SKIP_REASON_RENDITION_KEY_TOO_LONG:
      return "rendition-key-too-long";
    default:
      return "unknown";
    }
}

/**
 * imgproc_skip_reason_describe:
 * @reason: a skip reason
 *
 * Gives a translated sentence that explains @reason to an operator.
 *
 * Returns: (transfer none): the description
 */
const char *
imgproc_skip_reason_describe (ImgprocSkipReason reason)
{
  imgproc_ensure_i18n ();

  switch (reason)
    {
    case IMGPROC_SKIP_REASON_NONE:
      return _("The object is processed.");
    case IMGPROC_SKIP_REASON_TEST_EVENT:
      return _("S3 test event: acknowledged and ignored.");
    case IMGPROC_SKIP_REASON_NOT_CREATED:
      return _("The event does not create an object.");
    case IMGPROC_SKIP_REASON_BUCKET_NOT_ALLOWED:
      return _("The bucket is not in the list of allowed buckets.");
    case IMGPROC_SKIP_REASON_OUTSIDE_SOURCE_PREFIX:
      return _("The key is not under the source prefix.");
    case IMGPROC_SKIP_REASON_UNDER_DESTINATION_PREFIX:
      return _("The key is under the destination prefix: it is a rendition.");
    case IMGPROC_SKIP_REASON_EMPTY_NAME:
      return _("The key has no file name under the source prefix.");
    case IMGPROC_SKIP_REASON_KEY_TOO_LONG:
      return _("The key is longer than 1024 bytes.");
    case IMGPROC_SKIP_REASON_CONTROL_CHARACTER:
      return _("The key contains a control character.");
    case IMGPROC_SKIP_REASON_DOT_SEGMENT:
      return _("The key has a “.” or “..” segment.");
    case IMGPROC_SKIP_REASON_LEADING_SLASH:
      return _("The key starts with “/” under the source prefix.");
    case IMGPROC_SKIP_REASON_RENDITION_KEY_TOO_LONG:
      return _("A rendition key would be longer than 1024 bytes.");
    default:
      return _("Unknown reason.");
    }
}
