/** ACL arithmetic on writes (contract §3.7) and what a response may show (§2.2). */
import type { Permissions } from "../wire";

/** Sorted names and principals, duplicates and empty lists dropped. */
export function normalise(permissions: Permissions): Permissions {
  const result: Permissions = {};
  for (const [name, principals] of Object.entries(permissions).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const unique = [...new Set(principals)].sort();
    if (unique.length > 0) result[name] = unique;
  }
  return result;
}

/** The creator rule: with explicit permissions, the author's id joins `write`. */
export function withCreator(permissions: Permissions, creator: string | null): Permissions {
  if (creator === null) return normalise(permissions);
  return normalise({ ...permissions, write: [...(permissions.write ?? []), creator] });
}

/** PUT: a non-empty mapping replaces the whole ACL; absent or `{}` keeps it. */
export function replacePermissions(current: Permissions, given: Permissions | null): Permissions {
  return given !== null && Object.keys(given).length > 0 ? { ...given } : { ...current };
}

/** PATCH (JSON or merge-patch): named permissions are replaced, a null one removed, others kept. */
export function patchPermissions(current: Permissions, given: Record<string, string[] | null>): Permissions {
  const result: Permissions = { ...current };
  for (const [name, principals] of Object.entries(given)) {
    if (principals === null) delete result[name];
    else result[name] = principals;
  }
  return result;
}

/** The ACL itself when one of `principals` is in its own `write` list, else `{}`. */
export function visiblePermissions(permissions: Permissions, principals: readonly string[]): Permissions {
  const writers = permissions.write ?? [];
  return writers.some((writer) => principals.includes(writer)) ? permissions : {};
}

export function samePermissions(a: Permissions, b: Permissions): boolean {
  return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
}
