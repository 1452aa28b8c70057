/* Tests of ImgprocServiceConfig: the three sources, their precedence,
 * validation, the masked dump and the documented default file. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-service-config-private.h"

#include <glib/gstdio.h>
#include <string.h>

static void
test_defaults (void)
{
  g_autoptr(ImgprocServiceConfig) config = imgproc_service_config_new ();
  g_auto(GStrv) names = imgproc_service_config_list_settings ();
  const guint *widths;
  guint n_widths = 0, i;
  gint64 quality = 0;

  g_assert_cmpuint (g_strv_length (names), >=, 22);
  for (i = 0; names[i] != NULL; i++)
    g_assert_cmpint (imgproc_service_config_get_source (config, names[i]), ==,
                     IMGPROC_SETTING_SOURCE_DEFAULT);

  widths = imgproc_service_config_get_widths (config, &n_widths);
  g_assert_cmpuint (n_widths, ==, 2);
  g_assert_cmpuint (widths[0], ==, 800);
  g_assert_cmpuint (widths[1], ==, 400);
  g_assert_cmpuint (imgproc_service_config_get_quality (config), ==, 82);
  g_assert_cmpint (imgproc_service_config_get_output_format (config), ==, IMGPROC_OUTPUT_FORMAT_SAME);
  g_assert_cmpstr (imgproc_service_config_get_source_prefix (config), ==, "uploads/");
  g_assert_cmpstr (imgproc_service_config_get_destination_prefix (config), ==, "processed/");
  g_assert_cmpstr (imgproc_service_config_get_queue_url (config), ==, "");
  g_assert_null (imgproc_service_config_get_allowed_buckets (config));
  g_assert_cmpuint (imgproc_service_config_get_max_object_bytes (config), ==, 52428800);
  g_assert_cmpuint (imgproc_service_config_get_max_pixels (config), ==, 40000000);
  g_assert_cmpuint (imgproc_service_config_get_concurrency (config), ==, g_get_num_processors () * 2);
  g_assert_cmpuint (imgproc_service_config_get_visibility_timeout (config), ==, 60);
  g_assert_cmpuint (imgproc_service_config_get_shutdown_timeout (config), ==, 30);
  g_assert_cmpuint (imgproc_service_config_get_max_height (config), ==, 0);
  g_assert_true (imgproc_service_config_get_metrics (config));
  g_assert_true (imgproc_service_config_get_tracing (config));
  g_assert_true (imgproc_service_config_get_strip_metadata (config));
  g_assert_false (imgproc_service_config_get_delete_renditions_on_remove (config));
  g_assert_cmpstr (imgproc_service_config_get_log_level (config), ==, "info");
  g_assert_cmpstr (imgproc_service_config_get_log_format (config), ==, "auto");
  g_assert_cmpstr (imgproc_service_config_get_metrics_namespace (config), ==, "imgproc");
  g_assert_cmpstr (imgproc_service_config_get_cache_control (config), ==,
                   "public, max-age=31536000, immutable");
  g_assert_cmpstr (imgproc_service_config_get_table (config), ==, "");
  g_assert_cmpstr (imgproc_service_config_get_kms_key_id (config), ==, "");
  g_assert_cmpstr (imgproc_service_config_get_region (config), ==, "");
  g_assert_cmpstr (imgproc_service_config_get_endpoint_url (config), ==, "");
  g_assert_cmpstr (imgproc_service_config_get_bucket (config), ==, "");
  g_assert_cmpstr (imgproc_service_config_get_http_listen (config), ==, "");

  g_object_get (config, "quality", &quality, NULL);
  g_assert_cmpint (quality, ==, 82);
  g_assert_true (imgproc_service_config_validate (config, IMGPROC_SERVICE_MODE_LAMBDA, NULL));
}

static void
test_key_file (void)
{
  static const char data[] =
    "# a comment\n"
    "[imgproc]\n"
    "queue-url=https://sqs.eu-west-1.amazonaws.com/1/q\n"
    "widths = 1600, 800 ,320\n"
    "format=WebP\n"
    "quality=90\n"
    "allowed-buckets=media,photos\n"
    "bucket=media\n"
    "source-prefix=in\n"
    "destination-prefix=out/\n"
    "metrics=no\n"
    "max-object-bytes=1048576\n"
    "[other]\n"
    "ignored=1\n";
  g_autoptr(ImgprocServiceConfig) config = imgproc_service_config_new ();
  g_autoptr(GError) error = NULL;
  const char * const *buckets;
  const guint *widths;
  guint n_widths = 0;

  g_assert_true (imgproc_service_config_load_key_file_data (config, data, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_service_config_get_queue_url (config), ==,
                   "https://sqs.eu-west-1.amazonaws.com/1/q");
  g_assert_cmpint (imgproc_service_config_get_source (config, "queue-url"), ==,
                   IMGPROC_SETTING_SOURCE_KEY_FILE);
  widths = imgproc_service_config_get_widths (config, &n_widths);
  g_assert_cmpuint (n_widths, ==, 3);
  g_assert_cmpuint (widths[0], ==, 1600);
  g_assert_cmpuint (widths[2], ==, 320);
  g_assert_cmpstr (imgproc_service_config_get_value (config, "widths"), ==, "1600,800,320");
  g_assert_cmpint (imgproc_service_config_get_output_format (config), ==, IMGPROC_OUTPUT_FORMAT_WEBP);
  g_assert_cmpuint (imgproc_service_config_get_quality (config), ==, 90);
  buckets = imgproc_service_config_get_allowed_buckets (config);
  g_assert_nonnull (buckets);
  g_assert_cmpstr (buckets[1], ==, "photos");
  g_assert_cmpstr (imgproc_service_config_get_source_prefix (config), ==, "in/");
  g_assert_false (imgproc_service_config_get_metrics (config));
  g_assert_cmpuint (imgproc_service_config_get_max_object_bytes (config), ==, 1048576);
  g_assert_true (imgproc_service_config_validate (config, IMGPROC_SERVICE_MODE_DAEMON, &error));
  g_assert_no_error (error);
}

static void
test_key_file_errors (void)
{
  struct { const char *data; int code; const char *mentions; } cases[] = {
    { "[imgproc]\nqueue-ulr=https://x\n", IMGPROC_PIPELINE_ERROR_UNKNOWN_SETTING, "queue-ulr" },
    { "[imgproc]\nquality=high\n", IMGPROC_PIPELINE_ERROR_INVALID_CONFIG, "quality" },
    { "[imgproc]\nquality=0\n", IMGPROC_PIPELINE_ERROR_INVALID_CONFIG, "between 1 and 100" },
    { "[imgproc]\nquality=101\n", IMGPROC_PIPELINE_ERROR_INVALID_CONFIG, "quality" },
    { "[imgproc]\nmetrics=maybe\n", IMGPROC_PIPELINE_ERROR_INVALID_CONFIG, "metrics" },
    { "[imgproc]\nformat=gif\n", IMGPROC_PIPELINE_ERROR_INVALID_CONFIG, "same,jpeg,png,webp" },
    { "[imgproc]\nqueue-url=ftp://x/q\n", IMGPROC_PIPELINE_ERROR_INVALID_CONFIG, "queue-url" },
    { "[imgproc]\nqueue-url=not a url\n", IMGPROC_PIPELINE_ERROR_INVALID_CONFIG, "queue-url" },
    { "[imgproc]\ncache-control=a\\nInjected: yes\n", IMGPROC_PIPELINE_ERROR_INVALID_CONFIG, "control" },
    { "not a key file", IMGPROC_PIPELINE_ERROR_CONFIG_FILE, NULL },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ImgprocServiceConfig) config = imgproc_service_config_new ();
      g_autoptr(GError) error = NULL;

      g_test_message ("case %" G_GSIZE_FORMAT, i);
      g_assert_false (imgproc_service_config_load_key_file_data (config, cases[i].data, -1, &error));
      g_assert_error (error, IMGPROC_PIPELINE_ERROR, cases[i].code);
      if (cases[i].mentions != NULL)
        g_assert_nonnull (strstr (error->message, cases[i].mentions));
    }
}

static void
test_bad_widths (void)
{
  const char *cases[] = { "", ",", "0", "abc", "100,100", "99999", "-5", "1.5",
                          "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17" };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ImgprocServiceConfig) config = imgproc_service_config_new ();
      g_autoptr(GError) error = NULL;

      g_assert_false (imgproc_service_config_set (config, "widths", cases[i],
                                                  IMGPROC_SETTING_SOURCE_COMMAND_LINE, &error));
      g_assert_error (error, IMGPROC_PIPELINE_ERROR, IMGPROC_PIPELINE_ERROR_INVALID_CONFIG);
      g_assert_nonnull (strstr (error->message, "widths"));
      g_assert_cmpstr (imgproc_service_config_get_value (config, "widths"), ==, "800,400");
    }
}

static void
test_file_on_disk (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("imgproc-config-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "imgproc.conf", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.conf", NULL);
  g_autoptr(ImgprocServiceConfig) config = imgproc_service_config_new ();

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, "[imgproc]\ntable=images\n", -1, &error));
  g_assert_true (imgproc_service_config_load_key_file (config, path, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_service_config_get_table (config), ==, "images");

  /* A file named explicitly must exist. */
  g_assert_false (imgproc_service_config_load_key_file (config, missing, &error));
  g_assert_error (error, IMGPROC_PIPELINE_ERROR, IMGPROC_PIPELINE_ERROR_CONFIG_FILE);
  g_assert_nonnull (strstr (error->message, "missing.conf"));

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_environment (void)
{
  const char *envp[] = {
    "IMGPROC_QUEUE_URL=http://127.0.0.1:9324/000000000000/jobs",
    "IMGPROC_WIDTHS=640",
    "IMGPROC_DELETE_RENDITIONS_ON_REMOVE=true",
    "IMGPROC_KMS_KEY_ID=",
    "AWS_LAMBDA_LOG_LEVEL=WARN",
    "AWS_LAMBDA_LOG_FORMAT=JSON",
    "IMGPROC_MAX_HEIGHT=1200",
    "IMGPROC_SOURCE_PREFIX=incoming/",
    NULL
  };
  g_autoptr(ImgprocServiceConfig) config = imgproc_service_config_new ();
  g_autoptr(GError) error = NULL;
  guint n_widths = 0;

  g_assert_true (imgproc_service_config_load_environment (config, envp, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_service_config_get_queue_url (config), ==,
                   "http://127.0.0.1:9324/000000000000/jobs");
  g_assert_cmpint (imgproc_service_config_get_source (config, "queue-url"), ==,
                   IMGPROC_SETTING_SOURCE_ENVIRONMENT);
  g_assert_cmpuint (imgproc_service_config_get_widths (config, &n_widths)[0], ==, 640);
  g_assert_true (imgproc_service_config_get_delete_renditions_on_remove (config));
  /* Empty means unset. */
  g_assert_cmpint (imgproc_service_config_get_source (config, "kms-key-id"), ==,
                   IMGPROC_SETTING_SOURCE_DEFAULT);
  g_assert_cmpstr (imgproc_service_config_get_log_level (config), ==, "warning");
  g_assert_cmpstr (imgproc_service_config_get_log_format (config), ==, "json");
  g_assert_cmpuint (imgproc_service_config_get_max_height (config), ==, 1200);
  g_assert_cmpstr (imgproc_service_config_get_source_prefix (config), ==, "incoming/");
}

static void
test_environment_order (void)
{
  const char *envp[] = { "AWS_LAMBDA_LOG_LEVEL=TRACE", "IMGPROC_LOG_LEVEL=error", NULL };
  const char *bad[] = { "IMGPROC_QUALITY=lots", NULL };
  g_autoptr(ImgprocServiceConfig) config = imgproc_service_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (imgproc_service_config_load_environment (config, envp, NULL));
  g_assert_cmpstr (imgproc_service_config_get_log_level (config), ==, "error");

  g_assert_false (imgproc_service_config_load_environment (config, bad, &error));
  g_assert_error (error, IMGPROC_PIPELINE_ERROR, IMGPROC_PIPELINE_ERROR_INVALID_CONFIG);
  g_assert_nonnull (strstr (error->message, "IMGPROC_QUALITY"));
}

static gboolean
parse_flags (ImgprocServiceConfig  *config,
             const char           **args,
             GError               **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_auto(GStrv) argv = g_strdupv ((char **) args);
  char **argv_in = argv;
  int argc = g_strv_length (argv);

  g_option_context_add_group (context, imgproc_service_config_get_option_group (config));
  return g_option_context_parse_strv (context, &argv_in, error) && argc > 0;
}

static void
test_flags (void)
{
  const char *args[] = { "imgproc-service", "--quality=95", "--metrics=false", "--tracing",
                         "--widths", "100,200", "--log-format=journald", NULL };
  const char *bad[] = { "imgproc-service", "--quality=500", NULL };
  g_autoptr(ImgprocServiceConfig) config = imgproc_service_config_new ();
  g_autoptr(ImgprocServiceConfig) other = imgproc_service_config_new ();
  g_autoptr(GError) error = NULL;
  guint n_widths = 0;

  g_assert_true (imgproc_service_config_set (config, "tracing", "false",
                                             IMGPROC_SETTING_SOURCE_KEY_FILE, NULL));
  g_assert_true (parse_flags (config, args, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (imgproc_service_config_get_quality (config), ==, 95);
  g_assert_cmpint (imgproc_service_config_get_source (config, "quality"), ==,
                   IMGPROC_SETTING_SOURCE_COMMAND_LINE);
  g_assert_false (imgproc_service_config_get_metrics (config));
  g_assert_true (imgproc_service_config_get_tracing (config));
  g_assert_cmpuint (imgproc_service_config_get_widths (config, &n_widths)[1], ==, 200);
  g_assert_cmpstr (imgproc_service_config_get_log_format (config), ==, "journald");

  g_assert_false (parse_flags (other, bad, &error));
  g_assert_error (error, IMGPROC_PIPELINE_ERROR, IMGPROC_PIPELINE_ERROR_INVALID_CONFIG);
}

static void
test_precedence (void)
{
  const char *args[] = { "imgproc-service", "--quality=70", NULL };
  const char *envp[] = { "IMGPROC_QUALITY=60", "IMGPROC_TABLE=from-env", NULL };
  static const char file[] = "[imgproc]\nquality=50\ntable=from-file\nbucket=from-file\n";
  g_autoptr(ImgprocServiceConfig) config = imgproc_service_config_new ();

  /* Read in the reverse of the precedence: the order must not matter. */
  g_assert_true (parse_flags (config, args, NULL));
  g_assert_true (imgproc_service_config_load_environment (config, envp, NULL));
  g_assert_true (imgproc_service_config_load_key_file_data (config, file, -1, NULL));

  g_assert_cmpuint (imgproc_service_config_get_quality (config), ==, 70);
  g_assert_cmpstr (imgproc_service_config_get_table (config), ==, "from-env");
  g_assert_cmpstr (imgproc_service_config_get_bucket (config), ==, "from-file");
  g_assert_cmpstr (imgproc_service_config_get_value (config, "format"), ==, "same");
  g_assert_cmpint (imgproc_service_config_get_source (config, "format"), ==,
                   IMGPROC_SETTING_SOURCE_DEFAULT);
}

static void
test_unknown_setting (void)
{
  g_autoptr(ImgprocServiceConfig) config = imgproc_service_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (imgproc_service_config_set (config, "colour", "blue",
                                              IMGPROC_SETTING_SOURCE_COMMAND_LINE, &error));
  g_assert_error (error, IMGPROC_PIPELINE_ERROR, IMGPROC_PIPELINE_ERROR_UNKNOWN_SETTING);
}

static void
test_validation (void)
{
  struct { const char *setting; const char *value; ImgprocServiceMode mode; const char *mentions; } cases[] = {
    { "queue-url", "", IMGPROC_SERVICE_MODE_DAEMON, "queue URL" },
    { "destination-prefix", "uploads/thumbs/", IMGPROC_SERVICE_MODE_LAMBDA, "inside the source" },
    { "destination-prefix", "uploads", IMGPROC_SERVICE_MODE_LAMBDA, "inside the source" },
    { "source-prefix", "processed/in/", IMGPROC_SERVICE_MODE_LAMBDA, "inside the destination" },
    { "source-prefix", "", IMGPROC_SERVICE_MODE_LAMBDA, "source prefix is empty" },
    { "destination-prefix", "", IMGPROC_SERVICE_MODE_LAMBDA, "destination prefix is empty" },
    { "bucket", "elsewhere", IMGPROC_SERVICE_MODE_LAMBDA, "allowed-buckets" },
    { "http-listen", "0.0.0.0:9464", IMGPROC_SERVICE_MODE_DAEMON, "loopback" },
    { "http-listen", "127.0.0.1", IMGPROC_SERVICE_MODE_DAEMON, "loopback" },
    { "metrics-namespace", "", IMGPROC_SERVICE_MODE_LAMBDA, "namespace" },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ImgprocServiceConfig) config = imgproc_service_config_new ();
      g_autoptr(GError) error = NULL;

      g_test_message ("case %" G_GSIZE_FORMAT, i);
      g_assert_true (imgproc_service_config_set (config, "queue-url", "https://sqs/q",
                                                 IMGPROC_SETTING_SOURCE_KEY_FILE, NULL));
      g_assert_true (imgproc_service_config_set (config, "allowed-buckets", "media",
                                                 IMGPROC_SETTING_SOURCE_KEY_FILE, NULL));
      g_assert_true (imgproc_service_config_validate (config, cases[i].mode, NULL));
      g_assert_true (imgproc_service_config_set (config, cases[i].setting, cases[i].value,
                                                 IMGPROC_SETTING_SOURCE_COMMAND_LINE, NULL));
      g_assert_false (imgproc_service_config_validate (config, cases[i].mode, &error));
      g_assert_error (error, IMGPROC_PIPELINE_ERROR, IMGPROC_PIPELINE_ERROR_INVALID_CONFIG);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].mentions));
    }
}

