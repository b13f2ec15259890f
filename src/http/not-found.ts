/**
 * Paths no route matched (contract §1.3): version-prefix and trailing-slash redirects,
 * 404 errno 116 for other versions, 404 errno 111 otherwise.
 */
import type { NotFoundHandler } from "hono";
import type { AppEnv } from "../context";
import { ERRNO, KintoError, missingResource } from "../errors";
import { renderError } from "./error-handler";
import { expiresHeaders } from "./cache";
import { origin } from "./respond";

/** A 307 to `location`, absolute from the request's origin (or `http_scheme`/`http_host`). */
function redirect(location: string, ttl: number): Response {
  const headers: Record<string, string> = { Location: location };
  if (ttl > 0) Object.assign(headers, expiresHeaders(ttl));
  else if (ttl === 0) headers["Cache-Control"] = "no-cache";
  return new Response(null, { status: 307, headers });
}

export const notFound: NotFoundHandler<AppEnv> = (c) => {
  const url = new URL(c.req.url);
  const settings = c.get("settings");
  const path = url.pathname;
  const version = /^\/v(\d+)(\/|$)/.exec(path);
  if (version === null) {
    if (c.req.method === "OPTIONS") return new Response(null, { status: 200 });
    if (settings.versionPrefixRedirectEnabled) {
      return redirect(`${origin(c)}/v1${path === "/" ? "/" : path}${url.search}`, settings.versionPrefixRedirectTtlSeconds);
    }
    return renderError(missingResource());
  }
  if (version[1] !== "1") {
    return renderError(
      new KintoError({
        status: 404,
        errno: ERRNO.VERSION_NOT_AVAILABLE,
        message: "The requested API version is not available on this server.",
      }),
    );
  }
  if (path === "/v1") return redirect(`${origin(c)}/v1/${url.search}`, settings.trailingSlashRedirectTtlSeconds);
  if (path.endsWith("/") && path !== "/v1/" && settings.trailingSlashRedirectEnabled) {
    return redirect(`${origin(c)}${path.replace(/\/+$/, "")}${url.search}`, settings.trailingSlashRedirectTtlSeconds);
  }
  return renderError(missingResource());
};
