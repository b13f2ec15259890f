/**
 * Fuzz: random querystrings on the plural and single endpoints, history's filters and
 * snapshots, Remote Settings' changes, changesets and broadcasts (../harness.ts, ../checks.ts).
 */
import fc from "fast-check";
import { headers, method, querystring, who } from "../arbitraries";
import type { FuzzRequest, Property } from "../harness";
import { changesQuery, historyQuery, timestampText } from "../params";
import { routeTable } from "../routes";

function withQuery({ url, query, ...req }: Omit<FuzzRequest, "url"> & { url: string; query: string }): FuzzRequest {
  return { ...req, url: `${url}?${query}` };
}

export const QUERY_PROPERTIES: Property[] = [
  {
    name: "random querystrings on the shared collection",
    numRuns: 350,
    requests: ({ records }) => {
      const url = fc.constantFrom(records, records, records, `${records}/r1`);
      return fc.record({ method: fc.constantFrom("GET", "GET", "GET", "HEAD", "DELETE"), url, query: querystring, as: who }).map(withQuery);
    },
  },
  {
    name: "random querystrings on the other plural endpoints",
    numRuns: 350,
    requests: ({ bid, cid, playground }) => {
      const url = fc.constantFrom(
        "/buckets",
        `/buckets/${bid}/collections`,
        `/buckets/${playground}/groups`,
        "/accounts",
        "/permissions",
        `/buckets/${bid}/history`,
        "/buckets/monitor/collections/changes/records",
        `/buckets/${bid}/collections/${cid}/changeset`,
      );
      return fc.record({ method: fc.constantFrom("GET", "GET", "GET", "HEAD", "DELETE"), url, query: querystring, as: who }).map(withQuery);
    },
  },
  {
    name: "random history filters and snapshots",
    numRuns: 250,
    requests: (fixture) => {
      const { bid, cid, playground } = fixture;
      const history = fc.constantFrom(...(routeTable(fixture)["/buckets/:bid/history"] ?? []));
      const time = fc.oneof(timestampText, fc.constant(String(fixture.timestamp)));
      const snapshot = fc
        .tuple(fc.constantFrom(`/buckets/${bid}`, `/buckets/${playground}`), fc.constantFrom(cid, "c1", "nope", ""), fc.constantFrom("@", "@@", ""), time)
        .map(([bucket, collection, at, t]) => `${bucket}/snapshot/collections/${encodeURIComponent(`${collection}${at}${t}`)}`);
      const url = fc.oneof({ weight: 3, arbitrary: history }, { weight: 1, arbitrary: snapshot });
      return fc.record({ method: fc.constantFrom("GET", "GET", "GET", "HEAD", "DELETE"), url, query: historyQuery, as: who }).map(withQuery);
    },
  },
  {
    name: "random polling of changes, changesets and broadcasts",
    numRuns: 350,
    requests: (fixture) => {
      const table = routeTable(fixture);
      const url = fc.constantFrom(
        ...(table["/buckets/monitor/collections/changes/records"] ?? []),
        ...(table["/buckets/:bid/collections/:cid/changeset"] ?? []),
        ...(table["/__broadcasts__"] ?? []),
      );
      const verb = fc.oneof({ weight: 8, arbitrary: fc.constant("GET") }, { weight: 1, arbitrary: fc.constant("HEAD") }, { weight: 1, arbitrary: method });
      const someHeaders = fc.oneof({ weight: 3, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: headers });
      return fc.record({ method: verb, url, query: changesQuery, as: who, headers: someHeaders }).map(withQuery);
    },
  },
];
