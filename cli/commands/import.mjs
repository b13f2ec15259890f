// `kinto-edge import --from URL --to URL`: copies buckets, groups, collections and records
// (and attachments) from a running Kinto or kinto-edge into a target server.
//
// Contract:
// - Ids, data, permissions and `last_modified` are kept: every object is PUT with its
//   `last_modified` in `data` (a forced timestamp, contract §5.3) and its permissions; the
//   target adds the importing user to `write` (explicit permissions). Lists are read and
//   written oldest first, so each target list's timestamp ends at the source's newest object.
// - Every write is `If-None-Match: *`: an existing object is never overwritten. One that holds
//   the same fields and `last_modified` was imported before and is counted as "already there"
//   (this is what makes a rerun after a kill safe without a checkpoint); any other answer
//   (412 on different content, 409 on a colliding timestamp, 4xx/5xx) stops the import with
//   one line and exit 1. A rerun, once the cause is removed, finishes what was left.
// - With --checkpoint FILE, finished collections and the last acknowledged record of the
//   current one are kept in FILE; a rerun skips them.
// - Records are written through /v1/batch, `batch_max_requests` (target's hello) per batch,
//   --parallel batches in flight (a create keeps a forced timestamp in the past, so batches
//   may commit in any order), one source page written while the next is read;
//   a record with an attachment is downloaded from the source and uploaded through the
//   target's attachment route (multipart beyond its part size), in its place in the order.
// - Not copied: tombstones, history, accounts.
import process from "node:process";
import { Option } from "commander";
import { attachFile, attachmentUrl, checkStored, withDownload } from "../lib/attachments.mjs";
import { Checkpoint } from "../lib/checkpoint.mjs";
import { sameImported } from "../lib/compare.mjs";
import { CliError } from "../lib/errors.mjs";
import { Client, envelopeMessage, refusal } from "../lib/http.mjs";
import { authOption, credentials, positiveInteger } from "../lib/options.mjs";
import { plural, Progress } from "../lib/progress.mjs";
import { bucketIds, paths, readBucket, recordCount, recordPages } from "../lib/source.mjs";

const KINDS = ["bucket", "group", "collection", "record", "attachment"];

class Importer {
  constructor(from, to, checkpoint, options) {
    this.from = from;
    this.to = to;
    this.checkpoint = checkpoint;
    this.options = options;
    this.imported = Object.fromEntries(KINDS.map((kind) => [kind, 0]));
    this.already = 0;
    this.finishedBefore = 0;
    /** @type {Progress | null} */
    this.progress = null;
  }

  /** Counts one answer to a PUT of `source` at `path`, or throws the one-line reason. */
  settle(kind, path, source, response) {
    if (response.status === 200 || response.status === 201) {
      const given = response.body?.data?.last_modified;
      if (given !== undefined && given !== source.last_modified) {
        throw new CliError(`${this.to.url(path)} was written with last_modified ${given} instead of ${source.last_modified} (another object of the target holds that timestamp); delete both there, then rerun`);
      }
      this.imported[kind]++;
      return;
    }
    const existing = response.body?.details?.existing;
    if (response.status === 412 && existing && sameImported(existing, source)) {
      this.already++;
      return;
    }
    const url = this.to.url(path);
    if (response.status === 412) {
      throw new CliError(`${url} already exists on the target with other content (${envelopeMessage(412, response.body)}); remove it there, then rerun`);
    }
    if (response.status === 409) {
      throw new CliError(`${url}: conflict (${envelopeMessage(409, response.body)}); another object of the target has last_modified ${source.last_modified}, or the target is busy: rerun`);
    }
    throw refusal("PUT", url, response.status, response.body);
  }

  /**
   * PUTs `{kind, path, object}` items in order, in batches. A forced timestamp that collides
   * answers 409 for every write the target committed with it: those are sent again one by
   * one, so that only the colliding one is reported.
   */
  async put(items) {
    const request = ({ path, object }) => ({ method: "PUT", path, headers: { "If-None-Match": "*" }, body: { data: object.data, permissions: object.permissions } });
    const responses = await this.to.batch(items.map(request));
    for (const [i, { kind, path, object }] of items.entries()) {
      const [response] = responses[i].status === 409 ? await this.to.batch([request(items[i])]) : [responses[i]];
      this.settle(kind, path, object.data, response);
    }
  }

  async uploadRecord(bid, cid, record) {
    const { attachment, ...data } = record.data;
    const fromHello = await this.from.hello();
    const multipart = (await this.to.hello()).capabilities.attachments.multipart_upload;
    const path = paths.record(bid, cid, data.id);
    await withDownload(this.from, attachmentUrl(fromHello, attachment.location), attachment.filename, async (file) => {
      const result = await attachFile(this.to, this.to.url(path), file, {
        filename: attachment.filename,
        size: attachment.size,
        partSize: multipart?.part_size,
        multipart: multipart !== undefined,
        mimetype: attachment.mimetype,
        data,
        permissions: record.permissions,
        headers: { "If-None-Match": "*" },
        accept: [409, 412],
        quiet: true,
      });
      if ("refused" in result) return this.settle("record", path, record.data, result.refused);
      checkStored(result.attachment, result.hash, attachment.size);
      this.imported.record++;
      this.imported.attachment++;
    });
  }

