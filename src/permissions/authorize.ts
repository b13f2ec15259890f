/** The one permission check of the server: stored ACL grants, then settings grants. */
import { splitList, type Settings } from "../config";
import type { ResourceName } from "../resources/spec";
import { grantingPairs, grantingSettings, type Lineage, type Operation, type Pair } from "./inheritance";

export interface Need {
  resource: ResourceName;
  operation: Operation;
  lineage: Lineage;
}

/** The URIs whose ACL rows decide `needs`; read them with `StateRequest.grants`. */
export function urisToCheck(...needs: Need[]): string[] {
  const uris = new Set<string>();
  for (const need of needs) {
    for (const [uri] of grantingPairs(need.resource, need.operation, need.lineage)) uris.add(uri);
  }
  return [...uris];
}

/** Principals granted by a `<name>` setting, e.g. `record_read_principals`. */
export function settingPrincipals(settings: Settings, name: string): string[] {
  if (name === "bucket_create_principals") return settings.bucketCreatePrincipals;
  const raw = settings.lookup(name);
  return raw === undefined ? [] : splitList(raw);
}

/** Whether the caller's principals hold `permission` on `uri` through a stored ACL. */
export type Holds = (uri: string, permission: string) => boolean;

/** True when one of `principals` holds a pair of `need` (see `holds`) or a granting setting. */
export function isAllowed(need: Need, principals: readonly string[], holds: Holds, settings: Settings): boolean {
  const pairs: Pair[] = grantingPairs(need.resource, need.operation, need.lineage);
  if (pairs.some(([uri, permission]) => holds(uri, permission))) return true;
  return grantingSettings(need.resource, need.operation).some((name) =>
    settingPrincipals(settings, name).some((principal) => principals.includes(principal)),
  );
}
