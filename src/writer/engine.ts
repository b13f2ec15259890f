/**
 * The write path of one parent: read state, authorize, check preconditions, assign
 * timestamps and commit, all inside the caller's critical section (the Writer's mutex).
 * At exit: every acknowledged operation is committed, in one D1 transaction per call.
 */
import type { Settings } from "../config";
import { KintoError, constraintViolated, forbidden, invalidParameter, objectNotFound, unauthorized } from "../errors";
import { tooLarge, MAX_BODY_BYTES } from "../http/body";
import { tooDeep, valueDepth } from "../http/json-depth";
import { MAX_JSON_DEPTH } from "../limits";
import { preconditionFailure, type Target } from "../http/preconditions";
import { normalise, replacePermissions, samePermissions, visiblePermissions, withCreator } from "../permissions/acl";
import { isAllowed, urisToCheck, type Need } from "../permissions/authorize";
import { storableData, toLiveWire } from "../resources/objects";
import { groupMembers } from "../resources/specs";
import {
  createNeed,
  listTarget,
  objectTarget,
  parentReadNeed,
  requireParent,
  readNeed,
  writeNeed,
  type ListTarget,
  type ObjectTarget,
} from "../resources/target";
import type { D1Storage } from "../storage/d1";
import {
  GuardFailed,
  TimestampConflict,
  type Guard,
  type Mutation,
  type State,
  type StateRequest,
  type StoredObject,
} from "../storage/types";
import { StateCache } from "./state-cache";
import type { JsonObject, KintoObject, Permissions } from "../wire";
import { BatchState } from "./batch-state";
import { deleteList } from "./delete-list";
import { checkChange, EffectRefused, listenerEffects, listenerMutations, type Effect, type WriteChange, type WriteListener } from "./listener";
import { applyPatchBody } from "./patch";
import type { Author, WriteOp, WriteRequest, WriteResult } from "./protocol";
import { assignTimestamp, forcedTimestamp, SYSTEM_CLOCK, type Clock } from "./timestamps";
import type { TokenLedger } from "./token-ledger";

/** A guard fails only when a parent was deleted or an empty list first read meanwhile; retry then. */
const MAX_ATTEMPTS = 4;

export function errorResult(error: KintoError): WriteResult {
  return { ok: false, error: error.body(), headers: error.headers };
}

export class WriteEngine {
  constructor(
    private readonly storage: D1Storage,
    private readonly settings: Settings,
    readonly tokens: TokenLedger,
    private readonly cache: StateCache = new StateCache(),
    private readonly clock: Clock = SYSTEM_CLOCK,
    private readonly listeners: readonly WriteListener[] = [],
    /**
     * Told each commit's changes once it is durable (the Writer runs the after-commit work):
     * its own, and its effects' (which may belong to other parents), each in commit order.
     */
    private readonly committed: (own: readonly WriteChange[], effects: readonly WriteChange[]) => void = () => {},
  ) {}

  async run(request: WriteRequest): Promise<WriteResult[]> {
    const [results] = await this.runGroup([request]);
    return results ?? [];
  }

