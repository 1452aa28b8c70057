#!/bin/sh
# Runs service-e2e-driver.py inside the local AWS stack (tests/aws/aws-stack).
# Skips when node is missing; writes only to a mktemp -d directory.
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v "${NODE:-node}" >/dev/null 2>&1; then
  echo "1..0 # SKIP node not found"
  exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/imgproc-service-e2e.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
AWS_STACK_QUIET=1 "$here/../aws/aws-stack" run "$tmp/stack" -- /usr/bin/python3 -B "$here/service-e2e-driver.py"
