/**
 * kinto_attachment's settings (contract §11.1), by Kinto's names: `attachment.*` read from
 * `KINTO_ATTACHMENT_*`. `randomize`, `keep_old_files`, `filename_pattern` and
 * `max_size_bytes` may be overridden per bucket (`attachment.resources.<bid>.<name>`) or
 * collection (`attachment.resources.<bid>.<cid>.<name>`); as every setting name maps to one
 * variable (dots and dashes as `_`), ids that differ only there share an override.
 */
import { parsedOnce, SettingsError, variableName, type Settings } from "../../config";

const GROUPS: Record<string, readonly string[]> = {
  documents: "pdf rtf odf ods gnumeric abw doc docx xls xlsx".split(" "),
  text: ["txt"],
  images: "jpg jpe jpeg png gif svg bmp tiff".split(" "),
  audio: "wav mp3 aac ogg oga flac".split(" "),
  video: "mpeg 3gp avi divx dvr flv mp4 wmv".split(" "),
  data: "csv ini json plist xml yaml yml".split(" "),
  scripts: "js php pl py rb sh".split(" "),
  archives: "gz bz2 zip tar tgz txz 7z".split(" "),
  executables: "so exe dll".split(" "),
};
GROUPS.default = [...(GROUPS.documents ?? []), ...(GROUPS.text ?? []), ...(GROUPS.images ?? []), ...(GROUPS.data ?? [])];
GROUPS.any = [];

const BUILT_IN_MIMETYPES: Record<string, string> = { ".pem": "application/x-pem-file", ".geojson": "application/geojson" };

export interface AttachmentSettings {
  /** `base_url`: joined to a stored key to make `location`; "" keeps locations relative. */
  baseUrl: string;
  /** `extra.base_url` (else `base_url`) with a trailing `/`, as the capability gives it; null when neither is set. */
  advertisedBaseUrl: string | null;
  /** `folder`, with `{bucket_id}`, `{collection_id}` and `{id}` placeholders. */
  folder: string;
  /** Allowed extensions, lower-cased, without the dot; empty allows any. */
  extensions: ReadonlySet<string>;
  /** `.ext` → mimetype overrides (built-in ones included). */
  mimetypes: ReadonlyMap<string, string>;
}

/** The settings that may differ per bucket or collection. */
export interface ResourceAttachmentSettings {
  randomize: boolean;
  keepOldFiles: boolean;
  filenamePattern: string | null;
  /** null (or 0 in the setting) means unlimited. */
  maxSizeBytes: number | null;
}

/** `extensions` → the allowed set: groups joined by `+`, each a group name or raw extensions. */
export function resolveExtensions(value: string): Set<string> {
  const allowed = new Set<string>();
  for (const group of value.split("+")) {
    const members = GROUPS[group];
    if (members !== undefined) for (const extension of members) allowed.add(extension);
    else for (const extension of group.split(/\s+/).filter(Boolean)) allowed.add(extension.toLowerCase());
  }
  return allowed;
}

function parseMimetypes(value: string): Map<string, string> {
  const map = new Map(Object.entries(BUILT_IN_MIMETYPES));
  for (const entry of value.split(";").map((part) => part.trim()).filter(Boolean)) {
    const [extension, mimetype, ...rest] = entry.split(":");
    if (!extension || !mimetype || rest.length > 0) {
      throw new SettingsError(variableName("attachment.mimetypes"), `expected ".ext:type/subtype" entries separated by ";", got ${JSON.stringify(entry)}`);
    }
    map.set(extension.trim(), mimetype.trim());
  }
  return map;
}

function parse(settings: Settings): AttachmentSettings {
  const baseUrl = settings.lookup("attachment.base_url") ?? "";
  const advertised = settings.lookup("attachment.extra.base_url") ?? baseUrl;
  return {
    baseUrl,
    advertisedBaseUrl: advertised === "" ? null : advertised.endsWith("/") ? advertised : `${advertised}/`,
    folder: settings.lookup("attachment.folder") ?? "",
    extensions: resolveExtensions(settings.lookup("attachment.extensions") || "default"),
    mimetypes: parseMimetypes(settings.lookup("attachment.mimetypes") ?? ""),
  };
}

const cache = new WeakMap<Settings, AttachmentSettings | SettingsError>();

export function attachmentSettings(settings: Settings): AttachmentSettings {
  return parsedOnce(cache, settings, parse);
}

function booleanOf(name: string, value: string): boolean {
  const lower = value.toLowerCase();
  if (["true", "1", "yes", "on"].includes(lower)) return true;
  if (["false", "0", "no", "off"].includes(lower)) return false;
  throw new SettingsError(variableName(name), `expected true or false, got ${JSON.stringify(value)}`);
}

function sizeOf(name: string, value: string): number | null {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new SettingsError(variableName(name), `expected a number of bytes, got ${JSON.stringify(value)}`);
  }
  return Number(value) > 0 ? Number(value) : null;
}

/** The setting `name` for a record of `bucket`/`collection`: the collection's override, the bucket's, then the global one. */
function resolved(settings: Settings, bucket: string, collection: string | null, name: string): { name: string; value: string } | null {
  const candidates = [
    ...(collection === null ? [] : [`attachment.resources.${bucket}.${collection}.${name}`]),
    `attachment.resources.${bucket}.${name}`,
    `attachment.${name}`,
  ];
  for (const candidate of candidates) {
    const value = settings.lookup(candidate);
    if (value !== undefined && value !== "") return { name: candidate, value };
  }
  return null;
}

/** The per-resource settings that apply to the records of `bucket` / `collection` (null: the bucket's). */
export function resourceSettings(settings: Settings, bucket: string, collection: string | null): ResourceAttachmentSettings {
  const randomize = resolved(settings, bucket, collection, "randomize");
  const keep = resolved(settings, bucket, collection, "keep_old_files");
  const pattern = resolved(settings, bucket, collection, "filename_pattern");
  const maxSize = resolved(settings, bucket, collection, "max_size_bytes");
  return {
    randomize: randomize === null ? true : booleanOf(randomize.name, randomize.value),
    keepOldFiles: keep === null ? false : booleanOf(keep.name, keep.value),
    filenamePattern: pattern?.value ?? null,
    maxSizeBytes: maxSize === null ? null : sizeOf(maxSize.name, maxSize.value),
  };
}
