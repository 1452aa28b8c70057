/* A GLogWriterFunc for the service. Records carry structured fields (from
 * g_log_structured) that become JSON members, journald fields or name=value
 * pairs; the Lambda request id is added to every record while it is set. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-log-private.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static GMutex log_lock;
static char *current_request_id;
static ImgprocLogFormat installed_format = IMGPROC_LOG_FORMAT_TEXT;
static GLogLevelFlags installed_threshold = G_LOG_LEVEL_INFO;

/**
 * imgproc_log_format_from_string:
 * @name: (nullable): "auto", "text", "json" or "journald", in any case
 *
 * Reads a log format name, as the `log-format` setting and
 * `AWS_LAMBDA_LOG_FORMAT` give it.
 *
 * Returns: the format, or %IMGPROC_LOG_FORMAT_AUTO for an unknown name
 */
ImgprocLogFormat
imgproc_log_format_from_string (const char *name)
{
  if (name == NULL)
    return IMGPROC_LOG_FORMAT_AUTO;
  if (g_ascii_strcasecmp (name, "text") == 0)
    return IMGPROC_LOG_FORMAT_TEXT;
  if (g_ascii_strcasecmp (name, "json") == 0)
    return IMGPROC_LOG_FORMAT_JSON;
  if (g_ascii_strcasecmp (name, "journald") == 0)
    return IMGPROC_LOG_FORMAT_JOURNALD;
  return IMGPROC_LOG_FORMAT_AUTO;
}

/**
 * imgproc_log_resolve_format:
 * @format: a log format
 *
 * Turns %IMGPROC_LOG_FORMAT_AUTO into the format to use here: journald when
 * stderr is connected to the journal, JSON when `AWS_LAMBDA_LOG_FORMAT` is
 * JSON, and text otherwise. A journald format without a journal also becomes
 * text.
 *
 * Returns: %IMGPROC_LOG_FORMAT_TEXT, %IMGPROC_LOG_FORMAT_JSON or
 *   %IMGPROC_LOG_FORMAT_JOURNALD
 */
ImgprocLogFormat
imgproc_log_resolve_format (ImgprocLogFormat format)
{
  gboolean journal = g_getenv ("JOURNAL_STREAM") != NULL &&
                     g_log_writer_is_journald (STDERR_FILENO);

  switch (format)
    {
    case IMGPROC_LOG_FORMAT_TEXT:
    case IMGPROC_LOG_FORMAT_JSON:
      return format;
    case IMGPROC_LOG_FORMAT_JOURNALD:
      return journal ? format : IMGPROC_LOG_FORMAT_TEXT;
    case IMGPROC_LOG_FORMAT_AUTO:
    default:
      if (journal)
        return IMGPROC_LOG_FORMAT_JOURNALD;
      if (g_ascii_strcasecmp (g_getenv ("AWS_LAMBDA_LOG_FORMAT") != NULL ?
                              g_getenv ("AWS_LAMBDA_LOG_FORMAT") : "", "json") == 0)
        return IMGPROC_LOG_FORMAT_JSON;
      return IMGPROC_LOG_FORMAT_TEXT;
    }
}

/**
 * imgproc_log_level_from_string:
 * @name: (nullable): a level name: GLib's (error, critical, warning,
 *   message, info, debug) or Lambda's (FATAL, ERROR, WARN, INFO, DEBUG,
 *   TRACE), in any case
 *
 * Reads the least severe level to log.
 *
 * Returns: the level, or %G_LOG_LEVEL_INFO for an unknown name
 */
GLogLevelFlags
imgproc_log_level_from_string (const char *name)
{
  static const struct { const char *name; GLogLevelFlags level; } levels[] = {
    { "fatal", G_LOG_LEVEL_ERROR },
    { "error", G_LOG_LEVEL_ERROR },
    { "critical", G_LOG_LEVEL_CRITICAL },
    { "warning", G_LOG_LEVEL_WARNING },
    { "warn", G_LOG_LEVEL_WARNING },
    { "message", G_LOG_LEVEL_MESSAGE },
    { "info", G_LOG_LEVEL_INFO },
    { "debug", G_LOG_LEVEL_DEBUG },
    { "trace", G_LOG_LEVEL_DEBUG },
  };
  gsize i;

  for (i = 0; name != NULL && i < G_N_ELEMENTS (levels); i++)
    if (g_ascii_strcasecmp (name, levels[i].name) == 0)
      return levels[i].level;
  return G_LOG_LEVEL_INFO;
}

