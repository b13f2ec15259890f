/**
 * The `attachment_uploads` and `attachment_upload_parts` tables (storage/schema.ts): one row
 * per multipart upload in progress, one per part R2 holds for it. Every state change is one
 * conditional statement (or one batch), so concurrent requests on one upload never both win:
 * one completion, or one abort, one request per part, and no part recorded once neither can use it.
 */

export interface UploadRow {
  id: string;
  recordUri: string;
  userId: string;
  key: string;
  own: boolean;
  r2UploadId: string;
  filename: string;
  mimetype: string;
  size: number;
  partSize: number;
  /** Parts are taken in order: the next one expected. */
  nextPart: number;
  /** The sha256 state after the parts before `nextPart`. */
  hashState: string;
  /** JSON text of the record fields / permissions to write at completion. */
  data: string | null;
  permissions: string | null;
  state: "open" | "completing";
  createdAt: number;
  expiresAt: number;
}

export interface PartRow {
  part: number;
  etag: string;
  size: number;
}

interface StoredRow {
  id: string;
  record_uri: string;
  user_id: string;
  key: string;
  own: number;
  r2_upload_id: string;
  filename: string;
  mimetype: string;
  size: number;
  part_size: number;
  next_part: number;
  hash_state: string;
  data: string | null;
  permissions: string | null;
  state: "open" | "completing";
  created_at: number;
  expires_at: number;
}

function fromStored(row: StoredRow): UploadRow {
  return {
    id: row.id,
    recordUri: row.record_uri,
    userId: row.user_id,
    key: row.key,
    own: row.own === 1,
    r2UploadId: row.r2_upload_id,
    filename: row.filename,
    mimetype: row.mimetype,
    size: row.size,
    partSize: row.part_size,
    nextPart: row.next_part,
    hashState: row.hash_state,
    data: row.data,
    permissions: row.permissions,
    state: row.state,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

export async function insertUpload(db: D1Database, row: UploadRow): Promise<void> {
  await db
    .prepare(
      `INSERT INTO attachment_uploads (id, record_uri, user_id, key, own, r2_upload_id, filename, mimetype, size, part_size,
         next_part, hash_state, data, permissions, state, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(row.id, row.recordUri, row.userId, row.key, row.own ? 1 : 0, row.r2UploadId, row.filename, row.mimetype, row.size, row.partSize,
      row.nextPart, row.hashState, row.data, row.permissions, row.state, row.createdAt, row.expiresAt)
    .run();
}

export async function readUpload(db: D1Database, id: string): Promise<UploadRow | null> {
  const row = await db.prepare("SELECT * FROM attachment_uploads WHERE id = ?").bind(id).first<StoredRow>();
  return row === null ? null : fromStored(row);
}

/**
 * Records part `part.part`, which R2 now holds, and the hash state after it: only while the
 * upload is open and expects exactly that part (one of two racing requests wins); whether it did.
 */
export async function putPart(db: D1Database, id: string, part: PartRow, hashState: string): Promise<boolean> {
  const expects = "EXISTS (SELECT 1 FROM attachment_uploads WHERE id = ? AND state = 'open' AND next_part = ?)";
  const [, advanced] = await db.batch([
    db
      .prepare(`INSERT OR REPLACE INTO attachment_upload_parts (upload_id, part, etag, size) SELECT ?, ?, ?, ? WHERE ${expects}`)
      .bind(id, part.part, part.etag, part.size, id, part.part),
    db
      .prepare("UPDATE attachment_uploads SET next_part = next_part + 1, hash_state = ? WHERE id = ? AND state = 'open' AND next_part = ?")
      .bind(hashState, id, part.part),
  ]);
  return (advanced?.meta.changes ?? 0) > 0;
}

export async function partsOf(db: D1Database, id: string): Promise<PartRow[]> {
  const { results } = await db.prepare("SELECT part, etag, size FROM attachment_upload_parts WHERE upload_id = ? ORDER BY part").bind(id).all<PartRow>();
  return results;
}

/** Makes the caller the one completing an open, unexpired upload; false when it is not (any more). */
export async function claimCompletion(db: D1Database, id: string, now: number): Promise<boolean> {
  const result = await db
    .prepare("UPDATE attachment_uploads SET state = 'completing' WHERE id = ? AND state = 'open' AND expires_at >= ?")
    .bind(id, now)
    .run();
  return result.meta.changes > 0;
}

/** Opens an upload again after a completion that did not reach R2's completion. */
export async function releaseCompletion(db: D1Database, id: string): Promise<void> {
  await db.prepare("UPDATE attachment_uploads SET state = 'open' WHERE id = ? AND state = 'completing'").bind(id).run();
}

/** Forgets an upload (in `state` only, when given) and its parts, in one transaction; whether it was there. */
export async function removeUpload(db: D1Database, id: string, state: UploadRow["state"] | null = null): Promise<boolean> {
  const inState = state === null ? "" : " AND state = ?";
  const bind = (statement: D1PreparedStatement, ...values: unknown[]) => statement.bind(...values, ...(state === null ? [] : [state]));
  const [, removed] = await db.batch([
    bind(db.prepare(`DELETE FROM attachment_upload_parts WHERE upload_id = ? AND EXISTS (SELECT 1 FROM attachment_uploads WHERE id = ?${inState})`), id, id),
    bind(db.prepare(`DELETE FROM attachment_uploads WHERE id = ?${inState}`), id),
  ]);
  return (removed?.meta.changes ?? 0) > 0;
}

/**
 * Uploads the sweep aborts: open ones past their expiry, and completions cut by a crash
 * (still `completing` when their key would be abandoned anyway).
 */
export async function abandonedUploads(db: D1Database, now: number, abandonedBefore: number, limit: number): Promise<UploadRow[]> {
  const { results } = await db
    .prepare(
      `SELECT * FROM attachment_uploads WHERE (state = 'open' AND expires_at < ?) OR (state = 'completing' AND created_at < ?)
       ORDER BY expires_at LIMIT ?`,
    )
    .bind(now, abandonedBefore, limit)
    .all<StoredRow>();
  return results.map(fromStored);
}
