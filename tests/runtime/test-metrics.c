/* Tests of ImgprocMetrics: EMF documents and the Prometheus exposition. */
#include "config.h"

#include "imgproc.h"

#include <json-glib/json-glib.h>
#include <string.h>

static JsonObject *
parse_line (JsonParser *parser,
            const char *line)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, line, -1, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_emf (void)
{
  g_autoptr(ImgprocMetrics) metrics = imgproc_metrics_new ("Images", "resize-fn");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  JsonObject *object, *aws, *directive;
  JsonArray *dimensions, *definitions, *durations;
  guint i;
  gboolean has_duration = FALSE;

  g_assert_cmpstr (imgproc_metrics_get_namespace (metrics), ==, "Images");
  g_assert_cmpstr (imgproc_metrics_get_function_name (metrics), ==, "resize-fn");

  imgproc_metrics_add_processed (metrics, 120.5, 4000, 1500);
  imgproc_metrics_add_processed (metrics, 80.0, 6000, 2500);
  imgproc_metrics_add_failure (metrics, 10.0);
  imgproc_metrics_add_skipped (metrics);
  imgproc_metrics_add_skipped (metrics);

  text = imgproc_metrics_flush_emf (metrics, 1704110400000, "req-1");
  g_assert_nonnull (text);
  g_assert_true (g_str_has_suffix (text, "}\n"));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_cmpstr (lines[1], ==, "");

  object = parse_line (parser, lines[0]);
  aws = json_object_get_object_member (object, "_aws");
  g_assert_cmpint (json_object_get_int_member (aws, "Timestamp"), ==, 1704110400000);
  directive = json_array_get_object_element (json_object_get_array_member (aws, "CloudWatchMetrics"), 0);
  g_assert_cmpstr (json_object_get_string_member (directive, "Namespace"), ==, "Images");
  dimensions = json_object_get_array_member (directive, "Dimensions");
  g_assert_cmpuint (json_array_get_length (dimensions), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (json_array_get_array_element (dimensions, 0), 0), ==, "FunctionName");
  g_assert_cmpstr (json_array_get_string_element (json_array_get_array_element (dimensions, 1), 0), ==, "Service");

  /* Every metric the directive names is a root member. */
  definitions = json_object_get_array_member (directive, "Metrics");
  for (i = 0; i < json_array_get_length (definitions); i++)
    {
      JsonObject *definition = json_array_get_object_element (definitions, i);
      const char *name = json_object_get_string_member (definition, "Name");

      g_assert_true (json_object_has_member (object, name));
      if (g_str_equal (name, "Duration"))
        {
          has_duration = TRUE;
          g_assert_cmpstr (json_object_get_string_member (definition, "Unit"), ==, "Milliseconds");
        }
    }
  g_assert_true (has_duration);

  g_assert_cmpstr (json_object_get_string_member (object, "FunctionName"), ==, "resize-fn");
  g_assert_cmpstr (json_object_get_string_member (object, "Service"), ==, "imgproc");
  g_assert_cmpstr (json_object_get_string_member (object, "requestId"), ==, "req-1");
  g_assert_cmpint (json_object_get_int_member (object, "ImagesProcessed"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (object, "Failures"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (object, "Skipped"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (object, "BytesIn"), ==, 10000);
  g_assert_cmpint (json_object_get_int_member (object, "BytesOut"), ==, 4000);
  durations = json_object_get_array_member (object, "Duration");
  g_assert_cmpuint (json_array_get_length (durations), ==, 3);
  g_assert_cmpfloat (json_array_get_double_element (durations, 0), ==, 120.5);
}

static void
test_flush_resets (void)
{
  g_autoptr(ImgprocMetrics) metrics = imgproc_metrics_new (NULL, NULL);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  g_assert_null (imgproc_metrics_flush_emf (metrics, 1, NULL));
  imgproc_metrics_add_skipped (metrics);
  first = imgproc_metrics_flush_emf (metrics, 1, NULL);
  g_assert_nonnull (first);
  g_assert_null (imgproc_metrics_flush_emf (metrics, 2, NULL));

  imgproc_metrics_add_skipped (metrics);
  second = imgproc_metrics_flush_emf (metrics, 3, NULL);
  object = parse_line (parser, second);
  g_assert_cmpint (json_object_get_int_member (object, "Skipped"), ==, 1);
  g_assert_false (json_object_has_member (object, "Duration"));
  g_assert_false (json_object_has_member (object, "requestId"));
  g_assert_cmpstr (json_object_get_string_member (object, "FunctionName"), ==, "imgproc-service");

  third = imgproc_metrics_to_prometheus (metrics);
  g_assert_nonnull (strstr (third, "\nimgproc_skipped_total 2\n"));
}

static void
test_many_durations (void)
{
  g_autoptr(ImgprocMetrics) metrics = imgproc_metrics_new ("ns", "fn");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint i, total = 0, processed = 0;

  for (i = 0; i < 250; i++)
    imgproc_metrics_add_processed (metrics, i, 1, 1);
  text = imgproc_metrics_flush_emf (metrics, 5, NULL);
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);

  for (i = 0; i < 3; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *object = parse_line (parser, lines[i]);
      guint n = json_array_get_length (json_object_get_array_member (object, "Duration"));

      g_assert_cmpuint (n, <=, 100);
      total += n;
      processed += json_object_get_int_member (object, "ImagesProcessed");
    }
  g_assert_cmpuint (total, ==, 250);
  g_assert_cmpuint (processed, ==, 250);
}

static void
test_prometheus (void)
{
  g_autoptr(ImgprocMetrics) metrics = imgproc_metrics_new ("ns", "fn");
  g_autofree char *flushed = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint i;

  imgproc_metrics_add_processed (metrics, 100, 2048, 512);
  imgproc_metrics_add_failure (metrics, 50);
  flushed = imgproc_metrics_flush_emf (metrics, 1, NULL);
  imgproc_metrics_add_processed (metrics, 25.5, 1, 1);

  /* Totals survive EMF flushes. */
  text = imgproc_metrics_to_prometheus (metrics);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "# TYPE imgproc_images_processed_total counter\nimgproc_images_processed_total 2\n"));
  g_assert_nonnull (strstr (text, "\nimgproc_failures_total 1\n"));
  g_assert_nonnull (strstr (text, "\nimgproc_bytes_in_total 2049\n"));
  g_assert_nonnull (strstr (text, "\nimgproc_bytes_out_total 513\n"));
  g_assert_nonnull (strstr (text, "\nimgproc_duration_milliseconds_sum 175.5\n"));
  g_assert_nonnull (strstr (text, "\nimgproc_duration_milliseconds_count 3\n"));

  /* Every sample line is "name value", every other line a comment. */
  lines = g_strsplit (text, "\n", -1);
  for (i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    if (lines[i][0] != '#')
      {
        g_auto(GStrv) parts = g_strsplit (lines[i], " ", -1);

        g_assert_cmpuint (g_strv_length (parts), ==, 2);
        g_assert_true (g_str_has_prefix (parts[0], "imgproc_"));
        g_assert_true (g_ascii_isdigit (parts[1][0]));
      }
}

static gpointer
count_many (gpointer data)
{
  int i;

  for (i = 0; i < 1000; i++)
    imgproc_metrics_add_processed (data, 1, 1, 1);
  return NULL;
}

static void
test_threads (void)
{
  g_autoptr(ImgprocMetrics) metrics = imgproc_metrics_new ("ns", "fn");
  g_autofree char *text = NULL;
  GThread *threads[4];
  guint i;

  for (i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("counter", count_many, metrics);
  for (i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  text = imgproc_metrics_to_prometheus (metrics);
  g_assert_nonnull (strstr (text, "\nimgproc_images_processed_total 4000\n"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/metrics/emf", test_emf);
  g_test_add_func ("/metrics/flush-resets", test_flush_resets);
  g_test_add_func ("/metrics/many-durations", test_many_durations);
  g_test_add_func ("/metrics/prometheus", test_prometheus);
  g_test_add_func ("/metrics/threads", test_threads);

  return g_test_run ();
}
