/**
 * `POST /batch` bodies: sub-requests on any route (paths with or without `/v1`, with
 * querystrings, absolute URLs, garbage), random methods, headers and bodies, `defaults`,
 * nested batches, batches past `batch_max_requests`, and bodies that are no batch at all.
 */
import fc from "fast-check";
import { headers, jsonText, method, querystring, text } from "./arbitraries";
import type { Fixture } from "./harness";
import { anyPath } from "./routes";

const json = fc.jsonValue({ maxDepth: 4 });

function subRequest(fixture: Fixture): fc.Arbitrary<Record<string, unknown>> {
  const path = fc.oneof(
    { weight: 5, arbitrary: anyPath(fixture) },
    { weight: 2, arbitrary: fc.tuple(anyPath(fixture), querystring).map(([p, q]) => `${p}?${q}`) },
    { weight: 1, arbitrary: anyPath(fixture).map((p) => `/v1${p}`) },
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom("http://evil.example/v1/", "v1/buckets", "", "/v2/buckets", "/batch", "/v1/batch"), text) },
  );
  const body = fc.oneof(
    fc.record({ data: fc.dictionary(text, json, { maxKeys: 6 }) }, { requiredKeys: [] }),
    fc.record({ data: json, permissions: json }, { requiredKeys: [] }),
    json,
  );
  return fc.record(
    {
      method: fc.oneof(method, fc.constantFrom("CONNECT", "FOO", ""), json),
      path: fc.oneof({ weight: 9, arbitrary: path }, { weight: 1, arbitrary: json }),
      body,
      headers: fc.oneof({ weight: 4, arbitrary: headers }, { weight: 1, arbitrary: json }),
    },
    { requiredKeys: [] },
  );
}

export function batchBody(fixture: Fixture): fc.Arbitrary<string> {
  const sub = subRequest(fixture);
  const nested = fc.array(sub, { maxLength: 3 }).map((requests) => ({ method: "POST", path: "/batch", body: { requests } }));
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ defaults: sub, requests: fc.array(fc.oneof({ weight: 5, arbitrary: sub }, { weight: 1, arbitrary: nested }), { maxLength: 5 }) }, { requiredKeys: ["requests"] }).map((b) => JSON.stringify(b)) },
    { weight: 1, arbitrary: fc.integer({ min: 24, max: 30 }).map((n) => JSON.stringify({ requests: Array.from({ length: n }, () => ({ path: "/" })) })) },
    { weight: 1, arbitrary: fc.oneof(jsonText, fc.jsonValue().map((v) => JSON.stringify({ requests: v }))) },
  );
}
