/* The pipeline error domain. */
#include "config.h"

#include "imgproc.h"

G_DEFINE_QUARK (imgproc-pipeline-error-quark, imgproc_pipeline_error)
