/**
 * Live subscribers of one collection, held by the collection's Writer: WebSockets with the
 * Hibernation API (an idle subscriber costs nothing) and Server-Sent Events streams
 * (live/sinks.ts). Every engine commit is broadcast after it is in D1, in commit order; a
 * rolled-back write was never committed, so never sent.
 *
 * Contracts:
 * - Exactly once, in order: each subscriber remembers the timestamp of the last change it was
 *   sent (`lastSent`) and is only sent later ones. A subscription with `_since` first gets what
 *   storage holds after it; changes committed meanwhile wait and are sent after, so a change
 *   committed while the catch-up query runs is neither lost nor sent twice.
 * - Authorization is the one of `GET …/records` (live/access.ts), decided on subscribe and again
 *   before the first change sent more than `push.reauthorize_seconds` (default
 *   {@link REAUTHORIZE_AFTER_MS}) after the last decision:
 *   a lost permission or group membership stops the stream within that bound (close
 *   `CLOSE_FORBIDDEN`).
 * - Bounded memory: a catch-up beyond {@link MAX_CATCH_UP} changes, or more than
 *   {@link MAX_WAITING} changes waiting for one subscriber, closes it with `CLOSE_RESYNC`: the
 *   client lists the collection with `_since`, then subscribes again. Commits never wait for a
 *   subscriber.
 */
import { SettingsError, settingsOf, variableName, type Settings } from "../config";
import type { Bindings } from "../env";
import { parseExactJson } from "../json/parse";
import { rowToObject, D1Storage, type ObjectRow } from "../storage/d1";
import { toWire } from "../resources/objects";
import type { WriteChange } from "../writer/listener";
import type { KintoObject, LiveEvent, Permissions, Tombstone } from "../wire";
import { liveAccess, sees } from "./access";
import { EventStream, socketSink, type Sink } from "./sinks";
import { CLOSE_FORBIDDEN, CLOSE_RESYNC, SUBSCRIPTION_HEADER, type SubscribeRequest, type Subscription } from "./subscription";

export const MAX_CATCH_UP = 1000;
export const MAX_WAITING = 1000;
export const REAUTHORIZE_AFTER_MS = 30_000;

/**
 * `push.reauthorize_seconds` (`KINTO_PUSH_REAUTHORIZE_SECONDS`) in ms, default
 * {@link REAUTHORIZE_AFTER_MS}; a malformed value throws `SettingsError` (the subscribe route
 * answers it as a 500 naming the variable; a broadcast falls back to the default).
 */
export function reauthorizeAfterMs(settings: Settings): number {
  const raw = settings.lookup("push.reauthorize_seconds");
  if (raw === undefined) return REAUTHORIZE_AFTER_MS;
  if (!/^\d{1,9}$/.test(raw)) throw new SettingsError(variableName("push.reauthorize_seconds"), `expected an integer ≥ 0, got ${JSON.stringify(raw)}`);
  return Number(raw) * 1000;
}

function reauthorizeAfterOrDefault(settings: Settings): number {
  try {
    return reauthorizeAfterMs(settings);
  } catch {
    return REAUTHORIZE_AFTER_MS;
  }
}

/** A change as broadcast: its message (serialized once) and the ACL that decides who sees it (null: tombstone). */
interface Outgoing {
  event: LiveEvent;
  json: string;
  permissions: Permissions | null;
}

function outgoing(event: LiveEvent, permissions: Permissions | null): Outgoing {
  return { event, json: JSON.stringify(event), permissions };
}

function eventOf(object: KintoObject | Tombstone, action: "create" | "update" | "delete"): LiveEvent {
  const etag = `"${object.last_modified}"`;
  if ("deleted" in object && object.deleted === true) return { action: "delete", timestamp: object.last_modified, etag, tombstone: object as Tombstone };
  return { action: action === "delete" ? "update" : action, timestamp: object.last_modified, etag, data: object as KintoObject };
}

export class LiveHub {
  /** Subscribers whose changes wait (catch-up or authorization under way), by sink key, with what waits. */
  private readonly waiting = new Map<object, Outgoing[]>();
  private readonly streams = new Set<EventStream>();

