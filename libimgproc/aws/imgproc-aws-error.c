/* The AWS error domain. Details travel twice: as private data of the GError
 * (exact, for C) and as a fixed tail of the message, which is all a Python
 * GLib.Error keeps. */
#include "config.h"

#include "imgproc.h"
#include "imgproc-private.h"
#include "imgproc-aws-error-private.h"
#include "imgproc-aws-xml-private.h"

#include <json-glib/json-glib.h>
#include <string.h>

struct _ImgprocAwsErrorDetails
{
  gatomicrefcount ref_count;
  guint status;
  char *code;
  char *message;
  char *request_id;
  char *region;
};

typedef struct
{
  ImgprocAwsErrorDetails *details;
} ImgprocAwsErrorPrivate;

/* GLib's extended-error glue may hand over NULL in theory; GCC's
 * -Wnull-dereference sees that through inlining, hence the checks. */
static void
imgproc_aws_error_private_init (ImgprocAwsErrorPrivate *priv)
{
  if (priv != NULL)
    priv->details = NULL;
}

static void
imgproc_aws_error_private_copy (const ImgprocAwsErrorPrivate *src,
                                ImgprocAwsErrorPrivate       *dest)
{
  if (src != NULL && dest != NULL)
    dest->details = src->details != NULL ? imgproc_aws_error_details_ref (src->details) : NULL;
}

static void
imgproc_aws_error_private_clear (ImgprocAwsErrorPrivate *priv)
{
  if (priv != NULL)
    g_clear_pointer (&priv->details, imgproc_aws_error_details_unref);
}

G_DEFINE_EXTENDED_ERROR (ImgprocAwsError, imgproc_aws_error)

G_DEFINE_BOXED_TYPE (ImgprocAwsErrorDetails, imgproc_aws_error_details,
                     imgproc_aws_error_details_ref, imgproc_aws_error_details_unref)

static const char message_tail_start[] = " [HTTP ";

ImgprocAwsErrorDetails *
imgproc_aws_error_details_new (guint       status,
                               const char *code,
                               const char *message,
                               const char *request_id,
                               const char *region)
{
  ImgprocAwsErrorDetails *self = g_new0 (ImgprocAwsErrorDetails, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->status = status;
  self->code = g_strdup (code != NULL && *code != '\0' ? code : NULL);
  self->message = g_strdup (message != NULL && *message != '\0' ? message : NULL);
  self->request_id = g_strdup (request_id != NULL && *request_id != '\0' ? request_id : NULL);
  self->region = g_strdup (region != NULL && *region != '\0' ? region : NULL);
  return self;
}

/**
 * imgproc_aws_error_details_ref:
 * @self: the details
 *
 * Takes a reference to @self.
 *
 * Returns: (transfer full): @self
 */
ImgprocAwsErrorDetails *
imgproc_aws_error_details_ref (ImgprocAwsErrorDetails *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * imgproc_aws_error_details_unref:
 * @self: (transfer full): the details
 *
 * Drops a reference to @self, freeing it with the last one.
 */
void
imgproc_aws_error_details_unref (ImgprocAwsErrorDetails *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->code);
      g_free (self->message);
      g_free (self->request_id);
      g_free (self->region);
      g_free (self);
    }
}

/**
 * imgproc_aws_error_details_get_status:
 * @self: the details
 *
 * Gives the HTTP status of the answer that carried the error.
 *
 * Returns: the HTTP status, or 0 when no answer arrived
 */
guint
imgproc_aws_error_details_get_status (const ImgprocAwsErrorDetails *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->status;
}

/**
 * imgproc_aws_error_details_get_code:
 * @self: the details
 *
 * Gives the AWS error code, such as `NoSuchKey`, `SignatureDoesNotMatch` or
 * `ConditionalCheckFailedException`, without any `namespace#` prefix.
 *
 * Returns: (nullable): the AWS error code, if the service sent one
 */
const char *
imgproc_aws_error_details_get_code (const ImgprocAwsErrorDetails *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->code;
}

/**
 * imgproc_aws_error_details_get_message:
 * @self: the details
 *
 * Gives the service's own explanation, untranslated.
 *
 * Returns: (nullable): the service's error message, if it sent one
 */
const char *
imgproc_aws_error_details_get_message (const ImgprocAwsErrorDetails *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->message;
}

/**
 * imgproc_aws_error_details_get_request_id:
 * @self: the details
 *
 * Gives the request id the service assigned, which AWS support asks for.
 *
 * Returns: (nullable): the request id, if the service sent one
 */
