/** Real-D1 helpers for the compile tests: rows of `objects` under one parent. */
import { sql, type SQL } from "drizzle-orm";
import { env } from "cloudflare:workers";
import { toQuery } from "../../src/storage/sql";
import { objects } from "../../src/storage/schema";
import type { JsonObject, KintoObject, Tombstone } from "../../src/wire";

export interface Row {
  id: string;
  lastModified: number;
  /** null for a tombstone. */
  data: JsonObject | null;
}

export async function insertRows(parentId: string, rows: readonly Row[]): Promise<void> {
  const statement = env.DB.prepare(
    "INSERT INTO objects (id, parent_id, resource_name, last_modified, data, deleted) VALUES (?, ?, 'record', ?, ?, ?)",
  );
  await env.DB.batch(
    rows.map((row) => statement.bind(row.id, parentId, row.lastModified, JSON.stringify(row.data ?? {}), row.data ? 0 : 1)),
  );
}

/** The object as the API lists it. */
export function asListed(row: Row): KintoObject | Tombstone {
  if (row.data === null) return { id: row.id, last_modified: row.lastModified, deleted: true };
  return { ...row.data, id: row.id, last_modified: row.lastModified };
}

interface Selected {
  id: string;
  last_modified: number;
  data: string;
  deleted: number;
}

/** Listed objects of `parentId` matching `where`, in `order`, at most `limit`. */
export async function select(parentId: string, where: SQL, order: SQL, limit = 1000): Promise<(KintoObject | Tombstone)[]> {
  const query = toQuery(sql`SELECT ${objects.id} AS id, ${objects.lastModified} AS last_modified, ${objects.data} AS data, ${objects.deleted} AS deleted
    FROM ${objects} WHERE ${objects.parentId} = ${parentId} AND ${objects.resourceName} = 'record' AND ${where}
    ORDER BY ${order} LIMIT ${limit}`);
  const { results } = await env.DB.prepare(query.sql).bind(...query.params).all<Selected>();
  return results.map((row) =>
    asListed({ id: row.id, lastModified: row.last_modified, data: row.deleted ? null : (JSON.parse(row.data) as JsonObject) }),
  );
}

/** `NOT deleted` unless tombstones are included. */
export function liveOnly(includeTombstones: boolean): SQL {
  return includeTombstones ? sql`1` : sql`NOT ${objects.deleted}`;
}
