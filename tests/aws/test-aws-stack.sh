#!/usr/bin/env bash
# TAP test of the local AWS stack (tests/aws/aws-stack): starts it with
# "aws-stack run", then drives S3, SQS and DynamoDB through the SigV4-verifying
# front with botocore-signed requests (Debian's /usr/bin/python3), including
# requests the front must refuse.  Exit 77 (skip) when node or botocore is missing.
# Writes only to a mktemp -d directory; works from a read-only source tree.
set -u

here=
for d in ${srcdir:+"$srcdir/tests/aws" "$srcdir/aws" "$srcdir"} "$(dirname "$0")"; do
  if [ -f "$d/aws-stack" ] && [ -f "$d/sigv4-front.py" ]; then here=$(cd "$d" && pwd); break; fi
done
if [ -z "$here" ]; then echo "Bail out! cannot find tests/aws/aws-stack (srcdir=${srcdir:-unset})"; exit 99; fi

PYTHON=${PYTHON:-/usr/bin/python3}
if ! command -v "${NODE:-node}" >/dev/null 2>&1; then echo "1..0 # SKIP node not found"; exit 0; fi
if ! "$PYTHON" -c 'import botocore' >/dev/null 2>&1; then
  echo "1..0 # SKIP $PYTHON has no botocore (python3-botocore)"; exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/imgproc-aws-test.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/t.py" <<'PYEOF'
import base64, datetime, hashlib, http.client, json, os, sys, time, traceback, uuid, zlib
import urllib.parse
import xml.etree.ElementTree as ET

import botocore.session
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

TMP = sys.argv[1]
E = os.environ
FRONT = E["AWS_ENDPOINT_URL"]
FU = urllib.parse.urlsplit(FRONT)
AK, SK = E["AWS_ACCESS_KEY_ID"], E["AWS_SECRET_ACCESS_KEY"]
REGION = E["AWS_DEFAULT_REGION"]
BUCKET, TABLE = E["IMGPROC_TEST_BUCKET"], E["IMGPROC_TEST_TABLE"]
QUEUE, DLQ = E["IMGPROC_TEST_QUEUE_URL"], E["IMGPROC_TEST_DLQ_URL"]
KEY = "in/a b+c/\u00fc&=//x.png"
PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(3000)
RUN = uuid.uuid4().hex[:8]

# Keep a copy of the PID list: the outer script checks they are gone afterwards.
with open(E["IMGPROC_AWS_STACK_PIDS"]) as f, open(os.path.join(TMP, "pids.copy"), "w") as g:
    g.write(f.read())

session = botocore.session.get_session()
cfg = Config(signature_version="s3v4", s3={"addressing_style": "path"},
             retries={"max_attempts": 1}, read_timeout=30, connect_timeout=5)
s3 = session.create_client("s3", endpoint_url=FRONT, region_name=REGION, config=cfg)
sqsc = session.create_client("sqs", endpoint_url=FRONT, region_name=REGION, config=cfg)
ddb = session.create_client("dynamodb", endpoint_url=FRONT, region_name=REGION, config=cfg)


class Resp:
    def __init__(self, r, body):
        self.status, self.headers, self.body = r.status, r.headers, body

    def json(self):
        return json.loads(self.body or b"{}")

    def xml_code(self):
        return ET.fromstring(self.body).findtext("Code")

    def __repr__(self):
        return f"<{self.status} {dict(self.headers)} {self.body[:600]!r}>"


def sign(req, service, akid=AK, secret=SK, token=None, when=None):
    cls = S3SigV4Auth if service == "s3" else SigV4Auth
    signer = cls(Credentials(akid, secret, token), service, REGION)
    when = when or datetime.datetime.utcnow()
    req.context["timestamp"] = when.strftime("%Y%m%dT%H%M%SZ")
    signer._modify_request_before_signing(req)
    cr = signer.canonical_request(req)
    sts = signer.string_to_sign(req, cr)
    signer._inject_signature_to_request(req, signer.signature(sts, req))