  async collection(bid, cid) {
    const uri = paths.collection(bid, cid);
    const label = `${bid}/${cid}`;
    const state = this.checkpoint.of(uri);
    if (state.finished) return;
    const withFiles = this.options.attachments && (await this.from.hello()).capabilities?.attachments !== undefined;
    let after = state.after;
    let pending = [];
    let writing = Promise.resolve();
    // Starts writing `pending` once the previous write is done, so one page is written while
    // the next is read; the checkpoint follows the writes in their order.
    const startWrite = async () => {
      await writing;
      if (pending.length === 0) return;
      const records = pending;
      pending = [];
      writing = this.put(records.map((record) => ({ kind: "record", path: paths.record(bid, cid, record.data.id), object: record }))).then(() => {
        after = records[records.length - 1].data.last_modified;
        this.progress?.add(records.length, label);
        this.checkpoint.advance(uri, after);
      });
      // Handled where it is awaited; this only keeps a failure during the next read from being "unhandled".
      writing.catch(() => {});
    };
    const drain = async () => {
      await startWrite();
      await writing;
    };
    for await (const page of recordPages(this.from, bid, cid, { after, permissions: this.options.recordPermissions })) {
      for (const record of page) {
        if (withFiles && record.data.attachment?.location) {
          await drain();
          await this.uploadRecord(bid, cid, record);
          after = record.data.last_modified;
          this.progress?.add(1, label);
          this.checkpoint.advance(uri, after);
          continue;
        }
        pending.push(record);
      }
      await startWrite();
    }
    await drain();
    this.checkpoint.advance(uri, after, true);
  }

  async run(only) {
    const trees = [];
    for (const bid of await bucketIds(this.from, only)) trees.push(await readBucket(this.from, bid));
    if (this.options.attachments && (await this.from.hello()).capabilities?.attachments && !(await this.to.hello()).capabilities?.attachments) {
      throw new CliError(`${this.to.base} has no attachments capability; include kinto_attachment there, or pass --no-attachments to copy the metadata only`);
    }
    let total = 0;
    for (const tree of trees) {
      for (const { data } of tree.collections) {
        const state = this.checkpoint.of(paths.collection(tree.id, data.id));
        if (state.finished) this.finishedBefore++;
        else total += await recordCount(this.from, tree.id, data.id);
      }
    }
    this.progress = new Progress("records", total);
    try {
      for (const tree of trees) {
        await this.put([{ kind: "bucket", path: paths.bucket(tree.id), object: tree.bucket }]);
        await this.put([
          ...tree.groups.map((object) => ({ kind: "group", path: paths.group(tree.id, object.data.id), object })),
          ...tree.collections.map((object) => ({ kind: "collection", path: paths.collection(tree.id, object.data.id), object })),
        ]);
        for (const { data } of tree.collections) await this.collection(tree.id, data.id);
      }
    } finally {
      this.progress.stop();
    }
  }

  summary(seconds) {
    const parts = KINDS.map((kind) => plural(this.imported[kind], kind));
    const rate = Math.round(this.imported.record / Math.max(seconds, 0.001));
    return `imported ${parts.join(", ")}; ${this.already} already there; ${plural(this.finishedBefore, "collection")} finished before (checkpoint); ${seconds.toFixed(1)} s, ${rate} records/s`;
  }
}

async function run(options) {
  const parallel = { parallel: options.parallel };
  const from = new Client(options.from, options.fromAuth ?? credentials(options.auth), parallel);
  const to = new Client(options.to, credentials(options.auth), parallel);
  const started = Date.now();
  try {
    await Promise.all([from.authenticated(), to.authenticated()]);
    const checkpoint = new Checkpoint(options.checkpoint, { from: from.base, to: to.base, bucket: options.bucket ?? null });
    const importer = new Importer(from, to, checkpoint, options);
    try {
      await importer.run(options.bucket);
    } catch (error) {
      if (error instanceof CliError && options.checkpoint) error.message += ` (a rerun resumes from ${options.checkpoint})`;
      throw error;
    }
    process.stdout.write(`${importer.summary((Date.now() - started) / 1000)}\n`);
  } finally {
    from.close();
    to.close();
  }
}

/** @param {import("commander").Command} program */
export function register(program) {
  authOption(
    program
      .command("import")
      .description("copy buckets, groups, collections, records and attachments from a Kinto server into another")
      .requiredOption("--from <url>", "source server, e.g. https://kinto.example.com/v1")
      .requiredOption("--to <url>", "target server"),
    "credentials of the target, and of the source unless --from-auth (default: $KINTO_AUTH)",
  )
    .option("--from-auth <user:pass>", "credentials of the source")
    .option("--bucket <id>", "only this bucket")
    .option("--checkpoint <file>", "keep progress in this file; a rerun resumes from it")
    .option("--parallel <n>", "batches in flight on each server", positiveInteger, 4)
    .addOption(new Option("--no-record-permissions", "do not read each record's permissions (faster; records get the target's defaults)"))
    .addOption(new Option("--no-attachments", "copy attachment metadata only, not the files"))
    .action(run);
}
