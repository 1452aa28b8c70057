#!/usr/bin/python3
"""The daemon extends the visibility of a message it is still working on: on
the local AWS stack, the SigV4 front holds the S3 GET of one image for several
visibility timeouts, while a rival consumer polls the queue. The message must
never be handed to the rival, must be processed exactly once and succeed.
Run by test-service-visibility.sh inside `aws-stack run`; prints TAP."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid

import botocore.config
import botocore.session

env = os.environ
bucket = env["IMGPROC_TEST_BUCKET"]
table = env["IMGPROC_TEST_TABLE"]
front = env["IMGPROC_TEST_FRONT"]
images = os.path.join(env.get("IMGPROC_TESTDATA", "../shared/testdata"), "images")
service = os.path.join(env.get("IMGPROC_BUILDDIR", "."), "service", "imgproc-service")
config_path = os.path.join(env["IMGPROC_AWS_STACK_DIR"], "imgproc-visibility.conf")

session = botocore.session.get_session()
path_style = botocore.config.Config(s3={"addressing_style": "path"})
s3 = session.create_client("s3", endpoint_url=env["AWS_ENDPOINT_URL_S3"], config=path_style)
sqs = session.create_client("sqs", endpoint_url=env["AWS_ENDPOINT_URL_SQS"])
ddb = session.create_client("dynamodb", endpoint_url=env["AWS_ENDPOINT_URL_DYNAMODB"])

with open(config_path, "w") as f:
    f.write("[imgproc]\n")

# The smallest visibility timeout the service accepts; the GET is held for
# several of them, so that without extensions SQS would hand the message out
# again while the first delivery is still at work.
VISIBILITY = 2
HOLD = 4 * VISIBILITY

checks = []


def check(ok, what):
    checks.append((bool(ok), what))


def front_delay(path_contains, seconds):
    request = urllib.request.Request(
        front + "/__front/delay", method="POST",
        data=json.dumps({"service": "s3", "method": "GET", "path_contains": path_contains,
                         "seconds": seconds}).encode())
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def record(key):
    return ddb.get_item(TableName=table, Key={"source_key": {"S": key}}, ConsistentRead=True).get("Item")


key = "uploads/slow/meadow-%s.jpg" % uuid.uuid4().hex[:8]
with open(os.path.join(images, "greenmeadow-1280x1024-progressive.jpg"), "rb") as f:
    meadow = f.read()
s3.put_object(Bucket=bucket, Key=key, Body=meadow)
queue = sqs.create_queue(QueueName="visibility-" + uuid.uuid4().hex[:12],
                         Attributes={"VisibilityTimeout": str(VISIBILITY)})["QueueUrl"]
message_id = sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"Records": [{
    "eventVersion": "2.1", "eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
    "eventTime": "2026-11-26T12:00:00.000Z",
    "s3": {"bucket": {"name": bucket},
           "object": {"key": urllib.parse.quote_plus(key, safe="/"), "size": len(meadow),
                      "sequencer": "00E1"}}}]}))["MessageId"]
check(front_delay(key, HOLD) == 200, "the front holds GETs of the source for %d s" % HOLD)

daemon = subprocess.Popen(
    [service, "--mode=daemon", "--queue-url=" + queue, "--table=" + table, "--widths=320",
     "--format=jpeg", "--log-format=json", "--visibility-timeout=%d" % VISIBILITY, "--concurrency=2"],
    env=dict(env, IMGPROC_CONFIG=config_path),
    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def not_visible():
    return sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessagesNotVisible"])[
        "Attributes"]["ApproximateNumberOfMessagesNotVisible"] == "1"


# The rival starts once the daemon holds the message, and polls until the
# record is written: every message it gets is one SQS handed out again.
deadline = time.monotonic() + 60
while time.monotonic() < deadline and not not_visible():
    time.sleep(0.05)
check(not_visible(), "the daemon received the message")
rival = []
deadline = time.monotonic() + 120
while time.monotonic() < deadline and (record(key) or {}).get("status", {}).get("S") != "processed":
    for message in sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1, MaxNumberOfMessages=10,
                                       AttributeNames=["ApproximateReceiveCount"]).get("Messages", []):
        rival.append(message)
front_delay(key, 0)
# The delete goes out in a batch after at most 200 ms, or at the latest
# before the daemon exits. The queue is idle now: a second SIGTERM, once the
# first was surely handled, spares the wait for the long poll on its way.
daemon.send_signal(signal.SIGTERM)
try:
    try:
        daemon.wait(timeout=2)
    except subprocess.TimeoutExpired:
        daemon.send_signal(signal.SIGTERM)
    _, err = daemon.communicate(timeout=60)
    status = daemon.returncode
except subprocess.TimeoutExpired:
    daemon.kill()
    _, err = daemon.communicate()
    status = None
sys.stderr.write(err)
check(status == 0, "SIGTERM stops the daemon with status 0 (%s)" % status)
check("CRITICAL" not in err and "assertion" not in err, "no failed assertion logged")

item = record(key)
check(item is not None and item["status"]["S"] == "processed", "the message was processed (%s)" %
      (item and item["status"]["S"]))
check(item is not None and float(item["duration_ms"]["N"]) >= HOLD * 1000,
      "the work took longer than %d visibility timeouts (%s ms)" %
      (HOLD // VISIBILITY, item and item["duration_ms"]["N"]))
check(item is not None and item["attempts"]["N"] == "1",
      "the record was written at the first receive (attempts %s)" % (item and item["attempts"]["N"]))
check(not rival, "SQS never handed the message to the rival consumer (%s)" %
      [m["Attributes"].get("ApproximateReceiveCount") for m in rival])

outcomes = []
for line in err.splitlines():
    try:
        entry = json.loads(line)
    except ValueError:
        continue
    if entry.get("messageId") == message_id and "outcome" in entry:
        outcomes.append(entry["outcome"])
check(outcomes == ["success"], "the daemon processed the message exactly once, with success (%s)" % outcomes)

attributes = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=[
    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
check(attributes["ApproximateNumberOfMessages"] == "0" and
      attributes["ApproximateNumberOfMessagesNotVisible"] == "0",
      "the message was deleted (%s)" % attributes)

print("1..%d" % len(checks))
for number, (ok, what) in enumerate(checks, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", number, what))
