# Every test speaks TAP: GTest programs (GLib 2.74 prints TAP by default),
# Python GI scripts and the shell drivers of the local AWS stack.
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
LOG_COMPILER =
TEST_EXTENSIONS = .py .sh
PY_LOG_DRIVER = $(LOG_DRIVER)
PY_LOG_COMPILER = $(PYTHON3)
SH_LOG_DRIVER = $(LOG_DRIVER)
# Shell tests run through their own #! line: some need bash.
SH_LOG_COMPILER =

# Tests read ../shared/testdata in place; IMGPROC_TESTDATA overrides it.
AM_TESTS_ENVIRONMENT = \
	G_TEST_SRCDIR=$(abs_srcdir)/tests; \
	G_TEST_BUILDDIR=$(abs_builddir)/tests; \
	IMGPROC_TESTDATA=$${IMGPROC_TESTDATA:-$(IMGPROC_TESTDATA)}; \
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

# The local AWS stack (s3rver, local-aws-sqs, dynalite behind a SigV4-verifying
# front) and the offline Terraform check.
TESTS += \
	tests/aws/test-aws-stack.sh \
	tests/terraform/test-terraform.sh
EXTRA_DIST += \
	tests/aws/aws-stack \
	tests/aws/local-sqs.cjs \
	tests/aws/s3rver.cjs \
	tests/aws/sigv4-front.py \
	tests/aws/test-aws-stack.sh \
	tests/terraform/check-terraform.mjs \
	tests/terraform/extra-provider-attributes.json \
	tests/terraform/seed-interface.json \
	tests/terraform/test-terraform.sh \
	$(terraform_files)

# Every file under terraform/, for the tarball and the offline check.
terraform_files = \
	$(shell cd $(srcdir) && find terraform -type f \( -name '*.tf' -o -name '*.hcl' -o -name '*.tftpl' -o -name '*.md' \) | LC_ALL=C sort)
include $(top_srcdir)/tests/cli/backfill.mk
