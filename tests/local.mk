# Every test speaks TAP: GTest programs (GLib 2.74 prints TAP by default),
# Python GI scripts and the shell drivers of the local AWS stack.
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
LOG_COMPILER =
TEST_EXTENSIONS = .py .sh
PY_LOG_DRIVER = $(LOG_DRIVER)
PY_LOG_COMPILER = $(PYTHON3)
SH_LOG_DRIVER = $(LOG_DRIVER)
SH_LOG_COMPILER = $(SHELL)

# Tests read ../shared/testdata in place; IMGPROC_TESTDATA overrides it.
AM_TESTS_ENVIRONMENT = \
	G_TEST_SRCDIR=$(abs_srcdir)/tests; \
	G_TEST_BUILDDIR=$(abs_builddir)/tests; \
	IMGPROC_TESTDATA=$${IMGPROC_TESTDATA:-$(abs_top_srcdir)/../shared/testdata}; \
	GI_TYPELIB_PATH=$(abs_builddir)/libimgproc$${GI_TYPELIB_PATH:+:$$GI_TYPELIB_PATH}; \
	LD_LIBRARY_PATH=$(abs_builddir)/libimgproc/.libs$${LD_LIBRARY_PATH:+:$$LD_LIBRARY_PATH}; \
	IMGPROC_BUILDDIR=$(abs_builddir); \
	IMGPROC_SRCDIR=$(abs_srcdir); \
	IMGPROC_CLI=$(abs_builddir)/service/imgproc; \
	LC_ALL=C.UTF-8; \
	export G_TEST_SRCDIR G_TEST_BUILDDIR IMGPROC_TESTDATA GI_TYPELIB_PATH LD_LIBRARY_PATH \
		IMGPROC_BUILDDIR IMGPROC_SRCDIR IMGPROC_CLI LC_ALL;

test_cflags = $(AM_CFLAGS) -DIMGPROC_COMPILATION $(imgproc_cflags)
test_ldadd = libimgproc/libimgproc-internal.la $(imgproc_libs)

include $(top_srcdir)/tests/cli/local.mk
include $(top_srcdir)/tests/image/local.mk
include $(top_srcdir)/tests/aws/clients.mk
include $(top_srcdir)/tests/aws/local.mk
include $(top_srcdir)/tests/pipeline/local.mk
include $(top_srcdir)/tests/runtime/local.mk
