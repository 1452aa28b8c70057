#!/usr/bin/python3
"""A loopback Lambda Runtime API for shell-level tests of imgproc-service.

Serves every *.json file of --events (sorted by name) as one invocation whose
request id is the file's stem, with the real Runtime API headers, and records
each POST in --out: <id>.response, <id>.error (+ <id>.error-type) and
init-error (+ init-error.type). Prints the HOST:PORT to use as
AWS_LAMBDA_RUNTIME_API on its first line of stdout. When every event has
been answered (or after an init error) it stops serving, so a runtime's next
`next` fails and the runtime exits.

  tests/runtime/fake-runtime-api.py --events DIR --out DIR [--deadline-ms MS] [--trace-id ID]
"""

import argparse
import http.server
import json
import os
import sys
import threading
import time

PREFIX = "/2018-06-01/runtime/"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:012345678912:function:imgproc-test"


class State:
    def __init__(self, events, out, deadline_ms, trace_id):
        self.events = events
        self.out = out
        self.deadline_ms = deadline_ms
        self.trace_id = trace_id
        self.lock = threading.Condition()
        self.next_index = 0
        self.answered = 0
        self.done = False

    def finish_if_done(self):
        if self.answered >= len(self.events):
            self.done = True
            self.lock.notify_all()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None

    def log_message(self, fmt, *args):
        sys.stderr.write("fake-runtime-api: " + (fmt % args) + "\n")

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        state = self.state
        if self.path != PREFIX + "invocation/next":
            self.reply(404)
            return
        with state.lock:
            while not state.done and state.next_index >= len(state.events):
                state.lock.wait()
            if state.done or state.next_index >= len(state.events):
                self.reply(503, b'{"errorMessage":"no more events"}')
                self.close_connection = True
                return
            request_id, path = state.events[state.next_index]
            state.next_index += 1
        with open(path, "rb") as f:
            body = f.read()
        deadline = int(time.time() * 1000) + state.deadline_ms
        headers = [("Content-Type", "application/json"),
                   ("Lambda-Runtime-Aws-Request-Id", request_id),
                   ("Lambda-Runtime-Deadline-Ms", str(deadline)),
                   ("Lambda-Runtime-Invoked-Function-Arn", FUNCTION_ARN)]
        if state.trace_id:
            headers.append(("Lambda-Runtime-Trace-Id", state.trace_id))
        self.reply(200, body, headers)

    def do_POST(self):
        state = self.state
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        error_type = self.headers.get("Lambda-Runtime-Function-Error-Type")
        parts = self.path[len(PREFIX):].split("/") if self.path.startswith(PREFIX) else []
        if parts == ["init", "error"]:
            self.save("init-error", body, error_type)
            self.reply(202, b'{"status":"OK"}')
            with state.lock:
                state.done = True
                state.lock.notify_all()
            return
        if len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error"):
            name = parts[1] + "." + parts[2]
            self.save(name, body, error_type if parts[2] == "error" else None)
            self.reply(202, b'{"status":"OK"}')
            with state.lock:
                state.answered += 1
                state.finish_if_done()
            return
        self.reply(404)

    def save(self, name, body, error_type):
        with open(os.path.join(self.state.out, name), "wb") as f:
            f.write(body)
        if error_type is not None:
            with open(os.path.join(self.state.out, name + "-type"), "w") as f:
                f.write(error_type)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", required=True, help="directory of *.json events")
    parser.add_argument("--out", required=True, help="directory for the recorded POSTs")
    parser.add_argument("--deadline-ms", type=int, default=30000,
                        help="time each invocation gets (default 30000)")
    parser.add_argument("--trace-id", default=None, help="Lambda-Runtime-Trace-Id to send")
    args = parser.parse_args()

    names = sorted(n for n in os.listdir(args.events) if n.endswith(".json"))
    events = [(n[:-len(".json")], os.path.join(args.events, n)) for n in names]
    os.makedirs(args.out, exist_ok=True)

    Handler.state = State(events, args.out, args.deadline_ms, args.trace_id)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print("127.0.0.1:%d" % server.server_address[1], flush=True)

    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with Handler.state.lock:
        while not Handler.state.done:
            Handler.state.lock.wait()
    # Let the waiting `next` get its 503 before the socket closes.
    time.sleep(0.2)
    server.shutdown()
    json.dump({"served": Handler.state.next_index, "answered": Handler.state.answered},
              sys.stdout)
    print(flush=True)


if __name__ == "__main__":
    main()
