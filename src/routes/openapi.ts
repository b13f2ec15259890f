/**
 * `GET /__api__`: the description of the routes this server has for the request's settings,
 * in the shape Kinto's `kinto/core/openapi.py` produces (Swagger 2.0 through cornice_swagger:
 * `info`, `basePath`, `host`, `schemes`, `securityDefinitions`, `paths`, `tags`). Operation
 * ids follow Kinto's names (`get_buckets`, `create_bucket`, `update_record`, …).
 */
import type { Hono } from "hono";
import type { Settings } from "../config";
import type { AppContext, AppEnv } from "../context";
import { API_PREFIX } from "./paths";
import { routesOf, type RouteEntry } from "./register";

/** Kinto's explicit operation ids of the utility endpoints. */
const UTILITY_IDS: Record<string, { id: string; tag: string }> = {
  "/": { id: "server_info", tag: "Utilities" },
  "/__heartbeat__": { id: "__heartbeat__", tag: "Utilities" },
  "/__lbheartbeat__": { id: "__lbheartbeat__", tag: "Utilities" },
  "/__version__": { id: "__version__", tag: "Utilities" },
  "/__api__": { id: "get_openapi_spec", tag: "Utilities" },
  "/contribute.json": { id: "contribute", tag: "Utilities" },
  "/batch": { id: "batch", tag: "Batch" },
  "/__flush__": { id: "flush", tag: "Flush" },
  "/permissions": { id: "get_permissions", tag: "Permissions" },
};

/** `/buckets/:bid/collections/:id` → `/buckets/{bid}/collections/{id}`. */
function swaggerPath(path: string): string {
  return path.replace(/:([A-Za-z_]+)(\{[^}]*\})?/g, "{$1}");
}

/** The resource a path serves and whether it is the plural endpoint, or null for others. */
function resourceOf(path: string): { singular: string; plural: string; isPlural: boolean } | null {
  const segments = path.split("/").filter((segment) => segment !== "");
  const isPlural = !segments[segments.length - 1]?.startsWith(":");
  const plural = isPlural ? segments[segments.length - 1] : segments[segments.length - 2];
  if (plural === undefined || !/^(buckets|collections|groups|records|accounts|history)$/.test(plural)) return null;
  return { singular: plural === "history" ? "history" : plural.replace(/s$/, ""), plural, isPlural };
}

function operationId(route: RouteEntry, method: string): { id: string; tag: string } {
  const utility = UTILITY_IDS[route.path];
  const verb = method.toLowerCase();
  if (utility) return { id: verb === "head" ? `head_${utility.id}` : utility.id, tag: utility.tag };
  const resource = resourceOf(route.path);
  if (resource === null) return { id: `${verb}_${route.path.replace(/\W+/g, "_").replace(/^_|_$/g, "")}`, tag: "Utilities" };
  const tag = resource.plural.charAt(0).toUpperCase() + resource.plural.slice(1);
  const name = resource.isPlural ? resource.plural : resource.singular;
  const action = { post: "create", put: "update" }[verb] ?? verb;
  return { id: action === "create" ? `create_${resource.singular}` : `${action}_${name}`, tag };
}

function parametersOf(path: string): { name: string; in: "path"; required: true; type: "string" }[] {
  return [...path.matchAll(/:([A-Za-z_]+)/g)].map((match) => ({ name: match[1] ?? "", in: "path", required: true, type: "string" }));
}

function securityDefinitions(settings: Settings): Record<string, Record<string, string>> {
  const definitions: Record<string, Record<string, string>> = {};
  for (const policy of settings.multiauthPolicies) {
    if (policy === "basicauth" || policy === "account") definitions[policy] = { type: "basic" };
  }
  return definitions;
}

export function openAPIDocument(app: Hono<AppEnv>, c: AppContext): Record<string, unknown> {
  const settings = c.get("settings");
  const url = new URL(c.req.url);
  const security = securityDefinitions(settings);
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Set<string>();
  for (const route of routesOf(app)) {
    if (!route.enabled(settings)) continue;
    const operations: Record<string, unknown> = {};
    for (const method of route.methods) {
      const { id, tag } = operationId(route, method);
      tags.add(tag);
      const open = tag === "Utilities" || tag === "Batch" || tag === "Flush";
      operations[method.toLowerCase()] = {
        operationId: id,
        tags: [tag],
        parameters: parametersOf(route.path),
        produces: ["application/json"],
        responses: { default: { description: "Kinto's JSON answer, or its error envelope" } },
        security: open ? [] : Object.keys(security).map((name) => ({ [name]: [] })),
      };
    }
    paths[swaggerPath(route.path)] = operations;
  }
  return {
    swagger: "2.0",
    info: { title: settings.projectName, version: settings.httpApiVersion },
    basePath: API_PREFIX,
    host: settings.httpHost ?? url.host,
    schemes: [settings.httpScheme ?? url.protocol.replace(/:$/, "")],
    securityDefinitions: security,
    tags: [...tags].map((name) => ({ name })),
    paths,
  };
}