def raw(method, path, service, body=b"", headers=None, signed=True, conn=None, chunked=False,
        **kw):
    """Send one request to the front, signed by botocore unless signed=False."""
    req = AWSRequest(method=method, url=FRONT + path, data=body, headers=dict(headers or {}))
    if signed:
        sign(req, service, **kw)
    c = conn or http.client.HTTPConnection(FU.hostname, FU.port, timeout=30)
    hdrs = dict(req.headers.items())
    if chunked:
        hdrs["Transfer-Encoding"] = "chunked"
        c.request(method, path, body=iter([body[:1000], body[1000:]]), headers=hdrs,
                  encode_chunked=True)
    else:
        c.request(method, path, body=body if body or method in ("PUT", "POST") else None,
                  headers=hdrs)
    r = c.getresponse()
    data = r.read()
    if conn is None:
        c.close()
    return Resp(r, data)


def sqs(action, doc, **kw):
    return raw("POST", "/", "sqs", json.dumps(doc).encode(),
               {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS." + action},
               **kw)


def dynamo(action, doc, **kw):
    return raw("POST", "/", "dynamodb", json.dumps(doc).encode(),
               {"Content-Type": "application/x-amz-json-1.0",
                "X-Amz-Target": "DynamoDB_20120810." + action}, **kw)


def sqs_ok(action, doc):
    r = sqs(action, doc)
    assert r.status == 200, f"{action}: {r}"
    return r.json()


def new_queue(name, attrs=None):
    return sqs_ok("CreateQueue", {"QueueName": f"{name}-{RUN}", "Attributes": attrs or {}})["QueueUrl"]


def receive(url, wait=0, max_n=1, vis=None):
    doc = {"QueueUrl": url, "MaxNumberOfMessages": max_n, "WaitTimeSeconds": wait,
           "AttributeNames": ["All"], "MessageSystemAttributeNames": ["All"]}
    if vis is not None:
        doc["VisibilityTimeout"] = vis
    return sqs_ok("ReceiveMessage", doc).get("Messages", [])


def s3_path(key):
    return "/" + BUCKET + "/" + urllib.parse.quote(key.encode(), safe="/~")


TESTS = []


def test(desc):
    def deco(fn):
        TESTS.append((desc, fn))
        return fn
    return deco


# ------------------------------------------------------------------ S3
@test("front answers; env names the bucket, queues and table")
def _():
    for k in ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL_DYNAMODB",
              "AWS_ENDPOINT_URL_STS"):
        assert E[k] == FRONT, k
    for k in ("IMGPROC_TEST_S3_DIRECT", "IMGPROC_TEST_SQS_DIRECT", "IMGPROC_TEST_DYNAMODB_DIRECT"):
        assert E[k].startswith("http://127.0.0.1:") and E[k] != FRONT, k
    assert QUEUE.startswith(FRONT + "/") and DLQ.startswith(FRONT + "/"), (QUEUE, DLQ)
    assert E["AWS_REGION"] == "us-east-1" and E["AWS_EC2_METADATA_DISABLED"] == "true"
    c = http.client.HTTPConnection(FU.hostname, FU.port, timeout=5)
    c.request("GET", "/__front/stats")
    r = c.getresponse()
    assert r.status == 200 and "verified" in json.loads(r.read())


@test("S3 PutObject of a hostile key (space, +, unicode, &, =, //) with metadata")
def _():
    r = s3.put_object(Bucket=BUCKET, Key=KEY, Body=PNG, ContentType="image/png",
                      Metadata={"orig-name": "x y", "width": "10"})
    assert r["ETag"] == '"%s"' % hashlib.md5(PNG).hexdigest(), r["ETag"]


@test("S3 GetObject returns the bytes, Content-Type and metadata")
def _():
    r = s3.get_object(Bucket=BUCKET, Key=KEY)
    assert r["Body"].read() == PNG
    assert r["ContentType"] == "image/png", r["ContentType"]
    assert r["Metadata"] == {"orig-name": "x y", "width": "10"}, r["Metadata"]


