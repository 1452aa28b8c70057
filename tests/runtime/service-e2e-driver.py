#!/usr/bin/python3
"""End to end: imgproc-service --once on the local AWS stack, through the
SigV4-verifying front. Uploads real photos (keys with spaces, '+' and
unicode), a corrupt one and a rendition, sends their S3 events, drains the
queue, then checks renditions, content types, DynamoDB records and the queue.
Run by test-service-e2e.sh inside `aws-stack run`; prints TAP."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from service_driver import (bucket, check, env, event, finish, images, record, s3, service, sqs,
                            stop_daemon, table, write_config)

queue = env["IMGPROC_TEST_QUEUE_URL"]

photos = {
    "uploads/red flower+1.png": "flower-2268x1512.png",
    "uploads/ünïcødé/glow.jpg": "eveningglow-2560x1600.jpg",
}
corrupt = "uploads/broken.jpg"
rendition = "processed/800/already.jpg"

for key, name in photos.items():
    with open(os.path.join(images, name), "rb") as f:
        data = f.read()
    s3.put_object(Bucket=bucket, Key=key, Body=data)
    sqs.send_message(QueueUrl=queue, MessageBody=event(key, len(data), "0055"))
s3.put_object(Bucket=bucket, Key=corrupt, Body=b"\xff\xd8\xff\xe0 not a jpeg")
sqs.send_message(QueueUrl=queue, MessageBody=event(corrupt, 16, "0056"))
s3.put_object(Bucket=bucket, Key=rendition, Body=b"x")
sqs.send_message(QueueUrl=queue, MessageBody=event(rendition, 1, "0057"))
sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(
    {"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": bucket}))

config_path = write_config("imgproc.conf")
run = subprocess.run(
    [service, "--mode=daemon", "--once", "--widths=800,320", "--format=jpeg",
     "--queue-url=" + queue, "--table=" + table, "--visibility-timeout=30",
     "--log-format=json"],
    env=dict(env, IMGPROC_CONFIG=config_path),
    capture_output=True, text=True, timeout=300)
sys.stderr.write(run.stderr)
check(run.returncode == 0, "imgproc-service --once exits 0")

for key in photos:
    stem = key[len("uploads/"):].rsplit(".", 1)[0]
    for width in (800, 320):
        target = "processed/%d/%s.jpg" % (width, stem)
        try:
            head = s3.head_object(Bucket=bucket, Key=target)
            check(head["ContentType"] == "image/jpeg", "%s is a JPEG" % target)
            check(urllib.parse.unquote(head["Metadata"].get("source-key", "")) == key,
                  "%s links back to its source" % target)
        except Exception as e:  # noqa: BLE001 - any failure is a failed check
            check(False, "%s exists (%s)" % (target, e))
    item = record(key)
    check(item is not None and item["status"]["S"] == "processed", "%s recorded as processed" % key)
    check(item is not None and len(item["renditions"]["L"]) == 2, "%s has two renditions recorded" % key)

item = record(corrupt)
check(item is not None and item["status"]["S"] == "failed", "the corrupt image is recorded as failed")
check(record(rendition) is None,
      "a key under the destination prefix is skipped, not recorded")
check(s3.list_objects_v2(Bucket=bucket, Prefix="processed/800/processed/").get("KeyCount", 0) == 0,
      "no rendition of a rendition")

# local-aws-sqs counts in-flight messages in ApproximateNumberOfMessages
# too (docs/local-aws-servers.md), so "one message" is the corrupt image's.
attributes = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
check(attributes["ApproximateNumberOfMessagesNotVisible"] == "1",
      "only the corrupt image's message is kept, for redelivery and the DLQ")
check(attributes["ApproximateNumberOfMessages"] == "1", "every other message was deleted")
check(not sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1).get("Messages"), "no message left visible")

# The long-running daemon: /healthz and /metrics on loopback, and a clean
# exit on SIGTERM.
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
port = probe.getsockname()[1]
probe.close()
daemon = subprocess.Popen(
    [service, "--mode=daemon", "--queue-url=" + queue, "--http-listen=127.0.0.1:%d" % port,
     "--shutdown-timeout=5"],
    env=dict(env, IMGPROC_CONFIG=config_path), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
health = metrics = None
for _ in range(100):
    try:
        health = urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=5).read().decode()
        metrics = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5).read().decode()
        break
    except OSError:
        time.sleep(0.1)
check(health == "ok\n", "/healthz answers ok")
check(metrics is not None and "\nimgproc_images_processed_total 0\n" in metrics, "/metrics is Prometheus text")
stop_daemon(daemon, "health")

finish()
