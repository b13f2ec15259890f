// The checkpoint of an import: which collections are finished and, for the one in progress,
// the timestamp of the last record written (records are read oldest first, so the rest is
// `gt_last_modified` of it). Written after every acknowledged batch, atomically (a temporary
// file renamed over it), so a killed import leaves the last consistent state.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { CliError, EXIT } from "./errors.mjs";

/**
 * @typedef {{version: 1, from: string, to: string, bucket: string | null,
 *   collections: Record<string, {after: number | null, finished: boolean}>}} CheckpointState
 */

export class Checkpoint {
  /**
   * @param {string | undefined} file none: nothing is kept
   * @param {{from: string, to: string, bucket: string | null}} identity what the checkpoint is for
   */
  constructor(file, identity) {
    this.file = file;
    /** @type {CheckpointState} */
    this.state = { version: 1, ...identity, collections: {} };
    if (file === undefined) return;
    let text;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      if (error.code === "ENOENT") return;
      throw new CliError(`checkpoint ${file}: ${error.message}`, EXIT.usage);
    }
    let saved;
    try {
      saved = JSON.parse(text);
    } catch (error) {
      throw new CliError(`checkpoint ${file} is not JSON (${error.message})`, EXIT.usage);
    }
    if (saved?.version !== 1 || typeof saved.collections !== "object" || saved.collections === null) {
      throw new CliError(`checkpoint ${file} is not a kinto-edge import checkpoint`, EXIT.usage);
    }
    for (const key of ["from", "to", "bucket"]) {
      if ((saved[key] ?? null) !== (identity[key] ?? null)) {
        throw new CliError(`checkpoint ${file} is for another import (${key}: ${JSON.stringify(saved[key] ?? null)}); remove it or pass another file`, EXIT.usage);
      }
    }
    this.state.collections = saved.collections;
  }

  /** Where the records of `uri` resume: `{after, finished}`. */
  of(uri) {
    return this.state.collections[uri] ?? { after: null, finished: false };
  }

  /** Records up to `after` are on the target; `finished`: the whole collection is. */
  advance(uri, after, finished = false) {
    this.state.collections[uri] = { after, finished };
    if (this.file === undefined) return;
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.state)}\n`);
    renameSync(temporary, this.file);
  }
}
