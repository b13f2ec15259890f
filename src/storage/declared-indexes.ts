/**
 * Indexes a collection declares for its records (collection metadata `indexes`).
 *
 * `indexes: ["group", ["group", "n"]]`: each entry (a field, or the fields of a composite
 * index), and each keyword field of the search plugin (`search.keyword`), becomes one SQLite
 * expression index, partial to the collection's records:
 *
 *   CREATE INDEX objects_declared_<hash> ON objects(
 *     <rank of group>, <value of group>, …, last_modified, deleted)
 *     WHERE parent_id = '<collection uri>' AND resource_name = 'record'
 *
 * `parent_id` and `resource_name` are not columns: the partial index's WHERE fixes them.
 *
 * The expressions are those of the list queries (protocol/query/field-sql.ts `orderedPair`),
 * so SQLite's planner matches a filter (equality on the leading fields) and a sort (the next
 * field, then `last_modified`) with them; list queries inline the parent id so that the
 * partial index applies (storage/list.ts, `parentIdSql`). `deleted` last: a count of live
 * records or a grouping of them on the indexed fields (search aggregations) reads the index
 * alone. Only the collection's own writes pay for them.
 *
 * Indexes are created and dropped at run time by the Writer of the collection's bucket, in
 * the transaction of the collection write (writer/declared-indexes.ts); migrations never see
 * them. Their names are derived from the collection URI and fields, and sqlite_master is the
 * record of which exist.
 */
import { sql, type SQL } from "drizzle-orm";
import { invalidParameter } from "../errors";
import { MAX_DECLARED_INDEXES, MAX_FIELD_LENGTH, MAX_INDEXED_FIELDS } from "../limits";
import { fieldSql, orderedPair } from "../protocol/query/field-sql";
import type { JsonObject } from "../wire";
import { parentIdCondition, toQuery } from "./sql";
import { fnv1a64 } from "./fnv";

/** The fields of one declared index, in index order. */
export type IndexedFields = readonly string[];

const NAME_PREFIX = "objects_declared_";
/**
 * Part of every name's hash: a new value when the index's columns change, so the next write
 * of each collection replaces its indexes (the Writer drops the names it does not want).
 */
const LAYOUT = "3";
const FIELD = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;
/** Plain columns, indexed for every list already. */
const ALWAYS_INDEXED = new Set(["id", "last_modified"]);

/** Fields the search plugin filters as keywords (`search.keyword`, validated by it) that can be indexed. */
function keywordFieldsOf(data: JsonObject): string[] {
  const search = data.search;
  if (search === null || typeof search !== "object" || Array.isArray(search)) return [];
  const keyword = (search as { keyword?: unknown }).keyword;
  if (!Array.isArray(keyword)) return [];
  return keyword.filter((field): field is string => typeof field === "string" && FIELD.test(field) && !ALWAYS_INDEXED.has(field));
}

/**
 * The declared indexes of validated collection data (none: `[]`): its `indexes`, then one
 * per `search.keyword` field not declared alone already.
 */
export function declaredIndexesOf(data: JsonObject): IndexedFields[] {
  const value = data.indexes;
  const declared: IndexedFields[] = Array.isArray(value) ? value.map((entry) => (typeof entry === "string" ? [entry] : (entry as string[]))) : [];
  for (const field of keywordFieldsOf(data)) {
    if (!declared.some((fields) => fields.length === 1 && fields[0] === field)) declared.push([field]);
  }
  return declared;
}

/** 400 (errno 107, `data.indexes`) unless `value` is a list of fields or lists of fields, or null (none). */
export function checkDeclaredIndexes(value: unknown): void {
  if (value === null) return;
  const refuse = (description: string) => invalidParameter("body", "data.indexes", description);
  if (!Array.isArray(value)) throw refuse("indexes should be a list of fields or of lists of fields.");
  if (value.length > MAX_DECLARED_INDEXES) throw refuse(`At most ${MAX_DECLARED_INDEXES} indexes may be declared.`);
  const seen = new Set<string>();
  for (const entry of value) {
    const fields: unknown[] = typeof entry === "string" ? [entry] : Array.isArray(entry) ? entry : [null];
    if (fields.length === 0 || fields.length > MAX_INDEXED_FIELDS) throw refuse(`An index has 1 to ${MAX_INDEXED_FIELDS} fields.`);
    for (const field of fields) {
      if (typeof field !== "string" || field.length > MAX_FIELD_LENGTH || !FIELD.test(field)) {
        throw refuse(`${JSON.stringify(field)} is not a field name (letters, digits, _ and dotted paths).`);
      }
      if (ALWAYS_INDEXED.has(field)) throw refuse(`${field} is always indexed.`);
    }
    if (new Set(fields).size !== fields.length) throw refuse("A field appears twice in one index.");
    const key = JSON.stringify(fields);
    if (seen.has(key)) throw refuse(`The index ${key} is declared twice.`);
    seen.add(key);
  }
}

/** The index's name: the FNV-1a of its layout, collection and fields, as 16 hex digits. */
export function declaredIndexName(collectionUri: string, fields: IndexedFields): string {
  return `${NAME_PREFIX}${fnv1a64(`${LAYOUT}\n${collectionUri}\n${fields.join("\n")}`).toString(16).padStart(16, "0")}`;
}

/** A query expression without bound parameters, unqualified (index expressions cannot name the table). */
function indexExpression(fragment: SQL): string {
  const { sql: text, params } = toQuery(fragment);
  if (params.length > 0) throw new Error("An index expression cannot bind parameters.");
  return text.replaceAll('"objects".', "");
}

export function createDeclaredIndexSql(collectionUri: string, fields: IndexedFields): SQL {
  const columns = fields.flatMap((field) => {
    const pair = orderedPair(fieldSql(field));
    return [indexExpression(pair.rank), indexExpression(pair.value)];
  });
  return sql.raw(
    `CREATE INDEX IF NOT EXISTS "${declaredIndexName(collectionUri, fields)}" ON objects ` +
      `(${columns.join(", ")}, last_modified, deleted) ` +
      `WHERE ${parentIdCondition(collectionUri)} AND resource_name = 'record'`,
  );
}

export function dropDeclaredIndexSql(name: string): SQL {
  if (!name.startsWith(NAME_PREFIX) || !/^[a-z0-9_]+$/.test(name)) throw new Error(`Not a declared index: ${name}`);
  return sql.raw(`DROP INDEX IF EXISTS "${name}"`);
}

/**
 * The names of the declared indexes of the collection `collectionUri`, or with `under`, of
 * every collection whose URI starts with it (a bucket's `/buckets/b/collections/`).
 */
export function declaredIndexesQuery(uri: string, under: boolean): SQL {
  const condition = under ? parentIdCondition(uri).slice(0, -1) : `${parentIdCondition(uri)} AND`;
  return sql`SELECT name AS value FROM sqlite_master
    WHERE type = 'index' AND tbl_name = 'objects' AND substr(name, 1, ${NAME_PREFIX.length}) = ${NAME_PREFIX}
      AND instr(sql, ${condition}) > 0`;
}
