/**
 * `POST` and `DELETE /buckets/{bid}/collections/{cid}/records/{rid}/attachment` (contract
 * §11.2, §11.3). The file is streamed into R2 first; the record (with its `attachment`
 * metadata) is then written by the collection's Writer, which makes the file live in the same
 * commit. When the write fails, the new file is removed; the file it replaces is removed only
 * after the commit (kinto-attachment removes it first, which can leave a record pointing at
 * nothing).
 */
import type { AppContext } from "../../context";
import { ERRNO, KintoError, invalidParameter } from "../../errors";
import { MAX_BODY_BYTES, isJsonObject, parseEnvelope, parseJson } from "../../http/body";
import { parsePreconditions, timestampHeaders } from "../../http/preconditions";
import { origin } from "../../http/respond";
import { renderResult } from "../../resources/write";
import { objectTarget } from "../../resources/target";
import { SPECS } from "../../resources/specs";
import { sendToWriter } from "../../writer/client";
import type { WriteOp, WriteResult } from "../../writer/protocol";
import type { JsonObject, JsonValue } from "../../wire";
import { authorizeRecordWrite } from "./authorize";
import { abandonUpload, claimKey, filesBucket } from "./files";
import { extensionOf, isStorableKey, locationOf, MAX_KEY_BYTES, storageKey, type RecordPath } from "./keys";
import { ATTACHMENT_WRITER } from "./listener";
import { boundaryOf, discardBody, MultipartError, parts, type Part } from "./multipart";
import { attachmentSettings, resourceSettings } from "./settings";
import { FileTooLarge, storeFile } from "./upload";
import { bucketDatabaseOf } from "../../http/route-database";

/** The record's `attachment` field (contract §11.2 step 3). */
export interface AttachmentMetadata {
  filename: string;
  location: string;
  hash: string;
  mimetype: string;
  size: number;
}

/** An uploaded file, and whether a failed write must remove it (see files.ts `claimKey`). */
export interface Upload {
  key: string;
  own: boolean;
  metadata: AttachmentMetadata;
}

function postedDataError(message: string): KintoError {
  return new KintoError({ status: 400, errno: ERRNO.INVALID_POSTED_DATA, message });
}

/** The record of the route's `:bid`, `:cid` and `:rid`; 400 for an id no record may have. */
export function recordOf(c: AppContext): RecordPath {
  const record = { bucket: c.req.param("bid") ?? "", collection: c.req.param("cid") ?? "", id: c.req.param("rid") ?? "" };
  if (!SPECS.record.idPattern.test(record.id)) throw invalidParameter("path", "id", "Invalid object id");
  return record;
}

export function targetOf(record: RecordPath) {
  return objectTarget("record", { bucket: record.bucket, collection: record.collection }, record.id);
}

/** Where a new file goes, once its name and extension were checked; its key is claimed in the ledger. */
export interface PlannedUpload {
  key: string;
  own: boolean;
  filename: string;
  mimetype: string;
  location: string;
  /** The limit of this collection, null for none. */
  maxSize: number | null;
  /** R2 custom metadata of the object. */
  customMetadata: Record<string, string>;
}

/** Checks `filename` (required, allowed extension) and claims a key for it (contract §11.2 step 2). */
export async function planUpload(c: AppContext, record: RecordPath, filename: string | null, contentType: string | null): Promise<PlannedUpload> {
  if (filename === null || filename === "") throw invalidParameter("body", null, "Filename is required.");
  const settings = c.get("settings");
  const global = attachmentSettings(settings);
  const extension = extensionOf(filename);
  if (global.extensions.size > 0 && !global.extensions.has(extension.replace(/^\./, "").toLowerCase())) {
    throw invalidParameter("body", null, "File extension is not allowed.");
  }
  const resource = resourceSettings(settings, record.bucket, record.collection);
  const key = storageKey(filename, record, global.folder, resource, new Date());
  if (!isStorableKey(key)) {
    throw invalidParameter("body", null, `File name not storable: its storage key must have 1 to ${MAX_KEY_BYTES} bytes (folder and sanitized name).`);
  }
  const own = await claimKey(bucketDatabaseOf(c), key, targetOf(record).uri, Date.now());
  return {
    key,
    own,
    filename,
    mimetype: global.mimetypes.get(extension) ?? contentType ?? "application/octet-stream",
    location: locationOf(key, global.baseUrl),
    maxSize: resource.maxSizeBytes,
    // A randomized name is never reused: the served file may be cached for good.
    customMetadata: resource.randomize ? { immutable: "true" } : {},
  };
}

