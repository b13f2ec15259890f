/**
 * Where a subscriber's messages go: a hibernatable WebSocket (its subscription is the socket's
 * attachment, so it survives hibernation) or a Server-Sent Events stream (held in memory: an
 * open stream keeps the Durable Object awake). Both take the same messages and close codes;
 * an event stream, which has no close codes, gets a last `close` event carrying them.
 */
import { CLOSE_RESYNC, type Subscription } from "./subscription";

/**
 * Messages an event stream's client has not taken yet (workerd applies back-pressure to a
 * response body): past this, the stream is closed with `CLOSE_RESYNC`. A WebSocket has no such
 * measure in workerd (no `bufferedAmount`): what is sent to it is the runtime's to hold.
 */
export const MAX_UNREAD = 1000;

export interface Sink {
  /** Identifies the subscriber across calls (the socket, or the stream's entry). */
  readonly key: object;
  subscription(): Subscription | null;
  /** Keeps the subscription; `durable: false` where losing it to hibernation is harmless (`lastSent`). */
  save(subscription: Subscription, durable?: boolean): void;
  /** Sends one JSON message, `cursor` giving the resume point after it (called during `send`, by event streams only); false when the subscriber is gone. */
  send(json: string, cursor: () => string): boolean;
  close(code: number, reason: string): void;
}

/**
 * Subscriptions of awake sockets. The attachment is written when access changes, not for each
 * change sent: after hibernation its `lastSent` may be older than the truth, which is harmless,
 * since a change is broadcast once, at its commit, and a catch-up keeps its own `lastSent`.
 */
const awake = new WeakMap<WebSocket, Subscription>();

export function socketSink(socket: WebSocket): Sink {
  return {
    key: socket,
    subscription() {
      let subscription = awake.get(socket);
      if (subscription === undefined) {
        subscription = (socket.deserializeAttachment() as Subscription | null) ?? undefined;
        if (subscription !== undefined) awake.set(socket, subscription);
      }
      return subscription ?? null;
    },
    save(subscription, durable = true) {
      awake.set(socket, subscription);
      if (durable) socket.serializeAttachment(subscription);
    },
    send(json) {
      try {
        socket.send(json);
        return true;
      } catch {
        return false;
      }
    },
    close(code, reason) {
      try {
        socket.close(code, reason);
      } catch {
        // Already closed.
      }
    },
  };
}

const encoder = new TextEncoder();

/** An open event stream and its subscription. */
export class EventStream implements Sink {
  readonly key = this;
  readonly response: Response;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private current: Subscription;
  private open = true;
  /** Writes not yet taken by the reader. */
  private unread = 0;

  constructor(subscription: Subscription, onGone: (stream: EventStream) => void) {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    this.writer = writable.getWriter();
    this.current = subscription;
    // The client went away: its reads stop and writes fail.
    this.writer.closed.catch(() => undefined).finally(() => {
      this.open = false;
      onGone(this);
    });
    this.response = new Response(readable, {
      status: 200,
      headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache" },
    });
    // A first comment line, so that clients and proxies see the stream start at once.
    this.write(": live\n\n");
  }

  subscription(): Subscription {
    return this.current;
  }

  save(subscription: Subscription): void {
    this.current = subscription;
  }

  send(json: string, cursor: () => string): boolean {
    if (this.unread >= MAX_UNREAD) {
      this.close(CLOSE_RESYNC, "Too many changes unread: resubscribe with _since");
      return false;
    }
    return this.write(`id: ${cursor()}\ndata: ${json}\n\n`);
  }

  close(code: number, reason: string): void {
    if (!this.open) return;
    this.write(`event: close\ndata: ${JSON.stringify({ code, reason })}\n\n`);
    this.open = false;
    this.writer.close().catch(() => undefined);
  }

  private write(text: string): boolean {
    if (!this.open) return false;
    this.unread += 1;
    this.writer.write(encoder.encode(text)).then(
      () => {
        this.unread -= 1;
      },
      () => {
        this.open = false;
      },
    );
    return true;
  }
}
