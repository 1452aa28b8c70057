// local-aws-sqs 2.0.2 on 127.0.0.1, with two fixes so it behaves like real SQS.
//
//   LOCAL_AWS_SQS_DIR   directory of the installed local-aws-sqs package (required)
//   SQS_PORT            port to listen on (required)
//   SQS_HOST            address to bind (default 127.0.0.1)
//   SQS_PUBLIC_HOST     host put into QueueUrls (default SQS_HOST)
//   SQS_PUBLIC_PORT     port put into QueueUrls (default SQS_PORT); the stack
//                       passes the verifying front's port, so QueueUrls point at
//                       the front.  The server finds queues by the last path
//                       segment of QueueUrl, so any host:port works for it.
//
// Fixes, applied to the package's bundled dist/index.js source before it is
// compiled (each patch must match exactly once, or we refuse to start):
//  1. A long poll returns as soon as a scan found any message, not only once
//     MaxNumberOfMessages messages were collected (real SQS behaviour).
//  2. ChangeMessageVisibility(Batch) does not bump ApproximateReceiveCount
//     (nor ApproximateFirstReceiveTimestamp); only a receive does, as in real SQS.
"use strict";
const fs = require("fs");
const path = require("path");
const http = require("http");
const Module = require("module");

function die(msg) {
  process.stderr.write(`local-sqs: ${msg}\n`);
  process.exit(2);
}

const pkgDir = process.env.LOCAL_AWS_SQS_DIR;
if (!pkgDir) die("LOCAL_AWS_SQS_DIR is not set");
const port = Number(process.env.SQS_PORT);
if (!Number.isInteger(port) || port <= 0) die("SQS_PORT is not set");
const host = process.env.SQS_HOST || "127.0.0.1";
const publicHost = process.env.SQS_PUBLIC_HOST || host;
const publicPort = Number(process.env.SQS_PUBLIC_PORT || port);

const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
if (pkg.version !== "2.0.2") die(`patches are written for local-aws-sqs 2.0.2, found ${pkg.version}`);

const file = path.join(pkgDir, "dist", "index.js");
let src = fs.readFileSync(file, "utf8");

const patches = [
  {
    what: "long poll returns when any message is available",
    from: "if(r.length==e){clearInterval(c),clearTimeout(n),o();break}}},10)",
    to: "if(r.length==e)break}if(r.length){clearInterval(c),clearTimeout(n),o()}},10)",
  },
  {
    what: "ChangeMessageVisibility is not a receive (count)",
    from: "let n=Number(t.record.attributes.ApproximateReceiveCount)+1;",
    to: "let n=Number(t.record.attributes.ApproximateReceiveCount)+(i?0:1);",
  },
  {
    what: "ChangeMessageVisibility is not a receive (first-receive timestamp)",
    from: "n==1&&(t.record.attributes.ApproximateFirstReceiveTimestamp",
    to: "!i&&n==1&&(t.record.attributes.ApproximateFirstReceiveTimestamp",
  },
];
for (const p of patches) {
  const count = src.split(p.from).length - 1;
  if (count !== 1) die(`patch "${p.what}" matched ${count} times (expected 1)`);
  src = src.replace(p.from, () => p.to);
}

const m = new Module(file, module);
m.filename = file;
m.paths = Module._nodeModulePaths(path.dirname(file));
m._compile(src, file);
const { createRequestHandler } = m.exports;

// The handler builds QueueUrls from service.HOSTNAME and service.PORT.
const { service, requestHandler } = createRequestHandler({
  port: publicPort,
  hostname: publicHost,
  emulateQueueCreationLifecycle: false,
});
service.PORT = publicPort;
service.HOSTNAME = publicHost;

const server = http.createServer({ noDelay: true }, requestHandler);
server.keepAliveTimeout = 65000;
server.headersTimeout = 70000;
server.requestTimeout = 0;
server.on("error", (e) => die(`listen ${host}:${port}: ${e.message}`));
server.listen(port, host, () => {
  process.stdout.write(`local-aws-sqs 2.0.2 (patched) listening on ${host}:${port}, QueueUrls http://${publicHost}:${publicPort}/\n`);
});
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => process.exit(0));
