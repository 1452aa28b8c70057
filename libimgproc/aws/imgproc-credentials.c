/* AWS credentials: an immutable, reference-counted value whose secret and
 * session token are wiped before their memory is released. */
#include "config.h"
#include "imgproc.h"
#include "imgproc-private.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "imgproc-credentials-private.h"

struct _ImgprocCredentials
{
  gatomicrefcount ref_count;
  char *access_key_id;
  char *secret_access_key;
  char *session_token;
  GDateTime *expiration;
  char *provider_name;
};

G_DEFINE_BOXED_TYPE (ImgprocCredentials, imgproc_credentials,
                     imgproc_credentials_ref, imgproc_credentials_unref)

void
imgproc_secure_wipe (void   *data,
                     gsize   len)
{
  /* A volatile pointer keeps the compiler from dropping the stores as dead. */
  volatile guchar *p = data;

  while (len--)
    *p++ = 0;
}

void
imgproc_secure_free_string (char *str)
{
  if (str == NULL)
    return;
  imgproc_secure_wipe (str, strlen (str));
  g_free (str);
}

/**
 * imgproc_credentials_new:
 * @access_key_id: the access key id, e.g. `AKIA…` or `ASIA…`
 * @secret_access_key: the secret access key
 * @session_token: (nullable): the session token of temporary credentials
 * @expiration: (nullable): when the credentials expire, or %NULL if they do not
 * @provider_name: (nullable): the name of the provider that supplied them
 *
 * Creates a credentials value. The strings are copied; the copies of the
 * secret and the token are overwritten with zeros when the value is freed.
 *
 * Returns: (transfer full): a new [struct@Imgproc.Credentials]
 */
ImgprocCredentials *
imgproc_credentials_new (const char *access_key_id,
                         const char *secret_access_key,
                         const char *session_token,
                         GDateTime  *expiration,
                         const char *provider_name)
{
  ImgprocCredentials *self;

  g_return_val_if_fail (access_key_id != NULL, NULL);
  g_return_val_if_fail (secret_access_key != NULL, NULL);

  self = g_new0 (ImgprocCredentials, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->access_key_id = g_strdup (access_key_id);
  self->secret_access_key = g_strdup (secret_access_key);
  self->session_token = (session_token != NULL && *session_token != '\0')
                        ? g_strdup (session_token) : NULL;
  self->expiration = expiration != NULL ? g_date_time_ref (expiration) : NULL;
  self->provider_name = g_strdup (provider_name);

  return self;
}

/**
 * imgproc_credentials_ref:
 * @self: a [struct@Imgproc.Credentials]
 *
 * Takes a reference on @self.
 *
 * Returns: (transfer full): @self
 */
ImgprocCredentials *
imgproc_credentials_ref (ImgprocCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * imgproc_credentials_unref:
 * @self: (transfer full): a [struct@Imgproc.Credentials]
 *
 * Drops a reference on @self; the last one wipes the secret and the token and
 * frees the value.
 */
void
imgproc_credentials_unref (ImgprocCredentials *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->access_key_id);
  imgproc_secure_free_string (self->secret_access_key);
  imgproc_secure_free_string (self->session_token);
  g_clear_pointer (&self->expiration, g_date_time_unref);
  g_free (self->provider_name);
  g_free (self);
}

/**
 * imgproc_credentials_get_access_key_id:
 * @self: a [struct@Imgproc.Credentials]
 *
 * Gets the access key id, which is not a secret.
 *
 * Returns: (transfer none): the access key id
 */
const char *
imgproc_credentials_get_access_key_id (const ImgprocCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->access_key_id;
}

/**
 * imgproc_credentials_get_secret_access_key:
 * @self: a [struct@Imgproc.Credentials]
 *
 * Gets the secret access key. Never log or print it.
 *
 * Returns: (transfer none): the secret access key
 */
const char *
imgproc_credentials_get_secret_access_key (const ImgprocCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->secret_access_key;
}

/**
 * imgproc_credentials_get_session_token:
 * @self: a [struct@Imgproc.Credentials]
 *
 * Gets the session token of temporary credentials. Never log or print it.
 *
 * Returns: (transfer none) (nullable): the session token, or %NULL
 */
const char *
imgproc_credentials_get_session_token (const ImgprocCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->session_token;
}

/**
 * imgproc_credentials_get_expiration:
 * @self: a [struct@Imgproc.Credentials]
 *
 * Gets when the credentials expire.
 *
 * Returns: (transfer none) (nullable): the expiry, or %NULL for credentials
 *   that do not expire
 */
GDateTime *
imgproc_credentials_get_expiration (const ImgprocCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->expiration;
}

/**
 * imgproc_credentials_get_provider_name:
 * @self: a [struct@Imgproc.Credentials]
 *
 * Gets the name of the provider that supplied the credentials, such as
 * "environment" or "imds".
 *
 * Returns: (transfer none) (nullable): the provider name
 */
const char *
imgproc_credentials_get_provider_name (const ImgprocCredentials *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->provider_name;
}

/**
 * imgproc_credentials_expires_within:
 * @self: a [struct@Imgproc.Credentials]
 * @span: a time span in microseconds, as a #GTimeSpan
 *
 * Tells whether the credentials expire less than @span from now. Credentials
 * without an expiry never do; a span of 0 asks whether they have expired.
 *
 * Returns: %TRUE if the credentials expire within @span
 */
gboolean
imgproc_credentials_expires_within (const ImgprocCredentials *self,
                                    GTimeSpan                 span)
{
  g_autoptr(GDateTime) now = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->expiration == NULL)
    return FALSE;

  now = g_date_time_new_now_utc ();
  return g_date_time_difference (self->expiration, now) <= span;
}

