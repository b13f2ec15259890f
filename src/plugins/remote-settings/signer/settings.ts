/**
 * The signer's settings (contract §12.2), by Remote Settings' names under `signer.` (read from
 * `KINTO_SIGNER_*`): the workflows of `signer.resources` and what each one refines per bucket or
 * collection. A malformed value throws `SettingsError` on every request (a 500 naming it).
 */
import { parsedOnce, SettingsError, variableName, type Settings } from "../../../config";

export interface Place {
  bucket: string;
  /** Null for a bucket-wide workflow (every collection of the source bucket). */
  collection: string | null;
}

/** One `source -> [preview ->] destination` line. */
export interface Workflow {
  source: Place;
  preview: Place | null;
  destination: Place;
}

export interface SignerSettings {
  workflows: readonly Workflow[];
  toReviewEnabled: boolean;
  allowFloats: boolean;
  hardDeleteDestination: boolean;
  editorsGroup: string;
  reviewersGroup: string;
}

const PLACE = /^\/buckets\/([^/\s]+)(?:\/collections\/([^/\s]+))?$/;
const TRUE = new Set(["true", "1", "yes", "on"]);
const FALSE = new Set(["false", "0", "no", "off", ""]);

function placeOf(uri: string, variable: string): Place {
  const match = PLACE.exec(uri.trim());
  if (!match) throw new SettingsError(variable, `${JSON.stringify(uri.trim())} is not a bucket or collection URI`);
  return { bucket: match[1] as string, collection: match[2] ?? null };
}

const uriOf = (place: Place): string => `/buckets/${place.bucket}${place.collection === null ? "" : `/collections/${place.collection}`}`;

/** `a -> b -> c` lines (the legacy `a;b;c` form too, separated by white space). */
function workflowsOf(raw: string): Workflow[] {
  const variable = variableName("signer.resources");
  const lines = raw.includes("->") ? raw.split(/\n|,/) : raw.split(/\s+/);
  const workflows: Workflow[] = [];
  for (const line of lines.map((text) => text.trim()).filter((text) => text !== "")) {
    const parts = line.includes("->") ? line.split("->") : line.replace(/^;|;$/g, "").split(";");
    if (parts.length < 2 || parts.length > 3) {
      throw new SettingsError(variable, `${JSON.stringify(line)} should be "source -> destination" or "source -> preview -> destination"`);
    }
    const places = parts.map((part) => placeOf(part, variable));
    const kinds = new Set(places.map((place) => place.collection === null));
    if (kinds.size > 1) throw new SettingsError(variable, `${JSON.stringify(line)} mixes bucket and collection URIs`);
    const uris = places.map(uriOf);
    if (new Set(uris).size !== uris.length) throw new SettingsError(variable, `${JSON.stringify(line)} names one resource twice`);
    const [source, middle, last] = places as [Place, Place, Place | undefined];
    workflows.push(last === undefined ? { source, preview: null, destination: middle } : { source, preview: middle, destination: last });
  }
  const seen = new Set<string>();
  for (const workflow of workflows) {
    for (const place of [workflow.source, workflow.preview, workflow.destination]) {
      if (place === null) continue;
      const uri = uriOf(place);
      if (seen.has(uri)) throw new SettingsError(variable, `${uri} is in more than one workflow`);
      seen.add(uri);
    }
  }
  return workflows;
}

function flag(settings: Settings, name: string, fallback: boolean): boolean {
  const raw = settings.lookup(name);
  if (raw === undefined) return fallback;
  const value = raw.trim().toLowerCase();
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new SettingsError(variableName(name), `expected true or false, got ${JSON.stringify(raw)}`);
}

