/**
 * The attachment routes' permission check before any byte is stored (contract §11.2): the
 * collection must exist; an existing record needs `write` on it, a missing one `create` in
 * the collection. The Writer decides again, authoritatively, when the record is written.
 */
import type { AppContext } from "../../context";
import { forbidden, unauthorized } from "../../errors";
import { isAllowed, urisToCheck } from "../../permissions/authorize";
import { createNeed, requireParent, writeNeed, type ObjectTarget } from "../../resources/target";
import { D1Storage } from "../../storage/d1";
import { bucketDatabaseOf } from "../../http/route-database";

export async function authorizeRecordWrite(c: AppContext, target: ObjectTarget): Promise<void> {
  const identity = c.get("identity");
  const objects = [{ ref: target.ref, uri: target.uri }];
  if (target.parent) objects.push(target.parent);
  const state = await new D1Storage(bucketDatabaseOf(c)).readState({
    objects,
    lists: [],
    grants: {
      uris: urisToCheck(writeNeed(target), createNeed(target)),
      principals: identity.principals,
      users: identity.userId === null ? [] : [identity.userId],
    },
  });
  requireParent(target, (uri) => state.object(uri));
  const principals = state.principalsOf(identity);
  const need = state.object(target.uri).object === null ? createNeed(target) : writeNeed(target);
  if (!isAllowed(need, principals, (uri, permission) => state.holds(uri, permission, principals), c.get("settings"))) {
    throw identity.userId === null ? unauthorized() : forbidden();
  }
}
