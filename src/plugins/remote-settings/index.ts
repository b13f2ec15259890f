/**
 * `kinto_remote_settings` (contract §12), enabled by that name or by `kinto_changes`: so far its
 * changes part (§12.1) — the virtual `monitor/changes` collection, collection changesets and
 * `/__broadcasts__`. The signer (§12.2) is not there yet: no `signer` capability is advertised.
 */
import { PROJECT_VERSION, type Settings } from "../../config";
import { registerRoute } from "../../routes/register";
import { isIncluded, type Plugin } from "../plugin";
import { getBroadcasts } from "./broadcasts";
import { getChangeset } from "./changeset";
import { CHANGES_COLLECTION, MONITOR_BUCKET } from "./monitor";
import { monitorRecords } from "./monitor-routes";
import { changesSettings } from "./settings";

const NAME = "kinto_remote_settings";
const CHANGES_ALIAS = "kinto_changes";

export const remoteSettingsPlugin: Plugin = {
  name: NAME,
  aliases: [CHANGES_ALIAS],
  enabled: (settings) => isIncluded(settings, NAME) || isIncluded(settings, CHANGES_ALIAS),
  capabilities(settings) {
    return {
      changes: {
        description: "Track modifications of records in Kinto and store the collection timestamps into a specific bucket and collection.",
        url: "http://kinto.readthedocs.io/en/latest/tutorials/synchronisation.html#polling-for-remote-changes",
        version: PROJECT_VERSION,
        collections: [...changesSettings(settings).resources],
      },
    };
  },
  overrides(app) {
    const enabled = (settings: Settings) => remoteSettingsPlugin.enabled(settings);
    registerRoute(app, `/buckets/${MONITOR_BUCKET}/collections/${CHANGES_COLLECTION}/records`, { GET: monitorRecords }, { enabled, negotiated: true, shadows: true });
  },
  register(app) {
    const enabled = (settings: Settings) => remoteSettingsPlugin.enabled(settings);
    registerRoute(app, "/buckets/:bid/collections/:cid/changeset", { GET: getChangeset }, { enabled, negotiated: true });
    registerRoute(app, "/__broadcasts__", { GET: getBroadcasts }, { enabled });
  },
};
