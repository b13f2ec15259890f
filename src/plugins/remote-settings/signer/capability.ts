/** The `signer` capability of `GET /`, exactly as Remote Settings publishes it (contract §12.2). */
import { PROJECT_VERSION, type Settings } from "../../../config";
import type { Capability } from "../../plugin";
import { PLUGIN_USERID } from "./publish";
import { reviewRequired, signerSettings, type Place } from "./settings";

export function signerCapability(settings: Settings): Capability {
  const signer = signerSettings(settings);
  const resources = signer.workflows.map((workflow) => {
    const place = (p: Place) => ({ bucket: p.bucket, collection: p.collection });
    const review = reviewRequired(settings, { bucket: workflow.source.bucket, collection: workflow.source.collection ?? "" });
    return {
      source: place(workflow.source),
      ...(workflow.preview ? { preview: place(workflow.preview) } : {}),
      destination: place(workflow.destination),
      ...(review !== signer.toReviewEnabled ? { to_review_enabled: review } : {}),
    };
  });
  return {
    description: "Digital signatures for integrity and authenticity of records.",
    url: "https://github.com/mozilla/remote-settings/tree/main/kinto-remote-settings",
    version: PROJECT_VERSION,
    plugin_userid: PLUGIN_USERID,
    group_check_enabled: true,
    to_review_enabled: signer.toReviewEnabled,
    editors_group: signer.editorsGroup,
    reviewers_group: signer.reviewersGroup,
    resources,
  };
}
