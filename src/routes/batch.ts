/** `POST /batch` (contract §8). */
import type { Hono } from "hono";
import { runBatch } from "../batch/run";
import { parseBatch } from "../batch/request";
import type { AppEnv } from "../context";
import { ERRNO, KintoError } from "../errors";
import { JSON_TYPES, MAX_BODY_BYTES, checkContentType, parseJson, readBodyText } from "../http/body";
import { executionContextOf, json, origin } from "../http/respond";
import { rewritePath, type Plugin } from "../plugins/plugin";
import { MAX_JSON_DEPTH } from "../limits";
import { registerRoute } from "./register";

/** `{"requests": [{"body": …}]}` wraps each sub-request body in 3 more levels. */
const BATCH_NESTING = 3;

export function registerBatch(app: Hono<AppEnv>, plugins: readonly Plugin[]): void {
  registerRoute(app, "/batch", {
    POST: async (c) => {
      checkContentType(c.req.header("Content-Type"), JSON_TYPES);
      const settings = c.get("settings");
      const limit = settings.batchMaxRequests;
      const text = await readBodyText(c.req.raw, MAX_BODY_BYTES * Math.max(limit ?? 25, 1));
      const requests = parseBatch(text.trim() === "" ? {} : parseJson(text, MAX_JSON_DEPTH + BATCH_NESTING), limit);
      const responses = await runBatch(
        {
          app,
          env: c.env,
          settings,
          authenticator: c.get("authenticator"),
          origin: origin(c),
          headers: c.req.raw.headers,
          identity: c.get("identity"),
          executionCtx: executionContextOf(c),
          rewrite: (input) => rewritePath(plugins, input),
        },
        requests,
      );
      const failure = responses.find((entry) => entry.status >= 500);
      if (failure !== undefined) {
        const body = failure.body as { errno?: number; message?: string } | string;
        throw new KintoError({
          status: failure.status,
          errno: typeof body === "object" && body.errno !== undefined ? body.errno : ERRNO.UNDEFINED,
          ...(typeof body === "object" && body.message ? { message: body.message } : {}),
        });
      }
      return json(c, 200, { responses });
    },
  });
}
