/**
 * `kinto.plugins.admin`: the admin UI is static assets (wrangler.toml `[assets]`, built from
 * admin/), served at `/v1/admin/` before the worker runs, whatever the settings. Including the
 * plugin, as Kinto configurations do, adds Kinto's `admin` capability; it has no routes.
 */
import { PROJECT_VERSION } from "../config";
import { isIncluded, type Plugin } from "./plugin";

const NAME = "kinto.plugins.admin";

export const adminPlugin: Plugin = {
  name: NAME,
  enabled: (settings) => isIncluded(settings, NAME),
  capabilities: () => ({
    admin: {
      description: "Serves the admin console.",
      url: "https://github.com/Kinto/kinto-admin/",
      version: PROJECT_VERSION,
    },
  }),
  register() {},
};
