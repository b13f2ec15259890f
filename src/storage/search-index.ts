/**
 * Statements maintaining the search plugin's full-text documents (`search_docs`, indexed by
 * the FTS5 table `search_fts` through triggers, migrations/0007). A document is one
 * (collection, record, text field) with the field's text: a string, a number's text, or the
 * JSON text of an array or object; null, booleans and missing fields have none.
 * The declared fields are read from the stored collection inside the statement, so a record
 * write needs no extra read and always follows the collection's current metadata.
 * Field names are validated (plugins/search/metadata.ts: no `"` or `\`), so the JSON path
 * built in SQL (`$."a"."b"`) is exact.
 *
 * A document's rowid is `docRowid`: its scope (search_scopes: the collection and field) in the
 * high bits, the record's `last_modified` in the low 42. Timestamps are unique in a collection
 * (objects_parent_resource_last_modified), so the rowid is unique, and a scope's documents are
 * one rowid range. Limit: the plugin refuses record writes whose `last_modified` reaches 2^42
 * (May 2109; plugins/search/listener.ts); a rebuild skips such records written before.
 */
import { sql, type SQL } from "drizzle-orm";
import { jsonChunks } from "./json-chunks";
import { descendantRange } from "./sql";
import type { Mutation } from "./types";

type SearchMutation = Extract<Mutation, { kind: "search-records" | "search-rebuild" | "search-drop" }>;

/** Records per rebuild batch: with 32 fields at most, 16,000 document rows. */
export const REBUILD_CHUNK = 500;

/** Rowids per scope: the low 42 bits of a document's rowid are its record's `last_modified`. */
export const SCOPE_SPAN = 2 ** 42;

const SPAN = sql.raw(String(SCOPE_SPAN));

/** A document's rowid, from its scope id and its record's timestamp (both SQL). */
function docRowid(scopeId: SQL, lastModified: SQL): SQL {
  return sql`(${scopeId} * ${SPAN} + ${lastModified})`;
}

/**
 * The `last_modified` (column `lm`) of the records of `collectionUri` whose `field` document
 * matches the FTS5 `expression`: the match restricted to the field's scope, its rowids
 * decoded. FTS5 alone answers; no document row is read.
 */
export function scopeMatchesSql(collectionUri: string, field: string, expression: string): SQL {
  const scope = sql`(SELECT id FROM search_scopes WHERE parent_id = ${collectionUri} AND field = ${field})`;
  return sql`SELECT rowid - ${scope} * ${SPAN} AS lm FROM search_fts
    WHERE search_fts MATCH ${expression} AND rowid >= ${scope} * ${SPAN} AND rowid < (${scope} + 1) * ${SPAN}`;
}

/** `/buckets/b/collections/c` → the collection row's key. */
function collectionKey(collectionUri: string): { parentId: string; id: string } {
  const at = collectionUri.lastIndexOf("/collections/");
  return { parentId: collectionUri.slice(0, at), id: collectionUri.slice(at + "/collections/".length) };
}

/** The JSON array of the collection's declared text fields ('[]' when none or gone). */
function textFieldsSql(collectionUri: string): SQL {
  const { parentId, id } = collectionKey(collectionUri);
  return sql`COALESCE((SELECT json_extract(data, '$."search"."text"') FROM objects
    WHERE parent_id = ${parentId} AND resource_name = 'collection' AND id = ${id} AND deleted = 0), '[]')`;
}

/** A scope for each declared text field of the collection that has none yet. */
function scopesStatement(collectionUri: string): SQL {
  return sql`INSERT INTO search_scopes (parent_id, field) SELECT ${collectionUri}, value FROM json_each(${textFieldsSql(collectionUri)}) WHERE true
    ON CONFLICT (parent_id, field) DO NOTHING`;
}

/** The declared text fields `f` (with `f.value` the field) joined to their scope `s`. */
function fieldsWithScopes(collectionUri: string): SQL {
  return sql`json_each(${textFieldsSql(collectionUri)}) AS f JOIN search_scopes AS s ON s.parent_id = ${collectionUri} AND s.field = f.value`;
}

/** The document text of field `f.value` in the JSON `doc` under `base` (a path prefix such as `$` or `$."data"`). */
function bodySql(doc: SQL, base: string): SQL {
  const path = sql`${sql.raw(`'${base}."'`)} || replace(f.value, '.', '"."') || '"'`;
  return sql`(CASE json_type(${doc}, ${path}) WHEN 'text' THEN json_extract(${doc}, ${path})
    WHEN 'integer' THEN CAST(json_extract(${doc}, ${path}) AS TEXT) WHEN 'real' THEN CAST(json_extract(${doc}, ${path}) AS TEXT)
    WHEN 'array' THEN json_extract(${doc}, ${path}) WHEN 'object' THEN json_extract(${doc}, ${path}) END)`;
}

