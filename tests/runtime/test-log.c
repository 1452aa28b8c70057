/* Tests of the structured log formatters and the writer. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-log-private.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* 2026-11-26T19:12:07.123Z */
#define TIME_US G_GINT64_CONSTANT (1795720327123456)

static const GLogField fields[] = {
  { "MESSAGE", "renditions written", -1 },
  { "PRIORITY", "6", -1 },
  { "GLIB_DOMAIN", "imgproc", -1 },
  { "CODE_FILE", "x.c", -1 },
  { "IMGPROC_OBJECT_KEY", "uploads/a b.jpg", -1 },
  { "BUCKET", "media", -1 },
  { "BINARY", "\xff\xfe", 2 },
  { "level", "spoofed", -1 },
};

static JsonObject *
parse_object (JsonParser *parser,
              const char *line)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (strchr (line, '\n'));
  g_assert_true (json_parser_load_from_data (parser, line, -1, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_json_line (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *line = imgproc_log_format_json_line (G_LOG_LEVEL_INFO, fields, G_N_ELEMENTS (fields),
                                                        TIME_US, "req-1");
  JsonObject *object = parse_object (parser, line);

  g_test_message ("%s", line);
  g_assert_cmpstr (json_object_get_string_member (object, "timestamp"), ==, "2026-11-26T19:12:07.123Z");
  g_assert_cmpstr (json_object_get_string_member (object, "level"), ==, "INFO");
  g_assert_cmpstr (json_object_get_string_member (object, "message"), ==, "renditions written");
  g_assert_cmpstr (json_object_get_string_member (object, "requestId"), ==, "req-1");
  g_assert_cmpstr (json_object_get_string_member (object, "objectKey"), ==, "uploads/a b.jpg");
  g_assert_cmpstr (json_object_get_string_member (object, "bucket"), ==, "media");
  g_assert_cmpstr (json_object_get_string_member (object, "logger"), ==, "imgproc");
  g_assert_false (json_object_has_member (object, "priority"));
  g_assert_false (json_object_has_member (object, "codeFile"));
  g_assert_false (json_object_has_member (object, "binary"));
}

static void
test_json_levels (void)
{
  struct { GLogLevelFlags level; const char *name; } cases[] = {
    { G_LOG_LEVEL_ERROR, "FATAL" },
    { G_LOG_LEVEL_CRITICAL, "ERROR" },
    { G_LOG_LEVEL_WARNING, "WARN" },
    { G_LOG_LEVEL_MESSAGE, "INFO" },
    { G_LOG_LEVEL_INFO, "INFO" },
    { G_LOG_LEVEL_DEBUG, "DEBUG" },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *line = imgproc_log_format_json_line (cases[i].level, fields, 1, TIME_US, NULL);
      JsonObject *object = parse_object (parser, line);

      g_assert_cmpstr (json_object_get_string_member (object, "level"), ==, cases[i].name);
      g_assert_false (json_object_has_member (object, "requestId"));
    }
}

static void
test_json_hostile_message (void)
{
  static const GLogField hostile[] = {
    { "MESSAGE", "line one\nline two \"quoted\" \x01 \xc3", -1 },
  };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *line = imgproc_log_format_json_line (G_LOG_LEVEL_WARNING, hostile, 1, TIME_US, NULL);
  JsonObject *object = parse_object (parser, line);

  g_assert_true (g_str_has_prefix (json_object_get_string_member (object, "message"), "line one\nline two"));
}

static void
test_text_line (void)
{
  g_autofree char *line = imgproc_log_format_text_line (G_LOG_LEVEL_WARNING, fields, G_N_ELEMENTS (fields),
                                                        TIME_US, "req-2");

  g_assert_cmpstr (line, ==,
                   "2026-11-26T19:12:07.123Z WARN renditions written requestId=req-2 "
                   "objectKey=\"uploads/a b.jpg\" bucket=media level=spoofed");
}

static void
test_levels (void)
{
  g_assert_cmpint (imgproc_log_level_from_string ("WARN"), ==, G_LOG_LEVEL_WARNING);
  g_assert_cmpint (imgproc_log_level_from_string ("trace"), ==, G_LOG_LEVEL_DEBUG);
  g_assert_cmpint (imgproc_log_level_from_string ("FATAL"), ==, G_LOG_LEVEL_ERROR);
  g_assert_cmpint (imgproc_log_level_from_string ("message"), ==, G_LOG_LEVEL_MESSAGE);
  g_assert_cmpint (imgproc_log_level_from_string ("nonsense"), ==, G_LOG_LEVEL_INFO);
  g_assert_cmpint (imgproc_log_level_from_string (NULL), ==, G_LOG_LEVEL_INFO);

  g_assert_true (imgproc_log_level_passes (G_LOG_LEVEL_WARNING, G_LOG_LEVEL_INFO));
  g_assert_true (imgproc_log_level_passes (G_LOG_LEVEL_INFO, G_LOG_LEVEL_INFO));
  g_assert_false (imgproc_log_level_passes (G_LOG_LEVEL_DEBUG, G_LOG_LEVEL_INFO));
  g_assert_false (imgproc_log_level_passes (G_LOG_LEVEL_MESSAGE, G_LOG_LEVEL_WARNING));
}

static void
test_formats (void)
{
  g_assert_cmpint (imgproc_log_format_from_string ("JSON"), ==, IMGPROC_LOG_FORMAT_JSON);
  g_assert_cmpint (imgproc_log_format_from_string ("text"), ==, IMGPROC_LOG_FORMAT_TEXT);
  g_assert_cmpint (imgproc_log_format_from_string ("journald"), ==, IMGPROC_LOG_FORMAT_JOURNALD);
  g_assert_cmpint (imgproc_log_format_from_string ("other"), ==, IMGPROC_LOG_FORMAT_AUTO);

  g_unsetenv ("JOURNAL_STREAM");
  g_setenv ("AWS_LAMBDA_LOG_FORMAT", "Json", TRUE);
  g_assert_cmpint (imgproc_log_resolve_format (IMGPROC_LOG_FORMAT_AUTO), ==, IMGPROC_LOG_FORMAT_JSON);
  g_assert_cmpint (imgproc_log_resolve_format (IMGPROC_LOG_FORMAT_TEXT), ==, IMGPROC_LOG_FORMAT_TEXT);
  g_setenv ("AWS_LAMBDA_LOG_FORMAT", "Text", TRUE);
  g_assert_cmpint (imgproc_log_resolve_format (IMGPROC_LOG_FORMAT_AUTO), ==, IMGPROC_LOG_FORMAT_TEXT);
  /* Without a journal, journald falls back to text. */
  g_assert_cmpint (imgproc_log_resolve_format (IMGPROC_LOG_FORMAT_JOURNALD), ==, IMGPROC_LOG_FORMAT_TEXT);
  g_unsetenv ("AWS_LAMBDA_LOG_FORMAT");
}

static void
test_writer (void)
{
  if (g_test_subprocess ())
    {
      imgproc_log_install (IMGPROC_LOG_FORMAT_JSON, G_LOG_LEVEL_INFO);
      imgproc_log_set_request_id ("req-w");
      g_log_structured ("imgproc", G_LOG_LEVEL_INFO,
                        "IMGPROC_WIDTH", "800",
                        "MESSAGE", "processed %s", "a.jpg");
      g_debug ("dropped below the threshold");
      imgproc_log_set_request_id (NULL);
      g_message ("no request");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDIN);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*\"level\":\"INFO\",\"message\":\"processed a.jpg\",\"requestId\":\"req-w\"*\"width\":\"800\"*");
  g_test_trap_assert_stderr_unmatched ("*dropped*");
  g_test_trap_assert_stderr ("*\"level\":\"INFO\",\"message\":\"no request\"}*");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/log/json-line", test_json_line);
  g_test_add_func ("/log/json-levels", test_json_levels);
  g_test_add_func ("/log/json-hostile-message", test_json_hostile_message);
  g_test_add_func ("/log/text-line", test_text_line);
  g_test_add_func ("/log/levels", test_levels);
  g_test_add_func ("/log/formats", test_formats);
  g_test_add_func ("/log/writer", test_writer);

  return g_test_run ();
}
