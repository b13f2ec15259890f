// Shared helpers for end-to-end tests: every test builds its client here. Clients
// authenticate (basicauth): creating buckets needs a user, as in Kinto.
import KintoClient from "kinto-http";
import { inject } from "vitest";

/** Base URL of the server under test, e.g. http://127.0.0.1:41234/v1 */
export function serverUrl(): string {
  return inject("kintoUrl");
}

export function makeClient(): KintoClient {
  return new KintoClient(serverUrl(), {
    headers: {
      Authorization: `Basic ${btoa("alice:s3cret")}`,
    },
  });
}

/** An id unique to this run, valid for buckets, collections, groups and records. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 12)}`;
}