function recordsStatements(collectionUri: string, records: { id: string; data: unknown }[]): SQL[] {
  const ids = JSON.stringify(records.map((record) => record.id));
  const body = bodySql(sql`r.value`, "$.\"data\"");
  const lastModified = sql`json_extract(r.value, '$."data"."last_modified"')`;
  const live = records.filter((record) => record.data !== null);
  return [
    sql`DELETE FROM search_docs WHERE parent_id = ${collectionUri} AND record_id IN (SELECT value FROM json_each(${ids}))`,
    ...(live.length === 0 ? [] : [scopesStatement(collectionUri)]),
    ...jsonChunks(live).map(
      (chunk) => sql`INSERT INTO search_docs (rowid, parent_id, record_id, field, body)
      SELECT ${docRowid(sql`s.id`, lastModified)}, ${collectionUri}, json_extract(r.value, '$."id"'), f.value, ${body}
      FROM json_each(${chunk}) AS r, ${fieldsWithScopes(collectionUri)} WHERE ${body} IS NOT NULL`,
    ),
  ];
}

function dropStatements(uri: string, under: boolean): SQL[] {
  if (!under) {
    return [
      sql`DELETE FROM search_docs WHERE parent_id = ${uri}`,
      sql`DELETE FROM search_scopes WHERE parent_id = ${uri}`,
      sql`DELETE FROM search_builds WHERE collection_uri = ${uri}`,
    ];
  }
  const [low, high] = descendantRange(uri);
  return [
    sql`DELETE FROM search_docs WHERE parent_id >= ${low} AND parent_id < ${high}`,
    sql`DELETE FROM search_scopes WHERE parent_id >= ${low} AND parent_id < ${high}`,
    sql`DELETE FROM search_builds WHERE collection_uri >= ${low} AND collection_uri < ${high}`,
  ];
}

export function searchIndexStatements(mutation: SearchMutation): SQL[] {
  switch (mutation.kind) {
    case "search-records":
      return recordsStatements(mutation.collectionUri, mutation.records);
    case "search-rebuild":
      return [
        sql`INSERT INTO search_builds (collection_uri, cursor) VALUES (${mutation.collectionUri}, '')
          ON CONFLICT (collection_uri) DO UPDATE SET cursor = ''`,
      ];
    case "search-drop":
      return dropStatements(mutation.uri, mutation.under);
  }
}

/**
 * One rebuild step of `collectionUri`, one transaction: the documents of the next
 * REBUILD_CHUNK records after the cursor (by id) are rewritten from the records, and the
 * cursor advances; the build row goes once no record is left. Idempotent and safe against
 * concurrent record writes (each rewrites its own documents in its own transaction) and
 * concurrent steps (each reads the cursor in its transaction). The last statement tells
 * whether the rebuild is still pending.
 */
export function rebuildStepStatements(collectionUri: string): SQL[] {
  const cursor = sql`(SELECT cursor FROM search_builds WHERE collection_uri = ${collectionUri})`;
  const chunk = sql`SELECT id FROM objects WHERE parent_id = ${collectionUri} AND resource_name = 'record' AND id > ${cursor} ORDER BY id LIMIT ${REBUILD_CHUNK}`;
  const body = bodySql(sql`o.data`, "$");
  return [
    sql`DELETE FROM search_docs WHERE parent_id = ${collectionUri} AND record_id IN (${chunk})`,
    scopesStatement(collectionUri),
    sql`INSERT INTO search_docs (rowid, parent_id, record_id, field, body)
      SELECT ${docRowid(sql`s.id`, sql`o.last_modified`)}, ${collectionUri}, o.id, f.value, ${body}
      FROM objects AS o, ${fieldsWithScopes(collectionUri)}
      WHERE o.parent_id = ${collectionUri} AND o.resource_name = 'record' AND o.deleted = 0 AND o.id IN (${chunk})
        AND ${body} IS NOT NULL AND o.last_modified < ${SPAN}`,
    sql`DELETE FROM search_builds WHERE collection_uri = ${collectionUri} AND NOT EXISTS (${chunk})`,
    sql`UPDATE search_builds SET cursor = (SELECT max(id) FROM (${chunk})) WHERE collection_uri = ${collectionUri}`,
    sql`SELECT count(*) AS pending FROM search_builds WHERE collection_uri = ${collectionUri}`,
  ];
}
