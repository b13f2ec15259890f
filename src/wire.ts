/**
 * Wire shapes: what crosses HTTP and the Durable Object RPC boundary.
 * Values crossing RPC use flat types (see stack-notes: recursive types break RPC typing).
 */

/**
 * A JSON number kept as its text (`JSON.rawJSON`): integers beyond 2^53, and numbers that
 * Kinto prints otherwise than JavaScript does (`1.0`, `0.0`, `1e-05`). See src/json/numbers.ts.
 */
export interface RawNumber {
  readonly rawJSON: string;
}

export type JsonPrimitive = string | number | boolean | null | RawNumber;
/** Any JSON value. Kept shallow in signatures that cross RPC. */
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A stored object as clients see it. */
export interface KintoObject {
  id: string;
  last_modified: number;
  [field: string]: JsonValue;
}

export interface Tombstone {
  id: string;
  last_modified: number;
  deleted: true;
}

/** Permission name → principals. Only non-empty lists appear on the wire. */
export type Permissions = Record<string, string[]>;

export interface ValidationDetail {
  location: "body" | "querystring" | "header" | "path";
  /** A field name; an array index is a number (JSON-schema errors). */
  name: string | number | null;
  description: string;
  /** A more specific errno than the envelope's 107 (Kinto's `raise_invalid(…, errno=…)`). */
  errno?: number;
}

export interface ErrorBody {
  code: number;
  errno: number;
  error: string;
  message?: string;
  info?: string;
  details?: unknown;
}

export interface ObjectEnvelope {
  data: KintoObject;
  permissions?: Permissions;
}

export interface ListEnvelope {
  data: (KintoObject | Tombstone)[];
}

/**
 * One message of a live changes subscription (`…/changes/live`): a record change, after its
 * commit and in commit order, with the collection's `ETag` once it is applied (to resume
 * with `_since`). Catch-up messages (`_since`) give each object's latest state: `update` or
 * `delete`. A bucket's stream carries its collections and groups; a feed (the changes monitor)
 * its own objects (monitor entries), always `update`.
 */
export type LiveEvent = (
  | { action: "create" | "update"; timestamp: number; etag: string; data: KintoObject }
  | { action: "delete"; timestamp: number; etag: string; tombstone: Tombstone }
) & {
  /** On a bucket's stream: which list changed (`etag` is that list's). */
  resource_name?: "collection" | "group";
};

/** `POST …/changes/live`: a short-lived subscription token for clients that cannot send headers. */
export interface LiveTokenEnvelope {
  token: string;
  /** Epoch milliseconds after which the token no longer opens a subscription. */
  expires: number;
}
