/**
 * `GET /v1/attachments/<key>`: the stored files, streamed from R2 (the default `base_url` of
 * the capability points here). Public, as the files of kinto-attachment are behind their
 * `base_url`: whoever has the location may download. Conditional requests (`If-None-Match`,
 * `If-Modified-Since`, …) and one byte `Range` are answered by R2 itself.
 */
import type { AppContext } from "../../context";
import { objectNotFound } from "../../errors";
import { filesBucket } from "./files";

/** A randomized name is never reused: cache it for a year. Other names may be overwritten: revalidate. */
const IMMUTABLE = "public, max-age=31536000, immutable";
const REVALIDATE = "public, no-cache";

function keyOf(c: AppContext): string {
  const path = new URL(c.req.url).pathname;
  const prefix = "/v1/attachments/";
  try {
    return decodeURIComponent(path.slice(prefix.length));
  } catch {
    return path.slice(prefix.length);
  }
}

function rangeHeader(object: R2Object): string | null {
  const range = object.range;
  if (range === undefined || !("offset" in range) || range.offset === undefined) return null;
  const length = range.length ?? object.size - range.offset;
  return `bytes ${range.offset}-${range.offset + length - 1}/${object.size}`;
}

function hasBody(object: R2Object | R2ObjectBody): object is R2ObjectBody {
  return "body" in object;
}

export async function serveAttachment(c: AppContext): Promise<Response> {
  const key = keyOf(c);
  const bucket = filesBucket(c.env);
  const head = c.req.method === "HEAD";
  const request = c.req.raw.headers;
  const object = head ? await bucket.head(key) : await bucket.get(key, { range: request, onlyIf: request });
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
    return new Response(null, { status: failed ? 412 : 304, headers });
  }
  const range = rangeHeader(object);
  if (range !== null && request.has("Range")) {
    headers.set("Content-Range", range);
    return new Response(object.body, { status: 206, headers });
  }
  headers.set("Content-Length", String(object.size));
  return new Response(object.body, { status: 200, headers });
}
