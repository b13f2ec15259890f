/**
 * The signer's effects (contract §12.2), run by the Writer that commits the triggering change,
 * inside its critical section, and committed in the SAME D1 transaction as that change:
 * - a source collection created: its editors/reviewers groups, the preview and destination
 *   created and signed (empty), the source `signed`;
 * - a status requested: `to-review` publishes to the preview, `to-sign` to the preview and the
 *   destination, `to-resign`/`to-refresh` re-sign, `to-rollback` restores the destination's
 *   records into the source and preview;
 * - a source record written: the source becomes `work-in-progress`;
 * - a source collection deleted: its groups go, its preview and destination are emptied and
 *   re-signed (or removed with `hard_delete_destination_on_source_deletion`);
 * - a preview or destination deleted while its source exists: refused (403).
 * Every record or list these effects read is guarded (plan.ts): a concurrent write to any of them
 * makes the whole commit retry, so a published destination always matches its signature.
 */
import { forbidden, KintoError, ERRNO } from "../../../errors";
import type { Settings } from "../../../config";
import type { ObjectRef } from "../../../resources/spec";
import { EffectRefused, type Effect, type EffectContext, type WriteChange } from "../../../writer/listener";
import type { JsonObject, KintoObject, Permissions } from "../../../wire";
import { signedPayload } from "./canonical";
import { STATUS } from "./checks";
import { sign } from "./backend";
import { bucketRef, collectionRef, groupRef, Plan, type Collection } from "./plan";
import { signerSettings, workflowOfSource, workflowOfTarget, type Resolved } from "./settings";

/** The user id of the plugin's own changes, as Remote Settings names it. */
export const PLUGIN_USERID = "plugin:remote-settings";
/** The `WriteChange.by` of the signer's writes. */
const PLUGIN_WRITER = "kinto_remote_settings.signer";
const EVERYONE = "system.Everyone";
/** Source collection fields copied to its preview and destination when signing. */
const PUBLISHED_FIELDS = ["flags", "attachment", "schema", "sort", "displayFields"] as const;
/** Record fields that do not make two versions differ. */
const IGNORED_IN_DIFF = new Set(["last_modified", "schema"]);

const recordRef = (place: Collection, id: string): ObjectRef => ({
  resourceName: "record",
  parentId: `/buckets/${place.bucket}/collections/${place.collection}`,
  id,
});

