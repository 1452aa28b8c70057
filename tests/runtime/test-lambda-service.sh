#!/bin/sh
# TAP test of imgproc-service in Lambda mode against fake-runtime-api.py:
# batch item failures, the init-error path and the deadline path. The events
# need no AWS call: test events, malformed bodies and keys the guard skips.
set -eu
srcdir=${IMGPROC_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
service=${IMGPROC_BUILDDIR:-.}/service/imgproc-service
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret \
	AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent \
	AWS_EC2_METADATA_DISABLED=true IMGPROC_CONFIG=$tmp/imgproc.conf \
	AWS_LAMBDA_FUNCTION_NAME=imgproc-test AWS_LAMBDA_LOG_FORMAT=JSON
unset IMGPROC_QUEUE_URL AWS_ENDPOINT_URL 2>/dev/null || true
printf '[imgproc]\n' > "$tmp/imgproc.conf"

# run NAME [runtime-api options]: serves $tmp/NAME/events, records in $tmp/NAME/out
run () {
	name=$1; shift
	/usr/bin/python3 "$srcdir/tests/runtime/fake-runtime-api.py" --events "$tmp/$name/events" \
		--out "$tmp/$name/out" "$@" > "$tmp/$name/server.out" 2> "$tmp/$name/server.err" &
	server=$!
	while [ ! -s "$tmp/$name/server.out" ]; do sleep 0.1; done
	AWS_LAMBDA_RUNTIME_API=$(head -n 1 "$tmp/$name/server.out") \
		"$service" > "$tmp/$name/stdout" 2> "$tmp/$name/stderr" || echo $? > "$tmp/$name/status"
	wait "$server"
}

test_event='{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Bucket\":\"media\"}'
loop_event='{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"media\"},\"object\":{\"key\":\"processed/800/a.jpg\",\"size\":10}}}]}'
batch="{\"Records\":[
 {\"messageId\":\"m-test\",\"receiptHandle\":\"r1\",\"body\":\"$test_event\",\"attributes\":{\"ApproximateReceiveCount\":\"1\"},\"eventSource\":\"aws:sqs\"},
 {\"messageId\":\"m-bad\",\"receiptHandle\":\"r2\",\"body\":\"not json\",\"attributes\":{\"ApproximateReceiveCount\":\"1\"},\"eventSource\":\"aws:sqs\"},
 {\"messageId\":\"m-loop\",\"receiptHandle\":\"r3\",\"body\":\"$loop_event\",\"attributes\":{\"ApproximateReceiveCount\":\"1\"},\"eventSource\":\"aws:sqs\"}]}"

mkdir -p "$tmp/batch/events" "$tmp/deadline/events" "$tmp/init/events"
printf '%s' "$batch" > "$tmp/batch/events/req-1.json"
printf '%s' "$batch" > "$tmp/deadline/events/req-2.json"
printf '%s' "$batch" > "$tmp/init/events/req-3.json"

echo "1..7"
ok() { if eval "$2"; then echo "ok $1 - $3"; else echo "not ok $1 - $3"; sed 's/^/# /' "$tmp"/*/stderr "$tmp"/*/server.err 2>/dev/null | head -40; fi; }

run batch
ok 1 '[ "$(cat "$tmp/batch/out/req-1.response")" = "{\"batchItemFailures\":[{\"itemIdentifier\":\"m-bad\"}]}" ]' \
	"batchItemFailures lists exactly the malformed message"
ok 2 'grep -q "\"CloudWatchMetrics\"" "$tmp/batch/stdout" && grep -q "\"Skipped\":2" "$tmp/batch/stdout"' \
	"an EMF line with the skipped records"
ok 3 'grep -q "\"requestId\":\"req-1\"" "$tmp/batch/stderr" && grep -q "\"level\":\"INFO\"" "$tmp/batch/stderr"' \
	"JSON log lines carry the request id"

run deadline --deadline-ms 500
ok 4 '[ "$(cat "$tmp/deadline/out/req-2.response")" = "{\"batchItemFailures\":[{\"itemIdentifier\":\"m-test\"},{\"itemIdentifier\":\"m-bad\"},{\"itemIdentifier\":\"m-loop\"}]}" ]' \
	"too close to the deadline, every message is reported failed"

IMGPROC_QUALITY=500 run init
ok 5 '[ -f "$tmp/init/out/init-error" ] && [ "$(cat "$tmp/init/out/init-error-type")" = "Runtime.InvalidConfiguration" ]' \
	"a bad configuration is an init error"
ok 6 'grep -q "quality" "$tmp/init/out/init-error"' "the init error names the setting"
ok 7 '[ "$(cat "$tmp/init/status" 2>/dev/null)" = 78 ] && [ ! -f "$tmp/init/out/req-3.response" ]' \
	"after an init error the runtime exits without serving"
