/**
 * P06: permissions granted by settings (contract §6.5) beyond the matrix rows: who may create
 * buckets, and `collection_create_principals` across buckets. Writer settings are swapped
 * with withWriterSettings (see helpers.ts).
 */
import { describe, expect, test, vi } from "vitest";
import { uid } from "../resources/helpers";
import { call, expect401, expect403, newUser, okCall, withWriterSettings } from "./helpers";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

describe("settings-granted bucket creation (§6.5)", () => {
  /** Objects deeper in the tree, shared with `principal`: they must not open the bucket list (§6.4 step 2). */
  async function nestedShares(principal: string): Promise<void> {
    const owner = await newUser("owner");
    const bid = uid("b");
    await okCall({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
    await okCall({ method: "PUT", url: `/buckets/${bid}/collections/c`, auth: owner.auth, body: { permissions: { read: [principal] } } });
    await okCall({ method: "PUT", url: `/buckets/${bid}/collections/c/records/r`, auth: owner.auth, body: { permissions: { write: [principal] } } });
  }

  test("by default (Kinto's system.Authenticated): anonymous → 401, authenticated → 201", async () => {
    const vars = {};
    const user = await newUser("creator");
    await nestedShares("system.Everyone");
    await withWriterSettings(vars, ["/"], async () => {
      expect401(await call({ method: "POST", url: "/buckets", body: {}, vars }));
      expect401(await call({ method: "PUT", url: `/buckets/${uid("b")}`, body: {}, vars }));
      expect401(await call({ url: "/buckets", vars }));
      const created = await call({ method: "PUT", url: `/buckets/${uid("b")}`, auth: user.auth, body: {}, vars });
      expect(created.status).toBe(201);
      expect((await call({ url: "/buckets?in_id=none", auth: user.auth, vars })).body).toEqual({ data: [] });
    });
  });

  test("with bucket_create_principals naming one user: others → 403", async () => {
    const creator = await newUser("creator");
    const other = await newUser("other");
    const vars = { KINTO_BUCKET_CREATE_PRINCIPALS: creator.id };
    await nestedShares("system.Authenticated");
    await withWriterSettings(vars, ["/"], async () => {
      expect403(await call({ method: "POST", url: "/buckets", auth: other.auth, body: {}, vars }));
      expect403(await call({ url: "/buckets", auth: other.auth, vars }));
      expect((await call({ method: "POST", url: "/buckets", auth: creator.auth, body: {}, vars })).status).toBe(201);
    });
  });

  // Last of the bucket tests: the bucket it opens to everyone shows in later anonymous lists.
  test("opened with bucket_create_principals = system.Everyone: anonymous creates, as system.Everyone", async () => {
    const vars = { KINTO_BUCKET_CREATE_PRINCIPALS: "system.Everyone" };
    await withWriterSettings(vars, ["/"], async () => {
      const created = await call({ method: "PUT", url: `/buckets/${uid("b")}`, body: {}, vars });
      expect(created.status).toBe(201);
      expect(created.body.permissions).toEqual({ write: ["system.Everyone"] });
      expect((await call({ url: "/permissions", vars })).body.data).toContainEqual(expect.objectContaining({ uri: "/", permissions: expect.arrayContaining(["bucket:create"]) }));
    });
  });

  test("collection_create_principals lets a user create collections in any bucket", async () => {
    const owner = await newUser("owner");
    const creator = await newUser("creator");
    const bid = uid("b");
    await okCall({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
    const vars = { KINTO_COLLECTION_CREATE_PRINCIPALS: creator.id };
    await withWriterSettings(vars, [`/buckets/${bid}`], async () => {
      const created = await call({ method: "POST", url: `/buckets/${bid}/collections`, auth: creator.auth, body: {}, vars });
      expect(created.status).toBe(201);
      expect(created.body.permissions).toEqual({ write: [creator.id] });
      // Settings grants never appear in permissions payloads (§6.5); reading the bucket needs read.
      expect403(await call({ url: `/buckets/${bid}`, auth: creator.auth, vars }));
    });
  });
});
