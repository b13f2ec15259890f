/**
 * Attachments larger than a Worker request body: an R2 multipart upload under the record,
 * `…/records/{rid}/attachment/uploads[/{upload}[/parts/{n} | /complete]]` (README
 * "Attachments"). Creating one checks what `POST …/attachment` checks (permission, filename,
 * extension, size limit) and claims the key in the ledger; parts are taken in order, each
 * streamed to R2's `uploadPart` with its exact length while the file's sha256 advances
 * (its state saved with the part, uploads/sha256.ts); completing it commits the record
 * through `commitUpload`, as the form upload does. An upload belongs to the authenticated
 * user who created it, and expires after UPLOAD_TTL_MS (then swept).
 */
import type { AppContext } from "../../../context";
import { ERRNO, KintoError, forbidden, invalidParameter, objectNotFound, unauthorized } from "../../../errors";
import { isNumeric, toDouble } from "../../../json/numbers";
import { JSON_TYPES, checkContentType, isJsonObject, parseEnvelope, parseJson, readBodyText, rejectUnknownKeys } from "../../../http/body";
import { SPECS } from "../../../resources/specs";
import type { JsonObject, JsonValue } from "../../../wire";
import { authorizeRecordWrite } from "../authorize";
import { abandonUpload, filesBucket } from "../files";
import { locationOf, type RecordPath } from "../keys";
import { commitUpload, fileTooLarge, planUpload, recordOf, targetOf } from "../routes";
import { attachmentSettings, resourceSettings } from "../settings";
import { chunkReader } from "../multipart";
import { FileTooLarge } from "../upload";
import { DEFAULT_PART_BYTES, MAX_PARTS, MAX_PART_BYTES, MIN_PART_BYTES, UPLOAD_TTL_MS, partCount, partLength } from "./layout";
import { Sha256 } from "./sha256";
import { claimCompletion, insertUpload, partsOf, putPart, readUpload, releaseCompletion, removeUpload, type PartRow, type UploadRow } from "./rows";
import { bucketDatabaseOf } from "../../../http/route-database";

/** The answer of creating an upload (201) and of reading it (200, with `received`). */
export interface UploadInfo {
  upload_id: string;
  filename: string;
  mimetype: string;
  size: number;
  part_size: number;
  /** How many parts complete the file: 1 … parts. */
  parts: number;
  /** The part the upload takes next (parts go in order); `parts + 1` once all are there. */
  next_part: number;
  /** Epoch milliseconds after which the upload is refused and swept. */
  expires: number;
  received?: PartRow[];
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function info(row: UploadRow, received?: PartRow[]): UploadInfo {
  return {
    upload_id: row.id,
    filename: row.filename,
    mimetype: row.mimetype,
    size: row.size,
    part_size: row.partSize,
    parts: partCount(row.size, row.partSize),
    next_part: row.nextPart,
    expires: row.expiresAt,
    ...(received === undefined ? {} : { received }),
  };
}

/** The authenticated caller's user id: uploads are bound to it (401 for anonymous callers). */
function userOf(c: AppContext): string {
  const { userId } = c.get("identity");
  if (userId === null) throw unauthorized();
  return userId;
}

function conflict(message: string, details?: object): KintoError {
  return new KintoError({ status: 409, errno: ERRNO.CONSTRAINT_VIOLATED, message, details });
}

/** A safe integer within [min, max] (`1e6` is one), else 400 naming the field. */
function integerField(body: JsonObject, name: string, min: number, max: number): number | undefined {
  const given = body[name];
  if (given === undefined) return undefined;
  const value = isNumeric(given) ? toDouble(given) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw invalidParameter("body", name, `${name} should be an integer between ${min} and ${max}`);
  }
  return value;
}

