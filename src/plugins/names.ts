/**
 * Refuses settings that name what this server does not have: an unknown plugin in
 * `KINTO_INCLUDES`, an unknown policy in `KINTO_MULTIAUTH_POLICIES`, or policies without
 * `KINTO_USERID_HMAC_SECRET`. Kinto refuses to start on these; a worker cannot, so every
 * request answers a 500 naming the bad value (see http/error-handler.ts).
 */
import { parsedOnce, SettingsError, type Settings } from "../config";
import type { PolicyResolver } from "../auth/policy";
import type { Plugin } from "./plugin";

/** Kinto plugins (by include name) that kinto-edge does not provide yet. */
const NOT_YET = new Set([
  "kinto.plugins.quotas",
  "kinto.plugins.prometheus",
  "kinto.plugins.statsd",
  "kinto_emailer",
]);

function includeName(entry: string, plugins: readonly Plugin[]): string | null {
  const short = entry.replace(/^kinto\.plugins\./, "");
  for (const plugin of plugins) {
    for (const name of [plugin.name, ...(plugin.aliases ?? [])]) {
      if (name === entry || name === `kinto.plugins.${short}`) return plugin.name;
    }
  }
  return null;
}

function check(settings: Settings, plugins: readonly Plugin[], resolvers: readonly PolicyResolver[]): Settings {
  for (const entry of settings.includes) {
    if (includeName(entry, plugins) !== null) continue;
    const full = entry.startsWith("kinto_") || entry.includes(".") ? entry : `kinto.plugins.${entry}`;
    throw new SettingsError(
      "KINTO_INCLUDES",
      NOT_YET.has(full) ? `${entry} is a Kinto plugin that kinto-edge does not have yet` : `unknown plugin ${JSON.stringify(entry)}`,
    );
  }
  for (const name of settings.multiauthPolicies) {
    if (!resolvers.some((resolve) => resolve(name, settings) !== null)) {
      throw new SettingsError("KINTO_MULTIAUTH_POLICIES", `unknown authentication policy ${JSON.stringify(name)} (is its plugin in KINTO_INCLUDES?)`);
    }
  }
  if (settings.multiauthPolicies.length > 0 && settings.lookup("userid_hmac_secret") === undefined) {
    throw new SettingsError("KINTO_USERID_HMAC_SECRET", "not set; store one with `wrangler secret put KINTO_USERID_HMAC_SECRET`");
  }
  return settings;
}

const checked = new WeakMap<Settings, Settings | SettingsError>();

/** `settings` once its plugin and policy names are known; throws the same SettingsError each time otherwise. */
export function checkNames(settings: Settings, plugins: readonly Plugin[], resolvers: readonly PolicyResolver[]): Settings {
  return parsedOnce(checked, settings, (s) => check(s, plugins, resolvers));
}
