/**
 * `GET /v1/attachments/<key>`: the stored files, streamed from R2 (the default `base_url` of
 * the capability points here). Public, as the files of kinto-attachment are behind their
 * `base_url`: whoever has the location may download. Conditional requests (`If-None-Match`,
 * `If-Modified-Since`, …) are answered by R2; one byte `Range` is served as 206 (several: the whole file).
 */
import type { AppContext } from "../../context";
import { ERRNO, invalidParameter, KintoError, objectNotFound } from "../../errors";
import { filesBucket } from "./files";
import { isStorableKey } from "./keys";

/** A randomized name is never reused: cache it for a year. Other names may be overwritten: revalidate. */
const IMMUTABLE = "public, max-age=31536000, immutable";
const REVALIDATE = "public, no-cache";

/** `*` or a list of entity tags (RFC 9110 §8.8.3): R2's conditional reads throw on anything else. */
const ENTITY_TAGS = /^\s*(?:\*|(?:W\/)?"[\x21\x23-\x7e]*"(?:\s*,\s*(?:W\/)?"[\x21\x23-\x7e]*")*)\s*$/;

function checkEntityTags(request: Headers): void {
  for (const name of ["If-Match", "If-None-Match"]) {
    const value = request.get(name);
    if (value !== null && !ENTITY_TAGS.test(value)) throw invalidParameter("header", name, "The value should be * or a list of quoted entity tags.");
  }
}

function keyOf(c: AppContext): string {
  const path = new URL(c.req.url).pathname;
  const prefix = "/v1/attachments/";
  try {
    return decodeURIComponent(path.slice(prefix.length));
  } catch {
    return path.slice(prefix.length);
  }
}

/** A single byte range of `Range` within `size` bytes; null to serve it whole; "unsatisfiable" for 416. */
export function byteRange(header: string | null, size: number): { offset: number; length: number } | null | "unsatisfiable" {
  const match = header === null ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return null;
  const [first, last] = [match[1] ?? "", match[2] ?? ""];
  if (first === "") {
    const suffix = Math.min(Number(last), size);
    return suffix === 0 ? "unsatisfiable" : { offset: size - suffix, length: suffix };
  }
  const offset = Number(first);
  if (offset >= size) return "unsatisfiable";
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  return end < offset ? null : { offset, length: end - offset + 1 };
}

function hasBody(object: R2Object | R2ObjectBody): object is R2ObjectBody {
  return "body" in object;
}

export async function serveAttachment(c: AppContext): Promise<Response> {
  const key = keyOf(c);
  // No file has a key R2 refuses to name.
  if (!isStorableKey(key)) throw objectNotFound("attachment", key);
  const bucket = filesBucket(c.env);
  const head = c.req.method === "HEAD";
  const request = c.req.raw.headers;
  checkEntityTags(request);
  const wanted = request.get("Range");
  let range: ReturnType<typeof byteRange> = null;
  if (wanted !== null && !head) {
    const stat = await bucket.head(key);
    if (stat === null) throw objectNotFound("attachment", key);
    range = byteRange(wanted, stat.size);
    if (range === "unsatisfiable") {
      throw new KintoError({
        status: 416,
        errno: ERRNO.INVALID_PARAMETERS,
        message: `Range not satisfiable: the file has ${stat.size} bytes.`,
        headers: { "Content-Range": `bytes */${stat.size}` },
      });
    }
  }
  const object = head ? await bucket.head(key) : await bucket.get(key, { onlyIf: request, ...(range !== null ? { range } : {}) });
  if (object === null) throw objectNotFound("attachment", key);
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  headers.set("ETag", object.httpEtag);
  headers.set("Last-Modified", object.uploaded.toUTCString());
  headers.set("Accept-Ranges", "bytes");
  headers.set("Cache-Control", object.customMetadata?.immutable === "true" ? IMMUTABLE : REVALIDATE);
  if (!hasBody(object)) {
    // `onlyIf` did not hold: a GET whose validators match, or a failed `If-Match`/`If-Unmodified-Since`.
    const failed = request.has("If-Match") || request.has("If-Unmodified-Since");
    if (head) {
      headers.set("Content-Length", String(object.size));
      return new Response(null, { status: 200, headers });
    }
    if (!failed) return new Response(null, { status: 304, headers });
    throw new KintoError({
      status: 412,
      errno: ERRNO.MODIFIED_MEANWHILE,
      message: "Resource was modified meanwhile",
      headers: { ETag: object.httpEtag, "Last-Modified": object.uploaded.toUTCString() },
    });
  }
  if (range !== null) {
    headers.set("Content-Range", `bytes ${range.offset}-${range.offset + range.length - 1}/${object.size}`);
    headers.set("Content-Length", String(range.length));
    return new Response(object.body, { status: 206, headers });
  }
  headers.set("Content-Length", String(object.size));
  return new Response(object.body, { status: 200, headers });
}
