/**
 * The D1 schema, as in Kinto's PostgreSQL backend: one generic table holds every
 * resource type, so filtering, sorting and pagination have one implementation.
 * Edit this file, then `npm run db:generate` writes the next SQL migration.
 */
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { jsonPathText, RANK_BRANCHES } from "./order-sql-text";

/** Live objects and tombstones. `data` is the JSON object without `id` and `last_modified`. */
export const objects = sqliteTable(
  "objects",
  {
    id: text("id").notNull(),
    parentId: text("parent_id").notNull(),
    resourceName: text("resource_name").notNull(),
    lastModified: integer("last_modified").notNull(),
    data: text("data").notNull().default("{}"),
    deleted: integer("deleted", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.parentId, t.resourceName, t.id] }),
    // Invariant: (parent, resource, last_modified) is unique; it also serves `_since` and the default sort.
    uniqueIndex("objects_parent_resource_last_modified").on(t.parentId, t.resourceName, t.lastModified),
    // History entries (contract §10.2): keyset listings filtered on `resource_name`, `collection_id`
    // or `uri`, on the (rank, value) pair of the sort order as a collection's declared indexes
    // (storage/declared-indexes.ts). Partial, so other objects pay nothing; used because list
    // queries inline the resource name (storage/list.ts).
    ...(["resource_name", "collection_id", "uri"] as const).map((field) =>
      index(`objects_history_${field}_pair`)
        .on(
          t.parentId,
          t.resourceName,
          sql`(CASE json_type(${t.data}, ${sql.raw(jsonPathText(field))}) ${sql.raw(RANK_BRANCHES)} END)`,
          sql`COALESCE(json_extract(${t.data}, ${sql.raw(jsonPathText(field))}), 0)`,
          t.lastModified,
        )
        .where(sql`${t.resourceName} = 'history'`),
    ),
  ],
);

/** The list timestamp of each (parent, resource); kept when the list is empty. */
export const timestamps = sqliteTable(
  "timestamps",
  {
    parentId: text("parent_id").notNull(),
    resourceName: text("resource_name").notNull(),
    lastModified: integer("last_modified").notNull(),
  },
  (t) => [primaryKey({ columns: [t.parentId, t.resourceName] })],
);

/** One row per (object URI, permission, principal). */
export const accessControlEntries = sqliteTable(
  "access_control_entries",
  {
    objectId: text("object_id").notNull(),
    permission: text("permission").notNull(),
    principal: text("principal").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.objectId, t.permission, t.principal] }),
    index("access_control_entries_principal").on(t.principal, t.permission, t.objectId),
  ],
);

/** Principals a user carries beyond the built-in ones (group URIs). */
export const userPrincipals = sqliteTable(
  "user_principals",
  {
    userId: text("user_id").notNull(),
    principal: text("principal").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.principal] }), index("user_principals_principal").on(t.principal)],
);

/**
 * Always empty. A write batch starts with `INSERT INTO parent_guard SELECT 1 WHERE NOT EXISTS(parent)`:
 * the CHECK fails when the parent is gone, which aborts the whole D1 transaction (no orphans).
 */
export const parentGuard = sqliteTable(
  "parent_guard",
  { missing: integer("missing").notNull() },
  (t) => [check("parent_guard_never", sql`${t.missing} = 0`)],
);

/**
 * Files of record attachments (kinto_attachment), by their R2 key. A file is `pending` from
 * before its upload until the record commit that points at it makes it `live`; a commit that
 * replaces or deletes it makes it `garbage`, deleted from R2 (then here) after the commit and
 * retried until it is. A `pending` row older than an upload can take is an orphan.
 */
export const attachmentFiles = sqliteTable(
  "attachment_files",
  {
    key: text("key").primaryKey(),
    recordUri: text("record_uri").notNull(),
    state: text("state", { enum: ["pending", "live", "garbage"] }).notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("attachment_files_record").on(t.recordUri, t.state), index("attachment_files_state").on(t.state, t.createdAt)],
);