@test("S3 HeadObject: headers and no body (HEAD then GET on one keep-alive connection)")
def _():
    assert s3.head_object(Bucket=BUCKET, Key=KEY)["ContentLength"] == len(PNG)
    c = http.client.HTTPConnection(FU.hostname, FU.port, timeout=10)
    h = raw("HEAD", s3_path(KEY), "s3", conn=c)
    assert h.status == 200 and int(h.headers["Content-Length"]) == len(PNG), h
    g = raw("GET", s3_path(KEY), "s3", conn=c)
    assert g.status == 200 and g.body == PNG, g
    m = raw("HEAD", s3_path(KEY + ".missing"), "s3", conn=c)
    assert m.status == 404 and m.body == b"", m
    g = raw("GET", s3_path(KEY), "s3", conn=c)
    assert g.status == 200 and g.body == PNG, g
    c.close()


@test("S3 ListObjectsV2 with a prefix lists the key verbatim")
def _():
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="in/a b+c/").get("Contents", [])]
    assert keys == [KEY], keys


@test("S3 ListObjectsV2 pages with continuation tokens")
def _():
    keys = [f"page/{RUN}/{i:02d} +&=.png" for i in range(5)]
    for k in keys:
        s3.put_object(Bucket=BUCKET, Key=k, Body=b"p")
    got, token, pages = [], None, 0
    while True:
        kw = {"ContinuationToken": token} if token else {}
        r = s3.list_objects_v2(Bucket=BUCKET, Prefix=f"page/{RUN}/", MaxKeys=2, **kw)
        got += [o["Key"] for o in r.get("Contents", [])]
        pages += 1
        if not r["IsTruncated"]:
            break
        token = r["NextContinuationToken"]
    assert got == keys and pages == 3, (got, pages)


@test("S3 PUT with Transfer-Encoding: chunked through the front")
def _():
    body = os.urandom(5000)
    r = raw("PUT", s3_path("chunked/" + RUN), "s3", body, {"Content-Type": "application/octet-stream"},
            chunked=True)
    assert r.status == 200, r
    assert s3.get_object(Bucket=BUCKET, Key="chunked/" + RUN)["Body"].read() == body


@test("S3 presigned GET works; tampered or expired ones are refused")
def _():
    url = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": KEY}, ExpiresIn=300)
    assert "X-Amz-Signature=" in url, url
    u = urllib.parse.urlsplit(url)
    target = u.path + "?" + u.query
    c = http.client.HTTPConnection(FU.hostname, FU.port, timeout=10)
    c.request("GET", target)
    r = c.getresponse(); body = r.read()
    assert r.status == 200 and body == PNG, (r.status, body[:300])
    bad = target.replace("X-Amz-Expires=300", "X-Amz-Expires=301")
    c.request("GET", bad)
    r = c.getresponse(); body = r.read()
    assert r.status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body, (r.status, body[:300])
    # Presigned two hours ago for 60 s.
    req = AWSRequest(method="GET", url=FRONT + s3_path(KEY))
    signer = S3SigV4QueryAuth(Credentials(AK, SK), "s3", REGION, expires=60)
    req.context["timestamp"] = (datetime.datetime.utcnow() - datetime.timedelta(hours=2)).strftime("%Y%m%dT%H%M%SZ")
    signer._modify_request_before_signing(req)
    cr = signer.canonical_request(req)
    signer._inject_signature_to_request(req, signer.signature(signer.string_to_sign(req, cr), req))
    u = urllib.parse.urlsplit(req.url)
    c.request("GET", u.path + "?" + u.query)
    r = c.getresponse(); body = r.read()
    assert r.status == 403 and b"Request has expired" in body, (r.status, body[:300])
    c.close()


@test("S3 DeleteObject, then HeadObject is 404")
def _():
    s3.delete_object(Bucket=BUCKET, Key=KEY)
    try:
        s3.head_object(Bucket=BUCKET, Key=KEY)
    except s3.exceptions.ClientError as e:
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 404, e.response
    else:
        raise AssertionError("object still there")


