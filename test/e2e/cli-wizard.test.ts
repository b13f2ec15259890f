// `kinto-edge dump` and `load` in kinto-wizard's YAML format: a dump loaded into a second
// `wrangler dev` of this file's own dumps back to the same text (ids, data, permissions,
// timestamps, exact numbers); a second load writes nothing and says so; a changed file
// writes only what changed; bad YAML is refused with its line and column before anything is sent.
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { serverUrl, uniqueId } from "./client";
import { runCli, secondServer, Server } from "./support/cli";

const ALICE = "alice:s3cret";
const target = secondServer("kinto-edge-cli-wizard-");


async function seed(): Promise<string> {
  const api = new Server(serverUrl(), ALICE);
  const bid = uniqueId("wiz");
  await api.ok("PUT", `/buckets/${bid}`, { data: { title: "wizard" }, permissions: { read: ["system.Everyone"] } });
  await api.ok("PUT", `/buckets/${bid}/groups/admins`, { data: { members: ["basicauth:a", "basicauth:b"] } });
  await api.ok("PUT", `/buckets/${bid}/collections/main`, { data: { displayFields: ["title"] }, permissions: { "record:create": ["system.Authenticated"] } });
  await api.ok("PUT", `/buckets/${bid}/collections/empty`, { data: {} });
  for (let i = 0; i < 30; i++) await api.ok("PUT", `/buckets/${bid}/collections/main/records/r${i}`, { data: { title: `t${i}` }, permissions: i === 0 ? { read: ["basicauth:x"] } : {} });
  const numbers = await fetch(`${serverUrl()}/buckets/${bid}/collections/main/records/numbers`, {
    method: "PUT",
    headers: { Authorization: `Basic ${btoa(ALICE)}`, "Content-Type": "application/json" },
    body: '{"data":{"big":9007199254740993,"f":1.0,"g":15000000000.0}}',
  });
  expect(numbers.status).toBe(201);
  return bid;
}

function dump(url: string, bid: string): string {
  const run = runCli("dump", "--from", url, "--auth", ALICE, "--bucket", bid, "--records");
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

describe("kinto-edge dump and load", () => {
  it("dump → load → dump gives the same file; a second load changes nothing; an edit changes one object", async () => {
    const bid = await seed();
    const text = dump(serverUrl(), bid);
    expect(text).toContain(`buckets:\n  ${bid}:\n    data:\n      title: wizard\n`);
    expect(text).toContain("big: 9007199254740993\n");
    expect(text).toContain("f: 1.0\n");
    const file = target.file(`${bid}.yaml`);
    writeFileSync(file, text);

    const first = runCli("load", file, "--to", target.url, "--auth", ALICE);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toBe(`loaded ${file}: 35 created, 0 updated, 0 unchanged\n`);
    expect(dump(target.url, bid)).toBe(text);
    const raw = await fetch(`${target.url}/buckets/${bid}/collections/main/records/numbers`, { headers: { Authorization: `Basic ${btoa(ALICE)}` } }).then((r) => r.text());
    expect(raw).toContain('"big":9007199254740993,"f":1.0,"g":15000000000.0');

    const second = runCli("load", file, "--to", target.url, "--auth", ALICE);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toBe(`nothing changed: the 35 objects of ${file} are already on ${target.url}\n`);
    const etag = (await new Server(target.url).send("GET", `/buckets/${bid}/collections/main/records`)).headers.get("ETag");

    writeFileSync(file, readFileSync(file, "utf8").replace("title: t7\n", "title: seven\n"));
    const edited = runCli("load", file, "--to", target.url, "--auth", ALICE);
    expect(edited.stdout).toBe(`loaded ${file}: 0 created, 1 updated, 34 unchanged\n`);
    expect((await new Server(target.url).object(`/buckets/${bid}/collections/main/records/r7`)).data.title).toBe("seven");
    const after = (await new Server(target.url).send("GET", `/buckets/${bid}/collections/main/records`)).headers.get("ETag");
    expect(Number(JSON.parse(after ?? "0"))).toBeGreaterThan(Number(JSON.parse(etag ?? "0")));
    expect(runCli("load", file, "--to", target.url, "--auth", ALICE).stdout).toContain("nothing changed");
  });

  it("a YAML error: its line and column, exit 2, nothing sent; a wrong shape: its path", async () => {
    const bid = uniqueId("wiz");
    const broken = target.file("broken.yaml");
    writeFileSync(broken, `buckets:\n  ${bid}:\n    data: {title: x\n    permissions: {}\n`);
    const run = runCli("load", broken, "--to", target.url, "--auth", ALICE);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^kinto-edge: .*broken\.yaml: YAML error at line 4, column 5: .+\n$/);
    expect((await new Server(target.url).send("GET", `/buckets/${bid}`)).status).not.toBe(200);

    const duplicate = target.file("duplicate.yaml");
    writeFileSync(duplicate, `buckets:\n  ${bid}: {}\n  ${bid}: {}\n`);
    expect(runCli("load", duplicate, "--to", target.url).stderr).toMatch(/YAML error at line 3, column 3: Map keys must be unique/);

    const shape = target.file("shape.yaml");
    writeFileSync(shape, `buckets:\n  ${bid}:\n    permissions:\n      read: everyone\n`);
    const wrong = runCli("load", shape, "--to", target.url, "--auth", ALICE);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toBe(`kinto-edge: ${shape}: buckets.${bid}.permissions.read: expected a list of principals\n`);

    const missing = runCli("load", target.file("none.yaml"), "--to", target.url);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("none.yaml: no such file");
  });
});
