/** Fuzz: random methods, headers and bodies on every route (harness.ts states the checks). */
import fc from "fast-check";
import { beforeAll, test } from "vitest";
import { headers, jsonText, method, who } from "./arbitraries";
import { routes, run, SEED, setUp, type Fixture } from "./harness";

let fixture: Fixture;
beforeAll(async () => {
  fixture = await setUp();
});

test("random methods and headers on every route", { timeout: 60_000 }, async () => {
  const request = fc.record({ method, url: routes(fixture), headers, as: who, body: fc.option(jsonText, { nil: undefined }) });
  await fc.assert(
    fc.asyncProperty(request, (req) => {
      const body = ["GET", "HEAD"].includes(req.method.toUpperCase()) ? undefined : req.body;
      return run(fixture, { ...req, body });
    }),
    { seed: SEED, numRuns: 200, endOnFailure: true },
  );
});
