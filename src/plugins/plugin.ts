/**
 * The plugin contract. A plugin adds routes (through `registerRoute`, guarded by its
 * `enabled` check) and a capability; the core never imports a plugin, only the list in
 * plugins/index.ts does.
 */
import type { Hono } from "hono";
import type { PolicyResolver } from "../auth/policy";
import type { Identity } from "../auth/identity";
import type { Bindings } from "../env";
import type { Settings } from "../config";
import type { AppEnv } from "../context";

export interface Capability {
  description: string;
  url: string;
  [extra: string]: unknown;
}

/** A request as a path rewrite sees it. */
export interface RewriteInput {
  method: string;
  /** The path, with `/v1`, without the query string. */
  path: string;
  identity: Identity;
  settings: Settings;
  env: Bindings;
}

export interface Plugin {
  /** Kinto's include name, e.g. `kinto.plugins.flush`. */
  readonly name: string;
  enabled(settings: Settings): boolean;
  /** The hello capability (id → value) while enabled, if any. */
  capabilities?(settings: Settings): Record<string, Capability>;
  /** Resolves the authentication policies this plugin provides, by their `multiauth.policies` name. */
  readonly policies?: PolicyResolver;
  /** Extra `user` fields of hello for an authenticated caller. */
  helloUser?(userId: string, settings: Settings): Promise<Record<string, unknown>>;
  /**
   * Serves a request under another path (after creating what it implies), or null when not
   * concerned. Applied to plain requests and batch sub-requests alike.
   */
  rewrite?(input: RewriteInput): Promise<string | null>;
  /** Adds routes and middleware; each route checks `enabled` per request. */
  register(app: Hono<AppEnv>): void;
}

/** `kinto.plugins.flush` or `flush` in `KINTO_INCLUDES`. */
/** The path to serve instead of `input.path`, from the first enabled plugin concerned, or null. */
export async function rewritePath(plugins: readonly Plugin[], input: RewriteInput): Promise<string | null> {
  for (const plugin of plugins) {
    if (plugin.rewrite === undefined || !plugin.enabled(input.settings)) continue;
    const path = await plugin.rewrite(input);
    if (path !== null) return path;
  }
  return null;
}

/** hello's `user` extras from the enabled plugins. */
export async function helloUserOf(plugins: readonly Plugin[], userId: string, settings: Settings): Promise<Record<string, unknown>> {
  const extras: Record<string, unknown> = {};
  for (const plugin of plugins) {
    if (plugin.helloUser && plugin.enabled(settings)) Object.assign(extras, await plugin.helloUser(userId, settings));
  }
  return extras;
}

export function isIncluded(settings: Settings, name: string): boolean {
  const short = name.replace(/^kinto\.plugins\./, "");
  return settings.includes.some((entry) => entry === name || entry === short || entry === `kinto.plugins.${short}`);
}
