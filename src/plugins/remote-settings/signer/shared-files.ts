/**
 * Attachment files a workflow's collections share: the signer copies source records, with their
 * `attachment`, into the preview and destination, so a file a source record stops pointing at
 * may still be published. Files of a workflow's collections are therefore kept (kinto-attachment's
 * `keep_old_files`, which Remote Settings sets) whatever the attachment settings say.
 */
import type { Settings } from "../../../config";
import { signerOn } from "../enabled";
import { signerSettings, workflowOfSource, workflowOfTarget } from "./settings";

/** Whether files under `bucket` (a collection of it, when given) may be referenced by signed copies. */
export function sharesFiles(settings: Settings, bucket: string, collection: string | null): boolean {
  if (!signerOn(settings)) return false;
  if (collection !== null) return workflowOfSource(settings, bucket, collection) !== null || workflowOfTarget(settings, bucket, collection) !== null;
  return signerSettings(settings).workflows.some((workflow) => [workflow.source, workflow.preview, workflow.destination].some((place) => place?.bucket === bucket));
}
