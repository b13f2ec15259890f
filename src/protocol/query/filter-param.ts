/** One filter parameter → one `Filter` (contract §4.2, §4.3), or a 400. */
import type { JsonValue } from "../../wire";
import { MAX_FIELD_DEPTH, MAX_FIELD_LENGTH, MAX_LIKE_PATTERN_BYTES } from "../../limits";
import { globBytes } from "./like-pattern";
import { containsNul, nativeValue } from "./native";
import {
  fieldTooLong,
  invalidCharacter,
  invalidValue,
  likeTooLong,
  notAnArray,
  unknownFilterField,
} from "./query-errors";
import { isKnownField } from "./strict-fields";
import { timestampValue } from "./timestamp-value";
import type { Filter, FilterOperator, QueryOptions } from "./types";

/** Alternatives are tried in this order, so `contains_any_` wins over `contains_`. */
const OPERATOR_NAME = /^(lt|min|max|not|eq|gt|in|exclude|like|has|contains_any|contains)_([A-Za-z0-9_.]+)$/;

/** `in_stock` is IN on `stock`; a name without an operator prefix is equality on the whole name. */
export function splitFilterName(name: string): { operator: FilterOperator; field: string } {
  const match = OPERATOR_NAME.exec(name);
  if (match?.[1] && match[2]) return { operator: match[1] as FilterOperator, field: match[2] };
  return { operator: "eq", field: name };
}

const LIST_OPERATORS: readonly FilterOperator[] = ["in", "exclude"];
const ARRAY_OPERATORS: readonly FilterOperator[] = ["contains", "contains_any"];

/**
 * `raws` holds every value given for the name. A repeated name is unsupported; like the
 * reference, its value is then the list of raw strings (natively parsed for `in_`/`exclude_`).
 */
function parseValue(operator: FilterOperator, raws: readonly string[]): JsonValue {
  const [raw] = raws;
  if (raws.length !== 1 || raw === undefined) {
    return LIST_OPERATORS.includes(operator) ? raws.map(nativeValue) : [...raws];
  }
  if (LIST_OPERATORS.includes(operator)) return raw.split(",").map(nativeValue);
  if (ARRAY_OPERATORS.includes(operator)) {
    const value = nativeValue(raw);
    return Array.isArray(value) ? value : [value];
  }
  return nativeValue(raw);
}

/** `id` values must be strings: `?id=123` → 400 (contract Appendix D.4), for every operator. */
function checkIdValue(param: string, operator: FilterOperator, value: JsonValue): void {
  if (operator === "has") return;
  const values = LIST_OPERATORS.includes(operator) && Array.isArray(value) ? value : [value];
  if (!values.every((item) => typeof item === "string")) throw invalidValue(param);
}

/**
 * Comparisons on `last_modified` take one timestamp (returned as a number); lists are
 * rejected. `has_` takes any value and `like_` its string pattern.
 */
function checkTimestampValue(param: string, operator: FilterOperator, value: JsonValue, now: number): JsonValue {
  if (operator === "has" || operator === "like") return value;
  if (LIST_OPERATORS.includes(operator)) throw invalidValue(param);
  const timestamp = timestampValue(value, now);
  if (timestamp === null) throw invalidValue(param);
  return timestamp;
}

/** 400 unless `field` is within MAX_FIELD_LENGTH characters and MAX_FIELD_DEPTH segments. */
export function checkFieldSize(param: string, field: string): void {
  if (field.length > MAX_FIELD_LENGTH || field.split(".").length > MAX_FIELD_DEPTH) throw fieldTooLong(param);
}

/** `name` is the trimmed parameter name; it does not start with `_`. */
export function parseFilter(name: string, raws: readonly string[], options: QueryOptions): Filter {
  if (name.includes("\u0000")) throw invalidCharacter(name);
  const { operator, field } = splitFilterName(name);
  checkFieldSize(name, field);
  if (!isKnownField(field, options.strictFields)) throw unknownFilterField(name);
  let value = parseValue(operator, raws);
  if (containsNul(value)) throw invalidCharacter(name);
  const isColumn = field === "id" || field === "last_modified";
  if (isColumn && ARRAY_OPERATORS.includes(operator)) throw notAnArray(name, field);
  if (operator === "like" && typeof value !== "string") throw invalidValue(name);
  if (operator === "like" && typeof value === "string" && globBytes(value) > MAX_LIKE_PATTERN_BYTES) throw likeTooLong(name);
  if (field === "id") checkIdValue(name, operator, value);
  if (field === "last_modified") value = checkTimestampValue(name, operator, value, options.now);
  return { field, operator, value, param: name };
}
