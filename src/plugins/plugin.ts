/**
 * The plugin contract. A plugin adds routes (through `registerRoute`, guarded by its
 * `enabled` check) and a capability; the core never imports a plugin, only the list in
 * plugins/index.ts does.
 */
import type { Hono } from "hono";
import type { PolicyResolver } from "../auth/policy";
import type { Identity } from "../auth/identity";
import type { Bindings } from "../env";
import { parseExactJson } from "../json/parse";
import { settingsOf, type Settings } from "../config";
import type { Mutation } from "../storage/types";
import type { AppEnv } from "../context";
import type { LiveFeed } from "../live/feed";
import type { Effect, EffectContext, ListenerContext, WriteChange, WriteListener } from "../writer/listener";

export interface Capability {
  description: string;
  url: string;
  [extra: string]: unknown;
}

/** What a capability may depend on in the request that asks for it. */
export interface CapabilityRequest {
  /** The public origin of this server (`http_scheme` / `http_host` applied), without a trailing `/`. */
  origin: string;
}

/** Where a rewritten request goes; `alias` → `target` also replaces within a posted `data.id`. */
export interface Rewrite {
  path: string;
  alias: string;
  target: string;
}

/** `body` with `alias` replaced by `target` inside `data.id` (JSON bodies only; others unchanged). */
export function rewriteBodyId(body: string, rewrite: Rewrite): string {
  if (!body.includes(rewrite.alias)) return body;
  try {
    const parsed: unknown = parseExactJson(body);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return body;
    const data = (parsed as { data?: unknown }).data;
    if (typeof data !== "object" || data === null || Array.isArray(data)) return body;
    const id = (data as { id?: unknown }).id;
    if (typeof id !== "string" || !id.includes(rewrite.alias)) return body;
    return JSON.stringify({ ...parsed, data: { ...data, id: id.replace(rewrite.alias, rewrite.target) } });
  } catch {
    return body;
  }
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
  /** Other include names that enable it (e.g. a plugin that was merged into this one). */
  readonly aliases?: readonly string[];
  enabled(settings: Settings): boolean;
  /** While enabled: throws SettingsError for a malformed setting of this plugin (checked on every request). */
  validate?(settings: Settings): void;
  /** The hello capability (id → value) while enabled, if any. */
  capabilities?(settings: Settings, request: CapabilityRequest): Record<string, Capability>;
  /**
   * While enabled: groups of bucket ids this plugin writes in one transaction (its effects), which
   * must therefore share a shard (storage/shards.ts).
   */
  colocated?(settings: Settings): readonly (readonly string[])[];
  /** Resolves the authentication policies this plugin provides, by their `multiauth.policies` name. */
  readonly policies?: PolicyResolver;
  /** Extra `user` fields of hello for an authenticated caller. */
  helloUser?(userId: string, settings: Settings): Promise<Record<string, unknown>>;
  /**
   * Serves a request under another path (after creating what it implies), or null when not
   * concerned. Applied to plain requests and batch sub-requests alike.
   */
  rewrite?(input: RewriteInput): Promise<Rewrite | null>;
  /**
   * While enabled: extra mutations committed in the same transaction as the changes of an
   * engine commit (see writer/listener.ts).
   */
  onWrite?(changes: readonly WriteChange[], context: ListenerContext): Mutation[];
  /** While enabled: async work and cross-parent writes of a commit, in its transaction (see writer/listener.ts). */
  effects?(changes: readonly WriteChange[], context: EffectContext): Promise<Effect | null>;
  /** While enabled: refuses one change by throwing a KintoError (see writer/listener.ts). */
  checkWrite?(change: WriteChange, settings: Settings): void;
  /** While enabled: I/O after a commit, outside the critical section (see writer/listener.ts). */
  afterCommit?(changes: readonly WriteChange[], env: Bindings): Promise<void>;
  /** Live feeds it publishes into (live/feed.ts), by name. */
  readonly liveFeeds?: Readonly<Record<string, LiveFeed>>;
  /** Its `__heartbeat__` entries: name → healthy (null: not checked). */
  heartbeat?(env: Bindings, settings: Settings): Promise<Record<string, boolean | null>>;
  /** Periodic upkeep (the worker's cron trigger): e.g. retrying deletions. */
  maintenance?(env: Bindings, settings: Settings): Promise<void>;
  /**
   * Adds routes registered before the core's, for paths a core route also matches (a virtual
   * collection): they use `registerRoute`'s `shadows` option.
   */
  overrides?(app: Hono<AppEnv>): void;
  /** Adds routes and middleware; each route checks `enabled` per request. */
  register(app: Hono<AppEnv>): void;
}

