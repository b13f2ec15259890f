/** Shared fixtures of the query tests. */
import { expect } from "vitest";
import { KintoError } from "../../src/errors";
import type { QueryOptions } from "../../src/protocol/query/types";

export const NOW = 1_700_000_000_000;
export const DAY_MS = 86_400_000;

export const DEFAULTS: QueryOptions = {
  settings: { paginateBy: null, storageMaxFetchSize: 10_000 },
  now: NOW,
};

/** Runs `fn`, expects a 400 errno 107 with exactly this one querystring detail. */
export function expect400(fn: () => unknown, name: string | null, description: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(KintoError);
  const error = caught as KintoError;
  expect(error.status).toBe(400);
  expect(error.errno).toBe(107);
  expect(error.details).toEqual([{ location: "querystring", name, description }]);
}
