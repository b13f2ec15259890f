/**
 * The entries of `GET /permissions` (contract §6.6): every object whose own ACL names one of
 * the caller's principals, the objects granted by settings, and the root entry. Permissions
 * are expanded within the same object only.
 */
import { sql } from "drizzle-orm";
import { splitList, type Settings } from "../config";
import type { D1Storage } from "../storage/d1";
import type { JsonObject } from "../wire";

const EXPANSIONS: Record<string, Record<string, string[]>> = {
  bucket: {
    write: ["read", "read:attributes", "collection:create", "group:create"],
    read: ["read:attributes"],
    "collection:create": ["read:attributes"],
    "group:create": ["read:attributes"],
  },
  collection: { write: ["read", "read:attributes", "record:create"], read: ["read:attributes"], "record:create": ["read:attributes"] },
  group: { write: ["read"] },
  record: { write: ["read"] },
  account: { write: ["read"] },
};

/** The resource an object URI names, with its id fields. */
export function describeUri(uri: string): JsonObject | null {
  const parts = uri.split("/").slice(1);
  const [kind, id, child, childId, grandChild, grandChildId] = parts;
  if (kind === "accounts" && id && parts.length === 2) return { resource_name: "account", id, account_id: id };
  if (kind !== "buckets" || !id) return null;
  if (parts.length === 2) return { resource_name: "bucket", id, bucket_id: id };
  if (child === "groups" && childId && parts.length === 4) {
    return { resource_name: "group", id: childId, bucket_id: id, group_id: childId };
  }
  if (child !== "collections" || !childId) return null;
  if (parts.length === 4) return { resource_name: "collection", id: childId, bucket_id: id, collection_id: childId };
  if (grandChild === "records" && grandChildId && parts.length === 6) {
    return { resource_name: "record", id: grandChildId, bucket_id: id, collection_id: childId, record_id: grandChildId };
  }
  return null;
}

function expand(resource: string, permissions: Iterable<string>): string[] {
  const result = new Set<string>();
  for (const permission of permissions) {
    result.add(permission);
    for (const implied of EXPANSIONS[resource]?.[permission] ?? []) result.add(implied);
  }
  return [...result].sort();
}

function holds(settings: Settings, name: string, principals: readonly string[]): boolean {
  const granted = name === "bucket_create_principals" ? settings.bucketCreatePrincipals : splitList(settings.lookup(name) ?? "");
  return granted.some((principal) => principals.includes(principal));
}

/** URIs of every live object of a kind: what a `<kind>_<perm>_principals` setting grants. */
async function allUris(storage: D1Storage, resource: "bucket" | "collection" | "group"): Promise<string[]> {
  const plural = `${resource}s`;
  return storage.selectColumn(
    sql`SELECT parent_id || '/' || ${plural} || '/' || id AS value FROM objects WHERE resource_name = ${resource} AND deleted = 0`,
  );
}

/** The entries of every object of `storages` (the shards, on a sharded deployment) and the root's. */
export async function permissionEntries(
  storages: readonly D1Storage[],
  settings: Settings,
  principals: readonly string[],
  accountsEnabled: boolean,
): Promise<JsonObject[]> {
  const granted = new Map<string, Set<string>>();
  const grant = (uri: string, permission: string): void => {
    let set = granted.get(uri);
    if (set === undefined) granted.set(uri, (set = new Set()));
    set.add(permission);
  };
  const settingGrants = (["bucket", "collection", "group"] as const).flatMap((resource) => {
    const permissions = ["read", "write"].filter((p) => holds(settings, `${resource}_${p}_principals`, principals));
    return permissions.length === 0 ? [] : [{ resource, permissions }];
  });
  // Every shard at once; each shard's queries one after the other.
  const perShard = await Promise.all(
    storages.map(async (storage) => {
      const rows = await storage.selectPairs(
        sql`SELECT object_id AS first, permission AS second FROM access_control_entries
          WHERE principal IN (${sql.join(principals.map((p) => sql`${p}`), sql`, `)})`,
      );
      const byUris: [string[], string[]][] = [];
      for (const { resource, permissions } of settingGrants) byUris.push([await allUris(storage, resource), permissions]);
      return { rows, byUris };
    }),
  );
  for (const { rows, byUris } of perShard) {
    for (const [uri, permission] of rows) grant(uri, permission);
    for (const [uris, permissions] of byUris) for (const uri of uris) for (const permission of permissions) grant(uri, permission);
  }
  const entries: JsonObject[] = [];
  for (const [uri, permissions] of granted) {
    const described = describeUri(uri);
    if (described === null) continue;
    entries.push({ uri, ...described, permissions: expand(String(described.resource_name), permissions) });
  }
  const root: string[] = [];
  if (holds(settings, "bucket_create_principals", principals)) root.push("bucket:create");
  if (accountsEnabled && holds(settings, "account_create_principals", principals)) root.push("account:create");
  if (root.length > 0) entries.push({ uri: "/", resource_name: "root", permissions: root });
  return entries;
}
