/**
 * `kinto.plugins.history` (contract §10.2): every change of a bucket, group, collection or
 * record is recorded in its bucket's history by the write listener, in the same transaction;
 * `/buckets/{bid}/history` lists and deletes the entries, `/buckets/{bid}/snapshot/…` rebuilds
 * a collection at a past timestamp from them.
 */
import type { Settings } from "../../config";
import { registerRoute } from "../../routes/register";
import { isIncluded, type Plugin } from "../plugin";
import { historyMutations } from "./entries";
import { deleteHistory, readHistory } from "./routes";
import { readSnapshot } from "./snapshot";
import { historySettings, uriToDict } from "./settings";

const NAME = "kinto.plugins.history";

export const historyPlugin: Plugin = {
  name: NAME,
  enabled: (settings) => isIncluded(settings, NAME),
  capabilities(settings) {
    const history = historySettings(settings);
    return {
      history: {
        description: "Track changes on data.",
        url: "http://kinto.readthedocs.io/en/latest/api/1.x/history.html",
        ...(history.trimMaxCount !== null ? { auto_trim_max_count: history.trimMaxCount } : {}),
        ...(history.trimUserIds.length > 0 ? { auto_trim_user_ids: [...history.trimUserIds] } : {}),
        ...(history.excludeResources.size > 0 ? { excluded_resources: [...history.excludeResources].map(uriToDict) } : {}),
      },
    };
  },
  onWrite: historyMutations,
  register(app) {
    const enabled = (settings: Settings) => historyPlugin.enabled(settings);
    registerRoute(app, "/buckets/:bid/history", { GET: readHistory, DELETE: deleteHistory }, { enabled, negotiated: true });
    registerRoute(app, "/buckets/:bid/snapshot/collections/:spec", { GET: readSnapshot }, { enabled });
  },
};
