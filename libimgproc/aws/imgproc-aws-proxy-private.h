/* The proxy of the AWS clients, from the environment as the AWS CLI reads it,
 * without GIO's desktop proxy modules. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GProxyResolver *imgproc_aws_proxy_resolver_new_for_environ (const char * const *envp);
GProxyResolver *imgproc_aws_proxy_resolver_get_default (void);

G_END_DECLS
