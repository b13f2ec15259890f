// The dev signer workflow's source bucket, main-workspace, is shared by the e2e tests of the
// review cycle (kinto-http's and the admin's, in parallel files): whichever test comes first
// creates it writable by every authenticated user, so each works in its own collection. The
// signer still checks the editors and reviewers groups of each collection.
import { serverUrl } from "../client";

export const WORKSPACE = "main-workspace";

export async function ensureWorkspace(authorization: string): Promise<void> {
  const response = await fetch(`${serverUrl()}/buckets/${WORKSPACE}`, {
    method: "PUT",
    headers: { Authorization: authorization, "Content-Type": "application/json", "If-None-Match": "*" },
    body: JSON.stringify({ data: {}, permissions: { write: ["system.Authenticated"] } }),
  });
  if (response.status !== 201 && response.status !== 412) {
    throw new Error(`creating ${WORKSPACE}: ${response.status} ${await response.text()}`);
  }
}
