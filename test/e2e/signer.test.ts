// End to end: Remote Settings' review cycle against `wrangler dev` (the signer of wrangler.toml's
// dev environment) with two kinto-http clients, an editor and a reviewer; then the published
// collection is verified as Firefox does: download the changeset, rebuild the canonical JSON
// here, fetch the x5u chain, check it with Node's X.509 support and verify the signature.
import { X509Certificate, verify } from "node:crypto";
import KintoClient from "kinto-http";
import { describe, expect, it } from "vitest";
import { serverUrl, uniqueId } from "./client";
import { canonical } from "./support/canonical-json";
import { WORKSPACE, ensureWorkspace } from "./support/workspace";

const client = (user: string) => new KintoClient(serverUrl(), { headers: { Authorization: `Basic ${btoa(`${user}:s3cret`)}` } });

interface Changeset {
  metadata: { signature: { x5u: string; signature: string; signer_id: string; mode: string } };
  changes: { id: string; deleted?: boolean }[];
  timestamp: number;
}

async function verifyAsFirefox(bid: string, cid: string): Promise<{ valid: boolean; changeset: Changeset }> {
  const changeset = (await (await fetch(`${serverUrl()}/buckets/${bid}/collections/${cid}/changeset?_expected=${Date.now()}`)).json()) as Changeset;
  const { x5u, signature, signer_id: signerId } = changeset.metadata.signature;
  const pem = await (await fetch(x5u)).text();
  const certificates = (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((text) => new X509Certificate(text));
  expect(certificates).toHaveLength(3);
  const [leaf, intermediate, root] = certificates as [X509Certificate, X509Certificate, X509Certificate];
  expect(leaf.verify(intermediate.publicKey)).toBe(true);
  expect(intermediate.verify(root.publicKey)).toBe(true);
  expect(root.verify(root.publicKey)).toBe(true);
  for (const certificate of certificates) expect(new Date(certificate.validTo).getTime()).toBeGreaterThan(Date.now());
  expect(leaf.subjectAltName).toBe(`DNS:${signerId}`);
  const records = changeset.changes.filter((r) => !r.deleted).sort((a, b) => (a.id < b.id ? -1 : 1));
  const message = Buffer.concat([Buffer.from("Content-Signature:\x00"), Buffer.from(canonical({ data: records, last_modified: String(changeset.timestamp) }), "utf8")]);
  const valid = verify("sha384", message, { key: leaf.publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"));
  return { valid, changeset };
}

describe("the signer's review cycle with kinto-http", () => {
  it("publishes, after review by another person, a collection Firefox would accept", async () => {
    const editorName = uniqueId("editor");
    const editor = client(editorName);
    const reviewer = client(uniqueId("reviewer"));
    const { capabilities } = await editor.fetchServerInfo();
    expect(capabilities.signer).toMatchObject({ to_review_enabled: true, editors_group: "{collection_id}-editors" });
    const reviewerId = (await reviewer.fetchUser())?.id ?? "";
    await ensureWorkspace(`Basic ${btoa(`${editorName}:s3cret`)}`);
    const workspace = editor.bucket(WORKSPACE);
    const cid = uniqueId("cfg");
    await workspace.createCollection(cid);
    await workspace.updateGroup({ id: `${cid}-reviewers`, members: [reviewerId] }, { patch: true });
    const source = workspace.collection(cid);
    await source.createRecord({ id: "fonts", name: "Noto", size: 12 });
    await source.createRecord({ id: "dict-fr", name: "Dictionnaire français ✓" });
    expect((await source.getData<{ status: string }>()).status).toBe("work-in-progress");

    await source.setData({ status: "to-review", last_editor_comment: "two files" }, { patch: true });
    const preview = await verifyAsFirefox("main-preview", cid);
    expect(preview.valid).toBe(true);
    expect(preview.changeset.changes.map((r) => r.id).sort()).toEqual(["dict-fr", "fonts"]);

    await expect(source.setData({ status: "to-sign" }, { patch: true })).rejects.toThrow(/reviewers group/);
    await reviewer.bucket(WORKSPACE).collection(cid).setData({ status: "to-sign" }, { patch: true });
    const published = await verifyAsFirefox("main", cid);
    expect(published.valid).toBe(true);
    expect(published.changeset.changes.map((r) => r.id).sort()).toEqual(["dict-fr", "fonts"]);
    const status = await source.getData<{ status: string; last_review_by: string }>();
    expect(status).toMatchObject({ status: "signed", last_review_by: reviewerId });
  });
});
