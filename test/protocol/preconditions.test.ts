/**
 * C14/C15: the precondition matrix of contract §2.8 — 304 on GET/HEAD, the 412 rule in order,
 * 412 bodies (`details.existing` only for existing objects) and their ETag headers: the object's,
 * or for a missing object its list's (Kinto's `model.timestamp()`), so a client can resync.
 *
 * Placeholders, filled per test from a fresh fixture: `{record}` an existing record (title
 * "hello") at timestamp `{rts}`, `{records}` its list at list timestamp `{lts}`, `{gone}` a
 * deleted record id (tombstone), `{free}` an id never used.
 */
import { describe, expect, test } from "vitest";
import { etagOf, fill, ok, recordFixture, scenario, send, uid, type Scenario } from "../resources/helpers";

const MODIFIED = "Resource was modified meanwhile";

interface Row extends Scenario {
  /** 412: whether `details.existing` must be the current record. */
  existing?: boolean;
  /** Whether ETag/Last-Modified must be `{rts}` (object) or `{lts}` (list). */
  etag?: "rts" | "lts";
}

const rows: Row[] = [
  // 304 rule (GET/HEAD only, before the 412 rule)
  { name: "object GET, If-None-Match current → 304", url: "{record}", headers: { "If-None-Match": '"{rts}"' }, status: 304, emptyBody: true, etag: "rts" },
  { name: "object HEAD, If-None-Match current → 304", method: "HEAD", url: "{record}", headers: { "If-None-Match": '"{rts}"' }, status: 304, emptyBody: true, etag: "rts" },
  { name: "plural GET, If-None-Match list ts → 304", url: "{records}", headers: { "If-None-Match": '"{lts}"' }, status: 304, emptyBody: true, etag: "lts" },
  { name: "plural HEAD, If-None-Match list ts → 304", method: "HEAD", url: "{records}", headers: { "If-None-Match": '"{lts}"' }, status: 304, emptyBody: true, etag: "lts" },
  { name: "object GET, If-None-Match other number → 200", url: "{record}", headers: { "If-None-Match": '"1"' }, status: 200, expectBody: { data: { title: "hello" } }, etag: "rts" },
  { name: "plural GET, If-None-Match other number → 200", url: "{records}", headers: { "If-None-Match": '"1"' }, status: 200, etag: "lts" },
  // 412 rule on object GET
  { name: "object GET, If-None-Match * on existing → 412 (not 304)", url: "{record}", headers: { "If-None-Match": "*" }, status: 412, errno: 114, existing: true, etag: "rts" },
  { name: "object GET, If-Match stale → 412 with existing", url: "{record}", headers: { "If-Match": '"1"' }, status: 412, errno: 114, existing: true, etag: "rts" },
  { name: "object GET, If-Match current → 200", url: "{record}", headers: { "If-Match": '"{rts}"' }, status: 200, etag: "rts" },
  { name: "object GET, If-Match * on existing → 200", url: "{record}", headers: { "If-Match": "*" }, status: 200 },
  { name: "object GET of a missing object, If-Match → 404", url: "{records}/{free}", headers: { "If-Match": '"1"' }, status: 404, errno: 110 },
  { name: "object GET of a missing object, If-None-Match * → 404", url: "{records}/{free}", headers: { "If-None-Match": "*" }, status: 404, errno: 110 },
  { name: "object GET of a tombstone, If-None-Match → 404", url: "{records}/{gone}", headers: { "If-None-Match": '"{rts}"' }, status: 404, errno: 110 },
  // PUT
  { name: "PUT + If-None-Match * on a free id → 201", method: "PUT", url: "{records}/{free}", headers: { "If-None-Match": "*" }, body: { data: { a: 1 } }, status: 201, expectBody: { data: { a: 1 } } },
  { name: "PUT + If-None-Match * on a tombstone → 201", method: "PUT", url: "{records}/{gone}", headers: { "If-None-Match": "*" }, body: { data: { a: 1 } }, status: 201, expectBody: { data: { id: "{gone}", a: 1 } } },
  { name: "PUT + If-None-Match * on an existing object → 412 with existing", method: "PUT", url: "{record}", headers: { "If-None-Match": "*" }, body: { data: { a: 1 } }, status: 412, errno: 114, existing: true, etag: "rts" },
  { name: "PUT + If-Match current → 200", method: "PUT", url: "{record}", headers: { "If-Match": '"{rts}"' }, body: { data: { a: 1 } }, status: 200, expectBody: { data: { a: 1 } } },
  { name: "PUT + If-Match * on existing → 200", method: "PUT", url: "{record}", headers: { "If-Match": "*" }, body: { data: { a: 1 } }, status: 200 },
  { name: "PUT + If-Match stale → 412 with existing", method: "PUT", url: "{record}", headers: { "If-Match": '"1"' }, body: { data: { a: 1 } }, status: 412, errno: 114, existing: true, etag: "rts" },
  { name: "PUT + If-Match number on a missing object → 412 without details", method: "PUT", url: "{records}/{free}", headers: { "If-Match": '"{rts}"' }, body: { data: { a: 1 } }, status: 412, errno: 114, absent: ["details"], etag: "lts" },
  { name: "PUT + If-Match * on a missing object → 412 without details", method: "PUT", url: "{records}/{free}", headers: { "If-Match": "*" }, body: { data: { a: 1 } }, status: 412, errno: 114, absent: ["details"], etag: "lts" },
  { name: "PUT + If-Match on a tombstone → 412 without details", method: "PUT", url: "{records}/{gone}", headers: { "If-Match": "*" }, body: { data: { a: 1 } }, status: 412, errno: 114, absent: ["details"], etag: "lts" },
  { name: "PUT + If-None-Match number on existing never 412s → 200", method: "PUT", url: "{record}", headers: { "If-None-Match": '"{rts}"' }, body: { data: { a: 1 } }, status: 200 },
  { name: "PUT + If-None-Match number on a free id → 201", method: "PUT", url: "{records}/{free}", headers: { "If-None-Match": '"1"' }, body: { data: { a: 1 } }, status: 201 },
  // PATCH
  { name: "PATCH + If-Match current → 200", method: "PATCH", url: "{record}", headers: { "If-Match": '"{rts}"' }, body: { data: { a: 1 } }, status: 200, expectBody: { data: { title: "hello", a: 1 } } },
  { name: "PATCH + If-Match stale → 412 with existing", method: "PATCH", url: "{record}", headers: { "If-Match": '"1"' }, body: { data: { a: 1 } }, status: 412, errno: 114, existing: true, etag: "rts" },
  { name: "PATCH + If-None-Match * on existing → 412 with existing", method: "PATCH", url: "{record}", headers: { "If-None-Match": "*" }, body: { data: { a: 1 } }, status: 412, errno: 114, existing: true, etag: "rts" },
  { name: "PATCH of a missing object + If-Match → 404", method: "PATCH", url: "{records}/{free}", headers: { "If-Match": '"1"' }, body: { data: { a: 1 } }, status: 404, errno: 110 },
  // DELETE
  { name: "DELETE + If-Match current → 200", method: "DELETE", url: "{record}", headers: { "If-Match": '"{rts}"' }, status: 200, expectBody: { data: { deleted: true } } },
  { name: "DELETE + If-Match * → 200", method: "DELETE", url: "{record}", headers: { "If-Match": "*" }, status: 200 },
  { name: "DELETE + If-Match stale → 412 with existing", method: "DELETE", url: "{record}", headers: { "If-Match": '"1"' }, status: 412, errno: 114, existing: true, etag: "rts" },
  { name: "DELETE + If-None-Match * on existing → 412", method: "DELETE", url: "{record}", headers: { "If-None-Match": "*" }, status: 412, errno: 114, existing: true },
  { name: "DELETE of a missing object + If-Match → 404", method: "DELETE", url: "{records}/{free}", headers: { "If-Match": '"1"' }, status: 404, errno: 110 },
  // POST on the plural endpoint
  { name: "POST {data: {id}} + If-None-Match *, id exists → 412 with existing", method: "POST", url: "{records}", headers: { "If-None-Match": "*" }, body: { data: { id: "{rid}", a: 1 } }, status: 412, errno: 114, existing: true, etag: "rts" },
  { name: "POST {data: {id}} + If-None-Match *, id free → 201", method: "POST", url: "{records}", headers: { "If-None-Match": "*" }, body: { data: { id: "{free}" } }, status: 201, expectBody: { data: { id: "{free}" } } },
  { name: "POST {data: {id}} + If-None-Match *, id is a tombstone → 201", method: "POST", url: "{records}", headers: { "If-None-Match": "*" }, body: { data: { id: "{gone}" } }, status: 201 },
  { name: "POST without id + If-None-Match * → 201", method: "POST", url: "{records}", headers: { "If-None-Match": "*" }, body: { data: {} }, status: 201 },
  { name: "POST creating a new object + If-Match * → 412", method: "POST", url: "{records}", headers: { "If-Match": "*" }, body: { data: { a: 1 } }, status: 412, errno: 114, absent: ["details"] },
  { name: "POST creating a new object + If-Match number → 412", method: "POST", url: "{records}", headers: { "If-Match": '"{lts}"' }, body: { data: { id: "{free}" } }, status: 412, errno: 114, absent: ["details"], etag: "lts" },
  { name: "POST of an existing id + If-Match current → 200 unchanged", method: "POST", url: "{records}", headers: { "If-Match": '"{rts}"' }, body: { data: { id: "{rid}", title: "changed" } }, status: 200, expectBody: { data: { title: "hello" } } },
  { name: "POST of an existing id + If-Match stale → 412 with existing", method: "POST", url: "{records}", headers: { "If-Match": '"1"' }, body: { data: { id: "{rid}" } }, status: 412, errno: 114, existing: true },
  // Plural endpoints: the target always exists, its timestamp is the list timestamp
  { name: "plural GET + If-None-Match * → 412", url: "{records}", headers: { "If-None-Match": "*" }, status: 412, errno: 114, absent: ["details"], etag: "lts" },
  { name: "plural DELETE + If-None-Match * → 412", method: "DELETE", url: "{records}", headers: { "If-None-Match": "*" }, status: 412, errno: 114, absent: ["details"], etag: "lts" },
  { name: "plural GET + If-Match * → 200", url: "{records}", headers: { "If-Match": "*" }, status: 200 },
  { name: "plural DELETE + If-Match * → 200", method: "DELETE", url: "{records}", headers: { "If-Match": "*" }, status: 200 },
  { name: "plural GET + If-Match list ts → 200", url: "{records}", headers: { "If-Match": '"{lts}"' }, status: 200 },
  { name: "plural DELETE + If-Match list ts → 200", method: "DELETE", url: "{records}", headers: { "If-Match": '"{lts}"' }, status: 200 },
  { name: "plural GET + If-Match other → 412", url: "{records}", headers: { "If-Match": '"{rts}"' }, status: 412, errno: 114, absent: ["details"], etag: "lts" },
  { name: "plural HEAD + If-Match other → 412", method: "HEAD", url: "{records}", headers: { "If-Match": '"1"' }, status: 412, etag: "lts" },
  { name: "plural DELETE + If-Match other → 412", method: "DELETE", url: "{records}", headers: { "If-Match": '"1"' }, status: 412, errno: 114, absent: ["details"], etag: "lts" },
  // Header syntax
  { name: "If-None-Match W/\"1\" → 400", url: "{record}", headers: { "If-None-Match": 'W/"1"' }, status: 400, errno: 107, expectBody: { message: expect.stringContaining("The value should be integer between double quotes.") } },
  { name: "If-None-Match abc → 400", url: "{records}", headers: { "If-None-Match": "abc" }, status: 400, errno: 107 },
  { name: "If-None-Match unquoted number → 400", url: "{record}", headers: { "If-None-Match": "{rts}" }, status: 400, errno: 107 },
  { name: "If-Match abc on PUT → 400", method: "PUT", url: "{record}", headers: { "If-Match": "abc" }, body: { data: {} }, status: 400, errno: 107 },
  { name: "If-Match W/\"1\" on DELETE → 400", method: "DELETE", url: "{record}", headers: { "If-Match": 'W/"{rts}"' }, status: 400, errno: 107 },
  // If-Modified-Since / If-Unmodified-Since are ignored
  { name: "If-Unmodified-Since is ignored", method: "PATCH", url: "{record}", headers: { "If-Unmodified-Since": "Thu, 01 Jan 1970 00:00:00 GMT" }, body: { data: { a: 1 } }, status: 200 },
  { name: "If-Modified-Since is ignored", url: "{record}", headers: { "If-Modified-Since": "Thu, 01 Jan 2099 00:00:00 GMT" }, status: 200 },
];

