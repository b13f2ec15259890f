/**
 * A streaming `multipart/form-data` reader (RFC 7578): parts come one at a time, each body as
 * chunks read from the request stream, so a file part is never held whole in memory. Only
 * the delimiter's length is kept back between chunks. A part must be read (or skipped)
 * before the next one is asked for; `parts` skips what was left unread.
 */

/** The request is not well-formed multipart. */
export class MultipartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MultipartError";
  }
}

export interface Part {
  /** The `name` of its Content-Disposition. */
  name: string;
  /** Its `filename` (a file part), or null (a plain field). */
  filename: string | null;
  /** Its Content-Type, or null. */
  contentType: string | null;
  /** Its bytes, chunk by chunk, read once. */
  chunks(): AsyncIterable<Uint8Array>;
  /** Its bytes as UTF-8 text, refusing more than `limit` bytes. */
  text(limit: number): Promise<string>;
}

/** At most this many bytes of headers per part. */
const MAX_HEADER_BYTES = 16 * 1024;
const encoder = new TextEncoder();
const CRLF = encoder.encode("\r\n");
const HEADERS_END = encoder.encode("\r\n\r\n");

/** The boundary of a `multipart/form-data` Content-Type, or null when it is not one. */
export function boundaryOf(contentType: string | null | undefined): string | null {
  if (!contentType || !/^\s*multipart\/form-data\s*(;|$)/i.test(contentType)) return null;
  const match = /;\s*boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2] ?? null;
  return boundary !== null && boundary.length <= 200 ? boundary : null;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0];
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(first as number, from); i !== -1 && i <= last; i = haystack.indexOf(first as number, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/** Reads of at least this many bytes when the stream allows it (workerd's BYOB `readAtLeast`). */
const READ_BYTES = 64 * 1024;

/**
 * A stream's chunks: of at least `readBytes` (but the last) through a BYOB reader where the
 * stream is a byte stream (request bodies), else as they come.
 */
export function chunkReader(body: ReadableStream<Uint8Array>, readBytes = READ_BYTES): { read(): Promise<Uint8Array | null>; cancel(): Promise<void> } {
  try {
    const byob = body.getReader({ mode: "byob" });
    return {
      async read() {
        const { value, done } = await byob.readAtLeast(readBytes, new Uint8Array(readBytes));
        return value !== undefined && value.length > 0 ? value : done ? null : new Uint8Array(0);
      },
      cancel: () => byob.cancel(),
    };
  } catch {
    const reader = body.getReader();
    return {
      async read() {
        const { value, done } = await reader.read();
        return done ? null : value;
      },
      cancel: () => reader.cancel(),
    };
  }
}

class ByteReader {
  private buffered: Uint8Array = new Uint8Array(0);
  private ended = false;

  constructor(private readonly reader: ReturnType<typeof chunkReader>) {}

  /** Reads one more chunk into the buffer; false at the end of the stream. */
  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const value = await this.reader.read();
    if (value === null) {
      this.ended = true;
      return false;
    }
    this.buffered = concat(this.buffered, value);
    return true;
  }

  /** Ensures `count` bytes are buffered; false when the stream ends first. */
  async ensure(count: number): Promise<boolean> {
    while (this.buffered.length < count) if (!(await this.fill())) return false;
    return true;
  }

  peek(count: number): Uint8Array {
    return this.buffered.subarray(0, count);
  }

  skip(count: number): void {
    this.buffered = this.buffered.subarray(count);
  }

  /** The bytes up to `needle` (consumed with it), at most `limit` of them. */
  async readUntil(needle: Uint8Array, limit: number, what: string): Promise<Uint8Array> {
    for (;;) {
      const index = indexOf(this.buffered, needle);
      if (index !== -1) {
        const head = this.buffered.subarray(0, index);
        this.skip(index + needle.length);
        return head;
      }
      if (this.buffered.length > limit + needle.length) throw new MultipartError(`${what} is too long`);
      if (!(await this.fill())) throw new MultipartError(`unexpected end of body in ${what}`);
    }
  }

  /** The bytes up to `needle` as chunks (consumed with it); the stream must hold it. */
  async *chunksUntil(needle: Uint8Array): AsyncGenerator<Uint8Array> {
    for (;;) {
      const index = indexOf(this.buffered, needle);
      if (index !== -1) {
        const head = this.buffered.subarray(0, index);
        this.skip(index + needle.length);
        if (head.length > 0) yield head;
        return;
      }
      const safe = this.buffered.length - (needle.length - 1);
      if (safe > 0) {
        const head = this.buffered.subarray(0, safe);
        this.skip(safe);
        yield head;
      }
      if (!(await this.fill())) throw new MultipartError("unexpected end of body in a part");
    }
  }

  /** Reads and drops what is left of the body (see DISCARD_BYTES), then lets it go. */
  async discardRest(): Promise<void> {
    this.buffered = new Uint8Array(0);
    await discardChunks(this.reader);
  }
}

