/* HTTP(S)_PROXY and NO_PROXY for the AWS clients' SoupSessions, read as
 * botocore (the AWS CLI) reads them, into a GSimpleProxyResolver or none. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-private.h"
#include "imgproc-aws-proxy-private.h"

#include <string.h>

/* Python's urllib, which botocore uses: the lowercase name wins, even when
 * set but empty; an empty value means no proxy. */
static const char *
proxy_variable (const char * const *envp,
                const char         *lowercase,
                const char         *uppercase)
{
  const char *value = g_environ_getenv ((char **) envp, lowercase);

  if (value == NULL)
    value = g_environ_getenv ((char **) envp, uppercase);
  return value != NULL && *value != '\0' ? value : NULL;
}

/* botocore's _fix_proxy_url: "proxy:3128" means http://proxy:3128. */
static char *
proxy_uri (const char *value)
{
  if (g_str_has_prefix (value, "http:") || g_str_has_prefix (value, "https:") ||
      strstr (value, "://") != NULL)
    return g_strdup (value);
  if (g_str_has_prefix (value, "//"))
    return g_strconcat ("http:", value, NULL);
  return g_strconcat ("http://", value, NULL);
}

/* GSimpleProxyResolver's ignore-hosts already matches "example.com",
 * ".example.com" and "*.example.com" as the domain and its subdomains (as
 * urllib does), host:port, IP addresses and CIDR ranges; it does not know
 * "*" for everything, which is handled before. */
static char **
ignore_hosts (const char *no_proxy,
              gboolean   *everything)
{
  g_auto(GStrv) entries = g_strsplit (no_proxy != NULL ? no_proxy : "", ",", -1);
  GPtrArray *hosts = g_ptr_array_new ();

  *everything = FALSE;
  for (guint i = 0; entries[i] != NULL; i++)
    {
      char *host = g_strstrip (entries[i]);

      if (*host == '\0')
        continue;
      if (strcmp (host, "*") == 0)
        *everything = TRUE;
      g_ptr_array_add (hosts, g_strdup (host));
    }
  g_ptr_array_add (hosts, NULL);
  return (char **) g_ptr_array_free (hosts, FALSE);
}

/* NULL when every request goes direct: a SoupSession whose "proxy-resolver"
 * is NULL never asks GIO for its default resolver, which on a desktop-minded
 * host loads the libproxy module and the dconf GSettings backend, with their
 * threads, at the first request. With a proxy, GLib 2.74 still makes that
 * default (GProxyAddressEnumerator falls back to it at construction, before
 * libsoup hands it ours), but never asks it anything. */
GProxyResolver *
imgproc_aws_proxy_resolver_new_for_environ (const char * const *envp)
{
  const char *http = proxy_variable (envp, "http_proxy", "HTTP_PROXY");
  const char *https = proxy_variable (envp, "https_proxy", "HTTPS_PROXY");
  const char *no_proxy = proxy_variable (envp, "no_proxy", "NO_PROXY");
  g_auto(GStrv) ignore = NULL;
  gboolean everything;
  GProxyResolver *resolver;

  if (http == NULL && https == NULL)
    return NULL;
  ignore = ignore_hosts (no_proxy, &everything);
  if (everything)
    return NULL;

  resolver = g_simple_proxy_resolver_new (NULL, ignore);
  if (http != NULL)
    {
      g_autofree char *uri = proxy_uri (http);
      g_simple_proxy_resolver_set_uri_proxy (G_SIMPLE_PROXY_RESOLVER (resolver), "http", uri);
    }
  if (https != NULL)
    {
      g_autofree char *uri = proxy_uri (https);
      g_simple_proxy_resolver_set_uri_proxy (G_SIMPLE_PROXY_RESOLVER (resolver), "https", uri);
    }
  return resolver;
}

/* Read once, as the AWS SDKs read it when a client is made: a worker's
 * environment does not change under it. */
GProxyResolver *
imgproc_aws_proxy_resolver_get_default (void)
{
  static gsize once;
  static GProxyResolver *resolver;

  if (g_once_init_enter (&once))
    {
      g_auto(GStrv) envp = g_get_environ ();

      resolver = imgproc_aws_proxy_resolver_new_for_environ ((const char * const *) envp);
      g_once_init_leave (&once, 1);
    }
  return resolver;
}