async function fixture() {
  const f = await recordFixture();
  const gone = uid("gone");
  await ok({ method: "PUT", url: `${f.records}/${gone}`, body: { data: {} } });
  await ok({ method: "DELETE", url: `${f.records}/${gone}` });
  // The gone tombstone moved the list timestamp past the record's.
  const lts = etagOf(await ok({ url: f.records }));
  return { ...f, gone, free: uid("free"), lts };
}

describe("precondition matrix (§2.8)", () => {
  test.each(rows)("$name", async (row) => {
    const f = await fixture();
    const vars = { record: f.record, records: f.records, rid: f.rid, rts: f.rts, lts: f.lts, gone: f.gone, free: f.free };
    const before = await ok({ url: f.record });
    const res = await scenario(fill(row, vars));
    if (row.status === 412 && row.method !== "HEAD") {
      expect(res.body.message).toBe(MODIFIED);
      expect(res.body.error).toBe("Precondition Failed");
    }
    if (row.existing) {
      expect(res.body.details).toEqual({ existing: before.body.data });
      expect(res.body.details.existing).not.toHaveProperty("permissions");
    }
    if (row.etag) {
      const ts = row.etag === "rts" ? f.rts : f.lts;
      expect(res.headers.get("ETag")).toBe(`"${ts}"`);
      expect(res.headers.get("Last-Modified")).toBe(new Date(Math.floor(ts / 1000) * 1000).toUTCString());
    }
    if (res.status === 412 || res.status === 304 || res.status >= 400) {
      // Nothing changed.
      const after = await ok({ url: f.record });
      expect(after.body.data).toEqual(before.body.data);
      expect(etagOf(await ok({ url: f.records }))).toBe(f.lts);
    }
  });
});