  /**
   * Group commit: the requests (all under this Writer's parent) are decided in order against
   * one read of the state and committed in one transaction; each keeps its own results.
   * A forced-timestamp collision fails the group, which then runs its requests one by one
   * so that only the colliding request answers 409.
   */
  async runGroup(requests: WriteRequest[]): Promise<WriteResult[][]> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        return await this.attempt(requests);
      } catch (error) {
        this.cache.clear();
        if (error instanceof GuardFailed) continue;
        if (error instanceof EffectRefused && requests.length === 1) {
          return requests.map((request) => request.ops.map(() => errorResult(error.error)));
        }
        if (!(error instanceof TimestampConflict) && !(error instanceof EffectRefused)) throw error;
        if (requests.length === 1) break;
        const separately: WriteResult[][] = [];
        for (const request of requests) separately.push(await this.run(request));
        return separately;
      }
    }
    const conflict = errorResult(constraintViolated(this.settings.retryAfterSeconds));
    return requests.map((request) => request.ops.map(() => conflict));
  }

  /**
   * Decides and commits `requests`. From remembered state when possible: a commit's guard then
   * verifies everything the decisions relied on; decisions that commit nothing have no guard,
   * so they are taken again from a fresh read.
   */
  private async attempt(requests: WriteRequest[]): Promise<WriteResult[][]> {
    const reads = readsFor(requests);
    const remembered = this.cache.stateFor(reads);
    if (remembered !== null) {
      const decided = await this.decideAndCommit(requests, reads, remembered);
      if (decided !== null) return decided;
      this.cache.clear();
    }
    const state = await this.storage.readState(reads);
    this.cache.remember(reads, state);
    return (await this.decideAndCommit(requests, reads, state, true)) ?? [];
  }

  /** The results, or null when nothing was committed and `authoritative` is false. */
  private async decideAndCommit(
    requests: WriteRequest[],
    reads: StateRequest,
    state: State,
    authoritative = false,
  ): Promise<WriteResult[][] | null> {
    const batch = new BatchState(state);
    const results: WriteResult[][] = [];
    for (const request of requests) {
      const { ops } = request;
      // Group principals are read with the state, inside the critical section.
      const author = { ...request.author, principals: state.principalsOf(request.author) };
      const own: WriteResult[] = [];
      for (const op of ops) {
        try {
          own.push(await this.apply(op, batch, author));
        } catch (error) {
          if (!(error instanceof KintoError)) throw error;
          own.push(errorResult(error));
        }
      }
      results.push(own);
    }
    if (batch.mutations.length === 0 && !authoritative) return null;
    if (batch.mutations.length > 0) {
      const extra = listenerMutations(this.listeners, batch.changes, {
        settings: this.settings,
        permissionsOf: (uri) => batch.object(uri).permissions,
        now: this.clock.now(),
      });
      const effect = await listenerEffects(this.listeners, batch.changes, {
        settings: this.settings,
        storage: this.storage,
        now: this.clock.now(),
        touched: (key) => (batch.touchedLists().some((list) => list.parentId === key.parentId && list.resourceName === key.resourceName) ? (batch.listTimestamp(key) ?? undefined) : undefined),
        origin: requests.find((request) => request.origin !== undefined)?.origin ?? null,
      });
      const effectExtra = listenerMutations(this.listeners, effect.changes, {
        settings: this.settings,
        permissionsOf: (uri) => effect.permissions.get(uri) ?? batch.object(uri).permissions,
        now: this.clock.now(),
      });
      await this.storage.commit(withEffect(guardFor(requests, reads, state, batch), effect), [
        ...batch.coalescedMutations(),
        ...extra,
        ...effect.mutations,
        ...effectExtra,
      ]);
      const outcome = batch.outcome();
      // An effect may rewrite objects of this Writer too (a status it sets): remember nothing then.
      if (effect.mutations.length > 0) this.cache.clear();
      else this.cache.written(outcome.objects, outcome.lists);
      this.committed(batch.changes, effect.changes);
    }
    for (const effect of batch.afterCommit) await effect();
    return results;
  }

  private apply(op: WriteOp, batch: BatchState, author: Author): Promise<WriteResult> | WriteResult {
    const list = listTarget(op.resource, op.location);
    // Record writes check their collection before authorization (contract §3.6); a plural
    // DELETE checks it after (delete-list.ts).
    if (list.spec.parentName === "collection" && op.kind !== "delete-list") requireParent(list, (uri) => batch.object(uri));
    const context = new OpContext(this.settings, batch, author, this.clock, op.by ?? null, this.listeners);
    switch (op.kind) {
      case "create":
        return context.create(list, op.data, op.permissions, op.preconditions);
      case "put":
        return context.put(objectTarget(op.resource, op.location, op.id), op.data, op.permissions, op.preconditions);
      case "patch":
        return context.patch(objectTarget(op.resource, op.location, op.id), op);
      case "delete":
        return context.remove(objectTarget(op.resource, op.location, op.id), op.forcedTimestamp, op.preconditions);
      case "delete-list":
        return deleteList(this.storage, this.tokens, context, list, op);
      case "ensure":
        return context.ensure(objectTarget(op.resource, op.location, op.id));
    }
  }
}

