/**
 * Which D1 database holds what (docs/scaling.md). The shards are `DB` (shard 0), `DB_1`, `DB_2`,
 * … up to the first missing binding. A bucket and everything under it (collections, groups,
 * records, their ACLs and timestamps, history, search documents, attachment rows) live on one
 * shard: the jump consistent hash of the bucket's placement key. Shard 0 is also the catalog:
 * accounts, OpenID states, and the buckets list's first read. Group memberships are copied to
 * every shard (storage/memberships.ts), so a request's principals are read where its objects are.
 *
 * A bucket's placement key is its id, or, for buckets that a plugin writes in one transaction
 * (the signer's source, preview and destination), the smallest id of their group: such buckets
 * share a shard. Changing the shard count moves buckets (see docs/scaling.md): it is not a
 * setting to edit on a running deployment.
 */
import type { Bindings } from "../env";
import type { Settings } from "../config";
import { SettingsError, settingsOf } from "../config";
import { fnv1a64 } from "./fnv";

/** Groups of bucket ids that must share a shard, from the enabled plugins (set by the worker entry). */
export type Colocation = (settings: Settings) => readonly (readonly string[])[];

let colocation: Colocation = () => [];

/** The worker entry tells which buckets its plugins write together. */
export function useColocation(provider: Colocation): void {
  colocation = provider;
}

const shardLists = new WeakMap<object, D1Database[]>();

/** Every shard, shard 0 first. */
export function shardsOf(env: Bindings): D1Database[] {
  let shards = shardLists.get(env);
  if (shards === undefined) {
    shards = [env.DB];
    for (let index = 1; ; index++) {
      const db = env[`DB_${index}`];
      if (db === undefined) break;
      shards.push(db);
    }
    // A gap would silently place every bucket anew: refused, naming the binding past it.
    const count = shards.length;
    const stray = Object.keys(env).find((name) => /^DB_\d+$/.test(name) && env[name as `DB_${number}`] !== undefined && Number(name.slice(3)) >= count);
    if (stray !== undefined) throw new SettingsError(stray, `the D1 shards must be DB, DB_1, … with no gap, and DB_${count} is missing`);
    shardLists.set(env, shards);
  }
  return shards;
}

export function isSharded(env: Bindings): boolean {
  return shardsOf(env).length > 1;
}

/** Accounts, OpenID states: what belongs to no bucket. */
export function catalogOf(env: Bindings): D1Database {
  return env.DB;
}

const placementKeys = new WeakMap<Settings, Map<string, string>>();

/** The bucket whose id places `bucketId`: the smallest id of its colocated group (transitively), or itself. */
function placementKey(settings: Settings, bucketId: string): string {
  let keys = placementKeys.get(settings);
  if (keys === undefined) {
    keys = new Map();
    const parent = new Map<string, string>();
    const find = (id: string): string => {
      let root = id;
      while (parent.has(root) && parent.get(root) !== root) root = parent.get(root) as string;
      return root;
    };
    for (const group of colocation(settings)) {
      for (const id of group) {
        if (!parent.has(id)) parent.set(id, id);
        const [a, b] = [find(group[0] as string), find(id)];
        if (a !== b) parent.set(a < b ? b : a, a < b ? a : b);
      }
    }
    for (const id of parent.keys()) keys.set(id, find(id));
    placementKeys.set(settings, keys);
  }
  return keys.get(bucketId) ?? bucketId;
}

const MASK_64 = (1n << 64n) - 1n;

/**
 * Lamping and Veach's jump consistent hash: `key` → [0, count). Going from n to n + 1 shards
 * moves only the keys that land on the new shard (1 / (n + 1) of them).
 */
export function jumpHash(key: bigint, count: number): number {
  let chosen = -1;
  let next = 0;
  let state = key;
  while (next < count) {
    chosen = next;
    state = (state * 2862933555777941757n + 1n) & MASK_64;
    next = Math.floor((chosen + 1) * (2 ** 31 / (Number(state >> 33n) + 1)));
  }
  return chosen;
}

/** The shard index of `bucketId` among `count` shards. */
export function shardIndexOf(settings: Settings, bucketId: string, count: number): number {
  return count === 1 ? 0 : jumpHash(fnv1a64(placementKey(settings, bucketId)), count);
}

/** The shard index of a bucket in this deployment. */
export function bucketShard(env: Bindings, bucketId: string): number {
  const shards = shardsOf(env);
  return shardIndexOf(settingsOf(env), bucketId, shards.length);
}

/** The database that holds `bucketId` and everything under it. */
export function bucketDatabase(env: Bindings, bucketId: string): D1Database {
  return shardsOf(env)[bucketShard(env, bucketId)] as D1Database;
}

const BUCKET_URI = /^\/buckets\/([^/]+)/;

/** The bucket of an object or parent URI (`/buckets/b/…`), or null for what is outside buckets. */
export function bucketOfUri(uri: string): string | null {
  return BUCKET_URI.exec(uri)?.[1] ?? null;
}

/** The database holding the object or list at `uri`: its bucket's shard, or the catalog. */
export function databaseOfUri(env: Bindings, uri: string): D1Database {
  const bucket = bucketOfUri(uri);
  return bucket === null ? catalogOf(env) : bucketDatabase(env, bucket);
}

/** The database of an object (with `id`) or a list of `resource` at `location`. */
export function databaseOfLocation(env: Bindings, resource: string, location: { bucket?: string }, id?: string): D1Database {
  const bucket = resource === "bucket" ? id : location.bucket;
  return bucket === undefined ? catalogOf(env) : bucketDatabase(env, bucket);
}
