/* One HTTP request as the SigV4 signer sees it: method, host, the encoded
 * path and query, ordered (possibly repeated) headers and the body, plus the
 * intermediate results of the last signing, kept for tests and debugging. */
#include "config.h"
#include "imgproc.h"
#include "imgproc-private.h"

#include <string.h>

#include "imgproc-signing-request-private.h"
#include "imgproc-credentials-private.h"

struct _ImgprocSigningRequest
{
  GObject parent_instance;

  char *method;
  char *scheme;
  char *host;
  char *path;
  char *query;
  GPtrArray *header_names;
  GPtrArray *header_values;
  GBytes *body;
  char *payload_hash;

  char *canonical_request;
  char *string_to_sign;
  char *signature;
  char *signed_headers;
};

enum {
  PROP_0,
  PROP_METHOD,
  PROP_HOST,
  PROP_PATH,
  PROP_QUERY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * ImgprocSigningRequest:
 *
 * One HTTP request as the SigV4 signer sees it. The path and query are given
 * as they go on the wire, already URI-encoded; headers keep their order and
 * may repeat. After [method@Imgproc.Signer.sign] the request also carries the
 * headers the signer added (`X-Amz-Date`, `Authorization`, and
 * `X-Amz-Security-Token` / `x-amz-content-sha256` where they apply), and the
 * intermediate stages of the computation, which never include the secret.
 */
G_DEFINE_FINAL_TYPE (ImgprocSigningRequest, imgproc_signing_request, G_TYPE_OBJECT)

static void
imgproc_signing_request_finalize (GObject *object)
{
  ImgprocSigningRequest *self = IMGPROC_SIGNING_REQUEST (object);

  g_free (self->method);
  g_free (self->scheme);
  g_free (self->host);
  g_free (self->path);
  g_free (self->query);
  /* Header values may hold a session token. */
  for (guint i = 0; i < self->header_values->len; i++)
    imgproc_secure_wipe (self->header_values->pdata[i],
                         strlen (self->header_values->pdata[i]));
  g_ptr_array_unref (self->header_names);
  g_ptr_array_unref (self->header_values);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_free (self->payload_hash);
  imgproc_secure_free_string (self->canonical_request);
  g_free (self->string_to_sign);
  g_free (self->signature);
  g_free (self->signed_headers);

  G_OBJECT_CLASS (imgproc_signing_request_parent_class)->finalize (object);
}

static void
imgproc_signing_request_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  ImgprocSigningRequest *self = IMGPROC_SIGNING_REQUEST (object);