/* GLib's level flags grow as severity falls: ERROR is 1<<2, DEBUG 1<<7. */
gboolean
imgproc_log_level_passes (GLogLevelFlags level,
                          GLogLevelFlags threshold)
{
  return (level & G_LOG_LEVEL_MASK) <= (threshold & G_LOG_LEVEL_MASK);
}

/* Lambda's JSON format knows TRACE, DEBUG, INFO, WARN, ERROR and FATAL. */
static const char *
level_name (GLogLevelFlags level)
{
  if (level & G_LOG_LEVEL_ERROR)
    return "FATAL";
  if (level & G_LOG_LEVEL_CRITICAL)
    return "ERROR";
  if (level & G_LOG_LEVEL_WARNING)
    return "WARN";
  if (level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO))
    return "INFO";
  return "DEBUG";
}

static char *
format_timestamp (gint64 time_us)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC);
  g_autofree char *seconds = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", seconds, (int) ((time_us % G_USEC_PER_SEC) / 1000));
}

/* Journald's own fields, and GLib's bookkeeping, stay out of JSON and text. */
static gboolean
is_internal_field (const char *key)
{
  return g_str_equal (key, "MESSAGE") || g_str_equal (key, "PRIORITY") ||
         g_str_has_prefix (key, "CODE_") || g_str_equal (key, "SYSLOG_IDENTIFIER") ||
         g_str_equal (key, "GLIB_OLD_LOG_API") || g_str_equal (key, "MESSAGE_ID");
}

/* IMGPROC_OBJECT_KEY becomes objectKey; GLIB_DOMAIN becomes logger. */
static char *
field_name (const char *key)
{
  GString *name;
  const char *p;
  gboolean upper = FALSE;

  if (g_str_equal (key, "GLIB_DOMAIN"))
    return g_strdup ("logger");
  if (g_str_has_prefix (key, "IMGPROC_"))
    key += strlen ("IMGPROC_");

  name = g_string_new (NULL);
  for (p = key; *p != '\0'; p++)
    {
      if (*p == '_')
        upper = name->len > 0;
      else
        {
          g_string_append_c (name, upper ? g_ascii_toupper (*p) : g_ascii_tolower (*p));
          upper = FALSE;
        }
    }
  return g_string_free (name, FALSE);
}

static char *
field_value (const GLogField *field)
{
  if (field->length < 0)
    return g_strdup (field->value);
  if (g_utf8_validate (field->value, field->length, NULL))
    return g_strndup (field->value, field->length);
  return NULL;
}