/** The write listeners of the plugins that have one, in plugin order. */
export function writeListenersOf(plugins: readonly Plugin[]): WriteListener[] {
  return plugins.flatMap((plugin): WriteListener[] => {
    const { onWrite, checkWrite, afterCommit, effects } = plugin;
    if (onWrite === undefined && checkWrite === undefined && afterCommit === undefined && effects === undefined) return [];
    return [
      {
        enabled: (settings: Settings) => plugin.enabled(settings),
        ...(onWrite ? { onWrite: onWrite.bind(plugin) } : {}),
        ...(checkWrite ? { check: checkWrite.bind(plugin) } : {}),
        ...(afterCommit ? { afterCommit: afterCommit.bind(plugin) } : {}),
        ...(effects ? { effects: effects.bind(plugin) } : {}),
      },
    ];
  });
}

/** The bucket groups of the enabled plugins that must share a shard. */
export function colocatedOf(plugins: readonly Plugin[], settings: Settings): (readonly string[])[] {
  return plugins.flatMap((plugin) => (plugin.colocated && plugin.enabled(settings) ? plugin.colocated(settings) : []));
}

/** The live feeds of every plugin, by name. */
export function liveFeedsOf(plugins: readonly Plugin[]): Record<string, LiveFeed> {
  return Object.assign({}, ...plugins.map((plugin) => plugin.liveFeeds ?? {}));
}

/** Runs the upkeep of every enabled plugin; a failure is logged, the others still run. */
export async function maintenanceOf(plugins: readonly Plugin[], env: Bindings): Promise<void> {
  const settings = settingsOf(env);
  await Promise.all(
    plugins.map(async (plugin) => {
      if (!plugin.maintenance || !plugin.enabled(settings)) return;
      try {
        await plugin.maintenance(env, settings);
      } catch (error) {
        console.error(`upkeep of ${plugin.name} failed:`, error instanceof Error ? error.name : "unknown error");
      }
    }),
  );
}

/** The `__heartbeat__` entries of the enabled plugins. */
export async function heartbeatsOf(plugins: readonly Plugin[], env: Bindings, settings: Settings): Promise<Record<string, boolean | null>> {
  const entries = await Promise.all(plugins.map((plugin) => (plugin.heartbeat && plugin.enabled(settings) ? plugin.heartbeat(env, settings) : {})));
  return Object.assign({}, ...entries) as Record<string, boolean | null>;
}

/** The path to serve instead of `input.path`, from the first enabled plugin concerned, or null. */
export async function rewritePath(plugins: readonly Plugin[], input: RewriteInput): Promise<Rewrite | null> {
  for (const plugin of plugins) {
    if (plugin.rewrite === undefined || !plugin.enabled(input.settings)) continue;
    const rewrite = await plugin.rewrite(input);
    if (rewrite !== null) return rewrite;
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

/** `settings` once every enabled plugin found its own settings well-formed (else the SettingsError). */
export function validatedBy(plugins: readonly Plugin[], settings: Settings): Settings {
  for (const plugin of plugins) if (plugin.validate && plugin.enabled(settings)) plugin.validate(settings);
  return settings;
}

export function isIncluded(settings: Settings, name: string): boolean {
  const short = name.replace(/^kinto\.plugins\./, "");
  return settings.includes.some((entry) => entry === name || entry === short || entry === `kinto.plugins.${short}`);
}
