#!/usr/bin/python3
"""`imgproc backfill` on the local AWS stack, through the SigV4-verifying
front: uploads objects (keys with spaces, '+' and unicode, more than one
batch), backfills, receives the messages and checks that each is an S3
ObjectCreated:Put event the library's parser reads back to the right key;
then resumes from a state file, restarts, dry-runs and fails clearly.
Run by test-backfill.sh inside `aws-stack run`; prints TAP."""

import hashlib
import json
import os
import subprocess
import urllib.parse

import botocore.config
import botocore.session

env = os.environ
bucket = env["IMGPROC_TEST_BUCKET"]
queue = env["IMGPROC_TEST_QUEUE_URL"]
cli = env.get("IMGPROC_CLI") or os.path.join(env.get("IMGPROC_BUILDDIR", "."), "service", "imgproc")
work = env["IMGPROC_AWS_STACK_DIR"]
state = os.path.join(work, "backfill.state")

session = botocore.session.get_session()
path_style = botocore.config.Config(s3={"addressing_style": "path"})
s3 = session.create_client("s3", endpoint_url=env["AWS_ENDPOINT_URL_S3"], config=path_style)
sqs = session.create_client("sqs", endpoint_url=env["AWS_ENDPOINT_URL_SQS"])

try:
    import gi
    gi.require_version("Imgproc", "1.0")
    from gi.repository import Imgproc
    parser = Imgproc.EventParser.new()
except (ImportError, ValueError):
    parser = None

checks = []


def check(ok, what):
    checks.append((bool(ok), what))
    return bool(ok)


keys = ["uploads/red flower+1.png", "uploads/ünïcødé/glow.jpg", "uploads/a&b=c%20d.jpg"]
keys += ["uploads/bulk/%02d.jpg" % i for i in range(12)]
bodies = {key: ("body of " + key).encode() for key in keys}
for key in keys:
    s3.put_object(Bucket=bucket, Key=key, Body=bodies[key])
s3.put_object(Bucket=bucket, Key="other/outside.jpg", Body=b"x")
# S3 lists keys in the order of their UTF-8 bytes.
ordered = sorted(keys, key=lambda k: k.encode())


def backfill(*args):
    return subprocess.run([cli, "backfill", "--bucket", bucket, "--queue", queue, *args],
                          capture_output=True, text=True)


def drain():
    """Every message in the queue, deleted as received."""
    messages = []
    while True:
        got = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10,
                                  WaitTimeSeconds=1).get("Messages", [])
        if not got:
            return messages
        for message in got:
            messages.append(message["Body"])
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])


def event_keys(messages, what):
    """The decoded keys of the messages, after checking their shape."""
    decoded = []
    shaped = parsed = True
    for body in messages:
        record = json.loads(body)["Records"][0]
        obj = record["s3"]["object"]
        key = urllib.parse.unquote_plus(obj["key"])
        decoded.append(key)
        shaped &= (record["eventSource"] == "aws:s3" and record["eventName"] == "ObjectCreated:Put"
                   and record["s3"]["bucket"]["name"] == bucket
                   and obj["key"] == urllib.parse.quote_plus(key, safe="/")
                   and key in bodies and obj["size"] == len(bodies[key])
                   and obj["eTag"] == hashlib.md5(bodies[key]).hexdigest()
                   and int(obj["sequencer"], 16) > 0)
        if parser is not None:
            events = parser.parse_message(body.encode())
            parsed &= (len(events) == 1 and events[0].get_key() == key
                       and events[0].get_bucket() == bucket
                       and events[0].get_kind() == Imgproc.ObjectEventKind.CREATED)
    check(shaped, what + ": S3 ObjectCreated:Put shape, form-URL-encoded key, size, eTag, sequencer")
    if parser is not None:
        check(parsed, what + ": the library's event parser reads back each key")
    return decoded


def read_state():
    with open(state, encoding="utf-8") as f:
        return json.load(f)


run = backfill("--prefix", "uploads/", "--state", state)
check(run.returncode == 0, "backfill exits 0 (stderr: %r)" % run.stderr)
check("\r" not in run.stderr and "page" not in run.stderr, "no progress line when piped")
check("Enqueued 15 messages" in run.stderr, "the summary counts 15 messages: %r" % run.stderr)
got = event_keys(drain(), "first run")
check(sorted(got) == sorted(keys), "every key under the prefix enqueued once, none outside: %r" % got)
check(read_state().get("last_key") == ordered[-1], "the state file holds the last key")
check(read_state().get("enqueued") == 15, "the state file counts the messages enqueued: %r" % read_state())