/** The 400 of a file over its collection's limit. */
export function fileTooLarge(error: FileTooLarge): KintoError {
  return invalidParameter("body", null, error.message);
}

/** Streams the `attachment` part into R2. */
async function storePart(c: AppContext, part: Part, record: RecordPath): Promise<Upload> {
  const plan = await planUpload(c, record, part.filename, part.contentType);
  const bucket = filesBucket(c.env);
  try {
    const stored = await storeFile(bucket, plan.key, part.chunks(), { contentType: plan.mimetype, maxSize: plan.maxSize, customMetadata: plan.customMetadata });
    const metadata = { filename: plan.filename, location: plan.location, hash: stored.hash, mimetype: plan.mimetype, size: stored.size };
    return { key: plan.key, own: plan.own, metadata };
  } catch (error) {
    await abandonUpload(bucketDatabaseOf(c), bucket, plan.key, plan.own);
    if (error instanceof FileTooLarge) throw fileTooLarge(error);
    throw error;
  }
}

/** The JSON of a `data` or `permissions` form field. */
function fieldJson(name: string, text: string): JsonValue {
  try {
    return parseJson(text);
  } catch (error) {
    const reason = error instanceof KintoError ? String((error.details as { description: string }[] | undefined)?.[0]?.description ?? error.message) : "invalid";
    throw postedDataError(`body: ${name} is not valid JSON (${reason.replace(/^Invalid JSON: /, "")})`);
  }
}

/** What the form holds besides the file, checked once it is read (in kinto-attachment's order). */
interface FormRest {
  fields: { data?: string; permissions?: string };
  /** `data` or `permissions` sent as a file. */
  fileField: string | null;
  /** The first field that has no meaning here. */
  unknown: string | null;
}

function checkRest(rest: FormRest): void {
  if (rest.fileField !== null) throw postedDataError(`body: '${rest.fileField}' field should be passed as form data, not files`);
  for (const [name, text] of Object.entries(rest.fields)) fieldJson(name, text);
  if (rest.unknown !== null) throw postedDataError(`body: '${rest.unknown}' not in ('data', 'permissions')`);
}

/** Reads the form: the file goes to R2 as it arrives; the fields are returned. */
async function readForm(c: AppContext, record: RecordPath): Promise<{ upload: Upload; fields: FormRest["fields"] }> {
  const boundary = boundaryOf(c.req.header("Content-Type"));
  if (boundary === null) {
    const contentType = c.req.header("Content-Type") ?? "";
    const message = /multipart\/form-data/i.test(contentType) ? "Invalid boundary in multipart form: ''" : "Content-Type should be multipart/form-data";
    throw new KintoError({ status: 400, errno: ERRNO.INVALID_PARAMETERS, message });
  }
  const body = c.req.raw.body;
  if (body === null) throw postedDataError("Attachment missing.");
  let upload: Upload | null = null;
  const rest: FormRest = { fields: {}, fileField: null, unknown: null };
  try {
    for await (const part of parts(body, boundary)) {
      if (part.name === "attachment") {
        if (upload === null) upload = await storePart(c, part, record);
      } else if (part.name === "data" || part.name === "permissions") {
        if (part.filename !== null) rest.fileField ??= part.name;
        else rest.fields[part.name] = await part.text(MAX_BODY_BYTES);
      } else {
        rest.unknown ??= part.name;
      }
    }
    if (upload === null) throw postedDataError("Attachment missing.");
    checkRest(rest);
  } catch (error) {
    if (upload !== null) await abandonUpload(bucketDatabaseOf(c), filesBucket(c.env), upload.key, upload.own);
    if (error instanceof MultipartError) throw invalidParameter("body", null, error.message);
    throw error;
  }
  return { upload, fields: rest.fields };
}