  switch (prop_id)
    {
    case PROP_METHOD:
      g_value_set_string (value, self->method);
      break;
    case PROP_HOST:
      g_value_set_string (value, self->host);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_QUERY:
      g_value_set_string (value, self->query);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
imgproc_signing_request_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  ImgprocSigningRequest *self = IMGPROC_SIGNING_REQUEST (object);

  switch (prop_id)
    {
    case PROP_METHOD:
      g_free (self->method);
      self->method = g_value_dup_string (value);
      break;
    case PROP_HOST:
      g_free (self->host);
      self->host = g_value_dup_string (value);
      break;
    case PROP_PATH:
      g_free (self->path);
      self->path = g_value_dup_string (value);
      break;
    case PROP_QUERY:
      g_free (self->query);
      self->query = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
imgproc_signing_request_constructed (GObject *object)
{
  ImgprocSigningRequest *self = IMGPROC_SIGNING_REQUEST (object);

  G_OBJECT_CLASS (imgproc_signing_request_parent_class)->constructed (object);

  if (self->method == NULL)
    self->method = g_strdup ("GET");
  if (self->host == NULL)
    self->host = g_strdup ("");
  if (self->path == NULL || *self->path == '\0')
    {
      g_free (self->path);
      self->path = g_strdup ("/");
    }
}

static void
imgproc_signing_request_class_init (ImgprocSigningRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = imgproc_signing_request_finalize;
  object_class->get_property = imgproc_signing_request_get_property;
  object_class->set_property = imgproc_signing_request_set_property;
  object_class->constructed = imgproc_signing_request_constructed;

  /**
   * ImgprocSigningRequest:method:
   *
   * The HTTP method, such as "GET" or "POST".
   */
  properties[PROP_METHOD] =
    g_param_spec_string ("method", NULL, NULL, "GET",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * ImgprocSigningRequest:host:
   *
   * The host as it is sent in the `Host` header, with `:port` when the port
   * is not the scheme's default. A `Host` header, if added, takes precedence.
   */
  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * ImgprocSigningRequest:path:
   *
   * The path as it goes on the wire, already URI-encoded.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, "/",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * ImgprocSigningRequest:query:
   *
   * The query without the leading `?`, as it goes on the wire, or %NULL.
   * Presigning appends the signature parameters to it.
   */
  properties[PROP_QUERY] =
    g_param_spec_string ("query", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
imgproc_signing_request_init (ImgprocSigningRequest *self)
{
  self->scheme = g_strdup ("https");
  self->header_names = g_ptr_array_new_with_free_func (g_free);
  self->header_values = g_ptr_array_new_with_free_func (g_free);
}

/**
 * imgproc_signing_request_new:
 * @method: the HTTP method
 * @host: the host, with `:port` when the port is not the default
 * @path: (nullable): the URI-encoded path; %NULL or empty means `/`
 * @query: (nullable): the URI-encoded query without `?`, or %NULL
 *
 * Creates a request to sign. The scheme is `https` unless changed with
 * [method@Imgproc.SigningRequest.set_scheme].
 *
 * Returns: (transfer full): a new [class@Imgproc.SigningRequest]
 */
ImgprocSigningRequest *
imgproc_signing_request_new (const char *method,
                             const char *host,
                             const char *path,
                             const char *query)
{
  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (host != NULL, NULL);

  return g_object_new (IMGPROC_TYPE_SIGNING_REQUEST,
                       "method", method,
                       "host", host,
                       "path", path,
                       "query", query,
                       NULL);
}

/**
 * imgproc_signing_request_new_from_uri:
 * @method: the HTTP method
 * @uri: an absolute `http` or `https` URI whose path and query are already
 *   URI-encoded
 * @error: return location for a #GError
 *
 * Creates a request to sign from a URI. The path is taken as it is written:
 * dot segments and repeated slashes are kept, as S3 keys require.
 *
 * Returns: (transfer full): a new [class@Imgproc.SigningRequest], or %NULL
 *   with @error set if @uri cannot be parsed
 */
ImgprocSigningRequest *
imgproc_signing_request_new_from_uri (const char  *method,
                                      const char  *uri,
                                      GError     **error)
{
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;
  g_autofree char *query = NULL;
  g_autofree char *host_header = NULL;
  ImgprocSigningRequest *self;
  int port = -1;

  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* g_uri_split(), unlike g_uri_parse(), leaves dot segments alone. */
  if (!g_uri_split (uri, G_URI_FLAGS_ENCODED, &scheme, NULL, &host, &port,
                    &path, &query, NULL, error))
    return NULL;

  if (scheme == NULL || host == NULL || *host == '\0')
    {
      g_set_error (error, G_URI_ERROR, G_URI_ERROR_FAILED,
                   _("Not an absolute URI: %s"), uri);
      return NULL;
    }

  host_header = imgproc_signing_format_host (scheme, host, port);
  self = imgproc_signing_request_new (method, host_header, path, query);
  imgproc_signing_request_set_scheme (self, scheme);
  return self;
}

char *
imgproc_signing_format_host (const char *scheme,
                             const char *host,
                             int         port)
{
  g_autofree char *lower_scheme = g_ascii_strdown (scheme, -1);
  gboolean default_port;
  gboolean ipv6 = strchr (host, ':') != NULL && host[0] != '[';

  default_port = port <= 0 ||
                 (port == 80 && g_str_equal (lower_scheme, "http")) ||
                 (port == 443 && g_str_equal (lower_scheme, "https"));

  if (default_port)
    return ipv6 ? g_strdup_printf ("[%s]", host) : g_strdup (host);
  return ipv6 ? g_strdup_printf ("[%s]:%d", host, port)
              : g_strdup_printf ("%s:%d", host, port);
}

/**
 * imgproc_signing_request_get_method:
 * @self: a [class@Imgproc.SigningRequest]
 *
 * Gets the HTTP method.
 *
 * Returns: (transfer none): the method
 */
const char *
imgproc_signing_request_get_method (ImgprocSigningRequest *self)
{
  g_return_val_if_fail (IMGPROC_IS_SIGNING_REQUEST (self), NULL);
  return self->method;
}

/**
 * imgproc_signing_request_get_scheme:
 * @self: a [class@Imgproc.SigningRequest]
 *
 * Gets the scheme used to build presigned URLs.
 *
 * Returns: (transfer none): the scheme, `https` by default
 */
const char *
imgproc_signing_request_get_scheme (ImgprocSigningRequest *self)
{
  g_return_val_if_fail (IMGPROC_IS_SIGNING_REQUEST (self), NULL);
  return self->scheme;
}

/**
 * imgproc_signing_request_set_scheme:
 * @self: a [class@Imgproc.SigningRequest]
 * @scheme: `http` or `https`
 *
 * Sets the scheme used to build presigned URLs. It does not take part in the
 * signature.
 */
void
imgproc_signing_request_set_scheme (ImgprocSigningRequest *self,
                                    const char            *scheme)
{
  g_return_if_fail (IMGPROC_IS_SIGNING_REQUEST (self));
  g_return_if_fail (scheme != NULL);

  g_free (self->scheme);
  self->scheme = g_ascii_strdown (scheme, -1);
}

/**
 * imgproc_signing_request_get_host:
 * @self: a [class@Imgproc.SigningRequest]
 *
 * Gets the host the request was created with, including any `:port`.
 *
 * Returns: (transfer none): the host
 */
const char *
imgproc_signing_request_get_host (ImgprocSigningRequest *self)
{
  g_return_val_if_fail (IMGPROC_IS_SIGNING_REQUEST (self), NULL);
  return self->host;
}

/**
 * imgproc_signing_request_get_path:
 * @self: a [class@Imgproc.SigningRequest]
 *
 * Gets the URI-encoded path.
 *
 * Returns: (transfer none): the path
 */
const char *
imgproc_signing_request_get_path (ImgprocSigningRequest *self)
{
  g_return_val_if_fail (IMGPROC_IS_SIGNING_REQUEST (self), NULL);
  return self->path;
}

/**
 * imgproc_signing_request_get_query:
 * @self: a [class@Imgproc.SigningRequest]
 *
 * Gets the URI-encoded query. After [method@Imgproc.Signer.presign] it holds
 * the signature parameters too.
 *
 * Returns: (transfer none) (nullable): the query without `?`, or %NULL
 */
const char *
imgproc_signing_request_get_query (ImgprocSigningRequest *self)
{
  g_return_val_if_fail (IMGPROC_IS_SIGNING_REQUEST (self), NULL);
  return self->query;
}

void
imgproc_signing_request_set_query (ImgprocSigningRequest *self,
                                   const char            *query)
{
  g_free (self->query);
  self->query = g_strdup (query);
}

/**
 * imgproc_signing_request_add_header:
 * @self: a [class@Imgproc.SigningRequest]
 * @name: the header name, in any case
 * @value: the header value, as it is sent
 *
 * Appends a header, keeping any earlier header of the same name: repeated
 * headers are signed as one, their values joined with `,` in order.
 */
void
imgproc_signing_request_add_header (ImgprocSigningRequest *self,
                                    const char            *name,
                                    const char            *value)
{
  g_return_if_fail (IMGPROC_IS_SIGNING_REQUEST (self));
  g_return_if_fail (name != NULL && *name != '\0');
  g_return_if_fail (value != NULL);

  g_ptr_array_add (self->header_names, g_strdup (name));
  g_ptr_array_add (self->header_values, g_strdup (value));
}

static void
remove_header_at (ImgprocSigningRequest *self,
                  guint                  index)
{
  char *value = self->header_values->pdata[index];

  imgproc_secure_wipe (value, strlen (value));
  g_ptr_array_remove_index (self->header_names, index);
  g_ptr_array_remove_index (self->header_values, index);
}

/**
 * imgproc_signing_request_set_header:
 * @self: a [class@Imgproc.SigningRequest]
 * @name: the header name, in any case
 * @value: (nullable): the header value, or %NULL to remove the header
 *
 * Replaces every header of this name (compared without case) by one header,
 * kept at the place of the first, or appended if there was none.
 */
void
imgproc_signing_request_set_header (ImgprocSigningRequest *self,
                                    const char            *name,
                                    const char            *value)
{
  gboolean replaced = FALSE;

  g_return_if_fail (IMGPROC_IS_SIGNING_REQUEST (self));
  g_return_if_fail (name != NULL && *name != '\0');

  for (guint i = 0; i < self->header_names->len;)
    {
      if (g_ascii_strcasecmp (self->header_names->pdata[i], name) != 0)
        {
          i++;
          continue;
        }
      if (value != NULL && !replaced)
        {
          char *old = self->header_values->pdata[i];

          imgproc_secure_wipe (old, strlen (old));
          g_free (old);
          self->header_values->pdata[i] = g_strdup (value);
          replaced = TRUE;
          i++;
          continue;
        }
      remove_header_at (self, i);
    }

  if (value != NULL && !replaced)
    imgproc_signing_request_add_header (self, name, value);
}

/**
 * imgproc_signing_request_get_header:
 * @self: a [class@Imgproc.SigningRequest]
 * @name: a header name, in any case
 *
 * Gets the value of the first header of this name.
 *
 * Returns: (transfer none) (nullable): the value, or %NULL if absent
 */
const char *
imgproc_signing_request_get_header (ImgprocSigningRequest *self,
                                    const char            *name)
{
  g_return_val_if_fail (IMGPROC_IS_SIGNING_REQUEST (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->header_names->len; i++)
    if (g_ascii_strcasecmp (self->header_names->pdata[i], name) == 0)
      return self->header_values->pdata[i];
  return NULL;
}

static GStrv
copy_strings (GPtrArray *array)
{
  GStrv strv = g_new0 (char *, array->len + 1);

  for (guint i = 0; i < array->len; i++)
    strv[i] = g_strdup (array->pdata[i]);
  return strv;
}

/**
 * imgproc_signing_request_get_header_names:
 * @self: a [class@Imgproc.SigningRequest]
 *
 * Gets the names of every header, in order and with repeats, as given; the
 * values at the same positions come from
 * [method@Imgproc.SigningRequest.get_header_values].
 *
 * Returns: (transfer full) (array zero-terminated=1): the header names
 */
GStrv
imgproc_signing_request_get_header_names (ImgprocSigningRequest *self)
{
  g_return_val_if_fail (IMGPROC_IS_SIGNING_REQUEST (self), NULL);
  return copy_strings (self->header_names);
}

/**
 * imgproc_signing_request_get_header_values:
 * @self: a [class@Imgproc.SigningRequest]
 *
 * Gets the values of every header, in the order of
 * [method@Imgproc.SigningRequest.get_header_names].
 *
 * Returns: (transfer full) (array zero-terminated=1): the header values
 */
GStrv
imgproc_signing_request_get_header_values (ImgprocSigningRequest *self)
{
  g_return_val_if_fail (IMGPROC_IS_SIGNING_REQUEST (self), NULL);
  return copy_strings (self->header_values);
}

guint
imgproc_signing_request_get_n_headers (ImgprocSigningRequest *self)
{
  return self->header_names->len;
}

const char *
imgproc_signing_request_get_header_name_at (ImgprocSigningRequest *self,
                                            guint                  index)
{
  return self->header_names->pdata[index];
}

const char *
imgproc_signing_request_get_header_value_at (ImgprocSigningRequest *self,
                                             guint                  index)
{
  return self->header_values->pdata[index];
}

/**
 * imgproc_signing_request_set_body:
 * @self: a [class@Imgproc.SigningRequest]
 * @body: (nullable): the body, or %NULL for none
 *
 * Sets the body whose SHA-256 is signed, unless a payload hash was set with
 * [method@Imgproc.SigningRequest.set_payload_hash].
 */
void
imgproc_signing_request_set_body (ImgprocSigningRequest *self,
                                  GBytes                *body)
{
  g_return_if_fail (IMGPROC_IS_SIGNING_REQUEST (self));

  if (body != NULL)
    g_bytes_ref (body);
  g_clear_pointer (&self->body, g_bytes_unref);
  self->body = body;
}

/**
 * imgproc_signing_request_get_body:
 * @self: a [class@Imgproc.SigningRequest]
 *
 * Gets the body.
 *
 * Returns: (transfer none) (nullable): the body, or %NULL
 */
GBytes *
imgproc_signing_request_get_body (ImgprocSigningRequest *self)
{
  g_return_val_if_fail (IMGPROC_IS_SIGNING_REQUEST (self), NULL);
  return self->body;
}

/**
 * imgproc_signing_request_set_payload_hash:
 * @self: a [class@Imgproc.SigningRequest]
 * @hex_sha256: (nullable): the lower-case hex SHA-256 of the body, or the
 *   literal `UNSIGNED-PAYLOAD`; %NULL to hash the body
 *
 * Sets the payload hash to sign instead of hashing the body, for bodies that
 * were hashed while they were produced.
 */
void
imgproc_signing_request_set_payload_hash (ImgprocSigningRequest *self,
                                          const char            *hex_sha256)
{
  g_return_if_fail (IMGPROC_IS_SIGNING_REQUEST (self));

  g_free (self->payload_hash);
  self->payload_hash = g_strdup (hex_sha256);
}

/**
 * imgproc_signing_request_get_payload_hash:
 * @self: a [class@Imgproc.SigningRequest]
 *
 * Gets the payload hash set with
 * [method@Imgproc.SigningRequest.set_payload_hash].
 *
 * Returns: (transfer none) (nullable): the payload hash, or %NULL
 */
const char *
imgproc_signing_request_get_payload_hash (ImgprocSigningRequest *self)
{
  g_return_val_if_fail (IMGPROC_IS_SIGNING_REQUEST (self), NULL);
  return self->payload_hash;
}

void
imgproc_signing_request_set_results (ImgprocSigningRequest *self,
                                     const char            *canonical_request,
                                     const char            *string_to_sign,
                                     const char            *signature,
                                     const char            *signed_headers)
{
  imgproc_secure_free_string (self->canonical_request);
  self->canonical_request = g_strdup (canonical_request);
  g_free (self->string_to_sign);
  self->string_to_sign = g_strdup (string_to_sign);
  g_free (self->signature);
  self->signature = g_strdup (signature);
  g_free (self->signed_headers);
  self->signed_headers = g_strdup (signed_headers);
}

/**
 * imgproc_signing_request_get_canonical_request:
 * @self: a [class@Imgproc.SigningRequest]
 *
 * Gets the canonical request of the last signing. It may contain a signed
 * session token.
 *
 * Returns: (transfer none) (nullable): the canonical request, or %NULL
 *   before signing
 */
const char *
imgproc_signing_request_get_canonical_request (ImgprocSigningRequest *self)
{
  g_return_val_if_fail (IMGPROC_IS_SIGNING_REQUEST (self), NULL);
  return self->canonical_request;
}

/**
 * imgproc_signing_request_get_string_to_sign:
 * @self: a [class@Imgproc.SigningRequest]
 *
 * Gets the string to sign of the last signing.
 *
 * Returns: (transfer none) (nullable): the string to sign, or %NULL before
 *   signing
 */
const char *
imgproc_signing_request_get_string_to_sign (ImgprocSigningRequest *self)
{
  g_return_val_if_fail (IMGPROC_IS_SIGNING_REQUEST (self), NULL);
  return self->string_to_sign;
}

/**
 * imgproc_signing_request_get_signature:
 * @self: a [class@Imgproc.SigningRequest]
 *
 * Gets the hex signature of the last signing.
 *
 * Returns: (transfer none) (nullable): the signature, or %NULL before signing
 */
const char *
imgproc_signing_request_get_signature (ImgprocSigningRequest *self)
{
  g_return_val_if_fail (IMGPROC_IS_SIGNING_REQUEST (self), NULL);
  return self->signature;
}

/**
 * imgproc_signing_request_get_signed_headers:
 * @self: a [class@Imgproc.SigningRequest]
 *
 * Gets the list of signed header names of the last signing, lower case,
 * sorted and joined with `;`.
 *
 * Returns: (transfer none) (nullable): the signed headers, or %NULL before
 *   signing
 */
const char *
imgproc_signing_request_get_signed_headers (ImgprocSigningRequest *self)
{
  g_return_val_if_fail (IMGPROC_IS_SIGNING_REQUEST (self), NULL);
  return self->signed_headers;
}

/**
 * imgproc_signing_request_to_string:
 * @self: a [class@Imgproc.SigningRequest]
 *
 * Formats the request as HTTP/1.1 text: the request line, one `Name:value`
 * line per header as given, an empty line and the body. This is the form of
 * AWS's signing test suite; it includes any credentials headers, so do not
 * log it.
 *
 * Returns: (transfer full): the request as text
 */
char *
imgproc_signing_request_to_string (ImgprocSigningRequest *self)
{
  GString *text;

  g_return_val_if_fail (IMGPROC_IS_SIGNING_REQUEST (self), NULL);

  text = g_string_new (NULL);
  g_string_append_printf (text, "%s %s%s%s HTTP/1.1\n", self->method, self->path,
                          self->query != NULL ? "?" : "",
                          self->query != NULL ? self->query : "");
  for (guint i = 0; i < self->header_names->len; i++)
    g_string_append_printf (text, "%s:%s\n",
                            (char *) self->header_names->pdata[i],
                            (char *) self->header_values->pdata[i]);
  g_string_append_c (text, '\n');
  if (self->body != NULL)
    {
      gsize size;
      const char *data = g_bytes_get_data (self->body, &size);

      g_string_append_len (text, data, size);
    }
  return g_string_free (text, FALSE);
}
