# Tests of the AWS signer, credentials providers and configuration. The
# clients' tests are listed in clients.mk.
check_PROGRAMS += tests/aws/test-signer
TESTS += tests/aws/test-signer

tests_aws_test_signer_CFLAGS = $(test_cflags)
tests_aws_test_signer_LDADD = $(test_ldadd)

if HAVE_INTROSPECTION
TESTS += tests/aws/test-signer-gi.py
endif
EXTRA_DIST += tests/aws/test-signer-gi.py
