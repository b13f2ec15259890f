/**
 * The D1 implementation of the storage contract. Each public method is one round trip
 * (one `batch()`); `commit` is one transaction.
 * Limits: D1 binds at most 100 parameters per statement; callers pass few principals and refs.
 */
import { sql, type SQL } from "drizzle-orm";
import { parseExactJson } from "../json/parse";
import type { JsonObject, Permissions } from "../wire";
import type { ObjectRef } from "../resources/spec";
import { jsonChunks } from "./json-chunks";
import { descendantRange, resourceNameSql, statement } from "./sql";
import { compareSql } from "../protocol/query/compare-sql";
import { fieldSql, orderedPair } from "../protocol/query/field-sql";
import { RANK } from "../protocol/query/values";
import { createDeclaredIndexSql, declaredIndexesQuery, dropDeclaredIndexSql } from "./declared-indexes";
import { searchIndexStatements } from "./search-index";
import {
  GuardFailed,
  TimestampConflict,
  type Guard,
  type ListKey,
  type Mutation,
  type ObjectState,
  type State,
  type StateRequest,
  type StoredObject,
} from "./types";

export interface ObjectRow {
  id: string;
  last_modified: number;
  data: string;
  deleted: number;
}

interface AceRow {
  object_id: string;
  permission: string;
  principal: string;
}

const listKeyOf = (key: ListKey): string => `${key.resourceName} ${key.parentId}`;

export function rowToObject(row: ObjectRow): StoredObject {
  return {
    id: row.id,
    lastModified: row.last_modified,
    data: parseExactJson(row.data) as JsonObject,
    deleted: row.deleted === 1,
  };
}

export function selectObject(ref: ObjectRef): SQL {
  return sql`SELECT id, last_modified, data, deleted FROM objects
    WHERE parent_id = ${ref.parentId} AND resource_name = ${ref.resourceName} AND id = ${ref.id}`;
}

function aclToPermissions(rows: AceRow[]): Permissions {
  const permissions: Permissions = {};
  for (const row of rows) (permissions[row.permission] ??= []).push(row.principal);
  for (const principals of Object.values(permissions)) principals.sort();
  return permissions;
}

export interface ListSnapshot<Row> {
  /** Null when never initialised and not initialised by this read. */
  timestamp: number | null;
  rows: Row[];
}

/**
 * Statements reading a list timestamp and the rows of `query` in one transaction, so the rows
 * are exactly those the timestamp covers (a poller's next `_since` misses nothing and repeats
 * nothing). A never-initialised list gets `now` stored on this first read (contract §5.1); with
 * `initialize` false (read-only mode) it reads as null.
 */
export function listSnapshotSql(key: ListKey, now: number, initialize: boolean, query: SQL): SQL[] {
  const select = sql`SELECT last_modified FROM timestamps WHERE parent_id = ${key.parentId} AND resource_name = ${key.resourceName}`;
  const init = sql`INSERT INTO timestamps (parent_id, resource_name, last_modified)
    VALUES (${key.parentId}, ${key.resourceName}, ${now}) ON CONFLICT DO NOTHING`;
  return initialize ? [init, select, query] : [select, query];
}

/** The snapshot from the results of `listSnapshotSql` (its last two statements). */
export function snapshotOf<Row>(results: unknown[][]): ListSnapshot<Row> {
  const timestampRow = results.at(-2)?.[0] as { last_modified: number } | undefined;
  return { timestamp: timestampRow?.last_modified ?? null, rows: (results.at(-1) ?? []) as Row[] };
}

/**
 * ACL rows of `uris` held by `principals` or by the groups of `users` (a JSON array, or null).
 * Driven by the primary key (object_id first): `+principal` keeps SQLite from walking the
 * principal index instead, which is long for `system.Everyone`. URIs and principals travel as
 * JSON arrays (D1 binds at most 100 parameters per statement).
 */
export function grantsSql(uris: string[], principals: string[], users: string | null): SQL {
  const groupPrincipals =
    users === null
      ? sql``
      : sql` OR +principal IN (SELECT principal FROM user_principals WHERE user_id IN (SELECT value FROM json_each(${users})))`;
  return sql`SELECT object_id, permission, principal FROM access_control_entries
    WHERE object_id IN (SELECT value FROM json_each(${JSON.stringify(uris)}))
      AND (+principal IN (SELECT value FROM json_each(${JSON.stringify(principals)}))${groupPrincipals})`;
}

