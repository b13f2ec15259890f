/** The Hono environment shared by every route: bindings plus per-request values. */
import type { Context } from "hono";
import type { Authenticator, Identity } from "./auth/identity";
import type { Settings } from "./config";
import type { Bindings } from "./env";

export interface AppEnv {
  Bindings: Bindings;
  Variables: {
    settings: Settings;
    identity: Identity;
    authenticator: Authenticator;
  };
}

export type AppContext = Context<AppEnv>;
