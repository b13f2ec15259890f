// Attaching a file to a record, as kinto-attachment's `POST …/attachment` does. A file that
// fits in one part goes through that route; a larger one through the multipart upload routes
// (`…/attachment/uploads`, README "Attachments"), streamed from disk one part at a time:
// memory stays at a few read buffers whatever the file's size. The sha256 computed while
// reading is checked against the server's `hash` by the callers.
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, openAsBlob } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import process from "node:process";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CliError } from "./errors.mjs";
import { envelopeMessage, refusal } from "./http.mjs";
import { parseJson, stringifyJson } from "./json.mjs";

/** Attempts per part before giving up. */
const PART_ATTEMPTS = 3;
const READ_CHUNK = 1024 * 1024;

export function mib(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** One line of progress: rewritten in place on a terminal, one line each otherwise. */
function progress(text, quiet) {
  if (quiet) return;
  if (process.stderr.isTTY) process.stderr.write(`\r${text}\x1b[K`);
  else process.stderr.write(`${text}\n`);
}

/** PUTs bytes [start, start + length) of `file` to `url`, updating `hash` with them; resolves the answer's JSON. */
function putRange(client, url, file, start, length, hash) {
  return new Promise((resolve, reject) => {
    const headers = { ...client.headers, "Content-Type": "application/octet-stream", "Content-Length": String(length) };
    const request = client.transport.request(url, { method: "PUT", headers, agent: client.agent }, (response) => {
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

/** A refusal the caller asked to handle itself (`accept`), else a CliError. */
function refused(method, url, status, body, accept) {
  if (accept.includes(status)) return { refused: { status, body } };
  throw refusal(method, url, status, body);
}

async function attachSmall(client, recordUrl, file, options) {
  const form = new FormData();
  if (options.data !== undefined) form.append("data", stringifyJson(options.data));
  if (options.permissions !== undefined) form.append("permissions", stringifyJson(options.permissions));
  const blob = await openAsBlob(file, options.mimetype ? { type: options.mimetype } : {});
  form.append("attachment", blob, options.filename);
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK })) hash.update(chunk);
  const url = `${recordUrl}/attachment`;
  let response;
  try {
    response = await fetch(url, { method: "POST", headers: { ...client.headers, ...options.headers }, body: form });
  } catch (error) {
    throw new CliError(`POST ${url}: ${error?.cause?.code ?? error?.message}`);
  }
  const text = await response.text();
  let body = text;
  try {
    body = parseJson(text);
  } catch {
    // not JSON: the raw text
  }
  if (!response.ok) return refused("POST", url, response.status, body, options.accept);
  return { attachment: body, hash: hash.digest("hex") };
}

async function attachLarge(client, recordUrl, file, size, partSize, options) {
  const created = await client.json("POST", `${recordUrl}/attachment/uploads`, {
    filename: options.filename,
    size,
    part_size: partSize,
    ...(options.mimetype ? { mimetype: options.mimetype } : {}),
    ...(options.data !== undefined ? { data: options.data } : {}),
    ...(options.permissions !== undefined ? { permissions: options.permissions } : {}),
  });
  const uploadUrl = `${recordUrl}/attachment/uploads/${created.upload_id}`;
  const abort = () => client.request("DELETE", uploadUrl).catch(() => {});
  const onSignal = () => {
    progress("interrupted: aborting the upload", false);
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
          await putRange(client, `${uploadUrl}/parts/${part}`, file, start, length, attemptHash);
          hash = attemptHash;
          break;
        } catch (error) {
          // A retried part that the server took before the failure: sent.
          if (attempt > 1 && error.statusCode === 409 && error.nextPart > part) {
            hash = attemptHash;
            break;
          }
          if (!error.retryable || attempt === PART_ATTEMPTS) throw error;
          progress(`part ${part}: ${error.message}; retrying`, options.quiet);
        }
      }
      const done = start + length;
      const rate = done / 1024 / 1024 / Math.max((Date.now() - started) / 1000, 0.001);
      progress(`part ${part}/${created.parts}  ${mib(done)} / ${mib(size)}  ${rate.toFixed(1)} MiB/s`, options.quiet);
    }
    if (process.stderr.isTTY && !options.quiet) process.stderr.write("\n");
    const sent = Date.now();
    progress(`sent in ${((sent - started) / 1000).toFixed(1)} s; completing`, options.quiet);
    const completed = await client.request("POST", `${uploadUrl}/complete`, { headers: options.headers });
    if (completed.status >= 400) {
      await abort();
      return refused("POST", `${uploadUrl}/complete`, completed.status, completed.body, options.accept);
    }
    progress(`completed in ${((Date.now() - sent) / 1000).toFixed(1)} s`, options.quiet);
    return { attachment: completed.body, hash: hash.digest("hex") };
  } catch (error) {
    await abort();
    throw error;
  } finally {
    process.off("SIGINT", onSignal);
  }
}

/**
 * Attaches `file` to the record at `recordUrl`.
 * @param {import("./http.mjs").Client} client
 * @param {{filename: string, size: number, partSize?: number, multipart: boolean, mimetype?: string,
 *   data?: object, permissions?: object, headers?: Record<string, string>, accept?: number[], quiet?: boolean}} options
 *   `accept`: statuses answered as `{refused: {status, body}}` instead of thrown.
 * @returns {Promise<{attachment: any, hash: string} | {refused: {status: number, body: any}}>}
 */
export function attachFile(client, recordUrl, file, options) {
  const all = { headers: {}, accept: [], quiet: false, ...options };
  const useParts = options.multipart && options.partSize !== undefined && options.size > options.partSize;
  progress(`${options.filename}: ${mib(options.size)} ${useParts ? `in ${Math.ceil(options.size / options.partSize)} parts of ${mib(options.partSize)}` : "in one request"}`, all.quiet);
  return useParts ? attachLarge(client, recordUrl, file, options.size, options.partSize, all) : attachSmall(client, recordUrl, file, all);
}

/** Checks what the server stored against the local file. */
export function checkStored(attachment, hash, size) {
  if (attachment.hash !== hash || attachment.size !== size) {
    throw new CliError(`the server stored ${attachment.size} bytes of sha256 ${attachment.hash}; the file has ${size} bytes of sha256 ${hash}`);
  }
}

/** Where the server serves an attachment: `location` itself when absolute, else after hello's `base_url`. */
export function attachmentUrl(hello, location) {
  if (/^https?:\/\//.test(location)) return location;
  const base = hello.capabilities?.attachments?.base_url;
  if (!base) throw new CliError(`attachment ${location}: the source server has no attachments base_url`);
  return `${base.replace(/\/*$/, "/")}${location.replace(/^\/+/, "")}`;
}

/**
 * Downloads `url` into a fresh temporary folder; `use(file)` runs with the file, which is removed after.
 * @template T
 * @param {(file: string) => Promise<T>} use
 * @returns {Promise<T>}
 */
export async function withDownload(client, url, filename, use) {
  const folder = await mkdtemp(path.join(tmpdir(), "kinto-edge-file-"));
  try {
    const response = await client.download(url);
    const file = path.join(folder, path.basename(filename) || "file");
    if (response.body === null) throw new CliError(`GET ${url}: ${envelopeMessage(response.status, "empty body")}`);
    await pipeline(Readable.fromWeb(response.body), createWriteStream(file));
    return await use(file);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