ImgprocCredentials *
imgproc_credentials_copy_with_provider (const ImgprocCredentials *self,
                                        const char               *provider_name)
{
  return imgproc_credentials_new (self->access_key_id, self->secret_access_key,
                                  self->session_token, self->expiration,
                                  provider_name);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* The JSON of the container endpoint and of IMDS. Parser messages are not
 * passed on: they may quote the secret. */
ImgprocCredentials *
imgproc_credentials_from_json (GBytes      *body,
                               const char  *provider_name,
                               GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size = 0;
  const char *data = g_bytes_get_data (body, &size);
  JsonNode *root;
  JsonObject *object;
  const char *code, *id, *secret, *token, *expiration;
  g_autoptr(GDateTime) expires = NULL;

  if (!json_parser_load_from_data (parser, data != NULL ? data : "", size, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_INVALID,
                   _("%s: the credentials response is not a JSON object"), provider_name);
      return NULL;
    }

  object = json_node_get_object (root);
  code = member_string (object, "Code");
  if (code != NULL && !g_str_equal (code, "Success"))
    {
      g_set_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_REJECTED,
                   _("%s: the credentials response has code “%s”"), provider_name, code);
      return NULL;
    }

  id = member_string (object, "AccessKeyId");
  secret = member_string (object, "SecretAccessKey");
  token = member_string (object, "Token");
  expiration = member_string (object, "Expiration");
  if (id == NULL || *id == '\0' || secret == NULL || *secret == '\0')
    {
      const char *message = member_string (object, "message");

      if (message == NULL)
        message = member_string (object, "Message");
      g_set_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_INVALID,
                   _("%s: the credentials response lacks AccessKeyId or SecretAccessKey%s%s"),
                   provider_name, message != NULL ? ": " : "", message != NULL ? message : "");
      return NULL;
    }

  if (expiration != NULL)
    {
      expires = g_date_time_new_from_iso8601 (expiration, NULL);
      if (expires == NULL)
        {
          g_set_error (error, IMGPROC_CREDENTIALS_ERROR, IMGPROC_CREDENTIALS_ERROR_INVALID,
                       _("%s: cannot parse the expiration “%s”"), provider_name, expiration);
          return NULL;
        }
    }

  return imgproc_credentials_new (id, secret, token, expires, provider_name);
}
