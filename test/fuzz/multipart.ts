/**
 * Generators for the attachment routes: `multipart/form-data` bodies, well-formed or broken
 * (boundaries, part headers, truncation, a header naming another boundary), and the headers
 * of a download (`Range`, validators, dates).
 */
import fc from "fast-check";
import { headerValue, jsonText, text } from "./arbitraries";

interface Multipart {
  /** The request's Content-Type; undefined sends none. */
  contentType: string | undefined;
  body: Uint8Array;
}

const ascii = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
const boundary = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("X", "----fuzz", "a".repeat(70), "a".repeat(201), "b c", "--") },
  { weight: 2, arbitrary: fc.string({ unit: ascii, minLength: 1, maxLength: 30 }) },
);

const fieldName = fc.constantFrom("attachment", "attachment", "data", "permissions", "file", "", 'a"b', "attachment[]");
const filename = fc.option(
  fc.oneof(
    fc.constantFrom("image.jpg", "file.txt", "data.json", "../../etc/passwd", "a.exe", "", `${"x".repeat(300)}.txt`, "é.png", "no-extension", ".txt", "a\\b.txt", "%00.txt"),
    text,
  ),
  { nil: null },
);
const partType = fc.option(fc.constantFrom("image/jpeg", "text/plain", "application/json", "application/octet-stream", "", "x", "multipart/mixed; boundary=Y"), { nil: null });
const content = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  jsonText.map((s) => new TextEncoder().encode(s)),
  fc.constantFrom("", "--X", "\r\n--X--\r\n", "\r\n\r\n").map((s) => new TextEncoder().encode(s)),
);
const part = fc.record({ name: fieldName, filename, type: partType, content, rawHeaders: fc.option(fc.string({ maxLength: 60 }), { nil: null }) });
type Part = typeof part extends fc.Arbitrary<infer T> ? T : never;

const flaw = fc.constantFrom("none", "none", "none", "no-closing", "no-blank-line", "truncated", "preamble", "other-boundary", "no-boundary", "no-content-type", "not-multipart", "lf-only");

function join(chunks: (string | Uint8Array)[]): Uint8Array {
  const bytes = chunks.map((chunk) => (typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk));
  const out = new Uint8Array(bytes.reduce((n, chunk) => n + chunk.length, 0));
  let at = 0;
  for (const chunk of bytes) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function contentTypeOf(b: string, flawName: string): string | undefined {
  switch (flawName) {
    case "other-boundary":
      return `multipart/form-data; boundary=${b}Z`;
    case "no-boundary":
      return "multipart/form-data";
    case "no-content-type":
      return undefined;
    case "not-multipart":
      return "application/x-www-form-urlencoded";
    default:
      return `multipart/form-data; boundary=${b}`;
  }
}

function build(b: string, parts: Part[], flawName: string, cut: number): Multipart {
  const eol = flawName === "lf-only" ? "\n" : "\r\n";
  const chunks: (string | Uint8Array)[] = flawName === "preamble" ? ["garbage before the first boundary", eol] : [];
  for (const p of parts) {
    const disposition = `Content-Disposition: form-data; name="${p.name}"${p.filename === null ? "" : `; filename="${p.filename}"`}`;
    const headers = [disposition, ...(p.type === null ? [] : [`Content-Type: ${p.type}`]), ...(p.rawHeaders === null ? [] : [p.rawHeaders])];
    chunks.push(`--${b}${eol}${headers.join(eol)}${eol}${flawName === "no-blank-line" ? "" : eol}`, p.content, eol);
  }
  if (flawName !== "no-closing") chunks.push(`--${b}--${eol}`);
  let body = join(chunks);
  if (flawName === "truncated") body = body.slice(0, Math.floor(body.length * cut));
  return { contentType: contentTypeOf(b, flawName), body };
}

export const multipart: fc.Arbitrary<Multipart> = fc
  .tuple(boundary, fc.array(part, { maxLength: 4 }), flaw, fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([b, parts, flawName, cut]) => build(b, parts, flawName, cut));

const byteRange = fc.oneof(
  fc.tuple(fc.option(fc.nat(20), { nil: null }), fc.option(fc.nat(20), { nil: null })).map(([first, last]) => `bytes=${first ?? ""}-${last ?? ""}`),
  fc.constantFrom("bytes=0-0,2-3", "bytes=-0", "bytes=5-2", "bytes=99999999999999999999-", "bytes=-99999999999999999999", "items=0-1", "bytes=", "bytes=--1", "bytes=1-2-3", " bytes=0-1 ", "bytes=0-1e3"),
  headerValue,
);
const httpDate = fc.oneof(
  fc.date({ min: new Date(0), max: new Date(4102444800000) }).map((d) => d.toUTCString()),
  fc.constantFrom("Thu, 01 Jan 1970 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "yesterday", "0", ""),
);

/** Headers of a download of the file whose ETag is `etag`. */
export function downloadHeaders(etag: string): fc.Arbitrary<Record<string, string>> {
  const validator = fc.oneof(fc.constantFrom(etag, `W/${etag}`, `${etag}, "other"`, "*", '"nope"', ""), headerValue);
  return fc.record(
    {
      Range: byteRange,
      "If-None-Match": validator,
      "If-Match": validator,
      "If-Modified-Since": httpDate,
      "If-Unmodified-Since": httpDate,
      "If-Range": fc.oneof(validator, httpDate),
      "Accept-Encoding": fc.constantFrom("gzip", "br", "identity;q=0", "*"),
    },
    { requiredKeys: [] },
  );
}
