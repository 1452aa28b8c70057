#!/usr/bin/python3
"""SigV4-verifying front for the local AWS test stack (local-aws-servers.md §4).

Run with /usr/bin/python3 (Debian's python3-botocore is the signature oracle).

A loopback HTTP/1.1 proxy.  Every request must be signed with SigV4, in the
Authorization header or as a presigned URL (query auth).  The front rebuilds the
canonical request from the signed headers only, recomputes the signature with
botocore's S3SigV4Auth / SigV4Auth (or the *QueryAuth variants) using the known
secret and the request's own X-Amz-Date, and refuses mismatches in the
service's own error format.  Verified requests go to the backend chosen by the
credential scope's service (s3, sqs, dynamodb); STS has no backend, so the front
answers GetCallerIdentity itself, for one fixed test identity.

Control endpoints (no signature needed):
  GET  /__front/stats         counters as JSON
  POST /__front/stats/reset   zero the counters
  POST /__front/keys          {"access_key_id","secret_access_key","session_token"?}
  POST /__front/clock         {"offset_seconds": N}: the front's clock runs N s ahead
  GET  /__front/health        200 "ok"
  POST /__front/delay         {"service","method"?,"path_contains"?,"target"?,"seconds"}:
                              verified requests that match (target: the X-Amz-Target
                              operation, e.g. ReceiveMessage) wait this long before they
                              are forwarded, as from a slow backend; seconds 0 drops the rule
  GET  /__front/delay         {"held": N}: delayed requests not yet answered by their backend
"""

import argparse
import calendar
import datetime
import email.utils
import hashlib
import http.client
import http.server
import json
import os
import re
import socket
import sys
import threading
import time
import uuid
from urllib.parse import quote, unquote_to_bytes, urlsplit
from xml.sax.saxutils import escape as xml_escape

from botocore.auth import (S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth,
                           SigV4QueryAuth, SIGNED_HEADERS_BLACKLIST)
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SIGV4_TIMESTAMP = "%Y%m%dT%H%M%SZ"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()

# Request headers never forwarded to a backend (hop-by-hop, or already handled).
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer",
              "transfer-encoding", "upgrade", "expect", "proxy-authorization",
              "proxy-authenticate"}
# Response headers never copied back to the client.
RESPONSE_DROP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection",
                 "te", "trailer", "upgrade"}
PRESIGN_PARAMS = {"x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-expires",
                  "x-amz-signedheaders", "x-amz-signature", "x-amz-security-token"}

AUTH_RE = re.compile(r"^AWS4-HMAC-SHA256\s+(.*)$", re.S)

STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
STS_VERSION = "2011-06-15"
STS_ACCOUNT = "000000000000"
STS_ARN = f"arn:aws:iam::{STS_ACCOUNT}:user/imgproc-test"
STS_USER_ID = "AIDAIMGPROCTEST"


