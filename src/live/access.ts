/**
 * Who may follow a list live: exactly who may `GET` it (contract §6.4, "Lists"). Per list of
 * the scope, `all` sees every change; `shared` (read on some objects only, or may create
 * objects) sees the objects whose own ACL grants it read or write, never tombstones (which keep
 * no ACL), as a listing of theirs would; a list it may not read at all is left out. Feeds are
 * public.
 */
import type { Identity } from "../auth/identity";
import type { Settings } from "../config";
import { callerOf, holdsFrom } from "../permissions/caller";
import { urisToCheck } from "../permissions/authorize";
import { containerNeed, listAccess } from "../permissions/list-access";
import { createNeed, listTarget, type ListTarget } from "../resources/target";
import type { D1Storage } from "../storage/d1";
import type { Permissions } from "../wire";
import type { LiveList, LiveScope } from "./subscription";

export interface LiveAccess {
  lists: Partial<Record<LiveList, "all" | "shared">>;
  /** The caller's principals, groups included, as of this decision. */
  principals: string[];
}

function targetsOf(scope: Exclude<LiveScope, { kind: "feed" }>): [LiveList, ListTarget][] {
  if (scope.kind === "collection") return [["record", listTarget("record", { bucket: scope.bucket, collection: scope.collection })]];
  return [
    ["collection", listTarget("collection", { bucket: scope.bucket })],
    ["group", listTarget("group", { bucket: scope.bucket })],
  ];
}

/** The caller's access to what `scope` follows: null when denied, "missing" without its parent. */
export async function liveAccess(storage: D1Storage, settings: Settings, scope: LiveScope, identity: Identity): Promise<LiveAccess | null | "missing"> {
  if (scope.kind === "feed") return { lists: { feed: "all" }, principals: [] };
  const targets = targetsOf(scope);
  const parent = targets[0]?.[1].parent ?? null;
  const state = await storage.readState(
    {
      objects: parent ? [parent] : [],
      lists: [],
      grants: { uris: urisToCheck(...targets.flatMap(([, list]) => [containerNeed(list, "read"), createNeed(list)])), ...callerOf(identity) },
    },
    [],
  );
  const principals = state.principalsOf(identity);
  const holds = holdsFrom(state, principals);
  const lists: LiveAccess["lists"] = {};
  for (const [name, list] of targets) {
    const access = await listAccess(storage, list, "read", principals, holds, settings);
    if (access !== null) lists[name] = access.kind === "all" ? "all" : "shared";
  }
  if (Object.keys(lists).length === 0) return null;
  if (parent && state.object(parent.uri).object === null) return "missing";
  return { lists, principals };
}

/** Whether a subscriber with `access` sees an object of `list` whose ACL is `permissions` (null: a tombstone). */
export function sees(access: LiveAccess, list: LiveList, permissions: Permissions | null): boolean {
  const kind = access.lists[list];
  if (kind === "all") return true;
  if (kind === undefined || permissions === null) return false;
  const granted = [...(permissions.read ?? []), ...(permissions.write ?? [])];
  return granted.some((principal) => access.principals.includes(principal));
}
