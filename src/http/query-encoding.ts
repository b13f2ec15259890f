/** A query string that is not valid percent-encoded UTF-8 is a 400 (contract §2.1 rule 9). */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context";
import { invalidParameter } from "../errors";

export function queryEncoding(): MiddlewareHandler<AppEnv> {
  return async function checkQuery(c, next) {
    const search = new URL(c.req.url).search.slice(1);
    for (const part of search.split("&")) {
      try {
        decodeURIComponent(part.replace(/\+/g, " "));
      } catch {
        throw invalidParameter("querystring", null, "Invalid URL-encoded UTF-8 in the query string");
      }
    }
    await next();
  };
}
