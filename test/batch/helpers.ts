/** Helpers of the `/batch` tests (contract §8): send a batch, read its sub-responses. */
import { expect } from "vitest";
import { send, type Res, type Who } from "../resources/helpers";

/** One entry of a batch response (contract §8 "Response"). */
export interface SubResponse {
  status: number;
  path: string;
  headers: Record<string, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary JSON, navigated freely by assertions
  body: any;
}

/** Sends `POST /v1/batch` with `body` (JSON-encoded unless a string). */
export function postBatch(body: unknown, as: Who = "alice", headers?: Record<string, string | null>): Promise<Res> {
  return send({ method: "POST", url: "/batch", body, as, ...(headers ? { headers } : {}) });
}

/**
 * Sends a batch that must succeed: asserts 200 and one response per request, and returns the
 * responses in request order.
 */
export async function runBatch(
  requests: unknown[],
  defaults?: Record<string, unknown>,
  as: Who = "alice",
): Promise<SubResponse[]> {
  const res = await postBatch({ ...(defaults ? { defaults } : {}), requests }, as);
  expect(res.status, res.text.slice(0, 500)).toBe(200);
  expect(Object.keys(res.body)).toEqual(["responses"]);
  expect(res.body.responses).toHaveLength(requests.length);
  return res.body.responses as SubResponse[];
}

/** The statuses of a batch's sub-responses, for compact assertions. */
export function statuses(responses: SubResponse[]): number[] {
  return responses.map((r) => r.status);
}