function headersOf(block: Uint8Array): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of new TextDecoder().decode(block).split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new MultipartError("a part header is malformed");
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** A Content-Disposition parameter (`name="x"`, `name=x`, or RFC 5987 `name*=UTF-8''x`). */
function dispositionParameter(disposition: string, name: string): string | null {
  const extended = new RegExp(`;\\s*${name}\\*\\s*=\\s*UTF-8''([^;]*)`, "i").exec(disposition);
  if (extended?.[1] !== undefined) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      throw new MultipartError(`the ${name} of a part is malformed`);
    }
  }
  const quoted = new RegExp(`;\\s*${name}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`, "i").exec(disposition);
  if (quoted?.[1] !== undefined) return quoted[1].replace(/\\(.)/g, "$1");
  const bare = new RegExp(`;\\s*${name}\\s*=\\s*([^;\\s]+)`, "i").exec(disposition);
  return bare?.[1] ?? null;
}

/** The parts of a multipart body, in order. Throws MultipartError on a malformed body. */
export async function* parts(body: ReadableStream<Uint8Array>, boundary: string): AsyncGenerator<Part> {
  const reader = new ByteReader(chunkReader(body));
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  try {
    // The first delimiter may open the body (no CRLF before it).
    const opening = delimiter.subarray(2);
    if (!(await reader.ensure(opening.length))) throw new MultipartError("the body has no parts");
    if (indexOf(reader.peek(opening.length), opening) === 0) reader.skip(opening.length);
    else await reader.readUntil(delimiter, 64 * 1024, "the preamble");
    for (;;) {
      if (!(await reader.ensure(2))) throw new MultipartError("unexpected end of body after a delimiter");
      const after = reader.peek(2);
      if (after[0] === 0x2d && after[1] === 0x2d) return;
      await reader.readUntil(CRLF, 1024, "a delimiter line");
      const headers = headersOf(await reader.readUntil(HEADERS_END, MAX_HEADER_BYTES, "the part headers"));
      const disposition = headers.get("content-disposition");
      if (disposition === undefined || !/^\s*form-data\s*(;|$)/i.test(disposition)) {
        throw new MultipartError("a part has no form-data Content-Disposition");
      }
      const name = dispositionParameter(disposition, "name");
      if (name === null) throw new MultipartError("a part has no name");
      const progress: { state: "unread" | "reading" | "read" } = { state: "unread" };
      const chunks = async function* (): AsyncGenerator<Uint8Array> {
        if (progress.state !== "unread") throw new MultipartError("a part was read twice");
        progress.state = "reading";
        yield* reader.chunksUntil(delimiter);
        progress.state = "read";
      };
      yield {
        name,
        filename: dispositionParameter(disposition, "filename"),
        contentType: headers.get("content-type") ?? null,
        chunks,
        async text(limit: number): Promise<string> {
          const collected: Uint8Array[] = [];
          let size = 0;
          for await (const chunk of chunks()) {
            size += chunk.length;
            if (size > limit) throw new MultipartError(`the field ${name} is larger than ${limit} bytes`);
            collected.push(chunk);
          }
          return new TextDecoder().decode(collected.reduce(concat, new Uint8Array(0)));
        },
      };
      // What the consumer left unread (all of it, or the rest after it stopped) is skipped.
      if (progress.state !== "read") for await (const chunk of reader.chunksUntil(delimiter)) void chunk;
    }
  } finally {
    await reader.discardRest();
  }
}

/**
 * Bytes of an unread request body read and dropped before an answer, at most: `wrangler dev`
 * resets the connection of a request answered before its body was read, so the client sees
 * ECONNRESET instead of the answer (an early 4xx on an upload). Past this the body is
 * cancelled (the platform's own body limit is 100 MB).
 */
export const DISCARD_BYTES = 128 * 1024 * 1024;

async function discardChunks(reader: ReturnType<typeof chunkReader>): Promise<void> {
  try {
    let read = 0;
    for (let chunk = await reader.read(); chunk !== null && read <= DISCARD_BYTES; chunk = await reader.read()) read += chunk.length;
  } catch {
    // The client went away: nothing to answer.
  }
  await reader.cancel().catch(() => {});
}

/** Discards a request body nothing has read yet (see DISCARD_BYTES). */
export async function discardBody(request: Request): Promise<void> {
  if (request.body === null || request.body.locked || request.bodyUsed) return;
  await discardChunks(chunkReader(request.body));
}
