/**
 * What record, collection and bucket writes mean for attachment files (contract §11.4), in
 * the same commit: the attachment routes' writes make their file live and release the one it
 * replaces; deleting a record, collection or bucket releases its files. Released files are
 * garbage, deleted from R2 after the commit, unless `keep_old_files` (then only forgotten), which
 * the collections of a signer workflow always are (remote-settings/signer/shared-files.ts).
 */
import type { Settings } from "../../config";
import type { Bindings } from "../../env";
import { ERRNO, KintoError } from "../../errors";
import { isJsonObject } from "../../http/body";
import { compareNumbers, isNumeric, toDouble } from "../../json/numbers";
import type { Mutation } from "../../storage/types";
import type { JsonValue } from "../../wire";
import type { ListenerContext, WriteChange } from "../../writer/listener";
import { filesBucket, sweepFiles } from "./files";
import { keyOf } from "./keys";
import { sharesFiles } from "../remote-settings/signer/shared-files";
import { attachmentSettings, resourceSettings } from "./settings";
import { databaseOfUri } from "../../storage/shards";

/** The `by` of the attachment routes' writes. */
export const ATTACHMENT_WRITER = "kinto_attachment";

function keepsFiles(change: WriteChange, settings: Settings): boolean {
  const { bucket = "", collection } = change.location;
  const ownCollection = change.resourceName === "collection" ? change.id : (collection ?? null);
  const ownBucket = change.resourceName === "bucket" ? change.id : bucket;
  return resourceSettings(settings, ownBucket, ownCollection).keepOldFiles || sharesFiles(settings, ownBucket, ownCollection);
}

function locationIn(value: JsonValue | undefined): string | null {
  if (!isJsonObject(value)) return null;
  return typeof value.location === "string" ? value.location : null;
}

function mutationsOf(change: WriteChange, settings: Settings): Mutation[] {
  const keep = keepsFiles(change, settings);
  if (change.action === "delete") {
    if (change.resourceName === "record") return [{ kind: "file-release", uri: change.uri, under: false, except: null, keep }];
    if (change.resourceName === "collection" || change.resourceName === "bucket") {
      return [{ kind: "file-release", uri: change.uri, under: true, except: null, keep }];
    }
    return [];
  }
  if (change.resourceName !== "record" || change.by !== ATTACHMENT_WRITER) return [];
  const location = locationIn(change.data.attachment);
  if (location === null) return [{ kind: "file-release", uri: change.uri, under: false, except: null, keep }];
  const key = keyOf(location, attachmentSettings(settings).baseUrl);
  return [
    { kind: "file-release", uri: change.uri, under: false, except: key, keep },
    { kind: "file-live", key, recordUri: change.uri },
  ];
}

export function fileMutations(changes: readonly WriteChange[], context: ListenerContext): Mutation[] {
  return changes.flatMap((change) => mutationsOf(change, context.settings));
}

/** Python's truthiness of a JSON value: null, false, 0, "", [] and {} are empty. */
function isEmpty(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isNumeric(value)) return toDouble(value) === 0;
  return typeof value === "object" && Object.keys(value).length === 0;
}

/** Deep equality of JSON values, key order aside (Python's `==` on dicts). */
function same(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (isNumeric(a) || isNumeric(b)) return isNumeric(a) && isNumeric(b) && compareNumbers(a, b) === 0;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => same(item, b[index]));
  }
  if (!isJsonObject(a) || !isJsonObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => key in b && same(a[key], b[key]));
}

/** Through the record endpoints, a record's attachment may be removed but not replaced by another one. */
export function checkAttachmentKept(change: WriteChange): void {
  if (change.resourceName !== "record" || change.action !== "update" || change.by !== null) return;
  const before = change.old?.attachment;
  const after = change.data.attachment;
  if (isEmpty(before) || isEmpty(after) || same(before, after)) return;
  throw new KintoError({ status: 400, errno: ERRNO.UNDEFINED, message: "Attachment metadata cannot be modified." });
}

/** Whether the commit of `change` may have made a file garbage. */
function releasesFiles(change: WriteChange): boolean {
  if (change.action === "delete") return ["record", "collection", "bucket"].includes(change.resourceName);
  if (change.resourceName !== "record" || change.by !== ATTACHMENT_WRITER) return false;
  const before = locationIn(change.old?.attachment);
  return before !== null && before !== locationIn(change.data.attachment);
}

/** After a commit that released files: deletes the garbage from R2 (and whatever earlier sweeps left). */
export async function deleteReleasedFiles(changes: readonly WriteChange[], env: Bindings): Promise<void> {
  const shards = new Set(changes.filter(releasesFiles).map((change) => databaseOfUri(env, change.uri)));
  for (const db of shards) await sweepFiles(db, filesBucket(env), Date.now());
}
