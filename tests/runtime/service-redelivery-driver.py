#!/usr/bin/python3
"""The daemon's delivery guarantees on the local AWS stack, through the
SigV4-verifying front: a corrupt image reaches the DLQ after maxReceiveCount
with a failed record; a duplicate event, and an older one after a newer one,
leave the newer record; SIGTERM while work is in flight loses no message;
successful messages are deleted in batches. Each case gets its own source queue, so that it
controls the visibility timeout and the redrive policy. Run by
test-service-redelivery.sh inside `aws-stack run`; prints TAP."""

import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import uuid

from service_driver import (bucket, check, env, event, finish, front_delay, front_held, images, record,
                            s3, service, sqs, stop_daemon, table, wait_for, write_config)

dlq = env["IMGPROC_TEST_DLQ_URL"]
dlq_arn = env["IMGPROC_TEST_DLQ_ARN"]
config_path = write_config("imgproc-redelivery.conf")


def new_queue(attributes):
    name = "redelivery-" + uuid.uuid4().hex[:12]
    return sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]


def start_daemon(queue, *flags):
    return subprocess.Popen(
        [service, "--mode=daemon", "--queue-url=" + queue, "--table=" + table,
         "--widths=320", "--format=jpeg", "--log-format=json"] + list(flags),
        env=dict(env, IMGPROC_CONFIG=config_path),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


# A corrupt image: a permanent failure, never acknowledged, so SQS hands it
# out maxReceiveCount times and then moves it to the DLQ.
corrupt = "uploads/redelivery/broken.jpg"
queue = new_queue({"VisibilityTimeout": "1",
                   "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})})
s3.put_object(Bucket=bucket, Key=corrupt, Body=b"\xff\xd8\xff\xe0 not a jpeg")
sqs.send_message(QueueUrl=queue, MessageBody=event(corrupt, 16, "00A1"))
# At the service's smallest visibility timeout, 2 s, the two failed receives
# take about 4 s before the third moves the message.
daemon = start_daemon(queue, "--visibility-timeout=2", "--shutdown-timeout=5")


def corrupt_in_dlq():
    for message in sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=2, MaxNumberOfMessages=10,
                                       AttributeNames=["All"]).get("Messages", []):
        if urllib.parse.quote_plus(corrupt, safe="/") in message["Body"]:
            return message
    return None


dead = wait_for(corrupt_in_dlq, 90)
stop_daemon(daemon, "DLQ", idle=True)
check(dead is not None, "the corrupt image's message is in the DLQ")
check(not sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1).get("Messages"),
      "the source queue is empty afterwards")
item = record(corrupt)
check(item is not None and item["status"]["S"] == "failed", "the corrupt image is recorded as failed")
check(item is not None and item.get("error", {}).get("S", "") != "", "the record gives the reason (%s)" %
      (item and item.get("error", {}).get("S")))
check(item is not None and item.get("error_code", {}).get("S") == "permanent", "the failure is permanent")
check(item is not None and int(item["attempts"]["N"]) >= 2, "the record counts the attempts (%s)" %
      (item and item["attempts"]["N"]))

# A duplicate event, and an older one after a newer one: the conditional
# write on the sequencer keeps the newer record, and both are acknowledged.
def run_once(queue):
    run = subprocess.run(
        [service, "--mode=daemon", "--once", "--queue-url=" + queue, "--table=" + table,
         "--widths=320", "--format=jpeg", "--log-format=json", "--visibility-timeout=30"],
        env=dict(env, IMGPROC_CONFIG=config_path), capture_output=True, text=True, timeout=300)
    sys.stderr.write(run.stderr)
    return run.returncode


ordered = "uploads/redelivery/ordered.jpg"
queue = new_queue({"VisibilityTimeout": "30"})
with open(os.path.join(images, "greenmeadow-1280x1024-progressive.jpg"), "rb") as f:
    meadow = f.read()
s3.put_object(Bucket=bucket, Key=ordered, Body=meadow)
sqs.send_message(QueueUrl=queue, MessageBody=event(ordered, len(meadow), "00B0", "2026-11-26T12:00:02.000Z"))
check(run_once(queue) == 0, "the newer event is processed (exit 0)")
item = record(ordered)
check(item is not None and item["sequencer"]["S"].endswith("00B0"), "the record has the newer sequencer")

sqs.send_message(QueueUrl=queue, MessageBody=event(ordered, len(meadow), "00A0", "2026-11-26T12:00:01.000Z"))
sqs.send_message(QueueUrl=queue, MessageBody=event(ordered, len(meadow), "00B0", "2026-11-26T12:00:02.000Z"))
check(run_once(queue) == 0, "the older and the duplicate event are handled (exit 0)")
item = record(ordered)
check(item is not None and item["sequencer"]["S"].endswith("00B0") and
      item["sequencer"]["S"].lstrip("0") == "B0",
      "the older event left the newer sequencer (%s)" % (item and item["sequencer"]["S"]))
check(item is not None and item["event_time"]["S"] == "2026-11-26T12:00:02.000Z",
      "the record is still the newer event's")
check(item is not None and item["status"]["S"] == "processed" and len(item["renditions"]["L"]) == 1,
      "the record still says processed, with its rendition")
check(not sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1).get("Messages") and
      sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"])
      ["Attributes"]["ApproximateNumberOfMessages"] == "0",
      "the stale and the duplicate message were acknowledged")

