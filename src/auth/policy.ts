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

/** Policies by the name used in `multiauth.policies`. */
export type PolicyTable = Readonly<Record<string, AuthPolicy>>;
