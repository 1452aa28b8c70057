# Tests of the runtime area: one GTest program per type. The loopback Runtime
# API is a private helper that the end-to-end Lambda tests link too:
# add $(fake_runtime_api_sources) to a program's SOURCES.
fake_runtime_api_sources = \
	tests/runtime/fake-runtime-api.c \
	tests/runtime/fake-runtime-api.h

runtime_tests = \
	tests/runtime/test-batch-response \
	tests/runtime/test-lambda-runtime \
	tests/runtime/test-log \
	tests/runtime/test-metrics \
	tests/runtime/test-xray
check_PROGRAMS += $(runtime_tests)
TESTS += $(runtime_tests)

tests_runtime_test_lambda_runtime_SOURCES = \
	tests/runtime/test-lambda-runtime.c \
	$(fake_runtime_api_sources)
tests_runtime_test_lambda_runtime_CFLAGS = $(test_cflags)
tests_runtime_test_lambda_runtime_LDADD = $(test_ldadd)
tests_runtime_test_batch_response_CFLAGS = $(test_cflags)
tests_runtime_test_batch_response_LDADD = $(test_ldadd)
tests_runtime_test_log_CFLAGS = $(test_cflags)
tests_runtime_test_log_LDADD = $(test_ldadd)
tests_runtime_test_metrics_CFLAGS = $(test_cflags)
tests_runtime_test_metrics_LDADD = $(test_ldadd)
tests_runtime_test_xray_CFLAGS = $(test_cflags)
tests_runtime_test_xray_LDADD = $(test_ldadd)

# The standalone Runtime API for shell-level tests of the binary, and its test.
TESTS += tests/runtime/test-fake-runtime-api.sh
EXTRA_DIST += \
	tests/runtime/fake-runtime-api.py \
	tests/runtime/test-fake-runtime-api.sh

# imgproc-service in Lambda mode against the standalone Runtime API.
TESTS += tests/runtime/test-lambda-service.sh
EXTRA_DIST += tests/runtime/test-lambda-service.sh

# What the service drivers below share: the stack's clients, events, the
# front's controls, stopping a daemon, TAP.
EXTRA_DIST += tests/runtime/service_driver.py

# imgproc-service --once end to end on the local AWS stack (tests/aws/aws-stack).
TESTS += tests/runtime/test-service-e2e.sh
EXTRA_DIST += \
	tests/runtime/service-e2e-driver.py \
	tests/runtime/test-service-e2e.sh

# The daemon's delivery guarantees on the local AWS stack: DLQ after
# maxReceiveCount, stale and duplicate events, SIGTERM mid-work.
TESTS += tests/runtime/test-service-redelivery.sh
EXTRA_DIST += \
	tests/runtime/service-redelivery-driver.py \
	tests/runtime/test-service-redelivery.sh

# The daemon extends the visibility of a message it works on, on the local
# AWS stack: the front holds an S3 GET for several visibility timeouts.
TESTS += tests/runtime/test-service-visibility.sh
EXTRA_DIST += \
	tests/runtime/service-visibility-driver.py \
	tests/runtime/test-service-visibility.sh

# A reload keeps the daemon's limits: work started before SIGHUP and work
# received after it never hold more images at once than one processor may.
TESTS += tests/runtime/test-service-reload.sh
EXTRA_DIST += \
	tests/runtime/service-reload-driver.py \
	tests/runtime/test-service-reload.sh

# imgproc-service's exit status: 78 for configuration errors, 2 for usage.
TESTS += tests/runtime/test-service-exit-status.sh
EXTRA_DIST += tests/runtime/test-service-exit-status.sh
