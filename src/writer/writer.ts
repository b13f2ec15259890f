/**
 * One Durable Object per written parent (see design.md): its mutex makes read-check-
 * assign-commit one critical section, so two writes to one parent never interleave.
 * Awaiting D1 does not hold the input gate; the mutex does.
 */
import { DurableObject } from "cloudflare:workers";
import { settingsOf } from "../config";
import type { Bindings } from "../env";
import { D1Storage } from "../storage/d1";
import { WriteEngine } from "./engine";
import { storageLedger } from "./token-ledger";
import type { WriteRequest, WriteResponse } from "./protocol";

export class Writer extends DurableObject<Bindings> {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after every earlier call has settled; no two bodies interleave. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Applies the operations in order and commits them in one D1 transaction. JSON in, JSON out. */
  async apply(request: string): Promise<string> {
    const parsed = JSON.parse(request) as WriteRequest;
    const engine = new WriteEngine(new D1Storage(this.env.DB), settingsOf(this.env), storageLedger(this.ctx.storage));
    const results = await this.exclusive(() => engine.run(parsed));
    return JSON.stringify({ results } satisfies WriteResponse);
  }
}
