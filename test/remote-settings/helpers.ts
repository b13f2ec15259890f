/** Requests to an app with the changes part of kinto_remote_settings on (plus `vars`), and a D1 that counts its calls. */
import { env } from "cloudflare:workers";
import { buildApp } from "../../src/app";
import { toRes } from "../permissions/helpers";
import { AUTH, urlOf, type Res, type Who } from "../resources/helpers";

export type Vars = Record<string, string>;

const app = buildApp();

export const CHANGES_VARS: Vars = {
  KINTO_INCLUDES: "kinto.plugins.accounts kinto.plugins.default_bucket kinto_remote_settings",
};

/** D1 calls made through `counted` since it was created. */
export interface Counter {
  calls: number;
}

/** `db` with every `prepare`, `batch` and `exec` counted. */
export function counted(db: D1Database, counter: Counter): D1Database {
  return new Proxy(db, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      if (property === "batch" || property === "exec" || property === "prepare") {
        return (...args: unknown[]) => {
          if (property !== "prepare") counter.calls++;
          const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (property !== "prepare") return result;
          return countedStatement(result as D1PreparedStatement, counter);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

function countedStatement(statement: D1PreparedStatement, counter: Counter): D1PreparedStatement {
  return new Proxy(statement, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      if (property === "bind") return (...args: unknown[]) => countedStatement((value as (...a: unknown[]) => D1PreparedStatement).apply(target, args), counter);
      if (["first", "run", "all", "raw"].includes(String(property))) {
        return (...args: unknown[]) => {
          counter.calls++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

export interface Get {
  url: string;
  as?: Who;
  vars?: Vars;
  headers?: Record<string, string>;
  method?: string;
  counter?: Counter;
}

/** A request to an app over `{...env, ...CHANGES_VARS, ...vars}` (its D1 calls counted with `counter`). */
export async function get({ url, as = "anonymous", vars = {}, headers = {}, method = "GET", counter }: Get): Promise<Res> {
  const request = new Request(urlOf({ url }), { method, headers, redirect: "manual" });
  const auth = AUTH[as];
  if (auth !== null) request.headers.set("Authorization", auth);
  // Every shard's calls are counted (DB, and DB_1 in the workers-sharded project).
  const shards = Object.entries(env as object).filter(([name]) => /^DB(_\d+)?$/.test(name)) as [string, D1Database][];
  const bindings = { ...(env as object), ...CHANGES_VARS, ...vars, ...(counter ? Object.fromEntries(shards.map(([name, db]) => [name, counted(db, counter)])) : {}) };
  return toRes(await app.fetch(request, bindings));
}
