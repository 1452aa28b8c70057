"""What the imgproc-service drivers share inside `aws-stack run`: the stack's
names and clients, S3 events, the SigV4 front's controls, stopping a daemon,
and TAP. Each driver imports it from its own directory."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import botocore.config
import botocore.session

env = os.environ
bucket = env["IMGPROC_TEST_BUCKET"]
table = env["IMGPROC_TEST_TABLE"]
front = env["IMGPROC_TEST_FRONT"]
images = os.path.join(env.get("IMGPROC_TESTDATA", "../shared/testdata"), "images")
service = os.path.join(env.get("IMGPROC_BUILDDIR", "."), "service", "imgproc-service")

_session = botocore.session.get_session()
s3 = _session.create_client("s3", endpoint_url=env["AWS_ENDPOINT_URL_S3"],
                            config=botocore.config.Config(s3={"addressing_style": "path"}))
sqs = _session.create_client("sqs", endpoint_url=env["AWS_ENDPOINT_URL_SQS"])
ddb = _session.create_client("dynamodb", endpoint_url=env["AWS_ENDPOINT_URL_DYNAMODB"])

_checks = []


def check(ok, what):
    _checks.append((bool(ok), what))


def finish():
    """Prints the plan and every check as TAP."""
    print("1..%d" % len(_checks))
    for number, (ok, what) in enumerate(_checks, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", number, what))


def write_config(name, text="[imgproc]\n"):
    """A key file in the stack's directory, for IMGPROC_CONFIG: the daemon
    must not read the host's /etc/imgproc/imgproc.conf."""
    path = os.path.join(env["IMGPROC_AWS_STACK_DIR"], name)
    with open(path, "w") as f:
        f.write(text)
    return path


def event(key, size, sequencer, event_time="2026-11-26T12:00:00.000Z"):
    """The body S3 sends to SQS for a created object."""
    return json.dumps({"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
        "eventTime": event_time,
        "s3": {"bucket": {"name": bucket},
               "object": {"key": urllib.parse.quote_plus(key, safe="/"), "size": size,
                          "sequencer": sequencer}}}]})


def record(key):
    return ddb.get_item(TableName=table, Key={"source_key": {"S": key}}, ConsistentRead=True).get("Item")


def front_delay(rule, seconds):
    """Makes the front hold the requests that match @rule (see sigv4-front.py)
    for @seconds; 0 drops the rule. True when the front took it."""
    request = urllib.request.Request(front + "/__front/delay", method="POST",
                                     data=json.dumps(dict(rule, seconds=seconds)).encode())
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status == 200


def front_held():
    with urllib.request.urlopen(front + "/__front/delay", timeout=10) as response:
        return json.load(response)["held"]


def wait_for(predicate, seconds, interval=0.2):
    """The first true value of @predicate within @seconds, or None."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


def stop_daemon(daemon, what, idle=False, log_path=None):
    """SIGTERM lets a receive on its way finish, up to the long poll's 20 s;
    on an idle queue a second SIGTERM, once the first was surely handled,
    abandons it, as there is nothing it could bring. Checks the exit and the
    log (the daemon's stderr pipe, or the file at @log_path it wrote to),
    and returns the log."""
    daemon.send_signal(signal.SIGTERM)
    try:
        if idle:
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
    if log_path is not None:
        with open(log_path) as f:
            err = f.read()
    err = err or ""
    sys.stderr.write(err)
    check(status == 0, "%s: SIGTERM stops the daemon with status 0 (%s)" % (what, status))
    check("assertion" not in err and "CRITICAL" not in err, "%s: no failed assertion logged" % what)
    return err
