/**
 * The search write listener: every commit that writes records replaces their full-text
 * documents in the same transaction (two statements per commit, three with a live record, one
 * more per 500 KB of records); a collection whose `search.text` changes gets a rebuild
 * (rebuild.ts); deleting a collection or a bucket drops its documents.
 */
import { invalidParameter } from "../../errors";
import { SCOPE_SPAN } from "../../storage/search-index";
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

/**
 * Refuses (400 errno 107) a collection whose `search` metadata has the wrong shape, and a
 * record written with a `last_modified` of 2^42 or more (a forced timestamp past May 2109):
 * full-text documents hold it in 42 bits (storage/search-index.ts).
 */
export function checkSearchWrite(change: WriteChange): void {
  if (change.action === "delete") return;
  if (change.resourceName === "collection") parseSearchFields(change.data.search);
  if (change.resourceName === "record" && change.timestamp >= SCOPE_SPAN) {
    throw invalidParameter("body", "data.last_modified", `last_modified: must be below ${SCOPE_SPAN} while kinto_edge.search is enabled`);
  }
}
