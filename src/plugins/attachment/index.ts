/**
 * `kinto_attachment` (contract §11): one file per record, stored in the R2 bucket bound as
 * `ATTACHMENTS`, described by the record's `attachment` field, served under
 * `/v1/attachments/`. Large files go through the multipart upload routes.
 */
import type { Settings } from "../../config";
import { withTimeout } from "../../http/timeout";
import { registerRoute } from "../../routes/register";
import { isIncluded, type Plugin } from "../plugin";
import { filesBucket, sweepFiles } from "./files";
import { checkAttachmentKept, deleteReleasedFiles, fileMutations } from "./listener";
import { deleteAttachment, postAttachment } from "./routes";
import { serveAttachment } from "./serve";
import { attachmentSettings } from "./settings";
import { DEFAULT_PART_BYTES, MAX_PARTS, MAX_PART_BYTES, MIN_PART_BYTES, UPLOAD_TTL_MS } from "./uploads/layout";
import { abortUpload, completeUpload, createUpload, readUploadInfo, uploadPart } from "./uploads/routes";
import { sweepUploads } from "./uploads/sweep";
import { shardsOf } from "../../storage/shards";

const NAME = "kinto_attachment";
/** kinto-attachment's version whose API this is. */
const VERSION = "9.0.1";
/** Where the heartbeat writes (and deletes) its probe. */
const HEARTBEAT_KEY = "heartbeat-test/heartbeat.json";

export const attachmentPlugin: Plugin = {
  name: NAME,
  enabled: (settings) => isIncluded(settings, NAME),
  capabilities(settings, request) {
    const advertised = attachmentSettings(settings).advertisedBaseUrl;
    return {
      attachments: {
        description: "Add file attachments to records",
        url: "https://github.com/Kinto/kinto-attachment/",
        version: VERSION,
        base_url: advertised ?? `${request.origin}/v1/attachments/`,
        // The upload routes of files larger than a request body (README "Attachments").
        multipart_upload: {
          part_size: DEFAULT_PART_BYTES,
          min_part_size: MIN_PART_BYTES,
          max_part_size: MAX_PART_BYTES,
          max_parts: MAX_PARTS,
          expires_seconds: UPLOAD_TTL_MS / 1000,
        },
      },
    };
  },
  onWrite: fileMutations,
  checkWrite: checkAttachmentKept,
  afterCommit: deleteReleasedFiles,
  async heartbeat(env, settings) {
    if (settings.readonly) return { attachments: true };
    const bucket = filesBucket(env);
    const healthy = await withTimeout(async () => {
      await bucket.put(HEARTBEAT_KEY, '{"test": "write"}');
      await bucket.delete(HEARTBEAT_KEY);
    }, settings.heartbeatTimeoutSeconds);
    return { attachments: healthy };
  },
  async maintenance(env) {
    for (const db of shardsOf(env)) {
      await sweepUploads(db, filesBucket(env), Date.now());
      await sweepFiles(db, filesBucket(env), Date.now());
    }
  },
  register(app) {
    const enabled = (settings: Settings) => attachmentPlugin.enabled(settings);
    registerRoute(app, "/buckets/:bid/collections/:cid/records/:rid/attachment", { POST: postAttachment, DELETE: deleteAttachment }, { enabled });
    const uploads = "/buckets/:bid/collections/:cid/records/:rid/attachment/uploads";
    registerRoute(app, uploads, { POST: createUpload }, { enabled });
    registerRoute(app, `${uploads}/:upload`, { GET: readUploadInfo, DELETE: abortUpload }, { enabled });
    registerRoute(app, `${uploads}/:upload/parts/:part`, { PUT: uploadPart }, { enabled });
    registerRoute(app, `${uploads}/:upload/complete`, { POST: completeUpload }, { enabled });
    registerRoute(app, "/attachments/:key{.+}", { GET: serveAttachment }, { enabled });
  },
};

