/**
 * P01–P06: the permission matrix. For each resource kind, each principal kind gets its own
 * fixture (the owner creates the container and six objects, and grants the principal one
 * thing), then runs ten operations in a fixed order; each cell is the status expected by
 * contract §6.3/§6.4 and, where it applies, the visibility of `permissions` (§2.2) or the ids
 * a list shows or deletes.
 *
 * Objects of a fixture: `target` (GET), `put` (PUT replace), `inm` (PUT with If-None-Match: *),
 * `patch`, `del` (DELETE) carry the principal's own grant; `other` does not. `post` and `new`
 * are the ids the POST and the PUT-new cells create. Cell syntax:
 *   `401` / `403` / `412`     status (with errno 104 + WWW-Authenticate, 121, 114);
 *   `200 full` / `200 {}`     status, and `permissions` shown in full or as `{}`;
 *   `200 [a b]`               list GET: the ids shown; list DELETE: the ids deleted;
 *   `200 #n`                  HEAD: `Total-Records` and `Total-Objects`.
 *
 * Siblings: lists.test.ts (shared-id filtering), not-found.test.ts (404 vs 403, unknown
 * bucket), settings.test.ts (bucket creation settings), groups.test.ts, endpoint.test.ts.
 */
import { describe, expect, test, vi } from "vitest";
import { type Res, uid } from "../resources/helpers";
import { type Call, type User, type Vars, call, expect401, expect403, idsOf, newUser, okCall, withWriterSettings } from "./helpers";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

type Kind = "bucket" | "collection" | "group" | "record";

const COLUMNS = [
  "GET object",
  "GET list",
  "HEAD list",
  "POST",
  "PUT existing",
  "PUT new",
  "PUT If-None-Match: *",
  "PATCH",
  "DELETE object",
  "DELETE list",
] as const;
type Column = (typeof COLUMNS)[number];

const SLOTS = ["target", "put", "inm", "patch", "del", "other", "post", "new"] as const;
type Slot = (typeof SLOTS)[number];

type Grant =
  | { kind: "anonymous" }
  | { kind: "stranger" }
  /** `permission` in the own ACL of target, put, inm, patch and del. */
  | { kind: "own"; permission: string }
  /** A group of another bucket, with the principal as member, holds `permission` on those objects. */
  | { kind: "group"; permission: string }
  /** `permission` on the bucket or collection above the objects. */
  | { kind: "parent"; on: "bucket" | "collection"; permission: string }
  /** `KINTO_<KIND>_<PERMISSION>_PRINCIPALS` = the principal's user id (§6.5). */
  | { kind: "setting"; permission: "read" | "write" | "create" };

interface Row {
  who: string;
  grant: Grant;
  cells: string[];
}

function row(who: string, grant: Grant, cells: string): Row {
  const parsed = cells.split("|").map((cell) => cell.trim());
  if (parsed.length !== COLUMNS.length) throw new Error(`row ${who}: ${parsed.length} cells`);
  return { who, grant, cells: parsed };
}

const SHARED = "[target put inm patch del]";
const ALL = "[target put inm patch del other]";

//                                                                           GET obj   | GET list | HEAD | POST      | PUT exist | PUT new   | PUT INM* | PATCH     | DEL obj | DEL list
const ANONYMOUS = (kind: Kind): Row => row("anonymous", { kind: "anonymous" }, kind === "bucket"
  ? "401 | 401 | 401 | 401 | 401 | 401 | 401 | 401 | 401 | 401"
  : "401 | 401 | 401 | 401 | 401 | 401 | 401 | 401 | 401 | 401");
const STRANGER = (kind: Kind): Row => row("authenticated stranger", { kind: "stranger" }, kind === "bucket"
  ? "403 | 200 [] | 200 #0 | 201 full | 403 | 201 full | 412 | 403 | 403 | 200 [post new]"
  : "403 | 403 | 403 | 403 | 403 | 403 | 403 | 403 | 403 | 403");