export class D1Storage {
  constructor(readonly db: D1Database) {}

  /**
   * Objects, ACLs, list timestamps and grants, in one round trip; `extra` statements run in
   * the same transaction, their rows returned as `State.extra`.
   */
  async readState(request: StateRequest, extra: SQL[] = []): Promise<State & { extra: unknown[][] }> {
    const statements: D1PreparedStatement[] = [];
    for (const { ref, uri } of request.objects) {
      statements.push(statement(this.db, selectObject(ref)));
      statements.push(
        statement(this.db, sql`SELECT object_id, permission, principal FROM access_control_entries WHERE object_id = ${uri}`),
      );
    }
    for (const key of request.lists) {
      statements.push(
        statement(
          this.db,
          sql`SELECT last_modified FROM timestamps WHERE parent_id = ${key.parentId} AND resource_name = ${key.resourceName}`,
        ),
      );
    }
    const grants = request.grants;
    // Group principals belong to users; every authenticated user also has those of `system.Authenticated`.
    const users = grants && grants.users.length > 0 ? JSON.stringify([...grants.users, "system.Authenticated"]) : null;
    if (users !== null) {
      statements.push(
        statement(this.db, sql`SELECT user_id, principal FROM user_principals WHERE user_id IN (SELECT value FROM json_each(${users}))`),
      );
    }
    const askGrants = grants !== null && grants.uris.length > 0 && grants.principals.length > 0;
    if (askGrants) {
      statements.push(statement(this.db, grantsSql(grants.uris, grants.principals, users)));
    }
    const own = statements.length;
    statements.push(...extra.map((fragment) => statement(this.db, fragment)));
    const results = statements.length > 0 ? await this.db.batch(statements) : [];
    let index = 0;
    const next = <T>(): T[] => (results[index++]?.results ?? []) as T[];

    const objects = new Map<string, ObjectState>();
    for (const { uri } of request.objects) {
      const row = next<ObjectRow>()[0];
      const acl = next<AceRow>();
      const object = row && row.deleted === 0 ? rowToObject(row) : null;
      objects.set(uri, { object, permissions: object ? aclToPermissions(acl) : {} });
    }
    const lists = new Map<string, number | null>();
    for (const key of request.lists) {
      lists.set(listKeyOf(key), next<{ last_modified: number }>()[0]?.last_modified ?? null);
    }
    const groups = new Map<string, string[]>();
    if (users !== null) {
      for (const row of next<{ user_id: string; principal: string }>()) {
        groups.set(row.user_id, [...(groups.get(row.user_id) ?? []), row.principal]);
      }
    }
    const granted = new Map<string, Set<string>>();
    if (askGrants) {
      for (const row of next<AceRow>()) {
        const key = `${row.object_id} ${row.permission}`;
        const principals = granted.get(key) ?? new Set<string>();
        principals.add(row.principal);
        granted.set(key, principals);
      }
    }

    return {
      extra: results.slice(own).map((result) => result.results),
      object: (uri) => objects.get(uri) ?? { object: null, permissions: {} },
      listTimestamp: (key) => lists.get(listKeyOf(key)) ?? null,
      groupsOf: (userId) => groups.get(userId) ?? [],
      principalsOf: (caller) => {
        if (caller.userId === null) return [...caller.principals];
        const extra = [...(groups.get(caller.userId) ?? []), ...(groups.get("system.Authenticated") ?? [])];
        return [...new Set([...caller.principals, ...extra])];
      },
      holds: (uri, permission, principals) => {
        const holders = granted.get(`${uri} ${permission}`);
        return holders !== undefined && principals.some((principal) => holders.has(principal));
      },
    };
  }

  /** A list's timestamp and rows, in one transaction (see `listSnapshotSql`). */
  async readList<Row>(key: ListKey, now: number, initialize: boolean, query: SQL): Promise<ListSnapshot<Row>> {
    const statements = listSnapshotSql(key, now, initialize, query).map((fragment) => statement(this.db, fragment));
    const results = await this.db.batch(statements);
    return snapshotOf<Row>(results.map((result) => result.results));
  }