function sameRecord(a: KintoObject, b: KintoObject): boolean {
  const strip = (record: KintoObject) => Object.fromEntries(Object.entries(record).filter(([key]) => !IGNORED_IN_DIFF.has(key)).sort(([x], [y]) => (x < y ? -1 : 1)));
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

/** What one commit's effects need besides the plan. */
interface Run {
  plan: Plan;
  settings: Settings;
  origin: string | null;
}

async function ensureTarget(run: Run, place: Collection, user: string): Promise<void> {
  const { plan } = run;
  await plan.read([bucketRef(place.bucket), collectionRef(place)], [place]);
  if (plan.object(bucketRef(place.bucket)).object === null) plan.put(bucketRef(place.bucket), {}, { write: [user] });
  if (plan.object(collectionRef(place)).object === null) plan.put(collectionRef(place), {}, { read: [EVERYONE] });
}

/** Makes `target`'s records those of `records` (new timestamps), tombstones included. Returns how many changed. */
function copyRecords(plan: Plan, target: Collection, records: ReadonlyMap<string, KintoObject>): number {
  const current = plan.recordsOf(target);
  let changed = 0;
  for (const [id, record] of records) {
    const existing = current.get(id);
    if (existing !== undefined && sameRecord(existing, record)) continue;
    plan.put(recordRef(target, id), record);
    changed++;
  }
  for (const id of [...current.keys()]) {
    if (records.has(id)) continue;
    plan.remove(recordRef(target, id));
    changed++;
  }
  return changed;
}

/** Copies `records` (null: keeps the target's) into `target` and signs it; the target is created when missing. */
async function publish(run: Run, workflow: Resolved, target: Collection, records: ReadonlyMap<string, KintoObject> | null, source: JsonObject, user: string): Promise<number> {
  const { plan } = run;
  await ensureTarget(run, target, user);
  const changed = records === null ? 0 : copyRecords(plan, target, records);
  const timestamp = plan.signedTimestamp(target);
  const payload = signedPayload([...plan.recordsOf(target).values()], timestamp);
  let entry;
  try {
    entry = await sign(run.settings, workflow.source, payload, run.origin);
  } catch (error) {
    if (error instanceof KintoError) throw new EffectRefused(error);
    throw error;
  }
  const stored = plan.object(collectionRef(target)).object;
  const data: JsonObject = { ...(stored?.data ?? {}), signatures: [{ ...entry }], signature: { ...entry } };
  for (const field of PUBLISHED_FIELDS) if (source[field] !== undefined) data[field] = source[field];
  plan.put(collectionRef(target), data);
  return changed;
}

async function sourceRecords(plan: Plan, workflow: Resolved): Promise<ReadonlyMap<string, KintoObject>> {
  await plan.read([], [workflow.source]);
  return plan.recordsOf(workflow.source);
}

function isoDate(now: number): string {
  return new Date(now).toISOString();
}

function withGroups(permissions: Permissions, workflow: Resolved): Permissions {
  const groups = [workflow.editorsGroup, workflow.reviewersGroup].map((group) => `/buckets/${workflow.source.bucket}/groups/${group}`);
  return { ...permissions, write: [...new Set([...(permissions.write ?? []), ...groups])].sort() };
}

/** The source collection created by a user. */
async function created(run: Run, workflow: Resolved, change: WriteChange, user: string): Promise<void> {
  const { plan } = run;
  const bid = workflow.source.bucket;
  const groups = [workflow.editorsGroup, workflow.reviewersGroup].map((id) => groupRef(bid, id));
  await plan.read([bucketRef(bid), collectionRef(workflow.source), ...groups]);
  const acl = plan.object(bucketRef(bid)).permissions;
  const holders = new Set([...(acl.write ?? []), ...(acl["group:create"] ?? [])]);
  if (!change.author.principals.some((principal) => holders.has(principal))) throw new EffectRefused(forbidden());
  groups.forEach((ref, index) => {
    if (plan.object(ref).object !== null) return;
    plan.put(ref, { members: index === 0 ? [user] : [] }, { write: [user] });
  });
  const records = await sourceRecords(plan, workflow);
  if (workflow.preview) await publish(run, workflow, workflow.preview, records, change.data, user);
  await publish(run, workflow, workflow.destination, records, change.data, user);
  const date = isoDate(plan.now);
  plan.put(collectionRef(workflow.source), { ...change.data, status: STATUS.SIGNED, last_signature_by: user, last_signature_date: date }, withGroups(change.permissions, workflow));
}

/** Restores `target`'s records from the destination's. */
async function restore(run: Run, workflow: Resolved, target: Collection): Promise<number> {
  await run.plan.read([], [workflow.destination, target]);
  return copyRecords(run.plan, target, new Map(run.plan.recordsOf(workflow.destination)));
}

/** A status requested by a user on the source collection. */
async function statusChanged(run: Run, workflow: Resolved, change: WriteChange, user: string): Promise<void> {
  const { plan } = run;
  const next = change.data.status;
  const previous = change.old?.status;
  const date = isoDate(plan.now);
  const attrs: JsonObject = {};
  await plan.read([collectionRef(workflow.source)]);
  switch (next) {
    case STATUS.TO_REVIEW: {
      if (workflow.preview) await publish(run, workflow, workflow.preview, await sourceRecords(plan, workflow), change.data, user);
      Object.assign(attrs, { last_review_request_by: user, last_review_request_date: date });
      if (change.data.last_editor_comment === change.old?.last_editor_comment) attrs.last_editor_comment = "";
      break;
    }
    case STATUS.TO_SIGN: {
      const records = await sourceRecords(plan, workflow);
      if (workflow.preview) await publish(run, workflow, workflow.preview, records, change.data, user);
      await publish(run, workflow, workflow.destination, records, change.data, user);
      attrs.status = STATUS.SIGNED;
      if (previous !== STATUS.SIGNED) Object.assign(attrs, { last_review_by: user, last_review_date: date });
      Object.assign(attrs, { last_signature_by: user, last_signature_date: date });
      break;
    }
    case STATUS.TO_RESIGN:
    case STATUS.TO_REFRESH: {
      await publish(run, workflow, workflow.destination, null, change.data, user);
      if (workflow.preview) await publish(run, workflow, workflow.preview, null, change.data, user);
      Object.assign(attrs, { status: typeof previous === "string" ? previous : STATUS.SIGNED, last_signature_by: user, last_signature_date: date });
      break;
    }
    case STATUS.TO_ROLLBACK: {
      await restore(run, workflow, workflow.source);
      if (workflow.preview) {
        await restore(run, workflow, workflow.preview);
        await publish(run, workflow, workflow.preview, null, change.data, user);
      }
      Object.assign(attrs, { status: STATUS.SIGNED, last_editor_comment: "", last_reviewer_comment: "", last_edit_by: user, last_edit_date: date });
      break;
    }
    default:
      return;
  }
  plan.put(collectionRef(workflow.source), { ...change.data, ...attrs });
}

/** The source collection deleted: its groups go; its preview and destination are emptied and re-signed, or removed. */
async function sourceDeleted(run: Run, workflow: Resolved, change: WriteChange, user: string): Promise<void> {
  const { plan } = run;
  const bid = workflow.source.bucket;
  const groups = [workflow.editorsGroup, workflow.reviewersGroup].map((id) => groupRef(bid, id));
  await plan.read(groups);
  for (const ref of groups) if (plan.object(ref).object !== null) plan.remove(ref);
  const hard = signerSettings(run.settings).hardDeleteDestination;
  for (const target of [workflow.preview, workflow.destination]) {
    if (target === null) continue;
    if (hard) {
      await plan.read([collectionRef(target)]);
      if (plan.object(collectionRef(target)).object !== null) plan.purge(collectionRef(target));
    } else {
      await publish(run, workflow, target, new Map(), change.old ?? {}, user);
    }
  }
}

/** A preview or destination deleted: refused while its source exists. */
async function targetDeleted(run: Run, workflow: Resolved): Promise<void> {
  await run.plan.read([collectionRef(workflow.source)]);
  if (run.plan.object(collectionRef(workflow.source)).object !== null) {
    throw new EffectRefused(new KintoError({ status: 403, errno: ERRNO.FORBIDDEN, message: "Collection is in use." }));
  }
}

/** The source of records written by a user becomes work-in-progress. */
async function edited(run: Run, workflow: Resolved, user: string): Promise<void> {
  const { plan } = run;
  const ref = collectionRef(workflow.source);
  await plan.read([ref]);
  const current = plan.object(ref).object;
  if (current === null) return;
  plan.put(ref, { ...current.data, status: STATUS.WORK_IN_PROGRESS, last_edit_by: user, last_edit_date: isoDate(plan.now) });
}

export async function signerEffects(changes: readonly WriteChange[], context: EffectContext): Promise<Effect | null> {
  const run: Run = { plan: new Plan(context, { userId: PLUGIN_USERID, by: PLUGIN_WRITER }), settings: context.settings, origin: context.origin };
  const editedSources = new Map<string, { workflow: Resolved; user: string }>();
  for (const change of changes) {
    const { bucket, collection } = change.location;
    if (bucket === undefined) continue;
    const user = change.author.userId ?? EVERYONE;
    if (change.resourceName === "record" && collection !== undefined) {
      const workflow = workflowOfSource(run.settings, bucket, collection);
      if (workflow) editedSources.set(`${bucket}/${collection}`, { workflow, user });
      continue;
    }
    if (change.resourceName !== "collection") continue;
    const workflow = workflowOfSource(run.settings, bucket, change.id);
    if (workflow !== null) {
      if (change.action === "create") await created(run, workflow, change, user);
      else if (change.action === "delete") await sourceDeleted(run, workflow, change, user);
      else if (change.data.status !== change.old?.status) await statusChanged(run, workflow, change, user);
      continue;
    }
    const published = change.action === "delete" ? workflowOfTarget(run.settings, bucket, change.id) : null;
    if (published !== null) await targetDeleted(run, published);
  }
  for (const { workflow, user } of editedSources.values()) await edited(run, workflow, user);
  const effect = run.plan.effect();
  return effect.mutations.length === 0 ? null : effect;
}
