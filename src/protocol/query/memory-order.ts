/**
 * The sort order of contract §4.3/§4.5 evaluated in memory, identical to `orderBySql` and
 * `afterTokenSql`: for lists that are not rows of `objects` (permissions), and as the
 * reference the SQL is tested against.
 */
import { compareNumbers, isNumeric } from "../../json/numbers";
import type { JsonValue, KintoObject, Tombstone } from "../../wire";
import { tokenValue } from "./token";
import type { PageToken, SortKey } from "./types";
import { rankOf, valueAt, type MaybeJson } from "./values";

/** Code-point order, as SQLite's BINARY collation on UTF-8 (not UTF-16 code units). */
export function compareCodePoints(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const x = left.next();
    const y = right.next();
    if (x.done || y.done) return (x.done ? 0 : 1) - (y.done ? 0 : 1);
    const diff = (x.value.codePointAt(0) ?? 0) - (y.value.codePointAt(0) ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
}

/** null < string < number < boolean < array < object < missing; arrays and objects by JSON text. */
export function compareValues(a: MaybeJson, b: MaybeJson): number {
  const rankDiff = rankOf(a) - rankOf(b);
  if (rankDiff !== 0) return Math.sign(rankDiff);
  if (typeof a === "string" && typeof b === "string") return compareCodePoints(a, b);
  if (isNumeric(a) && isNumeric(b)) return compareNumbers(a, b);
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  if (a === null || a === undefined || b === null || b === undefined) return 0;
  return compareCodePoints(JSON.stringify(a), JSON.stringify(b));
}

type Listed = KintoObject | Tombstone;

function read(object: Listed, field: string): MaybeJson {
  const source: { [key: string]: JsonValue } = { ...object };
  return valueAt(source, field);
}

export function compareBySort(a: Listed, b: Listed, sort: readonly SortKey[]): number {
  for (const { field, direction } of sort) {
    const order = compareValues(read(a, field), read(b, field));
    if (order !== 0) return direction === "desc" ? -order : order;
  }
  return 0;
}

/** True when `object` comes strictly after the token's last object in `sort` order. */
export function isAfterToken(object: Listed, sort: readonly SortKey[], token: PageToken): boolean {
  for (const { field, direction } of sort) {
    const order = compareValues(read(object, field), tokenValue(token.lastObject, field));
    if (order !== 0) return (direction === "desc" ? -order : order) > 0;
  }
  return false;
}
