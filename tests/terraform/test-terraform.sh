#!/bin/sh
# Runs the offline Terraform check (check-terraform.mjs) on terraform/ and proves that it
# catches planted errors, printing TAP. When node is missing it prints a skip plan.
#
# Environment: srcdir (set by automake; else this script's location decides),
# IMGPROC_TESTDATA (default: <top_srcdir>/../shared/testdata), IMGPROC_NPM_PREFIX
# (default: ~/.cache/imgproc/npm-terraform), NODE (default: node).

set -u

HCL2JSON_VERSION=0.21.0

here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${srcdir:-}" ] && [ -f "$srcdir/tests/terraform/check-terraform.mjs" ]; then
	top_srcdir=$(cd "$srcdir" && pwd)
else
	top_srcdir=$(cd "$here/../.." && pwd)
fi
checker="$top_srcdir/tests/terraform/check-terraform.mjs"
tfroot="$top_srcdir/terraform"
IMGPROC_TESTDATA=${IMGPROC_TESTDATA:-$top_srcdir/../shared/testdata}
IMGPROC_NPM_PREFIX=${IMGPROC_NPM_PREFIX:-${HOME:-/tmp}/.cache/imgproc/npm-terraform}
export IMGPROC_TESTDATA IMGPROC_NPM_PREFIX
NODE=${NODE:-node}

if ! command -v "$NODE" >/dev/null 2>&1; then
	# automake's TAP driver counts a skip plan as SKIP only with exit 0.
	echo "1..0 # SKIP node is not installed"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/imgproc-terraform.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

plan=11
echo "1..$plan"
n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
}

# Indents a file as TAP diagnostics.
diag() {
	sed 's/^/# /' "$1"
}

# 1: the parser, installed into the prefix only when missing. npm runs from an empty
# directory: given a cwd holding a folder named like the package, it installs nothing.
pkg="$IMGPROC_NPM_PREFIX/node_modules/@cdktf/hcl2json/package.json"
have_hcl2json() {
	[ -f "$pkg" ] && grep -q "\"version\": *\"$HCL2JSON_VERSION\"" "$pkg"
}
if ! have_hcl2json; then
	mkdir -p "$IMGPROC_NPM_PREFIX" "$tmp/npm-cwd"
	(cd "$tmp/npm-cwd" && npm install --prefix "$IMGPROC_NPM_PREFIX" --no-audit --no-fund --loglevel=error \
		"@cdktf/hcl2json@$HCL2JSON_VERSION") >"$tmp/npm.log" 2>&1
	diag "$tmp/npm.log"
fi
if have_hcl2json; then
	ok "@cdktf/hcl2json@$HCL2JSON_VERSION is installed in $IMGPROC_NPM_PREFIX"
else
	not_ok "@cdktf/hcl2json@$HCL2JSON_VERSION is installed in $IMGPROC_NPM_PREFIX"
	while [ "$n" -lt "$plan" ]; do not_ok "skipped: no HCL parser"; done
	exit 1
fi

# 2: the real tree passes.
"$NODE" "$checker" --root "$tfroot" >"$tmp/real.log" 2>&1
status=$?
diag "$tmp/real.log"
if [ "$status" -eq 0 ]; then
	ok "terraform/ passes the offline check"
else
	not_ok "terraform/ passes the offline check (exit $status)"
fi

# plant NAME FILE EXPECTED SED-SCRIPT: copies terraform/ (writable, out of the source
# tree), edits FILE with the sed script, and expects the checker to fail with EXPECTED.
plant() {
	name=$1 file=$2 expected=$3 script=$4
	copy="$tmp/plant-$n"
	rm -rf "$copy"
	cp -R "$tfroot" "$copy" && chmod -R u+w "$copy" || {
		not_ok "$name (cannot copy terraform/)"
		return
	}
	sed "$script" "$copy/$file" >"$copy/$file.new" && mv "$copy/$file.new" "$copy/$file"
	if cmp -s "$tfroot/$file" "$copy/$file"; then
		not_ok "$name (the planted edit did not apply to $file)"
		return
	fi
	"$NODE" "$checker" --root "$copy" >"$tmp/plant.log" 2>&1
	status=$?
	if [ "$status" -eq 1 ] && grep -F -q -- "$expected" "$tmp/plant.log"; then
		ok "$name"
	else
		diag "$tmp/plant.log"
		not_ok "$name (exit $status, expected 1 and: $expected)"
	fi
}

plant "unknown resource argument is reported" \
	modules/lambda_images/main.tf \
	"aws_lambda_function.this: unknown argument bogus_attr" \
	'/^  memory_size  *= var.lambda_memory_size$/a\
  bogus_attr = true'

plant "undeclared variable is reported" \
	modules/lambda_images/main.tf \
	"var.lambda_timeout_s is not declared" \
	's/= var.lambda_timeout$/= var.lambda_timeout_s/'

plant "missing required argument is reported" \
	modules/lambda_images/iam.tf \
	"aws_iam_role_policy.lambda: required argument role is not set" \
	'/^  role   = aws_iam_role.lambda.id$/d'

plant "missing seed input is reported" \
	modules/lambda_images/variables.tf \
	"seed input sqs_batch_size (number) is not declared" \
	's/^variable "sqs_batch_size" {$/variable "batch_size" {/'

plant "changed seed input type is reported" \
	modules/lambda_images/variables.tf \
	"variable.lambda_layers: type is set(string), the seed's is list(string)" \
	'/^variable "lambda_layers" {$/,/^}$/s/type        = list(string)/type        = set(string)/'

plant "missing seed output is reported" \
	modules/lambda_images/outputs.tf \
	"seed output lambda_iam_role_name is not declared" \
	's/^output "lambda_iam_role_name" {$/output "iam_role_name" {/'

plant "unknown module argument is reported" \
	examples/complete/main.tf \
	"module.image_processor: argument bogus_input is not a variable of" \
	'/^  lambda_timeout       = var.lambda_timeout$/a\
  bogus_input          = 1'

plant "unknown resource type is reported" \
	examples/ec2/main.tf \
	"unknown resource type aws_launch_templates" \
	's/^resource "aws_launch_template" "imgproc" {$/resource "aws_launch_templates" "imgproc" {/'

plant "syntax error is reported" \
	examples/ec2/outputs.tf \
	"does not parse" \
	's/^  value       = aws_iam_role.imgproc.arn$/  value       = aws_iam_role.imgproc.arn +/'

if [ "$n" -ne "$plan" ]; then
	echo "# ran $n tests, planned $plan"
	exit 1
fi
[ "$failed" -eq 0 ]
