/** Plural DELETE (contract §3.1.3): tombstones for one page of matching objects the caller may write. */
import { parseListQuery } from "../protocol/query/parse";
import { encodeToken, newNonce } from "../protocol/query/token";
import { sortValuesOf } from "../protocol/query/compile";
import { preconditionFailure } from "../http/preconditions";
import { listAccess } from "../permissions/list-access";
import { objectTarget, requireParent, type ListTarget } from "../resources/target";
import { invalidParameter } from "../errors";
import type { TokenLedger } from "./token-ledger";
import type { D1Storage } from "../storage/d1";
import { listPage, type SharedScope } from "../storage/list";
import type { ListPage } from "../storage/types";
import type { ListQuery } from "../protocol/query/types";
import { compareBySort, isAfterToken } from "../protocol/query/memory-order";
import { matchesFilters } from "../protocol/query/memory-filter";
import { toLiveWire } from "../resources/objects";
import type { Tombstone } from "../wire";
import type { OpContext } from "./engine";
import type { WriteOp, WriteResult } from "./protocol";

/**
 * One page of the list as this commit sees it: the stored rows, overlaid with the objects the
 * commit's earlier operations wrote (created ones join when they match, deleted ones leave).
 */
async function pageWithOverlay(
  storage: D1Storage,
  context: OpContext,
  list: ListTarget,
  query: ListQuery,
  scope: SharedScope | null,
): Promise<ListPage> {
  const written = context.batch.writtenIn(list.list);
  const stored = await listPage(storage, list.list, { ...query, includeTombstones: false, limit: query.limit + written.length }, scope);
  if (written.length === 0) return { objects: stored.objects.slice(0, query.limit), hasMore: stored.hasMore || stored.objects.length > query.limit };
  const writtenIds = new Set(written.map((entry) => entry.id));
  const candidates = stored.objects.filter((object) => !writtenIds.has(object.id));
  for (const { state } of written) {
    const object = state.object;
    if (object === null) continue;
    const wire = toLiveWire(object);
    const shared = scope === null || (state.permissions.write ?? []).some((principal) => scope.principals.includes(principal));
    const afterToken = query.token === null || isAfterToken(wire, query.sort, query.token);
    if (shared && afterToken && matchesFilters(wire, query.filters)) candidates.push(object);
  }
  candidates.sort((a, b) => compareBySort(toLiveWire(a), toLiveWire(b), query.sort));
  return { objects: candidates.slice(0, query.limit), hasMore: stored.hasMore || candidates.length > query.limit };
}

export async function deleteList(
  storage: D1Storage,
  tokens: TokenLedger,
  context: OpContext,
  list: ListTarget,
  op: Extract<WriteOp, { kind: "delete-list" }>,
): Promise<WriteResult> {
  const access = await listAccess(storage, list, "write", context.author.principals, context.holds, context.settings);
  if (access === null) throw context.denied();
  requireParent(list, (uri) => context.batch.object(uri));
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
  const page = await pageWithOverlay(storage, context, list, query, access.kind === "shared" ? access.scope : null);
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
