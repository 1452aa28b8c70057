#!/usr/bin/python3
"""A reload (SIGHUP) keeps the daemon's limits: the events received after it
wait until the events started before it have finished, so that images in
flight and decode memory never reach twice their limits. On the local AWS
stack, the SigV4 front holds the S3 GET of a first event; after SIGHUP a
second wave arrives, whose GETs are not held. None of the second wave may be
done before the first event is. Run by test-service-reload.sh inside
`aws-stack run`; prints TAP."""

import os
import signal
import subprocess
import time
import uuid

from service_driver import (bucket, check, env, event, finish, front_delay, front_held, images, record,
                            s3, service, sqs, stop_daemon, table, wait_for, write_config)

# Long enough that the second wave, were it started at once, would be done
# well before the first event.
HOLD = 6


def status(key):
    item = record(key)
    return item and item["status"]["S"]


tag = "reload-" + uuid.uuid4().hex[:8]
with open(os.path.join(images, "rose-alpha-400x301.webp"), "rb") as f:
    rose = f.read()
first = ["uploads/%s/held/rose.webp" % tag]
second = ["uploads/%s/rose-%d.webp" % (tag, i) for i in range(3)]
keys = first + second
for key in keys:
    s3.put_object(Bucket=bucket, Key=key, Body=rose)
queue = sqs.create_queue(QueueName=tag, Attributes={"VisibilityTimeout": "60"})["QueueUrl"]


def send(wave):
    for number, key in enumerate(wave):
        sqs.send_message(QueueUrl=queue, MessageBody=event(key, len(rose), "00%02X" % (number + 1)))


held_get = {"service": "s3", "method": "GET", "path_contains": tag + "/held/"}
check(front_delay(held_get, HOLD), "the front holds the first event's GET for %d s" % HOLD)
config_path = write_config("imgproc-reload.conf", "[imgproc]\nwidths=100\n")
# The log goes to a file, read while the daemon runs and once it stopped.
log_path = os.path.join(env["IMGPROC_AWS_STACK_DIR"], "imgproc-reload.log")
with open(log_path, "w") as log:
    daemon = subprocess.Popen(
        [service, "--mode=daemon", "--queue-url=" + queue, "--table=" + table, "--format=jpeg",
         "--log-format=json", "--concurrency=8"],
        env=dict(env, IMGPROC_CONFIG=config_path), stdout=subprocess.DEVNULL, stderr=log, text=True)


def reloaded():
    with open(log_path) as f:
        return "Configuration reloaded" in f.read()


send(first)
check(wait_for(lambda: front_held() == 1, 60, 0.05), "the first event's GET is held (%d)" % front_held())

write_config("imgproc-reload.conf", "[imgproc]\nwidths=120\n")
daemon.send_signal(signal.SIGHUP)
check(wait_for(reloaded, 30, 0.05), "SIGHUP reloads the configuration")
send(second)

# The second wave's statuses are read before the first's: with the first
# done before the second starts, a later read can only see more of it done.
overtaken = []
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    second_done = [key for key in second if status(key) == "processed"]
    first_done = all(status(key) == "processed" for key in first)
    if second_done and not first_done:
        overtaken = second_done
    if first_done and len(second_done) == len(second):
        break
    time.sleep(0.05)
check(not overtaken, "no event received after the reload was done before the one started earlier (%s)" %
      overtaken)

front_delay(held_get, 0)
stop_daemon(daemon, "reload", idle=True, log_path=log_path)

statuses = [status(key) for key in keys]
check(statuses == ["processed"] * len(keys), "every event was processed (%s)" % statuses)


def rendition_width(key, width):
    target = "processed/%d/%s.jpg" % (width, key[len("uploads/"):].rsplit(".", 1)[0])
    try:
        s3.head_object(Bucket=bucket, Key=target)
        return True
    except s3.exceptions.ClientError:
        return False


check(all(rendition_width(key, 100) for key in first),
      "the first event finished under the configuration it started with (width 100)")
check(all(rendition_width(key, 120) for key in second),
      "the second wave ran under the reloaded configuration (width 120)")

finish()
