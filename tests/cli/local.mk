# The imgproc command-line tool, run as a user runs it.
TESTS += tests/cli/test-cli.sh
EXTRA_DIST += tests/cli/test-cli.sh