/** Rows shared by collections, groups and records: the objects sit below a bucket. */
function childRows(kind: Exclude<Kind, "bucket">): Row[] {
  const readerOfAll = `200 {} | 200 ${ALL} | 200 #6 | 403 | 403 | 403 | 403 | 403 | 403 | 403`;
  const writerOfAll = `200 {} | 200 ${ALL} | 200 #6 | 201 full | 200 full | 201 full | 412 | 200 full | 200 | 200 [target put inm patch other post new]`;
  const ownWriter = `200 full | 200 ${SHARED} | 200 #5 | 403 | 200 full | 403 | 403 | 200 full | 200 | 200 [target put inm patch]`;
  const creator = "403 | 200 [] | 200 #0 | 201 full | 403 | 201 full | 412 | 403 | 403 | 200 [post new]";
  const createPermission = { collection: "collection:create", group: "group:create", record: "record:create" }[kind];
  const createOn = kind === "record" ? "collection" : "bucket";
  return [
    ANONYMOUS(kind),
    STRANGER(kind),
    row(`${kind} reader`, { kind: "own", permission: "read" }, `200 {} | 200 ${SHARED} | 200 #5 | 403 | 403 | 403 | 403 | 403 | 403 | 403`),
    row(`${kind} writer`, { kind: "own", permission: "write" }, ownWriter),
    row("group member (group has write)", { kind: "group", permission: "write" }, ownWriter),
    ...(kind === "record"
      ? [
          row("collection reader", { kind: "parent", on: "collection", permission: "read" }, readerOfAll),
          row("collection writer", { kind: "parent", on: "collection", permission: "write" }, writerOfAll),
        ]
      : []),
    row("bucket reader", { kind: "parent", on: "bucket", permission: "read" }, readerOfAll),
    row("bucket writer", { kind: "parent", on: "bucket", permission: "write" }, writerOfAll),
    row(`creator (${createOn} ${createPermission})`, { kind: "parent", on: createOn, permission: createPermission }, creator),
    row(`setting ${kind}_read_principals`, { kind: "setting", permission: "read" }, readerOfAll),
    row(`setting ${kind}_write_principals`, { kind: "setting", permission: "write" }, writerOfAll),
    row(`setting ${kind}_create_principals`, { kind: "setting", permission: "create" }, creator),
  ];
}

/**
 * Buckets: `bucket_create_principals` is Kinto's `system.Authenticated`, so every user may
 * create buckets (anonymous callers get 401), a safe PUT on an existing one gives 412, and the list
 * answers `[]` rather than 403 (§6.4 "Lists", step 3).
 */
const BUCKET_ROWS: Row[] = [
  ANONYMOUS("bucket"),
  STRANGER("bucket"),
  row("bucket reader", { kind: "own", permission: "read" }, `200 {} | 200 ${SHARED} | 200 #5 | 201 full | 403 | 201 full | 412 | 403 | 403 | 200 [post new]`),
  row("bucket writer", { kind: "own", permission: "write" }, `200 full | 200 ${SHARED} | 200 #5 | 201 full | 200 full | 201 full | 412 | 200 full | 200 | 200 [target put inm patch post new]`),
  row("group member (group has write)", { kind: "group", permission: "write" }, `200 full | 200 ${SHARED} | 200 #5 | 201 full | 200 full | 201 full | 412 | 200 full | 200 | 200 [target put inm patch post new]`),
  row("setting bucket_read_principals", { kind: "setting", permission: "read" }, `200 {} | 200 ${ALL} | 200 #6 | 201 full | 403 | 201 full | 412 | 403 | 403 | 200 [post new]`),
  row("setting bucket_write_principals", { kind: "setting", permission: "write" }, `200 {} | 200 ${ALL} | 200 #6 | 201 full | 200 full | 201 full | 412 | 200 full | 200 | 200 [target put inm patch other post new]`),
];

const MATRIX: Record<Kind, Row[]> = {
  bucket: BUCKET_ROWS,
  collection: childRows("collection"),
  group: childRows("group"),
  record: childRows("record"),
};

interface Fixture {
  ids: Record<Slot, string>;
  /** The plural path, e.g. `/buckets/b/collections`. */
  plural: string;
  /** The list URL (buckets: restricted to the fixture's ids, other tests' buckets live there too). */
  list: string;
  /** The Writer that authorizes this kind's writes (its parent id). */
  writer: string;
  /** Principals that make `permissions` visible when found in an object's own `write`. */
  principals: string[];
}

function dataOf(kind: Kind): Record<string, unknown> {
  return kind === "group" ? { members: [] } : kind === "record" ? { title: "x" } : {};
}

