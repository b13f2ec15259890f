/**
 * The fuzz table: concrete paths (below `/v1`) for every registered route, keyed by the
 * route's pattern as `routesOf(buildApp())` lists it. routes.test.ts fails when a registered
 * route is neither here nor in UNFUZZED, so a new route cannot be left out silently.
 */
import fc from "fast-check";
import type { Fixture } from "./harness";

/** Registered routes no generator sends to, with the reason. */
export const UNFUZZED: Record<string, string> = {
  "/__flush__": "wipes every table, the fixture included: off in the fuzz settings (a request to it is a 404)",
};

export function routeTable({ bid, cid, records, playground, attachmentKey, timestamp }: Fixture): Record<string, readonly string[]> {
  const mine = `/buckets/${playground}`;
  return {
    "/": ["/"],
    "/__heartbeat__": ["/__heartbeat__"],
    "/__lbheartbeat__": ["/__lbheartbeat__"],
    "/__version__": ["/__version__"],
    "/__api__": ["/__api__"],
    "/contribute.json": ["/contribute.json"],
    "/__broadcasts__": ["/__broadcasts__"],
    "/cert-chains/:name": ["/cert-chains/unknown.pem", "/cert-chains/%00"],
    "/batch": ["/batch"],
    "/permissions": ["/permissions"],
    "/buckets": ["/buckets"],
    "/buckets/:id": [`/buckets/${bid}`, mine, "/buckets/default", "/buckets/%00", `/buckets/${"é".repeat(300)}`],
    "/buckets/:bid/collections": [`/buckets/${bid}/collections`, `${mine}/collections`],
    "/buckets/:bid/collections/:id": [`/buckets/${bid}/collections/${cid}`, `${mine}/collections/c1`, `${mine}/collections/c2`],
    "/buckets/:bid/groups": [`/buckets/${bid}/groups`, `${mine}/groups`],
    "/buckets/:bid/groups/:id": [`${mine}/groups/g1`, `${mine}/groups/g2`, `/buckets/${bid}/groups/g1`],
    "/buckets/:bid/collections/:cid/records": [records, `${mine}/collections/c1/records`, "/buckets/default/collections/tasks/records"],
    "/buckets/:bid/collections/:cid/records/:id": [`${records}/r1`, `${records}/r2`, `${records}/new-one`, `${mine}/collections/c1/records/r1`, `${records}/${"a".repeat(5000)}`],
    "/buckets/:bid/collections/:cid/records/:rid/attachment": [`${records}/r1/attachment`, `${records}/new-one/attachment`, `${mine}/collections/c1/records/r1/attachment`, `${records}/%2e%2e/attachment`],
    "/buckets/:bid/collections/:cid/records/:rid/attachment/uploads": [`${records}/r1/attachment/uploads`, `${mine}/collections/c1/records/r1/attachment/uploads`],
    "/buckets/:bid/collections/:cid/records/:rid/attachment/uploads/:upload": [`${records}/r1/attachment/uploads/nope`, `${records}/r1/attachment/uploads/${"u".repeat(300)}`],
    "/buckets/:bid/collections/:cid/records/:rid/attachment/uploads/:upload/parts/:part": [`${records}/r1/attachment/uploads/nope/parts/1`, `${records}/r1/attachment/uploads/nope/parts/-1`, `${records}/r1/attachment/uploads/nope/parts/99999999999`],
    "/buckets/:bid/collections/:cid/records/:rid/attachment/uploads/:upload/complete": [`${records}/r1/attachment/uploads/nope/complete`],
    "/buckets/:bid/collections/:cid/changes/live": [`/buckets/${bid}/collections/${cid}/changes/live`, `${mine}/collections/c1/changes/live`, "/buckets/nope/collections/nope/changes/live"],
    "/buckets/:bid/changes/live": [`/buckets/${bid}/changes/live`, `${mine}/changes/live`, "/buckets/nope/changes/live"],
    "/buckets/monitor/collections/changes/changes/live": ["/buckets/monitor/collections/changes/changes/live"],
    "/live-demo": ["/live-demo"],
    "/live-demo/live-changes.mjs": ["/live-demo/live-changes.mjs"],
    "/live-demo/kinto-http.min.js": ["/live-demo/kinto-http.min.js"],
    "/openid/:provider/login": ["/openid/nope/login", "/openid/localidp/login"],
    "/openid/:provider/token": ["/openid/nope/token", "/openid/localidp/token"],
    "/attachments/:key{.+}": [`/attachments/${attachmentKey}`, "/attachments/nothing-there", "/attachments/..%2F..%2Fetc", `/attachments/${"k".repeat(2000)}`],
    "/accounts": ["/accounts"],
    "/accounts/:id": ["/accounts/fuzzer", "/accounts/alice", `/accounts/${"é".repeat(20)}`],
    "/buckets/:bid/history": [`/buckets/${bid}/history`, `${mine}/history`, "/buckets/nope/history"],
    "/buckets/:bid/snapshot/collections/:spec": [`/buckets/${bid}/snapshot/collections/${cid}@${timestamp}`, `${mine}/snapshot/collections/c1@0`, `/buckets/${bid}/snapshot/collections/${cid}@x`, `/buckets/${bid}/snapshot/collections/${cid}`],
    "/buckets/monitor/collections/changes/records": ["/buckets/monitor/collections/changes/records"],
    "/buckets/:bid/collections/:cid/search": [`/buckets/${bid}/collections/${cid}/search`, `${mine}/collections/c1/search`, "/buckets/nope/collections/nope/search"],
    "/buckets/:bid/collections/:cid/changeset": [`/buckets/${bid}/collections/${cid}/changeset`, `${mine}/collections/c1/changeset`, "/buckets/monitor/collections/changes/changeset", "/buckets/nope/collections/nope/changeset"],
  };
}

/** Any route of the table, and paths that match none. */
export function anyPath(fixture: Fixture): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...Object.values(routeTable(fixture)).flat()) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((s) => `/${encodeURIComponent(s)}`) },
    { weight: 1, arbitrary: fc.constantFrom("//buckets", "/buckets/..%2F..", "/buckets/", "/batch/", "/attachments/", "/%ff") },
  );
}
