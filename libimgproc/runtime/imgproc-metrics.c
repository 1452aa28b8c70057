/* Counters of the pipeline. EMF lines carry what happened since the last
 * flush (CloudWatch sums them); the Prometheus text carries totals since the
 * start (Prometheus computes rates). Records update them from any thread. */
#include "config.h"

#include "imgproc.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* EMF allows at most 100 values per metric in one document. */
#define MAX_VALUES_PER_LINE 100

typedef struct {
  guint64 processed;
  guint64 failures;
  guint64 skipped;
  guint64 bytes_in;
  guint64 bytes_out;
  double duration_sum_ms;
  guint64 duration_count;
} Counters;

struct _ImgprocMetrics
{
  GObject parent_instance;

  char *metrics_namespace;
  char *function_name;

  GMutex lock;
  Counters pending;
  GArray *pending_durations;
  Counters total;
};

G_DEFINE_FINAL_TYPE (ImgprocMetrics, imgproc_metrics, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAMESPACE,
  PROP_FUNCTION_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
imgproc_metrics_finalize (GObject *object)
{
  ImgprocMetrics *self = IMGPROC_METRICS (object);

  g_free (self->metrics_namespace);
  g_free (self->function_name);
  g_array_unref (self->pending_durations);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (imgproc_metrics_parent_class)->finalize (object);
}

static void
imgproc_metrics_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ImgprocMetrics *self = IMGPROC_METRICS (object);

  switch (prop_id)
    {
    case PROP_NAMESPACE:
      g_value_set_string (value, self->metrics_namespace);
      break;
    case PROP_FUNCTION_NAME:
      g_value_set_string (value, self->function_name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
imgproc_metrics_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  ImgprocMetrics *self = IMGPROC_METRICS (object);
  const char *text = g_value_get_string (value);

  switch (prop_id)
    {
    case PROP_NAMESPACE:
      g_free (self->metrics_namespace);
      self->metrics_namespace = g_strdup (text != NULL && *text != '\0' ? text : "imgproc");
      break;
    case PROP_FUNCTION_NAME:
      g_free (self->function_name);
      self->function_name = g_strdup (text != NULL && *text != '\0' ? text : "imgproc-service");
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
imgproc_metrics_class_init (ImgprocMetricsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = imgproc_metrics_finalize;
  object_class->get_property = imgproc_metrics_get_property;
  object_class->set_property = imgproc_metrics_set_property;

  /**
   * ImgprocMetrics:namespace:
   *
   * The CloudWatch namespace of the EMF metrics; "imgproc" when unset.
   */
  properties[PROP_NAMESPACE] =
    g_param_spec_string ("namespace", NULL, NULL,
                         "imgproc",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * ImgprocMetrics:function-name:
   *
   * The value of the `FunctionName` dimension: the Lambda function name, or
   * "imgproc-service" when unset.
   */
  properties[PROP_FUNCTION_NAME] =
    g_param_spec_string ("function-name", NULL, NULL,
                         "imgproc-service",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
imgproc_metrics_init (ImgprocMetrics *self)
{
  g_mutex_init (&self->lock);
  self->pending_durations = g_array_new (FALSE, FALSE, sizeof (double));
}

/**
 * imgproc_metrics_new:
 * @metrics_namespace: (nullable): the CloudWatch namespace, or %NULL for "imgproc"
 * @function_name: (nullable): the `FunctionName` dimension, or %NULL for
 *   "imgproc-service"
 *
 * Makes a set of counters, all zero.
 *
 * Returns: (transfer full): new metrics
 */
ImgprocMetrics *
imgproc_metrics_new (const char *metrics_namespace,
                     const char *function_name)
{
  return g_object_new (IMGPROC_TYPE_METRICS,
                       "namespace", metrics_namespace,
                       "function-name", function_name,
                       NULL);
}

/**
 * imgproc_metrics_get_namespace:
 * @self: metrics
 *
 * Gives [property@Imgproc.Metrics:namespace].
 *
 * Returns: (transfer none): the namespace
 */
const char *
imgproc_metrics_get_namespace (ImgprocMetrics *self)
{
  g_return_val_if_fail (IMGPROC_IS_METRICS (self), NULL);
  return self->metrics_namespace;
}

/**
 * imgproc_metrics_get_function_name:
 * @self: metrics
 *
 * Gives [property@Imgproc.Metrics:function-name].
 *
 * Returns: (transfer none): the function name
 */
const char *
imgproc_metrics_get_function_name (ImgprocMetrics *self)
{
  g_return_val_if_fail (IMGPROC_IS_METRICS (self), NULL);
  return self->function_name;
}

static void
add_duration (ImgprocMetrics *self,
              double          duration_ms)
{
  if (duration_ms < 0)
    return;
  g_array_append_val (self->pending_durations, duration_ms);
  self->pending.duration_sum_ms += duration_ms;
  self->pending.duration_count++;
  self->total.duration_sum_ms += duration_ms;
  self->total.duration_count++;
}

/**
 * imgproc_metrics_add_processed:
 * @self: metrics
 * @duration_ms: how long the record took, in milliseconds; negative to leave
 *   it out
 * @bytes_in: the size of the source object
 * @bytes_out: the total size of the renditions written
 *
 * Counts an image turned into renditions. Safe to call from any thread.
 */
void
imgproc_metrics_add_processed (ImgprocMetrics *self,
                               double          duration_ms,
                               guint64         bytes_in,
                               guint64         bytes_out)
{
  g_return_if_fail (IMGPROC_IS_METRICS (self));

  g_mutex_lock (&self->lock);
  self->pending.processed++;
  self->total.processed++;
  self->pending.bytes_in += bytes_in;
  self->total.bytes_in += bytes_in;
  self->pending.bytes_out += bytes_out;
  self->total.bytes_out += bytes_out;
  add_duration (self, duration_ms);
  g_mutex_unlock (&self->lock);
}

/**
 * imgproc_metrics_add_failure:
 * @self: metrics
 * @duration_ms: how long the record took before failing, in milliseconds;
 *   negative to leave it out
 *
 * Counts a record that failed, transiently or permanently.
 */
void
imgproc_metrics_add_failure (ImgprocMetrics *self,
                             double          duration_ms)
{
  g_return_if_fail (IMGPROC_IS_METRICS (self));

  g_mutex_lock (&self->lock);
  self->pending.failures++;
  self->total.failures++;
  add_duration (self, duration_ms);
  g_mutex_unlock (&self->lock);
}

/**
 * imgproc_metrics_add_skipped:
 * @self: metrics
 *
 * Counts a record the guard skipped (test event, loop guard, outside the
 * source prefix...).
 */
void
imgproc_metrics_add_skipped (ImgprocMetrics *self)
{
  g_return_if_fail (IMGPROC_IS_METRICS (self));

  g_mutex_lock (&self->lock);
  self->pending.skipped++;
  self->total.skipped++;
  g_mutex_unlock (&self->lock);
}

static void
add_metric_definition (JsonBuilder *builder,
                       const char  *name,
                       const char  *unit)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "Name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "Unit");
  json_builder_add_string_value (builder, unit);
  json_builder_end_object (builder);
}

static void
add_dimension_set (JsonBuilder *builder,
                   const char  *dimension)
{
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, dimension);
  json_builder_end_array (builder);
}

static char *
emf_line (ImgprocMetrics *self,
          gint64          timestamp_ms,
          const char     *request_id,
          const Counters *counters,
          const double   *durations,
          guint           n_durations)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  guint i;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "_aws");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "Timestamp");
  json_builder_add_int_value (builder, timestamp_ms);
  json_builder_set_member_name (builder, "CloudWatchMetrics");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "Namespace");
  json_builder_add_string_value (builder, self->metrics_namespace);
  json_builder_set_member_name (builder, "Dimensions");
  json_builder_begin_array (builder);
  add_dimension_set (builder, "FunctionName");
  add_dimension_set (builder, "Service");
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "Metrics");
  json_builder_begin_array (builder);
  add_metric_definition (builder, "ImagesProcessed", "Count");
  add_metric_definition (builder, "Failures", "Count");
  add_metric_definition (builder, "Skipped", "Count");
  add_metric_definition (builder, "BytesIn", "Bytes");
  add_metric_definition (builder, "BytesOut", "Bytes");
  if (n_durations > 0)
    add_metric_definition (builder, "Duration", "Milliseconds");
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "FunctionName");
  json_builder_add_string_value (builder, self->function_name);
  json_builder_set_member_name (builder, "Service");
  json_builder_add_string_value (builder, "imgproc");
  if (request_id != NULL)
    {
      json_builder_set_member_name (builder, "requestId");
      json_builder_add_string_value (builder, request_id);
    }
  json_builder_set_member_name (builder, "ImagesProcessed");
  json_builder_add_int_value (builder, (gint64) counters->processed);
  json_builder_set_member_name (builder, "Failures");
  json_builder_add_int_value (builder, (gint64) counters->failures);
  json_builder_set_member_name (builder, "Skipped");
  json_builder_add_int_value (builder, (gint64) counters->skipped);
  json_builder_set_member_name (builder, "BytesIn");
  json_builder_add_int_value (builder, (gint64) counters->bytes_in);
  json_builder_set_member_name (builder, "BytesOut");
  json_builder_add_int_value (builder, (gint64) counters->bytes_out);
  if (n_durations > 0)
    {
      json_builder_set_member_name (builder, "Duration");
      json_builder_begin_array (builder);
      for (i = 0; i < n_durations; i++)
        json_builder_add_double_value (builder, durations[i]);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/**
 * imgproc_metrics_flush_emf:
 * @self: metrics
 * @timestamp_ms: the `_aws.Timestamp`, in milliseconds since the Unix epoch
 * @request_id: (nullable): a Lambda request id to add as a searchable field
 *
 * Writes what was counted since the last flush in CloudWatch Embedded Metric
 * Format, and starts counting afresh. Each line is one JSON document with a
 * `CloudWatchMetrics` directive in namespace
 * [property@Imgproc.Metrics:namespace], dimension sets `[FunctionName]` and
 * `[Service]`, and the metrics ImagesProcessed, Failures, Skipped (Count),
 * BytesIn, BytesOut (Bytes) and Duration (Milliseconds, one value per
 * record). More than 100 durations take several lines, as EMF allows 100
 * values per metric; the counts go on the first. Print the text to stdout,
 * where Lambda's log agent extracts the metrics.
 *
 * Returns: (transfer full) (nullable): one or more newline-terminated lines,
 *   or %NULL when nothing was counted since the last flush
 */
char *
imgproc_metrics_flush_emf (ImgprocMetrics *self,
                           gint64          timestamp_ms,
                           const char     *request_id)
{
  Counters counters;
  g_autoptr(GArray) durations = NULL;
  GString *out;
  guint offset = 0;

  g_return_val_if_fail (IMGPROC_IS_METRICS (self), NULL);

  g_mutex_lock (&self->lock);
  counters = self->pending;
  durations = self->pending_durations;
  self->pending_durations = g_array_new (FALSE, FALSE, sizeof (double));
  memset (&self->pending, 0, sizeof self->pending);
  g_mutex_unlock (&self->lock);

  if (counters.processed == 0 && counters.failures == 0 && counters.skipped == 0 &&
      durations->len == 0)
    return NULL;

  out = g_string_new (NULL);
  do
    {
      static const Counters zero;
      guint n = MIN (durations->len - offset, MAX_VALUES_PER_LINE);
      g_autofree char *line = emf_line (self, timestamp_ms, request_id,
                                        offset == 0 ? &counters : &zero,
                                        n > 0 ? &g_array_index (durations, double, offset) : NULL, n);

      g_string_append (out, line);
      g_string_append_c (out, '\n');
      offset += n;
    }
  while (offset < durations->len);

  return g_string_free (out, FALSE);
}

static void
append_counter (GString    *out,
                const char *name,
                const char *help,
                guint64     value)
{
  g_string_append_printf (out, "# HELP %s %s\n# TYPE %s counter\n%s %" G_GUINT64_FORMAT "\n",
                          name, help, name, name, value);
}

/**
 * imgproc_metrics_to_prometheus:
 * @self: metrics
 *
 * Writes the totals since the start in the Prometheus text exposition
 * format (version 0.0.4), for the daemon's `/metrics`: the counters
 * `imgproc_images_processed_total`, `imgproc_failures_total`,
 * `imgproc_skipped_total`, `imgproc_bytes_in_total`, `imgproc_bytes_out_total`
 * and the summary `imgproc_duration_milliseconds` (`_sum` and `_count`).
 * Flushing EMF lines does not reset them.
 *
 * Returns: (transfer full): the exposition text
 */
char *
imgproc_metrics_to_prometheus (ImgprocMetrics *self)
{
  Counters total;
  GString *out;
  char sum[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (IMGPROC_IS_METRICS (self), NULL);

  g_mutex_lock (&self->lock);
  total = self->total;
  g_mutex_unlock (&self->lock);

  out = g_string_new (NULL);
  append_counter (out, "imgproc_images_processed_total", "Images turned into renditions.", total.processed);
  append_counter (out, "imgproc_failures_total", "Records that failed, transiently or permanently.", total.failures);
  append_counter (out, "imgproc_skipped_total", "Records the guard skipped.", total.skipped);
  append_counter (out, "imgproc_bytes_in_total", "Bytes of source objects read.", total.bytes_in);
  append_counter (out, "imgproc_bytes_out_total", "Bytes of renditions written.", total.bytes_out);
  g_ascii_dtostr (sum, sizeof sum, total.duration_sum_ms);
  g_string_append_printf (out,
                          "# HELP imgproc_duration_milliseconds Time spent on each record.\n"
                          "# TYPE imgproc_duration_milliseconds summary\n"
                          "imgproc_duration_milliseconds_sum %s\n"
                          "imgproc_duration_milliseconds_count %" G_GUINT64_FORMAT "\n",
                          sum, total.duration_count);
  return g_string_free (out, FALSE);
}
