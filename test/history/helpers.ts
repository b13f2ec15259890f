/**
 * Fixtures of the history suites: the plugin is switched on (worker and Writers) through
 * settings overrides, so these suites do not depend on wrangler.toml's includes.
 */
import { call, okCall, withWriterSettings, type Call, type Vars } from "../permissions/helpers";
import type { Res } from "../resources/helpers";

export const HISTORY_VARS: Vars = {
  KINTO_INCLUDES: "kinto.plugins.accounts kinto.plugins.default_bucket kinto.plugins.flush kinto.plugins.history",
};

/** The Writers of a bucket's writes: the root (the bucket), the bucket (collections, groups), its collections. */
export function writersOf(bid: string, cids: string[]): string[] {
  return ["/", `/buckets/${bid}`, ...cids.map((cid) => `/buckets/${bid}/collections/${cid}`)];
}

/** Runs `fn` with history on in the Writers of `bid` and `cids` (plus `vars`). */
export function withHistory<T>(bid: string, cids: string[], fn: () => Promise<T>, vars: Vars = {}): Promise<T> {
  return withWriterSettings({ ...HISTORY_VARS, ...vars }, writersOf(bid, cids), fn);
}

/** A request to the worker with history on (plus `vars`). */
export function hcall(c: Call, vars: Vars = {}): Promise<Res> {
  return call({ ...c, vars: { ...HISTORY_VARS, ...vars, ...c.vars } });
}

export function hok(c: Call, vars: Vars = {}): Promise<Res> {
  return okCall({ ...c, vars: { ...HISTORY_VARS, ...vars, ...c.vars } });
}

/** The whole history of `bid` as `auth` (oldest first), following every page. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- entries are navigated freely by assertions
export async function historyOf(bid: string, auth: string | null, query = "", vars: Vars = {}): Promise<any[]> {
  const res = await hok({ url: `/buckets/${bid}/history${query}`, auth }, vars);
  return [...(res.body.data as unknown[])].reverse();
}