static const char *
find_message (const GLogField *fields,
              gsize            n_fields)
{
  gsize i;

  for (i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
      return fields[i].value;
  return "";
}

char *
imgproc_log_format_json_line (GLogLevelFlags   level,
                              const GLogField *fields,
                              gsize            n_fields,
                              gint64           time_us,
                              const char      *request_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *timestamp = format_timestamp (time_us);
  g_autofree char *message = g_utf8_make_valid (find_message (fields, n_fields), -1);
  gsize i;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "timestamp");
  json_builder_add_string_value (builder, timestamp);
  json_builder_set_member_name (builder, "level");
  json_builder_add_string_value (builder, level_name (level));
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  if (request_id != NULL)
    {
      json_builder_set_member_name (builder, "requestId");
      json_builder_add_string_value (builder, request_id);
    }
  for (i = 0; i < n_fields; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (is_internal_field (fields[i].key))
        continue;
      value = field_value (&fields[i]);
      if (value == NULL)
        continue;
      name = field_name (fields[i].key);
      if (g_str_equal (name, "timestamp") || g_str_equal (name, "level") ||
          g_str_equal (name, "message") || g_str_equal (name, "requestId"))
        continue;
      json_builder_set_member_name (builder, name);
      json_builder_add_string_value (builder, value);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

char *
imgproc_log_format_text_line (GLogLevelFlags   level,
                              const GLogField *fields,
                              gsize            n_fields,
                              gint64           time_us,
                              const char      *request_id)
{
  g_autofree char *timestamp = format_timestamp (time_us);
  g_autofree char *message = g_utf8_make_valid (find_message (fields, n_fields), -1);
  GString *line = g_string_new (NULL);
  gsize i;

  g_string_append_printf (line, "%s %s %s", timestamp, level_name (level), message);
  if (request_id != NULL)
    g_string_append_printf (line, " requestId=%s", request_id);
  for (i = 0; i < n_fields; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (is_internal_field (fields[i].key) || g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        continue;
      value = field_value (&fields[i]);
      if (value == NULL)
        continue;
      name = field_name (fields[i].key);
      /* Quote values that would break the line into fields. */
      if (strpbrk (value, " \"=\n") != NULL || *value == '\0')
        {
          g_autofree char *escaped = g_strescape (value, NULL);
          g_string_append_printf (line, " %s=\"%s\"", name, escaped);
        }
      else
        g_string_append_printf (line, " %s=%s", name, value);
    }
  return g_string_free (line, FALSE);
}

static GLogWriterOutput
imgproc_log_writer (GLogLevelFlags   level,
                    const GLogField *fields,
                    gsize            n_fields,
                    gpointer         user_data)
{
  g_autofree char *line = NULL;
  g_autofree char *request_id = NULL;
  ImgprocLogFormat format;
  GLogLevelFlags threshold;

  g_mutex_lock (&log_lock);
  format = installed_format;
  threshold = installed_threshold;
  request_id = g_strdup (current_request_id);
  g_mutex_unlock (&log_lock);

  /* Fatal levels are never dropped: GLib aborts after them. */
  if (!imgproc_log_level_passes (level, threshold) && !(level & G_LOG_FLAG_FATAL))
    return G_LOG_WRITER_HANDLED;

  if (format == IMGPROC_LOG_FORMAT_JOURNALD &&
      g_log_writer_journald (level, fields, n_fields, NULL) == G_LOG_WRITER_HANDLED)
    return G_LOG_WRITER_HANDLED;

  if (format == IMGPROC_LOG_FORMAT_JSON)
    line = imgproc_log_format_json_line (level, fields, n_fields, g_get_real_time (), request_id);
  else
    line = imgproc_log_format_text_line (level, fields, n_fields, g_get_real_time (), request_id);

  /* One write per record keeps concurrent lines whole. */
  g_mutex_lock (&log_lock);
  fprintf (stderr, "%s\n", line);
  fflush (stderr);
  g_mutex_unlock (&log_lock);
  return G_LOG_WRITER_HANDLED;
}

/**
 * imgproc_log_install:
 * @format: the log format; %IMGPROC_LOG_FORMAT_AUTO is resolved with
 *   [func@Imgproc.log_resolve_format]
 * @threshold: the least severe level written, such as %G_LOG_LEVEL_INFO
 *
 * Makes every GLib log record of the process go through imgproc's writer, to
 * stderr (or the journal). Call it once, early; later calls change the format
 * and threshold, as a configuration reload does.
 */
void
imgproc_log_install (ImgprocLogFormat format,
                     GLogLevelFlags   threshold)
{
  static gsize installed = 0;

  g_mutex_lock (&log_lock);
  installed_format = imgproc_log_resolve_format (format);
  installed_threshold = threshold;
  g_mutex_unlock (&log_lock);

  if (g_once_init_enter (&installed))
    {
      g_log_set_writer_func (imgproc_log_writer, NULL, NULL);
      g_once_init_leave (&installed, 1);
    }
}

/**
 * imgproc_log_set_request_id:
 * @request_id: (nullable): the Lambda request id being served, or %NULL
 *   between invocations
 *
 * Sets the request id added to every record, as Lambda's JSON format
 * expects of a runtime.
 */
void
imgproc_log_set_request_id (const char *request_id)
{
  g_mutex_lock (&log_lock);
  g_free (current_request_id);
  current_request_id = g_strdup (request_id);
  g_mutex_unlock (&log_lock);
}