/**
 * The commit's guard: the objects above this Writer's parent level (the parent, and the bucket
 * of a collection) as read, the touched list timestamps as read, and the authors' memberships.
 */
function guardFor(requests: WriteRequest[], reads: StateRequest, state: State, batch: BatchState): Guard {
  const first = requests[0]?.ops[0];
  const above: Guard["objects"] = [];
  if (first) {
    const list = listTarget(first.resource, first.location);
    const uris = new Set([list.parent?.uri, first.resource === "record" ? list.lineage.bucket : undefined]);
    for (const { ref, uri } of reads.objects) {
      const object = uris.has(uri) ? state.object(uri).object : null;
      if (object) above.push({ ...ref, lastModified: object.lastModified });
    }
  }
  const users = reads.grants?.users ?? [];
  const members = [...users, "system.Authenticated"];
  return {
    objects: above,
    lists: batch.touchedLists(),
    groups:
      users.length === 0
        ? null
        : { users: members, memberships: members.flatMap((user) => state.groupsOf(user).map((p): [string, string] => [user, p])) },
  };
}

/** The commit's guard plus what its effects were decided from. */
function withEffect(guard: Guard, effect: Effect): Guard {
  return { ...guard, objects: [...guard.objects, ...effect.guard.objects], lists: [...guard.lists, ...effect.guard.lists] };
}

/** What the writer reads before deciding: parents, targets, lists and the ACL rows of every need. */
function readsFor(requests: WriteRequest[]): StateRequest {
  const objects = new Map<string, ObjectTarget["ref"]>();
  const lists = new Map<string, ListTarget["list"]>();
  const needs: Need[] = [];
  const principals = new Set<string>();
  for (const request of requests) for (const principal of request.author.principals) principals.add(principal);
  for (const op of requests.flatMap((request) => request.ops)) {
    const list = listTarget(op.resource, op.location);
    lists.set(`${list.list.resourceName} ${list.parentId}`, list.list);
    if (list.parent) objects.set(list.parent.uri, list.parent.ref);
    if (op.resource === "record") {
      objects.set(list.lineage.bucket, { resourceName: "bucket", parentId: "", id: op.location.bucket ?? "" });
    }
    needs.push(createNeed(list));
    const parentNeed = parentReadNeed(list);
    if (parentNeed) needs.push(parentNeed);
    const id = op.kind === "create" ? op.data?.id : op.kind === "delete-list" ? undefined : op.id;
    if (typeof id === "string") {
      const target = objectTarget(op.resource, op.location, id);
      objects.set(target.uri, target.ref);
      needs.push(readNeed(target), writeNeed(target));
    }
  }
  return {
    objects: [...objects].map(([uri, ref]) => ({ uri, ref })),
    lists: [...lists.values()],
    grants: {
      uris: urisToCheck(...needs),
      principals: [...principals],
      users: [...new Set(requests.flatMap((request) => (request.author.userId === null ? [] : [request.author.userId])))],
    },
  };
}

const MAX_OBJECT_BYTES = MAX_BODY_BYTES - 10_000;

/** The decisions of one operation against the batch state. Mutations are pushed only on success. */
export class OpContext {
  constructor(
    readonly settings: Settings,
    readonly batch: BatchState,
    readonly author: Author,
    private readonly clock: Clock,
    /** The plugin writing on the author's behalf (`WriteOp.by`). */
    private readonly by: string | null = null,
    private readonly listeners: readonly WriteListener[] = [],
  ) {}

