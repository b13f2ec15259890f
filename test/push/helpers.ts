/** Live subscriptions in the workerd tests: open a socket through the worker, collect its messages. */
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import { buildApp } from "../../src/app";
import type { Bindings } from "../../src/env";
import { databaseOfUri } from "../../src/storage/shards";
import type { LiveEvent } from "../../src/wire";
import { API, AUTH, send, uid, type Who } from "../resources/helpers";

export interface Live {
  socket: WebSocket;
  events: LiveEvent[];
  /** Resolves with the close code and reason once the server closes. */
  closed: Promise<{ code: number; reason: string }>;
}

const app = buildApp();

/** Sends to the worker itself, or to an app built over `{...env, ...vars}` (the worker's side only). */
function fetchWith(request: Request, vars?: Record<string, string>): Promise<Response> {
  return vars === undefined ? exports.default.fetch(request) : Promise.resolve(app.fetch(request, { ...(env as object), ...vars }));
}

/** Opens `…/changes/live` (with `query`) as `who`; the answer when it is not a 101. */
export async function subscribe(path: string, who: Who = "alice", query = "", vars?: Record<string, string>): Promise<Live | Response> {
  const headers = new Headers({ Upgrade: "websocket" });
  const auth = AUTH[who];
  if (auth !== null) headers.set("Authorization", auth);
  const response = await fetchWith(new Request(`${API}${path}/changes/live${query}`, { headers }), vars);
  if (response.status !== 101 || response.webSocket === null) return response;
  const socket = response.webSocket;
  socket.accept();
  const events: LiveEvent[] = [];
  socket.addEventListener("message", (event) => {
    events.push(JSON.parse(String(event.data)) as LiveEvent);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.addEventListener("close", (event) => resolve({ code: event.code, reason: event.reason })));
  return { socket, events, closed };
}

export async function live(path: string, who: Who = "alice", query = "", vars?: Record<string, string>): Promise<Live> {
  const opened = await subscribe(path, who, query, vars);
  if (opened instanceof Response) throw new Error(`expected a 101, got ${opened.status}: ${await opened.text()}`);
  return opened;
}

/** Waits until `live` holds `count` events (fails after a few seconds), then returns them. */
export async function eventsOf(subscriber: Live, count: number): Promise<LiveEvent[]> {
  for (let i = 0; i < 500 && subscriber.events.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(subscriber.events).toHaveLength(count);
  return subscriber.events;
}

/** Lets in-flight messages arrive (to assert that nothing more came). */
export async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 100));
}

/** A bucket and a collection of alice's; its path. */
export async function collection(): Promise<string> {
  const bid = uid("live");
  expect((await send({ method: "PUT", url: `/buckets/${bid}`, body: {} })).status).toBe(201);
  expect((await send({ method: "PUT", url: `/buckets/${bid}/collections/c`, body: {} })).status).toBe(201);
  return `/buckets/${bid}/collections/c`;
}

export function writerOf(collectionPath: string) {
  const namespace = (env as unknown as Bindings).WRITER;
  return namespace.get(namespace.idFromName(collectionPath));
}

export interface Stream {
  /** The `data` of each change message, with its `id`. */
  events: (LiveEvent & { id: string })[];
  /** The `close` message, once sent. */
  closing: { code: number; reason: string } | null;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  cancel(): Promise<void>;
  /** A stream opened without reading: reads it to its end. */
  read(): Promise<void>;
}

/** Opens `…/changes/live` as a Server-Sent Events stream and parses what arrives (from the start, or once `read()`). */
export async function eventStream(path: string, who: Who = "alice", query = "", extra: Record<string, string> = {}, read = true): Promise<Stream> {
  const headers = new Headers({ Accept: "text/event-stream", ...extra });
  const auth = AUTH[who];
  if (auth !== null) headers.set("Authorization", auth);
  const response = await exports.default.fetch(new Request(`${API}${path}/changes/live${query}`, { headers }));
  expect(response.status).toBe(200);
  expect(response.headers.get("Content-Type")).toBe("text/event-stream; charset=utf-8");
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const stream: Stream = { events: [], closing: null, ended: Promise.resolve(), cancel: () => reader.cancel(), read: async () => undefined };
  const decoder = new TextDecoder();
  const readAll = async () => {
    let buffered = "";
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      buffered += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffered.indexOf("\n\n")) !== -1) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const fields = Object.fromEntries(block.split("\n").filter((line) => !line.startsWith(":")).map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]));
        if (fields.event === "close") stream.closing = JSON.parse(fields.data ?? "{}");
        else if (fields.data !== undefined) stream.events.push({ ...(JSON.parse(fields.data) as LiveEvent), id: fields.id ?? "" });
      }
    }
  };
  if (read) stream.ended = readAll();
  else
    stream.read = async () => {
      stream.ended = readAll();
      await stream.ended;
    };
  return stream;
}

/** Waits until `stream` holds `count` events, then returns them. */
export async function streamEventsOf(stream: Stream, count: number): Promise<Stream["events"]> {
  for (let i = 0; i < 500 && stream.events.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(stream.events).toHaveLength(count);
  return stream.events;
}

/** `count` records stored straight into D1 (timestamps after `start`, now by default): a big backlog, fast. */
export async function seedRecords(collectionPath: string, count: number, start = Date.now()): Promise<void> {
  await databaseOfUri(env as unknown as Bindings, collectionPath).prepare(
    `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?1)
     INSERT INTO objects (id, parent_id, resource_name, last_modified, data, deleted)
     SELECT 'seeded-' || n, ?2, 'record', ?3 + n, '{}', 0 FROM seq`,
  )
    .bind(count, collectionPath, start)
    .run();
}
