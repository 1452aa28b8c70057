/* The processor: one object event through the guard, GetObject with a size
 * limit, one decode into every rendition, PutObject at deterministic keys,
 * and a DynamoDB record conditional on the S3 sequencer.
 *
 * The DynamoDB item, keyed by the source key:
 *   source_key (S, partition key)  the decoded object key
 *   bucket (S), etag (S), version_id (S, when versioned)
 *   sequencer (S)    the S3 sequencer, upper-case and left-padded with zeros
 *                    to 32 digits, so that string order is event order
 *   status (S)       "processed", "failed" or "removed"
 *   renditions (L)   of M {key S, width N, height N, bytes N, format S,
 *                    content_type S}
 *   source_bytes (N), fetch_ms (N), resize_ms (N), store_ms (N),
 *   duration_ms (N), attempts (N: the SQS receive count)
 *   error (S), error_code (S)   for failures
 *   event_name (S), event_time (S), updated_at (S, RFC 3339)
 * The write carries `attribute_not_exists(source_key) OR sequencer <= :seq`:
 * an older or duplicate event never overwrites a newer record, and
 * re-processing the same event writes the same item again. */
#include "config.h"

#include <inttypes.h>

#include "imgproc.h"
#include "imgproc-private.h"
#include "imgproc-record-result-private.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define SEQUENCER_DIGITS 32

struct _ImgprocProcessor
{
  GObject parent_instance;

  ImgprocServiceConfig *config;
  ImgprocS3Client *s3;
  ImgprocDynamodbClient *dynamodb;
  ImgprocGuard *guard;
  ImgprocResizer *resizer;
  ImgprocXrayEmitter *emitter;

  guint max_images_in_flight;
  GMutex admission_lock;
  guint images_in_flight;
  /* Ordered by batch, then largest declared size first. */
  GQueue waiting;
  guint batch_depth;
  guint64 batch;
};

G_DEFINE_FINAL_TYPE (ImgprocProcessor, imgproc_processor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONFIG,
  PROP_S3_CLIENT,
  PROP_DYNAMODB_CLIENT,
  PROP_MAX_IMAGES_IN_FLIGHT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct {
  ImgprocObjectEvent *event;
  ImgprocTraceHeader *trace;
  gint64 call_started_us;
  guint attempts;
  char *relative_key;
  const char *bucket;
  gint64 started_us;
  gint64 fetch_us;
  gint64 resize_us;
  gint64 store_us;
  GBytes *source;
  guint64 bytes_in;
  gboolean admitted;
  guint64 batch;
  GPtrArray *renditions;
  GPtrArray *keys;
  guint next_put;
  guint64 bytes_out;
  GError *failure;
  ImgprocOutcome outcome;
  gboolean stale;
  gboolean removal;
} ProcessData;

static void
process_data_free (ProcessData *data)
{
  g_clear_pointer (&data->event, imgproc_object_event_unref);
  g_clear_pointer (&data->trace, imgproc_trace_header_unref);
  g_free (data->relative_key);
  g_clear_pointer (&data->source, g_bytes_unref);
  g_clear_pointer (&data->renditions, g_ptr_array_unref);
  g_clear_pointer (&data->keys, g_ptr_array_unref);
  g_clear_error (&data->failure);
  g_free (data);
}

static void
imgproc_processor_constructed (GObject *object)
{
  ImgprocProcessor *self = IMGPROC_PROCESSOR (object);
  const guint *widths;
  guint n_widths = 0;
  g_autoptr(GVariant) widths_variant = NULL;

  G_OBJECT_CLASS (imgproc_processor_parent_class)->constructed (object);

  if (self->max_images_in_flight == 0)
    self->max_images_in_flight = g_get_num_processors () + 1;

  self->guard = g_object_new (IMGPROC_TYPE_GUARD,
                              "source-prefix", imgproc_service_config_get_source_prefix (self->config),
                              "destination-prefix", imgproc_service_config_get_destination_prefix (self->config),
                              "allowed-buckets", imgproc_service_config_get_allowed_buckets (self->config),
                              "accept-removals",
                              imgproc_service_config_get_delete_renditions_on_remove (self->config),
                              NULL);

  widths = imgproc_service_config_get_widths (self->config, &n_widths);
  widths_variant = g_variant_ref_sink (g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, widths,
                                                                  n_widths, sizeof (guint32)));
  self->resizer = g_object_new (IMGPROC_TYPE_RESIZER,
                                "widths", widths_variant,
                                "max-height", imgproc_service_config_get_max_height (self->config),
                                "output-format", imgproc_service_config_get_output_format (self->config),
                                "quality", imgproc_service_config_get_quality (self->config),
                                "strip-metadata", imgproc_service_config_get_strip_metadata (self->config),
                                "max-bytes", imgproc_service_config_get_max_object_bytes (self->config),
                                "max-pixels", imgproc_service_config_get_max_pixels (self->config),
                                "decode-memory-budget",
                                imgproc_service_config_get_decode_memory (self->config) * 1024 * 1024,
                                NULL);
}

