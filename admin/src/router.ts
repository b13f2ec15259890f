/**
 * Hash routes (`#/buckets/b/collections/c`): the page itself is always /v1/admin/, so the
 * server needs no fallback and unknown API paths keep their JSON 404s.
 */
import { useEffect, useState } from "preact/hooks";

export type BucketTab = "collections" | "groups" | "history" | "permissions";
export type CollectionTab = "records" | "attributes" | "permissions" | "history" | "review";
export type ObjectTab = "data" | "permissions";

export type Route =
  | { name: "buckets" }
  | { name: "openid"; provider: string; token: string }
  | { name: "bucket"; bid: string; tab: BucketTab }
  | { name: "group"; bid: string; gid: string; tab: ObjectTab }
  | { name: "collection"; bid: string; cid: string; tab: CollectionTab }
  | { name: "record"; bid: string; cid: string; rid: string | null; tab: ObjectTab }
  | { name: "unknown"; hash: string };

const BUCKET_TABS: readonly string[] = ["collections", "groups", "history", "permissions"];
const COLLECTION_TABS: readonly string[] = ["records", "attributes", "permissions", "history", "review"];

const enc = encodeURIComponent;

export const href = {
  buckets: (): string => "#/",
  bucket: (bid: string, tab: BucketTab = "collections"): string => `#/buckets/${enc(bid)}${tab === "collections" ? "" : `/${tab}`}`,
  group: (bid: string, gid: string, tab: ObjectTab = "data"): string =>
    `#/buckets/${enc(bid)}/groups/${enc(gid)}${tab === "data" ? "" : "/permissions"}`,
  collection: (bid: string, cid: string, tab: CollectionTab = "records"): string =>
    `#/buckets/${enc(bid)}/collections/${enc(cid)}${tab === "records" ? "" : `/${tab}`}`,
  record: (bid: string, cid: string, rid: string, tab: ObjectTab = "data"): string =>
    `#/buckets/${enc(bid)}/collections/${enc(cid)}/records/${enc(rid)}${tab === "data" ? "" : "/permissions"}`,
  newRecord: (bid: string, cid: string): string => `#/buckets/${enc(bid)}/collections/${enc(cid)}/new-record`,
};

export function parse(hash: string): Route {
  const path = hash.replace(/^#\/?/, "");
  if (path === "") return { name: "buckets" };
  let parts: string[];
  try {
    parts = path.split("/").map(decodeURIComponent);
  } catch {
    return { name: "unknown", hash };
  }
  const [root, bid, kind, id, sub, rid, last] = parts;
  const objectTab = (value: string | undefined): ObjectTab | null =>
    value === undefined ? "data" : value === "permissions" ? "permissions" : null;
  if (root === "openid" && bid !== undefined && kind !== undefined) return { name: "openid", provider: bid, token: parts.slice(2).join("/") };
  if (root !== "buckets" || bid === undefined || bid === "") return { name: "unknown", hash };
  if (kind === undefined) return { name: "bucket", bid, tab: "collections" };
  if (id === undefined) return BUCKET_TABS.includes(kind) ? { name: "bucket", bid, tab: kind as BucketTab } : { name: "unknown", hash };
  if (kind === "groups") {
    const tab = rid === undefined ? objectTab(sub) : null;
    return tab === null ? { name: "unknown", hash } : { name: "group", bid, gid: id, tab };
  }
  if (kind !== "collections") return { name: "unknown", hash };
  if (sub === undefined) return { name: "collection", bid, cid: id, tab: "records" };
  if (sub === "new-record" && rid === undefined) return { name: "record", bid, cid: id, rid: null, tab: "data" };
  if (sub === "records" && rid !== undefined) {
    const tab = objectTab(last);
    return tab === null || parts.length > 7 ? { name: "unknown", hash } : { name: "record", bid, cid: id, rid, tab };
  }
  if (rid === undefined && COLLECTION_TABS.includes(sub)) return { name: "collection", bid, cid: id, tab: sub as CollectionTab };
  return { name: "unknown", hash };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(location.hash));
  useEffect(() => {
    const update = (): void => setRoute(parse(location.hash));
    addEventListener("hashchange", update);
    return () => removeEventListener("hashchange", update);
  }, []);
  return route;
}

export function go(target: string): void {
  location.hash = target;
}
