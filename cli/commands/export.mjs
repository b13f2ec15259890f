// `kinto-edge export --from URL --out DIR|FILE.jsonl`: the source's tree as JSON lines, one
// object per line, parents before children and each list oldest first:
//   {"kind": "bucket"|"group"|"collection"|"record", "path": "/buckets/b/…", "data": {…}, "permissions": {…}}
// A `.jsonl` path gets every bucket; a directory gets one `<bucket id>.jsonl` per bucket.
// Numbers are written exactly as the server answers them. Attachments are exported as their records' metadata, not as files.
import { once } from "node:events";
import { createWriteStream, mkdirSync } from "node:fs";
import path from "node:path";
import process from "node:process";
import { Option } from "commander";
import { CliError, EXIT } from "../lib/errors.mjs";
import { Client } from "../lib/http.mjs";
import { stringifyJson } from "../lib/json.mjs";
import { authOption, credentials } from "../lib/options.mjs";
import { plural, Progress } from "../lib/progress.mjs";
import { bucketIds, paths, readBucket, recordCount, recordPages } from "../lib/source.mjs";

/** A file written line by line, honouring back-pressure. */
class Lines {
  constructor(file) {
    this.file = file;
    this.stream = createWriteStream(file);
    this.failure = null;
    this.stream.on("error", (error) => (this.failure = error));
  }

  async write(object) {
    if (this.failure) throw new CliError(`${this.file}: ${this.failure.message}`, EXIT.usage);
    if (!this.stream.write(`${stringifyJson(object)}\n`)) await once(this.stream, "drain");
  }

  async close() {
    this.stream.end();
    await once(this.stream, "finish");
    if (this.failure) throw new CliError(`${this.file}: ${this.failure.message}`, EXIT.usage);
  }
}

async function run(options) {
  const client = new Client(options.from, credentials(options.auth));
  const single = options.out.endsWith(".jsonl");
  const counts = { bucket: 0, group: 0, collection: 0, record: 0 };
  try {
    await client.authenticated();
    if (!single) {
      try {
        mkdirSync(options.out, { recursive: true });
      } catch (error) {
        throw new CliError(`${options.out}: ${error.message}`, EXIT.usage);
      }
    }
    const trees = [];
    for (const bid of await bucketIds(client, options.bucket)) trees.push(await readBucket(client, bid));
    let total = 0;
    for (const tree of trees) for (const { data } of tree.collections) total += await recordCount(client, tree.id, data.id);
    const progress = new Progress("records", total);
    let out = single ? new Lines(options.out) : null;
    const line = (kind, objectPath, object) => {
      counts[kind]++;
      return out.write({ kind, path: objectPath, data: object.data, permissions: object.permissions });
    };
    try {
      for (const tree of trees) {
        if (!single) out = new Lines(path.join(options.out, `${tree.id}.jsonl`));
        await line("bucket", paths.bucket(tree.id), tree.bucket);
        for (const group of tree.groups) await line("group", paths.group(tree.id, group.data.id), group);
        for (const collection of tree.collections) {
          const cid = collection.data.id;
          await line("collection", paths.collection(tree.id, cid), collection);
          for await (const page of recordPages(client, tree.id, cid, { permissions: options.recordPermissions })) {
            for (const record of page) await line("record", paths.record(tree.id, cid, record.data.id), record);
            progress.add(page.length, `${tree.id}/${cid}`);
          }
        }
        if (!single) await out.close();
      }
      if (single) await (out ?? new Lines(options.out)).close();
    } finally {
      progress.stop();
    }
    process.stdout.write(`exported ${Object.entries(counts).map(([kind, n]) => plural(n, kind)).join(", ")} to ${options.out}\n`);
  } finally {
    client.close();
  }
}

/** @param {import("commander").Command} program */
export function register(program) {
  authOption(
    program
      .command("export")
      .description("write a server's buckets, groups, collections and records as JSON lines")
      .requiredOption("--from <url>", "source server")
      .requiredOption("--out <dir|file.jsonl>", "a .jsonl file, or a directory (one <bucket>.jsonl per bucket)"),
  )
    .option("--bucket <id>", "only this bucket")
    .addOption(new Option("--no-record-permissions", "do not read each record's permissions (faster)"))
    .action(run);
}