async function buildFixture(kind: Kind, grant: Grant, owner: User, user: User | null): Promise<Fixture> {
  const ids = Object.fromEntries(SLOTS.map((slot) => [slot, uid(slot)])) as Record<Slot, string>;
  const as = owner.auth;
  let principal = user?.id ?? "system.Everyone";
  if (grant.kind === "group" && user) {
    const home = uid("home");
    const gid = uid("g");
    await okCall({ method: "PUT", url: `/buckets/${home}`, auth: as });
    await okCall({ method: "PUT", url: `/buckets/${home}/groups/${gid}`, auth: as, body: { data: { members: [user.id] } } });
    principal = `/buckets/${home}/groups/${gid}`;
  }
  const parentAcl = (on: "bucket" | "collection") =>
    grant.kind === "parent" && grant.on === on ? { [grant.permission]: [principal] } : undefined;
  const objectAcl = grant.kind === "own" || grant.kind === "group" ? { [grant.permission]: [principal] } : undefined;

  let plural = "/buckets";
  let writer = "/";
  if (kind !== "bucket") {
    const bid = uid("b");
    await okCall({ method: "PUT", url: `/buckets/${bid}`, auth: as, body: { permissions: parentAcl("bucket") } });
    plural = `/buckets/${bid}/${kind}s`;
    writer = `/buckets/${bid}`;
    if (kind === "record") {
      const cid = uid("c");
      await okCall({ method: "PUT", url: `/buckets/${bid}/collections/${cid}`, auth: as, body: { permissions: parentAcl("collection") } });
      writer = `/buckets/${bid}/collections/${cid}`;
      plural = `${writer}/records`;
    }
  }
  for (const slot of ["target", "put", "inm", "patch", "del", "other"] as const) {
    const permissions = slot === "other" ? undefined : objectAcl;
    await okCall({ method: "PUT", url: `${plural}/${ids[slot]}`, auth: as, body: { data: dataOf(kind), permissions } });
  }
  const list = kind === "bucket" ? `${plural}?in_id=${SLOTS.map((slot) => ids[slot]).join(",")}` : plural;
  const principals = [principal, ...(user ? [user.id, "system.Authenticated"] : []), "system.Everyone"];
  return { ids, plural, list, writer, principals };
}

function requestsOf(kind: Kind, f: Fixture): Record<Column, Call> {
  const data = dataOf(kind);
  const object = (slot: Slot) => `${f.plural}/${f.ids[slot]}`;
  return {
    "GET object": { url: object("target") },
    "GET list": { url: f.list },
    "HEAD list": { method: "HEAD", url: f.list },
    POST: { method: "POST", url: f.plural, body: { data: { ...data, id: f.ids.post } } },
    "PUT existing": { method: "PUT", url: object("put"), body: { data } },
    "PUT new": { method: "PUT", url: object("new"), body: { data } },
    "PUT If-None-Match: *": { method: "PUT", url: object("inm"), headers: { "If-None-Match": "*" }, body: { data } },
    PATCH: { method: "PATCH", url: object("patch"), body: { data: { note: "patched" } } },
    "DELETE object": { method: "DELETE", url: object("del") },
    "DELETE list": { method: "DELETE", url: f.list },
  };
}

