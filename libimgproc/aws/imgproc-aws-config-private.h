/* Endpoint and CA bundle resolution without a loaded configuration, for
 * providers that need them before (or without) an ImgprocAwsConfig. */
#pragma once

#include "imgproc.h"

G_BEGIN_DECLS

char *imgproc_aws_resolve_endpoint_from_env (const char *service);
char *imgproc_aws_resolve_ca_file_from_env (void);

G_END_DECLS
