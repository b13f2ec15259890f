/**
 * The `search` metadata of a collection: `{text: [fields], keyword: [fields]}`, dotted field
 * names. Text fields are full-text indexed (FTS5); keyword fields are read through
 * `json_extract`, as list filters are. Validated on every collection write.
 */
import { invalidParameter } from "../../errors";
import { isRawNumber } from "../../json/numbers";
import type { JsonValue } from "../../wire";

export interface SearchFields {
  text: readonly string[];
  keyword: readonly string[];
}

export const NO_FIELDS: SearchFields = { text: [], keyword: [] };

/** At most this many fields of each kind. */
export const MAX_FIELDS = 32;

/** Dotted names of non-empty segments without `"`, `\`, `*` or control characters. */
const FIELD = /^[^."\\*\p{Cc}]+(\.[^."\\*\p{Cc}]+)*$/u;

function fieldList(value: JsonValue | undefined, kind: string): string[] {
  if (value === undefined) return [];
  const name = `data.search.${kind}`;
  if (!Array.isArray(value)) throw invalidParameter("body", name, `${name} must be an array of field names`);
  if (value.length > MAX_FIELDS) throw invalidParameter("body", name, `${name} holds at most ${MAX_FIELDS} fields`);
  const fields: string[] = [];
  for (const item of value) {
    if (typeof item !== "string" || !FIELD.test(item) || item.length > 256) {
      throw invalidParameter("body", name, `${name}: ${JSON.stringify(item)} is not a field name (dotted, without quotes, backslashes or *)`);
    }
    if (fields.includes(item)) throw invalidParameter("body", name, `${name}: ${item} is listed twice`);
    fields.push(item);
  }
  return fields;
}

/** The declared fields of collection metadata; throws 400 errno 107 for a wrong shape. */
export function parseSearchFields(search: JsonValue | undefined): SearchFields {
  if (search === undefined || search === null) return NO_FIELDS;
  if (typeof search !== "object" || Array.isArray(search) || isRawNumber(search)) {
    throw invalidParameter("body", "data.search", "data.search must be an object {text: [...], keyword: [...]}");
  }
  const unknown = Object.keys(search).filter((key) => key !== "text" && key !== "keyword");
  if (unknown.length > 0) throw invalidParameter("body", "data.search", `data.search: unknown key ${unknown[0] ?? ""}`);
  return { text: fieldList(search.text, "text"), keyword: fieldList(search.keyword, "keyword") };
}

/** The fields of stored metadata (already validated when written; a wrong shape reads as none). */
export function storedSearchFields(search: JsonValue | undefined): SearchFields {
  try {
    return parseSearchFields(search);
  } catch {
    return NO_FIELDS;
  }
}

export function sameFields(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((field, i) => field === b[i]);
}
