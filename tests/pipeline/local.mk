# Tests of the pipeline area: one GTest program per type.
pipeline_tests = \
	tests/pipeline/test-event-parser \
	tests/pipeline/test-guard \
	tests/pipeline/test-processor \
	tests/pipeline/test-service-config
check_PROGRAMS += $(pipeline_tests)
TESTS += $(pipeline_tests)

tests_pipeline_test_event_parser_CFLAGS = $(test_cflags)
tests_pipeline_test_event_parser_LDADD = $(test_ldadd)
tests_pipeline_test_guard_CFLAGS = $(test_cflags)
tests_pipeline_test_guard_LDADD = $(test_ldadd)
tests_pipeline_test_service_config_CFLAGS = $(test_cflags)
tests_pipeline_test_service_config_LDADD = $(test_ldadd)
tests_pipeline_test_processor_CFLAGS = $(test_cflags)
tests_pipeline_test_processor_LDADD = $(test_ldadd)
