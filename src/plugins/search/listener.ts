/**
 * The search write listener: every commit that writes records replaces their full-text
 * documents in the same transaction (two statements per commit, one more per 500 KB of records); a
 * collection whose `search.text` changes gets a rebuild (rebuild.ts); deleting a collection
 * or a bucket drops its documents.
 */
import type { Mutation } from "../../storage/types";
import type { ListenerContext, WriteChange } from "../../writer/listener";
import { parseSearchFields, sameFields, storedSearchFields } from "./metadata";

function collectionUriOf(change: WriteChange): string {
  return `/buckets/${change.location.bucket ?? ""}/collections/${change.location.collection ?? ""}`;
}

/** Whether a collection change alters its declared text fields. */
export function textFieldsChanged(change: WriteChange): boolean {
  if (change.resourceName !== "collection" || change.action === "delete") return false;
  return !sameFields(storedSearchFields(change.old?.search).text, storedSearchFields(change.data.search).text);
}

export function searchMutations(changes: readonly WriteChange[], _context: ListenerContext): Mutation[] {
  // Per collection, the last change of each record (a commit may hold several of one record).
  const records = new Map<string, Map<string, WriteChange["data"] | null>>();
  const mutations: Mutation[] = [];
  for (const change of changes) {
    if (change.resourceName === "record") {
      const uri = collectionUriOf(change);
      const latest = records.get(uri) ?? new Map<string, WriteChange["data"] | null>();
      latest.set(change.id, change.action === "delete" ? null : change.data);
      records.set(uri, latest);
    } else if (change.resourceName === "collection" && change.action === "delete") {
      mutations.push({ kind: "search-drop", uri: change.uri, under: false });
    } else if (change.resourceName === "bucket" && change.action === "delete") {
      mutations.push({ kind: "search-drop", uri: change.uri, under: true });
    } else if (textFieldsChanged(change)) {
      mutations.push({ kind: "search-rebuild", collectionUri: change.uri });
    }
  }
  for (const [collectionUri, latest] of records) {
    mutations.push({ kind: "search-records", collectionUri, records: [...latest].map(([id, data]) => ({ id, data })) });
  }
  return mutations;
}

/** Refuses a collection whose `search` metadata has the wrong shape (400 errno 107). */
export function checkSearchMetadata(change: WriteChange): void {
  if (change.resourceName === "collection" && change.action !== "delete") parseSearchFields(change.data.search);
}