const char *
imgproc_aws_error_details_get_request_id (const ImgprocAwsErrorDetails *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->request_id;
}

/**
 * imgproc_aws_error_details_get_region:
 * @self: the details
 *
 * Gives the region S3 named for a bucket, in `x-amz-bucket-region` or in a
 * `<Region>` element, when it redirects a request.
 *
 * Returns: (nullable): the bucket's region, if the answer named one
 */
const char *
imgproc_aws_error_details_get_region (const ImgprocAwsErrorDetails *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->region;
}

static ImgprocAwsErrorDetails *
details_from_message_tail (const char *message)
{
  const char *tail = g_strrstr (message, message_tail_start);
  g_auto(GStrv) parts = NULL;
  g_autofree char *inner = NULL;
  const char *code = NULL, *request_id = NULL, *region = NULL;
  guint64 status = 0;
  gsize len;

  if (tail == NULL)
    return NULL;
  tail += strlen (message_tail_start);
  len = strlen (tail);
  if (len == 0 || tail[len - 1] != ']')
    return NULL;
  inner = g_strndup (tail, len - 1);
  parts = g_strsplit (inner, "; ", -1);
  if (!g_ascii_string_to_unsigned (parts[0], 10, 0, 999, &status, NULL))
    return NULL;
  for (guint i = 1; parts[i] != NULL; i++)
    {
      if (g_str_has_prefix (parts[i], "code "))
        code = parts[i] + strlen ("code ");
      else if (g_str_has_prefix (parts[i], "request "))
        request_id = parts[i] + strlen ("request ");
      else if (g_str_has_prefix (parts[i], "region "))
        region = parts[i] + strlen ("region ");
    }
  return imgproc_aws_error_details_new (status, code, NULL, request_id, region);
}

/**
 * imgproc_aws_error_get_details:
 * @error: an error from one of the AWS clients
 *
 * Finds what the service said about a failed request. This works on the
 * errors the clients return, and also on a copy that kept only the domain, code
 * and message (a Python `GLib.Error`, say): the message ends with the details
 * in a fixed form, `[HTTP 403; code SignatureDoesNotMatch; request 4442…]`. Such
 * a copy has no service message.
 *
 * Returns: (transfer full) (nullable): the details, or %NULL when @error is
 *   not in the %IMGPROC_AWS_ERROR domain or carries none
 */
ImgprocAwsErrorDetails *
imgproc_aws_error_get_details (const GError *error)
{
  ImgprocAwsErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != IMGPROC_AWS_ERROR)
    return NULL;
  priv = imgproc_aws_error_get_private (error);
  if (priv != NULL && priv->details != NULL)
    return imgproc_aws_error_details_ref (priv->details);
  return details_from_message_tail (error->message);
}

GError *
imgproc_aws_error_new_with_details (ImgprocAwsError         code,
                                    ImgprocAwsErrorDetails *details,
                                    const char             *text)
{
  GString *message = g_string_new (text);
  ImgprocAwsErrorPrivate *priv;
  GError *error;

  if (details != NULL)
    {
      g_string_append_printf (message, "%s%u", message_tail_start, details->status);
      if (details->code != NULL)
        g_string_append_printf (message, "; code %s", details->code);
      if (details->request_id != NULL)
        g_string_append_printf (message, "; request %s", details->request_id);
      if (details->region != NULL)
        g_string_append_printf (message, "; region %s", details->region);
      g_string_append_c (message, ']');
    }
  error = g_error_new_literal (IMGPROC_AWS_ERROR, code, message->str);
  g_string_free (message, TRUE);
  priv = imgproc_aws_error_get_private (error);
  if (priv != NULL && details != NULL)
    priv->details = imgproc_aws_error_details_ref (details);
  return error;
}

static gboolean
code_in (const char        *code,
         const char *const *set)
{
  return code != NULL && g_strv_contains (set, code);
}

