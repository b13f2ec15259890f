/**
 * Who may follow a collection's records live: exactly who may list them (contract §6.4,
 * "Lists"). `all` sees every change; `shared` (read on some records only, or may create
 * records) sees the records whose own ACL grants it read or write, never tombstones (which
 * keep no ACL), as a `GET …/records` of theirs would.
 */
import type { Identity } from "../auth/identity";
import type { Settings } from "../config";
import { callerOf, holdsFrom } from "../permissions/caller";
import { urisToCheck } from "../permissions/authorize";
import { containerNeed, listAccess } from "../permissions/list-access";
import type { Location } from "../resources/spec";
import { createNeed, listTarget } from "../resources/target";
import type { D1Storage } from "../storage/d1";
import type { Permissions } from "../wire";

export interface LiveAccess {
  kind: "all" | "shared";
  /** The caller's principals, groups included, as of this decision. */
  principals: string[];
}

/** The caller's access to the records of `location`'s collection: null when denied, "missing" without the collection. */
export async function liveAccess(storage: D1Storage, settings: Settings, location: Location, identity: Identity): Promise<LiveAccess | null | "missing"> {
  const list = listTarget("record", location);
  const state = await storage.readState(
    {
      objects: list.parent ? [list.parent] : [],
      lists: [],
      grants: { uris: urisToCheck(containerNeed(list, "read"), createNeed(list)), ...callerOf(identity) },
    },
    [],
  );
  const principals = state.principalsOf(identity);
  const access = await listAccess(storage, list, "read", principals, holdsFrom(state, principals), settings);
  if (access === null) return null;
  if (list.parent && state.object(list.parent.uri).object === null) return "missing";
  return { kind: access.kind === "all" ? "all" : "shared", principals };
}

/** Whether a subscriber with `access` sees a record whose ACL is `permissions` (null: a tombstone). */
export function sees(access: LiveAccess, permissions: Permissions | null): boolean {
  if (access.kind === "all") return true;
  if (permissions === null) return false;
  const granted = [...(permissions.read ?? []), ...(permissions.write ?? [])];
  return granted.some((principal) => access.principals.includes(principal));
}