/** Soft-asserts one cell; returns nothing, every mismatch of the row is reported together. */
function checkCell(res: Res, cell: string, f: Fixture, column: Column, context: string): void {
  const match = /^(\d{3})(?: (.+))?$/.exec(cell);
  if (!match) throw new Error(`bad cell ${cell}`);
  const status = Number(match[1]);
  const detail = match[2];
  expect.soft(res.status, `${context}: ${res.text.slice(0, 300)}`).toBe(status);
  if (res.status !== status) return;
  if (column === "HEAD list" && status >= 400) {
    expect.soft(res.text, context).toBe("");
    if (status === 401) expect.soft(res.headers.get("WWW-Authenticate"), context).toBe('Basic realm="Realm"');
    return;
  }
  if (status === 401) return expect401(res, context);
  if (status === 403) return expect403(res, context);
  if (status === 412) {
    expect.soft(res.body, context).toMatchObject({ code: 412, errno: 114 });
    return;
  }
  if (detail === undefined) {
    if (column === "DELETE object") expect.soft(res.body.data, context).toMatchObject({ deleted: true });
    return;
  }
  if (detail === "full") {
    const writers: string[] = res.body.permissions?.write ?? [];
    expect.soft(writers.some((p) => f.principals.includes(p)), `${context}: permissions ${JSON.stringify(res.body.permissions)}`).toBe(true);
  } else if (detail === "{}") {
    expect.soft(res.body.permissions, context).toEqual({});
  } else if (detail.startsWith("#")) {
    expect.soft(res.text, context).toBe("");
    expect.soft(res.headers.get("Total-Records"), context).toBe(detail.slice(1));
    expect.soft(res.headers.get("Total-Objects"), context).toBe(detail.slice(1));
  } else {
    const names = detail.slice(1, -1).split(" ").filter((name) => name !== "") as Slot[];
    expect.soft(idsOf(res), context).toEqual(names.map((name) => f.ids[name]).sort());
    if (column === "DELETE list") {
      for (const tombstone of res.body.data) expect.soft(tombstone, context).toMatchObject({ deleted: true });
    }
  }
}

async function runRow(kind: Kind, r: Row): Promise<void> {
  const owner = await newUser("owner");
  const user = r.grant.kind === "anonymous" ? null : await newUser("who");
  const fixture = await buildFixture(kind, r.grant, owner, user);
  const vars: Vars | undefined =
    r.grant.kind === "setting" && user ? { [`KINTO_${kind.toUpperCase()}_${r.grant.permission.toUpperCase()}_PRINCIPALS`]: user.id } : undefined;
  const requests = requestsOf(kind, fixture);
  const run = async () => {
    for (const [index, column] of COLUMNS.entries()) {
      const res = await call({ ...requests[column], auth: user?.auth ?? null, ...(vars ? { vars } : {}) });
      checkCell(res, r.cells[index] ?? "", fixture, column, `${kind} / ${r.who} / ${column}`);
    }
  };
  if (vars) await withWriterSettings(vars, [fixture.writer], run);
  else await run();
}

for (const kind of ["bucket", "collection", "group", "record"] as const) {
  describe(`${kind} permission matrix`, () => {
    test.each(MATRIX[kind].map((r) => ({ ...r, name: r.who })))("$name", async (r) => {
      await runRow(kind, r);
    });
  });
}

