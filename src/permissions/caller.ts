/** What a decision reads about its caller, and how it asks the state it read. */
import type { Identity } from "../auth/identity";
import type { State } from "../storage/types";
import type { Holds } from "./authorize";

/** The principals and user a grants read is for. */
export function callerOf(identity: Identity): { principals: string[]; users: string[] } {
  return { principals: identity.principals, users: identity.userId === null ? [] : [identity.userId] };
}

export function holdsFrom(state: State, principals: readonly string[]): Holds {
  return (uri, permission) => state.holds(uri, permission, principals);
}
