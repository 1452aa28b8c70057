#!/usr/bin/python3
"""The daemon extends the visibility of a message it is still working on: on
the local AWS stack, the SigV4 front holds the S3 GET of one image for several
visibility timeouts, while a rival consumer polls the queue. The message must
never be handed to the rival, must be processed exactly once and succeed.
Run by test-service-visibility.sh inside `aws-stack run`; prints TAP."""

import json
import os
import subprocess
import time
import uuid

from service_driver import (bucket, check, env, event, finish, front_delay, images, record, s3, service, sqs,
                            stop_daemon, table, write_config)

config_path = write_config("imgproc-visibility.conf")

# The smallest visibility timeout the service accepts; the GET is held for
# several of them, so that without extensions SQS would hand the message out
# again while the first delivery is still at work.
VISIBILITY = 2
HOLD = 4 * VISIBILITY

key = "uploads/slow/meadow-%s.jpg" % uuid.uuid4().hex[:8]
with open(os.path.join(images, "greenmeadow-1280x1024-progressive.jpg"), "rb") as f:
    meadow = f.read()
s3.put_object(Bucket=bucket, Key=key, Body=meadow)
queue = sqs.create_queue(QueueName="visibility-" + uuid.uuid4().hex[:12],
                         Attributes={"VisibilityTimeout": str(VISIBILITY)})["QueueUrl"]
message_id = sqs.send_message(QueueUrl=queue, MessageBody=event(key, len(meadow), "00E1"))["MessageId"]
held_get = {"service": "s3", "method": "GET", "path_contains": key}
check(front_delay(held_get, HOLD), "the front holds GETs of the source for %d s" % HOLD)

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
front_delay(held_get, 0)
# The delete goes out in a batch after at most 200 ms, or at the latest
# before the daemon exits. The queue is idle now.
err = stop_daemon(daemon, "visibility", idle=True)

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

finish()
