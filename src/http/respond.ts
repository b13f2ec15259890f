/** JSON responses: one place that sets the body, status and headers; HEAD drops the body. */
import type { AppContext } from "../context";

export function json(c: AppContext, status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const response = new Response(c.req.method === "HEAD" ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
  return response;
}

export function empty(status: number, headers: Record<string, string> = {}): Response {
  return new Response(null, { status, headers });
}

/** The request's ExecutionContext, or undefined where there is none (tests calling the app directly). */
export function executionContextOf(c: AppContext): ExecutionContext | undefined {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}

/** The absolute URL of the API root with a trailing slash, honouring `http_scheme` / `http_host`. */
export function apiRoot(c: AppContext): string {
  return `${origin(c)}/v1/`;
}

export function origin(c: AppContext): string {
  const url = new URL(c.req.url);
  const settings = c.get("settings");
  const scheme = settings.httpScheme ?? url.protocol.replace(/:$/, "");
  const host = settings.httpHost ?? url.host;
  return `${scheme}://${host}`;
}

/** The request URL as clients see it (`http_scheme` / `http_host` applied). */
export function publicUrl(c: AppContext): URL {
  const url = new URL(c.req.url);
  return new URL(`${url.pathname}${url.search}`, origin(c));
}
