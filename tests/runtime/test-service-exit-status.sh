#!/bin/sh
# TAP test of imgproc-service's exit status: a configuration error exits 78
# (EX_CONFIG), which the systemd unit names in RestartPreventExitStatus so that
# an unconfigured host does not restart in a loop; a usage error exits 2. No
# case reaches AWS: each fails or succeeds during start-up.
set -u
srcdir=${IMGPROC_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
service=${IMGPROC_BUILDDIR:-.}/service/imgproc-service
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret \
	AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent \
	AWS_EC2_METADATA_DISABLED=true IMGPROC_CONFIG=$tmp/imgproc.conf
unset IMGPROC_QUEUE_URL AWS_ENDPOINT_URL AWS_LAMBDA_RUNTIME_API NOTIFY_SOCKET 2>/dev/null || true
printf '[imgproc]\n' > "$tmp/imgproc.conf"
printf '[imgproc]\nno-such-key=1\n' > "$tmp/unknown-key.conf"
queue=--queue-url=https://sqs.us-east-1.amazonaws.com/123456789012/images

n=0
# expect STATUS WHAT [NAME=VALUE...] -- ARGS...: runs the service with ARGS
# and the extra environment, and checks its exit status.
expect () {
	want=$1; what=$2; shift 2
	extra=
	while [ "$1" != "--" ]; do extra="$extra $1"; shift; done
	shift
	n=$((n + 1))
	# shellcheck disable=SC2086 # the NAME=VALUE words are split on purpose
	env $extra "$service" "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null
	got=$?
	if [ "$got" = "$want" ]; then
		echo "ok $n - $what (exit $got)"
	else
		echo "not ok $n - $what: exit $got, expected $want"
		sed 's/^/# /' "$tmp/err" | head -10
	fi
}

echo "1..11"
expect 0 "--check-config accepts a valid configuration" -- --mode=daemon "$queue" --check-config
expect 78 "--check-config refuses a daemon without a queue URL" -- --mode=daemon --check-config
expect 78 "the daemon does not start without a queue URL" -- --mode=daemon
expect 78 "a destination prefix inside the source prefix" -- --mode=daemon "$queue" \
	--source-prefix=media/ --destination-prefix=media/out/ --check-config
expect 78 "a setting out of range on the command line" -- --mode=daemon "$queue" --visibility-timeout=1 --check-config
expect 78 "a setting out of range in the environment" IMGPROC_QUALITY=500 -- --mode=daemon "$queue"
expect 78 "an unknown key in the configuration file" -- --config="$tmp/unknown-key.conf" --mode=daemon "$queue"
expect 78 "a configuration file that cannot be read" -- --config="$tmp/missing.conf" --mode=daemon "$queue"
expect 78 "--lambda without the Runtime API" -- --lambda
expect 2 "an unknown option is a usage error" -- --no-such-option
n=$((n + 1))
if grep -qx 'RestartPreventExitStatus=78' "$srcdir/data/imgproc.service.in"; then
	echo "ok $n - the systemd unit does not restart after exit 78"
else
	echo "not ok $n - data/imgproc.service.in lacks RestartPreventExitStatus=78"
fi
