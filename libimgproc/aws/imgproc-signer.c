/* AWS Signature Version 4, in header and presigned-URL (query) form, with the
 * S3 rules (no path normalisation, single encoding, payload hash header) and
 * the standard rules of every other service. */
#include "config.h"
#include "imgproc.h"
#include "imgproc-private.h"

#include <string.h>

#include "imgproc-signer-private.h"
#include "imgproc-signing-request-private.h"
#include "imgproc-credentials-private.h"
#include "imgproc-libcrypto-private.h"

#define ALGORITHM "AWS4-HMAC-SHA256"
#define UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"
#define SHA256_LEN IMGPROC_SHA256_LEN
#define MAX_PRESIGN_EXPIRY (7 * 24 * 3600)

struct _ImgprocSigner
{
  GObject parent_instance;

  char *region;
  char *service;
  ImgprocSignerFlags flags;

  /* The signing key depends only on the secret, the day, the region and the
   * service; the last two are fixed per signer. */
  GMutex key_lock;
  gboolean key_valid;
  char key_date[9];
  guchar key_secret_digest[SHA256_LEN];
  guchar key[SHA256_LEN];
};

enum {
  PROP_0,
  PROP_REGION,
  PROP_SERVICE,
  PROP_FLAGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * ImgprocSigner:
 *
 * Signs requests with AWS Signature Version 4. A signer is a pure function of
 * the request, the credentials, its region and service, and the time; it is
 * immutable and may be shared between threads. Flags select S3's rules.
 */
G_DEFINE_FINAL_TYPE (ImgprocSigner, imgproc_signer, G_TYPE_OBJECT)

static void
imgproc_signer_finalize (GObject *object)
{
  ImgprocSigner *self = IMGPROC_SIGNER (object);

  g_free (self->region);
  g_free (self->service);
  imgproc_secure_wipe (self->key, sizeof self->key);
  imgproc_secure_wipe (self->key_secret_digest, sizeof self->key_secret_digest);
  g_mutex_clear (&self->key_lock);

  G_OBJECT_CLASS (imgproc_signer_parent_class)->finalize (object);
}

static void
imgproc_signer_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ImgprocSigner *self = IMGPROC_SIGNER (object);

