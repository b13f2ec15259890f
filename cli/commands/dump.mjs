// `kinto-edge dump --from URL [--bucket B] [--records] > FILE.yaml`: the server's buckets,
// groups and collections (and records) in kinto-wizard's YAML format, on stdout; `load`
// reads it back.
import process from "node:process";
import { Client } from "../lib/http.mjs";
import { authOption, credentials } from "../lib/options.mjs";
import { bucketIds, readBucket, recordPages } from "../lib/source.mjs";
import { wizardYaml } from "../lib/wizard.mjs";

async function run(options) {
  const client = new Client(options.from, credentials(options.auth));
  try {
    await client.authenticated();
    const trees = [];
    for (const bid of await bucketIds(client, options.bucket)) {
      const tree = await readBucket(client, bid);
      if (options.records) {
        tree.records = {};
        for (const { data } of tree.collections) {
          const records = [];
          for await (const page of recordPages(client, bid, data.id)) records.push(...page);
          tree.records[data.id] = records;
        }
      }
      trees.push(tree);
    }
    process.stdout.write(wizardYaml(trees));
  } finally {
    client.close();
  }
}

/** @param {import("commander").Command} program */
export function register(program) {
  authOption(
    program
      .command("dump")
      .description("print a server's buckets, groups, collections (and records) as kinto-wizard YAML")
      .requiredOption("--from <url>", "the server"),
  )
    .option("--bucket <id>", "only this bucket")
    .option("--records", "include the records (with their permissions)")
    .action(run);
}
