/** Fuzz: random querystrings on plural and single endpoints (harness.ts states the checks). */
import fc from "fast-check";
import { beforeAll, test } from "vitest";
import { querystring, who } from "./arbitraries";
import { run, SEED, setUp, type Fixture } from "./harness";

let fixture: Fixture;
beforeAll(async () => {
  fixture = await setUp();
});

test("random querystrings on the plural and single endpoints", { timeout: 60_000 }, async () => {
  const { records, bid, playground } = fixture;
  const target = fc.constantFrom(records, `${records}/r1`, "/buckets", `/buckets/${bid}/collections`, "/permissions", `/buckets/${playground}/groups`);
  const request = fc.record({ method: fc.constantFrom("GET", "GET", "GET", "HEAD", "DELETE"), target, query: querystring, as: who });
  await fc.assert(
    fc.asyncProperty(request, ({ method, target: url, query, as }) => run(fixture, { method, url: `${url}?${query}`, as })),
    { seed: SEED, numRuns: 300, endOnFailure: true },
  );
});
