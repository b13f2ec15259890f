/**
 * Live subscribers of one collection, held by the collection's Writer with the WebSocket
 * Hibernation API (an idle subscriber costs nothing). Every engine commit is broadcast after
 * it is in D1, in commit order; a rolled-back write was never committed, so never sent.
 *
 * Contracts:
 * - Exactly once, in order: each socket remembers the timestamp of the last change it was
 *   sent (`lastSent`) and is only sent later ones. A subscription with `_since` first gets what
 *   storage holds after it; changes committed meanwhile are buffered and sent after, so a
 *   change committed while the catch-up query runs is neither lost nor sent twice.
 * - Authorization is the one of `GET …/records` (live/access.ts), decided on subscribe and again
 *   before the first change sent more than {@link REAUTHORIZE_AFTER_MS} after the last decision:
 *   a lost permission or group membership stops the stream within that bound (close
 *   {@link CLOSE_FORBIDDEN}).
 * - Bounded memory: a catch-up beyond {@link MAX_CATCH_UP} changes, or more than
 *   {@link MAX_BUFFERED} changes waiting for a socket, closes it with {@link CLOSE_RESYNC}: the
 *   client reconnects with `_since` (or lists the collection first). Commits never wait for a
 *   subscriber.
 */
import type { Identity } from "../auth/identity";
import { settingsOf } from "../config";
import type { Bindings } from "../env";
import { rowToObject, D1Storage, type ObjectRow } from "../storage/d1";
import { toWire } from "../resources/objects";
import type { WriteChange } from "../writer/listener";
import type { KintoObject, LiveEvent, Permissions, Tombstone } from "../wire";
import { liveAccess, sees, type LiveAccess } from "./access";

/** Close code: resubscribe with `_since` = the last `etag` received. */
export const CLOSE_RESYNC = 4000;
/** Close code: the subscriber may no longer read the collection. */
export const CLOSE_FORBIDDEN = 4003;
export const MAX_CATCH_UP = 1000;
export const MAX_BUFFERED = 1000;
export const REAUTHORIZE_AFTER_MS = 30_000;

/** The header that carries a subscription from the worker's route to the Writer. */
export const SUBSCRIPTION_HEADER = "Kinto-Live-Subscription";

/** A socket's state; survives hibernation as its attachment. */
export interface Subscription {
  identity: Identity;
  bucket: string;
  collection: string;
  access: LiveAccess;
  /** When `access` was decided (epoch ms). */
  checkedAt: number;
  /** The timestamp of the last change sent, or `_since` (0: none yet). */
  lastSent: number;
}

/** What the worker's route sends the Writer: the subscription, and whether it starts with `_since`. */
export interface SubscribeRequest {
  subscription: Subscription;
  catchUp: boolean;
}

/** A change as broadcast: its message and the ACL that decides who sees it (null: tombstone). */
interface Outgoing {
  event: LiveEvent;
  permissions: Permissions | null;
}

function eventOf(object: KintoObject | Tombstone, action: "create" | "update" | "delete"): LiveEvent {
  const etag = `"${object.last_modified}"`;
  if ("deleted" in object && object.deleted === true) return { action: "delete", timestamp: object.last_modified, etag, tombstone: object as Tombstone };
  return { action: action === "delete" ? "update" : action, timestamp: object.last_modified, etag, data: object as KintoObject };
}

