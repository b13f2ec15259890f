/**
 * `kinto.plugins.openid` (contract §7.4): one authentication policy per configured provider,
 * the `openid` capability, `user.profile` in hello, and the login flow (`/openid/<p>/login`,
 * `/openid/<p>/token`, login.ts).
 */
import type { AuthPolicy } from "../../auth/policy";
import type { Settings } from "../../config";
import { registerRoute } from "../../routes/register";
import { isIncluded, type Capability, type Plugin } from "../plugin";
import { login, token } from "./login";
import { openIDPolicy, profileOf } from "./policy";
import { discoveredMetadata, warmDiscovery } from "./remote";
import { providerOf, providersOf, type OpenIDProvider } from "./settings";

const NAME = "kinto.plugins.openid";
const HELLO_PATHS = new Set(["/v1/", "/v1"]);

const policies = new WeakMap<OpenIDProvider, AuthPolicy>();

function policyOf(provider: OpenIDProvider): AuthPolicy {
  let policy = policies.get(provider);
  if (policy === undefined) policies.set(provider, (policy = openIDPolicy(provider)));
  return policy;
}

/** The `openid` capability, or none when no provider is configured. */
export function openIDCapabilities(settings: Settings): Record<string, Capability> {
  const providers = providersOf(settings);
  if (providers.length === 0) return {};
  return {
    openid: {
      description: "OpenID connect support.",
      url: "http://kinto.readthedocs.io/en/stable/api/1.x/authentication.html",
      providers: providers.map((provider) => ({
        name: provider.name,
        issuer: provider.issuer,
        auth_path: `/openid/${provider.name}/login`,
        client_id: provider.clientId ?? "",
        audience: provider.audience ?? "",
        header_type: provider.headerType,
        userinfo_endpoint: provider.userinfoEndpoint ?? discoveredMetadata(provider.issuer)?.userinfo_endpoint ?? null,
      })),
    },
  };
}

export const openIDPlugin: Plugin = {
  name: NAME,
  enabled: (settings) => isIncluded(settings, NAME),
  capabilities: openIDCapabilities,
  policies(name, settings) {
    if (!isIncluded(settings, NAME)) return null;
    const provider = providerOf(settings, name);
    return provider === null ? null : policyOf(provider);
  },
  async helloUser(userId, settings) {
    const prefix = userId.slice(0, userId.indexOf(":"));
    if (!settings.multiauthPolicies.includes(prefix) || providerOf(settings, prefix) === null) return {};
    const profile = profileOf(userId);
    return profile === null ? {} : { profile };
  },
  /**
   * Never rewrites. Capabilities are synchronous, so before hello this warms the discovery
   * cache that supplies `userinfo_endpoint` when it is not configured.
   */
  async rewrite({ method, path, settings }) {
    if ((method === "GET" || method === "HEAD") && HELLO_PATHS.has(path)) {
      await Promise.all(providersOf(settings).map((provider) => (provider.userinfoEndpoint === null ? warmDiscovery(provider) : null)));
    }
    return null;
  },
  register(app) {
    const enabled = openIDPlugin.enabled;
    registerRoute(app, "/openid/:provider/login", { GET: login }, { enabled });
    registerRoute(app, "/openid/:provider/token", { GET: token }, { enabled });
  },
};
