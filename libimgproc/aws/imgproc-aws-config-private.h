/* Endpoint resolution without a loaded configuration, for providers that
 * need an endpoint before (or without) an ImgprocAwsConfig. */
#pragma once

#include "imgproc.h"

G_BEGIN_DECLS

char *imgproc_aws_resolve_endpoint_from_env (const char *service);

G_END_DECLS