# ------------------------------------------------------------------ SQS
@test("SQS (JSON protocol) send, receive with ApproximateReceiveCount, delete on the jobs queue")
def _():
    body = json.dumps({"key": KEY, "note": "a&b<c>d"})
    sent = sqs_ok("SendMessage", {"QueueUrl": QUEUE, "MessageBody": body})
    assert sent["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest()
    msgs = receive(QUEUE, wait=5)
    assert len(msgs) == 1 and msgs[0]["Body"] == body, msgs
    assert msgs[0]["Attributes"]["ApproximateReceiveCount"] == "1", msgs[0]["Attributes"]
    r = sqs("DeleteMessage", {"QueueUrl": QUEUE, "ReceiptHandle": msgs[0]["ReceiptHandle"]})
    assert r.status == 200, r
    assert receive(QUEUE) == []


@test("SQS (query protocol, botocore client): jobs has VisibilityTimeout 30 and redrive to jobs-dlq, max 3")
def _():
    assert sqsc.get_queue_url(QueueName="jobs")["QueueUrl"] == QUEUE
    a = sqsc.get_queue_attributes(QueueUrl=QUEUE, AttributeNames=["All"])["Attributes"]
    assert a["VisibilityTimeout"] == "30", a
    rp = json.loads(a["RedrivePolicy"])
    assert int(rp["maxReceiveCount"]) == 3 and rp["deadLetterTargetArn"].endswith(":jobs-dlq"), rp


@test("local-sqs fix: a long poll returns as soon as one message is there (Max 10)")
def _():
    q = new_queue("longpoll")
    sqs_ok("SendMessage", {"QueueUrl": q, "MessageBody": "one"})
    t0 = time.monotonic()
    msgs = receive(q, wait=5, max_n=10)
    dt = time.monotonic() - t0
    assert len(msgs) == 1 and dt < 2.0, (len(msgs), dt)


@test("local-sqs fix: ChangeMessageVisibility does not count as a receive")
def _():
    q = new_queue("cmv")
    sqs_ok("SendMessage", {"QueueUrl": q, "MessageBody": "cmv"})
    m1 = receive(q, wait=2)
    assert m1 and m1[0]["Attributes"]["ApproximateReceiveCount"] == "1", m1
    r = sqs("ChangeMessageVisibility", {"QueueUrl": q, "ReceiptHandle": m1[0]["ReceiptHandle"],
                                        "VisibilityTimeout": 0})
    assert r.status == 200, r
    m2 = receive(q, wait=2)
    assert m2 and m2[0]["Attributes"]["ApproximateReceiveCount"] == "2", m2


@test("SQS redrive: after 3 receives the message is in the DLQ")
def _():
    dlq = new_queue("redrive-dlq")
    arn = sqs_ok("GetQueueAttributes", {"QueueUrl": dlq, "AttributeNames": ["QueueArn"]})["Attributes"]["QueueArn"]
    src = new_queue("redrive-src", {"VisibilityTimeout": "1", "RedrivePolicy": json.dumps(
        {"deadLetterTargetArn": arn, "maxReceiveCount": 3})})
    sqs_ok("SendMessage", {"QueueUrl": src, "MessageBody": "poison"})
    counts = []
    for _ in range(3):
        m = receive(src, wait=5)
        assert m, f"no message on receive {len(counts) + 1}"
        counts.append(m[0]["Attributes"]["ApproximateReceiveCount"])
    assert counts == ["1", "2", "3"], counts
    assert receive(src, wait=3) == []
    d = receive(dlq, wait=3)
    assert len(d) == 1 and d[0]["Body"] == "poison", d


# ------------------------------------------------------------------ DynamoDB
@test("DynamoDB PutItem with a condition, then ConditionalCheckFailedException; x-amz-crc32 intact")
def _():
    item = {"source_key": {"S": KEY}, "status": {"S": "NEW"}, "tries": {"N": "0"}}
    doc = {"TableName": TABLE, "Item": item, "ConditionExpression": "attribute_not_exists(source_key)"}
    r = dynamo("PutItem", doc)
    assert r.status == 200, r
    assert int(r.headers["x-amz-crc32"]) == zlib.crc32(r.body), r
    r = dynamo("PutItem", doc)
    assert r.status == 400 and r.json()["__type"].endswith("#ConditionalCheckFailedException"), r
    assert int(r.headers["x-amz-crc32"]) == zlib.crc32(r.body), r
    try:
        ddb.put_item(**doc)
    except ddb.exceptions.ConditionalCheckFailedException:
        pass
    else:
        raise AssertionError("botocore: no ConditionalCheckFailedException")
    got = ddb.get_item(TableName=TABLE, Key={"source_key": {"S": KEY}}, ConsistentRead=True)
    assert got["Item"]["status"] == {"S": "NEW"}, got


# ------------------------------------------------------------------ refusals
@test("wrong secret, S3: 403 SignatureDoesNotMatch (XML, with the canonical request)")
def _():
    r = raw("GET", s3_path("nope"), "s3", secret="wrong")
    assert r.status == 403 and r.xml_code() == "SignatureDoesNotMatch", r
    assert ET.fromstring(r.body).findtext("CanonicalRequest").startswith("GET\n/images/nope\n"), r
    assert ET.fromstring(r.body).findtext("StringToSign").startswith("AWS4-HMAC-SHA256\n"), r


@test("wrong secret, SQS: 403 SignatureDoesNotMatch (JSON, x-amzn-query-error)")
def _():
    r = sqs("GetQueueUrl", {"QueueName": "jobs"}, secret="wrong")
    assert r.status == 403 and r.json()["__type"].endswith("#SignatureDoesNotMatch"), r
    assert r.headers["x-amzn-query-error"].startswith("SignatureDoesNotMatch;"), r
    assert "CanonicalRequest" in r.json() and "Canonical String" in r.json()["message"], r
    # The query protocol (botocore 1.29's choice for SQS) gets an XML error it can parse.
    bad = session.create_client("sqs", endpoint_url=FRONT, region_name=REGION, config=cfg,
                                aws_access_key_id=AK, aws_secret_access_key="wrong")
    try:
        bad.get_queue_url(QueueName="jobs")
    except bad.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == "SignatureDoesNotMatch", e.response
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 403, e.response
    else:
        raise AssertionError("query protocol: wrong secret accepted")


@test("wrong secret, DynamoDB: 403 SignatureDoesNotMatch (JSON)")
def _():
    r = dynamo("GetItem", {"TableName": TABLE, "Key": {"source_key": {"S": "x"}}}, secret="wrong")
    assert r.status == 403 and r.json()["__type"].endswith("#SignatureDoesNotMatch"), r
    assert r.json()["StringToSign"].startswith("AWS4-HMAC-SHA256\n"), r


@test("another access key id: 403 InvalidAccessKeyId")
def _():
    r = raw("GET", s3_path("nope"), "s3", akid="AKIDUNKNOWN")
    assert r.status == 403 and r.xml_code() == "InvalidAccessKeyId", r
    r = dynamo("ListTables", {}, akid="AKIDUNKNOWN")
    assert r.status == 403 and r.json()["__type"].endswith("#InvalidAccessKeyId"), r


@test("unsigned requests: 403")
def _():
    r = raw("GET", "/" + BUCKET + "?list-type=2", "s3", signed=False)
    assert r.status == 403 and r.xml_code() == "AccessDenied", r
    r = sqs("GetQueueUrl", {"QueueName": "jobs"}, signed=False)
    assert r.status == 403 and r.json()["__type"].endswith("MissingAuthenticationTokenException"), r


@test("a skewed X-Amz-Date: 403 RequestTimeTooSkewed with the server's Date")
def _():
    when = datetime.datetime.utcnow() - datetime.timedelta(minutes=20)
    r = raw("GET", s3_path("nope"), "s3", when=when)
    assert r.status == 403 and r.xml_code() == "RequestTimeTooSkewed", r
    import email.utils
    server = email.utils.parsedate_to_datetime(r.headers["Date"]).timestamp()
    assert abs(server - time.time()) < 30, r.headers["Date"]
    r = dynamo("ListTables", {}, when=when)
    assert r.status == 403 and r.json()["__type"].endswith("#RequestTimeTooSkewed"), r
    r = sqs("GetQueueUrl", {"QueueName": "jobs"}, when=datetime.datetime.utcnow() + datetime.timedelta(minutes=16))
    assert r.status == 403 and r.headers["x-amzn-query-error"].startswith("RequestTimeTooSkewed;"), r
    r = raw("GET", s3_path("nope"), "s3", when=datetime.datetime.utcnow() - datetime.timedelta(minutes=10))
    assert r.status == 404 and r.xml_code() == "NoSuchKey", r


@test("/__front/clock skews the front's clock: RequestTimeTooSkewed carries the skewed Date")
def _():
    def clock(offset):
        c = http.client.HTTPConnection(FU.hostname, FU.port, timeout=5)
        c.request("POST", "/__front/clock", body=json.dumps({"offset_seconds": offset}))
        assert c.getresponse().read() == b"{}"
        c.close()
    import email.utils
    clock(3600)
    try:
        r = dynamo("ListTables", {})
        assert r.status == 403 and r.json()["__type"].endswith("#RequestTimeTooSkewed"), r
        server = email.utils.parsedate_to_datetime(r.headers["Date"]).timestamp()
        assert abs(server - time.time() - 3600) < 30, r.headers["Date"]
        # A client that corrects itself from that Date gets through.
        r = dynamo("ListTables", {}, when=datetime.datetime.utcfromtimestamp(server))
        assert r.status == 200, r
    finally:
        clock(0)
    assert dynamo("ListTables", {}).status == 200


@test("S3 body not matching x-amz-content-sha256: 400 XAmzContentSHA256Mismatch")
def _():
    req = AWSRequest(method="PUT", url=FRONT + s3_path("mismatch"), data=b"hello")
    sign(req, "s3")
    c = http.client.HTTPConnection(FU.hostname, FU.port, timeout=10)
    c.request("PUT", s3_path("mismatch"), body=b"HELLO", headers=dict(req.headers.items()))
    r = c.getresponse(); body = r.read(); c.close()
    assert r.status == 400 and b"<Code>XAmzContentSHA256Mismatch</Code>" in body, (r.status, body)


@test("S3 path not encoded per SigV4 (raw '+'): refused")
def _():
    r = raw("GET", "/" + BUCKET + "/a+b.png", "s3")
    assert r.status == 403 and r.xml_code() == "SignatureDoesNotMatch", r


@test("temporary credentials registered at /__front/keys need their session token")
def _():
    c = http.client.HTTPConnection(FU.hostname, FU.port, timeout=5)
    c.request("POST", "/__front/keys", body=json.dumps(
        {"access_key_id": "ASIATEMP" + RUN.upper(), "secret_access_key": "tmpsecret",
         "session_token": "tok/" + RUN}))
    assert c.getresponse().read() == b"{}"
    c.close()
    r = dynamo("ListTables", {}, akid="ASIATEMP" + RUN.upper(), secret="tmpsecret", token="tok/" + RUN)
    assert r.status == 200 and TABLE in r.json()["TableNames"], r
    r = dynamo("ListTables", {}, akid="ASIATEMP" + RUN.upper(), secret="tmpsecret")
    assert r.status == 403, r


@test("STS GetCallerIdentity through the front; other actions and wrong secrets refused")
def _():
    sts = session.create_client("sts", endpoint_url=FRONT, region_name=REGION, config=cfg)
    who = sts.get_caller_identity()
    assert (who["Account"], who["Arn"], who["UserId"]) == (
        "000000000000", "arn:aws:iam::000000000000:user/imgproc-test", "AIDAIMGPROCTEST"), who
    form = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    r = raw("POST", "/", "sts", b"Action=GetSessionToken&Version=2011-06-15", form)
    err = ET.fromstring(r.body)
    ns = {"s": "https://sts.amazonaws.com/doc/2011-06-15/"}
    assert r.status == 400 and err.findtext("s:Error/s:Code", namespaces=ns) == "InvalidAction", r
    assert err.findtext("s:Error/s:Type", namespaces=ns) == "Sender", r
    r = raw("POST", "/", "sts", b"Action=GetCallerIdentity&Version=2011-06-15", form, secret="wrong")
    err = ET.fromstring(r.body)
    assert r.status == 403 and r.headers["Content-Type"] == "text/xml", r
    assert err.findtext("s:Error/s:Code", namespaces=ns) == "SignatureDoesNotMatch", r
    assert err.findtext("s:RequestId", namespaces=ns), r
    r = raw("GET", "/?Action=GetCallerIdentity&Version=2011-06-15", "sts")
    assert r.status == 200 and b"<Account>000000000000</Account>" in r.body, r


@test("direct endpoints answer without the front")
def _():
    for k in ("IMGPROC_TEST_S3_DIRECT", "IMGPROC_TEST_SQS_DIRECT", "IMGPROC_TEST_DYNAMODB_DIRECT"):
        u = urllib.parse.urlsplit(E[k])
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=5)
        c.request("GET", "/")
        r = c.getresponse(); r.read(); c.close()
        assert r.status in (200, 400), (k, r.status)


