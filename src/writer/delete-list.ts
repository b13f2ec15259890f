/** Plural DELETE (contract §3.1.3): tombstones for one page of matching objects the caller may write. */
import { parseListQuery } from "../protocol/query/parse";
import { encodeToken, newNonce } from "../protocol/query/token";
import { sortValuesOf } from "../protocol/query/compile";
import { preconditionFailure } from "../http/preconditions";
import { listAccess } from "../permissions/list-access";
import { objectTarget, type ListTarget } from "../resources/target";
import { invalidParameter, missingResource } from "../errors";
import type { TokenLedger } from "./token-ledger";
import type { D1Storage } from "../storage/d1";
import { listPage } from "../storage/list";
import type { Tombstone } from "../wire";
import type { OpContext } from "./engine";
import type { WriteOp, WriteResult } from "./protocol";

export async function deleteList(
  storage: D1Storage,
  tokens: TokenLedger,
  context: OpContext,
  list: ListTarget,
  op: Extract<WriteOp, { kind: "delete-list" }>,
): Promise<WriteResult> {
  const access = await listAccess(storage, list, "write", context.author.principals, context.batch.holds, context.settings);
  if (access === null) throw context.denied();
  if (list.parent && context.batch.object(list.parent.uri).object === null) {
    throw missingResource({ id: list.parent.ref.id, resource_name: list.parent.ref.resourceName });
  }
  const listTimestamp = context.batch.listTimestamp(list.list);
  const failure = preconditionFailure(op.preconditions, { exists: true, timestamp: listTimestamp });
  if (failure) throw failure;
  const query = parseListQuery(new URLSearchParams(op.query), {
    settings: context.settings,
    now: Date.now(),
  });
  const used = query.token;
  if (used !== null) {
    if (!(await tokens.isValid(used.nonce))) {
      throw invalidParameter("querystring", "_token", "_token was already used or has expired.");
    }
    context.batch.afterCommit.push(() => tokens.consume(used.nonce));
  }
  if (access.kind === "empty") {
    return { ok: true, status: 200, timestamp: listTimestamp ?? Date.now(), body: { data: [] } };
  }
  const page = await listPage(storage, list.list, { ...query, includeTombstones: false }, access.kind === "shared" ? access.scope : null);
  const tombstones: Tombstone[] = page.objects.map((stored) =>
    context.tombstone(objectTarget(list.spec.name, list.location, stored.id), stored, null),
  );
  const last = page.objects.at(-1);
  const nonce = newNonce();
  if (page.hasMore && last) {
    context.batch.afterCommit.push(() => tokens.issue(nonce, context.settings.paginationTokenValiditySeconds));
  }
  const timestamp = tombstones.reduce((max, t) => Math.max(max, t.last_modified), listTimestamp ?? Date.now());
  return {
    ok: true,
    status: 200,
    timestamp,
    body: { data: tombstones },
    ...(page.hasMore && last
      ? {
          nextToken: encodeToken({
            lastObject: sortValuesOf({ ...last.data, id: last.id, last_modified: last.lastModified }, query.sort),
            offset: (query.token?.offset ?? 0) + page.objects.length,
            nonce,
          }),
          limit: query.limit,
        }
      : {}),
  };
}
