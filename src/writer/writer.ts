/**
 * One Durable Object per written parent (see design.md). Requests queue up; one drain loop
 * at a time takes everything queued and commits it as one group (group commit), so
 * read-check-assign-commit is one critical section and no two commits to a parent interleave.
 * Awaiting D1 does not hold the input gate; the single drain loop does. A collection's Writer
 * also holds the live subscribers of its records, a bucket's those of its collections and groups
 * (live/hub.ts), and sends them each commit; a Writer named `feed:<name>` holds a feed's.
 */
import { DurableObject } from "cloudflare:workers";
import { settingsOf } from "../config";
import type { LiveFeed } from "../live/feed";
import { Forwarder, splitByParent } from "../live/forward";
import { LiveHub } from "../live/hub";
import type { Bindings } from "../env";
import { parseExactJson } from "../json/parse";
import type { LiveEvent } from "../wire";
import { D1Storage } from "../storage/d1";
import { WriteEngine } from "./engine";
import { declaredIndexes } from "./declared-indexes";
import { afterCommit, type WriteChange, type WriteListener } from "./listener";
import type { WriteRequest, WriteResponse, WriteResult } from "./protocol";
import { StateCache } from "./state-cache";
import { storageLedger } from "./token-ledger";

/** At most this many operations per group, to keep one D1 batch well within its limits. */
const MAX_GROUP_OPS = 200;

interface Waiting {
  request: WriteRequest;
  resolve(results: WriteResult[]): void;
  reject(error: unknown): void;
}

export class Writer extends DurableObject<Bindings> {
  private readonly queue: Waiting[] = [];
  private draining = false;
  /** Survives between groups; cleared on a failed guard. */
  private readonly cache = new StateCache();
  /** The write listeners (plugins) of every commit; the worker entry's subclass provides them. The core's run first. */
  protected readonly listeners: readonly WriteListener[] = [];
  /** The live feeds of the plugins, by name; the worker entry's subclass provides them. */
  protected readonly feeds: Readonly<Record<string, LiveFeed>> = {};
  private readonly live: LiveHub;
  private readonly forwarder: Forwarder;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.live = new LiveHub(ctx, () => this.env, () => this.feeds);
    this.forwarder = new Forwarder(() => this.env);
  }

  /** A live subscription forwarded by the worker (the only HTTP this object serves). */
  override async fetch(request: Request): Promise<Response> {
    return this.live.accept(request);
  }

  /** What this Writer's subscribers follow (its collection, or bucket) was deleted: they are closed with 4004. */
  async liveGone(): Promise<void> {
    await this.live.gone();
  }

  /** A bucket's Writer: the Writer of `collectionUri` holds subscribers (told when the bucket is deleted). */
  async liveRemember(collectionUri: string): Promise<void> {
    await this.live.remember(collectionUri);
  }

  /** Changes under this Writer's parent committed by another Writer (JSON of WriteChange[], see live/forward.ts). */
  async liveBroadcast(changes: string): Promise<void> {
    this.live.broadcast(parseExactJson(changes) as unknown as WriteChange[]);
  }

  /** A feed's Writer: sends `events` (JSON of LiveEvent[]) to the feed's subscribers. */
  async livePublish(events: string): Promise<void> {
    this.live.publish(parseExactJson(events) as unknown as LiveEvent[]);
  }

  /** Subscribers send nothing that matters; messages are ignored. */
  override async webSocketMessage(): Promise<void> {}

  override async webSocketClose(socket: WebSocket, code: number, reason: string): Promise<void> {
    this.live.closed(socket, code, reason);
  }

  override async webSocketError(socket: WebSocket): Promise<void> {
    this.live.closed(socket, 1011, "error");
  }

  /** Applies the operations in order; they commit in one D1 transaction. JSON in, JSON out. */
  async apply(request: string): Promise<string> {
    const parsed = parseExactJson(request) as unknown as WriteRequest;
    const results = await new Promise<WriteResult[]>((resolve, reject) => {
      this.queue.push({ request: parsed, resolve, reject });
      void this.drain();
    });
    return JSON.stringify({ results } satisfies WriteResponse);
  }

  /** Takes queued requests group by group until the queue is empty. Only one drain runs at a time. */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      const settings = settingsOf(this.env);
      const committed = (own: readonly WriteChange[], effects: readonly WriteChange[]) => {
        const { here, elsewhere } = splitByParent(own, effects);
        this.live.broadcast(here);
        if (elsewhere.size > 0) this.ctx.waitUntil(this.forwarder.forward(elsewhere));
        this.ctx.waitUntil(afterCommit(this.listeners, effects.length === 0 ? own : [...own, ...effects], this.env, settings));
      };
      const engine = new WriteEngine(new D1Storage(this.env.DB), settings, storageLedger(this.ctx.storage), this.cache, Date.now, [declaredIndexes, ...this.listeners], committed);
      while (this.queue.length > 0) {
        const group = this.takeGroup();
        try {
          const results = await engine.runGroup(group.map((waiting) => waiting.request));
          group.forEach((waiting, index) => waiting.resolve(results[index] ?? []));
        } catch (error) {
          for (const waiting of group) waiting.reject(error);
        }
      }
    } catch (error) {
      for (const waiting of this.queue.splice(0)) waiting.reject(error);
    } finally {
      this.draining = false;
    }
  }

  private takeGroup(): Waiting[] {
    const group: Waiting[] = [];
    let ops = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0] as Waiting;
      if (group.length > 0 && ops + next.request.ops.length > MAX_GROUP_OPS) break;
      group.push(this.queue.shift() as Waiting);
      ops += next.request.ops.length;
    }
    return group;
  }
}
