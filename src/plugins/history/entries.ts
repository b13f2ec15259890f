/**
 * The history write listener (contract §10.2, Kinto's `history/listener.py`): one entry per
 * changed bucket, group, collection or record, appended to its bucket's history in the same
 * transaction as the change, with the entry's read ACL and the trimming of older entries.
 */
import type { AppendedObject, ListKey, Mutation } from "../../storage/types";
import type { JsonObject, Permissions } from "../../wire";
import type { ListenerContext, WriteChange } from "../../writer/listener";
import { historySettings, type HistorySettings } from "./settings";

export const HISTORY = "history";
const TRACKED = new Set(["bucket", "group", "collection", "record"]);

/** The history list of a bucket: `(parent_id = /buckets/{bid}, resource_name = history)`. */
export function historyList(bucketUri: string): ListKey {
  return { parentId: bucketUri, resourceName: HISTORY };
}

/** ISO-8601 UTC with microseconds and `+00:00`, as Python's `isoformat()`. */
export function isoDate(milliseconds: number): string {
  return new Date(milliseconds).toISOString().replace(/\.(\d{3})Z$/, ".$1000+00:00");
}

interface Tracked {
  change: WriteChange;
  bucketUri: string;
  collectionUri: string | null;
}

/** The change's bucket and collection, or null when it is not tracked (contract §10.2). */
function tracked(change: WriteChange, settings: HistorySettings): Tracked | null {
  if (!TRACKED.has(change.resourceName)) return null;
  if (change.author.userId !== null && settings.excludeUserIds.has(change.author.userId)) return null;
  const bucketUri = `/buckets/${change.resourceName === "bucket" ? change.id : (change.location.bucket ?? "")}`;
  const collectionId = change.resourceName === "collection" ? change.id : change.resourceName === "record" ? change.location.collection : undefined;
  const collectionUri = collectionId === undefined ? null : `${bucketUri}/collections/${collectionId}`;
  const excluded = settings.excludeResources;
  if (excluded.has(bucketUri) || (collectionUri !== null && excluded.has(collectionUri)) || excluded.has(change.uri)) return null;
  return { change, bucketUri, collectionUri };
}

function idFields(change: WriteChange): JsonObject {
  switch (change.resourceName) {
    case "bucket":
      return { bucket_id: change.id };
    case "record":
      return { collection_id: change.location.collection ?? "", record_id: change.id };
    default:
      return { [`${change.resourceName}_id`]: change.id };
  }
}

function readersOf(permissions: Permissions): string[] {
  return [...(permissions.read ?? []), ...(permissions.write ?? [])];
}

/** The entry's `read` principals: readers and writers of the bucket, the collection and the object. */
function entryReaders(entry: Tracked, context: ListenerContext): string[] {
  const principals = new Set([
    ...readersOf(context.permissionsOf(entry.bucketUri)),
    ...(entry.collectionUri === null ? [] : readersOf(context.permissionsOf(entry.collectionUri))),
    ...readersOf(entry.change.permissions),
  ]);
  return [...principals].sort();
}

export function historyMutations(changes: readonly WriteChange[], context: ListenerContext): Mutation[] {
  const settings = historySettings(context.settings);
  let appended: { bucketUri: string; object: AppendedObject; trim: Extract<Mutation, { kind: "trim" }> | null }[] = [];
  for (const change of changes) {
    if (change.resourceName === "bucket" && change.action === "delete") {
      // The bucket's purge runs before the entries in the batch: drop the entries it would have removed.
      appended = appended.filter((entry) => entry.bucketUri !== change.uri);
      continue;
    }
    const entry = tracked(change, settings);
    if (entry === null) continue;
    const id = crypto.randomUUID();
    const data: JsonObject = {
      action: change.action,
      resource_name: change.resourceName,
      uri: change.uri,
      user_id: change.author.userId,
      date: isoDate(context.now),
      ...idFields(change),
      target: { data: change.data, permissions: change.permissions },
    };
    // Without explicit permissions, entries have no ACL: only bucket readers see them (Kinto).
    const acl = context.settings.explicitPermissions
      ? { uri: `${entry.bucketUri}/${HISTORY}/${id}`, permissions: { read: entryReaders(entry, context) } }
      : null;
    appended.push({ bucketUri: entry.bucketUri, object: { id, data, acl }, trim: trimOf(entry, settings) });
  }
  // One append per bucket, its entries in change order; trimming runs once per
  // (bucket, resource_name[, user]), after this commit's entries.
  const appends = new Map<string, AppendedObject[]>();
  for (const { bucketUri, object } of appended) {
    const objects = appends.get(bucketUri);
    if (objects) objects.push(object);
    else appends.set(bucketUri, [object]);
  }
  const trims = new Map<string, Mutation>();
  for (const { bucketUri, trim } of appended) if (trim) trims.set(JSON.stringify([bucketUri, trim.match]), trim);
  return [
    ...[...appends].map(([bucketUri, objects]): Mutation => ({ kind: "append", list: historyList(bucketUri), floor: context.now, objects })),
    ...trims.values(),
  ];
}

/** Kinto 26: keep the `auto_trim_max_count` newest entries of the same resource name (and user). */
function trimOf(entry: Tracked, settings: HistorySettings): Extract<Mutation, { kind: "trim" }> | null {
  const keep = settings.trimMaxCount;
  if (keep === null) return null;
  const userId = entry.change.author.userId;
  const byUser = settings.trimUserIds.length > 0;
  if (byUser && (userId === null || !settings.trimUserIds.includes(userId))) return null;
  const match: Record<string, string | null> = { resource_name: entry.change.resourceName };
  if (byUser) match.user_id = userId;
  return { kind: "trim", list: historyList(entry.bucketUri), uriPrefix: `${entry.bucketUri}/${HISTORY}`, match, keep };
}
