/**
 * Live subscribers held by one Durable Object: a collection's Writer (its records), a bucket's
 * Writer (its collections and groups) or a feed's (live/feed.ts). WebSockets use the
 * Hibernation API (an idle subscriber costs nothing); Server-Sent Events streams are held in
 * memory (live/sinks.ts). Every engine commit is broadcast after it is in D1, in commit order;
 * a rolled-back write was never committed, so never sent.
 *
 * Contracts:
 * - Exactly once, in order: each subscriber remembers, per list, the timestamp of the last
 *   change it was sent (`lastSent`) and is only sent later ones. A subscription with `_since`
 *   first gets what storage holds after it; changes committed meanwhile wait and are sent
 *   after, so a change committed while the catch-up query runs is neither lost nor sent twice.
 *   Feed objects are states, sent when newer than what the subscriber was sent of that object
 *   id; a feed's catch-up may repeat one (live/feed.ts), never miss one.
 * - Authorization is the one of the followed list (live/access.ts), decided on subscribe and
 *   again before the first change sent more than `push.reauthorize_seconds` (default
 *   {@link REAUTHORIZE_AFTER_MS}) after the last decision: a lost permission or group
 *   membership stops the stream within that bound (close `CLOSE_FORBIDDEN`).
 * - Deletion: {@link LiveHub.gone} closes every subscriber with `CLOSE_GONE` and refuses the
 *   subscriptions authorized before it; a bucket's hub forwards it to the collections whose
 *   Writers registered subscribers with it.
 * - Bounded memory: a catch-up beyond {@link MAX_CATCH_UP} changes, more than
 *   {@link MAX_WAITING} changes waiting for one subscriber, or (event streams) more than
 *   `MAX_UNREAD` messages its client has not taken, close it with `CLOSE_RESYNC`: the client
 *   lists with `_since`, then subscribes again. Commits never wait for a subscriber.
 * - Fan-out after the answer: a commit's messages are queued and sent from a task scheduled
 *   after it ({@link LiveHub.broadcast}), so the writer's 201 never waits for the subscribers;
 *   the commits queued meanwhile go out together, in commit order, in one pass over the
 *   subscribers. What is queued is sent before a subscriber is accepted and before the hub
 *   closes them as gone, so either sees exactly what it did when sending was immediate.
 */
import { SettingsError, settingsOf, variableName, type Settings } from "../config";
import type { Bindings } from "../env";
import { parseExactJson } from "../json/parse";
import { D1Storage } from "../storage/d1";
import type { WriteChange } from "../writer/listener";
import type { LiveEvent } from "../wire";
import { liveAccess, sees } from "./access";
import { storedChangesSince } from "./catch-up";
import { eventOf, liveListOf, outgoing, type Outgoing } from "./events";
import type { LiveFeed } from "./feed";
import { EventStream, socketSink, type Sink } from "./sinks";
import {
  CLOSE_FORBIDDEN,
  CLOSE_GONE,
  CLOSE_RESYNC,
  cursorOf,
  listsOf,
  scopeDatabase,
  SUBSCRIPTION_HEADER,
  writerNameOf,
  type SubscribeRequest,
  type Subscription,
} from "./subscription";
import { bucketDatabase } from "../storage/shards";

export const MAX_CATCH_UP = 1000;
export const MAX_WAITING = 1000;
export const REAUTHORIZE_AFTER_MS = 30_000;

/** Storage keys: when what this object follows was deleted (epoch ms); collections with subscribers (a bucket's). */
const GONE_AT = "live:gone-at";
const REGISTERED = "live:collections";

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

export class LiveHub {
  /** Subscribers whose changes wait (catch-up or authorization under way), by sink key, with what waits. */
  private readonly waiting = new Map<object, Outgoing[]>();
  private readonly streams = new Set<EventStream>();
  /** Feeds: the newest timestamp published per object id (older publications are dropped). */
  private readonly newest = new Map<string, number>();
  /** Feeds: per subscriber, the newest timestamp sent per object id (in memory: after hibernation, one may repeat). */
  private readonly feedSent = new WeakMap<object, Map<string, number>>();
  private registered = false;
  /** Messages committed and not yet sent, in commit order; `scheduled`: a send pass is due. */
  private pending: Outgoing[] = [];
  private scheduled = false;

