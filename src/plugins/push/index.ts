/**
 * `kinto_edge.push` (not a Kinto plugin): live changes of a collection's records over a
 * WebSocket, from the collection's Writer, and the `push` capability that says where.
 */
import { registerRoute } from "../../routes/register";
import { isIncluded, type Plugin } from "../plugin";
import { subscribe, subscriptionToken } from "./subscribe";

const NAME = "kinto_edge.push";

export const pushPlugin: Plugin = {
  name: NAME,
  enabled: (settings) => isIncluded(settings, NAME),
  capabilities: (settings) => ({
    push: {
      description: "Live changes of a collection's records over a WebSocket.",
      // No public documentation of its own: the project's (the README's "Live changes").
      url: settings.projectDocs,
      collection: "/buckets/{bucket_id}/collections/{collection_id}/changes/live",
    },
  }),
  register(app) {
    registerRoute(app, "/buckets/:bid/collections/:cid/changes/live", { GET: subscribe, POST: subscriptionToken }, { enabled: pushPlugin.enabled });
  },
};
