/* Emits independent X-Ray subsegments: one UDP datagram each, the daemon's
 * header line then the segment document. Sending never blocks: UDP to a
 * local daemon either goes or is lost, and tracing must not slow the work. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-private.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define DAEMON_HEADER "{\"format\":\"json\",\"version\":1}\n"

struct _ImgprocXrayEmitter
{
  GObject parent_instance;

  char *daemon_address;
  GSocketAddress *address;
  GSocket *socket;
};

G_DEFINE_FINAL_TYPE (ImgprocXrayEmitter, imgproc_xray_emitter, G_TYPE_OBJECT)

static void
imgproc_xray_emitter_finalize (GObject *object)
{
  ImgprocXrayEmitter *self = IMGPROC_XRAY_EMITTER (object);

  g_free (self->daemon_address);
  g_clear_object (&self->address);
  g_clear_object (&self->socket);

  G_OBJECT_CLASS (imgproc_xray_emitter_parent_class)->finalize (object);
}

static void
imgproc_xray_emitter_class_init (ImgprocXrayEmitterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = imgproc_xray_emitter_finalize;
}

static void
imgproc_xray_emitter_init (ImgprocXrayEmitter *self)
{
  imgproc_ensure_i18n ();
}

/* "127.0.0.1:2000", or the two-protocol form
 * "tcp:127.0.0.1:2000 udp:127.0.0.2:2001", of which UDP is wanted. */
static char *
udp_part (const char *daemon_address)
{
  g_auto(GStrv) parts = g_strsplit (daemon_address, " ", -1);
  guint i;

  for (i = 0; parts[i] != NULL; i++)
    if (g_str_has_prefix (parts[i], "udp:"))
      return g_strdup (parts[i] + 4);
  return g_strdup (daemon_address);
}

/**
 * imgproc_xray_emitter_new:
 * @daemon_address: the X-Ray daemon's address: HOST:PORT with a numeric
 *   host, or the `tcp:… udp:…` form of `AWS_XRAY_DAEMON_ADDRESS`
 * @error: return location for a #GError
 *
 * Makes an emitter that sends to the X-Ray daemon over UDP. The host must be
 * an IP address, so that no name is resolved on the way.
 *
 * Returns: (transfer full): a new emitter, or %NULL with @error set
 */
ImgprocXrayEmitter *
imgproc_xray_emitter_new (const char  *daemon_address,
                          GError     **error)
{
  g_autoptr(ImgprocXrayEmitter) self = NULL;
  g_autofree char *udp = NULL;
  g_autoptr(GInetAddress) host = NULL;
  const char *colon;
  guint64 port;

  g_return_val_if_fail (daemon_address != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (IMGPROC_TYPE_XRAY_EMITTER, NULL);
  self->daemon_address = g_strdup (daemon_address);
  udp = udp_part (daemon_address);
  colon = strrchr (udp, ':');
  if (colon != NULL)
    {
      g_autofree char *host_text = g_strndup (udp, colon - udp);

      host = g_inet_address_new_from_string (host_text);
    }
  if (host == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &port, NULL))
    {
      g_set_error (error, IMGPROC_RUNTIME_ERROR, IMGPROC_RUNTIME_ERROR_NOT_CONFIGURED,
                   _("The X-Ray daemon address “%s” is not IP:PORT"), daemon_address);
      return NULL;
    }

  self->address = g_inet_socket_address_new (host, (guint16) port);
  self->socket = g_socket_new (g_inet_address_get_family (host), G_SOCKET_TYPE_DATAGRAM,
                               G_SOCKET_PROTOCOL_UDP, error);
  if (self->socket == NULL)
    return NULL;
  g_socket_set_blocking (self->socket, FALSE);
  return g_steal_pointer (&self);
}

/**
 * imgproc_xray_emitter_new_from_environment:
 * @error: return location for a #GError
 *
 * Makes an emitter for `AWS_XRAY_DAEMON_ADDRESS`, which Lambda sets when
 * active tracing is on.
 *
 * Returns: (transfer full): a new emitter, or %NULL with @error set
 *   (%IMGPROC_RUNTIME_ERROR_NOT_CONFIGURED when the variable is unset)
 */
ImgprocXrayEmitter *
imgproc_xray_emitter_new_from_environment (GError **error)
{
  const char *address = g_getenv ("AWS_XRAY_DAEMON_ADDRESS");

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  imgproc_ensure_i18n ();
  if (address == NULL || *address == '\0')
    {
      g_set_error_literal (error, IMGPROC_RUNTIME_ERROR, IMGPROC_RUNTIME_ERROR_NOT_CONFIGURED,
                           _("AWS_XRAY_DAEMON_ADDRESS is not set: tracing is off"));
      return NULL;
    }
  return imgproc_xray_emitter_new (address, error);
}

/**
 * imgproc_xray_emitter_get_daemon_address:
 * @self: an emitter
 *
 * Gives the daemon address the emitter was made with.
 *
 * Returns: (transfer none): the address
 */
const char *
imgproc_xray_emitter_get_daemon_address (ImgprocXrayEmitter *self)
{
  g_return_val_if_fail (IMGPROC_IS_XRAY_EMITTER (self), NULL);
  return self->daemon_address;
}

