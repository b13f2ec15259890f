/**
 * Round-trip probe: kinto-edge's own worker (src/index.ts, unchanged), with `env.DB` wrapped
 * so that every D1 round trip made while handling a request is counted. The count is returned
 * in the `X-Bench-D1-Round-Trips` response header, and what each one was in `X-Bench-D1-Trace`. One round trip = one `batch()`, `exec()`, or
 * one `all()` / `first()` / `run()` / `raw()` of a prepared statement.
 *
 * Only the worker's own D1 calls are counted: the Writer Durable Object gets its own, unwrapped
 * env, so for writes this counts the worker side only. bench/run.mjs starts this entry
 * (`wrangler dev bench/probe/index.ts --config wrangler.toml`) on the state left by the
 * measured run, sends each read scenario's request once, and uses the count in the table.
 */
import worker from "../../src/index";

export { Writer } from "../../src/index";

/**
 * Round trips of one request, and a short description of each: first words of its SQL (all of
 * it when the request has `X-Bench-D1-Trace-Full: 1`) and its wall time (workerd's clock
 * advances across I/O, which is what this measures).
 */
type Counter = { n: number; trace: string[]; full: boolean };
type AnyFunction = (...args: unknown[]) => unknown;

const STATEMENT_CALLS = new Set(["all", "first", "run", "raw"]);
const unwrapped = new WeakMap<object, object>();
const sqlOf = new WeakMap<object, string>();

function head(sql: string | undefined, counter: Counter, length = 60): string {
  const text = (sql ?? "?").replace(/\s+/g, " ").trim();
  return counter.full ? text : text.slice(0, length);
}

/** Counts one round trip; its trace entry gets the time the call took once it settles. */
function timed<T>(counter: Counter, label: string, call: () => T): T {
  counter.n += 1;
  const index = counter.trace.push(label) - 1;
  const started = Date.now();
  const result = call();
  if (result instanceof Promise) {
    return result.finally(() => {
      counter.trace[index] = `${label} [${Date.now() - started} ms]`;
    }) as T;
  }
  return result;
}

function method(target: object, key: string | symbol): AnyFunction | null {
  const value: unknown = Reflect.get(target, key, target);
  return typeof value === "function" ? (value as AnyFunction) : null;
}

function wrapStatement(statement: D1PreparedStatement, counter: Counter, sql: string): D1PreparedStatement {
  const proxy = new Proxy(statement, {
    get(target, key) {
      const fn = method(target, key);
      if (fn === null) return Reflect.get(target, key, target);
      if (key === "bind") return (...args: unknown[]) => wrapStatement(fn.apply(target, args) as D1PreparedStatement, counter, sql);
      if (typeof key === "string" && STATEMENT_CALLS.has(key)) {
        return (...args: unknown[]) => timed(counter, `${key}: ${head(sql, counter)}`, () => fn.apply(target, args));
      }
      return fn.bind(target);
    },
  });
  unwrapped.set(proxy, statement);
  sqlOf.set(proxy, sql);
  return proxy;
}

function wrapDatabase<T extends object>(db: T, counter: Counter): T {
  return new Proxy(db, {
    get(target, key) {
      const fn = method(target, key);
      if (fn === null) return Reflect.get(target, key, target);
      if (key === "prepare") {
        return (...args: unknown[]) => wrapStatement(fn.apply(target, args) as D1PreparedStatement, counter, String(args[0]));
      }
      if (key === "batch") {
        return (statements: object[], ...rest: unknown[]) =>
          timed(counter, `batch(${statements.length}): ${statements.map((s) => head(sqlOf.get(s), counter, 40)).join(" ; ")}`, () =>
            fn.call(target, statements.map((s) => unwrapped.get(s) ?? s), ...rest),
          );
      }
      if (key === "exec") {
        return (...args: unknown[]) => timed(counter, "exec", () => fn.apply(target, args));
      }
      if (key === "withSession") return (...args: unknown[]) => wrapDatabase(fn.apply(target, args) as object, counter);
      return fn.bind(target);
    },
  });
}

interface ProbeEnv {
  DB: D1Database;
  [binding: string]: unknown;
}

export default {
  async fetch(request: Request, env: ProbeEnv, ctx: ExecutionContext): Promise<Response> {
    const counter: Counter = { n: 0, trace: [], full: request.headers.get("X-Bench-D1-Trace-Full") === "1" };
    const started = Date.now();
    const wrapped = { ...env, DB: wrapDatabase(env.DB, counter) };
    const response = await worker.fetch(request, wrapped as never, ctx);
    const copy = new Response(response.body, response);
    copy.headers.set("X-Bench-D1-Round-Trips", String(counter.n));
    copy.headers.set("X-Bench-Elapsed-Ms", String(Date.now() - started));
    // Header-safe: printable ASCII only, bounded length.
    copy.headers.set("X-Bench-D1-Trace", counter.trace.join(" | ").replace(/[^\x20-\x7e]/g, "?").slice(0, counter.full ? 12000 : 4000));
    return copy;
  },
};
