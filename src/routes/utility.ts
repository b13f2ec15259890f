/** `/`, `/__heartbeat__`, `/__lbheartbeat__`, `/__version__`, `/__api__`, `/contribute.json` (contract §9). */
import type { Hono } from "hono";
import { withGroups } from "../auth/identity";
import { PROJECT_VERSION, type Settings } from "../config";
import type { Bindings } from "../env";
import { withTimeout } from "../http/timeout";
import { D1Storage } from "../storage/d1";
import type { AppContext, AppEnv } from "../context";
import type { Capability, CapabilityRequest } from "../plugins/plugin";
import { expiresHeaders } from "../http/cache";
import { apiRoot, json, origin } from "../http/respond";
import { PATHS } from "./paths";
import { openAPIDocument } from "./openapi";
import { registerRoute } from "./register";
import { catalogOf, shardsOf } from "../storage/shards";

/** What hello gathers from plugins. */
export interface HelloSources {
  capabilities(settings: Settings, request: CapabilityRequest): Record<string, Capability>;
  userExtras(userId: string, settings: Settings): Promise<Record<string, unknown>>;
  /** The plugins' heartbeat entries (each already bounded by its own timeout). */
  heartbeats(env: Bindings, settings: Settings): Promise<Record<string, boolean | null>>;
}

function hello(sources: HelloSources) {
  return async (c: AppContext): Promise<Response> => {
    const settings = c.get("settings");
    const identity = await withGroups(new D1Storage(catalogOf(c.env)), c.get("identity"));
    const body: Record<string, unknown> = {
      project_name: settings.projectName,
      project_version: settings.projectVersion,
      http_api_version: settings.httpApiVersion,
      project_docs: settings.projectDocs,
      url: apiRoot(c),
      settings: {
        batch_max_requests: settings.batchMaxRequests,
        readonly: settings.readonly,
        explicit_permissions: settings.explicitPermissions,
      },
      capabilities: sources.capabilities(settings, { origin: origin(c) }),
    };
    if (settings.eos !== null) body.eos = settings.eos;
    if (identity.userId !== null) {
      const extras = await sources.userExtras(identity.userId, settings);
      body.user = { id: identity.userId, principals: identity.principals, ...extras };
    }
    const headers = settings.readonly ? expiresHeaders(settings.rootCacheExpiresSeconds) : {};
    return json(c, 200, body, headers);
  };
}

function heartbeat(sources: HelloSources) {
  return async (c: AppContext): Promise<Response> => {
    const settings = c.get("settings");
    const seconds = settings.heartbeatTimeoutSeconds;
    const [storage, permission, plugins] = await Promise.all([
      // Healthy when every shard answers.
      withTimeout(() => Promise.all(shardsOf(c.env).map((db) => db.prepare("SELECT 1 FROM timestamps LIMIT 1").first())), seconds),
      withTimeout(() => Promise.all(shardsOf(c.env).map((db) => db.prepare("SELECT 1 FROM access_control_entries LIMIT 1").first())), seconds),
      sources.heartbeats(c.env, settings),
    ]);
    const body = { storage, permission, cache: null, ...plugins };
    return json(c, Object.values(body).every((healthy) => healthy !== false) ? 200 : 503, body);
  };
}

/**
 * `/__version__` (Kinto's version.json): `version` is package.json's; where the source lives
 * and which commit and build this is are known only to whoever deploys, through
 * `KINTO_VERSION_SOURCE`, `KINTO_VERSION_COMMIT` and `KINTO_VERSION_BUILD` (e.g.
 * `wrangler deploy --var KINTO_VERSION_COMMIT:$(git rev-parse HEAD)`).
 */
function versionOf(settings: Settings): Record<string, string> {
  return {
    name: "kinto-edge",
    version: PROJECT_VERSION,
    source: settings.lookup("version_source") ?? "unknown",
    commit: settings.lookup("version_commit") ?? "unknown",
    build: settings.lookup("version_build") ?? "unknown",
  };
}

/** Open-source information (Kinto's `contribute.json`, about this project). */
function contributeOf(settings: Settings): Record<string, unknown> {
  const source = settings.lookup("version_source");
  return {
    name: "kinto-edge",
    description: "A server for the Kinto HTTP API that runs natively on Cloudflare Workers.",
    ...(source ? { repository: { url: source }, bugs: { list: `${source}/issues` } } : {}),
    participate: { docs: "https://kinto.readthedocs.io/" },
    keywords: ["JSON", "TypeScript", "Cloudflare Workers", "REST", "API", "Database", "Kinto"],
  };
}

export function registerUtility(app: Hono<AppEnv>, sources: HelloSources): void {
  registerRoute(app, PATHS.hello, { GET: hello(sources) });
  registerRoute(app, PATHS.heartbeat, { GET: heartbeat(sources) });
  registerRoute(app, PATHS.lbheartbeat, { GET: (c) => json(c, 200, {}) });
  registerRoute(app, PATHS.version, { GET: (c) => json(c, 200, versionOf(c.get("settings"))) });
  registerRoute(app, PATHS.openapi, { GET: (c) => json(c, 200, openAPIDocument(app, c)) });
  registerRoute(app, PATHS.contribute, { GET: (c) => json(c, 200, contributeOf(c.get("settings"))) });
}
