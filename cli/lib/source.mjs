// Reading a server's tree: buckets, their groups and collections, and records page by page,
// each with its permissions. Lists are read oldest first (`_sort=last_modified`), so that
// writing them in that order keeps every target list's timestamps increasing.
// Plural endpoints answer no permissions: objects are read again by GET sub-requests of
// /v1/batch (as many per batch as the server allows).
import { CliError } from "./errors.mjs";
import { refusal } from "./http.mjs";

/** Records per page read from the source. */
export const PAGE_SIZE = 500;

const enc = encodeURIComponent;

export const paths = {
  bucket: (bid) => `/buckets/${enc(bid)}`,
  group: (bid, gid) => `/buckets/${enc(bid)}/groups/${enc(gid)}`,
  collection: (bid, cid) => `/buckets/${enc(bid)}/collections/${enc(cid)}`,
  record: (bid, cid, rid) => `/buckets/${enc(bid)}/collections/${enc(cid)}/records/${enc(rid)}`,
};

/**
 * `{data, permissions}` of each path, in order (permissions `{}` when the caller may not see them).
 * @param {import("./http.mjs").Client} client
 * @param {string[]} objectPaths
 */
export async function readObjects(client, objectPaths) {
  if (objectPaths.length === 0) return [];
  const responses = await client.batch(objectPaths.map((path) => ({ method: "GET", path })));
  return responses.map((response, i) => {
    if (response.status !== 200) throw refusal("GET", client.url(objectPaths[i]), response.status, response.body);
    return { data: response.body.data, permissions: response.body.permissions ?? {} };
  });
}

/** The ids of the buckets to read: `only`, or every bucket the caller can list. */
export async function bucketIds(client, only) {
  if (only) return [only];
  const buckets = await client.all("/buckets?_sort=last_modified");
  return buckets.map((bucket) => bucket.id);
}

/**
 * A bucket with its groups and collections (no records).
 * @returns {Promise<{id: string, bucket: {data: any, permissions: any}, groups: {data: any, permissions: any}[], collections: {data: any, permissions: any}[]}>}
 */
export async function readBucket(client, bid) {
  const response = await client.request("GET", paths.bucket(bid));
  if (response.status !== 200) {
    const hint = response.status === 403 && !client.headers.Authorization ? " (no credentials given)" : "";
    const error = refusal("GET", client.url(paths.bucket(bid)), response.status, response.body);
    throw new CliError(`${error.message}${hint}`);
  }
  const bucket = { data: response.body.data, permissions: response.body.permissions ?? {} };
  const [groupList, collectionList] = await Promise.all([
    client.all(`${paths.bucket(bid)}/groups?_sort=last_modified`),
    client.all(`${paths.bucket(bid)}/collections?_sort=last_modified`),
  ]);
  const groups = await readObjects(client, groupList.map((g) => paths.group(bid, g.id)));
  const collections = await readObjects(client, collectionList.map((c) => paths.collection(bid, c.id)));
  return { id: bid, bucket, groups, collections };
}

/**
 * The live records of a collection, oldest first, in pages, after timestamp `after` when given.
 * @param {{after?: number | null, permissions?: boolean}} options `permissions`: read each record's ACL
 * @returns {AsyncGenerator<{data: any, permissions: any}[]>}
 */
export async function* recordPages(client, bid, cid, { after = null, permissions = true } = {}) {
  const since = after === null ? "" : `&gt_last_modified=${after}`;
  for await (const page of client.pages(`${paths.collection(bid, cid)}/records?_sort=last_modified&_limit=${PAGE_SIZE}${since}`)) {
    const live = page.filter((record) => !record.deleted);
    if (!permissions) {
      yield live.map((data) => ({ data, permissions: {} }));
      continue;
    }
    const full = await readObjects(client, live.map((record) => paths.record(bid, cid, record.id)));
    yield full;
  }
}

/** How many live records a collection holds (`Total-Records`). */
export function recordCount(client, bid, cid) {
  return client.count(`${paths.collection(bid, cid)}/records`);
}
