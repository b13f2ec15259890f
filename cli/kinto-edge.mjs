#!/usr/bin/env node
// kinto-edge command line. One command for now:
//
//   kinto-edge attach <server-url> <bucket>/<collection>/<record> <file>
//              [--auth user:pass] [--part-size N] [--mimetype TYPE] [--data JSON]
//
// Attaches <file> to the record (creating it if needed), as kinto-attachment's
// `POST …/attachment` does. A file that fits in one part goes through that route; a larger
// one through the multipart upload routes (`…/attachment/uploads`, README "Attachments"),
// streamed from disk one part at a time: memory stays at a few read buffers whatever the
// file's size. Progress goes to stderr, the record's `attachment` (JSON) to stdout. The
// sha256 computed while reading is checked against the server's `hash`.
// Exit status: 0 done, 1 refused or failed (an unfinished upload is aborted), 2 bad usage.
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { createReadStream, openAsBlob } from "node:fs";
import { stat } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import process from "node:process";
import console from "node:console";
import { URL } from "node:url";
import { parseArgs } from "node:util";

const USAGE = `usage: kinto-edge attach <server-url> <bucket>/<collection>/<record> <file>
                  [--auth user:pass] [--part-size BYTES] [--mimetype TYPE] [--data JSON]

  <server-url>    e.g. http://127.0.0.1:8888/v1 (/v1 is added when missing)
  --auth          basic auth credentials (default: $KINTO_AUTH, else anonymous)
  --part-size     bytes per part of a multipart upload (default: the server's part_size)
  --mimetype      the file's type (default: from the server's rules, else application/octet-stream)
  --data          record fields to set, a JSON object`;

/** Attempts per part before giving up. */
const PART_ATTEMPTS = 3;
const READ_CHUNK = 1024 * 1024;

class CliError extends Error {
  constructor(message, status = 1) {
    super(message);
    this.status = status;
  }
}

function fail(message) {
  throw new CliError(message, 2);
}

function apiUrl(server) {
  const url = server.replace(/\/+$/, "");
  return /\/v\d+$/.test(url) ? url : `${url}/v1`;
}

function recordPath(target) {
  const ids = target.split("/");
  if (ids.length !== 3 || ids.some((id) => id === "")) fail(`expected <bucket>/<collection>/<record>, got ${JSON.stringify(target)}`);
  return ids.map(encodeURIComponent);
}

function mib(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** The message of a Kinto error envelope, else the status line. */
async function errorOf(response) {
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    return `${response.status} ${body.error ?? ""}: ${body.message ?? JSON.stringify(body.details ?? body)}`;
  } catch {
    return `${response.status} ${text.slice(0, 200)}`;
  }
}

class Client {
  constructor(base, auth) {
    this.base = base;
    this.headers = auth ? { Authorization: `Basic ${Buffer.from(auth).toString("base64")}` } : {};
    const url = new URL(base);
    this.transport = url.protocol === "https:" ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true, maxSockets: 1 });
  }

  async json(method, url, body) {
    const headers = { ...this.headers, ...(body === undefined ? {} : { "Content-Type": "application/json" }) };
    const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!response.ok) throw new CliError(`${method} ${url}: ${await errorOf(response)}`);
    return response.status === 204 ? null : response.json();
  }

  /** PUTs bytes [start, start + length) of `file` to `url`, updating `hash` with them; resolves the answer's JSON. */
  putRange(url, file, start, length, hash) {
    return new Promise((resolve, reject) => {
      const headers = { ...this.headers, "Content-Type": "application/octet-stream", "Content-Length": String(length) };
      const request = this.transport.request(url, { method: "PUT", headers, agent: this.agent }, (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (response.statusCode === 200) return resolve(JSON.parse(text));
          let body = {};
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: the raw text
          }
          const error = new CliError(`PUT ${url}: ${response.statusCode} ${body.message ?? text.slice(0, 300)}`);
          error.retryable = (response.statusCode ?? 500) >= 500;
          error.statusCode = response.statusCode;
          error.nextPart = body.details?.next_part;
          reject(error);
        });
      });
      request.on("error", (error) => reject(Object.assign(error, { retryable: true })));
      const reader = createReadStream(file, { start, end: start + length - 1, highWaterMark: READ_CHUNK });
      reader.on("data", (chunk) => hash.update(chunk));
      reader.on("error", (error) => request.destroy(error));
      if (length === 0) {
        reader.destroy();
        request.end();
      } else {
        reader.pipe(request);
      }
    });
  }

  close() {
    this.agent.destroy();
  }
}

function progress(text) {
  if (process.stderr.isTTY) process.stderr.write(`\r${text}\x1b[K`);
  else process.stderr.write(`${text}\n`);
}

async function attachSmall(client, recordUrl, file, filename, options) {
  const form = new FormData();
  if (options.data !== undefined) form.append("data", JSON.stringify(options.data));
  const blob = await openAsBlob(file, options.mimetype ? { type: options.mimetype } : {});
  form.append("attachment", blob, filename);
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK })) hash.update(chunk);
  const response = await fetch(`${recordUrl}/attachment`, { method: "POST", headers: client.headers, body: form });
  if (!response.ok) throw new CliError(`POST ${recordUrl}/attachment: ${await errorOf(response)}`);
  return { attachment: await response.json(), hash: hash.digest("hex") };
}