  switch (prop_id)
    {
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    case PROP_SERVICE:
      g_value_set_string (value, self->service);
      break;
    case PROP_FLAGS:
      g_value_set_flags (value, self->flags);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
imgproc_signer_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ImgprocSigner *self = IMGPROC_SIGNER (object);

  switch (prop_id)
    {
    case PROP_REGION:
      g_free (self->region);
      self->region = g_value_dup_string (value);
      break;
    case PROP_SERVICE:
      g_free (self->service);
      self->service = g_value_dup_string (value);
      break;
    case PROP_FLAGS:
      self->flags = g_value_get_flags (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
imgproc_signer_class_init (ImgprocSignerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = imgproc_signer_finalize;
  object_class->get_property = imgproc_signer_get_property;
  object_class->set_property = imgproc_signer_set_property;

  /**
   * ImgprocSigner:region:
   *
   * The region in the credential scope, such as "eu-west-1"; for S3 the
   * bucket's region.
   */
  properties[PROP_REGION] =
    g_param_spec_string ("region", NULL, NULL, "us-east-1",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * ImgprocSigner:service:
   *
   * The signing name of the service: "s3", "sqs", "dynamodb", "sts"…
   */
  properties[PROP_SERVICE] =
    g_param_spec_string ("service", NULL, NULL, "s3",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * ImgprocSigner:flags:
   *
   * How requests are signed: S3 rules or standard rules, and the options of
   * [flags@Imgproc.SignerFlags].
   */
  properties[PROP_FLAGS] =
    g_param_spec_flags ("flags", NULL, NULL, IMGPROC_TYPE_SIGNER_FLAGS,
                        IMGPROC_SIGNER_FLAGS_NONE,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
imgproc_signer_init (ImgprocSigner *self)
{
  g_mutex_init (&self->key_lock);
}

/**
 * imgproc_signer_new:
 * @region: the region of the credential scope
 * @service: the signing name of the service, such as "s3" or "sqs"
 * @flags: how to sign, e.g. %IMGPROC_SIGNER_FLAGS_S3 for S3
 *
 * Creates a signer for one region and service.
 *
 * Returns: (transfer full): a new [class@Imgproc.Signer]
 */
ImgprocSigner *
imgproc_signer_new (const char         *region,
                    const char         *service,
                    ImgprocSignerFlags  flags)
{
  g_return_val_if_fail (region != NULL && *region != '\0', NULL);
  g_return_val_if_fail (service != NULL && *service != '\0', NULL);

  return g_object_new (IMGPROC_TYPE_SIGNER,
                       "region", region,
                       "service", service,
                       "flags", flags,
                       NULL);
}

/**
 * imgproc_signer_get_region:
 * @self: a [class@Imgproc.Signer]
 *
 * Gets the region of the credential scope.
 *
 * Returns: (transfer none): the region
 */
const char *
imgproc_signer_get_region (ImgprocSigner *self)
{
  g_return_val_if_fail (IMGPROC_IS_SIGNER (self), NULL);
  return self->region;
}

/**
 * imgproc_signer_get_service:
 * @self: a [class@Imgproc.Signer]
 *
 * Gets the signing name of the service.
 *
 * Returns: (transfer none): the service
 */
const char *
imgproc_signer_get_service (ImgprocSigner *self)
{
  g_return_val_if_fail (IMGPROC_IS_SIGNER (self), NULL);
  return self->service;
}

/**
 * imgproc_signer_get_flags:
 * @self: a [class@Imgproc.Signer]
 *
 * Gets the flags the signer was created with.
 *
 * Returns: the flags
 */
ImgprocSignerFlags
imgproc_signer_get_flags (ImgprocSigner *self)
{
  g_return_val_if_fail (IMGPROC_IS_SIGNER (self), IMGPROC_SIGNER_FLAGS_NONE);
  return self->flags;
}

static char *
hex_encode (const guchar *data,
            gsize         len)
{
  static const char digits[] = "0123456789abcdef";
  char *hex = g_malloc (len * 2 + 1);

  for (gsize i = 0; i < len; i++)
    {
      hex[2 * i] = digits[data[i] >> 4];
      hex[2 * i + 1] = digits[data[i] & 0xf];
    }
  hex[len * 2] = '\0';
  return hex;
}

char *
imgproc_aws_sha256_hex (const void *data,
                        gsize       len)
{
  guchar digest[SHA256_LEN];

  if (!imgproc_libcrypto_sha256 (data != NULL ? data : "", len, digest))
    return NULL;
  return hex_encode (digest, sizeof digest);
}

static gboolean
is_unreserved (guchar c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_' || c == '.' || c == '~';
}

void
imgproc_aws_uri_encode (GString    *out,
                        const char *str,
                        gssize      len,
                        gboolean    keep_slash)
{
  static const char digits[] = "0123456789ABCDEF";

  if (len < 0)
    len = strlen (str);

  for (gssize i = 0; i < len; i++)
    {
      guchar c = str[i];

      if (is_unreserved (c) || (keep_slash && c == '/'))
        g_string_append_c (out, c);
      else
        {
          g_string_append_c (out, '%');
          g_string_append_c (out, digits[c >> 4]);
          g_string_append_c (out, digits[c & 0xf]);
        }
    }
}

char *
imgproc_aws_uri_encode_string (const char *str,
                               gboolean    keep_slash)
{
  GString *out = g_string_new (NULL);

  imgproc_aws_uri_encode (out, str, -1, keep_slash);
  return g_string_free (out, FALSE);
}

/* RFC 3986 dot-segment removal plus collapsing of empty segments, as the
 * suite's "normalized" cases expect: "//example//" → "/example/". */
static char *
normalize_path (const char *path)
{
  g_auto(GStrv) segments = g_strsplit (path, "/", -1);
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  guint n_segments = g_strv_length (segments);
  gboolean trailing_slash = FALSE;
  GString *out;

  for (guint i = 0; i < n_segments; i++)
    {
      const char *segment = segments[i];
      gboolean last = i + 1 == n_segments;

      if (*segment == '\0' || g_str_equal (segment, "."))
        trailing_slash = last;
      else if (g_str_equal (segment, ".."))
        {
          if (kept->len > 0)
            g_ptr_array_remove_index (kept, kept->len - 1);
          trailing_slash = last;
        }
      else
        {
          g_ptr_array_add (kept, (gpointer) segment);
          trailing_slash = FALSE;
        }
    }

  out = g_string_new ("/");
  for (guint i = 0; i < kept->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, '/');
      g_string_append (out, kept->pdata[i]);
    }
  if (trailing_slash && kept->len > 0)
    g_string_append_c (out, '/');
  return g_string_free (out, FALSE);
}

static char *
canonical_uri (ImgprocSigner *self,
               const char    *path)
{
  g_autofree char *normalized = NULL;

  if (path == NULL || *path == '\0')
    path = "/";

  /* S3 signs the wire path itself, which was encoded once already. */
  if (self->flags & IMGPROC_SIGNER_FLAGS_S3)
    return g_strdup (path);

  if (self->flags & IMGPROC_SIGNER_FLAGS_NO_PATH_NORMALIZATION)
    normalized = g_strdup (path);
  else
    normalized = normalize_path (path);
  return imgproc_aws_uri_encode_string (normalized, TRUE);
}

typedef struct
{
  char *name;
  char *value;
} QueryParam;

static void
query_param_free (gpointer data)
{
  QueryParam *param = data;

  imgproc_secure_free_string (param->name);
  imgproc_secure_free_string (param->value);
  g_free (param);
}

static void
add_query_param (GPtrArray  *params,
                 const char *name,
                 const char *value)
{
  QueryParam *param = g_new0 (QueryParam, 1);

  param->name = imgproc_aws_uri_encode_string (name, FALSE);
  param->value = imgproc_aws_uri_encode_string (value, FALSE);
  g_ptr_array_add (params, param);
}

static char *
unescape_or_copy (const char *str,
                  gssize      len)
{
  g_autofree char *raw = len < 0 ? g_strdup (str) : g_strndup (str, len);
  char *unescaped = g_uri_unescape_string (raw, NULL);

  return unescaped != NULL ? unescaped : g_steal_pointer (&raw);
}

static void
parse_query (GPtrArray  *params,
             const char *query)
{
  g_auto(GStrv) pairs = NULL;

  if (query == NULL || *query == '\0')
    return;

  pairs = g_strsplit (query, "&", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      const char *equals;
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (*pairs[i] == '\0')
        continue;

      equals = strchr (pairs[i], '=');
      if (equals != NULL)
        {
          name = unescape_or_copy (pairs[i], equals - pairs[i]);
          value = unescape_or_copy (equals + 1, -1);
        }
      else
        {
          name = unescape_or_copy (pairs[i], -1);
          value = g_strdup ("");
        }
      add_query_param (params, name, value);
      imgproc_secure_wipe (value, strlen (value));
    }
}

static int
compare_query_params (gconstpointer a,
                      gconstpointer b)
{
  const QueryParam *pa = *(const QueryParam **) a;
  const QueryParam *pb = *(const QueryParam **) b;
  int result = strcmp (pa->name, pb->name);

  return result != 0 ? result : strcmp (pa->value, pb->value);
}

static char *
canonical_query (GPtrArray *params)
{
  GString *out = g_string_new (NULL);

  g_ptr_array_sort (params, compare_query_params);
  for (guint i = 0; i < params->len; i++)
    {
      QueryParam *param = params->pdata[i];

      if (i > 0)
        g_string_append_c (out, '&');
      g_string_append_printf (out, "%s=%s", param->name, param->value);
    }
  return g_string_free (out, FALSE);
}

/* Headers that proxies or libsoup may add, drop or rewrite after signing. */
static gboolean
is_unsignable_header (const char *lower_name)
{
  static const char * const unsignable[] = {
    "authorization", "user-agent", "expect", "accept-encoding",
    "x-amzn-trace-id", "connection", "transfer-encoding", "upgrade",
    "keep-alive", "proxy-authorization", "te",
  };

  if (g_str_has_prefix (lower_name, "sec-websocket-"))
    return TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (unsignable); i++)
    if (g_str_equal (lower_name, unsignable[i]))
      return TRUE;
  return FALSE;
}

static gboolean
is_header_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trims, and collapses every run of white space (including the line breaks of
 * folded values) into one space, inside quotes too. */
static void
append_trimmed_value (GString    *out,
                      const char *value)
{
  gboolean pending_space = FALSE;
  gboolean started = FALSE;

  for (const char *p = value; *p != '\0'; p++)
    {
      if (is_header_space (*p))
        {
          pending_space = started;
          continue;
        }
      if (pending_space)
        g_string_append_c (out, ' ');
      g_string_append_c (out, *p);
      pending_space = FALSE;
      started = TRUE;
    }
}

typedef struct
{
  char *name;
  GString *value;
} CanonicalHeader;

static void
canonical_header_free (gpointer data)
{
  CanonicalHeader *header = data;

  g_free (header->name);
  imgproc_secure_wipe (header->value->str, header->value->len);
  g_string_free (header->value, TRUE);
  g_free (header);
}

static int
compare_canonical_headers (gconstpointer a,
                           gconstpointer b)
{
  const CanonicalHeader *ha = *(const CanonicalHeader **) a;
  const CanonicalHeader *hb = *(const CanonicalHeader **) b;

  return strcmp (ha->name, hb->name);
}

static void
add_canonical_header (GPtrArray  *headers,
                      const char *lower_name,
                      const char *value)
{
  CanonicalHeader *header = NULL;

  for (guint i = 0; i < headers->len; i++)
    {
      CanonicalHeader *candidate = headers->pdata[i];

      if (g_str_equal (candidate->name, lower_name))
        {
          header = candidate;
          break;
        }
    }

  if (header == NULL)
    {
      header = g_new0 (CanonicalHeader, 1);
      header->name = g_strdup (lower_name);
      header->value = g_string_new (NULL);
      g_ptr_array_add (headers, header);
    }
  else
    g_string_append_c (header->value, ',');

  append_trimmed_value (header->value, value);
}

/* Fills @canonical (the header block, each line ending with \n) and returns
 * the signed header list. */
static char *
canonical_headers (ImgprocSigner         *self,
                   ImgprocSigningRequest *request,
                   GString               *canonical)
{
  g_autoptr(GPtrArray) headers = g_ptr_array_new_with_free_func (canonical_header_free);
  gboolean have_host = FALSE;
  GString *signed_headers = g_string_new (NULL);
  guint n = imgproc_signing_request_get_n_headers (request);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *lower_name =
        g_ascii_strdown (imgproc_signing_request_get_header_name_at (request, i), -1);

      if (is_unsignable_header (lower_name))
        continue;
      if ((self->flags & IMGPROC_SIGNER_FLAGS_OMIT_SESSION_TOKEN) &&
          g_str_equal (lower_name, "x-amz-security-token"))
        continue;
      if (g_str_equal (lower_name, "host"))
        have_host = TRUE;
      add_canonical_header (headers, lower_name,
                            imgproc_signing_request_get_header_value_at (request, i));
    }

  if (!have_host)
    add_canonical_header (headers, "host", imgproc_signing_request_get_host (request));

  g_ptr_array_sort (headers, compare_canonical_headers);
  for (guint i = 0; i < headers->len; i++)
    {
      CanonicalHeader *header = headers->pdata[i];

      g_string_append_printf (canonical, "%s:%s\n", header->name, header->value->str);
      if (i > 0)
        g_string_append_c (signed_headers, ';');
      g_string_append (signed_headers, header->name);
    }

  return g_string_free (signed_headers, FALSE);
}

static char *
payload_hash (ImgprocSigner         *self,
              ImgprocSigningRequest *request,
              gboolean               presigning)
{
  const char *given = imgproc_signing_request_get_payload_hash (request);
  GBytes *body;
  gsize size = 0;
  const void *data = NULL;

  if (given != NULL)
    return g_strdup (given);
  if ((self->flags & IMGPROC_SIGNER_FLAGS_UNSIGNED_PAYLOAD) ||
      (presigning && (self->flags & IMGPROC_SIGNER_FLAGS_S3)))
    return g_strdup (UNSIGNED_PAYLOAD);

  body = imgproc_signing_request_get_body (request);
  if (body != NULL)
    data = g_bytes_get_data (body, &size);
  return imgproc_aws_sha256_hex (data, size);
}

static gboolean
derive_signing_key (ImgprocSigner            *self,
                    const ImgprocCredentials *credentials,
                    const char               *date_stamp,
                    guchar                    key[SHA256_LEN])
{
  const char *secret = imgproc_credentials_get_secret_access_key (credentials);
  guchar secret_digest[SHA256_LEN];
  guchar k_date[SHA256_LEN], k_region[SHA256_LEN], k_service[SHA256_LEN];
  g_autofree char *prefixed = NULL;
  gboolean ok;

  if (!imgproc_libcrypto_sha256 (secret, strlen (secret), secret_digest))
    return FALSE;

  g_mutex_lock (&self->key_lock);
  if (self->key_valid && g_str_equal (self->key_date, date_stamp) &&
      memcmp (self->key_secret_digest, secret_digest, SHA256_LEN) == 0)
    {
      memcpy (key, self->key, SHA256_LEN);
      g_mutex_unlock (&self->key_lock);
      imgproc_secure_wipe (secret_digest, sizeof secret_digest);
      return TRUE;
    }
  g_mutex_unlock (&self->key_lock);

  prefixed = g_strconcat ("AWS4", secret, NULL);
  ok = imgproc_libcrypto_hmac_sha256 (prefixed, strlen (prefixed), date_stamp, strlen (date_stamp),
                                      k_date) &&
       imgproc_libcrypto_hmac_sha256 (k_date, SHA256_LEN, self->region, strlen (self->region), k_region) &&
       imgproc_libcrypto_hmac_sha256 (k_region, SHA256_LEN, self->service, strlen (self->service), k_service) &&
       imgproc_libcrypto_hmac_sha256 (k_service, SHA256_LEN, "aws4_request", strlen ("aws4_request"), key);
  imgproc_secure_wipe (prefixed, strlen (prefixed));
  imgproc_secure_wipe (k_date, sizeof k_date);
  imgproc_secure_wipe (k_region, sizeof k_region);
  imgproc_secure_wipe (k_service, sizeof k_service);

  if (ok)
    {
      g_mutex_lock (&self->key_lock);
      g_strlcpy (self->key_date, date_stamp, sizeof self->key_date);
      memcpy (self->key_secret_digest, secret_digest, SHA256_LEN);
      memcpy (self->key, key, SHA256_LEN);
      self->key_valid = TRUE;
      g_mutex_unlock (&self->key_lock);
    }
  imgproc_secure_wipe (secret_digest, sizeof secret_digest);
  return ok;
}

typedef struct
{
  char *amz_date;
  char *date_stamp;
  char *scope;
} SigningTime;

static void
signing_time_clear (SigningTime *st)
{
  g_free (st->amz_date);
  g_free (st->date_stamp);
  g_free (st->scope);
}

static void
signing_time_init (ImgprocSigner *self,
                   SigningTime   *st,
                   GDateTime     *time)
{
  g_autoptr(GDateTime) utc = time != NULL ? g_date_time_to_utc (time)
                                          : g_date_time_new_now_utc ();

  st->amz_date = g_date_time_format (utc, "%Y%m%dT%H%M%SZ");
  st->date_stamp = g_date_time_format (utc, "%Y%m%d");
  st->scope = g_strdup_printf ("%s/%s/%s/aws4_request", st->date_stamp,
                               self->region, self->service);
}

static gboolean
check_credentials (const ImgprocCredentials  *credentials,
                   GError                   **error)
{
  const char *id = imgproc_credentials_get_access_key_id (credentials);
  const char *secret = imgproc_credentials_get_secret_access_key (credentials);

  if (*id == '\0' || *secret == '\0')
    {
      g_set_error_literal (error, IMGPROC_CREDENTIALS_ERROR,
                           IMGPROC_CREDENTIALS_ERROR_INVALID,
                           _("The credentials have an empty access key id or secret"));
      return FALSE;
    }
  return TRUE;
}

/* The shared tail of both forms: string to sign, signature, and recording
 * the stages on the request. */
static char *
finish_signature (ImgprocSigner             *self,
                  ImgprocSigningRequest     *request,
                  const ImgprocCredentials  *credentials,
                  const SigningTime         *st,
                  const char                *canonical,
                  const char                *signed_headers,
                  GError                   **error)
{
  g_autofree char *canonical_hash = imgproc_aws_sha256_hex (canonical, strlen (canonical));
  g_autofree char *string_to_sign = NULL;
  guchar key[SHA256_LEN];
  guchar signature[SHA256_LEN];
  char *signature_hex;

  if (canonical_hash == NULL ||
      !derive_signing_key (self, credentials, st->date_stamp, key) ||
      (string_to_sign = g_strdup_printf (ALGORITHM "\n%s\n%s\n%s", st->amz_date,
                                         st->scope, canonical_hash),
       !imgproc_libcrypto_hmac_sha256 (key, SHA256_LEN, string_to_sign, strlen (string_to_sign), signature)))
    {
      imgproc_secure_wipe (key, sizeof key);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("The cryptographic library failed to compute a signature"));
      return NULL;
    }
  imgproc_secure_wipe (key, sizeof key);

  signature_hex = hex_encode (signature, sizeof signature);
  imgproc_signing_request_set_results (request, canonical, string_to_sign,
                                       signature_hex, signed_headers);
  return signature_hex;
}

/**
 * imgproc_signer_sign:
 * @self: a [class@Imgproc.Signer]
 * @request: the request to sign; headers are added to it
 * @credentials: the credentials to sign with
 * @time: (nullable): the signing time, or %NULL for now
 * @error: return location for a #GError
 *
 * Signs @request in header form. It sets `X-Amz-Date`, `Authorization`, and
 * `X-Amz-Security-Token` for temporary credentials; in S3 mode (or with
 * %IMGPROC_SIGNER_FLAGS_SIGN_BODY_HEADER) also `x-amz-content-sha256`. Earlier
 * values of these headers are replaced, so a request can be signed again. The
 * stages of the computation can then be read from @request.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 */
gboolean
imgproc_signer_sign (ImgprocSigner          *self,
                     ImgprocSigningRequest  *request,
                     ImgprocCredentials     *credentials,
                     GDateTime              *time,
                     GError                **error)
{
  SigningTime st = { NULL, };
  const char *token;
  g_autofree char *hash = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *query = NULL;
  g_autofree char *signed_headers = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *authorization = NULL;
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (query_param_free);
  GString *canonical;

  g_return_val_if_fail (IMGPROC_IS_SIGNER (self), FALSE);
  g_return_val_if_fail (IMGPROC_IS_SIGNING_REQUEST (request), FALSE);
  g_return_val_if_fail (credentials != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_credentials (credentials, error) || !imgproc_libcrypto_load (error))
    return FALSE;

  signing_time_init (self, &st, time);
  token = imgproc_credentials_get_session_token (credentials);
  hash = payload_hash (self, request, FALSE);

  imgproc_signing_request_set_header (request, "Authorization", NULL);
  imgproc_signing_request_set_header (request, "X-Amz-Security-Token", token);
  imgproc_signing_request_set_header (request, "X-Amz-Date", st.amz_date);
  if (self->flags & (IMGPROC_SIGNER_FLAGS_S3 | IMGPROC_SIGNER_FLAGS_SIGN_BODY_HEADER))
    imgproc_signing_request_set_header (request, "x-amz-content-sha256", hash);

  uri = canonical_uri (self, imgproc_signing_request_get_path (request));
  parse_query (params, imgproc_signing_request_get_query (request));
  query = canonical_query (params);

  canonical = g_string_new (NULL);
  g_string_append_printf (canonical, "%s\n%s\n%s\n",
                          imgproc_signing_request_get_method (request), uri, query);
  signed_headers = canonical_headers (self, request, canonical);
  g_string_append_printf (canonical, "\n%s\n%s", signed_headers, hash);

  signature = finish_signature (self, request, credentials, &st, canonical->str,
                                signed_headers, error);
  imgproc_secure_wipe (canonical->str, canonical->len);
  g_string_free (canonical, TRUE);
  if (signature == NULL)
    {
      signing_time_clear (&st);
      return FALSE;
    }

  authorization = g_strdup_printf (ALGORITHM " Credential=%s/%s, SignedHeaders=%s, Signature=%s",
                                   imgproc_credentials_get_access_key_id (credentials),
                                   st.scope, signed_headers, signature);
  imgproc_signing_request_add_header (request, "Authorization", authorization);

  signing_time_clear (&st);
  return TRUE;
}

/**
 * imgproc_signer_presign:
 * @self: a [class@Imgproc.Signer]
 * @request: the request to presign; its query gains the signature parameters
 * @credentials: the credentials to sign with
 * @time: (nullable): the signing time, or %NULL for now
 * @expires_seconds: how long the URL stays valid, 1 to 604800 seconds
 * @error: return location for a #GError
 *
 * Signs @request in query form, for a presigned URL: `X-Amz-Algorithm`,
 * `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-SignedHeaders`, `X-Amz-Expires`,
 * `X-Amz-Security-Token` for temporary credentials, and `X-Amz-Signature`
 * are appended to the query. In S3 mode the payload is `UNSIGNED-PAYLOAD`.
 * Headers of @request other than `Host` must be sent with the URL.
 *
 * Returns: (transfer full): the presigned URL, or %NULL with @error set
 */
char *
imgproc_signer_presign (ImgprocSigner          *self,
                        ImgprocSigningRequest  *request,
                        ImgprocCredentials     *credentials,
                        GDateTime              *time,
                        guint                   expires_seconds,
                        GError                **error)
{
  SigningTime st = { NULL, };
  const char *token;
  const char *original_query;
  gboolean sign_token;
  g_autofree char *hash = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *query = NULL;
  g_autofree char *signed_headers = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *credential = NULL;
  g_autofree char *expires = NULL;
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (query_param_free);
  GString *canonical_header_block;
  GString *canonical;
  GString *final_query;
  char *url;

  g_return_val_if_fail (IMGPROC_IS_SIGNER (self), NULL);
  g_return_val_if_fail (IMGPROC_IS_SIGNING_REQUEST (request), NULL);
  g_return_val_if_fail (credentials != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (expires_seconds < 1 || expires_seconds > MAX_PRESIGN_EXPIRY)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("A presigned URL must expire within 1 to %d seconds, not %u"),
                   MAX_PRESIGN_EXPIRY, expires_seconds);
      return NULL;
    }
  if (!check_credentials (credentials, error) || !imgproc_libcrypto_load (error))
    return NULL;

  signing_time_init (self, &st, time);
  token = imgproc_credentials_get_session_token (credentials);
  sign_token = token != NULL && !(self->flags & IMGPROC_SIGNER_FLAGS_OMIT_SESSION_TOKEN);
  hash = payload_hash (self, request, TRUE);
  credential = g_strdup_printf ("%s/%s", imgproc_credentials_get_access_key_id (credentials),
                                st.scope);
  expires = g_strdup_printf ("%u", expires_seconds);

  canonical_header_block = g_string_new (NULL);
  signed_headers = canonical_headers (self, request, canonical_header_block);

  original_query = imgproc_signing_request_get_query (request);
  parse_query (params, original_query);
  add_query_param (params, "X-Amz-Algorithm", ALGORITHM);
  add_query_param (params, "X-Amz-Credential", credential);
  add_query_param (params, "X-Amz-Date", st.amz_date);
  add_query_param (params, "X-Amz-Expires", expires);
  add_query_param (params, "X-Amz-SignedHeaders", signed_headers);
  if (sign_token)
    add_query_param (params, "X-Amz-Security-Token", token);
  query = canonical_query (params);
  uri = canonical_uri (self, imgproc_signing_request_get_path (request));

  canonical = g_string_new (NULL);
  g_string_append_printf (canonical, "%s\n%s\n%s\n%s\n%s\n%s",
                          imgproc_signing_request_get_method (request), uri, query,
                          canonical_header_block->str, signed_headers, hash);
  g_string_free (canonical_header_block, TRUE);

  signature = finish_signature (self, request, credentials, &st, canonical->str,
                                signed_headers, error);
  imgproc_secure_wipe (canonical->str, canonical->len);
  g_string_free (canonical, TRUE);
  if (signature == NULL)
    {
      signing_time_clear (&st);
      return NULL;
    }

  final_query = g_string_new (original_query);
  if (final_query->len > 0)
    g_string_append_c (final_query, '&');
  g_string_append (final_query, "X-Amz-Algorithm=" ALGORITHM "&X-Amz-Credential=");
  imgproc_aws_uri_encode (final_query, credential, -1, FALSE);
  g_string_append_printf (final_query, "&X-Amz-Date=%s&X-Amz-SignedHeaders=", st.amz_date);
  imgproc_aws_uri_encode (final_query, signed_headers, -1, FALSE);
  g_string_append_printf (final_query, "&X-Amz-Expires=%s", expires);
  if (token != NULL)
    {
      g_string_append (final_query, "&X-Amz-Security-Token=");
      imgproc_aws_uri_encode (final_query, token, -1, FALSE);
    }
  g_string_append_printf (final_query, "&X-Amz-Signature=%s", signature);
  imgproc_signing_request_set_query (request, final_query->str);
  g_string_free (final_query, TRUE);

  url = g_strdup_printf ("%s://%s%s?%s", imgproc_signing_request_get_scheme (request),
                         imgproc_signing_request_get_host (request),
                         imgproc_signing_request_get_path (request),
                         imgproc_signing_request_get_query (request));
  signing_time_clear (&st);
  return url;
}

static const char * const signature_headers[] = {
  "Authorization", "X-Amz-Date", "X-Amz-Security-Token", "x-amz-content-sha256",
};

gboolean
imgproc_signer_sign_soup_message (ImgprocSigner       *self,
                                  SoupMessage         *message,
                                  GBytes              *body,
                                  ImgprocCredentials  *credentials,
                                  GDateTime           *time,
                                  GError             **error)
{
  GUri *uri;
  SoupMessageHeaders *headers;
  SoupMessageHeadersIter iter;
  const char *name, *value;
  g_autofree char *host = NULL;
  g_autoptr(ImgprocSigningRequest) request = NULL;

  g_return_val_if_fail (IMGPROC_IS_SIGNER (self), FALSE);
  g_return_val_if_fail (SOUP_IS_MESSAGE (message), FALSE);
  g_return_val_if_fail (credentials != NULL, FALSE);

  uri = soup_message_get_uri (message);
  headers = soup_message_get_request_headers (message);

  /* libsoup sends the path and query of its GUri as they are stored, and a
   * Host header built the same way as this one. */
  host = imgproc_signing_format_host (g_uri_get_scheme (uri), g_uri_get_host (uri),
                                      g_uri_get_port (uri));
  request = imgproc_signing_request_new (soup_message_get_method (message), host,
                                         g_uri_get_path (uri), g_uri_get_query (uri));
  imgproc_signing_request_set_scheme (request, g_uri_get_scheme (uri));

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    imgproc_signing_request_add_header (request, name, value);
  imgproc_signing_request_set_body (request, body);

  if (!imgproc_signer_sign (self, request, credentials, time, error))
    return FALSE;

  for (gsize i = 0; i < G_N_ELEMENTS (signature_headers); i++)
    {
      const char *signed_value = imgproc_signing_request_get_header (request,
                                                                     signature_headers[i]);

      if (signed_value != NULL)
        soup_message_headers_replace (headers, signature_headers[i], signed_value);
      else
        soup_message_headers_remove (headers, signature_headers[i]);
    }
  return TRUE;
}
