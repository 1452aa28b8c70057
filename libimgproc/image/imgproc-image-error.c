/* The image error domain. */
#include "config.h"

#include "imgproc.h"

G_DEFINE_QUARK (imgproc-image-error-quark, imgproc_image_error)
