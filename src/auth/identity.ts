/**
 * Who is calling: the user id from the first policy that recognises the request, and the
 * principals it carries (contract §6.1). Bad credentials make the request anonymous.
 */
import { sql } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import type { Settings } from "../config";
import type { AppEnv } from "../context";
import { D1Storage } from "../storage/d1";
import { basicauthUserId } from "./basicauth";
import type { AuthPolicy, PolicyResolver } from "./policy";
import { catalogOf } from "../storage/shards";

/**
 * A caller. `principals` are those the request itself proves (user id, `system.Everyone`,
 * `system.Authenticated`); group principals are read with the ACL rows of each decision
 * (StateRequest.grants), or by `withGroups` where a whole list of principals is shown.
 */
export interface Identity {
  /** `<policy>:<id>`, or null when anonymous. */
  userId: string | null;
  principals: string[];
}

export const EVERYONE = "system.Everyone";
export const AUTHENTICATED = "system.Authenticated";
export const ANONYMOUS: Identity = { userId: null, principals: [EVERYONE] };

/** Resolves `basicauth`. */
export const resolveBasicauth: PolicyResolver = (name) => (name === "basicauth" ? basicauthPolicy : null);

export const basicauthPolicy: AuthPolicy = {
  prefix: "basicauth",
  challenge: () => 'Basic realm="Realm"',
  authenticate: async (authorization, settings) => {
    const userId = await basicauthUserId(authorization, settings.userIdHmacSecret);
    return userId === null ? null : userId.slice("basicauth:".length);
  },
};

/** Resolves identities with the enabled policies, in `KINTO_MULTIAUTH_POLICIES` order. */
export class Authenticator {
  constructor(private readonly resolvers: readonly PolicyResolver[]) {}

  private enabled(settings: Settings): AuthPolicy[] {
    return settings.multiauthPolicies.flatMap((name) => {
      for (const resolve of this.resolvers) {
        const policy = resolve(name, settings);
        if (policy !== null) return [policy];
      }
      return [];
    });
  }

  /** The user id of the first policy that recognises `authorization`, else null. */
  async userId(authorization: string | null, settings: Settings, storage: D1Storage): Promise<string | null> {
    for (const policy of this.enabled(settings)) {
      const id = await policy.authenticate(authorization, settings, storage);
      if (id !== null) return `${policy.prefix}:${id}`;
    }
    return null;
  }

  async identify(authorization: string | null, settings: Settings, storage: D1Storage): Promise<Identity> {
    const userId = await this.userId(authorization, settings, storage);
    return userId === null ? ANONYMOUS : { userId, principals: [userId, EVERYONE, AUTHENTICATED] };
  }

  /** `WWW-Authenticate` values of a 401: one per enabled policy, deduplicated. */
  challenges(settings: Settings): string[] {
    return [...new Set(this.enabled(settings).map((policy) => policy.challenge(settings)))];
  }
}

/** The identity with the groups the user (or every authenticated user) is in, read now. */
export async function withGroups(storage: D1Storage, identity: Identity): Promise<Identity> {
  if (identity.userId === null) return identity;
  const groups = await storage.selectColumn(
    sql`SELECT DISTINCT principal AS value FROM user_principals WHERE user_id IN (${identity.userId}, ${AUTHENTICATED})`,
  );
  return { ...identity, principals: [...identity.principals, ...groups] };
}

/** Identities fixed by a batch for its sub-requests: a whole batch is one request (§3.5, §8). */
const presetIdentities = new WeakMap<Request, Identity>();

/** Makes `request` (dispatched in-process) run as `identity` instead of resolving its own. */
export function presetIdentity(request: Request, identity: Identity): Request {
  presetIdentities.set(request, identity);
  return request;
}

export function identityMiddleware(authenticator: Authenticator): MiddlewareHandler<AppEnv> {
  return async function identity(c, next) {
    c.set("authenticator", authenticator);
    const preset = presetIdentities.get(c.req.raw);
    if (preset !== undefined) {
      c.set("identity", preset);
    } else {
      const storage = new D1Storage(catalogOf(c.env));
      c.set("identity", await authenticator.identify(c.req.header("Authorization") ?? null, c.get("settings"), storage));
    }
    await next();
  };
}
