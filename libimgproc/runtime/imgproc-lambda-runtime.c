/* The Lambda Runtime API client: next, response, error and init/error over
 * plain HTTP/1.1 to AWS_LAMBDA_RUNTIME_API. One request-building and one
 * response-reading path serve the async and the sync calls. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-private.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#define API_VERSION "2018-06-01/"

struct _ImgprocLambdaRuntime
{
  GObject parent_instance;

  char *api_address;
  SoupSession *session;
};

G_DEFINE_FINAL_TYPE (ImgprocLambdaRuntime, imgproc_lambda_runtime, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_API_ADDRESS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
imgproc_lambda_runtime_finalize (GObject *object)
{
  ImgprocLambdaRuntime *self = IMGPROC_LAMBDA_RUNTIME (object);

  g_free (self->api_address);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (imgproc_lambda_runtime_parent_class)->finalize (object);
}

static void
imgproc_lambda_runtime_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  ImgprocLambdaRuntime *self = IMGPROC_LAMBDA_RUNTIME (object);

  switch (prop_id)
    {
    case PROP_API_ADDRESS:
      g_value_set_string (value, self->api_address);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
imgproc_lambda_runtime_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  ImgprocLambdaRuntime *self = IMGPROC_LAMBDA_RUNTIME (object);

  switch (prop_id)
    {
    case PROP_API_ADDRESS:
      g_free (self->api_address);
      self->api_address = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
imgproc_lambda_runtime_class_init (ImgprocLambdaRuntimeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = imgproc_lambda_runtime_finalize;
  object_class->get_property = imgproc_lambda_runtime_get_property;
  object_class->set_property = imgproc_lambda_runtime_set_property;

  /**
   * ImgprocLambdaRuntime:api-address:
   *
   * The HOST:PORT of the Runtime API, as `AWS_LAMBDA_RUNTIME_API` gives it.
   */
  properties[PROP_API_ADDRESS] =
    g_param_spec_string ("api-address", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
imgproc_lambda_runtime_init (ImgprocLambdaRuntime *self)
{
  imgproc_ensure_i18n ();
  /* next blocks until an event comes, for as long as the environment is
   * frozen: no timeout may cut it. The API is local, so no proxy either. */
  self->session = soup_session_new_with_options ("timeout", 0,
                                                 "idle-timeout", 0,
                                                 "proxy-resolver", NULL,
                                                 "user-agent", "imgproc/" PACKAGE_VERSION,
                                                 NULL);
}

/**
 * imgproc_lambda_runtime_new:
 * @api_address: the HOST:PORT of the Runtime API
 *
 * Makes a client of the Runtime API at @api_address.
 *
 * Returns: (transfer full): a new runtime client
 */
ImgprocLambdaRuntime *
imgproc_lambda_runtime_new (const char *api_address)
{
  g_return_val_if_fail (api_address != NULL, NULL);

  return g_object_new (IMGPROC_TYPE_LAMBDA_RUNTIME, "api-address", api_address, NULL);
}

/**
 * imgproc_lambda_runtime_new_from_environment:
 * @error: return location for a #GError
 *
 * Makes a client of the Runtime API named by `AWS_LAMBDA_RUNTIME_API`, which
 * Lambda sets for custom runtimes.
 *
 * Returns: (transfer full): a new runtime client, or %NULL with @error set
 *   (%IMGPROC_RUNTIME_ERROR_NOT_CONFIGURED) when the variable is unset
 */
ImgprocLambdaRuntime *
imgproc_lambda_runtime_new_from_environment (GError **error)
{
  const char *address = g_getenv ("AWS_LAMBDA_RUNTIME_API");

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  imgproc_ensure_i18n ();
  if (address == NULL || *address == '\0')
    {
      g_set_error_literal (error, IMGPROC_RUNTIME_ERROR, IMGPROC_RUNTIME_ERROR_NOT_CONFIGURED,
                           _("AWS_LAMBDA_RUNTIME_API is not set: not running on Lambda"));
      return NULL;
    }
  return imgproc_lambda_runtime_new (address);
}

/**
 * imgproc_lambda_runtime_get_api_address:
 * @self: a runtime client
 *
 * Gives the address of the Runtime API.
 *
 * Returns: (transfer none): the HOST:PORT
 */
const char *
imgproc_lambda_runtime_get_api_address (ImgprocLambdaRuntime *self)
{
  g_return_val_if_fail (IMGPROC_IS_LAMBDA_RUNTIME (self), NULL);
  return self->api_address;
}

static SoupMessage *
build_message (ImgprocLambdaRuntime  *self,
               const char            *method,
               const char            *path,
               GError               **error)
{
  g_autofree char *root = g_strdup_printf ("http://%s/", self->api_address);
  g_autofree char *uri = NULL;
  g_autoptr(GUri) parsed = g_uri_parse (root, G_URI_FLAGS_NONE, NULL);

  /* Checked here so that a bad address never reaches the resolver. */
  if (parsed == NULL || g_uri_get_port (parsed) <= 0 || g_strcmp0 (g_uri_get_path (parsed), "/") != 0 ||
      g_uri_get_userinfo (parsed) != NULL)
    {
      g_set_error (error, IMGPROC_RUNTIME_ERROR, IMGPROC_RUNTIME_ERROR_NOT_CONFIGURED,
                   _("The Runtime API address “%s” is not HOST:PORT"), self->api_address);
      return NULL;
    }
  uri = g_strconcat (root, API_VERSION, path, NULL);
  return soup_message_new (method, uri);
}

static char *
error_document (const char *error_type,
                const char *error_message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "errorMessage");
  json_builder_add_string_value (builder, error_message);
  json_builder_set_member_name (builder, "errorType");
  json_builder_add_string_value (builder, error_type);
  json_builder_set_member_name (builder, "stackTrace");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static SoupMessage *
build_post (ImgprocLambdaRuntime  *self,
            const char            *path,
            GBytes                *body,
            const char            *content_type,
            const char            *error_type,
            GError               **error)
{
  SoupMessage *message = build_message (self, SOUP_METHOD_POST, path, error);

  if (message == NULL)
    return NULL;
  soup_message_set_request_body_from_bytes (message, content_type, body);
  if (error_type != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message),
                                  "Lambda-Runtime-Function-Error-Type", error_type);
  return message;
}

