/* Loopback stand-ins for the credential endpoints: EC2 instance metadata
 * (IMDSv2), the container credentials endpoint and STS
 * (AssumeRoleWithWebIdentity, and a signed GetCallerIdentity), answering as
 * the real ones do, over http or https. The server runs in its own thread,
 * so that synchronous loads can reach it. It also serves as a plain http
 * proxy: a request for an absolute URI is answered as if it had reached the
 * host named, and CONNECT is refused. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _FakeAwsEndpoints FakeAwsEndpoints;

FakeAwsEndpoints *fake_aws_endpoints_new (void);
/* The same over https, presenting CERTIFICATE (with its private key). */
FakeAwsEndpoints *fake_aws_endpoints_new_https (GTlsCertificate *certificate);
void fake_aws_endpoints_free (FakeAwsEndpoints *self);

/* http://127.0.0.1:PORT (https:// for _new_https), without a trailing slash */
const char *fake_aws_endpoints_get_url (FakeAwsEndpoints *self);

/* IMDS: the role ("" for none) and region served; rotating the token makes
 * every token handed out so far answer 401. */
void fake_aws_endpoints_set_imds_role (FakeAwsEndpoints *self,
                                       const char       *role);
void fake_aws_endpoints_rotate_imds_token (FakeAwsEndpoints *self);
/* IMDSv1 only: the token PUT answers 403 and GETs need no token. */
void fake_aws_endpoints_set_imds_v1_only (FakeAwsEndpoints *self);
guint fake_aws_endpoints_get_imds_token_puts (FakeAwsEndpoints *self);
guint fake_aws_endpoints_get_imds_unauthorized (FakeAwsEndpoints *self);
guint fake_aws_endpoints_get_requests (FakeAwsEndpoints *self);
/* "METHOD URI" for every request so far, one a line ("" for none). */
char *fake_aws_endpoints_get_request_log (FakeAwsEndpoints *self);
#define fake_aws_endpoints_assert_log(self, expected) \
  G_STMT_START { \
    g_autofree char *log_ = fake_aws_endpoints_get_request_log (self); \
    g_assert_cmpstr (log_, ==, expected); \
  } G_STMT_END

/* Container: the Authorization value required at /container/creds. */
void fake_aws_endpoints_set_container_authorization (FakeAwsEndpoints *self,
                                                     const char       *authorization);

/* STS: the web identity token last received; an error code to answer with
 * instead of credentials (NULL for success). */
char *fake_aws_endpoints_get_last_web_identity_token (FakeAwsEndpoints *self);
char *fake_aws_endpoints_get_last_role_arn (FakeAwsEndpoints *self);
void fake_aws_endpoints_set_sts_error (FakeAwsEndpoints *self,
                                       const char       *code);

/* Every request after this is answered with a 301 to LOCATION (NULL: as
 * before), which libsoup would follow for any method. */
void fake_aws_endpoints_set_redirect (FakeAwsEndpoints *self,
                                      const char       *location);

#define FAKE_SECRET "fakeSecret/Key+ThatMustNotLeak0123456789"
#define FAKE_TOKEN "fakeSessionTokenThatMustNotLeak/+=="
#define FAKE_CALLER_ARN "arn:aws:iam::123456789012:user/fake-caller"
#define FAKE_CALLER_USER_ID "AIDAFAKECALLER"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeAwsEndpoints, fake_aws_endpoints_free)

G_END_DECLS
