#!/bin/sh
# TAP test of tests/runtime/fake-runtime-api.py, driven with curl-free
# python3 requests the way a runtime would: next, response, error.
set -eu
srcdir=${IMGPROC_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/events" "$tmp/out"
printf '{"Records":[]}' > "$tmp/events/a-1.json"
printf '{"bad":true}' > "$tmp/events/b-2.json"

echo "1..4"
/usr/bin/python3 "$srcdir/tests/runtime/fake-runtime-api.py" --events "$tmp/events" --out "$tmp/out" \
	--trace-id 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Sampled=1' > "$tmp/server.out" &
server=$!
while [ ! -s "$tmp/server.out" ]; do sleep 0.1; done
address=$(head -n 1 "$tmp/server.out")

/usr/bin/python3 - "$address" > "$tmp/client.out" <<'PY'
import http.client, sys
address = sys.argv[1]
host, port = address.rsplit(":", 1)
def call(method, path, body=None, headers={}):
    c = http.client.HTTPConnection(host, int(port))
    c.request(method, "/2018-06-01/runtime/" + path, body=body, headers=headers)
    r = c.getresponse()
    data = r.read()
    return r.status, r.headers, data
s, h, body = call("GET", "invocation/next")
print(s, h["Lambda-Runtime-Aws-Request-Id"], h["Lambda-Runtime-Trace-Id"].split(";")[0], body.decode())
call("POST", "invocation/a-1/response", b'{"batchItemFailures":[]}')
s, h, body = call("GET", "invocation/next")
print(s, h["Lambda-Runtime-Aws-Request-Id"])
call("POST", "invocation/b-2/error", b'{"errorType":"Runtime.HandlerFailed"}',
     {"Lambda-Runtime-Function-Error-Type": "Runtime.HandlerFailed"})
s, h, body = call("GET", "invocation/next")
print(s)
PY
wait "$server"

ok() { if eval "$2"; then echo "ok $1 - $3"; else echo "not ok $1 - $3"; fi; }
ok 1 'grep -qx "200 a-1 Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700 {\"Records\":\[\]}" "$tmp/client.out"' "first event with its headers"
ok 2 '[ "$(cat "$tmp/out/a-1.response")" = "{\"batchItemFailures\":[]}" ]' "response recorded"
ok 3 '[ "$(cat "$tmp/out/b-2.error-type")" = "Runtime.HandlerFailed" ]' "error type recorded"
ok 4 'tail -n 1 "$tmp/client.out" | grep -qx 503' "next fails once every event is answered"
