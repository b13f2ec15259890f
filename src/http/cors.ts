/** CORS (contract §2.4) and the headers every response carries (§2.3). */
import type { MiddlewareHandler } from "hono";
import type { Settings } from "../config";
import type { AppEnv } from "../context";

const EXPOSED = [
  "Backoff", "Retry-After", "Alert", "Content-Length", "Content-Type",
  "Next-Page", "Last-Modified", "ETag", "Cache-Control", "Expires", "Pragma",
  "Total-Objects", "Total-Records",
].join(", ");

export const SECURITY_HEADERS = {
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; ",
  "X-Content-Type-Options": "nosniff",
};

/** `response` with the security headers every response carries. */
export function secured(response: Response): Response {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
  return response;
}

function globMatches(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
  return regex.test(value);
}

/** The `Access-Control-Allow-Origin` value for `origin`, or null when not allowed. */
export function allowedOrigin(settings: Settings, origin: string | null): string | null {
  if (origin === null) return null;
  if (settings.corsOrigins.includes("*")) return "*";
  return settings.corsOrigins.some((pattern) => globMatches(pattern, origin)) ? origin : null;
}

/** Adds CORS, security, exposure and 401 challenge headers to every response, errors included. */
export function responseHeaders(): MiddlewareHandler<AppEnv> {
  return async function headers(c, next) {
    await next();
    const allow = allowedOrigin(c.get("settings"), c.req.header("Origin") ?? null);
    const response = c.res;
    // A route serving a page (the live-changes demo) states its own Content-Security-Policy.
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      if (name !== "Content-Security-Policy" || !response.headers.has(name)) response.headers.set(name, value);
    }
    if (response.status === 401 && !response.headers.has("WWW-Authenticate")) {
      const challenges = c.get("authenticator")?.challenges(c.get("settings")) ?? [];
      for (const challenge of challenges) response.headers.append("WWW-Authenticate", challenge);
    }
    if (allow !== null) {
      response.headers.set("Access-Control-Allow-Origin", allow);
      if (c.req.method !== "OPTIONS") response.headers.set("Access-Control-Expose-Headers", EXPOSED);
    }
  };
}

/** The preflight answer for a route allowing `methods`. */
export function preflight(settings: Settings, request: Request, methods: readonly string[]): Response | null {
  const origin = request.headers.get("Origin");
  const method = request.headers.get("Access-Control-Request-Method");
  if (origin === null || method === null) return null;
  const requested = request.headers.get("Access-Control-Request-Headers");
  const allowHeaders = [requested, EXPOSED, "Authorization, Content-Type, If-Match, If-None-Match, Response-Behavior"]
    .filter((value): value is string => Boolean(value))
    .join(", ");
  const headers: Record<string, string> = {
    "Access-Control-Allow-Methods": methods.join(","),
    "Access-Control-Allow-Headers": allowHeaders,
    "Access-Control-Max-Age": String(settings.corsMaxAgeSeconds),
    "Content-Type": "application/json",
  };
  return new Response(null, { status: 200, headers });
}