/** The record write of an attachment route: a JSON merge of `data` (and `permissions`), or a creation. */
function recordWrite(c: AppContext, record: RecordPath, data: JsonObject, permissions: JsonValue | undefined): WriteOp {
  const envelope = parseEnvelope(permissions === undefined ? { data } : { data, permissions }, SPECS.record.permissions);
  return {
    kind: "patch",
    resource: "record",
    location: { bucket: record.bucket, collection: record.collection },
    id: record.id,
    preconditions: parsePreconditions(c.req.raw.headers),
    patch: { flavour: "json", data: envelope.data ?? data, permissions: envelope.permissions ?? null },
    behavior: "full",
    upsert: true,
    by: ATTACHMENT_WRITER,
  };
}

async function writeRecord(c: AppContext, op: WriteOp): Promise<WriteResult> {
  const { userId, principals } = c.get("identity");
  const [result] = await sendToWriter(c.env, { author: { userId, principals }, ops: [op] });
  if (result === undefined) throw new Error("the writer answered no result");
  return result;
}

function recordUrl(c: AppContext, record: RecordPath): string {
  return `${origin(c)}/v1/buckets/${record.bucket}/collections/${record.collection}/records/${record.id}`;
}

/**
 * Writes the record of an uploaded file (its `data` / `permissions` form fields as JSON text)
 * and answers the metadata; removes the file when the write fails. Every upload path ends here.
 */
export async function commitUpload(c: AppContext, record: RecordPath, upload: Upload, fields: { data?: string; permissions?: string }): Promise<Response> {
  let result: WriteResult;
  try {
    const data = fields.data === undefined ? {} : fieldJson("data", fields.data);
    const permissions = fields.permissions === undefined ? undefined : fieldJson("permissions", fields.permissions);
    if (!isJsonObject(data)) throw invalidParameter("body", "data", `${JSON.stringify(data)} is not a mapping type`);
    result = await writeRecord(c, recordWrite(c, record, { ...data, attachment: { ...upload.metadata } }, permissions));
  } catch (error) {
    await abandonUpload(bucketDatabaseOf(c), filesBucket(c.env), upload.key, upload.own);
    throw error;
  }
  if (!result.ok) {
    await abandonUpload(bucketDatabaseOf(c), filesBucket(c.env), upload.key, upload.own);
    return renderResult(result, new URL(c.req.url));
  }
  return new Response(JSON.stringify(upload.metadata), {
    status: result.status,
    headers: { "Content-Type": "application/json", Location: recordUrl(c, record), ...timestampHeaders(result.timestamp) },
  });
}

export async function postAttachment(c: AppContext): Promise<Response> {
  const record = recordOf(c);
  try {
    await authorizeRecordWrite(c, targetOf(record));
    const { upload, fields } = await readForm(c, record);
    return await commitUpload(c, record, upload, fields);
  } catch (error) {
    // A refusal before the form was read (401, 403, 404, a wrong Content-Type) still reads it.
    await discardBody(c.req.raw);
    throw error;
  }
}

export async function deleteAttachment(c: AppContext): Promise<Response> {
  const record = recordOf(c);
  await authorizeRecordWrite(c, targetOf(record));
  const result = await writeRecord(c, recordWrite(c, record, { attachment: null }, undefined));
  if (!result.ok) return renderResult(result, new URL(c.req.url));
  return new Response(null, { status: 204, headers: timestampHeaders(result.timestamp) });
}
