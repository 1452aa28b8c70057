#!/bin/sh
# Runs test-aws-clients through the local AWS stack (tests/aws/aws-stack):
# every client operation goes through the SigV4-verifying front. Skips (77)
# only when node is missing; writes only to a mktemp -d directory.
here=$(cd "$(dirname "$0")" && pwd)
program=${IMGPROC_BUILDDIR:-.}/tests/aws/test-aws-clients

if ! command -v "${NODE:-node}" >/dev/null 2>&1; then
  echo "1..0 # SKIP node not found"
  exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/imgproc-aws-clients.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
AWS_STACK_QUIET=1 "$here/aws-stack" run "$tmp/stack" -- "$program" "$@"