static void
test_valid_listen (void)
{
  const char *good[] = { "127.0.0.1:9464", "localhost:8080", "[::1]:1" };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(ImgprocServiceConfig) config = imgproc_service_config_new ();
      g_autoptr(GError) error = NULL;

      g_assert_true (imgproc_service_config_set (config, "http-listen", good[i],
                                                 IMGPROC_SETTING_SOURCE_KEY_FILE, NULL));
      g_assert_true (imgproc_service_config_validate (config, IMGPROC_SERVICE_MODE_LAMBDA, &error));
      g_assert_no_error (error);
    }
}

static void
test_modes (void)
{
  const char *lambda_env[] = { "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001", NULL };
  const char *host_env[] = { "HOME=/root", NULL };
  g_autoptr(ImgprocServiceConfig) config = imgproc_service_config_new ();

  g_assert_cmpint (imgproc_service_config_resolve_mode (config, lambda_env), ==, IMGPROC_SERVICE_MODE_LAMBDA);
  g_assert_cmpint (imgproc_service_config_resolve_mode (config, host_env), ==, IMGPROC_SERVICE_MODE_DAEMON);
  g_assert_true (imgproc_service_config_set (config, "mode", "DAEMON",
                                             IMGPROC_SETTING_SOURCE_COMMAND_LINE, NULL));
  g_assert_cmpint (imgproc_service_config_resolve_mode (config, lambda_env), ==, IMGPROC_SERVICE_MODE_DAEMON);
  g_assert_true (imgproc_service_config_set (config, "mode", "lambda",
                                             IMGPROC_SETTING_SOURCE_COMMAND_LINE, NULL));
  g_assert_cmpint (imgproc_service_config_resolve_mode (config, host_env), ==, IMGPROC_SERVICE_MODE_LAMBDA);
}