static const char *const throttling_codes[] = {
  "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
  "TooManyRequestsException", "ProvisionedThroughputExceededException",
  "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
  "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
  "EC2ThrottledException", "KmsThrottled", NULL
};
static const char *const transient_codes[] = {
  "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure",
  "InternalServerError", "ServiceUnavailable", "IDPCommunicationError",
  "ConditionalRequestConflict", NULL
};
static const char *const skew_codes[] = {
  "RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture", NULL
};
static const char *const signature_codes[] = {
  "SignatureDoesNotMatch", "InvalidSignatureException", "IncompleteSignature",
  "IncompleteSignatureException", "MissingAuthenticationToken",
  "MissingAuthenticationTokenException", "AuthFailure", "AuthorizationHeaderMalformed",
  "XAmzContentSHA256Mismatch", NULL
};
static const char *const expired_codes[] = {
  "ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired", "RequestExpiredToken", NULL
};
static const char *const denied_codes[] = {
  "AccessDenied", "AccessDeniedException", "InvalidAccessKeyId", "UnrecognizedClientException",
  "InvalidClientTokenId", "InvalidSecurity", "AWS.SimpleQueueService.InvalidSecurity", NULL
};
static const char *const not_found_codes[] = {
  "NoSuchKey", "NoSuchBucket", "NoSuchUpload", "NotFound", "QueueDoesNotExist",
  "AWS.SimpleQueueService.NonExistentQueue", "ResourceNotFoundException", NULL
};
static const char *const too_large_codes[] = {
  "EntityTooLarge", "RequestEntityTooLarge", "ItemCollectionSizeLimitExceededException", NULL
};

ImgprocAwsError
imgproc_aws_error_code_for (guint       status,
                            const char *aws_code)
{
  if (g_strcmp0 (aws_code, "ConditionalCheckFailedException") == 0)
    return IMGPROC_AWS_ERROR_CONDITIONAL_CHECK_FAILED;
  if (code_in (aws_code, throttling_codes) || status == 429)
    return IMGPROC_AWS_ERROR_THROTTLED;
  if (code_in (aws_code, skew_codes))
    return IMGPROC_AWS_ERROR_CLOCK_SKEW;
  if (code_in (aws_code, expired_codes))
    return IMGPROC_AWS_ERROR_EXPIRED_CREDENTIALS;
  if (code_in (aws_code, signature_codes))
    return IMGPROC_AWS_ERROR_SIGNATURE;
  if (code_in (aws_code, denied_codes))
    return IMGPROC_AWS_ERROR_ACCESS_DENIED;
  if (code_in (aws_code, not_found_codes))
    return IMGPROC_AWS_ERROR_NOT_FOUND;
  if (code_in (aws_code, too_large_codes) || status == 413)
    return IMGPROC_AWS_ERROR_TOO_LARGE;
  if (code_in (aws_code, transient_codes))
    return IMGPROC_AWS_ERROR_UNAVAILABLE;
  if (g_strcmp0 (aws_code, "PermanentRedirect") == 0 || g_strcmp0 (aws_code, "TemporaryRedirect") == 0 ||
      status == 301 || status == 302 || status == 307)
    return IMGPROC_AWS_ERROR_REDIRECT;
  if (g_strcmp0 (aws_code, "PreconditionFailed") == 0 || status == 412)
    return IMGPROC_AWS_ERROR_PRECONDITION_FAILED;
  if (status == 500 || status == 502 || status == 503 || status == 504)
    return IMGPROC_AWS_ERROR_UNAVAILABLE;
  if (status == 403)
    return IMGPROC_AWS_ERROR_ACCESS_DENIED;
  if (status == 404)
    return IMGPROC_AWS_ERROR_NOT_FOUND;
  if (status >= 400 && status < 500)
    return IMGPROC_AWS_ERROR_INVALID_REQUEST;
  return IMGPROC_AWS_ERROR_FAILED;
}

/* `com.amazonaws.sqs#QueueDoesNotExist:http://…` → `QueueDoesNotExist`. */
static char *
sanitize_error_type (const char *type)
{
  const char *hash;

  if (type == NULL || *type == '\0')
    return NULL;
  hash = strrchr (type, '#');
  if (hash != NULL)
    type = hash + 1;
  return g_strndup (type, strcspn (type, ":"));
}

static const char *
json_string_member (JsonObject *object,
                    const char *const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (object, names[i]);
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_STRING)
        return json_node_get_string (node);
    }
  return NULL;
}

