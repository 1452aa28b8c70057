/* The error domain of the runtime: the Lambda Runtime API and telemetry. */
#pragma once

#if !defined(IMGPROC_INSIDE) && !defined(IMGPROC_COMPILATION)
#error "Only <imgproc.h> can be included directly."
#endif

#include <glib.h>
#include "imgproc-version.h"

G_BEGIN_DECLS

/**
 * IMGPROC_RUNTIME_ERROR:
 *
 * The error domain of the runtime: errors in this domain come from
 * [enum@Imgproc.RuntimeError].
 */
#define IMGPROC_RUNTIME_ERROR (imgproc_runtime_error_quark ())

/**
 * ImgprocRuntimeError:
 * @IMGPROC_RUNTIME_ERROR_NOT_CONFIGURED: `AWS_LAMBDA_RUNTIME_API` is not set,
 *   or an address is not HOST:PORT
 * @IMGPROC_RUNTIME_ERROR_PROTOCOL: the Runtime API answered something the
 *   protocol does not allow, such as an invocation without a request id
 * @IMGPROC_RUNTIME_ERROR_REJECTED: the Runtime API refused a request (400,
 *   403, 413): the invocation is lost but the runtime can go on
 * @IMGPROC_RUNTIME_ERROR_CONTAINER: the Runtime API reported a container
 *   error (500): the process must exit
 * @IMGPROC_RUNTIME_ERROR_TRANSPORT: the request did not complete
 * @IMGPROC_RUNTIME_ERROR_INVALID_TRACE_HEADER: an X-Ray trace header has no
 *   valid `Root`
 *
 * Why a call to the Runtime API or a telemetry operation failed. The codes
 * are append-only.
 */
typedef enum {
  IMGPROC_RUNTIME_ERROR_NOT_CONFIGURED = 1,
  IMGPROC_RUNTIME_ERROR_PROTOCOL = 2,
  IMGPROC_RUNTIME_ERROR_REJECTED = 3,
  IMGPROC_RUNTIME_ERROR_CONTAINER = 4,
  IMGPROC_RUNTIME_ERROR_TRANSPORT = 5,
  IMGPROC_RUNTIME_ERROR_INVALID_TRACE_HEADER = 6,
} ImgprocRuntimeError;

IMGPROC_AVAILABLE_IN_ALL
GQuark imgproc_runtime_error_quark (void);

G_END_DECLS
