/** `kinto.plugins.accounts` (contract §7.3): the `/accounts` resource and the `account` policy. */
import { readObject, readPlural } from "../../resources/read";
import { writeHandler } from "../../resources/write";
import { registerRoute } from "../../routes/register";
import { isIncluded, type Plugin } from "../plugin";
import { accountPolicy } from "./policy";

const NAME = "kinto.plugins.accounts";

export const accountsPlugin: Plugin = {
  name: NAME,
  enabled: (settings) => isIncluded(settings, NAME),
  capabilities: () => ({
    accounts: {
      description: "Manage user accounts.",
      url: "https://kinto.readthedocs.io/en/latest/api/1.x/accounts.html",
      validation_enabled: false,
    },
  }),
  policies: (name, settings) => (name === "account" && isIncluded(settings, NAME) ? accountPolicy : null),
  register(app) {
    const enabled = accountsPlugin.enabled;
    registerRoute(
      app,
      "/accounts",
      { GET: readPlural("account"), POST: writeHandler("account", "POST", true), DELETE: writeHandler("account", "DELETE", true) },
      { enabled, negotiated: true },
    );
    registerRoute(
      app,
      "/accounts/:id",
      {
        GET: readObject("account"),
        PUT: writeHandler("account", "PUT", false),
        PATCH: writeHandler("account", "PATCH", false),
        DELETE: writeHandler("account", "DELETE", false),
      },
      { enabled, negotiated: true },
    );
  },
};