  /** `envOf`: the Writer's bindings and settings, read at each use; `feeds`: the plugins' feeds by name. */
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly envOf: () => Bindings,
    private readonly feeds: () => Readonly<Record<string, LiveFeed>>,
  ) {}

  /** Accepts a subscription the worker's route forwarded (already authorized). */
  async accept(request: Request): Promise<Response> {
    const raw = request.headers.get(SUBSCRIPTION_HEADER);
    if (raw === null) return new Response(null, { status: 400 });
    const { subscription, catchUp, transport } = parseExactJson(raw) as unknown as SubscribeRequest;
    this.sendPending();
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
    const goneAt = await this.ctx.storage.get<number>(GONE_AT);
    if (goneAt !== undefined && subscription.checkedAt <= goneAt) {
      this.close(sink, CLOSE_GONE, "Deleted");
      return response;
    }
    if (subscription.scope.kind === "collection" && !this.registered) this.ctx.waitUntil(this.register(subscription));
    if (catchUp) {
      this.waiting.set(sink.key, []);
      this.ctx.waitUntil(this.catchUp(sink, subscription));
    }
    return response;
  }

  /** Queues the changes of a commit for every subscriber allowed to see them (sent after the caller returns). */
  broadcast(changes: readonly WriteChange[]): void {
    if (this.ctx.getWebSockets().length === 0 && this.streams.size === 0) return;
    this.queue(
      changes.flatMap((change) => {
        const list = liveListOf(change.resourceName);
        return list === null ? [] : [outgoing(list, eventOf(list, change.data, change.action), change.action === "delete" ? null : change.permissions)];
      }),
    );
  }

  /** Sends feed objects newer than those published before (per object id). */
  publish(events: readonly LiveEvent[]): void {
    const fresh = events.filter((event) => {
      const id = "data" in event ? event.data.id : event.tombstone.id;
      if ((this.newest.get(id) ?? 0) >= event.timestamp) return false;
      this.newest.set(id, event.timestamp);
      return true;
    });
    this.queue(fresh.map((event) => outgoing("feed", event, null)));
  }

  /** What this object's subscribers follow was deleted: close them, refuse older subscriptions, tell registered collections. */
  async gone(): Promise<void> {
    this.sendPending();
    await this.ctx.storage.put(GONE_AT, Date.now());
    // A collection made again under a bucket made again registers again.
    this.registered = false;
    const collections = (await this.ctx.storage.get<string[]>(REGISTERED)) ?? [];
    await this.ctx.storage.delete(REGISTERED);
    for (const sink of this.sinks()) this.close(sink, CLOSE_GONE, "Deleted");
    const namespace = this.envOf().WRITER;
    await Promise.all(collections.map((uri) => namespace.get(namespace.idFromName(uri)).liveGone()));
  }

  /** Remembers (a bucket's hub) that `collectionUri`'s Writer holds subscribers. */
  async remember(collectionUri: string): Promise<void> {
    const collections = (await this.ctx.storage.get<string[]>(REGISTERED)) ?? [];
    if (!collections.includes(collectionUri)) await this.ctx.storage.put(REGISTERED, [...collections, collectionUri]);
  }

  /** Completes the close handshake of a socket the client closed. */
  closed(socket: WebSocket, code: number, reason: string): void {
    this.waiting.delete(socket);
    // 1005/1006/1015 are reserved: they cannot be sent back.
    socketSink(socket).close([1005, 1006, 1015].includes(code) ? 1000 : code, reason);
  }

  private queue(changed: readonly Outgoing[]): void {
    if (changed.length === 0) return;
    this.pending.push(...changed);
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => this.sendPending(), 0);
  }

  private sendPending(): void {
    this.scheduled = false;
    const changed = this.pending;
    this.pending = [];
    this.deliver(changed);
  }

  private sinks(): Sink[] {
    return [...this.ctx.getWebSockets().map(socketSink), ...this.streams];
  }

  private deliver(changed: readonly Outgoing[]): void {
    if (changed.length === 0) return;
    const now = Date.now();
    const reauthorizeAfter = reauthorizeAfterOrDefault(settingsOf(this.envOf()));
    for (const sink of this.sinks()) {
      const queued = this.waiting.get(sink.key);
      if (queued !== undefined) {
        queued.push(...changed);
        if (queued.length > MAX_WAITING) this.close(sink, CLOSE_RESYNC, "Too many changes waiting: resubscribe with _since");
        continue;
      }
      const subscription = sink.subscription();
      if (subscription === null) continue;
      if (subscription.scope.kind !== "feed" && now - subscription.checkedAt >= reauthorizeAfter) {
        this.waiting.set(sink.key, [...changed]);
        this.ctx.waitUntil(this.reauthorize(sink, subscription));
        continue;
      }
      this.send(sink, subscription, changed);
    }
  }

  private async register(subscription: Subscription): Promise<void> {
    if (subscription.scope.kind !== "collection") return;
    const namespace = this.envOf().WRITER;
    try {
      await namespace.get(namespace.idFromName(`/buckets/${subscription.scope.bucket}`)).liveRemember(writerNameOf(subscription.scope));
      this.registered = true;
    } catch (error) {
      console.error("live registration failed:", error instanceof Error ? error.name : "error");
    }
  }

  private forget(stream: EventStream): void {
    this.streams.delete(stream);
    this.waiting.delete(stream.key);
  }

  private close(sink: Sink, code: number, reason: string): void {
    this.waiting.delete(sink.key);
    sink.close(code, reason);
  }

  /** Sends the changes the subscriber sees and was not sent (`filtered`: already decided by a query). */
  private send(sink: Sink, subscription: Subscription, changes: readonly Outgoing[], filtered = false): void {
    const lastSent = { ...subscription.lastSent };
    const feedSent = subscription.scope.kind === "feed" ? this.feedSentOf(sink) : null;
    let sent = false;
    for (const { list, event, json, permissions } of changes) {
      if (feedSent === null && event.timestamp <= (lastSent[list] ?? 0)) continue;
      const id = "data" in event ? event.data.id : event.tombstone.id;
      if (feedSent !== null && (feedSent.get(id) ?? 0) >= event.timestamp) continue;
      if (!filtered && !sees(subscription.access, list, permissions)) continue;
      feedSent?.set(id, event.timestamp);
      lastSent[list] = Math.max(event.timestamp, lastSent[list] ?? 0);
      if (!sink.send(json, () => cursorOf({ ...subscription, lastSent }))) break;
      sent = true;
    }
    if (sent) sink.save({ ...subscription, lastSent }, false);
  }

  private feedSentOf(sink: Sink): Map<string, number> {
    let sent = this.feedSent.get(sink.key);
    if (sent === undefined) this.feedSent.set(sink.key, (sent = new Map()));
    return sent;
  }

  /** Sends what the subscriber waited for, then lets changes flow directly again. */
  private flush(sink: Sink, subscription: Subscription): void {
    const queued = this.waiting.get(sink.key);
    if (queued === undefined) return;
    this.waiting.delete(sink.key);
    this.send(sink, subscription, queued);
  }

  private async missed(subscription: Subscription): Promise<Outgoing[]> {
    const env = this.envOf();
    const { scope } = subscription;
    if (scope.kind !== "feed") return storedChangesSince(bucketDatabase(env, scope.bucket), subscription, listsOf(scope), MAX_CATCH_UP);
    const feed = this.feeds()[scope.feed];
    if (feed === undefined) return [];
    return (await feed.catchUp(env, subscription.lastSent.feed ?? 0, MAX_CATCH_UP)).map((event) => outgoing("feed", event, null));
  }

  private async catchUp(sink: Sink, subscription: Subscription): Promise<void> {
    try {
      const missed = await this.missed(subscription);
      if (!this.waiting.has(sink.key)) return;
      if (missed.length > MAX_CATCH_UP) {
        this.close(sink, CLOSE_RESYNC, "Too many changes since _since: list them, then resubscribe");
        return;
      }
      this.send(sink, subscription, missed, true);
      this.flush(sink, sink.subscription() ?? subscription);
    } catch (error) {
      console.error("live catch-up failed:", error instanceof Error ? error.name : "error");
      this.close(sink, CLOSE_RESYNC, "Catch-up failed: resubscribe with _since");
    }
  }

  private async reauthorize(sink: Sink, subscription: Subscription): Promise<void> {
    try {
      const access = await liveAccess(new D1Storage(scopeDatabase(this.envOf(), subscription.scope)), settingsOf(this.envOf()), subscription.scope, subscription.identity);
      if (access === "missing") {
        this.close(sink, CLOSE_GONE, "Deleted");
        return;
      }
      if (access === null) {
        this.close(sink, CLOSE_FORBIDDEN, "No longer allowed to read this list");
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
