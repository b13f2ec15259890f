/** The streaming multipart reader (src/plugins/attachment/multipart.ts), fed in awkward chunk sizes. */
import { describe, expect, it } from "vitest";
import { boundaryOf, MultipartError, parts } from "../../src/plugins/attachment/multipart";

const encoder = new TextEncoder();

/** A stream of `bytes` cut every `size` bytes; `bytes: true` makes it a byte stream (BYOB reads). */
function streamOf(text: string | Uint8Array, size: number, bytes = false): ReadableStream<Uint8Array> {
  const all = typeof text === "string" ? encoder.encode(text) : text;
  let offset = 0;
  const pull = (controller: ReadableStreamDefaultController<Uint8Array> | ReadableByteStreamController) => {
    if (offset >= all.length) return controller.close();
    controller.enqueue(all.slice(offset, offset + size));
    offset += size;
  };
  return bytes ? new ReadableStream({ type: "bytes", pull }) : new ReadableStream<Uint8Array>({ pull });
}

async function read(text: string | Uint8Array, size: number, boundary = "XyZ", bytes = false) {
  const found: { name: string; filename: string | null; contentType: string | null; text: string }[] = [];
  for await (const part of parts(streamOf(text, size, bytes), boundary)) {
    found.push({ name: part.name, filename: part.filename, contentType: part.contentType, text: await part.text(1_000_000) });
  }
  return found;
}

const FORM =
  "preamble to ignore\r\n" +
  "--XyZ\r\n" +
  'Content-Disposition: form-data; name="data"\r\n\r\n' +
  '{"a": 1}\r\n' +
  "--XyZ\r\n" +
  "Content-Disposition: form-data; name=\"attachment\"; filename*=UTF-8''%C3%A9t%C3%A9.txt\r\n" +
  "Content-Type: text/plain\r\n\r\n" +
  "line one --XyZ is no delimiter without a CRLF before it\r\n--Xy\r\n" +
  "\r\n--XyZ--\r\nepilogue";

describe("multipart parts", () => {
  for (const size of [1, 2, 3, 7, 64, 100_000]) {
    for (const bytes of [false, true]) {
      it(`reads every part whatever the chunking (${size}-byte chunks${bytes ? ", byte stream" : ""})`, async () => {
        expect(await read(FORM, size, "XyZ", bytes)).toEqual([
          { name: "data", filename: null, contentType: null, text: '{"a": 1}' },
          {
            name: "attachment",
            filename: "été.txt",
            contentType: "text/plain",
            text: "line one --XyZ is no delimiter without a CRLF before it\r\n--Xy\r\n",
          },
        ]);
      });
    }
  }

  it("parts left unread are skipped; a quoted filename keeps its escaped quote", async () => {
    const form = '--b\r\nContent-Disposition: form-data; name="f"; filename="say \\"hi\\".txt"\r\n\r\nunread\r\n--b\r\nContent-Disposition: form-data; name="g"\r\n\r\nread\r\n--b--';
    const names: string[] = [];
    let text = "";
    for await (const part of parts(streamOf(form, 5), "b")) {
      names.push(`${part.name}:${part.filename}`);
      if (part.name === "g") text = await part.text(100);
    }
    expect(names).toEqual(['f:say "hi".txt', "g:null"]);
    expect(text).toBe("read");
  });

  it("binary content with CR, LF and dashes survives intact", async () => {
    const payload = new Uint8Array(5000).map((_, i) => [13, 10, 45, 0, 255][i % 5] ?? 0);
    const head = encoder.encode('--b\r\nContent-Disposition: form-data; name="attachment"; filename="x.bin"\r\n\r\n');
    const tail = encoder.encode("\r\n--b--\r\n");
    const all = new Uint8Array(head.length + payload.length + tail.length);
    all.set(head);
    all.set(payload, head.length);
    all.set(tail, head.length + payload.length);
    for await (const part of parts(streamOf(all, 333), "b")) {
      const chunks: Uint8Array[] = [];
      for await (const chunk of part.chunks()) chunks.push(chunk);
      const joined = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const chunk of chunks) {
        joined.set(chunk, at);
        at += chunk.length;
      }
      expect(joined).toEqual(payload);
    }
  });

  for (const [name, form, message] of [
    ["no closing delimiter", '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nabc', /unexpected end of body/],
    ["no delimiter at all", "just text", /unexpected end of body in the preamble|the body has no parts/],
    ["a part without Content-Disposition", "--b\r\nContent-Type: text/plain\r\n\r\nabc\r\n--b--", /no form-data Content-Disposition/],
    ["a part without a name", '--b\r\nContent-Disposition: form-data; filename="a"\r\n\r\nabc\r\n--b--', /has no name/],
    ["a malformed header line", "--b\r\nnot a header\r\n\r\nabc\r\n--b--", /malformed/],
    ["an empty body", "", /no parts/],
  ] as const) {
    it(`refuses ${name}`, async () => {
      await expect(read(form, 4, "b")).rejects.toThrow(MultipartError);
      await expect(read(form, 4, "b")).rejects.toThrow(message);
    });
  }

  it("refuses a field larger than asked", async () => {
    const form = '--b\r\nContent-Disposition: form-data; name="data"\r\n\r\n0123456789\r\n--b--';
    const reading = (async () => {
      for await (const part of parts(streamOf(form, 3), "b")) await part.text(5);
    })();
    await expect(reading).rejects.toThrow(/larger than 5 bytes/);
  });
});

describe("boundaryOf", () => {
  it("reads plain and quoted boundaries, only of multipart/form-data", () => {
    expect(boundaryOf("multipart/form-data; boundary=abc")).toBe("abc");
    expect(boundaryOf('Multipart/Form-Data; charset=utf-8; boundary="a b;c"')).toBe("a b;c");
    expect(boundaryOf("multipart/form-data")).toBeNull();
    expect(boundaryOf("multipart/mixed; boundary=abc")).toBeNull();
    expect(boundaryOf("application/json")).toBeNull();
    expect(boundaryOf(`multipart/form-data; boundary=${"x".repeat(201)}`)).toBeNull();
  });
});
