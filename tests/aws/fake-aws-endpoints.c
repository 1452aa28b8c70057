/* Loopback stand-ins for IMDSv2, the container credentials endpoint and STS
 * (AssumeRoleWithWebIdentity, GetCallerIdentity), on a SoupServer in its own
 * thread. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <libsoup/soup.h>

#include "fake-aws-endpoints.h"

struct _FakeAwsEndpoints
{
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  SoupServer *server;
  GTlsCertificate *certificate;
  char *url;

  GMutex lock;
  GCond ready;
  gboolean started;

  char *imds_role;
  char *imds_token;
  gboolean imds_v1_only;
  guint token_generation;
  guint imds_token_puts;
  guint imds_unauthorized;
  guint requests;
  GPtrArray *request_log;

  char *container_authorization;

  char *last_web_identity_token;
  char *last_role_arn;
  char *sts_error;
  char *redirect_location;
};

static char *
expiration_in (int seconds)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_seconds (now, seconds);

  return g_date_time_format (later, "%Y-%m-%dT%H:%M:%SZ");
}

static void
reply (SoupServerMessage *message,
       guint              status,
       const char        *content_type,
       const char        *body)
{
  soup_server_message_set_status (message, status, NULL);
  if (body != NULL)
    soup_server_message_set_response (message, content_type, SOUP_MEMORY_COPY,
                                      body, strlen (body));
}

#define REPLY(...) do { reply (__VA_ARGS__); return; } while (0)

static void
handle_imds (FakeAwsEndpoints  *self,
             SoupServerMessage *message,
             const char        *method,
             const char        *path)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  const char *token = soup_message_headers_get_one (headers, "X-aws-ec2-metadata-token");

  if (g_str_equal (path, "/latest/api/token"))
    {
      const char *ttl = soup_message_headers_get_one (headers, "X-aws-ec2-metadata-token-ttl-seconds");

      if (!g_str_equal (method, "PUT"))
        REPLY (message, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL, NULL);
      if (self->imds_v1_only)
        REPLY (message, SOUP_STATUS_FORBIDDEN, NULL, NULL);
      if (ttl == NULL || atoi (ttl) < 1 || atoi (ttl) > 21600)
        REPLY (message, SOUP_STATUS_BAD_REQUEST, NULL, NULL);
      self->imds_token_puts++;
      g_free (self->imds_token);
      self->imds_token = g_strdup_printf ("imds-token-%u", self->token_generation);
      REPLY (message, SOUP_STATUS_OK, "text/plain", self->imds_token);
    }

  if (!g_str_equal (method, "GET"))
    REPLY (message, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL, NULL);
  if (!self->imds_v1_only && (token == NULL || g_strcmp0 (token, self->imds_token) != 0))
    {
      self->imds_unauthorized++;
      REPLY (message, SOUP_STATUS_UNAUTHORIZED, NULL, NULL);
    }

  if (g_str_equal (path, "/latest/meta-data/placement/region"))
    REPLY (message, SOUP_STATUS_OK, "text/plain", "eu-north-1");

  if (g_str_equal (path, "/latest/meta-data/iam/security-credentials/"))
    {
      if (self->imds_role == NULL || *self->imds_role == '\0')
        REPLY (message, SOUP_STATUS_NOT_FOUND, "text/html", "<h1>404</h1>");
      REPLY (message, SOUP_STATUS_OK, "text/plain", self->imds_role);
    }

  if (g_str_has_prefix (path, "/latest/meta-data/iam/security-credentials/") &&
      self->imds_role != NULL &&
      g_str_equal (path + strlen ("/latest/meta-data/iam/security-credentials/"), self->imds_role))
    {
      g_autofree char *expiration = expiration_in (6 * 3600);
      g_autofree char *body = g_strdup_printf (
        "{\n  \"Code\" : \"Success\",\n  \"LastUpdated\" : \"2026-01-01T00:00:00Z\",\n"
        "  \"Type\" : \"AWS-HMAC\",\n  \"AccessKeyId\" : \"ASIAIMDSEXAMPLE\",\n"
        "  \"SecretAccessKey\" : \"%s\",\n  \"Token\" : \"%s\",\n  \"Expiration\" : \"%s\"\n}",
        FAKE_SECRET, FAKE_TOKEN, expiration);

      REPLY (message, SOUP_STATUS_OK, "text/plain", body);
    }

  reply (message, SOUP_STATUS_NOT_FOUND, "text/html", "<h1>404</h1>");
}

static void
handle_container (FakeAwsEndpoints  *self,
                  SoupServerMessage *message)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  g_autofree char *expiration = expiration_in (3600);
  g_autofree char *body = NULL;

  if (self->container_authorization != NULL &&
      g_strcmp0 (authorization, self->container_authorization) != 0)
    REPLY (message, SOUP_STATUS_UNAUTHORIZED, "application/json",
                  "{\"code\":\"AccessDenied\",\"message\":\"bad token\"}");

  body = g_strdup_printf ("{\"AccessKeyId\":\"ASIACONTAINER\",\"SecretAccessKey\":\"%s\","
                          "\"Token\":\"%s\",\"Expiration\":\"%s\","
                          "\"RoleArn\":\"arn:aws:iam::111122223333:role/task\"}",
                          FAKE_SECRET, FAKE_TOKEN, expiration);
  reply (message, SOUP_STATUS_OK, "application/json", body);
}

static const char caller_identity[] =
  "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
  "<GetCallerIdentityResult><Arn>" FAKE_CALLER_ARN "</Arn><UserId>" FAKE_CALLER_USER_ID "</UserId>"
  "<Account>123456789012</Account></GetCallerIdentityResult>"
  "<ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>"
  "</GetCallerIdentityResponse>";

static void
handle_sts (FakeAwsEndpoints  *self,
            SoupServerMessage *message,
            const char        *method)
{
  SoupMessageBody *request_body = soup_server_message_get_request_body (message);
  g_autoptr(GBytes) flattened = soup_message_body_flatten (request_body);
  g_autofree char *form_text = g_strndup (g_bytes_get_data (flattened, NULL),
                                          g_bytes_get_size (flattened));
  g_autoptr(GHashTable) form = NULL;
  g_autofree char *expiration = expiration_in (3600);
  g_autofree char *body = NULL;

  if (!g_str_equal (method, "POST"))
    REPLY (message, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL, NULL);
  form = soup_form_decode (form_text);
  if (g_strcmp0 (g_hash_table_lookup (form, "Action"), "GetCallerIdentity") == 0)
    {
      if (soup_message_headers_get_one (soup_server_message_get_request_headers (message),
                                        "Authorization") == NULL)
        REPLY (message, SOUP_STATUS_FORBIDDEN, "text/xml",
               "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
               "<Type>Sender</Type><Code>MissingAuthenticationToken</Code><Message>unsigned</Message>"
               "</Error><RequestId>0</RequestId></ErrorResponse>");
      REPLY (message, SOUP_STATUS_OK, "text/xml", caller_identity);
    }
  if (g_strcmp0 (g_hash_table_lookup (form, "Action"), "AssumeRoleWithWebIdentity") != 0 ||
      g_strcmp0 (g_hash_table_lookup (form, "Version"), "2011-06-15") != 0 ||
      soup_message_headers_get_one (soup_server_message_get_request_headers (message),
                                    "Authorization") != NULL)
    REPLY (message, SOUP_STATUS_BAD_REQUEST, "text/xml",
                  "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
                  "<Type>Sender</Type><Code>InvalidAction</Code><Message>bad request</Message>"
                  "</Error><RequestId>0</RequestId></ErrorResponse>");

  g_free (self->last_web_identity_token);
  self->last_web_identity_token = g_strdup (g_hash_table_lookup (form, "WebIdentityToken"));
  g_free (self->last_role_arn);
  self->last_role_arn = g_strdup (g_hash_table_lookup (form, "RoleArn"));

  if (self->sts_error != NULL)
    {
      body = g_strdup_printf ("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
                              "  <Error>\n    <Type>Sender</Type>\n    <Code>%s</Code>\n"
                              "    <Message>Incorrect token audience</Message>\n  </Error>\n"
                              "  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n"
                              "</ErrorResponse>\n", self->sts_error);
      REPLY (message, SOUP_STATUS_BAD_REQUEST, "text/xml", body);
    }

  body = g_strdup_printf (
    "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
    "  <AssumeRoleWithWebIdentityResult>\n"
    "    <SubjectFromWebIdentityToken>system:serviceaccount:default:imgproc</SubjectFromWebIdentityToken>\n"
    "    <Audience>sts.amazonaws.com</Audience>\n"
    "    <AssumedRoleUser>\n"
    "      <Arn>arn:aws:sts::111122223333:assumed-role/imgproc/%s</Arn>\n"
    "      <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:%s</AssumedRoleId>\n"
    "    </AssumedRoleUser>\n"
    "    <Credentials>\n"
    "      <SessionToken>%s</SessionToken>\n"
    "      <SecretAccessKey>%s</SecretAccessKey>\n"
    "      <Expiration>%s</Expiration>\n"
    "      <AccessKeyId>ASIAWEBIDENTITY</AccessKeyId>\n"
    "    </Credentials>\n"
    "    <Provider>www.amazon.com</Provider>\n"
    "  </AssumeRoleWithWebIdentityResult>\n"
    "  <ResponseMetadata>\n"
    "    <RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId>\n"
    "  </ResponseMetadata>\n"
    "</AssumeRoleWithWebIdentityResponse>\n",
    (char *) g_hash_table_lookup (form, "RoleSessionName"),
    (char *) g_hash_table_lookup (form, "RoleSessionName"),
    FAKE_TOKEN, FAKE_SECRET, expiration);
  reply (message, SOUP_STATUS_OK, "text/xml", body);
}

static void
handler (SoupServer        *server,
         SoupServerMessage *message,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  FakeAwsEndpoints *self = user_data;
  const char *method = soup_server_message_get_method (message);
  g_autofree char *uri = g_uri_to_string (soup_server_message_get_uri (message));

  g_mutex_lock (&self->lock);
  self->requests++;
  g_ptr_array_add (self->request_log, g_strdup_printf ("%s %s", method, uri));
  /* As a proxy, it forwards plain http only: a tunnel would hide the
   * request from the log. */
  if (g_str_equal (method, "CONNECT"))
    reply (message, SOUP_STATUS_FORBIDDEN, NULL, NULL);
  else if (self->redirect_location != NULL)
    soup_server_message_set_redirect (message, SOUP_STATUS_MOVED_PERMANENTLY, self->redirect_location);
  else if (g_str_has_prefix (path, "/latest/"))
    handle_imds (self, message, method, path);
  else if (g_str_equal (path, "/container/creds"))
    handle_container (self, message);
  else if (g_str_equal (path, "/"))
    handle_sts (self, message, method);
  else
    reply (message, SOUP_STATUS_NOT_FOUND, NULL, NULL);
  g_mutex_unlock (&self->lock);
}

