/**
 * The signer's refusals of a user's change, before it is made (contract §12.2): status
 * transitions, read-only tracking fields, floats in source records. Changes the plugin makes
 * itself never come through here (they are effects, see publish.ts).
 */
import type { Settings } from "../../../config";
import { ERRNO, KintoError } from "../../../errors";
import type { WriteChange } from "../../../writer/listener";
import { INTEGER_TEXT, isRawNumber } from "../../../json/numbers";
import type { JsonValue } from "../../../wire";
import { reviewRequired, signerSettings, workflowOfSource, type Resolved } from "./settings";

export const STATUS = {
  WORK_IN_PROGRESS: "work-in-progress",
  TO_REVIEW: "to-review",
  TO_SIGN: "to-sign",
  SIGNED: "signed",
  TO_RESIGN: "to-resign",
  TO_REFRESH: "to-refresh",
  TO_ROLLBACK: "to-rollback",
} as const;

export const TRACKING_FIELDS = [
  "last_edit_by",
  "last_edit_date",
  "last_review_request_by",
  "last_review_request_date",
  "last_review_by",
  "last_review_date",
  "last_signature_by",
  "last_signature_date",
] as const;

function invalid(message: string): KintoError {
  return new KintoError({ status: 400, errno: ERRNO.INVALID_POSTED_DATA, error: "Invalid parameters", message });
}

function refused(message: string): KintoError {
  return new KintoError({ status: 403, errno: ERRNO.FORBIDDEN, message });
}

const groupUri = (bid: string, group: string): string => `/buckets/${bid}/groups/${group}`;

function checkStatus(change: WriteChange, workflow: Resolved, settings: Settings): void {
  const next = change.data.status;
  const previous = change.old?.status;
  if (next === previous) return;
  if (next === undefined) throw invalid("Cannot remove status");
  const bid = workflow.source.bucket;
  const review = reviewRequired(settings, workflow.source);
  const principals = change.author.principals;
  switch (next) {
    case STATUS.WORK_IN_PROGRESS:
    case STATUS.TO_RESIGN:
    case STATUS.TO_REFRESH:
      return;
    case STATUS.TO_REVIEW:
      if (review && !principals.includes(groupUri(bid, workflow.editorsGroup))) throw refused(`Not in ${workflow.editorsGroup} group`);
      return;
    case STATUS.TO_SIGN:
      if (previous === STATUS.SIGNED) throw invalid("Collection already signed");
      if (!review) return;
      if (!principals.includes(groupUri(bid, workflow.reviewersGroup))) throw refused(`Not in ${workflow.reviewersGroup} group`);
      if (previous !== STATUS.TO_REVIEW) throw invalid("Collection not under review");
      if (change.old?.last_review_request_by === change.author.userId) throw refused("Last editor cannot review");
      return;
    case STATUS.SIGNED:
      throw invalid(`Cannot set status to '${STATUS.SIGNED}'`);
    case STATUS.TO_ROLLBACK:
      if (previous === STATUS.SIGNED) throw invalid("Collection has no work-in-progress");
      return;
    default:
      throw invalid(`Invalid status '${typeof next === "string" ? next : JSON.stringify(next)}'`);
  }
}

function checkTracking(change: WriteChange): void {
  for (const field of TRACKING_FIELDS) {
    if (JSON.stringify(change.data[field]) !== JSON.stringify(change.old?.[field])) throw invalid(`Cannot change '${field}'`);
  }
}

/** The dotted path of the first float in `value`, or null. */
function floatPath(value: JsonValue, path: string): string | null {
  if (typeof value === "number") return Number.isInteger(value) ? null : path;
  if (isRawNumber(value)) return INTEGER_TEXT.test(value.rawJSON) ? null : path;
  if (value === null || typeof value !== "object") return null;
  const entries: [string, JsonValue][] = Array.isArray(value) ? value.map((item, index) => [String(index), item]) : Object.entries(value);
  for (const [key, item] of entries) {
    const found = floatPath(item, path === "" ? key : `${path}.${key}`);
    if (found !== null) return found;
  }
  return null;
}

/** Throws the signer's refusal of `change`, if any. */
export function checkSignerChange(change: WriteChange, settings: Settings): void {
  if (change.by !== null || change.action === "delete") return;
  const { bucket, collection } = change.location;
  if (change.resourceName === "collection" && bucket !== undefined) {
    const workflow = workflowOfSource(settings, bucket, change.id);
    if (workflow === null) return;
    checkStatus(change, workflow, settings);
    checkTracking(change);
  } else if (change.resourceName === "record" && bucket !== undefined && collection !== undefined) {
    if (signerSettings(settings).allowFloats || workflowOfSource(settings, bucket, collection) === null) return;
    const path = floatPath(change.data as unknown as JsonValue, "");
    if (path !== null) throw invalid(`field contains float value (tip: use integer or string), '${path}'`);
  }
}
