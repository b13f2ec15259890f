/**
 * `/buckets/default[/…]` → the caller's personal bucket, creating the bucket and the named
 * collection first when missing (each at most once per request). Shared by plain requests
 * and batch sub-requests.
 */
import { invalidParameter, methodNotAllowed, unauthorized } from "../../errors";
import { OBJECT_ID_PATTERN } from "../../resources/ids";
import { D1Storage } from "../../storage/d1";
import { sendToWriter } from "../../writer/client";
import type { WriteOp } from "../../writer/protocol";
import { NO_PRECONDITIONS } from "../../http/preconditions";
import type { Rewrite, RewriteInput } from "../plugin";
import { defaultBucketId } from "./bucket-id";
import { bucketDatabase } from "../../storage/shards";

const DEFAULT_PATH = /^\/v1\/buckets\/default(\/.*)?$/;

/** The rewritten request, or null when the path is not under `/buckets/default`. Throws 401/405/400. */
export async function rewriteDefaultBucket(input: RewriteInput): Promise<Rewrite | null> {
  const match = DEFAULT_PATH.exec(input.path);
  if (match === null) return null;
  const { identity, settings } = input;
  if (identity.userId === null) throw unauthorized();
  if (settings.readonly) throw methodNotAllowed();
  const rest = match[1] ?? "";
  const bucket = await defaultBucketId(settings.lookup("default_bucket_hmac_secret") ?? "", identity.userId);
  const collection = /^\/collections\/([^/]+)(\/.*)?$/.exec(rest);
  const collectionId = collection?.[1] ? decodeURIComponent(collection[1]) : null;
  if (collectionId !== null && !OBJECT_ID_PATTERN.test(collectionId)) {
    throw invalidParameter("path", "id", "Invalid collection id");
  }
  const putsBucket = input.method === "PUT" && rest === "";
  const putsCollection = input.method === "PUT" && collection !== null && (collection[2] ?? "") === "";
  await ensure(input, bucket, putsBucket ? null : bucket, putsCollection ? null : collectionId);
  return { path: `/v1/buckets/${bucket}${rest}`, alias: "default", target: bucket };
}

/** Creates the bucket and collection that are missing, with the caller as writer. */
async function ensure(input: RewriteInput, bucket: string, ensureBucket: string | null, collection: string | null): Promise<void> {
  const storage = new D1Storage(bucketDatabase(input.env, bucket));
  const bucketUri = `/buckets/${bucket}`;
  const collectionUri = `${bucketUri}/collections/${collection ?? ""}`;
  const state = await storage.readState({
    objects: [
      { ref: { resourceName: "bucket", parentId: "", id: bucket }, uri: bucketUri },
      ...(collection !== null
        ? [{ ref: { resourceName: "collection", parentId: bucketUri, id: collection }, uri: collectionUri }]
        : []),
    ],
    lists: [],
    grants: null,
  });
  const author = { userId: input.identity.userId, principals: input.identity.principals };
  const op = (resource: "bucket" | "collection", id: string): WriteOp => ({
    kind: "ensure",
    resource,
    location: { bucket },
    id,
    preconditions: NO_PRECONDITIONS,
  });
  if (ensureBucket !== null && state.object(bucketUri).object === null) {
    await sendToWriter(input.env, { author, ops: [op("bucket", bucket)] });
  }
  if (collection !== null && state.object(collectionUri).object === null) {
    await sendToWriter(input.env, { author, ops: [op("collection", collection)] });
  }
}
