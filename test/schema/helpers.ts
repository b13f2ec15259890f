/** Fixtures of the JSON-schema tests (contract §3.3, §3.4, §3.6; validation is on in wrangler.toml). */
import { expect } from "vitest";
import { createBucket, ok, send, uid, type Res } from "../resources/helpers";

export const ARTICLE = {
  type: "object",
  properties: { title: { type: "string" }, views: { type: "integer", minimum: 0 } },
  required: ["title"],
} as const;

export interface SchemaFixture {
  bid: string;
  cid: string;
  /** `/buckets/{bid}/collections/{cid}` */
  collection: string;
  /** `/buckets/{bid}/collections/{cid}/records` */
  records: string;
  /** The collection's `last_modified`: the schema version stamped on valid records. */
  version: number;
}

/** A bucket of alice's (with `bucketData`) and a collection whose `schema` is `schema` (none when undefined). */
export async function schemaFixture(schema?: unknown, bucketData: Record<string, unknown> = {}): Promise<SchemaFixture> {
  const bid = await createBucket("alice", { data: bucketData });
  const cid = uid("c");
  const collection = `/buckets/${bid}/collections/${cid}`;
  const res = await ok({ method: "PUT", url: collection, body: { data: schema === undefined ? {} : { schema } } });
  return { bid, cid, collection, records: `${collection}/records`, version: res.body.data.last_modified };
}

/** Asserts a 400 errno 107 whose single body detail is named `name`; returns the detail. */
export function expectSchemaError(res: Res, name: string | number | RegExp): { name: unknown; description: string } {
  expect(res.status, res.text).toBe(400);
  expect(res.body).toMatchObject({ code: 400, errno: 107, error: "Invalid parameters" });
  const details = res.body.details as { location: string; name: unknown; description: string }[];
  expect(details).toHaveLength(1);
  const detail = details[0] as { location: string; name: unknown; description: string };
  expect(detail.location).toBe("body");
  if (name instanceof RegExp) expect(String(detail.name)).toMatch(name);
  else expect(detail.name).toBe(name);
  return detail;
}

/** The records of a collection, sorted by id. */
export async function recordIds(records: string): Promise<string[]> {
  return (await ok({ url: `${records}?_sort=id` })).body.data.map((r: { id: string }) => r.id);
}

export { send };