static void
imgproc_processor_finalize (GObject *object)
{
  ImgprocProcessor *self = IMGPROC_PROCESSOR (object);

  g_clear_object (&self->config);
  g_clear_object (&self->s3);
  g_clear_object (&self->dynamodb);
  g_clear_object (&self->guard);
  g_clear_object (&self->resizer);
  g_clear_object (&self->emitter);
  g_mutex_clear (&self->admission_lock);

  G_OBJECT_CLASS (imgproc_processor_parent_class)->finalize (object);
}

static void
imgproc_processor_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ImgprocProcessor *self = IMGPROC_PROCESSOR (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      g_value_set_object (value, self->config);
      break;
    case PROP_S3_CLIENT:
      g_value_set_object (value, self->s3);
      break;
    case PROP_DYNAMODB_CLIENT:
      g_value_set_object (value, self->dynamodb);
      break;
    case PROP_MAX_IMAGES_IN_FLIGHT:
      g_value_set_uint (value, self->max_images_in_flight);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
imgproc_processor_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ImgprocProcessor *self = IMGPROC_PROCESSOR (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      self->config = g_value_dup_object (value);
      break;
    case PROP_S3_CLIENT:
      self->s3 = g_value_dup_object (value);
      break;
    case PROP_DYNAMODB_CLIENT:
      self->dynamodb = g_value_dup_object (value);
      break;
    case PROP_MAX_IMAGES_IN_FLIGHT:
      self->max_images_in_flight = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
imgproc_processor_class_init (ImgprocProcessorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = imgproc_processor_constructed;
  object_class->finalize = imgproc_processor_finalize;
  object_class->get_property = imgproc_processor_get_property;
  object_class->set_property = imgproc_processor_set_property;

  /**
   * ImgprocProcessor:config:
   *
   * The validated service configuration: prefixes, renditions, limits,
   * table, KMS key and Cache-Control.
   */
  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL,
                         IMGPROC_TYPE_SERVICE_CONFIG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * ImgprocProcessor:s3-client:
   *
   * The S3 client that reads sources and writes renditions.
   */
  properties[PROP_S3_CLIENT] =
    g_param_spec_object ("s3-client", NULL, NULL,
                         IMGPROC_TYPE_S3_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * ImgprocProcessor:dynamodb-client:
   *
   * The DynamoDB client that records outcomes, or %NULL when no table is
   * configured.
   */
  properties[PROP_DYNAMODB_CLIENT] =
    g_param_spec_object ("dynamodb-client", NULL, NULL,
                         IMGPROC_TYPE_DYNAMODB_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * ImgprocProcessor:max-images-in-flight:
   *
   * How many events may hold a downloaded source or its decode at once.
   * Further events wait for a turn before their GetObject, so memory stays
   * bounded by this many sources and decodes, however many events are
   * processed concurrently. 0, the default, means one more than the number
   * of processors: decodes are bound to the processors anyway, and the one
   * more overlaps a download with them. Reading the property gives the
   * value in force.
   */
  properties[PROP_MAX_IMAGES_IN_FLIGHT] =
    g_param_spec_uint ("max-images-in-flight", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
imgproc_processor_init (ImgprocProcessor *self)
{
  imgproc_ensure_i18n ();
  g_mutex_init (&self->admission_lock);
  g_queue_init (&self->waiting);
}

/**
 * imgproc_processor_new:
 * @config: a validated service configuration
 * @s3: an S3 client
 * @dynamodb: (nullable): a DynamoDB client, or %NULL to record nothing
 *
 * Makes a processor. It builds its guard and resizer from @config once, and
 * may then process any number of events concurrently.
 *
 * Returns: (transfer full): a new processor
 */
ImgprocProcessor *
imgproc_processor_new (ImgprocServiceConfig  *config,
                       ImgprocS3Client       *s3,
                       ImgprocDynamodbClient *dynamodb)
{
  g_return_val_if_fail (IMGPROC_IS_SERVICE_CONFIG (config), NULL);
  g_return_val_if_fail (IMGPROC_IS_S3_CLIENT (s3), NULL);
  g_return_val_if_fail (dynamodb == NULL || IMGPROC_IS_DYNAMODB_CLIENT (dynamodb), NULL);

  return g_object_new (IMGPROC_TYPE_PROCESSOR,
                       "config", config,
                       "s3-client", s3,
                       "dynamodb-client", dynamodb,
                       NULL);
}

/**
 * imgproc_processor_set_xray_emitter:
 * @self: a processor
 * @emitter: (nullable): an X-Ray emitter, or %NULL to stop tracing
 *
 * Makes the processor send an X-Ray subsegment for each S3 and DynamoDB
 * call of a record whose trace is sampled. Set it before processing starts.
 */
void
imgproc_processor_set_xray_emitter (ImgprocProcessor   *self,
                                    ImgprocXrayEmitter *emitter)
{
  g_return_if_fail (IMGPROC_IS_PROCESSOR (self));
  g_return_if_fail (emitter == NULL || IMGPROC_IS_XRAY_EMITTER (emitter));

  g_set_object (&self->emitter, emitter);
}

/* A subsegment for the call that started at data->call_started_us; a lost
 * datagram is not worth a failure. */
static void
trace_call (ImgprocProcessor *self,
            ProcessData      *data,
            const char       *service,
            const char       *operation,
            const GError     *error)
{
  ImgprocAwsErrorDetails *details;
  guint status = 200;
  double end = (double) g_get_real_time () / G_USEC_PER_SEC;

  if (self->emitter == NULL || data->trace == NULL ||
      imgproc_trace_header_get_sampling (data->trace) != IMGPROC_TRACE_SAMPLING_SAMPLED)
    return;
  if (error != NULL)
    {
      details = error->domain == IMGPROC_AWS_ERROR ? imgproc_aws_error_get_details (error) : NULL;
      status = details != NULL ? imgproc_aws_error_details_get_status (details) : 0;
    }
  imgproc_xray_emitter_send_subsegment (self->emitter, data->trace, service, operation,
                                        (double) data->call_started_us / G_USEC_PER_SEC, end, status, NULL);
}

static void
start_call (ProcessData *data)
{
  data->call_started_us = g_get_real_time ();
}

/* What retrying cannot change is permanent; everything else may pass. */
static ImgprocOutcome
classify (const GError *error)
{
  if (error->domain == IMGPROC_IMAGE_ERROR)
    return IMGPROC_OUTCOME_PERMANENT_FAILURE;
  if (error->domain == IMGPROC_AWS_ERROR &&
      (error->code == IMGPROC_AWS_ERROR_TOO_LARGE || error->code == IMGPROC_AWS_ERROR_NOT_FOUND))
    return IMGPROC_OUTCOME_PERMANENT_FAILURE;
  return IMGPROC_OUTCOME_TRANSIENT_FAILURE;
}

static double
elapsed_ms (gint64 from_us,
            gint64 to_us)
{
  return to_us > from_us ? (double) (to_us - from_us) / 1000.0 : 0.0;
}

static void
return_result (GTask *task)
{
  ProcessData *data = g_task_get_task_data (task);
  ImgprocRecordResult *result;

  result = imgproc_record_result_new (data->outcome, IMGPROC_SKIP_REASON_NONE, data->failure,
                                      data->keys, data->stale, data->bytes_in, data->bytes_out,
                                      elapsed_ms (data->started_us, g_get_monotonic_time ()));
  g_task_return_pointer (task, result, (GDestroyNotify) imgproc_record_result_unref);
}

static char *
padded_sequencer (const char *sequencer)
{
  g_autofree char *upper = g_ascii_strup (sequencer != NULL ? sequencer : "", -1);
  gsize len = strlen (upper);

  if (len >= SEQUENCER_DIGITS)
    return g_steal_pointer (&upper);
  return g_strdup_printf ("%0*d%s", (int) (SEQUENCER_DIGITS - len), 0, upper);
}

static void
set_string (JsonObject *item,
            const char *name,
            const char *value)
{
  if (value != NULL)
    json_object_set_member (item, name, imgproc_dynamodb_attribute_new_string (value));
}

static void
set_number (JsonObject *item,
            const char *name,
            double      value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (text, sizeof text, "%.3f", value);
  json_object_set_member (item, name, imgproc_dynamodb_attribute_new_number (text));
}

static JsonObject *
build_item (ProcessData *data)
{
  JsonObject *item = json_object_new ();
  g_autofree char *sequencer = padded_sequencer (imgproc_object_event_get_sequencer (data->event));
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *updated_at = g_date_time_format_iso8601 (now);
  JsonArray *renditions = json_array_new ();
  guint i;

  set_string (item, "source_key", imgproc_object_event_get_key (data->event));
  set_string (item, "bucket", data->bucket);
  set_string (item, "etag", imgproc_object_event_get_etag (data->event));
  set_string (item, "version_id", imgproc_object_event_get_version_id (data->event));
  set_string (item, "sequencer", sequencer);
  set_string (item, "status", data->failure != NULL ? "failed" : (data->removal ? "removed" : "processed"));
  set_string (item, "event_name", imgproc_object_event_get_event_name (data->event));
  set_string (item, "event_time", imgproc_object_event_get_event_time (data->event));
  set_string (item, "updated_at", updated_at);
  json_object_set_member (item, "attempts", imgproc_dynamodb_attribute_new_int (data->attempts));
  json_object_set_member (item, "source_bytes",
                          imgproc_dynamodb_attribute_new_int ((gint64) data->bytes_in));
  set_number (item, "fetch_ms", elapsed_ms (data->started_us, data->fetch_us));
  set_number (item, "resize_ms", elapsed_ms (data->fetch_us, data->resize_us));
  set_number (item, "store_ms", elapsed_ms (data->resize_us, data->store_us));
  set_number (item, "duration_ms", elapsed_ms (data->started_us, g_get_monotonic_time ()));

  for (i = 0; data->failure == NULL && data->renditions != NULL && i < data->renditions->len; i++)
    {
      ImgprocRendition *rendition = g_ptr_array_index (data->renditions, i);
      JsonObject *entry = json_object_new ();

      set_string (entry, "key", g_ptr_array_index (data->keys, i));
      json_object_set_member (entry, "width", imgproc_dynamodb_attribute_new_int (imgproc_rendition_get_width (rendition)));
      json_object_set_member (entry, "height", imgproc_dynamodb_attribute_new_int (imgproc_rendition_get_height (rendition)));
      json_object_set_member (entry, "bytes", imgproc_dynamodb_attribute_new_int ((gint64) imgproc_rendition_get_byte_size (rendition)));
      set_string (entry, "content_type", imgproc_rendition_get_mime_type (rendition));
      set_string (entry, "format", imgproc_image_format_get_extension (imgproc_rendition_get_format (rendition)));
      json_array_add_element (renditions, imgproc_dynamodb_attribute_new_map (entry));
      json_object_unref (entry);
    }
  json_object_set_member (item, "renditions", imgproc_dynamodb_attribute_new_list (renditions));
  json_array_unref (renditions);

  if (data->failure != NULL)
    {
      set_string (item, "error", data->failure->message);
      set_string (item, "error_code", data->outcome == IMGPROC_OUTCOME_PERMANENT_FAILURE ? "permanent" : "transient");
    }
  return item;
}

static void
record_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ProcessData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = imgproc_dynamodb_client_put_item_finish (IMGPROC_DYNAMODB_CLIENT (source),
                                                                         result, &error);

  trace_call (g_task_get_source_object (task), data, "DynamoDB", "PutItem", error);

  /* With ReturnValues NONE, success may give no object at all. */
  if (error != NULL)
    {
      if (g_error_matches (error, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_CONDITIONAL_CHECK_FAILED))
        data->stale = TRUE;
      else if (data->failure == NULL)
        {
          /* Renditions stored but not recorded: retry the whole record. */
          data->outcome = IMGPROC_OUTCOME_TRANSIENT_FAILURE;
          data->failure = g_steal_pointer (&error);
        }
    }
  return_result (task);
}

static void
record (GTask *task)
{
  ImgprocProcessor *self = g_task_get_source_object (task);
  ProcessData *data = g_task_get_task_data (task);
  const char *table = imgproc_service_config_get_table (self->config);
  g_autoptr(JsonObject) item = NULL;
  g_autoptr(JsonObject) names = NULL;
  g_autoptr(JsonObject) values = NULL;
  g_autofree char *sequencer = NULL;

  /* A transient failure is retried, so it leaves the record alone. */
  if (self->dynamodb == NULL || *table == '\0' ||
      data->outcome == IMGPROC_OUTCOME_TRANSIENT_FAILURE)
    {
      return_result (task);
      return;
    }

  item = build_item (data);
  names = json_object_new ();
  json_object_set_string_member (names, "#key", "source_key");
  json_object_set_string_member (names, "#seq", "sequencer");
  values = json_object_new ();
  sequencer = padded_sequencer (imgproc_object_event_get_sequencer (data->event));
  json_object_set_member (values, ":seq", imgproc_dynamodb_attribute_new_string (sequencer));

  start_call (data);
  imgproc_dynamodb_client_put_item_async (self->dynamodb, table, item,
                                          "attribute_not_exists(#key) OR #seq <= :seq",
                                          names, values, IMGPROC_DYNAMODB_RETURN_VALUES_NONE,
                                          g_task_get_cancellable (task), record_done,
                                          g_object_ref (task));
}

static void
fail (GTask  *task,
      GError *error)
{
  ProcessData *data = g_task_get_task_data (task);

  data->outcome = classify (error);
  data->failure = error;
  record (task);
}

static void put_next (GTask *task);

static void
put_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ProcessData *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autofree char *etag = imgproc_s3_client_put_object_finish (IMGPROC_S3_CLIENT (source), result, &error);

  trace_call (g_task_get_source_object (task), data, "S3", "PutObject", error);

  if (error != NULL)
    {
      fail (task, error);
      return;
    }
  data->bytes_out += imgproc_rendition_get_byte_size (g_ptr_array_index (data->renditions, data->next_put));
  data->next_put++;
  put_next (task);
}

static void
put_next (GTask *task)
{
  ImgprocProcessor *self = g_task_get_source_object (task);
  ProcessData *data = g_task_get_task_data (task);
  ImgprocRendition *rendition;
  g_autoptr(ImgprocS3PutOptions) options = NULL;
  g_autofree char *source_key = NULL;
  const char *kms_key_id, *etag, *sequencer;

  if (data->next_put >= data->renditions->len)
    {
      data->store_us = g_get_monotonic_time ();
      data->outcome = IMGPROC_OUTCOME_SUCCESS;
      record (task);
      return;
    }

  rendition = g_ptr_array_index (data->renditions, data->next_put);
  options = imgproc_s3_put_options_new ();
  imgproc_s3_put_options_set_cache_control (options, imgproc_service_config_get_cache_control (self->config));
  /* Metadata travels in HTTP headers, which only carry ASCII. */
  source_key = g_uri_escape_string (imgproc_object_event_get_key (data->event), "/", FALSE);
  imgproc_s3_put_options_add_metadata (options, "source-key", source_key);
  etag = imgproc_object_event_get_etag (data->event);
  if (etag != NULL)
    imgproc_s3_put_options_add_metadata (options, "source-etag", etag);
  sequencer = imgproc_object_event_get_sequencer (data->event);
  if (sequencer != NULL)
    imgproc_s3_put_options_add_metadata (options, "source-sequencer", sequencer);
  kms_key_id = imgproc_service_config_get_kms_key_id (self->config);
  if (*kms_key_id != '\0')
    imgproc_s3_put_options_set_sse_kms (options, TRUE, kms_key_id);

  start_call (data);
  imgproc_s3_client_put_object_async (self->s3, data->bucket, g_ptr_array_index (data->keys, data->next_put),
                                      imgproc_rendition_get_bytes (rendition),
                                      imgproc_rendition_get_mime_type (rendition), options,
                                      g_task_get_cancellable (task), put_done, g_object_ref (task));
}

static void fetch_done (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data);

static void
fetch (GTask *task)
{
  ImgprocProcessor *self = g_task_get_source_object (task);
  ProcessData *data = g_task_get_task_data (task);

  start_call (data);
  imgproc_s3_client_get_object_async (self->s3, imgproc_object_event_get_bucket (data->event),
                                      imgproc_object_event_get_key (data->event),
                                      imgproc_service_config_get_max_object_bytes (self->config),
                                      g_task_get_cancellable (task), fetch_done, task);
}

/* Whether @a_size is admitted before @b_size within one batch. Makespan on
 * a few processors is shortest when the longest job starts first, and the
 * declared size is the only cost known before the GetObject. An event
 * without a size (hand-made messages; S3 and EventBridge notifications
 * always carry it) goes after the sized ones rather than ahead of them on
 * a guess, in the order it came. */
static gboolean
admitted_before (gint64 a_size,
                 gint64 b_size)
{
  if (a_size < 0)
    return FALSE;
  return b_size < 0 || a_size > b_size;
}

/* Called with the admission lock held. Batches keep their order, so an
 * event never waits behind larger ones of a later batch. */
static void
wait_for_turn (ImgprocProcessor *self,
               GTask            *task)
{
  ProcessData *data = g_task_get_task_data (task);
  gint64 size = imgproc_object_event_get_size (data->event);
  GList *link;

  for (link = self->waiting.tail; link != NULL; link = link->prev)
    {
      ProcessData *other = g_task_get_task_data (link->data);

      if (other->batch != data->batch ||
          !admitted_before (size, imgproc_object_event_get_size (other->event)))
        break;
    }
  if (link == NULL)
    g_queue_push_head (&self->waiting, task);
  else
    g_queue_insert_after (&self->waiting, link, task);
}

/* Called with the admission lock held: the events of a batch still being
 * dispatched wait for its end, so that the largest of them goes first. */
static GTask *
next_admissible (ImgprocProcessor *self)
{
  GTask *next = g_queue_peek_head (&self->waiting);

  if (next == NULL ||
      (self->batch_depth > 0 && ((ProcessData *) g_task_get_task_data (next))->batch == self->batch))
    return NULL;
  return g_queue_pop_head (&self->waiting);
}

static gboolean
fetch_in_context (gpointer task)
{
  fetch (task);
  return G_SOURCE_REMOVE;
}

/* Runs the turn of @task in its own main context: events of one processor
 * may come from several threads. */
static void
admit (GTask *task)
{
  ((ProcessData *) g_task_get_task_data (task))->admitted = TRUE;
  g_main_context_invoke (g_task_get_context (task), fetch_in_context, task);
}

/* Takes the task's reference. */
static void
enter (GTask *task)
{
  ImgprocProcessor *self = g_task_get_source_object (task);
  ProcessData *data = g_task_get_task_data (task);
  gboolean admitted;

  g_mutex_lock (&self->admission_lock);
  /* Outside a batch, each event is a batch of its own. */
  if (self->batch_depth == 0)
    self->batch++;
  data->batch = self->batch;
  admitted = self->batch_depth == 0 && g_queue_is_empty (&self->waiting) &&
             self->images_in_flight < self->max_images_in_flight;
  if (admitted)
    self->images_in_flight++;
  else
    wait_for_turn (self, task);
  g_mutex_unlock (&self->admission_lock);

  if (admitted)
    {
      data->admitted = TRUE;
      fetch (task);
    }
}

/* Passes the turn to the first waiting event. */
static void
leave (GTask *task)
{
  ImgprocProcessor *self = g_task_get_source_object (task);
  ProcessData *data = g_task_get_task_data (task);
  GTask *next;

  g_return_if_fail (data->admitted);
  data->admitted = FALSE;

  g_mutex_lock (&self->admission_lock);
  next = next_admissible (self);
  if (next == NULL)
    self->images_in_flight--;
  g_mutex_unlock (&self->admission_lock);

  if (next != NULL)
    admit (next);
}

/**
 * imgproc_processor_begin_batch:
 * @self: a processor
 *
 * Starts a batch: the events passed to
 * [method@Imgproc.Processor.process_async] until
 * [method@Imgproc.Processor.end_batch] wait for it, and are then admitted
 * to their GetObject largest first, by the size their event declares;
 * events without a size follow, in the order they came. A batch goes after
 * the events already waiting and ahead of any that come later. Calls nest,
 * and batches begun from several threads at once merge into one.
 */
void
imgproc_processor_begin_batch (ImgprocProcessor *self)
{
  g_return_if_fail (IMGPROC_IS_PROCESSOR (self));

  g_mutex_lock (&self->admission_lock);
  if (self->batch_depth++ == 0)
    self->batch++;
  g_mutex_unlock (&self->admission_lock);
}

/**
 * imgproc_processor_end_batch:
 * @self: a processor
 *
 * Ends the batch begun by [method@Imgproc.Processor.begin_batch] and starts
 * as many of its events as
 * [property@Imgproc.Processor:max-images-in-flight] allows.
 */
void
imgproc_processor_end_batch (ImgprocProcessor *self)
{
  g_autoptr(GPtrArray) ready = g_ptr_array_new ();
  GTask *next;
  guint i;

  g_return_if_fail (IMGPROC_IS_PROCESSOR (self));

  g_mutex_lock (&self->admission_lock);
  if (self->batch_depth == 0)
    {
      g_mutex_unlock (&self->admission_lock);
      g_critical ("%s: no batch was begun", G_STRFUNC);
      return;
    }
  self->batch_depth--;
  while (self->images_in_flight < self->max_images_in_flight && (next = next_admissible (self)) != NULL)
    {
      self->images_in_flight++;
      g_ptr_array_add (ready, next);
    }
  g_mutex_unlock (&self->admission_lock);

  for (i = 0; i < ready->len; i++)
    admit (g_ptr_array_index (ready, i));
}

static void
resize_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ImgprocProcessor *self = g_task_get_source_object (task);
  ProcessData *data = g_task_get_task_data (task);
  GError *error = NULL;
  guint i;

  data->renditions = imgproc_resizer_process_finish (IMGPROC_RESIZER (source), result, &error);
  data->resize_us = g_get_monotonic_time ();
  g_clear_pointer (&data->source, g_bytes_unref);
  leave (task);
  if (data->renditions == NULL)
    {
      fail (task, error);
      return;
    }

  data->keys = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i < data->renditions->len; i++)
    {
      ImgprocRendition *rendition = g_ptr_array_index (data->renditions, i);

      g_ptr_array_add (data->keys,
                       imgproc_guard_rendition_key (self->guard, data->relative_key,
                                                    imgproc_rendition_get_target_width (rendition),
                                                    imgproc_rendition_get_format (rendition)));
    }
  put_next (task);
}

static void
fetch_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ImgprocProcessor *self = g_task_get_source_object (task);
  ProcessData *data = g_task_get_task_data (task);
  g_autoptr(ImgprocS3ObjectInfo) info = NULL;
  GError *error = NULL;

  data->source = imgproc_s3_client_get_object_finish (IMGPROC_S3_CLIENT (source), result, &info, &error);
  trace_call (self, data, "S3", "GetObject", error);
  data->fetch_us = g_get_monotonic_time ();
  if (data->source == NULL)
    {
      leave (task);
      fail (task, error);
      return;
    }
  data->bytes_in = g_bytes_get_size (data->source);
  imgproc_resizer_process_async (self->resizer, data->source, g_task_get_cancellable (task),
                                 resize_done, g_object_ref (task));
}

/* The formats a rendition of @relative_key may have: with a fixed output
 * format, that one; otherwise the resizer's rule for "same". */
static GArray *
rendition_formats (ImgprocProcessor *self,
                   const char       *relative_key)
{
  GArray *formats = g_array_new (FALSE, FALSE, sizeof (ImgprocImageFormat));
  const char *dot = strrchr (relative_key, '.');
  g_autofree char *extension = g_ascii_strdown (dot != NULL ? dot + 1 : "", -1);
  ImgprocImageFormat format;

  switch (imgproc_service_config_get_output_format (self->config))
    {
    case IMGPROC_OUTPUT_FORMAT_JPEG:
      format = IMGPROC_IMAGE_FORMAT_JPEG;
      g_array_append_val (formats, format);
      return formats;
    case IMGPROC_OUTPUT_FORMAT_PNG:
      format = IMGPROC_IMAGE_FORMAT_PNG;
      g_array_append_val (formats, format);
      return formats;
    case IMGPROC_OUTPUT_FORMAT_WEBP:
      format = IMGPROC_IMAGE_FORMAT_WEBP;
      g_array_append_val (formats, format);
      return formats;
    case IMGPROC_OUTPUT_FORMAT_SAME:
    default:
      break;
    }

  if (g_str_equal (extension, "jpg") || g_str_equal (extension, "jpeg"))
    format = IMGPROC_IMAGE_FORMAT_JPEG;
  else if (g_str_equal (extension, "png"))
    format = IMGPROC_IMAGE_FORMAT_PNG;
  else if (g_str_equal (extension, "webp"))
    format = IMGPROC_IMAGE_FORMAT_WEBP;
  else
    {
      /* GIF, TIFF, BMP and unknown names: JPEG or PNG, by alpha. */
      format = IMGPROC_IMAGE_FORMAT_JPEG;
      g_array_append_val (formats, format);
      format = IMGPROC_IMAGE_FORMAT_PNG;
      g_array_append_val (formats, format);
      if (!g_str_equal (extension, "gif") && !g_str_equal (extension, "tif") &&
          !g_str_equal (extension, "tiff") && !g_str_equal (extension, "bmp"))
        {
          format = IMGPROC_IMAGE_FORMAT_WEBP;
          g_array_append_val (formats, format);
        }
      return formats;
    }
  g_array_append_val (formats, format);
  return formats;
}

static void delete_next (GTask *task);

static void
delete_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ProcessData *data = g_task_get_task_data (task);
  GError *error = NULL;

  gboolean deleted = imgproc_s3_client_delete_object_finish (IMGPROC_S3_CLIENT (source), result, &error);

  trace_call (g_task_get_source_object (task), data, "S3", "DeleteObject", error);
  if (!deleted &&
      !g_error_matches (error, IMGPROC_AWS_ERROR, IMGPROC_AWS_ERROR_NOT_FOUND))
    {
      fail (task, error);
      return;
    }
  g_clear_error (&error);
  data->next_put++;
  delete_next (task);
}

