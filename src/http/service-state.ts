/** Server-wide states that change every response: end of service, backoff, read-only (§2.9). */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context";
import { ERRNO, KintoError, methodNotAllowed } from "../errors";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function serviceState(): MiddlewareHandler<AppEnv> {
  return async function state(c, next) {
    const settings = c.get("settings");
    let alert: string | null = null;
    if (settings.eos !== null) {
      const hardEol = Date.parse(settings.eos) <= Date.now();
      alert = JSON.stringify({
        code: hardEol ? "hard-eol" : "soft-eol",
        message: settings.eosMessage ?? "",
        url: settings.eosUrl ?? "",
      });
      if (hardEol) {
        throw new KintoError({
          status: 410,
          errno: ERRNO.SERVICE_DEPRECATED,
          message: "The service you are trying to connect no longer exists at this location.",
          headers: { Alert: alert },
        });
      }
    }
    if (settings.readonly && !SAFE_METHODS.has(c.req.method)) throw methodNotAllowed();
    await next();
    if (alert !== null && !c.res.headers.has("Alert")) c.res.headers.set("Alert", alert);
    if (settings.backoff !== null) {
      const percentage = settings.backoffPercentage ?? 100;
      if (Math.random() * 100 < percentage) c.res.headers.set("Backoff", String(settings.backoff));
    }
  };
}
