// kinto-wizard's YAML format (Kinto/kinto-wizard, `kinto2yaml.py` / `yaml2kinto.py`):
//   buckets:
//     <bid>:
//       data: {…}                 # optional
//       permissions: {perm: [principal, …]}
//       groups:      {<gid>: {data: {members: […], …}, permissions: {…}}}
//       collections: {<cid>: {data: {…}, permissions: {…}, records: {<rid>: {data: {…}, permissions: {…}}}}}
// Parsing reports the first YAML error with its line and column; the shape is checked
// before anything is sent. Numbers keep their exact value (json.mjs) through both ways.
import { readFileSync } from "node:fs";
import YAML, { Scalar } from "yaml";
import { sortedPermissions } from "./compare.mjs";
import { CliError, EXIT } from "./errors.mjs";
import { keptNumber, RawNumber } from "./json.mjs";

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Numbers are kept exactly both ways: a YAML number written as a JSON number keeps its text. */
function keepNumbers(document) {
  YAML.visit(document, {
    Scalar(_key, node) {
      if (typeof node.value === "number" && node.source !== undefined && JSON_NUMBER.test(node.source)) node.value = keptNumber(node.source, node.value);
    },
  });
}

/** A RawNumber as a YAML scalar: integers by their digits, fractions with their digits after the point. */
function yamlNumber(_key, value) {
  if (!(value instanceof RawNumber)) return value;
  if (/^-?\d+$/.test(value.text)) return new Scalar(BigInt(value.text));
  const scalar = new Scalar(Number(value.text));
  const fraction = /\.(\d+)$/.exec(value.text);
  if (fraction) scalar.minFractionDigits = fraction[1].length;
  return scalar;
}

function isMapping(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function bad(file, where, message) {
  throw new CliError(`${file}: ${where}: ${message}`, EXIT.usage);
}

/** A mapping at `where` (an absent one is `{}`). */
function mapping(file, where, value) {
  if (value === undefined || value === null) return {};
  if (!isMapping(value)) bad(file, where, "expected a mapping");
  return value;
}

/** `{data, permissions}` of one object, checked. */
function entry(file, where, value) {
  const object = mapping(file, where, value);
  const data = mapping(file, `${where}.data`, object.data);
  const permissions = mapping(file, `${where}.permissions`, object.permissions);
  for (const [perm, principals] of Object.entries(permissions)) {
    if (!Array.isArray(principals) || principals.some((p) => typeof p !== "string")) bad(file, `${where}.permissions.${perm}`, "expected a list of principals");
  }
  return { object, data, permissions };
}

/**
 * @typedef {{data: object, permissions: Record<string, string[]>}} Entry
 * @typedef {Entry & {records: Record<string, Entry> | null}} CollectionEntry
 * @typedef {Entry & {groups: Record<string, Entry>, collections: Record<string, CollectionEntry>}} BucketEntry
 */

/**
 * Reads and checks a kinto-wizard file.
 * @returns {Record<string, BucketEntry>} by bucket id
 */
export function readWizardFile(file) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(`${file}: ${error.code === "ENOENT" ? "no such file" : error.message}`, EXIT.usage);
  }
  const document = YAML.parseDocument(text);
  const [error] = document.errors;
  if (error !== undefined) {
    const position = error.linePos?.[0];
    const at = position ? `line ${position.line}, column ${position.col}` : "?";
    const reason = error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw new CliError(`${file}: YAML error at ${at}: ${reason}`, EXIT.usage);
  }
  keepNumbers(document);
  const root = mapping(file, "top level", document.toJS());
  if (!isMapping(root.buckets)) bad(file, "buckets", "expected a mapping of buckets");
  /** @type {Record<string, BucketEntry>} */
  const buckets = {};
  for (const [bid, value] of Object.entries(root.buckets)) {
    const where = `buckets.${bid}`;
    const { object, data, permissions } = entry(file, where, value);
    const groups = {};
    for (const [gid, group] of Object.entries(mapping(file, `${where}.groups`, object.groups))) {
      const checked = entry(file, `${where}.groups.${gid}`, group);
      groups[gid] = { data: checked.data, permissions: checked.permissions };
    }
    const collections = {};
    for (const [cid, collection] of Object.entries(mapping(file, `${where}.collections`, object.collections))) {
      const checked = entry(file, `${where}.collections.${cid}`, collection);
      let records = null;
      if (checked.object.records !== undefined && checked.object.records !== null) {
        records = {};
        for (const [rid, record] of Object.entries(mapping(file, `${where}.collections.${cid}.records`, checked.object.records))) {
          const r = entry(file, `${where}.collections.${cid}.records.${rid}`, record);
          records[rid] = { data: r.data, permissions: r.permissions };
        }
      }
      collections[cid] = { data: checked.data, permissions: checked.permissions, records };
    }
    buckets[bid] = { data, permissions, groups, collections };
  }
  return buckets;
}

/** An object as kinto-wizard dumps it: `{data, permissions}` with sorted principals. */
function dumped({ data, permissions }) {
  return { data, permissions: sortedPermissions(permissions) };
}

/**
 * The YAML text of trees read by source.mjs (`records`: by collection id, when dumped).
 * @param {{id: string, bucket: any, groups: any[], collections: any[], records?: Record<string, any[]>}[]} trees
 */
export function wizardYaml(trees) {
  const buckets = {};
  for (const tree of trees) {
    const collections = {};
    for (const collection of tree.collections) {
      const cid = collection.data.id;
      const records = tree.records?.[cid];
      collections[cid] = {
        ...dumped(collection),
        ...(records ? { records: Object.fromEntries(records.map((record) => [record.data.id, dumped(record)])) } : {}),
      };
    }
    buckets[tree.id] = {
      ...dumped(tree.bucket),
      collections,
      groups: Object.fromEntries(tree.groups.map((group) => [group.data.id, dumped(group)])),
    };
  }
  return YAML.stringify({ buckets }, yamlNumber);
}
