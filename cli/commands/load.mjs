// `kinto-edge load FILE.yaml --to URL`: makes the server hold what a kinto-wizard file says.
// The server's state is read first and compared (data merged as PATCH merges it, listed
// permissions replaced, the loading user counted in `write`; `last_modified` and a record's
// `schema` are not compared): only objects that would change are written, so a second load
// writes nothing and says so. Missing objects are created with `If-None-Match: *` (their
// `last_modified`, when the file has one, is forced, as kinto-wizard does); changed ones are
// patched with `If-Match` of the version that was compared. Objects absent from the file are
// left alone. A record's `attachment` field is neither compared nor written (files are not
// loaded; `import` copies them).
import process from "node:process";
import { dataChanges, permissionsChange, sortedPermissions } from "../lib/compare.mjs";
import { CliError } from "../lib/errors.mjs";
import { Client, envelopeMessage, refusal } from "../lib/http.mjs";
import { authOption, credentials } from "../lib/options.mjs";
import { paths, readObjects } from "../lib/source.mjs";
import { readWizardFile } from "../lib/wizard.mjs";

/** The server's objects under `bid`, by path (absent ones missing), for what the file names. */
async function currentState(client, bid, bucket) {
  const found = new Map();
  const response = await client.request("GET", paths.bucket(bid));
  // 403: Kinto does not say whether a bucket the caller cannot read exists; creating it decides.
  if (response.status === 404 || response.status === 403) return found;
  if (response.status !== 200) throw refusal("GET", client.url(paths.bucket(bid)), response.status, response.body);
  found.set(paths.bucket(bid), { data: response.body.data, permissions: response.body.permissions ?? {} });
  const [groups, collections] = await Promise.all([
    client.all(`${paths.bucket(bid)}/groups`),
    client.all(`${paths.bucket(bid)}/collections`),
  ]);
  const wanted = [
    ...groups.filter((g) => g.id in bucket.groups).map((g) => paths.group(bid, g.id)),
    ...collections.filter((c) => c.id in bucket.collections).map((c) => paths.collection(bid, c.id)),
  ];
  for (const cid of collections.map((c) => c.id)) {
    const records = bucket.collections[cid]?.records;
    if (!records) continue;
    const existing = await client.all(`${paths.collection(bid, cid)}/records`);
    wanted.push(...existing.filter((r) => r.id in records).map((r) => paths.record(bid, cid, r.id)));
  }
  const objects = await readObjects(client, wanted);
  wanted.forEach((path, i) => found.set(path, objects[i]));
  return found;
}

/** The write that makes `path` hold `entry`, or null when it already does. */
function writeFor(path, entry, current, userId, ignored) {
  const permissions = sortedPermissions(entry.permissions);
  // An attachment's metadata is the server's own (only its attachment routes write it).
  const { attachment: _attachment, ...data } = entry.data;
  if (current === undefined) {
    return { method: "PUT", path, headers: { "If-None-Match": "*" }, body: { data, permissions } };
  }
  if (!dataChanges(current.data, data, ignored) && !permissionsChange(current.permissions, permissions, userId)) return null;
  const { last_modified: _ignored, ...patch } = data;
  return { method: "PATCH", path, headers: { "If-Match": `"${current.data.last_modified}"` }, body: { data: patch, permissions } };
}

async function run(file, options) {
  const buckets = readWizardFile(file);
  const client = new Client(options.to, credentials(options.auth));
  try {
    const hello = await client.authenticated();
    const userId = hello.user?.id ?? null;
    /** Writes in three phases: buckets, then their groups and collections, then records. */
    const phases = [[], [], []];
    let unchanged = 0;
    const plan = (phase, path, entry, current, ignored = []) => {
      const write = writeFor(path, entry, current, userId, ignored);
      if (write === null) unchanged++;
      else phases[phase].push(write);
    };
    for (const [bid, bucket] of Object.entries(buckets)) {
      if (options.bucket && bid !== options.bucket) continue;
      const current = await currentState(client, bid, bucket);
      plan(0, paths.bucket(bid), bucket, current.get(paths.bucket(bid)));
      for (const [gid, group] of Object.entries(bucket.groups)) plan(1, paths.group(bid, gid), group, current.get(paths.group(bid, gid)));
      for (const [cid, collection] of Object.entries(bucket.collections)) {
        plan(1, paths.collection(bid, cid), collection, current.get(paths.collection(bid, cid)));
        for (const [rid, record] of Object.entries(collection.records ?? {})) {
          plan(2, paths.record(bid, cid, rid), record, current.get(paths.record(bid, cid, rid)), ["schema"]);
        }
      }
    }
    const writes = phases.flat();
    if (writes.length === 0) {
      process.stdout.write(`nothing changed: the ${unchanged} objects of ${file} are already on ${client.base}\n`);
      return;
    }
    const counts = { PUT: 0, PATCH: 0 };
    for (const phase of phases) {
      const responses = await client.batch(phase);
      responses.forEach((response, i) => {
        const write = phase[i];
        if (response.status >= 400) {
          throw new CliError(`${write.method} ${client.url(write.path)}: ${envelopeMessage(response.status, response.body)}; fix it and rerun (load writes only what still differs)`);
        }
        counts[write.method]++;
      });
    }
    process.stdout.write(`loaded ${file}: ${counts.PUT} created, ${counts.PATCH} updated, ${unchanged} unchanged\n`);
  } finally {
    client.close();
  }
}

/** @param {import("commander").Command} program */
export function register(program) {
  authOption(
    program
      .command("load")
      .description("create or update what a kinto-wizard YAML file describes (idempotent)")
      .argument("<file>", "a kinto-wizard YAML file")
      .requiredOption("--to <url>", "the server"),
  )
    .option("--bucket <id>", "only this bucket of the file")
    .action(run);
}
