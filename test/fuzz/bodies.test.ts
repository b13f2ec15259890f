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
  const request = fc.record({ method: fc.constantFrom("POST", "PUT", "PATCH"), url: routes(fixture), body: jsonText, as: who });
  await fc.assert(
    fc.asyncProperty(request, (req) => run(fixture, req)),
    { seed: SEED, numRuns: 200, endOnFailure: true },
  );
});
