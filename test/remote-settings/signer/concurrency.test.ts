/**
 * Editors writing the source while a reviewer approves (contract §12.2): whatever interleaving,
 * every published destination verifies, and nothing approved is lost from it.
 */
import { beforeAll, expect, it } from "vitest";
import { send, uid, userIdOf } from "../../resources/helpers";
import { ensureBucket, MAIN, setStatus, verifyChangeset, WORKSPACE } from "./helpers";

beforeAll(async () => {
  await ensureBucket(WORKSPACE);
});

it("never publishes a destination whose signature does not verify", async () => {
  const bob = await userIdOf("bob");
  const cid = uid("c");
  await send({ method: "PUT", url: `/buckets/${WORKSPACE}/collections/${cid}`, body: { data: {} } });
  await send({ method: "PATCH", url: `/buckets/${WORKSPACE}/groups/${cid}-reviewers`, body: { data: { members: [bob] } } });
  const records = `/buckets/${WORKSPACE}/collections/${cid}/records`;
  for (let i = 0; i < 5; i++) await send({ method: "POST", url: records, body: { data: { round: 0, i } } });
  for (let round = 1; round <= 2; round++) {
    expect((await setStatus(WORKSPACE, cid, "to-review")).status).toBe(200);
    const [approved, ...writes] = await Promise.all([
      setStatus(WORKSPACE, cid, "to-sign", "bob"),
      ...Array.from({ length: 8 }, (_, i) => send({ method: "POST", url: records, body: { data: { round, i } } })),
    ]);
    for (const write of writes) expect(write.status, write.text).toBe(201);
    // The approval either came before the writes (then it is signed and they follow) or was refused
    // because the writes had put the collection back to work-in-progress.
    expect([200, 400]).toContain(approved?.status);
    const published = await verifyChangeset(MAIN, cid);
    expect(published.valid).toBe(true);
    if (approved?.status === 200) expect(published.records.length).toBeGreaterThanOrEqual(5);
  }
  // A final review publishes exactly the source.
  expect((await setStatus(WORKSPACE, cid, "to-review")).status).toBe(200);
  expect((await setStatus(WORKSPACE, cid, "to-sign", "bob")).status).toBe(200);
  const source = (await send({ url: records })).body.data as { id: string }[];
  const published = await verifyChangeset(MAIN, cid);
  expect(published.valid).toBe(true);
  expect(published.records.map((r) => r.id).sort()).toEqual(source.map((r) => r.id).sort());
}, 60_000);
