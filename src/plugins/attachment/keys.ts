/**
 * Where an uploaded file is stored (contract §11.2 step 2): the sanitized basename, then
 * `randomize` and `filename_pattern`, under `folder`. The result is the R2 key, and the
 * relative `location`.
 */
import type { ResourceAttachmentSettings } from "./settings";

/** R2 names objects by keys of 1 to 1,024 bytes (UTF-8) and refuses any other key as "not valid". */
export const MAX_KEY_BYTES = 1024;

/** Whether R2 can name an object by `key`. */
export function isStorableKey(key: string): boolean {
  const bytes = new TextEncoder().encode(key).length;
  return bytes > 0 && bytes <= MAX_KEY_BYTES;
}

/** The record an upload is for. */
export interface RecordPath {
  bucket: string;
  collection: string;
  id: string;
}

/** ASCII-folded, whitespace runs as `_`, only `[A-Za-z0-9_.-]` kept, no leading or trailing `.`/`_`. */
export function sanitizedName(filename: string): string {
  const base = filename.split(/[/\\]/).join(" ");
  const ascii = base.normalize("NFKD").replace(/[\u0080-\uffff]/g, "");
  return ascii
    .split(/\s+/)
    .filter(Boolean)
    .join("_")
    .replace(/[^A-Za-z0-9_.-]/g, "")
    .replace(/^[._]+|[._]+$/g, "");
}

/** The extension of `name` as Python's `os.path.splitext` gives it (`.tar` of `a.b.tar`; none for `.bashrc`). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  if (dot <= 0 || name.slice(0, dot).replace(/\./g, "") === "") return "";
  return name.slice(dot);
}

/** `YYYYmmddHHMMSS`, UTC. */
function datetime(now: Date): string {
  return now.toISOString().replace(/\D/g, "").slice(0, 14);
}

function fill(pattern: string, values: Record<string, string>): string {
  return pattern.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}


/** The R2 key of a new upload of `filename` for `record`. */
export function storageKey(filename: string, record: RecordPath, folder: string, resource: ResourceAttachmentSettings, now: Date): string {
  let name = sanitizedName(filename);
  if (resource.randomize) name = `${crypto.randomUUID()}${extensionOf(name).toLowerCase()}`;
  if (resource.filenamePattern !== null) {
    name = fill(resource.filenamePattern, { datetime: datetime(now), rid: record.id, filename: name });
  }
  const directory = fill(folder, { bucket_id: record.bucket, collection_id: record.collection, id: record.id });
  return directory === "" ? name : `${directory.replace(/\/+$/, "")}/${name}`;
}

/** `location`: `baseUrl` joined with the key, or the key itself when `baseUrl` is empty. */
export function locationOf(key: string, baseUrl: string): string {
  if (baseUrl === "") return key;
  return baseUrl.endsWith("/") ? `${baseUrl}${key}` : new URL(key, baseUrl).href;
}

/** The key a `location` names, when it was built from `baseUrl` (else the location itself). */
export function keyOf(location: string, baseUrl: string): string {
  if (baseUrl !== "" && location.startsWith(baseUrl)) return location.slice(baseUrl.length).replace(/^\//, "");
  return location;
}
