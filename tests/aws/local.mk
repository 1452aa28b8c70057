# Tests of the AWS signer, credentials providers and configuration. The
# clients' tests are listed in clients.mk.
aws_fake_endpoints = \
	tests/aws/fake-aws-endpoints.c \
	tests/aws/fake-aws-endpoints.h

check_PROGRAMS += \
	tests/aws/test-signer \
	tests/aws/test-credentials-providers \
	tests/aws/test-aws-config
TESTS += \
	tests/aws/test-signer \
	tests/aws/test-credentials-providers \
	tests/aws/test-aws-config

tests_aws_test_signer_CFLAGS = $(test_cflags)
tests_aws_test_signer_LDADD = $(test_ldadd)

tests_aws_test_credentials_providers_SOURCES = \
	tests/aws/test-credentials-providers.c \
	$(aws_fake_endpoints)
tests_aws_test_credentials_providers_CFLAGS = $(test_cflags)
tests_aws_test_credentials_providers_LDADD = $(test_ldadd)

tests_aws_test_aws_config_SOURCES = \
	tests/aws/test-aws-config.c \
	$(aws_fake_endpoints)
tests_aws_test_aws_config_CFLAGS = $(test_cflags)
tests_aws_test_aws_config_LDADD = $(test_ldadd)

if HAVE_INTROSPECTION
TESTS += tests/aws/test-signer-gi.py
endif
EXTRA_DIST += tests/aws/test-signer-gi.py
