# Tests of the image area: one GTest program per type, and the Python GI test.
image_test_util = \
	tests/image/test-image-util.c \
	tests/image/test-image-util.h

check_PROGRAMS += tests/image/test-coefficient-store tests/image/test-image-info tests/image/test-resizer
TESTS += tests/image/test-coefficient-store tests/image/test-image-info tests/image/test-resizer

tests_image_test_coefficient_store_SOURCES = tests/image/test-coefficient-store.c
tests_image_test_coefficient_store_CFLAGS = $(test_cflags)
tests_image_test_coefficient_store_LDADD = $(test_ldadd)

tests_image_test_image_info_SOURCES = tests/image/test-image-info.c $(image_test_util)
tests_image_test_image_info_CFLAGS = $(test_cflags)
tests_image_test_image_info_LDADD = $(test_ldadd)

tests_image_test_resizer_SOURCES = tests/image/test-resizer.c $(image_test_util)
tests_image_test_resizer_CFLAGS = $(test_cflags)
tests_image_test_resizer_LDADD = $(test_ldadd)

if HAVE_INTROSPECTION
TESTS += tests/image/test-resizer-gi.py
endif
EXTRA_DIST += tests/image/test-resizer-gi.py