function parse(settings: Settings): SignerSettings {
  return {
    workflows: workflowsOf(settings.lookup("signer.resources") ?? "/buckets/main-workspace -> /buckets/main-preview -> /buckets/main"),
    toReviewEnabled: flag(settings, "signer.to_review_enabled", false),
    allowFloats: flag(settings, "signer.allow_floats", false),
    hardDeleteDestination: flag(settings, "signer.hard_delete_destination_on_source_deletion", false),
    editorsGroup: settings.lookup("signer.editors_group") ?? "{collection_id}-editors",
    reviewersGroup: settings.lookup("signer.reviewers_group") ?? "{collection_id}-reviewers",
  };
}

const cache = new WeakMap<Settings, SignerSettings | SettingsError>();

export function signerSettings(settings: Settings): SignerSettings {
  return parsedOnce(cache, settings, parse);
}

/**
 * A setting refined for one collection, looked up as Remote Settings does: `signer.<bid>.<cid>.<name>`,
 * the legacy `signer.<bid>_<cid>.<name>`, `signer.<bid>.<name>`, then `signer.<name>`.
 */
export function refined(settings: Settings, source: { bucket: string; collection: string }, name: string): string | undefined {
  const { bucket, collection } = source;
  for (const prefix of [`signer.${bucket}.${collection}`, `signer.${bucket}_${collection}`, `signer.${bucket}`, "signer"]) {
    const value = settings.lookup(`${prefix}.${name}`);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Whether a review by another person is required for `source` (a collection, or "" for a whole bucket). */
export function reviewRequired(settings: Settings, source: { bucket: string; collection: string }): boolean {
  const raw = refined(settings, source, "to_review_enabled");
  if (raw === undefined) return signerSettings(settings).toReviewEnabled;
  const value = raw.trim().toLowerCase();
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new SettingsError(variableName(`signer.${source.bucket}.${source.collection}.to_review_enabled`), `expected true or false, got ${JSON.stringify(raw)}`);
}

/** One collection's workflow: its source, preview and destination collections, all named. */
export interface Resolved {
  source: { bucket: string; collection: string };
  preview: { bucket: string; collection: string } | null;
  destination: { bucket: string; collection: string };
  editorsGroup: string;
  reviewersGroup: string;
}

function named(place: Place, collection: string): { bucket: string; collection: string } {
  return { bucket: place.bucket, collection: place.collection ?? collection };
}

function resolve(signer: SignerSettings, workflow: Workflow, cid: string): Resolved {
  const source = named(workflow.source, cid);
  return {
    source,
    preview: workflow.preview === null ? null : named(workflow.preview, cid),
    destination: named(workflow.destination, cid),
    editorsGroup: signer.editorsGroup.replaceAll("{collection_id}", source.collection),
    reviewersGroup: signer.reviewersGroup.replaceAll("{collection_id}", source.collection),
  };
}

/** The workflow whose source is `bid/cid` (a collection line wins over its bucket's), or null. */
export function workflowOfSource(settings: Settings, bid: string, cid: string): Resolved | null {
  const signer = signerSettings(settings);
  const exact = signer.workflows.find((w) => w.source.bucket === bid && w.source.collection === cid);
  if (exact) return resolve(signer, exact, cid);
  const wide = signer.workflows.find((w) => w.source.bucket === bid && w.source.collection === null);
  return wide ? resolve(signer, wide, cid) : null;
}

/** The workflow publishing into `bid/cid` as its preview or destination, or null. */
export function workflowOfTarget(settings: Settings, bid: string, cid: string): Resolved | null {
  const signer = signerSettings(settings);
  for (const workflow of signer.workflows) {
    for (const place of [workflow.preview, workflow.destination]) {
      if (place === null || place.bucket !== bid) continue;
      if (place.collection === cid) return resolve(signer, workflow, workflow.source.collection ?? cid);
      if (place.collection === null) {
        // A collection line of the same source bucket and id takes that collection out of the bucket-wide workflow.
        const resolved = workflowOfSource(settings, workflow.source.bucket, cid);
        if (resolved && resolved.destination.bucket === bid && resolved.destination.collection === cid) return resolved;
        if (resolved?.preview && resolved.preview.bucket === bid && resolved.preview.collection === cid) return resolved;
      }
    }
  }
  return null;
}