static char *
new_segment_id (void)
{
  return g_strdup_printf ("%08x%08x", g_random_int (), g_random_int ());
}

/**
 * imgproc_xray_emitter_build_subsegment:
 * @self: an emitter
 * @trace: the trace the subsegment belongs to; its `Parent` is the parent
 * @name: the subsegment name: the service called, such as "S3" or "DynamoDB"
 * @operation: (nullable): the AWS operation, such as "GetObject"
 * @start_time: when the call started, in seconds since the Unix epoch
 * @end_time: when it ended, in seconds since the Unix epoch
 * @http_status: the HTTP status of the response, or 0 when none came
 * @subsegment_id: (out) (optional) (transfer full): where to store the new
 *   subsegment's id
 *
 * Writes an independent subsegment document in namespace "aws": `id`,
 * `trace_id`, `parent_id`, `name`, `start_time`, `end_time`,
 * `"type":"subsegment"`, `aws.operation` and `http.response.status`. A 4xx
 * status sets `error` (and `throttle` for 429), a 5xx status or no response
 * sets `fault`.
 *
 * Returns: (transfer full): the JSON document
 */
char *
imgproc_xray_emitter_build_subsegment (ImgprocXrayEmitter       *self,
                                       const ImgprocTraceHeader *trace,
                                       const char               *name,
                                       const char               *operation,
                                       double                    start_time,
                                       double                    end_time,
                                       guint                     http_status,
                                       char                    **subsegment_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *id = new_segment_id ();
  const char *parent;

  g_return_val_if_fail (IMGPROC_IS_XRAY_EMITTER (self), NULL);
  g_return_val_if_fail (trace != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "trace_id");
  json_builder_add_string_value (builder, imgproc_trace_header_get_root (trace));
  parent = imgproc_trace_header_get_parent (trace);
  if (parent != NULL)
    {
      json_builder_set_member_name (builder, "parent_id");
      json_builder_add_string_value (builder, parent);
    }
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "subsegment");
  json_builder_set_member_name (builder, "namespace");
  json_builder_add_string_value (builder, "aws");
  json_builder_set_member_name (builder, "start_time");
  json_builder_add_double_value (builder, start_time);
  json_builder_set_member_name (builder, "end_time");
  json_builder_add_double_value (builder, end_time);
  if (operation != NULL)
    {
      json_builder_set_member_name (builder, "aws");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "operation");
      json_builder_add_string_value (builder, operation);
      json_builder_end_object (builder);
    }
  if (http_status != 0)
    {
      json_builder_set_member_name (builder, "http");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "response");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "status");
      json_builder_add_int_value (builder, http_status);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  if (http_status >= 400 && http_status < 500)
    {
      json_builder_set_member_name (builder, "error");
      json_builder_add_boolean_value (builder, TRUE);
      if (http_status == 429)
        {
          json_builder_set_member_name (builder, "throttle");
          json_builder_add_boolean_value (builder, TRUE);
        }
    }
  else if (http_status == 0 || http_status >= 500)
    {
      json_builder_set_member_name (builder, "fault");
      json_builder_add_boolean_value (builder, TRUE);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  if (subsegment_id != NULL)
    *subsegment_id = g_steal_pointer (&id);
  return json_generator_to_data (generator, NULL);
}

/**
 * imgproc_xray_emitter_send_subsegment:
 * @self: an emitter
 * @trace: the trace the subsegment belongs to
 * @name: the subsegment name, such as "S3"
 * @operation: (nullable): the AWS operation, such as "PutObject"
 * @start_time: when the call started, in seconds since the Unix epoch
 * @end_time: when it ended, in seconds since the Unix epoch
 * @http_status: the HTTP status of the response, or 0 when none came
 * @error: return location for a #GError
 *
 * Sends the document of [method@Imgproc.XrayEmitter.build_subsegment] to the
 * daemon, after the `{"format":"json","version":1}` header line, in one
 * datagram. The caller decides whether the trace is sampled
 * ([method@Imgproc.TraceHeader.get_sampling]).
 *
 * Returns: %TRUE if the datagram went out; %FALSE with @error set otherwise
 */
gboolean
imgproc_xray_emitter_send_subsegment (ImgprocXrayEmitter        *self,
                                      const ImgprocTraceHeader  *trace,
                                      const char                *name,
                                      const char                *operation,
                                      double                     start_time,
                                      double                     end_time,
                                      guint                      http_status,
                                      GError                   **error)
{
  g_autofree char *document = NULL;
  g_autofree char *datagram = NULL;
  gsize length;
  gssize sent;

  g_return_val_if_fail (IMGPROC_IS_XRAY_EMITTER (self), FALSE);
  g_return_val_if_fail (trace != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  document = imgproc_xray_emitter_build_subsegment (self, trace, name, operation, start_time,
                                                    end_time, http_status, NULL);
  datagram = g_strconcat (DAEMON_HEADER, document, NULL);
  length = strlen (datagram);
  sent = g_socket_send_to (self->socket, self->address, datagram, length, NULL, error);
  return sent == (gssize) length;
}