  /** The stored timestamp of a list, or null when it was never initialised. */
  async listTimestamp(key: ListKey): Promise<number | null> {
    const row = await statement(this.db, sql`SELECT last_modified FROM timestamps WHERE parent_id = ${key.parentId} AND resource_name = ${key.resourceName}`).first<{
      last_modified: number;
    }>();
    return row?.last_modified ?? null;
  }

  /** Deletes everything: objects, timestamps, ACLs, group memberships, declared indexes (the flush plugin). */
  async flush(): Promise<void> {
    const indexes = await this.selectColumn(declaredIndexesQuery("/buckets/", true));
    await this.db.batch([
      ...indexes.map((name) => statement(this.db, dropDeclaredIndexSql(name))),
      ...["objects", "timestamps", "access_control_entries", "user_principals", "attachment_files", "attachment_uploads", "attachment_upload_parts", "openid_states", "search_docs", "search_builds", "search_scopes"].map((table) =>
        this.db.prepare(`DELETE FROM ${table}`),
      ),
    ]);
  }

  /** Object rows of a caller-built query (see storage/list.ts). */
  async selectRows(query: SQL): Promise<ObjectRow[]> {
    const { results } = await statement(this.db, query).all<ObjectRow>();
    return results;
  }

  async selectColumn(query: SQL): Promise<string[]> {
    const { results } = await statement(this.db, query).all<{ value: string }>();
    return results.map((row) => row.value);
  }

  async selectPairs(query: SQL): Promise<[string, string][]> {
    const { results } = await statement(this.db, query).all<{ first: string; second: string }>();
    return results.map((row) => [row.first, row.second]);
  }

  async selectCount(query: SQL): Promise<number> {
    const row = await statement(this.db, query).first<{ total: number }>();
    return row?.total ?? 0;
  }

  /**
   * Applies `mutations` in one transaction, after `guard` holds.
   * At exit: everything is written, or nothing is and GuardFailed / TimestampConflict is thrown.
   */
  async commit(guard: Guard, mutations: Mutation[]): Promise<void> {
    const statements = [...guardStatements(guard), ...mutations.flatMap(mutationStatements)].map((query) =>
      statement(this.db, query),
    );
    if (statements.length === 0) return;
    try {
      await this.db.batch(statements);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message.includes("parent_guard_never")) throw new GuardFailed();
      if (message.includes("objects.last_modified") || message.includes("objects_parent_resource_last_modified")) {
        throw new TimestampConflict();
      }
      throw error;
    }
  }
}

/** Statements that fail the CHECK of `parent_guard` (aborting the batch) when the guard does not hold. */
function guardStatements(guard: Guard): SQL[] {
  const conditions: SQL[] = [];
  for (const { parentId, resourceName, id, lastModified } of guard.objects) {
    conditions.push(sql`EXISTS (SELECT 1 FROM objects WHERE parent_id = ${parentId}
      AND resource_name = ${resourceName} AND id = ${id} AND deleted = 0 AND last_modified = ${lastModified})`);
  }
  if (guard.groups !== null && guard.groups.users.length > 0) {
    const users = JSON.stringify(guard.groups.users);
    const expected = JSON.stringify(guard.groups.memberships.map(([user, principal]) => `${user}\t${principal}`));
    const members = sql`FROM user_principals WHERE user_id IN (SELECT value FROM json_each(${users}))`;
    conditions.push(sql`(SELECT count(*) ${members}) = ${guard.groups.memberships.length}`);
    conditions.push(sql`NOT EXISTS (SELECT 1 ${members}
      AND user_id || char(9) || principal NOT IN (SELECT value FROM json_each(${expected})))`);
  }
  for (const list of guard.lists) {
    conditions.push(sql`(SELECT last_modified FROM timestamps WHERE parent_id = ${list.parentId}
      AND resource_name = ${list.resourceName}) IS ${list.lastModified}`);
  }
  if (conditions.length === 0) return [];
  return [sql`INSERT INTO parent_guard (missing) SELECT 1 WHERE NOT (${sql.join(conditions, sql` AND `)})`];
}