@test("front statistics count verified and refused requests")
def _():
    c = http.client.HTTPConnection(FU.hostname, FU.port, timeout=5)
    c.request("GET", "/__front/stats")
    st = json.loads(c.getresponse().read())
    c.close()
    assert st["verified"] >= 20 and st["rejected"] >= 10 and st["presigned"] >= 1, st
    for v in ("SignatureDoesNotMatch", "InvalidAccessKeyId", "Unsigned", "RequestTimeTooSkewed",
              "Expired", "XAmzContentSHA256Mismatch"):
        assert st["by_verdict"].get(v), (v, st)
    for svc in ("s3", "sqs", "dynamodb"):
        assert st["by_service"][svc]["verified"] and st["by_service"][svc]["rejected"], (svc, st)
    assert st["backend_errors"] == 0, st


total = len(TESTS) + 1  # the last one is the outer script's process check
print(f"1..{total}", flush=True)
with open(os.path.join(TMP, "plan"), "w") as f:
    f.write(str(total))
failed = 0
for i, (desc, fn) in enumerate(TESTS, 1):
    t0 = time.monotonic()
    try:
        fn()
        print(f"ok {i} - {desc} ({time.monotonic() - t0:.1f} s)", flush=True)
    except Exception as e:
        failed += 1
        print(f"not ok {i} - {desc}", flush=True)
        for line in traceback.format_exc().splitlines():
            print("# " + line[:2000], flush=True)
