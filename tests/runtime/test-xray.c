/* Tests of ImgprocTraceHeader and ImgprocXrayEmitter, against a loopback
 * UDP socket standing in for the X-Ray daemon. */
#include "config.h"

#include "imgproc.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define TRACE "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"

static void
test_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ImgprocTraceHeader) header = imgproc_trace_header_parse (TRACE, &error);
  g_autoptr(ImgprocTraceHeader) lineage =
    imgproc_trace_header_parse ("Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Lineage=a87bd80c:1|68fd508a:5", &error);
  g_autoptr(ImgprocTraceHeader) requested =
    imgproc_trace_header_parse ("Sampled=?; Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700", &error);
  g_autoptr(ImgprocTraceHeader) off =
    imgproc_trace_header_parse ("Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=0", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_trace_header_get_root (header), ==, "1-5bef4de7-ad49b0e87f6ef6c87fc2e700");
  g_assert_cmpstr (imgproc_trace_header_get_parent (header), ==, "9a9197af755a6419");
  g_assert_cmpint (imgproc_trace_header_get_sampling (header), ==, IMGPROC_TRACE_SAMPLING_SAMPLED);
  g_assert_cmpstr (imgproc_trace_header_to_string (header), ==, TRACE);

  g_assert_null (imgproc_trace_header_get_parent (lineage));
  g_assert_cmpint (imgproc_trace_header_get_sampling (lineage), ==, IMGPROC_TRACE_SAMPLING_UNKNOWN);
  g_assert_cmpint (imgproc_trace_header_get_sampling (requested), ==, IMGPROC_TRACE_SAMPLING_REQUESTED);
  g_assert_cmpint (imgproc_trace_header_get_sampling (off), ==, IMGPROC_TRACE_SAMPLING_NOT_SAMPLED);
}

static void
test_parse_invalid (void)
{
  const char *cases[] = {
    "",
    "Parent=9a9197af755a6419;Sampled=1",
    "Root=",
    "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e70",
    "Root=2-5bef4de7-ad49b0e87f6ef6c87fc2e700",
    "Root=1-5bef4dZ7-ad49b0e87f6ef6c87fc2e700",
    "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=xyz",
    "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a64190",
    "garbage;;;==;",
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ImgprocTraceHeader) header = imgproc_trace_header_parse (cases[i], &error);

      g_assert_null (header);
      g_assert_error (error, IMGPROC_RUNTIME_ERROR, IMGPROC_RUNTIME_ERROR_INVALID_TRACE_HEADER);
    }
}

static JsonObject *
parse_document (JsonParser *parser,
                const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_build (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ImgprocXrayEmitter) emitter = imgproc_xray_emitter_new ("127.0.0.1:2000", &error);
  g_autoptr(ImgprocTraceHeader) header = imgproc_trace_header_parse (TRACE, &error);
  struct { guint status; const char *flag; } cases[] = {
    { 200, NULL }, { 404, "error" }, { 429, "throttle" }, { 503, "fault" }, { 0, "fault" },
  };
  gsize i;

  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_xray_emitter_get_daemon_address (emitter), ==, "127.0.0.1:2000");

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *id = NULL;
      g_autofree char *text = imgproc_xray_emitter_build_subsegment (emitter, header, "S3", "GetObject",
                                                                     1700000000.25, 1700000000.5,
                                                                     cases[i].status, &id);
      JsonObject *object = parse_document (parser, text);

      g_assert_cmpuint (strlen (id), ==, 16);
      g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, id);
      g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "S3");
      g_assert_cmpstr (json_object_get_string_member (object, "trace_id"), ==, "1-5bef4de7-ad49b0e87f6ef6c87fc2e700");
      g_assert_cmpstr (json_object_get_string_member (object, "parent_id"), ==, "9a9197af755a6419");
      g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "subsegment");
      g_assert_cmpstr (json_object_get_string_member (object, "namespace"), ==, "aws");
      g_assert_cmpfloat (json_object_get_double_member (object, "start_time"), ==, 1700000000.25);
      g_assert_cmpfloat (json_object_get_double_member (object, "end_time"), ==, 1700000000.5);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "aws"), "operation"), ==,
                       "GetObject");
      if (cases[i].status != 0)
        g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (
                           json_object_get_object_member (object, "http"), "response"), "status"), ==,
                         cases[i].status);
      else
        g_assert_false (json_object_has_member (object, "http"));
      if (cases[i].flag != NULL)
        g_assert_true (json_object_get_boolean_member (object, cases[i].flag));
      else
        g_assert_false (json_object_has_member (object, "error") || json_object_has_member (object, "fault"));
    }
}

static void
test_send (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocket) daemon = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(ImgprocXrayEmitter) emitter = NULL;
  g_autoptr(ImgprocTraceHeader) header = imgproc_trace_header_parse (TRACE, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *address = NULL;
  char buffer[65536];
  gssize received;
  const char *newline;
  JsonObject *object;

  daemon = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (daemon, any, TRUE, &error));
  bound = g_socket_get_local_address (daemon, &error);
  address = g_strdup_printf ("tcp:127.0.0.1:1 udp:127.0.0.1:%u",
                             g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  emitter = imgproc_xray_emitter_new (address, &error);
  g_assert_no_error (error);
  g_assert_true (imgproc_xray_emitter_send_subsegment (emitter, header, "DynamoDB", "PutItem",
                                                       10.0, 11.0, 200, &error));
  g_assert_no_error (error);

  received = g_socket_receive (daemon, buffer, sizeof buffer - 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (received, >, 0);
  buffer[received] = '\0';

  g_assert_true (g_str_has_prefix (buffer, "{\"format\":\"json\",\"version\":1}\n"));
  newline = strchr (buffer, '\n');
  object = parse_document (parser, newline + 1);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "DynamoDB");
  g_assert_cmpstr (json_object_get_string_member (object, "trace_id"), ==, "1-5bef4de7-ad49b0e87f6ef6c87fc2e700");
}

static void
test_addresses (void)
{
  const char *bad[] = { "", "localhost:2000", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", "tcp:x udp:y" };
  g_autoptr(GError) error = NULL;
  g_autoptr(ImgprocXrayEmitter) v6 = imgproc_xray_emitter_new ("::1:2000", &error);
  g_autoptr(ImgprocXrayEmitter) from_env = NULL;
  gsize i;

  g_assert_no_error (error);
  g_assert_nonnull (v6);
  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(ImgprocXrayEmitter) emitter = imgproc_xray_emitter_new (bad[i], &error);

      g_assert_null (emitter);
      g_assert_error (error, IMGPROC_RUNTIME_ERROR, IMGPROC_RUNTIME_ERROR_NOT_CONFIGURED);
      g_clear_error (&error);
    }

  g_unsetenv ("AWS_XRAY_DAEMON_ADDRESS");
  g_assert_null (imgproc_xray_emitter_new_from_environment (&error));
  g_assert_error (error, IMGPROC_RUNTIME_ERROR, IMGPROC_RUNTIME_ERROR_NOT_CONFIGURED);
  g_clear_error (&error);
  g_setenv ("AWS_XRAY_DAEMON_ADDRESS", "169.254.79.129:2000", TRUE);
  from_env = imgproc_xray_emitter_new_from_environment (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (imgproc_xray_emitter_get_daemon_address (from_env), ==, "169.254.79.129:2000");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xray/parse", test_parse);
  g_test_add_func ("/xray/parse-invalid", test_parse_invalid);
  g_test_add_func ("/xray/build", test_build);
  g_test_add_func ("/xray/send", test_send);
  g_test_add_func ("/xray/addresses", test_addresses);

  return g_test_run ();
}
