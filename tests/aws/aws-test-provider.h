/* A credentials provider for the AWS client tests: it hands out a scripted
 * sequence of credentials and counts how often it was asked. */
#pragma once

#include "imgproc.h"

G_BEGIN_DECLS

#define AWS_TYPE_TEST_PROVIDER (aws_test_provider_get_type ())
G_DECLARE_FINAL_TYPE (AwsTestProvider, aws_test_provider, AWS, TEST_PROVIDER, GObject)

AwsTestProvider *aws_test_provider_new (const char *access_key_id,
                                        const char *secret_access_key);
void aws_test_provider_push (AwsTestProvider *self,
                             const char      *access_key_id,
                             const char      *secret_access_key,
                             GDateTime       *expiration);
guint aws_test_provider_get_loads (AwsTestProvider *self);

G_END_DECLS