/**
 * Pending OpenID Connect logins (`/openid/<p>/login`), by their random `state`. A row is
 * consumed by one `DELETE … RETURNING`, so a state is traded at most once across isolates;
 * rows past `expires_at` are refused and swept by later logins.
 */
export const openidStates = sqliteTable(
  "openid_states",
  {
    state: text("state").primaryKey(),
    provider: text("provider").notNull(),
    callback: text("callback").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("openid_states_expiry").on(t.expiresAt)],
);

/**
 * R2 multipart uploads of attachments in progress (kinto_attachment's upload routes), by
 * their public id. `key` is claimed in `attachment_files` when the upload is created; the
 * row lives until the upload is completed, aborted, or swept once `expires_at` has passed.
 * `state` is `open` (parts accepted) or `completing` (one complete request owns it).
 */
export const attachmentUploads = sqliteTable(
  "attachment_uploads",
  {
    id: text("id").primaryKey(),
    recordUri: text("record_uri").notNull(),
    userId: text("user_id").notNull(),
    key: text("key").notNull(),
    /** Whether `key` is this upload's own (files.ts `claimKey`). */
    own: integer("own", { mode: "boolean" }).notNull(),
    r2UploadId: text("r2_upload_id").notNull(),
    filename: text("filename").notNull(),
    mimetype: text("mimetype").notNull(),
    size: integer("size").notNull(),
    partSize: integer("part_size").notNull(),
    /** Parts are taken in order: the next one expected (1-based). */
    nextPart: integer("next_part").notNull(),
    /** The sha256 of the parts so far (uploads/sha256.ts `save`). */
    hashState: text("hash_state").notNull(),
    /** The record fields and permissions to write at completion, as JSON text. */
    data: text("data"),
    permissions: text("permissions"),
    state: text("state", { enum: ["open", "completing"] }).notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("attachment_uploads_expiry").on(t.state, t.expiresAt)],
);

/** The parts R2 holds for an upload of `attachment_uploads`: what completing it hands to R2. */
export const attachmentUploadParts = sqliteTable(
  "attachment_upload_parts",
  {
    uploadId: text("upload_id").notNull(),
    part: integer("part").notNull(),
    etag: text("etag").notNull(),
    size: integer("size").notNull(),
  },
  (t) => [primaryKey({ columns: [t.uploadId, t.part] })],
);

/**
 * Full-text documents of the search plugin: one row per (collection, record, declared text
 * field) holding the field's text. `search_fts` (FTS5, external content on this table,
 * migrations/0007) indexes `body`; triggers keep it in step with every insert and delete.
 * The rowid encodes the document (storage/search-index.ts `docRowid`): its scope's id times
 * 2^42 plus the record's `last_modified`, unique in a collection. So an FTS match restricted
 * to a scope's rowid range yields the matched records' timestamps without reading this table.
 */
export const searchDocs = sqliteTable(
  "search_docs",
  {
    rowid: integer("rowid").primaryKey(),
    parentId: text("parent_id").notNull(),
    recordId: text("record_id").notNull(),
    field: text("field").notNull(),
    body: text("body").notNull(),
  },
  (t) => [uniqueIndex("search_docs_record").on(t.parentId, t.recordId, t.field)],
);

/**
 * The scopes of full-text documents: one per (collection, declared text field) that has had
 * documents, numbered from 1, a new one taking the largest id plus one. Limit: ids must stay
 * below 2^21 (rowids of search_docs are 64-bit).
 */
export const searchScopes = sqliteTable(
  "search_scopes",
  {
    id: integer("id").primaryKey(),
    parentId: text("parent_id").notNull(),
    field: text("field").notNull(),
  },
  (t) => [uniqueIndex("search_scopes_field").on(t.parentId, t.field)],
);

/**
 * Collections whose full-text documents are being rebuilt (their `search.text` changed):
 * records with an id above `cursor` are not indexed yet. The row goes when the rebuild ends.
 */
export const searchBuilds = sqliteTable("search_builds", {
  collectionUri: text("collection_uri").primaryKey(),
  cursor: text("cursor").notNull(),
});
