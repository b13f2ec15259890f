import type KintoClient from "kinto-http";
import type { KintoObject } from "kinto-http";

export type LiveChange =
  | { action: "create" | "update"; timestamp: number; etag: string; data: KintoObject }
  | { action: "delete"; timestamp: number; etag: string; tombstone: { id: string; last_modified: number; deleted: true } };

/** The WebSocket the follower opens: the browser's, or e.g. the `ws` package's in Node. */
export interface WebSocketLike {
  onmessage: ((message: { data: unknown }) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  close(code?: number, reason?: string): void;
}

export interface FollowOptions {
  onChange(change: LiveChange): void;
  onError?(error: unknown): void;
  /** The collection (or its bucket) was deleted: the follower has stopped. */
  onGone?(): void;
  /** Start after this ETag (e.g. the last one of a previous follower). */
  since?: string;
  /** Wait before reconnecting (ms). */
  retryDelayMs?: number;
  WebSocket?: new (url: string) => WebSocketLike;
}

export interface Follower {
  /** The ETag of the last change delivered. */
  readonly etag: string | null;
  /** The current connection, if any. */
  readonly socket: WebSocketLike | null;
  close(): void;
}

export function followCollection(client: KintoClient, bucket: string, collection: string, options: FollowOptions): Follower;
