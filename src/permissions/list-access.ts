/** Which objects of a list a caller may read or delete (contract §6.4, "Lists"). */
import type { Settings } from "../config";
import type { ListTarget } from "../resources/target";
import type { D1Storage } from "../storage/d1";
import { hasShared, type SharedScope } from "../storage/list";
import { isAllowed, type Holds, type Need } from "./authorize";

/** `all`: every object; `shared`: those whose own ACL grants it; `empty`: none, but no error. */
export type ListAccess = { kind: "all" } | { kind: "shared"; scope: SharedScope } | { kind: "empty" };

/** The need checked on the list's container (its ancestors), for `read` (GET) or `write` (DELETE). */
export function containerNeed(list: ListTarget, operation: "read" | "write"): Need {
  return { resource: list.spec.name, operation, lineage: list.lineage };
}

/** null when the caller may not touch the list at all (the caller answers 401/403). */
export async function listAccess(
  storage: D1Storage,
  list: ListTarget,
  operation: "read" | "write",
  principals: readonly string[],
  holds: Holds,
  settings: Settings,
): Promise<ListAccess | null> {
  if (isAllowed(containerNeed(list, operation), principals, holds, settings)) return { kind: "all" };
  const scope: SharedScope = {
    uriPrefix: `${list.parentId}/${list.spec.plural}`,
    permissions: operation === "read" ? ["read", "write"] : ["write"],
    principals,
  };
  if (await hasShared(storage, scope)) return { kind: "shared", scope };
  const create: Need = { resource: list.spec.name, operation: "create", lineage: list.lineage };
  if (isAllowed(create, principals, holds, settings)) return { kind: "empty" };
  return null;
}
