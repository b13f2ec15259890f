/**
 * Querystrings of the plugin endpoints: Remote Settings' changes and changesets (`_expected`,
 * `_since`, `_limit`, `bucket`, `collection`) and history (filters and `_sort` on its entry
 * fields), mixed with the generic parameters of arbitraries.ts.
 */
import fc from "fast-check";
import { encodeQuery, filterValue, operator, param, rawNumber, text, type Param } from "./arbitraries";

/** Timestamps as Remote Settings clients send them, and what they should not. */
export const timestampText = fc.oneof(
  fc.nat().map(String),
  fc.integer({ min: 1_500_000_000_000, max: 5_000_000_000_000 }).map((n) => `"${n}"`),
  fc.constantFrom('"0"', '""', '"', '"1', "-1", "+1", "1.5", "4102444800001", "18446744073709551616", "9223372036854775808", "0x10", "١٢٣", "1 ", " 1"),
  rawNumber,
  text,
);
const limit = fc.oneof(fc.nat(20_000).map(String), fc.constantFrom("-1", "+5", " 3", "9223372036854775808", "99999999999999999999999", "0", "1e3", ""), text);

const changesParam: fc.Arbitrary<Param> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constant("_expected"), timestampText) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom("_since", "_before", "gt_last_modified", "lt_last_modified", "last_modified"), timestampText) },
  { weight: 2, arbitrary: fc.tuple(fc.constant("_limit"), limit) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom("bucket", "collection", "in_bucket", "exclude_collection", "like_bucket"), fc.oneof(text, fc.constantFrom("main", "monitor", "*", "a,b"))) },
  { weight: 2, arbitrary: param },
);

/** `_expected` mostly present, as clients send it (its absence is a 400 on changesets). */
export const changesQuery = fc
  .tuple(fc.option(timestampText, { freq: 5, nil: null }), fc.array(changesParam, { maxLength: 12 }))
  .map(([expected, params]) => encodeQuery(expected === null ? params : [["_expected", expected], ...params]));

const HISTORY_FIELDS = ["user_id", "uri", "action", "date", "resource_name", "bucket_id", "collection_id", "group_id", "record_id", "target", "target.data.id", "last_modified", "id"] as const;
const historyParam: fc.Arbitrary<Param> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(operator, fc.constantFrom(...HISTORY_FIELDS), fc.oneof(filterValue, fc.constantFrom("create", "update", "delete", "record", "collection", "bucket", "group"))).map(([op, field, value]): Param => [`${op}${field}`, value]) },
  { weight: 2, arbitrary: fc.tuple(fc.constant("_sort"), fc.array(fc.tuple(fc.constantFrom("", "-"), fc.constantFrom(...HISTORY_FIELDS)).map(([d, f]) => d + f), { maxLength: 12 }).map((l) => l.join(","))) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom("_since", "_before", "_limit"), timestampText) },
  { weight: 1, arbitrary: fc.tuple(fc.constant("_fields"), fc.array(fc.constantFrom(...HISTORY_FIELDS, "x", ""), { maxLength: 6 }).map((l) => l.join(","))) },
  { weight: 2, arbitrary: param },
);

export const historyQuery = fc.array(historyParam, { maxLength: 25 }).map(encodeQuery);
