# imgproc backfill end to end on the local AWS stack (tests/aws/aws-stack).
TESTS += tests/cli/test-backfill.sh
EXTRA_DIST += \
	tests/cli/backfill-driver.py \
	tests/cli/test-backfill.sh
