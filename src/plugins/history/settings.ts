/**
 * The history plugin's settings (contract §10.2), by Kinto's names, read from `KINTO_HISTORY_*`.
 * A malformed value throws `SettingsError` on every request (a 500 naming the variable).
 */
import { parsedOnce, SettingsError, splitList, variableName, type Settings } from "../../config";

export interface HistorySettings {
  /** `history.exclude_resources`: bucket, collection, group or record URIs not tracked. */
  excludeResources: ReadonlySet<string>;
  /** `history.exclude_user_ids`: changes by these users are not tracked. */
  excludeUserIds: ReadonlySet<string>;
  /** `history.auto_trim_max_count` when > 0: entries kept per (bucket, resource_name[, user]). */
  trimMaxCount: number | null;
  /** `history.auto_trim_user_ids`: when set, trimming runs per user and only for these users. */
  trimUserIds: readonly string[];
}

function parse(settings: Settings): HistorySettings {
  const list = (name: string) => splitList(settings.lookup(name) ?? "");
  const rawMax = settings.lookup("history.auto_trim_max_count")?.trim() ?? "";
  const max = rawMax === "" ? -1 : Number(rawMax);
  if (!Number.isSafeInteger(max)) {
    throw new SettingsError(variableName("history.auto_trim_max_count"), `expected an integer, got ${rawMax}`);
  }
  return {
    excludeResources: new Set(list("history.exclude_resources")),
    excludeUserIds: new Set(list("history.exclude_user_ids")),
    trimMaxCount: max > 0 ? max : null,
    trimUserIds: list("history.auto_trim_user_ids"),
  };
}

const cache = new WeakMap<Settings, HistorySettings | SettingsError>();

export function historySettings(settings: Settings): HistorySettings {
  return parsedOnce(cache, settings, parse);
}

/** `/buckets/b/collections/c` → `{bucket: "b", collection: "c"}`, as the capability lists them. */
export function uriToDict(uri: string): Record<string, string> {
  const parts = uri.split("/");
  if (parts.length === 3) return { bucket: parts[2] ?? "" };
  if (parts.length === 5) {
    return parts[3] === "collections" ? { bucket: parts[2] ?? "", collection: parts[4] ?? "" } : { bucket: parts[2] ?? "", group: parts[4] ?? "" };
  }
  if (parts.length === 7) return { bucket: parts[2] ?? "", collection: parts[4] ?? "", record: parts[6] ?? "" };
  throw new SettingsError(variableName("history.exclude_resources"), `expected bucket, collection, group or record URIs, got ${uri}`);
}
