/**
 * `kinto_edge.search`: a `/search` endpoint per collection speaking a subset of the
 * Elasticsearch query DSL (kinto-elasticsearch's endpoint), answered from D1: keyword clauses
 * over the records' JSON, full text through FTS5 documents maintained in each write's
 * transaction, for the fields the collection declares in its `search` metadata.
 */
import type { Settings } from "../../config";
import { registerRoute } from "../../routes/register";
import { isIncluded, type Plugin } from "../plugin";
import { checkSearchWrite, searchMutations, textFieldsChanged } from "./listener";
import { rebuild, resumeRebuilds } from "./rebuild";
import { search } from "./route";
import { databaseOfUri, shardsOf } from "../../storage/shards";

const NAME = "kinto_edge.search";

export const searchPlugin: Plugin = {
  name: NAME,
  enabled: (settings) => isIncluded(settings, NAME),
  capabilities: () => ({
    search: {
      description: "Search records with a subset of the Elasticsearch query DSL, on D1.",
      url: "https://github.com/Kinto/kinto-elasticsearch",
    },
  }),
  onWrite: searchMutations,
  checkWrite: checkSearchWrite,
  async afterCommit(changes, env) {
    for (const change of changes) if (textFieldsChanged(change)) await rebuild(databaseOfUri(env, change.uri), change.uri);
  },
  maintenance: async (env) => {
    for (const db of shardsOf(env)) await resumeRebuilds(db);
  },
  register(app) {
    const enabled = (settings: Settings) => searchPlugin.enabled(settings);
    registerRoute(app, "/buckets/:bid/collections/:cid/search", { GET: search, POST: search }, { enabled });
  },
};