/** The statements of one mutation; exported for the query-plan tests. */
export function mutationStatements(mutation: Mutation): SQL[] {
  switch (mutation.kind) {
    case "put":
    case "tombstone": {
      const { ref, lastModified } = mutation;
      const data = mutation.kind === "put" ? JSON.stringify(mutation.data) : "{}";
      const deleted = mutation.kind === "tombstone" ? 1 : 0;
      return [
        sql`INSERT INTO objects (id, parent_id, resource_name, last_modified, data, deleted)
          VALUES (${ref.id}, ${ref.parentId}, ${ref.resourceName}, ${lastModified}, ${data}, ${deleted})
          ON CONFLICT (parent_id, resource_name, id) DO UPDATE SET
            last_modified = excluded.last_modified, data = excluded.data, deleted = excluded.deleted`,
      ];
    }
    case "acl":
      return [sql`DELETE FROM access_control_entries WHERE object_id = ${mutation.uri}`, ...aclRowsStatements([mutation])];
    case "touch": {
      const { list, lastModified } = mutation;
      return [
        sql`INSERT INTO timestamps (parent_id, resource_name, last_modified)
          VALUES (${list.parentId}, ${list.resourceName}, ${lastModified})
          ON CONFLICT (parent_id, resource_name) DO UPDATE SET
            last_modified = max(timestamps.last_modified, excluded.last_modified)`,
      ];
    }
    case "purge": {
      const [low, high] = descendantRange(mutation.uri);
      return [
        sql`DELETE FROM objects WHERE parent_id = ${mutation.uri} OR (parent_id >= ${low} AND parent_id < ${high})`,
        sql`DELETE FROM timestamps WHERE parent_id = ${mutation.uri} OR (parent_id >= ${low} AND parent_id < ${high})`,
        sql`DELETE FROM access_control_entries WHERE object_id >= ${low} AND object_id < ${high}`,
        sql`DELETE FROM user_principals WHERE principal >= ${low} AND principal < ${high}`,
      ];
    }
    case "append":
      return appendStatements(mutation);
    case "retire": {
      const { list, uriPrefix, ids, floor } = mutation;
      if (ids.length === 0) return [];
      const uris = JSON.stringify(ids.map((id) => `${uriPrefix}/${id}`));
      return [
        sql`DELETE FROM access_control_entries WHERE object_id IN (SELECT value FROM json_each(${uris}))`,
        ...ids.map(
          (id) => sql`UPDATE objects SET deleted = 1, data = '{}', last_modified = ${nextTimestampSql(list, floor)}
            WHERE parent_id = ${list.parentId} AND resource_name = ${list.resourceName} AND id = ${id} AND deleted = 0`,
        ),
        followNewestSql(list),
      ];
    }
    case "trim":
      return trimStatements(mutation);
    case "file-live":
      return [sql`UPDATE attachment_files SET state = 'live' WHERE key = ${mutation.key} AND record_uri = ${mutation.recordUri}`];
    case "file-release":
      return [fileReleaseSql(mutation)];
    case "index-create":
      return [createDeclaredIndexSql(mutation.collectionUri, mutation.fields)];
    case "index-drop":
      return [dropDeclaredIndexSql(mutation.name)];
    case "search-records":
    case "search-rebuild":
    case "search-drop":
      return searchIndexStatements(mutation);
    case "members": {
      const statements = [sql`DELETE FROM user_principals WHERE principal = ${mutation.groupUri}`];
      const rows = mutation.members.map((member) => sql`(${member}, ${mutation.groupUri})`);
      for (let i = 0; i < rows.length; i += 50) {
        statements.push(sql`INSERT OR IGNORE INTO user_principals (user_id, principal)
          VALUES ${sql.join(rows.slice(i, i + 50), sql`, `)}`);
      }
      return statements;
    }
  }
}

/**
 * An `append` as multi-row statements: the objects and their ACL rows travel as JSON arrays
 * (one bound value per chunk), row `key` of a chunk getting the chunk's first timestamp + key.
 */
function appendStatements({ list, floor, objects }: Extract<Mutation, { kind: "append" }>): SQL[] {
  if (objects.length === 0) return [];
  const rows = objects.map((object) => [object.id, JSON.stringify(object.data)]);
  return [
    ...jsonChunks(rows).map(
      (chunk) => sql`INSERT INTO objects (id, parent_id, resource_name, last_modified, data, deleted)
        SELECT json_extract(value, '$[0]'), ${list.parentId}, ${list.resourceName}, ${nextTimestampSql(list, floor)} + key, json_extract(value, '$[1]'), 0
        FROM json_each(${chunk}) WHERE true`,
    ),
    followNewestSql(list),
    ...aclRowsStatements(objects.flatMap(({ acl }) => (acl === null ? [] : [acl]))),
  ];
}

