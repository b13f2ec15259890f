/**
 * The SQL text of the cross-type sort order (contract §4.3) that list queries and indexes
 * share: a JSON path literal, and the CASE ranking a `json_type` result
 * (null 0 < text 1 < number 2 < boolean 3 < array 4 < object 5 < missing 6, as
 * protocol/query/values.ts `RANK`). Index expressions must be these exact texts for SQLite to
 * match them with a query, so both the schema's indexes (storage/schema.ts) and the queries
 * (protocol/query/field-sql.ts) are written from here. No import: the schema reads it too.
 */

/** `$."a"."b"` as an SQL string literal: `"` and `\` backslash-escaped in labels, `'` doubled. */
export function jsonPathText(path: string): string {
  const labels = path.split(".").map((segment) => `."${segment.replace(/[\\"]/g, (char) => `\\${char}`)}"`);
  return `'$${labels.join("").replace(/'/g, "''")}'`;
}

/** The branches of `CASE <json_type> … END`; NULL (missing) falls to ELSE. */
export const RANK_BRANCHES =
  "WHEN 'null' THEN 0 WHEN 'text' THEN 1 WHEN 'integer' THEN 2 WHEN 'real' THEN 2 WHEN 'true' THEN 3 WHEN 'false' THEN 3 WHEN 'array' THEN 4 WHEN 'object' THEN 5 ELSE 6";