sys.exit(1 if failed else 0)
PYEOF

t0=$(date +%s)
AWS_STACK_QUIET=1 "$here/aws-stack" run "$tmp/state" -- "$PYTHON" -B "$tmp/t.py" "$tmp"
status=$?

if [ ! -f "$tmp/plan" ]; then
  echo "1..1"
  echo "not ok 1 - the stack started and the checks ran (status $status)"
  for f in "$tmp"/state/*.log; do
    [ -f "$f" ] && { echo "# --- $f"; tail -n 15 "$f" | sed 's/^/# /'; }
  done
  exit 1
fi
n=$(cat "$tmp/plan")

left=""
if [ -f "$tmp/pids.copy" ]; then
  while read -r name pid; do
    # A zombie waiting for a lazy init to reap it does not count.
    st=$(ps -o stat= -p "$pid" 2>/dev/null) || continue
    case $st in Z*) ;; *) left="$left $name:$pid" ;; esac
  done <"$tmp/pids.copy"
else
  left=" (no PID list)"
fi
if [ -z "$left" ] && [ ! -e "$tmp/state/pids" ]; then
  echo "ok $n - the stack stopped; no processes left ($(($(date +%s) - t0)) s in all)"
else
  echo "not ok $n - the stack stopped; no processes left:$left"
  status=1
fi
if [ $status -ne 0 ]; then
  for f in "$tmp"/state/*.log; do
    [ -f "$f" ] && { echo "# --- $f"; tail -n 15 "$f" | sed 's/^/# /'; }
  done
fi
exit $status