GError *
imgproc_aws_error_new_from_response (guint               status,
                                     SoupMessageHeaders *headers,
                                     GBytes             *body)
{
  static const char *const type_names[] = { "__type", "code", "Code", NULL };
  static const char *const message_names[] = { "message", "Message", "errorMessage", NULL };
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;
  g_autofree char *request_id = NULL;
  g_autofree char *region = NULL;
  g_autoptr(ImgprocAwsErrorDetails) details = NULL;
  g_autofree char *text = NULL;
  const char *data = NULL;
  gsize length = 0;

  imgproc_ensure_i18n ();

  if (body != NULL)
    data = g_bytes_get_data (body, &length);
  while (length > 0 && g_ascii_isspace (*data))
    data++, length--;

  if (length > 0 && *data == '<' && g_utf8_validate (data, length, NULL))
    {
      g_autoptr(ImgprocAwsXmlNode) root = imgproc_aws_xml_parse (data, length, NULL);
      ImgprocAwsXmlNode *error_node = imgproc_aws_xml_node_find (root, "Error");
      ImgprocAwsXmlNode *id_node = imgproc_aws_xml_node_find (root, "RequestId");

      if (error_node != NULL)
        {
          code = g_strdup (imgproc_aws_xml_node_child_text (error_node, "Code"));
          message = g_strdup (imgproc_aws_xml_node_child_text (error_node, "Message"));
          region = g_strdup (imgproc_aws_xml_node_child_text (error_node, "Region"));
        }
      if (id_node != NULL)
        request_id = g_strdup (id_node->text->str);
    }
  else if (length > 0 && *data == '{')
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (json_parser_load_from_data (parser, data, length, NULL) &&
          JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          JsonObject *object = json_node_get_object (json_parser_get_root (parser));
          code = sanitize_error_type (json_string_member (object, type_names));
          message = g_strdup (json_string_member (object, message_names));
        }
    }

  if (headers != NULL)
    {
      const char *query_error = soup_message_headers_get_one (headers, "x-amzn-query-error");
      const char *error_type = soup_message_headers_get_one (headers, "x-amzn-ErrorType");
      const char *bucket_region = soup_message_headers_get_one (headers, "x-amz-bucket-region");

      if (code == NULL && query_error != NULL)
        code = g_strndup (query_error, strcspn (query_error, ";"));
      if (code == NULL)
        code = sanitize_error_type (error_type);
      if (request_id == NULL)
        {
          const char *id = soup_message_headers_get_one (headers, "x-amzn-RequestId");
          if (id == NULL)
            id = soup_message_headers_get_one (headers, "x-amz-request-id");
          request_id = g_strdup (id);
        }
      if (bucket_region != NULL)

        {
          g_free (region);
          region = g_strdup (bucket_region);
        }
    }

  details = imgproc_aws_error_details_new (status, code, message, request_id, region);
  if (message != NULL)
    text = g_strdup_printf (_("%s: %s"), code != NULL ? code : soup_status_get_phrase (status), message);
  else if (code != NULL)
    text = g_strdup_printf (_("The service answered %s"), code);
  else
    text = g_strdup_printf (_("The service answered HTTP %u %s"), status,
                            soup_status_get_phrase (status) != NULL ? soup_status_get_phrase (status) : "");
  return imgproc_aws_error_new_with_details (imgproc_aws_error_code_for (status, code), details, text);
}

ImgprocAwsRetryKind
imgproc_aws_error_retry_kind (const GError *error)
{
  if (error->domain == IMGPROC_AWS_ERROR)
    {
      switch ((ImgprocAwsError) error->code)
        {
        case IMGPROC_AWS_ERROR_THROTTLED:
          return IMGPROC_AWS_RETRY_THROTTLING;
        case IMGPROC_AWS_ERROR_NETWORK:
        case IMGPROC_AWS_ERROR_UNAVAILABLE:
        case IMGPROC_AWS_ERROR_CHECKSUM_MISMATCH:
          return IMGPROC_AWS_RETRY_TRANSIENT;
        case IMGPROC_AWS_ERROR_TIMEOUT:
          return IMGPROC_AWS_RETRY_TIMEOUT;
        default:
          return IMGPROC_AWS_RETRY_NEVER;
        }
    }
  return IMGPROC_AWS_RETRY_NEVER;
}

gboolean
imgproc_aws_error_is_clock_skew_candidate (const GError *error)
{
  g_autoptr(ImgprocAwsErrorDetails) details = NULL;

  if (error->domain != IMGPROC_AWS_ERROR)
    return FALSE;
  if (error->code == IMGPROC_AWS_ERROR_CLOCK_SKEW)
    return TRUE;
  details = imgproc_aws_error_get_details (error);
  return details != NULL && code_in (details->code, (const char *const[]) {
    "SignatureDoesNotMatch", "InvalidSignatureException", "AuthFailure", NULL });
}
