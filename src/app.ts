/** Builds the app: settings, headers, service state, identity, then every route. */
import { Hono } from "hono";
import { Authenticator, basicauthPolicy, identityMiddleware } from "./auth/identity";
import { settingsOf } from "./config";
import type { AppEnv } from "./context";
import { checkAccept } from "./http/body";
import { responseHeaders } from "./http/cors";
import { onError } from "./http/error-handler";
import { notFound } from "./http/not-found";
import { serviceState } from "./http/service-state";
import { registerBatch } from "./routes/batch";
import { registerResources } from "./routes/resources";
import { capabilitiesOf } from "./capabilities";
import { PLUGINS } from "./plugins";
import { registerUtility } from "./routes/utility";

export function buildApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>({ strict: true });

  app.onError(onError);
  app.notFound(notFound);
  app.use(async function settings(c, next) {
    c.set("settings", settingsOf(c.env));
    await next();
  });
  app.use(responseHeaders());
  app.use(serviceState());
  app.use(async function accept(c, next) {
    if (c.req.method !== "OPTIONS") checkAccept(c.req.header("Accept"));
    await next();
  });
  const policies = Object.assign({ basicauth: basicauthPolicy }, ...PLUGINS.map((plugin) => plugin.policies ?? {}));
  app.use(identityMiddleware(new Authenticator(policies)));

  registerUtility(app, (settings) => capabilitiesOf(settings, PLUGINS));
  registerResources(app);
  registerBatch(app);
  for (const plugin of PLUGINS) plugin.register(app);
  return app;
}