static void
delete_next (GTask *task)
{
  ImgprocProcessor *self = g_task_get_source_object (task);
  ProcessData *data = g_task_get_task_data (task);

  if (data->next_put >= data->keys->len)
    {
      data->store_us = g_get_monotonic_time ();
      data->outcome = IMGPROC_OUTCOME_SUCCESS;
      record (task);
      return;
    }
  start_call (data);
  imgproc_s3_client_delete_object_async (self->s3, data->bucket, g_ptr_array_index (data->keys, data->next_put),
                                         g_task_get_cancellable (task), delete_done, g_object_ref (task));
}

/* A removed source: delete every rendition key it may have had. S3 answers
 * a delete of a missing key with success, so guessing is harmless. */
static void
remove_renditions (GTask *task)
{
  ImgprocProcessor *self = g_task_get_source_object (task);
  ProcessData *data = g_task_get_task_data (task);
  g_autoptr(GArray) formats = rendition_formats (self, data->relative_key);
  const guint *widths;
  guint n_widths = 0, i, j;

  data->removal = TRUE;
  data->fetch_us = data->resize_us = g_get_monotonic_time ();
  data->keys = g_ptr_array_new_with_free_func (g_free);
  widths = imgproc_service_config_get_widths (self->config, &n_widths);
  for (i = 0; i < n_widths; i++)
    for (j = 0; j < formats->len; j++)
      g_ptr_array_add (data->keys,
                       imgproc_guard_rendition_key (self->guard, data->relative_key, widths[i],
                                                    g_array_index (formats, ImgprocImageFormat, j)));
  delete_next (task);
}