static SoupMessage *
build_error_post (ImgprocLambdaRuntime  *self,
                  const char            *request_id,
                  const char            *error_type,
                  const char            *error_message,
                  GError               **error)
{
  char *document = error_document (error_type, error_message);
  gsize length = strlen (document);
  g_autoptr(GBytes) body = g_bytes_new_take (document, length);
  g_autofree char *path = NULL;

  if (request_id != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (request_id, NULL, FALSE);
      path = g_strdup_printf ("runtime/invocation/%s/error", escaped);
    }
  else
    path = g_strdup ("runtime/init/error");
  return build_post (self, path, body, "application/json", error_type, error);
}

static gboolean
check_response (SoupMessage  *message,
                GError      **error)
{
  guint status = soup_message_get_status (message);
  const char *path = g_uri_get_path (soup_message_get_uri (message));

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    return TRUE;
  if (status >= 500)
    g_set_error (error, IMGPROC_RUNTIME_ERROR, IMGPROC_RUNTIME_ERROR_CONTAINER,
                 _("The Runtime API reported a container error (HTTP %u) for %s: the runtime must exit"),
                 status, path);
  else if (status >= 400)
    g_set_error (error, IMGPROC_RUNTIME_ERROR, IMGPROC_RUNTIME_ERROR_REJECTED,
                 _("The Runtime API refused %s (HTTP %u)"), path, status);
  else
    g_set_error (error, IMGPROC_RUNTIME_ERROR, IMGPROC_RUNTIME_ERROR_PROTOCOL,
                 _("The Runtime API answered %s with HTTP %u"), path, status);
  return FALSE;
}

static void
transport_error (GError  **error,
                 GError   *cause)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, cause);
  else
    {
      g_set_error (error, IMGPROC_RUNTIME_ERROR, IMGPROC_RUNTIME_ERROR_TRANSPORT,
                   _("Cannot reach the Runtime API: %s"), cause->message);
      g_error_free (cause);
    }
}

