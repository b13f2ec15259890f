/** `/`, `/__heartbeat__`, `/__lbheartbeat__`, `/__version__` (contract §9). */
import type { Hono } from "hono";
import { withGroups } from "../auth/identity";
import type { Settings } from "../config";
import { D1Storage } from "../storage/d1";
import type { AppContext, AppEnv } from "../context";
import type { Capability } from "../plugins/plugin";
import { expiresHeaders } from "../http/cache";
import { apiRoot, json } from "../http/respond";
import { PATHS } from "./paths";
import { registerRoute } from "./register";

/** What hello gathers from plugins. */
export interface HelloSources {
  capabilities(settings: Settings): Record<string, Capability>;
  userExtras(userId: string, settings: Settings): Promise<Record<string, unknown>>;
}

function hello(sources: HelloSources) {
  return async (c: AppContext): Promise<Response> => {
    const settings = c.get("settings");
    const identity = await withGroups(new D1Storage(c.env.DB), c.get("identity"));
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
      capabilities: sources.capabilities(settings),
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

/** Resolves to false when `check` fails or outlives the timeout. */
async function withTimeout(check: () => Promise<unknown>, seconds: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), seconds * 1000);
  });
  try {
    return await Promise.race([check().then(() => true, () => false), timeout]);
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}

async function heartbeat(c: AppContext): Promise<Response> {
  const seconds = c.get("settings").heartbeatTimeoutSeconds;
  const [storage, permission] = await Promise.all([
    withTimeout(() => c.env.DB.prepare("SELECT 1 FROM timestamps LIMIT 1").first(), seconds),
    withTimeout(() => c.env.DB.prepare("SELECT 1 FROM access_control_entries LIMIT 1").first(), seconds),
  ]);
  const body = { storage, permission, cache: null };
  return json(c, storage && permission ? 200 : 503, body);
}

export const VERSION = {
  name: "kinto-edge",
  version: "0.1.0",
  source: "https://github.com/kinto-edge/kinto-edge",
  commit: "unknown",
  build: "unknown",
};

export function registerUtility(app: Hono<AppEnv>, sources: HelloSources): void {
  registerRoute(app, PATHS.hello, { GET: hello(sources) });
  registerRoute(app, PATHS.heartbeat, { GET: heartbeat });
  registerRoute(app, PATHS.lbheartbeat, { GET: (c) => json(c, 200, {}) });
  registerRoute(app, PATHS.version, { GET: (c) => json(c, 200, VERSION) });
}
