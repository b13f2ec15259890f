/** Which resource a `/v1`-less path names; used where requests are not routed by Hono (batch). */
import type { Location, ResourceName } from "../resources/spec";

export interface ResourceMatch {
  resource: ResourceName;
  location: Location;
  /** The object id, or null on a plural endpoint. */
  id: string | null;
}

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** `/buckets/b/collections/c/records/r` → record r of b/c; null for any other path. */
export function matchResourcePath(path: string): ResourceMatch | null {
  const raw = path.split("/").slice(1);
  const segments = raw.map(decode);
  if (segments.some((segment) => segment === null || segment === "") || segments[0] !== "buckets") return null;
  const [, bucket, kind, child, records, record] = segments as string[];
  const n = segments.length;
  if (n === 1) return { resource: "bucket", location: {}, id: null };
  if (bucket === undefined) return null;
  if (n === 2) return { resource: "bucket", location: {}, id: bucket };
  if (kind === "groups" && n <= 4) return { resource: "group", location: { bucket }, id: child ?? null };
  if (kind !== "collections") return null;
  if (n <= 4) return { resource: "collection", location: { bucket }, id: child ?? null };
  if (records !== "records" || child === undefined || n > 6) return null;
  return { resource: "record", location: { bucket, collection: child }, id: record ?? null };
}
