/**
 * One registration point for routes: each path gets its methods, a CORS preflight and a
 * 405 (with `Allow`) for every other method. Plugins register through the same function.
 */
import type { Hono } from "hono";
import type { AppContext, AppEnv } from "../context";
import type { Settings } from "../config";
import { invalidParameter, methodNotAllowed, missingResource } from "../errors";
import { checkAccept } from "../http/body";
import { preflight } from "../http/cors";
import { API_PREFIX } from "./paths";

export type Handler = (c: AppContext) => Promise<Response> | Response;
export type MethodTable = Partial<Record<"GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE", Handler>>;

export interface RouteOptions {
  /** A plugin's route exists only while this holds for the request's settings. */
  enabled?: (settings: Settings) => boolean;
  /**
   * A Kinto resource endpoint (cornice `accept: application/json`): an `Accept` header that
   * allows no JSON answers 406. Utility endpoints (hello, heartbeat, batch) never do.
   */
  negotiated?: boolean;
  /**
   * The route shadows a core route of the same path (registered before it, see
   * `Plugin.overrides`): while not enabled, requests go on to the core route instead of 404.
   */
  shadows?: boolean;
}

/** A registered route, as `GET /__api__` describes it. */
export interface RouteEntry {
  /** Below `/v1`, with `:name` parameters. */
  path: string;
  methods: string[];
  enabled: (settings: Settings) => boolean;
}

const catalogs = new WeakMap<Hono<AppEnv>, RouteEntry[]>();

/** The routes registered on `app` so far, in registration order. */
export function routesOf(app: Hono<AppEnv>): readonly RouteEntry[] {
  return catalogs.get(app) ?? [];
}

export function registerRoute(app: Hono<AppEnv>, path: string, methods: MethodTable, options: RouteOptions = {}): void {
  const full = `${API_PREFIX}${path}`;
  const table: MethodTable = { ...methods };
  if (table.GET && !table.HEAD) table.HEAD = table.GET;
  const allowed = Object.keys(table);
  const { enabled = () => true, negotiated = false, shadows = false } = options;
  /** Whether a shadowing route lets this request go on to the route it shadows. */
  const passes = (c: AppContext) => shadows && !enabled(c.get("settings"));
  const catalog = catalogs.get(app) ?? [];
  catalog.push({ path, methods: allowed, enabled });
  catalogs.set(app, catalog);
  app.use(full, async (c, next) => {
    if (passes(c)) return next();
    if (!enabled(c.get("settings"))) throw missingResource();
    if (negotiated && c.req.method !== "OPTIONS") checkAccept(c.req.header("Accept"));
    await next();
  });
  for (const [method, handler] of Object.entries(table)) {
    app.on(method, full, shadows ? (c, next) => (passes(c) ? next() : handler(c)) : handler);
  }
  app.options(full, (c, next) => {
    if (passes(c)) return next();
    const response = preflight(c.get("settings"), c.req.raw, allowed);
    if (response === null) {
      throw invalidParameter("header", "Origin", "Preflight requests need Origin and Access-Control-Request-Method headers");
    }
    return response;
  });
  app.all(full, (c, next) => {
    if (passes(c)) return next();
    throw methodNotAllowed([...allowed, "OPTIONS"]);
  });
}