static void
test_dump (void)
{
  g_autoptr(ImgprocServiceConfig) config = imgproc_service_config_new ();
  g_autoptr(ImgprocServiceConfig) again = imgproc_service_config_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dump = NULL;
  g_auto(GStrv) names = imgproc_service_config_list_settings ();
  guint i;

  g_assert_true (imgproc_service_config_set (config, "endpoint-url",
                                             "http://admin:hunter2@127.0.0.1:4566/?X-Amz-Signature=deadbeef",
                                             IMGPROC_SETTING_SOURCE_ENVIRONMENT, NULL));
  g_assert_true (imgproc_service_config_set (config, "queue-url", "https://sqs.eu-west-1.amazonaws.com/1/q",
                                             IMGPROC_SETTING_SOURCE_KEY_FILE, NULL));
  g_assert_true (imgproc_service_config_set (config, "widths", "320",
                                             IMGPROC_SETTING_SOURCE_COMMAND_LINE, NULL));
  dump = imgproc_service_config_dump (config);
  g_test_message ("%s", dump);

  g_assert_null (strstr (dump, "hunter2"));
  g_assert_null (strstr (dump, "deadbeef"));
  g_assert_nonnull (strstr (dump, "endpoint-url=http://********@127.0.0.1:4566/?********\n"));
  g_assert_nonnull (strstr (dump, "# the command line\nwidths=320\n"));
  for (i = 0; names[i] != NULL; i++)
    {
      g_autofree char *line = g_strdup_printf ("\n%s=", names[i]);
      g_assert_nonnull (strstr (dump, line));
    }

  /* The dump reads back as a configuration file. */
  g_assert_true (imgproc_service_config_load_key_file_data (again, dump, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_service_config_get_queue_url (again), ==, "https://sqs.eu-west-1.amazonaws.com/1/q");
  g_assert_cmpstr (imgproc_service_config_get_value (again, "widths"), ==, "320");
}

static void
test_documented_file (void)
{
  g_autofree char *generated = imgproc_service_config_generate_documented_file ();
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "imgproc.conf", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ImgprocServiceConfig) config = imgproc_service_config_new ();
  g_auto(GStrv) names = imgproc_service_config_list_settings ();
  const char *write_to = g_getenv ("IMGPROC_WRITE_CONF");
  guint i;

  if (write_to != NULL)
    g_assert_true (g_file_set_contents (write_to, generated, -1, NULL));

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  if (g_strcmp0 (contents, generated) != 0)
    g_test_message ("data/imgproc.conf is out of date: regenerate it with "
                    "IMGPROC_WRITE_CONF=$srcdir/data/imgproc.conf tests/pipeline/test-service-config");
  g_assert_cmpstr (contents, ==, generated);

  for (i = 0; names[i] != NULL; i++)
    {
      g_autofree char *line = g_strdup_printf ("\n#%s=", names[i]);
      g_assert_nonnull (strstr (contents, line));
    }

  /* Every default in it is valid, and the file as shipped changes nothing. */
  g_assert_true (imgproc_service_config_load_key_file_data (config, contents, -1, &error));
  g_assert_no_error (error);
  for (i = 0; names[i] != NULL; i++)
    g_assert_cmpint (imgproc_service_config_get_source (config, names[i]), ==,
                     IMGPROC_SETTING_SOURCE_DEFAULT);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/service-config/defaults", test_defaults);
  g_test_add_func ("/service-config/key-file", test_key_file);
  g_test_add_func ("/service-config/key-file-errors", test_key_file_errors);
  g_test_add_func ("/service-config/bad-widths", test_bad_widths);
  g_test_add_func ("/service-config/file-on-disk", test_file_on_disk);
  g_test_add_func ("/service-config/environment", test_environment);
  g_test_add_func ("/service-config/environment-order", test_environment_order);
  g_test_add_func ("/service-config/flags", test_flags);
  g_test_add_func ("/service-config/precedence", test_precedence);
  g_test_add_func ("/service-config/unknown-setting", test_unknown_setting);
  g_test_add_func ("/service-config/validation", test_validation);
  g_test_add_func ("/service-config/valid-listen", test_valid_listen);
  g_test_add_func ("/service-config/modes", test_modes);
  g_test_add_func ("/service-config/dump", test_dump);
  g_test_add_func ("/service-config/documented-file", test_documented_file);

  return g_test_run ();
}
