/** The review workflow of Remote Settings' signer (contract §12.2), through the HTTP API. */
import { beforeAll, describe, expect, it } from "vitest";
import { send, uid, userIdOf } from "../../resources/helpers";
import { collection, ensureBucket, MAIN, PREVIEW, PUBLISHED, setStatus, STAGING, verifyChangeset, WORKSPACE } from "./helpers";

let alice = "";
let bob = "";

beforeAll(async () => {
  alice = await userIdOf("alice");
  bob = await userIdOf("bob");
  await ensureBucket(WORKSPACE);
  await ensureBucket(STAGING);
});

/** A new source collection of main-workspace where bob is a reviewer. */
async function reviewed(): Promise<string> {
  const cid = uid("c");
  const created = await send({ method: "PUT", url: `/buckets/${WORKSPACE}/collections/${cid}`, body: { data: {} } });
  expect(created.status, created.text).toBe(201);
  const added = await send({ method: "PATCH", url: `/buckets/${WORKSPACE}/groups/${cid}-reviewers`, body: { data: { members: [bob] } } });
  expect(added.status, added.text).toBe(200);
  return cid;
}

describe("a new source collection", () => {
  it("gets its groups, a signed empty preview and destination, and the status signed", async () => {
    const cid = uid("c");
    const created = await send({ method: "PUT", url: `/buckets/${WORKSPACE}/collections/${cid}`, body: { data: { sort: "-age" } } });
    expect(created.status, created.text).toBe(201);
    const source = await collection(WORKSPACE, cid);
    expect(source).toMatchObject({ status: "signed", last_signature_by: alice });
    expect(typeof source.last_signature_date).toBe("string");
    const permissions = (await send({ url: `/buckets/${WORKSPACE}/collections/${cid}` })).body.permissions;
    expect(permissions.write).toEqual(expect.arrayContaining([`/buckets/${WORKSPACE}/groups/${cid}-editors`, `/buckets/${WORKSPACE}/groups/${cid}-reviewers`, alice]));
    const editors = await send({ url: `/buckets/${WORKSPACE}/groups/${cid}-editors` });
    expect(editors.body.data.members).toEqual([alice]);
    const reviewers = await send({ url: `/buckets/${WORKSPACE}/groups/${cid}-reviewers` });
    expect(reviewers.body.data.members).toEqual([]);
    for (const bid of [PREVIEW, MAIN]) {
      const verified = await verifyChangeset(bid, cid);
      expect(verified.valid).toBe(true);
      expect(verified.records).toEqual([]);
      expect(verified.metadata.sort).toBe("-age");
      expect(verified.metadata.signature).toMatchObject({ type: "contentsignature", ref: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    }
  });
});

describe("the review cycle", () => {
  it("edits, asks for a review, and is approved by another person into a verifiable destination", async () => {
    const cid = await reviewed();
    const records = `/buckets/${WORKSPACE}/collections/${cid}/records`;
    for (const title of ["café", "naïve ☃", "plain"]) {
      const res = await send({ method: "POST", url: records, body: { data: { title, n: 1 } } });
      expect(res.status, res.text).toBe(201);
    }
    expect(await collection(WORKSPACE, cid)).toMatchObject({ status: "work-in-progress", last_edit_by: alice });
    expect((await verifyChangeset(MAIN, cid)).records).toEqual([]);

    const asked = await setStatus(WORKSPACE, cid, "to-review", "alice", { last_editor_comment: "three titles" });
    expect(asked.status, asked.text).toBe(200);
    expect(await collection(WORKSPACE, cid)).toMatchObject({ status: "to-review", last_review_request_by: alice, last_editor_comment: "three titles" });
    const preview = await verifyChangeset(PREVIEW, cid);
    expect(preview.valid).toBe(true);
    expect(preview.records.map((r) => r.title).sort()).toEqual(["café", "naïve ☃", "plain"]);
    expect((await verifyChangeset(MAIN, cid)).records).toEqual([]);

    const approved = await setStatus(WORKSPACE, cid, "to-sign", "bob");
    expect(approved.status, approved.text).toBe(200);
    const source = await collection(WORKSPACE, cid);
    expect(source).toMatchObject({ status: "signed", last_review_by: bob, last_signature_by: bob });
    const published = await verifyChangeset(MAIN, cid);
    expect(published.valid).toBe(true);
    expect(published.records.map((r) => r.title).sort()).toEqual(["café", "naïve ☃", "plain"]);
    // The destination keeps its own timestamps: newer than the source's.
    const sourceRecords = (await send({ url: records })).body.data as { id: string; last_modified: number }[];
    for (const record of published.records) {
      const original = sourceRecords.find((r) => r.id === record.id);
      expect(record.last_modified as number).toBeGreaterThan(original?.last_modified ?? Infinity);
    }
  });

  it("publishes deletions as tombstones and re-signs the remaining records", async () => {
    const cid = await reviewed();
    const records = `/buckets/${WORKSPACE}/collections/${cid}/records`;
    const kept = await send({ method: "POST", url: records, body: { data: { v: 1 } } });
    const gone = await send({ method: "POST", url: records, body: { data: { v: 2 } } });
    await setStatus(WORKSPACE, cid, "to-review");
    expect((await setStatus(WORKSPACE, cid, "to-sign", "bob")).status).toBe(200);
    await send({ method: "DELETE", url: `${records}/${gone.body.data.id}` });
    await setStatus(WORKSPACE, cid, "to-review");
    expect((await setStatus(WORKSPACE, cid, "to-sign", "bob")).status).toBe(200);
    const published = await verifyChangeset(MAIN, cid);
    expect(published.valid).toBe(true);
    expect(published.records.map((r) => r.id)).toEqual([kept.body.data.id]);
    const since = await send({ url: `/buckets/${MAIN}/collections/${cid}/changeset?_expected=1&_since=0` });
    expect(since.body.changes).toContainEqual(expect.objectContaining({ id: gone.body.data.id, deleted: true }));
  });

  it("accepts a review request with nothing changed, as Remote Settings does (no check on empty change sets)", async () => {
    const cid = await reviewed();
    const asked = await setStatus(WORKSPACE, cid, "to-review");
    expect(asked.status, asked.text).toBe(200);
    expect(await collection(WORKSPACE, cid)).toMatchObject({ status: "to-review", last_review_request_by: alice });
    expect((await verifyChangeset(PREVIEW, cid)).valid).toBe(true);
    expect((await setStatus(WORKSPACE, cid, "to-sign", "bob")).status).toBe(200);
    expect((await verifyChangeset(MAIN, cid)).records).toEqual([]);
  });

  it("lets the reviewer reject: back to work-in-progress, nothing published", async () => {
    const cid = await reviewed();
    await send({ method: "POST", url: `/buckets/${WORKSPACE}/collections/${cid}/records`, body: { data: { v: 1 } } });
    await setStatus(WORKSPACE, cid, "to-review");
    const rejected = await setStatus(WORKSPACE, cid, "work-in-progress", "bob", { last_reviewer_comment: "no" });
    expect(rejected.status, rejected.text).toBe(200);
    expect(await collection(WORKSPACE, cid)).toMatchObject({ status: "work-in-progress", last_reviewer_comment: "no" });
    expect((await verifyChangeset(MAIN, cid)).records).toEqual([]);
  });

  it("rolls the source and the preview back to the destination", async () => {
    const cid = await reviewed();
    const records = `/buckets/${WORKSPACE}/collections/${cid}/records`;
    const first = await send({ method: "POST", url: records, body: { data: { v: 1 } } });
    await setStatus(WORKSPACE, cid, "to-review");
    await setStatus(WORKSPACE, cid, "to-sign", "bob");
    await send({ method: "PATCH", url: `${records}/${first.body.data.id}`, body: { data: { v: 99 } } });
    await send({ method: "POST", url: records, body: { data: { v: 2 } } });
    await setStatus(WORKSPACE, cid, "to-review");
    const rolled = await setStatus(WORKSPACE, cid, "to-rollback");
    expect(rolled.status, rolled.text).toBe(200);
    expect(await collection(WORKSPACE, cid)).toMatchObject({ status: "signed", last_editor_comment: "", last_reviewer_comment: "" });
    const source = (await send({ url: records })).body.data as { id: string; v: number }[];
    expect(source.map((r) => [r.id, r.v])).toEqual([[first.body.data.id, 1]]);
    const preview = await verifyChangeset(PREVIEW, cid);
    expect(preview.valid).toBe(true);
    expect(preview.records.map((r) => [r.id, r.v])).toEqual([[first.body.data.id, 1]]);
  });

  it("re-signs on to-resign and restores the previous status", async () => {
    const cid = await reviewed();
    const before = await verifyChangeset(MAIN, cid);
    const res = await setStatus(WORKSPACE, cid, "to-resign");
    expect(res.status, res.text).toBe(200);
    expect(await collection(WORKSPACE, cid)).toMatchObject({ status: "signed", last_signature_by: alice });
    const after = await verifyChangeset(MAIN, cid);
    expect(after.valid).toBe(true);
    expect(after.timestamp).toBe(before.timestamp);
  });
});

describe("a workflow without preview nor review", () => {
  it("signs on to-sign by the editor", async () => {
    const cid = uid("c");
    expect((await send({ method: "PUT", url: `/buckets/${STAGING}/collections/${cid}`, body: { data: {} } })).status).toBe(201);
    await send({ method: "POST", url: `/buckets/${STAGING}/collections/${cid}/records`, body: { data: { serial: "01" } } });
    const res = await setStatus(STAGING, cid, "to-sign");
    expect(res.status, res.text).toBe(200);
    expect(await collection(STAGING, cid)).toMatchObject({ status: "signed", last_review_by: alice });
    const published = await verifyChangeset(PUBLISHED, cid);
    expect(published.valid).toBe(true);
    expect(published.records.map((r) => r.serial)).toEqual(["01"]);
  });

  it("only tracks the request on to-review", async () => {
    const cid = uid("c");
    await send({ method: "PUT", url: `/buckets/${STAGING}/collections/${cid}`, body: { data: {} } });
    const res = await setStatus(STAGING, cid, "to-review");
    expect(res.status, res.text).toBe(200);
    expect(await collection(STAGING, cid)).toMatchObject({ status: "to-review", last_review_request_by: alice });
  });
});