describe("operations needing create or read instead of write (§6.4)", () => {
  async function recordsShared(grant: Record<string, string[]>) {
    const owner = await newUser("owner");
    const bid = uid("b");
    const cid = uid("c");
    await okCall({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
    await okCall({ method: "PUT", url: `/buckets/${bid}/collections/${cid}`, auth: owner.auth, body: { permissions: grant } });
    const records = `/buckets/${bid}/collections/${cid}/records`;
    const rid = uid("r");
    await okCall({ method: "PUT", url: `${records}/${rid}`, auth: owner.auth, body: { data: { title: "original" } } });
    return { owner, records, rid };
  }

  test("a creator without write: safe PUT of an existing id → 412, plain PUT → 403, PUT of a free id → 201", async () => {
    const creator = await newUser("creator");
    const { records, rid } = await recordsShared({ "record:create": [creator.id] });
    const safe = await call({ method: "PUT", url: `${records}/${rid}`, auth: creator.auth, headers: { "If-None-Match": "*" }, body: { data: { title: "mine" } } });
    expect(safe.status).toBe(412);
    expect(safe.body).toMatchObject({ code: 412, errno: 114, message: "Resource was modified meanwhile" });
    expect403(await call({ method: "PUT", url: `${records}/${rid}`, auth: creator.auth, body: { data: { title: "mine" } } }));
    const fresh = await call({ method: "PUT", url: `${records}/${uid("r")}`, auth: creator.auth, headers: { "If-None-Match": "*" }, body: { data: { title: "mine" } } });
    expect(fresh.status).toBe(201);
    expect(fresh.body.permissions).toEqual({ write: [creator.id] });
  });

  test("POST of an existing id needs read on it: reader → 200 unchanged; creator without read → 403; anonymous → 401", async () => {
    const reader = await newUser("reader");
    const creator = await newUser("creator");
    const { records, rid, owner } = await recordsShared({ "record:create": [creator.id, reader.id] });
    await okCall({ method: "PATCH", url: `${records}/${rid}`, auth: owner.auth, body: { permissions: { read: [reader.id] } } });

    const asReader = await call({ method: "POST", url: records, auth: reader.auth, body: { data: { id: rid, title: "posted" } } });
    expect(asReader.status).toBe(200);
    expect(asReader.body.data).toMatchObject({ id: rid, title: "original" });
    expect(asReader.body.permissions).toEqual({});
    const safe = await call({ method: "POST", url: records, auth: reader.auth, headers: { "If-None-Match": "*" }, body: { data: { id: rid } } });
    expect(safe.status).toBe(412);
    expect(safe.body.details.existing).toMatchObject({ id: rid, title: "original" });

    expect403(await call({ method: "POST", url: records, auth: creator.auth, body: { data: { id: rid, title: "posted" } } }));
    expect401(await call({ method: "POST", url: records, body: { data: { id: rid } } }));
    const unchanged = await okCall({ url: `${records}/${rid}`, auth: owner.auth });
    expect(unchanged.body.data.title).toBe("original");
  });

  test("a user with only record:create: GET list [] (with ETag), HEAD 0, DELETE list deletes nothing", async () => {
    const creator = await newUser("creator");
    const { records, owner } = await recordsShared({ "record:create": [creator.id] });
    const list = await okCall({ url: records, auth: creator.auth });
    expect(list.body).toEqual({ data: [] });
    expect(list.headers.get("ETag")).toMatch(/^"\d+"$/);
    const head = await okCall({ method: "HEAD", url: records, auth: creator.auth });
    expect(head.headers.get("Total-Records")).toBe("0");
    const deleted = await okCall({ method: "DELETE", url: records, auth: creator.auth });
    expect(deleted.body).toEqual({ data: [] });
    expect(idsOf(await okCall({ url: records, auth: owner.auth }))).toHaveLength(1);
  });
});

describe("visibility of permissions (§2.2)", () => {
  test.each<{ name: string; acl: Record<string, string[]>; anonymous: boolean; full: boolean }>([
    { name: "system.Authenticated in write: every authenticated caller sees the ACL", acl: { write: ["system.Authenticated"] }, anonymous: false, full: true },
    { name: "system.Everyone in write: anonymous sees the ACL", acl: { write: ["system.Everyone"] }, anonymous: true, full: true },
    { name: "system.Everyone in read only: anonymous reads, ACL hidden", acl: { read: ["system.Everyone"] }, anonymous: true, full: false },
    { name: "system.Authenticated in read only: ACL hidden", acl: { read: ["system.Authenticated"] }, anonymous: false, full: false },
  ])("$name", async ({ acl, anonymous, full }) => {
    const owner = await newUser("owner");
    const caller = anonymous ? null : await newUser("caller");
    const bid = uid("b");
    const cid = uid("c");
    await okCall({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth });
    await okCall({ method: "PUT", url: `/buckets/${bid}/collections/${cid}`, auth: owner.auth, body: { permissions: acl } });
    const res = await okCall({ url: `/buckets/${bid}/collections/${cid}`, auth: caller?.auth ?? null });
    if (full) expect(res.body.permissions).toEqual({ ...acl, write: [...(acl.write ?? []), owner.id].sort() });
    else expect(res.body.permissions).toEqual({});
  });

  test("write inherited from the bucket does not reveal a child's ACL; after a write the writer joins it", async () => {
    const owner = await newUser("owner");
    const editor = await newUser("editor");
    const bid = uid("b");
    const cid = uid("c");
    await okCall({ method: "PUT", url: `/buckets/${bid}`, auth: owner.auth, body: { permissions: { write: [editor.id] } } });
    await okCall({ method: "PUT", url: `/buckets/${bid}/collections/${cid}`, auth: owner.auth, body: { permissions: { read: ["system.Authenticated"] } } });
    const before = await okCall({ url: `/buckets/${bid}/collections/${cid}`, auth: editor.auth });
    expect(before.body.permissions).toEqual({});
    const patched = await okCall({ method: "PATCH", url: `/buckets/${bid}/collections/${cid}`, auth: editor.auth, body: { data: { a: 1 } } });
    expect(patched.body.permissions).toEqual({ read: ["system.Authenticated"], write: [editor.id, owner.id].sort() });
  });
});