run = backfill("--prefix", "uploads/", "--state", state)
check(run.returncode == 0 and
      "Enqueued 0 messages (0 objects listed, 15 already done in an earlier run)" in run.stderr,
      "a finished backfill resumes to nothing, listing nothing, and says what was done: %r" % run.stderr)
check(drain() == [], "nothing enqueued again")

# An interrupted run: the state file says the first five keys were done.
with open(state, "w", encoding="utf-8") as f:
    json.dump({"bucket": bucket, "prefix": "uploads/", "last_key": ordered[4], "enqueued": 5}, f)
run = backfill("--prefix", "uploads/", "--state", state)
check(run.returncode == 0, "resume exits 0")
check("Resuming after" in run.stderr, "resume says where it starts")
check("Enqueued 10 messages (10 objects listed, 5 already done in an earlier run)" in run.stderr,
      "resume lists only the keys after the saved one (ListObjectsV2 start-after), and counts the "
      "earlier ones: %r" % run.stderr)
got = event_keys(drain(), "resumed run")
check(sorted(got, key=lambda k: k.encode()) == ordered[5:], "resume enqueues only the remaining keys: %r" % got)
check(read_state().get("enqueued") == 15, "the state file counts the earlier runs too: %r" % read_state())

# A state file written before the count was kept: what earlier runs did is
# not known, and the summary does not claim it.
with open(state, "w", encoding="utf-8") as f:
    json.dump({"bucket": bucket, "prefix": "uploads/", "last_key": ordered[4]}, f)
run = backfill("--prefix", "uploads/", "--state", state)
check(run.returncode == 0 and "Enqueued 10 messages (10 objects listed)\n" in run.stderr and
      "already done" not in run.stderr,
      "a state file without a count resumes without a claim about earlier runs: %r" % run.stderr)
check(len(drain()) == 10, "it enqueues the remaining keys")

run = backfill("--prefix", "uploads/", "--state", state, "--restart")
check(run.returncode == 0 and len(drain()) == len(keys), "--restart enqueues every key again")

run = backfill("--prefix", "uploads/bulk/", "--state", state)
check(run.returncode == 1 and "--restart" in run.stderr,
      "a state file of another prefix is refused: %r" % run.stderr)

run = backfill("--prefix", "uploads/bulk/", "--state", os.path.join(work, "dry.state"), "--dry-run")
lines = run.stdout.splitlines()
check(run.returncode == 0 and len(lines) == 12, "--dry-run prints 12 messages")
event_keys(lines, "dry run")
check(drain() == [] and not os.path.exists(os.path.join(work, "dry.state")),
      "--dry-run sends nothing and writes no state")

default_dir = os.path.join(work, "default-state")
os.makedirs(default_dir)
run = subprocess.run([cli, "backfill", "--bucket", bucket, "--queue", queue, "--prefix", "other/"],
                     capture_output=True, text=True, cwd=default_dir)
check(run.returncode == 0 and os.path.exists(os.path.join(default_dir, "imgproc-backfill.state")),
      "the state file defaults to ./imgproc-backfill.state")
check(len(drain()) == 1, "a prefix with one object enqueues one message")

run = backfill("--bucket", "no-such-bucket", "--prefix", "x/", "--restart", "--state", state)
check(run.returncode == 1 and "no-such-bucket" in run.stderr and "does not exist" in run.stderr,
      "a missing bucket is a clear error: %r" % run.stderr)

missing_queue = queue.rsplit("/", 1)[0] + "/no-such-queue"
run = subprocess.run([cli, "backfill", "--bucket", bucket, "--prefix", "uploads/", "--queue", missing_queue,
                      "--restart", "--state", state], capture_output=True, text=True)
check(run.returncode == 1 and "no-such-queue" in run.stderr and "does not exist" in run.stderr,
      "a missing queue is a clear error: %r" % run.stderr)

wrong_env = dict(env, AWS_SECRET_ACCESS_KEY="wrong")
run = subprocess.run([cli, "backfill", "--bucket", bucket, "--prefix", "uploads/", "--queue", queue,
                      "--restart", "--state", state], capture_output=True, text=True, env=wrong_env)
check(run.returncode == 1 and "credentials" in run.stderr,
      "refused credentials are a clear error: %r" % run.stderr)

run = subprocess.run([cli, "backfill", "--queue", queue], capture_output=True, text=True)
check(run.returncode == 2 and "--bucket" in run.stderr, "--bucket is required")
run = subprocess.run([cli, "backfill", "--help"], capture_output=True, text=True)
check(run.returncode == 0 and "Examples:" in run.stdout and "--state" in run.stdout, "--help shows examples")

print("1..%d" % len(checks))
for number, (ok, what) in enumerate(checks, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", number, what.replace("\n", " ")))
