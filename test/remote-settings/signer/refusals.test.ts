/** What the signer refuses (contract §12.2): invalid transitions, tracking fields, floats, deletions in use, bad settings, no key. */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../../src/app";
import { sign } from "../../../src/plugins/remote-settings/signer/backend";
import { settingsOf } from "../../../src/config";
import { KintoError } from "../../../src/errors";
import { send, uid, urlOf, userIdOf } from "../../resources/helpers";
import { expectError, toRes } from "../../permissions/helpers";
import { collection, ensureBucket, MAIN, PREVIEW, setStatus, verifyChangeset, WORKSPACE } from "./helpers";

let bob = "";

beforeAll(async () => {
  bob = await userIdOf("bob");
  await ensureBucket(WORKSPACE);
});

async function source(): Promise<string> {
  const cid = uid("c");
  const res = await send({ method: "PUT", url: `/buckets/${WORKSPACE}/collections/${cid}`, body: { data: {} } });
  expect(res.status, res.text).toBe(201);
  return cid;
}

describe("status transitions", () => {
  const cases: { name: string; status: unknown; status_code: number; errno: number; message: string }[] = [
    { name: "signed by a user", status: "signed", status_code: 400, errno: 109, message: "Cannot set status to 'signed'" },
    { name: "an unknown status", status: "ready", status_code: 400, errno: 109, message: "Invalid status 'ready'" },
    { name: "to-sign when signed", status: "to-sign", status_code: 400, errno: 109, message: "Collection already signed" },
    { name: "to-rollback when signed", status: "to-rollback", status_code: 400, errno: 109, message: "Collection has no work-in-progress" },
  ];
  for (const c of cases) {
    it(`refuses ${c.name}`, async () => {
      const cid = await source();
      if (c.status === "signed") await send({ method: "POST", url: `/buckets/${WORKSPACE}/collections/${cid}/records`, body: { data: {} } });
      const before = (await collection(WORKSPACE, cid)).status;
      const res = await setStatus(WORKSPACE, cid, c.status as string);
      expectError(res, c.status_code, c.errno);
      expect(res.body.message).toBe(c.message);
      expect((await collection(WORKSPACE, cid)).status).toBe(before);
    });
  }

  it("refuses removing the status", async () => {
    const cid = await source();
    const res = await send({ method: "PUT", url: `/buckets/${WORKSPACE}/collections/${cid}`, body: { data: {} } });
    expectError(res, 400, 109);
    expect(res.body.message).toBe("Cannot remove status");
  });

  it("refuses a review request by a non-editor, an approval by a non-reviewer and by the requester", async () => {
    const cid = await source();
    await send({ method: "POST", url: `/buckets/${WORKSPACE}/collections/${cid}/records`, body: { data: { v: 1 } } });
    // bob may write the collection (through the ACL) but is in neither group.
    await send({ method: "PATCH", url: `/buckets/${WORKSPACE}/collections/${cid}`, body: { permissions: { write: [bob] } } });
    const byBob = await setStatus(WORKSPACE, cid, "to-review", "bob");
    expectError(byBob, 403, 121);
    expect(byBob.body.message).toBe(`Not in ${cid}-editors group`);
    expect((await setStatus(WORKSPACE, cid, "to-review")).status).toBe(200);
    const notReviewer = await setStatus(WORKSPACE, cid, "to-sign", "bob");
    expectError(notReviewer, 403, 121);
    expect(notReviewer.body.message).toBe(`Not in ${cid}-reviewers group`);
    const alice = await userIdOf("alice");
    await send({ method: "PATCH", url: `/buckets/${WORKSPACE}/groups/${cid}-reviewers`, body: { data: { members: [alice] } } });
    const own = await setStatus(WORKSPACE, cid, "to-sign");
    expectError(own, 403, 121);
    expect(own.body.message).toBe("Last editor cannot review");
    expect((await verifyChangeset(MAIN, cid)).records).toEqual([]);
  });

  it("refuses approving what is not under review", async () => {
    const cid = await source();
    await send({ method: "PATCH", url: `/buckets/${WORKSPACE}/groups/${cid}-reviewers`, body: { data: { members: [bob] } } });
    await send({ method: "POST", url: `/buckets/${WORKSPACE}/collections/${cid}/records`, body: { data: { v: 1 } } });
    const res = await setStatus(WORKSPACE, cid, "to-sign", "bob");
    expectError(res, 400, 109);
    expect(res.body.message).toBe("Collection not under review");
  });
});