static gpointer
server_thread (gpointer data)
{
  FakeAwsEndpoints *self = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (self->context);
  self->server = soup_server_new ("tls-certificate", self->certificate, NULL);
  soup_server_add_handler (self->server, NULL, handler, self, NULL);
  soup_server_listen_local (self->server, 0,
                            SOUP_SERVER_LISTEN_IPV4_ONLY |
                            (self->certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0),
                            &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (self->server);
  self->url = g_strdup_printf ("%s://127.0.0.1:%d", self->certificate != NULL ? "https" : "http",
                               g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_mutex_lock (&self->lock);
  self->started = TRUE;
  g_cond_signal (&self->ready);
  g_mutex_unlock (&self->lock);

  g_main_loop_run (self->loop);

  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

FakeAwsEndpoints *
fake_aws_endpoints_new (void)
{
  return fake_aws_endpoints_new_https (NULL);
}

FakeAwsEndpoints *
fake_aws_endpoints_new_https (GTlsCertificate *certificate)
{
  FakeAwsEndpoints *self = g_new0 (FakeAwsEndpoints, 1);

  if (certificate != NULL)
    self->certificate = g_object_ref (certificate);
  g_mutex_init (&self->lock);
  g_cond_init (&self->ready);
  self->imds_role = g_strdup ("imgproc-instance-role");
  self->request_log = g_ptr_array_new_with_free_func (g_free);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("fake-aws-endpoints", server_thread, self);

  g_mutex_lock (&self->lock);
  while (!self->started)
    g_cond_wait (&self->ready, &self->lock);
  g_mutex_unlock (&self->lock);
  return self;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
fake_aws_endpoints_free (FakeAwsEndpoints *self)
{
  g_main_context_invoke (self->context, quit_loop, self->loop);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_free (self->url);
  g_free (self->imds_role);
  g_free (self->imds_token);
  g_free (self->container_authorization);
  g_free (self->last_web_identity_token);
  g_free (self->last_role_arn);
  g_free (self->sts_error);
  g_free (self->redirect_location);
  g_clear_object (&self->certificate);
  g_ptr_array_unref (self->request_log);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->ready);
  g_free (self);
}

const char *
fake_aws_endpoints_get_url (FakeAwsEndpoints *self)
{
  return self->url;
}

void
fake_aws_endpoints_set_imds_role (FakeAwsEndpoints *self,
                                  const char       *role)
{
  g_mutex_lock (&self->lock);
  g_free (self->imds_role);
  self->imds_role = g_strdup (role);
  g_mutex_unlock (&self->lock);
}

void
fake_aws_endpoints_rotate_imds_token (FakeAwsEndpoints *self)
{
  g_mutex_lock (&self->lock);
  self->token_generation++;
  g_clear_pointer (&self->imds_token, g_free);
  g_mutex_unlock (&self->lock);
}

void
fake_aws_endpoints_set_imds_v1_only (FakeAwsEndpoints *self)
{
  g_mutex_lock (&self->lock);
  self->imds_v1_only = TRUE;
  g_mutex_unlock (&self->lock);
}

#define GETTER(field) \
  guint fake_aws_endpoints_get_##field (FakeAwsEndpoints *self) \
  { \
    guint value; \
    g_mutex_lock (&self->lock); \
    value = self->field; \
    g_mutex_unlock (&self->lock); \
    return value; \
  }

GETTER (imds_token_puts)
GETTER (imds_unauthorized)
GETTER (requests)

char *
fake_aws_endpoints_get_request_log (FakeAwsEndpoints *self)
{
  char *joined;

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->request_log, NULL);
  joined = g_strjoinv ("\n", (char **) self->request_log->pdata);
  g_ptr_array_remove_index (self->request_log, self->request_log->len - 1);
  g_mutex_unlock (&self->lock);
  return joined;
}

void
fake_aws_endpoints_set_container_authorization (FakeAwsEndpoints *self,
                                                const char       *authorization)
{
  g_mutex_lock (&self->lock);
  g_free (self->container_authorization);
  self->container_authorization = g_strdup (authorization);
  g_mutex_unlock (&self->lock);
}

char *
fake_aws_endpoints_get_last_web_identity_token (FakeAwsEndpoints *self)
{
  char *value;

  g_mutex_lock (&self->lock);
  value = g_strdup (self->last_web_identity_token);
  g_mutex_unlock (&self->lock);
  return value;
}

char *
fake_aws_endpoints_get_last_role_arn (FakeAwsEndpoints *self)
{
  char *value;

  g_mutex_lock (&self->lock);
  value = g_strdup (self->last_role_arn);
  g_mutex_unlock (&self->lock);
  return value;
}

void
fake_aws_endpoints_set_sts_error (FakeAwsEndpoints *self,
                                  const char       *code)
{
  g_mutex_lock (&self->lock);
  g_free (self->sts_error);
  self->sts_error = g_strdup (code);
  g_mutex_unlock (&self->lock);
}

void
fake_aws_endpoints_set_redirect (FakeAwsEndpoints *self,
                                 const char       *location)
{
  g_mutex_lock (&self->lock);
  g_free (self->redirect_location);
  self->redirect_location = g_strdup (location);
  g_mutex_unlock (&self->lock);
}
