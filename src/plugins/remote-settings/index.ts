/**
 * `kinto_remote_settings` (contract §12): its changes part (§12.1: the virtual `monitor/changes`
 * collection, collection changesets, `/__broadcasts__`) and its signer (§12.2: the review
 * workflow and content signatures, signer/). As in Remote Settings, the legacy names enable one
 * part each: `kinto_changes` the changes, `kinto_signer` the signer.
 */
import { PROJECT_VERSION } from "../../config";
import { registerRoute } from "../../routes/register";
import type { Plugin } from "../plugin";
import { getBroadcasts } from "./broadcasts";
import { CHANGES_ALIAS, changesOn, REMOTE_SETTINGS, SIGNER_ALIAS, signerOn } from "./enabled";
import { getChangeset } from "./changeset";
import { CHANGES_COLLECTION, MONITOR_BUCKET } from "./monitor";
import { monitorRecords } from "./monitor-routes";
import { changesSettings } from "./settings";
import { signerHeartbeat, validateBackends } from "./signer/backend";
import { signerCapability } from "./signer/capability";
import { getChain } from "./signer/chains";
import { checkSignerChange } from "./signer/checks";
import { signerEffects } from "./signer/publish";
import { signerSettings } from "./signer/settings";


export const remoteSettingsPlugin: Plugin = {
  name: REMOTE_SETTINGS,
  aliases: [CHANGES_ALIAS, SIGNER_ALIAS],
  enabled: (settings) => changesOn(settings) || signerOn(settings),
  capabilities(settings) {
    return {
      ...(changesOn(settings)
        ? {
            changes: {
              description: "Track modifications of records in Kinto and store the collection timestamps into a specific bucket and collection.",
              url: "http://kinto.readthedocs.io/en/latest/tutorials/synchronisation.html#polling-for-remote-changes",
              version: PROJECT_VERSION,
              collections: [...changesSettings(settings).resources],
            },
          }
        : {}),
      ...(signerOn(settings) ? { signer: signerCapability(settings) } : {}),
    };
  },
  validate(settings) {
    if (!signerOn(settings)) return;
    signerSettings(settings);
    validateBackends(settings);
  },
  async heartbeat(_env, settings) {
    const entries: Record<string, boolean> = {};
    if (signerOn(settings)) entries.signer = await signerHeartbeat(settings, settings.heartbeatTimeoutSeconds);
    return entries;
  },
  checkWrite(change, settings) {
    if (signerOn(settings)) checkSignerChange(change, settings);
  },
  colocated(settings) {
    if (!signerOn(settings)) return [];
    return signerSettings(settings).workflows.map((workflow) =>
      [workflow.source, workflow.preview, workflow.destination].flatMap((place) => (place === null ? [] : [place.bucket])),
    );
  },
  effects(changes, context) {
    return signerOn(context.settings) ? signerEffects(changes, context) : Promise.resolve(null);
  },
  overrides(app) {
    registerRoute(app, `/buckets/${MONITOR_BUCKET}/collections/${CHANGES_COLLECTION}/records`, { GET: monitorRecords }, { enabled: changesOn, negotiated: true, shadows: true });
  },
  register(app) {
    registerRoute(app, "/buckets/:bid/collections/:cid/changeset", { GET: getChangeset }, { enabled: changesOn, negotiated: true });
    registerRoute(app, "/__broadcasts__", { GET: getBroadcasts }, { enabled: changesOn });
    registerRoute(app, "/cert-chains/:name", { GET: getChain }, { enabled: signerOn });
  },
};
