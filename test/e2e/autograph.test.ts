// End to end: the Autograph signer backend. `wrangler dev` signs the `ag-*` workflows with the
// local Autograph of the global setup (support/autograph.ts), which checks each request's
// Hawk header independently and signs with its own key. A publication must carry Autograph's
// signature of exactly the changeset Firefox downloads; a refused Hawk secret publishes nothing.
import { verify } from "node:crypto";
import KintoClient from "kinto-http";
import { describe, expect, inject, it } from "vitest";
import type { SignedByAutograph } from "./support/autograph";
import { serverUrl, uniqueId } from "./client";
import { canonical } from "./support/canonical-json";

const autograph = inject("autograph");
const auth = { Authorization: `Basic ${btoa(`${uniqueId("ag")}:s3cret`)}` };
const client = new KintoClient(serverUrl(), { headers: auth });

async function ensureBucket(bid: string): Promise<void> {
  const res = await fetch(`${serverUrl()}/buckets/${bid}`, { method: "PUT", headers: { ...auth, "If-None-Match": "*", "Content-Type": "application/json" }, body: "{}" });
  expect([201, 412]).toContain(res.status);
}

interface Changeset {
  metadata: { signature: Record<string, string>; signatures: Record<string, string>[] };
  changes: { id: string; deleted?: boolean }[];
  timestamp: number;
}

async function changeset(bid: string, cid: string): Promise<Changeset> {
  const res = await fetch(`${serverUrl()}/buckets/${bid}/collections/${cid}/changeset?_expected=${Date.now()}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Changeset;
}

// Skipped only against an external server (KINTO_E2E_URL): the local Autograph is configured into our own wrangler dev.
describe.skipIf(autograph === null)("the autograph signer backend", () => {
  it("publishes Autograph's signature of the changeset, Hawk-authenticated", async () => {
    if (autograph === null) return;
    await ensureBucket("ag-workspace");
    const cid = uniqueId("c");
    await client.bucket("ag-workspace").createCollection(cid);
    const source = client.bucket("ag-workspace").collection(cid);
    for (const title of ["é", "two"]) await source.createRecord({ title });
    await source.setData({ status: "to-sign" }, { patch: true });
    expect((await source.getData<{ status: string }>()).status).toBe("signed");

    const published = await changeset("ag-main", cid);
    expect(published.changes.map((r) => (r as { title?: string }).title).sort()).toEqual(["two", "é"]);
    const { signature } = published.metadata;
    expect(published.metadata.signatures).toEqual([signature]);
    expect(signature).toMatchObject({ x5u: autograph.x5u, public_key: autograph.publicKey, signer_id: autograph.signerId, mode: "p384ecdsa", type: "contentsignature" });
    const records = published.changes.filter((r) => !r.deleted).sort((a, b) => (a.id < b.id ? -1 : 1));
    const payload = canonical({ data: records, last_modified: String(published.timestamp) });
    const key = { key: Buffer.from(autograph.publicKey, "base64"), format: "der" as const, type: "spki" as const, dsaEncoding: "ieee-p1363" as const };
    expect(verify("sha384", Buffer.concat([Buffer.from("Content-Signature:\x00"), Buffer.from(payload, "utf8")]), key, Buffer.from(signature.signature ?? "", "base64url"))).toBe(true);
    // Autograph signed that very payload, with the configured key id, and its ref is kept.
    const signed = (await (await fetch(`${autograph.url}/__signed__`)).json()) as SignedByAutograph[];
    const mine = signed.find((entry) => entry.ref === signature.ref);
    expect(mine).toEqual({ keyid: autograph.keyId, ref: signature.ref, input: payload });

    // The heartbeat signs with every workflow's backend: ag-broken's credentials are refused.
    const heartbeat = await fetch(`${serverUrl()}/__heartbeat__`);
    expect(heartbeat.status).toBe(503);
    expect(((await heartbeat.json()) as Record<string, unknown>).signer).toBe(false);
  });

  it("answers 503 and publishes nothing when Autograph refuses the Hawk credentials", async () => {
    await ensureBucket("ag-broken");
    const cid = uniqueId("c");
    const created = await fetch(`${serverUrl()}/buckets/ag-broken/collections/${cid}`, { method: "PUT", headers: { ...auth, "Content-Type": "application/json" }, body: "{}" });
    expect(created.status).toBe(503);
    const body = (await created.json()) as { errno: number; message: string };
    expect(body.errno).toBe(201);
    expect(body.message).not.toContain("not-the-secret");
    expect(created.headers.get("Retry-After")).toBe("30");
    for (const url of [`/buckets/ag-broken/collections/${cid}`, `/buckets/ag-broken-main/collections/${cid}`]) {
      expect((await fetch(`${serverUrl()}${url}`, { headers: auth })).status).not.toBe(200);
    }
  });
});
