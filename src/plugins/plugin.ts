/**
 * The plugin contract. A plugin adds routes (through `registerRoute`, guarded by its
 * `enabled` check) and a capability; the core never imports a plugin, only the list in
 * plugins/index.ts does.
 */
import type { Hono } from "hono";
import type { AuthPolicy } from "../auth/policy";
import type { Settings } from "../config";
import type { AppEnv } from "../context";

export interface Capability {
  description: string;
  url: string;
  [extra: string]: unknown;
}

export interface Plugin {
  /** Kinto's include name, e.g. `kinto.plugins.flush`. */
  readonly name: string;
  enabled(settings: Settings): boolean;
  /** The hello capability (id → value) while enabled, if any. */
  capabilities?(settings: Settings): Record<string, Capability>;
  /** Authentication policies by their `multiauth.policies` name. */
  readonly policies?: Record<string, AuthPolicy>;
  /** Adds routes and middleware; each route checks `enabled` per request. */
  register(app: Hono<AppEnv>): void;
}

/** `kinto.plugins.flush` or `flush` in `KINTO_INCLUDES`. */
export function isIncluded(settings: Settings, name: string): boolean {
  const short = name.replace(/^kinto\.plugins\./, "");
  return settings.includes.some((entry) => entry === name || entry === short || entry === `kinto.plugins.${short}`);
}
