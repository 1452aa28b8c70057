/* The documented key file, generated from the schema: data/imgproc.conf is
 * this text, and a test keeps the two equal. */
#pragma once

#include "imgproc.h"

G_BEGIN_DECLS

char *imgproc_service_config_generate_documented_file (void);

G_END_DECLS
