// Scenario (s): search on a Buildhub-sized collection (issue #15). Seeds BENCH_S_RECORDS
// Buildhub-like records (buildhub-records.mjs) into a collection declaring `search`
// metadata and the faceted query's indexes (FACET_INDEXES), then times sequential POST …/search requests:
//   - faceted: bool filter on product + channel, terms aggregation on target.version, top 10 by build.date (target p50 < 100 ms);
//   - full text: match_phrase_prefix on a version prefix, `57.0b` (target p50 < 50 ms);
// and wrk POSTs of one record into a collection with text indexing (search metadata) and
// into one without (ratio target ≥ 0.8).
import { FACET_INDEXES, record, SEARCH_METADATA } from "./buildhub-records.mjs";

export const FACETED = {
  size: 10,
  sort: [{ "build.date": { order: "desc" } }],
  query: { bool: { filter: [{ term: { "source.product": "firefox" } }, { term: { "target.channel": "beta" } }] } },
  aggs: { versions: { terms: { field: "target.version", size: 10 } } },
};
export const VERSION_PREFIX = { size: 10, query: { match_phrase_prefix: { "target.version": "57.0b" } } };

function percentile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

async function timePosts(kinto, api, path, body, samples) {
  const times = [];
  const statuses = {};
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    const res = await api(kinto, "POST", path, body);
    times.push((performance.now() - t0) * 1000);
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  }
  const sorted = [...times].sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const non2xx = Object.entries(statuses).reduce((n, [code, count]) => (code >= 200 && code < 300 ? n : n + count), 0);
  return { rps: 1e6 / mean, p50_us: percentile(sorted, 0.5), p99_us: percentile(sorted, 0.99), mean_us: mean, samples, statuses, non2xx };
}

/**
 * Runs scenario (s) against a started kinto-edge. `ctx`: {kinto, api, expectOk, measure,
 * log, bucket, records, samples, seed(recordsPath, count, dataOf)}: the harness's seeding,
 * which restarts the server every BENCH_RESTART_EVERY records (wrangler dev's memory).
 * Returns its rows and notes.
 */
export async function searchScenario(ctx) {
  const { kinto, api, expectOk, measure, log, bucket } = ctx;
  const cid = "buildhub";
  const collection = `/buckets/${bucket}/collections/${cid}`;
  await expectOk(kinto, "PUT", collection, { data: { search: SEARCH_METADATA, indexes: FACET_INDEXES } });
  await expectOk(kinto, "PUT", `${collection}-plain`, { data: {} });
  log(`  (s) seeding ${ctx.records} Buildhub-like records`);
  const seeded = await ctx.seed(`${collection}/records`, ctx.records, (i) => ({ id: `b${String(i).padStart(7, "0")}`, ...record(i) }));
  const check = await expectOk(kinto, "POST", `${collection}/search`, FACETED, [200]);
  const prefix = await expectOk(kinto, "POST", `${collection}/search`, VERSION_PREFIX, [200]);
  const checks = `faceted → ${check.json.hits.total.value} hits, ${check.json.aggregations.versions.buckets.length} version buckets; 57.0b prefix → ${prefix.json.hits.total.value} hits`;
  log(`  (s) ${checks}`);
  const rows = {
    sFacet: await timePosts(kinto, api, `${collection}/search`, FACETED, ctx.samples),
    sText: await timePosts(kinto, api, `${collection}/search`, VERSION_PREFIX, ctx.samples),
  };
  const body = JSON.stringify({ data: record(ctx.records + 1) });
  rows.sWriteOn = await measure("(s) POST record, text indexed", { url: `${kinto.base}/v1${collection}/records`, body, auth: true }, kinto);
  rows.sWriteOff = await measure("(s) POST record, no search metadata", { url: `${kinto.base}/v1${collection}-plain/records`, body, auth: true }, kinto);
  return { rows, seeded, checks };
}
