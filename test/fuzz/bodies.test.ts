/** Fuzz: random JSON bodies on every write route (harness.ts states the checks). */
import fc from "fast-check";
import { beforeAll, test } from "vitest";
import { jsonText, who } from "./arbitraries";
import { routes, run, SEED, setUp, type Fixture } from "./harness";

let fixture: Fixture;
beforeAll(async () => {
  fixture = await setUp();
});

test("random JSON bodies on every write route", { timeout: 60_000 }, async () => {
  const { records } = fixture;
  // Mostly the shared collection: a body accepted there must not break its other readers.
  const url = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(records, `${records}/new-one`) }, { weight: 2, arbitrary: routes(fixture) });
  const request = fc.record({ method: fc.constantFrom("POST", "PUT", "PATCH"), url, body: jsonText, as: who });
  await fc.assert(
    fc.asyncProperty(request, (req) => run(fixture, req)),
    { seed: SEED, numRuns: 200, endOnFailure: true },
  );
});