/* Not thread-safe, like setenv itself: the Runtime API hands out one
 * invocation at a time, and the service reads the variable in between. */
static void
export_trace_id (const char *trace_id)
{
  if (trace_id != NULL && *trace_id != '\0')
    g_setenv ("_X_AMZN_TRACE_ID", trace_id, TRUE);
  else
    g_unsetenv ("_X_AMZN_TRACE_ID");
}

static ImgprocInvocation *
read_invocation (SoupMessage  *message,
                 GBytes       *body,
                 GError      **error)
{
  SoupMessageHeaders *headers;
  const char *request_id, *deadline, *trace_id;
  gint64 deadline_ms = 0;

  if (!check_response (message, error))
    return NULL;

  headers = soup_message_get_response_headers (message);
  request_id = soup_message_headers_get_one (headers, "Lambda-Runtime-Aws-Request-Id");
  if (request_id == NULL || *request_id == '\0')
    {
      g_set_error_literal (error, IMGPROC_RUNTIME_ERROR, IMGPROC_RUNTIME_ERROR_PROTOCOL,
                           _("The Runtime API sent an invocation without Lambda-Runtime-Aws-Request-Id"));
      return NULL;
    }
  deadline = soup_message_headers_get_one (headers, "Lambda-Runtime-Deadline-Ms");
  if (deadline != NULL &&
      !g_ascii_string_to_signed (deadline, 10, 0, G_MAXINT64, &deadline_ms, NULL))
    deadline_ms = 0;
  trace_id = soup_message_headers_get_one (headers, "Lambda-Runtime-Trace-Id");

  export_trace_id (trace_id);
  return imgproc_invocation_new (request_id, deadline_ms,
                                 soup_message_headers_get_one (headers, "Lambda-Runtime-Invoked-Function-Arn"),
                                 trace_id, body);
}

typedef enum {
  CALL_NEXT,
  CALL_POST,
} CallKind;

static void
send_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *message = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  GError *outcome = NULL;

  if (body == NULL)
    {
      transport_error (&outcome, error);
      g_task_return_error (task, outcome);
      return;
    }

  if (GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "imgproc-call")) == CALL_NEXT)
    {
      ImgprocInvocation *invocation = read_invocation (message, body, &outcome);

      if (invocation == NULL)
        g_task_return_error (task, outcome);
      else
        g_task_return_pointer (task, invocation, (GDestroyNotify) imgproc_invocation_unref);
    }
  else if (check_response (message, &outcome))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, outcome);
}

static void
start_call (ImgprocLambdaRuntime *self,
            SoupMessage          *message,
            CallKind              kind,
            gpointer              source_tag,
            GCancellable         *cancellable,
            GAsyncReadyCallback   callback,
            gpointer              user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, message, g_object_unref);
  g_object_set_data (G_OBJECT (task), "imgproc-call", GINT_TO_POINTER (kind));
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT, cancellable,
                                    send_done, task);
}

static GBytes *
send_sync (ImgprocLambdaRuntime  *self,
           SoupMessage           *message,
           GCancellable          *cancellable,
           GError               **error)
{
  GError *local_error = NULL;
  GBytes *body = soup_session_send_and_read (self->session, message, cancellable, &local_error);

  if (body == NULL)
    transport_error (error, local_error);
  return body;
}

/**
 * imgproc_lambda_runtime_next_async:
 * @self: a runtime client
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when an invocation arrives
 * @user_data: data for @callback
 *
 * Asks the Runtime API for the next invocation
 * (`GET /2018-06-01/runtime/invocation/next`). The call has no timeout: it
 * waits as long as Lambda keeps the environment frozen.
 */