  /** The caller's stored grants, as decided within this commit. */
  get holds() {
    return this.batch.holdsFor(this.author.principals);
  }

  allowed(need: Need | null): boolean {
    return need !== null && isAllowed(need, this.author.principals, this.holds, this.settings);
  }

  require(need: Need): void {
    if (!this.allowed(need)) throw this.denied();
  }

  denied(): KintoError {
    return this.author.userId === null ? unauthorized() : forbidden();
  }

  /**
   * 404 when the caller could know the object is missing, else 401/403 (contract §6.4): it may
   * read the parent's attributes, or (Kinto's authorization.py) read the object itself, e.g.
   * through a `<kind>_read_principals` setting.
   */
  missing(target: ObjectTarget): KintoError {
    const knows = [writeNeed(target), readNeed(target), parentReadNeed(target)].some((need) => this.allowed(need));
    if (!knows) return this.denied();
    if (!target.spec.idPattern.test(target.id)) return invalidParameter("path", "id", "Invalid object id");
    return objectNotFound(target.spec.name, target.id);
  }

  private creator(): string | null {
    if (!this.settings.explicitPermissions) return null;
    return this.author.userId ?? "system.Everyone";
  }

  /** A new object's ACL: its owner's (accounts) or the given one plus the creator (§3.7). */
  private initialPermissions(target: ObjectTarget, given: Permissions | null): Permissions {
    const owner = target.spec.ownerPermissions?.(target.id);
    if (owner) return normalise({ ...(given ?? {}), write: [...(given?.write ?? []), ...(owner.write ?? [])] });
    return withCreator(given ?? {}, this.creator());
  }

  /** An updated object's ACL: the modifier joins `write`, except on self-owned kinds. */
  private modifiedPermissions(target: ObjectTarget, permissions: Permissions): Permissions {
    if (target.spec.ownerPermissions) return normalise(permissions);
    return withCreator(permissions, this.creator());
  }

  private validId(target: ListTarget, id: unknown): string {
    if (typeof id !== "string" || !target.spec.idPattern.test(id)) {
      throw invalidParameter("path", "id", "Invalid object id");
    }
    return id;
  }

  private checkBucketExists(list: ListTarget): void {
    if (list.spec.parentName === "bucket") requireParent(list, (uri) => this.batch.object(uri));
  }

  create(list: ListTarget, data: JsonObject | null, permissions: Permissions | null, preconditions: WriteOp["preconditions"]): WriteResult {
    const postedId = data?.id;
    if (typeof postedId === "string" && list.spec.idPattern.test(postedId)) {
      const target = objectTarget(list.spec.name, list.location, postedId);
      const existing = this.batch.object(target.uri);
      if (existing.object) {
        this.require(readNeed(target));
        const object = toLiveWire(existing.object);
        throwIfFailed(preconditions, { exists: true, timestamp: object.last_modified, existing: object });
        return this.objectResult(target, 200, object, existing.permissions);
      }
    }
    this.require(createNeed(list));
    this.checkBucketExists(list);
    if (postedId === undefined && !list.spec.generateId) throw invalidParameter("body", "data.id", "Required");
    const id = postedId === undefined ? (list.spec.generateId?.() ?? "") : this.validId(list, postedId);
    throwIfFailed(preconditions, targetOf(null, this.batch.listTimestamp(list.list)));
    const target = objectTarget(list.spec.name, list.location, id);
    return this.store(target, 201, data ?? {}, this.initialPermissions(target, permissions), null);
  }

