/** Builds the app: settings, headers, service state, identity, then every route. */
import { Hono } from "hono";
import { Authenticator, identityMiddleware, presetIdentity, resolveBasicauth } from "./auth/identity";
import { settingsOf } from "./config";
import type { AppEnv } from "./context";
import { mediaType, readBodyText } from "./http/body";
import { responseHeaders } from "./http/cors";
import { onError } from "./http/error-handler";
import { notFound } from "./http/not-found";
import { queryEncoding } from "./http/query-encoding";
import { serviceState } from "./http/service-state";
import { registerBatch } from "./routes/batch";
import { registerPermissions } from "./routes/permissions";
import { registerResources } from "./routes/resources";
import { capabilitiesOf } from "./capabilities";
import { PLUGINS } from "./plugins";
import { checkNames } from "./plugins/names";
import { heartbeatsOf, helloUserOf, rewriteBodyId, rewritePath, validatedBy } from "./plugins/plugin";
import { executionContextOf } from "./http/respond";
import { registerUtility } from "./routes/utility";

export function buildApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>({ strict: true });
  const resolvers = [resolveBasicauth, ...PLUGINS.flatMap((plugin) => (plugin.policies ? [plugin.policies] : []))];

  app.onError(onError);
  app.notFound(notFound);
  app.use(async function settings(c, next) {
    c.set("settings", validatedBy(PLUGINS, checkNames(settingsOf(c.env), PLUGINS, resolvers)));
    await next();
  });
  app.use(responseHeaders());
  app.use(serviceState());
  app.use(queryEncoding());
  app.use(identityMiddleware(new Authenticator(resolvers)));

  app.use(async function rewrite(c, next) {
    if (c.req.method === "OPTIONS") return next();
    const url = new URL(c.req.url);
    const rewrite = await rewritePath(PLUGINS, {
      method: c.req.method,
      path: url.pathname,
      identity: c.get("identity"),
      settings: c.get("settings"),
      env: c.env,
    });
    if (rewrite === null) return next();
    const target = new URL(`${rewrite.path}${url.search}`, url);
    const hasBody = !["GET", "HEAD", "DELETE"].includes(c.req.method);
    // Only JSON bodies may name the alias; others (attachment uploads) stream through as they are.
    const json = (mediaType(c.req.header("Content-Type")) ?? "application/json").endsWith("json");
    const body = !hasBody ? null : json ? rewriteBodyId(await readBodyText(c.req.raw), rewrite) : c.req.raw.body;
    const request = new Request(target, { method: c.req.method, headers: c.req.raw.headers, body });
    return app.fetch(presetIdentity(request, c.get("identity")), c.env, executionContextOf(c));
  });

  registerUtility(app, {
    capabilities: (settings, request) => capabilitiesOf(settings, request, PLUGINS),
    userExtras: (userId, settings) => helloUserOf(PLUGINS, userId, settings),
    heartbeats: (env, settings) => heartbeatsOf(PLUGINS, env, settings),
  });
  for (const plugin of PLUGINS) plugin.overrides?.(app);
  registerResources(app);
  registerBatch(app, PLUGINS);
  registerPermissions(app);
  for (const plugin of PLUGINS) plugin.register(app);
  return app;
}
