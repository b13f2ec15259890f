// Setup helpers of the concurrency tests: unique ids, buckets and collections, small utilities.
import { uniqueId } from "../client";
import { Api, expectStatus, type ApiResponse } from "./api";

export { uniqueId };

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** A positive integer from the environment, or `fallback`. */
export function envCount(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}

export interface Paths {
  bucket: string;
  collection: string;
  records: string;
  record(id: string): string;
}

export function pathsOf(bid: string, cid: string): Paths {
  const bucket = `/buckets/${bid}`;
  const collection = `${bucket}/collections/${cid}`;
  return {
    bucket,
    collection,
    records: `${collection}/records`,
    record: (id) => `${collection}/records/${id}`,
  };
}

/** Creates a fresh bucket (unique id) and collection as `api`'s user. */
export async function freshCollection(
  api: Api,
  prefix: string,
  options: { bucketPermissions?: Record<string, string[]>; cid?: string } = {},
): Promise<Paths & { bid: string; cid: string }> {
  const bid = uniqueId(prefix);
  const cid = options.cid ?? "c";
  const paths = pathsOf(bid, cid);
  const body = options.bucketPermissions ? { permissions: options.bucketPermissions } : undefined;
  expectStatus(await api.put(paths.bucket, body), 201);
  expectStatus(await api.put(paths.collection), 201);
  return { ...paths, bid, cid };
}

/** `{id, last_modified, …}` of a write answer, or throws. */
export function dataOf(response: ApiResponse): { id: string; last_modified: number; [key: string]: unknown } {
  const data = response.body?.data;
  if (typeof data?.id !== "string" || typeof data?.last_modified !== "number") {
    throw new Error(`${response.method} ${response.url} answered no object: ${JSON.stringify(response.body)}`);
  }
  return data;
}

/** Runs `tasks` at most `limit` at a time, keeping their order in the result. */
export async function pool<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      const task = tasks[index];
      if (task) results[index] = await task();
    }
  };
  await Promise.all(range(Math.min(limit, tasks.length)).map(worker));
  return results;
}