class Reject(Exception):
    """A request the front refuses: HTTP status, AWS error code, message, extras."""

    def __init__(self, status, code, message, extra=None, verdict=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra or {}
        self.verdict = verdict or code


class State:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.keys = {}  # access key id -> (secret, session token or None)
        for spec in args.key:
            parts = spec.split(":", 2)
            if len(parts) < 2:
                sys.exit(f"bad --key {spec!r}: want AKID:SECRET[:TOKEN]")
            self.keys[parts[0]] = (parts[1], parts[2] if len(parts) > 2 else None)
        self.backends = {}
        for spec in args.backend:
            name, _, url = spec.partition("=")
            u = urlsplit(url)
            if u.scheme != "http" or not u.hostname or not u.port:
                sys.exit(f"bad --backend {spec!r}: want SERVICE=http://HOST:PORT")
            self.backends[name] = (u.hostname, u.port)
        self.region = args.region
        self.max_skew = args.max_skew
        self.clock_offset = args.clock_offset
        self.strip_s3_auth = True
        self.delays = {}  # (service, method or "", path substring, operation or "") -> seconds
        self.held = 0
        self.log = open(args.log, "a", buffering=1, encoding="utf-8") if args.log else None
        self.reset_stats()

    def reset_stats(self):
        with self.lock:
            self.stats = {"verified": 0, "rejected": 0, "unsigned": 0, "presigned": 0,
                          "backend_errors": 0, "by_service": {}, "by_verdict": {}}

    def count(self, service, verdict, ok, presigned=False):
        with self.lock:
            st = self.stats
            st["verified" if ok else "rejected"] += 1
            if presigned and ok:
                st["presigned"] += 1
            if verdict == "Unsigned":
                st["unsigned"] += 1
            if verdict == "BackendError":
                st["backend_errors"] += 1
            svc = st["by_service"].setdefault(service or "-", {"verified": 0, "rejected": 0})
            svc["verified" if ok else "rejected"] += 1
            st["by_verdict"][verdict] = st["by_verdict"].get(verdict, 0) + 1

    def now(self):
        return time.time() + self.clock_offset

    def delay_for(self, service, method, path, target):
        operation = target.rpartition(".")[2]
        with self.lock:
            return max([seconds for (svc, meth, part, op), seconds in self.delays.items()
                        if svc == service and meth in ("", method) and part in path
                        and op in ("", operation)], default=0)

    def write_log(self, line):
        if self.log:
            with self.lock:
                self.log.write(line + "\n")


STATE = None


def header_text(value):
    """http.client decodes header bytes as latin-1; give back the UTF-8 text the client sent."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def uri_encode(raw: bytes, safe: str) -> str:
    return quote(raw, safe=safe)  # always keeps A-Za-z0-9-_.~ (Python >= 3.7)


def canonical_query(query, drop_signature):
    """Decode each name/value once and re-encode per SigV4 (botocore doesn't for URL queries)."""
    pairs = []
    if not query:
        return ""
    for piece in query.split("&"):
        if piece == "":
            continue
        name, _, value = piece.partition("=")
        if drop_signature and name.lower() == "x-amz-signature":
            continue
        pairs.append(uri_encode(unquote_to_bytes(name), "-_.~") + "=" +
                     uri_encode(unquote_to_bytes(value), "-_.~"))
    return "&".join(pairs)


def parse_query(query):
    out = {}
    for piece in (query or "").split("&"):
        if piece:
            name, _, value = piece.partition("=")
            out.setdefault(unquote_to_bytes(name).decode("utf-8", "replace"),
                           unquote_to_bytes(value).decode("utf-8", "replace"))
    return out


def parse_amz_date(value):
    try:
        dt = datetime.datetime.strptime(value, SIGV4_TIMESTAMP)
        return calendar.timegm(dt.timetuple())
    except (TypeError, ValueError):
        return None


def guess_service(headers, query, body=b""):
    """Service of a request without usable credentials (for the error format)."""
    target = headers.get("X-Amz-Target", "")
    if target.startswith("AmazonSQS"):
        return "sqs"
    if target.startswith("DynamoDB"):
        return "dynamodb"
    cred = parse_query(query).get("X-Amz-Credential", "")
    parts = cred.split("/")
    if len(parts) == 5:
        return parts[3]
    auth = headers.get("Authorization", "")
    m = re.search(r"Credential=[^/,\s]*/[^/]*/[^/]*/([^/,\s]*)/", auth)
    if m:
        return m.group(1)
    ctype = headers.get("Content-Type", "")
    if ctype.startswith("application/x-www-form-urlencoded") and re.search(rb"(^|&)Action=", body or b""):
        return "sqs"  # SQS query protocol
    return "s3"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "imgproc-sigv4-front/1"
    sys_version = ""
    timeout = 300  # idle keep-alive connections are closed after this

    def setup(self):
        super().setup()
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):  # the stdlib per-request stderr line
        pass

    def date_time_string(self, timestamp=None):
        return email.utils.formatdate(STATE.now() if timestamp is None else timestamp,
                                      usegmt=True)

    # Every method goes through one handler.
    def do_GET(self):
        self.handle_any()

    do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = do_GET

    # ---------------------------------------------------------------- body
    def read_body(self):
        te = self.headers.get("Transfer-Encoding", "")
        if "chunked" in te.lower():
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    raise Reject(400, "IncompleteBody", "chunked body ended early")
                size_text = line.split(b";", 1)[0].strip()
                try:
                    size = int(size_text, 16)
                except ValueError:
                    raise Reject(400, "InvalidRequest", "bad chunk size line")
                if size == 0:
                    while True:  # trailers, up to the blank line
                        t = self.rfile.readline(65537)
                        if t in (b"\r\n", b"\n", b""):
                            break
                    break
                data = self.rfile.read(size)
                if len(data) != size:
                    raise Reject(400, "IncompleteBody", "chunked body ended early")
                chunks.append(data)
                self.rfile.readline(3)  # CRLF after the chunk
            return b"".join(chunks), True
        length = self.headers.get("Content-Length")
        if length is None:
            return b"", False
        try:
            n = int(length)
        except ValueError:
            raise Reject(400, "InvalidRequest", "bad Content-Length")
        data = self.rfile.read(n) if n > 0 else b""
        if len(data) != n:
            raise Reject(400, "IncompleteBody",
                         "You did not provide the number of bytes specified by the Content-Length HTTP header")
        return data, False

    # ---------------------------------------------------------------- main
    def handle_any(self):
        self.t0 = time.monotonic()
        # The target as sent: http.server rewrites a leading "//" in self.path.
        words = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n").split()
        raw_target = words[1] if len(words) >= 2 else self.path
        if raw_target.startswith("http://") or raw_target.startswith("https://"):
            u = urlsplit(raw_target)  # absolute-form; keep the encoded path as sent
            raw_target = u.path + ("?" + u.query if u.query else "")
        path, _, query = raw_target.partition("?")
        self.req_path, self.req_query = path, query
        self.service = None
        self.mismatch_detail = None
        try:
            body, _ = self.read_body()
        except Reject as r:
            self.close_connection = True
            return self.reject(guess_service(self.headers, query), r)

        if path.startswith("/__front/"):
            return self.control(path, body)

        try:
            service, presigned, akid = self.verify(path, query, body)
        except Reject as r:
            return self.reject(self.service or guess_service(self.headers, query, body), r)
        except Exception as e:  # a bug here must not look like a dropped connection
            import traceback
            STATE.write_log("front error: " + json.dumps(traceback.format_exc()))
            return self.reject(self.service or guess_service(self.headers, query, body),
                               Reject(500, "InternalError", f"sigv4-front failed: {e!r}",
                                      verdict="FrontError"))
        if service == "sts":
            return self.answer_sts(query, body)
        delay = STATE.delay_for(service, self.command, unquote_to_bytes(path).decode("utf-8", "replace"),
                                self.headers.get("X-Amz-Target", ""))
        if not delay:
            return self.forward(service, path, query, body, presigned, akid)
        # Counted until the backend answered, even when the client is gone:
        # tests wait for that before they look at the backend's state.
        with STATE.lock:
            STATE.held += 1
        try:
            time.sleep(delay)
            self.forward(service, path, query, body, presigned, akid)
        finally:
            with STATE.lock:
                STATE.held -= 1

    # ---------------------------------------------------------------- control
    def control(self, path, body):
        if path == "/__front/health":
            return self.send_simple(200, "text/plain", b"ok\n")
        if path == "/__front/stats" and self.command == "GET":
            with STATE.lock:
                data = json.dumps(STATE.stats, sort_keys=True).encode()
            return self.send_simple(200, "application/json", data)
        if path == "/__front/stats/reset" and self.command == "POST":
            STATE.reset_stats()
            return self.send_simple(200, "application/json", b"{}")
        if path == "/__front/keys" and self.command == "POST":
            try:
                d = json.loads(body or b"{}")
                with STATE.lock:
                    STATE.keys[d["access_key_id"]] = (d["secret_access_key"], d.get("session_token"))
            except (ValueError, KeyError, TypeError) as e:
                return self.send_simple(400, "text/plain", f"bad key: {e}\n".encode())
            return self.send_simple(200, "application/json", b"{}")
        if path == "/__front/delay" and self.command == "GET":
            with STATE.lock:
                data = json.dumps({"held": STATE.held}).encode()
            return self.send_simple(200, "application/json", data)
        if path == "/__front/delay" and self.command == "POST":
            try:
                d = json.loads(body or b"{}")
                rule = (d["service"], d.get("method", ""), d.get("path_contains", ""), d.get("target", ""))
                seconds = float(d["seconds"])
            except (ValueError, KeyError, TypeError, AttributeError) as e:
                return self.send_simple(400, "text/plain", f"bad delay: {e}\n".encode())
            with STATE.lock:
                if seconds > 0:
                    STATE.delays[rule] = seconds
                else:
                    STATE.delays.pop(rule, None)
            return self.send_simple(200, "application/json", b"{}")
        if path == "/__front/clock" and self.command == "POST":
            try:
                STATE.clock_offset = float(json.loads(body or b"{}").get("offset_seconds", 0))
            except (ValueError, TypeError, AttributeError) as e:
                return self.send_simple(400, "text/plain", f"bad clock: {e}\n".encode())
            return self.send_simple(200, "application/json", b"{}")
        return self.send_simple(404, "text/plain", b"unknown control endpoint\n")

    def send_simple(self, status, ctype, data):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    # ---------------------------------------------------------------- verify
    def verify(self, path, query, body):
        """Return (service, presigned, access key id) or raise Reject."""
        headers = self.headers
        qparams = parse_query(query)
        auth = headers.get("Authorization")
        presigned = False
        if auth is not None:
            m = AUTH_RE.match(auth.strip())
            if not m:
                if auth.startswith("AWS "):
                    raise Reject(400, "InvalidRequest",
                                 "The authorization mechanism you have provided is not supported. "
                                 "Please use AWS4-HMAC-SHA256.", verdict="UnsupportedAuth")
                raise Reject(400, "AuthorizationHeaderMalformed",
                             "The authorization header is malformed; the authorization mechanism "
                             "must be AWS4-HMAC-SHA256.", verdict="MalformedAuth")
            fields = {}
            for part in re.split(r",\s*", m.group(1).strip()):
                k, _, v = part.strip().partition("=")
                fields[k.strip()] = v.strip()
            credential = fields.get("Credential")
            signed_headers = fields.get("SignedHeaders")
            signature = fields.get("Signature")
            if not credential or not signed_headers or not signature:
                raise Reject(400, "AuthorizationHeaderMalformed",
                             "The authorization header is malformed; it must contain Credential, "
                             "SignedHeaders and Signature.", verdict="MalformedAuth")
            amz_date = headers.get("X-Amz-Date")
            if amz_date is None and headers.get("Date"):
                try:
                    ts = email.utils.parsedate_to_datetime(headers["Date"])
                    amz_date = ts.astimezone(datetime.timezone.utc).strftime(SIGV4_TIMESTAMP)
                except (TypeError, ValueError):
                    amz_date = None
            token = headers.get("X-Amz-Security-Token")
            expires = None
        elif qparams.get("X-Amz-Algorithm") is not None or qparams.get("X-Amz-Signature") is not None:
            presigned = True
            if qparams.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256":
                raise Reject(400, "AuthorizationQueryParametersError",
                             "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"", verdict="MalformedAuth")
            credential = qparams.get("X-Amz-Credential")
            signed_headers = qparams.get("X-Amz-SignedHeaders")
            signature = qparams.get("X-Amz-Signature")
            amz_date = qparams.get("X-Amz-Date")
            token = qparams.get("X-Amz-Security-Token")
            expires = qparams.get("X-Amz-Expires")
            if not credential or not signed_headers or not signature or not amz_date or not expires:
                raise Reject(400, "AuthorizationQueryParametersError",
                             "Query-string authentication version 4 requires the X-Amz-Algorithm, "
                             "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, "
                             "and X-Amz-Expires parameters.", verdict="MalformedAuth")
        elif qparams.get("AWSAccessKeyId") is not None and qparams.get("Signature") is not None:
            raise Reject(400, "InvalidRequest",
                         "Signature Version 2 presigned URLs are not supported here. "
                         "Please use AWS4-HMAC-SHA256.", verdict="UnsupportedAuth")
        else:
            svc = guess_service(headers, query, body)
            if svc == "s3":
                raise Reject(403, "AccessDenied", "Access Denied (this test stack refuses "
                             "unsigned requests)", verdict="Unsigned")
            raise Reject(403, "MissingAuthenticationTokenException",
                         "Request is missing Authentication Token", verdict="Unsigned")

        scope = credential.split("/")
        if len(scope) != 5 or scope[4] != "aws4_request":
            raise Reject(400, "AuthorizationHeaderMalformed",
                         f"The authorization header is malformed; the Credential is mal-formed; "
                         f"expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\". ({credential})",
                         verdict="MalformedAuth")
        akid, scope_date, region, service = scope[:4]
        self.service = service
        if service not in STATE.backends and service != "sts":
            raise Reject(400, "InvalidRequest" if service == "s3" else "UnknownService",
                         f"This test stack has no service '{service}' (credential scope)",
                         verdict="UnknownService")

        # Key id and session token.
        with STATE.lock:
            key = STATE.keys.get(akid)
        if key is None:
            raise Reject(403, "InvalidAccessKeyId",
                         "The AWS Access Key Id you provided does not exist in our records.",
                         {"AWSAccessKeyId": akid}, verdict="InvalidAccessKeyId")
        secret, want_token = key
        if want_token is not None and token != want_token:
            raise Reject(403, "InvalidToken" if service == "s3" else "InvalidClientTokenId",
                         "The provided token is malformed or otherwise invalid."
                         if token else "The security token for these credentials is missing.",
                         verdict="InvalidToken")
        if want_token is None and token is not None:
            raise Reject(403, "InvalidToken" if service == "s3" else "InvalidClientTokenId",
                         "The security token included in the request is invalid.",
                         verdict="InvalidToken")

        # Date, scope date, skew, expiry.
        req_time = parse_amz_date(amz_date)
        if req_time is None:
            if presigned:
                raise Reject(400, "AuthorizationQueryParametersError",
                             "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"",
                             verdict="MalformedAuth")
            raise Reject(403, "AccessDenied" if service == "s3" else "IncompleteSignatureException",
                         "AWS authentication requires a valid Date or x-amz-date header",
                         verdict="MissingDate")
        if scope_date != amz_date[:8]:
            raise Reject(403, "SignatureDoesNotMatch",
                         f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version "
                         f"of date from HTTP: '{scope_date}' != '{amz_date[:8]}', from '{amz_date}'.",
                         verdict="ScopeDateMismatch")
        if region != STATE.region:
            if service == "s3":
                raise Reject(400, "AuthorizationHeaderMalformed",
                             f"The authorization header is malformed; the region '{region}' is "
                             f"wrong; expecting '{STATE.region}'", {"Region": STATE.region},
                             verdict="WrongRegion")
            raise Reject(403, "SignatureDoesNotMatch",
                         f"Credential should be scoped to a valid region, not '{region}'. ",
                         verdict="WrongRegion")
        now = STATE.now()
        if presigned:
            try:
                exp = int(expires)
            except ValueError:
                exp = -1
            if exp < 1 or exp > 604800:
                raise Reject(400, "AuthorizationQueryParametersError",
                             "X-Amz-Expires must be between 1 and 604800 seconds",
                             verdict="MalformedAuth")
            if now > req_time + exp:
                raise Reject(403, "AccessDenied", "Request has expired",
                             {"X-Amz-Expires": str(exp), "Expires": fmt_iso(req_time + exp),
                              "ServerTime": fmt_iso(now)}, verdict="Expired")
            if req_time - now > STATE.max_skew:
                raise Reject(403, "AccessDenied", "Request is not valid yet",
                             verdict="NotYetValid")
        elif abs(now - req_time) > STATE.max_skew:
            raise Reject(403, "RequestTimeTooSkewed",
                         "The difference between the request time and the current time is too large.",
                         {"RequestTime": amz_date, "ServerTime": fmt_iso(now),
                          "MaxAllowedSkewMilliseconds": str(int(STATE.max_skew * 1000))},
                         verdict="RequestTimeTooSkewed")

        # Signed headers: host must be signed; every signed header must be present.
        names = signed_headers.split(";")
        if "host" not in names:
            raise Reject(403, "SignatureDoesNotMatch" if not presigned else "AccessDenied",
                         "'Host' must be a signed header", verdict="HostNotSigned")
        if names != sorted(set(names)) or any(n != n.lower() or not n for n in names):
            raise Reject(403, "SignatureDoesNotMatch",
                         f"SignedHeaders must be lower-case, sorted and unique: '{signed_headers}'",
                         verdict="SignedHeadersMalformed")
        never = [n for n in names if n in SIGNED_HEADERS_BLACKLIST]
        for n in names:
            if headers.get(n) is None:
                raise Reject(403, "SignatureDoesNotMatch",
                             f"Header '{n}' is listed in SignedHeaders but not present",
                             verdict="SignedHeaderMissing")

        # Payload hash.
        sha_header = headers.get("X-Amz-Content-SHA256")
        if service == "s3" and not presigned and sha_header is None:
            raise Reject(400, "InvalidRequest",
                         "Missing required header for this request: x-amz-content-sha256",
                         verdict="MissingContentSHA256")
        if sha_header is not None:
            if sha_header.startswith("STREAMING-"):
                raise Reject(400, "NotImplemented",
                             f"x-amz-content-sha256 '{sha_header}' (aws-chunked) is not supported "
                             f"by this test stack (s3rver stores the raw chunk framing)",
                             verdict="StreamingNotSupported")
            if sha_header != "UNSIGNED-PAYLOAD":
                actual = hashlib.sha256(body).hexdigest()
                if not re.fullmatch(r"[0-9a-f]{64}", sha_header):
                    raise Reject(400, "InvalidArgument",
                                 "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-..., "
                                 "or a lower-case hex SHA-256", verdict="BadContentSHA256")
                if sha_header != actual:
                    raise Reject(400, "XAmzContentSHA256Mismatch",
                                 "The provided 'x-amz-content-sha256' header does not match what was computed.",
                                 {"ClientComputedContentSHA256": sha_header,
                                  "S3ComputedContentSHA256": actual},
                                 verdict="XAmzContentSHA256Mismatch")

        # Rebuild the request from the signed headers and let botocore sign it.
        if service == "s3":
            canon_path = uri_encode(unquote_to_bytes(path or "/"), "/~")
        else:
            canon_path = path or "/"  # SigV4Auth normalises and encodes it again
        canon_query = canonical_query(query, drop_signature=presigned)
        url = "http://front" + (canon_path if canon_path.startswith("/") else "/" + canon_path)
        if canon_query:
            url += "?" + canon_query
        req = AWSRequest(method=self.command, url=url, data=body)
        for n in names:
            for v in headers.get_all(n) or []:
                req.headers[n] = header_text(v)
        req.context["timestamp"] = amz_date
        creds = Credentials(akid, secret, token)
        if presigned:
            signer = (S3SigV4QueryAuth if service == "s3" else SigV4QueryAuth)(creds, service, region)
        else:
            signer = (S3SigV4Auth if service == "s3" else SigV4Auth)(creds, service, region)
        canonical = signer.canonical_request(req)
        sts = signer.string_to_sign(req, canonical)
        expected = signer.signature(sts, req)
        if expected != signature:
            hint = ""
            if never:
                hint = (f" (note: the request signs {', '.join(never)}, which botocore, "
                        f"the reference signer here, never signs)")
            self.mismatch_detail = (canonical, sts)
            raise Reject(403, "SignatureDoesNotMatch",
                         "The request signature we calculated does not match the signature you "
                         "provided. Check your key and signing method." + hint,
                         {"AWSAccessKeyId": akid, "StringToSign": sts,
                          "SignatureProvided": signature, "CanonicalRequest": canonical,
                          "StringToSignBytes": " ".join("%02x" % b for b in sts.encode()),
                          "CanonicalRequestBytes": " ".join("%02x" % b for b in canonical.encode())},
                         verdict="SignatureDoesNotMatch")
        return service, presigned, akid

    # ---------------------------------------------------------------- errors
    def reject(self, service, r):
        rid = uuid.uuid4().hex.upper()[:16]
        headers = []
        if service == "sts":
            data = (f'<?xml version="1.0"?><ErrorResponse xmlns="{STS_NS}"><Error><Type>Sender</Type>'
                    f"<Code>{xml_escape(r.code)}</Code><Message>{xml_escape(r.message)}</Message>"
                    f"</Error><RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>").encode()
            ctype = "text/xml"
            headers.append(("x-amzn-RequestId", rid))
        elif service == "s3" or service not in ("sqs", "dynamodb"):
            parts = [f"<Code>{xml_escape(r.code)}</Code><Message>{xml_escape(r.message)}</Message>"]
            for k, v in r.extra.items():
                parts.append(f"<{k}>{xml_escape(v)}</{k}>")
            parts.append(f"<RequestId>{rid}</RequestId><HostId>imgproc-sigv4-front</HostId>")
            data = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error>' + "".join(parts) +
                    "</Error>").encode()
            ctype = "application/xml"
            headers.append(("x-amz-request-id", rid))
            headers.append(("x-amz-id-2", "imgproc-sigv4-front"))
        elif service == "sqs" and self.headers.get("Content-Type", "").startswith(
                "application/x-www-form-urlencoded"):
            # SQS query protocol (what botocore 1.29 and awscli 2.9 speak): XML errors.
            msg = r.message
            if "CanonicalRequest" in r.extra:
                msg += ("\n\nThe Canonical String for this request should have been\n'" +
                        r.extra["CanonicalRequest"] + "'\n\nThe String-to-Sign should have been\n'" +
                        r.extra["StringToSign"] + "'\n")
            data = ('<?xml version="1.0"?><ErrorResponse><Error><Type>Sender</Type>'
                    f"<Code>{xml_escape(r.code)}</Code><Message>{xml_escape(msg)}</Message>"
                    f"<Detail/></Error><RequestId>{rid}</RequestId></ErrorResponse>").encode()
            ctype = "text/xml"
            headers.append(("x-amzn-RequestId", rid))
        else:
            msg = r.message
            if r.code == "SignatureDoesNotMatch" and "CanonicalRequest" in r.extra:
                msg += ("\n\nThe Canonical String for this request should have been\n'" +
                        r.extra["CanonicalRequest"] + "'\n\nThe String-to-Sign should have been\n'" +
                        r.extra["StringToSign"] + "'\n")
            ns = "com.amazonaws.sqs" if service == "sqs" and r.code in (
                "XAmzContentSHA256Mismatch", "InvalidRequest") else "com.amazon.coral.service"
            doc = {"__type": f"{ns}#{r.code}", "message": msg}
            for k in ("CanonicalRequest", "StringToSign", "SignatureProvided", "AWSAccessKeyId",
                      "RequestTime", "ServerTime"):
                if k in r.extra:
                    doc[k] = r.extra[k]
            data = json.dumps(doc).encode()
            ctype = "application/x-amz-json-1.0"
            headers.append(("x-amzn-RequestId", rid))
            if service == "sqs":
                headers.append(("x-amzn-query-error", f"{r.code.removesuffix('Exception')};Sender"))
        self.send_response(r.status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        STATE.count(service, r.verdict, False)
        extra = ""
        detail = getattr(self, "mismatch_detail", None)
        if detail:
            extra = (" canonical=" + json.dumps(detail[0]) + " sts=" + json.dumps(detail[1]))
        self.log_line(service, r.verdict, r.status, extra + " msg=" + json.dumps(r.message))

    def log_line(self, service, verdict, status, extra=""):
        ms = (time.monotonic() - getattr(self, "t0", time.monotonic())) * 1000
        STATE.write_log(f"{datetime.datetime.utcnow().strftime('%H:%M:%S.%f')[:-3]} "
                        f"{self.command} {self.req_path}{'?' + self.req_query if self.req_query else ''} "
                        f"service={service or '-'} verdict={verdict} status={status} "
                        f"ms={ms:.1f}{extra}")

    # ---------------------------------------------------------------- sts
    def answer_sts(self, query, body):
        """The STS query protocol: parameters in the query string or a form body."""
        params = parse_query(query)
        if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            params.update(parse_query(body.decode("latin-1")))
        action, version = params.get("Action"), params.get("Version")
        if action != "GetCallerIdentity" or version != STS_VERSION:
            return self.reject("sts", Reject(400, "InvalidAction",
                                             f"Could not find operation {action} for version {version}",
                                             verdict="InvalidAction"))
        rid = str(uuid.uuid4())
        data = (f'<GetCallerIdentityResponse xmlns="{STS_NS}"><GetCallerIdentityResult>'
                f"<Arn>{STS_ARN}</Arn><UserId>{STS_USER_ID}</UserId><Account>{STS_ACCOUNT}</Account>"
                f"</GetCallerIdentityResult><ResponseMetadata><RequestId>{rid}</RequestId>"
                f"</ResponseMetadata></GetCallerIdentityResponse>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", rid)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        STATE.count("sts", "Verified", True)
        self.log_line("sts", "Verified", 200, f" bytes={len(data)}")

    # ---------------------------------------------------------------- forward
    def forward(self, service, path, query, body, presigned, akid):
        host, port = STATE.backends[service]
        fwd_headers = []
        for name, value in self.headers.items():
            ln = name.lower()
            if ln in HOP_BY_HOP or ln == "content-length":
                continue
            if service == "s3" and ln == "authorization":
                continue  # s3rver accepts only key id S3RVER; it serves unsigned requests
            fwd_headers.append((name, value))
        target = path
        if service == "s3" and presigned:
            kept = [p for p in query.split("&") if p and
                    unquote_to_bytes(p.partition("=")[0]).decode("utf-8", "replace").lower()
                    not in PRESIGN_PARAMS]
            query = "&".join(kept)
        if query:
            target += "?" + query
        send_body = body if (body or self.command in ("POST", "PUT", "PATCH")) else None
        if send_body is not None:
            fwd_headers.append(("Content-Length", str(len(send_body))))
        try:
            conn = http.client.HTTPConnection(host, port, timeout=120)
            conn.connect()
            # Headers and body go out in separate writes: without TCP_NODELAY,
            # Nagle + delayed ACK would add ~40 ms to every request.
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn.putrequest(self.command, target, skip_host=True, skip_accept_encoding=True)
            for k, v in fwd_headers:
                conn.putheader(k, v)
            conn.endheaders(send_body)
            resp = conn.getresponse()
        except (OSError, http.client.HTTPException) as e:
            r = Reject(502 if service == "s3" else 500, "InternalError" if service == "s3"
                       else "InternalFailure", f"backend {service} at {host}:{port} failed: {e}",
                       verdict="BackendError")
            return self.reject(service, r)
        try:
            self.relay(resp, service, presigned)
        finally:
            conn.close()

    def relay(self, resp, service, presigned):
        self.send_response_only(resp.status, resp.reason)
        length = resp.getheader("Content-Length")
        no_body = (self.command == "HEAD" or resp.status in (204, 304) or 100 <= resp.status < 200)
        chunked = False
        for k, v in resp.getheaders():
            lk = k.lower()
            if lk in RESPONSE_DROP:
                continue
            if lk == "date" and STATE.clock_offset:
                v = self.date_time_string()
            self.send_header(k, v)
        if not no_body and length is None:
            self.send_header("Transfer-Encoding", "chunked")
            chunked = True
        if resp.getheader("Date") is None:
            self.send_header("Date", self.date_time_string())
        self.end_headers()
        sent = 0
        if not no_body:
            while True:
                data = resp.read1(65536) if hasattr(resp, "read1") else resp.read(65536)
                if not data:
                    break
                sent += len(data)
                if chunked:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                else:
                    self.wfile.write(data)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        STATE.count(service, "Verified", True, presigned)
        self.log_line(service, "Verified" + ("(presigned)" if presigned else ""), resp.status,
                      f" bytes={sent}")


def fmt_iso(ts):
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(ts))


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True


def main():
    global STATE
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--listen", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", help="write the bound port here once listening")
    ap.add_argument("--backend", action="append", default=[],
                    help="SERVICE=http://127.0.0.1:PORT (s3, sqs, dynamodb)")
    ap.add_argument("--key", action="append", default=[], help="AKID:SECRET[:SESSION_TOKEN]")
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--max-skew", type=float, default=900.0, help="seconds (default 900)")
    ap.add_argument("--clock-offset", type=float, default=0.0,
                    help="pretend the clock runs this many seconds ahead")
    ap.add_argument("--log", help="append one line per request here")
    args = ap.parse_args()
    STATE = State(args)
    if not STATE.keys:
        sys.exit("at least one --key is needed")
    srv = Server((args.listen, args.port), Handler)
    port = srv.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, args.port_file)
    print(f"sigv4-front listening on http://{args.listen}:{port} "
          f"backends={ {k: f'{h}:{p}' for k, (h, p) in STATE.backends.items()} }", flush=True)
    import signal
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    try:
        srv.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
