/* The runtime error domain. */
#include "config.h"

#include "imgproc.h"

G_DEFINE_QUARK (imgproc-runtime-error-quark, imgproc_runtime_error)
