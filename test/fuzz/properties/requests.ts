/** Fuzz properties: random JSON bodies, methods, headers and batches on every route (../harness.ts, ../checks.ts). */
import fc from "fast-check";
import type { Property } from "../harness";
import { headers, jsonText, method, who } from "../arbitraries";
import { batchBody } from "../batch";
import { anyPath } from "../routes";

const contentType = fc.constantFrom("application/json", "application/json", "application/merge-patch+json", "application/json-patch+json", "application/json; charset=utf-8");
const someHeaders = fc.oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: headers });

export const REQUEST_PROPERTIES: Property[] = [
  {
    name: "random JSON bodies on every write route",
    numRuns: 500,
    requests: (fixture) => {
      const { records } = fixture;
      // Mostly the shared collection: a body accepted there must not break its other readers.
      const url = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(records, `${records}/new-one`) }, { weight: 2, arbitrary: anyPath(fixture) });
      return fc.record({ method: fc.constantFrom("POST", "PUT", "PATCH"), url, body: jsonText, as: who, type: contentType }).map(({ type, ...req }) => ({ ...req, headers: { "Content-Type": type } }));
    },
  },
  {
    name: "random methods and headers on every route",
    numRuns: 600,
    requests: (fixture) =>
      fc.record({ method, url: anyPath(fixture), headers, as: who, body: fc.option(jsonText, { nil: undefined }) }).map((req) =>
        // fetch refuses a body on GET and HEAD.
        ["GET", "HEAD"].includes(req.method.toUpperCase()) ? { ...req, body: undefined } : req,
      ),
  },
  {
    name: "random batches of random sub-requests",
    numRuns: 300,
    requests: (fixture) => fc.record({ method: fc.constant("POST"), url: fc.constantFrom("/batch", "/batch", "/batch", "/batch/"), body: batchBody(fixture), as: who, headers: someHeaders }),
  },
];
