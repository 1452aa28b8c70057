#!/usr/bin/python3
"""End to end through the Lambda layer: the layer's bootstrap runs imgproc-service in an
empty root against a loopback Runtime API (tests/runtime/fake-runtime-api.py) and the local
AWS stack. Run by build-aux/test-layer inside `tests/aws/aws-stack run`; prints TAP lines.

  test-layer-e2e.py ROOT CHROOT-COMMAND... (ROOT holds the layer at /opt)
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse

import botocore.config
import botocore.session

root = sys.argv[1]
chroot = sys.argv[2:]
env = os.environ
top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
images = os.path.join(env.get("IMGPROC_TESTDATA", os.path.join(top, "..", "shared", "testdata")), "images")
bucket = env["IMGPROC_TEST_BUCKET"]
table = env["IMGPROC_TEST_TABLE"]

session = botocore.session.get_session()
s3 = session.create_client("s3", endpoint_url=env["AWS_ENDPOINT_URL_S3"],
                           config=botocore.config.Config(s3={"addressing_style": "path"}))
ddb = session.create_client("dynamodb", endpoint_url=env["AWS_ENDPOINT_URL_DYNAMODB"])

checks = []


def check(ok, what):
    checks.append((bool(ok), what))


def s3_event(key, size):
    return json.dumps({"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
        "eventTime": "2026-11-26T12:00:00.000Z",
        "s3": {"bucket": {"name": bucket},
               "object": {"key": urllib.parse.quote_plus(key, safe="/"), "size": size,
                          "sequencer": "0061"}}}]})


photos = {"uploads/layer/glow.jpg": "eveningglow-2560x1600.jpg",
          "uploads/layer/leaf.webp": "fallenleaf-2560x1600.webp"}
records = []
for number, (key, name) in enumerate(sorted(photos.items())):
    with open(os.path.join(images, name), "rb") as f:
        data = f.read()
    s3.put_object(Bucket=bucket, Key=key, Body=data)
    records.append({"messageId": "m-%d" % number, "receiptHandle": "r-%d" % number,
                    "body": s3_event(key, len(data)), "attributes": {"ApproximateReceiveCount": "1"},
                    "eventSource": "aws:sqs",
                    "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:imgproc"})
records.append({"messageId": "m-bad", "receiptHandle": "r-bad", "body": "not json",
                "attributes": {"ApproximateReceiveCount": "1"}, "eventSource": "aws:sqs"})

with tempfile.TemporaryDirectory() as tmp:
    os.makedirs(os.path.join(tmp, "events"))
    with open(os.path.join(tmp, "events", "req-layer.json"), "w") as f:
        json.dump({"Records": records}, f)
    server = subprocess.Popen(
        ["/usr/bin/python3", os.path.join(top, "tests", "runtime", "fake-runtime-api.py"),
         "--events", os.path.join(tmp, "events"), "--out", os.path.join(tmp, "out")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    api = server.stdout.readline().strip()

    with open(os.path.join(root, "tmp", "imgproc.conf"), "w") as f:
        f.write("[imgproc]\n")
    # What Lambda gives a function, plus the stack's endpoints: nothing else reaches the root.
    lambda_env = {
        "PATH": "/usr/local/bin:/usr/bin/:/bin:/opt/bin",
        "LD_LIBRARY_PATH": "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/task:/opt/lib",
        "LAMBDA_TASK_ROOT": "/var/task", "LAMBDA_RUNTIME_DIR": "/var/runtime",
        "AWS_LAMBDA_RUNTIME_API": api, "AWS_LAMBDA_FUNCTION_NAME": "imgproc-layer-test",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512", "AWS_LAMBDA_LOG_FORMAT": "JSON",
        "_HANDLER": "imgproc", "TZ": ":UTC",
        "AWS_REGION": env["AWS_REGION"], "AWS_DEFAULT_REGION": env["AWS_REGION"],
        "AWS_ACCESS_KEY_ID": env["AWS_ACCESS_KEY_ID"],
        "AWS_SECRET_ACCESS_KEY": env["AWS_SECRET_ACCESS_KEY"],
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        "IMGPROC_CONFIG": "/tmp/imgproc.conf", "IMGPROC_TABLE": table,
        "IMGPROC_WIDTHS": "640,320", "IMGPROC_FORMAT": "webp",
    }
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_SQS",
                 "AWS_ENDPOINT_URL_DYNAMODB"):
        if name in env:
            lambda_env[name] = env[name]
    started = time.monotonic()
    run = subprocess.run(chroot + ["/opt/bootstrap"], env=lambda_env, capture_output=True,
                         text=True, timeout=300)
    elapsed = time.monotonic() - started
    server.wait(timeout=30)
    response_path = os.path.join(tmp, "out", "req-layer.response")
    response = open(response_path).read() if os.path.exists(response_path) else None
    check(response == '{"batchItemFailures":[{"itemIdentifier":"m-bad"}]}',
          "the layer answers the batch with exactly the malformed message failed (%s)" % response)
    check(not os.path.exists(os.path.join(tmp, "out", "init-error")), "no init error")
    check('"CloudWatchMetrics"' in run.stdout, "EMF metrics on stdout")
    if response is None or "init-error" in os.listdir(os.path.join(tmp, "out")):
        sys.stdout.write("".join("# " + line + "\n" for line in run.stderr.splitlines()[-30:]))

for key in sorted(photos):
    stem = key[len("uploads/"):].rsplit(".", 1)[0]
    for width in (640, 320):
        target = "processed/%d/%s.webp" % (width, stem)
        try:
            head = s3.head_object(Bucket=bucket, Key=target)
            check(head["ContentType"] == "image/webp", "%s was uploaded as WebP" % target)
        except Exception as error:  # noqa: BLE001 - any failure is a failed check
            check(False, "%s exists (%s)" % (target, error))
    item = ddb.get_item(TableName=table, Key={"source_key": {"S": key}}).get("Item")
    check(item is not None and item["status"]["S"] == "processed", "%s recorded as processed" % key)

for ok, what in checks:
    print("%s - %s" % ("ok 0" if ok else "not ok 0", what))
print("# the layer served the batch in %.2f s (exec to exit)" % elapsed)
sys.exit(0 if all(ok for ok, _ in checks) else 1)
