/** `kinto.plugins.flush`: `POST /__flush__` wipes every table of every shard (contract §10.3). For tests and demos only. */
import { json } from "../http/respond";
import { registerRoute } from "../routes/register";
import { D1Storage } from "../storage/d1";
import { isIncluded, type Plugin } from "./plugin";
import { shardsOf } from "../storage/shards";

const NAME = "kinto.plugins.flush";

export const flushPlugin: Plugin = {
  name: NAME,
  enabled: (settings) => isIncluded(settings, NAME),
  capabilities: () => ({
    flush_endpoint: {
      description: "The __flush__ endpoint can be used to remove all data from all backends.",
      url: "https://kinto.readthedocs.io/en/latest/api/1.x/flush.html",
    },
  }),
  register(app) {
    registerRoute(
      app,
      "/__flush__",
      {
        POST: async (c) => {
          await Promise.all(shardsOf(c.env).map((db) => new D1Storage(db).flush()));
          return json(c, 202, {});
        },
      },
      { enabled: (settings) => flushPlugin.enabled(settings) },
    );
  },
};
