/** The `capabilities` of hello (contract §9.1): core features, auth policies, then plugins. */
import type { Settings } from "./config";
import type { Capability, CapabilityRequest, Plugin } from "./plugins/plugin";

function coreCapabilities(settings: Settings): Record<string, Capability> {
  const capabilities: Record<string, Capability> = {};
  if (settings.multiauthPolicies.includes("basicauth")) {
    capabilities.basicauth = {
      description: "Very basic authentication sessions. Not for production use.",
      url: "http://kinto.readthedocs.io/en/stable/api/1.x/authentication.html",
    };
  }
  if (settings.experimentalCollectionSchemaValidation) {
    capabilities.schema = {
      description: "Validates collection records with JSON schemas.",
      url: "https://kinto.readthedocs.io/en/latest/api/1.x/collections.html#collection-json-schema",
    };
  }
  if (settings.experimentalPermissionsEndpoint) {
    capabilities.permissions_endpoint = {
      description: "The permissions endpoint can be used to list all user objects permissions.",
      url: "https://kinto.readthedocs.io/en/latest/configuration/settings.html#activating-the-permissions-endpoint",
    };
  }
  return capabilities;
}

export function capabilitiesOf(settings: Settings, request: CapabilityRequest, plugins: readonly Plugin[]): Record<string, Capability> {
  const capabilities = coreCapabilities(settings);
  for (const plugin of plugins) {
    if (plugin.enabled(settings)) Object.assign(capabilities, plugin.capabilities?.(settings, request) ?? {});
  }
  return capabilities;
}