  put(target: ObjectTarget, data: JsonObject | null, permissions: Permissions | null, preconditions: WriteOp["preconditions"]): WriteResult {
    const existing = this.batch.object(target.uri);
    const current = existing.object;
    if (current && preconditions.ifNoneMatch !== "*") this.require(writeNeed(target));
    else this.require(createNeed(target));
    this.checkBucketExists(target);
    this.validId(target, target.id);
    throwIfFailed(preconditions, targetOf(current, this.batch.listTimestamp(target.list)));
    const nextData = data ?? (current ? toLiveWire(current) : {});
    if (data && "id" in data && data.id !== target.id) {
      throw invalidParameter("body", "id", "Object id does not match existing object");
    }
    const acl = current
      ? this.modifiedPermissions(target, replacePermissions(existing.permissions, permissions))
      : this.initialPermissions(target, permissions);
    return this.store(target, current ? 200 : 201, nextData, acl, current);
  }

  patch(target: ObjectTarget, op: Extract<WriteOp, { kind: "patch" }>): WriteResult {
    const existing = this.batch.object(target.uri);
    const current = existing.object;
    if (!current && op.upsert === true && op.patch.flavour === "json") {
      return this.put(target, op.patch.data, op.patch.permissions, op.preconditions);
    }
    if (!current) throw this.missing(target);
    this.require(writeNeed(target));
    throwIfFailed(op.preconditions, targetOf(current, null));
    const before = toLiveWire(current);
    const patched = applyPatchBody(before, existing.permissions, op.patch, target.spec.permissions);
    if (patched.data.id !== undefined && patched.data.id !== target.id) {
      throw invalidParameter("body", "id", "Object id does not match existing object");
    }
    const result = this.store(target, 200, patched.data, this.modifiedPermissions(target, patched.permissions), current);
    if (!result.ok || op.behavior === "full") return result;
    const stored = result.body.data as JsonObject;
    const changed: JsonObject = {};
    for (const key of patched.sentKeys) {
      const now = stored[key];
      if (now === undefined || same(now, before[key])) continue;
      if (op.behavior === "diff" && same(now, patched.sent[key])) continue;
      changed[key] = now;
    }
    return { ...result, body: { data: changed } };
  }

  /** The object as it is, or created empty with the author as its writer; no permission check. */
  ensure(target: ObjectTarget): WriteResult {
    const current = this.batch.object(target.uri);
    if (current.object) return this.objectResult(target, 200, toLiveWire(current.object), current.permissions);
    this.checkBucketExists(target);
    return this.store(target, 201, {}, { write: [this.author.userId ?? "system.Everyone"] }, null);
  }

  remove(target: ObjectTarget, forced: number | null, preconditions: WriteOp["preconditions"]): WriteResult {
    const existing = this.batch.object(target.uri);
    const current = existing.object;
    if (!current) throw this.missing(target);
    this.require(writeNeed(target));
    throwIfFailed(preconditions, targetOf(current, null));
    const tombstone = this.tombstone(target, current, forced);
    return { ok: true, status: 200, timestamp: tombstone.last_modified, body: { data: tombstone } };
  }

  /** Turns a live object into a tombstone with its cascade; pushes the mutations. */
  tombstone(target: ObjectTarget, current: StoredObject, forced: number | null) {
    const accepted = forced !== null && forced > current.lastModified ? forced : null;
    const { timestamp } = this.assign(target, accepted);
    const mutations: Mutation[] = [
      { kind: "tombstone", ref: target.ref, lastModified: timestamp },
      { kind: "acl", uri: target.uri, permissions: {} },
    ];
    if (target.spec.name === "bucket" || target.spec.name === "collection") mutations.push({ kind: "purge", uri: target.uri });
    if (target.spec.name === "group") mutations.push({ kind: "members", groupUri: target.uri, members: [] });
    this.commitObject(target, mutations, timestamp, { object: null, permissions: {} }, current);
    return { id: target.id, last_modified: timestamp, deleted: true as const };
  }

