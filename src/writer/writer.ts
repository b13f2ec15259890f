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

const BUCKETS = { parentId: "", resourceName: "bucket" } as const;
const bucketUriOf = (bucket: string): string => `/buckets/${bucket}`;
import { StateCache } from "./state-cache";
import { writerName } from "./client";
import { deleteEverywhere } from "./delete-everywhere";
import { membershipChanges, type MembershipChanges } from "./membership-changes";
import { placementOf, placementOfRequest, withBucketIds, type Placement } from "./placement";
import { isSharded, shardsOf } from "../storage/shards";
import { bucketsWithCopies, copyMemberships } from "../storage/memberships";
import type { Settings } from "../config";
import type { Clock } from "./timestamps";
import { storageLedger } from "./token-ledger";

/** At most this many operations per group, to keep one D1 batch well within its limits. */
const MAX_GROUP_OPS = 200;

interface Waiting {
  request: WriteRequest;
  /** Its shard, or null when its operations fall on several (see placement.ts). */
  placement: Placement | null;
  resolve(results: WriteResult[]): void;
  reject(error: unknown): void;
}

export class Writer extends DurableObject<Bindings> {
  private readonly queue: Waiting[] = [];
  private draining = false;
  /** One per shard written; survives between groups; cleared on a failed guard. */
  private readonly caches = new Map<number, StateCache>();
  private readonly tokens = storageLedger(this.ctx.storage);
  /** This Writer's name (writerName of what it writes), known from its first request. */
  private name: string | undefined;
  /** The root's Writer on a sharded deployment: the largest bucket timestamp of every shard. */
  private rootFloor: number | null = null;
  /** The membership refreshes, one after the other. */
  private copying: Promise<void> = Promise.resolve();
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
    const parsed = withBucketIds(this.env, parseExactJson(request) as unknown as WriteRequest);
    const first = parsed.ops[0];
    if (first !== undefined) this.name ??= writerName(first);
    const placement = placementOfRequest(this.env, parsed);
    const results = await new Promise<WriteResult[]>((resolve, reject) => {
      this.queue.push({ request: parsed, placement, resolve, reject });
      void this.drain();
    });
    return JSON.stringify({ results } satisfies WriteResponse);
  }

  /** Refreshes the other shards' copies of `bucket`'s group memberships: this is `bucket`'s Writer. */
  async refreshMemberships(bucket: string): Promise<void> {
    await this.oneCopyAtATime(() => copyMemberships(this.env, bucket));
  }

  /** Takes queued requests group by group until the queue is empty. Only one drain runs at a time. */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      const settings = settingsOf(this.env);
      const touched: MembershipChanges = { groups: new Set(), deleted: new Set() };
      const committed = (own: readonly WriteChange[], effects: readonly WriteChange[]) => {
        const { here, elsewhere } = splitByParent(own, effects);
        this.live.broadcast(here);
        if (elsewhere.size > 0) this.ctx.waitUntil(this.forwarder.forward(elsewhere));
        const all = effects.length === 0 ? own : [...own, ...effects];
        membershipChanges(all, touched);
        const buckets = all.filter((change) => change.resourceName === "bucket");
        if (buckets.length > 0 && this.name !== "/" && shards.length > 1) {
          const newest = Math.max(...buckets.map((change) => change.timestamp));
          this.ctx.waitUntil(this.env.WRITER.get(this.env.WRITER.idFromName("/")).advanceRootFloor(newest));
        }
        this.ctx.waitUntil(afterCommit(this.listeners, all, this.env, settings));
      };
      const shards = shardsOf(this.env);
      const engines = new Map<number, WriteEngine>();
      const engineFor = (shard: number): WriteEngine => {
        let engine = engines.get(shard);
        if (engine === undefined) {
          const storage = new D1Storage(shards[shard] as D1Database);
          engine = new WriteEngine(storage, settings, this.tokens, this.cacheOf(shard), this.clock, [declaredIndexes, ...this.listeners], committed);
          engines.set(shard, engine);
        }
        return engine;
      };
      while (this.queue.length > 0) {
        const head = this.queue[0] as Waiting;
        const group = typeof head.placement === "number" ? this.takeGroup(head.placement) : [this.queue.shift() as Waiting];
        try {
          if (shards.length > 1 && this.name === "/") await this.loadRootFloor(shards);
          const results =
            typeof head.placement === "number"
              ? await engineFor(head.placement).runGroup(group.map((waiting) => waiting.request))
              : [await this.runAcrossShards(head.request, engineFor, shards, settings)];
          results.forEach((own) => this.advanceRootFloorFrom(own));
          if (touched.groups.size > 0 || touched.deleted.size > 0) {
            const [groups, deleted] = [[...touched.groups], [...touched.deleted]];
            touched.groups.clear();
            touched.deleted.clear();
            await this.copyMembershipsOf(groups, deleted);
          }
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

  /**
   * A root request whose operations fall on several shards: each operation commits on its own
   * (in order); a plural DELETE of buckets runs shard by shard (writer/delete-everywhere.ts).
   */
  private async runAcrossShards(request: WriteRequest, engineFor: (shard: number) => WriteEngine, shards: readonly D1Database[], settings: Settings): Promise<WriteResult[]> {
    const count = shards.length;
    const results: WriteResult[] = [];
    for (const op of request.ops) {
      const single = { ...request, ops: [op] };
      const placement = placementOf(this.env, op);
      const own =
        placement === "every"
          ? await deleteEverywhere(single, {
              count,
              run: async (shard, sub) => {
                const own = await engineFor(shard).run(sub);
                this.advanceRootFloorFrom(own);
                return own;
              },
              listTimestamp: (shard) => new D1Storage(shards[shard] as D1Database).listTimestamp(BUCKETS),
            }, this.tokens, settings)
          : await engineFor(placement).run(single);
      this.advanceRootFloorFrom(own);
      results.push(...own);
    }
    return results;
  }

  /**
   * The root's timestamps: the buckets of every shard form one list, whose timestamp is the
   * largest of the shards'. Its Writer assigns each bucket write a timestamp above all of them.
   */
  private readonly clock: Clock = {
    now: () => (this.rootFloor === null ? Date.now() : Math.max(Date.now(), this.rootFloor + 1)),
    floor: (list) => (list.parentId === "" && list.resourceName === "bucket" ? this.rootFloor : null),
  };

  /** A bucket committed by another Writer (the signer's review creating its destination). */
  async advanceRootFloor(timestamp: number): Promise<void> {
    if (this.rootFloor !== null) this.rootFloor = Math.max(this.rootFloor, timestamp);
  }

  private async loadRootFloor(shards: readonly D1Database[]): Promise<void> {
    if (this.rootFloor !== null) return;
    const stamps = await Promise.all(shards.map((db) => new D1Storage(db).listTimestamp(BUCKETS)));
    this.rootFloor = Math.max(0, ...stamps.map((stamp) => stamp ?? 0));
  }

  private advanceRootFloorFrom(results: readonly WriteResult[]): void {
    if (this.rootFloor === null) return;
    for (const result of results) if (result.ok) this.rootFloor = Math.max(this.rootFloor, result.timestamp);
  }

  /**
   * Each bucket's copies are refreshed by its own Writer: those of `groups`, and of the `deleted`
   * buckets that had any. A failure is logged; the upkeep repairs it.
   */
  private async copyMembershipsOf(groups: readonly string[], deleted: readonly string[]): Promise<void> {
    if (!isSharded(this.env)) return;
    let buckets = groups;
    try {
      buckets = [...new Set([...groups, ...(await bucketsWithCopies(this.env, deleted))])];
    } catch (error) {
      console.error("finding the copies of deleted buckets' memberships failed:", error instanceof Error ? error.name : "unknown error");
    }
    for (const bucket of buckets) {
      const uri = bucketUriOf(bucket);
      try {
        if (this.name === uri) await this.refreshMemberships(bucket);
        else await this.env.WRITER.get(this.env.WRITER.idFromName(uri)).refreshMemberships(bucket);
      } catch (error) {
        console.error("copying group memberships to the other shards failed:", error instanceof Error ? error.name : "unknown error");
      }
    }
  }

  private oneCopyAtATime(work: () => Promise<void>): Promise<void> {
    const next = this.copying.then(work);
    this.copying = next.catch(() => undefined);
    return next;
  }

  private cacheOf(shard: number): StateCache {
    let cache = this.caches.get(shard);
    if (cache === undefined) this.caches.set(shard, (cache = new StateCache()));
    return cache;
  }

  /** Consecutive queued requests that commit on `shard`, within MAX_GROUP_OPS. */
  private takeGroup(shard: number): Waiting[] {
    const group: Waiting[] = [];
    let ops = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0] as Waiting;
      if (next.placement !== shard) break;
      if (group.length > 0 && ops + next.request.ops.length > MAX_GROUP_OPS) break;
      group.push(this.queue.shift() as Waiting);
      ops += next.request.ops.length;
    }
    return group;
  }
}