export class LiveHub {
  /** Sockets whose changes wait (catch-up or authorization under way), with what waits. */
  private readonly waiting = new Map<WebSocket, Outgoing[]>();

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Bindings,
  ) {}

  /** Accepts the upgrade the worker's route forwarded (already authorized). */
  accept(request: Request): Response {
    const raw = request.headers.get(SUBSCRIPTION_HEADER);
    if (request.headers.get("Upgrade") !== "websocket" || raw === null) return new Response(null, { status: 400 });
    const { subscription, catchUp } = JSON.parse(raw) as SubscribeRequest;
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment(subscription);
    if (catchUp) {
      this.waiting.set(server, []);
      this.ctx.waitUntil(this.catchUp(server, subscription));
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Sends the record changes of a commit to every subscriber allowed to see them. */
  broadcast(changes: readonly WriteChange[]): void {
    const sockets = this.ctx.getWebSockets();
    if (sockets.length === 0) return;
    const outgoing: Outgoing[] = changes
      .filter((change) => change.resourceName === "record")
      .map((change) => ({ event: eventOf(change.data, change.action), permissions: change.action === "delete" ? null : change.permissions }));
    if (outgoing.length === 0) return;
    const now = Date.now();
    for (const socket of sockets) {
      const queued = this.waiting.get(socket);
      if (queued !== undefined) {
        this.enqueue(socket, queued, outgoing);
        continue;
      }
      const subscription = socket.deserializeAttachment() as Subscription | null;
      if (subscription === null) continue;
      if (now - subscription.checkedAt > REAUTHORIZE_AFTER_MS) {
        this.waiting.set(socket, [...outgoing]);
        this.ctx.waitUntil(this.reauthorize(socket, subscription));
        continue;
      }
      this.send(socket, subscription, outgoing);
    }
  }

  /** Completes the close handshake of a socket the client closed. */
  closed(socket: WebSocket, code: number, reason: string): void {
    this.waiting.delete(socket);
    try {
      // 1005/1006/1015 are reserved: they cannot be sent back.
      socket.close([1005, 1006, 1015].includes(code) ? 1000 : code, reason);
    } catch {
      // Already closed.
    }
  }

  private enqueue(socket: WebSocket, queued: Outgoing[], outgoing: Outgoing[]): void {
    queued.push(...outgoing);
    if (queued.length > MAX_BUFFERED) this.close(socket, CLOSE_RESYNC, "Too many changes waiting: resubscribe with _since");
  }

  private close(socket: WebSocket, code: number, reason: string): void {
    this.waiting.delete(socket);
    try {
      socket.close(code, reason);
    } catch {
      // Already closed.
    }
  }

  /** Sends the changes after `lastSent` the subscriber sees (`filtered`: already decided by the query). */
  private send(socket: WebSocket, subscription: Subscription, outgoing: readonly Outgoing[], filtered = false): void {
    let lastSent = subscription.lastSent;
    try {
      for (const { event, permissions } of outgoing) {
        if (event.timestamp <= lastSent || (!filtered && !sees(subscription.access, permissions))) continue;
        socket.send(JSON.stringify(event));
        lastSent = event.timestamp;
      }
    } catch {
      // The socket went away; its close handler cleans up.
    }
    if (lastSent !== subscription.lastSent) socket.serializeAttachment({ ...subscription, lastSent } satisfies Subscription);
  }

  /** Sends what the socket waited for, then lets changes flow directly again. */
  private flush(socket: WebSocket, subscription: Subscription): void {
    const queued = this.waiting.get(socket);
    if (queued === undefined) return;
    this.waiting.delete(socket);
    this.send(socket, subscription, queued);
  }

  private collectionUri(subscription: Subscription): string {
    return `/buckets/${subscription.bucket}/collections/${subscription.collection}`;
  }

  private async catchUp(socket: WebSocket, subscription: Subscription): Promise<void> {
    try {
      const rows = await this.changesSince(subscription);
      if (!this.waiting.has(socket)) return;
      if (rows.length > MAX_CATCH_UP) {
        this.close(socket, CLOSE_RESYNC, "Too many changes since _since: list the collection, then resubscribe");
        return;
      }
      const missed = rows.map((row): Outgoing => ({ event: eventOf(toWire(rowToObject(row)), "update"), permissions: null }));
      this.send(socket, subscription, missed, true);
      this.flush(socket, (socket.deserializeAttachment() as Subscription | null) ?? subscription);
    } catch (error) {
      console.error("live catch-up failed:", error instanceof Error ? error.name : "error");
      this.close(socket, CLOSE_RESYNC, "Catch-up failed: resubscribe with _since");
    }
  }

  /** Records changed after `lastSent`, oldest first, that the subscriber may see (at most MAX_CATCH_UP + 1). */
  private async changesSince(subscription: Subscription): Promise<ObjectRow[]> {
    const uri = this.collectionUri(subscription);
    const base = `SELECT id, last_modified, data, deleted FROM objects
      WHERE parent_id = ?1 AND resource_name = 'record' AND last_modified > ?2`;
    const shared = `AND deleted = 0 AND EXISTS (SELECT 1 FROM access_control_entries
        WHERE object_id = ?1 || '/records/' || objects.id AND permission IN ('read', 'write')
          AND principal IN (SELECT value FROM json_each(?4)))`;
    const all = subscription.access.kind === "all";
    const statement = this.env.DB.prepare(`${base} ${all ? "" : shared} ORDER BY last_modified LIMIT ?3`);
    const bound = all
      ? statement.bind(uri, subscription.lastSent, MAX_CATCH_UP + 1)
      : statement.bind(uri, subscription.lastSent, MAX_CATCH_UP + 1, JSON.stringify(subscription.access.principals));
    return (await bound.all<ObjectRow>()).results;
  }

  private async reauthorize(socket: WebSocket, subscription: Subscription): Promise<void> {
    try {
      const settings = settingsOf(this.env);
      const location = { bucket: subscription.bucket, collection: subscription.collection };
      const access = await liveAccess(new D1Storage(this.env.DB), settings, location, subscription.identity);
      if (access === null || access === "missing") {
        this.close(socket, CLOSE_FORBIDDEN, "No longer allowed to read this collection");
        return;
      }
      const current = (socket.deserializeAttachment() as Subscription | null) ?? subscription;
      const updated: Subscription = { ...current, access, checkedAt: Date.now() };
      socket.serializeAttachment(updated);
      this.flush(socket, updated);
    } catch (error) {
      console.error("live authorization failed:", error instanceof Error ? error.name : "error");
      this.close(socket, CLOSE_RESYNC, "Authorization failed: resubscribe with _since");
    }
  }
}