/**
 * imgproc_processor_process_async:
 * @self: a processor
 * @event: an object event
 * @attempts: how many times the message was delivered (its SQS receive
 *   count), recorded with the outcome
 * @trace: (nullable): the X-Ray trace of the work, such as the Lambda
 *   invocation's; with an emitter set and a sampled trace, each S3 and
 *   DynamoDB call becomes a subsegment
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the result
 * @user_data: data for @callback
 *
 * Processes one object event: the guard (a skipped event ends here); GetObject
 * within `max-object-bytes` (an event announcing a larger object fails
 * before any download); one decode into every rendition; PutObject of each
 * at `<destination-prefix><width>/<relative key>.<ext>` with Content-Type,
 * Cache-Control, `x-amz-meta-source-key` (the key percent-encoded, as headers
 * carry only ASCII), `-source-etag`, `-source-sequencer`
 * and SSE-KMS when a key is configured; then the DynamoDB record described at
 * the top of imgproc-processor.c. When `delete-renditions-on-remove` is set, a
 * removal deletes every rendition key the source may have had and records
 * the status "removed"; otherwise the guard skips removals. Renditions go to the configured bucket, or
 * the event's when none is.
 *
 * At most [property@Imgproc.Processor:max-images-in-flight] events hold a
 * source or its decode at once; the others wait their turn before their
 * GetObject: oldest first, except that the events of a batch (see
 * [method@Imgproc.Processor.begin_batch]) go largest first. Cancelling @cancellable ends the event as a
 * transient failure (the error is %G_IO_ERROR_CANCELLED), with a result
 * like any other; an event waiting for its turn notices the cancellation
 * when its turn comes.
 */