void
imgproc_lambda_runtime_next_async (ImgprocLambdaRuntime *self,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  g_autoptr(GError) error = NULL;
  SoupMessage *message;

  g_return_if_fail (IMGPROC_IS_LAMBDA_RUNTIME (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  message = build_message (self, SOUP_METHOD_GET, "runtime/invocation/next", &error);
  if (message == NULL)
    {
      g_task_report_error (self, callback, user_data, imgproc_lambda_runtime_next_async,
                           g_steal_pointer (&error));
      return;
    }
  start_call (self, message, CALL_NEXT, imgproc_lambda_runtime_next_async,
              cancellable, callback, user_data);
}

/**
 * imgproc_lambda_runtime_next_finish:
 * @self: a runtime client
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Imgproc.LambdaRuntime.next_async]. On success it also
 * sets `_X_AMZN_TRACE_ID` to the invocation's trace header, or unsets it when
 * the invocation has none, as Lambda's own runtimes do.
 *
 * Returns: (transfer full): the invocation, or %NULL with @error set
 */
ImgprocInvocation *
imgproc_lambda_runtime_next_finish (ImgprocLambdaRuntime  *self,
                                    GAsyncResult          *result,
                                    GError               **error)
{
  g_return_val_if_fail (IMGPROC_IS_LAMBDA_RUNTIME (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * imgproc_lambda_runtime_next_sync:
 * @self: a runtime client
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Waits for the next invocation: the blocking form of
 * [method@Imgproc.LambdaRuntime.next_async], which sets `_X_AMZN_TRACE_ID`
 * the same way.
 *
 * Returns: (transfer full): the invocation, or %NULL with @error set
 */
ImgprocInvocation *
imgproc_lambda_runtime_next_sync (ImgprocLambdaRuntime  *self,
                                  GCancellable          *cancellable,
                                  GError               **error)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;

  g_return_val_if_fail (IMGPROC_IS_LAMBDA_RUNTIME (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  message = build_message (self, SOUP_METHOD_GET, "runtime/invocation/next", error);
  if (message == NULL)
    return NULL;
  body = send_sync (self, message, cancellable, error);
  if (body == NULL)
    return NULL;
  return read_invocation (message, body, error);
}

static SoupMessage *
build_response_post (ImgprocLambdaRuntime  *self,
                     const char            *request_id,
                     GBytes                *body,
                     const char            *content_type,
                     GError               **error)
{
  g_autofree char *escaped = g_uri_escape_string (request_id, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("runtime/invocation/%s/response", escaped);

  return build_post (self, path, body, content_type != NULL ? content_type : "application/json",
                     NULL, error);
}

/**
 * imgproc_lambda_runtime_respond_async:
 * @self: a runtime client
 * @request_id: the request id of the invocation
 * @body: the function's result
 * @content_type: (nullable): the media type of @body; %NULL means
 *   "application/json"
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the Runtime API has the response
 * @user_data: data for @callback
 *
 * Sends the result of an invocation
 * (`POST /2018-06-01/runtime/invocation/{id}/response`).
 */
void
imgproc_lambda_runtime_respond_async (ImgprocLambdaRuntime *self,
                                      const char           *request_id,
                                      GBytes               *body,
                                      const char           *content_type,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data)
{
  g_autoptr(GError) error = NULL;
  SoupMessage *message;

  g_return_if_fail (IMGPROC_IS_LAMBDA_RUNTIME (self));
  g_return_if_fail (request_id != NULL);
  g_return_if_fail (body != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  message = build_response_post (self, request_id, body, content_type, &error);
  if (message == NULL)
    {
      g_task_report_error (self, callback, user_data, imgproc_lambda_runtime_respond_async,
                           g_steal_pointer (&error));
      return;
    }
  start_call (self, message, CALL_POST, imgproc_lambda_runtime_respond_async,
              cancellable, callback, user_data);
}

/**
 * imgproc_lambda_runtime_respond_finish:
 * @self: a runtime client
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Imgproc.LambdaRuntime.respond_async].
 *
 * Returns: %TRUE if the Runtime API accepted the response; %FALSE with @error
 *   set otherwise (%IMGPROC_RUNTIME_ERROR_CONTAINER means: exit)
 */
gboolean
imgproc_lambda_runtime_respond_finish (ImgprocLambdaRuntime  *self,
                                       GAsyncResult          *result,
                                       GError               **error)
{
  g_return_val_if_fail (IMGPROC_IS_LAMBDA_RUNTIME (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * imgproc_lambda_runtime_respond_sync:
 * @self: a runtime client
 * @request_id: the request id of the invocation
 * @body: the function's result
 * @content_type: (nullable): the media type of @body; %NULL means
 *   "application/json"
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Sends the result of an invocation: the blocking form of
 * [method@Imgproc.LambdaRuntime.respond_async].
 *
 * Returns: %TRUE if the Runtime API accepted the response
 */
gboolean
imgproc_lambda_runtime_respond_sync (ImgprocLambdaRuntime  *self,
                                     const char            *request_id,
                                     GBytes                *body,
                                     const char            *content_type,
                                     GCancellable          *cancellable,
                                     GError               **error)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) reply = NULL;

  g_return_val_if_fail (IMGPROC_IS_LAMBDA_RUNTIME (self), FALSE);
  g_return_val_if_fail (request_id != NULL, FALSE);
  g_return_val_if_fail (body != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  message = build_response_post (self, request_id, body, content_type, error);
  if (message == NULL)
    return FALSE;
  reply = send_sync (self, message, cancellable, error);
  return reply != NULL && check_response (message, error);
}

/**
 * imgproc_lambda_runtime_report_error_async:
 * @self: a runtime client
 * @request_id: (nullable): the request id of the failed invocation, or %NULL
 *   for a failure before the first invocation
 * @error_type: the error type, in Lambda's `Category.Reason` form such as
 *   "Runtime.HandlerFailed"
 * @error_message: what went wrong
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the Runtime API has the report
 * @user_data: data for @callback
 *
 * Reports a failure: of an invocation
 * (`POST /2018-06-01/runtime/invocation/{id}/error`), or of initialisation
 * (`POST /2018-06-01/runtime/init/error`, after which the process should
 * exit). The type goes in the `Lambda-Runtime-Function-Error-Type` header,
 * and the body is `{"errorMessage":…,"errorType":…,"stackTrace":[]}`.
 */
void
imgproc_lambda_runtime_report_error_async (ImgprocLambdaRuntime *self,
                                           const char           *request_id,
                                           const char           *error_type,
                                           const char           *error_message,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data)
{
  g_autoptr(GError) error = NULL;
  SoupMessage *message;

  g_return_if_fail (IMGPROC_IS_LAMBDA_RUNTIME (self));
  g_return_if_fail (error_type != NULL);
  g_return_if_fail (error_message != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  message = build_error_post (self, request_id, error_type, error_message, &error);
  if (message == NULL)
    {
      g_task_report_error (self, callback, user_data, imgproc_lambda_runtime_report_error_async,
                           g_steal_pointer (&error));
      return;
    }
  start_call (self, message, CALL_POST, imgproc_lambda_runtime_report_error_async,
              cancellable, callback, user_data);
}

/**
 * imgproc_lambda_runtime_report_error_finish:
 * @self: a runtime client
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Imgproc.LambdaRuntime.report_error_async].
 *
 * Returns: %TRUE if the Runtime API accepted the report
 */
gboolean
imgproc_lambda_runtime_report_error_finish (ImgprocLambdaRuntime  *self,
                                            GAsyncResult          *result,
                                            GError               **error)
{
  g_return_val_if_fail (IMGPROC_IS_LAMBDA_RUNTIME (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * imgproc_lambda_runtime_report_error_sync:
 * @self: a runtime client
 * @request_id: (nullable): the request id of the failed invocation, or %NULL
 *   for an initialisation failure
 * @error_type: the error type, such as "Runtime.InitFailed"
 * @error_message: what went wrong
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reports a failure: the blocking form of
 * [method@Imgproc.LambdaRuntime.report_error_async].
 *
 * Returns: %TRUE if the Runtime API accepted the report
 */
gboolean
imgproc_lambda_runtime_report_error_sync (ImgprocLambdaRuntime  *self,
                                          const char            *request_id,
                                          const char            *error_type,
                                          const char            *error_message,
                                          GCancellable          *cancellable,
                                          GError               **error)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) reply = NULL;

  g_return_val_if_fail (IMGPROC_IS_LAMBDA_RUNTIME (self), FALSE);
  g_return_val_if_fail (error_type != NULL, FALSE);
  g_return_val_if_fail (error_message != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  message = build_error_post (self, request_id, error_type, error_message, error);
  if (message == NULL)
    return FALSE;
  reply = send_sync (self, message, cancellable, error);
  return reply != NULL && check_response (message, error);
}
