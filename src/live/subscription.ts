/** A live subscriber's state, and how the worker's route hands it to the collection's Writer. */
import type { Identity } from "../auth/identity";
import type { LiveAccess } from "./access";

export interface Subscription {
  identity: Identity;
  bucket: string;
  collection: string;
  access: LiveAccess;
  /** When `access` was decided (epoch ms). */
  checkedAt: number;
  /** The timestamp of the last change sent, or `_since` (0: none yet). */
  lastSent: number;
}

/** What the worker's route sends the Writer. */
export interface SubscribeRequest {
  subscription: Subscription;
  /** Whether the subscription starts with what storage holds after `lastSent` (`_since`). */
  catchUp: boolean;
  /** A WebSocket, or a Server-Sent Events stream. */
  transport: "websocket" | "event-stream";
}

/** The header that carries a subscribe request from the worker's route to the Writer. */
export const SUBSCRIPTION_HEADER = "Kinto-Live-Subscription";

/** Close code: resubscribe with `_since` = the last `etag` received. */
export const CLOSE_RESYNC = 4000;
/** Close code: the subscriber may no longer read the collection. */
export const CLOSE_FORBIDDEN = 4003;