  /** Validates and stores a live object, pushing its mutations. */
  private store(
    target: ObjectTarget,
    status: number,
    posted: JsonObject,
    permissions: Permissions,
    current: StoredObject | null,
  ): Extract<WriteResult, { ok: true }> {
    const parent = target.parent ? this.batch.object(target.parent.uri).object : null;
    const bucket = target.lineage.bucket === "" || target.spec.name === "bucket" ? null : this.batch.object(target.lineage.bucket).object;
    // Specs see the id (a schema may declare it); storage keeps it in its own column.
    const data = storableData(
      target.spec.validate(
        { ...storableData(posted), id: target.id },
        { parent, bucket, settings: this.settings, author: this.author },
      ),
    );
    if (valueDepth(data) > MAX_JSON_DEPTH) throw tooDeep("data");
    if (JSON.stringify(data).length > MAX_OBJECT_BYTES) throw tooLarge();
    let forced = forcedTimestamp(posted.last_modified);
    if (forced !== null && current !== null && forced <= current.lastModified) forced = null;
    const { timestamp } = this.assign(target, forced);
    const mutations: Mutation[] = [{ kind: "put", ref: target.ref, lastModified: timestamp, data }];
    const previous = this.batch.object(target.uri).permissions;
    if (current === null || !samePermissions(previous, permissions)) {
      mutations.push({ kind: "acl", uri: target.uri, permissions });
    }
    if (target.spec.name === "group") mutations.push({ kind: "members", groupUri: target.uri, members: groupMembers(data) });
    const stored: StoredObject = { id: target.id, lastModified: timestamp, data, deleted: false };
    this.commitObject(target, mutations, timestamp, { object: stored, permissions });
    return this.objectResult(target, status, toLiveWire(stored), permissions);
  }

  private assign(target: ObjectTarget, forced: number | null) {
    const stored = this.batch.listTimestamp(target.list);
    const floor = this.clock.floor(target.list);
    return assignTimestamp(floor === null ? stored : Math.max(stored ?? 0, floor), this.clock.now(), forced);
  }

  /** `current`: the object before the change, when the caller read it outside the batch state (a plural delete's page). */
  private commitObject(
    target: ObjectTarget,
    mutations: Mutation[],
    timestamp: number,
    state: { object: StoredObject | null; permissions: Permissions },
    current: StoredObject | null = null,
  ): void {
    const old = current ?? this.batch.object(target.uri).object;
    const change: WriteChange = {
      action: old === null ? "create" : state.object === null ? "delete" : "update",
      resourceName: target.spec.name,
      uri: target.uri,
      location: target.location,
      id: target.id,
      data: state.object ? toLiveWire(state.object) : { id: target.id, last_modified: timestamp, deleted: true },
      permissions: state.permissions,
      old: old ? toLiveWire(old) : null,
      author: this.author,
      timestamp,
      by: this.by,
    };
    checkChange(this.listeners, change, this.settings);
    this.batch.changes.push(change);
    this.batch.mutations.push(...mutations, { kind: "touch", list: target.list, lastModified: timestamp });
    this.batch.setListTimestamp(target.list, timestamp);
    this.batch.setObject(target.uri, state, target.list, target.id);
  }

  objectResult(target: ObjectTarget, status: number, object: KintoObject, permissions: Permissions): Extract<WriteResult, { ok: true }> {
    const viewer = [...this.author.principals, ...(target.spec.viewedAs?.(target.id, this) ?? [])];
    return {
      ok: true,
      status,
      timestamp: object.last_modified,
      body: { data: object, permissions: visiblePermissions(permissions, viewer) },
    };
  }
}

/** A missing object's 412 carries its list's timestamp, as Kinto's (`model.timestamp()`). */
function targetOf(current: StoredObject | null, listTimestamp: number | null): Target {
  if (current === null) return { exists: false, timestamp: listTimestamp };
  return { exists: true, timestamp: current.lastModified, existing: toLiveWire(current) };
}

function throwIfFailed(preconditions: WriteOp["preconditions"], target: Target): void {
  const failure = preconditionFailure(preconditions, target);
  if (failure) throw failure;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
