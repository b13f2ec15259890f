/** An authentication policy: turns a request into a user id (without its `<policy>:` prefix) or null. */
import type { Settings } from "../config";
import type { D1Storage } from "../storage/d1";

export interface AuthPolicy {
  /** The prefix of its user ids (`basicauth`, `account`, an OpenID provider name). */
  readonly prefix: string;
  /** The `WWW-Authenticate` challenge of a 401. */
  challenge(settings: Settings): string;
  authenticate(authorization: string | null, settings: Settings, storage: D1Storage): Promise<string | null>;
}

/**
 * The policy a `multiauth.policies` entry names, or null when this resolver does not know it.
 * Resolvers take settings because some names are configured (OpenID providers).
 */
export type PolicyResolver = (name: string, settings: Settings) => AuthPolicy | null;