function stringField(body: JsonObject, name: string): string | null {
  const value = body[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") throw invalidParameter("body", name, `${name} should be a string`);
  return value;
}

/** The upload `:upload` of this record, open to this caller and not expired; 404 otherwise. */
async function uploadOf(c: AppContext, record: RecordPath): Promise<UploadRow> {
  const userId = userOf(c);
  const id = c.req.param("upload") ?? "";
  const row = await readUpload(bucketDatabaseOf(c), id);
  if (row === null || row.recordUri !== targetOf(record).uri || row.expiresAt < Date.now()) throw objectNotFound("upload", id);
  if (row.userId !== userId) throw forbidden();
  return row;
}

/** `POST …/attachment/uploads` `{filename, size, mimetype?, part_size?, data?, permissions?}` → 201 UploadInfo. */
export async function createUpload(c: AppContext): Promise<Response> {
  const record = recordOf(c);
  const userId = userOf(c);
  await authorizeRecordWrite(c, targetOf(record));
  checkContentType(c.req.header("Content-Type"), JSON_TYPES);
  const body = parseJson(await readBodyText(c.req.raw));
  if (!isJsonObject(body)) throw invalidParameter("body", null, "Should be a JSON object");
  rejectUnknownKeys(body, ["filename", "size", "mimetype", "part_size", "data", "permissions"]);
  const partSize = integerField(body, "part_size", MIN_PART_BYTES, MAX_PART_BYTES) ?? DEFAULT_PART_BYTES;
  const size = integerField(body, "size", 0, MAX_PARTS * partSize);
  if (size === undefined) throw invalidParameter("body", "size", "size is required");
  const envelope: JsonObject = {};
  for (const name of ["data", "permissions"] as const) if (body[name] !== undefined) envelope[name] = body[name] as JsonValue;
  parseEnvelope(envelope, SPECS.record.permissions);
  const limit = resourceSettings(c.get("settings"), record.bucket, record.collection).maxSizeBytes;
  if (limit !== null && size > limit) throw fileTooLarge(new FileTooLarge(size, limit));

  const plan = await planUpload(c, record, stringField(body, "filename"), stringField(body, "mimetype"));
  const bucket = filesBucket(c.env);
  const now = Date.now();
  let r2: R2MultipartUpload | null = null;
  try {
    r2 = await bucket.createMultipartUpload(plan.key, { httpMetadata: { contentType: plan.mimetype }, customMetadata: plan.customMetadata });
    const row: UploadRow = {
      id: crypto.randomUUID(),
      recordUri: targetOf(record).uri,
      userId,
      key: plan.key,
      own: plan.own,
      r2UploadId: r2.uploadId,
      filename: plan.filename,
      mimetype: plan.mimetype,
      size,
      partSize,
      nextPart: 1,
      hashState: new Sha256().save(),
      data: envelope.data === undefined ? null : JSON.stringify(envelope.data),
      permissions: envelope.permissions === undefined ? null : JSON.stringify(envelope.permissions),
      state: "open",
      createdAt: now,
      expiresAt: now + UPLOAD_TTL_MS,
    };
    await insertUpload(bucketDatabaseOf(c), row);
    return json(info(row), 201);
  } catch (error) {
    await r2?.abort().catch(() => {});
    await abandonUpload(bucketDatabaseOf(c), bucket, plan.key, plan.own);
    throw error;
  }
}

/** `GET …/uploads/{upload}` → UploadInfo with the parts received so far (to resume an upload). */
export async function readUploadInfo(c: AppContext): Promise<Response> {
  const row = await uploadOf(c, recordOf(c));
  return json(info(row, await partsOf(bucketDatabaseOf(c), row.id)));
}

/** The part number of the path, within the upload's layout. */
function partNumberOf(c: AppContext, row: UploadRow): number {
  const text = c.req.param("part") ?? "";
  const count = partCount(row.size, row.partSize);
  const part = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(part >= 1 && part <= count)) throw invalidParameter("path", "part", `part should be an integer between 1 and ${count}`);
  return part;
}

/** Bytes per read of a part (each read is one write to R2's stream, which costs a round trip locally). */
const READ_BYTES = 1024 * 1024;

/** Streams `body` into R2 as part `part`, hashing it into `hash`: exactly `length` bytes, else a 400. */
async function streamPart(upload: R2MultipartUpload, part: number, body: ReadableStream<Uint8Array> | null, length: number, hash: Sha256): Promise<R2UploadedPart> {
  const wrongSize = () => invalidParameter("body", null, `part ${part} should be exactly ${length} bytes`);
  const fixed = new FixedLengthStream(length);
  const writer = fixed.writable.getWriter();
  const uploading = upload.uploadPart(part, fixed.readable);
  // Observed below; a failed write must not leave it unhandled meanwhile.
  uploading.catch(() => {});
  try {
    let received = 0;
    const reader = body === null ? null : chunkReader(body, READ_BYTES);
    for (let chunk = await reader?.read(); chunk !== null && chunk !== undefined; chunk = await reader?.read()) {
      received += chunk.length;
      if (received > length) {
        await reader?.cancel();
        throw wrongSize();
      }
      hash.update(chunk);
      await writer.write(chunk);
    }
    if (received !== length) throw wrongSize();
    await writer.close();
  } catch (error) {
    await writer.abort(error).catch(() => {});
    throw error instanceof KintoError ? error : wrongSize();
  }
  try {
    return await uploading;
  } catch (error) {
    if (error instanceof Error && error.message.includes("(10024)")) throw conflict("This upload is no longer open.");
    throw error;
  }
}