void
imgproc_processor_process_async (ImgprocProcessor         *self,
                                 ImgprocObjectEvent       *event,
                                 guint                     attempts,
                                 ImgprocTraceHeader       *trace,
                                 GCancellable             *cancellable,
                                 GAsyncReadyCallback       callback,
                                 gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  ProcessData *data;
  ImgprocSkipReason reason;
  const char *bucket;
  gint64 size;

  g_return_if_fail (IMGPROC_IS_PROCESSOR (self));
  g_return_if_fail (event != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, imgproc_processor_process_async);
  /* Cancelling is a transient failure like any other, with its own result. */
  g_task_set_check_cancellable (task, FALSE);
  data = g_new0 (ProcessData, 1);
  data->event = imgproc_object_event_ref (event);
  data->trace = trace != NULL ? imgproc_trace_header_ref (trace) : NULL;
  data->attempts = attempts;
  data->started_us = g_get_monotonic_time ();
  data->outcome = IMGPROC_OUTCOME_TRANSIENT_FAILURE;
  g_task_set_task_data (task, data, (GDestroyNotify) process_data_free);

  reason = imgproc_guard_check (self->guard, event, &data->relative_key);
  if (reason != IMGPROC_SKIP_REASON_NONE)
    {
      g_task_return_pointer (task,
                             imgproc_record_result_new (IMGPROC_OUTCOME_SKIPPED, reason, NULL, NULL,
                                                        FALSE, 0, 0,
                                                        elapsed_ms (data->started_us, g_get_monotonic_time ())),
                             (GDestroyNotify) imgproc_record_result_unref);
      return;
    }

  bucket = imgproc_service_config_get_bucket (self->config);
  data->bucket = *bucket != '\0' ? bucket : imgproc_object_event_get_bucket (event);

  if (imgproc_object_event_get_kind (event) == IMGPROC_OBJECT_EVENT_KIND_REMOVED)
    {
      remove_renditions (task);
      return;
    }

  size = imgproc_object_event_get_size (event);
  if (size >= 0 && (guint64) size > imgproc_service_config_get_max_object_bytes (self->config))
    {
      fail (task,
            g_error_new (IMGPROC_IMAGE_ERROR, IMGPROC_IMAGE_ERROR_TOO_LARGE,
                         _("The object is %" PRId64 " bytes, more than max-object-bytes (%" PRIu64 ")"),
                         size, imgproc_service_config_get_max_object_bytes (self->config)));
      return;
    }

  enter (g_steal_pointer (&task));
}

/**
 * imgproc_processor_process_finish:
 * @self: a processor
 * @result: the result given to the callback
 *
 * Finishes [method@Imgproc.Processor.process_async]. Failures are outcomes,
 * not errors: read them from the result. A cancelled event gives a
 * transient failure too.
 *
 * Returns: (transfer full): the record result
 */
ImgprocRecordResult *
imgproc_processor_process_finish (ImgprocProcessor *self,
                                  GAsyncResult     *result)
{
  g_return_val_if_fail (IMGPROC_IS_PROCESSOR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), NULL);
}
