/** A live subscriber's state, and how the worker's route hands it to the Durable Object that holds it. */
import type { Identity } from "../auth/identity";
import type { LiveAccess } from "./access";
import { bucketDatabase, catalogOf } from "../storage/shards";
import type { Bindings } from "../env";

/**
 * What a subscription follows, and which Durable Object holds it: the records of a collection
 * (its Writer), the collections and groups of a bucket (the bucket's Writer), or a feed that
 * a plugin publishes into (the Writer named {@link feedWriterName}, e.g. the changes monitor).
 */
export type LiveScope =
  | { kind: "collection"; bucket: string; collection: string }
  | { kind: "bucket"; bucket: string }
  | { kind: "feed"; feed: string };

/** The lists a scope follows, each with its own timestamps (`feed`: one, of the feed's own events). */
export type LiveList = "record" | "collection" | "group" | "feed";

export function listsOf(scope: LiveScope): readonly LiveList[] {
  if (scope.kind === "collection") return ["record"];
  if (scope.kind === "bucket") return ["collection", "group"];
  return ["feed"];
}

/** The Durable Object name that holds the subscribers of `scope`. */
export function writerNameOf(scope: LiveScope): string {
  if (scope.kind === "collection") return `/buckets/${scope.bucket}/collections/${scope.collection}`;
  if (scope.kind === "bucket") return `/buckets/${scope.bucket}`;
  return feedWriterName(scope.feed);
}

/** A feed's Durable Object: a name no parent URI can take (those start with `/`). */
export function feedWriterName(feed: string): string {
  return `feed:${feed}`;
}

export interface Subscription {
  identity: Identity;
  scope: LiveScope;
  access: LiveAccess;
  /** When `access` was decided (epoch ms). */
  checkedAt: number;
  /**
   * Per list of the scope: the timestamp of the last change sent, or `_since` (0: none yet).
   * A bucket's collections and groups are two lists whose timestamps may be equal, hence one
   * value each.
   */
  lastSent: Partial<Record<LiveList, number>>;
}

/**
 * The resume point after the changes sent so far: what `_since` (or an event stream's
 * `Last-Event-ID`) takes back. One timestamp per list of the scope, joined by `,`
 * (a bucket: `<collections>,<groups>`).
 */
export function cursorOf(subscription: Subscription): string {
  return listsOf(subscription.scope)
    .map((list) => subscription.lastSent[list] ?? 0)
    .join(",");
}

/**
 * `lastSent` from a `_since` value: one timestamp (quoted or not) for every list, or one per
 * list joined by `,`; null when malformed.
 */
export function parseCursor(scope: LiveScope, raw: string): Subscription["lastSent"] | null {
  const parts = raw.replace(/^"(.*)"$/, "$1").split(",");
  const lists = listsOf(scope);
  if (parts.length !== 1 && parts.length !== lists.length) return null;
  if (!parts.every((part) => /^\d{1,16}$/.test(part))) return null;
  return Object.fromEntries(lists.map((list, index) => [list, Number(parts[parts.length === 1 ? 0 : index])]));
}

/** What the worker's route sends the Durable Object. */
export interface SubscribeRequest {
  subscription: Subscription;
  /** Whether the subscription starts with what storage holds after `lastSent` (`_since`). */
  catchUp: boolean;
  /** A WebSocket, or a Server-Sent Events stream. */
  transport: "websocket" | "event-stream";
}

/** The header that carries a subscribe request from the worker's route to the Durable Object. */
export const SUBSCRIPTION_HEADER = "Kinto-Live-Subscription";

/** Close code: resubscribe with `_since` = the last `etag` received (a bucket: the cursor). */
export const CLOSE_RESYNC = 4000;
/** Close code: the subscriber may no longer read what it follows. */
export const CLOSE_FORBIDDEN = 4003;
/** Close code: what it follows was deleted (the collection, or its bucket); a 404 to a sync client. */
export const CLOSE_GONE = 4004;

/** The database of what `scope` follows: its bucket's shard, or the catalog for a feed. */
export function scopeDatabase(env: Bindings, scope: LiveScope): D1Database {
  return scope.kind === "feed" ? catalogOf(env) : bucketDatabase(env, scope.bucket);
}