/** `PUT …/uploads/{upload}/parts/{n}`, the raw bytes of part n (with Content-Length), parts in order → `{part, etag, size}`. */
export async function uploadPart(c: AppContext): Promise<Response> {
  const row = await uploadOf(c, recordOf(c));
  const part = partNumberOf(c, row);
  const length = partLength(row.size, row.partSize, part);
  const declared = c.req.header("Content-Length");
  if (declared === undefined) {
    throw new KintoError({ status: 411, errno: ERRNO.MISSING_CONTENT_LENGTH, message: "A part needs a Content-Length header." });
  }
  if (declared !== String(length)) {
    throw invalidParameter("header", "Content-Length", `part ${part} of ${partCount(row.size, row.partSize)} should be exactly ${length} bytes, not ${declared}`);
  }
  if (row.state !== "open") throw conflict("This upload is being completed.");
  if (part !== row.nextPart) {
    const message = part < row.nextPart ? `Part ${part} was received already.` : `Parts are taken in order: send part ${row.nextPart} first.`;
    throw conflict(message, { next_part: row.nextPart });
  }
  const hash = Sha256.resume(row.hashState, (part - 1) * row.partSize);
  const uploaded = await streamPart(filesBucket(c.env).resumeMultipartUpload(row.key, row.r2UploadId), part, c.req.raw.body, length, hash);
  const stored: PartRow = { part, etag: uploaded.etag, size: length };
  if (!(await putPart(bucketDatabaseOf(c), row.id, stored, hash.save()))) throw conflict("This upload is no longer open, or took this part meanwhile.");
  return json(stored);
}

/** The parts of a complete file, in order, or a 400 naming the missing ones. */
function completeParts(row: UploadRow, parts: PartRow[]): R2UploadedPart[] {
  const count = partCount(row.size, row.partSize);
  const have = new Map(parts.map((part) => [part.part, part]));
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((n) => have.get(n)?.size !== partLength(row.size, row.partSize, n));
  if (missing.length > 0) {
    const shown = missing.slice(0, 10).join(", ") + (missing.length > 10 ? ", …" : "");
    throw invalidParameter("body", "parts", `${missing.length} of ${count} parts missing: ${shown}`);
  }
  return parts.map((part) => ({ partNumber: part.part, etag: part.etag }));
}

/**
 * `POST …/uploads/{upload}/complete` → the attachment metadata, 201 (record created) or 200,
 * as `POST …/attachment` answers. `If-Match` / `If-None-Match` apply to the record write.
 */
export async function completeUpload(c: AppContext): Promise<Response> {
  const record = recordOf(c);
  const row = await uploadOf(c, record);
  await authorizeRecordWrite(c, targetOf(record));
  const parts = completeParts(row, await partsOf(bucketDatabaseOf(c), row.id));
  if (!(await claimCompletion(bucketDatabaseOf(c), row.id, Date.now()))) throw conflict("This upload is being completed.");
  const bucket = filesBucket(c.env);
  let object: R2Object;
  try {
    object = await bucket.resumeMultipartUpload(row.key, row.r2UploadId).complete(parts);
  } catch (error) {
    await releaseCompletion(bucketDatabaseOf(c), row.id);
    throw error;
  }
  await removeUpload(bucketDatabaseOf(c), row.id);
  if (object.size !== row.size) {
    await abandonUpload(bucketDatabaseOf(c), bucket, row.key, row.own);
    throw new Error(`R2 completed ${object.size} bytes of an upload of ${row.size}`);
  }
  const hash = Sha256.resume(row.hashState, row.size).hex();
  const metadata = { filename: row.filename, location: locationOf(row.key, attachmentSettings(c.get("settings")).baseUrl), hash, mimetype: row.mimetype, size: row.size };
  const fields = { ...(row.data === null ? {} : { data: row.data }), ...(row.permissions === null ? {} : { permissions: row.permissions }) };
  return commitUpload(c, record, { key: row.key, own: row.own, metadata }, fields);
}

/** `DELETE …/uploads/{upload}` → 204: R2 drops the parts, the claimed key is released. */
export async function abortUpload(c: AppContext): Promise<Response> {
  const row = await uploadOf(c, recordOf(c));
  if (!(await removeUpload(bucketDatabaseOf(c), row.id, "open"))) throw conflict("This upload is being completed.");
  const bucket = filesBucket(c.env);
  await bucket.resumeMultipartUpload(row.key, row.r2UploadId).abort().catch(() => {});
  await abandonUpload(bucketDatabaseOf(c), bucket, row.key, row.own);
  return new Response(null, { status: 204 });
}