  /** `envOf`: the Writer's bindings and settings, read at each use. */
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly envOf: () => Bindings,
  ) {}

  /** Accepts a subscription the worker's route forwarded (already authorized). */
  accept(request: Request): Response {
    const raw = request.headers.get(SUBSCRIPTION_HEADER);
    if (raw === null) return new Response(null, { status: 400 });
    const { subscription, catchUp, transport } = parseExactJson(raw) as unknown as SubscribeRequest;
    let sink: Sink;
    let response: Response;
    if (transport === "event-stream") {
      const stream = new EventStream(subscription, (gone) => this.forget(gone));
      this.streams.add(stream);
      sink = stream;
      response = stream.response;
    } else {
      const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
      this.ctx.acceptWebSocket(server);
      server.serializeAttachment(subscription);
      sink = socketSink(server);
      response = new Response(null, { status: 101, webSocket: client });
    }
    if (catchUp) {
      this.waiting.set(sink.key, []);
      this.ctx.waitUntil(this.catchUp(sink, subscription));
    }
    return response;
  }

  /** Sends the record changes of a commit to every subscriber allowed to see them. */
  broadcast(changes: readonly WriteChange[]): void {
    const sinks: Sink[] = [...this.ctx.getWebSockets().map(socketSink), ...this.streams];
    if (sinks.length === 0) return;
    const changed: Outgoing[] = changes
      .filter((change) => change.resourceName === "record")
      .map((change) => outgoing(eventOf(change.data, change.action), change.action === "delete" ? null : change.permissions));
    if (changed.length === 0) return;
    const now = Date.now();
    const reauthorizeAfter = reauthorizeAfterOrDefault(settingsOf(this.envOf()));
    for (const sink of sinks) {
      const queued = this.waiting.get(sink.key);
      if (queued !== undefined) {
        queued.push(...changed);
        if (queued.length > MAX_WAITING) this.close(sink, CLOSE_RESYNC, "Too many changes waiting: resubscribe with _since");
        continue;
      }
      const subscription = sink.subscription();
      if (subscription === null) continue;
      if (now - subscription.checkedAt >= reauthorizeAfter) {
        this.waiting.set(sink.key, [...changed]);
        this.ctx.waitUntil(this.reauthorize(sink, subscription));
        continue;
      }
      this.send(sink, subscription, changed);
    }
  }

  /** Completes the close handshake of a socket the client closed. */
  closed(socket: WebSocket, code: number, reason: string): void {
    this.waiting.delete(socket);
    // 1005/1006/1015 are reserved: they cannot be sent back.
    socketSink(socket).close([1005, 1006, 1015].includes(code) ? 1000 : code, reason);
  }

  private forget(stream: EventStream): void {
    this.streams.delete(stream);
    this.waiting.delete(stream.key);
  }

  private close(sink: Sink, code: number, reason: string): void {
    this.waiting.delete(sink.key);
    sink.close(code, reason);
  }

  /** Sends the changes after `lastSent` the subscriber sees (`filtered`: already decided by the query). */
  private send(sink: Sink, subscription: Subscription, changes: readonly Outgoing[], filtered = false): void {
    let lastSent = subscription.lastSent;
    for (const { event, json, permissions } of changes) {
      if (event.timestamp <= lastSent || (!filtered && !sees(subscription.access, permissions))) continue;
      if (!sink.send(json, event.timestamp)) break;
      lastSent = event.timestamp;
    }
    if (lastSent !== subscription.lastSent) sink.save({ ...subscription, lastSent }, false);
  }

  /** Sends what the subscriber waited for, then lets changes flow directly again. */
  private flush(sink: Sink, subscription: Subscription): void {
    const queued = this.waiting.get(sink.key);
    if (queued === undefined) return;
    this.waiting.delete(sink.key);
    this.send(sink, subscription, queued);
  }

  private async catchUp(sink: Sink, subscription: Subscription): Promise<void> {
    try {
      const rows = await this.changesSince(subscription);
      if (!this.waiting.has(sink.key)) return;
      if (rows.length > MAX_CATCH_UP) {
        this.close(sink, CLOSE_RESYNC, "Too many changes since _since: list the collection, then resubscribe");
        return;
      }
      const missed = rows.map((row) => outgoing(eventOf(toWire(rowToObject(row)), "update"), null));
      this.send(sink, subscription, missed, true);
      this.flush(sink, sink.subscription() ?? subscription);
    } catch (error) {
      console.error("live catch-up failed:", error instanceof Error ? error.name : "error");
      this.close(sink, CLOSE_RESYNC, "Catch-up failed: resubscribe with _since");
    }
  }

  /** Records changed after `lastSent`, oldest first, that the subscriber may see (at most MAX_CATCH_UP + 1). */
  private async changesSince(subscription: Subscription): Promise<ObjectRow[]> {
    const uri = `/buckets/${subscription.bucket}/collections/${subscription.collection}`;
    const base = `SELECT id, last_modified, data, deleted FROM objects
      WHERE parent_id = ?1 AND resource_name = 'record' AND last_modified > ?2`;
    const shared = `AND deleted = 0 AND EXISTS (SELECT 1 FROM access_control_entries
        WHERE object_id = ?1 || '/records/' || objects.id AND permission IN ('read', 'write')
          AND principal IN (SELECT value FROM json_each(?4)))`;
    const all = subscription.access.kind === "all";
    const statement = this.envOf().DB.prepare(`${base} ${all ? "" : shared} ORDER BY last_modified LIMIT ?3`);
    const bound = all
      ? statement.bind(uri, subscription.lastSent, MAX_CATCH_UP + 1)
      : statement.bind(uri, subscription.lastSent, MAX_CATCH_UP + 1, JSON.stringify(subscription.access.principals));
    return (await bound.all<ObjectRow>()).results;
  }

  private async reauthorize(sink: Sink, subscription: Subscription): Promise<void> {
    try {
      const location = { bucket: subscription.bucket, collection: subscription.collection };
      const access = await liveAccess(new D1Storage(this.envOf().DB), settingsOf(this.envOf()), location, subscription.identity);
      if (access === null || access === "missing") {
        this.close(sink, CLOSE_FORBIDDEN, "No longer allowed to read this collection");
        return;
      }
      const updated: Subscription = { ...(sink.subscription() ?? subscription), access, checkedAt: Date.now() };
      sink.save(updated);
      this.flush(sink, updated);
    } catch (error) {
      console.error("live authorization failed:", error instanceof Error ? error.name : "error");
      this.close(sink, CLOSE_RESYNC, "Authorization failed: resubscribe with _since");
    }
  }
}