describe("other refusals", () => {
  it("refuses a change of a tracking field", async () => {
    const cid = await source();
    const res = await send({ method: "PATCH", url: `/buckets/${WORKSPACE}/collections/${cid}`, body: { data: { last_edit_by: "me" } } });
    expectError(res, 400, 109);
    expect(res.body.message).toBe("Cannot change 'last_edit_by'");
  });

  it("refuses floats in source records, naming the field", async () => {
    const cid = await source();
    const res = await send({ method: "POST", url: `/buckets/${WORKSPACE}/collections/${cid}/records`, body: { data: { a: { b: [1, 2.5] } } } });
    expectError(res, 400, 109);
    expect(res.body.message).toBe("field contains float value (tip: use integer or string), 'a.b.1'");
  });

  it("refuses deleting a preview or destination while its source exists, and empties them when the source goes", async () => {
    const cid = await source();
    await send({ method: "POST", url: `/buckets/${WORKSPACE}/collections/${cid}/records`, body: { data: { v: 1 } } });
    await send({ method: "PATCH", url: `/buckets/${WORKSPACE}/groups/${cid}-reviewers`, body: { data: { members: [bob] } } });
    await setStatus(WORKSPACE, cid, "to-review");
    expect((await setStatus(WORKSPACE, cid, "to-sign", "bob")).status).toBe(200);
    for (const bid of [PREVIEW, MAIN]) {
      const res = await send({ method: "DELETE", url: `/buckets/${bid}/collections/${cid}` });
      expectError(res, 403, 121);
      expect(res.body.message).toBe("Collection is in use.");
    }
    expect((await send({ method: "DELETE", url: `/buckets/${WORKSPACE}/collections/${cid}` })).status).toBe(200);
    expect((await send({ url: `/buckets/${WORKSPACE}/groups/${cid}-editors` })).status).toBe(404);
    for (const bid of [PREVIEW, MAIN]) {
      const emptied = await verifyChangeset(bid, cid);
      expect(emptied.valid).toBe(true);
      expect(emptied.records).toEqual([]);
    }
    expect((await send({ method: "DELETE", url: `/buckets/${MAIN}/collections/${cid}` })).status).toBe(200);
  });
});

describe("settings", () => {
  const app = buildApp();
  it("refuses every request when signer.resources is malformed, naming the setting", async () => {
    const vars = { KINTO_SIGNER_RESOURCES: "/buckets/a -> /buckets/b/collections/c" };
    const res = await toRes(await app.fetch(new Request(urlOf({ url: "/" })), { ...(env as object), ...vars }));
    expect(res.status).toBe(500);
    expect(res.body.message).toContain("KINTO_SIGNER_RESOURCES");
    expect(res.body.message).toContain("mixes bucket and collection URIs");
  });

  it("publishes the signer capability", async () => {
    const res = await send({ url: "/" });
    expect(res.body.capabilities.signer).toMatchObject({
      plugin_userid: "plugin:remote-settings",
      group_check_enabled: true,
      to_review_enabled: true,
      editors_group: "{collection_id}-editors",
      reviewers_group: "{collection_id}-reviewers",
      resources: [
        { source: { bucket: "main-workspace", collection: null }, preview: { bucket: "main-preview", collection: null }, destination: { bucket: "main", collection: null } },
        { source: { bucket: "security-state-staging", collection: null }, destination: { bucket: "security-state", collection: null }, to_review_enabled: false },
      ],
    });
  });

  it("serves the certificate chain that x5u names", async () => {
    const cid = await source();
    const x5u = ((await verifyChangeset(MAIN, cid)).metadata.signature as { x5u: string }).x5u;
    expect(x5u).toMatch(/^http:\/\/localhost\/v1\/cert-chains\/[0-9a-f]{32}\.pem$/);
    const res = await send({ url: x5u });
    expect(res.status).toBe(200);
    expect(res.text.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
    expect((await send({ url: "/cert-chains/unknown.pem" })).status).toBe(404);
  });

  it("answers a clear error, and signs nothing, without a key", async () => {
    const settings = settingsOf({ ...(env as object), KINTO_SIGNER_ECDSA_PRIVATE_KEY: "" });
    const error = await sign(settings, { bucket: WORKSPACE, collection: "c" }, "{}", null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KintoError);
    expect((error as KintoError).message).toContain("KINTO_SIGNER_ECDSA_PRIVATE_KEY");
  });
});
