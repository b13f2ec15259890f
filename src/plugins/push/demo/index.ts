/**
 * `GET /v1/live-demo` (kinto_edge.push): a page where two browser windows edit one collection
 * and see each other's changes, through client/live-changes.mjs on kinto-http's browser build,
 * both served beside it.
 */
import type { Hono } from "hono";
import type { Settings } from "../../../config";
import type { AppEnv } from "../../../context";
import { registerRoute } from "../../../routes/register";
import { clientModule, kintoHttp } from "./assets";
import page from "./page.html";

export const DEMO_PATH = "/live-demo";

/** The page runs its own inline script and style, and talks to this server only (HTTP and WebSockets). */
const PAGE_POLICY = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'";

function text(body: string, type: string): () => Response {
  return () =>
    new Response(body, { headers: { "Content-Type": `${type}; charset=utf-8`, "Cache-Control": "no-cache", "Content-Security-Policy": PAGE_POLICY } });
}

export function registerDemo(app: Hono<AppEnv>, enabled: (settings: Settings) => boolean): void {
  registerRoute(app, DEMO_PATH, { GET: text(page, "text/html") }, { enabled });
  registerRoute(app, `${DEMO_PATH}/live-changes.mjs`, { GET: text(clientModule, "text/javascript") }, { enabled });
  registerRoute(app, `${DEMO_PATH}/kinto-http.min.js`, { GET: text(kintoHttp, "text/javascript") }, { enabled });
}
