/* An immutable, reference-counted Lambda invocation. */
#include "config.h"

#include "imgproc.h"

struct _ImgprocInvocation
{
  gatomicrefcount ref_count;
  char *request_id;
  gint64 deadline_ms;
  char *function_arn;
  char *trace_id;
  GBytes *event;
};

G_DEFINE_BOXED_TYPE (ImgprocInvocation, imgproc_invocation,
                     imgproc_invocation_ref, imgproc_invocation_unref)

/**
 * imgproc_invocation_new:
 * @request_id: the `Lambda-Runtime-Aws-Request-Id`
 * @deadline_ms: the `Lambda-Runtime-Deadline-Ms`: when the invocation times
 *   out, in milliseconds since the Unix epoch, or 0 when unknown
 * @function_arn: (nullable): the `Lambda-Runtime-Invoked-Function-Arn`
 * @trace_id: (nullable): the `Lambda-Runtime-Trace-Id`
 * @event: the event bytes
 *
 * Makes an invocation. The runtime client makes them from `next`; tests and
 * local drivers make them by hand.
 *
 * Returns: (transfer full): a new invocation
 */
ImgprocInvocation *
imgproc_invocation_new (const char *request_id,
                        gint64      deadline_ms,
                        const char *function_arn,
                        const char *trace_id,
                        GBytes     *event)
{
  ImgprocInvocation *self;

  g_return_val_if_fail (request_id != NULL, NULL);
  g_return_val_if_fail (event != NULL, NULL);

  self = g_new0 (ImgprocInvocation, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->request_id = g_strdup (request_id);
  self->deadline_ms = deadline_ms;
  self->function_arn = g_strdup (function_arn);
  self->trace_id = g_strdup (trace_id);
  self->event = g_bytes_ref (event);
  return self;
}

/**
 * imgproc_invocation_ref:
 * @self: an invocation
 *
 * Takes a reference to @self.
 *
 * Returns: (transfer full): @self
 */
ImgprocInvocation *
imgproc_invocation_ref (ImgprocInvocation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * imgproc_invocation_unref:
 * @self: (transfer full): an invocation
 *
 * Drops a reference to @self, and frees it with the last one.
 */
void
imgproc_invocation_unref (ImgprocInvocation *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->request_id);
      g_free (self->function_arn);
      g_free (self->trace_id);
      g_bytes_unref (self->event);
      g_free (self);
    }
}

/**
 * imgproc_invocation_get_request_id:
 * @self: an invocation
 *
 * Gives the request id, which names the invocation in the response, in error
 * reports and in logs.
 *
 * Returns: (transfer none): the request id
 */
const char *
imgproc_invocation_get_request_id (const ImgprocInvocation *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->request_id;
}

/**
 * imgproc_invocation_get_deadline_ms:
 * @self: an invocation
 *
 * Gives the time the invocation times out at.
 *
 * Returns: milliseconds since the Unix epoch, or 0 when unknown
 */
gint64
imgproc_invocation_get_deadline_ms (const ImgprocInvocation *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->deadline_ms;
}

/**
 * imgproc_invocation_get_function_arn:
 * @self: an invocation
 *
 * Gives the ARN the function was invoked by, with its version or alias.
 *
 * Returns: (transfer none) (nullable): the function ARN
 */
const char *
imgproc_invocation_get_function_arn (const ImgprocInvocation *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->function_arn;
}

/**
 * imgproc_invocation_get_trace_id:
 * @self: an invocation
 *
 * Gives the X-Ray trace header of the invocation, such as
 * `Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1`.
 *
 * Returns: (transfer none) (nullable): the trace header, or %NULL
 */
const char *
imgproc_invocation_get_trace_id (const ImgprocInvocation *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->trace_id;
}

/**
 * imgproc_invocation_get_event:
 * @self: an invocation
 *
 * Gives the event the function was invoked with.
 *
 * Returns: (transfer none): the event bytes
 */
GBytes *
imgproc_invocation_get_event (const ImgprocInvocation *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->event;
}

/**
 * imgproc_invocation_get_remaining_ms:
 * @self: an invocation
 *
 * Tells how much time is left before the deadline, by the wall clock (the
 * deadline is wall-clock time).
 *
 * Returns: the milliseconds left, negative when past the deadline, or
 *   %G_MAXINT64 when the deadline is unknown
 */
gint64
imgproc_invocation_get_remaining_ms (const ImgprocInvocation *self)
{
  g_return_val_if_fail (self != NULL, 0);

  if (self->deadline_ms <= 0)
    return G_MAXINT64;
  return self->deadline_ms - g_get_real_time () / 1000;
}
