// s3rver 3.7.1 on 127.0.0.1, fixed so that any S3 key round-trips.
//
//   S3RVER_DIR   directory of the installed s3rver package (required)
//   S3_PORT      port to listen on (required)
//   S3_HOST      address to bind (default 127.0.0.1)
//   S3_DATA      data directory (required)
//   S3_BUCKETS   comma-separated buckets to create at start-up (optional)
//
// s3rver stores an object at DATA/<bucket>/<key split on "/">, so as shipped:
//  - a key with an empty segment ("a//b", "/a") answers 404 (its router wants
//    non-empty segments) or is stored under the collapsed key;
//  - "." and ".." segments are resolved by path.join ("a/../b" is stored as "b",
//    and ".." can leave the bucket directory).
// The fixes: key path segments are escaped on disk ("&" -> "&26", NUL -> "&00", an empty
// segment -> "&", "." -> "&2e", ".." -> "&2e&2e"), a middleware hides empty
// segments from the router (as a NUL segment, mapped back by the store), and
// deleteObject's empty-directory clean-up walks the escaped path.  Also,
// paged ListObjectsV2 works on OpenSSL 3 (see the continuation tokens below),
// and listings come in S3's order, so that pages and start-after skip nothing
// (see listObjects below).
"use strict";
const fs = require("fs");
const path = require("path");

function die(msg) {
  process.stderr.write(`s3rver-wrapper: ${msg}\n`);
  process.exit(2);
}

const dir = process.env.S3RVER_DIR;
if (!dir) die("S3RVER_DIR is not set");
const port = Number(process.env.S3_PORT);
if (!Number.isInteger(port) || port <= 0) die("S3_PORT is not set");
const host = process.env.S3_HOST || "127.0.0.1";
const data = process.env.S3_DATA;
if (!data) die("S3_DATA is not set");

const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
if (pkg.version !== "3.7.1") die(`fixes are written for s3rver 3.7.1, found ${pkg.version}`);

const S3rver = require(dir);
const FilesystemStore = require(path.join(dir, "lib", "stores", "filesystem.js"));

const EMPTY = "\u0000"; // how the router-facing middleware spells an empty segment

function encodeSegment(seg, complete) {
  if (complete) {
    if (seg === "" || seg === EMPTY) return "&";
    if (seg === ".") return "&2e";
    if (seg === "..") return "&2e&2e";
  }
  return seg.replace(/&/g, "&26").replace(/\u0000/g, "&00");
}

// Every segment but the last is a directory name (complete); the last one is a
// file-name stem, or a partial segment when the key is a listing prefix.
FilesystemStore.encodeKeyPath = (key) => {
  const segs = key.split("/");
  return segs.map((s, i) => encodeSegment(s, i < segs.length - 1)).join("/");
};

FilesystemStore.decodeKeyPath = (keyPath) =>
  keyPath
    .split("/")
    .map((s) => (s === "&" ? "" : s.replace(/&([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)))))
    .join("/");

const fsx = require("module").createRequire(path.join(dir, "package.json"))("fs-extra");

FilesystemStore.prototype.deleteObject = async function deleteObject(bucket, key) {
  await Promise.all(
    ["object", "object.md5", "metadata.json"].map((r) =>
      fsx.unlink(this.getResourcePath(bucket, key, r)).catch((err) => {
        if (err.code !== "ENOENT") throw err;
      }),
    ),
  );
  const bucketPath = this.getBucketPath(bucket);
  const parts = FilesystemStore.encodeKeyPath(key).split("/");
  parts.pop(); // the last part is embedded into the file name
  while (parts.length) {
    const d = path.join(bucketPath, ...parts);
    let entries;
    try {
      entries = fs.readdirSync(d);
    } catch (err) {
      if (err.code === "ENOENT") break;
      throw err;
    }
    if (entries.length) break;
    await fsx.rmdir(d);
    parts.pop();
  }
};

