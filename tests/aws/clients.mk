# Tests of the AWS clients: fault injection against loopback servers, and
# every operation through the local AWS stack's SigV4-verifying front.
check_PROGRAMS += tests/aws/test-aws-faults tests/aws/test-aws-clients tests/aws/test-aws-whoami \
	tests/aws/test-aws-proxy tests/aws/test-aws-tls
TESTS += tests/aws/test-aws-faults tests/aws/test-aws-whoami tests/aws/test-aws-clients.sh \
	tests/aws/test-aws-proxy tests/aws/test-aws-tls
EXTRA_DIST += tests/aws/test-aws-clients.sh

tests_aws_test_aws_faults_SOURCES = \
	tests/aws/test-aws-faults.c \
	tests/aws/aws-test-provider.c \
	tests/aws/aws-test-provider.h
tests_aws_test_aws_faults_CFLAGS = $(test_cflags)
tests_aws_test_aws_faults_LDADD = $(test_ldadd)

tests_aws_test_aws_clients_SOURCES = \
	tests/aws/test-aws-clients.c \
	tests/aws/aws-test-provider.c \
	tests/aws/aws-test-provider.h
tests_aws_test_aws_clients_CFLAGS = $(test_cflags)
tests_aws_test_aws_clients_LDADD = $(test_ldadd)

tests_aws_test_aws_proxy_SOURCES = \
	tests/aws/test-aws-proxy.c \
	tests/aws/aws-test-provider.c \
	tests/aws/aws-test-provider.h \
	$(aws_fake_endpoints)
tests_aws_test_aws_proxy_CFLAGS = $(test_cflags)
tests_aws_test_aws_proxy_LDADD = $(test_ldadd)

tests_aws_test_aws_tls_SOURCES = \
	tests/aws/test-aws-tls.c \
	tests/aws/aws-test-provider.c \
	tests/aws/aws-test-provider.h \
	$(aws_fake_endpoints)
tests_aws_test_aws_tls_CFLAGS = $(test_cflags)
# It makes its certificates with libcrypto, which libimgproc only opens at run time.
tests_aws_test_aws_tls_LDADD = $(test_ldadd) $(OPENSSL_LIBS)

tests_aws_test_aws_whoami_SOURCES = tests/aws/test-aws-whoami.c
tests_aws_test_aws_whoami_CFLAGS = $(test_cflags)
tests_aws_test_aws_whoami_LDADD = $(test_ldadd)

if HAVE_INTROSPECTION
TESTS += tests/aws/test-aws-clients-gi.py
endif
EXTRA_DIST += tests/aws/test-aws-clients-gi.py