describe("preconditions on other resources", () => {
  test("bucket and collection objects follow the same rules", async () => {
    const f = await fixture();
    const bucketUrl = `/buckets/${f.bid}`;
    const bucket = await ok({ url: bucketUrl });
    const bts = etagOf(bucket);
    expect((await send({ url: bucketUrl, headers: { "If-None-Match": `"${bts}"` } })).status).toBe(304);
    const stale = await send({ method: "PATCH", url: bucketUrl, headers: { "If-Match": `"${bts - 1}"` }, body: { data: { a: 1 } } });
    expect(stale.status).toBe(412);
    expect(stale.body.details.existing).toEqual(bucket.body.data);
    const put = await send({ method: "PUT", url: `/buckets/${f.bid}/collections/${f.cid}`, headers: { "If-None-Match": "*" }, body: {} });
    expect(put.status).toBe(412);
    expect(put.body.details.existing.id).toBe(f.cid);
  });

  test("a 304 answer is followed by a 200 once the object changes", async () => {
    const f = await fixture();
    const headers = { "If-None-Match": `"${f.rts}"` };
    expect((await send({ url: f.record, headers })).status).toBe(304);
    await ok({ method: "PATCH", url: f.record, body: { data: { v: 2 } } });
    const res = await send({ url: f.record, headers });
    expect(res.status).toBe(200);
    expect(res.body.data.v).toBe(2);
    expect((await send({ url: f.records, headers: { "If-None-Match": `"${f.lts}"` } })).status).toBe(200);
  });
});

describe("412 inside a batch", () => {
  test("a sub-response carries the ETag of the current state, as a single request's does", async () => {
    const f = await fixture();
    const res = await ok({
      method: "POST",
      url: "/batch",
      body: {
        requests: [
          { method: "PUT", path: f.record, headers: { "If-Match": '"1"' }, body: { data: { title: "stale" } } },
          { method: "PUT", path: `${f.records}/${f.free}`, headers: { "If-Match": '"1"' }, body: { data: {} } },
        ],
      },
    });
    const [existing, missing] = res.body.responses as { status: number; headers: Record<string, string> }[];
    expect(existing?.status).toBe(412);
    expect(existing?.headers.ETag).toBe(`"${f.rts}"`);
    expect(missing?.status).toBe(412);
    expect(missing?.headers.ETag).toBe(`"${f.lts}"`);
  });
});
