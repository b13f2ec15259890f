/**
 * The read decision of a plural endpoint (records list, search): the parent, the ACL rows and
 * the caller's groups in one D1 batch, with the caller's `extra` statements read alongside;
 * 401/403 when the caller may read nothing of the list, 404 when its parent is missing.
 */
import type { SQL } from "drizzle-orm";
import type { Identity } from "../auth/identity";
import type { Settings } from "../config";
import { forbidden, unauthorized } from "../errors";
import { urisToCheck } from "../permissions/authorize";
import { callerOf, holdsFrom } from "../permissions/caller";
import { containerNeed, listAccess, type ListAccess } from "../permissions/list-access";
import type { D1Storage } from "../storage/d1";
import type { State } from "../storage/types";
import { createNeed, requireParent, type ListTarget } from "./target";

export async function decideListRead(
  storage: D1Storage,
  list: ListTarget,
  identity: Identity,
  settings: Settings,
  extra: SQL[],
): Promise<{ state: State & { extra: unknown[][] }; access: ListAccess }> {
  const state = await storage.readState(
    {
      objects: list.parent ? [list.parent] : [],
      lists: [],
      grants: { uris: urisToCheck(containerNeed(list, "read"), createNeed(list)), ...callerOf(identity) },
    },
    extra,
  );
  const principals = state.principalsOf(identity);
  const access = await listAccess(storage, list, "read", principals, holdsFrom(state, principals), settings);
  if (access === null) throw identity.userId === null ? unauthorized() : forbidden();
  requireParent(list, state.object);
  return { state, access };
}
