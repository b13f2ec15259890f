/**
 * What the worker sends to a parent's Writer and what it answers. Crosses the Durable Object
 * RPC boundary as JSON text (see stack-notes: structured JSON types break RPC typing).
 */
import type { Preconditions } from "../http/preconditions";
import type { Location, ResourceName } from "../resources/spec";
import type { ErrorBody, JsonObject, JsonValue, KintoObject, Permissions, Tombstone } from "../wire";

/** Who writes: the principals of the request and the user id the creator rule adds (§3.7). */
export interface Author {
  principals: string[];
  /** The user id, or null when anonymous (the creator rule then adds `system.Everyone`). */
  userId: string | null;
}

interface OpBase {
  resource: ResourceName;
  location: Location;
  preconditions: Preconditions;
  /** The plugin writing on the caller's behalf (e.g. `kinto_attachment`): its own rules let it through. */
  by?: string;
}

/** `PATCH` bodies by Content-Type (§3.1.6). */
export type PatchBody =
  | { flavour: "json"; data: JsonObject | null; permissions: Permissions | null }
  | { flavour: "merge"; data: JsonValue | null; permissions: JsonValue | null }
  | { flavour: "json-patch"; operations: JsonValue[] };

export type ResponseBehavior = "full" | "light" | "diff";

export type WriteOp =
  | (OpBase & { kind: "create"; data: JsonObject | null; permissions: Permissions | null })
  | (OpBase & { kind: "put"; id: string; data: JsonObject | null; permissions: Permissions | null })
  /** With `upsert` (and a `json` patch), a missing object is created as a PUT would. */
  | (OpBase & { kind: "patch"; id: string; patch: PatchBody; behavior: ResponseBehavior; upsert?: boolean })
  | (OpBase & { kind: "delete"; id: string; forcedTimestamp: number | null })
  | (OpBase & { kind: "delete-list"; query: string })
  /** Creates the object with the author as writer when missing, without a permission check (default bucket). */
  | (OpBase & { kind: "ensure"; id: string });

export interface WriteRequest {
  author: Author;
  ops: WriteOp[];
  /** The public origin the request came to (`http_scheme`/`http_host` applied): URLs effects publish. */
  origin?: string;
}

export type WriteResult =
  | {
      ok: true;
      status: number;
      /** The ETag / Last-Modified value. */
      timestamp: number;
      body:
        | { data: KintoObject | JsonObject; permissions?: Permissions }
        | { data: Tombstone }
        | { data: Tombstone[] };
      /** Plural DELETE: the token of the next page, when more objects match. */
      nextToken?: string;
      limit?: number;
    }
  | { ok: false; error: ErrorBody; headers: Record<string, string> };

export interface WriteResponse {
  results: WriteResult[];
}