# SIGTERM while work is in flight: every message is either processed
# (renditions, record, deleted) or back in the queue at once, since the
# daemon releases what it cannot finish with visibility 0, and what a receive
# still on its way brings. The visibility timeout is long, so that a message
# the daemon failed to release cannot come back while the test looks. Once
# the daemon holds its first messages, the front keeps each ReceiveMessage 5 s
# before SQS sees it, so that the receive the daemon sends when a message is
# done is most likely still on its way at SIGTERM; SQS hides what it takes
# then, whether or not the daemon reads the answer.
photos = ["aitzgorri-upscaled-6176x4112.jpg", "bridge-4352x2448-progressive.jpg",
          "dragonfly-4224x3168-progressive.jpg", "eveningglow-2560x1600.jpg",
          "kleiber-6028x3391.jpg", "picos-3264x2448-progressive.jpg",
          "seeding-5312x2988-progressive.jpg", "garden-cmyk-2560x1600.jpg"]
queue = new_queue({"VisibilityTimeout": "600"})
keys = []
for number, name in enumerate(photos):
    key = "uploads/sigterm/%s" % name
    with open(os.path.join(images, name), "rb") as f:
        data = f.read()
    s3.put_object(Bucket=bucket, Key=key, Body=data)
    sqs.send_message(QueueUrl=queue, MessageBody=event(key, len(data), "00C%d" % number))
    keys.append(key)
daemon = start_daemon(queue, "--visibility-timeout=600", "--shutdown-timeout=0", "--concurrency=4")
slow_receive = {"service": "sqs", "target": "ReceiveMessage"}
wait_for(lambda: sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessagesNotVisible"])
         ["Attributes"]["ApproximateNumberOfMessagesNotVisible"] != "0", 60)
check(front_delay(slow_receive, 5), "the front holds the daemon's receives")
wait_for(lambda: any(record(key) is not None for key in keys), 120)
err = stop_daemon(daemon, "SIGTERM mid-work")
front_delay(slow_receive, 0)
# A receive the daemon gave up on still reaches SQS after its hold.
check(wait_for(lambda: front_held() == 0, 30), "every held receive reached SQS")
for count in re.findall(r"releasing (\d+) messages received meanwhile", err):
    print("# %s messages arrived after SIGTERM and were released unstarted" % count)


# The daemon has exited, so its releases are done, and no receive is on its
# way: what is not processed is visible now. The polls go on until everything
# is accounted for or for 20 s, far less than the 600 s a message the daemon
# did not release stays hidden.
def unprocessed():
    return [key for key in keys
            if (record(key) or {}).get("status", {}).get("S") != "processed" and key not in back]


back = {}
started = time.monotonic()
while unprocessed() and time.monotonic() - started < 20:
    messages = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1, MaxNumberOfMessages=10).get("Messages", [])
    for message in messages:
        key = urllib.parse.unquote_plus(json.loads(message["Body"])["Records"][0]["s3"]["object"]["key"])
        back[key] = back.get(key, 0) + 1
processed = []
for key in keys:
    item = record(key)
    if item is not None and item["status"]["S"] == "processed":
        processed.append(key)
        target = "processed/320/%s.jpg" % key[len("uploads/"):].rsplit(".", 1)[0]
        try:
            s3.head_object(Bucket=bucket, Key=target)
            check(True, "%s: processed, with its rendition" % key)
        except Exception as e:  # noqa: BLE001 - any failure is a failed check
            check(False, "%s: recorded as processed but %s is missing (%s)" % (key, target, e))
        # Cancelled right after its record was written, a message is
        # released rather than deleted: delivered again, never lost.
        if key in back:
            print("# %s: processed and released, so delivered again" % key)
    else:
        check(key in back, "%s: not processed, so back in the queue at once" % key)
print("# %d processed, %d released or never received" % (len(processed), len(back)))
check(len(processed) >= 1, "at least one message was processed before SIGTERM")

# Successful messages are deleted with DeleteMessageBatch, ten at most per
# call, the last partial batch flushed before --once exits.
queue = new_queue({"VisibilityTimeout": "30"})
with open(os.path.join(images, "rose-alpha-400x301.webp"), "rb") as f:
    rose = f.read()
batched = ["uploads/batched/rose-%02d.webp" % number for number in range(12)]
for number, key in enumerate(batched):
    s3.put_object(Bucket=bucket, Key=key, Body=rose)
    sqs.send_message(QueueUrl=queue, MessageBody=event(key, len(rose), "00D%d" % number))
run = subprocess.run(
    [service, "--mode=daemon", "--once", "--queue-url=" + queue, "--table=" + table,
     "--widths=320", "--format=jpeg", "--log-format=text", "--log-level=debug", "--visibility-timeout=30"],
    env=dict(env, IMGPROC_CONFIG=config_path, LC_ALL="C"), capture_output=True, text=True, timeout=300)
sys.stderr.write(run.stderr)
check(run.returncode == 0, "batched deletes: --once exits 0")
batches = [(int(done), int(sent)) for done, sent in
           re.findall(r"Deleted (\d+) of (\d+) messages in one batch", run.stderr)]
print("# delete batches (deleted, sent): %s" % batches)
check(batches and all(0 < sent <= 10 for _, sent in batches), "every DeleteMessageBatch has 1 to 10 entries")
check(sum(done for done, _ in batches) == len(batched), "every message was deleted by a batch (%d)" %
      sum(done for done, _ in batches))
check(all(record(key) is not None and record(key)["status"]["S"] == "processed" for key in batched),
      "every message was processed")
check(not sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1).get("Messages") and
      sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"])
      ["Attributes"]["ApproximateNumberOfMessages"] == "0",
      "the queue ends empty")

finish()