// Listings in S3's order.  s3rver lists keys in the order it walks its
// directory tree, by file name: "a/b" (directory "a") before "a.jpg" (file
// "a.jpg._S3rver_object"), "a-b" before "a".  It then drops every key up to
// start-after, or up to the last key of the previous page, with a UTF-16
// comparison; so a truncated page or a start-after skipped keys.  Here every
// key under the prefix is collected and sorted by its UTF-8 bytes, as S3 does,
// before start-after, the delimiter and max-keys apply.
{
  if (typeof FilesystemStore.prototype.listObjects !== "function") die("s3rver has no FilesystemStore.listObjects");
  const { walk } = require(path.join(dir, "lib", "utils.js"));
  const S3Object = require(path.join(dir, "lib", "models", "object.js"));
  const objectSuffix = "._S3rver_object";
  const utf8Order = (a, b) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));

  FilesystemStore.prototype.listObjects = async function listObjects(bucket, options) {
    const { delimiter = "", startAfter = "", prefix = "", maxKeys = Infinity } = options;
    const bucketPath = this.getBucketPath(bucket);
    const prefixPath = [bucketPath, FilesystemStore.encodeKeyPath(prefix)].join("/");
    const keys = [];
    for (const keyPath of walk(bucketPath, (d) => d.startsWith(prefixPath) || prefixPath.startsWith(d))) {
      if (!keyPath.endsWith(objectSuffix)) continue;
      const key = FilesystemStore.decodeKeyPath(keyPath.slice(bucketPath.length + 1, -objectSuffix.length));
      if (key.startsWith(prefix) && utf8Order(key, startAfter) > 0) keys.push(key);
    }
    keys.sort(utf8Order);

    const commonPrefixes = new Set();
    const page = [];
    let isTruncated = false;
    for (const key of keys) {
      const idx = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
      if (idx !== -1) {
        commonPrefixes.add(key.slice(0, idx + delimiter.length));
      } else if (page.length < maxKeys) {
        page.push(key);
      } else {
        isTruncated = true;
        break;
      }
    }
    const metadata = await Promise.all(
      page.map((key) =>
        this.getMetadata(bucket, key).catch((err) => {
          if (err.code === "ENOENT") return undefined;
          throw err;
        }),
      ),
    );
    return {
      objects: page
        .map((key, i) => [key, metadata[i]])
        .filter(([, m]) => m !== undefined)
        .map(([key, m]) => new S3Object(bucket, key, null, m)),
      commonPrefixes: [...commonPrefixes].sort(utf8Order),
      isTruncated,
    };
  };
}

// ListObjectsV2 continuation tokens: s3rver encrypts them with DES, which
// OpenSSL 3 only has in its legacy provider, so a truncated listing answers 500
// (ERR_OSSL_EVP_UNSUPPORTED).  The tokens are opaque: use AES-128-CBC with the
// 8-byte key and IV doubled instead when DES is unavailable.
{
  const crypto = require("crypto");
  const { createCipheriv, createDecipheriv } = crypto;
  let desOk = true;
  try {
    createCipheriv("des", Buffer.alloc(8), Buffer.alloc(8));
  } catch (e) {
    desOk = false;
  }
  if (!desOk) {
    const map = (alg, key, iv) =>
      alg === "des" ? ["aes-128-cbc", Buffer.concat([key, key]), Buffer.concat([iv, iv])] : [alg, key, iv];
    crypto.createCipheriv = (alg, key, iv, opts) => createCipheriv(...map(alg, key, iv), opts);
    crypto.createDecipheriv = (alg, key, iv, opts) => createDecipheriv(...map(alg, key, iv), opts);
  }
}

const buckets = (process.env.S3_BUCKETS || "")
  .split(",")
  .filter(Boolean)
  .map((name) => ({ name, configs: [] }));

const app = new S3rver({
  address: host,
  port,
  directory: data,
  silent: true,
  vhostBuckets: false,
  configureBuckets: buckets,
});

// Before everything else: spell empty key segments as %00 so that the router's
// "/:bucket/:key+" matches; the store maps that segment back to "".
app.middleware.unshift(async (ctx, next) => {
  const m = /^(\/[^/]+\/)(.*)$/s.exec(ctx.path);
  if (m && (m[2].startsWith("/") || m[2].includes("//"))) {
    const segs = m[2].split("/");
    for (let i = 0; i < segs.length - 1; i++) if (segs[i] === "") segs[i] = "%00";
    ctx.path = m[1] + segs.join("/");
  }
  await next();
});

app.run().then(
  (addr) => process.stdout.write(`s3rver 3.7.1 (patched) listening on ${addr.address}:${addr.port}\n`),
  (err) => die(`start: ${err.message}`),
);
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => process.exit(0));
