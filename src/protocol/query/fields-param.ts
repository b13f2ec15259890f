/** `_fields` → projection list (contract §4.7). */
import { unknownFields } from "./query-errors";
import { isKnownField } from "./strict-fields";
import type { QueryOptions } from "./types";

/**
 * Comma-separated entries, trimmed, empty ones dropped; null when nothing is left.
 * On strict resources an unknown root name → 400 `Fields <names> do not exist`.
 */
export function parseFields(raws: readonly string[], options: QueryOptions): string[] | null {
  const fields = raws.flatMap((raw) => raw.split(",")).map((field) => field.trim()).filter((field) => field !== "");
  if (fields.length === 0) return null;
  const unknown = fields.filter((field) => !isKnownField(field, options.strictFields)).map((field) => field.split(".")[0] ?? field);
  if (unknown.length > 0) throw unknownFields([...new Set(unknown)]);
  return fields;
}