async function attachLarge(client, recordUrl, file, filename, size, partSize, options) {
  const created = await client.json("POST", `${recordUrl}/attachment/uploads`, {
    filename,
    size,
    part_size: partSize,
    ...(options.mimetype ? { mimetype: options.mimetype } : {}),
    ...(options.data !== undefined ? { data: options.data } : {}),
  });
  const uploadUrl = `${recordUrl}/attachment/uploads/${created.upload_id}`;
  const abort = () => client.json("DELETE", uploadUrl).catch(() => {});
  const onSignal = () => {
    progress("interrupted: aborting the upload");
    abort().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  try {
    let hash = createHash("sha256");
    const started = Date.now();
    for (let part = 1; part <= created.parts; part++) {
      const start = (part - 1) * created.part_size;
      const length = Math.min(created.part_size, size - start);
      for (let attempt = 1; ; attempt++) {
        const attemptHash = hash.copy();
        try {
          await client.putRange(`${uploadUrl}/parts/${part}`, file, start, length, attemptHash);
          hash = attemptHash;
          break;
        } catch (error) {
          // A retried part that the server took before the failure: sent.
          if (attempt > 1 && error.statusCode === 409 && error.nextPart > part) {
            hash = attemptHash;
            break;
          }
          if (!error.retryable || attempt === PART_ATTEMPTS) throw error;
          progress(`part ${part}: ${error.message}; retrying`);
        }
      }
      const done = start + length;
      const rate = done / 1024 / 1024 / Math.max((Date.now() - started) / 1000, 0.001);
      progress(`part ${part}/${created.parts}  ${mib(done)} / ${mib(size)}  ${rate.toFixed(1)} MiB/s`);
    }
    if (process.stderr.isTTY) process.stderr.write("\n");
    const sent = Date.now();
    progress(`sent in ${((sent - started) / 1000).toFixed(1)} s; completing`);
    const attachment = await client.json("POST", `${uploadUrl}/complete`);
    progress(`completed in ${((Date.now() - sent) / 1000).toFixed(1)} s`);
    return { attachment, hash: hash.digest("hex") };
  } catch (error) {
    await abort();
    throw error;
  } finally {
    process.off("SIGINT", onSignal);
  }
}

async function attach(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      auth: { type: "string", short: "a" },
      "part-size": { type: "string" },
      mimetype: { type: "string" },
      data: { type: "string" },
    },
  });
  if (positionals.length !== 3) fail(USAGE);
  const [server, target, file] = positionals;
  const [bid, cid, rid] = recordPath(target);
  let data;
  if (values.data !== undefined) {
    try {
      data = JSON.parse(values.data);
    } catch {
      fail("--data should be a JSON object");
    }
  }
  const info = await stat(file).catch(() => fail(`no such file: ${file}`));
  if (!info.isFile()) fail(`not a file: ${file}`);
  const client = new Client(apiUrl(server), values.auth ?? process.env.KINTO_AUTH);
  try {
    const hello = await client.json("GET", `${client.base}/`);
    const capability = hello.capabilities?.attachments;
    if (!capability) throw new CliError(`${client.base} has no attachments capability (is kinto_attachment included?)`);
    const multipart = capability.multipart_upload;
    const partSize = values["part-size"] === undefined ? multipart?.part_size : Number(values["part-size"]);
    if (values["part-size"] !== undefined && !Number.isSafeInteger(partSize)) fail("--part-size should be a number of bytes");
    const recordUrl = `${client.base}/buckets/${bid}/collections/${cid}/records/${rid}`;
    const filename = path.basename(file);
    const options = { mimetype: values.mimetype, data };
    const useParts = multipart !== undefined && info.size > partSize;
    progress(`${filename}: ${mib(info.size)} ${useParts ? `in ${Math.ceil(info.size / partSize)} parts of ${mib(partSize)}` : "in one request"}`);
    const { attachment, hash } = useParts
      ? await attachLarge(client, recordUrl, file, filename, info.size, partSize, options)
      : await attachSmall(client, recordUrl, file, filename, options);
    process.stdout.write(`${JSON.stringify(attachment, null, 2)}\n`);
    if (attachment.hash !== hash || attachment.size !== info.size) {
      throw new CliError(`the server stored ${attachment.size} bytes of sha256 ${attachment.hash}; the file has ${info.size} bytes of sha256 ${hash}`);
    }
  } finally {
    client.close();
  }
}

async function main(argv) {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    console.log(USAGE);
    return;
  }
  if (command !== "attach") fail(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
  await attach(rest);
}

main(process.argv.slice(2)).catch((error) => {
  console.error(`kinto-edge: ${error instanceof CliError ? error.message : error?.message ?? error}`);
  process.exit(error instanceof CliError ? error.status : 1);
});
