/**
 * Who is calling: the user id from the first policy that recognises the request, and the
 * principals it carries (contract §6.1). Bad credentials make the request anonymous.
 */
import { sql } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import type { Settings } from "../config";
import type { AppEnv } from "../context";
import type { D1Storage } from "../storage/d1";
import { basicauthUserId } from "./basicauth";

export interface Identity {
  /** `<policy>:<id>`, or null when anonymous. */
  userId: string | null;
  principals: string[];
}

export const EVERYONE = "system.Everyone";
export const AUTHENTICATED = "system.Authenticated";
export const ANONYMOUS: Identity = { userId: null, principals: [EVERYONE] };

/** Policies in `KINTO_MULTIAUTH_POLICIES` order; unknown names are ignored. */
export async function authenticate(request: Request, settings: Settings): Promise<string | null> {
  const authorization = request.headers.get("Authorization");
  for (const policy of settings.multiauthPolicies) {
    if (policy === "basicauth") {
      const userId = await basicauthUserId(authorization, settings.userIdHmacSecret);
      if (userId !== null) return userId;
    }
  }
  return null;
}

/** `WWW-Authenticate` values of a 401: one per enabled policy (contract §7.2). */
export function challenges(settings: Settings): string[] {
  return settings.multiauthPolicies.includes("basicauth") ? ['Basic realm="Realm"'] : [];
}

/** The user id, the system principals and the groups the user (or every authenticated user) is in. */
export async function principalsOf(storage: D1Storage, userId: string): Promise<string[]> {
  const groups = await storage.selectColumn(
    sql`SELECT DISTINCT principal AS value FROM user_principals WHERE user_id IN (${userId}, ${AUTHENTICATED})`,
  );
  return [userId, EVERYONE, AUTHENTICATED, ...groups];
}

export function identityMiddleware(storageOf: (db: D1Database) => D1Storage): MiddlewareHandler<AppEnv> {
  return async function identity(c, next) {
    const userId = await authenticate(c.req.raw, c.get("settings"));
    c.set("identity", userId === null ? ANONYMOUS : { userId, principals: await principalsOf(storageOf(c.env.DB), userId) });
    await next();
  };
}
