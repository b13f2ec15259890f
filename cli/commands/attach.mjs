// `kinto-edge attach <server-url> <bucket>/<collection>/<record> <file>`: attaches the file to
// the record (creating it if needed). Progress goes to stderr, the record's `attachment`
// (JSON) to stdout. An unfinished multipart upload is aborted.
import { stat } from "node:fs/promises";
import path from "node:path";
import process from "node:process";
import { attachFile, checkStored } from "../lib/attachments.mjs";
import { CliError, usage } from "../lib/errors.mjs";
import { Client } from "../lib/http.mjs";
import { parseJson } from "../lib/json.mjs";
import { authOption } from "../lib/options.mjs";

function recordPath(target) {
  const ids = target.split("/");
  if (ids.length !== 3 || ids.some((id) => id === "")) usage(`expected <bucket>/<collection>/<record>, got ${JSON.stringify(target)}`);
  return ids.map(encodeURIComponent);
}

async function attach(server, target, file, options) {
  const [bid, cid, rid] = recordPath(target);
  let data;
  if (options.data !== undefined) {
    try {
      data = parseJson(options.data);
    } catch {
      usage("--data should be a JSON object");
    }
  }
  const info = await stat(file).catch(() => usage(`no such file: ${file}`));
  if (!info.isFile()) usage(`not a file: ${file}`);
  const partOption = options.partSize === undefined ? undefined : Number(options.partSize);
  if (partOption !== undefined && !Number.isSafeInteger(partOption)) usage("--part-size should be a number of bytes");
  const client = new Client(server, options.auth ?? process.env.KINTO_AUTH);
  try {
    const hello = await client.hello();
    const capability = hello.capabilities?.attachments;
    if (!capability) throw new CliError(`${client.base} has no attachments capability (is kinto_attachment included?)`);
    const multipart = capability.multipart_upload;
    const recordUrl = `${client.base}/buckets/${bid}/collections/${cid}/records/${rid}`;
    const result = await attachFile(client, recordUrl, file, {
      filename: path.basename(file),
      size: info.size,
      partSize: partOption ?? multipart?.part_size,
      multipart: multipart !== undefined,
      mimetype: options.mimetype,
      data,
    });
    process.stdout.write(`${JSON.stringify(result.attachment, null, 2)}\n`);
    checkStored(result.attachment, result.hash, info.size);
  } finally {
    client.close();
  }
}

/** @param {import("commander").Command} program */
export function register(program) {
  authOption(
    program
      .command("attach")
      .description("attach a file to a record (multipart upload beyond one part)")
      .argument("<server-url>", "e.g. http://127.0.0.1:8888/v1 (/v1 is added when missing)")
      .argument("<record-path>", "<bucket>/<collection>/<record>: the record, created when missing")
      .argument("<file>", "the file to attach"),
    "basic auth credentials (default: $KINTO_AUTH, else anonymous)",
  )
    .option("--part-size <bytes>", "bytes per part of a multipart upload (default: the server's part_size)")
    .option("--mimetype <type>", "the file's type (default: from the server's rules, else application/octet-stream)")
    .option("--data <json>", "record fields to set, a JSON object")
    .action(attach);
}
