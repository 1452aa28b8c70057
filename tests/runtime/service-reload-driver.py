#!/usr/bin/python3
"""A reload (SIGHUP) keeps the daemon's limits: the events received after it
wait until the events started before it have finished, so that images in
flight and decode memory never reach twice their limits. On the local AWS
stack, the SigV4 front holds the S3 GET of a first event; after SIGHUP a
second wave arrives, whose GETs are not held. None of the second wave may be
done before the first event is. Run by test-service-reload.sh inside
`aws-stack run`; prints TAP."""

import json
import os
import signal
import subprocess
import sys
import threading
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
config_path = os.path.join(env["IMGPROC_AWS_STACK_DIR"], "imgproc-reload.conf")

session = botocore.session.get_session()
path_style = botocore.config.Config(s3={"addressing_style": "path"})
s3 = session.create_client("s3", endpoint_url=env["AWS_ENDPOINT_URL_S3"], config=path_style)
sqs = session.create_client("sqs", endpoint_url=env["AWS_ENDPOINT_URL_SQS"])
ddb = session.create_client("dynamodb", endpoint_url=env["AWS_ENDPOINT_URL_DYNAMODB"])

# Long enough that the second wave, were it started at once, would be done
# well before the first event.
HOLD = 6

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


def front_held():
    with urllib.request.urlopen(front + "/__front/delay", timeout=10) as response:
        return json.load(response)["held"]


def write_config(widths):
    with open(config_path, "w") as f:
        f.write("[imgproc]\nwidths=%d\n" % widths)


def status(key):
    item = ddb.get_item(TableName=table, Key={"source_key": {"S": key}}, ConsistentRead=True).get("Item")
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
        sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"Records": [{
            "eventVersion": "2.1", "eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
            "eventTime": "2026-11-27T01:00:00.000Z",
            "s3": {"bucket": {"name": bucket},
                   "object": {"key": urllib.parse.quote_plus(key, safe="/"), "size": len(rose),
                              "sequencer": "00%02X" % (number + 1)}}}]}))


check(front_delay(tag + "/held/", HOLD) == 200, "the front holds the first event's GET for %d s" % HOLD)
write_config(100)
daemon = subprocess.Popen(
    [service, "--mode=daemon", "--queue-url=" + queue, "--table=" + table, "--format=jpeg",
     "--log-format=json", "--concurrency=8"],
    env=dict(env, IMGPROC_CONFIG=config_path),
    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
log = []
reloaded = threading.Event()


def read_log():
    for line in daemon.stderr:
        log.append(line)
        if "Configuration reloaded" in line:
            reloaded.set()


reader = threading.Thread(target=read_log)
reader.start()


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.05)
    return condition()


send(first)
check(wait_for(lambda: front_held() == 1, 60), "the first event's GET is held (%d)" % front_held())

write_config(120)
daemon.send_signal(signal.SIGHUP)
check(reloaded.wait(30), "SIGHUP reloads the configuration")
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

front_delay(tag + "/held/", 0)
daemon.send_signal(signal.SIGTERM)
try:
    try:
        daemon.wait(timeout=2)
    except subprocess.TimeoutExpired:
        daemon.send_signal(signal.SIGTERM)
    daemon.wait(timeout=60)
    exit_status = daemon.returncode
except subprocess.TimeoutExpired:
    daemon.kill()
    daemon.wait()
    exit_status = None
reader.join()
err = "".join(log)
sys.stderr.write(err)
check(exit_status == 0, "SIGTERM stops the daemon with status 0 (%s)" % exit_status)
check("CRITICAL" not in err and "assertion" not in err, "no failed assertion logged")

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

print("1..%d" % len(checks))
for number, (ok, what) in enumerate(checks, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", number, what))