/** Inserts the ACL rows of objects (kept where present) as `[uri, permission, principal]` JSON arrays. */
function aclRowsStatements(acls: readonly { uri: string; permissions: Permissions }[]): SQL[] {
  const rows = acls.flatMap(({ uri, permissions }) =>
    Object.entries(permissions).flatMap(([permission, principals]) => principals.map((principal) => [uri, permission, principal])),
  );
  return jsonChunks(rows).map(
    (chunk) => sql`INSERT OR IGNORE INTO access_control_entries (object_id, permission, principal)
      SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(${chunk})`,
  );
}

/**
 * The next timestamp of a list shared by several Writers: above the list timestamp and the
 * newest row (index-backed), and at least `floor` (the writer's clock).
 */
function nextTimestampSql(list: ListKey, floor: number): SQL {
  return sql`max(${floor},
    COALESCE((SELECT last_modified FROM timestamps WHERE parent_id = ${list.parentId} AND resource_name = ${list.resourceName}), 0) + 1,
    COALESCE((SELECT max(last_modified) FROM objects WHERE parent_id = ${list.parentId} AND resource_name = ${list.resourceName}), 0) + 1)`;
}

/**
 * The list timestamp becomes max(current, newest row). `ORDER BY … LIMIT 1` keeps SQLite on the
 * last_modified index: an aggregate with HAVING let it pick a covering expression index of
 * history and read the whole list, so each history append cost as much as the history.
 */
function followNewestSql(list: ListKey): SQL {
  return sql`INSERT INTO timestamps (parent_id, resource_name, last_modified)
    SELECT ${list.parentId}, ${list.resourceName}, last_modified FROM objects
      WHERE parent_id = ${list.parentId} AND resource_name = ${list.resourceName} ORDER BY last_modified DESC LIMIT 1
    ON CONFLICT (parent_id, resource_name) DO UPDATE SET last_modified = max(timestamps.last_modified, excluded.last_modified)`;
}

function fileReleaseSql({ uri, under, except, keep }: Extract<Mutation, { kind: "file-release" }>): SQL {
  const [low, high] = descendantRange(uri);
  const conditions = [
    sql`state = 'live'`,
    under ? sql`record_uri >= ${low} AND record_uri < ${high}` : sql`record_uri = ${uri}`,
    ...(except === null ? [] : [sql`key != ${except}`]),
  ];
  const matching = sql.join(conditions, sql` AND `);
  return keep ? sql`DELETE FROM attachment_files WHERE ${matching}` : sql`UPDATE attachment_files SET state = 'garbage' WHERE ${matching}`;
}

/** The statements of a `trim`. */
function trimStatements(mutation: Extract<Mutation, { kind: "trim" }>): SQL[] {
  const { list, uriPrefix, match, keep } = mutation;
  // The same expressions as the list filters (the sort order's pair), so the history indexes serve them.
  const conditions = [
    sql`parent_id = ${list.parentId}`,
    resourceNameSql(list.resourceName),
    sql`deleted = 0`,
    ...Object.entries(match).map(([field, value]) => {
      const pair = orderedPair(fieldSql(field));
      if (value === null) return sql`${pair.rank} IN (${sql.raw(String(RANK.null))}, ${sql.raw(String(RANK.missing))}) AND ${pair.value} = 0`;
      return compareSql(fieldSql(field), "=", value);
    }),
  ];
  const matching = sql.join(conditions, sql` AND `);
  // The newest `keep` stay; everything at or below the next one's timestamp goes.
  const cut = sql`(SELECT last_modified FROM objects WHERE ${matching} ORDER BY last_modified DESC LIMIT 1 OFFSET ${keep})`;
  const doomed = sql`${matching} AND last_modified <= ${cut}`;
  return [
    sql`DELETE FROM access_control_entries WHERE object_id IN (SELECT ${`${uriPrefix}/`} || id FROM objects WHERE ${doomed})`,
    sql`DELETE FROM objects WHERE ${doomed}`,
  ];
}
