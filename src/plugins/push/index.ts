/**
 * `kinto_edge.push` (not a Kinto plugin): live changes over WebSockets (or Server-Sent Events)
 * of a collection's records, of a bucket's collections and groups, and (with the changes
 * plugin) of the changes monitor; the `push` capability that says where; a demo page.
 */
import type { Settings } from "../../config";
import { registerRoute } from "../../routes/register";
import { isIncluded, type Plugin } from "../plugin";
import { remoteSettingsPlugin } from "../remote-settings";
import { DEMO_PATH, registerDemo } from "./demo";
import { closeDeleted } from "./gone";
import { MONITOR_FEED, monitorFeed, publishToMonitor } from "./monitor-feed";
import { bucketScope, collectionScope, subscribe, subscriptionToken, type ScopeOf } from "./subscribe";

const NAME = "kinto_edge.push";
const MONITOR_PATH = "/buckets/monitor/collections/changes/changes/live";

const monitorScope: ScopeOf = () => ({ kind: "feed", feed: MONITOR_FEED });
const monitorEnabled = (settings: Settings) => pushPlugin.enabled(settings) && remoteSettingsPlugin.enabled(settings);

export const pushPlugin: Plugin = {
  name: NAME,
  enabled: (settings) => isIncluded(settings, NAME),
  capabilities: (settings) => ({
    push: {
      description: "Live changes of a collection's records, a bucket's collections and groups, and the changes monitor, over a WebSocket or Server-Sent Events.",
      // No public documentation of its own: the project's (the README's "Live changes").
      url: settings.projectDocs,
      collection: "/buckets/{bucket_id}/collections/{collection_id}/changes/live",
      bucket: "/buckets/{bucket_id}/changes/live",
      ...(remoteSettingsPlugin.enabled(settings) ? { monitor: MONITOR_PATH } : {}),
      demo: DEMO_PATH,
    },
  }),
  liveFeeds: { [MONITOR_FEED]: monitorFeed },
  async afterCommit(changes, env) {
    await Promise.all([closeDeleted(changes, env), publishToMonitor(changes, env)]);
  },
  overrides(app) {
    registerRoute(app, MONITOR_PATH, { GET: subscribe(monitorScope) }, { enabled: monitorEnabled, shadows: true });
  },
  register(app) {
    const enabled = (settings: Settings) => pushPlugin.enabled(settings);
    registerRoute(app, "/buckets/:bid/collections/:cid/changes/live", { GET: subscribe(collectionScope), POST: subscriptionToken(collectionScope) }, { enabled });
    registerRoute(app, "/buckets/:bid/changes/live", { GET: subscribe(bucketScope), POST: subscriptionToken(bucketScope) }, { enabled });
    registerDemo(app, enabled);
  },
};
